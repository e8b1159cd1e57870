// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

/**
 * @notice A log's signed statement that its keys change: from epoch `fromEpoch` on, checkpoints
 * are signed by `signer` and receipts by `receiptKey`. Statement `index = n` (n >= 1) opens key
 * period n and is signed by the checkpoint signer of period n - 1 (period 0 being the keys the log
 * was declared with, from epoch 1). Signed as EIP-712 typed data under the same domain as
 * checkpoints, see {KeyRotationTypedData}: one statement is the same on every chain.
 * @param logId The log, as declared in the LanternRegistry.
 * @param index The key period it opens (1 for the first rotation).
 * @param fromEpoch The first epoch the new keys cover; greater than the previous period's.
 * @param signer The new checkpoint signer (an EOA).
 * @param receiptKey The new receipt key: keccak256(x ‖ y) of the P-256 public key (`tml-receipt/2`).
 */
// The field order is the EIP-712 type's, which signers hash: it cannot be rearranged for packing.
// solhint-disable-next-line gas-struct-packing
struct KeyRotation {
    bytes32 logId;
    uint64 index;
    uint64 fromEpoch;
    address signer;
    bytes32 receiptKey;
}
