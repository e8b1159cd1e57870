// `tml mcp-proxy` as a real child process (the CLI entry) between the SDK's Client and the real
// @modelcontextprotocol/server-filesystem, deciding through a real gateway on 127.0.0.1 under
// the shipped agent_tools policy.
import assert from 'node:assert/strict'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import type { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js'
import { bytesToHex, canonicalBytes, hashMtl, validateMtl, verifyReceipt } from '@tml/core'
import { nodeSha256 } from '../../../src/keys/nodeSha256.ts'
import { auth } from '../../helpers/gateway.ts'
import { signedResolution } from '../../helpers/review.ts'
import {
  connect,
  DEV_REVIEWER,
  FS_SERVER,
  nextPause,
  type ProxyWorld,
  proxyTransport,
  startListeningProxy,
  startWorld,
  traceOf,
} from './proxyHarness.ts'

type Result = {
  content: { type: string; text?: string }[]
  isError?: boolean
  _meta?: Record<string, unknown>
}

const textOf = (r: Result) => r.content.map((c) => c.text ?? '').join('\n')

describe('tml mcp-proxy over stdio, in front of server-filesystem', () => {
  let w: ProxyWorld
  let client: Client
  const stderr: string[] = []

  before(async () => {
    w = await startWorld()
    client = await connect(
      proxyTransport({ gateway: w.url, root: w.root, extra: ['--pause-wait', '30'], stderr }),
    )
  })
  after(async () => {
    await client?.close()
    await w?.close()
  })

  test('behavior: tools/list passes through unchanged (same tools as the server gives directly)', async () => {
    const direct = await connect(
      new StdioClientTransport({
        command: process.execPath,
        args: [FS_SERVER, w.root],
        stderr: 'pipe',
      }),
    )
    try {
      const expected = await direct.listTools()
      const proxied = await client.listTools()
      assert.deepEqual(proxied, expected)
      assert.ok(proxied.tools.some((t) => t.name === 'write_file'))
      assert.deepEqual(client.getServerVersion(), direct.getServerVersion())
    } finally {
      await direct.close()
    }
  })

  test('behavior: an allowed read passes; the result carries its trace ids, whose MTLs are logged with receipts and the output hash', async () => {
    writeFileSync(join(w.workspace, 'notes.txt'), 'hello from the workspace\n')
    const result = (await client.callTool({
      name: 'read_text_file',
      arguments: { path: join(w.workspace, 'notes.txt') },
    })) as Result
    assert.equal(result.isError, undefined, textOf(result))
    assert.match(textOf(result), /hello from the workspace/)
    const traceId = result._meta?.['tml/trace_id'] as string
    const resultTraceId = result._meta?.['tml/result_trace_id'] as string
    assert.match(traceId, /^[0-9a-f-]{36}$/)
    assert.match(resultTraceId, /^[0-9a-f-]{36}$/)
    assert.equal(result._meta?.['tml/state'], 1)

    const call = await traceOf(w.t, traceId)
    assert.equal(call.mtl.state, 1)
    assert.equal(call.mtl.kind, 'decision')
    assert.equal(call.mtl.output_hash, null)
    const out = await traceOf(w.t, resultTraceId)
    assert.equal(out.mtl.state, 1)
    for (const entry of [call, out]) {
      const check = validateMtl(entry.mtl)
      assert.ok(check.valid)
      assert.equal(bytesToHex(hashMtl(check.mtl)), entry.receipt.leafHash)
      assert.ok(
        verifyReceipt({
          receipt: entry.receipt as never,
          publicKey: w.t.gateway.signer.publicKey,
        }),
      )
    }
    // The output hash is the server's result as it sent it (without the proxy's _meta).
    const { _meta, ...sent } = result
    const ownMeta = Object.fromEntries(
      Object.entries(_meta ?? {}).filter(([k]) => !k.startsWith('tml/')),
    )
    const original = Object.keys(ownMeta).length > 0 ? { ...sent, _meta: ownMeta } : sent
    assert.equal(out.mtl.output_hash, bytesToHex(nodeSha256(canonicalBytes(original))))
  })

  test('behavior: a write inside the workspace passes at once', async () => {
    const path = join(w.workspace, 'draft.txt')
    const result = (await client.callTool({
      name: 'write_file',
      arguments: { path, content: 'draft' },
    })) as Result
    assert.equal(result.isError, undefined, textOf(result))
    assert.equal(readFileSync(path, 'utf8'), 'draft')
  })

  test('adversarial: a destructive tool is refused and never reaches the server (file untouched)', async () => {
    const from = join(w.workspace, 'keep.txt')
    const to = join(w.workspace, 'moved.txt')
    writeFileSync(from, 'keep me')
    const result = (await client.callTool({
      name: 'move_file',
      arguments: { source: from, destination: to },
    })) as Result
    assert.equal(result.isError, true)
    const traceId = result._meta?.['tml/trace_id'] as string
    assert.match(textOf(result), /refused/)
    assert.match(textOf(result), /destructive tool/)
    assert.ok(textOf(result).includes(traceId))
    assert.equal(result._meta?.['tml/state'], -1)
    assert.equal(readFileSync(from, 'utf8'), 'keep me')
    assert.equal(existsSync(to), false)
    assert.equal((await traceOf(w.t, traceId)).mtl.state, -1)
  })

  test('adversarial: a write climbing out of the workspace with .. pauses like any write outside it', async () => {
    const target = join(w.workspace, '..', 'escaped.txt')
    const pending = client.callTool({
      name: 'write_file',
      arguments: { path: target, content: 'escaped' },
    })
    const pauseId = await nextPause(w.t)
    assert.equal(existsSync(join(w.root, 'escaped.txt')), false, 'nothing written while paused')
    const refusal = await signedResolution(w.t, DEV_REVIEWER, pauseId, -1)
    const r = await w.t.app.inject({
      method: 'POST',
      url: `/v1/pauses/${pauseId}/resolution`,
      headers: auth,
      payload: refusal,
    })
    assert.equal(r.statusCode, 200, r.body)
    const result = (await pending) as Result
    assert.equal(result.isError, true)
    assert.match(textOf(result), /refused/)
    assert.equal(result._meta?.['tml/trace_id'], pauseId)
    assert.equal(existsSync(join(w.root, 'escaped.txt')), false)
  })

  test('adversarial: a call the client cancels while it waits for the desk is never forwarded, even once approved', async () => {
    const target = join(w.root, 'cancelled.txt')
    const known = new Set(
      (
        (await w.t.app.inject({ url: '/v1/pauses', headers: auth })).json() as {
          pauses: { pause_id: string }[]
        }
      ).pauses.map((p) => p.pause_id),
    )
    // The SDK client sends notifications/cancelled when its request times out.
    const timedOut = client
      .callTool({ name: 'write_file', arguments: { path: target, content: 'x' } }, undefined, {
        timeout: 1_500,
      })
      .then(
        () => 'answered',
        (e: Error) => e.message,
      )
    const pauseId = await nextPause(w.t, known)
    assert.match(await timedOut, /timed out/i)
    // The proxy reads the client's messages in order: once a later ping is answered, the
    // cancellation was handled.
    await client.ping()
    const approval = await signedResolution(w.t, DEV_REVIEWER, pauseId, 1)
    const r = await w.t.app.inject({
      method: 'POST',
      url: `/v1/pauses/${pauseId}/resolution`,
      headers: auth,
      payload: approval,
    })
    assert.equal(r.statusCode, 200, r.body)
    const after = (await client.callTool({
      name: 'list_allowed_directories',
      arguments: {},
    })) as Result
    assert.equal(after.isError, undefined, textOf(after))
    assert.equal(existsSync(target), false)
  })

  test('behavior: a write outside the workspace pauses, waits for the reviewer, and is forwarded once approved', async () => {
    const target = join(w.root, 'outside.txt')
    const pending = client.callTool({
      name: 'write_file',
      arguments: { path: target, content: 'approved content' },
    })
    const pauseId = await nextPause(w.t)
    // The call is held: the server has not seen it.
    await new Promise((resolve) => setTimeout(resolve, 200))
    assert.equal(existsSync(target), false)
    const approval = await signedResolution(w.t, DEV_REVIEWER, pauseId, 1)
    const r = await w.t.app.inject({
      method: 'POST',
      url: `/v1/pauses/${pauseId}/resolution`,
      headers: auth,
      payload: approval,
    })
    assert.equal(r.statusCode, 200, r.body)
    const resolutionTraceId = r.json().trace_id as string
    const result = (await pending) as Result
    assert.equal(result.isError, undefined, textOf(result))
    assert.equal(readFileSync(target, 'utf8'), 'approved content')
    assert.equal(result._meta?.['tml/trace_id'], pauseId)
    assert.equal(result._meta?.['tml/resolution_trace_id'], resolutionTraceId)
    const pause = await traceOf(w.t, pauseId)
    assert.equal(pause.mtl.state, 0)
    assert.equal((await traceOf(w.t, resolutionTraceId)).mtl.state, 1)
    const out = await traceOf(w.t, result._meta?.['tml/result_trace_id'] as string)
    assert.equal(out.mtl.state, 1)
    assert.match(out.mtl.output_hash as string, /^0x[0-9a-f]{64}$/)
  })
})

describe('tml mcp-proxy: limits and failures', () => {
  let w: ProxyWorld
  before(async () => {
    w = await startWorld()
  })
  after(async () => {
    await w?.close()
  })

  test('behavior: a pause not resolved within --pause-wait is a tool error naming the pause; nothing is written', async () => {
    const client = await connect(
      proxyTransport({ gateway: w.url, root: w.root, extra: ['--pause-wait', '1'] }),
    )
    try {
      const target = join(w.root, 'late.txt')
      const result = (await client.callTool({
        name: 'write_file',
        arguments: { path: target, content: 'late' },
      })) as Result
      assert.equal(result.isError, true)
      const pauseId = result._meta?.['tml/trace_id'] as string
      assert.equal(result._meta?.['tml/state'], 0)
      assert.match(textOf(result), /paused/)
      assert.ok(textOf(result).includes(pauseId))
      const open = await w.t.app.inject({ url: `/v1/pauses/${pauseId}`, headers: auth })
      assert.equal(open.json().status, 'pending')
      assert.equal(existsSync(target), false)
    } finally {
      await client.close()
    }
  })

  test('adversarial: gateway down → every call is a tool error and nothing reaches the server; other requests still pass', async () => {
    const stderr: string[] = []
    const client = await connect(
      // Port 9 (discard) on loopback: nothing listens, the connection is refused.
      proxyTransport({ gateway: 'http://127.0.0.1:9', root: w.root, stderr }),
    )
    try {
      const target = join(w.workspace, 'down.txt')
      const write = (await client.callTool({
        name: 'write_file',
        arguments: { path: target, content: 'must not be written' },
      })) as Result
      assert.equal(write.isError, true)
      assert.match(textOf(write), /TML gateway: unreachable/)
      assert.match(textOf(write), /not run/)
      assert.equal(write._meta?.['tml/state'], -1)
      assert.equal(existsSync(target), false)
      const read = (await client.callTool({
        name: 'list_allowed_directories',
        arguments: {},
      })) as Result
      assert.equal(read.isError, true)
      assert.doesNotMatch(textOf(read), new RegExp(w.root))
      assert.ok((await client.listTools()).tools.length > 0)
    } finally {
      await client.close()
    }
  })

  test('behavior: --server-url reaches an MCP server over Streamable HTTP (here a second proxy, --listen); each gate decides and logs', async () => {
    const inner = await startListeningProxy({ gateway: w.url, root: w.root })
    const client = await connect(
      proxyTransport({ gateway: w.url, root: w.root, serverUrl: inner.url }),
    )
    try {
      writeFileSync(join(w.workspace, 'http.txt'), 'over http')
      const before = w.t.gateway.memory.nextSeq
      const result = (await client.callTool({
        name: 'read_text_file',
        arguments: { path: join(w.workspace, 'http.txt') },
      })) as Result
      assert.equal(result.isError, undefined, textOf(result))
      assert.equal(textOf(result), 'over http')
      const outer = await traceOf(w.t, result._meta?.['tml/trace_id'] as string)
      assert.equal(outer.mtl.state, 1)
      // Both proxies logged the call and its result: four records.
      assert.equal(w.t.gateway.memory.nextSeq - before, 4)
      assert.ok((await client.listTools()).tools.some((t) => t.name === 'read_text_file'))
    } finally {
      await client.close()
      await inner.stop()
    }
  })

  test('adversarial: a wrong API key is a tool error with the gateway’s status; nothing forwarded', async () => {
    const transport = proxyTransport({
      gateway: w.url,
      root: w.root,
      extra: ['--api-key', 'wrong-key-0123456789'],
    })
    const client = await connect(transport)
    try {
      const target = join(w.workspace, 'nokey.txt')
      const result = (await client.callTool({
        name: 'write_file',
        arguments: { path: target, content: 'x' },
      })) as Result
      assert.equal(result.isError, true)
      assert.match(textOf(result), /HTTP 401/)
      assert.equal(existsSync(target), false)
    } finally {
      await client.close()
    }
  })
})
