import type { Hex } from '../bytes/hex.ts'
import { canonicalBytes } from '../jcs/canonicalBytes.ts'
import type { MtlResolution } from '../mtl/types.ts'
import { verifyP256 } from '../receipt/verifyP256.ts'

/** Parameters of {@link verifyHookResolution}. */
export type VerifyHookResolutionParameters = {
  /** A resolution MTL whose arbiter is of kind `verification` (untrusted). */
  mtl: MtlResolution
  /** The log's P-256 receipt key for the record's seq (`0x04 ‖ x ‖ y`), trusted by the caller. */
  receiptPublicKey: Hex
  /**
   * The pause's leaf hash as the caller knows it (an auditor replaying the log): used when the
   * record does not carry `resolution.pause_leaf_hash`, and must equal it when it does.
   */
  pauseLeafHash?: Hex | undefined
}

/** Why a verification-hook resolution is refused. */
export type HookResolutionRefusal = {
  reason: 'not_checkable' | 'wrong_pause' | 'bad_signature'
  message: string
}

/** The members of the statement a verification hook's resolution is signed over. */
export type VerificationStatement = {
  logId: Hex
  /** The pause's trace id (the resolution's `refers_to`). */
  pauseId: string
  pauseLeafHash: Hex
  /** The hook's name (the resolution's `arbiter.id`). */
  verifier: string
  decision: 1 | -1
  rationaleHash: Hex
}

/**
 * The statement the gateway signs, with the log's receipt key, for a verification hook's
 * resolution (the hook has no key of its own): the RFC 8785 bytes of `{ v: "tml-verification/1",
 * logId, pauseId, pauseLeafHash, verifier, decision, rationaleHash }`. Written once: the gateway
 * signs these bytes, the verifier and `tml audit` rebuild them from the record.
 *
 * Spec: docs/formats.md, Pause resolutions.
 *
 * @example const bytes = verificationStatementBytes({ logId, pauseId, pauseLeafHash, verifier: 'ehr', decision: 1, rationaleHash })
 */
export function verificationStatementBytes(s: VerificationStatement): Uint8Array {
  return canonicalBytes({
    v: 'tml-verification/1',
    logId: s.logId,
    pauseId: s.pauseId,
    pauseLeafHash: s.pauseLeafHash,
    verifier: s.verifier,
    decision: s.decision,
    rationaleHash: s.rationaleHash,
  })
}

/**
 * {@link verificationStatementBytes} rebuilt from a hook's resolution record and the leaf hash
 * of the pause it closes.
 *
 * @example const bytes = hookStatementBytes({ mtl, pauseLeafHash: mtl.resolution.pause_leaf_hash })
 */
export function hookStatementBytes({
  mtl,
  pauseLeafHash,
}: {
  mtl: MtlResolution
  pauseLeafHash: Hex
}): Uint8Array {
  const r = mtl.resolution
  return verificationStatementBytes({
    logId: mtl.log_id,
    pauseId: mtl.refers_to,
    pauseLeafHash,
    verifier: r.arbiter.id,
    decision: r.decision,
    rationaleHash: r.rationale_hash,
  })
}

/**
 * Checks a verification hook's resolution: its `resolution.signature` must be the log's receipt
 * key's P-256 signature (low s) over the `tml-verification/1` statement rebuilt from the record
 * ({@link hookStatementBytes}), so that no member (pause, leaf hash, verifier, decision,
 * rationale hash) was changed after the gateway signed. It shows that the log's operator vouched
 * for the hook's answer, not that the hook gave it: the hook signs nothing. Never throws.
 *
 * @returns `{ ok: true }`, or the refusal: `not_checkable` (no signature, or no leaf hash to
 *   rebuild the statement), `wrong_pause` (the record's leaf hash is not the pause's),
 *   `bad_signature`.
 * @example
 * const result = verifyHookResolution({ mtl, receiptPublicKey })
 * if (!result.ok) console.log(result.reason, result.message)
 */
export function verifyHookResolution({
  mtl,
  receiptPublicKey,
  pauseLeafHash,
}: VerifyHookResolutionParameters): { ok: true } | ({ ok: false } & HookResolutionRefusal) {
  const r = mtl?.resolution
  if (r?.arbiter?.kind !== 'verification')
    return {
      ok: false,
      reason: 'not_checkable',
      message: `arbiter ${String(r?.arbiter?.kind)} is not a verification hook`,
    }
  const carried = r.pause_leaf_hash
  if (
    carried !== undefined &&
    pauseLeafHash !== undefined &&
    carried.toLowerCase() !== pauseLeafHash.toLowerCase()
  )
    return {
      ok: false,
      reason: 'wrong_pause',
      message: `the record names pause leaf hash ${carried}, the pause hashes to ${pauseLeafHash}`,
    }
  const leaf = carried ?? pauseLeafHash
  if (leaf === undefined || typeof r.signature !== 'string')
    return {
      ok: false,
      reason: 'not_checkable',
      message: 'resolution.pause_leaf_hash or resolution.signature is missing',
    }
  let statement: Uint8Array
  try {
    statement = hookStatementBytes({ mtl, pauseLeafHash: leaf })
  } catch (error) {
    return {
      ok: false,
      reason: 'not_checkable',
      message: `the statement cannot be rebuilt: ${(error as Error).message.split('\n')[0]}`,
    }
  }
  if (
    !verifyP256({ message: statement, signature: r.signature as Hex, publicKey: receiptPublicKey })
  )
    return {
      ok: false,
      reason: 'bad_signature',
      message: `the tml-verification/1 signature does not verify under receipt key ${receiptPublicKey}`,
    }
  return { ok: true }
}
