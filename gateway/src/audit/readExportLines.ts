import { createReadStream } from 'node:fs'
import { StringDecoder } from 'node:string_decoder'
import { type ExportLine, exportLineText } from './exportFormat.ts'

/**
 * The lines of a `tml export` file, one at a time (no newline; blank lines skipped), read a
 * megabyte at a time whatever the file's size: the next chunk is read only when the caller has
 * taken the lines of the previous one (readline's iterator buffers ahead of a slow consumer,
 * which for a 10 GB file means gigabytes).
 *
 * @throws {Error} when the file cannot be opened or read (Node's error, naming the path).
 * @example
 * for await (const line of readExportLines('log.ndjson')) console.log(line.length)
 */
export async function* readExportLines(path: string): AsyncGenerator<string> {
  const input = createReadStream(path, { highWaterMark: 1 << 20 })
  const decoder = new StringDecoder('utf8')
  let rest = ''
  try {
    for await (const chunk of input) {
      const text = rest + decoder.write(chunk as Buffer)
      let start = 0
      for (let end = text.indexOf('\n'); end >= 0; end = text.indexOf('\n', start)) {
        const line =
          text.charCodeAt(end - 1) === 13 ? text.slice(start, end - 1) : text.slice(start, end)
        start = end + 1
        if (line.length > 0) yield line
      }
      rest = text.slice(start)
    }
    rest += decoder.end()
    if (rest.length > 0) yield rest
  } finally {
    input.destroy()
  }
}

/**
 * The bytes of a stream of export lines (from the API, say), as a file holding them would have
 * them, so that they are checked exactly as that file would be.
 *
 * @example
 * auditLog({ bytes: exportBytes(readApiLog({ api, token, logId })), … })
 */
export async function* exportBytes(lines: AsyncIterable<ExportLine>): AsyncGenerator<Uint8Array> {
  const encoder = new TextEncoder()
  for await (const line of lines) yield encoder.encode(`${exportLineText(line)}\n`)
}
