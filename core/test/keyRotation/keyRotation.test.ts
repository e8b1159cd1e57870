import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { encodeAbiParameters, keccak256, toBytes } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { hashCheckpoint } from '../../src/checkpoint/hashCheckpoint.ts'
import { hashKeyRotation } from '../../src/keyRotation/hashKeyRotation.ts'
import { InvalidKeyRotationError } from '../../src/keyRotation/InvalidKeyRotationError.ts'
import type { KeyRotation } from '../../src/keyRotation/KeyRotation.ts'
import { keyRotationStatementFromJson } from '../../src/keyRotation/keyRotationStatementFromJson.ts'
import { keyRotationTypedData } from '../../src/keyRotation/keyRotationTypedData.ts'
import { KEY_ROTATION_TYPE, KEY_ROTATION_TYPES } from '../../src/keyRotation/keyRotationTypes.ts'
import { recoverKeyRotationSigner } from '../../src/keyRotation/recoverKeyRotationSigner.ts'
import { signKeyRotation } from '../../src/keyRotation/signKeyRotation.ts'
import { referenceTypedDataDigest } from '../fixtures/typedData.ts'

// Hardhat's well-known test account #2 (a public test key).
const outgoing = privateKeyToAccount(
  '0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a',
)

const rotation: KeyRotation = {
  logId: `0x${'11'.repeat(32)}`,
  index: 1n,
  fromEpoch: 40n,
  signer: '0x90F79bf6EB2c4f870365E785982E1f101E93b906',
  receiptKey: `0x${'22'.repeat(32)}`,
}

// Plain EIP-712 written out by hand: what KeyRotationTypedData.sol computes.
function referenceDigest(r: KeyRotation) {
  const structHash = keccak256(
    encodeAbiParameters(
      [
        { type: 'bytes32' },
        { type: 'bytes32' },
        { type: 'uint64' },
        { type: 'uint64' },
        { type: 'address' },
        { type: 'bytes32' },
      ],
      [
        keccak256(toBytes(KEY_ROTATION_TYPE)),
        r.logId,
        r.index,
        r.fromEpoch,
        r.signer,
        r.receiptKey,
      ],
    ),
  )
  return referenceTypedDataDigest(structHash)
}

describe('key rotation typed data', () => {
  test('behavior: the digest equals the hand-written EIP-712 encoding', () => {
    assert.equal(hashKeyRotation(rotation), referenceDigest(rotation))
    const big = { ...rotation, index: 2n ** 64n - 1n, fromEpoch: 2n ** 64n - 1n }
    assert.equal(hashKeyRotation(big), referenceDigest(big))
  })

  test('behavior: the typehash is the contract constant, and the types spell the type string', () => {
    const fromTypes = `KeyRotation(${KEY_ROTATION_TYPES.KeyRotation.map((f) => `${f.type} ${f.name}`).join(',')})`
    assert.equal(fromTypes, KEY_ROTATION_TYPE)
    // KeyRotationTypedData.KEY_ROTATION_TYPEHASH.
    assert.equal(
      keccak256(toBytes(KEY_ROTATION_TYPE)),
      '0x5d15a4dcf799da389f1832b78ef5d7ba28e36e7b220fe75b44ec4bf421ca63a1',
    )
  })

  test("behavior: the domain is the checkpoints' (no chain id: one statement for every chain)", () => {
    assert.deepEqual(keyRotationTypedData(rotation).domain, { name: 'TML Anchor', version: '1' })
  })

  test('behavior: every field changes the digest', () => {
    const variants: KeyRotation[] = [
      rotation,
      { ...rotation, logId: `0x${'12'.repeat(32)}` },
      { ...rotation, index: 2n },
      { ...rotation, fromEpoch: 41n },
      { ...rotation, signer: '0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65' },
      { ...rotation, receiptKey: `0x${'23'.repeat(32)}` },
    ]
    assert.equal(new Set(variants.map(hashKeyRotation)).size, variants.length)
  })

  test('behavior: signed by the outgoing key, the signer recovers', async () => {
    const signature = await signKeyRotation({ rotation, account: outgoing })
    assert.equal(await recoverKeyRotationSigner({ rotation, signature }), outgoing.address)
    const other = await recoverKeyRotationSigner({
      rotation: { ...rotation, fromEpoch: 41n },
      signature,
    })
    assert.notEqual(other, outgoing.address)
  })

  test('behavior: a statement signature is no checkpoint signature (different types)', () => {
    const asCheckpoint = {
      logId: rotation.logId,
      epoch: rotation.index,
      treeSize: rotation.fromEpoch,
      rootHash: rotation.receiptKey,
      timestamp: 0n,
    }
    assert.notEqual(hashKeyRotation(rotation), hashCheckpoint(asCheckpoint))
  })

  describe('JSON statements', () => {
    test('behavior: parses { rotation, signature } with numbers into bigints and a checksummed signer', async () => {
      const signature = await signKeyRotation({ rotation, account: outgoing })
      const json = {
        rotation: {
          ...rotation,
          index: 1,
          fromEpoch: 40,
          signer: rotation.signer.toLowerCase(),
          receiptKey: rotation.receiptKey.toUpperCase().replace('0X', '0x'),
        },
        signature,
      }
      const parsed = keyRotationStatementFromJson(JSON.parse(JSON.stringify(json)))
      assert.deepEqual(parsed, { rotation, signature })
    })

    test('errors: every issue is named with its path', () => {
      assert.throws(
        () =>
          keyRotationStatementFromJson({
            rotation: { logId: '0x01', index: -1, fromEpoch: 1.5, signer: 'x', extra: 1 },
            signature: '0x00',
          }),
        (error: unknown) => {
          assert.ok(error instanceof InvalidKeyRotationError)
          assert.deepEqual(
            error.issues.map((i) => i.path),
            [
              '$.rotation.extra',
              '$.rotation.logId',
              '$.rotation.receiptKey',
              '$.rotation.signer',
              '$.rotation.index',
              '$.rotation.fromEpoch',
              '$.signature',
            ],
          )
          return true
        },
      )
      assert.throws(() => keyRotationStatementFromJson('nope'), InvalidKeyRotationError)
      assert.throws(
        () => keyRotationStatementFromJson({ signature: '0x' }),
        InvalidKeyRotationError,
      )
    })

    test('errors: a rotation that does not fit the struct is refused before hashing', () => {
      assert.throws(
        () => hashKeyRotation({ ...rotation, fromEpoch: 2n ** 64n }),
        InvalidKeyRotationError,
      )
    })
  })
})
