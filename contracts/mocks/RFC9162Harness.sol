// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {RFC9162} from "../libraries/RFC9162.sol";

/// @notice Exposes the {RFC9162} library to the tests, which run the shared vectors and random
/// trees built by core through it (the batch functions check many proofs in one call).
contract RFC9162Harness {
    struct InclusionCase {
        uint64 leafIndex;
        uint64 treeSize;
        bytes32 leafHash;
        bytes32[] proof;
        bytes32 root;
    }

    struct ConsistencyCase {
        uint64 size1;
        uint64 size2;
        bytes32 root1;
        bytes32 root2;
        bytes32[] proof;
    }

    function hashLeaf(bytes calldata data) external view returns (bytes32) {
        return RFC9162.hashLeaf(data);
    }

    function hashChildren(bytes32 left, bytes32 right) external view returns (bytes32) {
        return RFC9162.hashChildren(left, right);
    }

    function verifyInclusion(
        uint64 leafIndex,
        uint64 treeSize,
        bytes32 leafHash,
        bytes32[] calldata proof,
        bytes32 root
    ) external view returns (bool) {
        return RFC9162.verifyInclusion(leafIndex, treeSize, leafHash, proof, root);
    }

    function verifyConsistency(
        uint64 size1,
        uint64 size2,
        bytes32 root1,
        bytes32 root2,
        bytes32[] calldata proof
    ) external view returns (bool) {
        return RFC9162.verifyConsistency(size1, size2, root1, root2, proof);
    }

    function verifyInclusionBatch(InclusionCase[] calldata cases) external view returns (bool[] memory results) {
        results = new bool[](cases.length);
        for (uint256 i; i < cases.length; ++i) {
            InclusionCase calldata c = cases[i];
            results[i] = RFC9162.verifyInclusion(c.leafIndex, c.treeSize, c.leafHash, c.proof, c.root);
        }
    }

    function verifyConsistencyBatch(ConsistencyCase[] calldata cases) external view returns (bool[] memory results) {
        results = new bool[](cases.length);
        for (uint256 i; i < cases.length; ++i) {
            ConsistencyCase calldata c = cases[i];
            results[i] = RFC9162.verifyConsistency(c.size1, c.size2, c.root1, c.root2, c.proof);
        }
    }
}
