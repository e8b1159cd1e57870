// The tamper corpus of proof bundles, shared by the tests of verifyBundle and of verifyProof (the
// same mutations must get the same verdicts from both).
import { privateKeyToAccount } from 'viem/accounts'
import type { AnchoredCheckpoint, ReadCheckpoint } from '../../src/bundle/ReadCheckpoint.ts'
import type { TrustedKeys } from '../../src/bundle/verifyBundle.ts'
import { bytesToHex, type Hex } from '../../src/bytes/hex.ts'
import { checkpointFromJson } from '../../src/checkpoint/checkpointFromJson.ts'
import { checkpointStructHash } from '../../src/checkpoint/checkpointStructHash.ts'
import { signCheckpoint } from '../../src/checkpoint/signCheckpoint.ts'
import { hashMtl } from '../../src/mtl/hashMtl.ts'
import type { Mtl } from '../../src/mtl/types.ts'
import { receiptPublicKey } from '../../src/receipt/receiptPublicKey.ts'
import { signReceipt } from '../../src/receipt/signReceipt.ts'
import {
  chainKey,
  FIXTURE_CHAINS,
  type FixtureBundle,
  fixtureMtls,
  HARDHAT_ACCOUNT_1_PRIVATE_KEY,
} from '../fixtures/bundle.ts'

export const [SEPOLIA, AMOY] = FIXTURE_CHAINS
export const OTHER_SEED: Hex = `0x${'77'.repeat(32)}`
export const otherAccount = privateKeyToAccount(HARDHAT_ACCOUNT_1_PRIVATE_KEY)
export const otherHash = (n: number): Hex => bytesToHex(new Uint8Array(32).fill(n))

export type Json = Record<string, unknown>

/** Sets `path` (dot-separated; numeric segments index arrays) in a JSON value; `undefined` deletes. */
export function set(root: Json, path: string, value: unknown): void {
  const keys = path.split('.')
  let node = root as Record<string, unknown>
  for (const key of keys.slice(0, -1)) node = node[key] as Record<string, unknown>
  const last = keys[keys.length - 1] as string
  if (value === undefined) delete node[last]
  else node[last] = value
}

export function get(root: Json, path: string): unknown {
  let node: unknown = root
  for (const key of path.split('.')) node = (node as Record<string, unknown>)[key]
  return node
}

export function flipBit(hex: string, bit: number): Hex {
  const nibble = 2 + (bit >> 2)
  const digit = (Number.parseInt(hex[nibble] as string, 16) ^ (1 << (bit & 3))).toString(16)
  return `${hex.slice(0, nibble)}${digit}${hex.slice(nibble + 1)}` as Hex
}

export type Context = {
  chains: Map<string, AnchoredCheckpoint>
  trustedKeys: TrustedKeys
  reader?: ReadCheckpoint
}

export type Tamper = {
  desc: string
  /** Changes the bundle (a deep copy) and, through `ctx`, the chains and the trusted keys. */
  mutate: (bundle: Json, ctx: Context) => void | Promise<void>
  /** The steps that must fail, in step order; all others must pass. */
  fails: string[]
  /** Substring that the reason of the first failing step must contain. */
  reason?: string
  /** The failing steps when the verifier also has the log's real keys, if not `fails`. */
  failsWithTrustedKeys?: string[]
}

export const setTo = (path: string, value: unknown) => (bundle: Json) => set(bundle, path, value)

// A new receipt, correctly signed by the fixture's key (or another), with some fields changed.
export const resign =
  (changes: Json, seed: Hex = `0x${'5e'.repeat(32)}`) =>
  (bundle: Json) => {
    const { signature: _, ...receipt } = bundle.receipt as Json
    bundle.receipt = signReceipt({ receipt: { ...receipt, ...changes } as never, privateKey: seed })
  }

// A new checkpoint, correctly signed by `account`, with some fields changed.
export const recheckpoint =
  (
    changes: Json,
    account = privateKeyToAccount(
      '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80',
    ),
  ) =>
  async (bundle: Json) => {
    bundle.checkpoint = { ...(bundle.checkpoint as Json), ...changes }
    bundle.checkpointSignature = await signCheckpoint({
      checkpoint: checkpointFromJson(bundle.checkpoint),
      account,
    })
  }

