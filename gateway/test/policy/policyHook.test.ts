// verification.hook in a policy: the URL is checked like every other member, errors at
// file:line:column.
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { PolicyError } from '../../src/policy/PolicyError.ts'
import { parsePolicy } from '../../src/policy/parsePolicy.ts'

const minimal = 'v: tml-policy/1\nprofile: t\npause:\n  timeout_ms: 1000\n'
const withHook = (hook: string) => `${minimal}verification:\n  hook: ${hook}\n`

function issuesOf(text: string): string[] {
  try {
    parsePolicy({ text, file: 'p.yaml' })
  } catch (e) {
    assert.ok(e instanceof PolicyError)
    return e.issues.map((i) => `${i.file}:${i.line}:${i.column} ${i.path}: ${i.reason}`)
  }
  assert.fail('the policy was accepted')
}

describe('policy verification.hook', () => {
  test('behavior: an http URL with a timeout; the verifier id is the URL without its query', () => {
    const { policy } = parsePolicy({
      text: withHook('{ url: "http://127.0.0.1:9000/verify?team=a", timeout_ms: 2500 }'),
      file: 'p.yaml',
    })
    assert.deepEqual(policy.verification, {
      hook: {
        url: 'http://127.0.0.1:9000/verify?team=a',
        timeoutMs: 2500,
        verifier: 'http://127.0.0.1:9000/verify',
      },
    })
  })

  test('behavior: https, and the timeout defaults to 2000 ms', () => {
    const { policy } = parsePolicy({
      text: withHook('{ url: "https://verifier.example/v1/check" }'),
      file: 'p.yaml',
    })
    assert.equal(policy.verification?.hook.timeoutMs, 2000)
    assert.equal(policy.verification?.hook.verifier, 'https://verifier.example/v1/check')
  })

  test('behavior: a policy without it has no hook', () => {
    assert.equal(parsePolicy({ text: minimal, file: 'p.yaml' }).policy.verification, undefined)
  })

  test('error: URLs that are not absolute http(s), carry credentials or a fragment', () => {
    assert.deepEqual(issuesOf(withHook('{ url: "ftp://127.0.0.1/verify" }')), [
      'p.yaml:6:16 verification.hook.url: must be an http or https URL, got scheme "ftp"',
    ])
    assert.deepEqual(issuesOf(withHook('{ url: "/verify" }')), [
      'p.yaml:6:16 verification.hook.url: must be an absolute http or https URL, got "/verify"',
    ])
    assert.deepEqual(issuesOf(withHook('{ url: "http://me:pw@127.0.0.1/verify" }')), [
      'p.yaml:6:16 verification.hook.url: must not carry credentials (user:password@): a policy is not a secret store',
    ])
    assert.deepEqual(issuesOf(withHook('{ url: "http://127.0.0.1/verify#x" }')), [
      'p.yaml:6:16 verification.hook.url: must not have a fragment (#…): it is never sent',
    ])
    assert.match(
      issuesOf(withHook('{ url: "http://[::1]:9000/verify" }'))[0] ?? '',
      /^p\.yaml:6:16 verification\.hook\.url: "http:\/\/\[::1\]:9000\/verify" names the hook in resolution MTLs/,
    )
  })

  test('error: wrong types, missing url, unknown members, timeout out of range', () => {
    assert.deepEqual(issuesOf(withHook('{ url: 9000 }')), [
      'p.yaml:6:16 verification.hook.url: must be a string, got 9000',
    ])
    assert.deepEqual(issuesOf(withHook('{ timeout_ms: 100 }')), [
      'p.yaml:6:9 verification.hook.url: missing (required)',
    ])
    assert.deepEqual(issuesOf(withHook('{ url: "http://h/v", timeoutMs: 100 }')), [
      'p.yaml:6:30 verification.hook.timeoutMs: unknown member "timeoutMs" (allowed: url, timeout_ms)',
    ])
    assert.deepEqual(issuesOf(withHook('{ url: "http://h/v", timeout_ms: 0 }')), [
      'p.yaml:6:42 verification.hook.timeout_ms: must be between 1 and 600000, got 0',
    ])
    assert.deepEqual(issuesOf(`${minimal}verification: {}\n`), [
      'p.yaml:5:15 verification.hook: missing (a mapping is required)',
    ])
  })

  test('error: a hook in code and a hook by URL in one profile', () => {
    const text = `${minimal}  verification_hook: precedents\nverification:\n  hook: { url: "http://h/v" }\n`
    assert.deepEqual(issuesOf(text), [
      'p.yaml:7:3 verification.hook: a profile has one verification hook: remove pause.verification_hook (a hook configured in code) or verification.hook',
    ])
  })
})
