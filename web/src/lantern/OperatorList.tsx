import { Fragment } from 'react'
import { explorerLink } from '../chain/explorerLink.ts'
import type { ExplorerPatterns } from '../config/AppConfig.ts'
import { formatDuration, formatTime } from '../ui/formatTime.ts'
import { MaybeLink } from '../ui/MaybeLink.tsx'
import { describeProfile, LANTERN_REASONS } from './labels.ts'
import { readMetadataUri } from './readMetadataUri.ts'
import type { LogView, OperatorView } from './readRegistry.ts'

/** The keys a log signs with now: its last key period here, or its declared keys. */
function currentKeys(log: LogView) {
  const last = log.keyPeriods.at(-1)
  if (last === undefined || last.index === 0)
    return { signer: log.signer, receiptKey: log.receiptKey, index: 0, since: undefined }
  return {
    signer: last.signer,
    receiptKey: last.receiptKey,
    index: last.index,
    since: last.fromEpoch,
  }
}

/** An operator's metadata URI as people read it: the fields of inline JSON, a link, or text. */
function Metadata({ uri }: { uri: string }) {
  const view = readMetadataUri(uri)
  if (view.kind === 'none') return <>—</>
  if (view.kind === 'link')
    return (
      <a className="hex" href={view.href} target="_blank" rel="noopener noreferrer nofollow">
        {view.text}
      </a>
    )
  if (view.kind === 'text')
    return (
      <span className="hex">
        {view.text}
        {view.note && <span className="tag"> ({view.note})</span>}
      </span>
    )
  return (
    <span className="metadata-fields">
      {view.fields.map((f) => (
        <span key={f.name}>
          <span className="metadata-name">{f.name}:</span> {f.value}
        </span>
      ))}
      {view.more > 0 && <span className="tag">and {view.more} more fields</span>}
      <span className="tag">(inline JSON in the registry)</span>
    </span>
  )
}

/** A certification's profile: its label when the hash is a known profile's, else "a hash". */
function Profile({ profile }: { profile: string }) {
  const view = describeProfile(profile)
  if (view.known) return <>{view.label}</>
  return (
    <span>
      unknown profile <span className="tag">(keccak256 of a label this page does not know)</span>
      <br />
      <span className="hex">{view.hash}</span>
    </span>
  )
}

/** Every operator with its Lantern lit or dark and why, its logs and current keys, its
 * certifications with the policies and model each covers. */
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
            <div className="wide-fact">
              <dt>Metadata</dt>
              <dd data-metadata>
                <Metadata uri={op.metadataURI} />
              </dd>
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
                      <th scope="col">Checkpoint signer (current)</th>
                      <th scope="col">P-256 receipt key (commitment, current)</th>
                      <th scope="col">Max interval</th>
                      <th scope="col">Head</th>
                    </tr>
                  </thead>
                  <tbody>
                    {op.logs.map((log) => {
                      const keys = currentKeys(log)
                      return (
                        <tr key={log.logId} data-log={log.logId} data-retired={String(log.retired)}>
                          <th scope="row">
                            {log.name}
                            {log.retired && <span className="tag retired"> retired</span>}
                            <br />
                            <span className="hex">{log.logId}</span>
                          </th>
                          <td className="hex">
                            {keys.signer}
                            {keys.since !== undefined && (
                              <span className="tag" data-key-period={keys.index}>
                                {' '}
                                key period {keys.index}, since epoch {String(keys.since)}
                              </span>
                            )}
                          </td>
                          <td className="hex">{keys.receiptKey}</td>
                          <td>{formatDuration(Number(log.maxEpochInterval))}</td>
                          <td>
                            {log.headEpoch === 0n
                              ? 'no checkpoint yet'
                              : `epoch ${log.headEpoch}, ${formatTime(log.headTime)}`}
                          </td>
                        </tr>
                      )
                    })}
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
                      <th scope="col">Policies</th>
                      <th scope="col">Model</th>
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
                        <td data-profile>
                          <Profile profile={c.profile} />
                        </td>
                        <td className="hex" data-policies>
                          {c.policyHashes.length === 0
                            ? '—'
                            : c.policyHashes.map((hash, i) => (
                                <Fragment key={hash}>
                                  {i > 0 && <br />}
                                  {hash}
                                </Fragment>
                              ))}
                        </td>
                        <td className="hex" data-model>
                          {c.modelHash ?? 'none named'}
                        </td>
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
