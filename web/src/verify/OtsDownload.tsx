import { base64ToBytes, type Checkpoint } from '@tml/core'
import { saveFile } from '../ui/saveFile.ts'

/**
 * The name the `.ots` file is saved under: the log and the epoch whose root it timestamps.
 * @example otsFileName({ logId: '0xab45…', epoch: 3n }) // 'tml-ab454055-epoch-3.ots'
 */
export function otsFileName(checkpoint: Pick<Checkpoint, 'logId' | 'epoch'> | undefined): string {
  if (checkpoint === undefined) return 'checkpoint.ots'
  return `tml-${checkpoint.logId.slice(2, 10).toLowerCase()}-epoch-${checkpoint.epoch}.ots`
}

/**
 * Offers the bundle's OpenTimestamps proof as the `.ots` file it is, so that anyone can check it
 * with the reference client (`ots verify -d <root> file.ots`, against their own Bitcoin node):
 * the page itself reads the proof but has no Bitcoin node to check its block header.
 */
export function OtsDownload({
  base64,
  checkpoint,
}: {
  base64: string
  checkpoint: Pick<Checkpoint, 'logId' | 'epoch' | 'rootHash'> | undefined
}) {
  let bytes: Uint8Array
  try {
    bytes = base64ToBytes(base64)
  } catch {
    return null
  }
  const name = otsFileName(checkpoint)
  const digest = checkpoint?.rootHash.slice(2).toLowerCase() ?? '<root hash>'
  return (
    <div className="ots-download">
      <button
        type="button"
        onClick={() => saveFile(name, bytes, 'application/vnd.opentimestamps.ots')}
      >
        Download the OpenTimestamps proof (.ots)
      </button>
      <p className="hint">
        It timestamps the checkpoint’s root hash. Check it yourself with the reference client and a
        Bitcoin node:{' '}
        <code>
          ots verify -d {digest} {name}
        </code>
      </p>
    </div>
  )
}
