// The sealed evidence vault's cost in the commit worker (part of `npm run bench:gateway`, or alone
// with `--vault-only`): `sealUs`, sealing one decision record (XChaCha20-Poly1305 under the epoch
// key, the envelope and its SHA-256), timed on one quiet thread as the worker runs it.
import { randomBytes } from 'node:crypto'
import { canonicalize, type Hex } from '@tml/core'
import { sealEvidence } from '../gateway/src/vault/sealEvidence.ts'
import type { VaultPayload } from '../gateway/src/vault/VaultPayload.ts'
import { median } from './stats.ts'

const LOG_ID = `0x${'ab'.repeat(32)}` as Hex

/** Microseconds per sealed record (medians of 5 timed repetitions). */
export type SealCosts = {
  /** A decision of the benchmark's body, without subject (no personal layer). */
  sealUs: number
  /** The same with a subject: the personal layer under the subject's key as well. */
  sealWithSubjectUs: number
  /** Bytes of the envelope of the first. */
  envelopeBytes: number
}

/**
 * Times `sealEvidence` on the benchmark's decision (`{ text: 'hello' }`, two signals), with and
 * without a subject's personal layer.
 *
 * @example
 * const { sealUs } = sealCosts({ quick: true })
 */
export function sealCosts({ quick }: { quick: boolean }): SealCosts {
  const key = new Uint8Array(randomBytes(32))
  const evidence = canonicalize({
    context: {},
    input: { text: 'hello' },
    signals: { confidence: 0.99, harm: 0.01 },
  })
  const payload = { output: null, scores: { confidence: 0.99, harm_score: 0.01 }, rationale: null }
  const anonymous: VaultPayload = { ...payload, personal: null, subjectSecret: null }
  const withSubject: VaultPayload = {
    ...payload,
    personal: JSON.stringify({ subject: 'patient-42', fields: { 'input.name': 'Ada' } }),
    subjectSecret: `0x${randomBytes(32).toString('hex')}` as Hex,
  }
  const n = quick ? 2000 : 20_000
  const time = (p: VaultPayload) => {
    const runs: number[] = []
    for (let r = 0; r < 6; r++) {
      const start = performance.now()
      for (let i = 0; i < n; i++)
        sealEvidence({
          logId: LOG_ID,
          seq: i,
          traceId: '0190aaaa-0000-7000-8000-000000000000',
          epoch: 1,
          key,
          evidence,
          releasedOutput: null,
          payload: p,
        })
      // The first repetition warms the JIT and is not counted.
      if (r > 0) runs.push(((performance.now() - start) * 1000) / n)
    }
    return Math.round(median(runs) * 100) / 100
  }
  const { envelope } = sealEvidence({
    logId: LOG_ID,
    seq: 0,
    traceId: '0190aaaa-0000-7000-8000-000000000000',
    epoch: 1,
    key,
    evidence,
    releasedOutput: null,
    payload: anonymous,
  })
  return {
    sealUs: time(anonymous),
    sealWithSubjectUs: time(withSubject),
    envelopeBytes: envelope.length,
  }
}
