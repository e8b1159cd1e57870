import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { BaseError, isHex } from '@tml/core'
import { privateKeyToAccount } from 'viem/accounts'
import type { GatewayLaneOptions } from '../service/createGateway.ts'
import type { AnchorPolicy } from './anchoringHealth.ts'
import type { ChainConfig } from './ChainAnchorer.ts'
import { type CheckpointDeployment, readCheckpointDeployment } from './readCheckpointDeployment.ts'

/** A malformed anchoring option, deployment file or relayer key. */
export class LaneConfigError extends BaseError {
  override name = 'LaneConfigError' as const
}

/** The raw options, from the command line or the environment (command line first). */
export type LaneConfigInput = {
  /**
   * `NETWORK=RPC_URL` pairs; NETWORK names `DEPLOYMENTS/NETWORK.json` (e.g. ethereumLocal). A
   * network named again adds a fallback URL, tried in order when the ones before it fail.
   */
  chains: readonly string[]
  deploymentsDir: string
  /** `all`, `any` or `k:N`. */
  policy?: string | undefined
  maxEpochIntervalS?: string | undefined
  epochPeriodMs?: string | undefined
  epochSize?: string | undefined
  confirmations?: string | undefined
  /**
   * Highest max fee per gas in gwei: `GWEI` for every chain, `NETWORK=GWEI` for one (it wins
   * over the global one). Default 200.
   */
  feeCapGwei?: string | readonly string[] | undefined
  otsCalendars?: readonly string[] | undefined
  /**
   * `NETWORK=SECONDS` or `NETWORK=SECONDS:LEAVES` pairs: that chain anchors the newest checkpoint
   * every SECONDS (or once LEAVES new leaves are in), skipping the epochs between; `NETWORK=every`
   * anchors every epoch. Chains not named get their network's default ({@link defaultCadence}).
   */
  cadences?: readonly string[] | undefined
  /** The relayer's key (0x + 32 bytes), or a file holding it. */
  relayerKey?: string | undefined
  relayerKeyFile?: string | undefined
}

/**
 * Turns the gateway's anchoring options into the lane's options: each chain's id and
 * CheckpointRegistry from `deployments/<network>.json` (written by scripts/deploy.ts), the RPC
 * URLs given (a network named again gets a fallback URL), the fee caps, the relayer account
 * (never the checkpoint signer), the policy and the timings.
 * Returns undefined when no chain is configured (the gateway then runs without anchoring).
 *
 * @throws {LaneConfigError} on a malformed option, a missing deployment or relayer key.
 * @example
 * loadLaneConfig({ chains: ['ethereumLocal=http://127.0.0.1:8545'], deploymentsDir: 'deployments', relayerKey })
 */
export function loadLaneConfig(input: LaneConfigInput): GatewayLaneOptions | undefined {
  if (input.chains.length === 0) return undefined
  const confirmations = int(input.confirmations ?? '1', 'confirmations', 1)
  const feeCaps = feeCapsOf(input.feeCapGwei)
  const maxEpochIntervalMs = int(input.maxEpochIntervalS ?? '3600', 'max epoch interval', 1) * 1000
  const cadences = cadencesOf(input.cadences ?? [], maxEpochIntervalMs)
  // Each network with its URLs, in the order given: a network named again gets a fallback URL.
  const urls = new Map<string, string[]>()
  for (const pair of input.chains) {
    const i = pair.indexOf('=')
    const network = pair.slice(0, i)
    const rpcUrl = pair.slice(i + 1)
    if (i < 1 || !/^[A-Za-z0-9_-]+$/.test(network) || !/^https?:\/\//.test(rpcUrl)) {
      throw new LaneConfigError(`--chain must be NETWORK=http(s)://RPC, got "${pair}"`)
    }
    const list = urls.get(network) ?? []
    if (list.includes(rpcUrl))
      throw new LaneConfigError(`--chain ${network}: RPC URL ${rpcUrl} is given twice`)
    urls.set(network, [...list, rpcUrl])
  }
  const chains: ChainConfig[] = [...urls].map(([network, [rpcUrl = '', ...fallbackRpcUrls]]) => {
    const file = join(input.deploymentsDir, `${network}.json`)
    if (!existsSync(file))
      throw new LaneConfigError(`no deployment file ${file} (npm run deploy -- ${network})`)
    let deployment: CheckpointDeployment
    try {
      deployment = readCheckpointDeployment(file)
    } catch (error) {
      throw new LaneConfigError((error as Error).message)
    }
    const cadence = cadences.has(network)
      ? cadences.get(network)
      : defaultCadence(deployment.chainId, maxEpochIntervalMs)
    return {
      name: network,
      rpcUrl,
      ...(fallbackRpcUrls.length > 0 ? { fallbackRpcUrls } : {}),
      // Older deployment files have no block: searches then start at block 0.
      ...deployment,
      confirmations,
      maxFeePerGasWei: feeCaps.get(network) ?? feeCaps.get('') ?? DEFAULT_FEE_CAP_WEI,
      ...(cadence ? { cadence } : {}),
    }
  })
  for (const network of feeCaps.keys())
    if (network !== '' && !urls.has(network))
      throw new LaneConfigError(`--fee-cap-gwei names ${network}, which no --chain gives`)
  for (const network of cadences.keys())
    if (!chains.some((c) => c.name === network))
      throw new LaneConfigError(`--anchor-every names ${network}, which no --chain gives`)
  const key =
    input.relayerKey ??
    (input.relayerKeyFile ? readFileSync(input.relayerKeyFile, 'utf8').trim() : undefined)
  if (!key || !isHex(key, 32)) {
    throw new LaneConfigError(
      'anchoring needs a relayer key: TML_RELAYER_KEY or --relayer-key-file (0x + 32 bytes)',
    )
  }
  return {
    chains,
    relayer: privateKeyToAccount(key),
    policy: policyOf(input.policy ?? 'all', chains.length),
    maxEpochIntervalMs,
    ...(input.epochPeriodMs ? { epochPeriodMs: int(input.epochPeriodMs, 'epoch period', 1) } : {}),
    ...(input.epochSize ? { epochSize: int(input.epochSize, 'epoch size', 1) } : {}),
    ...(input.otsCalendars && input.otsCalendars.length > 0
      ? { ots: { calendars: input.otsCalendars } }
      : {}),
  }
}

