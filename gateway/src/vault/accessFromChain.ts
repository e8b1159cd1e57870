import { join } from 'node:path'
import type { Hex } from '@tml/core'
import { type Address, createPublicClient, http, isAddress, type PublicClient } from 'viem'
import { readCheckpointDeployment } from '../anchoring/readCheckpointDeployment.ts'
import { nodeSha256 } from '../keys/nodeSha256.ts'
import type { Gateway } from '../service/createGateway.ts'
import { AccessWatcher } from './AccessWatcher.ts'
import type { CustodianSet } from './Custodian.ts'
import { type ChainCustody, readChainCustodians, reconcileCustodians } from './chainCustodians.ts'
import { VaultError } from './VaultError.ts'
import { vaultConfig, vaultPeriodMs } from './vaultConfig.ts'

/** The AccessRegistry a gateway reads its custodians from and copies access events of. */
export type AccessSource = {
  network: string
  chainId: number
  accessRegistry: Address
  /** Its deployment block (0 when unknown): where the event copy starts. */
  fromBlock: bigint
  /** Blocks an event waits for before it is copied: the chain's `--confirmations`. */
  confirmations: number
  client: PublicClient
}

/**
 * Which AccessRegistry the gateway follows: `--access-registry ADDR` (on the first `--chain`) or
 * `NETWORK=ADDR`, else the first `--chain` whose deployment file names one. Undefined without a
 * chain, or when no deployment file names one and no flag is given.
 * @throws {VaultError} `TML_VAULT_CONFIG` for a flag that is not an address, names no `--chain`
 *   network, or is given without any chain.
 *
 * @example
 * accessSource({ chains: lane.chains, deploymentsDir: 'deployments', flag: undefined })?.accessRegistry
 */
export function accessSource({
  chains,
  deploymentsDir,
  flag,
}: {
  chains: readonly { name: string; chainId: number; rpcUrl: string; confirmations?: number }[]
  deploymentsDir: string
  flag: string | undefined
}): AccessSource | undefined {
  const configError = (m: string) => new VaultError(m, { code: 'TML_VAULT_CONFIG' })
  const deployed = (network: string) => {
    try {
      return readCheckpointDeployment(join(deploymentsDir, `${network}.json`))
    } catch {
      return undefined
    }
  }
  const source = (chain: (typeof chains)[number], address: Address): AccessSource => {
    const file = deployed(chain.name)
    const same = file?.access?.toLowerCase() === address.toLowerCase()
    return {
      network: chain.name,
      chainId: chain.chainId,
      accessRegistry: address,
      fromBlock: same ? (file?.accessBlock ?? 0n) : 0n,
      confirmations: chain.confirmations ?? 1,
      client: createPublicClient({ transport: http(chain.rpcUrl) }) as PublicClient,
    }
  }
  if (flag !== undefined) {
    if (chains.length === 0)
      throw configError(
        '--access-registry needs a --chain NETWORK=RPC_URL to read the custodians from',
      )
    const at = flag.indexOf('=')
    const network = at > 0 ? flag.slice(0, at) : chains[0]?.name
    const address = at > 0 ? flag.slice(at + 1) : flag
    const chain = chains.find((c) => c.name === network)
    if (!chain) throw configError(`--access-registry ${flag}: ${network} is not a --chain network`)
    if (!isAddress(address)) throw configError(`--access-registry ${flag}: not an address`)
    return source(chain, address)
  }
  for (const chain of chains) {
    const access = deployed(chain.name)?.access
    if (access !== undefined) return source(chain, access)
  }
  return undefined
}

/**
 * The vault settings of `tml gateway start` once the chain has had its say: with an
 * AccessRegistry ({@link accessSource}), the custodians and threshold the log declared there
 * (`--custodian` flags, when also given, must match: {@link reconcileCustodians}); without one,
 * the flags alone ({@link vaultConfig}). Returns the declaration's version too (0: none, or no
 * chain), from which later declarations are applied.
 * @throws {VaultError} `TML_VAULT_CONFIG` for bad flags, `TML_VAULT_CUSTODIANS` for flags that
 *   differ from the chain, flags without a declaration, or a chain that cannot be read.
 *
 * @example
 * const { vault } = await vaultFromChain({ custodians: [], source, logId, periodS: '900' })
 */
