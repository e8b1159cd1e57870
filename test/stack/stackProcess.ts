// `npm start` as the whole-stack test runs it: the same script (scripts/start.mjs) on free ports
// with a temporary data directory, its output collected, stopped with SIGINT as Ctrl-C does.
import { type ChildProcess, spawn } from 'node:child_process'
import { join } from 'node:path'
import { probePort } from '../../scripts/assertPortsFree.ts'
import type { StackPorts } from '../../scripts/stackPorts.ts'
import { READY_LINE } from '../../scripts/stackSummary.ts'
import { freePort, ROOT } from '../../web/e2e/support/processes.ts'

/** Six distinct ports that were free a moment ago. */
export async function freeStackPorts(): Promise<StackPorts> {
  const taken = new Set<number>()
  const next = async () => {
    for (;;) {
      const port = await freePort()
      if (!taken.has(port)) {
        taken.add(port)
        return port
      }
    }
  }
  return {
    ethereum: await next(),
    polygon: await next(),
    gateway: await next(),
    web: await next(),
    ots: await next(),
    openai: await next(),
  }
}

/** The environment that moves every port of the stack and its data directory. */
export function stackEnv(ports: StackPorts, dataDir: string): NodeJS.ProcessEnv {
  return {
    TML_DATA_DIR: dataDir,
    CHAINS_ETHEREUM_PORT: String(ports.ethereum),
    CHAINS_POLYGON_PORT: String(ports.polygon),
    TML_PORT: String(ports.gateway),
    TML_WEB_PORT: String(ports.web),
    TML_OTS_PORT: String(ports.ots),
    TML_OPENAI_DEMO_PORT: String(ports.openai),
  }
}

export type RunningStack = {
  child: ChildProcess
  output: () => string
  exited: Promise<number | string>
}

/** Spawns `node scripts/start.mjs` on this process's Node (the project's Node 22). */
export function spawnStack(env: NodeJS.ProcessEnv): RunningStack {
  const child = spawn(process.execPath, [join(ROOT, 'scripts', 'start.mjs')], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-400_000)
  }
  child.stdout?.on('data', keep)
  child.stderr?.on('data', keep)
  const exited = new Promise<number | string>((resolve) =>
    child.once('close', (code, signal) => resolve(code ?? signal ?? 'unknown')),
  )
  return { child, output: () => output, exited }
}

/** Resolves when the stack prints its ready line; rejects when it exits first or time runs out. */
export async function waitReady(stack: RunningStack, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs
  let exited: number | string | undefined
  void stack.exited.then((how) => {
    exited = how
  })
  while (!stack.output().includes(READY_LINE)) {
    if (exited !== undefined)
      throw new Error(`npm start exited (${exited}) before it was ready:\n${stack.output()}`)
    if (Date.now() > deadline)
      throw new Error(`npm start was not ready within ${timeoutMs / 1000} s:\n${stack.output()}`)
    await new Promise((r) => setTimeout(r, 200))
  }
}

/** The ports of `ports` that something still listens on. */
export async function portsInUse(ports: StackPorts): Promise<number[]> {
  const used: number[] = []
  for (const port of Object.values(ports))
    if ((await probePort('127.0.0.1', port)) !== undefined) used.push(port)
  return used
}
