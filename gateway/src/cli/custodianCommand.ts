import { writeFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { BaseError } from '@tml/core'
import { generateVaultKeyPair } from '../vault/hpkeSuite.ts'
import { releaseForGrant } from '../vault/releaseForGrant.ts'
import { fetchVaultEpoch } from '../vault/vaultHttp.ts'
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
import type { CliIo } from './io.ts'
import { registryErrorText, registryRevert } from './registryErrorText.ts'

export const CUSTODIAN_HELP = `Usage: tml custodian keygen --out FILE
       tml custodian approve --grant ID [chain options]
       tml custodian release --grant ID --epoch N... --gateway URL --x25519-key-file FILE [chain options]

A custodian's part of auditor access (EKR). Each vault epoch key of a log is split k-of-n to its
custodians, each share wrapped to the custodian's X25519 key; the log's operator declares the
custodians on chain (AccessRegistry.declareCustodians).

keygen   Writes a new X25519 private key to FILE (mode 0600) and prints the public key to
         declare (and to give the gateway as --custodian NAME=PUBLIC_KEY). Auditors use it too.
approve  Approves grant ID with the keystore's account (a custodian of the grant's declaration).
release  For each --epoch (repeatable), fetches the custodian's wrapped share from the gateway,
         opens it with --x25519-key-file and posts it re-wrapped to the grant's auditor key.
         Refused by the contract unless the grant is live and the epoch in its range.

Options:
  --grant ID              The grant (AccessRegistry grant id).
  --epoch N               A vault epoch to release; repeatable.
  --gateway URL           The gateway whose vault holds the epoch keys.
  --x25519-key-file FILE  The custodian's X25519 private key.
  --out FILE              Where keygen writes the private key.
${ACCESS_CHAIN_HELP}
`

/**
 * \`tml custodian keygen|approve|release\`: a custodian's part of auditor access.
 *
 * @example
 * await custodianCommand({ argv: ['approve', '--grant', '1', '--rpc', 'http://127.0.0.1:8545', '--access-registry', '0x…', '--keystore', 'c0.json'], io: processIo })
 */
export async function custodianCommand({
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
        grant: { type: 'string' },
        epoch: { type: 'string', multiple: true },
        gateway: { type: 'string' },
        'x25519-key-file': { type: 'string' },
        out: { type: 'string' },
      },
    })
    const action = positionals[0]
    if (values.help || action === undefined) {
      io.out(CUSTODIAN_HELP)
      return action === undefined && !values.help ? 2 : 0
    }
    if (action === 'keygen') {
      if (!values.out) throw new AccessCommandError('give --out FILE for the private key')
      const pair = await generateVaultKeyPair()
      writeFileSync(values.out, `${pair.privateKey}\n`, { mode: 0o600, flag: 'wx' })
      io.out(`${pair.publicKey}\n`)
      return 0
    }
    if (action !== 'approve' && action !== 'release')
      throw new AccessCommandError(`unknown action "${action}"\n\n${CUSTODIAN_HELP}`)
    const grantId = wholeNumber(values.grant, '--grant')
    const { client, chain, accessRegistry, rpc } = await accessChain({
      rpc: values.rpc ?? io.env.TML_RPC_URL,
      registry: values['access-registry'] ?? io.env.TML_ACCESS_REGISTRY,
      deployments: values.deployments ?? io.env.TML_DEPLOYMENTS_DIR ?? './deployments',
    })
    if (action === 'release') {
      const epochs = (values.epoch ?? []).map((e) => Number(wholeNumber(e, '--epoch')))
      if (epochs.length === 0) throw new AccessCommandError('give at least one --epoch N')
      const gatewayUrl = values.gateway ?? io.env.TML_GATEWAY_URL
      if (!gatewayUrl) throw new AccessCommandError('give --gateway URL (or TML_GATEWAY_URL)')
      const custodianKey = readX25519Key(values['x25519-key-file'], '--x25519-key-file')
      const wallet = await accessWallet({
        chain,
        rpc,
        keystore: values.keystore,
        passwordFile: values['password-file'],
        env: io.env,
      })
      const hashes = await releaseForGrant({
        publicClient: client,
        walletClient: wallet,
        accessRegistry,
        grantId,
        epochs,
        custodianKey,
        epochKey: (epoch) => fetchVaultEpoch({ gatewayUrl, epoch }),
      })
      for (const [i, hash] of hashes.entries())
        io.out(`released epoch ${epochs[i]} for grant ${grantId}: ${hash}\n`)
      return 0
    }
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
      functionName: 'approve',
      args: [grantId],
    })
    io.out(`approved grant ${grantId}: ${receipt.transactionHash}\n`)
    return 0
  } catch (e) {
    return reportAccessError(io, 'tml custodian', e)
  }
}

/** Prints a command's failure in one line (a contract's refusal by its error name) and gives its exit code. */
export function reportAccessError(io: CliIo, command: string, e: unknown): number {
  if (e instanceof AccessCommandError) {
    io.err(`${command}: ${e.shortMessage}\n`)
    return e.exitCode
  }
  const revert = registryRevert(e)
  if (revert) {
    io.err(`${command}: ${registryErrorText(revert)}\n`)
    return 1
  }
  if (e instanceof BaseError || e instanceof Error) {
    const text = (e as { shortMessage?: string }).shortMessage ?? e.message
    io.err(`${command}: ${text.split('\n').slice(0, 3).join(' ')}\n`)
    return 1
  }
  throw e
}
