import type { Hex } from '@tml/core'
import type { AnchorStore, StoredCheckpoint } from './AnchorStore.ts'

/** A chain's head of the log, as CheckpointRegistry's `head(logId)` returns it. */
export type ChainHead = { epoch: number; rootHash: Hex; treeSize: number; timestamp: number }

/** One chain, as the guard sees it: a name for the reasons and a function that reads its head. */
export type ChainHeadSource = { name: string; readHead: () => Promise<ChainHead> }

/**
 * What the guard knows. `clear`: every chain was read and none contradicts the store.
 * `unknown`: a chain has not been read since start (nothing is signed until it is).
 * `contradicted`: a chain is ahead of the store or holds another checkpoint for an epoch; final
 * for this run (an operator must act, see gateway/README.md, "A refused start").
 */
export type HeadVerdict =
  | { state: 'clear' }
  | { state: 'unknown'; reason: string }
  | { state: 'contradicted'; reason: string }

/** Parameters of {@link ChainHeadGuard}. */
export type ChainHeadGuardParameters = {
  chains: readonly ChainHeadSource[]
  store: Pick<AnchorStore, 'checkpoint' | 'latestCheckpoint'>
  onEvent?: (event: {
    level: 'info' | 'warn' | 'error'
    message: string
    [k: string]: unknown
  }) => void
}

/** What the operator reads in the log when a chain contradicts the store. */
export const RECOVERY_HINT =
  'signing nothing and answering -1 LEDGER. To recover (gateway/README.md, "A refused start"): ' +
  'if this data directory is an older backup or a new one, stop and start on the data directory ' +
  'that signed the chain checkpoints (or recover its entries); if another gateway runs with the ' +
  'same keys, stop one of them; restart once the store and the chains agree'

/**
 * Before the log signs a checkpoint, it knows that no chain contradicts its store: compares each
 * configured chain's head of the log (epoch, tree size, root, timestamp) with the store's signed
 * checkpoints. A chain ahead of the store (an older backup restored, an empty data directory on
 * existing keys, a second gateway on the same keys) or holding another checkpoint for one of its
 * epochs would make the next signature a second checkpoint for an epoch: provable equivocation.
 * Then the guard is `contradicted` for good: the sequencer signs nothing, and the gateway answers
 * -1 LEDGER with the reason and holds its log (its receipts would contradict those already given).
 *
 * A chain whose RPC fails counts with the last head read from it, once it has been read since
 * start: one unreachable chain does not stop the others (the anchoring policy decides when
 * decisions stop). Until every chain has been read once, the verdict is `unknown`.
 *
 * Spec: issue 13, "Gateway" (never sign twice); ARCHITECTURE.md (Checkpoint).
 *
 * @example
 * const guard = new ChainHeadGuard({ chains: [{ name: 'ethereum', readHead }], store })
 * if (await guard.clearToSign()) sign()
 */
export class ChainHeadGuard {
  readonly #p: ChainHeadGuardParameters
  readonly #last = new Map<string, ChainHead>()
  readonly #listeners = new Set<(verdict: HeadVerdict) => void>()
  #verdict: HeadVerdict

  constructor(p: ChainHeadGuardParameters) {
    this.#p = p
    this.#verdict =
      p.chains.length === 0
        ? { state: 'clear' }
        : { state: 'unknown', reason: "the chains' heads have not been compared with the store" }
  }

  /** The verdict of the last check. */
  get verdict(): HeadVerdict {
    return this.#verdict
  }

  /** Calls `listener` whenever the verdict's state or reason changes. */
  onChange(listener: (verdict: HeadVerdict) => void): () => void {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }

  /** Reads every chain's head and compares it with the store; true when signing is safe. */
  async clearToSign(): Promise<boolean> {
    return (await this.check()).state === 'clear'
  }

  /** Reads every chain's head and compares them with the store. A contradiction is final. */
  async check(): Promise<HeadVerdict> {
    if (this.#verdict.state === 'contradicted') return this.#verdict
    const { chains } = this.#p
    const read = await Promise.allSettled(chains.map((c) => c.readHead()))
    const contradictions: string[] = []
    const unread: string[] = []
    for (const [i, chain] of chains.entries()) {
      const result = read[i] as PromiseSettledResult<ChainHead>
      if (result.status === 'fulfilled') this.#last.set(chain.name, result.value)
      const head = this.#last.get(chain.name)
      if (head === undefined) {
        unread.push(`${chain.name} (${describe(result)})`)
        continue
      }
      const contradiction = await this.#compare(chain.name, head)
      if (contradiction) contradictions.push(contradiction)
    }
    const next: HeadVerdict =
      contradictions.length > 0
        ? { state: 'contradicted', reason: contradictions.join('; ') }
        : unread.length > 0
          ? {
              state: 'unknown',
              reason: `the head of ${unread.join(', ')} could not be read: signing nothing until every chain is compared with the store`,
            }
          : { state: 'clear' }
    this.#set(next)
    return next
  }

  // Undefined when the chain's head agrees with the store (or the chain holds nothing yet).
  async #compare(name: string, head: ChainHead): Promise<string | undefined> {
    if (head.epoch === 0) return undefined
    const { store } = this.#p
    const ours = await store.checkpoint(head.epoch)
    const held = `epoch ${head.epoch} (tree size ${head.treeSize}, root ${head.rootHash}, timestamp ${head.timestamp})`
    if (!ours) {
      const latest = await store.latestCheckpoint()
      const have = latest ? `epoch ${latest.epoch} (tree size ${latest.treeSize})` : 'none'
      return latest === undefined || head.epoch > latest.epoch
        ? `chain ${name} is ahead of this store: it holds ${held}, this store's latest checkpoint is ${have}`
        : `chain ${name} holds ${held}, which this store lacks (latest ${have})`
    }
    const differs = differences(head, ours)
    return differs.length === 0
      ? undefined
      : `chain ${name} holds another checkpoint for epoch ${head.epoch}: ${differs.join(', ')}`
  }

  #set(next: HeadVerdict): void {
    const previous = this.#verdict
    this.#verdict = next
    const reason = (v: HeadVerdict) => (v.state === 'clear' ? '' : v.reason)
    if (previous.state === next.state && reason(previous) === reason(next)) return
    if (next.state === 'contradicted') {
      this.#p.onEvent?.({
        level: 'error',
        message: `a chain contradicts this log's store: ${RECOVERY_HINT}`,
        reason: next.reason,
      })
    } else if (next.state === 'clear' && previous.state !== 'clear') {
      this.#p.onEvent?.({ level: 'info', message: "the chains' heads agree with this log's store" })
    } else if (next.state === 'unknown') {
      this.#p.onEvent?.({ level: 'warn', message: next.reason })
    }
    for (const l of this.#listeners) l(next)
  }
}

function differences(head: ChainHead, ours: StoredCheckpoint): string[] {
  const differs: string[] = []
  if (head.rootHash.toLowerCase() !== ours.rootHash.toLowerCase())
    differs.push(`root ${head.rootHash} there, ${ours.rootHash} here`)
  if (head.treeSize !== ours.treeSize)
    differs.push(`tree size ${head.treeSize} there, ${ours.treeSize} here`)
  if (head.timestamp !== ours.timestamp)
    differs.push(`timestamp ${head.timestamp} there, ${ours.timestamp} here`)
  return differs
}

function describe(result: PromiseSettledResult<unknown>): string {
  if (result.status === 'fulfilled') return 'read'
  const e = result.reason as { shortMessage?: string; message?: string } | undefined
  return (e?.shortMessage ?? e?.message ?? String(e)).split('\n')[0] ?? 'unknown error'
}
