import { type Connector, useConnect, useConnection, useConnectors, useDisconnect } from 'wagmi'
import { useConfig } from '../config/ConfigContext.tsx'
import { errorText } from '../ui/errorText.ts'

/** The id of wagmi's generic `injected()` connector (`window.ethereum`); EIP-6963 wallets have their own. */
const LEGACY_INJECTED = 'injected'

/**
 * Which connect buttons to show: each wallet the browser announced (EIP-6963), the legacy
 * `window.ethereum` one only when none announced itself, the mock connector of test deployments;
 * and, when no wallet is there at all, why the browser-wallet button is greyed.
 */
export function walletChoices<C extends Pick<Connector, 'id' | 'type'>>(
  connectors: readonly C[],
  hasWindowEthereum: boolean,
) {
  const announced = connectors.filter((c) => c.type === 'injected' && c.id !== LEGACY_INJECTED)
  const legacy = connectors.find((c) => c.type === 'injected' && c.id === LEGACY_INJECTED)
  const mock = connectors.filter((c) => c.type === 'mock')
  const wallets = announced.length > 0 ? announced : legacy && hasWindowEthereum ? [legacy] : []
  return {
    wallets,
    mock,
    missing: wallets.length === 0 ? legacy : undefined,
  }
}

/**
 * Connect or disconnect a wallet. Reading needs none; writing (registering, certifying,
 * signing a resolution) does. Says why when it cannot: no wallet in this browser, a wallet on a
 * chain the page does not read, a refused connection.
 */
export function WalletBar() {
  const { config } = useConfig()
  const connection = useConnection()
  const connectors = useConnectors()
  const connect = useConnect()
  const disconnect = useDisconnect()
  const hasWindowEthereum = typeof window !== 'undefined' && 'ethereum' in window
  const { wallets, mock, missing } = walletChoices(connectors, hasWindowEthereum)

  if (connection.status === 'connected') {
    const onChain = config.chains.find((c) => c.chainId === connection.chainId)
    return (
      <section className="card wallet-bar" aria-label="Wallet">
        <p>
          Connected as{' '}
          <code className="hex" data-connected-account={connection.address}>
            {connection.address}
          </code>{' '}
          ({connection.connector?.name ?? 'wallet'}
          {onChain ? `, on ${onChain.name}` : ''})
        </p>
        <button type="button" onClick={() => disconnect.mutate({})}>
          Disconnect
        </button>
        {onChain === undefined && (
          <p className="notice warn" data-wallet-problem="wrong-chain">
            Your wallet is on chain {connection.chainId ?? 'unknown'}, which this page does not
            read. Each write first asks your wallet to switch to the form’s chain (
            {config.chains.map((c) => c.name).join(' or ')}).
          </p>
        )}
      </section>
    )
  }

  const label = (connector: Pick<Connector, 'id' | 'name' | 'type'>) =>
    connector.type === 'mock'
      ? 'Connect test account'
      : connector.id === LEGACY_INJECTED
        ? 'Connect browser wallet'
        : `Connect ${connector.name}`
  return (
    <section className="card wallet-bar" aria-label="Wallet">
      <p>
        {connection.status === 'connecting' || connection.status === 'reconnecting'
          ? 'Connecting…'
          : 'No wallet connected: everything below can be read without one; writing needs one.'}
      </p>
      <div className="actions">
        {[...wallets, ...mock].map((connector) => (
          <button
            key={connector.uid}
            type="button"
            disabled={connect.isPending}
            onClick={() => connect.mutate({ connector })}
          >
            {label(connector)}
          </button>
        ))}
        {missing && (
          <>
            <button type="button" disabled aria-describedby="no-wallet-reason">
              Connect browser wallet
            </button>
            <span id="no-wallet-reason" className="hint" data-wallet-problem="no-wallet">
              No browser wallet found in this browser: install one (such as MetaMask or Rabby) or
              open this page where one is installed.
              {mock.length > 0 && ' This test deployment also offers a test account.'}
            </span>
          </>
        )}
      </div>
      {connect.error && (
        <p className="notice error" role="alert">
          {errorText(connect.error)}
        </p>
      )}
    </section>
  )
}
