// An in-process chain for the verifier's pure tests: a viem public client over a custom
// transport that answers the real JSON-RPC calls (eth_chainId, eth_call, eth_getLogs,
// eth_getBlockByNumber, eth_getTransactionReceipt) from an in-memory CheckpointRegistry and
// LanternRegistry. Calls are ABI-decoded and answers ABI-encoded, so the verifier's reads go
// through viem exactly as against a node. The real-chain tests are in gateway/test/verify.
import {
  type Address,
  createPublicClient,
  custom,
  decodeFunctionData,
  encodeAbiParameters,
  encodeEventTopics,
  encodeFunctionResult,
  type Hex,
  numberToHex,
  zeroAddress,
  zeroHash,
} from 'viem'
import { checkpointRegistryAbi, lanternRegistryAbi } from '../../src/contracts/abis.ts'

export type FakeLog = {
  /** 0 Unknown, 1 Active, 2 Retired, 3 Compromised. */
  status: number
  signer: Address
  receiptKey: Hex
  keyPeriod: bigint
  /** epoch → checkpoint struct hash. */
  hashes: Map<bigint, Hex>
  operator: Address
  name: string
  /** Earlier key periods, by index (`keyPeriodAt`); the current one is `signer`/`receiptKey`. */
  periods?: { signer: Address; receiptKey: Hex; fromEpoch: bigint }[]
}

export type FakeEvent = {
  eventName: 'CheckpointAnchored' | 'EquivocationReported'
  args: Record<string, unknown>
  blockNumber: bigint
  transactionHash: Hex
}

export type FakeChainState = {
  /** What eth_chainId answers. */
  chainId: number
  registry: Address
  lantern: Address
  logs: Map<string, FakeLog>
  lanternStatus: { lit: boolean; reason: number; faultyLog: Hex }
  certifiedPolicies: Set<string>
  events: FakeEvent[]
  /** Block number → unix time. */
  blockTimes: Map<bigint, bigint>
  /** When set, every call fails as an unreachable node does. */
  down: boolean
  /**
   * When set, `eth_getLogs` from an earlier block (or `earliest`) is refused, as public RPC nodes
   * refuse searches over the whole chain.
   */
  refuseLogsBefore?: bigint
  /** The block ranges of every `eth_getLogs` the verifier sent, as sent. */
  logRanges: { fromBlock: string; toBlock: string }[]
  /** The newest block (`eth_blockNumber`); default 10 past the newest event. */
  head?: bigint
  /**
   * When set, `eth_getLogs` over more blocks is refused in Infura's words ("range N exceeds
   * limit of M", code -32602), as public RPC nodes cap one search.
   */
  maxLogRange?: bigint
}

export function fakeChainState(chainId: number, n: number): FakeChainState {
  return {
    chainId,
    registry: `0x${String(n).repeat(40)}`.slice(0, 42) as Address,
    lantern: `0x${String(n + 1).repeat(40)}`.slice(0, 42) as Address,
    logs: new Map(),
    lanternStatus: { lit: true, reason: 0, faultyLog: zeroHash },
    certifiedPolicies: new Set(),
    events: [],
    blockTimes: new Map(),
    down: false,
    logRanges: [],
  }
}

type Call = { to: Address; data: Hex }

function answerCall(state: FakeChainState, { to, data }: Call): Hex {
  const lower = to.toLowerCase()
  if (lower === state.registry.toLowerCase()) {
    const { functionName, args } = decodeFunctionData({ abi: checkpointRegistryAbi, data })
    const log = state.logs.get(String(args?.[0]).toLowerCase())
    const result = (value: unknown) =>
      encodeFunctionResult({
        abi: checkpointRegistryAbi,
        functionName,
        result: value as never,
      })
    switch (functionName) {
      case 'lantern':
        return result(state.lantern)
      case 'keysAt':
        return result(
          log && (args?.[1] as bigint) > 0n
            ? [log.signer, log.receiptKey, log.keyPeriod]
            : [zeroAddress, zeroHash, 0n],
        )
      case 'checkpointHashAt':
        return result(log?.hashes.get(args?.[1] as bigint) ?? zeroHash)
      case 'logStatus':
        return result(log?.status ?? 0)
      case 'keyPeriodAt': {
        const period = log?.periods?.[Number(args?.[1])]
        if (period === undefined) throw new Error('execution reverted')
        return result(period)
      }
      default:
        // The fake answers the calls the verifier makes, nothing else: a new call fails loudly.
        throw new Error(
          `fake CheckpointRegistry: the verifier called ${functionName}, which this fake does not answer`,
        )
    }
  }
  if (lower === state.lantern.toLowerCase()) {
    const { functionName, args } = decodeFunctionData({ abi: lanternRegistryAbi, data })
    const result = (value: unknown) =>
      encodeFunctionResult({ abi: lanternRegistryAbi, functionName, result: value as never })
    switch (functionName) {
      case 'logInfo': {
        const log = state.logs.get(String(args?.[0]).toLowerCase())
        return result({
          operator: log?.operator ?? zeroAddress,
          signer: log?.signer ?? zeroAddress,
          receiptKey: log?.receiptKey ?? zeroHash,
          maxEpochInterval: 3600n,
          declaredAt: 1n,
          retired: log?.status === 2,
          name: log?.name ?? '',
        })
      }
      case 'lanternStatus':
        return result([
          state.lanternStatus.lit,
          state.lanternStatus.reason,
          state.lanternStatus.faultyLog,
        ])
      case 'isCertifiedPolicy':
        return result(state.certifiedPolicies.has(String(args?.[1]).toLowerCase()))
      default:
        throw new Error(
          `fake LanternRegistry: the verifier called ${functionName}, which this fake does not answer`,
        )
    }
  }
  // No contract: an empty answer, as a node gives for an address without code.
  return '0x'
}

