import type { AnchoredOn } from '@tml/core'
import { chainName } from '../chain/chainName.ts'
import { explorerLink } from '../chain/explorerLink.ts'
import type { AppConfig } from '../config/AppConfig.ts'
import { formatTime } from '../ui/formatTime.ts'
import { MaybeLink } from '../ui/MaybeLink.tsx'
import type { ShownStatus, ShownStep } from './runVerification.ts'

const STATUS: Record<ShownStatus, { icon: string; words: string }> = {
  ok: { icon: '✓', words: 'passed' },
  failed: { icon: '✗', words: 'failed' },
  unchecked: { icon: '–', words: 'not checked' },
  warn: { icon: '!', words: 'note' },
}

/**
 * The steps of a verification, each with its outcome. A step that did not pass says first what
 * that means in plain words, with the technical detail (what was expected, what was found)
 * folded beneath; each anchor shows its block, time and transaction.
 */
export function StepList({
  steps,
  anchors,
  config,
}: {
  steps: ShownStep[]
  anchors: AnchoredOn[]
  config: AppConfig
}) {
  return (
    <ol className="steps" aria-label="Verification steps">
      {steps.map((step) => {
        const chainId = step.id.startsWith('anchor:') ? Number(step.id.slice(7)) : undefined
        const title =
          chainId === undefined
            ? step.title
            : `The checkpoint is anchored on ${chainName(config, chainId)}`
        const status = STATUS[step.status]
        return (
          <li
            key={step.id}
            className={`step ${step.status}`}
            data-step={step.id}
            data-status={step.status}
          >
            <span className="step-icon" aria-hidden="true">
              {status.icon}
            </span>
            <div className="step-body">
              <p className="step-title">
                {title} <span className="visually-hidden">({status.words})</span>
              </p>
              {step.meaning !== undefined && <p className="step-meaning">{step.meaning}</p>}
              {step.detail !== undefined &&
                // A step that did not pass and has no plain reason: its detail is all there is.
                (step.meaning === undefined && step.status !== 'ok' ? (
                  <p className="step-meaning">{step.detail}</p>
                ) : (
                  <details className="step-detail">
                    <summary>Technical detail</summary>
                    <p className="step-reason">{step.detail}</p>
                  </details>
                ))}
              {chainId !== undefined && step.status === 'ok' && (
                <AnchorLine
                  details={anchors.find((a) => a.chainId === chainId)}
                  config={config}
                  chainId={chainId}
                />
              )}
            </div>
          </li>
        )
      })}
    </ol>
  )
}

function AnchorLine({
  details,
  config,
  chainId,
}: {
  details: AnchoredOn | undefined
  config: AppConfig
  chainId: number
}) {
  if (details === undefined) return null
  const explorer = config.chains.find((c) => c.chainId === chainId)?.explorer ?? {}
  return (
    <dl className="anchor-details">
      <div>
        <dt>Block</dt>
        <dd>
          {details.blockNumber === undefined ? (
            'unknown'
          ) : (
            <MaybeLink href={explorerLink(explorer, 'block', details.blockNumber)}>
              {details.blockNumber.toString()}
            </MaybeLink>
          )}
        </dd>
      </div>
      <div>
        <dt>Time</dt>
        <dd>{formatTime(details.blockTime)}</dd>
      </div>
      <div>
        <dt>Transaction</dt>
        <dd className="hex">
          {details.txHash === undefined ? (
            'unknown'
          ) : (
            <MaybeLink href={explorerLink(explorer, 'tx', details.txHash)}>
              {details.txHash}
            </MaybeLink>
          )}
        </dd>
      </div>
      {details.note !== undefined && <p className="anchor-note">Note: {details.note}</p>}
    </dl>
  )
}
