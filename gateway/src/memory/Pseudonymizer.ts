import { createHmac, randomBytes, randomFillSync } from 'node:crypto'
import { bytesToHex, canonicalize } from '@tml/core'
import type { LogStore, SubjectKey } from './LogStore.ts'
import { ANONYMOUS_SUBJECT, pseudonymOf } from './pseudonymOf.ts'

/** A subject as the log sees it: its pseudonym and the secret that pseudonymizes its data. */
export type SubjectHandle = {
  /** Computed on first read: the decision lane leaves an anonymous one to the committer. */
  readonly pseudonym: `psn:${string}`
  secret: Uint8Array
  /** Keyed hash of the subject id under which the secret is stored; null for an anonymous request. */
  lookup: Uint8Array | null
  /** Set when the secret was created for this request and is not stored yet: append it with the MTL. */
  newKey?: SubjectKey
}

/** Parameters of the {@link Pseudonymizer} constructor. */
export type PseudonymizerParameters = {
  /** HMAC key that maps a subject id to the lookup of its secret (`subject-index.key`). */
  indexKey: Uint8Array
  store: LogStore
  /** Most subject secrets kept in memory. */
  cacheSize?: number
}

// Domain separation: one secret derives several values that must never be confused.
const LOOKUP_TAG = 'tml-subject-lookup/1\0'
const FIELD_TAG = 'tml-pii/1\0'

/** One-off secrets are cut from this pool, refilled 128 at a time (one system call, not 128). */
const ANONYMOUS_POOL = new Uint8Array(32 * 128)
let anonymousOffset = ANONYMOUS_POOL.length

type CacheEntry = { secret: Uint8Array; persisted: boolean; pseudonym?: `psn:${string}` }

/**
 * Always Memory's privacy layer (spec §12.2: scrub before hashing). Each subject gets its own
 * random 32-byte secret, stored under HMAC(indexKey, id), never under the id. The subject's
 * pseudonym is `psn:` + HMAC-SHA-256(secret, id), and every configured PII field is replaced by
 * `psn:` + HMAC-SHA-256(secret, path ‖ RFC 8785 value) before anything is hashed. Deleting the
 * secret (erasure) leaves pseudonyms and hashes in the log that nobody can tie to the person any
 * more (crypto-shredding), while the log itself stays intact and verifiable.
 *
 * A request without a subject gets a one-off random secret that is never stored: it is
 * unlinkable from the start.
 *
 * Spec: Sacred Pause Protocol §12.2; RFC 2104 (HMAC); GDPR Art. 4(5) pseudonymisation, Art. 17.
 *
 * @example
 * const subject = await pseudonymizer.subject('patient-42')
 * const clean = pseudonymizer.scrub({ value: { input, context }, fields: ['input.patient_name'], secret: subject.secret })
 */
export class Pseudonymizer {
  readonly #indexKey: Uint8Array
  readonly #store: LogStore
  readonly #cacheSize: number
  readonly #cache = new Map<string, CacheEntry>()
  readonly #loading = new Map<string, Promise<CacheEntry>>()

  constructor({ indexKey, store, cacheSize = 100_000 }: PseudonymizerParameters) {
    this.#indexKey = indexKey
    this.#store = store
    this.#cacheSize = cacheSize
  }

