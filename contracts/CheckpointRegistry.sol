// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {P256} from "@openzeppelin/contracts/utils/cryptography/P256.sol";
import {ICheckpointRegistry} from "./interfaces/ICheckpointRegistry.sol";
import {CheckpointTypedData} from "./libraries/CheckpointTypedData.sol";
import {KeyRotationTypedData} from "./libraries/KeyRotationTypedData.sol";
import {ReceiptSigning} from "./libraries/ReceiptSigning.sol";
import {RFC9162} from "./libraries/RFC9162.sol";
import {Checkpoint, LeafInclusion, SignedCheckpoint} from "./types/Checkpoint.sol";
import {KeyRotation} from "./types/KeyRotation.sol";
import {Receipt} from "./types/Receipt.sol";

/**
 * @title CheckpointRegistry
 * @notice Anchors the checkpoints of TML Anchor logs, each proven consistent with the last one
 * anchored on this chain and signed by the key of the log's history that covers its epoch; keeps
 * the key history as the log's own signed statements relay it; and marks a log compromised on
 * proof that it contradicted itself or broke a receipt's promise. See {ICheckpointRegistry}.
 *
 * @dev Storage per log, laid out so that `anchor` reads three slots and writes one new one:
 * - `_logs[logId]`: three consecutive slots that `anchor` reads: the current key period's signer
 *   and first epoch with the status (read by every anchor, written only by a rotation); the head's
 *   epoch, tree size and time; the head's root (the consistency proof of the next anchor starts
 *   from it); and a fourth that only a broken-promise report reads: the maximum epoch interval;
 * - `_checkpointHashes`: one slot per anchored epoch, the checkpoint's EIP-712 struct hash, the
 *   only storage that grows with anchoring;
 * - `_periods` and `_periodIndex`: the key history, and each signer's period, so that evidence
 *   finds the period of a recovered signer in O(1) and rotations, however many, cannot make a
 *   report expensive.
 * No upgrade proxy: an evidence contract does not change.
 */
