import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import {
  bytesToHex,
  checkpointRegistryAbi,
  type Hex,
  type KeyRotationStatement,
  recoverCheckpointSigner,
  signKeyRotation,
} from '@tml/core'
import { createPublicClient, createWalletClient, http, type PublicClient } from 'viem'
import { type LocalAccount, privateKeyToAccount } from 'viem/accounts'
import { type AnchorStore, toCheckpoint } from '../anchoring/AnchorStore.ts'
import type { ChainConfig } from '../anchoring/ChainAnchorer.ts'
import { chainDefinition } from '../anchoring/chainDefinition.ts'
import { LaneConfigError, loadLaneConfig } from '../anchoring/loadLaneConfig.ts'
import { SqliteAnchorStore } from '../anchoring/SqliteAnchorStore.ts'
import {
  type CheckpointKeyHistory,
  type CheckpointKeyPeriod,
  writeFileDurably,
} from '../keys/CheckpointKeyHistory.ts'
import { createReceiptSigner } from '../keys/createReceiptSigner.ts'
import { KeysError } from '../keys/KeysError.ts'
import { KeystoreError } from '../keys/KeystoreError.ts'
import { loadKeys } from '../keys/loadKeys.ts'
import { readKeystore } from '../keys/readKeystore.ts'
import type { CliIo } from './io.ts'
import { keystorePassword } from './readSecret.ts'

export const KEYS_ROTATE_HELP = `Usage: tml keys rotate --chain NETWORK=URL [--chain ...] [options]

Rotates the log's keys: makes the new checkpoint key (DATA/keys/checkpoint-N.key, mode 0600) and
a new P-256 receipt key (DATA/keys/receipt-N.key, unless --keep-receipt-key), chooses the first
epoch they sign, has the current key sign the KeyRotation statement, writes it to
the key history (DATA/keys/checkpoint-keys.json) BEFORE relaying it, then relays it with the
relayer account to every chain (CheckpointRegistry.rotateKeys), waits for each receipt and prints
per chain the transaction, its block and keysAt(fromEpoch). A running gateway re-reads the key
history before each signature and switches at that epoch: the epoch before it closes exactly at
the last receipt signed with the old receipt key, and every later receipt gets the new one.

The first epoch is max(this store's latest signed epoch, every chain's head epoch) + MARGIN. A
statement whose epoch is at or below a chain's head would mark the log compromised there: such an
epoch is refused before anything is signed.

Re-running after a crash (or a failed relay) relays the statement already in the history, to the
chains that lack it: one index never gets two statements (that would be a provable key fork).

Options:
  --chain NETWORK=URL     Relay on NETWORK through RPC URL; repeatable (TML_CHAINS). Every chain
                          the log anchors on must be given.
  --deployments DIR       Deployment files (default ./deployments; TML_DEPLOYMENTS_DIR).
  --data DIR              Data directory of the gateway: log.db (default ./data; TML_DATA_DIR).
  --keys DIR              Key directory (default DATA/keys; TML_KEYS_DIR). Rotation needs it,
                          also when TML_CHECKPOINT_KEY gives period 0's key.
  --keystore FILE         Web3 Secret Storage keystore of the account that sends the statements
                          (TML_KEYSTORE; password: --password-file, TML_KEYSTORE_PASSWORD or a
                          prompt). Or, unencrypted:
  --relayer-key-file FILE Key of the account that sends the statements (or TML_RELAYER_KEY).
  --password-file FILE    The keystore's password (first line).
  --at-epoch E            First epoch of the new key (must be above the store's and the chains').
  --margin N              Epochs between the latest signed or anchored one and the new key's
                          first (default 2): the relay must land before the log gets there.
  --keep-receipt-key      Keep the current receipt key (rotate the checkpoint key only).
  -h, --help              Show this help.
`

/** Where a test may make the rotation "crash" (throw) to check what a re-run does. */
export type KeysRotateCrashPoint = 'afterHistory'

type Chain = { config: ChainConfig; client: PublicClient }

/**
 * `tml keys rotate`: rotates the checkpoint signer and relays the statement to every chain.
 * Crash-safe: the statement is in the key history before anything is sent, and a re-run relays
 * it instead of signing another for the same index.
 *
 * @example
 * await keysRotate({ argv: ['--chain', 'ethereum=http://127.0.0.1:8545'], io: processIo })
 */
