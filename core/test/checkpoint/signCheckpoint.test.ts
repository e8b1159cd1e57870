import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import type { Hex } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { InvalidCheckpointSignatureError } from '../../src/checkpoint/InvalidCheckpointSignatureError.ts'
import { recoverCheckpointSigner } from '../../src/checkpoint/recoverCheckpointSigner.ts'
import { signCheckpoint } from '../../src/checkpoint/signCheckpoint.ts'
import { verifyCheckpointSignature } from '../../src/checkpoint/verifyCheckpointSignature.ts'
import { CHECKPOINT } from '../fixtures/typedData.ts'

// Hardhat's well-known test account #0: a public test key, never to hold real funds.
const HARDHAT_ACCOUNT_0_KEY = '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80'
const account = privateKeyToAccount(HARDHAT_ACCOUNT_0_KEY)
// Hardhat's well-known test account #1, as "somebody else".
const other = privateKeyToAccount(
  '0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d',
)

const N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n

const checkpoint = CHECKPOINT

// The malleable twin of a signature: (r, n − s, v flipped) recovers the same key.
function highS(signature: Hex): Hex {
  const s = BigInt(`0x${signature.slice(66, 130)}`)
  const v = Number.parseInt(signature.slice(130, 132), 16)
  const flipped = (N - s).toString(16).padStart(64, '0')
  return `${signature.slice(0, 66)}${flipped}${(v === 27 ? 28 : 27).toString(16)}` as Hex
}

describe('signCheckpoint / recoverCheckpointSigner / verifyCheckpointSignature', () => {
  test('default: known-answer signature, recovered and verified', async () => {
    const signature = await signCheckpoint({ checkpoint, account })
    // RFC 6979 nonces make it deterministic; pinned as a cross-implementation vector.
    assert.equal(
      signature,
      '0x7f954041dafa901a111b1fb42917b27e561a0980bb3bc0bbf3a863814134f7da22ae45db008d6cb5305d8f5120002914e96e014058606a1b8921b7f389f101b81b',
    )
    assert.equal(
      await recoverCheckpointSigner({ checkpoint, signature }),
      '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266',
    )
    assert.equal(
      await verifyCheckpointSignature({ checkpoint, signature, signer: account.address }),
      true,
    )
  })

  test('behavior: the signer address is compared without regard to case', async () => {
    const signature = await signCheckpoint({ checkpoint, account })
    const lower = account.address.toLowerCase() as Hex
    assert.equal(await verifyCheckpointSignature({ checkpoint, signature, signer: lower }), true)
  })

  test('behavior: another signer, another checkpoint, or a changed byte is not valid', async () => {
    const signature = await signCheckpoint({ checkpoint, account })
    assert.equal(
      await verifyCheckpointSignature({ checkpoint, signature, signer: other.address }),
      false,
    )
    assert.equal(
      await verifyCheckpointSignature({
        checkpoint: { ...checkpoint, treeSize: 4n },
        signature,
        signer: account.address,
      }),
      false,
    )
    const otherSignature = await signCheckpoint({ checkpoint, account: other })
    assert.equal(
      await verifyCheckpointSignature({
        checkpoint,
        signature: otherSignature,
        signer: account.address,
      }),
      false,
    )
    for (const position of [2, 40, 66, 100]) {
      const nibble = signature[position] === '0' ? '1' : '0'
      const changed =
        `${signature.slice(0, position)}${nibble}${signature.slice(position + 1)}` as Hex
      assert.equal(
        await verifyCheckpointSignature({
          checkpoint,
          signature: changed,
          signer: account.address,
        }),
        false,
        `nibble ${position}`,
      )
    }
  })

  test('behavior: the high-s twin recovers the same key but is refused (EIP-2)', async () => {
    const signature = await signCheckpoint({ checkpoint, account })
    const twin = highS(signature)
    assert.equal(
      await verifyCheckpointSignature({ checkpoint, signature: twin, signer: account.address }),
      false,
    )
    await assert.rejects(
      recoverCheckpointSigner({ checkpoint, signature: twin }),
      (error: unknown) =>
        error instanceof InvalidCheckpointSignatureError &&
        error.reason === 's is in the upper half of the curve order (EIP-2)',
    )
  })

  describe('errors', () => {
    const cases: { desc: string; signature: (valid: Hex) => unknown; reason: string }[] = [
      { desc: 'not hex', signature: () => 'hello', reason: 'expected 0x hex, got "hello"' },
      { desc: 'not a string', signature: () => 42, reason: 'expected 0x hex, got 42' },
      { desc: 'empty', signature: () => '0x', reason: 'expected 65 bytes, got 0' },
      {
        desc: '64-byte compact (EIP-2098)',
        signature: (s) => s.slice(0, 130),
        reason: 'expected 65 bytes, got 64',
      },
      {
        desc: 'v = 0',
        signature: (s) => `${s.slice(0, 130)}00`,
        reason: 'expected v = 27 or 28, got 0',
      },
      {
        desc: 'v = 29',
        signature: (s) => `${s.slice(0, 130)}1d`,
        reason: 'expected v = 27 or 28, got 29',
      },
      {
        desc: 'r = 0',
        signature: (s) => `0x${'00'.repeat(32)}${s.slice(66)}`,
        reason: 'r is out of range',
      },
      {
        desc: 'r = n',
        signature: (s) => `0x${N.toString(16)}${s.slice(66)}`,
        reason: 'r is out of range',
      },
      {
        desc: 's = 0',
        signature: (s) => `${s.slice(0, 66)}${'00'.repeat(32)}${s.slice(130)}`,
        reason: 's is zero',
      },
      {
        desc: 'high s',
        signature: highS,
        reason: 's is in the upper half of the curve order (EIP-2)',
      },
      {
        // x = 5 is not the x-coordinate of any secp256k1 point.
        desc: 'r not on the curve',
        signature: (s) => `0x${'00'.repeat(31)}05${s.slice(66)}`,
        reason: 'no public key recovers from it',
      },
    ]
    for (const { desc, signature, reason } of cases) {
      test(desc, async () => {
        const bad = signature(await signCheckpoint({ checkpoint, account })) as Hex
        await assert.rejects(
          recoverCheckpointSigner({ checkpoint, signature: bad }),
          (error: unknown) =>
            error instanceof InvalidCheckpointSignatureError && error.reason === reason,
        )
        assert.equal(
          await verifyCheckpointSignature({ checkpoint, signature: bad, signer: account.address }),
          false,
        )
      })
    }

    test('verify never throws on a malformed signer or checkpoint', async () => {
      const signature = await signCheckpoint({ checkpoint, account })
      assert.equal(
        await verifyCheckpointSignature({ checkpoint, signature, signer: '0x1234' }),
        false,
      )
      assert.equal(
        await verifyCheckpointSignature({
          checkpoint: { ...checkpoint, epoch: -1n },
          signature,
          signer: account.address,
        }),
        false,
      )
    })
  })
})
