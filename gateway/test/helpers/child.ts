import { type ChildProcess, spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const TML = fileURLToPath(new URL('../../bin/tml.mjs', import.meta.url))

/** A gateway running as a real child process (`tml gateway start`). */
export type ChildGateway = { child: ChildProcess; url: URL; port: number; logs: string[] }

/** Starts `tml gateway start` on a free port and resolves once it listens. */
export function startChildGateway({
  dataDir,
  env,
  args = [],
}: {
  dataDir: string
  env: Record<string, string>
  args?: string[]
}): Promise<ChildGateway> {
  const child = spawn(
    process.execPath,
    [TML, 'gateway', 'start', '--data', dataDir, '--port', '0', '--log-level', 'info', ...args],
    {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  )
  const logs: string[] = []
  return new Promise((resolve, reject) => {
    let buffer = ''
    const timer = setTimeout(
      () => reject(new Error(`gateway did not start:\n${logs.join('\n')}`)),
      15_000,
    )
    child.stderr?.on('data', (c: Buffer) => logs.push(c.toString()))
    child.stdout?.on('data', (c: Buffer) => {
      buffer += c.toString()
      let i = buffer.indexOf('\n')
      while (i >= 0) {
        const line = buffer.slice(0, i)
        buffer = buffer.slice(i + 1)
        logs.push(line)
        try {
          const entry = JSON.parse(line) as { msg?: string; url?: string }
          if (entry.msg === 'listening' && entry.url) {
            clearTimeout(timer)
            const url = new URL(entry.url)
            resolve({ child, url, port: Number(url.port), logs })
          }
        } catch {
          // Not a log line.
        }
        i = buffer.indexOf('\n')
      }
    })
    child.on('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`gateway exited with ${code}:\n${logs.join('\n')}`))
    })
  })
}

/** Kills with SIGKILL (no shutdown code runs) and waits for the process to be gone. */
export function killHard(g: ChildGateway): Promise<void> {
  return new Promise((resolve) => {
    if (g.child.exitCode !== null || g.child.signalCode !== null) return resolve()
    g.child.once('exit', () => resolve())
    g.child.kill('SIGKILL')
  })
}
