// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {CheckpointTypedData} from "../libraries/CheckpointTypedData.sol";
import {KeyRotationTypedData} from "../libraries/KeyRotationTypedData.sol";
import {Checkpoint} from "../types/Checkpoint.sol";
import {KeyRotation} from "../types/KeyRotation.sol";

/// @notice Exposes the {CheckpointTypedData} and {KeyRotationTypedData} libraries to the tests,
/// which compare them with viem and core.
contract CheckpointTypedDataHarness {
    function digest(Checkpoint calldata checkpoint) external pure returns (bytes32) {
        return CheckpointTypedData.digest(checkpoint);
    }

    function structHash(Checkpoint calldata checkpoint) external pure returns (bytes32) {
        return CheckpointTypedData.structHash(checkpoint);
    }

    function keyRotationDigest(KeyRotation calldata rotation) external pure returns (bytes32) {
        return KeyRotationTypedData.digest(rotation);
    }

    function domainSeparator() external pure returns (bytes32) {
        return CheckpointTypedData.DOMAIN_SEPARATOR;
    }
}
