import { base64ToBytes, bytesToBase64 } from '@tml/core'
import { describe, expect, test } from 'vitest'
import { pendingOts } from '../../e2e/support/ots.ts'
import { readOts } from '../../src/verify/readOts.ts'

const digest = `0x${'ab'.repeat(32)}`

describe('readOts', () => {
  test('default: a pending proof names its calendar', () => {
    expect(readOts(pendingOts(digest, 'https://alice.btc.calendar.opentimestamps.org'))).toEqual({
      digest,
      pending: ['https://alice.btc.calendar.opentimestamps.org'],
      bitcoinBlocks: [],
      otherAttestations: 0,
    })
  })

  test('behavior: a proof that reached Bitcoin names the block height (multi-byte varuint)', () => {
    const summary = readOts(pendingOts(digest, 'https://calendar.example', 873_456))
    expect(summary.bitcoinBlocks).toEqual([873_456])
    expect(summary.pending).toEqual(['https://calendar.example'])
  })

  describe('errors', () => {
    test.each([
      [
        'truncated (the core fixture stand-in)',
        'AE9wZW5UaW1lc3RhbXBzAABQcm9vZgC/ieLohOiSlAEI',
        'the proof is truncated',
      ],
      ['not an .ots file', 'aGVsbG8gd29ybGQhISE=', 'not an OpenTimestamps proof'],
      [
        'trailing bytes',
        bytesToBase64(
          new Uint8Array([...base64ToBytes(pendingOts(digest, 'https://c.example')), 0]),
        ),
        'the proof has trailing bytes',
      ],
    ])('%s', (_name, base64, message) => {
      expect(() => readOts(base64)).toThrow(message)
    })

    test('a calendar URI with characters OpenTimestamps does not allow', () => {
      expect(() => readOts(pendingOts(digest, 'https://c.example/<script>'))).toThrow(
        'malformed calendar URI',
      )
    })
  })
})
