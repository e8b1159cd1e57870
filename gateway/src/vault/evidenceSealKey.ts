/**
 * An MTL's `evidence_seal` as its RFC 8785 text spells it (a top-level key, no spaces): the
 * stores look for it in the stored text to tell sealed MTLs from others without parsing them.
 */
export const EVIDENCE_SEAL_KEY = '"evidence_seal":"'
