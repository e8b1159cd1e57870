import { bytesToHex, sha256, utf8ToBytes } from '@tml/core'
import { afterEach, describe, expect, test, vi } from 'vitest'
import { readCase } from '../../src/desk/gatewayApi.ts'
import { readPauseCase } from '../../src/desk/readPauseCase.ts'

const id = '0192d4e0-7a1b-7c3d-8e4f-5a6b7c8d9e0f'
const hash = (text: string) => bytesToHex(sha256(utf8ToBytes(text)))
const evidence =
  '{"context":{"mcp":{"server":"filesystem","transport":"stdio"}},"input":{"tool":{"arguments":{"path":"/etc/x"},"name":"write_file"}},"signals":{}}'
const outputText = '{"choices":[{"message":{"content":"Take two.","role":"assistant"}}]}'

function caseJson(overrides: Record<string, unknown> = {}) {
  return {
    pause_id: id,
    evidence,
    input_hash: hash(evidence),
    input: JSON.parse(evidence).input,
    context: JSON.parse(evidence).context,
    output_text: outputText,
    output_hash: hash(outputText),
    output: JSON.parse(outputText),
    tool: {
      name: 'write_file',
      arguments: { path: '/etc/x' },
      server: 'filesystem',
      transport: 'stdio',
    },
    held_answer: 'Take two.',
    ...overrides,
  }
}

describe('readPauseCase', () => {
  test('default: a case whose texts hash to its hashes', () => {
    const read = readPauseCase(caseJson(), id)
    expect('case' in read && read.case).toMatchObject({
      pauseId: id,
      tool: { name: 'write_file', server: 'filesystem', transport: 'stdio' },
      heldAnswer: 'Take two.',
      evidenceMatches: true,
      outputMatches: true,
    })
  })

  describe('errors', () => {
    test('an edited input or output no longer matches its hash', () => {
      const read = readPauseCase(caseJson({ evidence: evidence.replace('/etc/x', '/tmp/x') }), id)
      expect('case' in read && read.case.evidenceMatches).toBe(false)
      const output = readPauseCase(caseJson({ output_text: outputText.replace('two', 'ten') }), id)
      expect('case' in output && output.case.outputMatches).toBe(false)
    })

    test('a case about another pause, or without evidence, is refused', () => {
      expect(readPauseCase(caseJson({ pause_id: 'other' }), id)).toEqual({
        problem: 'the case is not about this pause',
      })
      expect(readPauseCase(caseJson({ evidence: 3 }), id)).toEqual({
        problem: 'evidence is not a text',
      })
    })
  })
})

describe('readCase', () => {
  afterEach(() => vi.unstubAllGlobals())
  const access = { url: 'https://gw.example/', apiKey: 'key-0123456789abcdef' }
  const body = {
    log_id: `0x${'11'.repeat(32)}` as const,
    pause_id: id,
    nonce: `0x${'22'.repeat(32)}` as const,
    issued_at: 100,
    expires_at: 220,
    signature: '0x12' as const,
  }

  test('default: posts the signed request and reads the case', async () => {
    const fetchMock = vi.fn(async () => Response.json(caseJson()))
    vi.stubGlobal('fetch', fetchMock)
    const read = await readCase(access, id, body)
    expect(read.tool?.name).toBe('write_file')
    const [url, init] = fetchMock.mock.calls[0] as unknown as [URL, RequestInit]
    expect(String(url)).toBe(`https://gw.example/v1/pauses/${id}/case`)
    expect(init.method).toBe('POST')
    expect(JSON.parse(String(init.body))).toEqual(body)
  })

  describe('errors', () => {
    test('an expired or used request and a resolved pause say what to do', async () => {
      vi.stubGlobal('fetch', async () =>
        Response.json({ error: 'replayed', message: 'already used' }, { status: 401 }),
      )
      await expect(readCase(access, id, body)).rejects.toThrow(
        'The signed request expired or was already used: show the case again to sign a new one. (401: already used)',
      )
      vi.stubGlobal('fetch', async () =>
        Response.json({ error: 'resolved', message: 'gone' }, { status: 410 }),
      )
      await expect(readCase(access, id, body)).rejects.toThrow(
        'This pause is resolved: its case was destroyed with it. (410: gone)',
      )
    })
  })
})
