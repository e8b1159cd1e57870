import { render, screen } from '@testing-library/react'
import type { ProofVerdict } from '@tml/core'
import { generateVaultKeyPair } from '@tml/gateway/vault/hpkeSuite'
import { describe, expect, test } from 'vitest'
import { AuditError } from '../../src/audit/AuditError.ts'
import { accessChains } from '../../src/audit/accessChains.ts'
import { accessRequestArgs, wholeNumber } from '../../src/audit/accessRequest.ts'
import {
  auditorKeyFileText,
  auditorPublicKey,
  loadAuditorKey,
  parseAuditorKeyFile,
} from '../../src/audit/auditorKey.ts'
import { describeGrantStatus, type GrantInfo, grantStatus } from '../../src/audit/grantStatus.ts'
import { ReplayReport } from '../../src/audit/ReplayReport.tsx'
import type { BrowserReplay } from '../../src/audit/replayInBrowser.ts'
import { readChainEntry } from '../../src/config/readChainEntry.ts'
import { fixtureConfig } from '../fixtures.ts'

const logId = `0x${'11'.repeat(32)}` as const
const publicKey = `0x${'22'.repeat(32)}` as const

function info(overrides: Partial<GrantInfo> = {}): GrantInfo {
  return {
    logId,
    auditorKey: publicKey,
    auditor: '0x0000000000000000000000000000000000000004',
    requestedAt: 1_000n,
    custodyVersion: 1,
    approvals: 0,
    threshold: 2,
    fromEpoch: 1n,
    toEpoch: 3n,
    duration: 3600n,
    approvedAt: 0n,
    ...overrides,
  }
}

describe('auditor key', () => {
  test('behavior: a generated key file loads back to the same pair (public half derived here)', async () => {
    const pair = await generateVaultKeyPair()
    const text = auditorKeyFileText(pair.privateKey)
    expect(text).toBe(`${pair.privateKey}\n`)
    expect(await loadAuditorKey(text)).toEqual(pair)
    // As `tml custodian keygen --out` writes it, or without 0x, in capitals, with blanks.
    expect(parseAuditorKeyFile(`  ${pair.privateKey.slice(2).toUpperCase()}\r\n`)).toBe(
      pair.privateKey,
    )
    expect(await auditorPublicKey(pair.privateKey)).toBe(pair.publicKey)
  })

  test('errors: a file that is not a 32-byte hex key is refused, naming the format', () => {
    for (const text of ['', 'hello', `0x${'ab'.repeat(31)}`, `0x${'ab'.repeat(33)}`]) {
      expect(() => parseAuditorKeyFile(text)).toThrow(AuditError)
      expect(() => parseAuditorKeyFile(text)).toThrow(/X25519 private key \(64 hex digits\)/)
    }
  })
})

describe('accessRequestArgs', () => {
  const form = {
    logId: ` ${logId.toUpperCase().replace('0X', '0x')} `,
    fromEpoch: '2',
    toEpoch: '5',
    durationS: '3600',
    auditorKey: publicKey,
  }

  test('default: the form as requestAccess arguments', () => {
    expect(accessRequestArgs(form)).toEqual([logId, 2n, 5n, 3600n, publicKey])
  })

  test('errors: what the contract would revert on is refused before the wallet is asked', () => {
    const refused = (change: Partial<typeof form> | { auditorKey: undefined }, message: RegExp) =>
      expect(() => accessRequestArgs({ ...form, ...change })).toThrow(message)
    refused({ logId: '0x1234' }, /log id must be 32 bytes/)
    refused({ fromEpoch: '0' }, /from 1 upwards, first ≤ last: got 0 to 5/)
    refused({ fromEpoch: '6' }, /got 6 to 5/)
    refused({ toEpoch: 'three' }, /the last epoch must be a whole number, got "three"/)
    refused({ durationS: '0' }, /1 s to 365 days/)
    refused({ durationS: String(366 * 86400) }, /1 s to 365 days/)
    refused({ auditorKey: undefined }, /generate or load your auditor key first/)
    expect(() => wholeNumber('-1', 'the grant id')).toThrow(/the grant id must be a whole number/)
  })
})

