// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {Checkpoint, LeafInclusion, SignedCheckpoint} from "../types/Checkpoint.sol";
import {KeyRotation} from "../types/KeyRotation.sol";
import {Receipt} from "../types/Receipt.sol";

/**
 * @title ICheckpointRegistry
 * @notice Anchors the checkpoints of append-only RFC 9162 logs and records proof that a log
 * forked. Logs are declared in the {ILanternRegistry}, which is the only account that registers
 * and retires them here.
 *
 * What a chain holds for a log: for every anchored epoch the EIP-712 struct hash of its
 * checkpoint (which commits to tree size, root and time), the head (epoch, root, tree size, time)
 * and the log's key history. A chain may skip epochs: each anchor is proven consistent with the
 * last checkpoint anchored on that chain.
 *
 * Key history: period 0 is the keys the log was declared with (the log id commits to them);
 * period n is opened by a {KeyRotation} statement signed by the checkpoint signer of period n - 1.
 * Statements and checkpoints are typed data without chain id, so the history and the evidence are
 * the same on every chain: a checkpoint signed by any key of the history, for an epoch inside that
 * key's period, is the log's statement wherever it is shown, anchored here, on another chain, or
 * nowhere. Signers are EOAs: only ECDSA (secp256k1) signatures verify.
 */
interface ICheckpointRegistry {
    /// @notice Life cycle of a log in this registry.
    enum LogStatus {
        Unknown,
        Active,
        Retired,
        Compromised
    }

    /// @notice Which contradiction a report proved.
    enum EquivocationKind {
        /// Same epoch, different root or tree size.
        SameEpoch,
        /// A later epoch with a smaller tree.
        TreeShrank,
        /// Two epochs with the same tree size and different roots.
        SameSizeDifferentRoots,
        /// Two trees that hold different leaves at the same index.
        DifferentLeaves,
        /// A key of the history signed a checkpoint for an epoch outside its key period.
        SignedOutsidePeriod,
        /// A key handed over at an epoch this chain had already anchored under that key.
        HandoverBreach,
        /// A key signed two different statements for the same key period.
        KeyFork,
        /// A signed receipt's promise was broken: an anchored tree holds another leaf at its index,
        /// or an anchored checkpoint dated past its deadline does not reach its index.
        BrokenPromise
    }

    /**
     * @notice One period of a log's key history.
     * @param signer The checkpoint signer (an EOA) of the epochs from `fromEpoch` until the next
     * period's `fromEpoch`.
     * @param receiptKey The commitment `keccak256(x ‖ y)` to the P-256 public key that signs the
     * receipts of those epochs (`tml-receipt/2`).
     * @param fromEpoch The first epoch of the period (1 for period 0).
     */
    // A view's return value, never stored (the registry stores periods packed): the order reads best.
    // solhint-disable-next-line gas-struct-packing
    struct KeyPeriod {
        address signer;
        bytes32 receiptKey;
        uint64 fromEpoch;
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
     * @notice Log `logId` was shown to contradict itself; it is now {LogStatus.Compromised} and its
     * operator's Lantern is dark. `firstEpoch` and `secondEpoch` are, by `kind`: the two
     * checkpoints' epochs (the four checkpoint kinds); the checkpoint's epoch and the period
     * boundary it crossed ({SignedOutsidePeriod}); the statement's `fromEpoch` and this chain's head
     * epoch ({HandoverBreach}); the two statements' `fromEpoch` ({KeyFork}); the anchored
     * checkpoint's epoch and the receipt's `seq` ({BrokenPromise}).
     */
    event EquivocationReported(
        bytes32 indexed logId,
        address indexed reporter,
        EquivocationKind kind,
        uint64 firstEpoch,
        uint64 secondEpoch
    );

