import { type Hex, resolutionTypedData } from '@tml/core'
import type { PrivateKeyAccount } from 'viem/accounts'
import type { TestGateway } from './gateway.ts'

export const RATIONALE: Hex = `0x${'5a'.repeat(32)}`

/** A reviewer's signed resolution body for a pause of `t`. */
export async function signedResolution(
  t: TestGateway,
  account: PrivateKeyAccount,
  pauseId: string,
  decision: 1 | -1,
  options: { deadline?: number; signDecision?: 1 | -1; pauseLeafHash?: Hex } = {},
) {
  const pause = t.gateway.pauses.get(pauseId)
  const deadline = options.deadline ?? Math.floor(Date.now() / 1000) + 600
  const signature = await account.signTypedData(
    resolutionTypedData({
      logId: t.gateway.memory.logId,
      pauseId,
      pauseLeafHash: options.pauseLeafHash ?? pause?.leafHash ?? `0x${'00'.repeat(32)}`,
      decision: options.signDecision ?? decision,
      rationaleHash: RATIONALE,
      deadline: BigInt(deadline),
    }),
  )
  return { decision, rationale_hash: RATIONALE, deadline, signature }
}
