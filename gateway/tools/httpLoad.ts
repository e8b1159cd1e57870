import { connect, type Socket } from 'node:net'

/** Parameters of {@link httpLoad}. */
export type HttpLoadParameters = {
  host: string
  port: number
  method: 'GET' | 'POST'
  path: string
  headers?: Record<string, string>
  /** Request body (JSON text); a function gives a new body per request. */
  body?: string | (() => string)
  connections: number
  /** Requests in flight per connection (HTTP/1.1 pipelining); 1 = classic keep-alive. */
  pipeline: number
  /** Stop after this long. */
  durationMs: number
  /** Called with every response (status and body); keep it cheap. */
  onResponse?: (status: number, body: Buffer) => void
}

/** What {@link httpLoad} measured. */
export type HttpLoadResult = {
  completed: number
  perSecond: number
  statuses: Record<string, number>
  /** Connection errors (resets when the server dies, for instance). */
  errors: number
  latencyMs: { p50: number; p99: number; max: number }
}

/**
 * A small, fast HTTP/1.1 load generator over raw sockets (keep-alive, optional pipelining),
 * for the benchmark and the durability test. It parses just enough of each response (status
 * line, Content-Length, body) to count and hand it over, so it costs the machine far less than a
 * general-purpose client and leaves the CPU to the server being measured.
 *
 * @example
 * const r = await httpLoad({ host: '127.0.0.1', port, method: 'POST', path: '/echo', body: '{}', connections: 32, pipeline: 1, durationMs: 5000 })
 * r.perSecond
 */
export async function httpLoad(p: HttpLoadParameters): Promise<HttpLoadResult> {
  const headerLines = Object.entries({
    host: `${p.host}:${p.port}`,
    connection: 'keep-alive',
    ...(p.headers ?? {}),
  })
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('')
  const fixed = typeof p.body === 'string' ? request(p.body) : undefined
  function request(body: string | undefined): Buffer {
    const b = body === undefined ? '' : body
    const extra =
      body === undefined
        ? ''
        : `content-type: application/json\r\ncontent-length: ${Buffer.byteLength(b)}\r\n`
    return Buffer.from(`${p.method} ${p.path} HTTP/1.1\r\n${headerLines}${extra}\r\n${b}`)
  }
  const next = () => fixed ?? request(typeof p.body === 'function' ? p.body() : undefined)

  const statuses: Record<string, number> = {}
  const latencies: number[] = []
  let completed = 0
  let errors = 0
  const started = performance.now()
  const deadline = started + p.durationMs

  await Promise.all(
    Array.from(
      { length: p.connections },
      () =>
        new Promise<void>((resolve) => {
          const sent: number[] = []
          let buffer = Buffer.alloc(0)
          let stopping = false
          const socket: Socket = connect({ host: p.host, port: p.port })
          socket.setNoDelay(true)
          const fill = () => {
            while (!stopping && sent.length < p.pipeline) {
              if (performance.now() >= deadline) {
                stopping = true
                break
              }
              sent.push(performance.now())
              socket.write(next())
            }
            if (stopping && sent.length === 0) socket.end()
          }
          socket.on('connect', fill)
          socket.on('data', (chunk) => {
            buffer = buffer.length === 0 ? chunk : Buffer.concat([buffer, chunk])
            for (;;) {
              const end = buffer.indexOf('\r\n\r\n')
              if (end < 0) break
              const head = buffer.subarray(0, end).toString('latin1')
              const m = /\r\ncontent-length:\s*(\d+)/i.exec(head)
              const length = m ? Number(m[1]) : 0
              if (buffer.length < end + 4 + length) break
              const status = Number(head.slice(9, 12))
              const body = buffer.subarray(end + 4, end + 4 + length)
              buffer = buffer.subarray(end + 4 + length)
              const t0 = sent.shift() ?? performance.now()
              latencies.push(performance.now() - t0)
              completed++
              statuses[status] = (statuses[status] ?? 0) + 1
              p.onResponse?.(status, body)
            }
            fill()
          })
          socket.on('error', () => {
            errors++
          })
          socket.on('close', () => resolve())
        }),
    ),
  )
  const seconds = (performance.now() - started) / 1000
  latencies.sort((a, b) => a - b)
  const at = (q: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0
  return {
    completed,
    perSecond: completed / seconds,
    statuses,
    errors,
    latencyMs: { p50: at(0.5), p99: at(0.99), max: latencies[latencies.length - 1] ?? 0 },
  }
}
