// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {Checkpoint, LeafInclusion, SignedCheckpoint} from "../types/Checkpoint.sol";

/**
 * @title ICheckpointRegistry
 * @notice Anchors the checkpoints of append-only RFC 9162 logs, one epoch after the other, and
 * records proof that a log forked. Logs are declared in the {ILanternRegistry}, which is the only
 * account that may configure them here.
 *
 * What a chain holds for a log: the root of every anchored epoch, and the head (epoch, root,
 * tree size, time). Every anchored root was signed by the log's signer and proven consistent with
 * the one before it, so the roots form one append-only history. Tree size and time of earlier
 * epochs are in the {CheckpointAnchored} events: the chain does not keep them in storage, which
 * keeps `anchor` at one new storage slot per epoch (see contracts/README.md, Gas).
 */
interface ICheckpointRegistry {
    /// @notice Life cycle of a log in this registry.
    enum LogStatus {
        Unknown,
        Active,
        Retired,
        Compromised
    }

    /// @notice Which contradiction {reportEquivocation} or {reportInconsistency} proved.
    enum EquivocationKind {
        /// Same epoch, different root or tree size.
        SameEpoch,
        /// A later epoch with a smaller tree.
        TreeShrank,
        /// Two epochs with the same tree size and different roots.
        SameSizeDifferentRoots,
        /// Two trees that hold different leaves at the same index.
        DifferentLeaves
    }

    /**
     * @notice A checkpoint was anchored: epoch `epoch` of log `logId` has root `rootHash` over
     * `treeSize` leaves, closed at `timestamp` (unix seconds).
     */
    event CheckpointAnchored(
        bytes32 indexed logId,
        uint64 indexed epoch,
        uint64 treeSize,
        bytes32 rootHash,
        uint64 timestamp
    );

    /**
     * @notice Two validly signed checkpoints of log `logId` were shown to contradict each other;
     * the log is now {LogStatus.Compromised} and its operator's Lantern is dark.
     */
    event EquivocationReported(
        bytes32 indexed logId,
        address indexed reporter,
        EquivocationKind kind,
        uint64 firstEpoch,
        uint64 secondEpoch
    );

    /// @notice `caller` is not the LanternRegistry, the only account that configures logs.
    error CheckpointUnauthorizedCaller(address caller);
    /// @notice Log `logId` is already registered.
    error CheckpointLogExists(bytes32 logId);
    /// @notice Log `logId` was never declared.
    error CheckpointUnknownLog(bytes32 logId);
    /// @notice Log `logId` is retired: it anchors nothing more.
    error CheckpointLogRetired(bytes32 logId);
    /// @notice Log `logId` was caught equivocating: it anchors nothing more.
    error CheckpointLogCompromised(bytes32 logId);
    /// @notice `signer` cannot sign checkpoints (the zero address).
    error CheckpointInvalidSigner(address signer);
    /// @notice The next epoch of log `logId` is `expected`, not `epoch`.
    error CheckpointEpochNotNext(bytes32 logId, uint64 expected, uint64 epoch);
    /// @notice Epoch `epoch` of log `logId` is anchored with root `anchoredRoot`, not `rootHash`.
    error CheckpointRootConflict(bytes32 logId, uint64 epoch, bytes32 anchoredRoot, bytes32 rootHash);
    /// @notice The tree of log `logId` had `previousSize` leaves and cannot shrink to `treeSize`.
    error CheckpointTreeShrank(bytes32 logId, uint64 previousSize, uint64 treeSize);
    /// @notice `timestamp` is outside [`earliest`, `latest`]: before the previous checkpoint of
    /// log `logId`, or further ahead of the chain's clock than {MAX_CLOCK_SKEW}.
    error CheckpointTimestampOutOfRange(bytes32 logId, uint64 timestamp, uint64 earliest, uint64 latest);
    /// @notice The consistency proof from `previousSize` to `treeSize` leaves does not hold.
    error CheckpointInconsistent(bytes32 logId, uint64 previousSize, uint64 treeSize);
    /// @notice A checkpoint of an empty tree must have root SHA-256(""), not `rootHash`.
    error CheckpointEmptyTreeRoot(bytes32 logId, bytes32 rootHash);
    /// @notice The checkpoint of epoch `epoch` of log `logId` is not signed by `signer`.
    error CheckpointInvalidSignature(bytes32 logId, uint64 epoch, address signer);
    /// @notice The two checkpoints belong to different logs.
    error CheckpointEquivocationLogMismatch(bytes32 firstLogId, bytes32 secondLogId);
    /// @notice The evidence does not show the two checkpoints of log `logId` contradicting each other.
    error CheckpointEquivocationNotProven(bytes32 logId, uint64 firstEpoch, uint64 secondEpoch);

