import assert from 'node:assert/strict'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import { loadPolicies } from '../../src/policy/loadPolicies.ts'
import { PolicyError } from '../../src/policy/PolicyError.ts'
import { parsePolicy } from '../../src/policy/parsePolicy.ts'
import { POLICY_DIR, shipped } from '../helpers/policies.ts'

const minimal = 'v: tml-policy/1\nprofile: t\npause:\n  timeout_ms: 1000\n'

function issuesOf(text: string) {
  try {
    parsePolicy({ text, file: 'p.yaml' })
  } catch (e) {
    assert.ok(e instanceof PolicyError)
    return e.issues.map((i) => `${i.line}:${i.column} ${i.path}: ${i.reason}`)
  }
  assert.fail('expected a PolicyError')
}

describe('shipped policies', () => {
  test('default: the six domain profiles and the agent tools profile load', () => {
    assert.deepEqual([...shipped.keys()].sort(), [
      'agent_tools',
      'autonomous_vehicles',
      'defense',
      'finance',
      'general',
      'legal',
      'medical',
    ])
  })

  test('behavior: thresholds follow the protocol', () => {
    const g = shipped.get('general')?.policy
    assert.equal(g?.ambiguity.entropyMax, 0.85)
    assert.deepEqual(g?.harm, { ambiguous: 0.4, critical: 0.9, required: true })
    assert.equal(shipped.get('medical')?.policy.ambiguity.confidenceMin, 0.85)
    assert.equal(shipped.get('legal')?.policy.ambiguity.confidenceMin, 0.99)
    assert.equal(shipped.get('defense')?.policy.ambiguity.confidenceMin, 0.999)
    assert.equal(shipped.get('autonomous_vehicles')?.policy.contextual.sensorIouMin, 0.5)
    assert.equal(shipped.get('autonomous_vehicles')?.policy.pause.timeoutMs, 100)
    assert.equal(shipped.get('finance')?.policy.contextual.volatilityMax, 0.05)
    assert.equal(shipped.get('finance')?.policy.contextual.volatilityWindowMs, 600_000)
  })

  test('behavior: every hash is distinct 32-byte hex', () => {
    const hashes = [...shipped.values()].map((p) => p.hash)
    for (const h of hashes) assert.match(h, /^0x[0-9a-f]{64}$/)
    assert.equal(new Set(hashes).size, hashes.length)
  })
})

describe('parsePolicy', () => {
  test('default: defaults applied to a minimal policy', () => {
    const { policy } = parsePolicy({ text: minimal, file: 'p.yaml' })
    assert.deepEqual(policy, {
      v: 'tml-policy/1',
      profile: 't',
      description: '',
      timing: 'deliberative',
      ambiguity: { tokenAggregate: 'mean', required: true },
      contextual: { volatilityWindowMs: 600_000 },
      rules: [],
      pause: {
        timeoutMs: 1000,
        perCaller: { capacity: 10, refillPerSecond: 0.1 },
        overall: { capacity: 100, refillPerSecond: 1 },
      },
      reviewers: [],
      piiFields: [],
    })
  })

  test('behavior: the hash ignores comments and layout, follows meaning', () => {
    const a = parsePolicy({ text: minimal, file: 'a' }).hash
    const b = parsePolicy({
      text: `# comment\nprofile: t   # same\nv: "tml-policy/1"\npause: { timeout_ms: 1000 }\n`,
      file: 'b',
    }).hash
    const c = parsePolicy({ text: minimal.replace('1000', '1001'), file: 'c' }).hash
    assert.equal(a, b)
    assert.notEqual(a, c)
  })

  test('behavior: reviewers are lower-cased', () => {
    const { policy } = parsePolicy({
      text: `${minimal}reviewers: ["0xABCDEF0123456789abcdef0123456789ABCDEF01"]\n`,
      file: 'p',
    })
    assert.deepEqual(policy.reviewers, ['0xabcdef0123456789abcdef0123456789abcdef01'])
  })

  test('behavior: every shipped file passes parsePolicy on its own', () => {
    for (const loaded of shipped.values()) assert.ok(loaded.file.startsWith(POLICY_DIR))
  })
})

