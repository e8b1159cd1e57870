import assert from 'node:assert/strict'
import { before, describe, test } from 'node:test'
import type { Address } from 'viem'
import type { VerificationStep } from '../../src/bundle/VerificationStep.ts'
import { verifyBundle } from '../../src/bundle/verifyBundle.ts'
import type { Hex } from '../../src/bytes/hex.ts'
import { checkpointStructHash } from '../../src/checkpoint/checkpointStructHash.ts'
import { receiptKeyCommitment } from '../../src/receipt/receiptKeyCommitment.ts'
import type { BlockSpan } from '../../src/rpc/searchBlockRanges.ts'
import { InvalidVerifierConfigError } from '../../src/verify/InvalidVerifierConfigError.ts'
import type { VerifierChain } from '../../src/verify/VerifierChain.ts'
import { verifyProof } from '../../src/verify/verifyProof.ts'
import {
  type Context,
  type Json,
  otherAccount,
  otherHash,
  set,
  tamperCorpus,
} from '../bundle/tamperCorpus.ts'
import {
  buildFixtureBundle,
  FIXTURE_CHAINS,
  FIXTURE_CHECKPOINT_SIGNER,
  FIXTURE_RECEIPT_PUBLIC_KEY,
  type FixtureBundle,
  fakeReader,
} from '../fixtures/bundle.ts'
import { type FakeChainState, fakeChainState, fakeClient } from './fakeChain.ts'

const OPERATOR: Address = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8'
const [SEPOLIA, AMOY] = FIXTURE_CHAINS

let fixture: FixtureBundle
before(async () => {
  fixture = await buildFixtureBundle()
})

/** The fixture bundle without its stand-in `.ots` (not a real proof: the ots step would fail). */
function bundleCopy(): Json {
  const bundle = structuredClone(fixture.bundle) as unknown as Json
  delete bundle.ots
  return bundle
}

/**
 * Both fixture chains as fake nodes: the log declared with the fixture's keys, the checkpoint of
 * epoch 1 anchored (hashes from `anchored`, by default the fixture's), its CheckpointAnchored
 * event at the bundle's block, the operator's Lantern lit and certifying the MTL's policy.
 */
function world(anchored: Map<string, { checkpointHash: Hex }> = fixture.chains): FakeChainState[] {
  return FIXTURE_CHAINS.map(({ chainId, registry }, i) => {
    const state = fakeChainState(chainId, 3 + 2 * i)
    state.registry = registry
    const hashes = new Map<bigint, Hex>()
    for (const [key, value] of anchored) {
      const [id, reg, logId, epoch] = key.split(':')
      if (
        Number(id) === chainId &&
        reg === registry.toLowerCase() &&
        logId === fixture.checkpoint.logId
      )
        hashes.set(BigInt(epoch as string), value.checkpointHash)
    }
    state.logs.set(fixture.checkpoint.logId.toLowerCase(), {
      status: 1,
      signer: FIXTURE_CHECKPOINT_SIGNER,
      receiptKey: receiptKeyCommitment(FIXTURE_RECEIPT_PUBLIC_KEY),
      keyPeriod: 0n,
      hashes,
      operator: OPERATOR,
      name: 'fixture log',
    })
    const anchor = fixture.bundle.anchors[i]
    assert.ok(anchor)
    state.events.push({
      eventName: 'CheckpointAnchored',
      args: {
        logId: fixture.checkpoint.logId,
        epoch: 1n,
        treeSize: fixture.checkpoint.treeSize,
        rootHash: fixture.checkpoint.rootHash,
        timestamp: fixture.checkpoint.timestamp,
      },
      blockNumber: BigInt(anchor.blockNumber),
      transactionHash: anchor.txHash,
    })
    state.blockTimes.set(BigInt(anchor.blockNumber), 1741944800n + BigInt(i))
    state.certifiedPolicies.add(fixture.bundle.mtl.policy_hash.toLowerCase())
    return state
  })
}

const pinned = (states: FakeChainState[]): VerifierChain[] =>
  states.map((s) => ({ chainId: s.chainId, client: fakeClient(s), checkpointRegistry: s.registry }))

