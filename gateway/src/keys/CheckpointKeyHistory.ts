import {
  closeSync,
  existsSync,
  fsyncSync,
  openSync,
  readFileSync,
  renameSync,
  statSync,
  writeSync,
} from 'node:fs'
import { dirname, join } from 'node:path'
import {
  type Hex,
  isHex,
  type KeyRotationStatement,
  keyRotationStatementFromJson,
  recoverKeyRotationSigner,
} from '@tml/core'
import { type Address, getAddress, isAddress } from 'viem'
import { type LocalAccount, privateKeyToAccount } from 'viem/accounts'
import { createReceiptSigner } from './createReceiptSigner.ts'
import { KeysError } from './KeysError.ts'

/** The key history file in the keys directory. */
export const CHECKPOINT_KEYS_FILE = 'checkpoint-keys.json'

/**
 * One period of the log's checkpoint keys. Period 0 is the key the log was declared with
 * (`checkpoint.key` or `TML_CHECKPOINT_KEY`), from epoch 1; period n ≥ 1 is rotation statement n
 * of `checkpoint-keys.json`, signed by the key of period n − 1.
 */
export type CheckpointKeyPeriod = {
  index: number
  /** First epoch the period covers. */
  fromEpoch: number
  /** The period's checkpoint signer. */
  address: Address
  /** Key file in the keys directory; undefined for a period 0 given by `TML_CHECKPOINT_KEY`. */
  keyFile: string | undefined
  /** The signed statement that opened the period (undefined for period 0). */
  statement: KeyRotationStatement | undefined
  /** The period's receipt key as the chain holds it, keccak256(x ‖ y). */
  receiptKeyCommitment: Hex
  /**
   * File of the period's P-256 receipt key when the period brought a new one; undefined when it
   * keeps the previous period's (period 0's is `receipt.key` or `TML_RECEIPT_KEY`).
   */
  receiptKeyFile: string | undefined
}

/** A rotation as {@link CheckpointKeyHistory.append} takes it (the receipt key commitment is the statement's). */
export type RotationEntry = Omit<
  CheckpointKeyPeriod,
  'keyFile' | 'statement' | 'receiptKeyCommitment' | 'receiptKeyFile'
> & { keyFile: string; statement: KeyRotationStatement; receiptKeyFile?: string | undefined }

/** The key that signs one epoch: the account of the period covering it, and where that period starts. */
export type PeriodSigner = { index: number; fromEpoch: number; account: LocalAccount }

/**
 * What the sequencer needs of a key history: the key of the period that covers an epoch. It must
 * never give a key outside its period (that signature would compromise the log).
 */
export type CheckpointSigners = {
  signerFor(epoch: number): Promise<PeriodSigner>
  /** Every checkpoint signer of the history (the relayer must be none of them). */
  addresses(): readonly Address[]
}

/** Parameters of {@link CheckpointKeyHistory}. */
export type CheckpointKeyHistoryParameters = {
  /** The keys directory that holds `checkpoint-keys.json` and the key files it names. */
  dir: string
  logId: Hex
  /** Period 0's key (from `checkpoint.key` or `TML_CHECKPOINT_KEY`). */
  periodZeroKey: Hex
  /** `checkpoint.key` when period 0's key came from that file, undefined from the environment. */
  periodZeroKeyFile: string | undefined
  /** Period 0's receipt key commitment keccak256(x ‖ y) (the chain's `receiptKey` at declaration). */
  receiptKeyCommitment: Hex
  /** Period 0's P-256 receipt private key (`receipt.key` or `TML_RECEIPT_KEY`). */
  periodZeroReceiptKey?: Uint8Array
}

/** A rotation entry as `checkpoint-keys.json` stores it (uint64s as JSON numbers). */
type RotationJson = {
  index: number
  fromEpoch: number
  address: string
  keyFile: string
  /** Only in a period that brings a new receipt key. */
  receiptKeyFile?: string
  statement: unknown
}

const KEY_FILE_RE = /^[A-Za-z0-9._-]{1,64}$/

