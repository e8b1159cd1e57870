import { join } from 'node:path'
import type { CausalNode, MtlModel } from '@tml/core'
import type { Address } from 'viem'
import { type LocalAccount, privateKeyToAccount } from 'viem/accounts'
import { AnchoringLane, type AnchoringLaneParameters } from '../anchoring/AnchoringLane.ts'
import type { AnchorStore } from '../anchoring/AnchorStore.ts'
import type { HeadVerdict } from '../anchoring/ChainHeadGuard.ts'
import { SqliteAnchorStore } from '../anchoring/SqliteAnchorStore.ts'
import type { ReceiptSigner } from '../keys/createReceiptSigner.ts'
import type { GatewayKeys } from '../keys/loadKeys.ts'
import { nodeSha256 } from '../keys/nodeSha256.ts'
import { ReceiptKeySchedule } from '../keys/ReceiptKeySchedule.ts'
import { AlwaysMemory } from '../memory/AlwaysMemory.ts'
import type { Committer } from '../memory/Committer.ts'
import { InlineCommitter } from '../memory/InlineCommitter.ts'
import type { LogStore } from '../memory/LogStore.ts'
import { PgLogStore } from '../memory/PgLogStore.ts'
import { Pseudonymizer } from '../memory/Pseudonymizer.ts'
import { SqliteLogStore } from '../memory/SqliteLogStore.ts'
import { WorkerCommitter } from '../memory/WorkerCommitter.ts'
import { Lantern } from '../pause/Lantern.ts'
import { PauseBudget } from '../pause/PauseBudget.ts'
import { PauseManager } from '../pause/PauseManager.ts'
import type { VerificationHook } from '../pause/VerificationHook.ts'
import { MemoryPolicyArchive } from '../policy/MemoryPolicyArchive.ts'
import type { PolicyArchive } from '../policy/PolicyArchive.ts'
import { policyArchiveRecords } from '../policy/policyArchiveRecords.ts'
import { SqlitePolicyArchive } from '../policy/SqlitePolicyArchive.ts'
import type { LoadedPolicy } from '../policy/types.ts'
import {
  type HandoverCrashPoint,
  ReceiptKeyHandover,
  receiptKeyStarts,
} from '../sequencer/ReceiptKeyHandover.ts'
import type { CustodianSet } from '../vault/Custodian.ts'
import { PgVaultCommitter } from '../vault/PgVaultCommitter.ts'
import type { PgVaultStore } from '../vault/PgVaultStore.ts'
import { SqliteVaultStore } from '../vault/SqliteVaultStore.ts'
import type { VaultStore } from '../vault/VaultStore.ts'
import { DataDirLock } from './DataDirLock.ts'
import { DecisionService } from './DecisionService.ts'
import type { LockHolder } from './LockHolder.ts'
import { openPostgresStores } from './openPostgresStores.ts'

/** The causal node every MTL carries when the operator turned anchoring off explicitly. */
export const ANCHORING_DISABLED_NODE: CausalNode = {
  id: 'anchoring:disabled',
  kind: 'anchoring_disabled',
  inputs: [],
}

/** Parameters of {@link createGateway}. */
/** How long one vault epoch key seals records unless configured: 15 minutes. */
export const DEFAULT_VAULT_PERIOD_MS = 15 * 60_000

export type CreateGatewayParameters = {
  keys: GatewayKeys
  policies: ReadonlyMap<string, LoadedPolicy>
  /** Directory of the default SQLite store (`log.db`); ignored when `store` is given. */
  dataDir?: string
  store?: LogStore
  /**
   * Keep the log and the lane's store in this PostgreSQL database (`--store postgres://…`)
   * instead of SQLite in `dataDir`; see `openPostgresStores`. Excludes `store` and `lane.store`.
   */
  postgresUrl?: string
  /**
   * Where every policy version run is kept by its hash (served at /v1/policies): by default the
   * `policy_archive` table of `dataDir/log.db`, or in memory beside a custom `store`.
   */
  policyArchive?: PolicyArchive
  /**
   * Where receipts are signed and batches written: `worker` (default with the SQLite store) keeps
   * P-256 and fsync off the event loop; `inline` runs them on it (required for a custom store).
   */
  writer?: 'worker' | 'inline'
  /**
   * The sealed evidence vault: each decision's and resolution's full context sealed under the
   * epoch key (a fresh one every `periodMs`, default 15 minutes), split k-of-n to `set`. On the
   * SQLite store it needs the commit worker (the default writer); with `postgresUrl` the records
   * are sealed on the event loop and written with their MTLs ({@link PgVaultCommitter}).
   */
  vault?: {
    set: CustodianSet
    periodMs?: number
    /** The PostgreSQL vault beside a `PgLogStore` given as `store` (set by `postgresUrl`). */
    store?: PgVaultStore
  }
  clock?: () => number
  hooks?: Readonly<Record<string, VerificationHook>>
  /** Probe and retry interval after a store failure, in milliseconds. */
  retryMs?: number
  defaultModel?: MtlModel
  /** Anchoring health, overriding the lane's (tests): unavailable → every decision is -1 LEDGER. */
  anchoring?: () => { available: boolean; reason?: string }
  /**
   * The operator runs without anchoring on purpose (`--no-anchoring`): every MTL's causal graph
   * then says so ({@link ANCHORING_DISABLED_NODE}). Refused together with a lane.
   */
  anchoringDisabled?: boolean
  /**
   * The anchoring lane (sequencer, anchorers): when given, it runs with the gateway, and its
   * health is the `anchoring` option unless that one is given too.
   */
  lane?: GatewayLaneOptions
  /** Non-fatal events (store down and up, hook failures, a stale data directory lock taken over). */
  onEvent?: (event: {
    level: 'info' | 'warn' | 'error'
    message: string
    error?: unknown
    [k: string]: unknown
  }) => void
}

