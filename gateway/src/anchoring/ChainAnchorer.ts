import {
  buildConsistencyProof,
  checkpointRegistryAbi,
  checkpointStructHash,
  type Hex,
  type Sha256,
} from '@tml/core'
import {
  type Address,
  type Chain,
  createPublicClient,
  encodeFunctionData,
  keccak256,
  type LocalAccount,
  type PublicClient,
  type TransactionReceipt,
  zeroHash,
} from 'viem'
import {
  type AnchorRecord,
  type AnchorStore,
  type StoredCheckpoint,
  toCheckpoint,
} from './AnchorStore.ts'
import {
  type Fees,
  firstSendFees,
  type MarketFees,
  outbidUnknown,
  replacementFees,
} from './anchorFees.ts'
import { chainDefinition } from './chainDefinition.ts'
import { chainTimings } from './chainTimings.ts'
import { chainTransport } from './chainTransport.ts'
import { RoundLoop, type RoundOutcome } from './RoundLoop.ts'
import { type BlockSpan, searchBlocksBackward } from './searchBlocksBackward.ts'

/** One chain the log anchors on. */
export type ChainConfig = {
  /** A name for logs and health (`ethereum`, `polygon`, `sepolia`…). */
  name: string
  chainId: number
  rpcUrl: string
  /**
   * Further RPC URLs of the same chain, tried in order when `rpcUrl` fails (viem's `fallback`
   * transport): one provider's outage does not stop anchoring.
   */
  fallbackRpcUrls?: readonly string[]
  /** The CheckpointRegistry on that chain. */
  registry: Address
  /**
   * The block the registry was deployed in: no event of it is older, so searches start there
   * (public RPC nodes refuse log ranges from block 0). Default 0.
   */
  deploymentBlock?: bigint
  /** Blocks on top of the anchor's block (itself included) before it counts. Default 1. */
  confirmations?: number
  /**
   * Highest `maxFeePerGas` the relayer pays, in wei, replacements included: while the market
   * (base fee plus tip) is above it nothing is sent, and a stuck transaction is not re-priced
   * past it. Default 200 gwei.
   */
  maxFeePerGasWei?: bigint
  /** Pause between rounds when nothing is to do (ms). Default: half a block ({@link chainTimings}). */
  pollMs?: number
  /** Pause between receipt polls (ms). Default: a quarter of a block ({@link chainTimings}). */
  receiptPollMs?: number
  /**
   * A transaction not mined this long after it was sent (ms) is replaced: same nonce, fees up at
   * least 12.5%, within `maxFeePerGasWei`. Default: four blocks, at least 15 s ({@link chainTimings}).
   */
  replaceAfterMs?: number
  /** How often the relayer's balance and the market fee are read for the metrics (ms). Default 60 000. */
  statsEveryMs?: number
  /** Longest pause between retries after RPC errors (ms). Default 10 000. */
  maxBackoffMs?: number
  /**
   * How often this chain anchors. Without it, every checkpoint in epoch order (a cheap or local
   * chain). With it, the chain takes the newest checkpoint once `intervalMs` has passed since the
   * checkpoint it holds (its time on chain), or once `leaves` new leaves are in, skipping the
   * epochs between (the registry takes a consistency proof from the chain's own head): an
   * expensive chain anchors hourly while a cheap one takes every epoch.
   */
  cadence?: { intervalMs: number; leaves?: number }
}

/** Parameters of {@link ChainAnchorer}. */
export type ChainAnchorerParameters = {
  chain: ChainConfig
  logId: Hex
  store: AnchorStore
  /** The relayer that pays the gas: never the checkpoint signer. */
  relayer: LocalAccount
  hash?: Sha256
  clock?: () => number
  onEvent?: (event: {
    level: 'info' | 'warn' | 'error'
    message: string
    [k: string]: unknown
  }) => void
}

