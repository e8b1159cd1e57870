import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import type { ProofBundle } from '@tml/core'
import { auditCommand } from '../../src/cli/auditCommand.ts'
import { type ChildGateway, killHard, startChildGateway } from '../helpers/child.ts'
import { API_TOKEN, auth, SMALLEST } from '../helpers/gateway.ts'
import { tempDir } from '../helpers/memory.ts'
import { childGatewayConfig, eventually, useChains, writeDeployments } from './anchoredGateway.ts'

describe('kill -9 of a running gateway with its anchoring lane', () => {
  const dataDir = tempDir()
  const deployments = tempDir()
  let args: string[]
  let env: Record<string, string>
  let live: ChildGateway | undefined
  const fixture = useChains({
    started: async () => {
      writeDeployments(fixture(), deployments)
      ;({ args, env } = childGatewayConfig(fixture(), deployments))
    },
    stopping: async () => {
      if (live) await killHard(live)
    },
  })

  test('behavior: every restart completes sequencing and anchoring; the audit finds nothing wrong', async () => {
    const answered: { trace_id: string; seq: number }[] = []
    for (let round = 0; round < 4; round++) {
      const g = await startChildGateway({ dataDir, env, args })
      live = g
      const until = Date.now() + 300 + Math.random() * 600
      const load = async () => {
        while (Date.now() < until) {
          try {
            const res = await fetch(new URL('/v1/decisions', g.url), {
              method: 'POST',
              headers: { ...auth, 'content-type': 'application/json' },
              body: JSON.stringify({ ...SMALLEST, profile: 'finance' }),
            })
            if (res.status === 200)
              answered.push((await res.json()) as { trace_id: string; seq: number })
          } catch {
            return
          }
        }
      }
      await Promise.all([load(), load(), load()])
      await killHard(g)
      live = undefined
    }
    assert.ok(answered.length > 10)
    const g = await startChildGateway({ dataDir, env, args })
    live = g
    const last = answered.reduce((a, b) => (b.seq > a.seq ? b : a))
    await eventually(
      async () => {
        const res = await fetch(new URL(`/v1/traces/${last.trace_id}/proof`, g.url), {
          headers: auth,
        })
        if (res.status !== 200) return undefined
        const b = (await res.json()) as ProofBundle
        return b.anchors.length === 2 ? b : undefined
      },
      60_000,
      'everything anchored after the last restart',
    )
    let out = ''
    const io = {
      out: (t: string) => {
        out += t
      },
      err: (t: string) => {
        out += t
      },
      env: {},
    }
    const code = await auditCommand({
      argv: [
        '--api',
        g.url.origin,
        '--token',
        API_TOKEN,
        '--log',
        fixture().logId,
        ...fixture().chains.flatMap((c) => ['--rpc', `${c.chainId}=${c.nodeUrl}`]),
        '--deployments',
        writeDeployments(fixture()),
      ],
      io,
    })
    assert.equal(code, 0, out)
    assert.match(out, /audit clean/)
  })
})
