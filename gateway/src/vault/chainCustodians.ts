import { accessRegistryAbi, type Hex } from '@tml/core'
import { type Address, getAddress, type PublicClient } from 'viem'
import type { Custodian, CustodianSet } from './Custodian.ts'
import { VaultError } from './VaultError.ts'

/** A log's custodian declaration as the AccessRegistry holds it. */
export type ChainCustody = {
  /** Declaration number (from 1): each `declareCustodians` raises it. */
  version: number
  /** Custodian `i` holds share `i`: named by its account (checksummed), with its X25519 key. */
  set: CustodianSet
}

/**
 * Reads the custodians a log declared in its AccessRegistry (`custodiansOf`), in share order,
 * each named by its account. Undefined when the log declared none (version 0).
 * @throws {VaultError} `TML_VAULT_CUSTODIANS` when the chain cannot be read, naming the registry.
 *
 * @example
 * const custody = await readChainCustodians({ client, accessRegistry, logId })
 * custody?.set.threshold // 2
 */
export async function readChainCustodians({
  client,
  accessRegistry,
  logId,
  blockNumber,
}: {
  client: Pick<PublicClient, 'readContract'>
  accessRegistry: Address
  logId: Hex
  /** Read the declaration in force at this block (default: the latest). */
  blockNumber?: bigint
}): Promise<ChainCustody | undefined> {
  let result: readonly [readonly Address[], readonly Hex[], number, number]
  try {
    result = (await client.readContract({
      address: accessRegistry,
      abi: accessRegistryAbi,
      functionName: 'custodiansOf',
      args: [logId],
      ...(blockNumber === undefined ? {} : { blockNumber }),
    })) as typeof result
  } catch (e) {
    throw new VaultError(
      `cannot read the custodians of log ${logId} from the AccessRegistry ${accessRegistry}: ${((e as { shortMessage?: string }).shortMessage ?? (e as Error).message).split('\n')[0]}`,
      { code: 'TML_VAULT_CUSTODIANS', cause: e },
    )
  }
  const [accounts, keys, threshold, version] = result
  if (version === 0) return undefined
  return { version, set: custodySet(accounts, keys, threshold) }
}

/** The set a declaration makes: share `i` to `accounts[i]` with `keys[i]`. */
export function custodySet(
  accounts: readonly Address[],
  keys: readonly Hex[],
  threshold: number,
): CustodianSet {
  const custodians: Custodian[] = accounts.map((account, i) => ({
    name: getAddress(account),
    publicKey: (keys[i] as Hex).toLowerCase() as Hex,
  }))
  return { custodians, threshold }
}

/**
 * The custodians the gateway wraps epoch keys to, given the chain's declaration and the
 * `--custodian` flags. The chain decides: its order is the share order that releases use
 * (`custodianIndex`), its threshold is the one grants need. Flags given as well must name the
 * same keys (in any order; the chain's order is used) and, when `--custodian-threshold` was given,
 * the same threshold: otherwise the start is refused, naming each difference. Flags without a
 * declaration on chain are refused too: a grant cannot even be requested for a log without
 * custodians, so epoch keys wrapped to keys nobody can see on chain would escape the protocol
 * that makes access traceable; the fix is the operator's one `declareCustodians` transaction.
 * @throws {VaultError} `TML_VAULT_CUSTODIANS` naming every difference.
 *
 * @example
 * reconcileCustodians({ chain: custody, flags: parseCustodians(['alice=0x…']), flagThreshold: undefined })
 */
export function reconcileCustodians({
  chain,
  flags,
  flagThreshold,
  where,
}: {
  chain: ChainCustody | undefined
  /** The set the flags give, or undefined without `--custodian`. */
  flags: CustodianSet | undefined
  /** The `--custodian-threshold` given, if any (its default is not a claim about the chain). */
  flagThreshold: number | undefined
  /** The registry and log, for the messages. */
  where: string
}): CustodianSet | undefined {
  if (chain === undefined) {
    if (flags === undefined) return undefined
    throw new VaultError(
      `--custodian given, but log ${where} declares no custodians on chain: the log's operator must declare them (AccessRegistry.declareCustodians) so that auditors and custodians can see who holds the epoch keys; then start again with or without the flags`,
      { code: 'TML_VAULT_CUSTODIANS' },
    )
  }
  if (flags === undefined) return chain.set
  const onChain = new Map(chain.set.custodians.map((c) => [c.publicKey, c.name]))
  const given = new Map(flags.custodians.map((c) => [c.publicKey, c.name]))
  const differences: string[] = []
  for (const [key, name] of given)
    if (!onChain.has(key)) differences.push(`--custodian ${name}=${key} is not declared on chain`)
  for (const [key, account] of onChain)
    if (!given.has(key))
      differences.push(`the chain declares ${account} (key ${key}), which no --custodian names`)
  if (flagThreshold !== undefined && flagThreshold !== chain.set.threshold)
    differences.push(
      `--custodian-threshold ${flagThreshold}, but the chain declares ${chain.set.threshold}`,
    )
  if (differences.length > 0)
    throw new VaultError(
      `the custodians given differ from declaration ${chain.version} of log ${where}: ${differences.join('; ')}`,
      { code: 'TML_VAULT_CUSTODIANS' },
    )
  return chain.set
}
