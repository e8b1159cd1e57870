import { readFileSync } from 'node:fs'
import { dirname, isAbsolute, resolve } from 'node:path'
import { isMap, isPair, isScalar, isSeq, LineCounter, type Node, parseDocument } from 'yaml'
import { ConfigFileError, type ConfigIssue } from './ConfigFileError.ts'

/** How a command's option is typed (as node:util parseArgs declares it). */
export type ConfigOptionSpec = { type: 'string' | 'boolean'; multiple?: boolean }

/** A value of the file, as parseArgs would have given the flag. */
export type ConfigValue = string | boolean | string[]

/** What the file may and may not hold, for one command. */
export type ConfigSchema = {
  /** The command's options by flag name: the file's keys. */
  options: Readonly<Record<string, ConfigOptionSpec>>
  /** Options the file must not set (`help`, `config`). */
  excluded?: readonly string[]
  /** Options whose relative paths are read from the file's directory. */
  paths?: readonly string[]
  /** Option → its environment variable, for did-you-mean on `TML_PORT: …` keys. */
  envOf?: Readonly<Record<string, string>>
  /** Keys that name a secret, with where it must come from instead. */
  secrets?: Readonly<Record<string, string>>
}

/** Largest configuration file accepted. */
export const MAX_CONFIG_BYTES = 64 * 1024

const SECRET_NAME = /(^|[-_])(keys?|password|passphrase|secret|token|mnemonic)$/i
const PRIVATE_KEY = /^(0x)?[0-9a-fA-F]{64}$/
// Anywhere in the value: `NETWORK=https://user:pass@host` too.
const URL_PASSWORD = /[a-z][a-z0-9+.-]*:\/\/[^/@\s]*:[^/@\s]+@/i

/**
 * Reads a YAML configuration file whose keys are a command's option names (`port: 8787`,
 * `chain: [ethereum=https://…]`), checked against the options: unknown keys (with a
 * did-you-mean), wrong types, and secrets are refused, each issue with its file, line and column.
 * A string option takes a string or a number, a repeatable one a list (or one value), a boolean
 * one true or false. Relative paths of `schema.paths` options are resolved from the file's
 * directory. Secrets never belong in the file: a key named like one, a value shaped like a
 * private key (32 bytes of hex) or a URL carrying a password is refused.
 *
 * Spec: YAML 1.2 (core schema, unique keys).
 *
 * @throws {ConfigFileError} with every issue found.
 * @example
 * readConfigFile({ file: 'tml.config.yaml', schema: { options: { port: { type: 'string' } } } }) // { port: '8787' }
 */
