// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {KeyRotation} from "../types/KeyRotation.sol";
import {CheckpointTypedData} from "./CheckpointTypedData.sol";

/**
 * @title KeyRotationTypedData
 * @notice EIP-712 digest of a {KeyRotation} statement, as signed by the checkpoint signer of the
 * period it follows and computed by `core` (viem `hashTypedData`).
 *
 * @dev Same domain as checkpoints (`{ name: "TML Anchor", version: "1" }`, no chainId, no
 * verifyingContract): a log's key history is a statement about the log, not about a chain, so one
 * signature is relayed unchanged to every chain and every registry.
 */
library KeyRotationTypedData {
    /// @dev keccak256("KeyRotation(bytes32 logId,uint64 index,uint64 fromEpoch,address signer,"
    /// "bytes32 receiptKey)"), the type string in one piece.
    bytes32 internal constant KEY_ROTATION_TYPEHASH =
        0x5d15a4dcf799da389f1832b78ef5d7ba28e36e7b220fe75b44ec4bf421ca63a1;

    /**
     * @notice The EIP-712 digest `keccak256(0x1901 ‖ DOMAIN_SEPARATOR ‖ hashStruct(rotation))`.
     */
    function digest(KeyRotation calldata rotation) internal pure returns (bytes32) {
        return CheckpointTypedData.toTypedDataHash(structHash(rotation));
    }

    /**
     * @notice The EIP-712 struct hash `keccak256(abi.encode(KEY_ROTATION_TYPEHASH, logId, index,
     * fromEpoch, signer, receiptKey))`; two statements differ exactly when their struct hashes do.
     */
    function structHash(KeyRotation calldata rotation) internal pure returns (bytes32) {
        // Rotations are rare: plain abi.encode (which also rejects dirty calldata) is clear enough.
        return keccak256(
            abi.encode(
                KEY_ROTATION_TYPEHASH,
                rotation.logId,
                rotation.index,
                rotation.fromEpoch,
                rotation.signer,
                rotation.receiptKey
            )
        );
    }
}
