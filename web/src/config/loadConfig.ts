import type { AppConfig } from './AppConfig.ts'
import { buildTimeConfig } from './buildTimeConfig.ts'
import { mergeConfig } from './mergeConfig.ts'

/** The file next to the page that overrides the build-time configuration (optional). */
export const RUNTIME_CONFIG_FILE = 'tml.config.json'

/**
 * The page's configuration: the build-time one, overlaid by `tml.config.json` when the host
 * serves one (a 404 means none). Never throws: problems are returned as issues to show.
 *
 * @example const { config, issues } = await loadConfig()
 */
export async function loadConfig(
  fetchFn: typeof fetch = fetch,
): Promise<{ config: AppConfig; issues: string[] }> {
  return configWith(await readOverlay(fetchFn))
}

type Overlay = { value: unknown } | { issue: string } | undefined

function configWith(overlay: Overlay): { config: AppConfig; issues: string[] } {
  const base = buildTimeConfig()
  if (overlay === undefined) return base
  if ('issue' in overlay) return { config: base.config, issues: [...base.issues, overlay.issue] }
  const merged = mergeConfig(base.config, overlay.value)
  return { config: merged.config, issues: [...base.issues, ...merged.issues] }
}

async function readOverlay(fetchFn: typeof fetch): Promise<Overlay> {
  let response: Response
  try {
    response = await fetchFn(RUNTIME_CONFIG_FILE, { cache: 'no-store' })
  } catch {
    return undefined
  }
  // A host without the file may answer 404, or its SPA fallback page (HTML): both mean none.
  if (!response.ok || !(response.headers.get('content-type') ?? '').includes('json'))
    return undefined
  try {
    return { value: await response.json() }
  } catch {
    return { issue: `${RUNTIME_CONFIG_FILE}: not JSON` }
  }
}
