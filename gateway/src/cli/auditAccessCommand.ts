import { parseArgs } from 'node:util'
import { accessRegistryAbi, type Hex, isHex } from '@tml/core'
import { parseEventLogs } from 'viem'
import { openWithGrant } from '../vault/openWithGrant.ts'
import { fetchSealedRecord } from '../vault/vaultHttp.ts'
import {
  ACCESS_CHAIN_HELP,
  ACCESS_CHAIN_OPTIONS,
  AccessCommandError,
  accessChain,
  accessWallet,
  readX25519Key,
  sendAccessCall,
  wholeNumber,
} from './accessChain.ts'
import { reportAccessError } from './custodianCommand.ts'
import type { CliIo } from './io.ts'

export const AUDIT_ACCESS_HELP = `Usage: tml audit-access request --log ID --from E --to E --duration SEC --x25519-public-key HEX [chain options]
       tml audit-access fetch --grant ID --trace TRACE_ID --gateway URL --x25519-key-file FILE [chain options]

An auditor's part of auditor access (EKR). Generate an X25519 key pair with "tml custodian keygen".

request  Asks the AccessRegistry for vault epochs E..E of log ID for SEC seconds from approval,
         releases to be wrapped to --x25519-public-key; prints the grant id.
fetch    Fetches the sealed record of TRACE_ID and its MTL from the gateway, collects the
         custodians' releases of its epoch from the chain, rebuilds the epoch key, checks the
         envelope against the MTL's evidence_seal and prints the record (JSON). Refused, naming
         why, outside the grant's epochs, with fewer than k releases, or with another key.
         The MTL comes from the proof bundle (public, once anchored), or with TML_API_KEY
         from /v1/traces.

Options:
  --log ID                  The log id (bytes32).
  --from E, --to E          First and last vault epoch.
  --duration SEC            How long the grant is live once approved.
  --x25519-public-key HEX   The auditor's X25519 public key.
  --grant ID                The grant.
  --trace TRACE_ID          The record to open.
  --gateway URL             The gateway (TML_GATEWAY_URL).
  --x25519-key-file FILE    The auditor's X25519 private key.
${ACCESS_CHAIN_HELP}
`

/**
 * \`tml audit-access request|fetch\`: an auditor's part of auditor access.
 *
 * @example
 * await auditAccessCommand({ argv: ['fetch', '--grant', '1', '--trace', traceId, '--gateway', url, '--x25519-key-file', 'auditor.key', '--rpc', rpc, '--access-registry', addr], io: processIo })
 */
export async function auditAccessCommand({
  argv,
  io,
}: {
  argv: string[]
  io: CliIo
}): Promise<number> {
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        ...ACCESS_CHAIN_OPTIONS,
        log: { type: 'string' },
        from: { type: 'string' },
        to: { type: 'string' },
        duration: { type: 'string' },
        'x25519-public-key': { type: 'string' },
        grant: { type: 'string' },
        trace: { type: 'string' },
        gateway: { type: 'string' },
        'x25519-key-file': { type: 'string' },
      },
    })
    const action = positionals[0]
    if (values.help || action === undefined) {
      io.out(AUDIT_ACCESS_HELP)
      return action === undefined && !values.help ? 2 : 0
    }
    if (action !== 'request' && action !== 'fetch')
      throw new AccessCommandError(`unknown action "${action}"\n\n${AUDIT_ACCESS_HELP}`)
    const { client, chain, accessRegistry, rpc, fromBlock } = await accessChain({
      rpc: values.rpc ?? io.env.TML_RPC_URL,
      registry: values['access-registry'] ?? io.env.TML_ACCESS_REGISTRY,
      deployments: values.deployments ?? io.env.TML_DEPLOYMENTS_DIR ?? './deployments',
    })
    if (action === 'request') {
      const logId = values.log ?? ''
      if (!isHex(logId) || logId.length !== 66)
        throw new AccessCommandError('give --log 0x… (the log id, 32 bytes)')
      const key = (values['x25519-public-key'] ?? '').toLowerCase()
      const auditorKey = (key.startsWith('0x') ? key : `0x${key}`) as Hex
      if (!isHex(auditorKey) || auditorKey.length !== 66)
        throw new AccessCommandError('give --x25519-public-key (32 bytes of hex)')
      const wallet = await accessWallet({
        chain,
        rpc,
        keystore: values.keystore,
        passwordFile: values['password-file'],
        env: io.env,
      })
      const receipt = await sendAccessCall({
        client,
        wallet,
        accessRegistry,
        functionName: 'requestAccess',
        args: [
          logId,
          wholeNumber(values.from, '--from'),
          wholeNumber(values.to, '--to'),
          wholeNumber(values.duration, '--duration'),
          auditorKey,
        ],
      })
      const [requested] = parseEventLogs({
        abi: accessRegistryAbi,
        eventName: 'AccessRequested',
        logs: receipt.logs,
      })
      io.out(`grant ${requested?.args.grantId}: requested (${receipt.transactionHash})\n`)
      return 0
    }
    const grantId = wholeNumber(values.grant, '--grant')
    const traceId = values.trace
    if (!traceId) throw new AccessCommandError('give --trace TRACE_ID')
    const gatewayUrl = values.gateway ?? io.env.TML_GATEWAY_URL
    if (!gatewayUrl) throw new AccessCommandError('give --gateway URL (or TML_GATEWAY_URL)')
    const auditorKey = readX25519Key(values['x25519-key-file'], '--x25519-key-file')
    const sealed = await fetchSealedRecord({ gatewayUrl, traceId })
    const mtl = await fetchMtl({ gatewayUrl, traceId, apiKey: io.env.TML_API_KEY })
    const record = await openWithGrant({
      publicClient: client,
      accessRegistry,
      grantId,
      auditorKey,
      sealed,
      mtl,
      fromBlock,
    })
    io.out(
      `${JSON.stringify({ trace_id: traceId, seq: sealed.seq, epoch: sealed.epoch, record }, null, 2)}\n`,
    )
    return 0
  } catch (e) {
    return reportAccessError(io, 'tml audit-access', e)
  }
}

async function fetchMtl({
  gatewayUrl,
  traceId,
  apiKey,
}: {
  gatewayUrl: string
  traceId: string
  apiKey: string | undefined
}): Promise<{ log_id: Hex; seq: number; evidence_seal?: Hex }> {
  const path = apiKey ? `/v1/traces/${traceId}` : `/v1/traces/${traceId}/proof`
  const response = await fetch(new URL(path, gatewayUrl), {
    headers: apiKey ? { authorization: `Bearer ${apiKey}` } : {},
  })
  if (response.status !== 200)
    throw new AccessCommandError(
      `the MTL of ${traceId} is not available from ${path} (${response.status})${apiKey ? '' : ': not anchored yet? Set TML_API_KEY to read it from /v1/traces'}`,
      1,
    )
  return ((await response.json()) as { mtl: { log_id: Hex; seq: number; evidence_seal?: Hex } }).mtl
}
