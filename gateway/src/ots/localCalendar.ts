/// <reference path="./opentimestamps.d.ts" />
import { createHash, randomBytes } from 'node:crypto'
import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import OpenTimestamps from 'opentimestamps'

/** A running {@link startLocalCalendar}. */
export type LocalCalendar = {
  /** The calendar's URL (what `.ots` pending attestations name). */
  url: string
  /** An Esplora-style block explorer for the calendar's own "blocks", for lite verification. */
  esploraUrl: string
  /** Commitments not yet in a block. */
  pending(): number
  /** Puts every pending commitment into a new block (one per commitment); returns its heights. */
  mine(): number[]
  close(): Promise<void>
}

const MAX_DIGEST = 64
const { Ops, Notary, Timestamp, Context } = OpenTimestamps

/**
 * A stand-in for an OpenTimestamps calendar on loopback, speaking the calendar HTTP protocol
 * (opentimestamps-server `otsd`): `POST /digest` with the raw digest (at most 64 bytes) answers
 * the serialized timestamp from the digest to a commitment (append a 16-byte nonce, SHA-256) with
 * a pending attestation naming this calendar; `GET /timestamp/<commitment hex>` answers 404 while
 * the commitment waits for a block, then the serialized timestamp from the commitment to a
 * Bitcoin block header attestation. Blocks are simulated (`mine()`), and served by an
 * Esplora-style API (`/esplora/block-height/<h>` → hash, `/esplora/block/<hash>` → JSON,
 * `/esplora/block/<hash>/header` → the 80-byte header in hex, whose merkle root field is the
 * block's commitment and which hashes to the block hash) so that core's `esploraHeaderSource`
 * and the `opentimestamps` library's lite verification run against them. For tests and local demos only:
 * these "blocks" are not Bitcoin's.
 *
 * Spec: opentimestamps-server (otsd) HTTP API; python-opentimestamps serialization.
 *
 * @example
 * const calendar = await startLocalCalendar()
 * // stamp at calendar.url, calendar.mine(), upgrade, verify with { url: calendar.esploraUrl }
 */
