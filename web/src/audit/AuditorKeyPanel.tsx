import { useId, useState } from 'react'
import { errorText } from '../ui/errorText.ts'
import { saveFile } from '../ui/saveFile.ts'
import {
  type AuditorKey,
  auditorKeyFileText,
  generateAuditorKey,
  loadAuditorKey,
} from './auditorKey.ts'

/**
 * The auditor's X25519 key: generated in this browser (and offered for download), or loaded
 * from a key file (`tml custodian keygen --out`, or an earlier download). The secret half stays
 * in this tab: the page sends only the public half, in the access request.
 */
export function AuditorKeyPanel({
  auditorKey,
  onKey,
}: {
  auditorKey: AuditorKey | undefined
  onKey: (key: AuditorKey | undefined) => void
}) {
  const ids = { file: useId() }
  const [problem, setProblem] = useState<string | undefined>(undefined)
  const [fileName, setFileName] = useState<string | undefined>(undefined)

  const generate = async () => {
    setProblem(undefined)
    try {
      const key = await generateAuditorKey()
      onKey(key)
      setFileName(undefined)
      saveFile('auditor.x25519', auditorKeyFileText(key.privateKey), 'text/plain')
    } catch (e) {
      setProblem(errorText(e))
    }
  }
  const load = async (file: File | undefined) => {
    setProblem(undefined)
    if (file === undefined) return
    try {
      onKey(await loadAuditorKey(await file.text()))
      setFileName(file.name)
    } catch (e) {
      onKey(undefined)
      setProblem(`${file.name}: ${errorText(e)}`)
    }
  }

  return (
    <section className="card" aria-labelledby="auditor-key-heading">
      <h2 id="auditor-key-heading">Your auditor key</h2>
      <p className="hint">
        An X25519 key pair: custodians wrap the epoch keys they release to its public half, and only
        its secret half opens them. The secret key never leaves this browser: the page sends only
        the public key, in the access request, and opens the releases here.
      </p>
      <div className="actions">
        <button type="button" onClick={() => void generate()}>
          Generate a key pair (downloads the secret key)
        </button>
      </div>
      <div className="field">
        <label htmlFor={ids.file}>Or load a key file (secret key, 64 hex digits)</label>
        <input
          id={ids.file}
          type="file"
          onChange={(e) => {
            const file = e.target.files?.[0]
            // Cleared so that choosing the same file again (edited, or after another) reads it again.
            e.target.value = ''
            void load(file)
          }}
          data-auditor-key-file
        />
      </div>
      {problem !== undefined && (
        <p className="notice error" role="alert" data-auditor-key-error>
          {problem}
        </p>
      )}
      {auditorKey !== undefined && (
        <dl className="facts">
          <dt>Public key{fileName === undefined ? ' (generated here)' : ` (from ${fileName})`}</dt>
          <dd className="hex" data-auditor-public-key>
            {auditorKey.publicKey}
          </dd>
        </dl>
      )}
    </section>
  )
}