/** What an anchorer reports for health and the proof API. */
export type ChainAnchorStatus = {
  name: string
  chainId: number
  registry: Address
  /** Highest epoch confirmed on this chain (0 if none) and its tree size. */
  confirmedEpoch: number
  confirmedTreeSize: number
  /** Consecutive failed rounds and the last error, while failing. */
  failures: number
  lastError: string | null
  /** Checkpoints signed and not confirmed here yet (newest signed epoch minus confirmed epoch). */
  lagEpochs: number
  /** Seconds since the oldest checkpoint not confirmed here was signed (0 when caught up). */
  lagSeconds: number
  /** What inclusion costs now (base fee plus tip, wei per gas), as last read; null before. */
  marketFeeWei: bigint | null
  /** The fee cap (`maxFeePerGasWei`). */
  feeCapWei: bigint
  /** Why anchoring waits on fees (market above the cap, or a replacement would pass it), or null. */
  feeWait: string | null
  /** The relayer's balance on this chain (wei), read every `statsEveryMs`; null before. */
  relayerBalanceWei: bigint | null
  /** Transactions replaced (same nonce, higher fee) since start. */
  replacements: number
  /** Failed RPC requests since start, on any URL (also those a fallback URL then answered). */
  rpcErrors: number
  /**
   * Fees the relayer paid for mined anchor transactions since start (wei: gas used times
   * effective gas price), each transaction once, whether it was the replacement or the one it
   * replaced that got mined, and whether it succeeded or reverted. Not counted: an L2's L1 data fee.
   */
  feesSpentWei: bigint
  /** Gas used by those transactions. */
  gasUsed: bigint
  /**
   * The longest this chain waits between anchors by its `cadence` (seconds), 0 when it anchors
   * every checkpoint: what its lag is measured against.
   */
  cadenceSeconds: number
}

/** Receipts remembered as counted in the fees: more than a round reads again before settling. */
const COUNTED_RECEIPTS = 1024

const DEFAULT_FEE_CAP = 200_000_000_000n
/**
 * Blocks of the first event query: within the limits of common public RPC providers (10,000
 * or less); the search halves it for a node that refuses it and grows it for one that does not.
 */
const FIRST_EVENT_SPAN = 5_000n

/**
 * Anchors a log's checkpoints on one chain's CheckpointRegistry, in epoch order, from a relayer
 * account. Each round reconciles the stored anchor state with the chain (the registry's head is
 * the truth: an epoch the chain holds is done, whoever sent it; an epoch it lost to a reorg is
 * sent again; an epoch the head passed without holding it is skipped there for good), then sends
 * the next epoch, or with a `cadence` the newest checkpoint once it is due, with the consistency
 * proof from the chain's head.
 * Transactions are signed and recorded before they are broadcast, so a crash never loses track
 * of one. Fees are EIP-1559, from the chain, never above `maxFeePerGasWei`; a transaction not
 * mined within `replaceAfterMs` is replaced at its own nonce with higher fees (also after a
 * restart), and any transaction at that nonce that gets mined counts. Requests go to the chain's
 * RPC URLs in order (viem's `fallback`). RPC errors back off exponentially up to `maxBackoffMs`.
 *
 * Spec: contracts/interfaces/ICheckpointRegistry.sol (`anchor`, `head`, `checkpointHashAt`); RFC 9162
 * §2.1.4 (consistency proofs); EIP-1559 fees.
 *
 * @example
 * const anchorer = new ChainAnchorer({ chain, logId, store, relayer })
 * anchorer.start()
 */
export class ChainAnchorer {
  readonly chain: ChainConfig
  readonly #p: ChainAnchorerParameters
  readonly #client: PublicClient
  readonly #chain: Chain
  readonly #clock: () => number
  readonly #loop: RoundLoop
  #failures = 0
  #lastError: string | null = null
  #confirmedEpoch = 0
  #confirmedTreeSize = 0
  // The store's confirmed records are read at the first round (the store answers asynchronously).
  #loaded = false
  readonly #listeners = new Set<() => void>()
  /** Blocks per event query, as this chain's RPC node has taught the searches so far. */
  readonly #eventSpan: BlockSpan = { blocks: FIRST_EVENT_SPAN }
  readonly #pollMs: number
  readonly #receiptPollMs: number
  readonly #replaceAfterMs: number
  readonly #feeCap: bigint
  /** Fees of our newest transaction per nonce: what a replacement must outbid. */
  readonly #sentFees = new Map<number, Fees>()
  #feeWait: string | null = null
  #marketFeeWei: bigint | null = null
  #balanceWei: bigint | null = null
  #statsReadMs = Number.NEGATIVE_INFINITY
  #replacements = 0
  #rpcErrors = 0
  #feesSpentWei = 0n
  #gasUsed = 0n
  /** Receipts already counted (ours) or seen (another relayer's), newest last. */
  readonly #receiptsSeen = new Set<Hex>()
  #lagEpochs = 0
  /** Unix seconds at which the oldest checkpoint not confirmed here was signed, or null. */
  #oldestUnconfirmedS: number | null = null

