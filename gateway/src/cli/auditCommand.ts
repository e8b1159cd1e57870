import { parseArgs } from 'node:util'
import {
  bytesToHex,
  type CheckpointJson,
  CompactTree,
  canonicalBytes,
  checkpointStructHash,
  type Hex,
  hashLeaf,
  isHex,
  receiptKeyMatches,
  recoverCheckpointSigner,
  verifyReceipt,
} from '@tml/core'
import { type Address, isAddress } from 'viem'
import { toCheckpoint } from '../anchoring/AnchorStore.ts'
import { createReadCheckpoint } from '../proofs/createReadCheckpoint.ts'
import { type FetchedLog, fetchLog } from './auditFetchLog.ts'
import type { CliIo } from './io.ts'
import { readKeyHistory } from './readKeyHistory.ts'
import { parsePairs } from './verifyCommand.ts'

export const AUDIT_HELP = `Usage: tml audit --log LOGID --api-key KEY --rpc CHAINID=URL [...] [options]

Replays a log from a gateway's API and checks everything it promised: every MTL hashes to its
leaf hash and receipt, epochs run 1, 2, 3… with no gap and a tree that never shrinks, every
checkpoint root is recomputed from the entries, every checkpoint is signed by the checkpoint
signer and every receipt by the receipt key of the key period covering its epoch (read from the
CheckpointRegistry of the first chain given: keysAt, so a log that rotated its keys is checked
against each period's keys), every checkpoint is anchored with the same root on every chain
given, and every receipt's MTL is in a checkpoint closed within the log's maximum epoch
interval. Prints each problem; exits 0 when there is none, 1 otherwise, 2 on a usage error.

Options:
  --api URL                   The gateway (default http://127.0.0.1:8787, the port of
                              \`tml gateway start\` and \`npm start\`; or TML_GATEWAY_URL).
  --api-key KEY               An API key of that gateway (or TML_API_KEY): it serves the log's
                              entries to its callers only. \`npm start\` writes one to
                              data/dev-api-key; a gateway's keys are in DATA/keys/api-keys
                              (caller:key per line) or TML_API_KEYS.
  --log LOGID                 The log id (bytes32).
  --rpc CHAINID=URL           A chain to check anchors on and read the log's keys from
                              (repeatable).
  --registry CHAINID=ADDR     The CheckpointRegistry to read on that chain (default: the anchors'
                              registry).
  --signer ADDRESS            Check every checkpoint against this signer instead of the key
                              history (a log that never rotated its keys).
  --receipt-key HEX           Check every receipt against this P-256 key (0x04 ‖ x ‖ y) instead
                              of the log's claimed key checked against the key history's
                              commitments keccak256(x ‖ y).
  --max-epoch-interval SEC    The log's maximum epoch interval (default 3600).
  --json                      Print the report as JSON.
  -h, --help                  Show this help.

Without --rpc, the keys the log claims (its API's answer) are used, and the audit says so.
\`--token\` and TML_API_TOKEN, the former names of --api-key, still work.
`

/** The gateway's default address: where `tml gateway start` and `npm start` listen. */
export const DEFAULT_GATEWAY_URL = 'http://127.0.0.1:8787'

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
  let api: string
  try {
    values = parse(argv).values
    if (values.help) {
      io.out(AUDIT_HELP)
      return 0
    }
    rpc = parsePairs(values.rpc, '--rpc')
    registries = parsePairs(values.registry, '--registry')
    if (!values.log || !isHex(values.log, 32)) throw new TypeError('need --log (bytes32)')
    api = values.api ?? io.env.TML_GATEWAY_URL ?? DEFAULT_GATEWAY_URL
    if (!URL.canParse(api) || !/^https?:$/.test(new URL(api).protocol))
      throw new TypeError(`--api is not an http(s) URL: "${api}"`)
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
      api,
      token: values['api-key'] ?? values.token ?? io.env.TML_API_KEY ?? io.env.TML_API_TOKEN,
      logId,
    })
  } catch (e) {
    io.err(`tml audit: ${(e as Error).message}\n`)
    return 1
  }
  const problems: AuditProblem[] = []
  const problem = (kind: string, message: string) => problems.push({ kind, message })
  const notes: string[] = []
  const keysOf = auditKeys({
    logId,
    log,
    rpc,
    registries,
    signer: values.signer as Address | undefined,
    receiptKey: values['receipt-key'] as Hex | undefined,
    problem,
    note: (text) => notes.push(text),
  })
  // The epoch whose key period covers an entry: the first checkpoint holding it, or the next
  // epoch for an entry in none yet.
  const epochOf = (seq: number): number =>
    log.checkpoints.find((c) => c.checkpoint.treeSize > seq)?.checkpoint.epoch ??
    (log.checkpoints.at(-1)?.checkpoint.epoch ?? 0) + 1

  // Entries: seq without gaps, leaf hash = SHA-256(0x00 || RFC 8785 of the MTL), receipt signed.
  const leaves: Uint8Array[] = []
  for (const [i, e] of log.entries.entries()) {
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
    const epoch = epochOf(e.seq)
    const { receiptKey, period } = await keysOf(epoch)
    if (receiptKey && !verifyReceipt({ receipt: e.receipt, publicKey: receiptKey }))
      problem(
        'receipt',
        `entry ${e.seq}: receipt signature invalid (epoch ${epoch}, receipt key ${receiptKey}${period})`,
      )
    leaves.push(leaf)
  }

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
        checkpoint: toCheckpoint(logId, cp),
        signature: served.signature,
      })
      const { signer, period } = await keysOf(cp.epoch)
      if (signer && by.toLowerCase() !== signer.toLowerCase())
        problem('signature', `epoch ${cp.epoch}: signed by ${by}, not ${signer}${period}`)
    } catch (error) {
      problem(
        'signature',
        `epoch ${cp.epoch}: bad signature (${(error as Error).message.split('\n')[0]})`,
      )
    }
    previous = cp
  }

  // Anchors on every chain given: the registry holds each epoch as the log serves it (the
  // EIP-712 struct hash commits to root, tree size and time).
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
        const served = checkpointStructHash(toCheckpoint(logId, cp))
        if (!onChain) problem('anchor', `epoch ${cp.epoch}: not anchored on chain ${chainId}`)
        else if (onChain.checkpointHash.toLowerCase() !== served)
          problem(
            'anchor',
            `epoch ${cp.epoch}: chain ${chainId} holds checkpoint hash ${onChain.checkpointHash}, the log serves one hashing to ${served} (root ${cp.rootHash}, tree size ${cp.treeSize})`,
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
      `log ${logId}: ${count(log.entries.length, 'entry', 'entries')}, ${count(log.checkpoints.length, 'checkpoint')}, ${count(rpc.size, 'chain')}\n`,
    )
    for (const n of notes) io.out(`${n}\n`)
    for (const p of problems) io.out(`PROBLEM ${p.kind}: ${p.message}\n`)
  }
  if (problems.length === 0) {
    io.out('audit clean\n')
    return 0
  }
  io.err(`tml audit: ${count(problems.length, 'problem')}\n`)
  return 1
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
      rpc: { type: 'string', multiple: true },
      registry: { type: 'string', multiple: true },
      signer: { type: 'string' },
      'receipt-key': { type: 'string' },
      'max-epoch-interval': { type: 'string' },
      json: { type: 'boolean' },
    },
  })
}

