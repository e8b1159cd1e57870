import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { PolicyError } from '../../../src/policy/PolicyError.ts'
import { parsePolicy } from '../../../src/policy/parsePolicy.ts'
import { UpstreamError } from '../../../src/proxy/openai/errors.ts'
import { openAiProxyConfig, ProxyConfigError } from '../../../src/proxy/openai/openAiProxyConfig.ts'
import { readSse } from '../../../src/proxy/openai/readSse.ts'
import { StreamAssembler } from '../../../src/proxy/openai/StreamAssembler.ts'

const base = 'v: tml-policy/1\nprofile: t\ntiming: real_time\npause:\n  timeout_ms: 1000\n'

function issuesOf(text: string): string[] {
  try {
    parsePolicy({ text, file: 'p.yaml' })
  } catch (e) {
    assert.ok(e instanceof PolicyError)
    return e.issues.map((i) => `${i.path}: ${i.reason}`)
  }
  assert.fail('expected a PolicyError')
}

async function* bytes(parts: string[]) {
  for (const p of parts) yield new TextEncoder().encode(p)
}

describe('policy: the proxy section', () => {
  test('default: defaults apply to what the section leaves out', () => {
    const { policy } = parsePolicy({ text: `${base}proxy: { logprobs: true }\n`, file: 'p.yaml' })
    assert.deepEqual(policy.proxy, {
      logprobs: true,
      topLogprobs: 5,
      streamReleaseTokens: 0,
      waitMs: 0,
      upstreamTimeoutMs: 60_000,
    })
  })

  test('errors: unknown members, bad numbers, credentials in a monitor URL and a deliberative safe state are named', () => {
    assert.deepEqual(issuesOf(`${base}proxy: { logprob: true }\n`), [
      'proxy.logprob: unknown member (allowed: logprobs, top_logprobs, monitor, stream_release_tokens, wait_ms, safe_state, energy_per_token_j, upstream_timeout_ms)',
    ])
    assert.match(
      issuesOf(`${base}proxy: { top_logprobs: 21 }\n`)[0] ?? '',
      /top_logprobs: must be an integer from 1 to 20/,
    )
    assert.match(
      issuesOf(`${base}proxy: { monitor: { url: "http://u:p@127.0.0.1/m" } }\n`)[0] ?? '',
      /monitor.url: must not carry credentials/,
    )
    assert.match(
      issuesOf(
        `${base.replace('real_time', 'deliberative')}proxy: { safe_state: { content: "x" } }\n`,
      )[0] ?? '',
      /safe_state: only a real_time profile/,
    )
    assert.match(
      issuesOf(`${base}proxy: { energy_per_token_j: -1 }\n`)[0] ?? '',
      /energy_per_token_j: must be a number/,
    )
  })
})

describe('readSse', () => {
  test('behavior: events split anywhere across reads, CRLF line ends and comments', async () => {
    const events = []
    for await (const e of readSse(
      bytes(['data: {"a"', ':1}\r\n\r\n: comment\n', 'event: x\ndata: 2\n', '\ndata: [DONE]']),
    ))
      events.push(e)
    assert.deepEqual(events, [
      { event: null, data: '{"a":1}' },
      { event: 'x', data: '2' },
      { event: null, data: '[DONE]' },
    ])
  })
})

describe('StreamAssembler', () => {
  test('behavior: content, tool-call parts and usage add up to one completion', () => {
    const a = new StreamAssembler()
    const chunk = (delta: unknown, extra: object = {}) => ({
      id: 'c1',
      model: 'm',
      created: 1,
      choices: [{ index: 0, delta, ...extra }],
    })
    a.add(chunk({ role: 'assistant', content: '' }))
    a.add(chunk({ content: 'Hel' }))
    a.add(chunk({ content: 'lo' }))
    a.add(
      chunk({
        tool_calls: [
          { index: 0, id: 't1', type: 'function', function: { name: 'get', arguments: '{"a"' } },
        ],
      }),
    )
    a.add(
      chunk(
        { tool_calls: [{ index: 0, function: { arguments: ':1}' } }] },
        { finish_reason: 'tool_calls' },
      ),
    )
    a.add({
      id: 'c1',
      choices: [],
      usage: { prompt_tokens: 3, completion_tokens: 4, total_tokens: 7 },
    })
    assert.equal(a.tokens, 4)
    assert.deepEqual(a.completion(), {
      id: 'c1',
      object: 'chat.completion',
      created: 1,
      model: 'm',
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content: 'Hello',
            tool_calls: [
              { id: 't1', type: 'function', function: { name: 'get', arguments: '{"a":1}' } },
            ],
          },
          finish_reason: 'tool_calls',
        },
      ],
      usage: { prompt_tokens: 3, completion_tokens: 4, total_tokens: 7 },
    })
  })

  test('errors: a chunk that is not one, or an error event, is an UpstreamError', () => {
    assert.throws(
      () => new StreamAssembler().add([1]),
      (e: unknown) => e instanceof UpstreamError && e.kind === 'malformed',
    )
    assert.throws(
      () => new StreamAssembler().add({ error: { message: 'overloaded' } }),
      (e: unknown) => e instanceof UpstreamError && e.kind === 'error_status',
    )
  })
})

describe('openAiProxyConfig', () => {
  const profiles = new Set(['general', 'chat'])
  test('default: off without an upstream; the key from the environment; general by default', () => {
    assert.equal(
      openAiProxyConfig({ upstream: undefined, callerProfiles: [], profiles }),
      undefined,
    )
    const c = openAiProxyConfig({
      upstream: 'http://127.0.0.1:8000/v1/',
      key: 'k',
      callerProfiles: ['app=chat'],
      profiles,
    })
    assert.deepEqual(c?.upstream, { baseUrl: 'http://127.0.0.1:8000/v1', apiKey: 'k' })
    assert.equal(c?.defaultProfile, 'general')
    assert.equal(c?.callerProfiles.get('app'), 'chat')
  })
  test('errors: a bad URL, credentials in it, an unknown profile are named', () => {
    for (const [p, re] of [
      [{ upstream: 'nope' }, /--openai-upstream: not a URL/],
      [{ upstream: 'http://a:b@h/v1' }, /no credentials/],
      [{ upstream: 'http://h/v1', profile: 'x' }, /--openai-profile: no policy "x"/],
      [{ upstream: 'http://h/v1', callerProfiles: ['app'] }, /--openai-caller-profile/],
      [
        { upstream: 'http://h/v1', keyFile: '/nonexistent/key' },
        /--openai-upstream-key-file: cannot read/,
      ],
    ] as const)
      assert.throws(
        () => openAiProxyConfig({ callerProfiles: [], profiles, ...p }),
        (e: unknown) => e instanceof ProxyConfigError && re.test(e.shortMessage),
      )
  })
})
