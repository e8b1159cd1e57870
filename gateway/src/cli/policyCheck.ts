import { parseArgs } from 'node:util'
import { loadPolicies } from '../policy/loadPolicies.ts'
import { formatPolicyIssue, PolicyError } from '../policy/PolicyError.ts'
import type { CliIo } from './io.ts'

export const POLICY_CHECK_HELP = `Usage: tml policy check FILE|DIR...

Validates policy files (tml-policy/1, YAML) the way the gateway does at start-up, and prints
each profile with the hash that goes into every MTL decided under it, its timing, the reviewers
allowed to resolve its pauses and its verification hook. Errors are printed as
file:line:column: path: reason, and the exit code is 1.

Options:
  -h, --help   Show this help.
`

/**
 * \`tml policy check FILE...\`: exit code 0 when every file is a valid policy, 1 otherwise.
 *
 * @example
 * await policyCheck({ argv: ['gateway/policies/general.yaml'], io: processIo }) // 0
 */
export async function policyCheck({ argv, io }: { argv: string[]; io: CliIo }): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { help: { type: 'boolean', short: 'h' } },
    allowPositionals: true,
  })
  if (values.help) {
    io.out(POLICY_CHECK_HELP)
    return 0
  }
  if (positionals.length === 0) {
    io.err(`tml policy check: no file given\n\n${POLICY_CHECK_HELP}`)
    return 2
  }
  try {
    const policies = loadPolicies({ paths: positionals })
    for (const { policy, hash, file } of policies.values()) {
      io.out(`ok ${policy.profile} ${hash} ${file}\n`)
      const hook = policy.verification?.hook.url ?? policy.pause.verificationHook
      io.out(
        `   timing ${policy.timing}; reviewers ${policy.reviewers.length > 0 ? policy.reviewers.join(', ') : 'none (pauses end by hook or timeout)'}; hook ${hook ?? 'none'}\n`,
      )
    }
    return 0
  } catch (e) {
    if (e instanceof PolicyError) {
      for (const issue of e.issues) io.err(`${formatPolicyIssue(issue)}\n`)
      return 1
    }
    io.err(`tml policy check: ${(e as Error).message}\n`)
    return 1
  }
}
