// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";
import {ICheckpointRegistry} from "./interfaces/ICheckpointRegistry.sol";
import {CheckpointTypedData} from "./libraries/CheckpointTypedData.sol";
import {RFC9162} from "./libraries/RFC9162.sol";
import {Checkpoint, LeafInclusion, SignedCheckpoint} from "./types/Checkpoint.sol";

/**
 * @title CheckpointRegistry
 * @notice Anchors the checkpoints of TML Anchor logs: each epoch's root, signed by the log's
 * signer and proven consistent with the previous epoch on chain. See {ICheckpointRegistry}.
 *
 * @dev Storage per log, laid out so that `anchor` reads three slots and writes one new one:
 * - `_logs`: signer and status, read on every anchor, written only when the log is configured;
 * - `_heads`: epoch, tree size and time of the latest checkpoint, packed in one slot;
 * - `_roots`: one slot per epoch, the only storage that grows.
 * No upgrade proxy: an evidence contract does not change.
 */
contract CheckpointRegistry is ICheckpointRegistry {
    /// @inheritdoc ICheckpointRegistry
    uint64 public constant MAX_CLOCK_SKEW = 15 minutes;

    /// @inheritdoc ICheckpointRegistry
    address public immutable lantern;

    struct LogState {
        address signer;
        LogStatus status;
    }

    struct Head {
        uint64 epoch;
        uint64 treeSize;
        uint64 timestamp;
    }

    struct SignerPeriod {
        address signer;
        uint64 fromEpoch;
    }

    mapping(bytes32 logId => LogState) private _logs;
    mapping(bytes32 logId => Head) private _heads;
    mapping(bytes32 logId => mapping(uint64 epoch => bytes32 rootHash)) private _roots;
    mapping(bytes32 logId => SignerPeriod[]) private _signers;

    modifier onlyLantern() {
        if (msg.sender != lantern) revert CheckpointUnauthorizedCaller(msg.sender);
        _;
    }

    /// @param lantern_ The LanternRegistry that declares the logs anchored here.
    constructor(address lantern_) {
        lantern = lantern_;
    }

    /// @inheritdoc ICheckpointRegistry
    function anchor(
        Checkpoint calldata checkpoint,
        bytes32[] calldata consistencyProof,
        bytes calldata signature
    ) external {
        bytes32 logId = checkpoint.logId;
        LogState memory log = _logs[logId];
        if (log.status != LogStatus.Active) _revertInactive(logId, log.status);

        Head memory last = _heads[logId];
        uint64 epoch = checkpoint.epoch;
        uint64 next;
        // Cannot overflow: epochs grow by one per anchoring transaction, far from 2^64.
        unchecked {
            next = last.epoch + 1;
        }
        if (epoch != next) {
            if (epoch == 0 || epoch > next) revert CheckpointEpochNotNext(logId, next, epoch);
            bytes32 anchored = _roots[logId][epoch];
            if (anchored == checkpoint.rootHash) return; // already anchored: nothing to do
            revert CheckpointRootConflict(logId, epoch, anchored, checkpoint.rootHash);
        }

        _requireAppendOnly(logId, last, checkpoint, consistencyProof);
        if (!_isValidSignature(log.signer, CheckpointTypedData.digest(checkpoint), signature)) {
            revert CheckpointInvalidSignature(logId, epoch, log.signer);
        }

        (uint64 treeSize, bytes32 rootHash, uint64 timestamp) =
            (checkpoint.treeSize, checkpoint.rootHash, checkpoint.timestamp);
        _roots[logId][epoch] = rootHash;
        _heads[logId] = Head({epoch: epoch, treeSize: treeSize, timestamp: timestamp});
        emit CheckpointAnchored(logId, epoch, treeSize, rootHash, timestamp);
    }

    /// @inheritdoc ICheckpointRegistry
    function reportEquivocation(SignedCheckpoint calldata first, SignedCheckpoint calldata second) external {
        bytes32 logId = _requireEvidence(first, second);
        Checkpoint calldata a = first.checkpoint;
        Checkpoint calldata b = second.checkpoint;

        EquivocationKind kind;
        if (a.epoch == b.epoch) {
            if (a.rootHash == b.rootHash && a.treeSize == b.treeSize) _revertNotProven(logId, a, b);
            kind = EquivocationKind.SameEpoch;
        } else if (a.treeSize == b.treeSize) {
            if (a.rootHash == b.rootHash) _revertNotProven(logId, a, b);
            kind = EquivocationKind.SameSizeDifferentRoots;
        } else {
            (Checkpoint calldata earlier, Checkpoint calldata later) = a.epoch < b.epoch ? (a, b) : (b, a);
            if (later.treeSize > earlier.treeSize) _revertNotProven(logId, a, b);
            kind = EquivocationKind.TreeShrank;
        }
        _markCompromised(logId, kind, a.epoch, b.epoch);
    }

    /// @inheritdoc ICheckpointRegistry
    function reportInconsistency(
        SignedCheckpoint calldata first,
        SignedCheckpoint calldata second,
        uint64 leafIndex,
        LeafInclusion calldata inFirst,
        LeafInclusion calldata inSecond
    ) external {
        bytes32 logId = _requireEvidence(first, second);
        Checkpoint calldata a = first.checkpoint;
        Checkpoint calldata b = second.checkpoint;
        if (
            inFirst.leafHash == inSecond.leafHash
                || !RFC9162.verifyInclusion(leafIndex, a.treeSize, inFirst.leafHash, inFirst.proof, a.rootHash)
                || !RFC9162.verifyInclusion(leafIndex, b.treeSize, inSecond.leafHash, inSecond.proof, b.rootHash)
        ) {
            _revertNotProven(logId, a, b);
        }
        _markCompromised(logId, EquivocationKind.DifferentLeaves, a.epoch, b.epoch);
    }

    /// @inheritdoc ICheckpointRegistry
    function registerLog(bytes32 logId, address signer) external onlyLantern {
        if (_logs[logId].status != LogStatus.Unknown) revert CheckpointLogExists(logId);
        if (signer == address(0)) revert CheckpointInvalidSigner(signer);
        _logs[logId] = LogState({signer: signer, status: LogStatus.Active});
        _signers[logId].push(SignerPeriod({signer: signer, fromEpoch: 1}));
    }

    /// @inheritdoc ICheckpointRegistry
    function rotateSigner(bytes32 logId, address signer) external onlyLantern returns (uint64 fromEpoch) {
        LogState storage log = _logs[logId];
        if (log.status != LogStatus.Active) _revertInactive(logId, log.status);
        if (signer == address(0)) revert CheckpointInvalidSigner(signer);
        // Cannot overflow: see anchor.
        unchecked {
            fromEpoch = _heads[logId].epoch + 1;
        }
        log.signer = signer;
        _signers[logId].push(SignerPeriod({signer: signer, fromEpoch: fromEpoch}));
    }

    /// @inheritdoc ICheckpointRegistry
    function retireLog(bytes32 logId) external onlyLantern returns (uint64 finalEpoch) {
        LogState storage log = _logs[logId];
        if (log.status != LogStatus.Active) _revertInactive(logId, log.status);
        log.status = LogStatus.Retired;
        return _heads[logId].epoch;
    }

    /// @inheritdoc ICheckpointRegistry
    function head(bytes32 logId)
        external
        view
        returns (uint64 epoch, bytes32 rootHash, uint64 treeSize, uint64 timestamp)
    {
        Head memory h = _heads[logId];
        return (h.epoch, _roots[logId][h.epoch], h.treeSize, h.timestamp);
    }

    /// @inheritdoc ICheckpointRegistry
    function checkpointAt(bytes32 logId, uint64 epoch)
        external
        view
        returns (bytes32 rootHash, uint64 treeSize, uint64 timestamp)
    {
        rootHash = _roots[logId][epoch];
        Head memory h = _heads[logId];
        if (epoch != 0 && epoch == h.epoch) (treeSize, timestamp) = (h.treeSize, h.timestamp);
    }

    /// @inheritdoc ICheckpointRegistry
    function verifyInclusion(
        bytes32 logId,
        uint64 epoch,
        uint64 treeSize,
        uint64 leafIndex,
        bytes32 leafHash,
        bytes32[] calldata proof
    ) external view returns (bool) {
        bytes32 root = _roots[logId][epoch];
        return root != bytes32(0) && RFC9162.verifyInclusion(leafIndex, treeSize, leafHash, proof, root);
    }

    /// @inheritdoc ICheckpointRegistry
    function logStatus(bytes32 logId) external view returns (LogStatus) {
        return _logs[logId].status;
    }

    /// @inheritdoc ICheckpointRegistry
    function signerAt(bytes32 logId, uint64 epoch) public view returns (address) {
        SignerPeriod[] storage periods = _signers[logId];
        // Rotations are rare and recent epochs are asked about most: search from the newest period.
        for (uint256 i = periods.length; i > 0; --i) {
            SignerPeriod memory period = periods[i - 1];
            if (period.fromEpoch <= epoch) return period.signer;
        }
        return address(0);
    }

    /// @dev Checks that `checkpoint` may follow `last`: the tree did not shrink, time did not go
    /// back nor run ahead of the chain, and the consistency proof holds.
    function _requireAppendOnly(
        bytes32 logId,
        Head memory last,
        Checkpoint calldata checkpoint,
        bytes32[] calldata consistencyProof
    ) private view {
        uint64 treeSize = checkpoint.treeSize;
        if (treeSize < last.treeSize) revert CheckpointTreeShrank(logId, last.treeSize, treeSize);

        uint64 timestamp = checkpoint.timestamp;
        uint256 latest = block.timestamp + MAX_CLOCK_SKEW;
        if (timestamp < last.timestamp || timestamp > latest) {
            revert CheckpointTimestampOutOfRange(logId, timestamp, last.timestamp, uint64(latest));
        }

        bytes32 rootHash = checkpoint.rootHash;
        if (last.treeSize == 0) {
            // Every tree extends the empty tree, and RFC 9162 has no proof for that: accept no proof.
            if (consistencyProof.length != 0) revert CheckpointInconsistent(logId, 0, treeSize);
            if (treeSize == 0 && rootHash != RFC9162.EMPTY_ROOT) revert CheckpointEmptyTreeRoot(logId, rootHash);
        } else {
            bytes32 lastRoot = _roots[logId][last.epoch];
            if (!RFC9162.verifyConsistency(last.treeSize, treeSize, lastRoot, rootHash, consistencyProof)) {
                revert CheckpointInconsistent(logId, last.treeSize, treeSize);
            }
        }
    }

    /// @dev Checks what both forms of equivocation evidence need; returns the log id.
    function _requireEvidence(SignedCheckpoint calldata first, SignedCheckpoint calldata second)
        private
        view
        returns (bytes32 logId)
    {
        logId = first.checkpoint.logId;
        if (logId != second.checkpoint.logId) {
            revert CheckpointEquivocationLogMismatch(logId, second.checkpoint.logId);
        }
        LogStatus status = _logs[logId].status;
        if (status == LogStatus.Unknown) revert CheckpointUnknownLog(logId);
        if (status == LogStatus.Compromised) revert CheckpointLogCompromised(logId);
        _requireSignedBySigner(first);
        _requireSignedBySigner(second);
    }

    function _requireSignedBySigner(SignedCheckpoint calldata signed) private view {
        Checkpoint calldata checkpoint = signed.checkpoint;
        address signer = signerAt(checkpoint.logId, checkpoint.epoch);
        if (!_isValidSignature(signer, CheckpointTypedData.digest(checkpoint), signed.signature)) {
            revert CheckpointInvalidSignature(checkpoint.logId, checkpoint.epoch, signer);
        }
    }

    function _markCompromised(bytes32 logId, EquivocationKind kind, uint64 firstEpoch, uint64 secondEpoch) private {
        _logs[logId].status = LogStatus.Compromised;
        emit EquivocationReported(logId, msg.sender, kind, firstEpoch, secondEpoch);
    }

    /// @dev An EOA signer is checked with ecrecover first, so the common case never pays for the
    /// cold EXTCODESIZE that telling EOAs and contracts apart would cost; a contract signer (or a
    /// wrong signature) falls through to ERC-1271, which an EOA never satisfies.
    function _isValidSignature(address signer, bytes32 digest, bytes calldata signature) private view returns (bool) {
        if (signer == address(0)) return false;
        (address recovered, ECDSA.RecoverError recoverError,) = ECDSA.tryRecoverCalldata(digest, signature);
        if (recoverError == ECDSA.RecoverError.NoError && recovered == signer) return true;
        return SignatureChecker.isValidERC1271SignatureNowCalldata(signer, digest, signature);
    }

    function _revertInactive(bytes32 logId, LogStatus status) private pure {
        if (status == LogStatus.Unknown) revert CheckpointUnknownLog(logId);
        if (status == LogStatus.Retired) revert CheckpointLogRetired(logId);
        revert CheckpointLogCompromised(logId);
    }

    function _revertNotProven(bytes32 logId, Checkpoint calldata a, Checkpoint calldata b) private pure {
        revert CheckpointEquivocationNotProven(logId, a.epoch, b.epoch);
    }
}
