import assert from 'node:assert/strict'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { type ProofBundle, verifyBundle } from '@tml/core'
import pg from 'pg'
import { createReadCheckpoint } from '../../src/proofs/createReadCheckpoint.ts'
import { type ChildGateway, killHard, startChildGateway } from '../helpers/child.ts'
import { auth, SMALLEST } from '../helpers/gateway.ts'
import { tempDir } from '../helpers/memory.ts'
import {
  createDatabase,
  type PostgresCluster,
  startPostgresCluster,
} from '../helpers/postgresCluster.ts'
import { childGatewayConfig, eventually, useChains, writeDeployments } from './anchoredGateway.ts'

describe('tml gateway start --store postgres://… on the local chains', () => {
  let cluster: PostgresCluster
  let url: string
  let live: ChildGateway | undefined
  let args: string[]
  let env: Record<string, string>
  before(async () => {
    cluster = await startPostgresCluster()
    url = await createDatabase(cluster.url, 'gateway_e2e')
  })
  const fixture = useChains({
    started: async () => {
      const deployments = writeDeployments(fixture())
      ;({ args, env } = childGatewayConfig(fixture(), deployments, ['--store', url]))
    },
    stopping: async () => {
      if (live) await killHard(live)
    },
  })
  after(async () => {
    await cluster?.stop()
  })

  async function decide(g: ChildGateway): Promise<{ trace_id: string; seq: number }> {
    const res = await fetch(new URL('/v1/decisions', g.url), {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ ...SMALLEST, profile: 'finance' }),
    })
    assert.equal(res.status, 200, await res.clone().text())
    return (await res.json()) as { trace_id: string; seq: number }
  }

  async function verifiedBundle(g: ChildGateway, traceId: string): Promise<ProofBundle> {
    const bundle = await eventually(
      async () => {
        const res = await fetch(new URL(`/v1/traces/${traceId}/proof`, g.url), { headers: auth })
        if (res.status !== 200) return undefined
        const b = (await res.json()) as ProofBundle
        return b.anchors.length === 2 ? b : undefined
      },
      60_000,
      `anchored bundle of ${traceId}`,
    )
    const readCheckpoint = createReadCheckpoint({
      rpc: new Map(fixture().chains.map((c) => [c.chainId, c.nodeUrl])),
    })
    const verdict = await verifyBundle(bundle, { readCheckpoint })
    assert.equal(verdict.valid, true, JSON.stringify(verdict.steps.filter((s) => !s.ok)))
    return bundle
  }

  test('behavior: decisions are logged in PostgreSQL and anchored; their bundles verify; a gateway killed with SIGKILL and started on another machine (an empty data directory) continues the same log', async () => {
    const first = await startChildGateway({ dataDir: tempDir(), env, args })
    live = first
    const answers = await Promise.all(Array.from({ length: 8 }, () => decide(first)))
    assert.deepEqual(
      answers.map((a) => a.seq).sort((a, b) => a - b),
      [0, 1, 2, 3, 4, 5, 6, 7],
    )
    for (const a of answers)
      assert.equal((await verifiedBundle(first, a.trace_id)).leafIndex, a.seq)
    await killHard(first)
    live = undefined

    // Nothing of the log is on the first machine's disk: a new data directory serves it all.
    const dataDir = tempDir()
    const second = await startChildGateway({ dataDir, env, args })
    live = second
    assert.equal(existsSync(join(dataDir, 'log.db')), false)
    const later = await decide(second)
    assert.equal(later.seq, 8)
    await verifiedBundle(second, later.trace_id)
    await verifiedBundle(second, (answers[0] as { trace_id: string }).trace_id)

    const client = new pg.Client({ connectionString: url })
    await client.connect()
    try {
      const { rows } = await client.query('SELECT count(*)::int AS n FROM entries')
      assert.equal(rows[0].n, 9)
      const cps = await client.query('SELECT count(*)::int AS n FROM checkpoints')
      assert.ok(cps.rows[0].n >= 1)
    } finally {
      await client.end()
    }
    await killHard(second)
    live = undefined
  })
})