/** What {@link createGateway} needs to run the anchoring lane (see `AnchoringLane`). */
export type GatewayLaneOptions = Omit<
  AnchoringLaneParameters,
  | 'logId'
  | 'logStore'
  | 'store'
  | 'signer'
  | 'clock'
  | 'onEvent'
  | 'hash'
  | 'relayer'
  | 'receiptKeys'
> & {
  relayer: LocalAccount
  /** Fault injection for tests: a throw at the receipt-key handover's crash point. */
  handoverCrashPoint?: (point: HandoverCrashPoint) => void
  /** The lane's store; by default the anchoring tables of `dataDir/log.db`. */
  store?: AnchorStore
  /** Longest hold of a deliberative answer (ms). Default: the maximum epoch interval. */
  holdMs?: number
  /** Leave the lane stopped (tests drive `lane.round()` themselves). */
  manual?: boolean
}

/** The running parts of one gateway log, wired together. */
export type Gateway = {
  service: DecisionService
  memory: AlwaysMemory
  pauses: PauseManager
  lantern: Lantern
  budget: PauseBudget
  policies: ReadonlyMap<string, LoadedPolicy>
  /** Signs with the receipt key that signs the next receipts (it changes at a handover). */
  signer: ReceiptSigner
  /** Which receipt key signed which receipt (proof bundles carry the one of their MTL). */
  receiptKeys: ReceiptKeySchedule
  store: LogStore
  /** Every policy version this log ran, by `policy_hash` (the current ones kept at start). */
  policyArchive: PolicyArchive
  /** The sealed evidence vault (read side), when it is on. */
  vault?: VaultStore
  committer: Committer
  keys: GatewayKeys
  /**
   * Address of the checkpoint key: what the log claims as its checkpoint signer. Derived once
   * here, so that readers of the log's keys never touch the private key.
   */
  checkpointSigner: Address
  /**
   * The checkpoint signer of the key period covering `epoch`, from the key history as it is now
   * (what proof bundles claim for their checkpoint). Public material only.
   */
  checkpointSignerAt(epoch: number): Address
  /** The anchoring lane, when configured. */
  lane?: AnchoringLane
  /** Pauses re-opened from the log at start. */
  restoredPauses: number
  close(): Promise<void>
}

/**
 * Wires a gateway: the data directory's lock (one writer per log), store (SQLite in `dataDir` by
 * default), Always Memory, pseudonymizer, Lantern, pause budget and lifecycle (re-opening pauses
 * left open by a previous run), decision service. With a lane, nothing is appended until every
 * chain's head has been compared with the store (a stale store's receipts would contradict those
 * already given), and deliberative answers and +1 resolutions wait for the chains.
 * The HTTP server and the CLI sit on top of this; tests and the benchmark use it directly.
 *
 * @throws {DataDirLockedError} when another gateway holds the data directory.
 * @throws {RangeError} when `anchoringDisabled` is given with a lane.
 * @example
 * const gateway = await createGateway({ keys, policies: loadPolicies({ paths: ['policies'] }), dataDir: './data' })
 * await gateway.service.decide({ input, caller: 'app' })
 */
