import {
  buildConsistencyProof,
  checkpointRegistryAbi,
  checkpointStructHash,
  type Hex,
  type Sha256,
} from '@tml/core'
import {
  type Address,
  createPublicClient,
  createWalletClient,
  encodeFunctionData,
  http,
  keccak256,
  type LocalAccount,
  type PublicClient,
  type WalletClient,
  zeroHash,
} from 'viem'
import {
  type AnchorRecord,
  type AnchorStore,
  type StoredCheckpoint,
  toCheckpoint,
} from './AnchorStore.ts'
import { chainDefinition } from './chainDefinition.ts'
import { RoundLoop, type RoundOutcome } from './RoundLoop.ts'
import { type BlockSpan, searchBlocksBackward } from './searchBlocksBackward.ts'

/** One chain the log anchors on. */
export type ChainConfig = {
  /** A name for logs and health (`ethereum`, `polygon`, `sepolia`…). */
  name: string
  chainId: number
  rpcUrl: string
  /** The CheckpointRegistry on that chain. */
  registry: Address
  /**
   * The block the registry was deployed in: no event of it is older, so searches start there
   * (public RPC nodes refuse log ranges from block 0). Default 0.
   */
  deploymentBlock?: bigint
  /** Blocks on top of the anchor's block (itself included) before it counts. Default 1. */
  confirmations?: number
  /** Highest `maxFeePerGas` the relayer pays, in wei; a higher market fee waits. Default 200 gwei. */
  maxFeePerGasWei?: bigint
  /** Pause between rounds when nothing is to do (ms). Default 250. */
  pollMs?: number
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
}

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
 * of one. RPC errors back off exponentially up to `maxBackoffMs`.
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
  readonly #wallet: WalletClient
  readonly #clock: () => number
  readonly #loop: RoundLoop
  #failures = 0
  #lastError: string | null = null
  #confirmedEpoch = 0
  #confirmedTreeSize = 0
  readonly #listeners = new Set<() => void>()
  /** Blocks per event query, as this chain's RPC node has taught the searches so far. */
  readonly #eventSpan: BlockSpan = { blocks: FIRST_EVENT_SPAN }

  constructor(p: ChainAnchorerParameters) {
    this.#p = p
    this.chain = p.chain
    this.#clock = p.clock ?? Date.now
    const chain = chainDefinition(p.chain)
    // Retries are this class's job (with backoff and state), not the transport's.
    const transport = http(p.chain.rpcUrl, { retryCount: 0, timeout: 10_000 })
    this.#client = createPublicClient({ chain, transport, pollingInterval: 50 }) as PublicClient
    this.#wallet = createWalletClient({ chain, transport, account: p.relayer })
    for (const r of p.store.anchors(p.chain.chainId, p.chain.registry)) {
      if (r.status === 'confirmed' && r.epoch > this.#confirmedEpoch) this.#noteConfirmed(r.epoch)
    }
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
    return { delayMs: progressed ? 0 : (this.chain.pollMs ?? 250) }
  }

  // RPC errors back off exponentially from `pollMs`, up to `maxBackoffMs`.
  #backOff(error: unknown): RoundOutcome {
    this.#failures++
    this.#lastError = error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error)
    const delayMs = Math.min(
      this.chain.maxBackoffMs ?? 10_000,
      (this.chain.pollMs ?? 250) * 2 ** this.#failures,
    )
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
    const [headEpochBig, headRoot, headSizeBig, headTime] = await this.#client.readContract({
      address: registry,
      abi: checkpointRegistryAbi,
      functionName: 'head',
      args: [logId],
    })
    const headEpoch = Number(headEpochBig)
    const headSize = Number(headSizeBig)
    if (headEpoch > 0) {
      const ours = store.checkpoint(headEpoch)
      if (ours && ours.rootHash.toLowerCase() !== headRoot.toLowerCase()) {
        throw new Error(
          `chain ${chainId} holds root ${headRoot} for epoch ${headEpoch}, this log signed ${ours.rootHash}`,
        )
      }
    }
    const records = new Map(store.anchors(chainId, registry).map((r) => [r.epoch, r]))
    let changed = false

    // Records of epochs the chain does not hold: a transaction still in the mempool waits; one
    // that was dropped, reverted or reorged out is sent again.
    for (const r of records.values()) {
      if (r.epoch <= headEpoch || r.status === 'pending' || r.status === 'skipped') continue
      const inPool =
        r.txHash !== null &&
        (await this.#client.getTransaction({ hash: r.txHash }).catch(() => null))
      if (inPool && inPool.blockNumber === null) continue
      store.putAnchor({
        ...r,
        status: 'pending',
        blockNumber: null,
        confirmations: 0,
        lastError:
          r.status === 'confirmed' ? 'dropped by a reorg' : 'transaction dropped or reverted',
        updatedMs: this.#clock(),
      })
      if (r.status === 'confirmed' && this.#confirmedEpoch >= r.epoch)
        this.#setConfirmed(this.#confirmedBelow(r.epoch))
      changed = true
    }
    if (this.#confirmedEpoch > headEpoch) this.#setConfirmed(this.#confirmedBelow(headEpoch + 1))

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
      const ours = store.checkpoint(epoch)
      if (!ours) break
      latest ??= await this.#blockNumber()
      const done = await this.#settle(ours, record, latest, epoch < headEpoch)
      if (done === 'skipped') {
        changed = true
        continue
      }
      if (!done) break
      this.#noteConfirmed(epoch)
      changed = true
    }

    // What to send: the next epoch, or with a cadence the newest checkpoint once it is due; never
    // while a transaction of ours for a later epoch is still in the mempool.
    const next = this.#nextToSend(headEpoch, headSize, Number(headTime))
    if (next) {
      const inFlight = [...records.values()].filter(
        (r) => r.epoch > headEpoch && r.status === 'sent',
      )
      let waiting = false
      for (const r of inFlight) if (await this.#pending(r)) waiting = true
      if (!waiting) {
        await this.#send(next, headSize, records.get(next.epoch))
        changed = true
      }
    }
    return changed
  }

  // The checkpoint to anchor next on this chain, if any is due.
  #nextToSend(headEpoch: number, headSize: number, headTime: number): StoredCheckpoint | undefined {
    const { store } = this.#p
    const cadence = this.chain.cadence
    if (!cadence) return store.checkpoint(headEpoch + 1)
    const newest = store.latestCheckpoint()
    if (!newest || newest.epoch <= headEpoch) return undefined
    // The first anchor of a log is due at once: until then nothing of it is on this chain.
    const due =
      headEpoch === 0 ||
      this.#clock() - headTime * 1000 >= cadence.intervalMs ||
      (cadence.leaves !== undefined && newest.treeSize - headSize >= cadence.leaves)
    return due ? newest : undefined
  }

  // The highest epoch below `epoch` whose record on this chain is confirmed (0 if none).
  #confirmedBelow(epoch: number): number {
    let best = 0
    for (const r of this.#p.store.anchors(this.chain.chainId, this.chain.registry))
      if (r.status === 'confirmed' && r.epoch < epoch && r.epoch > best) best = r.epoch
    return best
  }

  async #pending(r: AnchorRecord): Promise<boolean> {
    if (r.txHash === null) return false
    const tx = await this.#client.getTransaction({ hash: r.txHash }).catch(() => null)
    return tx !== null && tx.blockNumber === null
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
        store.putAnchor({
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
      if (receipt && receipt.status === 'success') block = receipt.blockNumber
    }
    if (block === null) {
      const found = await this.#findAnchoredEvent(cp.epoch, latest)
      if (!found) return false
      block = found.block
      txHash = found.txHash
    }
    // A node behind a load balancer can answer a block number older than the block that holds
    // the receipt it just served: that block exists, so the chain is at least there.
    const confirmations = Number((latest > block ? latest : block) - block + 1n)
    const required = this.chain.confirmations ?? 1
    const status = confirmations >= required ? 'confirmed' : 'sent'
    store.putAnchor({
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

  async #send(cp: StoredCheckpoint, headSize: number, r: AnchorRecord | undefined): Promise<void> {
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
    const [gas, fees, nonce] = await Promise.all([
      this.#client.estimateContractGas({
        address: registry,
        abi: checkpointRegistryAbi,
        functionName: 'anchor',
        args,
        account: relayer,
      }),
      this.#client.estimateFeesPerGas(),
      this.#client.getTransactionCount({ address: relayer.address, blockTag: 'pending' }),
    ])
    const cap = this.chain.maxFeePerGasWei ?? DEFAULT_FEE_CAP
    const maxFeePerGas = fees.maxFeePerGas > cap ? cap : fees.maxFeePerGas
    const maxPriorityFeePerGas =
      fees.maxPriorityFeePerGas > maxFeePerGas ? maxFeePerGas : fees.maxPriorityFeePerGas
    const request = await this.#wallet.prepareTransactionRequest({
      account: relayer,
      chain: this.#wallet.chain,
      to: registry,
      data,
      gas: (gas * 12n) / 10n,
      nonce,
      maxFeePerGas,
      maxPriorityFeePerGas,
      type: 'eip1559',
    })
    const serialized = await this.#wallet.signTransaction(request as never)
    const txHash = keccak256(serialized)
    // Crash point: the record names the transaction before it exists. After a crash here the
    // next round finds no such transaction and sends the epoch again; after the broadcast below
    // it finds the transaction (or the epoch on chain) and settles it.
    store.putAnchor({
      epoch: cp.epoch,
      chainId,
      registry,
      status: 'sent',
      txHash,
      nonce,
      blockNumber: null,
      confirmations: 0,
      attempts: (r?.attempts ?? 0) + 1,
      lastError: null,
      updatedMs: this.#clock(),
    })
    await this.#client.sendRawTransaction({ serializedTransaction: serialized })
    this.#p.onEvent?.({
      level: 'info',
      message: `checkpoint ${cp.epoch} sent to ${this.chain.name}`,
      txHash,
      nonce,
    })
    const receipt = await this.#receipt(txHash, 30_000)
    if (receipt && receipt.status === 'success') {
      const latest = await this.#blockNumber()
      if ((await this.#settle(cp, store.anchor(cp.epoch, chainId, registry), latest)) === true) {
        this.#noteConfirmed(cp.epoch)
      }
    }
  }

  // The chain's newest block, read now: viem caches block numbers for its polling interval, and
  // a cached one counts a transaction mined since as unconfirmed.
  #blockNumber(): Promise<bigint> {
    return this.#client.getBlockNumber({ cacheTime: 0 })
  }

  // Polls at once and then often: a local node mines on send, a public chain takes a block time;
  // either way the next round settles what this wait does not see.
  async #receipt(hash: Hex, timeoutMs: number) {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const receipt = await this.#client.getTransactionReceipt({ hash }).catch(() => null)
      if (receipt || Date.now() > deadline || this.#loop.stopped) return receipt
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
  }

  #noteConfirmed(epoch: number): void {
    if (epoch > this.#confirmedEpoch) this.#setConfirmed(epoch)
  }

  #setConfirmed(epoch: number): void {
    this.#confirmedEpoch = epoch
    this.#confirmedTreeSize = epoch === 0 ? 0 : (this.#p.store.checkpoint(epoch)?.treeSize ?? 0)
    for (const l of this.#listeners) l()
  }
}

function toHex(bytes: Uint8Array): Hex {
  return `0x${Buffer.from(bytes).toString('hex')}` as Hex
}
