import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { formatPolicyIssue, PolicyError } from '../../src/policy/PolicyError.ts'
import { parsePolicy } from '../../src/policy/parsePolicy.ts'

// `require_model_hash` and `pause.escalation_target`: what they set, and file:line:column errors
// for values that would make a misleading MTL.

const base = (extra: string, pause = '') =>
  `v: tml-policy/1\nprofile: t\n${extra}pause:\n  timeout_ms: 1000\n${pause}`

function issuesOf(text: string): string[] {
  try {
    parsePolicy({ text, file: 'p.yaml' })
  } catch (e) {
    assert.ok(e instanceof PolicyError)
    return e.issues.map(formatPolicyIssue)
  }
  assert.fail('expected a PolicyError')
}

describe('policy: require_model_hash and pause.escalation_target', () => {
  test('default: neither is set unless written', () => {
    const { policy } = parsePolicy({ text: base(''), file: 'p.yaml' })
    assert.equal(policy.requireModelHash, undefined)
    assert.equal(policy.pause.escalationTarget, undefined)
  })

  test('behavior: both are read as written', () => {
    const { policy } = parsePolicy({
      text: base('require_model_hash: true\n', '  escalation_target: clinical-review-board\n'),
      file: 'p.yaml',
    })
    assert.equal(policy.requireModelHash, true)
    assert.equal(policy.pause.escalationTarget, 'clinical-review-board')
  })

  test('error: a non-boolean requirement is refused at its line', () => {
    assert.deepEqual(issuesOf(base('require_model_hash: "yes"\n')), [
      'p.yaml:3:21: require_model_hash: must be true or false, got "yes"',
    ])
  })

  test('error: an escalation target that is a name with spaces is refused at its line', () => {
    const [issue] = issuesOf(base('', '  escalation_target: Dr Jane Doe\n'))
    assert.match(issue ?? '', /^p\.yaml:5:22: pause\.escalation_target: must be a role or group id/)
  })

  test('error: a misspelt member is named, with the allowed ones', () => {
    const [issue] = issuesOf(base('', '  escalate_to: board\n'))
    assert.match(issue ?? '', /^p\.yaml:5:3: pause\.escalate_to: unknown member "escalate_to"/)
    assert.match(issue ?? '', /escalation_target/)
  })
})
