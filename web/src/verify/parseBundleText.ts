/** Largest bundle text the page reads (a real bundle is a few kilobytes). */
export const MAX_BUNDLE_BYTES = 1024 * 1024

/**
 * Parses pasted, dropped or linked text as JSON, with a size bound and a message a person can
 * act on. The value is untrusted: core's `verifyBundle` checks its shape.
 *
 * @example parseBundleText('{"v":"tml-proof/1",…}') // { ok: true, value: {…} }
 */
export function parseBundleText(
  text: string,
): { ok: true; value: unknown } | { ok: false; message: string } {
  const trimmed = text.trim()
  if (trimmed === '') return { ok: false, message: 'Paste a proof bundle (JSON) or drop its file.' }
  if (trimmed.length > MAX_BUNDLE_BYTES)
    return {
      ok: false,
      message: `This is larger than ${MAX_BUNDLE_BYTES / 1024} KiB: not a proof bundle.`,
    }
  try {
    return { ok: true, value: JSON.parse(trimmed) }
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error)
    return {
      ok: false,
      message: `This is not JSON (${why}). A proof bundle is a JSON file starting with {"v":"tml-proof/1".`,
    }
  }
}
