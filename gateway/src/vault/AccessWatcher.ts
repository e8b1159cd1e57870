import {
  accessRegistryAbi,
  type BlockSpan,
  bytesToHex,
  type Hex,
  hexToBytes,
  type MtlAccessDetail,
  type Sha256,
  searchBlockRanges,
} from '@tml/core'
import { type Address, getAddress, type Log, type PublicClient } from 'viem'
import type { AppendRequest } from '../memory/AlwaysMemory.ts'
import type { LogStore } from '../memory/LogStore.ts'
import { buildAccessMtl } from './buildAccessMtl.ts'
import { type ChainCustody, custodySet } from './chainCustodians.ts'

/** The events of the AccessRegistry ABI, as viem decodes logs with them. */
const ACCESS_EVENTS_ABI = accessRegistryAbi.filter((item) => item.type === 'event')

/** Parameters of the {@link AccessWatcher} constructor. */
export type AccessWatcherParameters = {
  client: Pick<PublicClient, 'getLogs' | 'getBlockNumber' | 'readContract'>
  chainId: number
  /** The AccessRegistry trusted for this log: events of any other address are ignored. */
  accessRegistry: Address
  logId: Hex
  /** First block to read (the registry's deployment block: nothing of it is older). */
  fromBlock: bigint
  /** Where records go (Always Memory: durable before `append` resolves). */
  memory: { append(request: AppendRequest): Promise<unknown> }
  /** Where records already written are found by trace id (restarts write nothing twice). */
  store: Pick<LogStore, 'entryByTraceId'>
  /** Hash of the policy set in force, for the records' `policy_hash`. */
  policyHash: Hex
  hash: Sha256
  /** The custodian declaration the gateway runs with (0: none); later ones go to `onCustodians`. */
  custodyVersion?: number
  /** A declaration newer than the one in force: the next vault epochs are wrapped to it. */
  onCustodians?: (custody: ChainCustody) => Promise<void> | void
  /** Blocks on top of an event's block (itself included) before it is copied. Default 1. */
  confirmations?: number
  /**
   * Most blocks per `eth_getLogs` (public RPC nodes cap ranges, each in its own words: a refused
   * range is halved or cut to the stated cap, by core's one paged search). Default 2000.
   */
  maxRange?: bigint
  clock?: () => number
  onEvent?: (event: { level: 'info' | 'warn'; message: string; [k: string]: unknown }) => void
}

type DecodedLog = Log<bigint, number, false, (typeof ACCESS_EVENTS_ABI)[number], true>

/**
 * Copies the AccessRegistry events of one log into the log as MTLs of kind `access`: custodian
 * declarations, requests, approvals, grants going live, released shares. Every record names the
 * chain event it copies (chain id, contract, transaction hash, block number, log index) and its
 * trace id is derived from those coordinates, so the log points to the chain and a re-read event
 * (after a restart, which reads again from `fromBlock`) is found in the log and never written twice.
 *
 * Only events of `accessRegistry` count (a log that another contract emits with the same
 * signature is ignored), and only those of `logId`: declarations and requests name the log,
 * approvals, grants and releases name a grant, whose log the registry says (`grantInfo`).
 *
 * @example
 * const watcher = new AccessWatcher({ client, chainId, accessRegistry, logId, fromBlock, memory, store, policyHash, hash: nodeSha256 })
 * await watcher.poll() // { appended: 3 }
 * watcher.start(2000)
 */
export class AccessWatcher {
  readonly #p: AccessWatcherParameters
  readonly #registry: Address
  readonly #logId: Hex
  /** The grants of this log (true) and of other logs (false) seen so far. */
  readonly #grants = new Map<bigint, boolean>()
  #cursor: bigint
  /** The span this RPC accepts, learned across passes (`searchBlockRanges`). */
  readonly #span: BlockSpan
  #custodyVersion: number
  #polling: Promise<{ appended: number }> | undefined
  #timer: NodeJS.Timeout | undefined
  #stopped = false

  constructor(p: AccessWatcherParameters) {
    this.#p = p
    this.#registry = getAddress(p.accessRegistry)
    this.#logId = p.logId.toLowerCase() as Hex
    this.#cursor = p.fromBlock
    this.#span = { blocks: p.maxRange ?? 2000n }
    this.#custodyVersion = p.custodyVersion ?? 0
  }

  /** The next block to read. */
  get cursor(): bigint {
    return this.#cursor
  }

