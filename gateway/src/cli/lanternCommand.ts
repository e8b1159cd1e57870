import { parseArgs } from 'node:util'
import { lanternRegistryAbi } from '@tml/core'
import { getAddress, type Hex, isAddress, isHex, keccak256, stringToHex, zeroHash } from 'viem'
import { loadPolicies } from '../policy/loadPolicies.ts'
import { PolicyError } from '../policy/PolicyError.ts'
import type { CliIo } from './io.ts'
import { RegistryCommandError } from './RegistryCommandError.ts'
import { guardRegistryCommand, REGISTRY_OPTIONS, REGISTRY_OPTIONS_HELP } from './registryCommand.ts'
import { registrySender } from './registrySender.ts'
import { chainOptions, registryTargets } from './registryTargets.ts'
import { exitCodeOf, type PlannedCall, runRegistryCalls } from './runRegistryCalls.ts'

export const LANTERN_HELP = `Usage: tml lantern grant|renew|revoke --operator ADDRESS --keystore FILE --chain NETWORK=URL... [options]

The Lantern authority's certifications, on every chain given, signed by a certifier's keystore
(an account with the LanternRegistry's CERTIFIER_ROLE):

grant    grantCertification: --profile, --expires, --evidence, the policies examined
         (--policies and/or --policy-hash) and optionally --model-hash. Refused while the
         operator holds a certification in force (renew it instead).
renew    renewCertification: same profile, policies and model, until --expires (--evidence).
revoke   revokeCertification, for --reason.

Evidence and reasons stay off chain: the chain records keccak256 of the text given (or the
0x + 64 hex digit hash itself), as the web page does.

Options:
  --operator ADDRESS      The operator certified.
  --profile LABEL         Profile certified (grant; default general): its keccak256 is recorded
                          (e.g. general, lantern/medical), or a 0x… hash.
  --expires WHEN          Expiry (grant, renew): YYYY-MM-DD (end of that day, UTC), an RFC 3339
                          time, or unix seconds.
  --evidence TEXT|HASH    What the certifier relied on (grant, renew).
  --reason TEXT|HASH      Why it is revoked (revoke).
  --policies PATH         Policy file or directory examined (grant; repeatable): each policy's
                          policy_hash, as its MTLs carry it, is certified.
  --policy-hash HASH      A policy_hash certified (grant; repeatable).
  --model-hash HASH       Hash of the model examined (grant; default: none).
${REGISTRY_OPTIONS_HELP}
`

/**
 * \`tml lantern grant|renew|revoke\`: the certifier's Lantern certifications on every chain.
 *
 * @example
 * await lanternCommand({ argv: ['revoke', '--operator', '0x…', '--reason', 'audit failed', '--keystore', 'certifier.json', '--chain', 'sepolia=https://…'], io: processIo })
 */
