// The sealed evidence vault's cost in the commit worker (part of `npm run bench:gateway`, or alone
// with `--vault-only`): `sealUs`, sealing one decision record (XChaCha20-Poly1305 under the epoch
// key, the envelope and its SHA-256), timed on one quiet thread as the worker runs it.
import { randomBytes } from 'node:crypto'
import { xchacha20poly1305 } from '@noble/ciphers/chacha.js'
import { canonicalize, type Hex } from '@tml/core'
import { sealEvidence } from '../gateway/src/vault/sealEvidence.ts'
import type { VaultPayload } from '../gateway/src/vault/VaultPayload.ts'
import { vaultAad } from '../gateway/src/vault/vaultAad.ts'
import { xchachaSeal } from '../gateway/src/vault/xchacha20poly1305.ts'
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
  cpuUs: { seal: number; sealWithSubject: number; aeadNode: number; aeadNoble: number }
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
  const time = (p: VaultPayload) =>
    timeOf((i) =>
      sealEvidence({
        logId: LOG_ID,
        seq: i,
        traceId: '0190aaaa-0000-7000-8000-000000000000',
        epoch: 1,
        key,
        evidence,
        releasedOutput: null,
        payload: p,
      }),
    )
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
  // The record's plaintext has the length of the envelope without header and tag.
  const plaintext = new Uint8Array(randomBytes(envelope.length - 33 - 16))
  const nonce = new Uint8Array(randomBytes(24))
  const aad = vaultAad({ layer: 'record', logId: LOG_ID, seq: 1, epoch: 1 })
  const sealUs = time(anonymous)
  const sealWithSubjectUs = time(withSubject)
  const aeadUs = {
    node: timeOf(() => xchachaSeal({ key, nonce, aad, plaintext })),
    noble: timeOf(() => xchacha20poly1305(key, nonce, aad).encrypt(plaintext)),
  }
  const [seal, sealWithSubject, aeadNode, aeadNoble] = cpu as [number, number, number, number]
  return {
    sealUs,
    sealWithSubjectUs,
    envelopeBytes: envelope.length,
    aeadUs,
    cpuUs: { seal, sealWithSubject, aeadNode, aeadNoble },
  }
}
