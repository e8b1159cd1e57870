// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

/**
 * @title RFC9162
 * @notice Merkle tree hashing and proof verification of RFC 9162 §2.1 (Certificate Transparency
 * v2), with SHA-256 from the EVM precompile at address 0x02: leaf = SHA-256(0x00 || data),
 * node = SHA-256(0x01 || left || right). The same tree as `core/src/merkle` and the vectors in
 * `test/vectors/rfc6962`.
 *
 * @dev Proofs are read from calldata one word at a time and every node hash reuses one 65-byte
 * buffer just past the free memory pointer (the 0x01 prefix is written once), so a proof step
 * costs one precompile call and two memory writes. The buffer is never allocated: nothing in it
 * outlives the assembly block that writes it.
 */
library RFC9162 {
    /// @dev SHA-256 of the empty string: the root of the empty tree (RFC 9162 §2.1.1).
    bytes32 internal constant EMPTY_ROOT = 0xe3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855;

    /// @dev SHA-256 precompile (EIP-2929 keeps precompiles warm, so each call costs 100 + 60 + 12 per word).
    uint256 private constant _SHA256 = 0x02;

    /**
     * @notice Leaf hash of RFC 9162 §2.1.1: SHA-256(0x00 || data).
     * @dev Example: `hashLeaf("")` is `0x6e340b9c…a01d`, the first leaf of the RFC 6962 test tree.
     */
    function hashLeaf(bytes memory data) internal view returns (bytes32 digest) {
        assembly ("memory-safe") {
            let length := mload(data)
            let buffer := mload(0x40)
            mstore8(buffer, 0x00)
            mcopy(add(buffer, 0x01), add(data, 0x20), length)
            if iszero(staticcall(gas(), _SHA256, buffer, add(length, 0x01), 0x00, 0x20)) { revert(0x00, 0x00) }
            digest := mload(0x00)
        }
    }

    /**
     * @notice Interior node hash of RFC 9162 §2.1.1: SHA-256(0x01 || left || right).
     */
    function hashChildren(bytes32 left, bytes32 right) internal view returns (bytes32 digest) {
        assembly ("memory-safe") {
            let buffer := mload(0x40)
            mstore8(buffer, 0x01)
            mstore(add(buffer, 0x01), left)
            mstore(add(buffer, 0x21), right)
            if iszero(staticcall(gas(), _SHA256, buffer, 0x41, 0x00, 0x20)) { revert(0x00, 0x00) }
            digest := mload(0x00)
        }
    }

    /**
     * @notice Whether `proof` proves that the leaf hash `leafHash` sits at index `leafIndex` of the
     * tree of `treeSize` leaves whose root is `root`: the verification algorithm of RFC 9162 §2.1.3.2.
     * @dev Requires `leafIndex < treeSize` (false otherwise) and a proof of exactly the length the
     * sizes call for: a shorter or a longer proof is false, never an error.
     */
    function verifyInclusion(
        uint64 leafIndex,
        uint64 treeSize,
        bytes32 leafHash,
        bytes32[] calldata proof,
        bytes32 root
    ) internal view returns (bool valid) {
        if (leafIndex >= treeSize) return false;
        assembly ("memory-safe") {
            let buffer := mload(0x40)
            mstore8(buffer, 0x01)
            let left := add(buffer, 0x01)
            let right := add(buffer, 0x21)
            let fn := leafIndex
            // Cannot underflow: treeSize > leafIndex >= 0.
            let sn := sub(treeSize, 1)
            let r := leafHash
            valid := 1
            let end := add(proof.offset, shl(5, proof.length))
            for { let p := proof.offset } lt(p, end) { p := add(p, 0x20) } {
                // More proof hashes than levels above the leaf.
                if iszero(sn) {
                    valid := 0
                    break
                }
                let c := calldataload(p)
                switch or(and(fn, 1), eq(fn, sn))
                case 0 {
                    mstore(left, r)
                    mstore(right, c)
                }
                default {
                    mstore(left, c)
                    mstore(right, r)
                    // On the right border: skip the levels where this subtree has no right sibling.
                    if iszero(and(fn, 1)) {
                        for {} and(iszero(and(fn, 1)), iszero(iszero(fn))) {} {
                            fn := shr(1, fn)
                            sn := shr(1, sn)
                        }
                    }
                }
                if iszero(staticcall(gas(), _SHA256, buffer, 0x41, 0x00, 0x20)) { revert(0x00, 0x00) }
                r := mload(0x00)
                fn := shr(1, fn)
                sn := shr(1, sn)
            }
            valid := and(valid, and(iszero(sn), eq(r, root)))
        }
    }

    /**
     * @notice Whether `proof` proves that the tree of `size1` leaves with root `root1` is a prefix
     * of the tree of `size2` leaves with root `root2`: the verification algorithm of
     * RFC 9162 §2.1.4.2.
     * @dev Requires `0 < size1 <= size2` (false otherwise); equal sizes need an empty proof and
     * equal roots. RFC 9162 defines no proof from the empty tree, so `size1 == 0` is false even
     * for two empty trees: callers that accept any tree after an empty one handle that case
     * themselves, as `core/src/merkle/checkConsistency.ts` and transparency-dev/merkle do.
     */
    // One assembly loop reads best whole, next to the RFC's numbered steps.
    // solhint-disable-next-line function-max-lines
    function verifyConsistency(
        uint64 size1,
        uint64 size2,
        bytes32 root1,
        bytes32 root2,
        bytes32[] calldata proof
    ) internal view returns (bool valid) {
        if (size1 == 0 || size1 > size2) return false;
        if (size1 == size2) return proof.length == 0 && root1 == root2;
        if (proof.length == 0) return false;
        assembly ("memory-safe") {
            let buffer := mload(0x40)
            mstore8(buffer, 0x01)
            let left := add(buffer, 0x01)
            let right := add(buffer, 0x21)
            // Cannot underflow: size2 > size1 > 0.
            let fn := sub(size1, 1)
            let sn := sub(size2, 1)
            let p := proof.offset
            let end := add(p, shl(5, proof.length))
            // RFC 9162 §2.1.4.2 step 2: a first tree whose size is a power of 2 is a node of the
            // second tree, so its root starts the chain instead of a proof hash.
            let fr := root1
            if and(size1, fn) {
                fr := calldataload(p)
                p := add(p, 0x20)
            }
            let sr := fr
            // Step 4: start at the level of the largest full subtree ending at leaf size1 - 1.
            for {} and(fn, 1) {} {
                fn := shr(1, fn)
                sn := shr(1, sn)
            }
            valid := 1
            for {} lt(p, end) { p := add(p, 0x20) } {
                // More proof hashes than levels: the proof is too long.
                if iszero(sn) {
                    valid := 0
                    break
                }
                let c := calldataload(p)
                switch or(and(fn, 1), eq(fn, sn))
                case 0 {
                    // A right sibling that only the second tree has.
                    mstore(left, sr)
                    mstore(right, c)
                    if iszero(staticcall(gas(), _SHA256, buffer, 0x41, 0x00, 0x20)) { revert(0x00, 0x00) }
                    sr := mload(0x00)
                }
                default {
                    // A left sibling that both trees share.
                    mstore(left, c)
                    mstore(right, fr)
                    if iszero(staticcall(gas(), _SHA256, buffer, 0x41, 0x00, 0x20)) { revert(0x00, 0x00) }
                    // While both chains still hold the same node the second hash is the first one.
                    switch eq(fr, sr)
                    case 1 {
                        fr := mload(0x00)
                        sr := fr
                    }
                    default {
                        fr := mload(0x00)
                        mstore(right, sr)
                        if iszero(staticcall(gas(), _SHA256, buffer, 0x41, 0x00, 0x20)) { revert(0x00, 0x00) }
                        sr := mload(0x00)
                    }
                    if iszero(and(fn, 1)) {
                        for {} and(iszero(and(fn, 1)), iszero(iszero(fn))) {} {
                            fn := shr(1, fn)
                            sn := shr(1, sn)
                        }
                    }
                }
                fn := shr(1, fn)
                sn := shr(1, sn)
            }
            valid := and(valid, and(iszero(sn), and(eq(fr, root1), eq(sr, root2))))
        }
    }
}
