import { useCallback, useEffect, useId, useState } from 'react'
import { useConnection } from 'wagmi'
import { publicClientFor } from '../chain/publicClientFor.ts'
import { useConfig } from '../config/ConfigContext.tsx'
import { errorText } from '../ui/errorText.ts'
import { CertifierConsole } from './CertifierConsole.tsx'
import { OperatorConsole } from './OperatorConsole.tsx'
import { OperatorList } from './OperatorList.tsx'
import { type OperatorView, readRegistry, readRoles } from './readRegistry.ts'

type Registry = { operators: OperatorView[]; now: bigint }

/** The Lantern registry of a chain, and the consoles of the connected operator or certifier. */
export function LanternPage() {
  const { config } = useConfig()
  const chains = config.chains.filter((c) => c.lanternRegistry && c.checkpointRegistry && c.rpcUrl)
  const [chainId, setChainId] = useState(chains[0]?.chainId)
  const [registry, setRegistry] = useState<
    { state: 'loading' } | { state: 'error'; message: string } | { state: 'done'; value: Registry }
  >({ state: 'loading' })
  const [roles, setRoles] = useState<{ certifier: boolean; operator: boolean } | undefined>()
  const [version, setVersion] = useState(0)
  const connection = useConnection()
  const account = connection.address
  const chain = chains.find((c) => c.chainId === chainId)
  const selectId = useId()
  const refresh = useCallback(() => setVersion((v) => v + 1), [])

  // biome-ignore lint/correctness/useExhaustiveDependencies: `version` re-reads after a confirmed write.
  useEffect(() => {
    if (chain === undefined) return
    let live = true
    setRegistry((r) => (r.state === 'done' ? r : { state: 'loading' }))
    Promise.all([
      readRegistry({ config, chainId: chain.chainId }),
      publicClientFor(chain).getBlock(),
    ]).then(
      ([operators, block]) =>
        live && setRegistry({ state: 'done', value: { operators, now: block.timestamp } }),
      (error: unknown) => live && setRegistry({ state: 'error', message: errorText(error) }),
    )
    return () => {
      live = false
    }
  }, [config, chain, version])

  // biome-ignore lint/correctness/useExhaustiveDependencies: `version` re-reads after a confirmed write.
  useEffect(() => {
    if (chain === undefined || account === undefined) {
      setRoles(undefined)
      return
    }
    let live = true
    readRoles({ config, chainId: chain.chainId, account }).then(
      (value) => live && setRoles(value),
      () => live && setRoles(undefined),
    )
    return () => {
      live = false
    }
  }, [config, chain, account, version])

  if (
    chain === undefined ||
    chain.lanternRegistry === undefined ||
    chain.checkpointRegistry === undefined
  )
    return (
      <p className="notice warn">
        No chain is configured with its registries and an RPC URL: see tml.config.json.
      </p>
    )

  const operators = registry.state === 'done' ? registry.value.operators : []
  const mine = operators.find((op) => op.address === account)
  return (
    <>
      <section
        className="card"
        aria-labelledby="lantern-heading"
        data-registry-version={version}
        data-registry-state={registry.state}
      >
        <h1 id="lantern-heading">Lantern registry</h1>
        <p>
          An operator’s Lantern is lit while a certifier vouches for it and every log it runs
          anchors its checkpoints on time. It goes dark when the certification lapses or is revoked,
          when a log falls behind, and for good when a log is caught equivocating.
        </p>
        <label htmlFor={selectId}>Chain</label>
        <select id={selectId} value={chainId} onChange={(e) => setChainId(Number(e.target.value))}>
          {chains.map((c) => (
            <option key={c.chainId} value={c.chainId}>
              {c.name} ({c.chainId})
            </option>
          ))}
        </select>
        {registry.state === 'loading' && <p className="loading">Reading the registry…</p>}
        {registry.state === 'error' && (
          <p className="notice error" role="alert">
            The registry could not be read: {registry.message}
          </p>
        )}
        {registry.state === 'done' && (
          <OperatorList operators={operators} explorer={chain.explorer} now={registry.value.now} />
        )}
      </section>
      {account !== undefined && roles !== undefined && (
        <>
          <OperatorConsole
            key={`${chain.chainId}-${account}`}
            chainId={chain.chainId}
            lantern={chain.lanternRegistry}
            checkpointRegistry={chain.checkpointRegistry}
            account={account}
            registered={roles.operator}
            logs={mine?.logs ?? []}
            onChanged={refresh}
          />
          {roles.certifier ? (
            <CertifierConsole
              chainId={chain.chainId}
              lantern={chain.lanternRegistry}
              operators={operators}
              onChanged={refresh}
            />
          ) : (
            <p className="card empty">
              Your account does not hold the certifier role on this chain, so the certifier console
              is hidden.
            </p>
          )}
        </>
      )}
    </>
  )
}
