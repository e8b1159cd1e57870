// The sealed evidence vault's cost in the commit worker (part of `npm run bench:gateway`, or alone
// with `--vault-only`): `sealUs`, sealing one decision record as the worker does, in its commit
// batch (the record's text, then one XChaCha20-Poly1305 envelope under the epoch key and its
// SHA-256 for the batch), timed on one quiet thread.
import { randomBytes } from 'node:crypto'
import { xchacha20poly1305 } from '@noble/ciphers/chacha.js'
import { canonicalize, type Hex } from '@tml/core'
import { sealEvidenceBatch, vaultRecordText } from '../gateway/src/vault/sealEvidence.ts'
import type { VaultPayload } from '../gateway/src/vault/VaultPayload.ts'
import { vaultAad } from '../gateway/src/vault/vaultAad.ts'
import { xchachaSeal } from '../gateway/src/vault/xchacha20poly1305.ts'
import { median } from './stats.ts'

const LOG_ID = `0x${'ab'.repeat(32)}` as Hex

/** Records per sealed batch in `sealUs`: a group commit under load holds 16 to 25. */
const BATCH = 16

/** Microseconds per sealed record (medians of 5 timed repetitions). */
export type SealCosts = {
  /** A decision of the benchmark's body, without subject (no personal layer), in a batch of 16. */
  sealUs: number
  /** The same record alone in its batch: a commit of one, as at low load. */
  sealAloneUs: number
  /** The first with a subject: the personal layer under the subject's key as well. */
  sealWithSubjectUs: number
  /** Records per batch in `sealUs` and `sealWithSubjectUs`. */
  batch: number
  /** Bytes of the envelope of a batch of one, and of a batch of 16. */
  envelopeBytes: number
  batchEnvelopeBytes: number
  /**
   * The AEAD alone on that record's plaintext, in the same run: node's OpenSSL ChaCha20-Poly1305
   * under the HChaCha20 subkey (what the vault seals with) and `@noble/ciphers`' pure JavaScript
   * `xchacha20poly1305` (what it sealed with before; the same bytes).
   */
  aeadUs: { node: number; noble: number }
  /**
   * The same four figures in CPU time of the timing thread (`process.threadCpuUsage`), medians
   * too: on a shared machine wall time also counts the time other processes held the CPU.
   */
  cpuUs: {
    seal: number
    sealAlone: number
    sealWithSubject: number
    aeadNode: number
    aeadNoble: number
  }
}

/**
 * Times the commit worker's sealing (`vaultRecordText` per record, `sealEvidenceBatch` per batch)
 * on the benchmark's decision (`{ text: 'hello' }`, two signals), per record, in a batch of 16 and
 * alone, with and without a subject's personal layer.
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
  const round2 = (x: number) => Math.round(x * 100) / 100
  const cpu: number[] = []
  const timeOf = (fn: (i: number) => unknown) => {
    const runs: number[] = []
    const cpuRuns: number[] = []
    for (let r = 0; r < 6; r++) {
      const cpuStart = process.threadCpuUsage()
      const start = performance.now()
      for (let i = 0; i < n; i++) fn(i)
      const wallUs = (performance.now() - start) * 1000
      const used = process.threadCpuUsage(cpuStart)
      // The first repetition warms the JIT and is not counted.
      if (r > 0) {
        runs.push(wallUs / n)
        cpuRuns.push((used.user + used.system) / n)
      }
    }
    cpu.push(round2(median(cpuRuns)))
    return round2(median(runs))
  }
  // A batch of `size` records from `seq`, sealed as `sealBatch` does with the vault on.
  const sealBatchOf = (p: VaultPayload, size: number, seq: number) =>
    sealEvidenceBatch({
      logId: LOG_ID,
      epoch: 1,
      key,
      records: Array.from({ length: size }, (_, j) => ({
        seq: seq + j,
        text: vaultRecordText({
          logId: LOG_ID,
          seq: seq + j,
          traceId: '0190aaaa-0000-7000-8000-000000000000',
          evidence,
          releasedOutput: null,
          payload: p,
        }),
      })),
    })
  // Per record: `n` records in batches of `size`.
  const time = (p: VaultPayload, size: number) =>
    timeOf((i) => {
      if (i % size === 0) sealBatchOf(p, size, i)
    })
  const { envelope } = sealBatchOf(anonymous, 1, 0)
  const batchEnvelopeBytes = sealBatchOf(anonymous, BATCH, 0).envelope.length
  // One record's plaintext has the length of its envelope without header and tag.
  const plaintext = new Uint8Array(randomBytes(envelope.length - 49 - 16))
  const nonce = new Uint8Array(randomBytes(24))
  const aad = vaultAad({ layer: 'batch', logId: LOG_ID, seq: 1, lastSeq: 1, epoch: 1 })
  const sealUs = time(anonymous, BATCH)
  const sealAloneUs = time(anonymous, 1)
  const sealWithSubjectUs = time(withSubject, BATCH)
  const aeadUs = {
    node: timeOf(() => xchachaSeal({ key, nonce, aad, plaintext })),
    noble: timeOf(() => xchacha20poly1305(key, nonce, aad).encrypt(plaintext)),
  }
  const [seal, sealAlone, sealWithSubject, aeadNode, aeadNoble] = cpu as number[] as [
    number,
    number,
    number,
    number,
    number,
  ]
  return {
    sealUs,
    sealAloneUs,
    sealWithSubjectUs,
    batch: BATCH,
    envelopeBytes: envelope.length,
    batchEnvelopeBytes,
    aeadUs,
    cpuUs: { seal, sealAlone, sealWithSubject, aeadNode, aeadNoble },
  }
}