  constructor(p: ChainAnchorerParameters) {
    this.#p = p
    this.chain = p.chain
    this.#clock = p.clock ?? Date.now
    const chain = chainDefinition(p.chain)
    const timings = chainTimings(p.chain.chainId)
    this.#pollMs = p.chain.pollMs ?? timings.roundPollMs
    this.#receiptPollMs = p.chain.receiptPollMs ?? timings.receiptPollMs
    this.#replaceAfterMs = p.chain.replaceAfterMs ?? timings.replaceAfterMs
    this.#feeCap = p.chain.maxFeePerGasWei ?? DEFAULT_FEE_CAP
    // Retries are this class's job (with backoff and state), not the transport's; the fallback
    // URLs are tried within each request.
    const transport = chainTransport({
      rpcUrls: [p.chain.rpcUrl, ...(p.chain.fallbackRpcUrls ?? [])],
      onError: () => {
        this.#rpcErrors++
      },
    })
    this.#client = createPublicClient({
      chain,
      transport,
      pollingInterval: this.#receiptPollMs,
    }) as PublicClient
    this.#chain = chain
    this.#loop = new RoundLoop({
      round: () => this.#runRound(),
      onError: (error) => this.#backOff(error),
    })
  }

  /** Runs rounds until {@link stop}. */
  start(): void {
    this.#loop.start()
  }

  /** Stops the rounds; resolves once the round in flight is over (at most `graceMs`). */
  stop(graceMs = 2_000): Promise<void> {
    return this.#loop.stop(graceMs)
  }

  /** Runs a round soon (a new checkpoint is in). */
  poke(): void {
    this.#loop.poke()
  }

  /** Calls `listener` whenever the confirmed epoch moves. */
  onProgress(listener: () => void): () => void {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }

  status(): ChainAnchorStatus {
    return {
      name: this.chain.name,
      chainId: this.chain.chainId,
      registry: this.chain.registry,
      confirmedEpoch: this.#confirmedEpoch,
      confirmedTreeSize: this.#confirmedTreeSize,
      failures: this.#failures,
      lastError: this.#lastError,
      lagEpochs: this.#lagEpochs,
      lagSeconds:
        this.#oldestUnconfirmedS === null
          ? 0
          : Math.max(0, Math.round(this.#clock() / 1000 - this.#oldestUnconfirmedS)),
      marketFeeWei: this.#marketFeeWei,
      feeCapWei: this.#feeCap,
      feeWait: this.#feeWait,
      relayerBalanceWei: this.#balanceWei,
      replacements: this.#replacements,
      rpcErrors: this.#rpcErrors,
      feesSpentWei: this.#feesSpentWei,
      gasUsed: this.#gasUsed,
      cadenceSeconds: (this.chain.cadence?.intervalMs ?? 0) / 1000,
    }
  }

  // A round that changed something is followed at once; an idle one waits `pollMs`.
  async #runRound(): Promise<RoundOutcome> {
    const progressed = await this.round()
    if (this.#failures > 0) {
      this.#p.onEvent?.({ level: 'info', message: `anchoring on ${this.chain.name} recovered` })
    }
    this.#failures = 0
    this.#lastError = null
    return { delayMs: progressed ? 0 : this.#pollMs }
  }

  // RPC errors back off exponentially from `pollMs`, up to `maxBackoffMs`.
  #backOff(error: unknown): RoundOutcome {
    this.#failures++
    this.#lastError = error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error)
    const delayMs = Math.min(this.chain.maxBackoffMs ?? 10_000, this.#pollMs * 2 ** this.#failures)
    this.#p.onEvent?.({
      level: 'warn',
      message: `anchoring on ${this.chain.name} failed; retrying in ${delayMs} ms`,
      error: this.#lastError,
      failures: this.#failures,
    })
    return { delayMs }
  }

  /**
   * One round: reconcile with the chain, then send the next epoch if there is one. Resolves true
   * when it changed something (so that the next round runs at once). Throws on RPC errors.
   */
  async round(): Promise<boolean> {
    const { store, logId } = this.#p
    const { chainId, registry } = this.chain
    if (!this.#loaded) {
      for (const r of await store.anchors(chainId, registry))
        if (r.status === 'confirmed' && r.epoch > this.#confirmedEpoch)
          await this.#noteConfirmed(r.epoch)
      this.#loaded = true
    }
    await this.#readLag()
    await this.#readStats()
    const [headEpochBig, headRoot, headSizeBig, headTime] = await this.#client.readContract({
      address: registry,
      abi: checkpointRegistryAbi,
      functionName: 'head',
      args: [logId],
    })
    const headEpoch = Number(headEpochBig)
    const headSize = Number(headSizeBig)
    if (headEpoch > 0) {
      const ours = await store.checkpoint(headEpoch)
      if (ours && ours.rootHash.toLowerCase() !== headRoot.toLowerCase()) {
        throw new Error(
          `chain ${chainId} holds root ${headRoot} for epoch ${headEpoch}, this log signed ${ours.rootHash}`,
        )
      }
    }
    const records = new Map((await store.anchors(chainId, registry)).map((r) => [r.epoch, r]))
    let changed = false
    // A transaction of ours is still out (waiting, or just sent again): nothing new is sent.
    let outstanding = false
    // The head went back (a reorg): nothing above it is confirmed. Before the loop below, which
    // may send and confirm an epoch mined after the head was read.
    if (this.#confirmedEpoch > headEpoch)
      await this.#setConfirmed(await this.#confirmedBelow(headEpoch + 1))

    // Records of epochs the chain does not hold. One seen mined was reorganized away: it is
    // unmined again. An unmined transaction waits `replaceAfterMs`, then is replaced (in the
    // mempool) or sent again (lost, or never broadcast before a crash) at its own nonce, while
    // the chain has not used that nonce; one that reverted, or whose nonce went to another
    // transaction, is sent again with a new nonce.
    for (const found of records.values()) {
      if (found.epoch <= headEpoch || found.status === 'pending' || found.status === 'skipped')
        continue
      let r = found
      const tx =
        r.txHash === null
          ? null
          : await this.#client.getTransaction({ hash: r.txHash }).catch(() => null)
      const unmined = tx === null || tx.blockNumber === null
      if ((r.status === 'confirmed' || r.blockNumber !== null) && unmined) {
        r = {
          ...r,
          status: 'sent',
          blockNumber: null,
          confirmations: 0,
          lastError: 'dropped by a reorg',
          updatedMs: this.#clock(),
        }
        await store.putAnchor(r)
        records.set(r.epoch, r)
        this.#p.onEvent?.({
          level: 'warn',
          message: `anchor of epoch ${r.epoch} on ${this.chain.name} was reorganized away`,
          txHash: r.txHash,
        })
        if (found.status === 'confirmed' && this.#confirmedEpoch >= r.epoch)
          await this.#setConfirmed(await this.#confirmedBelow(r.epoch))
        changed = true
      }
      if (!unmined) {
        // Mined since the head was read: the next round's head holds it.
        const receipt = await this.#client
          .getTransactionReceipt({ hash: tx.hash })
          .catch(() => null)
        if (receipt) this.#noteReceipt(receipt)
        if (receipt?.status === 'success') {
          outstanding = true
          continue
        }
      } else if (r.status === 'sent' && r.nonce !== null) {
        const again = await this.#sendAgain(r, tx, headSize)
        if (again !== 'lost') {
          outstanding = true
          if (again === 'sent') changed = true
          continue
        }
      }
      await store.putAnchor({
        ...r,
        status: 'pending',
        blockNumber: null,
        confirmations: 0,
        lastError:
          r.lastError === 'dropped by a reorg' ? r.lastError : 'transaction dropped or reverted',
        updatedMs: this.#clock(),
      })
      changed = true
    }

    // Epochs the chain holds and we have not confirmed: confirmations, or who anchored them.
    // Start at the lowest record still unsettled, even below the confirmed epoch: a later epoch's
    // confirmation implies this one's on chain, but its own record must be settled too.
    let from = this.#confirmedEpoch + 1
    for (const r of records.values()) {
      if (r.epoch < from && r.epoch <= headEpoch && (r.status === 'sent' || r.status === 'pending'))
        from = r.epoch
    }
    let latest: bigint | undefined
    for (let epoch = from; epoch <= headEpoch; epoch++) {
      const record = records.get(epoch)
      if (record?.status === 'confirmed' || record?.status === 'skipped') continue
      // With a cadence, the epochs below the head that we never sent were skipped on purpose:
      // no need to ask the chain about each (an hourly chain passes some 1,800 of them).
      if (this.chain.cadence && record === undefined && epoch < headEpoch) continue
      const ours = await store.checkpoint(epoch)
      if (!ours) break
      latest ??= await this.#blockNumber()
      const done = await this.#settle(ours, record, latest, epoch < headEpoch)
      if (done === 'skipped') {
        changed = true
        continue
      }
      if (!done) break
      await this.#noteConfirmed(epoch)
      changed = true
    }

    // What to send: the next epoch, or with a cadence the newest checkpoint once it is due; never
    // while a transaction of ours for a later epoch is still out (one nonce at a time).
    const next = outstanding
      ? undefined
      : await this.#nextToSend(headEpoch, headSize, Number(headTime))
    if (next && (await this.#send(next, headSize, records.get(next.epoch)))) changed = true
    return changed
  }

  // The checkpoint to anchor next on this chain, if any is due.
  async #nextToSend(
    headEpoch: number,
    headSize: number,
    headTime: number,
  ): Promise<StoredCheckpoint | undefined> {
    const { store } = this.#p
    const cadence = this.chain.cadence
    if (!cadence) return store.checkpoint(headEpoch + 1)
    const newest = await store.latestCheckpoint()
    if (!newest || newest.epoch <= headEpoch) return undefined
    // The first anchor of a log is due at once: until then nothing of it is on this chain.
    const due =
      headEpoch === 0 ||
      this.#clock() - headTime * 1000 >= cadence.intervalMs ||
      (cadence.leaves !== undefined && newest.treeSize - headSize >= cadence.leaves)
    return due ? newest : undefined
  }

  // The highest epoch below `epoch` whose record on this chain is confirmed (0 if none).
  async #confirmedBelow(epoch: number): Promise<number> {
    let best = 0
    for (const r of await this.#p.store.anchors(this.chain.chainId, this.chain.registry))
      if (r.status === 'confirmed' && r.epoch < epoch && r.epoch > best) best = r.epoch
    return best
  }

  // The chain holds `cp.epoch`: check it is our checkpoint (the registry keeps each epoch's
  // EIP-712 struct hash, so root, tree size and time), find the transaction (ours, or anyone's
  // through the event: the chain already holding an epoch is success), count confirmations.
  async #settle(
    cp: StoredCheckpoint,
    r: AnchorRecord | undefined,
    latest: bigint,
    belowHead = false,
  ): Promise<boolean | 'skipped'> {
    const { store, logId } = this.#p
    const { chainId, registry } = this.chain
    const checkpoint = toCheckpoint(logId, cp)
    const held = await this.#client.readContract({
      address: registry,
      abi: checkpointRegistryAbi,
      functionName: 'checkpointHashAt',
      args: [logId, checkpoint.epoch],
    })
    const ours = checkpointStructHash(checkpoint)
    if (held === zeroHash) {
      if (!belowHead)
        throw new Error(`chain ${chainId} reports head epoch ${cp.epoch} but holds no hash for it`)
      // The chain's head is past this epoch but it never anchored it: a cadence skipped it, or
      // someone relayed a later checkpoint of ours first. It cannot be anchored there any more;
      // a record of ours for it is closed as skipped, and anchoring goes on from the head.
      if (r) {
        await store.putAnchor({
          ...r,
          status: 'skipped',
          lastError: `skipped: the chain anchored a later checkpoint first`,
          updatedMs: this.#clock(),
        })
        this.#p.onEvent?.({
          level: 'warn',
          message: `chain ${this.chain.name} skipped epoch ${cp.epoch} (a later checkpoint was anchored first)`,
        })
      }
      return 'skipped'
    }
    if (held.toLowerCase() !== ours) {
      throw new Error(
        `chain ${chainId} holds checkpoint hash ${held} for epoch ${cp.epoch}, this log signed ${ours} (root ${cp.rootHash}, tree size ${cp.treeSize}, timestamp ${cp.timestamp})`,
      )
    }
    let txHash = r?.txHash ?? null
    let block: bigint | null = null
    if (txHash !== null) {
      const receipt = await this.#client.getTransactionReceipt({ hash: txHash }).catch(() => null)
      if (receipt) this.#noteReceipt(receipt)
      if (receipt && receipt.status === 'success') block = receipt.blockNumber
    }
    if (block === null) {
      const found = await this.#findAnchoredEvent(cp.epoch, latest)
      if (!found) return false
      block = found.block
      txHash = found.txHash
      // Not the transaction the record names: a replaced one of ours mined anyway (its fees are
      // spent too), or another relayer's.
      if (!this.#receiptsSeen.has(found.txHash)) {
        const receipt = await this.#client
          .getTransactionReceipt({ hash: found.txHash })
          .catch(() => null)
        if (receipt) this.#noteReceipt(receipt)
      }
    }
    // A node behind a load balancer can answer a block number older than the block that holds
    // the receipt it just served: that block exists, so the chain is at least there.
    const confirmations = Number((latest > block ? latest : block) - block + 1n)
    const required = this.chain.confirmations ?? 1
    const status = confirmations >= required ? 'confirmed' : 'sent'
    await store.putAnchor({
      epoch: cp.epoch,
      chainId,
      registry,
      status,
      txHash,
      nonce: r?.nonce ?? null,
      blockNumber: Number(block),
      confirmations,
      attempts: r?.attempts ?? 0,
      lastError: null,
      updatedMs: this.#clock(),
    })
    return status === 'confirmed'
  }

  /**
   * The CheckpointAnchored event of `epoch`, searched from the newest blocks back to the
   * registry's deployment block, in ranges the RPC node accepts ({@link searchBlocksBackward}):
   * public nodes cap the block range of one log query, and an epoch held by the chain is most
   * likely recent.
   */
  #findAnchoredEvent(
    epoch: number,
    latest: bigint,
  ): Promise<{ block: bigint; txHash: Hex } | undefined> {
    const { registry, deploymentBlock = 0n } = this.chain
    return searchBlocksBackward({
      fromBlock: deploymentBlock,
      toBlock: latest,
      span: this.#eventSpan,
      query: async (fromBlock, toBlock) => {
        const logs = await this.#client.getContractEvents({
          address: registry,
          abi: checkpointRegistryAbi,
          eventName: 'CheckpointAnchored',
          args: { logId: this.#p.logId, epoch: BigInt(epoch) },
          fromBlock,
          toBlock,
        })
        const log = logs[0]
        return log && log.blockNumber !== null && log.transactionHash !== null
          ? { block: log.blockNumber, txHash: log.transactionHash }
          : undefined
      },
    })
  }

  /**
   * Sends `cp` (with the consistency proof from the chain's head): a first send takes the next
   * nonce and the market's fees; `again` sends at a nonce of ours the chain has not used yet,
   * outbidding `again.previous` (the fees of our transaction already at that nonce, when known).
   * Resolves false when fees hold it back (the market above the cap, or a replacement would pass
   * it): nothing was signed. Each signed transaction is recorded before it is broadcast.
   */
  async #send(
    cp: StoredCheckpoint,
    headSize: number,
    r: AnchorRecord | undefined,
    again?: { nonce: number; previous: Fees | undefined },
  ): Promise<boolean> {
    const { store, logId, relayer, hash } = this.#p
    const { chainId, registry } = this.chain
    const proof =
      headSize === 0 || headSize === cp.treeSize
        ? []
        : (await buildConsistencyProof({ size1: headSize, size2: cp.treeSize, store, hash })).map(
            toHex,
          )
    const args = [toCheckpoint(logId, cp), proof, cp.signature] as const
    const data = encodeFunctionData({ abi: checkpointRegistryAbi, functionName: 'anchor', args })
    // Estimation runs the call: a revert (wrong epoch, bad proof) surfaces here, before any gas.
    const [gas, market, nonce] = await Promise.all([
      // On the newest block, not the pending one: our own transaction at this nonce, still in
      // the mempool, would make the call revert there (some nodes default to pending).
      this.#client.estimateContractGas({
        address: registry,
        abi: checkpointRegistryAbi,
        functionName: 'anchor',
        args,
        account: relayer,
        blockTag: 'latest',
      }),
      this.#marketFees(),
      again
        ? again.nonce
        : this.#client.getTransactionCount({ address: relayer.address, blockTag: 'pending' }),
    ])
    let decision = again?.previous
      ? replacementFees({ previous: again.previous, market, capWei: this.#feeCap })
      : firstSendFees({ market, capWei: this.#feeCap })
    this.#marketFeeWei = decision.marketWei
    // One send, however many signatures the broadcast below needs.
    const attempts = (r?.attempts ?? 0) + 1
    let txHash: Hex | undefined
    let fees: Fees | undefined
    // A node that already holds a transaction of ours at this nonce (one we lost track of in a
    // crash, fees unknown) refuses a cheaper one: outbid it, doubling, within the cap.
    for (let tries = 0; ; tries++) {
      if ('wait' in decision) {
        if (this.#feeWait !== decision.wait)
          this.#p.onEvent?.({
            level: 'warn',
            message: `anchoring on ${this.chain.name} waits: ${decision.wait}`,
            epoch: cp.epoch,
          })
        this.#feeWait = decision.wait
        return txHash !== undefined
      }
      this.#feeWait = null
      fees = decision.send
      // Signed here from fields all known: no node is asked to fill anything in.
      const chain = this.#chain
      const serialized = await relayer.signTransaction(
        {
          chainId,
          to: registry,
          data,
          gas: (gas * 12n) / 10n,
          nonce,
          ...fees,
          type: 'eip1559',
        },
        chain.serializers?.transaction ? { serializer: chain.serializers.transaction } : {},
      )
      txHash = keccak256(serialized)
      // Crash point: the record names the transaction before it exists. After a crash here the
      // next round finds no such transaction and sends the epoch again at this nonce; after the
      // broadcast below it finds the transaction (or the epoch on chain) and settles it.
      await store.putAnchor({
        epoch: cp.epoch,
        chainId,
        registry,
        status: 'sent',
        txHash,
        nonce,
        blockNumber: null,
        confirmations: 0,
        attempts,
        lastError: null,
        updatedMs: this.#clock(),
      })
      try {
        await this.#client.sendRawTransaction({ serializedTransaction: serialized })
        break
      } catch (error) {
        const refusal = broadcastRefusal(error)
        if (refusal === 'known') break
        if (refusal !== 'underpriced' || tries >= 8) throw error
        decision = outbidUnknown({
          previous: fees,
          capWei: this.#feeCap,
          marketWei: market.baseFeePerGas + market.maxPriorityFeePerGas,
        })
      }
    }
    this.#sentFees.set(nonce, fees)
    if (again) this.#replacements++
    this.#p.onEvent?.({
      level: 'info',
      message: again
        ? `checkpoint ${cp.epoch} sent again to ${this.chain.name} at nonce ${nonce}`
        : `checkpoint ${cp.epoch} sent to ${this.chain.name}`,
      txHash,
      nonce,
      maxFeePerGas: fees.maxFeePerGas.toString(),
    })
    const receipt = await this.#receipt(txHash, Math.min(30_000, this.#replaceAfterMs))
    if (receipt) this.#noteReceipt(receipt)
    if (receipt && receipt.status === 'success') {
      const latest = await this.#blockNumber()
      const record = await store.anchor(cp.epoch, chainId, registry)
      if ((await this.#settle(cp, record, latest)) === true) {
        await this.#noteConfirmed(cp.epoch)
      }
    }
    return true
  }

  /**
   * An unmined transaction of ours (`tx` as the node has it, or null when it knows none: dropped,
   * reorganized away, or never broadcast before a crash), once `replaceAfterMs` has passed since
   * it was sent: sent again at its own nonce, outbidding the one in the mempool, while the chain
   * has not used that nonce. 'lost' when another transaction used it and the epoch is not on
   * chain: the epoch is then sent with a new nonce.
   */
  async #sendAgain(
    r: AnchorRecord,
    tx: { maxFeePerGas?: bigint | undefined; maxPriorityFeePerGas?: bigint | undefined } | null,
    headSize: number,
  ): Promise<'waiting' | 'sent' | 'lost'> {
    const nonce = r.nonce
    if (nonce === null) return 'lost'
    if (this.#clock() - r.updatedMs < this.#replaceAfterMs) return 'waiting'
    if (tx === null) {
      const used = await this.#client.getTransactionCount({
        address: this.#p.relayer.address,
        blockTag: 'latest',
      })
      if (used > nonce) {
        // One of our transactions at that nonce (a replacement the node forgot, say) may hold
        // the epoch: the head, read again, tells; the next round then settles it.
        const [headEpoch] = await this.#client.readContract({
          address: this.chain.registry,
          abi: checkpointRegistryAbi,
          functionName: 'head',
          args: [this.#p.logId],
        })
        return Number(headEpoch) >= r.epoch ? 'waiting' : 'lost'
      }
    }
    const cp = await this.#p.store.checkpoint(r.epoch)
    if (!cp) return 'lost'
    const previous =
      tx?.maxFeePerGas !== undefined && tx.maxPriorityFeePerGas !== undefined
        ? { maxFeePerGas: tx.maxFeePerGas, maxPriorityFeePerGas: tx.maxPriorityFeePerGas }
        : this.#sentFees.get(nonce)
    return (await this.#send(cp, headSize, r, { nonce, previous })) ? 'sent' : 'waiting'
  }

  // The market's EIP-1559 fees (viem's estimate, the chain's own rules where viem knows them)
  // and the newest block's base fee, which no transaction in the next block pays less than.
  async #marketFees(): Promise<MarketFees> {
    const [block, fees] = await Promise.all([
      this.#client.getBlock({ blockTag: 'latest' }),
      this.#client.estimateFeesPerGas(),
    ])
    return {
      maxFeePerGas: fees.maxFeePerGas,
      maxPriorityFeePerGas: fees.maxPriorityFeePerGas,
      baseFeePerGas: block.baseFeePerGas ?? 0n,
    }
  }

  // The relayer's balance and the market fee, for the metrics: every `statsEveryMs`, not on
  // every scrape (a scrape never waits on an RPC).
  async #readStats(): Promise<void> {
    const now = this.#clock()
    if (now - this.#statsReadMs < (this.chain.statsEveryMs ?? 60_000)) return
    this.#statsReadMs = now
    const [balance, market] = await Promise.all([
      this.#client.getBalance({ address: this.#p.relayer.address }),
      this.#marketFees(),
    ])
    this.#balanceWei = balance
    this.#marketFeeWei = market.baseFeePerGas + market.maxPriorityFeePerGas
  }

  // Lag behind the newest signed checkpoint, from the store alone (so it grows while the RPC is down).
  async #readLag(): Promise<void> {
    const newest = await this.#p.store.latestCheckpoint()
    this.#lagEpochs = newest ? Math.max(0, newest.epoch - this.#confirmedEpoch) : 0
    const oldest =
      this.#lagEpochs > 0 ? await this.#p.store.checkpoint(this.#confirmedEpoch + 1) : undefined
    this.#oldestUnconfirmedS = oldest ? oldest.timestamp : null
  }

  // The chain's newest block, read now: viem caches block numbers for its polling interval, and
  // a cached one counts a transaction mined since as unconfirmed.
  #blockNumber(): Promise<bigint> {
    return this.#client.getBlockNumber({ cacheTime: 0 })
  }

  // Polls at once, then every `receiptPollMs` (a fraction of the chain's block time: a local
  // node mines on send, Ethereum takes 12 s); the next round settles what this wait does not see.
  async #receipt(hash: Hex, timeoutMs: number) {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const receipt = await this.#client.getTransactionReceipt({ hash }).catch(() => null)
      if (receipt || Date.now() > deadline || this.#loop.stopped) return receipt
      await new Promise((resolve) => setTimeout(resolve, this.#receiptPollMs))
    }
  }

  // A mined transaction's receipt, wherever a round reads one: what the relayer paid, counted once
  // per transaction (a round reads a receipt again until its confirmations are in).
  #noteReceipt(
    receipt: Pick<TransactionReceipt, 'transactionHash' | 'from' | 'gasUsed' | 'effectiveGasPrice'>,
  ): void {
    const seen = this.#receiptsSeen
    if (seen.has(receipt.transactionHash)) return
    seen.add(receipt.transactionHash)
    if (seen.size > COUNTED_RECEIPTS) seen.delete(seen.values().next().value as Hex)
    if (receipt.from.toLowerCase() !== this.#p.relayer.address.toLowerCase()) return
    this.#feesSpentWei += receipt.gasUsed * receipt.effectiveGasPrice
    this.#gasUsed += receipt.gasUsed
  }

  async #noteConfirmed(epoch: number): Promise<void> {
    // Progress: whatever fee held anchoring back no longer does (a new wait is noted anew).
    this.#feeWait = null
    if (epoch > this.#confirmedEpoch) await this.#setConfirmed(epoch)
  }

  async #setConfirmed(epoch: number): Promise<void> {
    const treeSize = epoch === 0 ? 0 : ((await this.#p.store.checkpoint(epoch))?.treeSize ?? 0)
    this.#confirmedEpoch = epoch
    this.#confirmedTreeSize = treeSize
    for (const l of this.#listeners) l()
  }
}

function toHex(bytes: Uint8Array): Hex {
  return `0x${Buffer.from(bytes).toString('hex')}` as Hex
}

/**
 * Why a node refused a raw transaction, when that is something to act on: `underpriced`, it holds
 * another transaction of ours at that nonce that pays more; `known`, it holds this very one.
 * Nodes word these differently (geth, Erigon, Hardhat, public providers).
 */
function broadcastRefusal(error: unknown): 'underpriced' | 'known' | undefined {
  const text = error instanceof Error ? `${error.message} ${String(error.cause ?? '')}` : ''
  if (/underpriced|fee too low|replacement fee/i.test(text)) return 'underpriced'
  if (/already known|known transaction|already imported|already in (the )?mempool/i.test(text))
    return 'known'
  return undefined
}
