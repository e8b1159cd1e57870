import { bytesToHex, type Hex, hexToBytes, isHex } from '@tml/core'
import { generateVaultKeyPair } from '@tml/gateway/vault/hpkeSuite'
import { AuditError } from './AuditError.ts'

/** An auditor's X25519 key pair, raw 32-byte keys as hex; the private half never leaves the page. */
export type AuditorKey = { publicKey: Hex; privateKey: Hex }

// PKCS #8 header of a raw X25519 private key (RFC 8410): Web Crypto imports X25519 private keys
// only in this form, and exports the public half as the JWK's `x`.
const X25519_PKCS8_PREFIX = hexToBytes('0x302e020100300506032b656e04220420')

/**
 * Reads an auditor's key file: 64 hex digits, with or without `0x`, surrounding blanks allowed,
 * as `tml custodian keygen --out` and this page's download write it.
 * @throws {AuditError} `TML_AUDIT_KEY_FILE` when it is anything else (a public key is refused
 *   only later, as the wrong key: both are 32 bytes).
 *
 * @example parseAuditorKeyFile('0x1f…\n') // '0x1f…'
 */
export function parseAuditorKeyFile(text: string): Hex {
  const trimmed = text.trim().toLowerCase()
  const key = trimmed.startsWith('0x') ? trimmed : `0x${trimmed}`
  if (!isHex(key) || key.length !== 66)
    throw new AuditError(
      `the key file does not hold an X25519 private key (64 hex digits), it holds ${trimmed.length} characters`,
      { code: 'TML_AUDIT_KEY_FILE' },
    )
  return key as Hex
}

/**
 * The text of a key file for `privateKey`, the format `tml custodian keygen --out` writes (and
 * `tml replay --auditor-key` reads).
 *
 * @example saveFile('auditor.x25519', auditorKeyFileText(key.privateKey), 'text/plain')
 */
export function auditorKeyFileText(privateKey: Hex): string {
  return `${privateKey}\n`
}

/**
 * The X25519 public key of a raw private key (RFC 7748), through the browser's Web Crypto.
 * @throws {AuditError} `TML_AUDIT_KEY_FILE` when the bytes are not an X25519 private key.
 *
 * @example await auditorPublicKey(privateKey) // '0x…' (32 bytes)
 */
export async function auditorPublicKey(privateKey: Hex): Promise<Hex> {
  try {
    const der = new Uint8Array(X25519_PKCS8_PREFIX.length + 32)
    der.set(X25519_PKCS8_PREFIX)
    der.set(hexToBytes(privateKey, 32), X25519_PKCS8_PREFIX.length)
    const key = await crypto.subtle.importKey('pkcs8', der, { name: 'X25519' }, true, [
      'deriveBits',
    ])
    const jwk = await crypto.subtle.exportKey('jwk', key)
    if (jwk.x === undefined) throw new Error('no public key exported')
    const base64 = jwk.x.replace(/-/g, '+').replace(/_/g, '/')
    return bytesToHex(Uint8Array.from(atob(base64), (c) => c.charCodeAt(0)))
  } catch (e) {
    throw new AuditError('the key is not an X25519 private key (32 bytes)', {
      code: 'TML_AUDIT_KEY_FILE',
      cause: e,
    })
  }
}

/**
 * A fresh auditor key pair, generated in this browser with the vault's own HPKE suite (the one
 * custodians wrap releases with).
 *
 * @example const key = await generateAuditorKey() // offer key.privateKey for download
 */
export function generateAuditorKey(): Promise<AuditorKey> {
  return generateVaultKeyPair()
}

/**
 * The auditor key whose private half is in `text` (a key file), with its public half derived.
 * @throws {AuditError} `TML_AUDIT_KEY_FILE` as {@link parseAuditorKeyFile} and {@link auditorPublicKey}.
 *
 * @example const key = await loadAuditorKey(await file.text())
 */
export async function loadAuditorKey(text: string): Promise<AuditorKey> {
  const privateKey = parseAuditorKeyFile(text)
  return { privateKey, publicKey: await auditorPublicKey(privateKey) }
}