    /**
     * @notice Anchors the next checkpoint of its log. Anyone may send it: the signature is what
     * makes it the log's, so a relayer can pay the gas.
     * @param checkpoint The checkpoint of epoch `head.epoch + 1`.
     * @param consistencyProof RFC 9162 §2.1.4 proof from the head's tree to this one (empty for a
     * log's first checkpoint, after an empty tree, or when the tree did not grow).
     * @param signature The log signer's EIP-712 signature of `checkpoint` (65 bytes for an EOA,
     * anything its ERC-1271 `isValidSignature` accepts for a contract).
     *
     * @dev Sending a checkpoint whose epoch is already anchored with the same root changes nothing
     * and emits nothing.
     *
     * Requirements:
     * - the log is {LogStatus.Active};
     * - `checkpoint.epoch` is the head's epoch + 1 (or an anchored epoch with the same root);
     * - the tree did not shrink, and `consistencyProof` proves the head's tree is its prefix;
     * - `checkpoint.timestamp` is not before the head's and at most {MAX_CLOCK_SKEW} ahead of the chain;
     * - `signature` is the current signer's.
     *
     * Emits a {CheckpointAnchored} event.
     */
    function anchor(
        Checkpoint calldata checkpoint,
        bytes32[] calldata consistencyProof,
        bytes calldata signature
    ) external;

    /**
     * @notice Records that a log equivocated, from two checkpoints signed by the signer in charge
     * of their epochs that cannot both be true: the same epoch with different roots or sizes, a
     * later epoch with a smaller tree, or the same tree size with different roots. The checkpoints
     * need not be anchored.
     *
     * @dev Requirements: same log, not already compromised; valid signatures ({signerAt}).
     *
     * Emits an {EquivocationReported} event.
     */
    function reportEquivocation(SignedCheckpoint calldata first, SignedCheckpoint calldata second) external;

    /**
     * @notice Records that a log forked, from two checkpoints signed by the signer in charge of
     * their epochs whose trees hold different leaves at index `leafIndex`: trees of one
     * append-only log agree on every leaf they both have, so one of them is not an extension of
     * the other. This is the general form of "a later checkpoint not consistent with an earlier one".
     *
     * @dev Requirements: same log, not already compromised; valid signatures; `leafIndex` is in
     * both trees; each inclusion proof holds against its checkpoint; the leaf hashes differ.
     *
     * Emits an {EquivocationReported} event.
     */
    function reportInconsistency(
        SignedCheckpoint calldata first,
        SignedCheckpoint calldata second,
        uint64 leafIndex,
        LeafInclusion calldata inFirst,
        LeafInclusion calldata inSecond
    ) external;

    /**
     * @notice Registers log `logId` with checkpoint signer `signer`, from epoch 1.
     * @dev Only the LanternRegistry ({ILanternRegistry-declareLog}).
     */
    function registerLog(bytes32 logId, address signer) external;

    /**
     * @notice Makes `signer` the checkpoint signer of log `logId` from the next epoch on; earlier
     * epochs keep their signer ({signerAt}), so their checkpoints stay verifiable.
     * @dev Only the LanternRegistry ({ILanternRegistry-rotateSigner}).
     * @return fromEpoch The first epoch that `signer` signs.
     */
    function rotateSigner(bytes32 logId, address signer) external returns (uint64 fromEpoch);

    /**
     * @notice Retires log `logId`: it anchors nothing more; what it anchored stays readable.
     * @dev Only the LanternRegistry ({ILanternRegistry-retireLog}).
     * @return finalEpoch The log's last anchored epoch (0 if none).
     */
    function retireLog(bytes32 logId) external returns (uint64 finalEpoch);

    /// @notice How far ahead of the chain's clock a checkpoint's timestamp may be, in seconds.
    function MAX_CLOCK_SKEW() external view returns (uint64);

    /// @notice The LanternRegistry whose logs this registry anchors.
    function lantern() external view returns (address);

    /**
     * @notice The latest anchored checkpoint of log `logId`; all zero if none.
     */
    function head(bytes32 logId)
        external
        view
        returns (uint64 epoch, bytes32 rootHash, uint64 treeSize, uint64 timestamp);

    /**
     * @notice The checkpoint anchored for epoch `epoch` of log `logId`. `rootHash` is zero when the
     * epoch is not anchored. `treeSize` and `timestamp` are kept for the head only and are zero for
     * earlier epochs: read them from the epoch's {CheckpointAnchored} event. The root binds the tree
     * size (RFC 9162 hashes leaves and nodes apart), so a matching root is what a verifier checks.
     */
    function checkpointAt(bytes32 logId, uint64 epoch)
        external
        view
        returns (bytes32 rootHash, uint64 treeSize, uint64 timestamp);

    /**
     * @notice Whether `proof` proves leaf hash `leafHash` at index `leafIndex` of the tree that
     * epoch `epoch` of log `logId` anchored, taken to have `treeSize` leaves (the checkpoint's).
     * False when the epoch is not anchored.
     * @dev `leafHash` must be SHA-256(0x00 ‖ leaf) computed by the caller from the leaf itself:
     * an interior node passed as a leaf hash can verify under a wrong tree size.
     */
    function verifyInclusion(
        bytes32 logId,
        uint64 epoch,
        uint64 treeSize,
        uint64 leafIndex,
        bytes32 leafHash,
        bytes32[] calldata proof
    ) external view returns (bool);

    /// @notice Life cycle state of log `logId`.
    function logStatus(bytes32 logId) external view returns (LogStatus);

    /// @notice The signer in charge of epoch `epoch` of log `logId` (zero for an unknown log or epoch 0).
    function signerAt(bytes32 logId, uint64 epoch) external view returns (address);
}
