import { fireEvent, render, screen, waitFor, within } from '@testing-library/react'
import { describe, expect, test } from 'vitest'
import { buildFixtureBundle } from '../../../core/test/fixtures/bundle.ts'
import type { AppConfig } from '../../src/config/AppConfig.ts'
import { ConfigContext } from '../../src/config/ConfigContext.tsx'
import { DecisionSummary } from '../../src/verify/DecisionSummary.tsx'
import { StepList } from '../../src/verify/StepList.tsx'
import { VerifyPage } from '../../src/verify/VerifyPage.tsx'
import { fixtureConfig } from '../fixtures.ts'

// No chain is configured: the page must still verify offline and say why the chain steps fail.
const offlineConfig: AppConfig = {
  chains: [],
  gatewayUrl: undefined,
  esploraUrl: undefined,
  mockAccounts: [],
  mockRejectSignatures: false,
  devApiKey: undefined,
}

function renderPage(config: AppConfig = offlineConfig) {
  return render(
    <ConfigContext value={{ config, issues: [] }}>
      <VerifyPage />
    </ConfigContext>,
  )
}

describe('VerifyPage', () => {
  test('behavior: verifies a pasted bundle offline, says in plain words why it is not verified and which chains were not checked', async () => {
    const { bundle } = await buildFixtureBundle()
    renderPage()
    fireEvent.change(screen.getByLabelText(/Proof bundle \(JSON\)/), {
      target: { value: JSON.stringify(bundle) },
    })
    fireEvent.click(screen.getByRole('button', { name: 'Verify' }))
    const verdict = await screen.findByText(/^Not verified\. /)
    expect(verdict.textContent).toMatch(
      /^Not verified\. No chain could be read, so the log's keys are unknown\. \(\d+ checks failed: see below\.\)$/,
    )
    expect(verdict.className).toContain('failed')
    expect(screen.getByText(/^No chain was checked; not checked: chain 80002/)).toBeTruthy()
    const steps = screen.getByRole('list', { name: 'Verification steps' })
    const inclusion = within(steps).getByText("The MTL is in the checkpoint's tree").closest('li')
    expect(inclusion?.getAttribute('data-status')).toBe('ok')
    const anchor = steps.querySelector('li[data-step="anchor:11155111"]')
    expect(anchor?.getAttribute('data-status')).toBe('unchecked')
    expect(anchor?.textContent).toMatch(/anchored on chain 11155111 \(not checked\)/)
    // The technical detail is folded beneath the plain words.
    const leaf = steps.querySelector('li[data-step="checkpointSignature"]')
    expect(leaf?.querySelector('details summary')?.textContent).toBe('Technical detail')
    // An unverified record keeps none of a decision's words or colours.
    expect(screen.queryByText(/Proceed|approved \(\+1\)/)).toBeNull()
    expect(document.querySelector('.decision-headline')).toBeNull()
    expect(
      screen.getByRole('heading', { name: 'What the bundle claims (not verified)' }),
    ).toBeTruthy()
    expect(screen.getByText('Show the unverified claim (JSON)')).toBeTruthy()
    expect(screen.getByRole('button', { name: 'Copy a link to this proof' })).toBeTruthy()
    expect(
      screen.getByRole('button', { name: 'Download the OpenTimestamps proof (.ots)' }),
    ).toBeTruthy()
  })

  test('behavior: a bundle in the URL fragment is verified on open', async () => {
    const { bundle } = await buildFixtureBundle()
    const { bundleToFragment } = await import('../../src/verify/bundleFragment.ts')
    window.location.hash = bundleToFragment(JSON.stringify(bundle))
    renderPage()
    await screen.findByText(/^Not verified\. /)
    expect((screen.getByLabelText(/Proof bundle \(JSON\)/) as HTMLTextAreaElement).value).toBe(
      JSON.stringify(bundle),
    )
    window.location.hash = ''
  })

  describe('errors', () => {
    test('text that is not JSON is refused with an alert', () => {
      renderPage()
      fireEvent.change(screen.getByLabelText(/Proof bundle \(JSON\)/), {
        target: { value: '{"v":' },
      })
      fireEvent.click(screen.getByRole('button', { name: 'Verify' }))
      expect(screen.getByRole('alert').textContent).toMatch(/^This is not JSON/)
      expect(screen.queryByRole('status')).toBeNull()
    })

    test('a Bitcoin header source that is not an http(s) URL is refused before verifying', async () => {
      const { bundle } = await buildFixtureBundle()
      renderPage()
      fireEvent.change(screen.getByLabelText('Bitcoin block headers from (Esplora API URL)'), {
        target: { value: 'ftp://headers.example' },
      })
      fireEvent.change(screen.getByLabelText(/Proof bundle \(JSON\)/), {
        target: { value: JSON.stringify(bundle) },
      })
      fireEvent.click(screen.getByRole('button', { name: 'Verify' }))
      await waitFor(() =>
        expect(screen.getByRole('alert').textContent).toMatch(
          /^The Bitcoin header source must be an http\(s\) URL of an Esplora API/,
        ),
      )
      expect(screen.queryByRole('status')).toBeNull()
    })

    test('a gateway URL that is not http(s)', async () => {
      renderPage()
      fireEvent.change(screen.getByLabelText('Gateway URL'), {
        target: { value: 'ftp://gateway.example' },
      })
      fireEvent.change(screen.getByLabelText('Trace id'), {
        target: { value: '0192d4e0-6f00-7a11-9b22-3c4d5e6f7a8b' },
      })
      fireEvent.click(screen.getByRole('button', { name: 'Fetch and verify' }))
      await waitFor(() =>
        expect(screen.getByRole('alert').textContent).toMatch(
          /^The gateway URL must be an http\(s\) URL/,
        ),
      )
    })
  })
})