    /**
     * @notice Log `logId` has key period `index`: checkpoint signer `signer` and receipt key
     * `receiptKey` from epoch `fromEpoch` on.
     */
    event KeysRotated(
        bytes32 indexed logId,
        uint64 indexed index,
        uint64 fromEpoch,
        address signer,
        bytes32 receiptKey
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
    /// @notice A receipt key of log `logId` must not be zero.
    error CheckpointZeroReceiptKey(bytes32 logId);
    /// @notice Epoch `epoch` of log `logId` is not after this chain's head `headEpoch`, and was
    /// not anchored here (skipped, or older than the chain's first checkpoint of the log).
    error CheckpointEpochNotAfterHead(bytes32 logId, uint64 headEpoch, uint64 epoch);
    /// @notice Epoch `epoch` of log `logId` is anchored with checkpoint struct hash `anchoredHash`,
    /// not `checkpointHash` (another root, tree size or time).
    error CheckpointRootConflict(bytes32 logId, uint64 epoch, bytes32 anchoredHash, bytes32 checkpointHash);
    /// @notice The tree of log `logId` had `previousSize` leaves and cannot shrink to `treeSize`.
    error CheckpointTreeShrank(bytes32 logId, uint64 previousSize, uint64 treeSize);
    /// @notice `timestamp` is outside [`earliest`, `latest`]: before the previous checkpoint of
    /// log `logId`, or further ahead of the chain's clock than {MAX_CLOCK_SKEW}.
    error CheckpointTimestampOutOfRange(bytes32 logId, uint64 timestamp, uint64 earliest, uint64 latest);
    /// @notice The consistency proof from `previousSize` to `treeSize` leaves does not hold.
    error CheckpointInconsistent(bytes32 logId, uint64 previousSize, uint64 treeSize);
    /// @notice A checkpoint of an empty tree must have root SHA-256(""), not `rootHash`.
    error CheckpointEmptyTreeRoot(bytes32 logId, bytes32 rootHash);
    /// @notice The checkpoint of epoch `epoch` of log `logId` is not signed by `signer`, the key
    /// whose period covers that epoch.
    error CheckpointInvalidSignature(bytes32 logId, uint64 epoch, address signer);
    /// @notice The checkpoint of epoch `epoch` of log `logId` is signed by `recovered` (zero when
    /// the signature is malformed), which is no key of the log's history on this chain.
    error CheckpointSignerNotInHistory(bytes32 logId, uint64 epoch, address recovered);
    /// @notice The checkpoint of epoch `epoch` of log `logId` is signed by `signer`, the key of
    /// period `index`, outside that period: that is proof in itself, see {reportOutOfPeriod}.
    error CheckpointSignedOutsidePeriod(bytes32 logId, uint64 epoch, address signer, uint64 index);
    /// @notice The two pieces of evidence belong to different logs.
    error CheckpointEquivocationLogMismatch(bytes32 firstLogId, bytes32 secondLogId);
    /// @notice The evidence does not show log `logId` contradicting itself (see
    /// {EquivocationReported} for what the two epochs are).
    error CheckpointEquivocationNotProven(bytes32 logId, uint64 firstEpoch, uint64 secondEpoch);
    /// @notice The next key period of log `logId` is `expected`, not `index`.
    error CheckpointRotationIndexNotNext(bytes32 logId, uint64 expected, uint64 index);
    /// @notice A statement for key period `index` of log `logId` needs period `index - 1`, which
    /// this chain does not have (it has `periodCount` periods; period 0 has no statement).
    error CheckpointRotationIndexOutOfRange(bytes32 logId, uint64 index, uint64 periodCount);
    /// @notice The statement for key period `index` of log `logId` is not signed by `signer`, the
    /// checkpoint signer of period `index - 1`.
    error CheckpointRotationInvalidSignature(bytes32 logId, uint64 index, address signer);
    /// @notice Key period `index` of log `logId` must start after `previousFromEpoch`, not at `fromEpoch`.
    error CheckpointRotationEpochNotIncreasing(bytes32 logId, uint64 previousFromEpoch, uint64 fromEpoch);
    /// @notice `signer` already signed for period `index` of log `logId`: a key serves one period.
    error CheckpointSignerReused(bytes32 logId, address signer, uint64 index);
    /// @notice Two statements of log `logId` for different key periods (`firstIndex`, `secondIndex`)
    /// are no fork.
    error CheckpointKeyForkIndexMismatch(bytes32 logId, uint64 firstIndex, uint64 secondIndex);
    /// @notice The maximum epoch interval of log `logId` must not be zero.
    error CheckpointZeroEpochInterval(bytes32 logId);
    /// @notice The checkpoint of epoch `epoch` of log `logId` is not anchored on this chain as given.
    error CheckpointNotAnchored(bytes32 logId, uint64 epoch);
    /// @notice The key given for a receipt of log `logId` commits to `given`, which is no receipt
    /// key of a period that began at or before epoch `epoch`; `receiptKey` is the key of the period
    /// that covers `epoch` (zero when there is none).
    error CheckpointReceiptKeyMismatch(bytes32 logId, uint64 epoch, bytes32 receiptKey, bytes32 given);
    /// @notice The signature of receipt `seq` of log `logId` is not a 64-byte P-256 signature
    /// `r ‖ s` (low s) of its RFC 8785 bytes by the key that commits to `receiptKey`.
    error CheckpointReceiptInvalidSignature(bytes32 logId, uint64 seq, bytes32 receiptKey);
    /// @notice `traceId` is not a lower-case RFC 9562 UUID, as a receipt's trace id is.
    error CheckpointReceiptMalformedTraceId(string traceId);
    /// @notice `timestamp` is not an RFC 3339 UTC timestamp `YYYY-MM-DDTHH:MM:SS[.f{1,3}]Z` on a day
    /// that exists, as a receipt's timestamp is.
    error CheckpointReceiptMalformedTimestamp(string timestamp);
    /// @notice The anchored tree of `treeSize` leaves holds index `seq` of log `logId`: only another
    /// leaf there proves a broken promise (kind DifferentLeaf), not a missed deadline.
    error CheckpointReceiptIndexInTree(bytes32 logId, uint64 seq, uint64 treeSize);
    /// @notice The anchored tree of `treeSize` leaves does not hold index `seq` of log `logId`: no
    /// leaf of it can be shown there (kind MissedDeadline takes no inclusion).
    error CheckpointReceiptIndexOutsideTree(bytes32 logId, uint64 seq, uint64 treeSize);
    /// @notice The leaf shown at index `seq` of log `logId` is `leafHash`, the one the receipt promised.
    error CheckpointReceiptLeafIncluded(bytes32 logId, uint64 seq, bytes32 leafHash);
    /// @notice The inclusion proof at index `seq` does not hold against the anchored tree of
    /// `treeSize` leaves of log `logId`.
    error CheckpointReceiptInclusionInvalid(bytes32 logId, uint64 seq, uint64 treeSize);
    /// @notice The checkpoint shown for receipt `seq` of log `logId` is dated `timestamp`, not after
    /// the receipt's deadline `deadline` (its time plus the log's maximum epoch interval, unix seconds).
    error CheckpointReceiptDeadlineNotPassed(bytes32 logId, uint64 seq, int256 deadline, uint64 timestamp);

    /**
     * @notice Anchors a checkpoint after this chain's head of its log. Anyone may send it: the
     * signature is what makes it the log's, so a relayer can pay the gas.
     * @param checkpoint The checkpoint of any epoch after the head's (a chain may skip epochs).
     * @param consistencyProof RFC 9162 §2.1.4 proof from the head's tree (the last checkpoint
     * anchored on this chain) to this one; empty for the log's first checkpoint here, after an
     * empty tree, or when the tree did not grow.
     * @param signature 65-byte ECDSA signature `r ‖ s ‖ v` of the checkpoint's EIP-712 digest by the
     * key whose period covers `checkpoint.epoch`.
     *
     * @dev Sending a checkpoint that is already anchored (same struct hash) changes nothing and
     * emits nothing.
     *
     * Requirements:
     * - the log is {LogStatus.Active};
     * - `checkpoint.epoch` is after the head's (or the checkpoint is anchored as it is);
     * - the tree did not shrink, and `consistencyProof` proves the head's tree is its prefix;
     * - `checkpoint.timestamp` is not before the head's and at most {MAX_CLOCK_SKEW} ahead of the chain;
     * - `signature` is by the signer of the key period that covers `checkpoint.epoch`.
     *
     * Emits a {CheckpointAnchored} event.
     */
    function anchor(
        Checkpoint calldata checkpoint,
        bytes32[] calldata consistencyProof,
        bytes calldata signature
    ) external;

    /**
     * @notice Relays a key rotation statement of a log: key period `rotation.index` begins at
     * `rotation.fromEpoch`. Anyone may relay it, to every chain. If this chain already anchored an
     * epoch at or after `rotation.fromEpoch` (under the old key, which now says it no longer signs
     * such epochs), the statement proves a broken handover: the log is marked compromised instead.
     * @param rotation The statement; `rotation.index` is this chain's {keyPeriodCount}.
     * @param signature 65-byte ECDSA signature of the statement's EIP-712 digest by the current
     * (last) period's checkpoint signer.
     *
     * @dev Requirements:
     * - the log is {LogStatus.Active};
     * - `rotation.index` is the next period; the signature is the last period's signer's;
     * - `rotation.signer` and `rotation.receiptKey` are not zero; `rotation.signer` served no
     *   period of this log before;
     * - `rotation.fromEpoch` is after the last period's `fromEpoch`.
     *
     * Emits a {KeysRotated} event when `rotation.fromEpoch` is after this chain's head epoch;
     * otherwise an {EquivocationReported} event of kind {EquivocationKind.HandoverBreach}, and no
     * period is added.
     */
    function rotateKeys(KeyRotation calldata rotation, bytes calldata signature) external;

    /**
     * @notice Records that a log equivocated, from two checkpoints signed by keys of its history
     * for epochs inside their periods that cannot both be true: the same epoch with different
     * roots or sizes, a later epoch with a smaller tree, or the same tree size with different
     * roots. The checkpoints need not be anchored, here or anywhere.
     *
     * @dev Requirements: same log, known, not already compromised; each signature recovers to a
     * key of the history ({periodOf}) whose period covers the checkpoint's epoch (a key signing
     * outside its period reverts with {CheckpointSignedOutsidePeriod}: report it with
     * {reportOutOfPeriod}).
     *
     * Emits an {EquivocationReported} event.
     */
    function reportEquivocation(SignedCheckpoint calldata first, SignedCheckpoint calldata second) external;

    /**
     * @notice Records that a log forked, from two checkpoints signed as for {reportEquivocation}
     * whose trees hold different leaves at index `leafIndex`: trees of one append-only log agree on
     * every leaf they both have, so one of them is not an extension of the other. This is the
     * general form of "a later checkpoint not consistent with an earlier one".
     *
     * @dev Requirements: as {reportEquivocation}; `leafIndex` is in both trees; each inclusion
     * proof holds against its checkpoint; the leaf hashes differ.
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
     * @notice Records that a key of a log's history signed a checkpoint for an epoch outside its
     * key period (before it, or at or after its successor's `fromEpoch`): the key broke the
     * handover the history states.
     *
     * @dev Requirements: the log is known, not already compromised; the signature recovers to a
     * key of the history; the epoch lies outside that key's period.
     *
     * Emits an {EquivocationReported} event of kind {EquivocationKind.SignedOutsidePeriod}.
     */
    function reportOutOfPeriod(SignedCheckpoint calldata signed) external;

    /**
     * @notice Records that a log's key signed two different statements for the same key period
     * (for example one chain was told period 1 is key B, another that it is key C).
     *
     * @dev Requirements: same log, known, not already compromised; same `index`, at least 1 and at
     * most this chain's {keyPeriodCount}; different content; both signed by the checkpoint signer
     * of period `index - 1` of this chain's history.
     *
     * Emits an {EquivocationReported} event of kind {EquivocationKind.KeyFork}.
     */
    function reportKeyFork(
        KeyRotation calldata first,
        bytes calldata firstSignature,
        KeyRotation calldata second,
        bytes calldata secondSignature
    ) external;

    /**
     * @notice Records that a log broke the promise of one of its receipts (`tml-receipt/2`): the
     * log signed "leaf `receipt.seq` is `receipt.leafHash`, in a checkpoint within my maximum
     * epoch interval after `receipt.timestamp`", and a checkpoint anchored on this chain shows
     * otherwise. Two kinds, told apart by whether the anchored tree holds index `receipt.seq`:
     * - DifferentLeaf (`anchored.treeSize > receipt.seq`): `other` proves another leaf hash at
     *   index `receipt.seq` of the anchored tree;
     * - MissedDeadline (`anchored.treeSize <= receipt.seq`, `other` empty: zero leaf hash, no
     *   proof): the anchored checkpoint is dated after the receipt's time (unix seconds, fraction
     *   dropped) plus the log's maximum epoch interval, and its tree does not reach the index.
     * Anyone may report; the receipt is whatever the log's gateway handed out.
     * @param receipt The receipt's fields; its `v` is `tml-receipt/2`.
     * @param signature 64 bytes `r ‖ s`: ECDSA P-256 over SHA-256 of the receipt's RFC 8785 bytes,
     * low s (s <= n/2).
     * @param keyX The x coordinate of the receipt public key.
     * @param keyY The y coordinate of the receipt public key.
     * @param anchored A checkpoint of the receipt's log anchored on this chain ({isAnchored}).
     * @param other DifferentLeaf: the leaf hash at index `receipt.seq` of `anchored`'s tree and its
     * RFC 9162 inclusion proof; MissedDeadline: empty.
     *
     * @dev The contract rebuilds the signed bytes `{"leafHash":"0x…","logId":"0x…","seq":N,
     * "timestamp":"…","traceId":"…","v":"tml-receipt/2"}` (RFC 8785 member order, lower-case hex),
     * after checking `traceId` (lower-case RFC 9562 UUID) and `timestamp` (RFC 3339 UTC with 0 to
     * 3 fractional digits, a day that exists) against the receipt format's patterns, hashes them
     * with SHA-256 and verifies with OpenZeppelin's `P256.verify` (the precompile at 0x100,
     * EIP-7951 / RIP-7212, with a Solidity fallback).
     *
     * Requirements:
     * - `receipt.logId == anchored.logId` ({CheckpointEquivocationLogMismatch}); the log is known
     *   and not already compromised (a retired log still takes evidence);
     * - `anchored` is anchored on this chain ({CheckpointNotAnchored});
     * - `keccak256(keyX ‖ keyY)` is the receipt key of a period that began at or before
     *   `anchored.epoch` ({keyPeriodAt}; {CheckpointReceiptKeyMismatch}): a receipt key rotated
     *   out still answers for the receipts it signed;
     * - the fields have their patterns ({CheckpointReceiptMalformedTraceId},
     *   {CheckpointReceiptMalformedTimestamp}) and the signature verifies
     *   ({CheckpointReceiptInvalidSignature});
     * - DifferentLeaf: `other` is not empty ({CheckpointReceiptIndexInTree}), its leaf hash differs
     *   from the receipt's ({CheckpointReceiptLeafIncluded}) and its proof holds
     *   ({CheckpointReceiptInclusionInvalid});
     * - MissedDeadline: `other` is empty ({CheckpointReceiptIndexOutsideTree}) and
     *   `anchored.timestamp` is after the deadline ({CheckpointReceiptDeadlineNotPassed}).
     *
     * Emits an {EquivocationReported} event of kind {EquivocationKind.BrokenPromise} with
     * `anchored.epoch` and `receipt.seq`.
     */
    function reportBrokenPromise(
        Receipt calldata receipt,
        bytes calldata signature,
        bytes32 keyX,
        bytes32 keyY,
        Checkpoint calldata anchored,
        LeafInclusion calldata other
    ) external;

    /**
     * @notice Registers log `logId` with key period 0: checkpoint signer `signer` and receipt key
     * `receiptKey` from epoch 1, and the maximum epoch interval `maxEpochInterval` (seconds) its
     * receipts promise, which {reportBrokenPromise} holds them to.
     * @dev Only the LanternRegistry ({ILanternRegistry-declareLog}), which passes what the log id
     * commits to. Requirements: a new log; `signer`, `receiptKey` and `maxEpochInterval` not zero.
     */
    function registerLog(bytes32 logId, address signer, bytes32 receiptKey, uint64 maxEpochInterval) external;

    /**
     * @notice Retires log `logId`: it anchors and rotates nothing more; what it anchored stays
     * readable, and evidence against it is still accepted.
     * @dev Only the LanternRegistry ({ILanternRegistry-retireLog}).
     * @return finalEpoch The log's last anchored epoch on this chain (0 if none).
     */
    function retireLog(bytes32 logId) external returns (uint64 finalEpoch);

    /// @notice How far ahead of the chain's clock a checkpoint's timestamp may be, in seconds.
    function MAX_CLOCK_SKEW() external view returns (uint64);

    /// @notice The LanternRegistry whose logs this registry anchors.
    function lantern() external view returns (address);

    /**
     * @notice The latest checkpoint of log `logId` anchored on this chain; all zero if none.
     */
    function head(bytes32 logId)
        external
        view
        returns (uint64 epoch, bytes32 rootHash, uint64 treeSize, uint64 timestamp);

    /**
     * @notice The EIP-712 struct hash of the checkpoint anchored for epoch `epoch` of log `logId`
     * (`keccak256(abi.encode(CHECKPOINT_TYPEHASH, logId, epoch, treeSize, rootHash, timestamp))`),
     * zero when this chain did not anchor that epoch. It commits to the epoch's tree size, root and
     * time: a verifier holding the checkpoint compares hashes, or calls {isAnchored}.
     */
    function checkpointHashAt(bytes32 logId, uint64 epoch) external view returns (bytes32);

    /// @notice Whether exactly `checkpoint` (same tree size, root and time) is anchored on this chain.
    function isAnchored(Checkpoint calldata checkpoint) external view returns (bool);

    /**
     * @notice Whether `proof` proves leaf hash `leafHash` at index `leafIndex` of the tree of
     * `checkpoint`. False unless `checkpoint` is anchored on this chain ({isAnchored}).
     * @dev `leafHash` must be SHA-256(0x00 ‖ leaf) computed by the caller from the leaf itself:
     * an interior node passed as a leaf hash can verify under a wrong tree size.
     */
    function verifyInclusion(
        Checkpoint calldata checkpoint,
        uint64 leafIndex,
        bytes32 leafHash,
        bytes32[] calldata proof
    ) external view returns (bool);

    /// @notice The maximum epoch interval (seconds) log `logId` was registered with (0 if unknown).
    function maxEpochIntervalOf(bytes32 logId) external view returns (uint64);

    /// @notice Life cycle state of log `logId`.
    function logStatus(bytes32 logId) external view returns (LogStatus);

    /// @notice The checkpoint signer of epoch `epoch` of log `logId` in this chain's key history
    /// (zero for an unknown log or epoch 0).
    function signerAt(bytes32 logId, uint64 epoch) external view returns (address);

    /**
     * @notice The keys of epoch `epoch` of log `logId` in this chain's key history: checkpoint
     * signer, receipt key and the period's index. All zero for an unknown log or epoch 0.
     */
    function keysAt(bytes32 logId, uint64 epoch)
        external
        view
        returns (address signer, bytes32 receiptKey, uint64 index);

    /// @notice How many key periods this chain holds for log `logId` (0 for an unknown log).
    function keyPeriodCount(bytes32 logId) external view returns (uint64);

    /// @notice Key period `index` of log `logId` (reverts when there is none).
    function keyPeriodAt(bytes32 logId, uint64 index) external view returns (KeyPeriod memory);

    /// @notice Whether `signer` is a checkpoint signer of log `logId`'s key history, and of which period.
    function periodOf(bytes32 logId, address signer) external view returns (bool known, uint64 index);
}