type LogFilter = {
  address?: Address
  topics?: (Hex | null)[]
  fromBlock?: Hex | 'earliest'
  toBlock?: Hex | 'latest'
}

/** A block tag of a filter as a number (`earliest` 0, `latest` or none: unbounded). */
function blockOf(tag: string | undefined, fallback: bigint): bigint {
  return tag === undefined || tag === 'latest' ? fallback : tag === 'earliest' ? 0n : BigInt(tag)
}

function answerLogs(state: FakeChainState, filter: LogFilter) {
  state.logRanges.push({
    fromBlock: filter.fromBlock ?? 'earliest',
    toBlock: filter.toBlock ?? 'latest',
  })
  const from = blockOf(filter.fromBlock, 0n)
  const to = blockOf(filter.toBlock, 2n ** 64n)
  if (state.refuseLogsBefore !== undefined && from < state.refuseLogsBefore)
    throw new Error(`query exceeds the block range this node serves (from ${filter.fromBlock})`)
  if (state.maxLogRange !== undefined && to - from + 1n > state.maxLogRange)
    throw Object.assign(new Error(`range ${to - from} exceeds limit of ${state.maxLogRange}`), {
      code: -32602,
    })
  if (filter.address?.toLowerCase() !== state.registry.toLowerCase()) return []
  return state.events
    .filter((event) => event.blockNumber >= from && event.blockNumber <= to)
    .map((event, i) => {
      const abiEvent = checkpointRegistryAbi.find(
        (item) => item.type === 'event' && item.name === event.eventName,
      ) as { inputs: readonly { name: string; type: string; indexed?: boolean }[] }
      const topics = encodeEventTopics({
        abi: checkpointRegistryAbi,
        eventName: event.eventName,
        args: event.args as never,
      })
      const data = encodeAbiParameters(
        abiEvent.inputs.filter((input) => !input.indexed),
        abiEvent.inputs.filter((input) => !input.indexed).map((input) => event.args[input.name]),
      )
      return {
        address: state.registry,
        topics,
        data,
        blockNumber: numberToHex(event.blockNumber),
        blockHash: `0x${'bb'.repeat(32)}`,
        transactionHash: event.transactionHash,
        transactionIndex: '0x0',
        logIndex: numberToHex(i),
        removed: false,
      }
    })
    .filter((log) =>
      (filter.topics ?? []).every((topic, i) => topic === null || topic === log.topics[i]),
    )
}

function headOf(state: FakeChainState): bigint {
  return (
    state.head ?? state.events.reduce((h, e) => (e.blockNumber > h ? e.blockNumber : h), 0n) + 10n
  )
}

/** A viem public client over the fake chain `state`. */
export function fakeClient(state: FakeChainState) {
  return createPublicClient({
    transport: custom({
      async request({ method, params }: { method: string; params?: unknown }) {
        if (state.down) throw new Error('fetch failed')
        const p = (params ?? []) as unknown[]
        switch (method) {
          case 'eth_chainId':
            return numberToHex(state.chainId)
          case 'eth_call':
            return answerCall(state, p[0] as Call)
          case 'eth_getLogs':
            return answerLogs(state, p[0] as LogFilter)
          case 'eth_blockNumber':
            return numberToHex(headOf(state))
          case 'eth_getTransactionReceipt':
            return null
          case 'eth_getBlockByNumber': {
            const number = BigInt(p[0] as Hex)
            return {
              number: p[0],
              hash: `0x${'cc'.repeat(32)}`,
              timestamp: numberToHex(state.blockTimes.get(number) ?? 0n),
              transactions: [],
            }
          }
          default:
            throw new Error(
              `fake chain: the verifier sent ${method}, which this fake does not answer`,
            )
        }
      },
    }),
  })
}