export async function keysRotate({
  argv,
  io,
  crashPoint,
}: {
  argv: string[]
  io: CliIo
  crashPoint?: (point: KeysRotateCrashPoint) => void
}): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      help: { type: 'boolean', short: 'h' },
      chain: { type: 'string', multiple: true },
      deployments: { type: 'string' },
      data: { type: 'string' },
      keys: { type: 'string' },
      'relayer-key-file': { type: 'string' },
      keystore: { type: 'string' },
      'password-file': { type: 'string' },
      'at-epoch': { type: 'string' },
      margin: { type: 'string' },
      'keep-receipt-key': { type: 'boolean' },
    },
  })
  if (values.help) {
    io.out(KEYS_ROTATE_HELP)
    return 0
  }
  const env = io.env
  const fail = (message: string, code = 1): number => {
    io.err(`tml keys rotate: ${message}\n`)
    return code
  }
  const atEpoch = values['at-epoch'] === undefined ? undefined : Number(values['at-epoch'])
  const margin = Number(values.margin ?? '2')
  if (atEpoch !== undefined && (!Number.isSafeInteger(atEpoch) || atEpoch < 2))
    return fail('--at-epoch must be an integer >= 2', 2)
  if (!Number.isSafeInteger(margin) || margin < 1) return fail('--margin must be >= 1', 2)
  const dataDir = values.data ?? env.TML_DATA_DIR ?? './data'
  const keysDir = values.keys ?? env.TML_KEYS_DIR ?? join(dataDir, 'keys')
  const list = (v: string | undefined) => (v ? v.split(',').filter((x) => x !== '') : [])
  let history: CheckpointKeyHistory
  let chains: Chain[]
  let relayer: LocalAccount
  try {
    const keys = loadKeys({ dir: keysDir, env, create: false })
    history = keys.checkpointKeys
    // A keystore's key is decrypted in memory and handed over as the relayer key.
    const keystore = values.keystore ?? env.TML_KEYSTORE
    const fromKeystore = keystore
      ? await readKeystore({
          file: keystore,
          password: await keystorePassword({ passwordFile: values['password-file'], env }),
        })
      : undefined
    const lane = loadLaneConfig({
      chains: values.chain ?? list(env.TML_CHAINS),
      deploymentsDir: values.deployments ?? env.TML_DEPLOYMENTS_DIR ?? './deployments',
      relayerKey: fromKeystore?.privateKey ?? env.TML_RELAYER_KEY,
      relayerKeyFile: fromKeystore ? undefined : values['relayer-key-file'],
    })
    if (!lane) return fail('give every chain of the log with --chain NETWORK=URL', 2)
    relayer = lane.relayer
    chains = lane.chains.map((config) => ({
      config,
      client: createPublicClient({
        chain: chainDefinition(config),
        transport: http(config.rpcUrl, { retryCount: 2 }),
        pollingInterval: 100,
      }) as PublicClient,
    }))
  } catch (e) {
    if (e instanceof KeysError || e instanceof LaneConfigError || e instanceof KeystoreError)
      return fail(e.shortMessage)
    throw e
  }
  const dbPath = join(dataDir, 'log.db')
  if (!existsSync(dbPath))
    return fail(`no log store at ${dbPath}: give the gateway's data directory with --data`)
  const store = SqliteAnchorStore.open({ path: dbPath })
  try {
    return await rotate({
      history,
      chains,
      relayer,
      store,
      io,
      atEpoch,
      margin,
      keepReceiptKey: values['keep-receipt-key'] === true,
      crashPoint,
    })
  } catch (e) {
    if (e instanceof KeysError) return fail(e.shortMessage)
    return fail((e as Error).message.split('\n')[0] ?? String(e))
  } finally {
    await store.close()
  }
}

