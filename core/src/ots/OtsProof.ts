/** A hash operation of OpenTimestamps: the file digest's, or a step of a commitment path. */
export type OtsHashOp = 'sha1' | 'ripemd160' | 'sha256' | 'keccak256'

/** One commitment operation: a hash, a byte-order or encoding change, or a concatenation. */
export type OtsOp =
  | { op: OtsHashOp | 'reverse' | 'hexlify' }
  | { op: 'append' | 'prepend'; arg: Uint8Array }

/**
 * What a message is attested by: a Bitcoin block header (its merkle root is the message), a
 * calendar that promises one later, or a kind this reader does not know.
 */
export type OtsAttestation =
  | { kind: 'bitcoin'; height: number }
  | { kind: 'pending'; uri: string }
  | { kind: 'unknown'; tag: string }

/** A node of the proof tree: attestations of its message, and operations to child nodes. */
export type OtsTimestamp = {
  attestations: OtsAttestation[]
  ops: { op: OtsOp; next: OtsTimestamp }[]
}

/** A detached `.ots` file: how the file was hashed, its digest, and the tree from that digest. */
export type OtsProof = {
  hashOp: OtsHashOp
  digest: Uint8Array
  timestamp: OtsTimestamp
}
