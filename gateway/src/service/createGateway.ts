import { join } from 'node:path'
import type { MtlModel } from '@tml/core'
import { type LocalAccount, privateKeyToAccount } from 'viem/accounts'
import { AnchoringLane, type AnchoringLaneParameters } from '../anchoring/AnchoringLane.ts'
import type { AnchorStore } from '../anchoring/AnchorStore.ts'
import { holdUntilAnchored } from '../anchoring/holdUntilAnchored.ts'
import { SqliteAnchorStore } from '../anchoring/SqliteAnchorStore.ts'
import { createReceiptSigner, type ReceiptSigner } from '../keys/createReceiptSigner.ts'
import type { GatewayKeys } from '../keys/loadKeys.ts'
import { nodeSha256 } from '../keys/nodeSha256.ts'
import { AlwaysMemory } from '../memory/AlwaysMemory.ts'
import type { Committer } from '../memory/Committer.ts'
import { InlineCommitter } from '../memory/InlineCommitter.ts'
import type { LogStore } from '../memory/LogStore.ts'
import { Pseudonymizer } from '../memory/Pseudonymizer.ts'
import { SqliteLogStore } from '../memory/SqliteLogStore.ts'
import { WorkerCommitter } from '../memory/WorkerCommitter.ts'
import { Lantern } from '../pause/Lantern.ts'
import { PauseBudget } from '../pause/PauseBudget.ts'
import { PauseManager, type VerificationHook } from '../pause/PauseManager.ts'
import type { LoadedPolicy } from '../policy/types.ts'
import { DecisionService } from './DecisionService.ts'

/** Parameters of {@link createGateway}. */
export type CreateGatewayParameters = {
  keys: GatewayKeys
  policies: ReadonlyMap<string, LoadedPolicy>
  /** Directory of the default SQLite store (`log.db`); ignored when `store` is given. */
  dataDir?: string
  store?: LogStore
  /**
   * Where receipts are signed and batches written: `worker` (default with the SQLite store) keeps
   * Ed25519 and fsync off the event loop; `inline` runs them on it (required for a custom store).
   */
  writer?: 'worker' | 'inline'
  clock?: () => number
  hooks?: Readonly<Record<string, VerificationHook>>
  /** Probe and retry interval after a store failure, in milliseconds. */
  retryMs?: number
  defaultModel?: MtlModel
  /** Anchoring health, for the anchorers of the next issue: unavailable → every decision is -1 LEDGER. */
  anchoring?: () => { available: boolean; reason?: string }
  /**
   * The anchoring lane (sequencer, anchorers): when given, it runs with the gateway, and its
   * health is the `anchoring` option unless that one is given too.
   */
  lane?: GatewayLaneOptions
  /** Non-fatal events (store down and up, hook failures). */
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
  'logId' | 'logStore' | 'store' | 'signer' | 'clock' | 'onEvent' | 'hash' | 'relayer'
> & {
  relayer: LocalAccount
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
  signer: ReceiptSigner
  store: LogStore
  committer: Committer
  keys: GatewayKeys
  /** The anchoring lane, when configured. */
  lane?: AnchoringLane
  /** Pauses re-opened from the log at start. */
  restoredPauses: number
  close(): Promise<void>
}

/**
 * Wires a gateway: store (SQLite in `dataDir` by default), Always Memory, pseudonymizer, Lantern,
 * pause budget and lifecycle (re-opening pauses left open by a previous run), decision service.
 * The HTTP server and the CLI sit on top of this; tests and the benchmark use it directly.
 *
 * @example
 * const gateway = await createGateway({ keys, policies: loadPolicies({ paths: ['policies'] }), dataDir: './data' })
 * await gateway.service.decide({ input, caller: 'app' })
 */
export async function createGateway(p: CreateGatewayParameters): Promise<Gateway> {
  const onEvent = p.onEvent ?? (() => {})
  const path = join(p.dataDir ?? './data', 'log.db')
  const store = p.store ?? SqliteLogStore.open({ path, logId: p.keys.logId })
  const signer = createReceiptSigner(p.keys.receiptKey)
  const clock = p.clock ?? Date.now
  const writer = p.store ? 'inline' : (p.writer ?? 'worker')
  const committer: Committer =
    writer === 'worker'
      ? await WorkerCommitter.start({
          path,
          logId: p.keys.logId,
          receiptKey: p.keys.receiptKey,
          // The store above has just checked the file: one scan at start-up, not two.
          integrityChecked: true,
        })
      : new InlineCommitter({ store, signer })
  const memory = await AlwaysMemory.open({
    store,
    logId: p.keys.logId,
    committer,
    // Small batches, several in flight: the worker seals one while the event loop answers
    // another (one large batch each would make them take turns). Measured in bench/gateway.ts.
    ...(writer === 'worker' ? { maxInFlight: 4, maxBatch: 32 } : { maxInFlight: 1 }),
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
  const lantern = new Lantern()
  const pauses = new PauseManager({
    memory,
    lantern,
    policies: p.policies,
    signer,
    clock,
    retryMs: p.retryMs ?? 250,
    ...(p.hooks ? { hooks: p.hooks } : {}),
    onWarning: (message, error) => onEvent({ level: 'warn', message, error }),
  })
  const budget = new PauseBudget()
  const lane = p.lane
    ? new AnchoringLane({
        ...p.lane,
        logId: p.keys.logId,
        logStore: store,
        store: p.lane.store ?? SqliteAnchorStore.open({ path }),
        signer: privateKeyToAccount(p.keys.checkpointKey),
        hash: nodeSha256,
        clock,
        onEvent,
      })
    : undefined
  const anchoring = p.anchoring ?? (lane ? () => lane.status() : undefined)
  const service = new DecisionService({
    policies: p.policies,
    memory,
    pseudonymizer: new Pseudonymizer({ indexKey: p.keys.subjectIndexKey, store }),
    pauses,
    budget,
    clock,
    ...(p.defaultModel ? { defaultModel: p.defaultModel } : {}),
    ...(anchoring ? { anchoring } : {}),
  })
  if (lane) {
    holdUntilAnchored({
      service,
      lane,
      policies: p.policies,
      holdMs: p.lane?.holdMs ?? lane.maxEpochIntervalMs,
    })
  }
  const restoredPauses = await pauses.restore()
  if (lane && !p.lane?.manual) lane.start()
  return {
    service,
    memory,
    pauses,
    lantern,
    budget,
    policies: p.policies,
    signer,
    store,
    committer,
    keys: p.keys,
    ...(lane ? { lane } : {}),
    restoredPauses,
    async close() {
      await lane?.stop()
      if (lane && !p.lane?.store) lane.store.close()
      pauses.close()
      memory.close()
      await committer.close()
      await store.close()
    },
  }
}
