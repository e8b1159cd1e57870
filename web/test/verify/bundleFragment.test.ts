import { describe, expect, test } from 'vitest'
import { bundleFromFragment, bundleToFragment } from '../../src/verify/bundleFragment.ts'
import { parseBundleText } from '../../src/verify/parseBundleText.ts'

describe('bundleFragment', () => {
  test('default: a bundle round-trips through the fragment, unicode included', () => {
    const json = JSON.stringify({ v: 'tml-proof/1', note: 'décision ✓ 🏮', n: [1, 2, 3] })
    const fragment = bundleToFragment(json)
    expect(fragment).toMatch(/^#bundle=[A-Za-z0-9_-]+$/)
    expect(bundleFromFragment(fragment)).toBe(json)
  })

  test('behavior: a fragment without a bundle carries none', () => {
    expect(bundleFromFragment('')).toBeUndefined()
    expect(bundleFromFragment('#section-2')).toBeUndefined()
  })

  test('errors: a cut or edited link says so', () => {
    expect(() => bundleFromFragment('#bundle=abc$def')).toThrow(
      'the link’s bundle is not base64url: was it cut or edited?',
    )
    expect(() => bundleFromFragment('#bundle=_w')).toThrow('the link’s bundle cannot be decoded')
  })
})

describe('parseBundleText', () => {
  test('default: JSON text is parsed', () => {
    expect(parseBundleText(' {"v":"tml-proof/1"} ')).toEqual({
      ok: true,
      value: { v: 'tml-proof/1' },
    })
  })

  test('errors: empty, not JSON, too large', () => {
    expect(parseBundleText('  ')).toEqual({
      ok: false,
      message: 'Paste a proof bundle (JSON) or drop its file.',
    })
    const notJson = parseBundleText('hello')
    expect(notJson.ok).toBe(false)
    expect(!notJson.ok && notJson.message).toMatch(
      /^This is not JSON \(.+\)\. A proof bundle is a JSON file/,
    )
    expect(parseBundleText(`"${'x'.repeat(1024 * 1024 + 1)}"`)).toEqual({
      ok: false,
      message: 'This is larger than 1024 KiB: not a proof bundle.',
    })
  })
})
