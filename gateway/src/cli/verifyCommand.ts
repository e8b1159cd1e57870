import { readFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { type Hex, isHex, verifyBundle } from '@tml/core'
import { type Address, isAddress } from 'viem'
import { createReadCheckpoint } from '../proofs/createReadCheckpoint.ts'
import type { CliIo } from './io.ts'
import { readDeclaredKeys } from './readDeclaredKeys.ts'
import { readDeploymentRegistries } from './readDeploymentRegistries.ts'

export const VERIFY_HELP = `Usage: tml verify BUNDLE --rpc CHAINID=URL [--rpc CHAINID=URL ...] [options]

Checks a tml-proof/1 bundle completely: the MTL's schema and leaf hash, its inclusion proof
against the checkpoint, the checkpoint's EIP-712 signature, the receipt's P-256 signature, and
on every chain given with --rpc that the registry holds the checkpoint (its EIP-712 hash). Prints each step; exits 0
when every step holds, 1 naming the failing steps, 2 on a usage error.

Trust: name the registries you trust with --deployments or --registry; only those count, and the
log's keys are read from them (CheckpointRegistry.keysAt: the key period that covers the
checkpoint's epoch) instead of the bundle. Without either, tml verify refuses (exit 2) unless you
pass --trust-bundle: then the bundle's own registry addresses and keys are used and a warning says
so, which shows that the bundle is consistent and anchored where it says, not that those are the
operator's registries.

Options:
  --rpc CHAINID=URL        JSON-RPC endpoint of a chain (repeatable). Anchors on other chains fail.
  --deployments DIR        Trust the CheckpointRegistry of each deployments/<network>.json in DIR.
  --registry CHAINID=ADDR  Trust this CheckpointRegistry on that chain (repeatable).
  --signer ADDRESS         The log's checkpoint signer (instead of reading it from the chain).
  --receipt-key HEX        The log's P-256 receipt public key, 0x04 ‖ x ‖ y (instead of reading
                           its commitment from the chain and checking the bundle's key with it).
  --trust-bundle           Without pinned registries, use the ones the bundle names (see Trust).
  --json                   Print only the verdict, as JSON, on stdout (messages go to stderr).
  -h, --help               Show this help.
`

/**
 * Parses repeated `CHAINID=VALUE` options.
 *
 * @example
 * parsePairs(['31337=http://127.0.0.1:8545']) // Map { 31337 => 'http://127.0.0.1:8545' }
 */
export function parsePairs(
  values: readonly string[] | undefined,
  what: string,
): Map<number, string> {
  const map = new Map<number, string>()
  for (const v of values ?? []) {
    const i = v.indexOf('=')
    const id = Number(v.slice(0, i))
    if (i < 1 || !Number.isSafeInteger(id) || id <= 0 || v.length === i + 1) {
      throw new TypeError(`${what} must be CHAINID=VALUE, got "${v}"`)
    }
    map.set(id, v.slice(i + 1))
  }
  return map
}

/**
 * `tml verify`: verifies a proof bundle file with core's `verifyBundle`, reading each chain.
 *
 * @example
 * process.exitCode = await verifyCommand({ argv: ['bundle.json', '--rpc', '31337=http://127.0.0.1:8545'], io })
 */
export async function verifyCommand({ argv, io }: { argv: string[]; io: CliIo }): Promise<number> {
  let parsed: ReturnType<typeof parse>
  let rpc: Map<number, string>
  let registries: Map<number, Address[]> | undefined
  try {
    parsed = parse(argv)
    if (parsed.values.help) {
      io.out(VERIFY_HELP)
      return 0
    }
    rpc = parsePairs(parsed.values.rpc, '--rpc')
    const reg = parsePairs(parsed.values.registry, '--registry')
    for (const a of reg.values())
      if (!isAddress(a)) throw new TypeError(`--registry: ${a} is not an address`)
    const trusted = new Map<number, Address[]>()
    const add = (chainId: number, address: Address) =>
      trusted.set(chainId, [...(trusted.get(chainId) ?? []), address])
    if (parsed.values.deployments !== undefined)
      for (const [k, v] of readDeploymentRegistries(parsed.values.deployments)) add(k, v)
    for (const [k, v] of reg) add(k, v as Address)
    registries = trusted.size > 0 ? trusted : undefined
    if (parsed.positionals.length !== 1 || rpc.size === 0)
      throw new TypeError('need one BUNDLE and at least one --rpc')
    if (parsed.values.signer !== undefined && !isAddress(parsed.values.signer))
      throw new TypeError('--signer is not an address')
    if (parsed.values['receipt-key'] !== undefined && !isHex(parsed.values['receipt-key'], 32))
      throw new TypeError('--receipt-key is not 32 bytes of hex')
    // A forged bundle can name registries of its own: checking it against them proves nothing
    // about the operator, so that takes an explicit choice.
    if (registries === undefined && !parsed.values['trust-bundle'])
      throw new TypeError(
        'no registries to trust: pass --deployments DIR or --registry CHAINID=ADDR, or --trust-bundle to check the bundle against the registries it names',
      )
  } catch (e) {
    io.err(`tml verify: ${(e as Error).message}\n\n${VERIFY_HELP}`)
    return 2
  }
  let bundle: unknown
  try {
    bundle = JSON.parse(readFileSync(parsed.positionals[0] as string, 'utf8'))
  } catch (e) {
    io.err(`tml verify: cannot read the bundle: ${(e as Error).message}\n`)
    return 1
  }
  let checkpointSigner = parsed.values.signer as Address | undefined
  const receiptPublicKey = parsed.values['receipt-key'] as Hex | undefined
  let receiptKeyCommitment: Hex | undefined
  if (registries === undefined) {
    io.err(
      'tml verify: warning: --trust-bundle: the registries and keys the bundle names are trusted\n',
    )
  } else if (checkpointSigner === undefined || receiptPublicKey === undefined) {
    const claimed = claimedLog(bundle)
    if (claimed === undefined) {
      io.err('tml verify: the bundle names no checkpoint logId and epoch\n')
      return 1
    }
    const chains = [...registries].flatMap(([chainId, addresses]) => {
      const rpcUrl = rpc.get(chainId)
      return rpcUrl === undefined
        ? []
        : addresses.map((registry) => ({ chainId, rpcUrl, registry }))
    })
    try {
      const keys = await readDeclaredKeys({ ...claimed, chains })
      checkpointSigner ??= keys.checkpointSigner
      if (receiptPublicKey === undefined) receiptKeyCommitment = keys.receiptKeyCommitment
      io.err(`tml verify: the log's keys as declared on chain ${keys.chainId}\n`)
    } catch (e) {
      io.err(`tml verify: ${(e as Error).message}\n`)
      return 1
    }
  }
  const readCheckpoint = createReadCheckpoint({ rpc, ...(registries ? { registries } : {}) })
  const verdict = await verifyBundle(bundle, {
    readCheckpoint,
    trustedKeys: { checkpointSigner, receiptPublicKey, receiptKeyCommitment },
  })
  if (parsed.values.json) {
    io.out(`${JSON.stringify(verdict, null, 2)}\n`)
  } else {
    for (const step of verdict.steps) {
      io.out(
        `${step.ok ? 'ok  ' : 'FAIL'} ${step.id}: ${step.title}${step.reason ? ` (${step.reason})` : ''}\n`,
      )
    }
  }
  if (verdict.valid) {
    if (!parsed.values.json) io.out('bundle valid\n')
    return 0
  }
  const failed = verdict.steps.filter((s) => !s.ok).map((s) => s.id)
  io.err(`tml verify: bundle INVALID, failing steps: ${failed.join(', ')}\n`)
  return 1
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    options: {
      help: { type: 'boolean', short: 'h' },
      rpc: { type: 'string', multiple: true },
      registry: { type: 'string', multiple: true },
      deployments: { type: 'string' },
      signer: { type: 'string' },
      'receipt-key': { type: 'string' },
      json: { type: 'boolean' },
      'trust-bundle': { type: 'boolean' },
    },
    allowPositionals: true,
  })
}

/** The log id and epoch the bundle's checkpoint claims (untrusted: only used to look keys up). */
function claimedLog(bundle: unknown): { logId: Hex; epoch: bigint } | undefined {
  const cp = (bundle as { checkpoint?: { logId?: unknown; epoch?: unknown } } | null)?.checkpoint
  if (typeof cp?.logId !== 'string' || !isHex(cp.logId, 32)) return undefined
  if (!Number.isSafeInteger(cp.epoch) || (cp.epoch as number) < 0) return undefined
  return { logId: cp.logId as Hex, epoch: BigInt(cp.epoch as number) }
}
