import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { Ajv2020 } from 'ajv/dist/2020.js'
import { accessRecordProblems } from '../../src/mtl/accessRecordProblems.ts'
import { ACCESS_EVENT_FIELDS, ACCESS_SUBJECT } from '../../src/mtl/accessSchema.ts'
import { accessTraceId } from '../../src/mtl/accessTraceId.ts'
import { ACCESS_EVENTS } from '../../src/mtl/constants.ts'
import { hashMtl } from '../../src/mtl/hashMtl.ts'
import { mtlSchema } from '../../src/mtl/mtlSchema.ts'
import type { MtlAccess, MtlAccessDetail } from '../../src/mtl/types.ts'
import { validateMtl } from '../../src/mtl/validateMtl.ts'
import { sampleAccessMtl as derivedAccessMtl, SAMPLE_LOG_ID, sampleHash } from '../fixtures/mtl.ts'

const CONTRACT = '0x9fe46736679d2d9a65f0992f2272de9f3c7fa6e0'
const AUDITOR = '0x976ea74026e726554db657fa54763abd0c3a0aa9'
const CUSTODIAN = '0x90f79bf6eb2c4f870365e785982e1f101e93b906'

/** Each event's own members, as the gateway copies them from the chain. */
const OWN: Record<(typeof ACCESS_EVENTS)[number], Partial<MtlAccessDetail>> = {
  CustodiansDeclared: {
    custody_version: 1,
    threshold: 2,
    custodians: [CUSTODIAN, AUDITOR],
    custodian_keys: [sampleHash('x25519 a'), sampleHash('x25519 b')],
  },
  AccessRequested: {
    grant_id: 1,
    auditor: AUDITOR,
    auditor_key: sampleHash('auditor x25519'),
    from_epoch: 1,
    to_epoch: 3,
    duration: 3600,
  },
  AccessApproved: { grant_id: 1, custodian: CUSTODIAN, approvals: 1 },
  AccessGranted: { grant_id: 1, approved_at: 1_760_000_000, expires_at: 1_760_003_600 },
  ShareReleased: {
    grant_id: 1,
    epoch: 2,
    custodian: CUSTODIAN,
    share_index: 0,
    wrapped_share_hash: sampleHash('wrapped share'),
  },
}

function sampleAccessMtl(
  event: (typeof ACCESS_EVENTS)[number] = 'AccessRequested',
  detail: Partial<MtlAccessDetail> = {},
): MtlAccess {
  const txHash = sampleHash(`tx ${event}`)
  return {
    v: 'mtl/1',
    log_id: SAMPLE_LOG_ID,
    seq: 7,
    trace_id: accessTraceId({ chainId: 31337, contract: CONTRACT, txHash, logIndex: 0 }),
    timestamp: '2026-12-07T06:00:00.000Z',
    kind: 'access',
    state: 1,
    trigger_type: 'MANUAL',
    trigger_detail: `${event} on chain 31337`,
    metrics: {},
    policy_hash: sampleHash('policy set'),
    model: { id: 'tml-gateway', version_hash: `0x${'0'.repeat(64)}` },
    input_hash: sampleHash('access detail'),
    output_hash: null,
    subject: ACCESS_SUBJECT,
    causal_graph: [],
    access: {
      event,
      chain_id: 31337,
      contract: CONTRACT,
      tx_hash: txHash,
      block_number: 12,
      log_index: 0,
      ...OWN[event],
      ...detail,
    } as MtlAccessDetail,
  }
}

const ajv = new Ajv2020({ strict: true, strictTypes: false, allErrors: true })
ajv.addFormat('date-time', { type: 'string', validate: () => true })
const ajvValidate = ajv.compile(mtlSchema)

const issuesAt = (value: unknown, path: string): boolean => {
  const result = validateMtl(value)
  return !result.valid && result.issues.some((i) => i.path === path)
}

