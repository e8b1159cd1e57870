// McpProxy at the message level, between the SDK's in-memory transports: what reaches the server
// side when the client sends calls the gate must not be bypassed with.
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js'
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js'
import { McpProxy } from '../../../src/proxy/mcp/McpProxy.ts'
import type { Admission, ServerAnswer, ToolCallGate } from '../../../src/proxy/mcp/ToolCallGate.ts'

/** A gate that admits every call and records what it was asked. */
class RecordingGate implements Pick<ToolCallGate, 'admit' | 'release'> {
  readonly admitted: string[] = []
  async admit(p: Parameters<ToolCallGate['admit']>[0]): Promise<Admission> {
    this.admitted.push(p.call.name)
    return { forward: true, traceId: `trace-${this.admitted.length}` }
  }
  async release(p: Parameters<ToolCallGate['release']>[0]): Promise<ServerAnswer> {
    if ('error' in p.answer) return p.answer
    return { result: { ...p.answer.result, _meta: { 'tml/trace_id': p.traceId } } }
  }
}

async function world() {
  const [clientEnd, proxyClientSide] = InMemoryTransport.createLinkedPair()
  const [proxyServerSide, serverEnd] = InMemoryTransport.createLinkedPair()
  const gate = new RecordingGate()
  const proxy = new McpProxy({
    client: proxyClientSide,
    server: proxyServerSide,
    gate,
    serverTransport: 'stdio',
  })
  const toClient: JSONRPCMessage[] = []
  const toServer: JSONRPCMessage[] = []
  clientEnd.onmessage = (m) => toClient.push(m)
  serverEnd.onmessage = (m) => toServer.push(m)
  await proxy.start()
  await clientEnd.start()
  await serverEnd.start()
  const settle = () => new Promise((resolve) => setImmediate(resolve))
  return { clientEnd, serverEnd, gate, proxy, toClient, toServer, settle }
}

describe('McpProxy messages', () => {
  test('adversarial: a tools/call without a string name or with non-object arguments never reaches the server', async () => {
    const w = await world()
    const bad = [
      { name: 42, arguments: {} },
      { arguments: { path: '/x' } },
      { name: 'write_file', arguments: ['/x', 'content'] },
      { name: 'write_file', arguments: 'path=/x' },
      { name: 'write_file', arguments: null },
    ]
    for (const [i, params] of bad.entries())
      await w.clientEnd.send({ jsonrpc: '2.0', id: i, method: 'tools/call', params } as never)
    await w.settle()
    assert.deepEqual(w.toServer, [])
    assert.deepEqual(w.gate.admitted, [])
    assert.equal(w.toClient.length, bad.length)
    for (const m of w.toClient)
      assert.equal((m as { error?: { code: number } }).error?.code, -32602)
    await w.proxy.close()
  })

  test('behavior: other requests and notifications pass both ways unchanged; a call is admitted, forwarded, and released with its trace id', async () => {
    const w = await world()
    const list = {
      jsonrpc: '2.0' as const,
      id: 'a',
      method: 'tools/list',
      params: { cursor: 'c1' },
    }
    await w.clientEnd.send(list)
    const note = { jsonrpc: '2.0' as const, method: 'notifications/roots/list_changed' }
    await w.clientEnd.send(note)
    const call = {
      jsonrpc: '2.0' as const,
      id: 7,
      method: 'tools/call',
      params: { name: 'read_text_file', arguments: { path: '/x' }, _meta: { progressToken: 't' } },
    }
    await w.clientEnd.send(call)
    await w.settle()
    assert.deepEqual(w.toServer, [list, note, call])
    assert.deepEqual(w.gate.admitted, ['read_text_file'])
    const fromServer = [
      { jsonrpc: '2.0' as const, id: 'a', result: { tools: [] } },
      {
        jsonrpc: '2.0' as const,
        method: 'notifications/progress',
        params: { progressToken: 't', progress: 1 },
      },
      { jsonrpc: '2.0' as const, id: 'r1', method: 'roots/list', params: {} },
    ]
    for (const m of fromServer) await w.serverEnd.send(m)
    await w.serverEnd.send({ jsonrpc: '2.0', id: 7, result: { content: [] } })
    await w.settle()
    assert.deepEqual(w.toClient, [
      ...fromServer,
      { jsonrpc: '2.0', id: 7, result: { content: [], _meta: { 'tml/trace_id': 'trace-1' } } },
    ])
    await w.proxy.close()
  })
})
