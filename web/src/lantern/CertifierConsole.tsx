import { lanternRegistryAbi } from '@tml/core'
import { useId, useState } from 'react'
import { type Address, isAddress, keccak256, stringToHex } from 'viem'
import type { ContractDeployment } from '../config/AppConfig.ts'
import { useRegistryWrite } from '../wallet/useRegistryWrite.ts'
import { WriteStatus } from '../wallet/WriteStatus.tsx'
import { hashOfText, PROFILE_LABELS } from './labels.ts'
import type { OperatorView } from './readRegistry.ts'
import { readScope } from './readScope.ts'

type Props = {
  chainId: number
  lantern: ContractDeployment
  operators: OperatorView[]
  onChanged: () => void
}

type Action = 'grant' | 'renew' | 'revoke'

const ACTIONS: Record<Action, { title: string; button: string }> = {
  grant: { title: 'Grant a certification', button: 'Grant certification' },
  renew: { title: 'Renew a certification', button: 'Renew certification' },
  revoke: { title: 'Revoke a certification', button: 'Revoke certification' },
}

/** Unix seconds of the end (23:59:59 UTC) of a YYYY-MM-DD day, or undefined. */
function endOfDay(date: string): bigint | undefined {
  const ms = Date.parse(`${date}T23:59:59Z`)
  return Number.isFinite(ms) ? BigInt(Math.floor(ms / 1000)) : undefined
}

function inAYear(): string {
  return new Date(Date.now() + 365 * 86400_000).toISOString().slice(0, 10)
}

/** The certifier's console: grant (naming the policies and model examined), renew and revoke
 * Lantern certifications. */
export function CertifierConsole(props: Props) {
  return (
    <section className="card" aria-labelledby="certifier-console">
      <h2 id="certifier-console">Certifier console</h2>
      <p>
        Evidence and reasons stay off chain: the registry records their keccak256 hash (or the
        32-byte hash you paste).
      </p>
      {(['grant', 'renew', 'revoke'] as const).map((action) => (
        <CertificationForm key={action} action={action} {...props} />
      ))}
    </section>
  )
}

function CertificationForm({
  action,
  chainId,
  lantern,
  operators,
  onChanged,
}: Props & { action: Action }) {
  const [operator, setOperator] = useState('')
  const [profile, setProfile] = useState<string>(PROFILE_LABELS[0])
  const [expires, setExpires] = useState(inAYear)
  const [text, setText] = useState('')
  const [policies, setPolicies] = useState('')
  const [model, setModel] = useState('')
  const write = useRegistryWrite(chainId)
  const ids = {
    operator: useId(),
    list: useId(),
    profile: useId(),
    expires: useId(),
    text: useId(),
    policies: useId(),
    model: useId(),
  }
  const expiresAt = endOfDay(expires)
  const scope = action === 'grant' ? readScope(policies, model) : undefined
  const problem = !isAddress(operator.trim())
    ? 'Pick or type the operator’s address.'
    : action !== 'revoke' && expiresAt === undefined
      ? 'Pick the expiry date.'
      : text.trim() === ''
        ? action === 'revoke'
          ? 'Give the reason (text or its 32-byte hash).'
          : 'Give the evidence (text or its 32-byte hash).'
        : scope !== undefined && 'problem' in scope
          ? scope.problem
          : undefined

  const submit = () => {
    if (problem) return
    const who = operator.trim() as Address
    const hash = hashOfText(text)
    const base = { chainId, address: lantern.address, abi: lanternRegistryAbi } as const
    if (action === 'revoke')
      void write.send({ ...base, functionName: 'revokeCertification', args: [who, hash] })
    else if (expiresAt === undefined) return
    else if (action === 'renew')
      void write.send({ ...base, functionName: 'renewCertification', args: [who, expiresAt, hash] })
    else if (scope !== undefined && 'policyHashes' in scope)
      void write.send({
        ...base,
        functionName: 'grantCertification',
        args: [
          who,
          keccak256(stringToHex(profile)),
          expiresAt,
          hash,
          scope.policyHashes,
          scope.modelHash,
        ],
      })
  }

  return (
    <form
      className="operator"
      aria-label={ACTIONS[action].title}
      onSubmit={(event) => {
        event.preventDefault()
        submit()
      }}
    >
      <h3>{ACTIONS[action].title}</h3>
      <div className="form-grid">
        <div className="field-wide">
          <label htmlFor={ids.operator}>Operator</label>
          <input
            id={ids.operator}
            className="hex-input"
            list={ids.list}
            value={operator}
            onChange={(e) => setOperator(e.target.value)}
            placeholder="0x…"
            spellCheck={false}
          />
          <datalist id={ids.list}>
            {operators.map((op) => (
              <option key={op.address} value={op.address} />
            ))}
          </datalist>
        </div>
        {action === 'grant' && (
          <div>
            <label htmlFor={ids.profile}>Profile</label>
            <select id={ids.profile} value={profile} onChange={(e) => setProfile(e.target.value)}>
              {PROFILE_LABELS.map((label) => (
                <option key={label} value={label}>
                  {label}
                </option>
              ))}
            </select>
          </div>
        )}
        {action !== 'revoke' && (
          <div>
            <label htmlFor={ids.expires}>Expires (end of day, UTC)</label>
            <input
              id={ids.expires}
              type="date"
              value={expires}
              onChange={(e) => setExpires(e.target.value)}
            />
          </div>
        )}
        {action === 'grant' && (
          <>
            <div className="field-wide">
              <label htmlFor={ids.policies}>Policy hashes (one per line)</label>
              <textarea
                id={ids.policies}
                className="hex-input"
                rows={3}
                value={policies}
                onChange={(e) => setPolicies(e.target.value)}
                placeholder="0x… (the policy_hash of each policy examined, as in its MTLs)"
                spellCheck={false}
              />
            </div>
            <div className="field-wide">
              <label htmlFor={ids.model}>Model hash (optional)</label>
              <input
                id={ids.model}
                className="hex-input"
                value={model}
                onChange={(e) => setModel(e.target.value)}
                placeholder="0x… (empty: no model named)"
                spellCheck={false}
              />
            </div>
          </>
        )}
        <div className="field-wide">
          <label htmlFor={ids.text}>{action === 'revoke' ? 'Reason' : 'Evidence'}</label>
          <input
            id={ids.text}
            value={text}
            onChange={(e) => setText(e.target.value)}
            placeholder={
              action === 'revoke' ? 'why, or its hash' : 'audit report reference, or its hash'
            }
          />
        </div>
      </div>
      {scope !== undefined && 'problem' in scope && policies !== '' && (
        <p className="notice warn">{scope.problem}</p>
      )}
      <div className="actions">
        <button
          type="submit"
          className={action === 'revoke' ? 'danger' : 'primary'}
          disabled={problem !== undefined || write.busy}
        >
          {ACTIONS[action].button}
        </button>
      </div>
      <WriteStatus state={write.state} onConfirmed={onChanged} />
    </form>
  )
}
