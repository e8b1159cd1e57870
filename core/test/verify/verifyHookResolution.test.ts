import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import type { Hex } from '../../src/bytes/hex.ts'
import type { MtlResolution } from '../../src/mtl/types.ts'
import { receiptPublicKey } from '../../src/receipt/receiptPublicKey.ts'
import { signP256 } from '../../src/receipt/signP256.ts'
import { hookStatementBytes, verifyHookResolution } from '../../src/verify/verifyHookResolution.ts'

const KEY: Hex = `0x${'3c'.repeat(32)}`
const OTHER: Hex = `0x${'4d'.repeat(32)}`
const LEAF: Hex = `0x${'a1'.repeat(32)}`

/** A hook's resolution as the gateway logs it, signed with `key` (the log's receipt key). */
function hookResolution(key: Hex = KEY): MtlResolution {
  const mtl = {
    kind: 'resolution',
    log_id: `0x${'0b'.repeat(32)}`,
    refers_to: '5f1c7c5e-0000-4000-8000-000000000001',
    state: 1,
    resolution: {
      decision: 1,
      arbiter: { kind: 'verification', id: 'http://hooks.example/verify' },
      rationale_hash: `0x${'5a'.repeat(32)}`,
      pause_leaf_hash: LEAF,
    },
  } as unknown as MtlResolution
  mtl.resolution.signature = signP256({
    message: hookStatementBytes({ mtl, pauseLeafHash: LEAF }),
    privateKey: key,
  })
  return mtl
}

describe('verifyHookResolution', () => {
  const publicKey = receiptPublicKey(KEY)

  test('default: the statement the gateway signed verifies under the receipt key', () => {
    assert.deepEqual(verifyHookResolution({ mtl: hookResolution(), receiptPublicKey: publicKey }), {
      ok: true,
    })
    // An auditor that knows the pause's leaf hash may pass it: the same answer.
    assert.equal(
      verifyHookResolution({
        mtl: hookResolution(),
        receiptPublicKey: publicKey,
        pauseLeafHash: LEAF,
      }).ok,
      true,
    )
  })

  test('adversarial: another key, a changed decision, verifier or rationale: bad_signature', () => {
    const changes: ((m: MtlResolution) => void)[] = [
      () => {},
      (m) => {
        m.resolution.decision = -1
      },
      (m) => {
        m.resolution.arbiter.id = 'http://rubber-stamp.example/'
      },
      (m) => {
        m.resolution.rationale_hash = `0x${'5b'.repeat(32)}`
      },
      (m) => {
        m.refers_to = '5f1c7c5e-0000-4000-8000-000000000002'
      },
    ]
    for (const [i, change] of changes.entries()) {
      const mtl = hookResolution(i === 0 ? OTHER : KEY)
      change(mtl)
      const result = verifyHookResolution({ mtl, receiptPublicKey: publicKey })
      assert.equal(result.ok, false, `change ${i}`)
      assert.equal(!result.ok && result.reason, 'bad_signature')
    }
  })

  test('errors: no signature, no leaf hash, another pause’s leaf hash, not a hook', () => {
    const unsigned = hookResolution()
    delete (unsigned.resolution as { signature?: unknown }).signature
    const noLeaf = hookResolution()
    delete noLeaf.resolution.pause_leaf_hash
    const reviewer = hookResolution()
    reviewer.resolution.arbiter.kind = 'reviewer'
    const reason = (r: ReturnType<typeof verifyHookResolution>) => (r.ok ? 'ok' : r.reason)
    assert.equal(
      reason(verifyHookResolution({ mtl: unsigned, receiptPublicKey: publicKey })),
      'not_checkable',
    )
    assert.equal(
      reason(verifyHookResolution({ mtl: noLeaf, receiptPublicKey: publicKey })),
      'not_checkable',
    )
    // Without the leaf hash in the record, the one the caller knows rebuilds the statement.
    assert.equal(
      reason(
        verifyHookResolution({ mtl: noLeaf, receiptPublicKey: publicKey, pauseLeafHash: LEAF }),
      ),
      'ok',
    )
    assert.equal(
      reason(
        verifyHookResolution({
          mtl: hookResolution(),
          receiptPublicKey: publicKey,
          pauseLeafHash: `0x${'a2'.repeat(32)}`,
        }),
      ),
      'wrong_pause',
    )
    assert.equal(
      reason(verifyHookResolution({ mtl: reviewer, receiptPublicKey: publicKey })),
      'not_checkable',
    )
  })
})
