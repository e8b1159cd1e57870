import { readFileSync } from 'node:fs'

/**
 * The gateway's version, read from its package.json: the one place it is written, so that
 * `tml --version` and the OpenAPI document cannot disagree.
 */
export function gatewayVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version?: unknown
  }
  if (typeof pkg.version !== 'string') throw new Error('gateway/package.json has no version')
  return pkg.version
}