async function rotate({
  history,
  chains,
  relayer,
  store,
  io,
  atEpoch,
  margin,
  keepReceiptKey,
  crashPoint,
}: {
  history: CheckpointKeyHistory
  chains: Chain[]
  relayer: LocalAccount
  store: AnchorStore
  io: CliIo
  atEpoch: number | undefined
  margin: number
  keepReceiptKey: boolean
  crashPoint: ((point: KeysRotateCrashPoint) => void) | undefined
}): Promise<number> {
  const { logId } = history
  const periods = await history.verify()
  const last = periods[periods.length - 1] as CheckpointKeyPeriod
  // What each chain holds now: its head and how many periods of the history it was told.
  const seen = await Promise.all(
    chains.map(async ({ config, client }) => {
      const at = { address: config.registry, abi: checkpointRegistryAbi } as const
      const [head, count] = await Promise.all([
        client.readContract({ ...at, functionName: 'head', args: [logId] }),
        client.readContract({ ...at, functionName: 'keyPeriodCount', args: [logId] }),
      ])
      if (count === 0n) throw new Error(`log ${logId} is not declared on ${config.name}`)
      return { head: Number(head[0]), count: Number(count) }
    }),
  )
  for (const [i, s] of seen.entries()) {
    if (s.count > periods.length)
      throw new Error(
        `${chains[i]?.config.name} holds ${s.count} key periods, this key history ${periods.length}: it was told statements this directory lacks; refusing to sign another`,
      )
  }
  let period: CheckpointKeyPeriod
  if (last.index > 0 && seen.some((s) => s.count <= last.index)) {
    // A statement written by an earlier run and not on every chain yet: relay it, sign nothing.
    period = last
    io.out(
      `statement ${last.index} (from epoch ${last.fromEpoch}, signer ${last.address}) is already in ${history.path}: relaying it where it is missing, no new key\n`,
    )
    const broken = await handoverBroken(store, logId, period)
    if (broken)
      throw new Error(
        `${broken}: relaying the statement would prove a broken handover. If it was never relayed anywhere, remove rotation ${period.index} from ${history.path} and its key file, then rotate again with a larger --margin`,
      )
  } else {
    const signed = Math.max(
      (await store.latestCheckpoint())?.epoch ?? 0,
      (await store.intent())?.epoch ?? 0,
    )
    const headMax = Math.max(...seen.map((s) => s.head))
    const floor = Math.max(signed, headMax, last.fromEpoch)
    const fromEpoch = atEpoch ?? floor + margin
    if (fromEpoch <= floor) {
      const why = seen
        .map((s, i) => `${chains[i]?.config.name} head ${s.head}`)
        .concat([`store latest ${signed}`, `period ${last.index} from ${last.fromEpoch}`])
      throw new Error(
        `--at-epoch ${fromEpoch} is not above ${floor} (${why.join(', ')}): a statement at or below a chain's head marks the log compromised; nothing was signed`,
      )
    }
    const index = last.index + 1
    const key = bytesToHex(new Uint8Array(randomBytes(32)))
    const account = privateKeyToAccount(key)
    if (account.address === relayer.address || periods.some((p) => p.address === account.address))
      throw new Error('the new key collides with a known account; run again')
    const keyFile = `checkpoint-${index}.key`
    // A key file without a history entry is left by a crash before the entry: it never signed.
    mkdirSync(history.dir, { recursive: true, mode: 0o700 })
    writeFileDurably(join(history.dir, keyFile), `${key}\n`)
    let receiptKeyFile: string | undefined
    let receiptKeyCommitment = last.receiptKeyCommitment
    if (!keepReceiptKey) {
      const receiptKey = newReceiptKey()
      receiptKeyFile = `receipt-${index}.key`
      writeFileDurably(join(history.dir, receiptKeyFile), `${bytesToHex(receiptKey)}\n`)
      receiptKeyCommitment = createReceiptSigner(receiptKey).keyCommitment
    }
    const rotation = {
      logId,
      index: BigInt(index),
      fromEpoch: BigInt(fromEpoch),
      signer: account.address,
      receiptKey: receiptKeyCommitment,
    }
    const signature = await signKeyRotation({ rotation, account: history.account(last) })
    period = {
      index,
      fromEpoch,
      address: account.address,
      keyFile,
      statement: { rotation, signature },
      receiptKeyCommitment,
      receiptKeyFile,
    }
    // Written before anything is sent: from here on, this index has this statement only.
    history.append(
      period as CheckpointKeyPeriod & { keyFile: string; statement: KeyRotationStatement },
    )
    crashPoint?.('afterHistory')
    io.out(
      `statement ${index}: from epoch ${fromEpoch}, signer ${account.address} (key ${join(history.dir, keyFile)}), receipt key ${receiptKeyFile === undefined ? 'kept' : `${receiptKeyCommitment} (${join(history.dir, receiptKeyFile)})`}, signed by period ${last.index}'s ${last.address}\n`,
    )
    // The gateway may have signed the epoch with the old key between our read and the write: then
    // the statement was never sent anywhere and is taken back.
    const broken = await handoverBroken(store, logId, period)
    if (broken) {
      history.removeLast(index)
      rmSync(join(history.dir, keyFile), { force: true })
      if (receiptKeyFile !== undefined) rmSync(join(history.dir, receiptKeyFile), { force: true })
      throw new Error(
        `${broken}; the statement was not relayed and is removed: rotate again with a larger --margin`,
      )
    }
  }
  return relay({
    history,
    chains,
    relayer,
    io,
    periods: [...periods.slice(0, period.index), period],
  })
}