contract CheckpointRegistry is ICheckpointRegistry {
    /// @inheritdoc ICheckpointRegistry
    uint64 public constant MAX_CLOCK_SKEW = 15 minutes;

    /// @inheritdoc ICheckpointRegistry
    address public immutable lantern;

    struct Head {
        uint64 epoch;
        uint64 treeSize;
        uint64 timestamp;
    }

    struct LogState {
        // Slot 0: the current (last) key period, which signs every epoch from `fromEpoch` on, so
        // the common anchor compares one address and searches nothing.
        address signer;
        uint64 fromEpoch;
        LogStatus status;
        // Slot 1.
        Head head;
        // Slot 2: the head's root, kept apart from the per-epoch hashes, which cannot give it back.
        bytes32 headRoot;
        // Slot 3: what the log's receipts promise (seconds from a receipt to its checkpoint), read
        // by reportBrokenPromise only, so anchoring reads no more than before.
        uint64 maxEpochInterval;
    }

    /// @dev A key period as stored: signer and first epoch share a slot, the only one a lookup reads.
    struct StoredPeriod {
        address signer;
        uint64 fromEpoch;
        bytes32 receiptKey;
    }

    mapping(bytes32 logId => LogState) private _logs;
    mapping(bytes32 logId => mapping(uint64 epoch => bytes32 structHash)) private _checkpointHashes;
    mapping(bytes32 logId => StoredPeriod[]) private _periods;
    /// @dev Index + 1 of the period `signer` serves (zero: none). A key serves one period only.
    mapping(bytes32 logId => mapping(address signer => uint64 indexPlusOne)) private _periodIndex;
    /// @dev Index + 1 of the first period whose receipt key is `receiptKey` (zero: none). A receipt
    /// key may serve several consecutive periods (a rotation of the checkpoint key alone keeps it);
    /// the first is the one that matters: its receipts are promises from its first epoch on.
    mapping(bytes32 logId => mapping(bytes32 receiptKey => uint64 indexPlusOne)) private _receiptKeyPeriod;

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
        LogState storage log = _logs[logId];
        (address currentSigner, uint64 currentFrom, LogStatus status) = (log.signer, log.fromEpoch, log.status);
        if (status != LogStatus.Active) _revertInactive(logId, status);

        Head memory last = log.head;
        uint64 epoch = checkpoint.epoch;
        bytes32 checkpointHash = CheckpointTypedData.structHash(checkpoint);
        if (epoch <= last.epoch) {
            bytes32 anchored = _checkpointHashes[logId][epoch];
            if (anchored == checkpointHash) return; // already anchored: nothing to do
            if (anchored == bytes32(0)) revert CheckpointEpochNotAfterHead(logId, last.epoch, epoch);
            revert CheckpointRootConflict(logId, epoch, anchored, checkpointHash);
        }

        bytes32 rootHash = checkpoint.rootHash;
        _requireAppendOnly(logId, last, log.headRoot, checkpoint, consistencyProof);

        (address recovered, ECDSA.RecoverError recoverError,) =
            ECDSA.tryRecoverCalldata(CheckpointTypedData.toTypedDataHash(checkpointHash), signature);
        // The common case is an epoch of the current period; an epoch before it (a rotation
        // relayed ahead of the anchors it follows) is checked through the recovered key's period.
        if (
            recoverError != ECDSA.RecoverError.NoError
                || (epoch >= currentFrom ? recovered != currentSigner : !_signsInPeriod(logId, recovered, epoch))
        ) {
            revert CheckpointInvalidSignature(logId, epoch, signerAt(logId, epoch));
        }

        (uint64 treeSize, uint64 timestamp) = (checkpoint.treeSize, checkpoint.timestamp);
        _checkpointHashes[logId][epoch] = checkpointHash;
        log.head = Head({epoch: epoch, treeSize: treeSize, timestamp: timestamp});
        log.headRoot = rootHash;
        emit CheckpointAnchored(logId, epoch, treeSize, rootHash, timestamp);
    }

    /// @inheritdoc ICheckpointRegistry
    function rotateKeys(KeyRotation calldata rotation, bytes calldata signature) external {
        bytes32 logId = rotation.logId;
        LogState storage log = _logs[logId];
        LogStatus status = log.status;
        if (status != LogStatus.Active) _revertInactive(logId, status);

        StoredPeriod[] storage periods = _periods[logId];
        uint64 index = rotation.index;
        uint64 count = uint64(periods.length);
        if (index != count) revert CheckpointRotationIndexNotNext(logId, count, index);
        _requireSignedRotation(rotation, signature, log.signer);

        address signer = rotation.signer;
        bytes32 receiptKey = rotation.receiptKey;
        uint64 fromEpoch = rotation.fromEpoch;
        if (signer == address(0)) revert CheckpointInvalidSigner(signer);
        if (receiptKey == bytes32(0)) revert CheckpointZeroReceiptKey(logId);
        uint64 usedBy = _periodIndex[logId][signer];
        if (usedBy != 0) revert CheckpointSignerReused(logId, signer, usedBy - 1);
        uint64 previousFrom = log.fromEpoch;
        if (fromEpoch <= previousFrom) revert CheckpointRotationEpochNotIncreasing(logId, previousFrom, fromEpoch);

        uint64 headEpoch = log.head.epoch;
        if (fromEpoch <= headEpoch) {
            // This chain anchored epoch `headEpoch` under the signing key, which now states that it
            // signs nothing from `fromEpoch` on: the key contradicts itself, in its own words.
            _markCompromised(logId, EquivocationKind.HandoverBreach, fromEpoch, headEpoch);
            return;
        }
        periods.push(StoredPeriod({signer: signer, fromEpoch: fromEpoch, receiptKey: receiptKey}));
        _periodIndex[logId][signer] = index + 1;
        if (_receiptKeyPeriod[logId][receiptKey] == 0) _receiptKeyPeriod[logId][receiptKey] = index + 1;
        (log.signer, log.fromEpoch) = (signer, fromEpoch);
        emit KeysRotated(logId, index, fromEpoch, signer, receiptKey);
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
    function reportOutOfPeriod(SignedCheckpoint calldata signed) external {
        Checkpoint calldata checkpoint = signed.checkpoint;
        bytes32 logId = checkpoint.logId;
        _requireOpenToEvidence(logId);
        uint64 epoch = checkpoint.epoch;
        (, uint64 index) = _recoverHistoryKey(signed);
        (uint64 fromEpoch, uint64 untilEpoch) = _periodBounds(logId, index);
        uint64 crossed;
        if (epoch < fromEpoch) crossed = fromEpoch;
        else if (epoch >= untilEpoch) crossed = untilEpoch;
        else revert CheckpointEquivocationNotProven(logId, epoch, epoch);
        _markCompromised(logId, EquivocationKind.SignedOutsidePeriod, epoch, crossed);
    }

    /// @inheritdoc ICheckpointRegistry
    function reportKeyFork(
        KeyRotation calldata first,
        bytes calldata firstSignature,
        KeyRotation calldata second,
        bytes calldata secondSignature
    ) external {
        bytes32 logId = first.logId;
        if (logId != second.logId) revert CheckpointEquivocationLogMismatch(logId, second.logId);
        _requireOpenToEvidence(logId);
        uint64 index = first.index;
        if (index != second.index) revert CheckpointKeyForkIndexMismatch(logId, index, second.index);
        uint64 count = uint64(_periods[logId].length);
        if (index == 0 || index > count) revert CheckpointRotationIndexOutOfRange(logId, index, count);
        if (KeyRotationTypedData.structHash(first) == KeyRotationTypedData.structHash(second)) {
            revert CheckpointEquivocationNotProven(logId, first.fromEpoch, second.fromEpoch);
        }
        address signer = _periods[logId][index - 1].signer;
        _requireSignedRotation(first, firstSignature, signer);
        _requireSignedRotation(second, secondSignature, signer);
        _markCompromised(logId, EquivocationKind.KeyFork, first.fromEpoch, second.fromEpoch);
    }

    /// @inheritdoc ICheckpointRegistry
    function reportBrokenPromise(
        Receipt calldata receipt,
        bytes calldata signature,
        bytes32 keyX,
        bytes32 keyY,
        Checkpoint calldata anchored,
        LeafInclusion calldata other
    ) external {
        bytes32 logId = receipt.logId;
        if (logId != anchored.logId) revert CheckpointEquivocationLogMismatch(logId, anchored.logId);
        _requireOpenToEvidence(logId);
        uint64 epoch = anchored.epoch;
        if (!isAnchored(anchored)) revert CheckpointNotAnchored(logId, epoch);
        int64 receiptTime = _requireReceiptSignature(receipt, signature, keyX, keyY, epoch);

        uint64 seq = receipt.seq;
        uint64 treeSize = anchored.treeSize;
        bool noOtherLeaf = other.leafHash == bytes32(0) && other.proof.length == 0;
        if (treeSize > seq) {
            // DifferentLeaf: the anchored tree holds index `seq`, with another leaf than promised.
            if (noOtherLeaf) revert CheckpointReceiptIndexInTree(logId, seq, treeSize);
            if (other.leafHash == receipt.leafHash) revert CheckpointReceiptLeafIncluded(logId, seq, receipt.leafHash);
            if (!RFC9162.verifyInclusion(seq, treeSize, other.leafHash, other.proof, anchored.rootHash)) {
                revert CheckpointReceiptInclusionInvalid(logId, seq, treeSize);
            }
        } else {
            // MissedDeadline: a checkpoint dated past the receipt's deadline does not reach `seq`.
            if (!noOtherLeaf) revert CheckpointReceiptIndexOutsideTree(logId, seq, treeSize);
            int256 deadline = int256(receiptTime) + int256(uint256(_logs[logId].maxEpochInterval));
            if (int256(uint256(anchored.timestamp)) <= deadline) {
                revert CheckpointReceiptDeadlineNotPassed(logId, seq, deadline, anchored.timestamp);
            }
        }
        _markCompromised(logId, EquivocationKind.BrokenPromise, epoch, seq);
    }

    /// @inheritdoc ICheckpointRegistry
    function registerLog(bytes32 logId, address signer, bytes32 receiptKey, uint64 maxEpochInterval)
        external
        onlyLantern
    {
        LogState storage log = _logs[logId];
        if (log.status != LogStatus.Unknown) revert CheckpointLogExists(logId);
        if (signer == address(0)) revert CheckpointInvalidSigner(signer);
        if (receiptKey == bytes32(0)) revert CheckpointZeroReceiptKey(logId);
        if (maxEpochInterval == 0) revert CheckpointZeroEpochInterval(logId);
        (log.signer, log.fromEpoch, log.status) = (signer, 1, LogStatus.Active);
        log.maxEpochInterval = maxEpochInterval;
        _periods[logId].push(StoredPeriod({signer: signer, fromEpoch: 1, receiptKey: receiptKey}));
        _periodIndex[logId][signer] = 1;
        _receiptKeyPeriod[logId][receiptKey] = 1;
    }

    /// @inheritdoc ICheckpointRegistry
    function retireLog(bytes32 logId) external onlyLantern returns (uint64 finalEpoch) {
        LogState storage log = _logs[logId];
        LogStatus status = log.status;
        if (status != LogStatus.Active) _revertInactive(logId, status);
        log.status = LogStatus.Retired;
        return log.head.epoch;
    }

    /// @inheritdoc ICheckpointRegistry
    function head(bytes32 logId)
        external
        view
        returns (uint64 epoch, bytes32 rootHash, uint64 treeSize, uint64 timestamp)
    {
        LogState storage log = _logs[logId];
        Head memory h = log.head;
        return (h.epoch, log.headRoot, h.treeSize, h.timestamp);
    }

    /// @inheritdoc ICheckpointRegistry
    function checkpointHashAt(bytes32 logId, uint64 epoch) external view returns (bytes32) {
        return _checkpointHashes[logId][epoch];
    }

    /// @inheritdoc ICheckpointRegistry
    function isAnchored(Checkpoint calldata checkpoint) public view returns (bool) {
        bytes32 anchored = _checkpointHashes[checkpoint.logId][checkpoint.epoch];
        return anchored != bytes32(0) && anchored == CheckpointTypedData.structHash(checkpoint);
    }

    /// @inheritdoc ICheckpointRegistry
    function verifyInclusion(
        Checkpoint calldata checkpoint,
        uint64 leafIndex,
        bytes32 leafHash,
        bytes32[] calldata proof
    ) external view returns (bool) {
        return isAnchored(checkpoint)
            && RFC9162.verifyInclusion(leafIndex, checkpoint.treeSize, leafHash, proof, checkpoint.rootHash);
    }

    /// @inheritdoc ICheckpointRegistry
    function logStatus(bytes32 logId) external view returns (LogStatus) {
        return _logs[logId].status;
    }

    /// @inheritdoc ICheckpointRegistry
    function signerAt(bytes32 logId, uint64 epoch) public view returns (address) {
        (bool found, uint64 index) = _periodIndexAt(logId, epoch);
        return found ? _periods[logId][index].signer : address(0);
    }

    /// @inheritdoc ICheckpointRegistry
    function keysAt(bytes32 logId, uint64 epoch)
        external
        view
        returns (address signer, bytes32 receiptKey, uint64 index)
    {
        bool found;
        (found, index) = _periodIndexAt(logId, epoch);
        if (!found) return (address(0), bytes32(0), 0);
        StoredPeriod storage period = _periods[logId][index];
        return (period.signer, period.receiptKey, index);
    }

    /// @inheritdoc ICheckpointRegistry
    function keyPeriodCount(bytes32 logId) external view returns (uint64) {
        return uint64(_periods[logId].length);
    }

    /// @inheritdoc ICheckpointRegistry
    function keyPeriodAt(bytes32 logId, uint64 index) external view returns (KeyPeriod memory) {
        StoredPeriod storage period = _periods[logId][index];
        return KeyPeriod({signer: period.signer, receiptKey: period.receiptKey, fromEpoch: period.fromEpoch});
    }

    /// @inheritdoc ICheckpointRegistry
    function periodOf(bytes32 logId, address signer) external view returns (bool known, uint64 index) {
        uint64 indexPlusOne = _periodIndex[logId][signer];
        if (indexPlusOne == 0) return (false, 0);
        return (true, indexPlusOne - 1);
    }

    /// @inheritdoc ICheckpointRegistry
    function maxEpochIntervalOf(bytes32 logId) external view returns (uint64) {
        return _logs[logId].maxEpochInterval;
    }

    /// @dev Checks that `receipt`'s fields have the receipt format's patterns and that `signature`
    /// is the P-256 signature (low s) of its RFC 8785 bytes by the key (`keyX`, `keyY`) whose
    /// commitment is the receipt key of the period that covers `epoch`. Returns the receipt's
    /// time in unix seconds (fraction dropped).
    function _requireReceiptSignature(
        Receipt calldata receipt,
        bytes calldata signature,
        bytes32 keyX,
        bytes32 keyY,
        uint64 epoch
    ) private view returns (int64 receiptTime) {
        bytes32 logId = receipt.logId;
        bytes32 given = keccak256(abi.encodePacked(keyX, keyY));
        // Any receipt key of the history whose period began at or before `epoch`: a receipt stays
        // a promise after its key is rotated out, or an operator could escape a receipt it broke
        // by rotating before the deadline, so that every checkpoint past it is of a newer period.
        // A key whose period begins after `epoch` signed nothing such a checkpoint could cover.
        uint64 indexPlusOne = _receiptKeyPeriod[logId][given];
        if (indexPlusOne == 0 || _periods[logId][indexPlusOne - 1].fromEpoch > epoch) {
            (bool found, uint64 index) = _periodIndexAt(logId, epoch);
            bytes32 covering = found ? _periods[logId][index].receiptKey : bytes32(0);
            revert CheckpointReceiptKeyMismatch(logId, epoch, covering, given);
        }
        if (!ReceiptSigning.isTraceId(receipt.traceId)) revert CheckpointReceiptMalformedTraceId(receipt.traceId);
        bool wellFormed;
        (wellFormed, receiptTime) = ReceiptSigning.parseTimestamp(receipt.timestamp);
        if (!wellFormed) revert CheckpointReceiptMalformedTimestamp(receipt.timestamp);
        if (
            signature.length != 64
                || !P256.verify(
                    sha256(ReceiptSigning.signingBytes(receipt)),
                    bytes32(signature[0:32]),
                    bytes32(signature[32:64]),
                    keyX,
                    keyY
                )
        ) {
            revert CheckpointReceiptInvalidSignature(logId, receipt.seq, given);
        }
    }

    /// @dev Checks that `checkpoint` may follow `last`, whose root is `lastRoot`: the tree did not
    /// shrink, time did not go back nor run ahead of the chain, and the consistency proof holds.
    function _requireAppendOnly(
        bytes32 logId,
        Head memory last,
        bytes32 lastRoot,
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
        } else if (!RFC9162.verifyConsistency(last.treeSize, treeSize, lastRoot, rootHash, consistencyProof)) {
            revert CheckpointInconsistent(logId, last.treeSize, treeSize);
        }
    }

    /// @dev Checks what both two-checkpoint forms of evidence need; returns the log id.
    function _requireEvidence(SignedCheckpoint calldata first, SignedCheckpoint calldata second)
        private
        view
        returns (bytes32 logId)
    {
        logId = first.checkpoint.logId;
        if (logId != second.checkpoint.logId) {
            revert CheckpointEquivocationLogMismatch(logId, second.checkpoint.logId);
        }
        _requireOpenToEvidence(logId);
        _requireSignedInPeriod(first);
        _requireSignedInPeriod(second);
    }

    /// @dev Evidence counts against a known log that is not compromised yet (retired logs included:
    /// retiring must not wipe out what a log signed).
    function _requireOpenToEvidence(bytes32 logId) private view {
        LogStatus status = _logs[logId].status;
        if (status == LogStatus.Unknown) revert CheckpointUnknownLog(logId);
        if (status == LogStatus.Compromised) revert CheckpointLogCompromised(logId);
    }

    /// @dev A signed checkpoint is the log's statement when its signer is a key of the history and
    /// its epoch lies in that key's period, whatever key signs today: rotating cannot turn a
    /// checkpoint signed before into non-evidence.
    function _requireSignedInPeriod(SignedCheckpoint calldata signed) private view {
        (address signer, uint64 index) = _recoverHistoryKey(signed);
        Checkpoint calldata checkpoint = signed.checkpoint;
        (uint64 fromEpoch, uint64 untilEpoch) = _periodBounds(checkpoint.logId, index);
        uint64 epoch = checkpoint.epoch;
        if (epoch < fromEpoch || epoch >= untilEpoch) {
            revert CheckpointSignedOutsidePeriod(checkpoint.logId, epoch, signer, index);
        }
    }

    /// @dev The key of the history that signed `signed`, and its period; reverts for any other.
    function _recoverHistoryKey(SignedCheckpoint calldata signed) private view returns (address signer, uint64 index) {
        Checkpoint calldata checkpoint = signed.checkpoint;
        (address recovered, ECDSA.RecoverError recoverError,) =
            ECDSA.tryRecoverCalldata(CheckpointTypedData.digest(checkpoint), signed.signature);
        bytes32 logId = checkpoint.logId;
        uint64 indexPlusOne = recoverError == ECDSA.RecoverError.NoError ? _periodIndex[logId][recovered] : 0;
        if (indexPlusOne == 0) revert CheckpointSignerNotInHistory(logId, checkpoint.epoch, recovered);
        return (recovered, indexPlusOne - 1);
    }

    /// @dev Whether `signer` is the key of the period that covers `epoch`, found in O(1).
    function _signsInPeriod(bytes32 logId, address signer, uint64 epoch) private view returns (bool) {
        uint64 indexPlusOne = _periodIndex[logId][signer];
        if (indexPlusOne == 0) return false;
        (uint64 fromEpoch, uint64 untilEpoch) = _periodBounds(logId, indexPlusOne - 1);
        return epoch >= fromEpoch && epoch < untilEpoch;
    }

    /// @dev Epochs [`fromEpoch`, `untilEpoch`) of period `index`; the last period has no end.
    function _periodBounds(bytes32 logId, uint64 index) private view returns (uint64 fromEpoch, uint64 untilEpoch) {
        StoredPeriod[] storage periods = _periods[logId];
        fromEpoch = periods[index].fromEpoch;
        untilEpoch = index + 1 < periods.length ? periods[index + 1].fromEpoch : type(uint64).max;
    }

    /// @dev The period that covers `epoch`: binary search on the strictly increasing `fromEpoch`s,
    /// O(log n) however many rotations there were. Not found for epoch 0 or an unknown log.
    function _periodIndexAt(bytes32 logId, uint64 epoch) private view returns (bool found, uint64 index) {
        StoredPeriod[] storage periods = _periods[logId];
        uint256 low;
        uint256 high = periods.length;
        // Invariant: periods below `low` start at or before `epoch`, periods from `high` after it.
        while (low < high) {
            uint256 mid = (low + high) / 2;
            if (periods[mid].fromEpoch <= epoch) low = mid + 1;
            else high = mid;
        }
        if (low == 0) return (false, 0);
        return (true, uint64(low - 1));
    }

    /// @dev Reverts unless `signature` is `expected`'s ECDSA signature of `rotation`.
    function _requireSignedRotation(KeyRotation calldata rotation, bytes calldata signature, address expected)
        private
        pure
    {
        (address recovered, ECDSA.RecoverError recoverError,) =
            ECDSA.tryRecoverCalldata(KeyRotationTypedData.digest(rotation), signature);
        if (recoverError != ECDSA.RecoverError.NoError || recovered != expected) {
            revert CheckpointRotationInvalidSignature(rotation.logId, rotation.index, expected);
        }
    }

    function _markCompromised(bytes32 logId, EquivocationKind kind, uint64 firstEpoch, uint64 secondEpoch) private {
        _logs[logId].status = LogStatus.Compromised;
        emit EquivocationReported(logId, msg.sender, kind, firstEpoch, secondEpoch);
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
