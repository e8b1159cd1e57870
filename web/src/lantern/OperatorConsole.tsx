import {
  checkpointRegistryAbi,
  computeLogId,
  type Hex,
  InvalidKeyRotationError,
  type KeyRotationStatement,
  keyRotationStatementFromJson,
  lanternRegistryAbi,
  receiptKeyCommitment,
  recoverKeyRotationSigner,
} from '@tml/core'
import { useEffect, useId, useState } from 'react'
import { type Address, isAddress, isAddressEqual } from 'viem'
import type { ContractDeployment } from '../config/AppConfig.ts'
import { errorText } from '../ui/errorText.ts'
import { useRegistryWrite } from '../wallet/useRegistryWrite.ts'
import { WriteStatus } from '../wallet/WriteStatus.tsx'
import { LICENSE_TEXT, licenseHash } from './license.ts'
import { RetireLog } from './RetireLog.tsx'
import type { LogView } from './readRegistry.ts'

type Props = {
  chainId: number
  lantern: ContractDeployment
  checkpointRegistry: ContractDeployment
  account: Address
  registered: boolean
  logs: LogView[]
  onChanged: () => void
}

/** The connected operator's console: register (accepting the License), declare logs, relay key
 * rotation statements and see the key history, retire logs. */
export function OperatorConsole(props: Props) {
  // Registering here keeps its confirmation in view while the declare and relay forms appear.
  const [registeredHere, setRegisteredHere] = useState(false)
  const onRegistered = () => {
    setRegisteredHere(true)
    props.onChanged()
  }
  return (
    <section className="card" aria-labelledby="operator-console">
      <h2 id="operator-console">Operator console</h2>
      {(!props.registered || registeredHere) && <Register {...props} onChanged={onRegistered} />}
      {props.registered && (
        <>
          <DeclareLog {...props} />
          <RelayKeyRotation {...props} />
          <KeyHistory {...props} />
          <RetireLog {...props} />
        </>
      )}
    </section>
  )
}

function Register({ chainId, lantern, onChanged }: Props) {
  const [uri, setUri] = useState('')
  const [accepted, setAccepted] = useState(false)
  const write = useRegistryWrite(chainId)
  const ids = { uri: useId(), accept: useId(), license: useId() }
  const hash = licenseHash()
  if (write.state.status === 'confirmed')
    return (
      <form>
        <h3>Register as an operator</h3>
        <p>
          You are registered, having accepted the License with hash{' '}
          <code className="hex">{hash}</code>.
        </p>
        <WriteStatus state={write.state} onConfirmed={onChanged} />
      </form>
    )
  return (
    <form
      onSubmit={(event) => {
        event.preventDefault()
        void write.send({
          chainId,
          address: lantern.address,
          abi: lanternRegistryAbi,
          functionName: 'registerOperator',
          args: [uri.trim(), hash],
        })
      }}
    >
      <h3>Register as an operator</h3>
      <p>
        Your account is not registered on this chain. Registering records that you accept the
        License below.
      </p>
      <p id={ids.license}>License text (the registry records its hash):</p>
      <pre className="license">{LICENSE_TEXT}</pre>
      <p>
        Hash you sign (keccak256 of the text):{' '}
        <code className="hex" data-license-hash>
          {hash}
        </code>
      </p>
      <label htmlFor={ids.uri}>Metadata URI (where you describe yourself)</label>
      <input
        id={ids.uri}
        type="url"
        required
        value={uri}
        onChange={(e) => setUri(e.target.value)}
        placeholder="https://operator.example/tml.json"
      />
      <label className="checkbox" htmlFor={ids.accept}>
        <input
          id={ids.accept}
          type="checkbox"
          checked={accepted}
          onChange={(e) => setAccepted(e.target.checked)}
        />{' '}
        I accept the License
      </label>
      <div className="actions">
        <button
          type="submit"
          className="primary"
          disabled={!accepted || uri.trim() === '' || write.busy}
        >
          Register and accept the License
        </button>
      </div>
      <WriteStatus state={write.state} onConfirmed={onChanged} />
    </form>
  )
}

/** keccak256(x ‖ y) of a pasted P-256 public key (0x04 ‖ x ‖ y), or undefined when it is not one. */
function commitmentOf(key: string): Hex | undefined {
  try {
    return receiptKeyCommitment(key as Hex)
  } catch {
    return undefined
  }
}

