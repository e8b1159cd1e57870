import { randomBytes } from 'node:crypto'
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { bytesToHex, type Hex, hexToBytes, isHex } from '@tml/core'
import { CheckpointKeyHistory } from './CheckpointKeyHistory.ts'
import { createReceiptSigner } from './createReceiptSigner.ts'
import { KeysError } from './KeysError.ts'

/** An API key: the caller's name (used for its pause budget and in logs) and its secret token. */
export type ApiKey = { caller: string; token: string }

/** The keys and identifiers of one gateway log. */
export type GatewayKeys = {
  /** P-256 private key (32-byte scalar in [1, n − 1]) that signs receipts. */
  receiptKey: Uint8Array
  /** secp256k1 private key of key period 0: the checkpoint signer the log was declared with. */
  checkpointKey: Hex
  /**
   * The checkpoint key history: period 0 (`checkpointKey`) and the rotations of
   * `checkpoint-keys.json` in `dir`, re-read before each signature (see {@link CheckpointKeyHistory}).
   */
  checkpointKeys: CheckpointKeyHistory
  /** HMAC key that turns a subject id into the lookup of its secret, so raw ids are never stored. */
  subjectIndexKey: Uint8Array
  /** bytes32 id of the log (assigned when the log is declared on chain). */
  logId: Hex
  /** Callers allowed to call the API. */
  apiKeys: ApiKey[]
  /**
   * Ed25519 seed of the C2SP note key that signs the log's `checkpoint` note (tlog-tiles).
   * Optional outside development: without it the gateway publishes no checkpoint note or tiles.
   */
  noteKey: Uint8Array | undefined
  /** Files this call created (first development run), so that the caller can say where. */
  created: string[]
}

/** Parameters of {@link loadKeys}. */
export type LoadKeysParameters = {
  /** Directory of the key files (`./data/keys` by default in the CLI). */
  dir: string
  /** Environment variables, which take precedence over files. */
  env?: Readonly<Record<string, string | undefined>>
  /** Create missing files with fresh random keys (development). Never in production. */
  create: boolean
}

const FILES = {
  receiptKey: { file: 'receipt.key', env: 'TML_RECEIPT_KEY' },
  checkpointKey: { file: 'checkpoint.key', env: 'TML_CHECKPOINT_KEY' },
  subjectIndexKey: { file: 'subject-index.key', env: 'TML_SUBJECT_INDEX_KEY' },
  logId: { file: 'log-id', env: 'TML_LOG_ID' },
  apiKeys: { file: 'api-keys', env: 'TML_API_KEYS' },
  noteKey: { file: 'note.key', env: 'TML_NOTE_KEY' },
} as const

const CALLER_RE = /^[A-Za-z0-9._-]{1,64}$/

/**
 * Loads the gateway's keys from environment variables (`TML_RECEIPT_KEY`, `TML_CHECKPOINT_KEY`,
 * `TML_SUBJECT_INDEX_KEY`, `TML_LOG_ID`, `TML_NOTE_KEY`: 32 bytes of `0x` hex, the receipt key a
 * P-256 scalar in [1, n − 1]; `TML_API_KEYS`:
 * `caller:token,caller:token`) or, for each one not set, from its file in `dir` (`receipt.key`,
 * `checkpoint.key`, `subject-index.key`, `log-id`, `api-keys` with one `caller:token` per line,
 * `note.key`), and the checkpoint key history (`checkpoint-keys.json`, see
 * {@link CheckpointKeyHistory}: `checkpoint.key` / `TML_CHECKPOINT_KEY` is period 0; rotations
 * need the keys directory). With `create`, missing files are created with fresh random values (mode 0600) and
 * listed in `created`. The note key alone may be missing without `create` (an existing
 * deployment keeps starting; it just publishes no C2SP note and tiles until it has one).
 *
 * @throws {KeysError} when a value is missing (and `create` is false) or malformed.
 * @example
 * const keys = loadKeys({ dir: './data/keys', create: process.env.NODE_ENV !== 'production' })
 * if (keys.created.length) log.warn({ files: keys.created }, 'created development keys')
 */
