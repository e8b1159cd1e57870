import { VaultError } from './VaultError.ts'
import { writeU64 } from './writeU64.ts'

/** Version byte of a `tml-vault/1` envelope: one record (gateways before `tml-vault/2`; read only). */
export const VAULT_ENVELOPE_V1 = 1

/** Version byte of a `tml-vault/2` envelope: the records of one commit batch, sealed together. */
export const VAULT_ENVELOPE_V2 = 2

/** XChaCha20-Poly1305 nonce length: 24 random bytes, safe to draw at random for every envelope. */
export const VAULT_NONCE_LENGTH = 24

/** Bytes before a `tml-vault/1` ciphertext: version (1), epoch (8, big-endian), nonce (24). */
const V1_HEADER_LENGTH = 1 + 8 + VAULT_NONCE_LENGTH

/**
 * Bytes before a `tml-vault/2` ciphertext: version (1), epoch, first and last `seq` of the batch
 * (8 each, big-endian), nonce (24).
 */
export const VAULT_HEADER_LENGTH = 1 + 8 + 8 + 8 + VAULT_NONCE_LENGTH

/** Poly1305 tag length: the shortest ciphertext (of an empty plaintext). */
const TAG_LENGTH = 16

/**
 * A sealed envelope, read: which epoch key sealed it, the nonce and the AEAD ciphertext (tag
 * included). A `tml-vault/2` envelope also names the `seq` range of the records it holds.
 */
export type VaultEnvelope =
  | { version: 1; epoch: number; nonce: Uint8Array; ciphertext: Uint8Array }
  | {
      version: 2
      epoch: number
      firstSeq: number
      lastSeq: number
      nonce: Uint8Array
      ciphertext: Uint8Array
    }

/**
 * The bytes of an envelope. `tml-vault/2`: `0x02 ‖ epoch ‖ firstSeq ‖ lastSeq (u64 BE each) ‖
 * nonce (24) ‖ ciphertext`; `tml-vault/1`: `0x01 ‖ epoch (u64 BE) ‖ nonce (24) ‖ ciphertext`. The
 * `evidence_seal` of every MTL whose record the envelope holds is SHA-256 of exactly these bytes.
 *
 * @example
 * const bytes = encodeEnvelope({ version: 2, epoch: 3, firstSeq: 7, lastSeq: 9, nonce, ciphertext })
 */
export function encodeEnvelope(envelope: VaultEnvelope): Uint8Array {
  const { nonce, ciphertext } = envelope
  if (nonce.length !== VAULT_NONCE_LENGTH)
    throw new VaultError(`nonce must be ${VAULT_NONCE_LENGTH} bytes, not ${nonce.length}`, {
      code: 'TML_VAULT_FORMAT',
    })
  const header = envelope.version === 1 ? V1_HEADER_LENGTH : VAULT_HEADER_LENGTH
  const out = new Uint8Array(header + ciphertext.length)
  if (envelope.version === 1) {
    out[0] = VAULT_ENVELOPE_V1
    writeU64(out, 1, checkedEpoch(envelope.epoch))
  } else writeEnvelopeHeader(out, envelope)
  out.set(nonce, header - VAULT_NONCE_LENGTH)
  out.set(ciphertext, header)
  return out
}

/**
 * Writes a `tml-vault/2` envelope's version, epoch and `seq` range into its first 25 bytes (the
 * sealer then writes the nonce and the ciphertext after them, in place).
 * @throws {VaultError} `TML_VAULT_FORMAT` for an epoch below 1 or a range that is not one.
 *
 * @example
 * writeEnvelopeHeader(out, { epoch: 3, firstSeq: 7, lastSeq: 9 })
 */
export function writeEnvelopeHeader(
  out: Uint8Array,
  { epoch, firstSeq, lastSeq }: { epoch: number; firstSeq: number; lastSeq: number },
): void {
  if (!Number.isSafeInteger(firstSeq) || firstSeq < 0 || !Number.isSafeInteger(lastSeq))
    throw new VaultError(`a sealed batch's seqs are whole numbers, not ${firstSeq}..${lastSeq}`, {
      code: 'TML_VAULT_FORMAT',
    })
  if (lastSeq < firstSeq)
    throw new VaultError(`a sealed batch cannot end (${lastSeq}) before it starts (${firstSeq})`, {
      code: 'TML_VAULT_FORMAT',
    })
  out[0] = VAULT_ENVELOPE_V2
  writeU64(out, 1, checkedEpoch(epoch))
  writeU64(out, 9, firstSeq)
  writeU64(out, 17, lastSeq)
}

/**
 * Reads an envelope of either version (no decryption).
 * @throws {VaultError} `TML_VAULT_FORMAT` when the bytes are too short or of another version.
 *
 * @example
 * const { epoch } = decodeEnvelope(bytes) // which epoch key the auditor needs
 */
export function decodeEnvelope(bytes: Uint8Array): VaultEnvelope {
  const version = bytes[0]
  if (version !== VAULT_ENVELOPE_V1 && version !== VAULT_ENVELOPE_V2)
    throw new VaultError(
      bytes.length === 0
        ? 'sealed record is empty'
        : `sealed record has version ${version}, expected ${VAULT_ENVELOPE_V1} or ${VAULT_ENVELOPE_V2}`,
      { code: 'TML_VAULT_FORMAT' },
    )
  const header = version === VAULT_ENVELOPE_V1 ? V1_HEADER_LENGTH : VAULT_HEADER_LENGTH
  if (bytes.length < header + TAG_LENGTH)
    throw new VaultError(`sealed record of ${bytes.length} bytes is too short`, {
      code: 'TML_VAULT_FORMAT',
    })
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const u64 = (at: number) => {
    const value = view.getBigUint64(at)
    if (value > BigInt(Number.MAX_SAFE_INTEGER))
      throw new VaultError(`sealed record header holds ${value}, beyond any epoch or seq`, {
        code: 'TML_VAULT_FORMAT',
      })
    return Number(value)
  }
  const nonce = bytes.slice(header - VAULT_NONCE_LENGTH, header)
  const ciphertext = bytes.slice(header)
  if (version === VAULT_ENVELOPE_V1) return { version: 1, epoch: u64(1), nonce, ciphertext }
  const firstSeq = u64(9)
  const lastSeq = u64(17)
  if (lastSeq < firstSeq)
    throw new VaultError(`sealed batch ends (${lastSeq}) before it starts (${firstSeq})`, {
      code: 'TML_VAULT_FORMAT',
    })
  return { version: 2, epoch: u64(1), firstSeq, lastSeq, nonce, ciphertext }
}

function checkedEpoch(epoch: number): number {
  if (!Number.isSafeInteger(epoch) || epoch < 1)
    throw new VaultError(`a vault epoch is a positive integer, not ${epoch}`, {
      code: 'TML_VAULT_FORMAT',
    })
  return epoch
}
