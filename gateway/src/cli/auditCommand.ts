import { parseArgs } from 'node:util'
import {
  bytesToHex,
  type CheckpointJson,
  CompactTree,
  canonicalBytes,
  type Hex,
  hashLeaf,
  isHex,
  recoverCheckpointSigner,
  verifyReceipt,
} from '@tml/core'
import { type Address, isAddress } from 'viem'
import { createReadCheckpoint } from '../proofs/createReadCheckpoint.ts'
import { fetchLog } from './auditFetchLog.ts'
import type { CliIo } from './io.ts'
import { parsePairs } from './verifyCommand.ts'

export const AUDIT_HELP = `Usage: tml audit --api URL --log LOGID --rpc CHAINID=URL [...] [options]

Replays a log from a gateway's API and checks everything it promised: every MTL hashes to its
leaf hash and receipt, every receipt is signed by the log's receipt key, epochs run 1, 2, 3…
with no gap and a tree that never shrinks, every checkpoint root is recomputed from the entries,
every checkpoint is signed by the log's signer, every checkpoint is anchored with the same root
on every chain given, and every receipt's MTL is in a checkpoint closed within the log's maximum
epoch interval. Prints each problem; exits 0 when there is none, 1 otherwise, 2 on a usage error.

Options:
  --api URL                   The gateway (e.g. http://127.0.0.1:8080).
  --token TOKEN               API key (or TML_API_TOKEN).
  --log LOGID                 The log id (bytes32).
  --rpc CHAINID=URL           A chain to check anchors on (repeatable).
  --registry CHAINID=ADDR     The CheckpointRegistry to read on that chain (default: the anchors' registry).
  --signer ADDRESS            The checkpoint signer declared on chain (default: the log's claim).
  --receipt-key HEX           The receipt key declared on chain (default: the log's claim).
  --max-epoch-interval SEC    The log's maximum epoch interval (default 3600).
  --json                      Print the report as JSON.
  -h, --help                  Show this help.
`

/** One thing the audit found wrong. */
export type AuditProblem = { kind: string; message: string }

/**
 * `tml audit`: replays a log and reports every gap or broken promise.
 *
 * @example
 * process.exitCode = await auditCommand({ argv: ['--api', url, '--log', logId, '--rpc', '31337=…'], io })
 */
