import { RESOLUTION_DOMAIN, RESOLUTION_TYPES } from '@tml/core'
import { afterEach, describe, expect, test, vi } from 'vitest'
import { listPauses, postResolution } from '../../src/desk/gatewayApi.ts'
import { readPendingPause } from '../../src/desk/readPendingPause.ts'

const id = '0192d4e0-7a1b-7c3d-8e4f-5a6b7c8d9e0f'
const leaf: `0x${string}` = `0x${'ab'.repeat(32)}`
const logId = `0x${'11'.repeat(32)}`

function pauseJson(overrides: Record<string, unknown> = {}) {
  return {
    pause_id: id,
    status: 'pending',
    profile: 'medical',
    trigger_type: 'HARM',
    trigger_detail: 'harm 0.55 in ambiguous band [0.4, 0.9]',
    metrics: { harm: 0.55, confidence: 0.97, note: 'not a number' },
    seq: 4,
    leaf_hash: leaf,
    created: '2026-01-01T00:00:00.000Z',
    deadline: '2026-01-01T00:05:00.000Z',
    typed_data: {
      domain: RESOLUTION_DOMAIN,
      types: RESOLUTION_TYPES,
      primaryType: 'Resolution',
      message: { logId, pauseId: id, pauseLeafHash: leaf },
    },
    ...overrides,
  }
}

describe('readPendingPause', () => {
  test('default: a pause as the gateway lists it', () => {
    expect(readPendingPause(pauseJson())).toEqual({
      pause: {
        pauseId: id,
        profile: 'medical',
        triggerType: 'HARM',
        triggerDetail: 'harm 0.55 in ambiguous band [0.4, 0.9]',
        metrics: [
          { name: 'harm', value: 0.55 },
          { name: 'confidence', value: 0.97 },
        ],
        seq: 4,
        leafHash: leaf,
        created: '2026-01-01T00:00:00.000Z',
        deadlineMs: Date.parse('2026-01-01T00:05:00.000Z'),
        logId,
      },
    })
  })

  describe('errors', () => {
    test.each([
      [
        'a message about another pause',
        {
          typed_data: {
            ...pauseJson().typed_data,
            message: { logId, pauseId: id, pauseLeafHash: `0x${'cd'.repeat(32)}` },
          },
        },
        'the message to sign is not about this pause',
      ],
      [
        'other typed data to sign',
        {
          typed_data: {
            ...pauseJson().typed_data,
            types: { Resolution: [{ name: 'amount', type: 'uint256' }] },
          },
        },
        'the gateway proposes typed data this desk does not know',
      ],
      ['a malformed id', { pause_id: 'x' }, 'pause_id is not a lower-case UUID'],
      ['a malformed deadline', { deadline: 'soon' }, 'deadline is not a date'],
    ])('%s', (_name, overrides, problem) => {
      const read = readPendingPause(pauseJson(overrides))
      expect('problem' in read && read.problem).toContain(problem)
    })
  })
})

describe('gatewayApi', () => {
  afterEach(() => vi.unstubAllGlobals())
  const access = { url: 'https://gw.example/', apiKey: 'key-0123456789abcdef' }

  test('default: lists pauses with the API key, leaving out malformed ones', async () => {
    const fetchMock = vi.fn(async () =>
      Response.json({ pauses: [pauseJson(), { pause_id: 'bad' }] }),
    )
    vi.stubGlobal('fetch', fetchMock)
    const { pauses, skipped } = await listPauses(access)
    expect(pauses.map((p) => p.pauseId)).toEqual([id])
    expect(skipped).toEqual(['pause_id is not a lower-case UUID'])
    const [url, init] = fetchMock.mock.calls[0] as unknown as [URL, RequestInit]
    expect(String(url)).toBe('https://gw.example/v1/pauses?status=pending')
    expect((init.headers as Record<string, string>).authorization).toBe(
      'Bearer key-0123456789abcdef',
    )
  })

  describe('errors', () => {
    test('an unlisted reviewer (403) and an unreachable gateway say what to do', async () => {
      vi.stubGlobal('fetch', async () =>
        Response.json(
          {
            error: 'unlisted_reviewer',
            message: 'signer 0xabc is not a reviewer of profile medical',
          },
          { status: 403 },
        ),
      )
      await expect(
        postResolution(access, id, {
          decision: 1,
          rationale_hash: leaf,
          deadline: 1,
          signature: '0x12',
        }),
      ).rejects.toThrow(
        'Your account is not a reviewer listed by this profile’s policy. (403: signer 0xabc is not a reviewer of profile medical)',
      )
      vi.stubGlobal('fetch', async () => {
        throw new TypeError('Failed to fetch')
      })
      await expect(listPauses(access)).rejects.toThrow(
        "Could not reach the gateway at https://gw.example/: check the URL, that it is running, and that it allows this page's origin (CORS).",
      )
    })
  })
})
