import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { bytesToBase64 } from '../../src/bytes/base64.ts'
import { bytesToHex, type Hex } from '../../src/bytes/hex.ts'
import { sha256 } from '../../src/hash/sha256.ts'
import { readBitcoinHeader } from '../../src/ots/bitcoinHeader.ts'
import { esploraHeaderSource } from '../../src/ots/esploraHeaderSource.ts'
import { InvalidOtsError } from '../../src/ots/InvalidOtsError.ts'
import { otsAttestations } from '../../src/ots/otsAttestations.ts'
import { parseOts } from '../../src/ots/parseOts.ts'
import { readOts } from '../../src/ots/readOts.ts'
import { verifyOtsBitcoin } from '../../src/ots/verifyOtsBitcoin.ts'
import { bitcoinStep } from '../../src/verify/steps/bitcoinStep.ts'

// Serialization of python-opentimestamps, written out by hand so that the parser is checked
// against the format, not against itself.
const MAGIC = [
  0x00, 0x4f, 0x70, 0x65, 0x6e, 0x54, 0x69, 0x6d, 0x65, 0x73, 0x74, 0x61, 0x6d, 0x70, 0x73, 0x00,
  0x00, 0x50, 0x72, 0x6f, 0x6f, 0x66, 0x00, 0xbf, 0x89, 0xe2, 0xe8, 0x84, 0xe8, 0x92, 0x94,
]
const BITCOIN = [0x05, 0x88, 0x96, 0x0d, 0x73, 0xd7, 0x19, 0x01]
const PENDING = [0x83, 0xdf, 0xe3, 0x0d, 0x2e, 0xf9, 0x0c, 0x8e]
const DIGEST = sha256(new TextEncoder().encode('checkpoint root'))
const ROOT: Hex = bytesToHex(DIGEST)
const NONCE = Array.from({ length: 16 }, (_, i) => i + 1)
const CALENDAR = 'https://a.example/cal'

const varuint = (n: number): number[] => {
  const out: number[] = []
  do {
    out.push((n & 0x7f) | (n > 0x7f ? 0x80 : 0))
    n = Math.floor(n / 128)
  } while (n > 0)
  return out
}
const varbytes = (b: number[]) => [...varuint(b.length), ...b]
const bitcoinAt = (height: number) => [0x00, ...BITCOIN, ...varbytes(varuint(height))]
const pendingAt = (uri: string) => [
  0x00,
  ...PENDING,
  ...varbytes(varbytes([...new TextEncoder().encode(uri)])),
]

/** digest → append(nonce) → sha256 → { pending at CALENDAR | prepend(0xaa) → sha256 → bitcoin(height) }. */
function otsFile(height = 812345): Uint8Array {
  return Uint8Array.from([
    ...MAGIC,
    0x01,
    0x08,
    ...DIGEST,
    0xf0,
    ...varbytes(NONCE),
    0x08,
    0xff,
    ...pendingAt(CALENDAR),
    0xf1,
    ...varbytes([0xaa]),
    0x08,
    ...bitcoinAt(height),
  ])
}

/** The message the Bitcoin attestation of otsFile() attests, computed independently. */
function attested(): Uint8Array {
  const first = sha256(Uint8Array.from([...DIGEST, ...NONCE]))
  return sha256(Uint8Array.from([0xaa, ...first]))
}

function header(merkleRoot: Uint8Array, time = 1_700_000_000): Uint8Array {
  const h = new Uint8Array(80)
  const view = new DataView(h.buffer)
  view.setUint32(0, 0x20000000, true)
  h.set(merkleRoot, 36)
  view.setUint32(68, time, true)
  return h
}