// Why relaying `period` would prove a broken handover (its first epoch is in this store signed
// by another key), or undefined. An intent for that epoch is waited for: its signature is under way.
async function handoverBroken(
  store: AnchorStore,
  logId: Hex,
  period: CheckpointKeyPeriod,
): Promise<string | undefined> {
  const deadline = Date.now() + 10_000
  while ((await store.intent())?.epoch === period.fromEpoch && Date.now() < deadline)
    await new Promise((r) => setTimeout(r, 50))
  const first = await store.checkpoint(period.fromEpoch)
  if (!first) return undefined
  const by = await recoverCheckpointSigner({
    checkpoint: toCheckpoint(logId, first),
    signature: first.signature,
  })
  return by === period.address
    ? undefined
    : `this store holds epoch ${period.fromEpoch} signed by ${by}, not by the new key ${period.address}`
}

// Relays the statements each chain lacks, in order, and prints what each chain holds after.
async function relay({
  history,
  chains,
  relayer,
  io,
  periods,
}: {
  history: CheckpointKeyHistory
  chains: Chain[]
  relayer: LocalAccount
  io: CliIo
  periods: CheckpointKeyPeriod[]
}): Promise<number> {
  const { logId } = history
  const target = periods[periods.length - 1] as CheckpointKeyPeriod
  let failed = 0
  for (const { config, client } of chains) {
    const at = { address: config.registry, abi: checkpointRegistryAbi } as const
    try {
      const count = Number(
        await client.readContract({ ...at, functionName: 'keyPeriodCount', args: [logId] }),
      )
      for (const period of periods.slice(Math.max(1, count))) {
        const [head] = await client.readContract({ ...at, functionName: 'head', args: [logId] })
        if (Number(head) >= period.fromEpoch)
          throw new Error(
            `its head is epoch ${head}, at or above statement ${period.index}'s first epoch ${period.fromEpoch}: relaying it would mark the log compromised (HandoverBreach); not sent`,
          )
        const statement = period.statement as KeyRotationStatement
        const wallet = createWalletClient({
          chain: chainDefinition(config),
          transport: http(config.rpcUrl, { retryCount: 2 }),
          account: relayer,
        })
        const { request } = await client.simulateContract({
          ...at,
          functionName: 'rotateKeys',
          args: [statement.rotation, statement.signature],
          account: relayer,
        })
        const hash = await wallet.writeContract(request)
        const receipt = await client.waitForTransactionReceipt({ hash, timeout: 120_000 })
        if (receipt.status !== 'success') throw new Error(`rotateKeys ${hash} reverted`)
        io.out(
          `${config.name}: statement ${period.index} relayed, tx ${hash}, block ${receipt.blockNumber}\n`,
        )
      }
      const [held] = await client
        .readContract({
          ...at,
          functionName: 'keyPeriodAt',
          args: [logId, BigInt(target.index)],
        })
        .then((p) => [p.signer] as const)
        .catch(() => [undefined] as const)
      if (held !== undefined && held !== target.address)
        throw new Error(
          `it holds another signer (${held}) for period ${target.index}: two statements for one index, a key fork`,
        )
      const [signer, , index] = await client.readContract({
        ...at,
        functionName: 'keysAt',
        args: [logId, BigInt(target.fromEpoch)],
      })
      const ok = signer === target.address && Number(index) === target.index
      io.out(
        `${config.name}: keysAt(${target.fromEpoch}) = ${signer} (period ${index}) ${ok ? 'confirmed' : 'NOT the new key'}\n`,
      )
      if (!ok) failed++
    } catch (e) {
      failed++
      io.err(`tml keys rotate: ${config.name}: ${(e as Error).message.split('\n')[0]}\n`)
    }
  }
  if (failed > 0) {
    io.err(
      `tml keys rotate: ${failed} chain(s) do not hold statement ${target.index} yet: run the command again (it relays the same statement) before the log reaches epoch ${target.fromEpoch}\n`,
    )
    return 1
  }
  return 0
}

/** The key history as `tml keys show` prints it. */
export async function describeKeyHistory(history: CheckpointKeyHistory): Promise<string> {
  const periods = await history.verify()
  const lines = [
    `checkpoint key history (${history.path}${existsSync(history.path) ? '' : ', none yet'}):\n`,
  ]
  for (const p of periods) {
    const from = `from epoch ${p.fromEpoch}`.padEnd(17)
    const file = p.keyFile ?? 'TML_CHECKPOINT_KEY'
    const statement = p.statement
      ? `  statement ${p.statement.signature.slice(0, 18)}… signed by period ${p.index - 1}`
      : '  declared'
    lines.push(`  period ${p.index}  ${from} ${p.address}  ${file}${statement}\n`)
  }
  return lines.join('')
}

// A new P-256 receipt key: 32 random bytes, drawn again in the (2^-32) case they are not a
// scalar in [1, n - 1].
function newReceiptKey(): Uint8Array {
  for (;;) {
    const key = new Uint8Array(randomBytes(32))
    try {
      createReceiptSigner(key)
      return key
    } catch {
      // out of range: draw again
    }
  }
}
