import { explorerLink } from '../chain/explorerLink.ts'
import type { ExplorerPatterns } from '../config/AppConfig.ts'
import { formatDuration, formatTime } from '../ui/formatTime.ts'
import { MaybeLink } from '../ui/MaybeLink.tsx'
import { LANTERN_REASONS, profileName } from './labels.ts'
import type { OperatorView } from './readRegistry.ts'

/** Every operator with its Lantern lit or dark and why, its logs and keys, its certifications. */
export function OperatorList({
  operators,
  explorer,
  now,
}: {
  operators: OperatorView[]
  explorer: ExplorerPatterns
  now: bigint
}) {
  if (operators.length === 0)
    return <p className="empty">No operator has registered on this chain yet.</p>
  return (
    <ul className="operators" aria-label="Operators">
      {operators.map((op) => (
        <li
          key={op.address}
          className="operator"
          data-operator={op.address}
          data-lit={String(op.lit)}
        >
          <div className="operator-head">
            <h3 className="hex">
              <MaybeLink href={explorerLink(explorer, 'address', op.address)}>
                {op.address}
              </MaybeLink>
            </h3>
            <span className={`badge ${op.lit ? 'lit' : 'dark'}`}>
              {op.lit ? '◆ Lantern lit' : 'Lantern dark'}
            </span>
          </div>
          <p data-lantern-reason>
            {op.lit ? 'Lit' : 'Dark'}: {LANTERN_REASONS[op.reason] ?? `reason ${op.reason}`}
            {op.faultyLog !== undefined && (
              <>
                {' '}
                (log{' '}
                <span className="hex">
                  {op.logs.find((l) => l.logId === op.faultyLog)?.name ?? op.faultyLog}
                </span>
                )
              </>
            )}
            .
          </p>
          <dl className="facts">
            <div>
              <dt>Metadata</dt>
              <dd className="hex">{op.metadataURI || '—'}</dd>
            </div>
            <div>
              <dt>License hash accepted</dt>
              <dd className="hex">{op.licenseHash}</dd>
            </div>
            <div>
              <dt>Registered</dt>
              <dd>{formatTime(op.registeredAt)}</dd>
            </div>
          </dl>
          <details>
            <summary>
              {op.logs.length} log{op.logs.length === 1 ? '' : 's'}
              {op.logs.some((l) => l.retired) &&
                ` (${op.logs.filter((l) => l.retired).length} retired)`}
            </summary>
            {op.logs.length === 0 ? (
              <p className="empty">No log declared yet.</p>
            ) : (
              <div className="table-wrap">
                <table>
                  <thead>
                    <tr>
                      <th scope="col">Log</th>
                      <th scope="col">Checkpoint signer</th>
                      <th scope="col">Receipt key (Ed25519)</th>
                      <th scope="col">Max interval</th>
                      <th scope="col">Head</th>
                    </tr>
                  </thead>
                  <tbody>
                    {op.logs.map((log) => (
                      <tr key={log.logId} data-log={log.logId} data-retired={String(log.retired)}>
                        <th scope="row">
                          {log.name}
                          {log.retired && <span className="tag retired"> retired</span>}
                          <br />
                          <span className="hex">{log.logId}</span>
                        </th>
                        <td className="hex">{log.signer}</td>
                        <td className="hex">{log.receiptKey}</td>
                        <td>{formatDuration(Number(log.maxEpochInterval))}</td>
                        <td>
                          {log.headEpoch === 0n
                            ? 'no checkpoint yet'
                            : `epoch ${log.headEpoch}, ${formatTime(log.headTime)}`}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </details>
          <details>
            <summary>
              {op.certifications.length} certification{op.certifications.length === 1 ? '' : 's'}
            </summary>
            {op.certifications.length === 0 ? (
              <p className="empty">Never certified.</p>
            ) : (
              <div className="table-wrap">
                <table>
                  <thead>
                    <tr>
                      <th scope="col">#</th>
                      <th scope="col">Profile</th>
                      <th scope="col">Certifier</th>
                      <th scope="col">Issued</th>
                      <th scope="col">Expires</th>
                      <th scope="col">State</th>
                    </tr>
                  </thead>
                  <tbody>
                    {[...op.certifications].reverse().map((c) => (
                      <tr key={c.index}>
                        <th scope="row">{c.index}</th>
                        <td className="hex">{profileName(c.profile)}</td>
                        <td className="hex">{c.certifier}</td>
                        <td>{formatTime(c.issuedAt)}</td>
                        <td>{formatTime(c.expiresAt)}</td>
                        <td>
                          {c.revokedAt !== 0n
                            ? `revoked ${formatTime(c.revokedAt)}`
                            : c.expiresAt <= now
                              ? 'expired'
                              : c.index === op.certifications.at(-1)?.index
                                ? 'in force'
                                : 'superseded'}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </details>
        </li>
      ))}
    </ul>
  )
}
