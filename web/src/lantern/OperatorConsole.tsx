import { useId, useState } from 'react'
import { type Address, isAddress, isHex } from 'viem'
import type { ContractDeployment } from '../config/AppConfig.ts'
import { lanternRegistryAbi } from '../contracts/abis.ts'
import { useRegistryWrite } from '../wallet/useRegistryWrite.ts'
import { WriteStatus } from '../wallet/WriteStatus.tsx'
import { LICENSE_TEXT, licenseHash } from './license.ts'
import { RetireLog } from './RetireLog.tsx'
import type { LogView } from './readRegistry.ts'

type Props = {
  chainId: number
  lantern: ContractDeployment
  account: Address
  registered: boolean
  logs: LogView[]
  onChanged: () => void
}

/** The connected operator's console: register (accepting the License), declare logs, rotate signers,
 * retire logs. */
export function OperatorConsole(props: Props) {
  // Registering here keeps its confirmation in view while the declare and rotate forms appear.
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
          <RotateSigner {...props} />
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

function DeclareLog({ chainId, lantern, account, onChanged }: Props) {
  const [name, setName] = useState('')
  const [signer, setSigner] = useState<string>(account)
  const [receiptKey, setReceiptKey] = useState('')
  const [interval, setMaxInterval] = useState('3600')
  const write = useRegistryWrite(chainId)
  const ids = { name: useId(), signer: useId(), key: useId(), interval: useId() }
  const problem =
    name.trim() === ''
      ? 'Give the log a name.'
      : !isAddress(signer.trim())
        ? 'The checkpoint signer must be an address (0x + 40 hex digits).'
        : !isHex(receiptKey.trim()) || receiptKey.trim().length !== 66
          ? 'The receipt key is the gateway’s Ed25519 public key: 0x + 64 hex digits (`tml keys` prints it).'
          : !/^[1-9]\d{0,9}$/.test(interval.trim())
            ? 'The maximum epoch interval is a whole number of seconds.'
            : undefined
  return (
    <form
      onSubmit={(event) => {
        event.preventDefault()
        if (problem) return
        void write.send({
          address: lantern.address,
          abi: lanternRegistryAbi,
          functionName: 'declareLog',
          args: [name.trim(), signer.trim(), receiptKey.trim(), BigInt(interval.trim())],
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
          <label htmlFor={ids.signer}>Checkpoint signer</label>
          <input
            id={ids.signer}
            value={signer}
            onChange={(e) => setSigner(e.target.value)}
            spellCheck={false}
          />
        </div>
        <div>
          <label htmlFor={ids.key}>Receipt key (Ed25519 public key)</label>
          <input
            id={ids.key}
            value={receiptKey}
            onChange={(e) => setReceiptKey(e.target.value)}
            placeholder="0x…"
            spellCheck={false}
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
      </div>
      {problem && name !== '' && <p className="notice warn">{problem}</p>}
      <div className="actions">
        <button type="submit" className="primary" disabled={problem !== undefined || write.busy}>
          Declare log
        </button>
      </div>
      <WriteStatus state={write.state} onConfirmed={onChanged} />
    </form>
  )
}

function RotateSigner({ chainId, lantern, logs, onChanged }: Props) {
  const active = logs.filter((l) => !l.retired)
  const [logId, setLogId] = useState('')
  const [signer, setSigner] = useState('')
  const write = useRegistryWrite(chainId)
  const ids = { log: useId(), signer: useId() }
  const chosen = active.find((l) => l.logId === logId) ?? active[0]
  if (chosen === undefined) return null
  const valid = isAddress(signer.trim())
  return (
    <form
      onSubmit={(event) => {
        event.preventDefault()
        if (!valid) return
        void write.send({
          address: lantern.address,
          abi: lanternRegistryAbi,
          functionName: 'rotateSigner',
          args: [chosen.logId, signer.trim()],
        })
      }}
    >
      <h3>Rotate a log’s checkpoint signer</h3>
      <p>
        The new signer signs from the log’s next epoch on; earlier checkpoints keep their signer.
      </p>
      <div className="form-grid">
        <div>
          <label htmlFor={ids.log}>Log</label>
          <select id={ids.log} value={chosen.logId} onChange={(e) => setLogId(e.target.value)}>
            {active.map((l) => (
              <option key={l.logId} value={l.logId}>
                {l.name} (signer {l.signer.slice(0, 10)}…)
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor={ids.signer}>New checkpoint signer</label>
          <input
            id={ids.signer}
            value={signer}
            onChange={(e) => setSigner(e.target.value)}
            placeholder="0x…"
            spellCheck={false}
          />
        </div>
      </div>
      <div className="actions">
        <button type="submit" disabled={!valid || write.busy}>
          Rotate signer
        </button>
      </div>
      <WriteStatus state={write.state} onConfirmed={onChanged} />
    </form>
  )
}
