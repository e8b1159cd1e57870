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
  test('behavior: verifies a pasted bundle offline, and names the chain steps that fail', async () => {
    const { bundle } = await buildFixtureBundle()
    renderPage()
    fireEvent.change(screen.getByLabelText(/Proof bundle \(JSON\)/), {
      target: { value: JSON.stringify(bundle) },
    })
    fireEvent.click(screen.getByRole('button', { name: 'Verify' }))
    const verdict = await screen.findByText(/^Not verified: /)
    expect(verdict.textContent).toBe(
      'Not verified: 4 steps failed (keys, anchor:11155111, anchor:80002, anchored).',
    )
    const steps = screen.getByRole('list', { name: 'Verification steps' })
    const inclusion = within(steps).getByText("The MTL is in the checkpoint's tree").closest('li')
    expect(inclusion?.getAttribute('data-status')).toBe('ok')
    expect(
      within(steps).getAllByText(/Chain 11155111 is not configured on this page/).length,
    ).toBeGreaterThan(0)
    expect(
      screen.getByText('Careful: this is what the bundle claims, and it did not verify.'),
    ).toBeTruthy()
    expect(screen.getByRole('button', { name: 'Copy a link to this proof' })).toBeTruthy()
  })

  test('behavior: a bundle in the URL fragment is verified on open', async () => {
    const { bundle } = await buildFixtureBundle()
    const { bundleToFragment } = await import('../../src/verify/bundleFragment.ts')
    window.location.hash = bundleToFragment(JSON.stringify(bundle))
    renderPage()
    await screen.findByText(/^Not verified: 4 steps failed/)
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
  test('default: each step with its outcome, the reason of a failure, and anchor details with explorer links', () => {
    render(
      <StepList
        config={fixtureConfig()}
        steps={[
          {
            id: 'inclusion',
            title: "The MTL is in the checkpoint's tree",
            status: 'failed',
            reason: 'inclusion proof: computed root 0xaa does not match expected root 0xbb',
          },
          {
            id: 'anchor:11155111',
            title: 'The checkpoint is anchored on chain 11155111',
            status: 'ok',
          },
        ]}
        anchors={[
          {
            chainId: 11155111,
            txHash: `0x${'a0'.repeat(32)}`,
            blockNumber: 1000n,
            blockTime: 1741944712n,
            eventMatches: true,
            note: undefined,
          },
        ]}
      />,
    )
    const items = screen.getAllByRole('listitem')
    expect(items[0]?.textContent).toBe(
      "✗The MTL is in the checkpoint's tree (failed)inclusion proof: computed root 0xaa does not match expected root 0xbb",
    )
    expect(items[1]?.textContent).toContain(
      'The checkpoint is anchored on Sepolia (chain 11155111) (passed)',
    )
    expect(items[1]?.textContent).toContain('Time2025-03-14 09:31:52 UTC')
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
    render(<DecisionSummary mtl={bundle.mtl} verified={true} />)
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