export async function auditCommand({ argv, io }: { argv: string[]; io: CliIo }): Promise<number> {
  let values: ReturnType<typeof parse>['values']
  let rpc: Map<number, string>
  let registries: Map<number, string>
  try {
    values = parse(argv).values
    if (values.help) {
      io.out(AUDIT_HELP)
      return 0
    }
    rpc = parsePairs(values.rpc, '--rpc')
    registries = parsePairs(values.registry, '--registry')
    if (!values.api || !values.log || !isHex(values.log, 32))
      throw new TypeError('need --api and --log (bytes32)')
    if (values.signer !== undefined && !isAddress(values.signer))
      throw new TypeError('--signer is not an address')
    if (values['receipt-key'] !== undefined && !isHex(values['receipt-key'], 32))
      throw new TypeError('--receipt-key is not 32 bytes of hex')
  } catch (e) {
    io.err(`tml audit: ${(e as Error).message}\n\n${AUDIT_HELP}`)
    return 2
  }
  const logId = (values.log as string).toLowerCase() as Hex
  const maxInterval = Number(values['max-epoch-interval'] ?? 3600)
  let log: Awaited<ReturnType<typeof fetchLog>>
  try {
    log = await fetchLog({
      api: values.api as string,
      token: values.token ?? io.env.TML_API_TOKEN,
      logId,
    })
  } catch (e) {
    io.err(`tml audit: cannot read the log: ${(e as Error).message}\n`)
    return 1
  }
  const signer = (values.signer ?? log.claimedKeys?.checkpointSigner) as Address | undefined
  const receiptKey = (values['receipt-key'] ?? log.claimedKeys?.receiptPublicKey) as Hex | undefined
  const problems: AuditProblem[] = []
  const problem = (kind: string, message: string) => problems.push({ kind, message })
  if (!signer || !receiptKey)
    problem('keys', 'no checkpoint signer or receipt key to check against')

  // Entries: seq without gaps, leaf hash = SHA-256(0x00 || RFC 8785 of the MTL), receipt signed.
  const leaves: Uint8Array[] = []
  log.entries.forEach((e, i) => {
    if (e.seq !== i) problem('gap', `entry ${i} has seq ${e.seq}`)
    let leaf: Uint8Array
    try {
      leaf = hashLeaf(canonicalBytes(e.mtl))
    } catch (error) {
      problem('mtl', `entry ${e.seq}: no canonical form (${(error as Error).message})`)
      leaf = new Uint8Array(32)
    }
    const hex = bytesToHex(leaf)
    if (hex !== e.leaf_hash?.toLowerCase())
      problem('mtl', `entry ${e.seq}: MTL hashes to ${hex}, served leaf hash ${e.leaf_hash}`)
    if (e.receipt?.leafHash?.toLowerCase() !== hex)
      problem(
        'receipt',
        `entry ${e.seq}: receipt covers ${e.receipt?.leafHash}, MTL hashes to ${hex}`,
      )
    if (e.mtl.seq !== e.seq || e.mtl.log_id !== logId)
      problem(
        'mtl',
        `entry ${e.seq}: MTL says seq ${String(e.mtl.seq)} of log ${String(e.mtl.log_id)}`,
      )
    if (receiptKey && !verifyReceipt({ receipt: e.receipt, publicKey: receiptKey }))
      problem('receipt', `entry ${e.seq}: receipt signature invalid`)
    leaves.push(leaf)
  })

  // Checkpoints: epochs 1, 2, 3…, sizes never shrink, roots recomputed, signatures.
  const tree = new CompactTree()
  let previous: CheckpointJson | undefined
  for (const [i, served] of log.checkpoints.entries()) {
    const cp = served.checkpoint
    if (cp.epoch !== i + 1) problem('gap', `checkpoint ${i + 1} missing (found epoch ${cp.epoch})`)
    if (previous && cp.treeSize < previous.treeSize)
      problem(
        'checkpoint',
        `epoch ${cp.epoch}: tree shrank from ${previous.treeSize} to ${cp.treeSize}`,
      )
    if (cp.treeSize > leaves.length) {
      problem(
        'checkpoint',
        `epoch ${cp.epoch}: size ${cp.treeSize} but only ${leaves.length} entries served`,
      )
    } else {
      while (tree.size < cp.treeSize) tree.append(leaves[tree.size] as Uint8Array)
      const root = bytesToHex(tree.root())
      if (root !== cp.rootHash.toLowerCase())
        problem('checkpoint', `epoch ${cp.epoch}: root ${cp.rootHash}, recomputed ${root}`)
    }
    try {
      const by = await recoverCheckpointSigner({
        checkpoint: {
          ...cp,
          logId,
          epoch: BigInt(cp.epoch),
          treeSize: BigInt(cp.treeSize),
          timestamp: BigInt(cp.timestamp),
        },
        signature: served.signature,
      })
      if (signer && by.toLowerCase() !== signer.toLowerCase())
        problem('signature', `epoch ${cp.epoch}: signed by ${by}, not ${signer}`)
    } catch (error) {
      problem(
        'signature',
        `epoch ${cp.epoch}: bad signature (${(error as Error).message.split('\n')[0]})`,
      )
    }
    previous = cp
  }

  // Anchors on every chain given: the registry holds each epoch with our root.
  const readCheckpoint = createReadCheckpoint({ rpc })
  for (const chainId of rpc.keys()) {
    for (const served of log.checkpoints) {
      const cp = served.checkpoint
      const registry = (registries.get(chainId) ??
        served.anchors.find((a) => a.chainId === chainId)?.registry) as Address | undefined
      if (!registry) {
        problem('anchor', `epoch ${cp.epoch}: no anchor on chain ${chainId}`)
        continue
      }
      try {
        const onChain = await readCheckpoint(chainId, registry, logId, BigInt(cp.epoch))
        if (!onChain) problem('anchor', `epoch ${cp.epoch}: not anchored on chain ${chainId}`)
        else if (onChain.rootHash.toLowerCase() !== cp.rootHash.toLowerCase())
          problem(
            'anchor',
            `epoch ${cp.epoch}: chain ${chainId} holds root ${onChain.rootHash}, the log serves ${cp.rootHash}`,
          )
      } catch (error) {
        problem(
          'anchor',
          `epoch ${cp.epoch}: chain ${chainId} unreadable (${(error as Error).message.split('\n')[0]})`,
        )
      }
    }
  }

  // Receipts are promises: each MTL in a checkpoint closed within the maximum epoch interval.
  const now = Math.floor(Date.now() / 1000)
  for (const e of log.entries) {
    const issued = Math.floor(Date.parse(e.receipt?.timestamp ?? '') / 1000)
    const holder = log.checkpoints.find((c) => c.checkpoint.treeSize > e.seq)
    if (!holder) {
      if (now - issued > maxInterval)
        problem('promise', `entry ${e.seq}: in no checkpoint ${now - issued} s after its receipt`)
    } else if (holder.checkpoint.timestamp - issued > maxInterval) {
      problem(
        'promise',
        `entry ${e.seq}: first checkpointed ${holder.checkpoint.timestamp - issued} s after its receipt`,
      )
    }
  }

  if (values.json) {
    io.out(
      `${JSON.stringify({ logId, entries: log.entries.length, checkpoints: log.checkpoints.length, problems }, null, 2)}\n`,
    )
  } else {
    io.out(
      `log ${logId}: ${log.entries.length} entries, ${log.checkpoints.length} checkpoints, ${rpc.size} chains\n`,
    )
    for (const p of problems) io.out(`PROBLEM ${p.kind}: ${p.message}\n`)
  }
  if (problems.length === 0) {
    io.out('audit clean\n')
    return 0
  }
  io.err(`tml audit: ${problems.length} problems\n`)
  return 1
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    options: {
      help: { type: 'boolean', short: 'h' },
      api: { type: 'string' },
      token: { type: 'string' },
      log: { type: 'string' },
      rpc: { type: 'string', multiple: true },
      registry: { type: 'string', multiple: true },
      signer: { type: 'string' },
      'receipt-key': { type: 'string' },
      'max-epoch-interval': { type: 'string' },
      json: { type: 'boolean' },
    },
  })
}