/**
 * Seconds between anchors of the chains whose fees forbid one per epoch, by chain id: Ethereum
 * mainnet and its test networks hourly (24 anchors a day, about 2.2M gas at ~92,000 each),
 * Polygon PoS and Amoy every 30 s (2,880 a day). Other chains (local ones, unknown L2s) anchor
 * every epoch. Never slower than half the log's maximum epoch interval, which bounds the
 * slowest chain: the other half is left for the transaction to land.
 */
const DEFAULT_CADENCE_S: Record<number, number> = {
  1: 3600,
  11155111: 3600,
  17000: 3600,
  560048: 3600,
  137: 30,
  80002: 30,
}

/**
 * The default cadence of a chain (undefined: every epoch); see {@link DEFAULT_CADENCE_S}.
 *
 * @example defaultCadence(1, 7_200_000) // { intervalMs: 3_600_000 }
 */
export function defaultCadence(
  chainId: number,
  maxEpochIntervalMs: number,
): { intervalMs: number } | undefined {
  const seconds = DEFAULT_CADENCE_S[chainId]
  if (seconds === undefined) return undefined
  return { intervalMs: Math.min(seconds * 1000, Math.floor(maxEpochIntervalMs / 2)) }
}

function cadencesOf(
  pairs: readonly string[],
  maxEpochIntervalMs: number,
): Map<string, { intervalMs: number; leaves?: number } | undefined> {
  const map = new Map<string, { intervalMs: number; leaves?: number } | undefined>()
  for (const pair of pairs) {
    const m = /^([A-Za-z0-9_-]+)=(?:(every)|(\d+)(?::(\d+))?)$/.exec(pair)
    if (!m)
      throw new LaneConfigError(
        `--anchor-every must be NETWORK=SECONDS, NETWORK=SECONDS:LEAVES or NETWORK=every, got "${pair}"`,
      )
    const network = m[1] as string
    if (m[2]) {
      map.set(network, undefined)
      continue
    }
    const intervalMs = int(m[3] as string, `--anchor-every ${network} seconds`, 1) * 1000
    if (intervalMs > maxEpochIntervalMs / 2)
      throw new LaneConfigError(
        `--anchor-every ${network}: ${intervalMs / 1000} s is more than half the maximum epoch interval (${maxEpochIntervalMs / 1000} s): receipts would expire before the chain anchors them; raise --max-epoch-interval (declared with the log) or anchor more often`,
      )
    map.set(network, {
      intervalMs,
      ...(m[4] ? { leaves: int(m[4], `--anchor-every ${network} leaves`, 1) } : {}),
    })
  }
  return map
}

const GWEI = 1_000_000_000n
const DEFAULT_FEE_CAP_WEI = 200n * GWEI

// `GWEI` or `NETWORK=GWEI` items → wei by network ('' for every chain).
function feeCapsOf(input: string | readonly string[] | undefined): Map<string, bigint> {
  const items = input === undefined ? [] : typeof input === 'string' ? [input] : input
  const caps = new Map<string, bigint>()
  for (const item of items) {
    const m = /^(?:([A-Za-z0-9_-]+)=)?(\d+)$/.exec(item)
    if (!m)
      throw new LaneConfigError(
        `--fee-cap-gwei must be GWEI or NETWORK=GWEI (a whole number of gwei), got "${item}"`,
      )
    const network = m[1] ?? ''
    if (caps.has(network))
      throw new LaneConfigError(
        `--fee-cap-gwei is given twice for ${network === '' ? 'every chain' : network}`,
      )
    caps.set(network, BigInt(int(m[2] as string, '--fee-cap-gwei', 1)) * GWEI)
  }
  return caps
}

function policyOf(text: string, n: number): AnchorPolicy {
  if (text === 'all' || text === 'any') return { require: text }
  const m = /^k:(\d+)$/.exec(text)
  const k = Number(m?.[1])
  if (!m || k < 1 || k > n)
    throw new LaneConfigError(
      `anchor policy must be all, any or k:N with 1 <= N <= ${n}, got "${text}"`,
    )
  return { require: 'k', k }
}

function int(text: string, what: string, min: number): number {
  const n = Number(text)
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(n) || n < min)
    throw new LaneConfigError(`${what} must be an integer >= ${min}, got "${text}"`)
  return n
}
