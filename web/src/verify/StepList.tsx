import { chainName } from '../chain/chainName.ts'
import { explorerLink } from '../chain/explorerLink.ts'
import type { AnchorDetails } from '../chain/readAnchorDetails.ts'
import type { AppConfig } from '../config/AppConfig.ts'
import { formatTime } from '../ui/formatTime.ts'
import { MaybeLink } from '../ui/MaybeLink.tsx'
import type { ShownStatus, ShownStep } from './runVerification.ts'

const STATUS: Record<ShownStatus, { icon: string; words: string }> = {
  running: { icon: '…', words: 'checking' },
  ok: { icon: '✓', words: 'passed' },
  failed: { icon: '✗', words: 'failed' },
  info: { icon: 'ℹ', words: 'information' },
  warn: { icon: '!', words: 'warning' },
}

/**
 * The steps of a verification, each with its outcome; a failure says what was expected and what
 * was found, and each anchor shows its block, time and transaction.
 */
export function StepList({
  steps,
  anchors,
  config,
}: {
  steps: ShownStep[]
  anchors: AnchorDetails[]
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
              {step.reason !== undefined && <p className="step-reason">{step.reason}</p>}
              {chainId !== undefined && (
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
  details: AnchorDetails | undefined
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
          <MaybeLink href={explorerLink(explorer, 'tx', details.txHash)}>
            {details.txHash}
          </MaybeLink>
        </dd>
      </div>
      {details.note !== undefined && <p className="anchor-note">Note: {details.note}</p>}
    </dl>
  )
}
