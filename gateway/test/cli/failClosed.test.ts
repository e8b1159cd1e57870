import assert from 'node:assert/strict'
import { existsSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import { type MtlDecision, validateMtl } from '@tml/core'
import type { CliIo } from '../../src/cli/io.ts'
import { main } from '../../src/cli/main.ts'
import { killHard, startChildGateway } from '../helpers/child.ts'
import { API_TOKEN, auth, SMALLEST } from '../helpers/gateway.ts'
import { tempDir } from '../helpers/memory.ts'

const LOG_ID = `0x${'c1'.repeat(32)}`
// Production loads every key and creates none: all of them come from the environment here.
const env = {
  TML_RECEIPT_KEY: `0x${'01'.repeat(32)}`,
  TML_CHECKPOINT_KEY: `0x${'02'.repeat(32)}`,
  TML_SUBJECT_INDEX_KEY: `0x${'03'.repeat(32)}`,
  TML_LOG_ID: LOG_ID,
  TML_API_KEYS: `tester:${API_TOKEN}`,
}

function capture(): CliIo & { stderr: () => string } {
  let err = ''
  return {
    out: () => {},
    err: (t) => {
      err += t
    },
    env,
    stderr: () => err,
  }
}

describe('tml gateway start: fail closed without anchoring', () => {
  test('errors: --production without any --chain refuses to start, says how to anchor or to opt out, writes nothing', async () => {
    const dir = tempDir()
    const io = capture()
    const code = await main({
      argv: ['gateway', 'start', '--production', '--data', dir, '--port', '0'],
      io,
    })
    assert.equal(code, 1)
    assert.match(io.stderr(), /--production needs at least one --chain NETWORK=RPC_URL/)
    assert.match(io.stderr(), /pass --no-anchoring \(recorded in every MTL\)/)
    assert.equal(existsSync(join(dir, 'log.db')), false)
  })

  test('errors: --no-anchoring with a --chain is a contradiction (exit 2)', async () => {
    const deployments = tempDir()
    writeFileSync(
      join(deployments, 'ethereumLocal.json'),
      JSON.stringify({
        chainId: 31337,
        contracts: { CheckpointRegistry: { address: `0x${'99'.repeat(20)}` } },
      }),
    )
    const io = capture()
    const code = await main({
      argv: [
        'gateway',
        'start',
        '--no-anchoring',
        '--deployments',
        deployments,
        '--chain',
        'ethereumLocal=http://127.0.0.1:1',
      ],
      io: { ...io, env: { ...env, TML_RELAYER_KEY: `0x${'04'.repeat(32)}` } },
    })
    assert.equal(code, 2)
    assert.match(io.stderr(), /--no-anchoring contradicts the --chain options given/)
  })

  test('behavior: --production --no-anchoring runs, and every MTL (decision, refusal, pause, erasure) records anchoring_disabled', {
    timeout: 60_000,
  }, async () => {
    const g = await startChildGateway({
      dataDir: tempDir(),
      env,
      args: ['--production', '--no-anchoring'],
    })
    try {
      const post = async (path: string, body: unknown) => {
        const res = await fetch(new URL(path, g.url), {
          method: 'POST',
          headers: { ...auth, 'content-type': 'application/json' },
          body: JSON.stringify(body),
        })
        assert.equal(res.status, 200, await res.clone().text())
        return res.json() as Promise<{ state: number; trace_id: string }>
      }
      const proceed = await post('/v1/decisions', { ...SMALLEST, subject: 'ada' })
      assert.equal(proceed.state, 1)
      const refuse = { ...SMALLEST, signals: { confidence: 0.99, harm: 0.95 } }
      const refused = await post('/v1/decisions', refuse)
      assert.equal(refused.state, -1)
      const pause = { ...SMALLEST, signals: { confidence: 0.5, harm: 0.01 } }
      const paused = await post('/v1/decisions', pause)
      assert.equal(paused.state, 0)
      const erased = await post('/v1/subjects/ada/erasure', {})
      const kinds: string[] = []
      for (const { trace_id } of [proceed, refused, paused, erased]) {
        const res = await fetch(new URL(`/v1/traces/${trace_id}`, g.url), { headers: auth })
        const { mtl } = (await res.json()) as { mtl: MtlDecision }
        kinds.push(mtl.kind)
        assert.deepEqual(mtl.causal_graph.at(-1), {
          id: 'anchoring:disabled',
          kind: 'anchoring_disabled',
          inputs: [],
        })
        assert.equal(validateMtl(mtl).valid, true)
      }
      assert.deepEqual(kinds, ['decision', 'decision', 'decision', 'erasure'])
      assert.ok(
        g.logs.some((l) => l.includes('anchoring disabled by --no-anchoring')),
        'the log says so at start',
      )
    } finally {
      await killHard(g)
    }
  })
})
