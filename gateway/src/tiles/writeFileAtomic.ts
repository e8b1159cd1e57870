import { randomBytes } from 'node:crypto'
import { mkdir, open, rename, rm } from 'node:fs/promises'
import { dirname } from 'node:path'

/**
 * Writes `bytes` to `path` so that a reader (the HTTP route, a static host syncing the folder)
 * sees either the old file or the whole new one, never a torn one: a temporary file beside it,
 * fsync, then rename over the target (atomic on POSIX file systems). Parent folders are created.
 *
 * @example
 * await writeFileAtomic('data/tiles/checkpoint', new TextEncoder().encode(note))
 */
export async function writeFileAtomic(path: string, bytes: Uint8Array): Promise<void> {
  await mkdir(dirname(path), { recursive: true })
  // The temporary name never parses as a tile path, so the route never serves a half-written file.
  const temp = `${path}.tmp-${randomBytes(6).toString('hex')}`
  const file = await open(temp, 'wx', 0o644)
  try {
    await file.writeFile(bytes)
    // Durable before visible: after a crash the renamed file is never empty or short.
    await file.sync()
  } catch (e) {
    await file.close()
    await rm(temp, { force: true })
    throw e
  }
  await file.close()
  await rename(temp, path)
}
