import { writeFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { isHex } from '@tml/core'
import { fetchLog } from './auditFetchLog.ts'
import type { CliIo } from './io.ts'

export const EXPORT_HELP = `Usage: tml export --api URL --log LOGID --out FILE --api-key KEY

Writes a log's MTLs (with receipts) and signed checkpoints (with anchors), read from a gateway's
API, to FILE as JSON ({"v":"tml-export/1","log_id","log","checkpoints","entries"}). The API key
(--api-key or TML_API_KEY; --token and TML_API_TOKEN are its former names) is one of the
gateway's: \`npm start\` writes one to data/dev-api-key.
`

/**
 * `tml export`: writes a log's MTLs and checkpoints to a file.
 *
 * @example
 * process.exitCode = await exportCommand({ argv: ['--api', url, '--log', logId, '--out', 'log.json'], io })
 */
export async function exportCommand({ argv, io }: { argv: string[]; io: CliIo }): Promise<number> {
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
  if (!values.api || !values.out || !values.log || !isHex(values.log, 32)) {
    io.err(`tml export: need --api, --log (bytes32) and --out\n\n${EXPORT_HELP}`)
    return 2
  }
  try {
    const log = await fetchLog({
      api: values.api,
      token: values['api-key'] ?? values.token ?? io.env.TML_API_KEY ?? io.env.TML_API_TOKEN,
      logId: values.log,
    })
    const file = {
      v: 'tml-export/1',
      log_id: log.logId,
      log: log.claimedKeys,
      checkpoints: log.checkpoints,
      entries: log.entries,
    }
    writeFileSync(values.out, `${JSON.stringify(file, null, 2)}\n`)
    io.out(
      `wrote ${log.entries.length} entries and ${log.checkpoints.length} checkpoints to ${values.out}\n`,
    )
    return 0
  } catch (e) {
    io.err(`tml export: ${(e as Error).message}\n`)
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
      out: { type: 'string' },
    },
  })
}