  /** The lookup of a subject id: where its secret is stored. */
  lookupOf(subjectId: string): Uint8Array {
    return hmac(this.#indexKey, LOOKUP_TAG, subjectId)
  }

  /** The subject's handle, creating its secret on first sight; anonymous when `subjectId` is undefined. */
  async subject(subjectId: string | undefined): Promise<SubjectHandle> {
    if (subjectId === undefined) return this.anonymous()
    const lookup = this.lookupOf(subjectId)
    const entry = await this.#entry(lookup, true)
    // Computed once per subject, not once per request.
    entry.pseudonym ??= pseudonymOf(entry.secret, subjectId)
    const handle: SubjectHandle = { pseudonym: entry.pseudonym, secret: entry.secret, lookup }
    if (!entry.persisted) handle.newKey = { lookup, secret: entry.secret }
    return handle
  }

  /**
   * The handle of a request without subject: a one-off random secret, never stored, so the
   * record cannot be linked to any other. Synchronous: the decision lane does not wait for it.
   */
  anonymous(): SubjectHandle {
    if (anonymousOffset === ANONYMOUS_POOL.length) {
      randomFillSync(ANONYMOUS_POOL)
      anonymousOffset = 0
    }
    const secret = ANONYMOUS_POOL.slice(anonymousOffset, anonymousOffset + 32)
    anonymousOffset += 32
    let pseudonym: `psn:${string}` | undefined
    return {
      get pseudonym() {
        pseudonym ??= pseudonymOf(secret, ANONYMOUS_SUBJECT)
        return pseudonym
      },
      secret,
      lookup: null,
    }
  }

  /** The stored pseudonym of a known subject, or undefined when it has no secret (never seen, or erased). */
  async existing(
    subjectId: string,
  ): Promise<{ pseudonym: `psn:${string}`; lookup: Uint8Array } | undefined> {
    const lookup = this.lookupOf(subjectId)
    const entry = await this.#entry(lookup, false)
    if (!entry) return undefined
    return { pseudonym: pseudonymOf(entry.secret, subjectId), lookup }
  }

  /** Records that these secrets are durable (their batch committed). */
  markPersisted(keys: readonly SubjectKey[]): void {
    for (const k of keys) {
      const entry = this.#cache.get(bytesToHex(k.lookup))
      if (entry && entry.secret === k.secret) entry.persisted = true
    }
    this.#evict()
  }

  /** Drops a secret from memory after its erasure committed, so the next request makes a new one. */
  forget(lookup: Uint8Array): void {
    this.#cache.delete(bytesToHex(lookup))
  }

  /**
   * A copy of `value` in which each field at the dot paths `fields` (`input.patient.name`) is
   * replaced by its pseudonym. Values of any JSON type are replaced whole; missing paths are
   * skipped. `value` itself is not changed.
   */
  scrub<T>({
    value,
    fields,
    secret,
  }: {
    value: T
    fields: readonly string[]
    secret: Uint8Array
  }): T {
    let out: unknown = value
    for (const path of fields)
      out = replaceAt(out, path.split('.'), 0, (v) => pseudonymOfValue(secret, path, v))
    return out as T
  }

  async #entry(lookup: Uint8Array, create: true): Promise<CacheEntry>
  async #entry(lookup: Uint8Array, create: false): Promise<CacheEntry | undefined>
  async #entry(lookup: Uint8Array, create: boolean): Promise<CacheEntry | undefined> {
    const id = bytesToHex(lookup)
    const cached = this.#cache.get(id)
    if (cached) return cached
    // Two requests for one new subject must share one secret: the second waits for the first.
    let loading = this.#loading.get(id)
    if (!loading) {
      loading = (async () => {
        const stored = await this.#store.subjectSecret(lookup)
        const again = this.#cache.get(id)
        if (again) return again
        if (stored) return { secret: stored, persisted: true }
        return { secret: new Uint8Array(randomBytes(32)), persisted: false }
      })()
      this.#loading.set(id, loading)
    }
    try {
      const entry = await loading
      if (!entry.persisted && !create) return undefined
      this.#cache.set(id, entry)
      return entry
    } finally {
      this.#loading.delete(id)
    }
  }

  #evict(): void {
    // Only stored secrets may be evicted: an unstored one would be re-created differently.
    for (const [id, entry] of this.#cache) {
      if (this.#cache.size <= this.#cacheSize) break
      if (entry.persisted) this.#cache.delete(id)
    }
  }
}

function hmac(key: Uint8Array, tag: string, data: string): Uint8Array {
  return new Uint8Array(createHmac('sha256', key).update(tag).update(data).digest())
}

function pseudonymOfValue(secret: Uint8Array, path: string, value: unknown): `psn:${string}` {
  return `psn:${bytesToHex(hmac(secret, FIELD_TAG, `${path}\0${canonicalize(value)}`)).slice(2)}`
}

function replaceAt(node: unknown, keys: string[], i: number, fn: (v: unknown) => unknown): unknown {
  const key = keys[i] as string
  if (node === null || typeof node !== 'object' || !Object.hasOwn(node, key)) return node
  const child = (node as Record<string, unknown>)[key]
  const replaced = i === keys.length - 1 ? fn(child) : replaceAt(child, keys, i + 1, fn)
  if (replaced === child) return node
  if (Array.isArray(node)) {
    const copy = [...node]
    copy[Number(key)] = replaced
    return copy
  }
  return { ...(node as Record<string, unknown>), [key]: replaced }
}
