import { keccak256, stringToHex } from 'viem'

/**
 * The License an operator accepts when it registers. The registry stores its hash; the text
 * lives here (and wherever the operator publishes it), so anyone can recompute the hash.
 */
export const LICENSE_TEXT = `TML Anchor Operator License, version 1

By registering in the Lantern registry, the operator of the logs declared under this account
promises that:

1. Every decision of a high-impact AI system it runs behind a TML Anchor gateway is written as a
   Moral Trace Log (MTL) before the decision takes effect (No Log = No Action).
2. Pauses (state 0) are resolved only by listed reviewers, a declared verification, or the
   timeout, and each resolution is a new MTL; nothing is ever rewritten.
3. Each log's checkpoints are signed by its declared checkpoint signer and anchored at least
   once per maximum epoch interval; every receipt it issues is honoured by the next checkpoints.
4. Personal data never enters a log: subjects are pseudonymized, and erasure destroys keys,
   never records.
5. It never signs two checkpoints that cannot both be true. Proven equivocation darkens its
   Lantern for good.
`

/**
 * keccak256 of the UTF-8 License text: what `registerOperator` records as `licenseHash`.
 * @example licenseHash() // '0x…'
 */
export function licenseHash(text: string = LICENSE_TEXT): `0x${string}` {
  return keccak256(stringToHex(text))
}
