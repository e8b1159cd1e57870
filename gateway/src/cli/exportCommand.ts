import { createWriteStream, type WriteStream } from 'node:fs'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { type Hex, isHex } from '@tml/core'
import { privateKeyToAccount } from 'viem/accounts'
import { type ExportLine, exportLineText } from '../audit/exportFormat.ts'
import { readApiLog } from '../audit/readApiLog.ts'
import { readDataDirLog, readReceiptHandovers } from '../audit/readDataDirLog.ts'
import { loadKeys } from '../keys/loadKeys.ts'
import { ReceiptKeySchedule } from '../keys/ReceiptKeySchedule.ts'
import { receiptKeyStarts } from '../sequencer/ReceiptKeyHandover.ts'
import { DEFAULT_GATEWAY_URL } from './auditCommand.ts'
import type { CliIo } from './io.ts'

export const EXPORT_HELP = `Usage: tml export --log LOGID --api-key KEY --out FILE [--api URL]
       tml export --data DIR --out FILE
       tml export --training --grant ID --auditor-key FILE --out FILE.jsonl [options]

Writes a log to FILE as NDJSON (tml-export/2, one JSON object per line; docs/formats.md): a
header naming the format, the log and the keys it claims, then every MTL with its receipt and
every signed checkpoint with its anchors, each checkpoint right after the entry that completes
its tree. It streams: page by page, in bounded memory, whatever the log's size; progress goes to
stderr. \`tml audit --from FILE\` checks the file against the chains, offline.

With --training (student mode) it writes resolved pauses as chat fine-tuning JSONL instead,
under an auditor's live grant: "tml export --training --help" lists its options.

Options:
  --api URL       The gateway (default http://127.0.0.1:8787; or TML_GATEWAY_URL).
  --api-key KEY   An API key of that gateway (or TML_API_KEY; --token and TML_API_TOKEN are its
                  former names): \`npm start\` writes one to data/dev-api-key.
  --log LOGID     The log id (bytes32).
  --data DIR      Read the gateway's data directory instead (DIR/log.db, read-only, and the
                  log's id and public keys from DIR/keys or the TML_* variables); no API needed.
  --out FILE      Where to write (replaced).
  --quiet         No progress lines on stderr.
  -h, --help      Show this help.
`

/**
 * `tml export`: streams a log's MTLs and checkpoints to an NDJSON file.
 *
 * @example
 * process.exitCode = await exportCommand({ argv: ['--log', logId, '--api-key', key, '--out', 'log.ndjson'], io })
 */
export async function exportCommand({ argv, io }: { argv: string[]; io: CliIo }): Promise<number> {
  // Student mode is another command behind the same name: its own options, its own module.
  if (argv.includes('--training'))
    return (await import('./trainingExportCommand.ts')).trainingExportCommand({ argv, io })
  let values: ReturnType<typeof parse>['values']
  try {
    values = parse(argv).values
  } catch (e) {
    io.err(`tml export: ${(e as Error).message}\n\n${EXPORT_HELP}`)
    return 2
  }
  if (values.help) {
    io.out(EXPORT_HELP)
    return 0
  }
  const fromData = values.data !== undefined
  if (!values.out || (!fromData && (!values.log || !isHex(values.log, 32)))) {
    io.err(`tml export: need --out, and --log (bytes32) or --data DIR\n\n${EXPORT_HELP}`)
    return 2
  }
  let out: WriteStream | undefined
  try {
    let lines: AsyncIterable<ExportLine>
    if (values.data !== undefined) {
      const keys = loadKeys({ dir: join(values.data, 'keys'), env: io.env, create: false })
      if (values.log && values.log.toLowerCase() !== keys.logId.toLowerCase())
        throw new Error(`the data directory holds log ${keys.logId}, not ${values.log}`)
      // Every receipt key the log used, each from its first seq (rotations hand receipts over).
      const receiptKeys = new ReceiptKeySchedule(
        receiptKeyStarts({
          history: keys.checkpointKeys,
          handovers: readReceiptHandovers(values.data),
          periodZeroKey: keys.receiptKey,
        }),
      ).publicKeys()
      lines = readDataDirLog({
        dataDir: values.data,
        logId: keys.logId.toLowerCase() as Hex,
        keys: {
          checkpointSigner: privateKeyToAccount(keys.checkpointKey).address,
          // The key of the next receipts; the schedule always holds period 0's.
          receiptPublicKey: (receiptKeys.at(-1) as (typeof receiptKeys)[number]).publicKey,
          receiptKeys,
        },
      })
    } else {
      lines = readApiLog({
        api: values.api ?? io.env.TML_GATEWAY_URL ?? DEFAULT_GATEWAY_URL,
        token: values['api-key'] ?? values.token ?? io.env.TML_API_KEY ?? io.env.TML_API_TOKEN,
        logId: (values.log as string).toLowerCase() as Hex,
      })
    }
    const file = createWriteStream(values.out)
    out = file
    const failed = new Promise<never>((_, reject) => file.once('error', reject))
    failed.catch(() => {})
    let entries = 0
    let checkpoints = 0
    let last = Date.now()
    for await (const line of lines) {
      if (line.type === 'entry') entries++
      else if (line.type === 'checkpoint') checkpoints++
      // Backpressure: wait for the disk when its buffer is full, so memory stays bounded.
      if (!file.write(`${exportLineText(line)}\n`))
        await Promise.race([new Promise<void>((r) => file.once('drain', () => r())), failed])
      if (!values.quiet && Date.now() - last >= 1000) {
        last = Date.now()
        io.err(`tml export: ${entries.toLocaleString('en')} entries, ${checkpoints} checkpoints\n`)
      }
    }
    await Promise.race([new Promise<void>((r) => file.end(() => r())), failed])
    io.out(`wrote ${entries} entries and ${checkpoints} checkpoints to ${values.out}\n`)
    return 0
  } catch (e) {
    out?.destroy()
    io.err(`tml export: ${(e as Error).message.split('\n')[0]}\n`)
    return 1
  }
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    options: {
      help: { type: 'boolean', short: 'h' },
      api: { type: 'string' },
      'api-key': { type: 'string' },
      token: { type: 'string' },
      log: { type: 'string' },
      data: { type: 'string' },
      out: { type: 'string' },
      quiet: { type: 'boolean' },
    },
  })
}
