import { type Hex, isHex, zeroHash } from 'viem'

/** Most policies one certification names (LanternRegistry `MAX_CERTIFIED_POLICIES`). */
const MAX_POLICIES = 32

/**
 * The scope of a grant from the form: the policy hashes, one per line, sorted ascending as the
 * registry requires (it checks "no duplicates" linearly on a sorted list), and the model hash
 * (zero when none is named). Or what is wrong with them.
 *
 * @example readScope('0xbb…\n0xaa…', '') // { policyHashes: ['0xaa…', '0xbb…'], modelHash: zeroHash }
 */
export function readScope(
  policies: string,
  model: string,
): { policyHashes: Hex[]; modelHash: Hex } | { problem: string } {
  const lines = policies
    .split('\n')
    .map((line) => line.trim().toLowerCase())
    .filter((line) => line !== '')
  if (lines.length === 0) return { problem: 'Give the hash of at least one policy examined.' }
  if (lines.length > MAX_POLICIES)
    return { problem: `A certification names at most ${MAX_POLICIES} policies.` }
  const bad = lines.find((line) => !isHex(line, { strict: true }) || line.length !== 66)
  if (bad !== undefined) return { problem: `“${bad}” is not a policy hash (0x + 64 hex digits).` }
  if (lines.some((line) => line === zeroHash)) return { problem: 'A policy hash cannot be zero.' }
  const policyHashes = [...lines].sort() as Hex[]
  const repeated = policyHashes.find((hash, i) => i > 0 && hash === policyHashes[i - 1])
  if (repeated !== undefined) return { problem: `${repeated} is listed twice.` }
  const trimmed = model.trim().toLowerCase()
  if (trimmed !== '' && (!isHex(trimmed, { strict: true }) || trimmed.length !== 66))
    return { problem: 'The model hash is 0x + 64 hex digits (or empty).' }
  return { policyHashes, modelHash: trimmed === '' ? zeroHash : (trimmed as Hex) }
}
