import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { hashTypedData, recoverTypedDataAddress } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import type { Hex } from '../../src/bytes/hex.ts'
import {
  CASE_REQUEST_MAX_WINDOW_S,
  type CaseRequestMessage,
  caseRequestTypedData,
} from '../../src/resolution/caseRequestTypedData.ts'
import { resolutionTypedData } from '../../src/resolution/resolutionTypedData.ts'

// A well-known Hardhat development key (public, test only).
const reviewer = privateKeyToAccount(
  '0x47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a',
)
const message: CaseRequestMessage = {
  logId: `0x${'11'.repeat(32)}`,
  pauseId: '0192d4e0-7a1b-7c3d-8e4f-5a6b7c8d9e0f',
  nonce: `0x${'22'.repeat(32)}`,
  issuedAt: 1_700_000_000n,
  expiresAt: 1_700_000_000n + BigInt(CASE_REQUEST_MAX_WINDOW_S),
}

describe('caseRequestTypedData', () => {
  test('default: a signed request recovers to its signer', async () => {
    const signature = await reviewer.signTypedData(caseRequestTypedData(message))
    const signer = await recoverTypedDataAddress({ ...caseRequestTypedData(message), signature })
    assert.equal(signer, reviewer.address)
  })

  describe('errors', () => {
    test('a request for another pause, or a resolution signature, recovers another signer', async () => {
      const signature = await reviewer.signTypedData(caseRequestTypedData(message))
      const moved = await recoverTypedDataAddress({
        ...caseRequestTypedData({ ...message, pauseId: '0192d4e0-7a1b-7c3d-8e4f-5a6b7c8d9e10' }),
        signature,
      })
      assert.notEqual(moved, reviewer.address)
      // The two types never share a digest: a resolution cannot be presented as a case request.
      const resolution = resolutionTypedData({
        logId: message.logId,
        pauseId: message.pauseId,
        pauseLeafHash: message.nonce as Hex,
        decision: 1,
        rationaleHash: message.nonce as Hex,
        deadline: message.expiresAt,
      })
      assert.notEqual(hashTypedData(resolution), hashTypedData(caseRequestTypedData(message)))
    })
  })
})
