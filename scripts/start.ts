// `npm start`: the whole local stack in one command, in the foreground, until Ctrl-C.
//
//   1. two local chains (Hardhat EDR nodes: "Ethereum" 31337 on :8545, "Polygon" 31338 on :8546)
//   2. both registries deployed to each (addresses in DATA/deployments/<network>.json)
//   3. the demo operator, its log and its Lantern on both chains (scripts/setupDemo.ts)
//   4. a local OpenTimestamps calendar on :8788 (in this process)
//   5. the gateway on :8787 (SQLite store and development keys in ./data, API key in
//      DATA/dev-api-key), anchoring on both chains and stamping at the calendar, with the local
//      stack's copy of the policies in DATA/policies (deliberative pauses open 15 min:
//      scripts/localPolicies.ts)
//   6. the web page on :5173 (web/dist, built when missing or stale), configured for all of it
//   7. a demo upstream speaking the OpenAI protocol on :8789 (deterministic answers, in this
//      process), behind the gateway's OpenAI-compatible proxy (--openai-upstream)
//
// Ports: CHAINS_ETHEREUM_PORT, CHAINS_POLYGON_PORT, TML_PORT, TML_WEB_PORT, TML_OTS_PORT,
// TML_OPENAI_DEMO_PORT; data:
// TML_DATA_DIR. Every port is checked before anything starts. Ctrl-C (or SIGTERM) stops every
// child, closes the page and the calendar, and exits 0 with nothing left running.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { migrate } from '../gateway/src/db/migrate.ts'
import { type LocalCalendar, startLocalCalendar } from '../gateway/src/ots/localCalendar.ts'
import { type DemoUpstream, startDemoUpstream } from '../gateway/src/proxy/openai/demoUpstream.ts'
import { type StaticPage, serveStaticPage } from '../web/scripts/servePage.ts'
import { assertPortsFree } from './assertPortsFree.ts'
import { DEMO_CHAT_PROFILE, writeDemoChatPolicy } from './demoChatPolicy.ts'
import { ensureDevApiKey } from './devApiKey.ts'
import { ensureWebBuild } from './ensureWebBuild.ts'
import { LOCAL_PAUSE_MS, writeLocalPolicies } from './localPolicies.ts'
import { DEV_REVIEWER, pageConfig, type StackChain } from './pageConfig.ts'
import { readDeployment } from './readDeployment.ts'
import { type ServiceProcess, spawnService, stopService } from './serviceProcess.ts'
import { stackPorts } from './stackPorts.ts'
import { stackSummary } from './stackSummary.ts'

const HOST = '127.0.0.1'
/** How often the local calendar puts pending stamps into a block (Bitcoin: about 10 minutes). */
const CALENDAR_BLOCK_MS = 5_000
const started = performance.now()
const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const dataDir = resolve(process.env.TML_DATA_DIR ?? join(root, 'data'))
const deploymentsDir = join(dataDir, 'deployments')
const keysDir = join(dataDir, 'keys')

const services: ServiceProcess[] = []
let calendar: LocalCalendar | undefined
let demoUpstream: DemoUpstream | undefined
let calendarTimer: NodeJS.Timeout | undefined
let page: StaticPage | undefined
let stopping: Promise<void> | undefined

/** Stops everything this process started (gateway first, so it finishes its writes), then exits. */
function shutdown(code: number): Promise<void> {
  stopping ??= (async () => {
    if (calendarTimer) clearInterval(calendarTimer)
    await page?.close().catch(() => {})
    for (const service of [...services].reverse()) await stopService(service)
    await calendar?.close().catch(() => {})
    await demoUpstream?.close().catch(() => {})
    process.exit(code)
  })()
  return stopping
}
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (!stopping) console.log(`\nstart: ${signal}: stopping every part of the stack …`)
    void shutdown(0)
  })
}

function fail(message: string): Promise<void> {
  if (stopping) return stopping
  console.error(`start: ${message}`)
  return shutdown(1)
}

/** A long-running service; if it stops on its own, the whole stack stops. */
async function startService(
  name: string,
  args: string[],
  ready: RegExp,
  env: NodeJS.ProcessEnv,
  quiet = false,
  onLine?: (line: string) => void,
): Promise<void> {
  const { service, ready: isReady } = spawnService({
    name,
    command: process.execPath,
    args,
    cwd: root,
    env,
    quiet,
    ready,
    ...(onLine ? { onLine } : {}),
  })
  services.push(service)
  void service.exited.then((how) => fail(`${name} stopped (exit ${how}); stopping the stack`))
  await isReady
}

