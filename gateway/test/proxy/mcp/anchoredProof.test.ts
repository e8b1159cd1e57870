// End to end with anchoring: `tml mcp-proxy --listen` (Streamable HTTP on the client side) in
// front of the real filesystem server, a gateway anchoring on two local chains, the SDK's
// Client over HTTP. The trace ids a tool result carries lead to proof bundles that verify.
import assert from 'node:assert/strict'
import { mkdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js'
import { type ProofBundle, verifyBundle } from '@tml/core'
import { createReadCheckpoint } from '../../../src/proofs/createReadCheckpoint.ts'
import {
  type AnchoredGateway,
  eventually,
  startAnchoredGateway,
  useChains,
} from '../../e2e/anchoredGateway.ts'
import { auth } from '../../helpers/gateway.ts'
import { tempDir } from '../../helpers/memory.ts'
import { POLICY_DIR } from '../../helpers/policies.ts'
import { connect, type ListeningProxy, startListeningProxy } from './proxyHarness.ts'

describe('tml mcp-proxy on an anchoring gateway', () => {
  let gw: AnchoredGateway
  let proxy: ListeningProxy
  const root = realpathSync(tempDir('tml-mcp-anchored-'))
  const workspace = join(root, 'workspace')
  mkdirSync(workspace)
  const fixture = useChains({
    started: async (chains) => {
      const policy = readFileSync(join(POLICY_DIR, 'agent_tools.yaml'), 'utf8').replaceAll(
        '/srv/agent/workspace',
        workspace,
      )
      gw = await startAnchoredGateway(chains, {}, tempDir(), { 'agent_tools.yaml': policy })
      const url = await gw.app.listen({ host: '127.0.0.1', port: 0 })
      proxy = await startListeningProxy({ gateway: url, root })
    },
    stopping: async () => {
      await proxy?.stop()
      await gw?.close()
    },
  })

  test('behavior: a read over Streamable HTTP passes; the call and its result have proof bundles that verify', async () => {
    writeFileSync(join(workspace, 'plan.md'), '# plan\n')
    const client = await connect(new StreamableHTTPClientTransport(proxy.url))
    try {
      const result = await client.callTool({
        name: 'read_text_file',
        arguments: { path: join(workspace, 'plan.md') },
      })
      assert.equal(result.isError, undefined, JSON.stringify(result))
      const meta = result._meta as Record<string, string>
      const readCheckpoint = createReadCheckpoint({
        rpc: new Map(fixture().chains.map((c) => [c.chainId, c.nodeUrl])),
      })
      for (const traceId of [meta['tml/trace_id'], meta['tml/result_trace_id']]) {
        assert.ok(traceId)
        const bundle = await eventually(
          async () => {
            const res = await gw.app.inject({ url: `/v1/traces/${traceId}/proof`, headers: auth })
            if (res.statusCode === 202) return undefined
            assert.equal(res.statusCode, 200, res.body)
            const b = res.json() as ProofBundle
            return b.anchors.length === 2 ? b : undefined
          },
          30_000,
          `bundle of ${traceId}`,
        )
        const verdict = await verifyBundle(bundle, { readCheckpoint })
        assert.equal(verdict.valid, true, JSON.stringify(verdict.steps.filter((s) => !s.ok)))
      }
    } finally {
      await client.close()
    }
  })
})
