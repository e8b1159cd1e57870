// The whole stack end to end, as a new user meets it: `npm start` (the same script, on free ports
// with a temporary data directory), `npm run demo`, a reviewer approving a pause on the desk in
// real Chromium while the caller waits, the resolution's proof bundle verified in the page and
// with `tml verify` against both chains, then Ctrl-C and nothing left running. Also: a port in
// use is named and nothing starts.
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import type { Browser, Page } from 'playwright-core'
import { DEMO_SCENARIOS } from '../../scripts/demoScenarios.ts'
import { DEV_REVIEWER } from '../../scripts/pageConfig.ts'
import type { StackPorts } from '../../scripts/stackPorts.ts'
import { launchBrowser, openPage } from '../../web/e2e/support/browser.ts'
import { ROOT, runNode } from '../../web/e2e/support/processes.ts'
import { readResult } from '../../web/e2e/support/verifyHelpers.ts'
import { bundleToFragment } from '../../web/src/verify/bundleFragment.ts'
import {
  freeStackPorts,
  portsInUse,
  type RunningStack,
  spawnStack,
  stackEnv,
  waitReady,
} from './stackProcess.ts'

const ARTIFACTS = join(ROOT, 'test', 'stack', 'artifacts')
const READY_TIMEOUT_MS = 300_000

const shot = (page: Page, name: string) =>
  page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true })

/** Processes whose command line names this run's data directory or ports. */
function leftovers(dataDir: string, ports: StackPorts): string[] {
  const ps = spawnSync('ps', ['-eo', 'pid,args'], { encoding: 'utf8' }).stdout
  const marks = [
    dataDir,
    ...Object.values(ports).map((p) => `--port ${p}`),
    `port ${ports.ethereum}`,
  ]
  return ps
    .split('\n')
    .filter((line) => marks.some((m) => line.includes(m)) && !line.includes(' ps -eo'))
}

describe('npm start with a port in use', { timeout: 120_000 }, () => {
  it('errors: names the port and the service, exits non-zero, and starts nothing', async () => {
    const ports = await freeStackPorts()
    const dataDir = join(mkdtempSync(join(tmpdir(), 'tml-stack-busy-')), 'data')
    const blocker: Server = createServer()
    await new Promise<void>((resolve) => blocker.listen(ports.gateway, '127.0.0.1', resolve))
    try {
      const stack = spawnStack(stackEnv(ports, dataDir))
      const code = await stack.exited
      const output = stack.output()
      assert.notEqual(code, 0, output)
      assert.match(
        output,
        new RegExp(
          `port ${ports.gateway} \\(gateway\\) on 127\\.0\\.0\\.1 is in use: stop the other process or set TML_PORT`,
        ),
      )
      assert.doesNotMatch(output, /starting the two local chains|Error: |\n\s+at /)
      assert.equal(existsSync(dataDir), false, 'nothing was written')
      assert.deepEqual(await portsInUse({ ...ports, gateway: ports.ethereum }), [])
      assert.deepEqual(leftovers(dataDir, ports), [])
    } finally {
      await new Promise((resolve) => blocker.close(resolve))
    }
  })
})

