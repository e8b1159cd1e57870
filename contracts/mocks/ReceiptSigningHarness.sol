// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {ReceiptSigning} from "../libraries/ReceiptSigning.sol";
import {Receipt} from "../types/Receipt.sol";

/// @notice Exposes the {ReceiptSigning} library to the tests: the rebuilt signed bytes against
/// core's canonical JSON, the timestamp parser against JavaScript's `Date.parse`.
contract ReceiptSigningHarness {
    function signingBytes(Receipt calldata receipt) external pure returns (bytes memory) {
        return ReceiptSigning.signingBytes(receipt);
    }

    function isTraceId(string calldata traceId) external pure returns (bool) {
        return ReceiptSigning.isTraceId(traceId);
    }

    function parseTimestamp(string calldata timestamp) external pure returns (bool ok, int64 unixSeconds) {
        return ReceiptSigning.parseTimestamp(timestamp);
    }

    /// @notice Many timestamps in one call, for the property tests.
    function parseTimestamps(string[] calldata timestamps)
        external
        pure
        returns (bool[] memory ok, int64[] memory unixSeconds)
    {
        ok = new bool[](timestamps.length);
        unixSeconds = new int64[](timestamps.length);
        for (uint256 i = 0; i < timestamps.length; i++) {
            (ok[i], unixSeconds[i]) = ReceiptSigning.parseTimestamp(timestamps[i]);
        }
    }
}
