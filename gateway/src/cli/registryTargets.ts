import { join } from 'node:path'
import { type Address, type Chain, createPublicClient, http, type PublicClient } from 'viem'
import { chainDefinition } from '../anchoring/chainDefinition.ts'
import { RegistryCommandError } from './RegistryCommandError.ts'
import { readRegistryDeployment } from './readRegistryDeployment.ts'

/** One chain of the deployment, ready to read and send. */
export type RegistryTarget = {
  network: string
  rpcUrl: string
  chainId: number
  chain: Chain
  lantern: Address
  checkpointRegistry: Address
  client: PublicClient
}
/**
 * The chains of `--chain NETWORK=URL` (or TML_CHAINS), each with its registries from
 * `DEPLOYMENTS/NETWORK.json`, after checking that the RPC serves the chain the file names.
 *
 * @throws {RegistryCommandError} on a malformed pair, a missing file, or an RPC of another chain.
 * @example const targets = await registryTargets({ chains: ['sepolia=https://…'], deploymentsDir: 'deployments' })
 */
export async function registryTargets({
  chains,
  deploymentsDir,
}: {
  chains: readonly string[]
  deploymentsDir: string
}): Promise<RegistryTarget[]> {
  if (chains.length === 0)
    throw new RegistryCommandError('give the chains with --chain NETWORK=URL (or TML_CHAINS)', 2)
  const seen = new Set<string>()
  return Promise.all(
    chains.map(async (pair) => {
      const i = pair.indexOf('=')
      const network = pair.slice(0, i)
      const rpcUrl = pair.slice(i + 1)
      if (i < 1 || !/^[A-Za-z0-9_-]+$/.test(network) || !/^https?:\/\//.test(rpcUrl))
        throw new RegistryCommandError(`--chain must be NETWORK=http(s)://RPC, got "${pair}"`, 2)
      if (seen.has(network)) throw new RegistryCommandError(`--chain ${network} is given twice`, 2)
      seen.add(network)
      let deployment: ReturnType<typeof readRegistryDeployment>
      try {
        deployment = readRegistryDeployment(join(deploymentsDir, `${network}.json`))
      } catch (error) {
        throw new RegistryCommandError((error as Error).message)
      }
      const chain = chainDefinition({ chainId: deployment.chainId, name: network, rpcUrl })
      const client = createPublicClient({
        chain,
        transport: http(rpcUrl, { retryCount: 2 }),
        pollingInterval: 250,
      }) as PublicClient
      let served: number
      try {
        served = await client.getChainId()
      } catch (error) {
        throw new RegistryCommandError(
          `${network}: the RPC ${rpcUrl} does not answer: ${firstLine(error)}`,
        )
      }
      if (served !== deployment.chainId)
        throw new RegistryCommandError(
          `${network}: the RPC ${rpcUrl} serves chain ${served}, but ${network}.json is chain ${deployment.chainId}`,
        )
      return { network, rpcUrl, chain, client, ...deployment }
    }),
  )
}
/** The chain and deployment options, with their environment fallbacks. */
export function chainOptions(
  values: { chain?: string[] | undefined; deployments?: string | undefined },
  env: Readonly<Record<string, string | undefined>>,
): { chains: string[]; deploymentsDir: string } {
  return {
    chains: values.chain ?? (env.TML_CHAINS ?? '').split(',').filter((x) => x !== ''),
    deploymentsDir: values.deployments ?? env.TML_DEPLOYMENTS_DIR ?? './deployments',
  }
}

function firstLine(error: unknown): string {
  const e = error as { shortMessage?: string; message?: string }
  return (e.shortMessage ?? e.message ?? String(error)).split('\n')[0] ?? String(error)
}