describe('errors', () => {
  test('unknown member, reported at its name with file and line', () => {
    assert.deepEqual(issuesOf(`${minimal}harm:\n  ambiguous: 0.4\n  critcal: 0.9\n`), [
      '7:3 harm.critcal: unknown member "critcal" (allowed: ambiguous, critical, required)',
      '6:3 harm.critical: missing (required)',
    ])
  })

  test('wrong type and range', () => {
    assert.deepEqual(
      issuesOf(`${minimal}ambiguity:\n  entropy_max: high\n  confidence_min: 1.5\n`),
      [
        '6:16 ambiguity.entropy_max: must be a number, got "high"',
        '7:19 ambiguity.confidence_min: must be between 0 and 1, got 1.5',
      ],
    )
  })

  test('ambiguous above critical', () => {
    assert.deepEqual(issuesOf(`${minimal}harm: { ambiguous: 0.95, critical: 0.9 }\n`), [
      '5:20 harm.ambiguous: ambiguous (0.95) must not be above critical (0.9)',
    ])
  })

  test('YAML syntax error and duplicate key carry their line', () => {
    assert.match(issuesOf('v: tml-policy/1\nprofile: [unclosed\n')[0] ?? '', /^\d+:\d+ : /)
    const dup = issuesOf(`${minimal}profile: u\n`)
    assert.equal(dup.length, 1)
    assert.match(dup[0] ?? '', /^5:1 : Map keys must be unique/)
  })

  test('missing pause and wrong version', () => {
    assert.deepEqual(issuesOf('v: tml-policy/2\nprofile: t\n'), [
      '1:4 v: must be "tml-policy/1", got "tml-policy/2"',
      '1:1 pause: missing (a mapping is required)',
    ])
  })

  test('rules: operator, field root, outcome, duplicate id', () => {
    const text = `${minimal}rules:
  - id: a
    outcome: 0
    reason: r
    when: { field: secrets.x, eq: 1 }
  - id: a
    outcome: 1
    reason: r
    when: { field: context.x, like: 1 }
  - id: b
    outcome: -1
    reason: r
    trigger: HARM
    mandate: human_rights
    when: { all: [] }
`
    assert.deepEqual(issuesOf(text), [
      '9:20 rules.0.when.field: must be a dot path under input, output, context or signals, got "secrets.x"',
      '11:14 rules.1.outcome: must be one of 0, -1, got 1',
      '13:31 rules.1.when.like: unknown operator "like" (one of eq, ne, gt, gte, lt, lte, in, not_in, exists, contains, starts_with, within, not_within)',
      '18:14 rules.2.mandate: only a rule with trigger MANDATE names a mandate',
      '19:18 rules.2.when.all: must list at least one condition',
    ])
  })

  test('bad reviewer address and pii field', () => {
    assert.deepEqual(issuesOf(`${minimal}reviewers: [0x1234, "0x12"]\npii_fields: [secret]\n`), [
      '5:13 reviewers.0: write the address in quotes: YAML reads an unquoted 0x… as a number',
      '5:21 reviewers.1: must be an address (0x and 40 hex digits), got "0x12"',
      '6:14 pii_fields.0: must be a dot path under input, output or context, got "secret"',
    ])
  })

  test('an empty document', () => {
    assert.deepEqual(issuesOf(''), ['1:1 : the document is empty'])
  })

  test('loadPolicies: two files for one profile, and every broken file listed', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tml-policy-'))
    writeFileSync(join(dir, 'a.yaml'), minimal)
    writeFileSync(join(dir, 'b.yaml'), minimal)
    writeFileSync(join(dir, 'c.yml'), 'v: 1\n')
    writeFileSync(join(dir, 'ignored.txt'), 'not yaml: [')
    assert.throws(
      () => loadPolicies({ paths: [dir] }),
      (e: unknown) => {
        assert.ok(e instanceof PolicyError)
        assert.deepEqual(
          e.issues.map((i) => [i.file.slice(dir.length + 1), i.line, i.reason.slice(0, 30)]),
          [
            ['b.yaml', 1, 'profile "t" is already defined'],
            ['c.yml', 1, 'must be "tml-policy/1", got 1'],
            ['c.yml', 1, 'missing (required)'],
            ['c.yml', 1, 'missing (a mapping is required'],
          ],
        )
        assert.match(
          e.message,
          /^Invalid policy .*b\.yaml:1:1: profile: profile "t" is already defined/,
        )
        return true
      },
    )
  })
})
