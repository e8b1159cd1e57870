import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { privateKeyToAccount } from 'viem/accounts'
import { bytesToHex, type Hex } from '../../src/bytes/hex.ts'
import { sha256 } from '../../src/hash/sha256.ts'
import { canonicalBytes } from '../../src/jcs/canonicalBytes.ts'
import type { MtlResolution } from '../../src/mtl/types.ts'
import { validateMtl } from '../../src/mtl/validateMtl.ts'
import { receiptPublicKey } from '../../src/receipt/receiptPublicKey.ts'
import { signP256 } from '../../src/receipt/signP256.ts'
import { policyReviewers } from '../../src/resolution/policyReviewers.ts'
import { resolutionMessageOf } from '../../src/resolution/resolutionMessageOf.ts'
import { resolutionTypedData } from '../../src/resolution/resolutionTypedData.ts'
import { verifyResolutionMtl } from '../../src/resolution/verifyResolutionMtl.ts'
import { verifyResolutionSignature } from '../../src/resolution/verifyResolutionSignature.ts'
import { resolutionStep } from '../../src/verify/steps/resolutionStep.ts'
import { sampleHash, samplePauseMtl, sampleResolutionMtl } from '../fixtures/mtl.ts'

// Hardhat's development accounts #4 (the listed reviewer) and #5 (a stranger).
const reviewer = privateKeyToAccount(
  '0x47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a',
)
const stranger = privateKeyToAccount(
  '0x8b3a350cf5c34c9194ca85829a2df0ec3153be0318b5e2d3348e872092edffba',
)
const PAUSE_LEAF: Hex = sampleHash('pause leaf')
const LOGGED = '2025-03-14T09:31:12.004Z'
const LOGGED_S = Math.floor(Date.parse(LOGGED) / 1000)
const policy = {
  v: 'tml-policy/1',
  profile: 'medical',
  reviewers: [reviewer.address], // checksummed, as written in a policy file
}
const POLICY_HASH = bytesToHex(sha256(canonicalBytes(policy)))

/** A resolution MTL signed by `signer`, with what the gateway now logs. */
async function signed({
  signer = reviewer,
  deadline = LOGGED_S + 60,
  arbiterId = reviewer.address.toLowerCase(),
}: {
  signer?: typeof reviewer
  deadline?: number
  arbiterId?: string
} = {}): Promise<MtlResolution> {
  const base = sampleResolutionMtl({ timestamp: LOGGED, policy_hash: POLICY_HASH })
  const detail = {
    decision: 1 as const,
    arbiter: { kind: 'reviewer' as const, id: arbiterId },
    rationale_hash: sampleHash('rationale'),
    pause_leaf_hash: PAUSE_LEAF,
    deadline,
  }
  const signature = await signer.signTypedData(
    resolutionTypedData({
      logId: base.log_id,
      pauseId: base.refers_to,
      pauseLeafHash: PAUSE_LEAF,
      decision: 1,
      rationaleHash: detail.rationale_hash,
      deadline: BigInt(deadline),
    }),
  )
  return { ...base, resolution: { ...detail, signature } }
}

