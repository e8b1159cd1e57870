// An agent's tool call held for a person, end to end: the SDK's MCP client calls write_file
// through `tml mcp-proxy` (a real child process) in front of the real filesystem server; the
// shipped agent_tools policy pauses the write (outside the agent's workspace); the pause appears
// on the reviewer desk in Chromium, a listed reviewer opens its case (the tool, its arguments and
// the MCP server, through a request signed by the wallet), approves it there, and only then does the
// proxy forward the call: the file is written and the agent's result carries the pause's trace id.
import assert from 'node:assert/strict'
import { existsSync, mkdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js'
import type { Browser } from 'playwright-core'
import { tempDir } from '../../gateway/test/helpers/tempDir.ts'
import { launchBrowser, openPage, screenshot } from './support/browser.ts'
import { buildPage, type PageServer, servePage } from './support/pageServer.ts'
import { ROOT, type Running, startNode, stop, waitForLine } from './support/processes.ts'
import { pageChains, ROLES, startWorld, type World } from './support/world.ts'

const API_KEY = 'mcp-desk-e2e-token-0123456789'
const TML = join(ROOT, 'gateway', 'bin', 'tml.mjs')
const FS_SERVER = join(
  ROOT,
  'node_modules',
  '@modelcontextprotocol',
  'server-filesystem',
  'dist',
  'index.js',
)

let world: World
let server: PageServer
let browser: Browser
let gateway: Running
let gatewayUrl: string
let client: Client
const folder = realpathSync(tempDir('tml-mcp-desk-'))
const workspace = join(folder, 'workspace')

/** `tml gateway start` with the shipped agent_tools policy: workspace in `folder`, the test reviewer listed. */
async function startAgentGateway(): Promise<void> {
  const dir = tempDir('tml-web-mcp-gateway-')
  const shipped = readFileSync(join(ROOT, 'gateway', 'policies', 'agent_tools.yaml'), 'utf8')
  const policy = shipped
    .replaceAll('/srv/agent/workspace', workspace)
    .replace(/^reviewers: \[[^\]]*\]/m, `reviewers: ["${ROLES.reviewer}"]`)
  assert.ok(policy.includes(workspace) && policy.includes(ROLES.reviewer), 'policy adapted')
  mkdirSync(join(dir, 'policies'))
  writeFileSync(join(dir, 'policies', 'agent_tools.yaml'), policy)
  gateway = startNode(
    [
      TML,
      'gateway',
      'start',
      '--host',
      '127.0.0.1',
      '--port',
      '0',
      '--data',
      join(dir, 'data'),
      '--policies',
      join(dir, 'policies'),
    ],
    { TML_API_KEYS: `agent:${API_KEY}`, TML_LOG_LEVEL: 'info' },
  )
  const line = await waitForLine(gateway, /"msg":"listening"/, 60_000)
  gatewayUrl = (JSON.parse(line) as { url: string }).url
}

describe('an MCP tool call approved on the reviewer desk', { timeout: 600_000 }, () => {
  before(async () => {
    mkdirSync(workspace)
    const [w, dist] = await Promise.all([
      startWorld({ epochSizes: [2], lateBeforeLast: false }),
      buildPage(),
      startAgentGateway(),
    ])
    world = w
    server = await servePage(dist)
    server.gateway.target = gatewayUrl
    browser = await launchBrowser()
    client = new Client({ name: 'desk-e2e-agent', version: '1.0.0' })
    await client.connect(
      new StdioClientTransport({
        command: process.execPath,
        args: [
          TML,
          'mcp-proxy',
          '--gateway',
          gatewayUrl,
          '--pause-wait',
          '300',
          '--',
          process.execPath,
          FS_SERVER,
          folder,
        ],
        env: { ...(process.env as Record<string, string>), TML_API_KEY: API_KEY },
        stderr: 'pipe',
      }),
    )
  })

  after(async () => {
    await client?.close()
    await browser?.close()
    await server?.close()
    await stop(gateway)
    await world?.stop()
  })

  it('behavior: the paused write waits for the desk, is approved there, and only then runs', async () => {
    const target = join(folder, 'release-notes.md')
    // Long waits are the point here: keep the client from timing out the call.
    const call = client.callTool(
      { name: 'write_file', arguments: { path: target, content: '# Release notes\n' } },
      undefined,
      { timeout: 300_000 },
    )
    server.config.value = {
      chains: pageChains(world),
      testing: { mockAccounts: [ROLES.reviewer] },
    }
    const { page, errors, context } = await openPage(browser)
    await page.goto(`${server.url}/?view=desk`)
    await page.getByLabel('Gateway URL').fill(`${server.url}/gateway`)
    await page.getByLabel('API key (reads the pauses)').fill(API_KEY)
    await page.getByRole('button', { name: 'Connect to the gateway' }).click()
    await page.locator('[data-stream="live"]').waitFor()
    await page.getByRole('button', { name: 'Connect test account' }).click()
    await page.locator(`[data-connected-account="${ROLES.reviewer}"]`).waitFor()
    const card = page.locator('li[data-pause]')
    await card.waitFor({ timeout: 30_000 })
    assert.match(await card.innerText(), /write outside the agent's workspace/)
    const pauseId = await card.getAttribute('data-pause')
    assert.equal(existsSync(target), false, 'the server has not seen the call')
    await screenshot(page, 'mcp-desk-pending')

    await card.getByRole('button', { name: 'Show case' }).click()
    const shown = card.locator('[data-case]')
    await shown.waitFor()
    assert.equal(
      await shown.locator('[data-case-check]').getAttribute('data-case-check'),
      'checked',
    )
    assert.match(
      await shown.locator('[data-case-tool]').innerText(),
      /^write_file on MCP server \S+ \(stdio\)$/,
    )
    const args = JSON.parse(await shown.locator('[data-case-arguments]').innerText()) as {
      path: string
      content: string
    }
    assert.deepEqual(args, { path: target, content: '# Release notes\n' })
    await screenshot(page, 'mcp-desk-case')

    await card.getByLabel(/Your rationale/).fill('Release notes belong next to the workspace.')
    await card.getByRole('button', { name: 'Approve (+1)' }).click()
    await page.locator('li[data-pause]').waitFor({ state: 'detached', timeout: 30_000 })

    const result = (await call) as {
      isError?: boolean
      content: { text?: string }[]
      _meta?: Record<string, unknown>
    }
    assert.equal(result.isError, undefined, JSON.stringify(result))
    assert.equal(readFileSync(target, 'utf8'), '# Release notes\n')
    assert.equal(result._meta?.['tml/trace_id'], pauseId)
    assert.match(result._meta?.['tml/resolution_trace_id'] as string, /^[0-9a-f-]{36}$/)
    await context.close()
    assert.deepEqual(
      errors.filter((e) => !/Failed to load resource/.test(e)),
      [],
    )
  })
})