const stateOf = (states: FakeChainState[], chainId: number): FakeChainState => {
  const state = states.find((s) => s.chainId === chainId)
  assert.ok(state)
  return state
}

const failing = (steps: VerificationStep[]) => steps.filter((s) => !s.ok).map((s) => s.id)
const step = (steps: VerificationStep[], id: string) => {
  const found = steps.find((s) => s.id === id)
  assert.ok(found, `no step ${id}`)
  return found
}

// The fixture proves a resolution MTL written before resolutions carried their signed deadline:
// its `resolution` step fails whatever the chains say. The checks below are about the chains.
const ignoringResolution = (steps: VerificationStep[]) =>
  failing(steps).filter((id) => id !== 'resolution')

describe('verifyProof', () => {
  test('default: the fixture bundle on both chains: every chain step passes, anchoredOn read from the chain', async () => {
    const seen: string[] = []
    const verdict = await verifyProof({
      bundle: bundleCopy(),
      chains: pinned(world()),
      onStep: (s) => seen.push(s.id),
    })
    assert.deepEqual(
      verdict.steps.map((s) => s.id),
      [
        'bundle',
        'mtl',
        'leafHash',
        'inclusion',
        'chains',
        'keys',
        'checkpointSignature',
        'receiptSignature',
        `anchor:${AMOY.chainId}`,
        `anchor:${SEPOLIA.chainId}`,
        'agreement',
        'anchored',
        'logStatus',
        'lantern',
        'policy',
        'resolution',
        'ots',
      ],
    )
    // Each step reported once, as it completed.
    assert.deepEqual([...seen].sort(), verdict.steps.map((s) => s.id).sort())
    assert.deepEqual(ignoringResolution(verdict.steps), [])
    for (const s of verdict.steps.filter((s) => s.id !== 'resolution' && s.id !== 'ots'))
      assert.equal(s.outcome, 'pass', `${s.id}: ${s.reason}`)
    assert.equal(step(verdict.steps, 'ots').outcome, 'notice')
    assert.equal(verdict.trust, 'pinned')
    assert.deepEqual(verdict.checkedChains, [AMOY.chainId, SEPOLIA.chainId])
    assert.deepEqual(verdict.unchecked, [])
    assert.deepEqual(
      verdict.anchoredOn.map((a) => [a.chainId, a.blockNumber, a.blockTime, a.txHash]),
      [
        [AMOY.chainId, 1001n, 1741944801n, fixture.bundle.anchors[1]?.txHash],
        [SEPOLIA.chainId, 1000n, 1741944800n, fixture.bundle.anchors[0]?.txHash],
      ],
    )
    assert.equal(verdict.keys?.checkpointSigner, FIXTURE_CHECKPOINT_SIGNER)
    assert.equal(verdict.log?.status, 'active')
    assert.deepEqual(
      verdict.lanterns.map((l) => [l.chainId, l.lit, l.reason, l.policyCertified, l.operator]),
      [
        [AMOY.chainId, true, 'None', true, OPERATOR],
        [SEPOLIA.chainId, true, 'None', true, OPERATOR],
      ],
    )
  })

  test('behavior: keys disagreeing between chains fail the keys step, naming the chains, and no signature is trusted', async () => {
    const states = world()
    const amoy = stateOf(states, AMOY.chainId).logs.get(fixture.checkpoint.logId.toLowerCase())
    assert.ok(amoy)
    amoy.signer = otherAccount.address
    const verdict = await verifyProof({ bundle: bundleCopy(), chains: pinned(states) })
    assert.equal(verdict.valid, false)
    assert.equal(verdict.status, 'invalid')
    assert.deepEqual(ignoringResolution(verdict.steps), [
      'keys',
      'checkpointSignature',
      'receiptSignature',
    ])
    const keys = step(verdict.steps, 'keys')
    assert.match(
      keys.reason ?? '',
      /chains disagree on the log's keys \(chains 80002 vs 11155111\)/,
    )
    assert.match(keys.detail ?? '', new RegExp(`chain 80002: signer ${otherAccount.address}`))
    assert.equal(verdict.keys, undefined)
  })

  test('behavior: a root disagreeing between chains fails that anchor and the agreement, naming both chains', async () => {
    const chains = new Map(fixture.chains)
    for (const key of chains.keys())
      if (key.startsWith(`${AMOY.chainId}:`))
        chains.set(key, {
          checkpointHash: checkpointStructHash({ ...fixture.checkpoint, rootHash: otherHash(8) }),
        })
    const verdict = await verifyProof({ bundle: bundleCopy(), chains: pinned(world(chains)) })
    assert.equal(verdict.status, 'invalid')
    assert.deepEqual(ignoringResolution(verdict.steps), [`anchor:${AMOY.chainId}`, 'agreement'])
    assert.match(
      step(verdict.steps, 'agreement').reason ?? '',
      /Chains 80002 and 11155111 hold different checkpoints for epoch 1/,
    )
    assert.deepEqual(
      verdict.anchoredOn.map((a) => a.chainId),
      [SEPOLIA.chainId],
    )
  })

  test('behavior: a chain the bundle does not list that holds another root for the epoch is a fork too', async () => {
    const bundle = bundleCopy()
    bundle.anchors = [(bundle.anchors as Json[])[0]]
    const chains = new Map(fixture.chains)
    for (const key of chains.keys())
      if (key.startsWith(`${AMOY.chainId}:`))
        chains.set(key, {
          checkpointHash: checkpointStructHash({ ...fixture.checkpoint, treeSize: 4n }),
        })
    const verdict = await verifyProof({ bundle, chains: pinned(world(chains)) })
    assert.deepEqual(ignoringResolution(verdict.steps), [`anchor:${AMOY.chainId}`, 'agreement'])
  })

  test('behavior: a log proven compromised on one chain is not valid, and the proof transaction is named', async () => {
    const states = world()
    const amoy = stateOf(states, AMOY.chainId)
    const log = amoy.logs.get(fixture.checkpoint.logId.toLowerCase())
    assert.ok(log)
    log.status = 3
    const proofTx: Hex = `0x${'e0'.repeat(32)}`
    amoy.events.push({
      eventName: 'EquivocationReported',
      args: {
        logId: fixture.checkpoint.logId,
        reporter: OPERATOR,
        kind: 0,
        firstEpoch: 1n,
        secondEpoch: 1n,
      },
      blockNumber: 1200n,
      transactionHash: proofTx,
    })
    amoy.lanternStatus = { lit: false, reason: 5, faultyLog: fixture.checkpoint.logId }
    const verdict = await verifyProof({ bundle: bundleCopy(), chains: pinned(states) })
    assert.equal(verdict.valid, false)
    assert.deepEqual(ignoringResolution(verdict.steps), ['logStatus'])
    const status = step(verdict.steps, 'logStatus')
    assert.match(
      status.reason ?? '',
      new RegExp(`contradicted itself, on chain 80002 \\(transaction ${proofTx}\\)`),
    )
    assert.equal(verdict.log?.status, 'compromised')
    assert.deepEqual(
      verdict.log?.compromise.map((p) => [p.chainId, p.txHash, p.kind]),
      [[AMOY.chainId, proofTx, 'SameEpoch']],
    )
    // The Lantern is stated, not decisive: a notice naming why it is dark.
    const lantern = step(verdict.steps, 'lantern')
    assert.equal(lantern.outcome, 'notice')
    assert.match(
      lantern.reason ?? '',
      /dark on chain 80002 \(a log of the operator was caught contradicting itself\)/,
    )
  })

  test('behavior: event searches start at each chain’s configured deployment block, never before', async () => {
    // Nodes that refuse a search from before the registries' deployment (as public RPC nodes
    // refuse one from block 0): the anchors' blocks and the compromise proof are still found.
    const states = world()
    const deployed = new Map<number, bigint>([
      [SEPOLIA.chainId, 900n],
      [AMOY.chainId, 950n],
    ])
    for (const s of states) s.refuseLogsBefore = deployed.get(s.chainId) as bigint
    const amoy = stateOf(states, AMOY.chainId)
    const log = amoy.logs.get(fixture.checkpoint.logId.toLowerCase())
    assert.ok(log)
    log.status = 3
    const proofTx: Hex = `0x${'e1'.repeat(32)}`
    amoy.events.push({
      eventName: 'EquivocationReported',
      args: {
        logId: fixture.checkpoint.logId,
        reporter: OPERATOR,
        kind: 0,
        firstEpoch: 1n,
        secondEpoch: 1n,
      },
      blockNumber: 1200n,
      transactionHash: proofTx,
    })
    const chains = pinned(states).map((c) => ({ ...c, fromBlock: deployed.get(c.chainId) }))
    const verdict = await verifyProof({ bundle: bundleCopy(), chains })
    const byChain = (a: { chainId: number }, b: { chainId: number }) => a.chainId - b.chainId
    assert.deepEqual(
      [...verdict.anchoredOn].sort(byChain).map((a) => [a.chainId, a.blockNumber]),
      [...fixture.bundle.anchors].sort(byChain).map((a) => [a.chainId, BigInt(a.blockNumber)]),
    )
    assert.deepEqual(
      verdict.log?.compromise.map((p) => [p.chainId, p.txHash]),
      [[AMOY.chainId, proofTx]],
    )
    for (const s of states) {
      assert.ok(s.logRanges.length > 0, `chain ${s.chainId} was searched`)
      for (const range of s.logRanges)
        assert.ok(
          range.fromBlock !== 'earliest' &&
            BigInt(range.fromBlock) >= (deployed.get(s.chainId) as bigint),
          `chain ${s.chainId}: a search from ${range.fromBlock}`,
        )
    }
  })

  test('behavior: on a long chain behind a node that caps eth_getLogs at 2,000 blocks, the anchors and the proof are found in pages', async () => {
    // Infura's refusal ("range N exceeds limit of 2000"): one search from the deployment to a
    // head 600,000 blocks later is refused; the verifier pages down to what the node accepts.
    const states = world()
    for (const s of states) {
      s.maxLogRange = 2_000n
      s.head = 600_000n
    }
    const amoy = stateOf(states, AMOY.chainId)
    const log = amoy.logs.get(fixture.checkpoint.logId.toLowerCase())
    assert.ok(log)
    log.status = 3
    const proofTx: Hex = `0x${'e2'.repeat(32)}`
    amoy.events.push({
      eventName: 'EquivocationReported',
      args: {
        logId: fixture.checkpoint.logId,
        reporter: OPERATOR,
        kind: 2,
        firstEpoch: 1n,
        secondEpoch: 1n,
      },
      blockNumber: 300_000n,
      transactionHash: proofTx,
    })
    const span: BlockSpan = { blocks: 10_000n }
    const chains = pinned(states).map((c) =>
      c.chainId === SEPOLIA.chainId ? { ...c, eventSpan: span } : c,
    )
    const verdict = await verifyProof({ bundle: bundleCopy(), chains })
    const byChain = (a: { chainId: number }, b: { chainId: number }) => a.chainId - b.chainId
    assert.deepEqual(
      [...verdict.anchoredOn].sort(byChain).map((a) => [a.chainId, a.blockNumber, a.note]),
      [...fixture.bundle.anchors]
        .sort(byChain)
        .map((a) => [a.chainId, BigInt(a.blockNumber), `the bundle names transaction ${a.txHash}`]),
    )
    assert.deepEqual(
      verdict.log?.compromise.map((p) => [p.chainId, p.txHash, p.kind, p.note]),
      [[AMOY.chainId, proofTx, 'SameSizeDifferentRoots', undefined]],
    )
    for (const s of states) {
      const sizes = s.logRanges.map((r) => BigInt(r.toBlock) - BigInt(r.fromBlock) + 1n)
      // The first refusal states the cap: no later search asks for more than 2,000 blocks.
      assert.ok(sizes.length > 1, `chain ${s.chainId} was searched in pages`)
      assert.ok(
        sizes.slice(1).every((n) => n <= 2_000n),
        `chain ${s.chainId}: ${sizes.slice(0, 5)}`,
      )
      // The newest blocks first, and none past the head.
      assert.equal(s.logRanges[0]?.toBlock, '0x927c0')
    }
    // What the node accepts is kept in the caller's span.
    assert.equal(span.blocks, 2_000n)
    assert.equal(span.refused, 2_001n)
  })

  test('errors: a node that refuses even the smallest range: the anchor details say why, the verdict rests on the chain state', async () => {
    const states = world()
    for (const s of states) {
      s.maxLogRange = 5n
      s.head = 50_000n
    }
    const verdict = await verifyProof({ bundle: bundleCopy(), chains: pinned(states) })
    assert.deepEqual(ignoringResolution(verdict.steps), [])
    for (const on of verdict.anchoredOn) {
      assert.equal(on.blockNumber, undefined)
      assert.match(
        on.note ?? '',
        /anchor details not read: Event search of blocks 0–50000 stopped: the node refused even blocks \d+–50000 \(10 blocks\)/,
      )
    }
  })

  test('errors: a fromBlock that is not a block number is refused', async () => {
    const chains = pinned(world()).map((c) => ({ ...c, fromBlock: -1n }))
    await assert.rejects(
      verifyProof({ bundle: bundleCopy(), chains }),
      (e: unknown) => e instanceof InvalidVerifierConfigError && /fromBlock -1/.test(e.message),
    )
  })

  test('behavior: a chain of the bundle without a client is unchecked, and the verdict says what was checked', async () => {
    const states = world()
    const verdict = await verifyProof({
      bundle: bundleCopy(),
      chains: pinned(states.filter((s) => s.chainId === SEPOLIA.chainId)),
    })
    assert.deepEqual(ignoringResolution(verdict.steps), [])
    const amoy = step(verdict.steps, `anchor:${AMOY.chainId}`)
    assert.equal(amoy.outcome, 'unchecked')
    assert.equal(amoy.ok, true)
    assert.deepEqual(verdict.unchecked, [
      { chainId: AMOY.chainId, reason: 'the verifier has no connection configured for it' },
    ])
    assert.deepEqual(verdict.checkedChains, [SEPOLIA.chainId])
    assert.match(
      verdict.summary,
      /Checked on chain 11155111 \(pinned registries\); not checked: chain 80002/,
    )
  })

  test('behavior: with the resolution step aside, one configured chain of two gives valid-with-unchecked', async () => {
    // A decision MTL has no resolution step: rebuild nothing, drop the step by its id instead.
    const states = world()
    const verdict = await verifyProof({
      bundle: bundleCopy(),
      chains: pinned(states.filter((s) => s.chainId === SEPOLIA.chainId)),
    })
    const rest = verdict.steps.filter((s) => s.id !== 'resolution')
    assert.ok(rest.every((s) => s.ok))
    assert.ok(rest.some((s) => s.outcome === 'unchecked'))
  })

  test('behavior: an unreachable RPC leaves its chain unchecked; a wrong chain id fails', async () => {
    const down = world()
    stateOf(down, AMOY.chainId).down = true
    const unreachable = await verifyProof({ bundle: bundleCopy(), chains: pinned(down) })
    assert.deepEqual(ignoringResolution(unreachable.steps), [])
    assert.equal(step(unreachable.steps, 'chains').outcome, 'unchecked')
    assert.equal(step(unreachable.steps, `anchor:${AMOY.chainId}`).outcome, 'unchecked')

    const wrong = world()
    const chains = pinned(wrong)
    stateOf(wrong, AMOY.chainId).chainId = 1
    const verdict = await verifyProof({ bundle: bundleCopy(), chains })
    const chainsStep = step(verdict.steps, 'chains')
    assert.equal(chainsStep.outcome, 'fail')
    assert.match(chainsStep.detail ?? '', /chain 80002: the RPC answers as chain 1/)
  })

  test('behavior: the bundle cannot choose the registry; with trustBundle it does, and the verdict says so', async () => {
    // The attacker's own registry on chain 11155111 holds a forged checkpoint and forged keys.
    const states = world()
    const forged = fakeChainState(SEPOLIA.chainId, 9)
    forged.registry = otherAccount.address
    const real = stateOf(states, SEPOLIA.chainId)
    forged.logs = real.logs
    forged.events = real.events
    forged.blockTimes = real.blockTimes
    const bundle = bundleCopy()
    set(bundle, 'anchors.0.registry', forged.registry)
    // Pinned: the real registry is read; the bundle's claim changes nothing.
    const verdict = await verifyProof({ bundle, chains: pinned(states) })
    assert.deepEqual(ignoringResolution(verdict.steps), [])
    assert.match(
      step(verdict.steps, `anchor:${SEPOLIA.chainId}`).detail ?? '',
      /the bundle names registry 0x7099.*, the trusted 0x5FbDB.* was read/,
    )
    // A pinned LanternRegistry that is not the registry's lantern() fails the chains step.
    const mismatch = await verifyProof({
      bundle,
      chains: pinned(states).map((c) => ({ ...c, lanternRegistry: otherAccount.address })),
    })
    assert.equal(step(mismatch.steps, 'chains').outcome, 'fail')
    // trustBundle: the bundle's registry is used, on a client that has it.
    const trusting = await verifyProof({
      bundle,
      chains: [{ chainId: SEPOLIA.chainId, client: fakeClient(forged) }],
      trustBundle: true,
    })
    assert.equal(trusting.trust, 'bundle')
    assert.match(trusting.summary, /the registries the bundle names, trusted on request/)
    assert.equal(trusting.anchoredOn[0]?.registry, forged.registry)
  })

  test('behavior: a receipt keeps the key of an earlier period the chains hold, not any key the bundle claims', async () => {
    // Period 1 (from epoch 1 here) has a new receipt key; the receipt was signed by period 0's.
    const states = world()
    for (const s of states) {
      const log = s.logs.get(fixture.checkpoint.logId.toLowerCase())
      assert.ok(log)
      log.periods = [{ signer: log.signer, receiptKey: log.receiptKey, fromEpoch: 1n }]
      log.receiptKey = otherHash(0x44)
      log.keyPeriod = 1n
    }
    const verdict = await verifyProof({ bundle: bundleCopy(), chains: pinned(states) })
    assert.deepEqual(ignoringResolution(verdict.steps), [])
    assert.match(
      step(verdict.steps, 'keys').detail ?? '',
      /the receipt's key is that of key period 0/,
    )
    // A key in no period of the history: the receipt step fails.
    for (const s of states) {
      const log = s.logs.get(fixture.checkpoint.logId.toLowerCase())
      if (log?.periods?.[0]) log.periods[0].receiptKey = otherHash(0x45)
    }
    const forged = await verifyProof({ bundle: bundleCopy(), chains: pinned(states) })
    assert.deepEqual(ignoringResolution(forged.steps), ['receiptSignature'])
  })

  test('behavior: a dark Lantern and an uncovered policy are notices, not failures', async () => {
    const states = world()
    for (const s of states) {
      s.lanternStatus = { lit: false, reason: 2, faultyLog: `0x${'00'.repeat(32)}` }
      s.certifiedPolicies.clear()
    }
    const verdict = await verifyProof({ bundle: bundleCopy(), chains: pinned(states) })
    assert.deepEqual(ignoringResolution(verdict.steps), [])
    assert.equal(step(verdict.steps, 'lantern').outcome, 'notice')
    assert.match(step(verdict.steps, 'lantern').reason ?? '', /its certification expired/)
    assert.equal(step(verdict.steps, 'policy').outcome, 'notice')
    assert.deepEqual(
      verdict.lanterns.map((l) => l.policyCertified),
      [false, false],
    )
  })

  test('errors: an unusable configuration throws InvalidVerifierConfigError; a hostile onStep changes nothing', async () => {
    const states = world()
    const [a] = pinned(states)
    assert.ok(a)
    await assert.rejects(
      verifyProof({ bundle: {}, chains: [a, a] }),
      (e: unknown) => e instanceof InvalidVerifierConfigError && /configured twice/.test(e.message),
    )
    await assert.rejects(
      verifyProof({ bundle: {}, chains: [{ chainId: a.chainId, client: a.client }] }),
      /no pinned checkpointRegistry \(pin one, or pass trustBundle\)/,
    )
    await assert.rejects(
      verifyProof({ bundle: {}, chains: [{ ...a, checkpointRegistry: '0x12' as Address }] }),
      /checkpointRegistry 0x12 is not an address/,
    )
    const verdict = await verifyProof({
      bundle: bundleCopy(),
      chains: pinned(states),
      onStep: () => {
        throw new Error('display broke')
      },
    })
    assert.deepEqual(ignoringResolution(verdict.steps), [])
  })

  test('errors: not a bundle: every bundle step fails with a plain reason and the technical detail', async () => {
    const verdict = await verifyProof({ bundle: 42, chains: pinned(world()) })
    assert.equal(verdict.status, 'invalid')
    const first = step(verdict.steps, 'bundle')
    assert.match(first.reason ?? '', /damaged or not in the expected format/)
    assert.equal(first.detail, '$: expected an object, got 42')
  })
})

