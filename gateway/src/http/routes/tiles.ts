import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { InvalidTileError, parseTilePath } from '@tml/core'
import type { FastifyInstance, FastifyReply } from 'fastify'
import { errorResponses, mediaResponse, tilePathParams } from '../schemas.ts'

/** Cache lifetimes of the tlog-tiles resources (seconds). */
export const TILE_CACHE = {
  /** A full tile or bundle never changes: cache it for a year. */
  full: 'public, max-age=31536000, immutable',
  /** A partial one never changes either but is removed once its full tile exists. */
  partial: 'public, max-age=60',
  /** The checkpoint moves with every epoch: the spec asks for no caching beyond a few seconds. */
  checkpoint: 'public, max-age=2',
} as const

/**
 * The log as C2SP tlog-tiles, read-only and public (hashes of pseudonymized records and
 * signatures only, like the proof routes): `GET /tiles/checkpoint`, `GET /tiles/tile/<L>/<N>[.p/<W>]`
 * and `GET /tiles/tile/entries/<N>[.p/<W>]`, so `http://HOST/tiles` is the log's URL prefix;
 * `GET /checkpoint` answers the same note. Files come from `dir` (`DATA/tiles`, written by the
 * `TileWriter`); only canonical tile paths are read, so no request reaches another file.
 *
 * Spec: c2sp.org/tlog-tiles §APIs.
 *
 * @example
 * tileRoutes(app, { dir: join(dataDir, 'tiles') })
 */
export function tileRoutes(app: FastifyInstance, { dir }: { dir: string }): void {
  const open = { config: { public: true } }
  const checkpoint = async (_request: unknown, reply: FastifyReply) =>
    send(reply, join(dir, 'checkpoint'), 'text/plain; charset=utf-8', TILE_CACHE.checkpoint)
  const note = {
    200: mediaResponse('text/plain', 'C2SP tlog-checkpoint signed note', { type: 'string' }),
    ...errorResponses,
  }
  app.get(
    '/checkpoint',
    {
      ...open,
      schema: {
        operationId: 'getCheckpointNote',
        summary: 'C2SP checkpoint note (same as /tiles/checkpoint)',
        response: note,
      },
    },
    checkpoint,
  )
  app.get(
    '/tiles/checkpoint',
    {
      ...open,
      schema: {
        operationId: 'getTilesCheckpoint',
        summary: 'C2SP tlog-checkpoint signed note',
        response: note,
      },
    },
    checkpoint,
  )
  app.get(
    '/tiles/tile/*',
    {
      ...open,
      schema: {
        operationId: 'getTile',
        summary: 'C2SP tlog-tiles hash tile or entry bundle',
        params: tilePathParams,
        response: {
          200: mediaResponse('application/octet-stream', 'Tile or entry bundle bytes', {
            type: 'string',
            format: 'binary',
          }),
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      const path = `tile/${(request.params as { '*': string })['*']}`
      let width: number
      try {
        width = parseTilePath(path).width
      } catch (e) {
        if (!(e instanceof InvalidTileError)) throw e
        return reply.code(404).send({ error: 'not_found', message: e.details ?? e.message })
      }
      const cache = width === 256 ? TILE_CACHE.full : TILE_CACHE.partial
      return send(reply, join(dir, path), 'application/octet-stream', cache)
    },
  )
}

async function send(reply: FastifyReply, file: string, type: string, cache: string) {
  let bytes: Buffer
  try {
    bytes = await readFile(file)
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e
    // Not published (yet): no checkpoint so far, a tile beyond the tree, a partial tile replaced.
    return reply
      .code(404)
      .header('cache-control', 'no-store')
      .send({ error: 'not_found', message: 'not published' })
  }
  return reply.type(type).header('cache-control', cache).send(bytes)
}
