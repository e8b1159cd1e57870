/**
 * The message to show for an error: viem's and core's `shortMessage` when there is one (the
 * one line a person can act on), else the first line of the message.
 * @example errorText(error) // 'User rejected the request.'
 */
export function errorText(error: unknown): string {
  if (typeof error === 'object' && error !== null) {
    const short = (error as { shortMessage?: unknown }).shortMessage
    if (typeof short === 'string' && short !== '') return short
    const message = (error as { message?: unknown }).message
    if (typeof message === 'string') return message.split('\n')[0] ?? message
  }
  return String(error)
}