describe('verifyProof: the tamper corpus gets the verdicts verifyBundle gives', () => {
  // Differences by design: verifyProof reads the pinned registry whatever the bundle names, and
  // a chain it has no client for is unchecked instead of failed.
  const BY_DESIGN: Record<string, string> = {
    'anchor registry replaced by an unknown one': 'the pinned registry is read',
    'both anchors on unknown registries': 'the pinned registries are read',
    'anchor chainId changed': 'chain 137 is unchecked; chain 80002 still holds the checkpoint',
    'no anchors': "the chains hold the checkpoint: a bundle's anchors are hints",
  }
  const OFFLINE = ['bundle', 'mtl', 'leafHash', 'inclusion']
  const SIGNATURES = ['checkpointSignature', 'receiptSignature']
  const tampers = tamperCorpus(() => fixture)
  for (const { desc, mutate } of tampers) {
    test(desc, async (t) => {
      const bundle = bundleCopy()
      const ctx: Context = {
        chains: new Map(fixture.chains),
        trustedKeys: { ...fixture.trustedKeys },
      }
      await mutate(bundle, ctx)
      if (ctx.reader !== undefined) {
        t.diagnostic('a custom ReadCheckpoint: the fake chains of verifyProof have no such reader')
        return
      }
      // The same keys, pinned by the caller (verifyProof checks them against the chains').
      const pinnedKeys = desc.startsWith('trusted') ? ctx.trustedKeys : undefined
      // verifyBundle with the keys a chain holds: the signer and the receipt key's commitment.
      const expected = await verifyBundle(bundle, {
        readCheckpoint: fakeReader(ctx.chains),
        trustedKeys: pinnedKeys ?? {
          checkpointSigner: FIXTURE_CHECKPOINT_SIGNER,
          receiptKeyCommitment: receiptKeyCommitment(FIXTURE_RECEIPT_PUBLIC_KEY),
        },
      })
      const verdict = await verifyProof({ bundle, chains: pinned(world(ctx.chains)), pinnedKeys })
      const got = ignoringResolution(verdict.steps)
      const byDesign = BY_DESIGN[desc]
      if (byDesign !== undefined) {
        assert.equal(expected.valid, false, desc)
        assert.deepEqual(got, [], `${desc}: ${byDesign}`)
        return
      }
      // The same verdict, and the same offline failures.
      assert.equal(got.length === 0, expected.valid, `${desc}: ${got}`)
      const want = failing(expected.steps)
      assert.deepEqual(
        got.filter((id) => OFFLINE.includes(id)),
        want.filter((id) => OFFLINE.includes(id)),
        desc,
      )
      // Keys the caller pinned that are not the chains' fail the keys step instead.
      if (pinnedKeys !== undefined) assert.deepEqual(got, ['keys', ...SIGNATURES], desc)
      // No chain knows the log the checkpoint names (or it is unreadable): no keys, and the
      // signatures are not checked.
      else if (got.includes('keys'))
        assert.deepEqual(
          got.filter((id) => SIGNATURES.includes(id)),
          SIGNATURES,
          desc,
        )
      else
        assert.deepEqual(
          got.filter((id) => SIGNATURES.includes(id)),
          want.filter((id) => SIGNATURES.includes(id)),
          desc,
        )
    })
  }
})
