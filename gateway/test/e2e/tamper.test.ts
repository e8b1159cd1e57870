import assert from 'node:assert/strict'
import { readFileSync, writeFileSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import type { ProofBundle } from '@tml/core'
import Database from 'better-sqlite3'
import { auditCommand } from '../../src/cli/auditCommand.ts'
import { exportCommand } from '../../src/cli/exportCommand.ts'
import type { CliIo } from '../../src/cli/io.ts'
import { verifyCommand } from '../../src/cli/verifyCommand.ts'
import { API_TOKEN, auth, SMALLEST } from '../helpers/gateway.ts'
import { tempDir } from '../helpers/memory.ts'
import {
  type AnchoredGateway,
  eventually,
  startAnchoredGateway,
  useChains,
  writeDeployments,
} from './anchoredGateway.ts'

function bufferIo(): CliIo & { text: () => string } {
  let out = ''
  return {
    out: (t) => {
      out += t
    },
    err: (t) => {
      out += t
    },
    env: {},
    text: () => out,
  }
}

/** The same hex string with one nibble changed at `at` (counted from the end). */
function flip(hex: string, at = 3): string {
  const i = hex.length - at
  return `${hex.slice(0, i)}${hex[i] === '0' ? '1' : '0'}${hex.slice(i + 1)}`
}

describe('tamper corpus: tml verify and tml audit catch a changed byte', () => {
  let gw: AnchoredGateway
  let api: string
  let bundle: ProofBundle
  let db: Database.Database
  const dir = tempDir()
  const rpcArgs = () => fixture().chains.flatMap((c) => ['--rpc', `${c.chainId}=${c.nodeUrl}`])

  const fixture = useChains({
    started: async () => {
      gw = await startAnchoredGateway(fixture(), {}, dir)
      await gw.app.listen({ host: '127.0.0.1', port: 0 })
      api = `http://127.0.0.1:${(gw.app.server.address() as AddressInfo).port}`
      const answers = []
      for (let i = 0; i < 5; i++) {
        const res = await gw.app.inject({
          method: 'POST',
          url: '/v1/decisions',
          headers: auth,
          payload: { ...SMALLEST, profile: 'finance' },
        })
        answers.push(res.json() as { trace_id: string; seq: number })
      }
      const target = answers[2] as { trace_id: string }
      bundle = await eventually(
        async () => {
          const res = await gw.app.inject({
            url: `/v1/traces/${target.trace_id}/proof`,
            headers: auth,
          })
          const b = res.statusCode === 200 ? (res.json() as ProofBundle) : undefined
          return b && b.anchors.length === 2 && b.treeSize === 5 ? b : undefined
        },
        30_000,
        'bundle',
      )
      // Stop the lane so that it does not react to the tampering (the audit is what must).
      await gw.gateway.lane?.stop()
      db = new Database(join(dir, 'log.db'))
      db.exec('DROP TRIGGER IF EXISTS entries_no_update')
    },
    stopping: async () => {
      db?.close()
      await gw?.close()
    },
  })

  const verify = async (b: unknown) => {
    const file = join(tempDir(), 'bundle.json')
    writeFileSync(file, JSON.stringify(b))
    const io = bufferIo()
    const code = await verifyCommand({ argv: [file, ...rpcArgs(), '--trust-bundle'], io })
    return { code, text: io.text() }
  }
  const audit = async (extra: string[] = []) => {
    const io = bufferIo()
    const code = await auditCommand({
      argv: [
        ...extra,
        '--api',
        api,
        '--token',
        API_TOKEN,
        '--log',
        fixture().logId,
        ...rpcArgs(),
        '--deployments',
        writeDeployments(fixture()),
        '--quiet',
      ],
      io,
    })
    return { code, text: io.text() }
  }

  test('default: the untouched bundle and log pass', async () => {
    const v = await verify(bundle)
    assert.equal(v.code, 0, v.text)
    const a = await audit()
    assert.equal(a.code, 0, a.text)
    assert.match(a.text, /audit clean/)
  })

  test('behavior: tml verify trusts the given registries and reads the keys from them', async () => {
    const file = join(tempDir(), 'bundle.json')
    writeFileSync(file, JSON.stringify(bundle))
    const deployments = writeDeployments(fixture())
    const trusted = bufferIo()
    assert.equal(
      await verifyCommand({
        argv: [file, ...rpcArgs(), '--deployments', deployments],
        io: trusted,
      }),
      0,
      trusted.text(),
    )
    assert.match(trusted.text(), /keys as declared on chain/)
    assert.doesNotMatch(trusted.text(), /warning/)

    const untrusted = await verify(bundle)
    assert.equal(untrusted.code, 0)
    assert.match(
      untrusted.text,
      /warning: --trust-bundle: the registries the bundle names are trusted/,
    )
    assert.match(untrusted.text, /the registries the bundle names, trusted on request/)

    // No registries pinned and no explicit --trust-bundle: refused before anything is read.
    const unpinned = bufferIo()
    assert.equal(await verifyCommand({ argv: [file, ...rpcArgs()], io: unpinned }), 2)
    assert.match(unpinned.text(), /no registries to trust: pass --deployments/)

    // --json: stdout is the verdict and nothing else.
    let stdout = ''
    const json = { ...bufferIo(), out: (t: string) => (stdout += t) }
    assert.equal(
      await verifyCommand({
        argv: [file, ...rpcArgs(), '--deployments', deployments, '--json'],
        io: json,
      }),
      0,
    )
    const verdict = JSON.parse(stdout) as { valid: boolean; status: string; steps: unknown[] }
    assert.equal(verdict.valid, true)
    assert.equal(verdict.status, 'valid')
    assert.ok(verdict.steps.length > 0)

    // A registry the verifier trusts that does not hold this log: no keys, no pass.
    const ethereum = fixture().chains[0]
    assert.ok(ethereum)
    const other = bufferIo()
    const code = await verifyCommand({
      argv: [file, ...rpcArgs(), '--registry', `${ethereum.chainId}=0x${'11'.repeat(20)}`],
      io: other,
    })
    assert.equal(code, 1, other.text())
    assert.match(other.text(), /FAIL chains: .*\n.*does not answer as a checkpoint registry/)
    assert.match(other.text(), /failing steps: chains, keys, checkpointSignature, receiptSignature/)

    const missing = bufferIo()
    assert.equal(
      await verifyCommand({
        argv: [file, ...rpcArgs(), '--deployments', join(deployments, 'x')],
        io: missing,
      }),
      2,
    )
    assert.match(missing.text(), /cannot read the deployments directory/)
  })

  test('default: tml export writes the MTLs and checkpoints', async () => {
    const file = join(tempDir(), 'export.json')
    const io = bufferIo()
    const code = await exportCommand({
      argv: ['--api', api, '--token', API_TOKEN, '--log', fixture().logId, '--out', file],
      io,
    })
    assert.equal(code, 0, io.text())
    // NDJSON: a header, then entries and checkpoints in order.
    const lines = readFileSync(file, 'utf8')
      .trimEnd()
      .split('\n')
      .map(
        (l) =>
          JSON.parse(l) as {
            type: string
            v?: string
            mtl?: { seq: number }
            checkpoint?: { treeSize: number }
          },
      )
    assert.equal(lines[0]?.type, 'header')
    assert.equal(lines[0]?.v, 'tml-export/2')
    assert.deepEqual(
      lines.filter((l) => l.type === 'entry').map((l) => l.mtl?.seq),
      [0, 1, 2, 3, 4],
    )
    assert.equal(lines.at(-1)?.type, 'checkpoint')
    assert.equal(lines.at(-1)?.checkpoint?.treeSize, 5)
    const bad = await exportCommand({ argv: ['--api', api, '--out', file], io: bufferIo() })
    assert.equal(bad, 2)
  })

  const bundleCases: { desc: string; tamper: (b: ProofBundle) => void; step: RegExp }[] = [
    {
      desc: 'MTL',
      tamper: (b) => {
        b.mtl.trigger_detail = `${b.mtl.trigger_detail}.`
      },
      step: /failing steps: .*leafHash/,
    },
    {
      desc: 'inclusion proof',
      tamper: (b) => {
        b.inclusionProof[0] = flip(b.inclusionProof[0] as string) as `0x${string}`
      },
      step: /failing steps: inclusion/,
    },
    {
      desc: 'checkpoint root',
      tamper: (b) => {
        b.checkpoint.rootHash = flip(b.checkpoint.rootHash) as `0x${string}`
      },
      step: /failing steps: .*checkpointSignature.*anchor/,
    },
    {
      desc: 'checkpoint signature',
      tamper: (b) => {
        b.checkpointSignature = flip(b.checkpointSignature, 10) as `0x${string}`
      },
      step: /failing steps: checkpointSignature/,
    },
    {
      desc: 'receipt signature',
      tamper: (b) => {
        b.receipt.signature = flip(b.receipt.signature, 10) as `0x${string}`
      },
      step: /failing steps: receiptSignature/,
    },
  ]
  for (const c of bundleCases) {
    test(`behavior: tml verify catches a byte changed in the ${c.desc}`, async () => {
      const b = structuredClone(bundle)
      c.tamper(b)
      const v = await verify(b)
      assert.equal(v.code, 1, v.text)
      assert.match(v.text, c.step)
    })
  }

  const flipBlob = (table: string, column: string, key: string, id: number) => {
    const row = db.prepare(`SELECT ${column} AS v FROM ${table} WHERE ${key} = ?`).get(id) as {
      v: Buffer
    }
    const changed = Buffer.from(row.v)
    changed[5] = (changed[5] ?? 0) ^ 1
    db.prepare(`UPDATE ${table} SET ${column} = ? WHERE ${key} = ?`).run(changed, id)
  }
  const storeCases: { desc: string; tamper: () => void; problem: RegExp; args?: string[] }[] = [
    {
      desc: 'a stored MTL',
      tamper: () =>
        db.exec(
          `UPDATE entries SET mtl = replace(mtl, '"kind":"decision"', '"kind":"decisioN"') WHERE seq = 1`,
        ),
      problem: /PROBLEM mtl: entry 1: MTL hashes to/,
    },
    {
      desc: 'a stored receipt signature (--receipts all)',
      tamper: () => flipBlob('entries', 'receipt_signature', 'seq', 3),
      problem: /PROBLEM receipt: entry 3: receipt signature invalid/,
      args: ['--receipts', 'all'],
    },
    {
      // The default verifies the receipts a promise check rests on: the earliest one before
      // each checkpoint (here the log's first).
      desc: 'the earliest receipt before a checkpoint',
      tamper: () => flipBlob('entries', 'receipt_signature', 'seq', 0),
      problem: /PROBLEM receipt: entry 0: receipt signature invalid/,
    },
    {
      desc: 'a stored checkpoint root',
      tamper: () => flipBlob('checkpoints', 'root_hash', 'epoch', 1),
      problem:
        /PROBLEM checkpoint: epoch 1: root 0x[0-9a-f]{64}, recomputed[\s\S]*PROBLEM anchor: epoch 1: chain 31337 holds checkpoint hash/,
    },
    {
      desc: 'a stored checkpoint signature',
      tamper: () => flipBlob('checkpoints', 'signature', 'epoch', 1),
      problem: /PROBLEM signature: epoch 1/,
    },
  ]
  for (const c of storeCases) {
    test(`behavior: tml audit catches a byte changed in ${c.desc}`, async () => {
      const saved = {
        entries: db.prepare('SELECT seq, mtl, receipt_signature FROM entries').all() as {
          seq: number
          mtl: string
          receipt_signature: Buffer
        }[],
        checkpoints: db.prepare('SELECT epoch, root_hash, signature FROM checkpoints').all() as {
          epoch: number
          root_hash: Buffer
          signature: Buffer
        }[],
      }
      c.tamper()
      try {
        const a = await audit(c.args)
        assert.equal(a.code, 1, a.text)
        assert.match(a.text, c.problem)
      } finally {
        const e = db.prepare('UPDATE entries SET mtl = ?, receipt_signature = ? WHERE seq = ?')
        for (const r of saved.entries) e.run(r.mtl, r.receipt_signature, r.seq)
        const k = db.prepare('UPDATE checkpoints SET root_hash = ?, signature = ? WHERE epoch = ?')
        for (const r of saved.checkpoints) k.run(r.root_hash, r.signature, r.epoch)
      }
      assert.equal((await audit()).code, 0, 'restored')
    })
  }

  test('behavior: a byte changed in a stored node gives a bundle that tml verify refuses', async () => {
    const target = bundle.leafIndex
    const sibling = target ^ 1
    const row = db.prepare('SELECT hash FROM nodes WHERE level = 0 AND idx = ?').get(sibling) as {
      hash: Buffer
    }
    const changed = Buffer.from(row.hash)
    changed[0] = (changed[0] ?? 0) ^ 1
    db.prepare('UPDATE nodes SET hash = ? WHERE level = 0 AND idx = ?').run(changed, sibling)
    try {
      const res = await gw.app.inject({
        url: `/v1/traces/${bundle.mtl.trace_id}/proof`,
        headers: auth,
      })
      assert.equal(res.statusCode, 200)
      const v = await verify(res.json())
      assert.equal(v.code, 1, v.text)
      assert.match(v.text, /failing steps: inclusion/)
    } finally {
      db.prepare('UPDATE nodes SET hash = ? WHERE level = 0 AND idx = ?').run(row.hash, sibling)
    }
  })
})
