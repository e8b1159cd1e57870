import { lazy, Suspense, useEffect, useState } from 'react'
import { useConfig } from './config/ConfigContext.tsx'
import { VerifyPage } from './verify/VerifyPage.tsx'

// Only the verifier is in the first load; the other views (and wagmi) load when opened.
const HistoryPage = lazy(() => import('./history/HistoryPage.tsx'))
const WalletViews = lazy(() => import('./wallet/WalletViews.tsx'))

export const VIEWS = [
  { id: 'verify', label: 'Verify a proof' },
  { id: 'history', label: 'Epoch history' },
  { id: 'lantern', label: 'Lantern registry' },
  { id: 'desk', label: 'Reviewer desk' },
  { id: 'audit', label: 'Auditor access' },
] as const

export type ViewId = (typeof VIEWS)[number]['id']

function viewFromLocation(): ViewId {
  const view = new URLSearchParams(window.location.search).get('view')
  return VIEWS.find((v) => v.id === view)?.id ?? 'verify'
}

/**
 * The page: a header with the views, and the view chosen by `?view=` (the fragment is kept for
 * proof links, which never reach a server).
 */
export function App() {
  const { issues } = useConfig()
  const [view, setView] = useState<ViewId>(viewFromLocation)

  useEffect(() => {
    const onPop = () => setView(viewFromLocation())
    window.addEventListener('popstate', onPop)
    return () => window.removeEventListener('popstate', onPop)
  }, [])

  const open = (id: ViewId) => {
    const url = new URL(window.location.href)
    if (id === 'verify') url.searchParams.delete('view')
    else url.searchParams.set('view', id)
    window.history.pushState(null, '', url)
    setView(id)
  }

  return (
    <>
      <header className="site-header">
        <div className="brand">
          <span className="brand-mark" aria-hidden="true">
            ◆
          </span>
          <span>
            <strong>TML Anchor</strong>
            <span className="brand-sub">AI decision logs anyone can check</span>
          </span>
        </div>
        <nav aria-label="Views">
          <ul className="tabs">
            {VIEWS.map((v) => (
              <li key={v.id}>
                <a
                  href={v.id === 'verify' ? '?' : `?view=${v.id}`}
                  aria-current={view === v.id ? 'page' : undefined}
                  onClick={(event) => {
                    event.preventDefault()
                    open(v.id)
                  }}
                >
                  {v.label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
      </header>
      <main id="main">
        {issues.length > 0 && (
          <details className="notice warn">
            <summary>The page's configuration has {issues.length} problem(s)</summary>
            <ul>
              {issues.map((issue) => (
                <li key={issue}>{issue}</li>
              ))}
            </ul>
          </details>
        )}
        <Suspense fallback={<p className="loading">Loading…</p>}>
          {view === 'verify' && <VerifyPage />}
          {view === 'history' && <HistoryPage />}
          {(view === 'lantern' || view === 'desk' || view === 'audit') && (
            <WalletViews view={view} />
          )}
        </Suspense>
      </main>
      <footer className="site-footer">
        <p>
          Everything is checked in this browser with the TML Anchor core; chains are read through
          the RPC URLs this page is configured with. No server is trusted.
        </p>
      </footer>
    </>
  )
}
