import type { Finding } from './Finding.ts'

/** How long the webhook may take to answer. */
export const WEBHOOK_TIMEOUT_MS = 10_000

/**
 * POSTs a finding as JSON to the webhook. Resolves with undefined when the hook answered 2xx,
 * otherwise with why not: a failing hook must not stop the monitor, which also prints the finding.
 *
 * @example await postWebhook('https://hooks.example/tml', finding) // undefined
 */
export async function postWebhook(url: string, finding: Finding): Promise<string | undefined> {
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(finding),
      signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS),
    })
    await response.body?.cancel()
    return response.ok ? undefined : `webhook answered HTTP ${response.status}`
  } catch (error) {
    return `webhook failed: ${(error as Error).message}`
  }
}
