import { randomBytes } from 'node:crypto'
import type { Hex } from '@tml/core'
import type { CustodianSet } from './Custodian.ts'
import { VaultError } from './VaultError.ts'
import type { VaultStore } from './VaultStore.ts'
import { wrapEpochKey } from './wrapEpochKey.ts'

/**
 * Where the ring keeps wrapped epoch keys: the vault store of the committer (SQLite in the commit
 * worker, PostgreSQL on the event loop).
 */
export type EpochKeySink = Pick<VaultStore, 'lastEpoch' | 'putEpoch'>

/** How many epoch numbers the ring tries when other gateways on one database take them first. */
const EPOCH_ATTEMPTS = 16

/** Parameters of the {@link EpochKeyRing} constructor. */
export type EpochKeyRingParameters = {
  logId: Hex
  set: CustodianSet
  /** How long one data key seals records, in milliseconds. */
  periodMs: number
  store: EpochKeySink
  clock?: () => number
}

type OpenEpoch = { epoch: number; key: Uint8Array; openedMs: number; set: CustodianSet }

/**
 * The epoch data keys of the vault, on the commit worker's thread. Each epoch gets a fresh random
 * 32-byte key (never derived from another, so no epoch's key opens another epoch's records);
 * before it seals anything, the key is split k-of-n, wrapped to the custodians and stored
 * ({@link wrapEpochKey}). The next epoch is prepared in the background so that rotation never
 * waits; when the period is over, at the next record or by timer, the next key takes over and the
 * old one is overwritten with zeros. From then on the gateway can decrypt nothing of that epoch:
 * only k custodians together can.
 *
 * @example
 * const ring = new EpochKeyRing({ logId, set, periodMs: 900_000, store: vault })
 * await ring.start()
 * const { epoch, key } = ring.current()
 */
export class EpochKeyRing {
  readonly #p: EpochKeyRingParameters
  readonly #clock: () => number
  /** Who the next epoch keys are wrapped to (a new declaration on chain replaces it). */
  #set: CustodianSet
  #current: OpenEpoch | undefined
  #next: OpenEpoch | undefined
  #preparing: Promise<void> | undefined
  #timer: NodeJS.Timeout | undefined
  #closed = false
  /** Why the last preparation failed (reported when no key is open). */
  #failure: unknown

  constructor(p: EpochKeyRingParameters) {
    if (!(p.periodMs > 0))
      throw new VaultError('the vault epoch period must be positive', { code: 'TML_VAULT_CONFIG' })
    this.#p = p
    this.#set = p.set
    this.#clock = p.clock ?? Date.now
  }

  /**
   * Wraps epoch keys to `set` from the next epoch on (a custodian declaration changed on chain).
   * The open epoch keeps the custodians it was wrapped to: its key may already have sealed
   * records, and its shares are what they are. A next epoch already prepared for the old set has
   * sealed nothing: its key is wiped and a fresh one prepared for `set` under the following
   * number (the skipped epoch's stored shares open nothing: no record was sealed under it).
   */
  setCustodians(set: CustodianSet): void {
    this.#set = set
    this.#dropStaleNext()
    // A preparation under way wraps to the old set: look again once it is done.
    void this.#preparing?.then(() => this.#dropStaleNext())
  }

  #dropStaleNext(): void {
    const next = this.#next
    if (!next || next.set === this.#set || this.#closed) return
    next.key.fill(0)
    this.#next = undefined
    void this.#prepare()
  }

  /** Who the open epoch's key is wrapped to (undefined before {@link start}). */
  get custodians(): CustodianSet | undefined {
    return this.#current?.set
  }

  /** Opens the first epoch (after the last one stored) and prepares the next. */
  async start(): Promise<void> {
    if (this.#current) return
    await this.#prepare()
    if (!this.#next)
      throw new VaultError('the first vault epoch key could not be prepared', {
        code: 'TML_VAULT_NO_KEY',
        cause: this.#failure,
      })
    this.#swap()
  }

  /** The epoch and key that seal a record now; rotates first when the period is over. */
  current(): { epoch: number; key: Uint8Array } {
    this.#rotateIfDue()
    if (!this.#current)
      throw new VaultError('no vault epoch key is open', {
        code: 'TML_VAULT_NO_KEY',
        cause: this.#failure,
      })
    return this.#current
  }

  /** The open epoch's number, 0 before {@link start}. */
  get epoch(): number {
    return this.#current?.epoch ?? 0
  }

  /** Ends the open epoch now (wiping its key) if the next one is ready; for tests and shutdown. */
  rotate(): boolean {
    if (!this.#next) {
      void this.#prepare()
      return false
    }
    this.#swap()
    return true
  }

  /** Wipes every key held and stops the timer. */
  close(): void {
    this.#closed = true
    clearTimeout(this.#timer)
    this.#current?.key.fill(0)
    this.#next?.key.fill(0)
    this.#current = undefined
    this.#next = undefined
  }

  #rotateIfDue(): void {
    const open = this.#current
    if (open && this.#clock() - open.openedMs >= this.#p.periodMs) this.rotate()
    else if (!open && !this.#preparing)
      void this.#prepare().then(() => this.#current ?? this.#swap())
  }

  #swap(): void {
    const next = this.#next
    if (!next) return
    this.#current?.key.fill(0)
    // The epoch starts now, not when its key was prepared.
    next.openedMs = this.#clock()
    this.#current = next
    this.#next = undefined
    void this.#prepare()
    clearTimeout(this.#timer)
    this.#timer = setTimeout(() => this.#onTimer(), this.#p.periodMs)
    this.#timer.unref?.()
  }

  #onTimer(): void {
    if (this.#closed) return
    if (!this.rotate()) {
      // The next key is not ready (its store write failed): keep trying, the old key meanwhile.
      this.#timer = setTimeout(() => this.#onTimer(), Math.min(1000, this.#p.periodMs))
      this.#timer.unref?.()
    }
  }

  #prepare(): Promise<void> {
    this.#preparing ??= (async () => {
      try {
        if (this.#next || this.#closed) return
        const key = new Uint8Array(randomBytes(32))
        for (let attempt = 1; ; attempt++) {
          const epoch = Math.max(await this.#p.store.lastEpoch(), this.#current?.epoch ?? 0) + 1
          // The epoch is bound into each wrapped share: a number taken by another writer means
          // wrapping again under the next one.
          const set = this.#set
          const wrapped = await wrapEpochKey({ key, epoch, logId: this.#p.logId, set })
          const openedMs = this.#clock()
          try {
            await this.#p.store.putEpoch({ ...wrapped, openedMs })
          } catch (e) {
            const taken = (e as { code?: unknown }).code === 'TML_VAULT_EPOCH_TAKEN'
            if (taken && attempt < EPOCH_ATTEMPTS) continue
            key.fill(0)
            throw e
          }
          if (this.#closed) key.fill(0)
          else this.#next = { epoch, key, openedMs, set }
          break
        }
        this.#failure = undefined
      } catch (e) {
        this.#failure = e
      } finally {
        this.#preparing = undefined
      }
    })()
    return this.#preparing
  }
}
