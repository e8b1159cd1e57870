import assert from 'node:assert/strict'
import { before, describe, test } from 'node:test'
import { verifyBundle } from '../../src/bundle/verifyBundle.ts'
import type { Hex } from '../../src/bytes/hex.ts'
import { checkpointStructHash } from '../../src/checkpoint/checkpointStructHash.ts'
import { validateMtl } from '../../src/mtl/validateMtl.ts'
import { buildFixtureBundle, type FixtureBundle, fakeReader } from '../fixtures/bundle.ts'
import {
  type Context,
  flipBit,
  get,
  INVALID_MTL_CHANGES,
  type Json,
  set,
  type Tamper,
  tamperCorpus,
  VALID_MTL_CHANGES,
} from './tamperCorpus.ts'

const ALL_STEPS = [
  'bundle',
  'mtl',
  'leafHash',
  'inclusion',
  'checkpointSignature',
  'receiptSignature',
  'anchor:11155111',
  'anchor:80002',
  'anchored',
]

let fixture: FixtureBundle
before(async () => {
  fixture = await buildFixtureBundle()
})

const tampers = tamperCorpus(() => fixture)

async function run(
  mutate: Tamper['mutate'],
  { withTrustedKeys = false } = {},
): Promise<{ valid: boolean; steps: { id: string; ok: boolean; reason?: string }[] }> {
  const bundle = structuredClone(fixture.bundle) as unknown as Json
  const ctx: Context = {
    chains: new Map(fixture.chains),
    trustedKeys: withTrustedKeys ? { ...fixture.trustedKeys } : {},
  }
  await mutate(bundle, ctx)
  return verifyBundle(bundle, {
    readCheckpoint: ctx.reader ?? fakeReader(ctx.chains),
    trustedKeys: ctx.trustedKeys,
  })
}