export async function lanternCommand({ argv, io }: { argv: string[]; io: CliIo }): Promise<number> {
  const action = argv[0]
  const command = `tml lantern ${action ?? ''}`.trim()
  return guardRegistryCommand(io, command, async () => {
    let parsed: ReturnType<typeof parse>
    try {
      parsed = parse(argv)
    } catch (e) {
      throw new RegistryCommandError(`${(e as Error).message}\n\n${LANTERN_HELP}`, 2)
    }
    const { values, positionals } = parsed
    if (values.help) {
      io.out(LANTERN_HELP)
      return 0
    }
    if ((action !== 'grant' && action !== 'renew' && action !== 'revoke') || positionals.length > 1)
      throw new RegistryCommandError(
        `unknown action "${positionals.join(' ')}"\n\n${LANTERN_HELP}`,
        2,
      )
    const operatorText = values.operator ?? ''
    if (!isAddress(operatorText))
      throw new RegistryCommandError('give the operator certified: --operator 0x… (an address)', 2)
    const operator = getAddress(operatorText)
    let args: readonly unknown[]
    let functionName: string
    if (action === 'revoke') {
      functionName = 'revokeCertification'
      args = [operator, hashOf(values.reason, '--reason')]
    } else {
      const expiresAt = expiryOf(values.expires)
      const evidence = hashOf(values.evidence, '--evidence')
      if (action === 'renew') {
        functionName = 'renewCertification'
        args = [operator, expiresAt, evidence]
      } else {
        functionName = 'grantCertification'
        const profileText = values.profile ?? 'general'
        const profile = isHash(profileText)
          ? (profileText.toLowerCase() as Hex)
          : keccak256(stringToHex(profileText))
        const model = values['model-hash']
        if (model !== undefined && !isHash(model))
          throw new RegistryCommandError('--model-hash must be 0x + 64 hex digits', 2)
        args = [
          operator,
          profile,
          expiresAt,
          evidence,
          policyHashesOf(values.policies ?? [], values['policy-hash'] ?? []),
          model === undefined ? zeroHash : (model.toLowerCase() as Hex),
        ]
      }
    }
    const dryRun = values['dry-run'] === true
    const targets = await registryTargets(chainOptions(values, io.env))
    const sender = await registrySender({
      keystore: values.keystore,
      passwordFile: values['password-file'],
      env: io.env,
      dryRun,
    })
    const results = await runRegistryCalls({
      io,
      command,
      targets,
      sender,
      dryRun,
      json: values.json === true,
      extra: { operator },
      plan: async (target): Promise<PlannedCall> => ({
        address: target.lantern,
        abi: lanternRegistryAbi,
        functionName,
        args,
      }),
    })
    return exitCodeOf(results)
  })
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    options: {
      ...REGISTRY_OPTIONS,
      operator: { type: 'string' },
      profile: { type: 'string' },
      expires: { type: 'string' },
      evidence: { type: 'string' },
      reason: { type: 'string' },
      policies: { type: 'string', multiple: true },
      'policy-hash': { type: 'string', multiple: true },
      'model-hash': { type: 'string' },
    },
    allowPositionals: true,
  })
}

const isHash = (text: string): boolean => isHex(text, { strict: true }) && text.length === 66

// A text's keccak256, or the 32-byte hash given as is (as the page's hash fields take them).
function hashOf(text: string | undefined, option: string): Hex {
  const trimmed = text?.trim() ?? ''
  if (trimmed === '') throw new RegistryCommandError(`give ${option} (a text or its 0x hash)`, 2)
  return isHash(trimmed) ? (trimmed.toLowerCase() as Hex) : keccak256(stringToHex(trimmed))
}

/**
 * Unix seconds of an expiry: YYYY-MM-DD is the end of that day in UTC (as the page's date
 * field), else an RFC 3339 time, else whole unix seconds.
 */
function expiryOf(text: string | undefined): bigint {
  if (text === undefined) throw new RegistryCommandError('give --expires WHEN', 2)
  if (/^\d+$/.test(text)) return BigInt(text)
  const ms = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T23:59:59Z` : text)
  if (!Number.isFinite(ms) || !/^\d{4}-\d{2}-\d{2}/.test(text))
    throw new RegistryCommandError(
      `--expires must be YYYY-MM-DD, an RFC 3339 time or unix seconds, got "${text}"`,
      2,
    )
  return BigInt(Math.floor(ms / 1000))
}

// The certified policies, sorted strictly ascending as the registry requires.
function policyHashesOf(paths: readonly string[], hashes: readonly string[]): Hex[] {
  const all = new Set<string>()
  for (const h of hashes) {
    if (!isHash(h))
      throw new RegistryCommandError(`--policy-hash ${h} is not 0x + 64 hex digits`, 2)
    all.add(h.toLowerCase())
  }
  if (paths.length > 0) {
    try {
      for (const loaded of loadPolicies({ paths }).values()) all.add(loaded.hash.toLowerCase())
    } catch (e) {
      if (e instanceof PolicyError) throw new RegistryCommandError(e.shortMessage, 2)
      throw new RegistryCommandError(`cannot read --policies: ${(e as Error).message}`, 2)
    }
  }
  if (all.size === 0)
    throw new RegistryCommandError(
      'name the policies examined: --policies PATH and/or --policy-hash HASH',
      2,
    )
  return ([...all] as Hex[]).sort()
}
