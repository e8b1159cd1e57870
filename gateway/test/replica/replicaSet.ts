// Gateway replicas of one PostgreSQL log as real `tml gateway start` child processes, a
// round-robin decision load over them, and the checks of the log and the chains that the
// failover test and `bench/ha.ts` make.

import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { checkpointStructHash, type Hex } from '@tml/core'
import pg from 'pg'
import { toCheckpoint } from '../../src/anchoring/AnchorStore.ts'
import { createReadCheckpoint } from '../../src/proofs/createReadCheckpoint.ts'
import { type ChildGateway, killHard } from '../helpers/child.ts'
import { auth, SMALLEST } from '../helpers/gateway.ts'
import { tempDir } from '../helpers/memory.ts'

/** The `leader` row. */
export type LeaderRow = { term: number; url: string | null }

/** Replicas of one log: started, found by the leader row, killed and restarted. */
export class ReplicaSet {
  readonly replicas: ChildGateway[] = []
  readonly #args: string[]
  readonly #env: Record<string, string>
  readonly #db: pg.Client

  private constructor(db: pg.Client, args: string[], env: Record<string, string>) {
    this.#db = db
    this.#args = args
    this.#env = env
  }

  /** Starts `count` replicas (`args` must hold `--store URL`) on database `url`. */
  static async start({
    url,
    args,
    env,
    count,
  }: {
    url: string
    args: string[]
    env: Record<string, string>
    count: number
  }): Promise<ReplicaSet> {
    const db = new pg.Client({ connectionString: url })
    await db.connect()
    const set = new ReplicaSet(db, args, env)
    for (let i = 0; i < count; i++) set.replicas.push(await set.#spawn())
    return set
  }

  /** The database connection of the checks. */
  get db(): pg.Client {
    return this.#db
  }

  #spawn(): Promise<ChildGateway> {
    return startReplica({ dataDir: tempDir(), env: this.#env, args: this.#args })
  }

  /** The leader row, or undefined before the first election. */
  async leaderRow(): Promise<LeaderRow | undefined> {
    const { rows } = await this.#db
      .query<{ term: string; url: string | null }>('SELECT term, url FROM leader WHERE id = 1')
      .catch(() => ({ rows: [] as { term: string; url: string | null }[] }))
    const row = rows[0]
    return row ? { term: Number(row.term), url: row.url } : undefined
  }

  /** The replica the leader row names. */
  replicaAt(url: string | null): ChildGateway | undefined {
    if (url === null) return undefined
    const port = Number(new URL(url).port)
    return this.replicas.find((r) => r.port === port)
  }

  /**
   * Waits until a leader of a term above `afterTerm` answers ready, and resolves with it.
   */
  async readyLeader(
    afterTerm: number,
    timeoutMs = 60_000,
  ): Promise<LeaderRow & { replica: ChildGateway }> {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const row = await this.leaderRow()
      const replica = row && row.term > afterTerm ? this.replicaAt(row.url) : undefined
      if (row && replica) {
        const ready = await fetch(new URL('/readyz', replica.url), {
          signal: AbortSignal.timeout(2_000),
        }).catch(() => undefined)
        if (ready?.status === 200 && !ready.headers.get('x-tml-not-leader'))
          return { ...row, replica }
      }
      if (Date.now() > deadline) throw new Error(`no ready leader after term ${afterTerm}`)
      await new Promise((r) => setTimeout(r, 50))
    }
  }

  /**
   * SIGKILLs `victim` (out of {@link replicas} at once: callers stop sending to it) and starts a
   * new replica, a follower, in its place.
   */
  async killAndReplace(victim: ChildGateway): Promise<ChildGateway> {
    const at = this.replicas.indexOf(victim)
    if (at >= 0) this.replicas.splice(at, 1)
    await killHard(victim)
    const fresh = await this.#spawn()
    this.replicas.push(fresh)
    return fresh
  }

  /** Kills every replica and closes the database connection. */
  async stop(): Promise<void> {
    await Promise.all(this.replicas.map((r) => killHard(r)))
    await this.#db.end().catch(() => {})
  }
}

const TML = fileURLToPath(new URL('../../bin/tml.mjs', import.meta.url))

/**
 * Starts `tml gateway start` (a replica: `args` hold `--store URL`) on a free port and resolves
 * once it listens. As `startChildGateway`, with a start-up allowance for a loaded machine.
 */
export function startReplica({
  dataDir,
  env,
  args,
  timeoutMs = 90_000,
}: {
  dataDir: string
  env: Record<string, string>
  args: string[]
  timeoutMs?: number
}): Promise<ChildGateway> {
  const child = spawn(
    process.execPath,
    [TML, 'gateway', 'start', '--data', dataDir, '--port', '0', '--log-level', 'info', ...args],
    { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
  )
  const logs: string[] = []
  return new Promise((resolve, reject) => {
    let buffer = ''
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`replica did not start:\n${logs.join('\n')}`))
    }, timeoutMs)
    child.stderr?.on('data', (c: Buffer) => logs.push(c.toString()))
    child.stdout?.on('data', (c: Buffer) => {
      buffer += c.toString()
      for (let i = buffer.indexOf('\n'); i >= 0; i = buffer.indexOf('\n')) {
        const line = buffer.slice(0, i)
        buffer = buffer.slice(i + 1)
        logs.push(line)
        if (logs.length > 400) logs.splice(0, 200)
        if (!line.includes('"listening"')) continue
        const entry = JSON.parse(line) as { url?: string }
        if (entry.url) {
          clearTimeout(timer)
          const url = new URL(entry.url)
          resolve({ child, url, port: Number(url.port), logs })
        }
      }
    })
    child.on('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`replica exited with ${code}:\n${logs.join('\n')}`))
    })
  })
}

