// Checks, before anything starts, that every port of the stack is free, so that a port in use
// fails `npm start` at once with its name instead of half a stack and a child's stack trace.
import { createServer } from 'node:net'
import type { PortUse } from './stackPorts.ts'

/** Resolves when `port` on `host` can be listened on now; else the listen error's code. */
export function probePort(host: string, port: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const server = createServer()
    server.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message))
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolve(undefined)))
  })
}

/**
 * @throws {Error} listing every port that is taken, each with its service and the variable that
 * moves it, e.g. `port 8787 (gateway) on 127.0.0.1 is in use: stop the other process or set TML_PORT`.
 */
export async function assertPortsFree(uses: readonly PortUse[], host = '127.0.0.1'): Promise<void> {
  const problems: string[] = []
  for (const use of uses) {
    const code = await probePort(host, use.port)
    if (code === undefined) continue
    problems.push(
      code === 'EADDRINUSE'
        ? `port ${use.port} (${use.service}) on ${host} is in use: stop the other process or set ${use.variable}`
        : `port ${use.port} (${use.service}) on ${host} cannot be used (${code}): set ${use.variable}`,
    )
  }
  if (problems.length > 0) throw new Error(problems.join('\n'))
}
