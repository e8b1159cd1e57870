// The log as C2SP tlog-tiles, checked by an independent client: a real gateway anchoring on
// two local chains makes more than 256 decisions over several epochs, serves its tiles over
// HTTP, and Go's own golang.org/x/mod/sumdb/note and sumdb/tlog (go/follow.go) verify the
// checkpoint note, the tiles, every entry and inclusion proofs.
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { before, describe, test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { noteVerifierKey, openNote, parseTlogCheckpoint } from '@tml/core'
import type { FastifyInstance } from 'fastify'
import { ensureGo, GO_BIN, GO_INSTALL_HINT, GOPATH } from '../../../scripts/ensure-go.mjs'
import { buildServer } from '../../src/http/buildServer.ts'
import type { Gateway } from '../../src/service/createGateway.ts'
import { type GatewayTiles, startTileWriter } from '../../src/tiles/startTileWriter.ts'
import { createAnchoredGateway, eventually, useChains } from '../e2e/anchoredGateway.ts'
import { auth, SMALLEST } from '../helpers/gateway.ts'
import { tempDir } from '../helpers/memory.ts'

const FOLLOWER = join(dirname(fileURLToPath(import.meta.url)), 'go', 'follow.go')
const DECISIONS = 300

type FollowResult = {
  ok: boolean
  origin: string
  treeSize: number
  signatures: number
  tilesFetched: number
  entriesChecked: number
  proofsChecked: number
}

/** Runs the Go follower; resolves with its exit code, its JSON line and its error output. */
async function follow(
  args: string[],
): Promise<{ code: number; result?: FollowResult; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(GO_BIN, ['run', FOLLOWER, ...args], {
      env: { ...process.env, GO111MODULE: 'off', GOPATH, GOFLAGS: '' },
      timeout: 180_000,
    })
    return { code: 0, result: JSON.parse(stdout) as FollowResult, stderr }
  } catch (e) {
    const error = e as { code?: number; stderr?: string }
    return {
      code: typeof error.code === 'number' ? error.code : -1,
      stderr: error.stderr ?? String(e),
    }
  }
}

describe('C2SP tiles read by Go’s sumdb/note and sumdb/tlog', () => {
  let gateway: Gateway
  let tiles: GatewayTiles
  let app: FastifyInstance
  let prefix: string
  let vkey: string
  let dir: string

  before(() => {
    // No skipping: a machine without Go fails here and says how to install it.
    assert.ok(ensureGo(), `Go and golang.org/x/mod are needed: ${GO_INSTALL_HINT}`)
  })
  useChains({
    started: async (fixture) => {
      dir = tempDir()
      const noteKey = new Uint8Array(randomBytes(32))
      gateway = await createAnchoredGateway(
        { ...fixture, keys: { ...fixture.keys, noteKey } },
        {},
        dir,
      )
      tiles = startTileWriter({ gateway, dataDir: dir }) as GatewayTiles
      assert.ok(tiles)
      vkey = noteVerifierKey({ name: tiles.origin, privateKey: noteKey })
      app = await buildServer({ gateway, apiKeys: fixture.keys.apiKeys, tilesDir: tiles.dir })
      prefix = `${await app.listen({ host: '127.0.0.1', port: 0 })}/tiles`
    },
    stopping: async () => {
      await app?.close()
      await tiles?.stop()
      await gateway?.close()
    },
  })

  test(`behavior: ${DECISIONS} decisions over several epochs; the Go follower verifies note, tiles, entries and proofs`, async () => {
    // Batches with pauses between them, so that several epochs close (one every 200 ms).
    for (let done = 0; done < DECISIONS; done += 60) {
      const answers = await Promise.all(
        Array.from({ length: Math.min(60, DECISIONS - done) }, () =>
          app.inject({
            method: 'POST',
            url: '/v1/decisions',
            headers: auth,
            payload: { ...SMALLEST, profile: 'finance' },
          }),
        ),
      )
      for (const a of answers) assert.equal(a.json().logged, true, a.body)
      await new Promise((r) => setTimeout(r, 250))
    }
    const note = await eventually(
      async () => {
        const res = await fetch(`${prefix}/checkpoint`)
        if (res.status !== 200) return undefined
        const text = await res.text()
        const size = parseTlogCheckpoint(openNote({ note: text, verifiers: [vkey] }).text).treeSize
        return size === BigInt(DECISIONS) ? text : undefined
      },
      30_000,
      `the checkpoint note of ${DECISIONS} entries`,
    )
    assert.ok(((await gateway.lane?.store.latestCheckpoint())?.epoch ?? 0) >= 3, 'several epochs')
    // The same note at the root, for clients that take the gateway's URL as the prefix's host.
    assert.equal(await (await fetch(`${app.listeningOrigin}/checkpoint`)).text(), note)

    const run = await follow(['-prefix', prefix, '-vkey', vkey, '-proofs', '0,1,255,256,299'])
    assert.equal(run.code, 0, run.stderr)
    assert.deepEqual(
      { ...run.result, tilesFetched: undefined },
      {
        ok: true,
        origin: tiles.origin,
        treeSize: DECISIONS,
        rootHash: parseNoteRoot(note),
        signatures: 1,
        tilesFetched: undefined,
        entriesChecked: DECISIONS,
        proofsChecked: 5,
      },
    )
    assert.ok((run.result?.tilesFetched ?? 0) >= 3)
  })

  test('behavior: routes are public, typed and cached as the spec asks; bad paths are 404', async () => {
    const checkpoint = await fetch(`${prefix}/checkpoint`)
    assert.equal(checkpoint.headers.get('content-type'), 'text/plain; charset=utf-8')
    assert.equal(checkpoint.headers.get('cache-control'), 'public, max-age=2')
    const full = await fetch(`${prefix}/tile/0/000`)
    assert.equal(full.status, 200)
    assert.equal(full.headers.get('content-type'), 'application/octet-stream')
    assert.equal(full.headers.get('cache-control'), 'public, max-age=31536000, immutable')
    assert.equal((await full.arrayBuffer()).byteLength, 8192)
    const partial = await fetch(`${prefix}/tile/entries/001.p/44`)
    assert.equal(partial.status, 200)
    assert.equal(partial.headers.get('cache-control'), 'public, max-age=60')
    for (const path of [
      'tile/0/../../keys/note.key',
      'tile/0/0000',
      'tile/0/002',
      'tile/0/000.p/3',
    ]) {
      const res = await fetch(`${prefix}/${path}`)
      assert.equal(res.status, 404, path)
    }
  })

  test('errors: the Go follower refuses another key and a changed tile', async () => {
    const stranger = noteVerifierKey({ name: tiles.origin, privateKey: new Uint8Array(32).fill(9) })
    const wrongKey = await follow(['-prefix', prefix, '-vkey', stranger])
    assert.equal(wrongKey.code, 1)
    assert.match(wrongKey.stderr, /checkpoint note: note has no verifiable signatures/)
    // One bit of a published full tile flipped on disk: it no longer matches the signed root.
    const file = join(dir, 'tiles', 'tile', '0', '000')
    const bytes = readFileSync(file)
    bytes[100] = (bytes[100] as number) ^ 1
    writeFileSync(file, bytes)
    const tampered = await follow(['-prefix', prefix, '-vkey', vkey])
    assert.equal(tampered.code, 1)
    // x/mod 0.7.0 may not authenticate this tile itself (see follow.go); the rebuilt tree catches it.
    assert.match(tampered.stderr, /tile\/0\/000: hash 3 differs from the tree the entries build/)
  })
})

function parseNoteRoot(note: string): string {
  return note.split('\n')[2] as string
}
