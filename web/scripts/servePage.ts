// A static host for the built page: the files of `dist`, plus the run-time configuration the page
// reads from /tml.config.json. `npm start` serves the page with it, and the end-to-end tests and
// the web benchmark build on it (web/e2e/support/pageServer.ts), so there is one file server.
import { readFile, stat } from 'node:fs/promises'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { extname, join, resolve, sep } from 'node:path'

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.woff2': 'font/woff2',
  '.webmanifest': 'application/manifest+json',
}

/** A handler tried before the files; answers true when it wrote the response. */
export type Route = (
  request: IncomingMessage,
  response: ServerResponse,
  url: URL,
) => boolean | Promise<boolean>

export type StaticPageOptions = {
  /** The built page (vite's outDir). */
  dist: string
  /** Default 127.0.0.1: the page is for this machine unless asked otherwise. */
  host?: string
  /** Default 0: any free port. */
  port?: number
  /** What /tml.config.json answers; undefined answers 404 (the page then uses its build-time config). */
  config?: unknown
  /** Handlers tried in order before the files; the array is read per request, so it may grow later. */
  routes?: Route[]
}

export type StaticPage = {
  url: string
  /** What /tml.config.json answers, changeable while serving; undefined answers 404. */
  config: { value: unknown }
  close(): Promise<void>
}

/** Serves `dist` over HTTP; rejects with a message naming the host and port when it cannot listen. */
export async function serveStaticPage(options: StaticPageOptions): Promise<StaticPage> {
  const dist = resolve(options.dist)
  const host = options.host ?? '127.0.0.1'
  const port = options.port ?? 0
  const config: { value: unknown } = { value: options.config }
  const routes = options.routes ?? []
  const server: Server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (!response.headersSent) response.writeHead(500, { 'content-type': 'text/plain' })
      response.end(`server error: ${error instanceof Error ? error.message : String(error)}`)
    })
  })

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://localhost')
    for (const route of routes) if (await route(request, response, url)) return
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain' }).end()
      return
    }
    if (url.pathname === '/tml.config.json') {
      if (config.value === undefined) notFound(response)
      else
        send(
          request,
          response,
          { 'content-type': 'application/json', 'cache-control': 'no-store' },
          Buffer.from(JSON.stringify(config.value)),
        )
      return
    }
    const path = filePath(dist, url.pathname)
    if (path === undefined) {
      notFound(response)
      return
    }
    const info = await stat(path).catch(() => undefined)
    if (info === undefined || !info.isFile()) {
      notFound(response)
      return
    }
    send(
      request,
      response,
      { 'content-type': TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream' },
      await readFile(path),
    )
  }

  await new Promise<void>((done, fail) => {
    const onError = (error: NodeJS.ErrnoException) => {
      server.off('listening', onListening)
      fail(listenError(error, host, port))
    }
    const onListening = () => {
      server.off('error', onError)
      done()
    }
    server.once('error', onError)
    server.once('listening', onListening)
    server.listen(port, host)
  })
  const address = server.address() as AddressInfo
  return {
    url: `http://${urlHost(host)}:${address.port}`,
    config,
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections()
        server.close(() => done())
      }),
  }
}

/**
 * The file a request path names inside `dist`, or undefined when it escapes `dist` (`..`, encoded
 * or not) or is not a valid path: a static host must never serve files beside the page.
 */
export function filePath(dist: string, pathname: string): string | undefined {
  let decoded: string
  try {
    decoded = decodeURIComponent(pathname)
  } catch {
    return undefined
  }
  if (decoded.includes('\0')) return undefined
  const root = resolve(dist)
  const path = resolve(join(root, decoded === '/' ? 'index.html' : decoded))
  return path === root || !path.startsWith(root + sep) ? undefined : path
}

function send(
  request: IncomingMessage,
  response: ServerResponse,
  headers: Record<string, string>,
  body: Buffer,
) {
  response.writeHead(200, { ...headers, 'content-length': String(body.length) })
  response.end(request.method === 'HEAD' ? undefined : body)
}

function notFound(response: ServerResponse) {
  response.writeHead(404, { 'content-type': 'text/plain' }).end('not found')
}

function listenError(error: NodeJS.ErrnoException, host: string, port: number): Error {
  if (error.code === 'EADDRINUSE')
    return new Error(`port ${port} on ${host} is in use (another npm start? set TML_WEB_PORT)`, {
      cause: error,
    })
  if (error.code === 'EACCES')
    return new Error(`port ${port} on ${host} is not allowed for this user`, { cause: error })
  if (error.code === 'EADDRNOTAVAIL' || error.code === 'ENOTFOUND')
    return new Error(`cannot listen on ${host}: no such address on this machine`, { cause: error })
  return new Error(`cannot serve the page on ${host}:${port}: ${error.message}`, { cause: error })
}

/** IPv6 literals take brackets in a URL. */
function urlHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host
}
