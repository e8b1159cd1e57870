import { isHex, keccak256, stringToHex } from 'viem'

/** Certification profiles a certifier picks from (keccak256 of the label is what is stored). */
export const PROFILE_LABELS = [
  'lantern/general',
  'lantern/medical',
  'lantern/legal',
  'lantern/finance',
  'lantern/autonomous_vehicles',
  'lantern/defense',
  'lantern/high-impact',
] as const

/**
 * Every label a known profile may be certified under: the console's `lantern/…` labels and the
 * gateway's policy profile names (`general`, `medical`, …: `npm start`'s demo certifies
 * keccak256("general")).
 */
const KNOWN_LABELS = [
  ...PROFILE_LABELS,
  ...PROFILE_LABELS.map((label) => label.slice('lantern/'.length)),
]
const BY_HASH = new Map(KNOWN_LABELS.map((label) => [keccak256(stringToHex(label)), label]))

/** A certification's profile as stored (a keccak256) and what it is the hash of, when known. */
export type ProfileView = { known: true; label: string } | { known: false; hash: string }

/**
 * The label a profile hash stands for when it is the keccak256 of a known profile's label
 * (`lantern/medical` or `medical`), else that it is only a hash.
 * @example describeProfile(keccak256(stringToHex('general'))) // { known: true, label: 'general' }
 */
export function describeProfile(profile: string): ProfileView {
  const label = BY_HASH.get(profile.toLowerCase() as `0x${string}`)
  return label === undefined ? { known: false, hash: profile } : { known: true, label }
}

/** The profile's label when it is a known one, else its hash. */
export function profileName(profile: string): string {
  const view = describeProfile(profile)
  return view.known ? view.label : view.hash
}

/**
 * A bytes32 for a hash field of a form: a 32-byte hex as typed, or keccak256 of the text
 * (evidence and reasons stay off chain; the chain keeps their hash).
 * @example hashOfText('audit report 2026-01') // '0x…'
 */
export function hashOfText(text: string): `0x${string}` {
  const trimmed = text.trim()
  if (isHex(trimmed, { strict: true }) && trimmed.length === 66)
    return trimmed.toLowerCase() as `0x${string}`
  return keccak256(stringToHex(trimmed))
}

/** Why a Lantern is dark, in words (`LanternReason` of ILanternRegistry). */
export const LANTERN_REASONS = [
  'certified, and every log anchors on time',
  'never certified',
  'certification expired',
  'certification revoked',
  'a log has not anchored within its maximum epoch interval',
  'a log was caught equivocating',
] as const