function DeclareLog({ chainId, lantern, account, onChanged }: Props) {
  const [name, setName] = useState('')
  const [signer, setSigner] = useState<string>(account)
  const [receiptKey, setReceiptKey] = useState('')
  // The operator pastes the gateway's full P-256 key; the chain holds its commitment.
  const commitment = commitmentOf(receiptKey.trim())
  const [interval, setMaxInterval] = useState('3600')
  const write = useRegistryWrite(chainId)
  const ids = { name: useId(), signer: useId(), key: useId(), interval: useId(), id: useId() }
  const problem =
    name.trim() === ''
      ? 'Give the log a name.'
      : !isAddress(signer.trim())
        ? 'The checkpoint signer must be an address (0x + 40 hex digits).'
        : commitment === undefined
          ? 'The receipt key is the gateway’s P-256 public key: 0x04 + 128 hex digits, a point on the curve (`tml keys` prints it).'
          : !/^[1-9]\d{0,9}$/.test(interval.trim())
            ? 'The maximum epoch interval is a whole number of seconds.'
            : undefined
  return (
    <form
      onSubmit={(event) => {
        event.preventDefault()
        const signerAddress = signer.trim()
        const key = commitment
        if (problem || !isAddress(signerAddress) || key === undefined) return
        void write.send({
          chainId,
          address: lantern.address,
          abi: lanternRegistryAbi,
          functionName: 'declareLog',
          args: [name.trim(), signerAddress, key, BigInt(interval.trim())],
        })
      }}
    >
      <h3>Declare a log</h3>
      <div className="form-grid">
        <div>
          <label htmlFor={ids.name}>Log name</label>
          <input
            id={ids.name}
            value={name}
            onChange={(e) => setName(e.target.value)}
            placeholder="gateway-1"
          />
        </div>
        <div>
          <label htmlFor={ids.interval}>Maximum epoch interval (seconds)</label>
          <input
            id={ids.interval}
            inputMode="numeric"
            value={interval}
            onChange={(e) => setMaxInterval(e.target.value)}
          />
        </div>
        <div className="field-wide">
          <label htmlFor={ids.signer}>Checkpoint signer</label>
          <input
            id={ids.signer}
            className="hex-input"
            value={signer}
            onChange={(e) => setSigner(e.target.value)}
            spellCheck={false}
          />
        </div>
        <div className="field-wide">
          <label htmlFor={ids.key}>Receipt key (P-256 public key)</label>
          <input
            id={ids.key}
            className="hex-input"
            value={receiptKey}
            onChange={(e) => setReceiptKey(e.target.value)}
            placeholder="0x…"
            spellCheck={false}
          />
        </div>
      </div>
      {problem === undefined ? (
        <p id={ids.id}>
          Log id:{' '}
          <code className="hex" data-log-id-preview>
            {computeLogId({
              operator: account,
              name: name.trim(),
              signer: signer.trim() as Address,
              receiptKey: commitment as Hex,
              maxEpochInterval: BigInt(interval.trim()),
            })}
          </code>
          . The chain holds the receipt key as its commitment keccak256(x ‖ y):{' '}
          <code className="hex" data-receipt-commitment>
            {commitment}
          </code>
          . The log id commits to the name, these first keys and the interval: declare the log with
          the same values on every chain, or it is another log there. Later keys are rotation
          statements the current signer signs.
        </p>
      ) : (
        name !== '' && <p className="notice warn">{problem}</p>
      )}
      <div className="actions">
        <button type="submit" className="primary" disabled={problem !== undefined || write.busy}>
          Declare log
        </button>
      </div>
      <WriteStatus state={write.state} onConfirmed={onChanged} />
    </form>
  )
}

/** Parses the pasted statement; the reason when it is not one. */
function parseStatement(text: string): KeyRotationStatement | { problem: string } {
  if (text.trim() === '') return { problem: '' }
  try {
    return keyRotationStatementFromJson(JSON.parse(text))
  } catch (error) {
    return {
      problem:
        error instanceof InvalidKeyRotationError
          ? `Not a key rotation statement: ${error.issues.map((i) => `${i.path}: ${i.message}`).join('; ')}.`
          : 'Not JSON: paste the statement as `tml keys rotate` prints it.',
    }
  }
}

/**
 * Relays a signed key rotation statement to this chain's CheckpointRegistry (`rotateKeys`):
 * anyone may relay one, and the same statement goes to every chain. The page says who signed it
 * and whether that is the log's current signer here, but the registry decides: it refuses a
 * statement not signed by the last period's signer, and a statement for an epoch this chain has
 * already anchored proves a broken handover (the log is marked compromised).
 */
