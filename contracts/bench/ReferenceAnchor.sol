// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

/**
 * @notice The minimal anchoring contract that `bench/gas.ts` measures `anchor` against: it stores
 * a root in a mapping and emits an event, and checks nothing.
 */
contract ReferenceAnchor {
    event RootAnchored(bytes32 indexed logId, uint64 indexed epoch, bytes32 rootHash);

    mapping(bytes32 logId => mapping(uint64 epoch => bytes32 rootHash)) public roots;

    function anchor(bytes32 logId, uint64 epoch, bytes32 rootHash) external {
        roots[logId][epoch] = rootHash;
        emit RootAnchored(logId, epoch, rootHash);
    }
}