/** Runs a step to its end; resolves with its stdout lines. */
async function runStep(
  name: string,
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  quiet = false,
): Promise<string[]> {
  const lines: string[] = []
  const { service } = spawnService({
    name,
    command,
    args,
    cwd: root,
    env,
    quiet,
    onLine: (line) => lines.push(line),
  })
  services.push(service)
  const how = await service.exited
  services.splice(services.indexOf(service), 1)
  if (how !== 0) throw new Error(`${name} failed (exit ${how})`)
  return lines
}

/**
 * Makes `logId` (the demo log declared on chain) the gateway's. The local chains start empty at
 * every `npm start`, so a store kept from an earlier run under another log id is moved aside
 * (never deleted) rather than mixed into the new log.
 */
function adoptLogId(logId: string): void {
  const file = join(keysDir, 'log-id')
  const current = existsSync(file) ? readFileSync(file, 'utf8').trim() : undefined
  if (current === logId) return
  if (existsSync(join(dataDir, 'log.db'))) {
    const archive = join(dataDir, 'archive', `${current ?? 'unknown'}-${Date.now()}`)
    mkdirSync(archive, { recursive: true })
    for (const name of ['log.db', 'log.db-wal', 'log.db-shm']) {
      if (existsSync(join(dataDir, name))) renameSync(join(dataDir, name), join(archive, name))
    }
    console.log(`start: the store of log ${current} moved to ${archive}`)
  }
  writeFileSync(file, `${logId}\n`, { mode: 0o600 })
}