/** `1 chain`, `2 chains`, `0 entries`. */
function count(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`
}

/**
 * The keys each epoch is checked against: `--signer` and `--receipt-key` when given (one key for
 * the whole log), otherwise the key period covering the epoch in the registry of the chains
 * given (`readKeyHistory`), otherwise what the log claims, with a note saying so. A registry that
 * cannot answer is one problem, not one per epoch; `period` names the period for messages.
 */
function auditKeys(p: {
  logId: Hex
  log: FetchedLog
  rpc: ReadonlyMap<number, string>
  registries: ReadonlyMap<number, string>
  signer: Address | undefined
  receiptKey: Hex | undefined
  problem: (kind: string, message: string) => void
  note: (text: string) => void
}): (
  epoch: number,
) => Promise<{ signer: Address | undefined; receiptKey: Hex | undefined; period: string }> {
  const chains = [...p.rpc].flatMap(([chainId, rpcUrl]) => {
    const registry = (p.registries.get(chainId) ??
      p.log.checkpoints.flatMap((c) => c.anchors).find((a) => a.chainId === chainId)?.registry) as
      | Address
      | undefined
    return registry ? [{ chainId, rpcUrl, registry }] : []
  })
  if (chains.length === 0) {
    const signer = p.signer ?? (p.log.claimedKeys?.checkpointSigner as Address | undefined)
    const receiptKey = p.receiptKey ?? p.log.claimedKeys?.receiptPublicKey
    if (!signer || !receiptKey)
      p.problem('keys', 'no checkpoint signer or receipt key to check against')
    else if (!p.signer || !p.receiptKey)
      p.note('keys: as the log claims them (no --rpc with a registry to read its key history from)')
    return async () => ({ signer, receiptKey, period: '' })
  }
  const keysAt = readKeyHistory({ logId: p.logId, chains })
  const failures = new Set<string>()
  // The chain holds the receipt key's commitment keccak256(x ‖ y): the full key is the log's
  // claim, checked against the commitment of each period (--receipt-key replaces both).
  const fullKey = p.log.claimedKeys?.receiptPublicKey as Hex | undefined
  const once = (message: string) => {
    if (!failures.has(message)) p.problem('keys', message)
    failures.add(message)
  }
  return async (epoch) => {
    try {
      const period = await keysAt(BigInt(epoch))
      const where = `key period ${period.index} on chain ${period.chainId}`
      let receiptKey = p.receiptKey ?? fullKey
      if (p.receiptKey !== undefined) {
        // Given on the command line: checked instead of the key history.
      } else if (fullKey === undefined)
        once(`no receipt public key to check against the commitment of ${where}`)
      else if (
        !receiptKeyMatches({ publicKey: fullKey, commitment: period.receiptKeyCommitment })
      ) {
        once(
          `receipt key ${fullKey} does not match the commitment ${period.receiptKeyCommitment} of ${where}`,
        )
        receiptKey = undefined
      }
      return {
        signer: p.signer ?? period.checkpointSigner,
        receiptKey,
        period: `, ${where}`,
      }
    } catch (error) {
      const message = (error as Error).message
      if (!failures.has(message)) p.problem('keys', message)
      failures.add(message)
      return { signer: p.signer, receiptKey: p.receiptKey, period: '' }
    }
  }
}
