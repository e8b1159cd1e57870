import { Aes128Gcm, CipherSuite, DhkemX25519HkdfSha256, HkdfSha256 } from '@hpke/core'
import { bytesToHex, type Hex, hexToBytes } from '@tml/core'

/**
 * The HPKE suite of the vault (RFC 9180 base mode): DHKEM(X25519, HKDF-SHA256), HKDF-SHA256,
 * AES-128-GCM, the suite every RFC 9180 implementation has. It wraps epoch-key shares to
 * custodians and re-wraps them to auditors.
 */
export const hpkeSuite = new CipherSuite({
  kem: new DhkemX25519HkdfSha256(),
  kdf: new HkdfSha256(),
  aead: new Aes128Gcm(),
})

/** What HPKE wrapped: the encapsulated key and the ciphertext. */
export type WrappedBytes = { enc: Hex; ciphertext: Hex }

/**
 * The `info` of a wrap: a tag naming its purpose, the log id, the epoch and a context number
 * (custodian index for a share, grant id for a release). A wrap can only be opened for the very
 * log, epoch and purpose it was made for.
 *
 * @example
 * const info = hpkeInfo({ purpose: 'share', logId, epoch: 3, index: 0n })
 */
export function hpkeInfo({
  purpose,
  logId,
  epoch,
  index,
}: {
  purpose: 'share' | 'release'
  logId: Hex
  epoch: number
  index: bigint
}): Uint8Array {
  const tag = `tml-vault-${purpose}/1\0`
  const out = new Uint8Array(tag.length + 32 + 8 + 32)
  for (let i = 0; i < tag.length; i++) out[i] = tag.charCodeAt(i)
  out.set(hexToBytes(logId, 32), tag.length)
  const view = new DataView(out.buffer)
  view.setBigUint64(tag.length + 32, BigInt(epoch))
  // 256-bit context, big-endian (a grant id is a uint256 on chain).
  let v = index
  for (let i = out.length - 1; i >= tag.length + 40; i--) {
    out[i] = Number(v & 0xffn)
    v >>= 8n
  }
  return out
}

/**
 * Generates an X25519 key pair for a custodian or an auditor (raw 32-byte keys, hex).
 *
 * @example
 * const { publicKey, privateKey } = await generateVaultKeyPair()
 */
export async function generateVaultKeyPair(): Promise<{ publicKey: Hex; privateKey: Hex }> {
  const pair = await hpkeSuite.kem.generateKeyPair()
  const pub = new Uint8Array(await hpkeSuite.kem.serializePublicKey(pair.publicKey))
  const priv = new Uint8Array(await hpkeSuite.kem.serializePrivateKey(pair.privateKey))
  // core's hex rather than Buffer: the web page generates auditor keys in the browser.
  return { publicKey: bytesToHex(pub), privateKey: bytesToHex(priv) }
}