async function main(): Promise<void> {
  const { ports, uses } = stackPorts(process.env)
  await assertPortsFree(uses, HOST)
  const url = (port: number) => `http://${HOST}:${port}`
  const rpc = { ethereumLocal: url(ports.ethereum), polygonLocal: url(ports.polygon) }
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    // Hardhat's well-known development account #2 pays for anchors on the local chains.
    TML_RELAYER_KEY:
      process.env.TML_RELAYER_KEY ??
      '0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a',
    HARDHAT_DISABLE_TELEMETRY: 'true',
    ETHEREUM_LOCAL_RPC_URL: rpc.ethereumLocal,
    POLYGON_LOCAL_RPC_URL: rpc.polygonLocal,
    DEPLOYMENTS_DIR: deploymentsDir,
  }
  mkdirSync(deploymentsDir, { recursive: true })

  if (!existsSync(join(root, 'core', 'dist', 'index.js'))) {
    console.log('start: building core and the contracts (first run) …')
    await runStep('build', 'npm', ['run', 'build', '--silent'], env)
  }
  // The page builds (CPU-bound, about a minute) while the chains start and deploy.
  const webBuild = ensureWebBuild(root, () =>
    runStep('web build', 'npm', ['run', 'web:build', '--silent'], env),
  )
  webBuild.catch(() => {}) // awaited below; this only keeps an early failure from being unhandled

  console.log(`start: starting the two local chains on :${ports.ethereum} and :${ports.polygon} …`)
  await startService(
    'chains',
    [
      join(root, 'scripts', 'chains.ts'),
      '--ethereum-port',
      String(ports.ethereum),
      '--polygon-port',
      String(ports.polygon),
    ],
    /chains: ready/,
    env,
    true,
  )
  const hardhat = join(root, 'node_modules', 'hardhat', 'dist', 'src', 'cli.js')
  for (const network of Object.keys(rpc)) {
    console.log(`start: deploying the registries to ${network} …`)
    await runStep(
      `deploy ${network}`,
      process.execPath,
      [hardhat, 'run', 'scripts/deploy.ts', '--network', network],
      env,
    )
  }
  const tml = join(root, 'gateway', 'bin', 'tml.mjs')
  console.log('start: the gateway’s keys …')
  // Quiet: on a first run `keys generate` prints a placeholder log id (a random log-id file);
  // the demo log's id commits to the keys, so it is known only once setup-demo has run.
  const keyLines = await runStep(
    'keys',
    process.execPath,
    [tml, 'keys', 'generate', '--keys', keysDir],
    env,
    true,
  )
  for (const line of keyLines.filter((l) => l.startsWith('created '))) console.log(`start: ${line}`)
  // Before setup-demo: the Lantern's certification names the hashes of the policies the gateway
  // runs, which are these.
  const policies = writeLocalPolicies({ shippedDir: join(root, 'gateway', 'policies'), dataDir })
  writeDemoChatPolicy({ dir: policies.dir, monitorUrl: `${url(ports.openai)}/v1/moderations` })
  for (const c of policies.changes)
    console.log(
      `start: policies: ${c.profile} pauses stay open ${c.toMs / 60_000} min on the local stack (${c.fromMs / 1000} s shipped), in ${policies.dir}`,
    )
  console.log('start: registering the demo operator, its log and its Lantern …')
  const rpcArgs = Object.entries(rpc).map(([network, u]) => `${network}=${u}`)
  const setup = await runStep(
    'setup-demo',
    process.execPath,
    [
      join(root, 'scripts', 'setupDemo.ts'),
      '--deployments',
      deploymentsDir,
      '--keys',
      keysDir,
      '--policies',
      policies.dir,
      ...rpcArgs.flatMap((r) => ['--rpc', r]),
    ],
    env,
  )
  const logId = setup
    .map((line) => line.trim())
    .filter((line) => /^0x[0-9a-f]{64}$/.test(line))
    .at(-1)
  if (logId === undefined) throw new Error('setup-demo printed no log id')
  adoptLogId(logId)
  // The local stack's store is the developer's own: bring one kept from an older version up to
  // date here (a production gateway refuses to start instead, until `tml db migrate`).
  if (existsSync(join(dataDir, 'log.db'))) {
    const applied = await migrate({ kind: 'sqlite', dataDir })
    if (applied.length > 0) console.log(`start: store migrated (${applied.join(', ')})`)
  }
  const devKey = ensureDevApiKey({ dataDir, keysDir })
  if (devKey.created) console.log(`start: development API key written to ${devKey.file}`)

  console.log(`start: starting the OpenTimestamps calendar on :${ports.ots} …`)
  calendar = await startLocalCalendar({ port: ports.ots })
  const local = calendar
  calendarTimer = setInterval(() => {
    if (local.pending() > 0) local.mine()
  }, CALENDAR_BLOCK_MS)

  console.log(`start: starting the demo OpenAI-compatible upstream on :${ports.openai} …`)
  demoUpstream = await startDemoUpstream({ host: HOST, port: ports.openai })

  console.log(`start: starting the gateway on :${ports.gateway} …`)
  // The log id the summary shows is the one the gateway says it runs with (its "listening"
  // line), not what this script expects it to be.
  let runningLogId: string | undefined
  const readListening = (line: string) => {
    if (!line.includes('"msg":"listening"')) return
    try {
      runningLogId = (JSON.parse(line) as { log_id?: string }).log_id
    } catch {}
  }
  const gatewayEnv: NodeJS.ProcessEnv = { ...env }
  // TML_API_KEYS, when set, replaces the api-keys file in the gateway: keep the dev key in it.
  if (process.env.TML_API_KEYS)
    gatewayEnv.TML_API_KEYS = `${process.env.TML_API_KEYS},dev:${devKey.token}`
  await startService(
    'gateway',
    [
      tml,
      'gateway',
      'start',
      '--host',
      HOST,
      '--port',
      String(ports.gateway),
      '--data',
      dataDir,
      '--deployments',
      deploymentsDir,
      '--ots-calendar',
      calendar.url,
      '--policies',
      policies.dir,
      '--openai-upstream',
      demoUpstream.url,
      '--openai-profile',
      DEMO_CHAT_PROFILE,
      ...rpcArgs.flatMap((r) => ['--chain', r]),
    ],
    /"msg":"listening"/,
    gatewayEnv,
    false,
    readListening,
  )
  if (runningLogId?.toLowerCase() !== logId.toLowerCase())
    throw new Error(
      `the gateway runs log ${runningLogId ?? '(none said)'}, but the demo log declared on the chains is ${logId}: check TML_LOG_ID and ${join(keysDir, 'log-id')}`,
    )

  console.log(`start: ${await webBuild}`)
  const chains: StackChain[] = [
    {
      name: 'Ethereum (local)',
      rpcUrl: rpc.ethereumLocal,
      deployment: readDeployment(join(deploymentsDir, 'ethereumLocal.json')),
    },
    {
      name: 'Polygon (local)',
      rpcUrl: rpc.polygonLocal,
      deployment: readDeployment(join(deploymentsDir, 'polygonLocal.json')),
    },
  ]
  const gatewayUrl = url(ports.gateway)
  console.log(`start: serving the web page on :${ports.web} …`)
  page = await serveStaticPage({
    dist: join(root, 'web', 'dist'),
    host: HOST,
    port: ports.web,
    config: pageConfig({
      chains,
      gatewayUrl,
      devApiKey: devKey.token,
      esploraUrl: calendar.esploraUrl,
    }),
  })
  console.log(
    stackSummary({
      webUrl: page.url,
      gatewayUrl,
      calendarUrl: calendar.url,
      openaiUpstreamUrl: demoUpstream.url,
      chains,
      logId: runningLogId,
      dataDir,
      policiesDir: policies.dir,
      pauseMinutes: LOCAL_PAUSE_MS / 60_000,
      devApiKeyFile: devKey.file,
      reviewer: DEV_REVIEWER,
      seconds: (performance.now() - started) / 1000,
    }),
  )
}

try {
  await main()
} catch (error) {
  await fail((error as Error).message)
}