export async function createGateway(p: CreateGatewayParameters): Promise<Gateway> {
  if (p.anchoringDisabled && p.lane)
    throw new RangeError('anchoring cannot be both disabled and configured')
  const onEvent = p.onEvent ?? (() => {})
  if (p.postgresUrl !== undefined) return withPostgres(p, p.postgresUrl, onEvent)
  const dataDir = p.dataDir ?? './data'
  // The lock comes first: a second gateway must not even open the store of a running one.
  const usesDataDir = !p.store || (p.lane !== undefined && !p.lane.store)
  const lock = usesDataDir
    ? DataDirLock.acquire({
        dir: dataDir,
        onStale: (holder: LockHolder) =>
          onEvent({
            level: 'warn',
            message: `stale lock of the data directory taken over: pid ${holder.pid} on this host (started ${holder.started}) no longer runs`,
            holder,
          }),
      })
    : undefined
  try {
    return await wire(p, dataDir, onEvent, lock)
  } catch (e) {
    lock?.release()
    throw e
  }
}

// The log and the lane's store in PostgreSQL, on one pool ended after the gateway closed. No
// data directory lock guards the log then: the database's keys and triggers refuse a second
// writer's conflicting appends and checkpoints.
async function withPostgres(
  p: CreateGatewayParameters,
  url: string,
  onEvent: NonNullable<CreateGatewayParameters['onEvent']>,
): Promise<Gateway> {
  if (p.store || p.lane?.store)
    throw new RangeError('postgresUrl cannot be given together with a store')
  const stores = await openPostgresStores({
    url,
    logId: p.keys.logId,
    lane: p.lane !== undefined,
    onError: (error) => onEvent({ level: 'error', message: 'PostgreSQL connection lost', error }),
  })
  try {
    const { postgresUrl: _, ...rest } = p
    const gateway = await createGateway({
      ...rest,
      store: stores.logStore,
      policyArchive: p.policyArchive ?? stores.policyArchive,
      ...(p.vault ? { vault: { ...p.vault, store: stores.vaultStore } } : {}),
      ...(p.lane && stores.anchorStore ? { lane: { ...p.lane, store: stores.anchorStore } } : {}),
    })
    return {
      ...gateway,
      async close() {
        await gateway.close()
        if (stores.anchorStore) await stores.anchorStore.close()
        await stores.close()
      },
    }
  } catch (e) {
    await stores.close()
    throw e
  }
}