describe('verifyBundle', () => {
  test('default: the fixture bundle passes every step, in order', async () => {
    const result = await verifyBundle(fixture.bundle, { readCheckpoint: fixture.readCheckpoint })
    assert.deepEqual(
      result.steps.map((step) => step.id),
      ALL_STEPS,
    )
    for (const step of result.steps)
      assert.deepEqual([step.id, step.ok, step.reason], [step.id, true, undefined])
    assert.equal(result.valid, true)
  })

  test('behavior: valid after a JSON round trip, with the trusted keys given in other letter case', async () => {
    const bundle: unknown = JSON.parse(JSON.stringify(fixture.bundle))
    const result = await verifyBundle(bundle, {
      readCheckpoint: fixture.readCheckpoint,
      trustedKeys: {
        checkpointSigner: fixture.trustedKeys.checkpointSigner.toLowerCase() as Hex,
        receiptPublicKey: fixture.trustedKeys.receiptPublicKey
          .toUpperCase()
          .replace('0X', '0x') as Hex,
      },
    })
    assert.deepEqual(
      result.steps.filter((step) => !step.ok),
      [],
    )
    assert.equal(result.valid, true)
  })

  test('behavior: one confirmed anchor is enough', async () => {
    const result = await run((bundle) => {
      bundle.anchors = [(bundle.anchors as Json[])[1]]
    })
    assert.equal(result.valid, true)
    assert.deepEqual(
      result.steps.map((step) => step.id),
      ALL_STEPS.filter((id) => id !== 'anchor:11155111'),
    )
  })

  test('behavior: the tamper corpus lists each MTL field, valid and invalid', () => {
    // Guard on the table itself: the valid changes really are valid MTLs, the invalid ones not.
    for (const [path, value] of VALID_MTL_CHANGES) {
      const mtl = structuredClone(fixture.bundle.mtl) as unknown as Json
      set(mtl, path, value)
      assert.equal(validateMtl(mtl).valid, true, path)
    }
    for (const [path, value] of INVALID_MTL_CHANGES) {
      const mtl = structuredClone(fixture.bundle.mtl) as unknown as Json
      set(mtl, path, value)
      assert.equal(validateMtl(mtl).valid, false, path)
    }
    const top = new Set(
      [...VALID_MTL_CHANGES, ...INVALID_MTL_CHANGES].map(([path]) => path.split('.')[0]),
    )
    for (const key of Object.keys(fixture.bundle.mtl))
      assert.ok(top.has(key), `no tamper of mtl.${key}`)
  })

  describe('tamper corpus: each mutation fails at the step it should', () => {
    for (const { desc, mutate, fails, reason } of tampers) {
      test(desc, async () => {
        const result = await run(mutate)
        const failing = result.steps.filter((step) => !step.ok)
        assert.deepEqual(
          failing.map((step) => step.id),
          fails,
          JSON.stringify(failing, null, 2),
        )
        assert.equal(result.valid, false)
        if (reason !== undefined) {
          const first = failing[0]?.reason ?? ''
          assert.ok(
            first.includes(reason),
            `reason ${JSON.stringify(first)} lacks ${JSON.stringify(reason)}`,
          )
        }
      })
    }
  })

  test('tamper corpus: every bit of every inclusion proof hash, fails only at inclusion', async () => {
    const proof = fixture.bundle.inclusionProof
    for (let element = 0; element < proof.length; element++) {
      for (let bit = 0; bit < 256; bit++) {
        const result = await run((bundle) => {
          const path = `inclusionProof.${element}`
          set(bundle, path, flipBit(get(bundle, path) as string, bit))
        })
        const failing = result.steps.filter((step) => !step.ok).map((step) => step.id)
        assert.deepEqual(failing, ['inclusion'], `element ${element} bit ${bit}`)
      }
    }
  })

  test('tamper corpus: the same mutations with trusted keys fail the same steps', async () => {
    for (const { desc, mutate, fails, failsWithTrustedKeys } of tampers) {
      // These set the trusted keys themselves.
      if (desc.startsWith('trusted') || desc.startsWith('operator')) continue
      const result = await run(mutate, { withTrustedKeys: true })
      assert.deepEqual(
        result.steps.filter((step) => !step.ok).map((step) => step.id),
        failsWithTrustedKeys ?? fails,
        desc,
      )
    }
  })

  describe('errors', () => {
    test('not an object: every step fails, nothing throws', async () => {
      for (const value of [null, undefined, 42, 'bundle', [], new Uint8Array(3)]) {
        const result = await verifyBundle(value, { readCheckpoint: fixture.readCheckpoint })
        assert.equal(result.valid, false)
        assert.deepEqual(
          result.steps.map((step) => [step.id, step.ok]),
          [
            ['bundle', false],
            ['mtl', false],
            ['leafHash', false],
            ['inclusion', false],
            ['checkpointSignature', false],
            ['receiptSignature', false],
            ['anchored', false],
          ],
        )
      }
    })

    test('a hostile bundle (throwing getter) fails its step, nothing throws', async () => {
      const bundle = structuredClone(fixture.bundle) as unknown as Json
      Object.defineProperty(bundle, 'receipt', {
        enumerable: true,
        get() {
          throw new Error('gotcha')
        },
      })
      const result = await verifyBundle(bundle, { readCheckpoint: fixture.readCheckpoint })
      assert.equal(result.valid, false)
      assert.deepEqual(result.steps[0], {
        id: 'bundle',
        title: 'The bundle is well-formed (tml-proof/1)',
        ok: false,
        reason: 'could not be checked: gotcha',
      })
    })

    test('an MTL that cannot be canonicalized fails with the reason', async () => {
      const result = await run((bundle) => set(bundle, 'mtl.metrics.entropy', Number.NaN))
      const leaf = result.steps.find((step) => step.id === 'leafHash')
      assert.equal(
        leaf?.reason?.startsWith('the MTL cannot be hashed: $.metrics.entropy: NaN'),
        true,
        leaf?.reason,
      )
    })

    test('the reasons of a thoroughly broken bundle are bounded', async () => {
      const bundle = structuredClone(fixture.bundle) as unknown as Json
      for (let i = 0; i < 10_000; i++) bundle[`k${i}`] = i
      const result = await verifyBundle(bundle, { readCheckpoint: fixture.readCheckpoint })
      const reason = result.steps[0]?.reason ?? ''
      assert.ok(reason.length < 2000, `${reason.length} characters`)
      assert.ok(reason.endsWith('$: 9992 more unknown fields'), reason)
    })
  })
})

describe("behavior: an older epoch, below the chain's head", () => {
  // The CheckpointRegistry keeps every anchored epoch's struct hash, so an older epoch's tree
  // size and time are checked as the head's are: the hash of the same root with another size fails.
  test('a checkpoint of another size with the same root fails its anchor steps', async () => {
    const chains = new Map(fixture.chains)
    const other = checkpointStructHash({ ...fixture.checkpoint, treeSize: 4n })
    for (const key of chains.keys()) chains.set(key, { checkpointHash: other })
    const result = await verifyBundle(fixture.bundle, { readCheckpoint: fakeReader(chains) })
    assert.deepEqual(
      result.steps.filter((s) => !s.ok).map((s) => s.id),
      ['anchor:11155111', 'anchor:80002', 'anchored'],
    )
  })

  test('the hash compares case-insensitively (a reader may answer upper-case hex)', async () => {
    const chains = new Map(fixture.chains)
    const upper = `0x${checkpointStructHash(fixture.checkpoint).slice(2).toUpperCase()}` as const
    for (const key of chains.keys()) chains.set(key, { checkpointHash: upper })
    const result = await verifyBundle(fixture.bundle, { readCheckpoint: fakeReader(chains) })
    assert.equal(result.valid, true)
  })
})
