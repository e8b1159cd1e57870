import { readFileSync } from 'node:fs'
import { KeystoreError } from '../keys/KeystoreError.ts'

/** The terminal a secret may be typed on: process.stdin and process.stderr in the CLI. */
export type SecretTerminal = {
  input: NodeJS.ReadStream
  output: NodeJS.WritableStream
}

const processTerminal = (): SecretTerminal => ({ input: process.stdin, output: process.stderr })

/**
 * The keystore password: the first line of `--password-file`, else `TML_KEYSTORE_PASSWORD`, else
 * typed at a prompt without echo when stdin is a terminal (twice with `confirm`, for a new
 * keystore). Never a command-line argument: those show in `ps` and shell history.
 *
 * @throws {KeystoreError} when there is no source (no file, no variable, no terminal), the file
 * cannot be read, or the two typed passwords differ.
 * @example
 * const password = await keystorePassword({ passwordFile: values['password-file'], env: io.env })
 */
export async function keystorePassword({
  passwordFile,
  env,
  confirm = false,
  terminal = processTerminal(),
}: {
  passwordFile: string | undefined
  env: Readonly<Record<string, string | undefined>>
  confirm?: boolean
  terminal?: SecretTerminal
}): Promise<string> {
  if (passwordFile !== undefined) {
    let text: string
    try {
      text = readFileSync(passwordFile, 'utf8')
    } catch (error) {
      throw new KeystoreError(
        `cannot read the password file ${passwordFile}: ${(error as Error).message}`,
      )
    }
    // The first line, as geth's --password takes it: a trailing newline is not part of it.
    return text.split(/\r?\n/)[0] ?? ''
  }
  const fromEnv = env.TML_KEYSTORE_PASSWORD
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv
  if (!terminal.input.isTTY)
    throw new KeystoreError(
      'no keystore password: give --password-file FILE or TML_KEYSTORE_PASSWORD (stdin is not a terminal to type it on)',
    )
  const password = await promptHidden({ prompt: 'Keystore password: ', terminal })
  if (confirm) {
    const again = await promptHidden({ prompt: 'Repeat the password: ', terminal })
    if (again !== password) throw new KeystoreError('the two passwords differ')
  }
  return password
}

/**
 * Reads one line from a terminal without echoing it (raw mode; backspace edits, Ctrl-C and
 * Ctrl-D abort).
 *
 * @throws {KeystoreError} when aborted.
 * @example const key = await promptHidden({ prompt: 'Private key: ', terminal })
 */
export function promptHidden({
  prompt,
  terminal = processTerminal(),
}: {
  prompt: string
  terminal?: SecretTerminal
}): Promise<string> {
  const { input, output } = terminal
  return new Promise((resolve, reject) => {
    let typed = ''
    const wasRaw = input.isRaw
    // Echo off before the prompt shows: what is typed after it must never appear.
    input.setRawMode(true)
    output.write(prompt)
    input.resume()
    input.setEncoding('utf8')
    const finish = (error?: Error) => {
      input.setRawMode(wasRaw)
      input.pause()
      input.off('data', onData)
      output.write('\n')
      if (error) reject(error)
      else resolve(typed)
    }
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n') return finish()
        if (ch === '\u0003' || ch === '\u0004') return finish(new KeystoreError('aborted'))
        if (ch === '\u007f' || ch === '\b') typed = typed.slice(0, -1)
        else typed += ch
      }
    }
    input.on('data', onData)
  })
}

/**
 * All of stdin as text (a private key piped in: `tml keystore import FILE < key.txt`).
 *
 * @example const text = await readStdin(process.stdin)
 */
export async function readStdin(input: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of input) chunks.push(Buffer.from(chunk as Buffer))
  return Buffer.concat(chunks).toString('utf8')
}