describe('the whole stack: npm start, demo, desk, verify, Ctrl-C', { timeout: 900_000 }, () => {
  let ports: StackPorts
  let dataDir: string
  let stack: RunningStack
  let browser: Browser
  let web: string
  let gateway: string
  let apiKey: string
  let resolutionTrace: string
  let bundleFile: string
  const timings: Record<string, number> = {}

  before(async () => {
    mkdirSync(ARTIFACTS, { recursive: true })
    ports = await freeStackPorts()
    dataDir = join(mkdtempSync(join(tmpdir(), 'tml-stack-')), 'data')
    web = `http://127.0.0.1:${ports.web}`
    gateway = `http://127.0.0.1:${ports.gateway}`
    const started = performance.now()
    stack = spawnStack(stackEnv(ports, dataDir))
    await waitReady(stack, READY_TIMEOUT_MS)
    timings.startS = (performance.now() - started) / 1000
    apiKey = readFileSync(join(dataDir, 'dev-api-key'), 'utf8').trim()
    browser = await launchBrowser()
  })

  after(async () => {
    await browser?.close()
    if (stack && stack.child.exitCode === null && stack.child.signalCode === null) {
      stack.child.kill('SIGTERM')
      await stack.exited
    }
    console.log(`stack timings: ${JSON.stringify(timings)}`)
  })

  it('behavior: the ready summary says what runs where, and the dev API key file is private', () => {
    const out = stack.output()
    for (const url of [web, gateway, `${gateway}/openapi.json`, `http://127.0.0.1:${ports.ots}`])
      assert.ok(out.includes(url), `the summary names ${url}`)
    assert.match(out, new RegExp(`chain 31337\\s+http://127\\.0\\.0\\.1:${ports.ethereum}`))
    assert.match(out, new RegExp(`chain 31338\\s+http://127\\.0\\.0\\.1:${ports.polygon}`))
    assert.match(out, /demo log id\s+0x[0-9a-f]{64}/)
    assert.match(out, /the desk uses the development API key and signs as reviewer #4/)
    assert.doesNotMatch(out, /without a wallet/)
    assert.match(
      out,
      /gateway policies\s+\S+policies\s+\(the local stack's copy: deliberative pauses stay open 15 min\)/,
    )
    assert.match(out, /CheckpointRegistry\s+0x[0-9a-fA-F]{40}/)
    assert.ok(out.includes(DEV_REVIEWER) && out.includes("Hardhat's well-known"))
    assert.match(apiKey, /^[A-Za-z0-9_-]{16,}$/)
    const mode = spawnSync('stat', ['-c', '%a', join(dataDir, 'dev-api-key')], { encoding: 'utf8' })
    assert.equal(mode.stdout.trim(), '600')
  })

  it('behavior: the log id printed is the one the gateway runs with, and the only one printed', async () => {
    const out = stack.output()
    const logId = /demo log id\s+(0x[0-9a-f]{64})/.exec(out)?.[1] ?? ''
    // Every "log id" the start printed (the keys step's placeholder was one) is this one.
    const named = [...out.matchAll(/log[ _]id\W+(0x[0-9a-f]{64})/gi)].map((m) =>
      m[1]?.toLowerCase(),
    )
    assert.deepEqual([...new Set(named)], [logId], out)
    const served = await fetch(`${gateway}/v1/logs/${logId}/checkpoints?limit=1`)
    assert.equal(served.status, 200, await served.clone().text())
    assert.equal(((await served.json()) as { log_id: string }).log_id.toLowerCase(), logId)
  })

  it('behavior: npm run demo shows each scenario’s outcome and saves an anchored bundle', async () => {
    const t0 = performance.now()
    const demo = await runNode([join(ROOT, 'scripts', 'demo.ts')], {
      TML_GATEWAY_URL: gateway,
      TML_DATA_DIR: dataDir,
      TML_WEB_PORT: String(ports.web),
    })
    timings.demoS = (performance.now() - t0) / 1000
    assert.equal(demo.code, 0, demo.output)
    for (const s of DEMO_SCENARIOS) {
      const row = demo.output.split('\n').find((line) => line.startsWith(s.title))
      assert.ok(row, `a row for ${s.id}:\n${demo.output}`)
      assert.match(
        row,
        new RegExp(`  ${s.request.profile}\\s+${s.expected === 1 ? '\\+1' : s.expected}\\b`),
      )
    }
    assert.match(demo.output, /autonomous_vehicles\s+0 → -1\s+CONTEXTUAL/)
    // LLM calls through the OpenAI-compatible proxy in front of the demo upstream: released,
    // held for the desk, refused before the model is called.
    assert.match(demo.output, /What is the capital of France\?\s+\+1\s+nothing to stop; answer: /)
    assert.match(demo.output, /Should I file a lawsuit against my landlord\?\s+0\s+.*held: GET/)
    assert.match(demo.output, /Tell me the admin password\.\s+-1\s+requests for credentials/)
    // An agent's tool calls through tml mcp-proxy in front of the MCP filesystem server: the
    // write is left waiting on the desk (no terminal: the demo does not wait for it).
    assert.match(demo.output, /read notes\.txt\s+\+1\s+reads pass; done: /)
    assert.match(demo.output, /move notes\.txt\s+-1\s+destructive tools are refused/)
    assert.match(demo.output, /write plan\.txt\s+0\s+a write outside .*approve it on the desk/)
    const bundle = readFileSync(join(dataDir, 'demo-bundle.json'), 'utf8')
    assert.equal((JSON.parse(bundle) as { v: string }).v, 'tml-proof/1')
    assert.ok(demo.output.includes(`${web}/${bundleToFragment(bundle)}`), 'the verify link')
    assert.ok(demo.output.includes(`${web}/?view=desk`), 'the desk link')
    // How long the pauses wait: the local stack's general pauses 15 min, said with the time.
    assert.match(demo.output, /the pauses stay open until their profile’s pause\.timeout_ms/)
    assert.match(
      demo.output,
      /\n {2}general\s+2 pauses open until \S+.* \(1[0-4] min from now\)/,
      demo.output,
    )
    const mtl = (JSON.parse(bundle) as { mtl: { log_id: string } }).mtl
    assert.match(stack.output(), new RegExp(`demo log id\\s+${mtl.log_id}`))
  })

  it('behavior: the reviewer approves the mammogram pause on the desk; the waiting caller gets +1', async () => {
    const { page, errors } = await openPage(browser)
    await page.goto(`${web}/?view=desk`)
    assert.equal(await page.getByLabel('Gateway URL').inputValue(), gateway)
    await page.getByLabel('API key (reads the pauses)').fill(apiKey)
    await page.getByRole('button', { name: 'Connect to the gateway' }).click()
    await page.locator('[data-stream="live"]').waitFor()
    await page.getByRole('button', { name: 'Connect test account' }).click()
    await page.locator(`[data-connected-account="${DEV_REVIEWER}"]`).waitFor()
    const card = page.locator('li[data-pause]', { hasText: 'confidence 0.65 < 0.85' })
    await card.waitFor({ timeout: 20_000 })
    assert.ok((await page.locator('li[data-pause]').count()) >= 4, 'the demo’s pauses wait')
    const pauseId = (await card.getAttribute('data-pause')) ?? ''
    await shot(page, 'desk-pending')
    // The AI system waits for its pause, as a caller of the API does.
    const caller = fetch(`${gateway}/v1/pauses/${pauseId}?wait_ms=60000`, {
      headers: { authorization: `Bearer ${apiKey}` },
    }).then(
      (r) =>
        r.json() as Promise<{ status: string; resolution?: { state: number; trace_id: string } }>,
    )
    await card
      .getByLabel(/Your rationale/)
      .fill('Radiologist review: benign calcification, no further imaging needed.')
    await card.getByRole('button', { name: 'Approve (+1)' }).click()
    await page
      .locator(`li[data-pause="${pauseId}"]`)
      .waitFor({ state: 'detached', timeout: 20_000 })
    assert.match(
      await page.locator('.resolved-item').first().innerText(),
      new RegExp(`^Pause ${pauseId} approved \\(\\+1\\): resolution record [0-9a-f-]{36}\\.$`),
    )
    await shot(page, 'desk-resolved')
    const answer = await caller
    assert.equal(answer.status, 'resolved')
    assert.equal(answer.resolution?.state, 1)
    resolutionTrace = answer.resolution?.trace_id ?? ''
    assert.deepEqual(
      errors.filter((e) => !/Failed to load resource/.test(e)),
      [],
    )
    await page.context().close()
  })

  it('behavior: the resolution is anchored; its bundle verifies green in the page', async () => {
    const t0 = performance.now()
    let text = ''
    for (const deadline = Date.now() + 120_000; ; ) {
      // Public route: a verifier needs no API key.
      const response = await fetch(`${gateway}/v1/traces/${resolutionTrace}/proof`)
      text = await response.text()
      if (response.status === 200 && (JSON.parse(text) as { ots?: string }).ots !== undefined) break
      assert.ok([200, 202].includes(response.status), `${response.status}: ${text}`)
      assert.ok(Date.now() < deadline, `not anchored and stamped within 120 s: ${text}`)
      await new Promise((r) => setTimeout(r, 500))
    }
    timings.anchorS = (performance.now() - t0) / 1000
    bundleFile = join(dataDir, 'resolution-bundle.json')
    writeFileSync(bundleFile, text)
    const bundle = JSON.parse(text) as {
      mtl: { kind: string; state: number }
      anchors: { chainId: number }[]
    }
    assert.equal(bundle.mtl.kind, 'resolution')
    assert.equal(bundle.mtl.state, 1)
    assert.deepEqual(bundle.anchors.map((a) => a.chainId).sort(), [31337, 31338])

    const { page, errors } = await openPage(browser)
    await page.goto(`${web}/${bundleToFragment(text)}`)
    const result = await readResult(page)
    await shot(page, 'verify-resolution')
    assert.equal(result.valid, 'true', JSON.stringify(result.steps))
    for (const step of result.steps) {
      // Shown, never deciding: the Bitcoin timestamp (the page has no Bitcoin header source),
      // the Lantern and the policy's certification. Every other step is green.
      if (['ots', 'lantern', 'policy'].includes(step.id))
        assert.notEqual(step.status, 'failed', `${step.id}: ${step.text}`)
      else assert.equal(step.status, 'ok', `${step.id}: ${step.text}`)
    }
    assert.ok(
      result.steps.some((s) => s.id.startsWith('anchor')),
      JSON.stringify(result.steps),
    )
    assert.deepEqual(
      errors.filter((e) => !/Failed to load resource/.test(e)),
      [],
    )
    await page.context().close()
  })

  it('behavior: tml verify accepts the bundle against both chains', async () => {
    const verify = await runNode([
      join(ROOT, 'gateway', 'bin', 'tml.mjs'),
      'verify',
      bundleFile,
      '--rpc',
      `31337=http://127.0.0.1:${ports.ethereum}`,
      '--rpc',
      `31338=http://127.0.0.1:${ports.polygon}`,
      // Only the registries the stack deployed count, and the log's keys are read from them.
      '--deployments',
      join(dataDir, 'deployments'),
    ])
    assert.equal(verify.code, 0, verify.output)
    assert.match(verify.output, /^ok\s+anchor:31337: /m)
    assert.match(verify.output, /^ok\s+anchor:31338: /m)
    assert.doesNotMatch(verify.output, /warning/)
    assert.match(verify.output, /bundle valid/)
  })

  it('behavior: Ctrl-C stops everything: exit 0, every port closed, no process left', async () => {
    const t0 = performance.now()
    stack.child.kill('SIGINT')
    assert.equal(await stack.exited, 0, stack.output().slice(-4000))
    timings.stopS = (performance.now() - t0) / 1000
    assert.deepEqual(await portsInUse(ports), [])
    assert.deepEqual(leftovers(dataDir, ports), [])
  })
})
