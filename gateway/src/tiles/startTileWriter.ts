import { join } from 'node:path'
import { nodeSha256 } from '../keys/nodeSha256.ts'
import type { Gateway } from '../service/createGateway.ts'
import { TileWriter, type TileWriterParameters } from './TileWriter.ts'
import { tilesOrigin } from './tilesOrigin.ts'

/** The tiles of a running gateway: the writer, and how to stop it before the gateway closes. */
export type GatewayTiles = {
  writer: TileWriter
  origin: string
  dir: string
  stop(): Promise<void>
}

/**
 * Wires a {@link TileWriter} to a gateway: it publishes after every checkpoint the sequencer
 * signs (through the lane's `onCheckpoint`, off the decision path) and once at start, to catch
 * up with what the store holds. Without a lane there are no checkpoints, and without a note key
 * nothing can be signed: then it returns undefined and says why through `onEvent`.
 * Call `stop()` before `gateway.close()` (the writer reads the lane's store).
 *
 * @example
 * const tiles = startTileWriter({ gateway, dataDir: './data' })
 * …
 * await tiles?.stop(); await gateway.close()
 */
export function startTileWriter({
  gateway,
  dataDir,
  origin,
  onEvent,
}: {
  gateway: Gateway
  dataDir: string
  /** The checkpoint origin; default `tml-anchor/<log id>` (see `tilesOrigin`). */
  origin?: string | undefined
  onEvent?: TileWriterParameters['onEvent']
}): GatewayTiles | undefined {
  const { lane, keys } = gateway
  if (!lane) return undefined
  if (!keys.noteKey) {
    onEvent?.({
      level: 'warn',
      message:
        'no note key (TML_NOTE_KEY or KEYS/note.key): the C2SP checkpoint note and tiles are not published',
    })
    return undefined
  }
  const dir = join(dataDir, 'tiles')
  const name = tilesOrigin({ logId: keys.logId, origin })
  const writer = new TileWriter({
    dir,
    origin: name,
    noteKey: keys.noteKey,
    checkpoints: lane.store,
    entries: gateway.store,
    hash: nodeSha256,
    ...(onEvent ? { onEvent } : {}),
  })
  const unsubscribe = lane.onCheckpoint(() => writer.requestSync())
  writer.requestSync()
  return {
    writer,
    origin: name,
    dir,
    async stop() {
      unsubscribe()
      await writer.close()
    },
  }
}
