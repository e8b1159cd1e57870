import { type Checkpoint, checkpointFromJson, type Hex, isHex } from '@tml/core'
import { MonitorError } from './MonitorError.ts'

/** How long one request to a gateway may take. */
export const GATEWAY_TIMEOUT_MS = 10_000

/** A checkpoint as a gateway publishes it, with the log's checkpoint signature. */
export type PublishedCheckpoint = { checkpoint: Checkpoint; signature: Hex }

/** One page of `GET /v1/logs/{logId}/checkpoints`, parsed. */
export type CheckpointPage = {
  /** The keys the operator claims (public halves); the chains decide which count. */
  log: { checkpointSigner: Hex; receiptPublicKey: Hex }
  checkpoints: PublishedCheckpoint[]
}

/** What `GET /v1/traces/{traceId}/proof` answered. */
export type ProofLookup =
  | { status: 'anchored'; bundle: unknown }
  | { status: 'pending'; message: string }
  | { status: 'unknown' }

/**
 * A gateway's public, unauthenticated routes as the monitor and `tml receipt check` read them.
 * Everything it returns is the operator's claim: callers check it against the chains.
 *
 * @example
 * const page = await new GatewayClient('http://127.0.0.1:8787').checkpoints(logId, 1)
 */
export class GatewayClient {
  readonly url: string

  constructor(url: string) {
    let parsed: URL
    try {
      parsed = new URL(url)
    } catch {
      throw new MonitorError(`gateway URL "${url}" is not a URL`)
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
      throw new MonitorError(`gateway URL "${url}" is not http(s)`)
    this.url = url.replace(/\/+$/, '')
  }

  /**
   * Up to `limit` signed checkpoints from epoch `from` on.
   *
   * @example await gateway.checkpoints(logId, 1, 1000)
   */
  async checkpoints(logId: Hex, from: bigint, limit = 1000): Promise<CheckpointPage> {
    const body = (await this.#json(
      `/v1/logs/${logId}/checkpoints?from=${from}&limit=${limit}`,
    )) as {
      log?: { checkpointSigner?: unknown; receiptPublicKey?: unknown }
      checkpoints?: { checkpoint?: unknown; signature?: unknown }[]
    }
    if (!Array.isArray(body.checkpoints)) throw this.#bad('checkpoints', 'no checkpoints array')
    const checkpoints = body.checkpoints.map((c, i) => {
      if (!isHex(c.signature)) throw this.#bad('checkpoints', `checkpoints[${i}] has no signature`)
      let checkpoint: Checkpoint
      try {
        checkpoint = checkpointFromJson(c.checkpoint)
      } catch (error) {
        throw this.#bad('checkpoints', `checkpoints[${i}]: ${(error as Error).message}`)
      }
      if (checkpoint.logId.toLowerCase() !== logId.toLowerCase())
        throw this.#bad('checkpoints', `checkpoints[${i}] is of log ${checkpoint.logId}`)
      return { checkpoint, signature: c.signature as Hex }
    })
    return {
      log: {
        checkpointSigner: String(body.log?.checkpointSigner ?? '') as Hex,
        receiptPublicKey: String(body.log?.receiptPublicKey ?? '') as Hex,
      },
      checkpoints,
    }
  }

  /**
   * The RFC 9162 consistency proof from tree size `from` to `to`.
   *
   * @example await gateway.consistency(logId, 3n, 8n) // ['0x…', …]
   */
  async consistency(logId: Hex, from: bigint, to: bigint): Promise<Hex[]> {
    const body = (await this.#json(`/v1/logs/${logId}/consistency?from=${from}&to=${to}`)) as {
      proof?: unknown
    }
    if (!Array.isArray(body.proof) || !body.proof.every((h) => isHex(h, 32)))
      throw this.#bad('consistency', 'no proof of 32-byte hashes')
    return body.proof as Hex[]
  }

  /**
   * The proof bundle of trace `traceId`, or why there is none yet.
   *
   * @example await gateway.proof(receipt.traceId) // { status: 'anchored', bundle }
   */
  async proof(traceId: string): Promise<ProofLookup> {
    const response = await this.#get(`/v1/traces/${encodeURIComponent(traceId)}/proof`)
    if (response.status === 404) return { status: 'unknown' }
    const body = (await response.json().catch(() => undefined)) as { message?: unknown } | undefined
    if (response.status === 202)
      return { status: 'pending', message: String(body?.message ?? 'not anchored yet') }
    if (response.status !== 200 || body === undefined)
      throw this.#bad('proof', `HTTP ${response.status}`)
    return { status: 'anchored', bundle: body }
  }

  /**
   * The log's C2SP checkpoint note (`GET /checkpoint`), undefined when the gateway has none yet.
   *
   * @example await gateway.note() // 'tml-anchor/…\n8\n…\n\n— …'
   */
  async note(): Promise<string | undefined> {
    const response = await this.#get('/checkpoint')
    if (response.status === 404) return undefined
    if (response.status !== 200) throw this.#bad('checkpoint note', `HTTP ${response.status}`)
    return response.text()
  }

  async #get(path: string): Promise<Response> {
    try {
      return await fetch(`${this.url}${path}`, { signal: AbortSignal.timeout(GATEWAY_TIMEOUT_MS) })
    } catch (error) {
      throw new MonitorError(`gateway ${this.url}: ${path} cannot be read`, { cause: error })
    }
  }

  async #json(path: string): Promise<unknown> {
    const response = await this.#get(path)
    if (response.status !== 200) throw this.#bad(path, `HTTP ${response.status}`)
    try {
      return await response.json()
    } catch {
      throw this.#bad(path, 'not JSON')
    }
  }

  #bad(what: string, why: string): MonitorError {
    return new MonitorError(`gateway ${this.url}: bad ${what} answer: ${why}`)
  }
}
