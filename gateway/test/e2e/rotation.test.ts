import assert from 'node:assert/strict'
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import {
  bytesToHex,
  checkpointRegistryAbi,
  type ProofBundle,
  receiptKeyCommitment,
  recoverCheckpointSigner,
  type SignedReceipt,
  verifyReceipt,
} from '@tml/core'
import { createPublicClient, http } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { auditCommand } from '../../src/cli/auditCommand.ts'
import { exportCommand } from '../../src/cli/exportCommand.ts'
import { keysCommand } from '../../src/cli/keysCommand.ts'
import { keysRotate } from '../../src/cli/keysRotate.ts'
import { verifyCommand } from '../../src/cli/verifyCommand.ts'
import { CHECKPOINT_KEYS_FILE } from '../../src/keys/CheckpointKeyHistory.ts'
import { type GatewayKeys, loadKeys } from '../../src/keys/loadKeys.ts'
import { API_TOKEN, auth, SMALLEST } from '../helpers/gateway.ts'
import { tempDir } from '../helpers/memory.ts'
import {
  type AnchoredGateway,
  eventually,
  type Fixture,
  startAnchoredGateway,
  useChains,
  writeDeployments,
} from './anchoredGateway.ts'
import { DEV_KEYS } from './localChains.ts'

function captureIo(env: Record<string, string>) {
  let out = ''
  let err = ''
  return {
    io: {
      out: (t: string) => {
        out += t
      },
      err: (t: string) => {
        err += t
      },
      env,
    },
    out: () => out,
    err: () => err,
  }
}

