// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

/**
 * @notice A log's signed statement of its tree at the end of one epoch, as in
 * `core/src/checkpoint` (ARCHITECTURE.md, Formats): the first `treeSize` leaves of log `logId`
 * have the RFC 9162 root `rootHash`. Signed as EIP-712 typed data, see {CheckpointTypedData}.
 * @param logId The log, as declared in the LanternRegistry.
 * @param epoch 1, 2, 3 … with no gaps.
 * @param treeSize Number of leaves; never shrinks from one epoch to the next.
 * @param rootHash RFC 9162 root of the first `treeSize` leaves.
 * @param timestamp Unix time in seconds at which the sequencer closed the epoch.
 */
// The field order is the EIP-712 type's, which signers hash: it cannot be rearranged for packing.
// solhint-disable-next-line gas-struct-packing
struct Checkpoint {
    bytes32 logId;
    uint64 epoch;
    uint64 treeSize;
    bytes32 rootHash;
    uint64 timestamp;
}

/**
 * @notice A checkpoint with the signature of the log's checkpoint signer: 65 bytes `r ‖ s ‖ v`
 * for an EOA signer, or whatever the signer contract accepts through ERC-1271.
 */
struct SignedCheckpoint {
    Checkpoint checkpoint;
    bytes signature;
}

/**
 * @notice A leaf hash and its RFC 9162 inclusion proof (§2.1.3), ordered from the leaf up.
 */
struct LeafInclusion {
    bytes32 leafHash;
    bytes32[] proof;
}
