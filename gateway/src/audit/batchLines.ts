/** One batch of whole lines of an NDJSON stream, in its own buffer (it can be transferred). */
export type LineBatch = {
  bytes: Uint8Array
  /** 1-based number of the batch's first line in the stream. */
  firstLine: number
  /** Lines it holds (its last one may lack the newline at the very end of the stream). */
  lineCount: number
}

const NEWLINE = 10

/**
 * Cuts a byte stream of NDJSON into batches of whole lines of about `size` bytes, the first
 * batch holding the first line alone (a `tml export` header). Each batch is a copy in a buffer
 * of its own, so that it can be handed to a worker thread without copying, and nothing is
 * decoded here: the caller's thread never holds the lines as strings.
 *
 * @example
 * for await (const batch of batchLines(createReadStream('log.ndjson'))) send(batch)
 */
export async function* batchLines(
  chunks: AsyncIterable<Uint8Array>,
  size = 1 << 20,
): AsyncGenerator<LineBatch> {
  let parts: Uint8Array[] = []
  let length = 0
  let line = 1
  let first = true
  const join = () => {
    const all = new Uint8Array(length)
    let at = 0
    for (const p of parts) {
      all.set(p, at)
      at += p.length
    }
    return all
  }
  for await (const chunk of chunks) {
    parts.push(chunk)
    length += chunk.length
    while (first || length >= size) {
      const all = join()
      const cut = first ? all.indexOf(NEWLINE) : all.lastIndexOf(NEWLINE)
      if (cut < 0) {
        parts = [all]
        break
      }
      const rest = all.slice(cut + 1)
      const bytes = all.subarray(0, cut + 1)
      const lineCount = count(bytes)
      yield { bytes, firstLine: line, lineCount }
      line += lineCount
      first = false
      parts = rest.length > 0 ? [rest] : []
      length = rest.length
    }
  }
  if (length > 0) {
    const bytes = join()
    yield { bytes, firstLine: line, lineCount: count(bytes) + (bytes.at(-1) === NEWLINE ? 0 : 1) }
  }
}

function count(bytes: Uint8Array): number {
  let n = 0
  for (let i = bytes.indexOf(NEWLINE); i >= 0; i = bytes.indexOf(NEWLINE, i + 1)) n++
  return n
}