export async function vaultFromChain({
  custodians,
  threshold,
  vault,
  noVault,
  periodS,
  source,
  logId,
}: {
  custodians: readonly string[]
  threshold?: string | undefined
  vault?: boolean | undefined
  noVault?: boolean | undefined
  periodS?: string | undefined
  source: AccessSource | undefined
  logId: Hex
}): Promise<{
  vault: { set: CustodianSet; periodMs: number } | undefined
  custody: ChainCustody | undefined
}> {
  // The flags alone, checked as ever (a bad key or threshold is refused before any chain read).
  const flags = vaultConfig({ custodians, threshold, vault: vault && !source, noVault, periodS })
  if (source === undefined) return { vault: flags, custody: undefined }
  const read = () =>
    readChainCustodians({ client: source.client, accessRegistry: source.accessRegistry, logId })
  // With the vault off the declaration only tells which version is already known (so that the
  // event copy does not report it as new); a chain that cannot be read then stops nothing.
  if (noVault) return { vault: undefined, custody: await read().catch(() => undefined) }
  const custody = await read()
  const set = reconcileCustodians({
    chain: custody,
    flags: flags?.set,
    flagThreshold: threshold === undefined ? undefined : Number(threshold),
    where: `${logId} in the AccessRegistry ${source.accessRegistry} on ${source.network}`,
  })
  if (set === undefined) {
    if (vault)
      throw new VaultError(
        `--vault needs custodians: log ${logId} declares none in the AccessRegistry ${source.accessRegistry} on ${source.network}`,
        { code: 'TML_VAULT_CUSTODIANS' },
      )
    return { vault: undefined, custody }
  }
  return { vault: { set, periodMs: vaultPeriodMs(periodS) }, custody }
}

/**
 * Copies the log's AccessRegistry events into the log ({@link AccessWatcher}) every `pollMs`,
 * and hands a newer custodian declaration to the commit worker, which wraps epoch keys to it
 * from the next epoch on. A declaration while the vault is off is reported: the vault starts
 * with the gateway, so it takes a restart.
 *
 * @example
 * const watch = startAccessWatch({ gateway, source, custodyVersion: custody?.version ?? 0, pollMs: 2000 })
 * await watch.stop()
 */
export function startAccessWatch({
  gateway,
  source,
  custodyVersion,
  pollMs,
  onEvent,
}: {
  gateway: Pick<Gateway, 'memory' | 'store' | 'service' | 'committer' | 'keys' | 'vault'>
  source: AccessSource
  custodyVersion: number
  pollMs: number
  onEvent?: (event: { level: 'info' | 'warn'; message: string; [k: string]: unknown }) => void
}): AccessWatcher {
  const committer = gateway.committer as {
    setCustodians?: (set: CustodianSet) => Promise<void>
  }
  const watcher = new AccessWatcher({
    client: source.client,
    chainId: source.chainId,
    accessRegistry: source.accessRegistry,
    logId: gateway.keys.logId,
    fromBlock: source.fromBlock,
    confirmations: source.confirmations,
    memory: gateway.memory,
    store: gateway.store,
    policyHash: gateway.service.policySetHash,
    hash: nodeSha256,
    custodyVersion,
    onCustodians: async (custody) => {
      if (!gateway.vault || committer.setCustodians === undefined) {
        onEvent?.({
          level: 'warn',
          message: 'custodians declared on chain that this gateway cannot apply: its vault is off',
          version: custody.version,
        })
        return
      }
      await committer.setCustodians(custody.set)
      onEvent?.({
        level: 'info',
        message: 'custodian declaration changed on chain: the next vault epochs are wrapped to it',
        version: custody.version,
        threshold: custody.set.threshold,
        custodians: custody.set.custodians.map((c) => c.name),
      })
    },
    ...(onEvent ? { onEvent } : {}),
  })
  watcher.start(pollMs)
  return watcher
}
