// Children of `npm start`, each in its own process group (spawned detached) so that stopping one
// also stops what it started (the chains script runs two Hardhat nodes): SIGTERM to the group,
// then SIGKILL after a grace period, and wait until the child has exited.
import { type ChildProcess, spawn } from 'node:child_process'

/** A child of the stack. `exited` resolves with its exit code (or signal name) when it ends. */
export type ServiceProcess = {
  name: string
  child: ChildProcess
  exited: Promise<number | string>
}

export type SpawnServiceOptions = {
  name: string
  command: string
  args: readonly string[]
  cwd: string
  env: NodeJS.ProcessEnv
  /** Show only stderr and the ready line (the chains log every JSON-RPC call otherwise). */
  quiet?: boolean
  /** A line that says the service is ready; `ready` resolves on it. */
  ready?: RegExp
  readyTimeoutMs?: number
  /** Called with every line of stdout (e.g. to read a step's result). */
  onLine?: (line: string) => void
}

/**
 * Spawns a child with its output prefixed by `[name]`. `ready` resolves on the first line that
 * matches `options.ready` (at once without one), and rejects when the child exits first or the
 * timeout passes; for a step without `ready`, await `exited` instead.
 */
export function spawnService(options: SpawnServiceOptions): {
  service: ServiceProcess
  ready: Promise<void>
} {
  const { name, ready, quiet = false, readyTimeoutMs = 120_000 } = options
  const child = spawn(options.command, [...options.args], {
    cwd: options.cwd,
    env: options.env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  })
  const exited = new Promise<number | string>((resolve) => {
    child.once('error', (error) => resolve(error.message))
    // 'close', not 'exit': by then every line the child printed has been read.
    child.once('close', (code, signal) => resolve(code ?? signal ?? 'unknown'))
  })
  let markReady: () => void = () => {}
  const readyPromise = new Promise<void>((resolve, reject) => {
    if (ready === undefined) {
      resolve()
      return
    }
    const timer = setTimeout(
      () => reject(new Error(`${name} did not become ready within ${readyTimeoutMs / 1000} s`)),
      readyTimeoutMs,
    )
    markReady = () => {
      clearTimeout(timer)
      resolve()
    }
    void exited.then((how) => {
      clearTimeout(timer)
      reject(new Error(`${name} stopped before it was ready (exit ${how})`))
    })
  })
  const forward = (stream: NodeJS.ReadableStream | null, out: NodeJS.WriteStream) => {
    let rest = ''
    const emit = (line: string) => {
      if (out === process.stdout) options.onLine?.(line)
      if (line.trim() === '') return
      const isReady = ready?.test(line) ?? false
      if (!quiet || out === process.stderr || isReady) out.write(`[${name}] ${line}\n`)
      if (isReady) markReady()
    }
    stream?.on('data', (chunk: Buffer) => {
      const lines = (rest + chunk.toString()).split('\n')
      rest = lines.pop() ?? ''
      for (const line of lines) emit(line)
    })
    stream?.on('end', () => {
      if (rest !== '') emit(rest)
      rest = ''
    })
  }
  forward(child.stdout, process.stdout)
  forward(child.stderr, process.stderr)
  return { service: { name, child, exited }, ready: readyPromise }
}

/** Stops a child's whole process group and waits for the child to exit. */
export async function stopService(service: ServiceProcess, graceMs = 10_000): Promise<void> {
  const { child } = service
  const signalGroup = (signal: NodeJS.Signals) => {
    if (child.pid === undefined) return
    try {
      process.kill(-child.pid, signal)
    } catch {
      // The group is gone already (ESRCH): nothing left to stop.
    }
  }
  if (child.exitCode === null && child.signalCode === null) {
    signalGroup('SIGTERM')
    const timer = setTimeout(() => signalGroup('SIGKILL'), graceMs)
    await service.exited
    clearTimeout(timer)
  }
  // Grandchildren outlive a child that exits first: make sure none of its group is left.
  signalGroup('SIGKILL')
}