describe('OpenTimestamps proofs in core', () => {
  test('behavior: parses the tree, replays the operations, summarizes the claims', () => {
    const proof = parseOts(otsFile())
    assert.equal(bytesToHex(proof.digest), ROOT)
    const found = otsAttestations(proof)
    assert.deepEqual(
      found.map((f) => f.attestation),
      [
        { kind: 'pending', uri: CALENDAR },
        { kind: 'bitcoin', height: 812345 },
      ],
    )
    assert.deepEqual(found[1]?.message, attested())
    assert.deepEqual(readOts(bytesToBase64(otsFile())), {
      digest: ROOT,
      pending: [CALENDAR],
      bitcoinBlocks: [812345],
      otherAttestations: 0,
    })
  })

  test('behavior: a header whose merkle root is the attested message verifies, with its time', async () => {
    const h = header(attested())
    const result = await verifyOtsBitcoin({ ots: otsFile(), fetchHeader: async () => h })
    assert.deepEqual(result.bitcoin, [
      {
        height: 812345,
        status: 'verified',
        blockHash: readBitcoinHeader(h).hash,
        blockTime: 1_700_000_000,
      },
    ])
    const step = await bitcoinStep({
      ots: bytesToBase64(otsFile()),
      rootHash: ROOT,
      fetchHeader: async () => h,
    })
    assert.equal(step.outcome, 'pass')
    assert.match(step.detail ?? '', /block 812345 .*2023-11-14T22:13:20\.000Z/)
  })

  test('errors: a header with another merkle root (or the byte-reversed one) fails', async () => {
    for (const root of [sha256(new Uint8Array(1)), attested().slice().reverse()]) {
      const step = await bitcoinStep({
        ots: bytesToBase64(otsFile()),
        rootHash: ROOT,
        fetchHeader: async () => header(root),
      })
      assert.equal(step.outcome, 'fail')
      assert.equal(step.ok, false)
    }
  })

  test('behavior: pending only → notice; no source or a failing one → unchecked; no proof → notice', async () => {
    const pendingOnly = Uint8Array.from([
      ...MAGIC,
      0x01,
      0x08,
      ...DIGEST,
      0xf0,
      ...varbytes(NONCE),
      0x08,
      ...pendingAt(CALENDAR),
    ])
    const waiting = await bitcoinStep({
      ots: bytesToBase64(pendingOnly),
      rootHash: ROOT,
      fetchHeader: undefined,
    })
    assert.equal(waiting.outcome, 'notice')
    assert.match(waiting.reason ?? '', /Waiting for Bitcoin/)
    const none = await bitcoinStep({
      ots: bytesToBase64(otsFile()),
      rootHash: ROOT,
      fetchHeader: undefined,
    })
    assert.equal(none.outcome, 'unchecked')
    const failing = await bitcoinStep({
      ots: bytesToBase64(otsFile()),
      rootHash: ROOT,
      fetchHeader: async () => {
        throw new Error('offline')
      },
    })
    assert.equal(failing.outcome, 'unchecked')
    assert.equal(
      (await bitcoinStep({ ots: undefined, rootHash: ROOT, fetchHeader: undefined })).outcome,
      'notice',
    )
  })

  test('errors: a proof of another digest fails', async () => {
    const step = await bitcoinStep({
      ots: bytesToBase64(otsFile()),
      rootHash: `0x${'00'.repeat(32)}`,
      fetchHeader: undefined,
    })
    assert.equal(step.outcome, 'fail')
  })

  test('errors: malformed or hostile files are refused with a reason', async () => {
    const good = [...otsFile()]
    const cases: [string, number[], RegExp][] = [
      ['not ots', [1, 2, 3], /not an OpenTimestamps proof/],
      ['truncated', good.slice(0, -2), /truncated/],
      ['trailing', [...good, 0], /trailing bytes/],
      ['version 2', [...MAGIC, 0x02], /unsupported version 2/],
      ['unknown op', [...MAGIC, 0x01, 0x08, ...DIGEST, 0x42], /unknown operation 0x42/],
      [
        'deep',
        [...MAGIC, 0x01, 0x08, ...DIGEST, ...Array(300).fill(0x08), ...bitcoinAt(1)],
        /nested deeper/,
      ],
      [
        'too many attestations',
        [
          ...MAGIC,
          0x01,
          0x08,
          ...DIGEST,
          ...Array.from({ length: 65 }, () => [0xff, ...bitcoinAt(1)]).flat(),
          ...bitcoinAt(1),
        ],
        /more than 64 attestations/,
      ],
      [
        'bad height',
        [...MAGIC, 0x01, 0x08, ...DIGEST, 0x00, ...BITCOIN, ...varbytes([0x80])],
        /malformed block height/,
      ],
      [
        'bad uri',
        [...MAGIC, 0x01, 0x08, ...DIGEST, ...pendingAt('http://a b')],
        /malformed calendar URI/,
      ],
      ['huge', Array(70_000).fill(0), /larger than/],
    ]
    for (const [name, bytes, reason] of cases) {
      assert.throws(
        () => parseOts(Uint8Array.from(bytes)),
        (e: unknown) => {
          assert.ok(e instanceof InvalidOtsError, name)
          assert.match(e.shortMessage, reason, name)
          return true
        },
      )
    }
    // A message that grows past 4096 bytes by appends.
    const big = Array(4000).fill(7)
    const growing = [
      ...MAGIC,
      0x01,
      0x08,
      ...DIGEST,
      0xf0,
      ...varbytes(big),
      0xf0,
      ...varbytes(big),
      ...bitcoinAt(1),
    ]
    assert.throws(() => otsAttestations(parseOts(Uint8Array.from(growing))), /longer than 4096/)
    const step = await bitcoinStep({
      ots: bytesToBase64(Uint8Array.from(good.slice(0, -2))),
      rootHash: ROOT,
      fetchHeader: undefined,
    })
    assert.equal(step.outcome, 'fail')
    assert.match(step.reason ?? '', /damaged/)
    assert.equal(
      (await bitcoinStep({ ots: '***', rootHash: ROOT, fetchHeader: undefined })).outcome,
      'fail',
    )
  })

  test('behavior: the Esplora source asks height then header, and checks the header hashes to the hash', async () => {
    const h = header(attested())
    const hash = readBitcoinHeader(h).hash.slice(2)
    const asked: string[] = []
    const answers: Record<string, string> = {
      '/api/block-height/812345': hash,
      [`/api/block/${hash}/header`]: bytesToHex(h).slice(2),
    }
    const fetch = async (url: string) => {
      const path = new URL(url).pathname
      asked.push(path)
      const body = answers[path]
      return new Response(body ?? 'Block not found', { status: body ? 200 : 404 })
    }
    const source = esploraHeaderSource({ baseUrl: 'http://esplora.test/api/', fetch })
    assert.deepEqual(await source(812345), h)
    assert.deepEqual(asked, ['/api/block-height/812345', `/api/block/${hash}/header`])
    await assert.rejects(source(1), /answered 404/)
    await assert.rejects(source(-1), /not a block height/)

    const lying = esploraHeaderSource({
      baseUrl: 'http://esplora.test/api',
      fetch: async (url: string) =>
        new Response(url.includes('/header') ? bytesToHex(h).slice(2) : 'ab'.repeat(32)),
    })
    await assert.rejects(lying(812345), /is not block/)
    const flooding = esploraHeaderSource({
      baseUrl: 'http://esplora.test/api',
      fetch: async () => new Response('a'.repeat(100_000)),
    })
    await assert.rejects(flooding(812345), /longer than 256 bytes/)
  })
})
