/**
 * EIP-712 domain and types of a reviewer's resolution, as the gateway verifies them
 * (gateway/README.md, Reviewer resolutions). The desk signs these constants, never the types a
 * gateway sends: a gateway cannot make a reviewer sign something else.
 */
export const RESOLUTION_DOMAIN = { name: 'TML Anchor', version: '1' } as const

export const RESOLUTION_TYPES = {
  Resolution: [
    { name: 'logId', type: 'bytes32' },
    { name: 'pauseId', type: 'string' },
    { name: 'pauseLeafHash', type: 'bytes32' },
    { name: 'decision', type: 'int8' },
    { name: 'rationaleHash', type: 'bytes32' },
    { name: 'deadline', type: 'uint64' },
  ],
} as const

/** How long a reviewer's signature stays valid after signing, in seconds. */
export const SIGNATURE_LIFETIME_S = 600