describe('validateMtl: access records', () => {
  for (const event of ACCESS_EVENTS) {
    it(`default: accepts a ${event} record (and Ajv agrees), and hashes it`, () => {
      const mtl = sampleAccessMtl(event)
      const result = validateMtl(mtl)
      assert.equal(result.valid, true, JSON.stringify(!result.valid && result.issues))
      assert.equal(ajvValidate(mtl), true, JSON.stringify(ajvValidate.errors))
      assert.equal(hashMtl(mtl).length, 32)
    })
  }

  it('behavior: every event lists its own members, all of them known to the detail schema', () => {
    assert.deepEqual(Object.keys(ACCESS_EVENT_FIELDS).sort(), [...ACCESS_EVENTS].sort())
  })

  const invalid: { desc: string; value: unknown; path: string }[] = [
    { desc: 'state other than 1', value: { ...sampleAccessMtl(), state: 0 }, path: '$.state' },
    {
      desc: 'a trigger other than MANUAL',
      value: { ...sampleAccessMtl(), trigger_type: 'HARM' },
      path: '$.trigger_type',
    },
    {
      desc: 'an output hash',
      value: { ...sampleAccessMtl(), output_hash: sampleHash('o') },
      path: '$.output_hash',
    },
    {
      desc: 'a data subject',
      value: { ...sampleAccessMtl(), subject: `psn:${sampleHash('s').slice(2)}` },
      path: '$.subject',
    },
    {
      desc: 'no access member',
      value: (() => {
        const { access: _, ...rest } = sampleAccessMtl()
        return rest
      })(),
      path: '$.access',
    },
    {
      desc: 'an unknown event',
      value: sampleAccessMtl('AccessRequested', { event: 'AccessRevoked' as never }),
      path: '$.access.event',
    },
    {
      desc: 'a mixed-case (EIP-55) address: one spelling only',
      value: sampleAccessMtl('AccessRequested', {
        auditor: '0x976EA74026E726554dB657fA54763abd0C3a0aa9',
      }),
      path: '$.access.auditor',
    },
    {
      desc: 'a request without its epoch range',
      value: (() => {
        const mtl = sampleAccessMtl('AccessRequested')
        delete mtl.access.to_epoch
        return mtl
      })(),
      path: '$.access.to_epoch',
    },
    {
      desc: 'a release without the chain coordinates',
      value: (() => {
        const mtl = sampleAccessMtl('ShareReleased')
        delete (mtl.access as Partial<MtlAccessDetail>).log_index
        return mtl
      })(),
      path: '$.access.log_index',
    },
    {
      desc: "a member of another event (an approval carrying a release's epoch)",
      value: sampleAccessMtl('AccessApproved', { epoch: 3 }),
      path: '$.access.epoch',
    },
    {
      desc: 'the wrapped share itself instead of its hash',
      value: sampleAccessMtl('ShareReleased', { wrapped_share: '0x00' } as never),
      path: '$.access.wrapped_share',
    },
    {
      desc: 'a share index past the 32 custodians',
      value: sampleAccessMtl('ShareReleased', { share_index: 32 }),
      path: '$.access.share_index',
    },
  ]
  for (const { desc, value, path } of invalid) {
    it(`errors: rejects ${desc} (at ${path}), and Ajv agrees`, () => {
      assert.ok(issuesAt(value, path), JSON.stringify(validateMtl(value)))
      assert.equal(ajvValidate(value), false)
    })
  }
})

describe('accessTraceId', () => {
  const event = {
    chainId: 31337,
    contract: CONTRACT,
    txHash: sampleHash('tx'),
    logIndex: 3,
  }

  it('default: a lower-case RFC 9562 version 8 UUID that validateMtl accepts as a trace id', () => {
    const id = accessTraceId(event)
    assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
    assert.equal(validateMtl({ ...sampleAccessMtl(), trace_id: id }).valid, true)
  })

  it('behavior: the same event gives the same id whatever the address case', () => {
    assert.equal(
      accessTraceId(event),
      accessTraceId({ ...event, contract: '0x9fE46736679d2D9a65F0992F2272dE9f3c7fa6e0' }),
    )
  })

  it('behavior: another chain, contract, transaction or log index gives another id', () => {
    const ids = new Set([
      accessTraceId(event),
      accessTraceId({ ...event, chainId: 31338 }),
      accessTraceId({ ...event, contract: AUDITOR }),
      accessTraceId({ ...event, txHash: sampleHash('tx 2') }),
      accessTraceId({ ...event, logIndex: 4 }),
    ])
    assert.equal(ids.size, 5)
  })
})

describe('accessRecordProblems', () => {
  it('a record as the gateway derives it has none', () => {
    assert.deepEqual(accessRecordProblems(derivedAccessMtl()), [])
  })

  it('errors: a trace id of another event, or a member that is not the hashed one, is named', () => {
    const other = derivedAccessMtl()
    const swapped = { ...other, trace_id: derivedAccessMtl({}).trace_id.replace(/^./, '0') }
    assert.match(accessRecordProblems(swapped)[0] ?? '', /is not the id of the event it claims/)
    // The member says grant 2 while input_hash is grant 1's: a record rewritten after hashing.
    const rewritten = { ...other, access: { ...other.access, grant_id: 2 } }
    assert.deepEqual(
      accessRecordProblems(rewritten).map((p) => p.split(' ')[0]),
      ['input_hash'],
    )
    // Another log index is another event: both the id and the hash disagree.
    const moved = { ...other, access: { ...other.access, log_index: 1 } }
    assert.equal(accessRecordProblems(moved).length, 2)
  })

  it('errors: never throws on hostile values', () => {
    for (const value of [{}, { access: null }, { access: { chain_id: '1' } }, { access: [] }])
      assert.equal(accessRecordProblems(value as never).length, 1)
  })
})
