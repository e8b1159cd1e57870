import {
  bytesToHex,
  CompactTree,
  type Hex,
  hexToBytes,
  recoverCheckpointSigner,
  type Sha256,
  signCheckpoint,
} from '@tml/core'
import type { LocalAccount } from 'viem'
import {
  type AnchorStore,
  type CheckpointIntent,
  type StoredCheckpoint,
  toCheckpoint,
} from '../anchoring/AnchorStore.ts'
import type { ChainHeadGuard } from '../anchoring/ChainHeadGuard.ts'
import type { CheckpointSigners } from '../keys/CheckpointKeyHistory.ts'
import { KeysError } from '../keys/KeysError.ts'
import type { LogStore } from '../memory/LogStore.ts'
import type { ReceiptKeyHandover } from './ReceiptKeyHandover.ts'

/** Where a test may make the sequencer "crash" (throw) to check what survives. */
export type SequencerCrashPoint = 'afterNodes' | 'afterIntent' | 'afterSign'

/** Parameters of {@link Sequencer}. */
export type SequencerParameters = {
  logId: Hex
  entries: Pick<LogStore, 'entries'>
  store: AnchorStore
  /**
   * The log's checkpoint signer (secp256k1, EIP-712): one key, or the key history (each epoch is
   * signed by the key of the period that covers it, asked before every signature).
   */
  signer: LocalAccount | CheckpointSigners
  /** Close an epoch once this long has passed since the last one and the tree grew (ms). */
  epochPeriodMs?: number
  /** Close an epoch as soon as this many new leaves are in (whatever the period). */
  epochSize?: number
  /** Checkpoint even an idle log this often (ms): the log's maximum epoch interval, with margin. */
  idleCheckpointMs?: number
  /** Entries read per store query while integrating. */
  batch?: number
  hash?: Sha256
  clock?: () => number
  /** Fault injection for tests: called at each crash point; a throw there simulates a crash. */
  crashPoint?: (point: SequencerCrashPoint) => void
  /**
   * Asked before every checkpoint is committed or signed: false means a chain contradicts the
   * store (or is not read yet), and nothing is signed. Without it the sequencer signs whenever an
   * epoch is due (tests of the tree alone; a gateway always passes one).
   */
  guard?: Pick<ChainHeadGuard, 'clearToSign'>
  /**
   * Receipt-key handovers: asked when an epoch is due, it may fix the tree size the epoch closes
   * at (the last receipt of the old key). Without it receipts keep one key.
   */
  receiptKeys?: Pick<ReceiptKeyHandover, 'boundary' | 'prepare'>
}

/** Defaults that suit a local demo: an epoch every 2 s or 1,000 leaves, idle checkpoint every minute. */
export const SEQUENCER_DEFAULTS = {
  epochPeriodMs: 2_000,
  epochSize: 1_000,
  idleCheckpointMs: 60_000,
  batch: 10_000,
} as const

/**
 * The sequencer of one log: integrates new MTLs (leaf hashes) into the log's RFC 9162 tree, whose
 * perfect-subtree nodes it persists (so that proofs never need the tree in memory), and closes
 * epochs on a period, on a size, or when the log has been idle for `idleCheckpointMs` (so that
 * silence is visible on chain). Each checkpoint is signed with the log's key (EIP-712) and stored.
 *
 * Never signs two different checkpoints for one epoch, whatever the crash: the checkpoint is
 * committed unsigned (intent) before it is signed, and after a restart the intent is signed as it
 * stands (ECDSA per RFC 6979 is deterministic, so a second signature is the same bytes). Nor
 * whatever the data directory holds: before an intent is committed or signed, the `guard`
 * compares the chains' heads with the store, and a chain ahead of it or holding another
 * checkpoint (an older backup, an empty directory on the log's keys, a second gateway) stops it.
 * With a key history, each epoch is signed by the key of its period, and never by a key outside
 * it: a rotation whose first epoch this store already holds signed by the previous key (the
 * history was written too late) is refused rather than followed.
 *
 * Spec: RFC 9162 §2.1 (tree), EIP-712 (checkpoint), ARCHITECTURE.md (Checkpoint).
 *
 * @example
 * const sequencer = new Sequencer({ logId, entries: logStore, store, signer })
 * const checkpoint = await sequencer.tick() // integrate, maybe close an epoch
 */