/**
 * The log's checkpoint key history, kept in the keys directory: period 0 is `checkpoint.key` (or
 * `TML_CHECKPOINT_KEY`), and `checkpoint-keys.json` lists the rotations
 * `{ logId, rotations: [{ index, fromEpoch, address, keyFile, receiptKeyFile?, statement: { rotation, signature } }] }`
 * with one key file (mode 0600) per period, and a receipt key file for a period that brings a new
 * receipt key (the gateway hands receipts over to it where the period begins, see
 * `ReceiptKeyHandover`). The file is re-read by every call, so a running
 * gateway picks up a rotation written by `tml keys rotate` before its next signature; a file
 * that does not check (wrong order, a statement not signed by the previous period's key, a key
 * file for another address) makes {@link signerFor} throw: nothing is signed until it is fixed.
 *
 * Spec: contracts/README.md ("Key history: one on every chain").
 *
 * @example
 * const history = new CheckpointKeyHistory({ dir, logId, periodZeroKey, periodZeroKeyFile: 'checkpoint.key', receiptKeyCommitment })
 * const { account } = await history.signerFor(42)
 */
export class CheckpointKeyHistory implements CheckpointSigners {
  readonly dir: string
  /** Path of `checkpoint-keys.json`. */
  readonly path: string
  readonly logId: Hex
  readonly receiptKeyCommitment: Hex
  readonly #p: CheckpointKeyHistoryParameters
  readonly #periodZero: LocalAccount
  // Statement signatures already recovered: signature → signer (ECDSA recovery once per statement).
  readonly #recovered = new Map<Hex, Address>()
  // The file as last parsed, keyed by inode, size and mtime: every write renames a new file in,
  // so a changed history is seen at once, while the proof route's per-request lookups do not
  // read and re-check an unchanged file each time.
  #parsed: { stamp: string; periods: readonly CheckpointKeyPeriod[] } | undefined

  constructor(p: CheckpointKeyHistoryParameters) {
    this.#p = p
    this.dir = p.dir
    this.path = join(p.dir, CHECKPOINT_KEYS_FILE)
    this.logId = p.logId
    this.receiptKeyCommitment = p.receiptKeyCommitment
    this.#periodZero = privateKeyToAccount(p.periodZeroKey)
  }