describe('checkpoint key rotation on two local chains', () => {
  let gw: AnchoredGateway
  let keys: GatewayKeys
  let env: Record<string, string>
  const dataDir = tempDir()
  const keysDir = join(dataDir, 'keys')
  let deployments: string
  let rotateArgs: string[]
  const seqs: { trace_id: string; seq: number; receipt: SignedReceipt }[] = []

  const fixture = useChains({
    started: async () => {
      // Period 0 from the environment, as the other e2e tests; the rotations live in the keys dir.
      env = {
        TML_LOG_ID: fixture().logId,
        TML_CHECKPOINT_KEY: fixture().checkpointKey,
        TML_RECEIPT_KEY: fixture().receiptSeed,
        TML_SUBJECT_INDEX_KEY: bytesToHex(new Uint8Array(32).fill(7)),
        TML_API_KEYS: `tester:${API_TOKEN}`,
        TML_RELAYER_KEY: DEV_KEYS.relayer,
      }
      keys = loadKeys({ dir: keysDir, env, create: false })
      gw = await startAnchoredGateway({ ...fixture(), keys }, {}, dataDir)
      deployments = writeDeployments(fixture())
      rotateArgs = [
        ...fixture().chains.flatMap((c) => ['--chain', `${c.name}=${c.rpcUrl}`]),
        '--deployments',
        deployments,
        '--data',
        dataDir,
        '--keys',
        keysDir,
      ]
    },
    stopping: async () => {
      await gw?.close()
    },
  })

  const decide = async () => {
    const res = await gw.app.inject({
      method: 'POST',
      url: '/v1/decisions',
      headers: auth,
      payload: { ...SMALLEST, profile: 'finance' },
    })
    assert.equal(res.statusCode, 200, res.body)
    const answer = res.json() as { trace_id: string; seq: number; receipt: SignedReceipt }
    seqs.push(answer)
    return answer
  }
  const store = () => gw.gateway.lane?.store as NonNullable<typeof gw.gateway.lane>['store']
  const latestEpoch = async () => (await store().latestCheckpoint())?.epoch ?? 0
  const client = (c: Fixture['chains'][number]) =>
    createPublicClient({ transport: http(c.nodeUrl) })
  const keysAt = async (c: Fixture['chains'][number], epoch: number) => {
    const [signer, , index] = await client(c).readContract({
      address: c.registry,
      abi: checkpointRegistryAbi,
      functionName: 'keysAt',
      args: [fixture().logId, BigInt(epoch)],
    })
    return { signer, index: Number(index) }
  }
  const periodCount = async (c: Fixture['chains'][number]) =>
    Number(
      await client(c).readContract({
        address: c.registry,
        abi: checkpointRegistryAbi,
        functionName: 'keyPeriodCount',
        args: [fixture().logId],
      }),
    )
  const signerOf = async (epoch: number) => {
    const cp = await store().checkpoint(epoch)
    assert.ok(cp, `epoch ${epoch} stored`)
    return recoverCheckpointSigner({
      checkpoint: {
        logId: fixture().logId,
        epoch: BigInt(cp.epoch),
        treeSize: BigInt(cp.treeSize),
        rootHash: cp.rootHash,
        timestamp: BigInt(cp.timestamp),
      },
      signature: cp.signature,
    })
  }
  const anchoredEverywhere = (epoch: number) =>
    eventually(
      () =>
        gw.gateway.lane?.chainStatus().every((s) => s.confirmedEpoch >= epoch) ? true : undefined,
      30_000,
      `epoch ${epoch} confirmed on both chains`,
    )
  const bundleOf = (traceId: string) =>
    eventually(
      async () => {
        const res = await gw.app.inject({ url: `/v1/traces/${traceId}/proof`, headers: auth })
        if (res.statusCode !== 200) return undefined
        const b = res.json() as ProofBundle
        return b.anchors.length === 2 ? b : undefined
      },
      30_000,
      `bundle of ${traceId}`,
    )
  const verifyWithDeployments = async (bundle: ProofBundle) => {
    const file = join(tempDir(), 'bundle.json')
    writeFileSync(file, JSON.stringify(bundle))
    const cli = captureIo({})
    const code = await verifyCommand({
      argv: [
        file,
        ...fixture().chains.flatMap((c) => ['--rpc', `${c.chainId}=${c.nodeUrl}`]),
        '--deployments',
        deployments,
      ],
      io: cli.io,
    })
    assert.equal(code, 0, cli.out() + cli.err())
    return cli
  }

  test('behavior: anchoring carries on across a rotation; A signs before E, B from E, keysAt gives B on both chains, receipts hand over exactly at E, bundles on both sides verify', async () => {
    const a = privateKeyToAccount(fixture().checkpointKey).address
    for (let i = 0; i < 3; i++) {
      await decide()
      await eventually(
        async () => ((await latestEpoch()) >= i + 1 ? true : undefined),
        10_000,
        'an epoch',
      )
    }
    const before = await latestEpoch()
    await anchoredEverywhere(before)
    // A bundle from before the switch (its checkpoint signed by A); verified after the rotation.
    const old = await bundleOf((seqs[0] as { trace_id: string }).trace_id)

    const cli = captureIo(env)
    const code = await keysCommand({ argv: ['rotate', ...rotateArgs], io: cli.io })
    assert.equal(code, 0, cli.out() + cli.err())
    const history = keys.checkpointKeys.periods()
    assert.equal(history.length, 2)
    const period = history[1] as (typeof history)[number]
    const E = period.fromEpoch
    assert.equal(E, before + 2, 'max(store, heads) + the default margin of 2')
    const b = period.address
    assert.notEqual(b, a)
    for (const c of fixture().chains) {
      assert.match(
        cli.out(),
        new RegExp(`${c.name}: statement 1 relayed, tx 0x[0-9a-f]{64}, block \\d+`),
      )
      assert.match(
        cli.out(),
        new RegExp(`${c.name}: keysAt\\(${E}\\) = ${b} \\(period 1\\) confirmed`),
      )
    }
    // The key files and the history: 0600; the statement names the new receipt key's commitment.
    const oldReceiptKey = gw.gateway.receiptKeys.publicKeyFor(0)
    assert.equal(period.receiptKeyFile, 'receipt-1.key')
    assert.equal(statSync(join(keysDir, period.keyFile as string)).mode & 0o777, 0o600)
    assert.equal(statSync(join(keysDir, 'receipt-1.key')).mode & 0o777, 0o600)
    assert.equal(statSync(join(keysDir, CHECKPOINT_KEYS_FILE)).mode & 0o777, 0o600)
    assert.notEqual(period.receiptKeyCommitment, receiptKeyCommitment(oldReceiptKey))
    assert.equal(period.statement?.rotation.receiptKey, period.receiptKeyCommitment)

    // The gateway switches at E without a restart.
    while ((await latestEpoch()) < E + 2) {
      await decide()
      await new Promise((r) => setTimeout(r, 250))
    }
    await anchoredEverywhere(await latestEpoch())
    for (let epoch = 1, last = await latestEpoch(); epoch <= last; epoch++)
      assert.equal(await signerOf(epoch), epoch < E ? a : b, `signer of epoch ${epoch}`)
    // Receipts hand over where E begins: epoch E - 1 closes at the first receipt of the new key.
    const handovers = await store().receiptHandovers()
    assert.deepEqual(
      handovers.map((h) => [h.period, h.epoch]),
      [[1, E - 1]],
    )
    const B = (handovers[0] as (typeof handovers)[number]).fromSeq
    assert.equal((await store().checkpoint(E - 1))?.treeSize, B, 'epoch E - 1 ends at the handover')
    const newReceiptKey = gw.gateway.receiptKeys.publicKeyFor(B)
    assert.equal(receiptKeyCommitment(newReceiptKey), period.receiptKeyCommitment)
    assert.ok(seqs.some((x) => x.seq < B) && seqs.some((x) => x.seq >= B))
    for (const { seq, receipt } of seqs) {
      const key = seq < B ? oldReceiptKey : newReceiptKey
      assert.ok(verifyReceipt({ receipt, publicKey: key }), `receipt ${seq} by its epoch's key`)
      assert.ok(!verifyReceipt({ receipt, publicKey: seq < B ? newReceiptKey : oldReceiptKey }))
    }
    for (const c of fixture().chains) {
      assert.deepEqual(await keysAt(c, E - 1), { signer: a, index: 0 })
      assert.deepEqual(await keysAt(c, E), { signer: b, index: 1 })
      for (const epoch of [E - 1, E, E + 1]) {
        const hash = await client(c).readContract({
          address: c.registry,
          abi: checkpointRegistryAbi,
          functionName: 'checkpointHashAt',
          args: [fixture().logId, BigInt(epoch)],
        })
        assert.notEqual(hash, `0x${'00'.repeat(32)}`, `${c.name} holds epoch ${epoch}`)
      }
    }
    // A leaf before the switch and one after: both bundles verify against keysAt of their epoch.
    const fresh = await bundleOf((seqs.at(-1) as { trace_id: string }).trace_id)
    assert.ok(old.checkpoint.epoch < E && fresh.checkpoint.epoch >= E)
    assert.equal(old.log.checkpointSigner, a)
    assert.equal(fresh.log.checkpointSigner, b)
    assert.equal(old.log.receiptPublicKey, oldReceiptKey)
    assert.equal(fresh.log.receiptPublicKey, newReceiptKey)
    await verifyWithDeployments(old)
    await verifyWithDeployments(fresh)
    // The first receipt again, now proven in a checkpoint of the new period: its bundle names the
    // key that signed it, and the chain's history (a key begun at or before the epoch) takes it.
    const oldAgain = await bundleOf((seqs[0] as { trace_id: string }).trace_id)
    assert.ok(oldAgain.checkpoint.epoch >= E)
    assert.equal(oldAgain.log.receiptPublicKey, oldReceiptKey)
    await verifyWithDeployments(oldAgain)

    // tml export + tml audit of the rotated log: the export names both receipt keys, each from
    // its first seq, and the audit checks every receipt with its own key against the chains'
    // history. A claim that moves the handover (the new key from seq 0) is caught.
    await gw.app.listen({ host: '127.0.0.1', port: 0 })
    const api = `http://127.0.0.1:${(gw.app.server.address() as AddressInfo).port}`
    const exported = join(tempDir(), 'rotated.ndjson')
    const ex = captureIo({ TML_API_KEY: API_TOKEN })
    assert.equal(
      await exportCommand({
        argv: ['--api', api, '--log', fixture().logId, '--out', exported, '--quiet'],
        io: ex.io,
      }),
      0,
      ex.err(),
    )
    const header = JSON.parse(readFileSync(exported, 'utf8').split('\n')[0] as string) as {
      log: { receiptKeys: { fromSeq: number; publicKey: string }[] }
    }
    assert.deepEqual(header.log.receiptKeys, [
      { fromSeq: 0, publicKey: oldReceiptKey },
      { fromSeq: B, publicKey: newReceiptKey },
    ])
    const audit = async (file: string) => {
      const io = captureIo({})
      const code = await auditCommand({
        argv: [
          '--from',
          file,
          ...fixture().chains.flatMap((c) => ['--rpc', `${c.chainId}=${c.nodeUrl}`]),
          '--deployments',
          deployments,
          '--quiet',
        ],
        io: io.io,
      })
      return { code, text: io.out() + io.err() }
    }
    const clean = await audit(exported)
    assert.equal(clean.code, 0, clean.text)
    const lines = readFileSync(exported, 'utf8').trimEnd().split('\n')
    const forged = JSON.parse(lines[0] as string) as typeof header
    forged.log.receiptKeys = [{ fromSeq: 0, publicKey: newReceiptKey }]
    const forgedFile = join(tempDir(), 'forged.ndjson')
    writeFileSync(forgedFile, `${[JSON.stringify(forged), ...lines.slice(1)].join('\n')}\n`)
    const caught = await audit(forgedFile)
    assert.equal(caught.code, 1, caught.text)
    assert.match(caught.text, /no key period that began by then has it/)

    const show = captureIo(env)
    assert.equal(await keysCommand({ argv: ['show', '--keys', keysDir], io: show.io }), 0)
    assert.match(
      show.out(),
      new RegExp(`period 0 +from epoch 1 +${a} +TML_CHECKPOINT_KEY +declared`),
    )
    assert.match(
      show.out(),
      new RegExp(
        `period 1 +from epoch ${E} +${b} +checkpoint-1\\.key +statement 0x[0-9a-f]{16}… signed by period 0`,
      ),
    )
  })

  test('behavior: an epoch at or below a chain head is refused before anything is signed', async () => {
    const historyBefore = readFileSync(join(keysDir, CHECKPOINT_KEYS_FILE), 'utf8')
    const filesBefore = readdirSync(keysDir).sort()
    const [head] = await client(fixture().chains[0] as Fixture['chains'][number]).readContract({
      address: (fixture().chains[0] as Fixture['chains'][number]).registry,
      abi: checkpointRegistryAbi,
      functionName: 'head',
      args: [fixture().logId],
    })
    const cli = captureIo(env)
    const code = await keysRotate({
      argv: [...rotateArgs, '--at-epoch', String(head)],
      io: cli.io,
    })
    assert.equal(code, 1)
    assert.match(cli.err(), /is not above \d+ \(.*ethereum head \d+.*\).*nothing was signed/)
    assert.equal(readFileSync(join(keysDir, CHECKPOINT_KEYS_FILE), 'utf8'), historyBefore)
    assert.deepEqual(readdirSync(keysDir).sort(), filesBefore)
    for (const c of fixture().chains) assert.equal(await periodCount(c), 2)
  })

  test('behavior: a crash between writing the history and relaying; the re-run relays the same statement (no fork)', async () => {
    const cli = captureIo(env)
    const crashed = await keysRotate({
      argv: rotateArgs,
      io: cli.io,
      crashPoint: (point) => {
        if (point === 'afterHistory') throw new Error('simulated crash after the history write')
      },
    })
    assert.equal(crashed, 1)
    const written = keys.checkpointKeys.periods()
    assert.equal(written.length, 3)
    const statement = written[2]?.statement
    assert.ok(statement)
    for (const c of fixture().chains) assert.equal(await periodCount(c), 2, 'nothing relayed')

    const rerun = captureIo(env)
    assert.equal(await keysRotate({ argv: rotateArgs, io: rerun.io }), 0, rerun.out() + rerun.err())
    assert.match(
      rerun.out(),
      /statement 2 .* is already in .*: relaying it where it is missing, no new key/,
    )
    const after = keys.checkpointKeys.periods()
    assert.equal(after.length, 3, 'no second statement for index 2')
    assert.deepEqual(after[2]?.statement, statement)
    assert.equal(existsSync(join(keysDir, 'checkpoint-3.key')), false)
    const c2 = written[2] as (typeof written)[number]
    for (const c of fixture().chains) {
      assert.equal(await periodCount(c), 3)
      assert.deepEqual(await keysAt(c, c2.fromEpoch), { signer: c2.address, index: 2 })
    }
    // A third run has nothing pending and would make statement 3; the log keeps anchoring on C.
    while ((await latestEpoch()) < c2.fromEpoch + 1) {
      await decide()
      await new Promise((r) => setTimeout(r, 250))
    }
    await anchoredEverywhere(await latestEpoch())
    assert.equal(await signerOf(await latestEpoch()), c2.address)
    await verifyWithDeployments(await bundleOf((seqs.at(-1) as { trace_id: string }).trace_id))
  })
})
