// A "gateway" on 127.0.0.1 in front of a real one: it forwards every request (with its API key),
// and lets a test rewrite the signed checkpoints the real gateway publishes
// (/v1/logs/{logId}/checkpoints), or answer any route itself, as a dishonest operator would show
// them to some of its users.
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'

/** One entry of the checkpoints page, as the gateway answers it. */
export type PageCheckpoint = {
  checkpoint: {
    logId: string
    epoch: number
    treeSize: number
    rootHash: string
    timestamp: number
  }
  signature: string
  anchors: unknown[]
}

export type FakeGateway = { url: string; requests: string[]; close(): Promise<void> }

/**
 * Starts the forwarding gateway. `rewrite` gets each checkpoints page's list and returns what to
 * serve instead (it may be async: a fork is signed on the fly).
 */
export async function startFakeGateway({
  upstream,
  rewrite,
  rewriteProof,
  serve,
}: {
  upstream: string
  rewrite: (checkpoints: PageCheckpoint[]) => PageCheckpoint[] | Promise<PageCheckpoint[]>
  /** Rewrites the consistency proofs it serves (/v1/logs/{logId}/consistency), when given. */
  rewriteProof?: (proof: string[]) => string[]
  /** Answers a request (its URL) itself when it returns a body (JSON); else it is forwarded. */
  serve?: (url: string) => unknown
}): Promise<FakeGateway> {
  const requests: string[] = []
  const server: Server = createServer(async (req, res) => {
    requests.push(req.url ?? '')
    try {
      const own = await serve?.(req.url ?? '')
      if (own !== undefined) {
        res.writeHead(200, { 'content-type': 'application/json' })
        res.end(JSON.stringify(own))
        return
      }
      const { authorization } = req.headers
      const answer = await fetch(`${upstream}${req.url}`, {
        headers: authorization ? { authorization } : {},
      })
      let body = await answer.text()
      if (answer.status === 200 && /^\/v1\/logs\/[^/]+\/checkpoints/.test(req.url ?? '')) {
        const page = JSON.parse(body) as { checkpoints: PageCheckpoint[] }
        page.checkpoints = await rewrite(page.checkpoints)
        body = JSON.stringify(page)
      }
      if (
        rewriteProof &&
        answer.status === 200 &&
        /^\/v1\/logs\/[^/]+\/consistency/.test(req.url ?? '')
      ) {
        const answered = JSON.parse(body) as { proof: string[] }
        answered.proof = rewriteProof(answered.proof)
        body = JSON.stringify(answered)
      }
      res.writeHead(answer.status, {
        'content-type': answer.headers.get('content-type') ?? 'application/json',
      })
      res.end(body)
    } catch (error) {
      res.writeHead(502).end(String(error))
    }
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: async () => {
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