export const ANCHOR_FAILS = ['anchor:11155111', 'anchor:80002', 'anchored']

// Schema-valid replacements of every field of the fixture MTL (a resolution): each changes the leaf.
export const VALID_MTL_CHANGES: [string, unknown][] = [
  ['log_id', otherHash(1)],
  ['seq', 3],
  ['trace_id', '0192d4e1-0000-7abc-a123-456789abcdee'],
  ['timestamp', '2025-03-14T09:31:12.005Z'],
  ['trigger_type', 'HARM'],
  ['trigger_detail', 'reviewer approved after checking the dosage.'],
  ['metrics', { entropy: 0.93, confidence: 0.6 }],
  ['metrics.confidence', 0.61],
  ['policy_hash', otherHash(2)],
  ['model.id', 'clinical-assistant-8b'],
  ['model.version_hash', otherHash(3)],
  ['input_hash', otherHash(4)],
  ['output_hash', otherHash(5)],
  ['subject', `psn:${'cd'.repeat(32)}`],
  ['causal_graph.0.id', 'review2'],
  ['causal_graph', []],
  ['resolution.arbiter.id', 'reviewer:ed25519:3f9b'],
  ['resolution.rationale_hash', otherHash(6)],
  ['resolution.signature', `0x${'cd'.repeat(64)}`],
  ['refers_to', '0192d4e0-7a1b-7c3d-8e4f-5a6b7c8d9e0e'],
]

// Schema-invalid values of every field: the MTL step fails, and so does the leaf. The third
// element is the path the MTL step must name when it is not the changed field's own.
export const INVALID_MTL_CHANGES: [string, unknown, string?][] = [
  ['v', 'mtl/2'],
  ['log_id', `0x${'AB'.repeat(32)}`],
  ['seq', -1],
  ['trace_id', 'not-a-uuid'],
  ['timestamp', '2025-02-30T09:31:12Z'],
  ['kind', 'decision', '$.resolution: unknown field'],
  ['state', 0],
  ['trigger_type', 'GREED'],
  ['trigger_detail', 7],
  ['metrics', { entropy: 'high' }],
  ['policy_hash', '0x12'],
  ['model', { id: 'm' }],
  ['input_hash', null],
  ['subject', 'alice@example.com'],
  ['causal_graph', {}],
  ['resolution.decision', -1, '$.state: expected -1, got 1'],
  ['resolution.arbiter.kind', 'oracle'],
  ['resolution.signature', null],
  ['refers_to', undefined],
  ['extra', 1],
]

/**
 * The tamper corpus: every way of changing a valid bundle (or what the chains answer) that a
 * verifier must catch, with the steps that must fail. `fixture` is read only when a mutation runs.
 */