function RelayKeyRotation({ chainId, checkpointRegistry, logs, onChanged }: Props) {
  const [text, setText] = useState('')
  const [recovered, setRecovered] = useState<{ text: string; signer: Address | string }>()
  const write = useRegistryWrite(chainId)
  const ids = { statement: useId(), hint: useId() }
  const statement = parseStatement(text)
  const parsed = 'rotation' in statement ? statement : undefined
  const log = parsed && logs.find((l) => l.logId === parsed.rotation.logId)
  const current = log?.keyPeriods.at(-1)
  useEffect(() => {
    if (parsed === undefined) return
    let live = true
    recoverKeyRotationSigner(parsed)
      .then((signer) => live && setRecovered({ text, signer }))
      .catch(
        (error: unknown) =>
          live && setRecovered({ text, signer: `unreadable signature (${errorText(error)})` }),
      )
    return () => {
      live = false
    }
  }, [parsed, text])
  const signedBy = recovered?.text === text ? recovered.signer : undefined
  const notes: string[] = []
  if (parsed && log === undefined)
    notes.push('This statement is not for one of your logs on this chain (anyone may relay it).')
  if (parsed && current && signedBy !== undefined && isAddress(signedBy)) {
    if (!isAddressEqual(signedBy, current.signer))
      notes.push(
        `Signed by ${signedBy}, but the log’s current signer on this chain is ${current.signer}: the registry will refuse it.`,
      )
    if (parsed.rotation.index !== BigInt(log?.keyPeriods.length ?? 0))
      notes.push(
        `It opens key period ${parsed.rotation.index}; this chain expects period ${log?.keyPeriods.length}.`,
      )
  }
  return (
    <form
      aria-label="Relay a key rotation statement"
      onSubmit={(event) => {
        event.preventDefault()
        if (parsed === undefined) return
        void write.send({
          chainId,
          address: checkpointRegistry.address,
          abi: checkpointRegistryAbi,
          functionName: 'rotateKeys',
          args: [parsed.rotation, parsed.signature],
        })
      }}
    >
      <h3>Relay a key rotation statement</h3>
      <p id={ids.hint}>
        A log’s keys change by a statement its current checkpoint signer signs (EIP-712, the same on
        every chain): from epoch <code>fromEpoch</code> on, checkpoints are signed by{' '}
        <code>signer</code> and receipts by <code>receiptKey</code>. Paste it as{' '}
        <code>{'{"rotation":{logId,index,fromEpoch,signer,receiptKey},"signature"}'}</code> and
        relay it to every chain the log anchors on, before the log reaches <code>fromEpoch</code>.
      </p>
      <label htmlFor={ids.statement}>Signed statement (JSON)</label>
      <textarea
        id={ids.statement}
        aria-describedby={ids.hint}
        rows={6}
        value={text}
        onChange={(e) => setText(e.target.value)}
        spellCheck={false}
        placeholder='{"rotation":{"logId":"0x…","index":1,"fromEpoch":100,"signer":"0x…","receiptKey":"0x…"},"signature":"0x…"}'
      />
      {'problem' in statement && statement.problem !== '' && (
        <p className="notice warn">{statement.problem}</p>
      )}
      {parsed && (
        <dl className="facts" data-statement>
          <div>
            <dt>Log</dt>
            <dd className="hex">
              {log ? `${log.name} (${parsed.rotation.logId})` : parsed.rotation.logId}
            </dd>
          </div>
          <div>
            <dt>Key period</dt>
            <dd>
              {String(parsed.rotation.index)}, from epoch {String(parsed.rotation.fromEpoch)}
            </dd>
          </div>
          <div>
            <dt>New checkpoint signer</dt>
            <dd className="hex">{parsed.rotation.signer}</dd>
          </div>
          <div>
            <dt>New receipt key</dt>
            <dd className="hex">{parsed.rotation.receiptKey}</dd>
          </div>
          <div>
            <dt>Signed by</dt>
            <dd className="hex" data-signed-by>
              {signedBy ?? '…'}
            </dd>
          </div>
        </dl>
      )}
      {notes.map((note) => (
        <p key={note} className="notice warn">
          {note}
        </p>
      ))}
      <div className="actions">
        <button type="submit" disabled={parsed === undefined || write.busy}>
          Relay statement
        </button>
      </div>
      <WriteStatus
        state={write.state}
        onConfirmed={() => {
          // Relayed: the statement now describes the past; the key history below shows it.
          setText('')
          onChanged()
        }}
      />
    </form>
  )
}

/** The key history of each of the operator's logs on this chain, newest period last. */
function KeyHistory({ logs }: Props) {
  if (logs.length === 0) return null
  return (
    <section aria-labelledby="key-history">
      <h3 id="key-history">Key history</h3>
      {logs.map((log) => (
        <div key={log.logId} className="table-wrap" data-key-history={log.logId}>
          <table>
            <caption>
              {log.name}
              {log.retired && ' (retired)'}
            </caption>
            <thead>
              <tr>
                <th scope="col">Period</th>
                <th scope="col">From epoch</th>
                <th scope="col">Checkpoint signer</th>
                <th scope="col">P-256 receipt key (commitment)</th>
              </tr>
            </thead>
            <tbody>
              {log.keyPeriods.map((period) => (
                <tr key={period.index} data-period={period.index}>
                  <th scope="row">{period.index}</th>
                  <td>{String(period.fromEpoch)}</td>
                  <td className="hex">{period.signer}</td>
                  <td className="hex">{period.receiptKey}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ))}
    </section>
  )
}