  /**
   * The periods, period 0 first, as the file holds them now (order, addresses, key files and
   * statement fields checked; the statements' signatures are {@link verify}'s).
   *
   * @throws {KeysError} when the file does not check.
   */
  periods(): CheckpointKeyPeriod[] {
    const zero: CheckpointKeyPeriod = {
      index: 0,
      fromEpoch: 1,
      address: this.#periodZero.address,
      keyFile: this.#p.periodZeroKeyFile,
      statement: undefined,
      receiptKeyCommitment: this.receiptKeyCommitment.toLowerCase() as Hex,
      receiptKeyFile: undefined,
    }
    if (!existsSync(this.path)) return [zero]
    const stat = statSync(this.path)
    const stamp = `${stat.ino}:${stat.size}:${stat.mtimeMs}`
    if (this.#parsed?.stamp === stamp) return [...this.#parsed.periods]
    const periods = this.#parse(zero)
    this.#parsed = { stamp, periods }
    return [...periods]
  }

  #parse(zero: CheckpointKeyPeriod): CheckpointKeyPeriod[] {
    const fail = (message: string): never => {
      throw new KeysError(`${this.path}: ${message}`)
    }
    let json: { logId?: unknown; rotations?: unknown }
    try {
      json = JSON.parse(readFileSync(this.path, 'utf8')) as typeof json
    } catch (error) {
      return fail(`not JSON (${(error as Error).message})`)
    }
    if (typeof json.logId !== 'string' || json.logId.toLowerCase() !== this.logId.toLowerCase())
      fail(`logId ${String(json.logId)} is not this log's (${this.logId})`)
    if (!Array.isArray(json.rotations)) fail('rotations is not an array')
    const periods = [zero]
    for (const [i, raw] of (json.rotations as RotationJson[]).entries()) {
      const previous = periods[periods.length - 1] as CheckpointKeyPeriod
      const at = `rotations[${i}]`
      if (raw?.index !== i + 1) fail(`${at}.index must be ${i + 1}`)
      if (!Number.isSafeInteger(raw.fromEpoch) || raw.fromEpoch <= previous.fromEpoch)
        fail(`${at}.fromEpoch must be an integer above ${previous.fromEpoch}`)
      if (typeof raw.address !== 'string' || !isAddress(raw.address))
        fail(`${at}.address is not an address`)
      const address = getAddress(raw.address)
      if (periods.some((p) => p.address === address))
        fail(`${at}.address ${address} already served a period (one key, one period)`)
      if (typeof raw.keyFile !== 'string' || !KEY_FILE_RE.test(raw.keyFile))
        fail(`${at}.keyFile must be a file name in ${this.dir}`)
      let statement: KeyRotationStatement
      try {
        statement = keyRotationStatementFromJson(raw.statement)
      } catch (error) {
        return fail(`${at}.statement: ${(error as Error).message}`)
      }
      const r = statement.rotation
      if (
        r.logId !== this.logId.toLowerCase() ||
        r.index !== BigInt(raw.index) ||
        r.fromEpoch !== BigInt(raw.fromEpoch) ||
        r.signer !== address
      )
        fail(`${at}.statement does not state this entry (log, index, fromEpoch, signer)`)
      let receiptKeyFile: string | undefined
      if (raw.receiptKeyFile === undefined) {
        if (r.receiptKey !== previous.receiptKeyCommitment)
          fail(
            `${at}.statement names receipt key ${r.receiptKey}, not the previous period's (${previous.receiptKeyCommitment}), and the entry names no receiptKeyFile`,
          )
      } else {
        if (typeof raw.receiptKeyFile !== 'string' || !KEY_FILE_RE.test(raw.receiptKeyFile))
          fail(`${at}.receiptKeyFile must be a file name in ${this.dir}`)
        receiptKeyFile = raw.receiptKeyFile
        const commitment = createReceiptSigner(this.#readReceiptKey(receiptKeyFile)).keyCommitment
        if (r.receiptKey !== commitment.toLowerCase())
          fail(
            `${at}.statement names receipt key ${r.receiptKey}, not ${receiptKeyFile}'s (${commitment})`,
          )
        if (periods.some((p) => p.receiptKeyCommitment === r.receiptKey))
          fail(`${at}.receiptKeyFile holds a receipt key that already served a period`)
      }
      periods.push({
        index: raw.index,
        fromEpoch: raw.fromEpoch,
        address,
        keyFile: raw.keyFile,
        statement,
        receiptKeyCommitment: r.receiptKey,
        receiptKeyFile,
      })
    }
    return periods
  }

  /**
   * {@link periods}, with each statement's signature recovered and checked against the previous
   * period's signer.
   *
   * @throws {KeysError} when the file does not check or a statement is not the previous key's.
   */
  async verify(): Promise<CheckpointKeyPeriod[]> {
    const periods = this.periods()
    for (const period of periods.slice(1)) {
      const statement = period.statement as KeyRotationStatement
      let signer = this.#recovered.get(statement.signature)
      if (signer === undefined) {
        try {
          signer = await recoverKeyRotationSigner(statement)
        } catch (error) {
          throw new KeysError(
            `${this.path}: statement ${period.index}: ${(error as Error).message}`,
          )
        }
        this.#recovered.set(statement.signature, signer)
      }
      const previous = periods[period.index - 1] as CheckpointKeyPeriod
      if (signer !== previous.address)
        throw new KeysError(
          `${this.path}: statement ${period.index} is signed by ${signer}, not by period ${previous.index}'s key ${previous.address}`,
        )
    }
    return periods
  }

  /**
   * The account of period `index`, read from its key file (which must hold that address's key).
   *
   * @throws {KeysError} when the key file is missing or holds another key.
   */
  account(period: CheckpointKeyPeriod): LocalAccount {
    if (period.index === 0) return this.#periodZero
    const path = join(this.dir, period.keyFile as string)
    if (!existsSync(path))
      throw new KeysError(`the key of period ${period.index} (${path}) is missing`)
    const key = readFileSync(path, 'utf8').trim()
    if (!isHex(key, 32)) throw new KeysError(`${path} is not 32 bytes of 0x hex`)
    const account = privateKeyToAccount(key as Hex)
    if (account.address !== period.address)
      throw new KeysError(
        `${path} holds the key of ${account.address}, not period ${period.index}'s ${period.address}`,
      )
    return account
  }

  /**
   * The P-256 receipt private key of a period: its own file when it brought a new key, else the
   * key of the period before it (period 0's from `receipt.key` or the environment).
   *
   * @throws {KeysError} when the key file is missing or is not a P-256 key.
   */
  receiptKey(period: CheckpointKeyPeriod): Uint8Array {
    const periods = this.periods()
    for (let i = period.index; i > 0; i--) {
      const file = periods[i]?.receiptKeyFile
      if (file !== undefined) return this.#readReceiptKey(file)
    }
    if (this.#p.periodZeroReceiptKey === undefined)
      throw new KeysError('period 0 receipt key not given to the key history')
    return this.#p.periodZeroReceiptKey
  }

  #readReceiptKey(file: string): Uint8Array {
    const path = join(this.dir, file)
    if (!existsSync(path)) throw new KeysError(`the receipt key file ${path} is missing`)
    const key = readFileSync(path, 'utf8').trim()
    if (!isHex(key, 32)) throw new KeysError(`${path} is not 32 bytes of 0x hex`)
    const bytes = Buffer.from(key.slice(2), 'hex')
    try {
      createReceiptSigner(bytes)
    } catch (error) {
      throw new KeysError(`${path}: ${(error as Error).message}`)
    }
    return new Uint8Array(bytes)
  }

  /**
   * The key of the period that covers `epoch`, from the file as it is now (re-read and checked
   * on every call).
   *
   * @throws {KeysError} when the history does not check or the key file is missing.
   */
  async signerFor(epoch: number): Promise<PeriodSigner> {
    const period = periodAt(await this.verify(), epoch)
    return { index: period.index, fromEpoch: period.fromEpoch, account: this.account(period) }
  }

  /** The address of the period that covers `epoch` (what a proof bundle names as its signer). */
  addressAt(epoch: number): Address {
    return periodAt(this.periods(), epoch).address
  }

  addresses(): readonly Address[] {
    return this.periods().map((p) => p.address)
  }

  /**
   * Adds rotation `period` (the next index) to the file, durably and atomically (a temporary
   * file, fsync, rename, fsync of the directory): once this returns, a crash leaves the
   * statement in the history, so a re-run relays it rather than signing a second one.
   */
  append(period: RotationEntry): void {
    const periods = this.periods()
    if (period.index !== periods.length)
      throw new KeysError(`rotation ${period.index} is not the next one (${periods.length})`)
    // Periods after 0 are rotations: each has its key file and statement (checked by parsing).
    this.#write([...(periods.slice(1) as RotationEntry[]), period])
  }

  /** Removes the last rotation (only one never relayed anywhere, see `tml keys rotate`). */
  removeLast(index: number): void {
    const periods = this.periods()
    if (periods.length - 1 !== index || index === 0)
      throw new KeysError(`rotation ${index} is not the last one`)
    this.#write(periods.slice(1, -1) as RotationEntry[])
  }

  #write(rotations: readonly RotationEntry[]): void {
    const json = {
      logId: this.logId,
      rotations: rotations.map((p) => {
        const s = p.statement
        return {
          index: p.index,
          fromEpoch: p.fromEpoch,
          address: p.address,
          keyFile: p.keyFile,
          ...(p.receiptKeyFile === undefined ? {} : { receiptKeyFile: p.receiptKeyFile }),
          statement: {
            rotation: {
              logId: s.rotation.logId,
              index: Number(s.rotation.index),
              fromEpoch: Number(s.rotation.fromEpoch),
              signer: s.rotation.signer,
              receiptKey: s.rotation.receiptKey,
            },
            signature: s.signature,
          },
        }
      }),
    }
    writeFileDurably(this.path, `${JSON.stringify(json, null, 2)}\n`)
  }
}

/**
 * Writes a file so that after a crash it holds either its old or its new content, and the new
 * content once this returns: temporary file (mode 0600), fsync, rename, fsync of the directory.
 *
 * @example writeFileDurably('keys/checkpoint-keys.json', text)
 */
export function writeFileDurably(path: string, text: string, { exclusive = false } = {}): void {
  const target = exclusive ? path : `${path}.tmp`
  const fd = openSync(target, exclusive ? 'wx' : 'w', 0o600)
  try {
    writeSync(fd, text)
    fsyncSync(fd)
  } finally {
    closeSync(fd)
  }
  if (!exclusive) renameSync(target, path)
  const dir = openSync(dirname(path), 'r')
  try {
    fsyncSync(dir)
  } finally {
    closeSync(dir)
  }
}

/** The period covering `epoch`: the last one whose first epoch is at or below it (period 0 else). */
function periodAt(periods: readonly CheckpointKeyPeriod[], epoch: number): CheckpointKeyPeriod {
  return periods.filter((p) => p.fromEpoch <= epoch).at(-1) ?? (periods[0] as CheckpointKeyPeriod)
}