describe('StepList', () => {
  test('default: each step with its outcome, plain words first, the detail folded, and anchor details with explorer links', () => {
    render(
      <StepList
        config={fixtureConfig()}
        steps={[
          {
            id: 'inclusion',
            title: "The MTL is in the checkpoint's tree",
            status: 'failed',
            meaning: 'The decision record is not in the log’s published tree.',
            detail: 'inclusion proof: computed root 0xaa does not match expected root 0xbb',
          },
          {
            id: 'anchor:11155111',
            title: 'The checkpoint is anchored on chain 11155111',
            status: 'ok',
            detail: 'chain 11155111 holds checkpoint hash 0xcc for epoch 3',
          },
          {
            id: 'anchor:80002',
            title: 'The checkpoint is anchored on chain 80002',
            status: 'unchecked',
            meaning: 'Not checked: this page has no connection for chain 80002.',
          },
        ]}
        anchors={[
          {
            chainId: 11155111,
            registry: `0x${'c1'.repeat(20)}`,
            txHash: `0x${'a0'.repeat(32)}`,
            blockNumber: 1000n,
            blockTime: 1741944712n,
            note: undefined,
          },
        ]}
      />,
    )
    const items = screen.getAllByRole('listitem')
    expect(items[0]?.textContent).toBe(
      "✗The MTL is in the checkpoint's tree (failed)The decision record is not in the log’s published tree.Technical detailinclusion proof: computed root 0xaa does not match expected root 0xbb",
    )
    expect(items[0]?.querySelector('details')?.open).toBe(false)
    expect(items[1]?.textContent).toContain(
      'The checkpoint is anchored on Sepolia (chain 11155111) (passed)',
    )
    expect(items[1]?.textContent).toContain('Time2025-03-14 09:31:52 UTC')
    expect(items[2]?.textContent).toBe(
      '–The checkpoint is anchored on Polygon Amoy (chain 80002) (not checked)Not checked: this page has no connection for chain 80002.',
    )
    expect(screen.getByRole('link', { name: '1000' }).getAttribute('href')).toBe(
      'https://explorer.example/block/1000',
    )
    expect(screen.getByRole('link', { name: `0x${'a0'.repeat(32)}` }).getAttribute('href')).toBe(
      `https://explorer.example/tx/0x${'a0'.repeat(32)}`,
    )
  })
})

describe('DecisionSummary', () => {
  test('default: the decision in plain words with its scores', async () => {
    const { bundle } = await buildFixtureBundle()
    render(<DecisionSummary mtl={bundle.mtl} />)
    expect(
      screen.getByText('This record is verified: it is exactly what the log committed to.'),
    ).toBeTruthy()
    expect(
      screen.getByText(
        'Resolution: the pause 0192d4e0-7a1b-7c3d-8e4f-5a6b7c8d9e0f was approved (+1).',
      ),
    ).toBeTruthy()
    const table = screen.getByRole('table', { name: 'Scores the gateway measured' })
    expect(
      within(table)
        .getAllByRole('row')
        .map((r) => r.textContent),
    ).toEqual(['ScoreValue', 'Entropy0.92', 'Confidence0.6'])
  })
})