  /**
   * Reads the events from the cursor to the confirmed head and appends a record for each new one
   * of this log, in chain order. One pass at a time: a call during a pass waits for it.
   * @throws whatever the RPC or the log throws; the cursor then stays where the pass began its
   *   range, and the next pass reads it again (records already written are skipped).
   */
  poll(): Promise<{ appended: number }> {
    this.#polling ??= this.#pass().finally(() => {
      this.#polling = undefined
    })
    return this.#polling
  }

  /** Polls every `intervalMs` until {@link stop}; a failed pass is reported and retried. */
  start(intervalMs: number): void {
    const tick = async () => {
      if (this.#stopped) return
      try {
        await this.poll()
      } catch (e) {
        this.#p.onEvent?.({
          level: 'warn',
          message: 'access events could not be copied into the log; retrying',
          error: (e as Error)?.message,
        })
      }
      if (!this.#stopped) {
        this.#timer = setTimeout(tick, intervalMs)
        this.#timer.unref?.()
      }
    }
    void tick()
  }

  /** Stops polling and waits for a pass in flight. */
  async stop(): Promise<void> {
    this.#stopped = true
    clearTimeout(this.#timer)
    await this.#polling?.catch(() => {})
  }

  async #pass(): Promise<{ appended: number }> {
    const confirmations = BigInt(Math.max(1, this.#p.confirmations ?? 1))
    const head = (await this.#p.client.getBlockNumber()) - (confirmations - 1n)
    let appended = 0
    if (this.#cursor > head || this.#stopped) return { appended }
    await searchBlockRanges({
      fromBlock: this.#cursor,
      toBlock: head,
      span: this.#span,
      maxBlocks: this.#p.maxRange ?? 2000n,
      // Ranges come oldest first; each is copied before the next is read, so the cursor only
      // passes blocks whose events are in the log (a retried range copies nothing twice).
      read: async (fromBlock, toBlock) => {
        if (this.#stopped) return []
        const logs = (await this.#p.client.getLogs({
          address: this.#registry,
          events: ACCESS_EVENTS_ABI,
          fromBlock,
          toBlock,
          strict: true,
        })) as unknown as DecodedLog[]
        logs.sort((a, b) =>
          a.blockNumber === b.blockNumber
            ? a.logIndex - b.logIndex
            : a.blockNumber < b.blockNumber
              ? -1
              : 1,
        )
        for (const log of logs) if (await this.#copy(log)) appended++
        this.#cursor = toBlock + 1n
        return []
      },
    })
    return { appended }
  }

  /** Appends the record of one event when it is of this log and not in the log yet. */
  async #copy(log: DecodedLog): Promise<boolean> {
    // An RPC answers what it likes: only the trusted registry's events count.
    if (getAddress(log.address) !== this.#registry) return false
    const detail = await this.#detail(log)
    if (detail === undefined) return false
    const draft = buildAccessMtl({
      detail,
      timestamp: new Date((this.#p.clock ?? Date.now)()).toISOString(),
      policyHash: this.#p.policyHash,
      hash: this.#p.hash,
    })
    if (await this.#p.store.entryByTraceId(draft.trace_id)) return false
    await this.#p.memory.append({ draft, profile: null, pauseDeadlineMs: null })
    this.#p.onEvent?.({
      level: 'info',
      message: 'access event copied into the log',
      event: detail.event,
      trace_id: draft.trace_id,
      tx_hash: detail.tx_hash,
    })
    if (log.eventName === 'CustodiansDeclared') {
      const { version, threshold, custodians, keys } = log.args
      if (version > this.#custodyVersion) {
        this.#custodyVersion = version
        await this.#p.onCustodians?.({ version, set: custodySet(custodians, keys, threshold) })
      }
    }
    return true
  }

  /** The `access` member for an event of this log; undefined for another log's. */
  async #detail(log: DecodedLog): Promise<MtlAccessDetail | undefined> {
    const at = {
      chain_id: this.#p.chainId,
      contract: this.#registry.toLowerCase() as `0x${string}`,
      tx_hash: log.transactionHash.toLowerCase() as Hex,
      block_number: Number(log.blockNumber),
      log_index: log.logIndex,
    }
    const lower = (a: string) => a.toLowerCase() as `0x${string}`
    switch (log.eventName) {
      case 'CustodiansDeclared': {
        const a = log.args
        if (a.logId.toLowerCase() !== this.#logId) return undefined
        return {
          event: 'CustodiansDeclared',
          ...at,
          custody_version: a.version,
          threshold: a.threshold,
          custodians: a.custodians.map(lower),
          custodian_keys: a.keys.map((k) => k.toLowerCase() as Hex),
        }
      }
      case 'AccessRequested': {
        const a = log.args
        const ours = a.logId.toLowerCase() === this.#logId
        this.#grants.set(a.grantId, ours)
        if (!ours) return undefined
        return {
          event: 'AccessRequested',
          ...at,
          grant_id: Number(a.grantId),
          auditor: lower(a.auditor),
          auditor_key: a.auditorKey.toLowerCase() as Hex,
          from_epoch: Number(a.fromEpoch),
          to_epoch: Number(a.toEpoch),
          duration: Number(a.duration),
        }
      }
      case 'AccessApproved': {
        const a = log.args
        if (!(await this.#ours(a.grantId))) return undefined
        return {
          event: 'AccessApproved',
          ...at,
          grant_id: Number(a.grantId),
          custodian: lower(a.custodian),
          approvals: a.approvals,
        }
      }
      case 'AccessGranted': {
        const a = log.args
        if (!(await this.#ours(a.grantId))) return undefined
        return {
          event: 'AccessGranted',
          ...at,
          grant_id: Number(a.grantId),
          approved_at: Number(a.approvedAt),
          expires_at: Number(a.expiresAt),
        }
      }
      case 'ShareReleased': {
        const a = log.args
        if (!(await this.#ours(a.grantId))) return undefined
        return {
          event: 'ShareReleased',
          ...at,
          grant_id: Number(a.grantId),
          epoch: Number(a.epoch),
          custodian: lower(a.custodian),
          share_index: a.index,
          // The log keeps the release's hash; the share itself stays on chain.
          wrapped_share_hash: bytesToHex(this.#p.hash(hexToBytes(a.wrappedShare))),
        }
      }
      default:
        return undefined
    }
  }

  /** Whether grant `grantId` is of this log: from its request seen, else from the registry. */
  async #ours(grantId: bigint): Promise<boolean> {
    const known = this.#grants.get(grantId)
    if (known !== undefined) return known
    const grant = (await this.#p.client.readContract({
      address: this.#registry,
      abi: accessRegistryAbi,
      functionName: 'grantInfo',
      args: [grantId],
    })) as { logId: Hex }
    const ours = grant.logId.toLowerCase() === this.#logId
    this.#grants.set(grantId, ours)
    return ours
  }
}