export function readConfigFile({
  file,
  schema,
}: {
  file: string
  schema: ConfigSchema
}): Record<string, ConfigValue> {
  const at = (line: number, column: number, key: string, reason: string): ConfigIssue => ({
    file,
    line,
    column,
    key,
    reason,
  })
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (error) {
    throw new ConfigFileError([at(1, 1, '', `cannot read the file: ${(error as Error).message}`)])
  }
  if (text.length > MAX_CONFIG_BYTES)
    throw new ConfigFileError([at(1, 1, '', `file is larger than ${MAX_CONFIG_BYTES} bytes`)])
  const lines = new LineCounter()
  const doc = parseDocument(text, {
    lineCounter: lines,
    uniqueKeys: true,
    prettyErrors: false,
    version: '1.2',
  })
  const pos = (node: unknown) => lines.linePos((node as Node | null)?.range?.[0] ?? 0)
  if (doc.errors.length > 0)
    throw new ConfigFileError(
      doc.errors.map((e) => {
        const p = lines.linePos(e.pos[0])
        return at(p.line, p.col, '', e.message.split('\n')[0] ?? e.code)
      }),
    )
  const contents = doc.contents
  if (contents === null || (isScalar(contents) && contents.value === null)) return {}
  if (!isMap(contents)) {
    const p = pos(contents)
    throw new ConfigFileError([
      at(p.line, p.col, '', 'the file must be a mapping of option names to values'),
    ])
  }
  const issues: ConfigIssue[] = []
  const values: Record<string, ConfigValue> = {}
  const excluded = new Set(schema.excluded ?? [])
  for (const pair of contents.items) {
    if (!isPair(pair)) continue
    const keyPos = pos(pair.key)
    const key = isScalar(pair.key) ? String(pair.key.value) : ''
    const spec = Object.hasOwn(schema.options, key) ? schema.options[key] : undefined
    if (!spec || excluded.has(key)) {
      issues.push(at(keyPos.line, keyPos.col, key, unknownKeyReason(key, schema, excluded)))
      continue
    }
    const valuePos = pos(pair.value ?? pair.key)
    const problem = (reason: string) => issues.push(at(valuePos.line, valuePos.col, key, reason))
    const node = pair.value
    if (spec.type === 'boolean') {
      if (isScalar(node) && typeof node.value === 'boolean') values[key] = node.value
      else problem('must be true or false')
      continue
    }
    const items = isSeq(node) ? node.items : [node]
    if (isSeq(node) && !spec.multiple) {
      problem('takes one value, not a list')
      continue
    }
    if (items.length === 0) {
      problem('the list is empty')
      continue
    }
    const strings: string[] = []
    for (const item of items) {
      const p = pos(item)
      const bad = (reason: string) => issues.push(at(p.line, p.col, key, reason))
      if (!isScalar(item) || item.value === null || typeof item.value === 'boolean') {
        bad(
          isScalar(item) && item.value === null
            ? 'has no value'
            : `must be ${spec.multiple ? 'a string or number (or a list of them)' : 'a string or a number'}`,
        )
        continue
      }
      // The text as written: an unquoted 0x… key is a YAML number, and must still be caught.
      const written = typeof item.source === 'string' ? item.source : String(item.value)
      if (PRIVATE_KEY.test(written.trim())) {
        bad(
          'looks like a private key: secrets never go in the configuration file (use a key file, a keystore or the environment)',
        )
        continue
      }
      if (typeof item.value === 'number' && !Number.isSafeInteger(item.value)) {
        bad(`"${written}" is not a whole number: quote it if it is text`)
        continue
      }
      const value = String(item.value)
      if (URL_PASSWORD.test(value)) {
        bad(
          "a URL with a password: put the credentials in the environment (e.g. PGPASSWORD, or the whole URL in the option's TML_ variable)",
        )
        continue
      }
      strings.push(
        schema.paths?.includes(key) && !isAbsolute(value) ? resolve(dirname(file), value) : value,
      )
    }
    if (strings.length === items.length)
      values[key] = spec.multiple ? strings : (strings[0] as string)
  }
  if (issues.length > 0) throw new ConfigFileError(issues)
  return values
}

function unknownKeyReason(key: string, schema: ConfigSchema, excluded: Set<string>): string {
  if (excluded.has(key)) return `"${key}" cannot be set in the configuration file`
  const secret = schema.secrets?.[key]
  if (secret !== undefined || SECRET_NAME.test(key))
    return `secrets are refused in the configuration file${secret ? `: ${secret}` : ': keys come from key files, keystores or the environment'}`
  const names = Object.keys(schema.options).filter((n) => !excluded.has(n))
  const normalized = key.toLowerCase().replace(/_/g, '-')
  const byEnv = Object.entries(schema.envOf ?? {}).find(([, v]) => v === key)?.[0]
  const suggestion =
    byEnv ??
    names.find((n) => n === normalized) ??
    names
      .map((n) => ({ n, d: distance(normalized, n) }))
      .filter(({ n, d }) => d <= Math.max(2, Math.floor(n.length / 4)))
      .sort((a, b) => a.d - b.d)[0]?.n
  return `unknown option "${key}"${suggestion ? `: did you mean "${suggestion}"?` : ''}`
}

// Levenshtein distance, for did-you-mean.
function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const row = [i]
    for (let j = 1; j <= b.length; j++)
      row[j] = Math.min(
        (prev[j] as number) + 1,
        (row[j - 1] as number) + 1,
        (prev[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1),
      )
    prev = row
  }
  return prev[b.length] as number
}
