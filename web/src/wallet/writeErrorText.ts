import { BaseError, ContractFunctionRevertedError, UserRejectedRequestError } from 'viem'
import { errorText } from '../ui/errorText.ts'

/**
 * The short message of a failed write, as a person can act on it: the registry's custom error
 * with its arguments when the contract reverted (`LanternOperatorAlreadyRegistered(0x…)`), a
 * plain sentence when the wallet refused, else viem's short message.
 *
 * @example writeErrorText(error) // 'The registry refused: LanternNotCertified(0x…)'
 */
export function writeErrorText(error: unknown): string {
  if (error instanceof BaseError) {
    const rejected = error.walk((e) => e instanceof UserRejectedRequestError)
    if (rejected) return 'You refused the request in your wallet.'
    const reverted = error.walk((e) => e instanceof ContractFunctionRevertedError)
    if (reverted instanceof ContractFunctionRevertedError && reverted.data?.errorName) {
      const args = (reverted.data.args ?? []).map(String).join(', ')
      return `The registry refused: ${reverted.data.errorName}(${args})`
    }
  }
  return errorText(error)
}
