// Drives the verify view: paste a bundle, press Verify, read the verdict and every step.
import type { Page } from 'playwright-core'

export type ShownResult = {
  valid: string
  offlineMs: number
  steps: { id: string; status: string; text: string }[]
}

/** Reads the result section once the verdict of run `after + 1` or later is in. */
export async function readResult(page: Page, after = 0): Promise<ShownResult> {
  await page.waitForFunction(
    (previous) => {
      const element = document.querySelector('section.result')
      return (
        element !== null &&
        Number(element.getAttribute('data-run')) > previous &&
        element.getAttribute('data-valid') !== 'pending'
      )
    },
    after,
    { timeout: 30_000 },
  )
  const section = page.locator('section.result')
  await section.waitFor({ timeout: 30_000 })
  return section.evaluate((element) => ({
    valid: element.getAttribute('data-valid') ?? '',
    offlineMs: Number(element.getAttribute('data-offline-ms')),
    steps: Array.from(element.querySelectorAll('li[data-step]')).map((li) => ({
      id: li.getAttribute('data-step') ?? '',
      status: li.getAttribute('data-status') ?? '',
      text: li.textContent ?? '',
    })),
  }))
}

/** Pastes `text` into the bundle field, presses Verify and returns the result. */
export async function verifyText(page: Page, text: string): Promise<ShownResult> {
  // A previous result must not be read as this one's.
  const previous = await page.evaluate(() =>
    Number(document.querySelector('section.result')?.getAttribute('data-run') ?? 0),
  )
  await page.getByLabel(/Proof bundle \(JSON\)/).fill(text)
  await page.getByRole('button', { name: 'Verify', exact: true }).click()
  return readResult(page, previous)
}

/** The ids of the failed steps, sorted. */
export function failedSteps(result: ShownResult): string[] {
  return result.steps
    .filter((s) => s.status === 'failed')
    .map((s) => s.id)
    .sort()
}