/** Decisions sent round-robin to a changing set of replicas, by `concurrency` callers. */
export type DecisionLoad = {
  /** Acknowledged (2xx) decisions: trace id → seq. */
  readonly acked: Map<string, number>
  /** Acknowledged decisions per replica port (who answered the caller). */
  readonly ackedBy: Map<number, number>
  /** Answers that were not 2xx, by status ("error" when the request itself failed). */
  readonly failures: Map<string, number>
  stop(): Promise<void>
}

/** Starts the load; `targets` is read before each request. */
export function startDecisionLoad({
  targets,
  concurrency,
  profile = 'finance',
}: {
  targets: () => readonly ChildGateway[]
  concurrency: number
  profile?: string
}): DecisionLoad {
  const acked = new Map<string, number>()
  const ackedBy = new Map<number, number>()
  const failures = new Map<string, number>()
  let running = true
  let next = 0
  const count = (map: Map<string | number, number>, key: string | number) =>
    map.set(key, (map.get(key) ?? 0) + 1)
  const caller = async () => {
    while (running) {
      const list = targets()
      const target = list[next++ % list.length] as ChildGateway
      try {
        const res = await fetch(new URL('/v1/decisions', target.url), {
          method: 'POST',
          headers: { ...auth, 'content-type': 'application/json' },
          body: JSON.stringify({ ...SMALLEST, profile }),
          signal: AbortSignal.timeout(30_000),
        })
        const text = await res.text()
        if (res.status >= 200 && res.status < 300) {
          const answer = JSON.parse(text) as { trace_id: string; seq: number }
          acked.set(answer.trace_id, answer.seq)
          count(ackedBy as Map<string | number, number>, target.port)
        } else {
          const code = (() => {
            try {
              return (JSON.parse(text) as { code?: string }).code ?? ''
            } catch {
              return ''
            }
          })()
          count(failures as Map<string | number, number>, `${res.status} ${code}`.trim())
          await new Promise((r) => setTimeout(r, 20))
        }
      } catch {
        count(failures as Map<string | number, number>, 'error')
        await new Promise((r) => setTimeout(r, 20))
      }
    }
  }
  const callers = Array.from({ length: concurrency }, () => caller())
  return {
    acked,
    ackedBy,
    failures,
    async stop() {
      running = false
      await Promise.all(callers)
    },
  }
}

/** Acknowledged decisions missing from the log (or logged at another seq). */
export async function lostAcked(
  db: pg.Client,
  acked: ReadonlyMap<string, number>,
): Promise<string[]> {
  const { rows } = await db.query<{ trace_id: string; seq: string }>(
    'SELECT trace_id, seq FROM entries WHERE trace_id = ANY($1::text[])',
    [[...acked.keys()]],
  )
  const logged = new Map(rows.map((r) => [r.trace_id, Number(r.seq)]))
  return [...acked].filter(([trace, seq]) => logged.get(trace) !== seq).map(([trace]) => trace)
}

/**
 * Epochs signed twice: two checkpoint rows for one epoch (the primary key forbids it), or a
 * chain holding for an epoch a checkpoint other than the database's. Returns them, with the
 * number of (epoch, chain) anchors compared.
 */
export async function doubleSignedEpochs({
  db,
  logId,
  chains,
}: {
  db: pg.Client
  logId: Hex
  chains: readonly { chainId: number; nodeUrl: string; registry: Hex }[]
}): Promise<{ epochs: number[]; compared: number }> {
  const dup = await db.query<{ epoch: string }>(
    'SELECT epoch FROM checkpoints GROUP BY epoch HAVING count(*) > 1',
  )
  const epochs = new Set(dup.rows.map((r) => Number(r.epoch)))
  const { rows } = await db.query<{
    epoch: string
    tree_size: string
    root_hash: Buffer
    timestamp: string
  }>('SELECT epoch, tree_size, root_hash, timestamp FROM checkpoints ORDER BY epoch')
  const read = createReadCheckpoint({ rpc: new Map(chains.map((c) => [c.chainId, c.nodeUrl])) })
  let compared = 0
  for (const r of rows) {
    const held = checkpointStructHash(
      toCheckpoint(logId, {
        epoch: Number(r.epoch),
        treeSize: Number(r.tree_size),
        rootHash: `0x${r.root_hash.toString('hex')}`,
        timestamp: Number(r.timestamp),
      }),
    )
    for (const c of chains) {
      const onChain = await read(c.chainId, c.registry, logId, BigInt(r.epoch))
      if (onChain === null) continue
      compared++
      if (onChain.checkpointHash !== held) epochs.add(Number(r.epoch))
    }
  }
  return { epochs: [...epochs].sort((a, b) => a - b), compared }
}
