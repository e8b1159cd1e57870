// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {CheckpointTypedData} from "../libraries/CheckpointTypedData.sol";
import {Checkpoint} from "../types/Checkpoint.sol";

/// @notice Exposes the {CheckpointTypedData} library to the tests, which compare it with viem and core.
contract CheckpointTypedDataHarness {
    function digest(Checkpoint calldata checkpoint) external pure returns (bytes32) {
        return CheckpointTypedData.digest(checkpoint);
    }

    function domainSeparator() external pure returns (bytes32) {
        return CheckpointTypedData.DOMAIN_SEPARATOR;
    }
}
