// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {P256} from "@openzeppelin/contracts/utils/cryptography/P256.sol";
import {Ed25519} from "./Ed25519.sol";

/**
 * @notice What checking a receipt signature on chain costs, for `bench/receiptSignatureGas.ts`:
 * a broken-promise report of the first kind (issue 13: an anchored root holds another leaf at the
 * receipt's index) with the receipt signature checked by each candidate scheme, side by side with
 * the same report that checks no signature. Not a registry contract: the anchored root and the
 * receipt key of a log are set directly by `setLog`, with no checkpoint or key history behind
 * them, and the report stops at marking the log.
 *
 * The signed bytes are rebuilt on chain from the receipt's fields exactly as core's
 * `receiptSigningBytes` writes them (RFC 8785 of the six fields, `tml-receipt/1`), so a report
 * carries the fields, not a JSON text the contract would have to parse.
 *
 * Receipt keys, one `bytes32` per log as the registry stores them:
 * - Ed25519: the 32-byte public key itself;
 * - P-256: keccak256(x ‖ y) of the public key, whose x and y come with the report;
 * - secp256k1 (ecrecover, for reference): the signer's address.
 */
contract ReceiptSignatureBench {
    /// @notice The fields of a `tml-receipt/1` receipt (its `v` is implied).
    struct Receipt {
        bytes32 logId;
        string traceId;
        uint64 seq;
        bytes32 leafHash;
        string timestamp;
    }

    /// @notice An RFC 9162 inclusion proof of `leafHash` at the receipt's index in the anchored tree.
    struct OtherLeaf {
        bytes32 leafHash;
        bytes32[] path;
    }

    struct Log {
        bytes32 receiptKey;
        bytes32 rootHash;
        uint64 treeSize;
    }

    /// @notice 1 = a receipt's promise was shown broken.
    mapping(bytes32 logId => uint8 reason) public compromised;
    mapping(bytes32 logId => Log) public logs;

    uint8 private constant BROKEN_PROMISE = 1;

    event BrokenPromiseProven(bytes32 indexed logId, uint64 indexed seq, bytes32 promisedLeaf, bytes32 loggedLeaf);

    error ReceiptFieldInvalid(uint8 field);
    error ReceiptSignatureInvalid(bytes32 logId);
    error ReceiptKeyMismatch(bytes32 logId);
    error InclusionProofInvalid(bytes32 logId, uint64 seq);
    error PromiseKept(bytes32 logId, uint64 seq);

    function setLog(bytes32 logId, bytes32 receiptKey, bytes32 rootHash, uint64 treeSize) external {
        logs[logId] = Log(receiptKey, rootHash, treeSize);
    }

    // ---- Signature checks alone (eth_call), with the gas measured inside the call ----

    /// @notice Ed25519 (vendored Solidity verifier) over `message`; gas of the verification alone.
    function measureEd25519(
        bytes32 publicKey,
        bytes32 r,
        bytes32 s,
        bytes calldata message
    ) external view returns (bool valid, uint256 gasUsed) {
        bytes memory m = message;
        uint256 before = gasleft();
        valid = Ed25519.verify(publicKey, r, s, m);
        gasUsed = before - gasleft();
    }

    /// @notice P-256 through the precompile at 0x100 over sha256(`message`); gas of hash + check.
    function measureP256Precompile(
        bytes32 r,
        bytes32 s,
        bytes32 x,
        bytes32 y,
        bytes calldata message
    ) external view returns (bool valid, uint256 gasUsed) {
        bytes memory m = message;
        uint256 before = gasleft();
        valid = _p256Precompile(sha256(m), r, s, x, y);
        gasUsed = before - gasleft();
    }

    /// @notice P-256 in Solidity (OpenZeppelin's `P256.verifySolidity`) over sha256(`message`).
    function measureP256Solidity(
        bytes32 r,
        bytes32 s,
        bytes32 x,
        bytes32 y,
        bytes calldata message
    ) external view returns (bool valid, uint256 gasUsed) {
        bytes memory m = message;
        uint256 before = gasleft();
        valid = P256.verifySolidity(sha256(m), r, s, x, y);
        gasUsed = before - gasleft();
    }

    /// @notice secp256k1 `ecrecover` over sha256(`message`), for reference.
    function measureEcrecover(
        uint8 v,
        bytes32 r,
        bytes32 s,
        address signer,
        bytes calldata message
    ) external view returns (bool valid, uint256 gasUsed) {
        bytes memory m = message;
        uint256 before = gasleft();
        address recovered = ecrecover(sha256(m), v, r, s);
        valid = recovered != address(0) && recovered == signer;
        gasUsed = before - gasleft();
    }

    /// @notice The bytes a receipt signature covers, rebuilt from its fields; gas of the rebuild.
    function measureSigningBytes(Receipt calldata receipt) external view returns (bytes memory m, uint256 gasUsed) {
        uint256 before = gasleft();
        m = signingBytes(receipt);
        gasUsed = before - gasleft();
    }

    // ---- Broken-promise reports (transactions) ----

    /// @notice The report without any signature check: what every scheme shares.
    function reportBrokenPromiseUnsigned(Receipt calldata receipt, OtherLeaf calldata other) external {
        signingBytes(receipt);
        _markBroken(receipt, other);
    }

    function reportBrokenPromiseEd25519(
        Receipt calldata receipt,
        bytes32 r,
        bytes32 s,
        OtherLeaf calldata other
    ) external {
        if (!Ed25519.verify(logs[receipt.logId].receiptKey, r, s, signingBytes(receipt))) {
            revert ReceiptSignatureInvalid(receipt.logId);
        }
        _markBroken(receipt, other);
    }

    function reportBrokenPromiseP256(
        Receipt calldata receipt,
        bytes32 r,
        bytes32 s,
        bytes32 x,
        bytes32 y,
        OtherLeaf calldata other
    ) external {
        _checkP256Key(receipt.logId, x, y);
        if (!_p256Precompile(sha256(signingBytes(receipt)), r, s, x, y)) {
            revert ReceiptSignatureInvalid(receipt.logId);
        }
        _markBroken(receipt, other);
    }

    function reportBrokenPromiseP256Solidity(
        Receipt calldata receipt,
        bytes32 r,
        bytes32 s,
        bytes32 x,
        bytes32 y,
        OtherLeaf calldata other
    ) external {
        _checkP256Key(receipt.logId, x, y);
        if (!P256.verifySolidity(sha256(signingBytes(receipt)), r, s, x, y)) {
            revert ReceiptSignatureInvalid(receipt.logId);
        }
        _markBroken(receipt, other);
    }

    function reportBrokenPromiseEcrecover(
        Receipt calldata receipt,
        uint8 v,
        bytes32 r,
        bytes32 s,
        OtherLeaf calldata other
    ) external {
        address recovered = ecrecover(sha256(signingBytes(receipt)), v, r, s);
        if (recovered == address(0) || bytes32(uint256(uint160(recovered))) != logs[receipt.logId].receiptKey) {
            revert ReceiptSignatureInvalid(receipt.logId);
        }
        _markBroken(receipt, other);
    }

    // ---- Internals ----

    /**
     * @notice RFC 8785 of the six fields, keys sorted:
     * {"leafHash":"0x…","logId":"0x…","seq":N,"timestamp":"…","traceId":"…","v":"tml-receipt/1"}.
     * The two strings may hold no character that RFC 8785 would escape (the receipt format allows
     * none there: a UUID and an RFC 3339 timestamp).
     */
    function signingBytes(Receipt calldata receipt) public pure returns (bytes memory) {
        _plain(receipt.traceId, 1);
        _plain(receipt.timestamp, 2);
        return
            abi.encodePacked(
                "{\"leafHash\":\"0x",
                _hex32(receipt.leafHash),
                "\",\"logId\":\"0x",
                _hex32(receipt.logId),
                "\",\"seq\":",
                _decimal(receipt.seq),
                ",\"timestamp\":\"",
                receipt.timestamp,
                "\",\"traceId\":\"",
                receipt.traceId,
                "\",\"v\":\"tml-receipt/1\"}"
            );
    }

    function _markBroken(Receipt calldata receipt, OtherLeaf calldata other) private {
        Log storage log = logs[receipt.logId];
        if (other.leafHash == receipt.leafHash) revert PromiseKept(receipt.logId, receipt.seq);
        if (!_included(receipt.seq, log.treeSize, other.leafHash, other.path, log.rootHash)) {
            revert InclusionProofInvalid(receipt.logId, receipt.seq);
        }
        compromised[receipt.logId] = BROKEN_PROMISE;
        emit BrokenPromiseProven(receipt.logId, receipt.seq, receipt.leafHash, other.leafHash);
    }

    function _checkP256Key(bytes32 logId, bytes32 x, bytes32 y) private view {
        if (keccak256(abi.encodePacked(x, y)) != logs[logId].receiptKey) revert ReceiptKeyMismatch(logId);
    }

    /// @dev EIP-7951 / RIP-7212: 160 bytes in, 32-byte 1 out when valid, nothing otherwise.
    function _p256Precompile(bytes32 h, bytes32 r, bytes32 s, bytes32 x, bytes32 y) private view returns (bool ok) {
        assembly ("memory-safe") {
            let p := mload(0x40)
            mstore(p, h)
            mstore(add(p, 0x20), r)
            mstore(add(p, 0x40), s)
            mstore(add(p, 0x60), x)
            mstore(add(p, 0x80), y)
            let success := staticcall(gas(), 0x100, p, 0xa0, 0x00, 0x20)
            ok := and(success, and(eq(returndatasize(), 0x20), eq(mload(0x00), 1)))
        }
    }

    /// @dev RFC 9162 §2.1.3.2: whether `leaf` is at `index` in the tree of `size` with `root`.
    function _included(
        uint256 index,
        uint256 size,
        bytes32 leaf,
        bytes32[] calldata path,
        bytes32 root
    ) private view returns (bool) {
        if (index >= size) return false;
        uint256 fn = index;
        uint256 sn = size - 1;
        bytes32 r = leaf;
        for (uint256 i = 0; i < path.length; i++) {
            if (sn == 0) return false;
            if (fn & 1 == 1 || fn == sn) {
                r = _node(path[i], r);
                while (fn & 1 == 0 && fn != 0) {
                    fn >>= 1;
                    sn >>= 1;
                }
            } else {
                r = _node(r, path[i]);
            }
            fn >>= 1;
            sn >>= 1;
        }
        return sn == 0 && r == root;
    }

    function _node(bytes32 left, bytes32 right) private view returns (bytes32 h) {
        assembly ("memory-safe") {
            let p := mload(0x40)
            mstore8(p, 0x01)
            mstore(add(p, 1), left)
            mstore(add(p, 33), right)
            if iszero(staticcall(gas(), 0x02, p, 65, 0x00, 0x20)) {
                revert(0, 0)
            }
            h := mload(0x00)
        }
    }

    /// @dev 64 lower-case hex digits; the digit table sits in scratch space (bytes 0x1f..0x2e).
    function _hex32(bytes32 value) private pure returns (bytes memory out) {
        out = new bytes(64);
        assembly ("memory-safe") {
            mstore(0x0f, 0x30313233343536373839616263646566)
            let o := add(out, 0x20)
            for {
                let i := 0
            } lt(i, 32) {
                i := add(i, 1)
            } {
                let b := byte(i, value)
                mstore8(add(o, shl(1, i)), mload(shr(4, b)))
                mstore8(add(o, add(shl(1, i), 1)), mload(and(b, 15)))
            }
        }
    }

    function _decimal(uint64 value) private pure returns (bytes memory out) {
        if (value == 0) return "0";
        uint256 length;
        for (uint64 v = value; v != 0; v /= 10) length++;
        out = new bytes(length);
        for (uint64 v = value; v != 0; v /= 10) out[--length] = bytes1(uint8(48 + (v % 10)));
    }

    function _plain(string calldata text, uint8 field) private pure {
        bytes calldata b = bytes(text);
        for (uint256 i = 0; i < b.length; i++) {
            bytes1 c = b[i];
            if (c < 0x20 || c == "\"" || c == "\\" || c >= 0x7f) revert ReceiptFieldInvalid(field);
        }
    }
}
