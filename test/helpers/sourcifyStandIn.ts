// A stand-in for a Sourcify server on 127.0.0.1, speaking the part of Sourcify's API v2 that
// hardhat-verify uses: look a contract up, take a verification request, report the job done.
// It keeps every request it was sent, so a test can check what an explorer would have received.
// It does not compile: the test compares the submission with the build and the chain itself.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'

/** What hardhat-verify sends to `POST /v2/verify/{chainId}/{address}`. */
export type SourcifySubmission = {
  chainId: number
  address: string
  body: {
    stdJsonInput: {
      language: string
      sources: Record<string, { content: string }>
      settings: Record<string, unknown>
    }
    contractIdentifier: string
    compilerVersion: string
    creationTransactionHash?: string
  }
}

export type SourcifyStandIn = {
  url: string
  submissions: SourcifySubmission[]
  close(): Promise<void>
}

function send(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' })
  response.end(JSON.stringify(body))
}

async function readJson(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = []
  for await (const chunk of request) chunks.push(chunk as Buffer)
  return JSON.parse(Buffer.concat(chunks).toString('utf8'))
}

/**
 * Starts the stand-in on a free port of 127.0.0.1.
 *
 * @example
 * const sourcify = await startSourcifyStandIn()
 * // SOURCIFY_API_URL=sourcify.url npx hardhat verify sourcify --network polygonLocal 0x… …
 * await sourcify.close()
 */
export async function startSourcifyStandIn(): Promise<SourcifyStandIn> {
  const submissions: SourcifySubmission[] = []
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1')
    const lookup = url.pathname.match(/^\/v2\/contract\/(\d+)\/(0x[0-9a-fA-F]{40})$/)
    const submit = url.pathname.match(/^\/v2\/verify\/(\d+)\/(0x[0-9a-fA-F]{40})$/)
    const job = url.pathname.match(/^\/v2\/verify\/([0-9]+)$/)
    if (request.method === 'GET' && lookup) {
      // Sourcify answers an unverified contract with 404 and null matches.
      send(response, 404, {
        match: null,
        creationMatch: null,
        runtimeMatch: null,
        chainId: lookup[1],
        address: lookup[2],
      })
      return
    }
    if (request.method === 'POST' && submit) {
      readJson(request).then(
        (body) => {
          submissions.push({
            chainId: Number(submit[1]),
            address: submit[2] as string,
            body: body as SourcifySubmission['body'],
          })
          send(response, 202, { verificationId: String(submissions.length - 1) })
        },
        (error: Error) =>
          send(response, 400, {
            customCode: 'bad_request',
            message: error.message,
            errorId: 'stand-in',
          }),
      )
      return
    }
    if (request.method === 'GET' && job) {
      const submission = submissions[Number(job[1])]
      if (submission === undefined) {
        send(response, 404, {
          customCode: 'not_found',
          message: 'no such job',
          errorId: 'stand-in',
        })
        return
      }
      send(response, 200, {
        isJobCompleted: true,
        verificationId: job[1],
        jobStartTime: new Date().toISOString(),
        contract: {
          match: 'exact_match',
          creationMatch: 'exact_match',
          runtimeMatch: 'exact_match',
          chainId: String(submission.chainId),
          address: submission.address,
        },
      })
      return
    }
    send(response, 404, { customCode: 'not_found', message: url.pathname, errorId: 'stand-in' })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('stand-in: no port')
  return {
    url: `http://127.0.0.1:${address.port}`,
    submissions,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}
