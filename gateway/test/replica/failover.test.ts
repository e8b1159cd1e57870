// Three `tml gateway start --store postgres://…` replicas of one log on a real PostgreSQL
// cluster and both local chains, under concurrent decisions sent round-robin to all three; the
// leader is killed with SIGKILL ten times and restarted as a follower each time.
//
// On the code before replicas, the same three processes each sequenced the log on their own:
// two of them failed every append as soon as another one had written (`TML_OTHER_WRITER`, then
// -1 answers while their memory probed), and no `leader` row named anyone: the checks below that
// a leader is elected and that every replica acknowledges decisions failed.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import {
  childGatewayConfig,
  eventually,
  useChains,
  writeDeployments,
} from '../e2e/anchoredGateway.ts'
import {
  createDatabase,
  type PostgresCluster,
  startPostgresCluster,
} from '../helpers/postgresCluster.ts'
import { doubleSignedEpochs, lostAcked, ReplicaSet, startDecisionLoad } from './replicaSet.ts'

const KILLS = 10

describe('gateway replicas on one PostgreSQL log', () => {
  let cluster: PostgresCluster
  let set: ReplicaSet | undefined
  let url: string
  let args: string[]
  let env: Record<string, string>
  before(async () => {
    cluster = await startPostgresCluster()
    url = await createDatabase(cluster.url, 'replica_failover')
  })
  const fixture = useChains({
    started: async () => {
      ;({ args, env } = childGatewayConfig(fixture(), writeDeployments(fixture()), [
        '--store',
        url,
      ]))
    },
    stopping: async () => {
      await set?.stop()
    },
  })
  after(async () => {
    await cluster?.stop()
  })
  const replicaSet = async () => {
    set ??= await ReplicaSet.start({ url, args, env, count: 3 })
    return set
  }

  test('behavior: the leader killed with SIGKILL ten times under load: every acknowledged decision is in the log, no epoch is signed twice, every replica answers, anchoring resumes', async (t) => {
    const replicas = await replicaSet()
    let leader = await replicas.readyLeader(0)
    const load = startDecisionLoad({ targets: () => replicas.replicas, concurrency: 6 })
    const terms = [leader.term]
    let lastKillMs = 0
    try {
      for (let kill = 0; kill < KILLS; kill++) {
        // Progress under this leader, through every replica, before it dies.
        const before = load.acked.size
        await eventually(
          () => (load.acked.size >= before + 15 ? true : undefined),
          60_000,
          `decisions under term ${leader.term}`,
        )
        lastKillMs = Date.now()
        const replacing = replicas.killAndReplace(leader.replica)
        leader = await replicas.readyLeader(leader.term)
        await replacing
        terms.push(leader.term)
        const at = (msg: string) => {
          const line = [...leader.replica.logs].reverse().find((l) => l.includes(`"msg":"${msg}"`))
          return line ? (JSON.parse(line) as { time: number }).time - lastKillMs : undefined
        }
        t.diagnostic(
          `kill ${kill + 1}: term ${leader.term} elected +${at('elected leader: starting the gateway')} ms, gateway ready +${at('leader ready')} ms, seen ready +${Date.now() - lastKillMs} ms; acknowledged ${load.acked.size}, failures ${JSON.stringify([...load.failures])}`,
        )
      }
      const before = load.acked.size
      await eventually(
        () => (load.acked.size >= before + 15 ? true : undefined),
        60_000,
        'decisions after the last kill',
      )
    } finally {
      await load.stop()
    }

    // Terms only grew, one per takeover.
    assert.equal(terms.length, KILLS + 1)
    for (let i = 1; i < terms.length; i++)
      assert.ok((terms[i] as number) > (terms[i - 1] as number))

    // Every acknowledged decision is in the log, at the seq its receipt names.
    assert.ok(load.acked.size >= 15 * (KILLS + 1), `acknowledged: ${load.acked.size}`)
    assert.deepEqual(await lostAcked(replicas.db, load.acked), [])
    // The log has no gap (the database refuses one; this checks nothing was lost around it).
    const { rows } = await replicas.db.query<{ n: string; max: string }>(
      'SELECT count(*) AS n, max(seq) AS max FROM entries',
    )
    assert.equal(Number(rows[0]?.n), Number(rows[0]?.max) + 1)

    // Every replica answered decisions (followers through the leader): the replicas alive now
    // each acknowledged some since they started.
    for (const r of replicas.replicas.filter((r) => r !== leader.replica))
      assert.ok((load.ackedBy.get(r.port) ?? 0) > 0, `follower ${r.port} acknowledged decisions`)

    // Anchoring resumes: a checkpoint signed after the last kill is confirmed on both chains.
    const anchored = await eventually(
      async () => {
        const { rows } = await replicas.db.query<{ epoch: string }>(
          `SELECT c.epoch FROM checkpoints c WHERE c.created_ms > $1
           AND (SELECT count(*) FROM anchors a WHERE a.epoch = c.epoch AND a.status = 'confirmed') = 2
           ORDER BY c.epoch DESC LIMIT 1`,
          [lastKillMs],
        )
        return rows[0] ? Number(rows[0].epoch) : undefined
      },
      60_000,
      'a checkpoint after the last kill anchored on both chains',
    )
    assert.ok(anchored >= 1)

    // No epoch has two checkpoints: not in the database, not on either chain.
    const chains = fixture().chains
    const double = await doubleSignedEpochs({ db: replicas.db, logId: fixture().logId, chains })
    assert.deepEqual(double.epochs, [])
    assert.ok(double.compared >= 2, `anchors compared with the chains: ${double.compared}`)
  })

  test('errors: a leader whose lock connection is cut exits with code 3 (fail-stop), and a follower takes over', async () => {
    const replicas = await replicaSet()
    const leader = await replicas.readyLeader(0)
    const exited = new Promise<number | null>((resolve) =>
      leader.replica.child.once('exit', (code) => resolve(code)),
    )
    await replicas.db.query(
      'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name LIKE $1',
      [`tml-replica ${leader.replica.child.pid}-%`],
    )
    assert.equal(await exited, 3)
    const next = await replicas.readyLeader(leader.term)
    assert.notEqual(next.replica, leader.replica)
    await replicas.killAndReplace(leader.replica)
  })

  test('behavior: a leader stopped with SIGTERM exits 0 and hands over to a follower', async () => {
    const replicas = await replicaSet()
    const leader = await replicas.readyLeader(0)
    const exited = new Promise<number | null>((resolve) =>
      leader.replica.child.once('exit', (code) => resolve(code)),
    )
    leader.replica.child.kill('SIGTERM')
    assert.equal(await exited, 0)
    await replicas.readyLeader(leader.term)
  })
})
