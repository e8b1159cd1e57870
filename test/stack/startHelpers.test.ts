// The pure and file-level helpers of `npm start` and `npm run demo`, on real temporary files.
import assert from 'node:assert/strict'
import { existsSync, mkdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { loadPolicies } from '../../gateway/src/policy/loadPolicies.ts'
import { tempDir } from '../../gateway/test/helpers/tempDir.ts'
import { assertPortsFree } from '../../scripts/assertPortsFree.ts'
import { ensureDevApiKey, readDevApiKey } from '../../scripts/devApiKey.ts'
import { webBuildReason } from '../../scripts/ensureWebBuild.ts'
import { formatTable } from '../../scripts/formatTable.ts'
import { LOCAL_PAUSE_MS, writeLocalPolicies } from '../../scripts/localPolicies.ts'
import { readDeployment } from '../../scripts/readDeployment.ts'
import { stackPorts } from '../../scripts/stackPorts.ts'
import { stackSummary } from '../../scripts/stackSummary.ts'

const temp = () => tempDir('tml-start-')

describe('stackPorts', () => {
  it('behavior: the issue’s defaults, each moved by its variable', () => {
    assert.deepEqual(stackPorts({}).ports, {
      ethereum: 8545,
      polygon: 8546,
      gateway: 8787,
      web: 5173,
      ots: 8788,
      openai: 8789,
    })
    assert.equal(stackPorts({ TML_WEB_PORT: '6000' }).ports.web, 6000)
  })
  it('errors: a port that is not a number, or given twice, is named', () => {
    assert.throws(() => stackPorts({ TML_PORT: 'http' }), /TML_PORT must be a port number .*"http"/)
    assert.throws(() => stackPorts({ TML_OTS_PORT: '70000' }), /TML_OTS_PORT/)
    assert.throws(
      () => stackPorts({ TML_WEB_PORT: '8787' }),
      /port 8787 is given to both the gateway \(TML_PORT\) and the web page \(TML_WEB_PORT\)/,
    )
  })
})

describe('assertPortsFree', () => {
  it('errors: lists every port in use with its service and variable', async () => {
    const a = createServer()
    await new Promise<void>((resolve) => a.listen(0, '127.0.0.1', resolve))
    const port = (a.address() as { port: number }).port
    try {
      await assert.rejects(
        assertPortsFree([{ service: 'gateway', port, variable: 'TML_PORT' }]),
        new RegExp(
          `^Error: port ${port} \\(gateway\\) on 127\\.0\\.0\\.1 is in use: stop the other process or set TML_PORT$`,
        ),
      )
    } finally {
      await new Promise((resolve) => a.close(resolve))
    }
    await assertPortsFree([{ service: 'gateway', port, variable: 'TML_PORT' }])
  })
})

describe('ensureDevApiKey', () => {
  it('behavior: created once (mode 0600), listed for the gateway, reused after', () => {
    const data = temp()
    const keys = join(data, 'keys')
    const first = ensureDevApiKey({ dataDir: data, keysDir: keys })
    assert.equal(first.created, true)
    assert.equal(statSync(first.file).mode & 0o777, 0o600)
    assert.equal(statSync(join(keys, 'api-keys')).mode & 0o777, 0o600)
    assert.equal(readFileSync(join(keys, 'api-keys'), 'utf8'), `dev:${first.token}\n`)
    const second = ensureDevApiKey({ dataDir: data, keysDir: keys })
    assert.deepEqual({ ...second, created: false }, { ...first, created: false })
    assert.equal(second.created, false)
    assert.equal(readFileSync(join(keys, 'api-keys'), 'utf8'), `dev:${first.token}\n`)
  })
  it('behavior: an earlier run’s dev token is kept; other callers stay listed', () => {
    const data = temp()
    const keys = join(data, 'keys')
    mkdirSync(keys)
    writeFileSync(join(keys, 'api-keys'), 'app:aaaaaaaaaaaaaaaaaaaa\ndev:bbbbbbbbbbbbbbbbbbbbbbbb')
    const { token } = ensureDevApiKey({ dataDir: data, keysDir: keys })
    assert.equal(token, 'bbbbbbbbbbbbbbbbbbbbbbbb')
    assert.equal(
      readFileSync(join(keys, 'api-keys'), 'utf8'),
      'app:aaaaaaaaaaaaaaaaaaaa\ndev:bbbbbbbbbbbbbbbbbbbbbbbb',
    )
  })
  it('errors: a dev-api-key file that holds no token is named', () => {
    const data = temp()
    writeFileSync(join(data, 'dev-api-key'), 'not a token\n')
    assert.throws(
      () => readDevApiKey(join(data, 'dev-api-key')),
      /dev-api-key does not hold an API key/,
    )
  })
})

describe('readDeployment', () => {
  it('errors: names the file and the field', () => {
    const file = join(temp(), 'x.json')
    writeFileSync(
      file,
      '{"network":"x","chainId":1,"contracts":{"LanternRegistry":{"address":"0x1","blockNumber":1}}}',
    )
    assert.throws(
      () => readDeployment(file),
      /x\.json: contracts\.LanternRegistry\.address is not a 20-byte 0x address/,
    )
    writeFileSync(file, '{')
    assert.throws(() => readDeployment(file), /x\.json: cannot read it as JSON/)
  })
})

describe('webBuildReason', () => {
  it('behavior: missing, stale, then up to date', () => {
    const root = temp()
    mkdirSync(join(root, 'web', 'src'), { recursive: true })
    mkdirSync(join(root, 'core', 'src'), { recursive: true })
    writeFileSync(join(root, 'web', 'src', 'main.tsx'), '')
    assert.equal(webBuildReason(root), 'web/dist is missing')
    mkdirSync(join(root, 'web', 'dist'))
    writeFileSync(join(root, 'web', 'dist', 'index.html'), '')
    const past = new Date(Date.now() - 60_000)
    utimesSync(join(root, 'web', 'dist', 'index.html'), past, past)
    assert.match(webBuildReason(root) ?? '', /changed since the last build/)
    utimesSync(join(root, 'web', 'src', 'main.tsx'), new Date(0), new Date(0))
    assert.equal(webBuildReason(root), undefined)
  })
})

describe('formatTable', () => {
  it('behavior: pads every column but the last', () => {
    assert.equal(
      formatTable(['a', 'state', 'why'], [['long name', '+1', 'because']]),
      'a          state  why\n---------  -----  -------\nlong name  +1     because',
    )
  })
})

describe('writeLocalPolicies', () => {
  const shippedDir = join(import.meta.dirname, '..', '..', 'gateway', 'policies')
  it('behavior: deliberative pauses of the copy last 15 min; the rest is as shipped, labelled', () => {
    const dataDir = temp()
    const { dir, changes } = writeLocalPolicies({ shippedDir, dataDir })
    assert.equal(dir, join(dataDir, 'policies'))
    const shipped = loadPolicies({ paths: [shippedDir] })
    const local = loadPolicies({ paths: [dir] })
    assert.deepEqual([...local.keys()].sort(), [...shipped.keys()].sort())
    for (const [profile, { policy }] of local) {
      const before = shipped.get(profile)?.policy
      assert.ok(before)
      const expected =
        policy.timing === 'deliberative'
          ? Math.max(before.pause.timeoutMs, LOCAL_PAUSE_MS)
          : before.pause.timeoutMs
      assert.equal(policy.pause.timeoutMs, expected, profile)
      assert.deepEqual(
        { ...policy, pause: before.pause },
        before,
        `${profile}: nothing else changed`,
      )
    }
    assert.equal(local.get('general')?.policy.pause.timeoutMs, 15 * 60_000)
    assert.equal(local.get('autonomous_vehicles')?.policy.pause.timeoutMs, 100)
    assert.deepEqual(
      changes.find((c) => c.profile === 'general'),
      { profile: 'general', fromMs: 60_000, toMs: 900_000 },
    )
    const text = readFileSync(join(dir, 'general.yaml'), 'utf8')
    assert.match(text, /^# THE LOCAL STACK'S COPY of gateway\/policies\/general\.yaml/)
    assert.match(text, /# Changed: pause\.timeout_ms 60000 → 900000/)
  })
  it('behavior: rewritten at every start: files of an earlier copy go', () => {
    const dataDir = temp()
    mkdirSync(join(dataDir, 'policies'))
    writeFileSync(join(dataDir, 'policies', 'old.yaml'), 'v: nonsense\n')
    const { dir } = writeLocalPolicies({ shippedDir, dataDir })
    assert.equal(existsSync(join(dir, 'old.yaml')), false)
  })
})

describe('stackSummary', () => {
  it('behavior: says how the desk signs and which policies run, truthfully', () => {
    const text = stackSummary({
      webUrl: 'http://127.0.0.1:5173',
      gatewayUrl: 'http://127.0.0.1:8787',
      calendarUrl: 'http://127.0.0.1:8788',
      chains: [],
      logId: `0x${'ab'.repeat(32)}`,
      dataDir: '/d',
      policiesDir: '/d/policies',
      pauseMinutes: 15,
      devApiKeyFile: '/d/dev-api-key',
      reviewer: '0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65',
      seconds: 1,
    })
    assert.match(
      text,
      /the desk uses the development API key and signs as reviewer #4\s+with the page's test account/,
    )
    assert.doesNotMatch(text, /without a wallet/)
    assert.match(
      text,
      /gateway policies\s+\/d\/policies {2}\(the local stack's copy: deliberative pauses stay open 15 min\)/,
    )
  })
})