export function loadKeys({ dir, env = {}, create }: LoadKeysParameters): GatewayKeys {
  const created: string[] = []
  const read = (name: keyof typeof FILES, fresh: () => string): string => {
    const value = readOptional(name, fresh)
    if (value === undefined) {
      const { file, env: variable } = FILES[name]
      throw new KeysError(`Missing key: set ${variable} or create ${join(dir, file)}`)
    }
    return value
  }
  function readOptional(name: keyof typeof FILES, fresh: () => string): string | undefined {
    const { file, env: variable } = FILES[name]
    const fromEnv = env[variable]
    if (fromEnv !== undefined && fromEnv !== '') return fromEnv.trim()
    const path = join(dir, file)
    if (existsSync(path)) return readFileSync(path, 'utf8').trim()
    if (!create) return undefined
    mkdirSync(dir, { recursive: true, mode: 0o700 })
    writeFileSync(path, `${fresh()}\n`, { mode: 0o600, flag: 'wx' })
    chmodSync(path, 0o600)
    created.push(path)
    return readFileSync(path, 'utf8').trim()
  }
  const random32 = () => bytesToHex(new Uint8Array(randomBytes(32)))
  // A P-256 scalar: 32 random bytes are below n but for a chance of about 2^-32; retry then.
  const randomScalar = (): string => {
    for (;;) {
      const hex = random32()
      try {
        createReceiptSigner(hexToBytes(hex as Hex))
        return hex
      } catch {}
    }
  }
  const receiptSigner = (key: Uint8Array) => {
    try {
      return createReceiptSigner(key)
    } catch {
      throw new KeysError(
        `${FILES.receiptKey.env} / ${FILES.receiptKey.file} is not a P-256 private key (a scalar in [1, n - 1])`,
      )
    }
  }
  const bytes32 = (name: keyof typeof FILES, value: string): Uint8Array => {
    if (!isHex(value, 32))
      throw new KeysError(`${FILES[name].env} / ${FILES[name].file} is not 32 bytes of 0x hex`)
    return hexToBytes(value, 32)
  }

  const receiptKey = bytes32('receiptKey', read('receiptKey', randomScalar))
  receiptSigner(receiptKey) // refuses a scalar out of range at start
  const checkpointKey = bytesToHex(bytes32('checkpointKey', read('checkpointKey', random32)))
  const fromEnv = (env.TML_CHECKPOINT_KEY ?? '') !== ''
  const subjectIndexKey = bytes32('subjectIndexKey', read('subjectIndexKey', random32))
  const logId = bytesToHex(bytes32('logId', read('logId', random32)))
  const apiKeys = parseApiKeys(
    read('apiKeys', () => `dev:${randomBytes(24).toString('base64url')}`),
  )
  const note = readOptional('noteKey', random32)
  const noteKey = note === undefined ? undefined : bytes32('noteKey', note)
  const checkpointKeys = new CheckpointKeyHistory({
    dir,
    logId,
    periodZeroKey: checkpointKey,
    periodZeroKeyFile: fromEnv ? undefined : FILES.checkpointKey.file,
    receiptKeyCommitment: receiptSigner(receiptKey).keyCommitment,
    periodZeroReceiptKey: receiptKey,
  })
  checkpointKeys.periods() // a history that does not check refuses the start
  return {
    receiptKey,
    checkpointKey,
    checkpointKeys,
    subjectIndexKey,
    logId,
    apiKeys,
    noteKey,
    created,
  }
}

/**
 * Parses `caller:token` pairs separated by commas or new lines. Tokens must be at least 16
 * characters: they are bearer secrets.
 *
 * @throws {KeysError} on a malformed pair.
 * @example
 * parseApiKeys('app:0123456789abcdef0123') // [{ caller: 'app', token: '0123456789abcdef0123' }]
 */
export function parseApiKeys(text: string): ApiKey[] {
  const keys: ApiKey[] = []
  for (const raw of text.split(/[,\n]/)) {
    const line = raw.trim()
    if (line === '' || line.startsWith('#')) continue
    const i = line.indexOf(':')
    const caller = line.slice(0, i)
    const token = line.slice(i + 1)
    if (i < 1 || !CALLER_RE.test(caller) || token.length < 16 || /\s/.test(token)) {
      throw new KeysError(
        'Malformed API key: expected caller:token (caller [A-Za-z0-9._-], token of 16+ characters)',
      )
    }
    keys.push({ caller, token })
  }
  if (keys.length === 0)
    throw new KeysError('No API key configured (TML_API_KEYS or the api-keys file)')
  return keys
}
