// Regular expressions of the MTL schema (ECMA-262 with the `u` flag, as JSON Schema validators
// such as Ajv compile them) with the words used in error messages. Lower-case hex and UUIDs only:
// the leaf hash commits to bytes, so every value must have exactly one spelling.

/** `0x` and 32 bytes in lower-case hex. */
export const HEX32_PATTERN = '^0x[0-9a-f]{64}$'
/** `0x` and one or more bytes in lower-case hex. */
export const HEX_BYTES_PATTERN = '^0x(?:[0-9a-f]{2})+$'
/** RFC 9562 UUID, lower-case, with a defined version (1-8) and the RFC variant. */
export const UUID_PATTERN =
  '^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$'
/**
 * RFC 3339 UTC timestamp with `Z`, no offset, and 0 to 3 fractional digits. The ranges of the
 * fields are in the pattern; whether the day exists in that month is the `date-time` format's job.
 */
export const TIMESTAMP_PATTERN =
  '^[0-9]{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])T(?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](?:\\.[0-9]{1,3})?Z$'
/** Pseudonym of the data subject: `psn:` and 32 bytes of lower-case hex (a keyed hash). */
export const SUBJECT_PATTERN = '^psn:[0-9a-f]{64}$'
/** Pseudonym of the API caller that initiated a record: `clr:` and 32 bytes of lower-case hex. */
export const CALLER_PATTERN = '^clr:[0-9a-f]{64}$'
/** An EVM account or contract address: `0x` and 20 bytes in lower-case hex (no EIP-55 mixed case). */
export const ADDRESS_PATTERN = '^0x[0-9a-f]{40}$'
/** Opaque identifier: printable ASCII without spaces, 1 to 128 characters. */
export const IDENTIFIER_PATTERN = '^[A-Za-z0-9._:/@+=-]{1,128}$'
/** Short lower-case token: metric names and causal node kinds. */
export const TOKEN_PATTERN = '^[a-z][a-z0-9_]{0,63}$'
/** Any text that is valid Unicode: no lone surrogates (they cannot be canonicalized or encoded). */
export const UNICODE_TEXT_PATTERN = '^[^\\ud800-\\udfff]*$'

/** Words for each pattern in validation messages ("expected …, got …"). */
export const PATTERN_LABELS: ReadonlyMap<string, string> = new Map([
  [HEX32_PATTERN, '0x and 64 lower-case hex digits (32 bytes)'],
  [HEX_BYTES_PATTERN, '0x and whole bytes of lower-case hex'],
  [UUID_PATTERN, 'a lower-case RFC 9562 UUID'],
  [TIMESTAMP_PATTERN, 'an RFC 3339 UTC timestamp like 2025-01-31T23:59:59.123Z'],
  [SUBJECT_PATTERN, 'a pseudonym: psn: and 64 lower-case hex digits'],
  [ADDRESS_PATTERN, '0x and 40 lower-case hex digits (an address)'],
  [CALLER_PATTERN, 'a caller pseudonym: clr: and 64 lower-case hex digits'],
  [IDENTIFIER_PATTERN, 'an identifier of 1-128 characters from A-Z a-z 0-9 . _ : / @ + = -'],
  [TOKEN_PATTERN, 'a lower-case token: a-z first, then a-z 0-9 _, at most 64 characters'],
  [UNICODE_TEXT_PATTERN, 'text without lone surrogates'],
])