describe('reviewer resolutions checked from the log', () => {
  test('behavior: the logged fields pass the mtl/1 schema; records without them still do', async () => {
    assert.equal(validateMtl(await signed()).valid, true)
    assert.equal(validateMtl(sampleResolutionMtl()).valid, true)
    const bad = await signed()
    ;(bad.resolution as { deadline: unknown }).deadline = -1
    assert.equal(validateMtl(bad).valid, false)
  })

  test('behavior: a listed reviewer, signed before the deadline → pass', async () => {
    const mtl = await signed()
    const result = await verifyResolutionMtl({ mtl, reviewers: [reviewer.address] })
    assert.deepEqual(result, { reviewer: reviewer.address.toLowerCase(), deadline: LOGGED_S + 60 })
    const step = await resolutionStep({ mtl, policy, receiptPublicKey: undefined })
    assert.equal(step?.outcome, 'pass')
    assert.equal(step?.ok, true)
  })

  test('behavior: the deadline is compared with the time the log recorded, not the clock', async () => {
    // Deadline long past today, but the log recorded the resolution before it.
    const mtl = await signed({ deadline: LOGGED_S })
    assert.ok(!('reason' in (await verifyResolutionMtl({ mtl, reviewers: [reviewer.address] }))))
  })

  test('errors: a late signature (logged after its deadline) fails', async () => {
    const mtl = await signed({ deadline: LOGGED_S - 1 })
    const result = await verifyResolutionMtl({ mtl, reviewers: [reviewer.address] })
    assert.equal('reason' in result && result.reason, 'expired')
    const step = await resolutionStep({ mtl, policy, receiptPublicKey: undefined })
    assert.equal(step?.outcome, 'fail')
    assert.match(step?.reason ?? '', /deadline that had passed/)
  })

  test('errors: a forged signature (another key, naming the listed reviewer) fails', async () => {
    const mtl = await signed({ signer: stranger })
    const step = await resolutionStep({ mtl, policy, receiptPublicKey: undefined })
    assert.equal(step?.outcome, 'fail')
    assert.match(step?.reason ?? '', /does not match this resolution/)
    // Without the policy in the bundle, the forgery is still caught.
    const alone = await resolutionStep({ mtl, policy: undefined, receiptPublicKey: undefined })
    assert.equal(alone?.outcome, 'fail')
  })

  test('errors: an altered decision or deadline no longer matches the signature', async () => {
    const mtl = await signed()
    const refused: MtlResolution = {
      ...mtl,
      state: -1,
      resolution: { ...mtl.resolution, decision: -1 },
    }
    assert.equal(
      (await resolutionStep({ mtl: refused, policy, receiptPublicKey: undefined }))?.outcome,
      'fail',
    )
    const later: MtlResolution = {
      ...mtl,
      resolution: { ...mtl.resolution, deadline: LOGGED_S + 3600 },
    }
    assert.equal(
      (await resolutionStep({ mtl: later, policy, receiptPublicKey: undefined }))?.outcome,
      'fail',
    )
  })

  test('errors: a reviewer the policy does not list fails', async () => {
    const mtl = await signed({ signer: stranger, arbiterId: stranger.address.toLowerCase() })
    const result = await verifyResolutionMtl({ mtl, reviewers: [reviewer.address] })
    assert.equal('reason' in result && result.reason, 'unlisted_reviewer')
    const step = await resolutionStep({ mtl, policy, receiptPublicKey: undefined })
    assert.equal(step?.outcome, 'fail')
    assert.match(step?.reason ?? '', /not one of the policy's reviewers/)
  })

  test('errors: a record naming another reviewer than the signer fails', async () => {
    const mtl = await signed({ arbiterId: stranger.address.toLowerCase() })
    const result = await verifyResolutionMtl({
      mtl,
      reviewers: [reviewer.address, stranger.address],
    })
    assert.equal('reason' in result && result.reason, 'wrong_arbiter')
  })

  test('errors: a policy document that is not the logged policy is refused', async () => {
    const mtl = await signed({ signer: stranger, arbiterId: stranger.address.toLowerCase() })
    const padded = { ...policy, reviewers: [reviewer.address, stranger.address] }
    assert.match(policyReviewers({ policy: padded, policyHash: POLICY_HASH }).problem ?? '', /hash/)
    const step = await resolutionStep({ mtl, policy: padded, receiptPublicKey: undefined })
    assert.equal(step?.outcome, 'fail')
    assert.match(step?.reason ?? '', /not the one the record names/)
    for (const bad of [null, [], 'x', { reviewers: 'x' }])
      assert.ok(policyReviewers({ policy: bad, policyHash: POLICY_HASH }).problem)
  })

  test('behavior: without the policy, signature and deadline are checked and the list is unchecked', async () => {
    const step = await resolutionStep({
      mtl: await signed(),
      policy: undefined,
      receiptPublicKey: undefined,
    })
    assert.equal(step?.outcome, 'unchecked')
    assert.equal(step?.ok, true)
  })

  test('errors: a reviewer record without deadline and pause leaf hash cannot pass', async () => {
    const mtl = await signed()
    const { deadline: _d, pause_leaf_hash: _p, ...old } = mtl.resolution
    const stripped: MtlResolution = { ...mtl, resolution: old }
    assert.deepEqual(resolutionMessageOf(stripped).missing, [
      'resolution.pause_leaf_hash',
      'resolution.deadline',
    ])
    const step = await resolutionStep({ mtl: stripped, policy, receiptPublicKey: undefined })
    assert.equal(step?.outcome, 'fail')
  })

  test('errors: a high-s twin of a valid signature is refused as malformed', async () => {
    const mtl = await signed()
    const sig = mtl.resolution.signature as Hex
    const n = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n
    const s = BigInt(`0x${sig.slice(66, 130)}`)
    const v = sig.endsWith('1b') ? '1c' : '1b'
    const twin = `${sig.slice(0, 66)}${(n - s).toString(16).padStart(64, '0')}${v}` as Hex
    const result = await verifyResolutionSignature({
      message: resolutionMessageOf(mtl).message as NonNullable<
        ReturnType<typeof resolutionMessageOf>['message']
      >,
      signature: twin,
      reviewers: [reviewer.address],
      now: LOGGED_S,
    })
    assert.equal('reason' in result && result.reason, 'malformed_signature')
  })

  test('behavior: a verification resolution is checked with the receipt key; timeouts are a notice', async () => {
    const privateKey = sampleHash('receipt key')
    const publicKey = receiptPublicKey(privateKey)
    const base = sampleResolutionMtl()
    const detail = {
      decision: 1 as const,
      arbiter: { kind: 'verification' as const, id: 'http://127.0.0.1:9000/verify' },
      rationale_hash: sampleHash('ok'),
      pause_leaf_hash: PAUSE_LEAF,
    }
    const statement = canonicalBytes({
      v: 'tml-verification/1',
      logId: base.log_id,
      pauseId: base.refers_to,
      pauseLeafHash: PAUSE_LEAF,
      verifier: detail.arbiter.id,
      decision: 1,
      rationaleHash: detail.rationale_hash,
    })
    const mtl: MtlResolution = {
      ...base,
      resolution: { ...detail, signature: signP256({ message: statement, privateKey }) },
    }
    assert.equal(
      (await resolutionStep({ mtl, policy, receiptPublicKey: publicKey }))?.outcome,
      'pass',
    )
    assert.equal(
      (await resolutionStep({ mtl, policy, receiptPublicKey: undefined }))?.outcome,
      'unchecked',
    )
    const other = receiptPublicKey(sampleHash('another key'))
    assert.equal((await resolutionStep({ mtl, policy, receiptPublicKey: other }))?.outcome, 'fail')
    const timeout: MtlResolution = {
      ...base,
      state: -1,
      resolution: {
        decision: -1,
        arbiter: { kind: 'timeout', id: 'gateway' },
        rationale_hash: sampleHash('t'),
        pause_leaf_hash: PAUSE_LEAF,
        signature: null,
      },
    }
    assert.equal(
      (await resolutionStep({ mtl: timeout, policy, receiptPublicKey: undefined }))?.outcome,
      'notice',
    )
    assert.equal(
      await resolutionStep({ mtl: samplePauseMtl(), policy, receiptPublicKey: undefined }),
      undefined,
    )
    assert.equal(
      await resolutionStep({ mtl: undefined, policy, receiptPublicKey: undefined }),
      undefined,
    )
  })
})
