import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import { type ConfigOptionSpec, type ConfigValue, readConfigFile } from './readConfigFile.ts'

/**
 * The environment variable of each `tml gateway start` option that has one: a file value is
 * used only when neither the flag nor this variable is set (flags > environment > file >
 * defaults). Options without a variable take the file's value when the flag is absent.
 */
export const GATEWAY_START_ENV: Readonly<Record<string, string>> = {
  host: 'TML_HOST',
  port: 'TML_PORT',
  data: 'TML_DATA_DIR',
  keys: 'TML_KEYS_DIR',
  policies: 'TML_POLICIES',
  'log-level': 'TML_LOG_LEVEL',
  'cors-origin': 'TML_CORS_ORIGINS',
  chain: 'TML_CHAINS',
  deployments: 'TML_DEPLOYMENTS_DIR',
  'anchor-policy': 'TML_ANCHOR_POLICY',
  'fee-cap-gwei': 'TML_FEE_CAP_GWEI',
  'max-epoch-interval': 'TML_MAX_EPOCH_INTERVAL',
  'ots-calendar': 'TML_OTS_CALENDARS',
  'anchor-every': 'TML_ANCHOR_EVERY',
  'tiles-origin': 'TML_TILES_ORIGIN',
  'openai-upstream': 'TML_OPENAI_UPSTREAM',
  'openai-profile': 'TML_OPENAI_PROFILE',
  store: 'TML_STORE',
  'advertise-url': 'TML_ADVERTISE_URL',
  custodian: 'TML_CUSTODIANS',
  'access-registry': 'TML_ACCESS_REGISTRY',
  'relayer-keystore': 'TML_RELAYER_KEYSTORE',
}

/** Options that name files or directories: relative to the configuration file's directory. */
const PATHS = [
  'data',
  'keys',
  'policies',
  'deployments',
  'relayer-key-file',
  'openai-upstream-key-file',
  'relayer-keystore',
  'password-file',
]

/** Secrets someone may try to put in the file, and where they belong. */
const SECRETS: Readonly<Record<string, string>> = {
  'relayer-key': 'give relayer-key-file (a file of mode 0600) or TML_RELAYER_KEY',
  'openai-upstream-key': 'give openai-upstream-key-file or TML_OPENAI_UPSTREAM_KEY',
  'receipt-key': 'the gateway reads it from KEYS/receipt.key or TML_RECEIPT_KEY',
  'checkpoint-key': 'the gateway reads it from KEYS/checkpoint.key or TML_CHECKPOINT_KEY',
  'subject-index-key': 'the gateway reads it from KEYS/subject-index.key or TML_SUBJECT_INDEX_KEY',
  'note-key': 'the gateway reads it from KEYS/note.key or TML_NOTE_KEY',
  'api-keys': 'the gateway reads them from KEYS/api-keys or TML_API_KEYS',
  'keystore-password': 'give password-file or TML_KEYSTORE_PASSWORD',
}

/** The file looked for when neither `--config` nor `TML_CONFIG` names one. */
export const DEFAULT_CONFIG_FILE = 'tml.config.yaml'

/**
 * The configuration file to read: `--config`, else `TML_CONFIG`, else `./tml.config.yaml` when it
 * exists, else none.
 *
 * @example configFileOf({ flag: undefined, env: {}, cwd: process.cwd() }) // '/srv/tml/tml.config.yaml' or undefined
 */
export function configFileOf({
  flag,
  env,
  cwd,
}: {
  flag: string | undefined
  env: Readonly<Record<string, string | undefined>>
  cwd: string
}): string | undefined {
  const named = flag ?? (env.TML_CONFIG || undefined)
  if (named !== undefined) return named
  const found = resolve(cwd, DEFAULT_CONFIG_FILE)
  return existsSync(found) ? found : undefined
}

/**
 * `tml gateway start`'s option values with the configuration file as the lowest layer: each
 * key of the file fills its option when the flag is absent and, for an option with an
 * environment variable ({@link GATEWAY_START_ENV}), that variable is unset; the start then
 * resolves flags, environment and defaults as without a file.
 *
 * @throws {ConfigFileError} naming file:line:column for an unknown key, a wrong type or a secret.
 * @example
 * const values = withConfigFile({ flags, env: io.env, file: 'tml.config.yaml', options: GATEWAY_START_OPTIONS })
 */
export function withConfigFile<T extends Record<string, unknown>>({
  flags,
  env,
  file,
  options,
}: {
  flags: T
  env: Readonly<Record<string, string | undefined>>
  file: string | undefined
  options: Readonly<Record<string, ConfigOptionSpec>>
}): T {
  if (file === undefined) return flags
  const layer: Record<string, ConfigValue> = readConfigFile({
    file,
    schema: {
      options,
      excluded: ['help', 'config'],
      paths: PATHS,
      envOf: GATEWAY_START_ENV,
      secrets: SECRETS,
    },
  })
  const merged: Record<string, unknown> = { ...flags }
  for (const [key, value] of Object.entries(layer)) {
    if (merged[key] !== undefined) continue
    const variable = GATEWAY_START_ENV[key]
    if (variable !== undefined && env[variable] !== undefined && env[variable] !== '') continue
    merged[key] = value
  }
  return merged as T
}
