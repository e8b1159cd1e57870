import { readFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { type Hex, isHex, verifyBundle } from '@tml/core'
import { type Address, isAddress } from 'viem'
import { createReadCheckpoint } from '../proofs/createReadCheckpoint.ts'
import type { CliIo } from './io.ts'

export const VERIFY_HELP = `Usage: tml verify BUNDLE --rpc CHAINID=URL [--rpc CHAINID=URL ...] [options]

Checks a tml-proof/1 bundle completely: the MTL's schema and leaf hash, its inclusion proof
against the checkpoint, the checkpoint's EIP-712 signature, the receipt's Ed25519 signature, and
on every chain given with --rpc that the registry holds the checkpoint. Prints each step; exits 0
when every step holds, 1 naming the failing steps, 2 on a usage error.

Options:
  --rpc CHAINID=URL        JSON-RPC endpoint of a chain (repeatable). Anchors on other chains fail.
  --registry CHAINID=ADDR  Only trust this CheckpointRegistry on that chain (repeatable).
  --signer ADDRESS         The log's checkpoint signer as declared on chain (overrides the bundle).
  --receipt-key HEX        The log's Ed25519 receipt public key (overrides the bundle).
  --json                   Print the verdict as JSON.
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
    registries = reg.size > 0 ? new Map([...reg].map(([k, v]) => [k, [v as Address]])) : undefined
    if (parsed.positionals.length !== 1 || rpc.size === 0)
      throw new TypeError('need one BUNDLE and at least one --rpc')
    if (parsed.values.signer !== undefined && !isAddress(parsed.values.signer))
      throw new TypeError('--signer is not an address')
    if (parsed.values['receipt-key'] !== undefined && !isHex(parsed.values['receipt-key'], 32))
      throw new TypeError('--receipt-key is not 32 bytes of hex')
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
  const readCheckpoint = createReadCheckpoint({ rpc, ...(registries ? { registries } : {}) })
  const verdict = await verifyBundle(bundle, {
    readCheckpoint,
    trustedKeys: {
      checkpointSigner: parsed.values.signer as Address | undefined,
      receiptPublicKey: parsed.values['receipt-key'] as Hex | undefined,
    },
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
    io.out('bundle valid\n')
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
      signer: { type: 'string' },
      'receipt-key': { type: 'string' },
      json: { type: 'boolean' },
    },
    allowPositionals: true,
  })
}
