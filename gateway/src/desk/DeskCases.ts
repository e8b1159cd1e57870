import { randomBytes } from 'node:crypto'
import { xchacha20poly1305 } from '@noble/ciphers/chacha.js'
import type { PauseEvidence } from './PauseEvidence.ts'

type Sealed = { key: Uint8Array; nonce: Uint8Array; ciphertext: Uint8Array }

const AAD_PREFIX = 'tml-desk-case/1\n'

/**
 * The cases of open pauses, for the reviewer desk, held by the gateway process only. The vault
 * cannot serve them: its epoch key is wiped when the epoch closes (Ephemeral Key Rotation), often
 * long before a pause ends, and the gateway must not keep it longer. So each case is sealed here
 * under a key of its own (32 random bytes, XChaCha20-Poly1305, the pause id as associated data)
 * that lives in memory only and is overwritten with zeros when the pause is resolved or times
 * out ({@link drop}) and when the gateway stops ({@link close}). Nothing is written to disk: a
 * case never outlives its pause, and a restart ends the desk's view of the pauses it re-opens
 * (their case stays sealed in the vault, for a custodian quorum). Keeping the plaintext as a
 * JavaScript string would leave copies the collector frees whenever it likes; the key is the part
 * that can be destroyed on time.
 *
 * @example
 * const cases = new DeskCases()
 * cases.keep(pauseId, { evidence, output: null })
 * cases.read(pauseId)?.evidence // the canonical evidence text
 * cases.drop(pauseId) // at resolution: unreadable from now on
 */
export class DeskCases {
  readonly #sealed = new Map<string, Sealed>()

  /** Seals the case of an open pause under a fresh key (a second call replaces the first). */
  keep(pauseId: string, evidence: PauseEvidence): void {
    this.drop(pauseId)
    const key = new Uint8Array(randomBytes(32))
    const nonce = new Uint8Array(randomBytes(24))
    const ciphertext = xchacha20poly1305(key, nonce, aad(pauseId)).encrypt(
      Buffer.from(JSON.stringify(evidence), 'utf8'),
    )
    this.#sealed.set(pauseId, { key, nonce, ciphertext })
  }

  /** The case of an open pause, or undefined when none is held (resolved, or opened before a restart). */
  read(pauseId: string): PauseEvidence | undefined {
    const s = this.#sealed.get(pauseId)
    if (!s) return undefined
    const plain = xchacha20poly1305(s.key, s.nonce, aad(pauseId)).decrypt(s.ciphertext)
    return JSON.parse(Buffer.from(plain).toString('utf8')) as PauseEvidence
  }

  /** True while the case of `pauseId` is held. */
  has(pauseId: string): boolean {
    return this.#sealed.has(pauseId)
  }

  /** Destroys the case's key: the case can no longer be read, by anyone. */
  drop(pauseId: string): void {
    const s = this.#sealed.get(pauseId)
    if (!s) return
    s.key.fill(0)
    s.ciphertext.fill(0)
    this.#sealed.delete(pauseId)
  }

  /** How many cases are held. */
  get size(): number {
    return this.#sealed.size
  }

  /** Destroys every key (the gateway stops). */
  close(): void {
    for (const id of [...this.#sealed.keys()]) this.drop(id)
  }
}

function aad(pauseId: string): Uint8Array {
  return Buffer.from(AAD_PREFIX + pauseId, 'utf8')
}
