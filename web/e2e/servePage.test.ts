// The static page host `npm start` and these suites use: files with their types, the run-time
// configuration, 404s, refused path traversal, and a port in use named in the error.
import assert from 'node:assert/strict'
import { mkdirSync, writeFileSync } from 'node:fs'
import { request } from 'node:http'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { tempDir } from '../../gateway/test/helpers/tempDir.ts'
import { type StaticPage, serveStaticPage } from '../scripts/servePage.ts'

describe('serveStaticPage', () => {
  let root: string
  let page: StaticPage

  before(async () => {
    // A secret beside dist, which no request path may reach.
    root = tempDir('tml-serve-')
    writeFileSync(join(root, 'secret.txt'), 'do not serve')
    const dist = join(root, 'dist')
    mkdirSync(join(dist, 'assets'), { recursive: true })
    writeFileSync(join(dist, 'index.html'), '<!doctype html><title>page</title>')
    writeFileSync(join(dist, 'assets', 'app.js'), 'console.log(1)')
    writeFileSync(join(dist, 'assets', 'app.css'), 'body{}')
    page = await serveStaticPage({ dist })
  })
  after(() => page.close())

  it('serves index.html at / and files with their content types', async () => {
    assert.match(page.url, /^http:\/\/127\.0\.0\.1:\d+$/)
    const index = await fetch(`${page.url}/`)
    assert.equal(index.status, 200)
    assert.equal(index.headers.get('content-type'), 'text/html; charset=utf-8')
    assert.match(await index.text(), /<title>page<\/title>/)
    const js = await fetch(`${page.url}/assets/app.js`)
    assert.equal(js.headers.get('content-type'), 'text/javascript; charset=utf-8')
    assert.equal(await js.text(), 'console.log(1)')
    const css = await fetch(`${page.url}/assets/app.css`)
    assert.equal(css.headers.get('content-type'), 'text/css; charset=utf-8')
  })

  it('answers 404 for missing files, folders, and the config when none is set', async () => {
    for (const path of ['/missing.js', '/assets', '/assets/', '/tml.config.json']) {
      const answer = await fetch(page.url + path)
      assert.equal(answer.status, 404, path)
      await answer.arrayBuffer()
    }
  })

  it('serves the configuration uncached, and a change to it at once', async () => {
    page.config.value = { gatewayUrl: 'http://127.0.0.1:8787' }
    const answer = await fetch(`${page.url}/tml.config.json`)
    assert.equal(answer.status, 200)
    assert.equal(answer.headers.get('cache-control'), 'no-store')
    assert.equal(answer.headers.get('content-type'), 'application/json')
    assert.deepEqual(await answer.json(), { gatewayUrl: 'http://127.0.0.1:8787' })
    page.config.value = undefined
    const gone = await fetch(`${page.url}/tml.config.json`)
    assert.equal(gone.status, 404)
    await gone.arrayBuffer()
  })

  it('refuses paths that leave dist, encoded or not', async () => {
    // fetch() normalises "/../", so raw paths go through node:http's request line as sent.
    for (const path of [
      '/../secret.txt',
      '/assets/../../secret.txt',
      '/%2e%2e/secret.txt',
      '/..%2fsecret.txt',
      '/%2e%2e%2fsecret.txt',
      '/%00',
      '/%E0%A4%A',
    ]) {
      const { status, body } = await rawGet(page.url, path)
      assert.equal(status, 404, path)
      assert.doesNotMatch(body, /do not serve/, path)
    }
  })

  it('rejects with the host and port named when the port is in use', async () => {
    const blocker = createServer()
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve))
    const address = blocker.address()
    assert.ok(address !== null && typeof address === 'object')
    try {
      await assert.rejects(
        serveStaticPage({ dist: join(root, 'dist'), port: address.port }),
        (error: Error) => {
          assert.match(
            error.message,
            new RegExp(`port ${address.port} on 127\\.0\\.0\\.1 is in use`),
          )
          return true
        },
      )
    } finally {
      await new Promise<void>((resolve) => blocker.close(() => resolve()))
    }
  })

  it('takes an initial configuration', async () => {
    const other = await serveStaticPage({ dist: join(root, 'dist'), config: { chains: [] } })
    try {
      const answer = await fetch(`${other.url}/tml.config.json`)
      assert.deepEqual(await answer.json(), { chains: [] })
    } finally {
      await other.close()
    }
  })
})

/** A GET whose path is sent exactly as written (no URL normalisation). */
async function rawGet(base: string, path: string): Promise<{ status: number; body: string }> {
  const url = new URL(base)
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, path, method: 'GET' }, (answer) => {
      let body = ''
      answer.setEncoding('utf8')
      answer.on('data', (chunk: string) => {
        body += chunk
      })
      answer.on('end', () => resolve({ status: answer.statusCode ?? 0, body }))
    })
    req.on('error', reject)
    req.end()
  })
}
