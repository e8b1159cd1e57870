import { VaultError } from './VaultError.ts'

/** Version byte of a `tml-vault/1` envelope. */
export const VAULT_ENVELOPE_VERSION = 1

/** XChaCha20-Poly1305 nonce length: 24 random bytes, safe to draw at random for every record. */
export const VAULT_NONCE_LENGTH = 24

/** Bytes before the ciphertext: version (1), epoch (8, big-endian), nonce (24). */
export const VAULT_HEADER_LENGTH = 1 + 8 + VAULT_NONCE_LENGTH

/** Poly1305 tag length: the shortest ciphertext (of an empty plaintext). */
const TAG_LENGTH = 16

/** A sealed record: which epoch key sealed it, the nonce and the AEAD ciphertext (tag included). */
export type VaultEnvelope = { epoch: number; nonce: Uint8Array; ciphertext: Uint8Array }

/**
 * The bytes of a `tml-vault/1` envelope: `0x01 ‖ epoch (u64 BE) ‖ nonce (24) ‖ ciphertext`. The
 * MTL's `evidence_seal` is SHA-256 of exactly these bytes.
 *
 * @example
 * const bytes = encodeEnvelope({ epoch: 3, nonce, ciphertext })
 */
export function encodeEnvelope({ epoch, nonce, ciphertext }: VaultEnvelope): Uint8Array {
  if (nonce.length !== VAULT_NONCE_LENGTH)
    throw new VaultError(`nonce must be ${VAULT_NONCE_LENGTH} bytes, not ${nonce.length}`, {
      code: 'TML_VAULT_FORMAT',
    })
  const out = new Uint8Array(VAULT_HEADER_LENGTH + ciphertext.length)
  writeEnvelopeHeader(out, epoch)
  out.set(nonce, 9)
  out.set(ciphertext, VAULT_HEADER_LENGTH)
  return out
}

/**
 * Writes an envelope's version and epoch into its first 9 bytes (the sealer then writes the
 * nonce and the ciphertext after them, in place).
 *
 * @example
 * writeEnvelopeHeader(out, 3)
 */
export function writeEnvelopeHeader(out: Uint8Array, epoch: number): void {
  if (!Number.isSafeInteger(epoch) || epoch < 1)
    throw new VaultError(`a vault epoch is a positive integer, not ${epoch}`, {
      code: 'TML_VAULT_FORMAT',
    })
  out[0] = VAULT_ENVELOPE_VERSION
  // Big-endian u64, byte by byte; epochs stay far below 2^53, so no BigInt is needed.
  let high = Math.floor(epoch / 2 ** 32)
  let low = epoch >>> 0
  for (let i = 8; i >= 5; i--) {
    out[i] = low & 0xff
    low >>>= 8
  }
  for (let i = 4; i >= 1; i--) {
    out[i] = high & 0xff
    high >>>= 8
  }
}

/**
 * Reads a `tml-vault/1` envelope (no decryption).
 * @throws {VaultError} `TML_VAULT_FORMAT` when the bytes are too short or of another version.
 *
 * @example
 * const { epoch } = decodeEnvelope(bytes) // which epoch key the auditor needs
 */
export function decodeEnvelope(bytes: Uint8Array): VaultEnvelope {
  if (bytes.length < VAULT_HEADER_LENGTH + TAG_LENGTH)
    throw new VaultError(`sealed record of ${bytes.length} bytes is too short`, {
      code: 'TML_VAULT_FORMAT',
    })
  if (bytes[0] !== VAULT_ENVELOPE_VERSION)
    throw new VaultError(
      `sealed record has version ${bytes[0]}, expected ${VAULT_ENVELOPE_VERSION}`,
      {
        code: 'TML_VAULT_FORMAT',
      },
    )
  const epoch = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getBigUint64(1)
  return {
    epoch: Number(epoch),
    nonce: bytes.slice(9, VAULT_HEADER_LENGTH),
    ciphertext: bytes.slice(VAULT_HEADER_LENGTH),
  }
}
