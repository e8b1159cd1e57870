// The gate against gateways that misbehave (real HTTP on 127.0.0.1, canned answers): whatever
// the answer, a call is forwarded only on a well-formed +1, and the CLI's usage errors name the
// option.
import assert from 'node:assert/strict'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { after, before, describe, test } from 'node:test'
import { main } from '../../../src/cli/main.ts'
import { GatewayClient } from '../../../src/proxy/mcp/GatewayClient.ts'
import { ToolCallGate } from '../../../src/proxy/mcp/ToolCallGate.ts'

const call = { name: 'write_file', arguments: { path: '/srv/agent/workspace/a.txt' } }
const server = { name: 'fs', transport: 'stdio' as const }

describe('ToolCallGate against a misbehaving gateway', () => {
  let http: Server
  let url: string
  /** What the next request is answered: status and raw body. */
  let answer: { status: number; body: string; delayMs?: number }
  const seen: unknown[] = []

  before(async () => {
    http = createServer((req, res) => {
      let body = ''
      req.on('data', (c: Buffer) => {
        body += c.toString()
      })
      req.on('end', () => {
        seen.push(body === '' ? null : JSON.parse(body))
        const send = () => {
          res.writeHead(answer.status, { 'content-type': 'application/json' })
          res.end(answer.body)
        }
        if (answer.delayMs) setTimeout(send, answer.delayMs)
        else send()
      })
    })
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve))
    url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`
  })
  after(async () => {
    http.closeAllConnections()
    await new Promise((resolve) => http.close(resolve))
  })

  const gate = (timeoutMs = 5_000) =>
    new ToolCallGate({
      gateway: new GatewayClient({ url, apiKey: 'k', timeoutMs }),
      profile: 'agent_tools',
      pauseWaitMs: 0,
    })

  test('default: the request carries the vocabulary; a well-formed +1 forwards', async () => {
    answer = {
      status: 200,
      body: JSON.stringify({
        trace_id: 't-1',
        state: 1,
        final_state: 1,
        trigger_type: 'NONE',
        trigger_detail: 'no trigger fired',
        logged: true,
      }),
    }
    seen.length = 0
    const admission = await gate().admit({ call, server, client: 'agent' })
    assert.deepEqual(admission, { forward: true, traceId: 't-1' })
    assert.deepEqual(seen[0], {
      profile: 'agent_tools',
      input: { tool: call },
      context: { mcp: { phase: 'call', server: 'fs', transport: 'stdio', client: 'agent' } },
      signals: {},
    })
  })

  const malformed: [string, { status: number; body: string; delayMs?: number }][] = [
    ['an HTTP 500', { status: 500, body: '{"error":"internal","message":"boom"}' }],
    ['a body that is not JSON', { status: 200, body: 'state: 1' }],
    ['JSON without a trace id', { status: 200, body: '{"state":1,"final_state":1}' }],
    [
      'a state outside 1, 0, -1',
      { status: 200, body: '{"trace_id":"t","state":2,"final_state":2,"trigger_detail":""}' },
    ],
    [
      'a pause without its pause object',
      {
        status: 200,
        body: '{"trace_id":"t","state":0,"final_state":0,"trigger_type":"MANUAL","trigger_detail":"x"}',
      },
    ],
    ['no answer in time', { status: 200, body: '{}', delayMs: 1_000 }],
  ]
  for (const [what, canned] of malformed) {
    test(`adversarial: ${what} is a tool error, nothing forwarded`, async () => {
      answer = canned
      const admission = await gate(canned.delayMs ? 200 : 5_000).admit({ call, server })
      assert.equal(admission.forward, false)
      if (admission.forward) return
      assert.equal(admission.result.isError, true)
      assert.equal(admission.result._meta?.['tml/state'], -1)
      assert.match(JSON.stringify(admission.result.content), /TML gateway: .*not run/)
    })
  }

  test('adversarial: a result that cannot be logged is withheld (the tool ran, the client gets an error)', async () => {
    answer = { status: 413, body: '{"error":"too_large","message":"body too large"}' }
    const released = await gate().release({
      call,
      server,
      traceId: 't-1',
      answer: { result: { content: [{ type: 'text', text: 'secret output' }] } },
    })
    assert.ok('result' in released)
    assert.equal(released.result.isError, true)
    assert.doesNotMatch(JSON.stringify(released), /secret output/)
    assert.match(JSON.stringify(released.result.content), /HTTP 413.*withheld/)
    const meta = released.result._meta as Record<string, unknown> | undefined
    assert.equal(meta?.['tml/trace_id'], 't-1')
  })
})

describe('tml mcp-proxy usage', () => {
  const run = async (argv: string[], env: Record<string, string> = {}) => {
    let out = ''
    let err = ''
    const code = await main({
      argv: ['mcp-proxy', ...argv],
      io: { out: (t) => (out += t), err: (t) => (err += t), env },
    })
    return { code, out, err }
  }

  test('errors: no server, no key, a bad gateway URL or pause wait: exit 2 naming the problem', async () => {
    assert.match((await run(['--api-key', 'k'])).err, /no MCP server: give its command after "--"/)
    assert.match(
      (await run(['--', 'srv'])).err,
      /need the gateway API key: --api-key KEY or TML_API_KEY/,
    )
    const bad = await run(['--api-key', 'k', '--gateway', 'ftp://x', '--', 'srv'])
    assert.equal(bad.code, 2)
    assert.match(bad.err, /--gateway is not an http\(s\) URL/)
    assert.match(
      (await run(['--api-key', 'k', '--pause-wait', '1.5', '--', 'srv'])).err,
      /--pause-wait must be a whole number/,
    )
    assert.match(
      (await run(['--server-url', 'http://127.0.0.1:1/mcp', '--', 'srv'], { TML_API_TOKEN: 'k' }))
        .err,
      /either --server-url or a server command/,
    )
  })

  test('default: --help prints the options and exits 0', async () => {
    const help = await run(['--help'])
    assert.equal(help.code, 0)
    assert.match(help.out, /--pause-wait SEC/)
  })
})