export class Sequencer {
  readonly #p: SequencerParameters
  readonly #clock: () => number
  #tree: CompactTree | undefined
  readonly #startedMs: number
  // The round in flight: rounds run one after the other, whoever calls (the lane's loop, a test,
  // a bench), since each awaits the store between reading the tree and writing it.
  #turn: Promise<unknown> = Promise.resolve()

  constructor(p: SequencerParameters) {
    this.#p = p
    this.#clock = p.clock ?? Date.now
    this.#startedMs = this.#clock()
  }

  /** Leaves integrated so far (the store's tree size). */
  async treeSize(): Promise<number> {
    return this.#tree?.size ?? this.#p.store.treeSize()
  }

  // Runs `round` after every round called before it has settled (one writer, one round at a time).
  #exclusive<T>(round: () => Promise<T>): Promise<T> {
    const run = this.#turn.then(round, round)
    this.#turn = run.catch(() => undefined)
    return run
  }

  /**
   * One round: sign a checkpoint left unsigned by a crash, integrate every new entry, and close
   * the epoch when it is due. Resolves with the checkpoint it stored, if any.
   */
  tick(): Promise<StoredCheckpoint | undefined> {
    return this.#exclusive(async () => {
      const { store } = this.#p
      // Crash point (restart): an intent without its signature survives; it is signed as it
      // stands, once the chains agree with the store (a restored backup may hold an intent the
      // chains have overtaken).
      const left = await store.intent()
      if (left) return (await this.#clearToSign()) ? this.#sign(left) : undefined
      await this.#integrate(await this.#boundary())
      const due = await this.#due()
      if (!due) return undefined
      return this.#close()
    })
  }

  /** Closes an epoch now if the tree grew since the last checkpoint (used by tests and benches). */
  closeNow(): Promise<StoredCheckpoint | undefined> {
    return this.#exclusive(async () => {
      const left = await this.#p.store.intent()
      if (left) return (await this.#clearToSign()) ? this.#sign(left) : undefined
      await this.#integrate(await this.#boundary())
      const latest = await this.#p.store.latestCheckpoint()
      if (this.#tree === undefined || this.#tree.size === (latest?.treeSize ?? 0)) return undefined
      return this.#close()
    })
  }

  async #clearToSign(): Promise<boolean> {
    return this.#p.guard ? this.#p.guard.clearToSign() : true
  }

  // The tree size the next epoch must close at, when a receipt-key handover was recorded for it.
  async #boundary(): Promise<number | undefined> {
    const next = ((await this.#p.store.latestCheckpoint())?.epoch ?? 0) + 1
    return await this.#p.receiptKeys?.boundary(next)
  }

  // Integrates new entries, never past `limit` (a receipt-key handover's first sequence number:
  // the entries from there on belong to the next epoch).
  async #integrate(limit = Number.POSITIVE_INFINITY): Promise<void> {
    const { store, entries, hash } = this.#p
    const batch = this.#p.batch ?? SEQUENCER_DEFAULTS.batch
    for (;;) {
      const tree = await this.#resume()
      const count = Math.min(batch, limit - tree.size)
      if (count <= 0) return
      const next = await entries.entries(tree.size, count)
      if (next.length === 0) return
      const nodes: { level: number; index: number; hash: Uint8Array }[] = []
      const staged = CompactTree.fromState({
        ...tree.state(),
        hash,
        onNode: (level, index, h) => nodes.push({ level, index, hash: h }),
      })
      for (const e of next) {
        if (e.seq !== staged.size) return // a racing reader saw a partial view: next tick
        staged.append(hexToBytes(e.leafHash, 32))
      }
      // Crash point: before this commit nothing of the batch is stored and the tree resumes from
      // the nodes below; after it, the nodes (hence the tree size) survive in one transaction.
      await store.putNodes(nodes)
      this.#tree = staged
      this.#p.crashPoint?.('afterNodes')
      if (next.length < count) return
    }
  }

  // The tree resumes from the stored nodes: the compact range [0, size) is made of stored
  // perfect subtrees, one per set bit of size, largest first.
  async #resume(): Promise<CompactTree> {
    if (this.#tree) return this.#tree
    const { store, hash } = this.#p
    const size = await store.treeSize()
    const hashes = await store.getNodes(CompactTree.nodeIds(size))
    this.#tree = CompactTree.fromState({ size, hashes, hash })
    return this.#tree
  }

  async #due(): Promise<boolean> {
    const tree = this.#tree
    if (!tree || tree.size === 0) return false
    const latest = await this.#p.store.latestCheckpoint()
    const grown = tree.size - (latest?.treeSize ?? 0)
    const since = this.#clock() - (latest?.createdMs ?? this.#startedMs)
    const size = this.#p.epochSize ?? SEQUENCER_DEFAULTS.epochSize
    const period = this.#p.epochPeriodMs ?? SEQUENCER_DEFAULTS.epochPeriodMs
    const idle = this.#p.idleCheckpointMs ?? SEQUENCER_DEFAULTS.idleCheckpointMs
    if (grown >= size) return true
    if (grown > 0 && since >= period) return true
    return since >= idle
  }

  async #close(): Promise<StoredCheckpoint | undefined> {
    // Guard: nothing is written before it answers, so a refusal leaves the store as it was and a
    // later round (after the operator's recovery) starts from the same place.
    if (!(await this.#clearToSign())) return undefined
    const epoch = ((await this.#p.store.latestCheckpoint())?.epoch ?? 0) + 1
    // A receipt key hands over after this epoch: it closes exactly at the handover's first
    // sequence number (all the old key's receipts, none of the new key's).
    const closeAt = await this.#p.receiptKeys?.prepare(epoch)
    if (closeAt !== undefined) {
      await this.#integrate(closeAt)
      const size = this.#tree?.size ?? 0
      if (size < closeAt) return undefined // records below it still committing: next round
      if (size > closeAt)
        throw new KeysError(
          `epoch ${epoch} must close at ${closeAt} (receipt-key handover) but the tree holds ${size}: signing nothing`,
        )
    }
    const tree = this.#tree as CompactTree
    const latest = await this.#p.store.latestCheckpoint()
    // The registry refuses a timestamp before the head's: never let a clock step back show.
    const timestamp = Math.max(latest?.timestamp ?? 0, Math.floor(this.#clock() / 1000))
    const intent: CheckpointIntent = {
      epoch: (latest?.epoch ?? 0) + 1,
      treeSize: tree.size,
      rootHash: bytesToHex(tree.root()),
      timestamp,
    }
    // Crash point: once the intent is committed, this epoch can only ever be this checkpoint.
    await this.#p.store.putIntent(intent)
    this.#p.crashPoint?.('afterIntent')
    return this.#sign(intent)
  }

  async #sign(intent: CheckpointIntent): Promise<StoredCheckpoint> {
    const account = await this.#signerFor(intent.epoch)
    const signature = await signCheckpoint({
      checkpoint: toCheckpoint(this.#p.logId, intent),
      account,
    })
    // Crash point: a signature not yet stored has left no trace; the restart signs the same
    // intent again and gets the same bytes (RFC 6979).
    this.#p.crashPoint?.('afterSign')
    const checkpoint: StoredCheckpoint = { ...intent, signature, createdMs: this.#clock() }
    // Crash point: after this commit the signed checkpoint survives and the intent is gone, in
    // one transaction; anchorers pick the checkpoint up from the store.
    await this.#p.store.putCheckpoint(checkpoint)
    return checkpoint
  }

  // The key of the period covering `epoch`, read from the history just before it signs (a
  // rotation written while the gateway runs is followed from its first epoch on).
  async #signerFor(epoch: number): Promise<LocalAccount> {
    const { signer, store, logId } = this.#p
    if (!('signerFor' in signer)) return signer
    const period = await signer.signerFor(epoch)
    if (period.index > 0 && epoch > period.fromEpoch) {
      // The period's first epoch must be its key's: one signed by the previous key means the
      // handover is already broken, and following the history would sign on top of it.
      const first = await store.checkpoint(period.fromEpoch)
      const by = first
        ? await recoverCheckpointSigner({
            checkpoint: toCheckpoint(logId, first),
            signature: first.signature,
          })
        : period.account.address
      if (by !== period.account.address)
        throw new KeysError(
          `key period ${period.index} starts at epoch ${period.fromEpoch}, which this store holds signed by ${by}: the rotation came too late, signing nothing (remove the rotation if it was never relayed, see gateway/README.md "Rotating the checkpoint and receipt keys")`,
        )
    }
    return period.account
  }
}
