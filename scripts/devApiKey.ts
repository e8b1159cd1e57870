// The development API key of `npm start`: one token, generated once, kept in DATA/dev-api-key
// (mode 0600) so that `npm run demo`, curl and the reviewer desk can read it, and listed in the
// gateway's api-keys file (which the gateway reads when TML_API_KEYS is not set).
import { randomBytes } from 'node:crypto'
import {
  appendFileSync,
  chmodSync,
  existsSync,
  mkdirSync,
  readFileSync,
  writeFileSync,
} from 'node:fs'
import { join } from 'node:path'

/** The caller name the gateway gives requests made with the development key. */
export const DEV_CALLER = 'dev'
const TOKEN_RE = /^[A-Za-z0-9_-]{16,256}$/

/** Reads a development key file, refusing anything that is not one token. */
export function readDevApiKey(file: string): string {
  const token = readFileSync(file, 'utf8').trim()
  if (!TOKEN_RE.test(token))
    throw new Error(`${file} does not hold an API key (16+ characters of A-Z a-z 0-9 _ -)`)
  return token
}

/**
 * Makes sure DATA/dev-api-key exists and that KEYS/api-keys lists it as `dev:<token>`. An earlier
 * run's `dev` token in api-keys is kept as the development key, so that scripts and READMEs that
 * read either file agree. Resolves with the token and whether it was created now.
 */
export function ensureDevApiKey({ dataDir, keysDir }: { dataDir: string; keysDir: string }): {
  token: string
  file: string
  created: boolean
} {
  const file = join(dataDir, 'dev-api-key')
  const apiKeys = join(keysDir, 'api-keys')
  const listed = existsSync(apiKeys) ? readFileSync(apiKeys, 'utf8').split('\n') : []
  let created = false
  let token: string
  if (existsSync(file)) token = readDevApiKey(file)
  else {
    const previous = listed
      .map((line) => line.trim())
      .find((line) => line.startsWith(`${DEV_CALLER}:`))
      ?.slice(DEV_CALLER.length + 1)
    token =
      previous !== undefined && TOKEN_RE.test(previous)
        ? previous
        : randomBytes(24).toString('base64url')
    mkdirSync(dataDir, { recursive: true })
    writeFileSync(file, `${token}\n`, { mode: 0o600, flag: 'wx' })
    created = true
  }
  chmodSync(file, 0o600)
  if (!listed.some((line) => line.trim() === `${DEV_CALLER}:${token}`)) {
    mkdirSync(keysDir, { recursive: true, mode: 0o700 })
    const text = listed.join('\n')
    const separator = text === '' || text.endsWith('\n') ? '' : '\n'
    appendFileSync(apiKeys, `${separator}${DEV_CALLER}:${token}\n`, { mode: 0o600 })
    chmodSync(apiKeys, 0o600)
  }
  return { token, file, created }
}