export async function startLocalCalendar({
  port = 0,
}: {
  port?: number
} = {}): Promise<LocalCalendar> {
  const waiting = new Map<string, number[]>()
  const mined = new Map<string, { height: number; proof: Uint8Array }>()
  const blocks: { hash: string; merkleRoot: string; time: number; header: Uint8Array }[] = []
  let url = ''

  const server: Server = createServer((req, res) => {
    void handle(req).then(
      ({ status, body, type }) => {
        // The verify page (another origin) reads the Esplora routes, as it may a public Esplora.
        res
          .writeHead(status, { 'content-type': type, 'access-control-allow-origin': '*' })
          .end(body)
      },
      () => res.writeHead(500).end('internal error'),
    )
  })

  async function handle(
    req: IncomingMessage,
  ): Promise<{ status: number; body: Uint8Array | string; type: string }> {
    const path = (req.url ?? '').split('?')[0] ?? ''
    const binary = 'application/vnd.opentimestamps.v1'
    if (req.method === 'POST' && path === '/digest') {
      const digest = await readBody(req, MAX_DIGEST + 1)
      if (digest.length === 0 || digest.length > MAX_DIGEST)
        return { status: 400, body: 'digest too long', type: 'text/plain' }
      const stamp = new Timestamp([...digest])
      const commitment = stamp.add(new Ops.OpAppend([...randomBytes(16)])).add(new Ops.OpSHA256())
      commitment.attestations.push(new Notary.PendingAttestation(url))
      waiting.set(hex(commitment.msg), commitment.msg)
      return { status: 200, body: serialize(stamp), type: binary }
    }
    const ts = /^\/timestamp\/([0-9a-f]{2,128})$/.exec(path)
    if (req.method === 'GET' && ts) {
      const found = mined.get(ts[1] as string)
      if (found) return { status: 200, body: found.proof, type: binary }
      const body = waiting.has(ts[1] as string)
        ? 'Pending confirmation in Bitcoin blockchain'
        : 'Not found'
      return { status: 404, body, type: 'text/plain' }
    }
    const height = /^\/esplora\/block-height\/(\d+)$/.exec(path)
    if (req.method === 'GET' && height) {
      const block = blocks[Number(height[1])]
      return block
        ? { status: 200, body: block.hash, type: 'text/plain' }
        : { status: 404, body: 'Block not found', type: 'text/plain' }
    }
    const header = /^\/esplora\/block\/([0-9a-f]{64})\/header$/.exec(path)
    if (req.method === 'GET' && header) {
      const b = blocks.find((x) => x.hash === header[1])
      return b
        ? { status: 200, body: hex([...b.header]), type: 'text/plain' }
        : { status: 404, body: 'Block not found', type: 'text/plain' }
    }
    const block = /^\/esplora\/block\/([0-9a-f]{64})$/.exec(path)
    if (req.method === 'GET' && block) {
      const b = blocks.find((x) => x.hash === block[1])
      if (!b) return { status: 404, body: 'Block not found', type: 'text/plain' }
      return {
        status: 200,
        body: JSON.stringify({ id: b.hash, merkle_root: b.merkleRoot, timestamp: b.time }),
        type: 'application/json',
      }
    }
    return { status: 404, body: 'Not found', type: 'text/plain' }
  }

  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve))
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`

  return {
    url,
    esploraUrl: `${url}/esplora`,
    pending: () => waiting.size,
    mine() {
      const heights: number[] = []
      for (const [key, commitment] of waiting) {
        const height = blocks.length
        const stamp = new Timestamp(commitment)
        const tip = stamp.add(new Ops.OpSHA256())
        tip.attestations.push(new Notary.BitcoinBlockHeaderAttestation(height))
        const time = Math.floor(Date.now() / 1000)
        const header = blockHeader({
          previous: blocks.at(-1)?.hash,
          merkleRoot: Uint8Array.from(tip.msg),
          time,
        })
        blocks.push({
          // Explorers show hashes and the merkle root byte-reversed; the header holds them in
          // its own order (the library reverses the message to compare with the JSON's).
          hash: hex([...sha256d(header)].reverse()),
          merkleRoot: hex([...tip.msg].reverse()),
          time,
          header,
        })
        mined.set(key, { height, proof: serialize(stamp) })
        waiting.delete(key)
        heights.push(height)
      }
      return heights
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

/**
 * An 80-byte header as Bitcoin serializes it, for a simulated block: version 0x20000000, the
 * previous block's hash, the merkle root (here: the one commitment the block holds), time, the
 * regtest difficulty bits and nonce 0. There is no proof of work: a verifier that trusts its
 * header source (as with Esplora) checks only the merkle root and that the header hashes to the
 * block hash.
 */
function blockHeader({
  previous,
  merkleRoot,
  time,
}: {
  previous: string | undefined
  merkleRoot: Uint8Array
  time: number
}): Uint8Array {
  const header = new Uint8Array(80)
  const view = new DataView(header.buffer)
  view.setUint32(0, 0x20000000, true)
  if (previous) header.set(Buffer.from(previous, 'hex').reverse(), 4)
  header.set(merkleRoot, 36)
  view.setUint32(68, time, true)
  view.setUint32(72, 0x207fffff, true)
  return header
}

function sha256d(bytes: Uint8Array): Uint8Array {
  const once = createHash('sha256').update(bytes).digest()
  return new Uint8Array(createHash('sha256').update(once).digest())
}

function serialize(stamp: InstanceType<typeof Timestamp>): Uint8Array {
  const ctx = new Context.StreamSerialization()
  stamp.serialize(ctx)
  return Uint8Array.from(ctx.getOutput())
}

function hex(bytes: readonly number[]): string {
  return Buffer.from(bytes).toString('hex')
}

async function readBody(req: IncomingMessage, limit: number): Promise<Uint8Array> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req) {
    size += (chunk as Buffer).length
    if (size > limit) return new Uint8Array(size)
    chunks.push(chunk as Buffer)
  }
  return new Uint8Array(Buffer.concat(chunks))
}
