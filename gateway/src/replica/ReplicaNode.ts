import { randomBytes } from 'node:crypto'
import http, { type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import https from 'node:https'
import type { AddressInfo } from 'node:net'
import type { Hex } from '@tml/core'
import { FencedError } from './FencedError.ts'
import {
  FORWARDED_HEADER,
  type ForwardOutcome,
  forwardRequest,
  NOT_LEADER_HEADER,
} from './forwardRequest.ts'
import { LeaderElection, type LeaderRecord } from './LeaderElection.ts'
import type { LeaderFence } from './LeaderFence.ts'

/** What a replica runs once it leads: the whole gateway behind a request handler. */
export type LeaderApp = {
  /** Answers one request (Fastify's `routing`). */
  handle(req: IncomingMessage, res: ServerResponse): void
  close(): Promise<void>
}

/** A replica's part at a moment. */
export type ReplicaRole = 'follower' | 'starting' | 'leader' | 'deposed'

/** Parameters of {@link ReplicaNode.start}. */
export type ReplicaNodeParameters = {
  /** The log's PostgreSQL database. */
  url: string
  logId: Hex
  host: string
  /** 0: any free port. */
  port: number
  /** The URL the other replicas reach this one at. Default: the address it listens on. */
  advertiseUrl?: string
  /**
   * Starts the gateway under `fence` when this replica wins leadership (opening its stores with
   * the fence, restoring pauses and the lane from the database). A failure deposes the replica.
   */
  lead: (fence: LeaderFence) => Promise<LeaderApp>
  /** How often a follower tries the lock and a leader checks its term. Default 250 ms. */
  pollMs?: number
  /** How long a request is held while no leader can be reached. Default 10 s. */
  forwardRetryMs?: number
  /** Largest request body a follower buffers to forward. */
  bodyLimit: number
  onEvent?: (event: {
    level: 'info' | 'warn' | 'error'
    message: string
    [k: string]: unknown
  }) => void
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/**
 * One gateway replica of a PostgreSQL log. It serves HTTP from the start; exactly one replica
 * at a time leads (see {@link LeaderElection}) and runs the gateway (sequencing, signing,
 * anchoring); the others forward every request to the leader's advertised URL and stream the
 * answer back, trying to take over every `pollMs`.
 *
 * What a caller of a follower sees:
 * - a request that could not reach a leader (none elected yet, connection refused while one
 *   takes over, a replica that no longer leads) is held and sent again for up to
 *   `forwardRetryMs`, then answered 503 `TML_NO_LEADER`;
 * - a request whose connection to the leader broke after it was sent is answered 503
 *   `TML_OUTCOME_UNKNOWN` (a decision may or may not be in the log: it is never sent twice);
 * - `/healthz` is answered locally, `/readyz` is the leader's readiness (503 when no leader is
 *   reachable), everything else is the leader's answer.
 *
 * Fail-stop: a leader whose election connection breaks, whose term is no longer the database's,
 * or one of whose writes the database fences, is deposed: it answers every request 503 (not the
 * leader, so that forwarding replicas retry elsewhere) and {@link deposed} resolves, upon which
 * its owner exits the process. Exiting rather than dropping back to follower is deliberate: a
 * deposed leader's in-memory state (the next sequence number, batches in flight, pause timers,
 * the lane's rounds) cannot be trusted, and only a new process is sure to hold none of it.
 *
 * @example
 * const node = await ReplicaNode.start({ url, logId, host: '0.0.0.0', port: 8787, lead, bodyLimit })
 * const reason = await node.deposed // then exit non-zero; a supervisor restarts it as a follower
 */
export class ReplicaNode {
  /** This replica's name in the `leader` row and forwarded requests. */
  readonly name: string
  readonly #p: ReplicaNodeParameters
  readonly #server: Server
  readonly #election: LeaderElection
  #role: ReplicaRole = 'follower'
  #leader: LeaderRecord | undefined
  #term: number | undefined
  #app: LeaderApp | undefined
  #agents = newAgents()
  #timer: NodeJS.Timeout | undefined
  #closed = false
  #selfUrl = ''
  #advertiseUrl = ''
  #deposedWith: ((error: Error) => void) | undefined
  /** Resolves with the reason once this replica led and was deposed (fail-stop: exit then). */
  readonly deposed: Promise<Error>

  private constructor(p: ReplicaNodeParameters, election: LeaderElection, name: string) {
    this.#p = p
    this.#election = election
    this.name = name
    this.deposed = new Promise((resolve) => {
      this.#deposedWith = resolve
    })
    this.#server = http.createServer((req, res) => this.#handle(req, res))
    election.onLost((error) => {
      if (this.#role === 'leader' || this.#role === 'starting')
        this.#depose(new Error(`lost the leader election connection: ${error.message}`))
    })
  }

  /** Connects to the election, listens, and starts following (and trying to lead). */
  static async start(p: ReplicaNodeParameters): Promise<ReplicaNode> {
    const name = `${process.pid}-${randomBytes(4).toString('hex')}`
    const election = await LeaderElection.connect({ url: p.url, logId: p.logId, holder: name })
    const node = new ReplicaNode(p, election, name)
    try {
      await node.#listen()
    } catch (e) {
      await election.close()
      throw e
    }
    node.#schedule(0)
    return node
  }

  /** The URL this replica listens on. */
  get url(): string {
    return this.#selfUrl
  }

  /** The URL the other replicas forward to when this one leads. */
  get advertiseUrl(): string {
    return this.#advertiseUrl
  }

  get role(): ReplicaRole {
    return this.#role
  }

  /** The leader this follower forwards to, as the `leader` row said at its last look. */
  get leaderUrl(): string | undefined {
    return this.#leader?.url ?? undefined
  }

  /** The term this replica leads in, when it does. */
  get term(): number | undefined {
    return this.#term
  }

  /** Stops answering, closes the gateway if it leads, and releases leadership. */
  async close(): Promise<void> {
    this.#closed = true
    if (this.#timer) clearTimeout(this.#timer)
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()))
    this.#server.closeIdleConnections()
    await this.#app?.close()
    this.#server.closeAllConnections()
    await closed
    this.#agents.http.destroy()
    this.#agents.https.destroy()
    await this.#election.close()
  }

  async #listen(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.#server.once('error', reject)
      this.#server.listen(this.#p.port, this.#p.host, () => resolve())
    })
    const { address, port, family } = this.#server.address() as AddressInfo
    const local = address === '0.0.0.0' ? '127.0.0.1' : address === '::' ? '::1' : address
    const host = family === 'IPv6' || local.includes(':') ? `[${local}]` : local
    this.#selfUrl = `http://${host}:${port}`
    this.#advertiseUrl = this.#p.advertiseUrl ?? this.#selfUrl
  }

  #schedule(ms: number): void {
    if (this.#closed || this.#role === 'deposed') return
    this.#timer = setTimeout(() => void this.#tick(), ms)
  }

  async #tick(): Promise<void> {
    try {
      if (this.#role === 'follower') await this.#follow()
      else if (this.#role === 'leader') await this.#checkTerm()
    } catch (e) {
      if (this.#role === 'leader' || this.#role === 'starting') {
        this.#depose(e instanceof Error ? e : new Error(String(e)))
        return
      }
      this.#p.onEvent?.({ level: 'warn', message: 'leader election failed', error: e })
      if (this.#election.lost) {
        // A follower holds nothing: it stops; its owner restarts it (or the supervisor does).
        this.#depose(
          new Error(`lost the leader election connection: ${this.#election.lost.message}`),
        )
        return
      }
    }
    this.#schedule(this.#p.pollMs ?? 250)
  }

  async #follow(): Promise<void> {
    const term = await this.#election.tryLead(this.#advertiseUrl)
    if (term === undefined) {
      const leader = await this.#election.leader()
      if (leader?.term !== this.#leader?.term) {
        // A new leader: connections kept to the old one are of no use.
        this.#agents.http.destroy()
        this.#agents.https.destroy()
        this.#agents = newAgents()
        if (leader)
          this.#p.onEvent?.({
            level: 'info',
            message: 'following',
            leader: leader.url,
            term: leader.term,
          })
      }
      this.#leader = leader
      return
    }
    this.#role = 'starting'
    this.#term = term
    this.#p.onEvent?.({ level: 'info', message: 'elected leader: starting the gateway', term })
    const fence: LeaderFence = {
      term,
      fenced: (error) => this.#depose(new FencedError(`term ${term} fenced`, { cause: error })),
    }
    try {
      const app = await this.#p.lead(fence)
      if (this.#role !== 'starting' || this.#closed) {
        await app.close()
        return
      }
      this.#app = app
      this.#role = 'leader'
      this.#p.onEvent?.({ level: 'info', message: 'leading', term, url: this.#advertiseUrl })
    } catch (e) {
      this.#depose(
        new Error(`could not start the gateway as leader: ${(e as Error).message}`, { cause: e }),
      )
    }
  }

  async #checkTerm(): Promise<void> {
    const leader = await this.#election.leader()
    if (leader?.term !== this.#term)
      this.#depose(new Error(`term ${this.#term} ended: the database's term is ${leader?.term}`))
  }

  #depose(reason: Error): void {
    if (this.#role === 'deposed') return
    this.#role = 'deposed'
    if (this.#timer) clearTimeout(this.#timer)
    this.#p.onEvent?.({ level: 'error', message: 'deposed: stopping', reason: reason.message })
    this.#deposedWith?.(reason)
  }

  #handle(req: IncomingMessage, res: ServerResponse): void {
    if (this.#role === 'leader' && this.#app) {
      this.#app.handle(req, res)
      return
    }
    if (this.#role === 'deposed') {
      notLeader(res, 'this replica no longer leads')
      return
    }
    // Another replica thinks we lead: we do not (yet), so it must look again.
    if (req.headers[FORWARDED_HEADER] !== undefined && this.#role === 'follower') {
      notLeader(res, 'this replica does not lead')
      return
    }
    const path = req.url ?? '/'
    if (req.method === 'GET' && path === '/healthz') {
      json(res, 200, { status: 'ok' })
      return
    }
    void this.#relay(req, res, path)
  }

  async #relay(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    let body: Buffer
    try {
      body = await readBody(req, this.#p.bodyLimit)
    } catch (e) {
      json(res, 413, { error: (e as Error).message, code: 'TML_BODY_TOO_LARGE' })
      return
    }
    const readiness = req.method === 'GET' && path === '/readyz'
    const deadline = Date.now() + (readiness ? 0 : (this.#p.forwardRetryMs ?? 10_000))
    let last = 'no leader elected yet'
    for (;;) {
      const role = this.#role
      let outcome: ForwardOutcome | undefined
      if (role === 'leader' || (role === 'follower' && this.#leader?.url)) {
        // As leader (it became one while this request waited): through our own server.
        const target = role === 'leader' ? this.#selfUrl : (this.#leader?.url as string)
        if (role === 'leader' || target !== this.#advertiseUrl)
          outcome = await forwardRequest({
            target,
            agents: this.#agents,
            method: req.method ?? 'GET',
            path,
            headers: req.headers,
            body,
            replica: this.name,
            res,
          })
      } else if (role === 'deposed') {
        notLeader(res, 'this replica no longer leads')
        return
      }
      if (outcome?.kind === 'answered') return
      if (outcome?.kind === 'unknown' && readiness) {
        json(res, 503, { ready: false, reason: `no reachable leader: ${outcome.reason}` })
        return
      }
      if (outcome?.kind === 'unknown') {
        json(res, 503, {
          error: `the leader failed after the request was sent (${outcome.reason}): its outcome is unknown; look the trace up before sending it again`,
          code: 'TML_OUTCOME_UNKNOWN',
        })
        return
      }
      if (outcome) last = outcome.reason
      else if (role === 'starting') last = 'this replica is taking over as leader'
      if (Date.now() >= deadline) {
        if (readiness) json(res, 503, { ready: false, reason: `no reachable leader: ${last}` })
        else json(res, 503, { error: `no reachable leader: ${last}`, code: 'TML_NO_LEADER' })
        return
      }
      await sleep(50)
    }
  }
}

function newAgents(): { http: http.Agent; https: https.Agent } {
  return {
    http: new http.Agent({ keepAlive: true, maxSockets: 256 }),
    https: new https.Agent({ keepAlive: true, maxSockets: 256 }),
  }
}

function json(
  res: ServerResponse,
  status: number,
  body: unknown,
  extra: Record<string, string> = {},
) {
  if (res.headersSent) {
    res.destroy()
    return
  }
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...extra })
  res.end(JSON.stringify(body))
}

function notLeader(res: ServerResponse, why: string): void {
  json(res, 503, { error: why, code: 'TML_NOT_LEADER' }, { [NOT_LEADER_HEADER]: '1' })
}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size > limit) {
        reject(new Error(`request body larger than ${limit} bytes`))
        req.resume()
        return
      }
      chunks.push(chunk)
    })
    req.on('end', () => resolve(Buffer.concat(chunks)))
    req.on('error', reject)
  })
}
