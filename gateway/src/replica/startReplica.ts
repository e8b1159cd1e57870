import type { FastifyBaseLogger } from 'fastify'
import type { MigrationError } from '../db/MigrationError.ts'
import { createPgPool } from '../db/postgres/createPgPool.ts'
import { preparePostgresSchema } from '../db/postgres/postgresSchema.ts'
import { redactUrl } from '../db/postgres/redactUrl.ts'
import { type BuildServerParameters, buildServer } from '../http/buildServer.ts'
import {
  type CreateGatewayParameters,
  createGateway,
  type Gateway,
} from '../service/createGateway.ts'
import { openPostgresStores } from '../service/openPostgresStores.ts'
import { startTileWriter } from '../tiles/startTileWriter.ts'
import type { LeaderFence } from './LeaderFence.ts'
import type { LeaderApp } from './ReplicaNode.ts'
import { ReplicaNode } from './ReplicaNode.ts'
import { warmUp } from './warmUp.ts'

/** Exit code of a replica that led and was deposed (fail-stop; a supervisor restarts it). */
export const DEPOSED_EXIT_CODE = 3

/** Parameters of {@link startReplica}. */
export type StartReplicaParameters = {
  /** The log's PostgreSQL database. */
  postgresUrl: string
  host: string
  port: number
  /** The URL the other replicas reach this one at (`--advertise-url`). */
  advertiseUrl?: string | undefined
  /** The gateway this replica runs while it leads (its stores are opened here, fenced). */
  gateway: Omit<CreateGatewayParameters, 'store' | 'postgresUrl' | 'policyArchive'>
  /** Its HTTP API. */
  server: Omit<BuildServerParameters, 'gateway' | 'logger'> & { bodyLimit: number }
  /**
   * Work that runs beside the gateway while this replica leads (the access-event watch, say),
   * stopped before the gateway closes.
   */
  alongside?: ((gateway: Gateway) => { stop(): Promise<void> } | undefined) | undefined
  /** The C2SP checkpoint origin (`--tiles-origin`). */
  tilesOrigin?: string | undefined
  log: FastifyBaseLogger
  /** Ends the replica as SIGINT/SIGTERM do. */
  signal?: AbortSignal | undefined
}

/**
 * `tml gateway start --store postgres://…`: runs this process as one replica of the log (see
 * {@link ReplicaNode}). A new, empty database is migrated first; one with pending migrations is
 * refused ({@link MigrationError}: `tml db migrate --store URL`). It listens at once and follows; when it wins leadership it opens the
 * PostgreSQL stores under its term (every write fenced by the database), starts the gateway
 * (Always Memory from the log's size, pending pauses restored from the log, the anchoring lane
 * from the anchoring tables) and serves it. Resolves with the exit code: 0 after SIGINT/SIGTERM,
 * {@link DEPOSED_EXIT_CODE} when it was deposed (the process must end then, so an unref'd timer
 * ends it should anything keep it alive).
 *
 * @example
 * process.exitCode = await startReplica({ postgresUrl, host, port, gateway, server, log })
 */
export async function startReplica(p: StartReplicaParameters): Promise<number> {
  const { log } = p
  // The election needs the `leader` table: a new database is migrated, an outdated one refused.
  const pool = createPgPool({ url: p.postgresUrl, max: 1 })
  try {
    await preparePostgresSchema(pool, { where: redactUrl(p.postgresUrl) })
  } finally {
    await pool.end()
  }
  const onEvent = p.gateway.onEvent ?? (() => {})
  const lead = async (fence: LeaderFence): Promise<LeaderApp> => {
    const stores = await openPostgresStores({
      url: p.postgresUrl,
      logId: p.gateway.keys.logId,
      lane: p.gateway.lane !== undefined,
      fence,
      onError: (error) => onEvent({ level: 'error', message: 'PostgreSQL connection lost', error }),
    })
    try {
      const gateway = await createGateway({
        ...p.gateway,
        store: stores.logStore,
        // The policy archive and the vault live in the same database (openPostgresStores).
        policyArchive: stores.policyArchive,
        ...(p.gateway.vault ? { vault: { ...p.gateway.vault, store: stores.vaultStore } } : {}),
        ...(p.gateway.lane && stores.anchorStore
          ? { lane: { ...p.gateway.lane, store: stores.anchorStore } }
          : {}),
      })
      const dataDir = p.gateway.dataDir ?? './data'
      const tiles = startTileWriter({ gateway, dataDir, origin: p.tilesOrigin, onEvent })
      const beside = p.alongside?.(gateway)
      const app = await buildServer({ gateway, ...p.server, logger: log })
      await app.ready()
      log.info(
        {
          term: fence.term,
          log_size: gateway.memory.size,
          restored_pauses: gateway.restoredPauses,
        },
        'leader ready',
      )
      return {
        handle: (req, res) => app.routing(req, res),
        async close() {
          await app.close()
          await tiles?.stop()
          await beside?.stop()
          await gateway.close()
          await stores.anchorStore?.close()
          await stores.close()
        },
      } satisfies LeaderApp
    } catch (e) {
      await stores.close()
      throw e
    }
  }
  if (!p.advertiseUrl && (p.host === '0.0.0.0' || p.host === '::'))
    log.warn(
      'listening on every interface without --advertise-url: other replicas are told 127.0.0.1, which reaches this one only from its own machine',
    )
  const node = await ReplicaNode.start({
    url: p.postgresUrl,
    logId: p.gateway.keys.logId,
    host: p.host,
    port: p.port,
    ...(p.advertiseUrl ? { advertiseUrl: p.advertiseUrl } : {}),
    lead,
    bodyLimit: p.server.bodyLimit,
    onEvent: ({ level, message, ...rest }) => log[level](rest, message),
  })
  // Compile the HTTP server and run the decision path once now, not during a takeover.
  if (node.role === 'follower')
    warmUp({ gateway: p.gateway, server: p.server }).catch((error: unknown) =>
      log.warn({ error }, 'warm-up failed (the takeover will only be slower)'),
    )
  log.info(
    {
      url: node.url,
      advertise_url: node.advertiseUrl,
      replica: node.name,
      log_id: p.gateway.keys.logId,
      role: 'follower until elected',
    },
    'listening',
  )
  const outcome = await Promise.race([
    node.deposed,
    new Promise<'stop'>((resolve) => {
      const stop = () => resolve('stop')
      process.once('SIGINT', stop)
      process.once('SIGTERM', stop)
      p.signal?.addEventListener('abort', stop, { once: true })
    }),
  ])
  if (outcome === 'stop') {
    log.info('shutting down')
    await node.close()
    return 0
  }
  log.fatal({ reason: outcome.message }, 'no longer the leader: exiting (fail-stop)')
  setTimeout(() => process.exit(DEPOSED_EXIT_CODE), 3_000).unref()
  await Promise.race([node.close().catch(() => {}), new Promise((r) => setTimeout(r, 2_000))])
  return DEPOSED_EXIT_CODE
}
