// Builds the page with Vite into a temporary folder and serves it on 127.0.0.1 with the static
// host `npm start` uses (scripts/servePage.ts), adding what the tests need: extra routes (a mock
// gateway) and an optional same-origin proxy to a real gateway.
import { request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http'
import { join } from 'node:path'
import { tempDir } from '../../../gateway/test/helpers/tempDir.ts'
import { type Route, serveStaticPage } from '../../scripts/servePage.ts'
import { ROOT, runNode, WEB } from './processes.ts'

export type { Route }

/** Builds the production page (`vite build`) into a fresh folder; returns the folder. */
export async function buildPage(): Promise<string> {
  const outDir = tempDir('tml-web-dist-')
  const vite = join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js')
  const { code, output } = await runNode(
    [vite, 'build', '--outDir', outDir, '--emptyOutDir', '--logLevel', 'warn'],
    {},
    WEB,
  )
  if (code !== 0) throw new Error(`vite build failed:\n${output}`)
  return outDir
}

export type PageServer = {
  url: string
  /** What /tml.config.json answers (mutable; undefined answers 404). */
  config: { value: unknown }
  /** Where /gateway/* is proxied (same origin for the page), when set. */
  gateway: { target: string | undefined }
  /** Tried before the proxy and the files, in order. */
  routes: Route[]
  close(): Promise<void>
}

/** Serves `dist` on a free port of 127.0.0.1. */
export async function servePage(dist: string): Promise<PageServer> {
  const gateway: { target: string | undefined } = { target: undefined }
  const routes: Route[] = []
  const proxyRoute: Route = (request, response, url) => {
    if (!url.pathname.startsWith('/gateway/') || gateway.target === undefined) return false
    proxy(
      request,
      response,
      new URL(url.pathname.slice('/gateway'.length) + url.search, gateway.target),
    )
    return true
  }
  // The test's routes first (read per request, so a test may add them later), then the proxy.
  const page = await serveStaticPage({
    dist,
    routes: [
      async (request, response, url) => {
        for (const route of [...routes, proxyRoute])
          if (await route(request, response, url)) return true
        return false
      },
    ],
  })
  return { url: page.url, config: page.config, gateway, routes, close: page.close }
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
