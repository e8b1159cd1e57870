import { QueryClient, QueryClientProvider } from '@tanstack/react-query'
import { lazy, useMemo } from 'react'
import { WagmiProvider } from 'wagmi'
import { useConfig } from '../config/ConfigContext.tsx'
import { DeskPage } from '../desk/DeskPage.tsx'
import { LanternPage } from '../lantern/LanternPage.tsx'
import { createWagmiConfig } from './createWagmiConfig.ts'
import { WalletBar } from './WalletBar.tsx'

// The auditor view carries the gateway's engine and vault code: loaded only when opened.
const AuditPage = lazy(() =>
  import('../audit/AuditPage.tsx').then((m) => ({ default: m.AuditPage })),
)

/** The views that may use a wallet (loaded on demand, with wagmi). */
export default function WalletViews({ view }: { view: 'lantern' | 'desk' | 'audit' }) {
  const { config } = useConfig()
  const wagmi = useMemo(() => createWagmiConfig(config), [config])
  const queryClient = useMemo(() => new QueryClient(), [])
  if (wagmi === undefined)
    return (
      <p className="notice warn">No chain is configured with an RPC URL: see tml.config.json.</p>
    )
  return (
    <WagmiProvider config={wagmi}>
      <QueryClientProvider client={queryClient}>
        <WalletBar />
        {view === 'lantern' ? <LanternPage /> : view === 'desk' ? <DeskPage /> : <AuditPage />}
      </QueryClientProvider>
    </WagmiProvider>
  )
}
