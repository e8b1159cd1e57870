// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {Checkpoint} from "../types/Checkpoint.sol";

/**
 * @title CheckpointTypedData
 * @notice EIP-712 digest of a {Checkpoint}, as signed by a log's checkpoint signer and computed by
 * `core/src/checkpoint` (viem `hashTypedData`).
 *
 * @dev The domain is `{ name: "TML Anchor", version: "1" }` with no chainId, no
 * verifyingContract and no salt, so that one signature anchors the same checkpoint on every chain
 * and in every registry (ARCHITECTURE.md, Formats). A replay across chains is the purpose, not a
 * risk: the statement is about the log, not about a chain. That is also why OpenZeppelin's
 * `EIP712`, which binds chainId and address, does not fit: the separator is a constant here.
 */
library CheckpointTypedData {
    /// @dev keccak256("EIP712Domain(string name,string version)")
    bytes32 internal constant DOMAIN_TYPEHASH = 0xb03948446334eb9b2196d5eb166f69b9d49403eb4a12f36de8d3f9f3cb8e15c3;

    /// @dev keccak256(abi.encode(DOMAIN_TYPEHASH, keccak256("TML Anchor"), keccak256("1")))
    bytes32 internal constant DOMAIN_SEPARATOR = 0x59c863b6b7b7f9c13eba9b0664d4d65f041eb91f5f6324d12a6b412aba9671af;

    /// @dev keccak256("Checkpoint(bytes32 logId,uint64 epoch,uint64 treeSize,bytes32 rootHash,uint64 timestamp)")
    bytes32 internal constant CHECKPOINT_TYPEHASH = 0x13e45902d997e82f425cfb8364d2f4460cc0779df7f36aeef39d709f66b91918;

    /**
     * @notice The EIP-712 digest `keccak256(0x1901 ‖ DOMAIN_SEPARATOR ‖ hashStruct(checkpoint))`.
     */
    function digest(Checkpoint calldata checkpoint) internal pure returns (bytes32) {
        return toTypedDataHash(structHash(checkpoint));
    }

    /**
     * @notice The EIP-712 struct hash `keccak256(abi.encode(CHECKPOINT_TYPEHASH, logId, epoch,
     * treeSize, rootHash, timestamp))`: what the registry stores per anchored epoch, since it
     * commits to the epoch's size, root and time in one slot.
     */
    function structHash(Checkpoint calldata checkpoint) internal pure returns (bytes32 result) {
        // Reading the uint64 fields through Solidity first rejects calldata with dirty high bits,
        // so the raw words hashed below are exactly the ABI encoding of the values read.
        (uint64 epoch, uint64 treeSize, uint64 closedAt) =
            (checkpoint.epoch, checkpoint.treeSize, checkpoint.timestamp);
        assembly ("memory-safe") {
            let buffer := mload(0x40)
            mstore(buffer, CHECKPOINT_TYPEHASH)
            mstore(add(buffer, 0x20), calldataload(checkpoint))
            mstore(add(buffer, 0x40), epoch)
            mstore(add(buffer, 0x60), treeSize)
            mstore(add(buffer, 0x80), calldataload(add(checkpoint, 0x60)))
            mstore(add(buffer, 0xa0), closedAt)
            result := keccak256(buffer, 0xc0)
        }
    }

    /**
     * @notice The EIP-712 digest `keccak256(0x1901 ‖ DOMAIN_SEPARATOR ‖ hash)` of a struct hash
     * under the TML Anchor domain (checkpoints and key rotations share it).
     */
    function toTypedDataHash(bytes32 hash) internal pure returns (bytes32 result) {
        assembly ("memory-safe") {
            let buffer := mload(0x40)
            // 0x1901 ‖ separator ‖ hash, 66 bytes starting 30 bytes into the first word.
            mstore(buffer, 0x1901)
            mstore(add(buffer, 0x20), DOMAIN_SEPARATOR)
            mstore(add(buffer, 0x40), hash)
            result := keccak256(add(buffer, 0x1e), 0x42)
        }
    }
}