export function tamperCorpus(fixture: () => FixtureBundle): Tamper[] {
  return [
    // --- The MTL
    ...VALID_MTL_CHANGES.map(
      ([path, value]): Tamper => ({
        desc: `mtl.${path} changed (schema-valid)`,
        mutate: setTo(`mtl.${path}`, value),
        fails: ['leafHash', 'inclusion'],
        reason: 'does not match hashMtl(mtl)',
      }),
    ),
    ...INVALID_MTL_CHANGES.map(
      ([path, value, reason]): Tamper => ({
        desc: `mtl.${path} set to ${JSON.stringify(value) ?? 'nothing'} (schema-invalid)`,
        mutate: setTo(`mtl.${path}`, value),
        fails: ['mtl', 'leafHash', 'inclusion'],
        reason: reason ?? `$.${path}`,
      }),
    ),
    {
      desc: 'mtl is not an object',
      mutate: setTo('mtl', 'mtl'),
      fails: ['bundle', 'mtl', 'leafHash', 'inclusion'],
      reason: '$.mtl: expected an object, got "mtl"',
    },
    {
      desc: 'mtl replaced by another valid MTL of the log (seq 3)',
      mutate: (bundle) => {
        bundle.mtl = fixtureMtls()[3]
      },
      fails: ['leafHash', 'inclusion'],
      reason: 'receipt.leafHash',
    },
    {
      desc: 'mtl and receipt both switched to another MTL of the log, proof kept',
      mutate: (bundle) => {
        const mtl = fixtureMtls()[3] as Mtl
        bundle.mtl = mtl
        bundle.leafIndex = 3
        resign({ traceId: mtl.trace_id, seq: 3, leafHash: bytesToHex(hashMtl(mtl)) })(bundle)
      },
      fails: ['inclusion'],
      reason: 'inclusion proof: computed root 0x',
    },

    // --- leafIndex and treeSize
    {
      desc: 'leafIndex + 1',
      mutate: setTo('leafIndex', 3),
      fails: ['leafHash', 'inclusion'],
      reason: 'leafIndex 3 does not match mtl.seq 2',
    },
    { desc: 'leafIndex - 1', mutate: setTo('leafIndex', 1), fails: ['leafHash', 'inclusion'] },
    {
      desc: 'leafIndex negative',
      mutate: setTo('leafIndex', -1),
      fails: ['bundle', 'leafHash', 'inclusion'],
      reason: '$.leafIndex: expected a non-negative safe integer, got -1',
    },
    {
      desc: 'leafIndex as a string',
      mutate: setTo('leafIndex', '2'),
      fails: ['bundle', 'leafHash', 'inclusion'],
    },
    {
      desc: 'treeSize + 1',
      mutate: setTo('treeSize', 6),
      fails: ['inclusion'],
      reason: 'bundle treeSize 6 does not match checkpoint.treeSize 5',
    },
    { desc: 'treeSize beyond 2^53', mutate: setTo('treeSize', 2 ** 53), fails: ['bundle'] },

    // --- The inclusion proof (every bit of every element is flipped in its own test below)
    {
      desc: 'inclusionProof without its last hash',
      mutate: (bundle) => (bundle.inclusionProof as Hex[]).pop(),
      fails: ['inclusion'],
      reason: 'proof has 2 hashes, expected 3',
    },
    {
      desc: 'inclusionProof with an extra hash',
      mutate: (bundle) => (bundle.inclusionProof as Hex[]).push(otherHash(9)),
      fails: ['inclusion'],
    },
    {
      desc: 'inclusionProof with two hashes swapped',
      mutate: (bundle) => (bundle.inclusionProof as Hex[]).reverse(),
      fails: ['inclusion'],
      reason: 'does not match expected root',
    },
    { desc: 'inclusionProof empty', mutate: setTo('inclusionProof', []), fails: ['inclusion'] },
    {
      desc: 'inclusionProof longer than 64',
      mutate: setTo(
        'inclusionProof',
        Array.from({ length: 65 }, () => otherHash(1)),
      ),
      fails: ['bundle', 'inclusion'],
      reason: '$.inclusionProof: expected at most 64 hashes, got 65',
    },
    {
      desc: 'inclusionProof element of 31 bytes',
      mutate: (bundle) =>
        set(bundle, 'inclusionProof.1', (get(bundle, 'inclusionProof.1') as string).slice(0, -2)),
      fails: ['bundle', 'inclusion'],
      reason: '$.inclusionProof[1]: expected 32-byte 0x hex',
    },

    // --- The checkpoint
    {
      desc: 'checkpoint.logId changed',
      mutate: setTo('checkpoint.logId', otherHash(1)),
      fails: ['inclusion', 'checkpointSignature', ...ANCHOR_FAILS],
      reason: 'checkpoint.logId "0x0101',
    },
    {
      desc: 'checkpoint.epoch changed',
      mutate: setTo('checkpoint.epoch', 2),
      fails: ['checkpointSignature', ...ANCHOR_FAILS],
      reason: 'the checkpoint is signed by 0x',
    },
    {
      desc: 'checkpoint.treeSize changed',
      mutate: setTo('checkpoint.treeSize', 6),
      fails: ['inclusion', 'checkpointSignature', ...ANCHOR_FAILS],
    },
    {
      desc: 'checkpoint.rootHash changed',
      mutate: (bundle) =>
        set(
          bundle,
          'checkpoint.rootHash',
          flipBit(get(bundle, 'checkpoint.rootHash') as string, 0),
        ),
      fails: ['inclusion', 'checkpointSignature', ...ANCHOR_FAILS],
      reason: 'does not match expected root',
    },
    {
      desc: 'checkpoint.timestamp changed',
      mutate: setTo('checkpoint.timestamp', 1741944701),
      // The registry's struct hash commits to the time too.
      fails: ['checkpointSignature', ...ANCHOR_FAILS],
    },
    {
      desc: 'checkpoint re-signed by the log with another root (equivocation)',
      mutate: recheckpoint({ rootHash: otherHash(7) }),
      fails: ['inclusion', 'anchor:11155111', 'anchor:80002', 'anchored'],
      reason: 'does not match expected root',
    },
    {
      desc: 'checkpoint.epoch negative',
      mutate: setTo('checkpoint.epoch', -1),
      fails: ['bundle', 'inclusion', 'checkpointSignature', ...ANCHOR_FAILS],
      reason: '$.checkpoint.epoch: expected a non-negative safe integer, got -1',
    },
    {
      desc: 'checkpoint with an unknown field',
      mutate: setTo('checkpoint.chainId', 1),
      fails: ['bundle', 'inclusion', 'checkpointSignature', ...ANCHOR_FAILS],
      reason: '$.checkpoint.chainId: unknown field',
    },

    // --- The checkpoint signature
    {
      desc: 'checkpointSignature: a bit of r flipped',
      mutate: (bundle) =>
        set(bundle, 'checkpointSignature', flipBit(bundle.checkpointSignature as string, 5)),
      fails: ['checkpointSignature'],
    },
    {
      desc: 'checkpointSignature: a bit of s flipped',
      mutate: (bundle) =>
        set(bundle, 'checkpointSignature', flipBit(bundle.checkpointSignature as string, 300)),
      fails: ['checkpointSignature'],
    },
    {
      desc: 'checkpointSignature: v flipped',
      mutate: (bundle) => {
        const s = bundle.checkpointSignature as string
        bundle.checkpointSignature = `${s.slice(0, 130)}${s.endsWith('1b') ? '1c' : '1b'}`
      },
      fails: ['checkpointSignature'],
    },
    {
      desc: 'checkpointSignature: high-s twin',
      mutate: (bundle) => {
        const n = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n
        const sig = bundle.checkpointSignature as string
        const s = (n - BigInt(`0x${sig.slice(66, 130)}`)).toString(16).padStart(64, '0')
        bundle.checkpointSignature = `${sig.slice(0, 66)}${s}${sig.endsWith('1b') ? '1c' : '1b'}`
      },
      fails: ['checkpointSignature'],
      reason: 's is in the upper half of the curve order (EIP-2)',
    },
    {
      desc: 'checkpointSignature truncated to 64 bytes',
      mutate: (bundle) =>
        set(bundle, 'checkpointSignature', (bundle.checkpointSignature as string).slice(0, 130)),
      fails: ['checkpointSignature'],
      reason: 'expected 65 bytes, got 64',
    },
    {
      desc: 'checkpointSignature not hex',
      mutate: setTo('checkpointSignature', 'signed'),
      fails: ['bundle', 'checkpointSignature'],
    },
    {
      desc: 'checkpoint signed by another account',
      mutate: recheckpoint({}, otherAccount),
      fails: ['checkpointSignature'],
      reason: `the checkpoint is signed by ${otherAccount.address}, expected 0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266`,
    },

    // --- The receipt
    {
      desc: 'receipt.leafHash changed',
      mutate: setTo('receipt.leafHash', otherHash(1)),
      fails: ['leafHash', 'receiptSignature'],
      reason: 'receipt.leafHash "0x0101',
    },
    {
      desc: 'receipt.logId changed',
      mutate: setTo('receipt.logId', otherHash(1)),
      fails: ['leafHash', 'receiptSignature'],
    },
    {
      desc: 'receipt.traceId changed',
      mutate: setTo('receipt.traceId', '0192d4e1-0000-7abc-a123-456789abcdee'),
      fails: ['leafHash', 'receiptSignature'],
    },
    {
      desc: 'receipt.seq changed',
      mutate: setTo('receipt.seq', 3),
      fails: ['leafHash', 'receiptSignature'],
      reason: 'receipt.seq 3 does not match mtl.seq 2',
    },
    {
      desc: 'receipt.timestamp changed',
      mutate: setTo('receipt.timestamp', '2025-03-14T09:31:12.011Z'),
      fails: ['receiptSignature'],
      reason: 'the receipt signature does not verify under key 0x',
    },
    {
      desc: 'receipt.v changed',
      mutate: setTo('receipt.v', 'tml-receipt/1'),
      fails: ['bundle', 'leafHash', 'receiptSignature'],
      reason: '$.receipt.v: expected "tml-receipt/2", got "tml-receipt/1"',
    },
    {
      desc: 'receipt.signature: a bit flipped',
      mutate: (bundle) =>
        set(bundle, 'receipt.signature', flipBit(get(bundle, 'receipt.signature') as string, 9)),
      fails: ['receiptSignature'],
    },
    {
      desc: 'receipt signed by another key',
      mutate: resign({}, OTHER_SEED),
      fails: ['receiptSignature'],
    },
    {
      desc: 'receipt correctly signed but about seq 3',
      mutate: resign({ seq: 3 }),
      fails: ['leafHash'],
      reason: 'receipt.seq 3 does not match mtl.seq 2',
    },
    {
      desc: 'receipt with an extra field',
      mutate: setTo('receipt.note', 'x'),
      fails: ['bundle', 'leafHash', 'receiptSignature'],
    },

    // --- The log's keys (claimed by the bundle, or trusted from the chain)
    {
      desc: 'log.checkpointSigner claims another address',
      mutate: setTo('log.checkpointSigner', otherAccount.address),
      fails: ['checkpointSignature'],
      reason: `expected ${otherAccount.address}`,
    },
    {
      desc: 'log.receiptPublicKey claims another key',
      mutate: setTo('log.receiptPublicKey', receiptPublicKey(OTHER_SEED)),
      fails: ['receiptSignature'],
    },
    {
      desc: 'log.checkpointSigner malformed',
      mutate: setTo('log.checkpointSigner', '0x1234'),
      fails: ['bundle', 'checkpointSignature', 'receiptSignature'],
      // Trusted keys replace the unreadable claims: only the shape fails.
      failsWithTrustedKeys: ['bundle'],
    },
    {
      desc: 'trusted checkpoint signer differs from the claimed (and signing) one',
      mutate: (_, ctx) => {
        ctx.trustedKeys = { checkpointSigner: otherAccount.address }
      },
      fails: ['checkpointSignature'],
      reason: `the bundle claims checkpoint signer 0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266, but the trusted signer is ${otherAccount.address}`,
    },
    {
      desc: 'trusted receipt key differs from the claimed (and signing) one',
      mutate: (_, ctx) => {
        ctx.trustedKeys = { receiptPublicKey: receiptPublicKey(OTHER_SEED) }
      },
      fails: ['receiptSignature'],
      reason: 'the bundle claims receipt key 0x',
    },
    {
      desc: 'operator signs with a key it claims, but the chain has the real one',
      mutate: async (bundle, ctx) => {
        await recheckpoint({}, otherAccount)(bundle)
        set(bundle, 'log.checkpointSigner', otherAccount.address)
        resign({}, OTHER_SEED)(bundle)
        set(bundle, 'log.receiptPublicKey', receiptPublicKey(OTHER_SEED))
        ctx.trustedKeys = { ...fixture().trustedKeys }
      },
      fails: ['checkpointSignature', 'receiptSignature'],
    },

    // --- Anchors in the bundle
    {
      desc: 'no anchors',
      mutate: setTo('anchors', []),
      fails: ['anchored'],
      reason: 'the bundle has no well-formed anchor',
    },
    {
      desc: 'anchor registry replaced by an unknown one',
      mutate: setTo('anchors.0.registry', otherAccount.address),
      fails: ['anchor:11155111'],
      reason: `reading chain 11155111 failed: unknown registry ${otherAccount.address}`,
    },
    {
      desc: 'anchor chainId changed',
      mutate: setTo('anchors.1.chainId', 137),
      fails: ['anchor:137'],
    },
    {
      desc: 'both anchors on unknown registries',
      mutate: (bundle) => {
        set(bundle, 'anchors.0.registry', otherAccount.address)
        set(bundle, 'anchors.1.registry', otherAccount.address)
      },
      fails: ANCHOR_FAILS,
      reason: 'unknown registry',
    },
    {
      desc: 'the same chain twice',
      mutate: setTo('anchors.1.chainId', SEPOLIA.chainId),
      fails: ['bundle'],
      reason: '$.anchors[1].chainId: chain 11155111 appears twice',
    },
    {
      desc: 'anchor txHash malformed',
      mutate: setTo('anchors.0.txHash', '0x1234'),
      fails: ['bundle'],
    },
    {
      desc: 'more than 16 anchors',
      mutate: (bundle) => {
        bundle.anchors = Array.from({ length: 17 }, (_, i) => ({
          ...(get(bundle, 'anchors.0') as Json),
          chainId: i + 1,
        }))
      },
      fails: ['bundle', 'anchored'],
      reason: '$.anchors: expected at most 16 anchors, got 17',
    },

    // --- What the chains answer
    {
      desc: 'chain 80002 has not anchored the epoch',
      mutate: (_, ctx) => {
        ctx.chains.delete(chainKey(AMOY.chainId, AMOY.registry, fixture().checkpoint.logId, 1n))
      },
      fails: ['anchor:80002'],
      reason: 'epoch 1 not anchored on chain 80002',
    },
    {
      desc: 'no chain has anchored the epoch',
      mutate: (_, ctx) => ctx.chains.clear(),
      fails: ANCHOR_FAILS,
      reason: 'epoch 1 not anchored on chain 11155111',
    },
    {
      desc: 'chain 80002 holds another checkpoint for the epoch (another root)',
      mutate: (_, ctx) => {
        const key = chainKey(AMOY.chainId, AMOY.registry, fixture().checkpoint.logId, 1n)
        ctx.chains.set(key, {
          checkpointHash: checkpointStructHash({ ...fixture().checkpoint, rootHash: otherHash(8) }),
        })
      },
      fails: ['anchor:80002'],
      reason: "for epoch 1, the bundle's checkpoint hashes to 0x",
    },
    {
      desc: 'chain 11155111 holds another tree size for the epoch',
      mutate: (_, ctx) => {
        const key = chainKey(SEPOLIA.chainId, SEPOLIA.registry, fixture().checkpoint.logId, 1n)
        ctx.chains.set(key, {
          checkpointHash: checkpointStructHash({ ...fixture().checkpoint, treeSize: 6n }),
        })
      },
      fails: ['anchor:11155111'],
      reason: 'chain 11155111 holds checkpoint hash 0x',
    },
    {
      desc: 'chain 11155111 holds the epoch with another time',
      mutate: (_, ctx) => {
        const key = chainKey(SEPOLIA.chainId, SEPOLIA.registry, fixture().checkpoint.logId, 1n)
        const timestamp = fixture().checkpoint.timestamp + 1n
        ctx.chains.set(key, {
          checkpointHash: checkpointStructHash({ ...fixture().checkpoint, timestamp }),
        })
      },
      fails: ['anchor:11155111'],
      reason: '(another tree size, root or time)',
    },
    {
      desc: 'the reader throws',
      mutate: (_, ctx) => {
        ctx.reader = async () => {
          throw new Error('RPC timeout')
        }
      },
      fails: ANCHOR_FAILS,
      reason: 'reading chain 11155111 failed: RPC timeout',
    },
    {
      desc: 'the reader answers garbage',
      mutate: (_, ctx) => {
        ctx.reader = async () => ({ checkpointHash: 5 }) as unknown as AnchoredCheckpoint
      },
      fails: ANCHOR_FAILS,
      reason: 'the reader of chain 11155111 returned a malformed answer: an object',
    },
    {
      desc: 'the reader is not even a function',
      mutate: (_, ctx) => {
        ctx.reader = 'nope' as unknown as ReadCheckpoint
      },
      fails: ANCHOR_FAILS,
      reason: 'reading chain 11155111 failed:',
    },

    // --- The bundle itself
    {
      desc: 'v changed',
      mutate: setTo('v', 'tml-proof/2'),
      fails: ['bundle'],
      reason: '$.v: expected "tml-proof/1", got "tml-proof/2"',
    },
    {
      desc: 'unknown top-level field',
      mutate: setTo('extra', true),
      fails: ['bundle'],
      reason: '$.extra: unknown field',
    },
    {
      desc: 'ots not base64',
      mutate: setTo('ots', '!!!!'),
      fails: ['bundle'],
      reason: '$.ots: expected base64, got "!!!!"',
    },
    {
      desc: 'log missing',
      mutate: setTo('log', undefined),
      fails: ['bundle', 'checkpointSignature', 'receiptSignature'],
      reason: '$.log: missing',
      failsWithTrustedKeys: ['bundle'],
    },
  ]
}
