import { useConnect, useConnection, useConnectors, useDisconnect } from 'wagmi'
import { errorText } from '../ui/errorText.ts'

/**
 * Connect or disconnect a wallet. Reading needs none; writing (registering, certifying,
 * signing a resolution) does.
 */
export function WalletBar() {
  const connection = useConnection()
  const connectors = useConnectors()
  const connect = useConnect()
  const disconnect = useDisconnect()
  const hasInjected = typeof window !== 'undefined' && 'ethereum' in window

  if (connection.status === 'connected')
    return (
      <section className="card wallet-bar" aria-label="Wallet">
        <p>
          Connected as{' '}
          <code className="hex" data-connected-account={connection.address}>
            {connection.address}
          </code>{' '}
          ({connection.connector?.name ?? 'wallet'})
        </p>
        <button type="button" onClick={() => disconnect.mutate({})}>
          Disconnect
        </button>
      </section>
    )

  return (
    <section className="card wallet-bar" aria-label="Wallet">
      <p>
        {connection.status === 'connecting' || connection.status === 'reconnecting'
          ? 'Connecting…'
          : 'No wallet connected: everything below can be read without one; writing needs one.'}
      </p>
      <div className="actions">
        {connectors.map((connector) => {
          const missing = connector.type === 'injected' && !hasInjected
          return (
            <button
              key={connector.uid}
              type="button"
              disabled={missing || connect.isPending}
              title={
                missing
                  ? 'No browser wallet (such as MetaMask) was found in this browser.'
                  : undefined
              }
              onClick={() => connect.mutate({ connector })}
            >
              {connector.type === 'mock' ? 'Connect test account' : 'Connect browser wallet'}
            </button>
          )
        })}
      </div>
      {connect.error && (
        <p className="notice error" role="alert">
          {errorText(connect.error)}
        </p>
      )}
    </section>
  )
}