describe('grantStatus', () => {
  test('behavior: waiting, live until approvedAt + duration (exclusive), expired, missing', () => {
    expect(grantStatus({ grantId: 1n, info: info(), chainTime: 5_000n }).state).toBe('waiting')
    const approved = info({ approvals: 2, approvedAt: 2_000n })
    const live = grantStatus({ grantId: 1n, info: approved, chainTime: 5_599n })
    expect(live).toMatchObject({ state: 'live', expiresAt: 5_600n })
    expect(grantStatus({ grantId: 1n, info: approved, chainTime: 5_600n }).state).toBe('expired')
    expect(
      grantStatus({ grantId: 9n, info: info({ custodyVersion: 0 }), chainTime: 1n }).state,
    ).toBe('missing')
  })

  test('default: the status in words, approvals k of n and expiry', () => {
    const at = (s: number) => new Date(s * 1000).toISOString()
    expect(
      describeGrantStatus(
        grantStatus({ grantId: 1n, info: info({ approvals: 1 }), chainTime: 1n }),
      ),
    ).toBe(
      'Waiting for the custodians: approved by 1 of the 2 custodians needed; once live it lasts 3600 s.',
    )
    const approved = info({ approvals: 2, approvedAt: 2_000n })
    expect(
      describeGrantStatus(grantStatus({ grantId: 1n, info: approved, chainTime: 3_000n })),
    ).toBe(`Live: approved by 2 of the 2 custodians needed; expires ${at(5_600)}.`)
    expect(
      describeGrantStatus(grantStatus({ grantId: 1n, info: approved, chainTime: 9_000n })),
    ).toMatch(
      /^Expired .*: custodians release nothing more \(epoch keys already released stay with the auditor\)\.$/,
    )
    expect(
      describeGrantStatus(
        grantStatus({ grantId: 7n, info: info({ custodyVersion: 0 }), chainTime: 1n }),
      ),
    ).toBe('No grant 7 in this AccessRegistry.')
  })
})

describe('accessChains', () => {
  test('behavior: only configured chains with an RPC URL and an AccessRegistry', () => {
    const config = fixtureConfig()
    expect(accessChains(config)).toEqual([])
    const [first, second] = config.chains
    if (first === undefined || second === undefined) throw new Error('fixture')
    first.accessRegistry = { address: '0x0000000000000000000000000000000000000003', blockNumber: 3 }
    second.accessRegistry = {
      address: '0x0000000000000000000000000000000000000005',
      blockNumber: 3,
    }
    second.rpcUrl = undefined
    expect(accessChains(config).map((c) => c.chainId)).toEqual([first.chainId])
  })

  test('default: a deployment file’s AccessRegistry is read into the configuration', () => {
    const { entry, issues } = readChainEntry(
      {
        chainId: 31337,
        contracts: {
          AccessRegistry: { address: '0x9fe46736679d2d9a65f0992f2272de9f3c7fa6e0', blockNumber: 3 },
        },
      },
      'deployments/ethereumLocal.json',
    )
    expect(issues).toEqual([])
    expect(entry?.accessRegistry).toEqual({
      address: '0x9fE46736679d2D9a65F0992F2272dE9f3c7fa6e0',
      blockNumber: 3,
    })
  })
})

describe('ReplayReport', () => {
  const replay = (identical: boolean): BrowserReplay =>
    ({
      result: {
        trace_id: 'trace-1',
        seq: 4,
        kind: 'decision',
        identical,
        differences: identical
          ? []
          : [
              { path: '$.state', recorded: 1, replayed: -1 },
              { path: '$.causal_graph[1]', recorded: undefined, replayed: { id: 'check:harm' } },
            ],
        replayed: {
          state: identical ? 1 : -1,
          trigger_type: 'NONE',
          trigger_detail: 'all scores within thresholds',
          metrics: { harm: 0.01 },
          causal_graph: [],
        },
        taken_from_record: ["time: the MTL's timestamp 2026-01-01T00:00:00.000Z"],
        notes: [],
      },
      verdict: { anchoredOn: [{ chainId: 31337, blockNumber: 12n }] } as unknown as ProofVerdict,
      record: {
        v: 'tml-vault/1',
        trace_id: 'trace-1',
        evidence: '{"context":{},"input":{"text":"hi"},"signals":{"harm":0.01}}',
        output: null,
        scores: { harm: 0.01 },
        rationale: null,
        personal: null,
      },
    }) as unknown as BrowserReplay

  test('default: identical, with the checks passed and the decrypted case', () => {
    const { container } = render(<ReplayReport replay={replay(true)} />)
    expect(container.querySelector('[data-replay]')?.getAttribute('data-replay')).toBe('identical')
    expect(screen.getByText(/^Identical: the engine, re-run here/).textContent).toMatch(
      /gives state 1, trigger NONE/,
    )
    expect(container.textContent).toMatch(/anchored on chain 31337 block 12\./)
    expect(container.textContent).toMatch(/From the record: time: the MTL's timestamp/)
    expect(JSON.parse(container.querySelector('[data-case-evidence]')?.textContent ?? '')).toEqual({
      context: {},
      input: { text: 'hi' },
      signals: { harm: 0.01 },
    })
  })

  test('behavior: each difference with its JSON path; a side without a value is "(absent)"', () => {
    const { container } = render(<ReplayReport replay={replay(false)} />)
    expect(container.querySelector('[data-replay]')?.getAttribute('data-replay')).toBe('different')
    const rows = [...container.querySelectorAll('[data-differences] tbody tr')].map((r) =>
      [...r.querySelectorAll('td')].map((td) => td.textContent),
    )
    expect(rows).toEqual([
      ['$.state', '1', '-1'],
      ['$.causal_graph[1]', '(absent)', '{"id":"check:harm"}'],
    ])
  })
})
