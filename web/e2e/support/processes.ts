// Child processes for the end-to-end tests: free ports, the project's Node, and waiting for a
// line that says a service is ready.
import { type ChildProcess, spawn } from 'node:child_process'
import { createServer } from 'node:net'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The repository root. */
export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..')
/** The web package. */
export const WEB = join(ROOT, 'web')

/** A TCP port that was free a moment ago on 127.0.0.1. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() =>
        typeof address === 'object' && address !== null ? resolve(address.port) : reject(),
      )
    })
  })
}

/** A running child with everything it printed so far. */
export type Running = { child: ChildProcess; output: () => string }

/** Starts `args` on the project's Node (this process's), collecting its output. */
export function startNode(args: string[], env: NodeJS.ProcessEnv = {}, cwd = ROOT): Running {
  const child = spawn(process.execPath, args, {
    cwd,
    env: { ...process.env, HARDHAT_DISABLE_TELEMETRY: 'true', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout?.on('data', (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-200_000)
  })
  child.stderr?.on('data', (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-200_000)
  })
  return { child, output: () => output }
}

/** Resolves when the child prints a line matching `pattern`; rejects on exit or timeout. */
export function waitForLine(running: Running, pattern: RegExp, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const check = () =>
      running
        .output()
        .split('\n')
        .find((line) => pattern.test(line))
    const timer = setInterval(() => {
      const line = check()
      if (line !== undefined) done(() => resolve(line))
    }, 50)
    const deadline = setTimeout(
      () =>
        done(() =>
          reject(
            new Error(`no line matching ${pattern} within ${timeoutMs} ms:\n${running.output()}`),
          ),
        ),
      timeoutMs,
    )
    const onExit = (code: number | null) =>
      done(() =>
        reject(new Error(`process exited (${code}) before ${pattern}:\n${running.output()}`)),
      )
    running.child.once('exit', onExit)
    function done(then: () => void) {
      clearInterval(timer)
      clearTimeout(deadline)
      running.child.off('exit', onExit)
      then()
    }
  })
}

/** Runs `args` on the project's Node to the end. */
export async function runNode(
  args: string[],
  env: NodeJS.ProcessEnv = {},
  cwd = ROOT,
): Promise<{ code: number | null; output: string }> {
  const running = startNode(args, env, cwd)
  const code = await new Promise<number | null>((resolve) => running.child.once('exit', resolve))
  return { code, output: running.output() }
}

/** Stops a child this test started (SIGTERM, then SIGKILL after a grace period). */
export async function stop(running: Running | undefined): Promise<void> {
  const child = running?.child
  if (child === undefined || child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise((resolve) => child.once('exit', resolve))
  child.kill('SIGTERM')
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000)
  await exited
  clearTimeout(timer)
}
