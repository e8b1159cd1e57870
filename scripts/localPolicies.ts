// The policies `npm start` runs the gateway with: a copy of the shipped ones (gateway/policies)
// in DATA/policies, in which the pauses of deliberative profiles stay open at least 15 minutes.
// The shipped `general` profile refuses a pause after 60 s (a user's patience), which is over
// before someone who runs `npm run demo` has read its output and opened the reviewer desk. The
// shipped files are left as they are; the copy says in its first lines what it changed.
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { parsePolicy } from '../gateway/src/policy/parsePolicy.ts'

/** How long the local stack's deliberative pauses stay open at least. */
export const LOCAL_PAUSE_MS = 15 * 60_000

/** What {@link writeLocalPolicies} changed, per profile. */
export type LocalPolicyChange = { profile: string; fromMs: number; toMs: number }

// The `timeout_ms` of the `pause` block (a hook's own `timeout_ms` sits in `verification`).
const PAUSE_TIMEOUT =
  /^(pause:[ \t]*\n(?:(?:[ \t]+.*|[ \t]*#.*|[ \t]*)\n)*?[ \t]+timeout_ms:[ \t]*)(\d+)([^\n]*)/m

/**
 * Writes DATA/policies: every `*.yaml` of `shippedDir`, the deliberative profiles' pause time-out
 * raised to `pauseMs` where it is shorter, each file headed by what was changed. Rewritten at
 * every start (an older copy's files are removed first), so an edit of the shipped policies
 * reaches the local stack. Each file written is parsed back with the gateway's parser.
 *
 * @throws {Error} naming a shipped file whose pause time-out could not be found or changed.
 * @example
 * const { dir, changes } = writeLocalPolicies({ shippedDir: 'gateway/policies', dataDir: 'data' })
 * // changes: [{ profile: 'general', fromMs: 60000, toMs: 900000 }, …]
 */
export function writeLocalPolicies({
  shippedDir,
  dataDir,
  pauseMs = LOCAL_PAUSE_MS,
  shippedLabel = 'gateway/policies',
}: {
  shippedDir: string
  dataDir: string
  pauseMs?: number
  /** How the files' headers name the shipped directory. */
  shippedLabel?: string
}): { dir: string; changes: LocalPolicyChange[] } {
  const dir = join(dataDir, 'policies')
  rmSync(dir, { recursive: true, force: true })
  mkdirSync(dir, { recursive: true })
  const changes: LocalPolicyChange[] = []
  const files = readdirSync(shippedDir).filter((n) => /\.ya?ml$/.test(n))
  files.sort()
  for (const name of files) {
    const shippedFile = join(shippedDir, name)
    const shown = `${shippedLabel}/${name}`
    const text = readFileSync(shippedFile, 'utf8')
    const { policy } = parsePolicy({ text, file: shippedFile })
    const fromMs = policy.pause.timeoutMs
    const raise = policy.timing === 'deliberative' && fromMs < pauseMs
    let body = text
    if (raise) {
      if (!PAUSE_TIMEOUT.test(text))
        throw new Error(`${shippedFile}: no pause.timeout_ms line to raise for the local stack`)
      body = text.replace(
        PAUSE_TIMEOUT,
        (_all, head: string) =>
          `${head}${pauseMs} # local stack: ${fromMs} in ${shown}, raised so the demo's pauses wait for the desk`,
      )
      const written = parsePolicy({ text: body, file: join(dir, name) }).policy
      if (written.pause.timeoutMs !== pauseMs)
        throw new Error(`${shippedFile}: raising pause.timeout_ms changed another key`)
      changes.push({ profile: policy.profile, fromMs, toMs: pauseMs })
    }
    const header = [
      `# THE LOCAL STACK'S COPY of ${shown}, written by \`npm start\` at every start`,
      '# (edit the shipped file instead). Only for the local stack: its policy hash differs from',
      "# the shipped policy's.",
      raise
        ? `# Changed: pause.timeout_ms ${fromMs} → ${pauseMs} (a deliberative pause stays open ${pauseMs / 60_000} min, so that`
        : '# Unchanged.',
      ...(raise ? ['# `npm run demo`’s pauses still wait when you reach the reviewer desk).'] : []),
      '',
    ].join('\n')
    writeFileSync(join(dir, name), `${header}${body}`)
  }
  return { dir, changes }
}
