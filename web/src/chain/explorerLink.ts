import type { ExplorerPatterns } from '../config/AppConfig.ts'

/**
 * The explorer URL of a transaction, block or address, or undefined when the chain has no
 * explorer pattern for it.
 *
 * @example explorerLink(chain.explorer, 'tx', '0xabc…') // 'https://etherscan.io/tx/0xabc…'
 */
export function explorerLink(
  explorer: ExplorerPatterns,
  kind: 'tx' | 'block' | 'address',
  value: string | number | bigint,
): string | undefined {
  const pattern = explorer[kind]
  if (pattern === undefined) return undefined
  const placeholder = { tx: '{hash}', block: '{number}', address: '{address}' }[kind]
  return pattern.replace(placeholder, encodeURIComponent(String(value)))
}
