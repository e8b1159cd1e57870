import { BaseError } from '@tml/core'

/** A proof or a form names a chain that the page is not configured for. */
export class ChainNotConfiguredError extends BaseError {
  override name = 'ChainNotConfiguredError' as const
  constructor(chainId: number) {
    super(`Chain ${chainId} is not configured on this page.`, {
      details: 'Add it to tml.config.json (chainId, rpcUrl, contracts) next to the page.',
    })
  }
}

/** A chain is configured without an RPC URL, so it cannot be read. */
export class NoRpcUrlError extends BaseError {
  override name = 'NoRpcUrlError' as const
  constructor(chainId: number) {
    super(`No RPC URL is configured for chain ${chainId}.`)
  }
}
