// Builds the page with Vite into a temporary folder and serves it on 127.0.0.1 as a static host
// would, with the run-time configuration (tml.config.json) the test sets, optional extra routes
// (a mock gateway) and an optional same-origin proxy to a real gateway.
import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs'
import {
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { extname, join, normalize } from 'node:path'
import { ROOT, runNode, WEB } from './processes.ts'

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
}

/** Builds the production page (`vite build`) into a fresh folder; returns the folder. */
export async function buildPage(): Promise<string> {
  const outDir = mkdtempSync(join(tmpdir(), 'tml-web-dist-'))
  const vite = join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js')
  const { code, output } = await runNode(
    [vite, 'build', '--outDir', outDir, '--emptyOutDir', '--logLevel', 'warn'],
    {},
    WEB,
  )
  if (code !== 0) throw new Error(`vite build failed:\n${output}`)
  return outDir
}

export type Route = (
  request: IncomingMessage,
  response: ServerResponse,
  url: URL,
) => boolean | Promise<boolean>

export type PageServer = {
  url: string
  /** What /tml.config.json answers (mutable; null answers 404). */
  config: { value: unknown }
  /** Where /gateway/* is proxied (same origin for the page), when set. */
  gateway: { target: string | undefined }
  routes: Route[]
  close(): Promise<void>
}

/** Serves `dist` on a free port of 127.0.0.1. */
export async function servePage(dist: string): Promise<PageServer> {
  const config: { value: unknown } = { value: null }
  const gateway: { target: string | undefined } = { target: undefined }
  const routes: Route[] = []
  const server: Server = createServer(async (request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1')
    try {
      for (const route of routes) if (await route(request, response, url)) return
      if (url.pathname === '/tml.config.json') {
        if (config.value === null) response.writeHead(404).end()
        else
          response
            .writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' })
            .end(JSON.stringify(config.value))
        return
      }
      if (url.pathname.startsWith('/gateway/') && gateway.target !== undefined) {
        proxy(
          request,
          response,
          new URL(url.pathname.slice('/gateway'.length) + url.search, gateway.target),
        )
        return
      }
      const path = normalize(
        join(dist, url.pathname === '/' ? 'index.html' : decodeURIComponent(url.pathname)),
      )
      if (!path.startsWith(dist) || !existsSync(path) || !statSync(path).isFile()) {
        response.writeHead(404).end('not found')
        return
      }
      response
        .writeHead(200, { 'content-type': TYPES[extname(path)] ?? 'application/octet-stream' })
        .end(readFileSync(path))
    } catch (error) {
      response.writeHead(500).end(String(error))
    }
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    config,
    gateway,
    routes,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

function proxy(request: IncomingMessage, response: ServerResponse, target: URL) {
  const upstream = httpRequest(
    target,
    { method: request.method, headers: { ...request.headers, host: target.host } },
    (answer) => {
      response.writeHead(answer.statusCode ?? 502, answer.headers)
      answer.pipe(response)
    },
  )
  upstream.on('error', (error) => {
    if (!response.headersSent) response.writeHead(502)
    response.end(String(error))
  })
  request.pipe(upstream)
}