async function wire(
  p: CreateGatewayParameters,
  dataDir: string,
  onEvent: NonNullable<CreateGatewayParameters['onEvent']>,
  lock: DataDirLock | undefined,
): Promise<Gateway> {
  const path = join(dataDir, 'log.db')
  const store = p.store ?? SqliteLogStore.open({ path, logId: p.keys.logId })
  // The policies in force are archived durably before anything can write an MTL naming them.
  const policyArchive =
    p.policyArchive ?? (p.store ? new MemoryPolicyArchive() : SqlitePolicyArchive.open({ path }))
  await policyArchive.keep(
    policyArchiveRecords({ policies: p.policies, now: (p.clock ?? Date.now)() }),
  )
  const anchorStore = p.lane ? (p.lane.store ?? SqliteAnchorStore.open({ path })) : undefined
  // The receipt keys as the store handed them over (a restart after a rotation signs with the
  // current key, and proof bundles still name the old key for the old receipts).
  const starts = receiptKeyStarts({
    history: p.keys.checkpointKeys,
    handovers: (await anchorStore?.receiptHandovers()) ?? [],
    periodZeroKey: p.keys.receiptKey,
  })
  const receiptKeys = new ReceiptKeySchedule(starts)
  const signer = currentSigner(receiptKeys)
  const clock = p.clock ?? Date.now
  const writer = p.store ? 'inline' : (p.writer ?? 'worker')
  const pgVault =
    p.vault?.store && store instanceof PgLogStore
      ? { log: store, vault: p.vault.store, set: p.vault.set }
      : undefined
  if (p.vault && writer !== 'worker' && !pgVault)
    throw new RangeError(
      'the sealed evidence vault needs the commit worker on the SQLite store, or the PostgreSQL store',
    )
  const committer: Committer = pgVault
    ? await PgVaultCommitter.start({
        store: pgVault.log,
        vault: pgVault.vault,
        logId: p.keys.logId,
        receiptKeys: starts,
        set: pgVault.set,
        periodMs: p.vault?.periodMs ?? DEFAULT_VAULT_PERIOD_MS,
        clock,
      })
    : writer === 'worker'
      ? await WorkerCommitter.start({
          path,
          logId: p.keys.logId,
          receiptKeys: starts,
          // The store above has just checked the file: one scan at start-up, not two.
          integrityChecked: true,
          ...(p.vault
            ? { vault: { set: p.vault.set, periodMs: p.vault.periodMs ?? DEFAULT_VAULT_PERIOD_MS } }
            : {}),
        })
      : new InlineCommitter({ store, signer: new ReceiptKeySchedule(starts) })
  const memory = await AlwaysMemory.open({
    store,
    logId: p.keys.logId,
    committer,
    // Small batches, several in flight: the worker seals one while the event loop answers
    // another (one large batch each would make them take turns). Measured in bench/gateway.ts.
    ...(writer === 'worker' ? { maxInFlight: 4, maxBatch: 32 } : { maxInFlight: 1 }),
    ...(p.anchoringDisabled ? { causalNotes: [ANCHORING_DISABLED_NODE] } : {}),
    clock,
    retryMs: p.retryMs ?? 250,
    onStatus: (s) =>
      s.available
        ? onEvent({ level: 'info', message: 'log store available again' })
        : onEvent({
            level: 'error',
            message: 'log store unavailable: answering -1 until it recovers',
            reason: s.reason,
          }),
  })
  const checkpointAccount = privateKeyToAccount(p.keys.checkpointKey)
  const lane = p.lane
    ? new AnchoringLane({
        ...p.lane,
        logId: p.keys.logId,
        logStore: store,
        store: anchorStore as AnchorStore,
        receiptKeys: new ReceiptKeyHandover({
          history: p.keys.checkpointKeys,
          store: anchorStore as AnchorStore,
          memory,
          committer,
          schedule: receiptKeys,
          ...(p.lane.handoverCrashPoint ? { crashPoint: p.lane.handoverCrashPoint } : {}),
        }),
        // The key history, re-read before each signature: a rotation written by `tml keys
        // rotate` is followed from its first epoch on.
        signer: p.keys.checkpointKeys,
        hash: nodeSha256,
        clock,
        onEvent,
      })
    : undefined
  if (lane) {
    // Nothing is appended (no receipt given, no pause timed out) until every chain's head agrees
    // with this store; a contradiction holds the log for good (see ChainHeadGuard).
    memory.hold("comparing the chains' heads with this log's store")
    const follow = (v: HeadVerdict) =>
      v.state === 'clear' ? memory.release() : memory.hold(v.reason)
    lane.guard.onChange(follow)
    follow(await lane.guard.check())
  }
  const lantern = new Lantern()
  const pauses = new PauseManager({
    memory,
    ...(p.vault ? { vault: true } : {}),
    lantern,
    policies: p.policies,
    signer,
    clock,
    retryMs: p.retryMs ?? 250,
    ...(p.hooks ? { hooks: p.hooks } : {}),
    ...(lane ? { anchorHold: lane } : {}),
    onWarning: (message, error) => onEvent({ level: 'warn', message, error }),
  })
  const budget = new PauseBudget()
  const anchoring = p.anchoring ?? (lane ? () => lane.status() : undefined)
  const service = new DecisionService({
    policies: p.policies,
    memory,
    ...(p.vault ? { vault: true } : {}),
    pseudonymizer: new Pseudonymizer({ indexKey: p.keys.subjectIndexKey, store }),
    pauses,
    budget,
    clock,
    ...(p.defaultModel ? { defaultModel: p.defaultModel } : {}),
    // Callers' pseudonyms in MTLs: keyed, domain-separated from the subjects' lookups.
    callerKey: p.keys.subjectIndexKey,
    ...(anchoring ? { anchoring } : {}),
    ...(lane
      ? { anchorHold: { hold: lane, limitMs: p.lane?.holdMs ?? lane.maxEpochIntervalMs } }
      : {}),
  })
  const restoredPauses = await pauses.restore()
  if (lane && !p.lane?.manual) lane.start()
  // The vault's read side, on a connection of its own (the commit worker writes it).
  const vault = p.vault ? (pgVault?.vault ?? SqliteVaultStore.open({ path })) : undefined
  return {
    service,
    memory,
    pauses,
    lantern,
    budget,
    policies: p.policies,
    signer,
    receiptKeys,
    store,
    policyArchive,
    ...(vault ? { vault } : {}),
    committer,
    keys: p.keys,
    checkpointSigner: checkpointAccount.address,
    checkpointSignerAt: (epoch) => p.keys.checkpointKeys.addressAt(epoch),
    ...(lane ? { lane } : {}),
    restoredPauses,
    async close() {
      await lane?.stop()
      if (lane && !p.lane?.store) await lane.store.close()
      pauses.close()
      memory.close()
      await committer.close()
      await store.close()
      if (!p.policyArchive) await policyArchive.close()
      await vault?.close()
      lock?.release()
    },
  }
}

// The receipt signer of the next receipts, whichever key that is after handovers: what pauses'
// verification statements are signed with and what the log claims as its receipt key.
function currentSigner(keys: ReceiptKeySchedule): ReceiptSigner {
  return {
    get publicKey() {
      return keys.current.publicKey
    },
    get keyCommitment() {
      return keys.current.keyCommitment
    },
    sign: (receipt) => keys.current.sign(receipt),
    signBytes: (message) => keys.current.signBytes(message),
  }
}
