// The checks that run both in Node and in a real browser page, with the same code, so that the
// browser test can compare the two results. Imports the package barrel (src/index.ts) as an
// application would, and must not import any Node API: esbuild bundles it for the browser.

import { privateKeyToAccount } from 'viem/accounts'
import {
  base64ToBytes,
  bytesToHex,
  type Checkpoint,
  canonicalBytes,
  canonicalize,
  checkpointFromJson,
  type Hex,
  hashCheckpoint,
  receiptPublicKey,
  recoverCheckpointSigner,
  sha256,
  signCheckpoint,
  signReceipt,
  utf8ToBytes,
  verifyBundle,
  verifyCheckpointSignature,
  verifyConsistency,
  verifyInclusion,
  verifyReceipt,
} from '../../src/index.ts'
import { buildFixtureBundle, FIXTURE_RECEIPT_SEED } from '../fixtures/bundle.ts'

/** One vector file: its path below the vectors folder and its JSON text. */
export type VectorFile = { name: string; text: string }

export type CoreCheckResults = {
  inclusion: { name: string; wantErr: boolean; valid: boolean }[]
  consistency: { name: string; wantErr: boolean; valid: boolean }[]
  jcs: { text: string; bytes: Hex; sha256: Hex }
  checkpoint: {
    digest: Hex
    signature: Hex
    recovered: string
    verified: boolean
    tamperedVerified: boolean
  }
  receipt: { publicKey: Hex; signature: Hex; verified: boolean; tamperedVerified: boolean }
  bundle: { valid: boolean; steps: { id: string; ok: boolean; reason?: string }[] }
  tamperedBundle: { valid: boolean; failing: string[] }
}

// Sizes past 2^53 (the Go vectors wrap 0 - 1 to 2^64-1) are read exactly, as bigint, from the
// JSON source text (JSON.parse source access: Node 22, Chromium 114+).
const exactIntegers = (_key: string, value: unknown, context?: { source?: string }) =>
  typeof value === 'number' && !Number.isSafeInteger(value) && context?.source !== undefined
    ? BigInt(context.source)
    : value
const parse = (text: string) =>
  JSON.parse(text, exactIntegers as (key: string, value: unknown) => unknown) as Record<
    string,
    unknown
  >
// `"proof": null` in the source means an empty proof.
const proofOf = (proof: unknown) => ((proof ?? []) as string[]).map(base64ToBytes)
const size = (value: unknown) => value as number | bigint

/** Runs every check and returns plain JSON-able results (no bigint, no bytes). */
export async function runCoreChecks(vectors: VectorFile[]): Promise<CoreCheckResults> {
  const inclusion = vectors
    .filter((file) => file.name.startsWith('inclusion/'))
    .map(({ name, text }) => {
      const c = parse(text)
      const valid = verifyInclusion({
        leafIndex: size(c.leafIdx),
        treeSize: size(c.treeSize),
        leafHash: base64ToBytes(c.leafHash as string),
        proof: proofOf(c.proof),
        root: base64ToBytes(c.root as string),
      })
      return { name, wantErr: c.wantErr === true, valid }
    })
  const consistency = vectors
    .filter((file) => file.name.startsWith('consistency/'))
    .map(({ name, text }) => {
      const c = parse(text)
      const valid = verifyConsistency({
        size1: size(c.size1),
        size2: size(c.size2),
        root1: base64ToBytes(c.root1 as string),
        root2: base64ToBytes(c.root2 as string),
        proof: proofOf(c.proof),
      })
      return { name, wantErr: c.wantErr === true, valid }
    })

  const value = { b: [1e30, 4.5, -0, 1e-7], a: '€\n\u2028😀', c: { z: null, é: true, A: false } }
  const jcs = {
    text: canonicalize(value),
    bytes: bytesToHex(canonicalBytes(value)),
    sha256: bytesToHex(sha256(utf8ToBytes(canonicalize(value)))),
  }

  const fixture = await buildFixtureBundle()
  const cp: Checkpoint = checkpointFromJson(fixture.bundle.checkpoint)
  const signature = await signCheckpoint({
    checkpoint: cp,
    // Hardhat's well-known test account #0 (a public test key).
    account: privateKeyToAccount(
      '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80',
    ),
  })
  const checkpoint = {
    digest: hashCheckpoint(cp),
    signature,
    recovered: await recoverCheckpointSigner({
      checkpoint: cp,
      signature: fixture.bundle.checkpointSignature,
    }),
    verified: await verifyCheckpointSignature({
      checkpoint: cp,
      signature: fixture.bundle.checkpointSignature,
      signer: fixture.bundle.log.checkpointSigner,
    }),
    tamperedVerified: await verifyCheckpointSignature({
      checkpoint: { ...cp, treeSize: cp.treeSize + 1n },
      signature: fixture.bundle.checkpointSignature,
      signer: fixture.bundle.log.checkpointSigner,
    }),
  }

  const { signature: _, ...unsigned } = fixture.bundle.receipt
  const receipt = {
    publicKey: receiptPublicKey(FIXTURE_RECEIPT_SEED),
    signature: signReceipt({ receipt: unsigned, privateKey: FIXTURE_RECEIPT_SEED }).signature,
    verified: verifyReceipt({
      receipt: fixture.bundle.receipt,
      publicKey: fixture.bundle.log.receiptPublicKey,
    }),
    tamperedVerified: verifyReceipt({
      receipt: { ...fixture.bundle.receipt, seq: fixture.bundle.receipt.seq + 1 },
      publicKey: fixture.bundle.log.receiptPublicKey,
    }),
  }

  const bundle = await verifyBundle(JSON.parse(JSON.stringify(fixture.bundle)), {
    readCheckpoint: fixture.readCheckpoint,
    trustedKeys: fixture.trustedKeys,
  })
  const tampered = structuredClone(fixture.bundle)
  tampered.mtl.trigger_detail = `${tampered.mtl.trigger_detail}!`
  const tamperedResult = await verifyBundle(tampered, { readCheckpoint: fixture.readCheckpoint })

  return {
    inclusion,
    consistency,
    jcs,
    checkpoint,
    receipt,
    bundle: {
      valid: bundle.valid,
      steps: bundle.steps.map(({ id, ok, reason }) =>
        reason === undefined ? { id, ok } : { id, ok, reason },
      ),
    },
    tamperedBundle: {
      valid: tamperedResult.valid,
      failing: tamperedResult.steps.filter((step) => !step.ok).map((step) => step.id),
    },
  }
}
