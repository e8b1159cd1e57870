// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

/**
 * @title IAccessRegistry
 * @notice Time-bound auditor access to a log's sealed evidence, granted by a quorum of custodians.
 *
 * A gateway seals each decision's full context under a data key per vault epoch and splits every
 * epoch key k-of-n to the log's custodians (each share wrapped to the custodian's X25519 key).
 * Here the log's operator (the account that declared the log in the {ILanternRegistry}) declares
 * those custodians and k; an auditor requests access to an epoch range for a duration, naming the
 * X25519 key releases must be wrapped to; custodians approve; once k approved, the grant is live
 * until `approvedAt + duration`, and only then, and only for epochs in range, may a custodian
 * post its share of an epoch re-wrapped to the auditor's key. Every step is an event.
 *
 * What "time-bound" means: the contract refuses releases after expiry, but a share already
 * released is the auditor's for good; what expiry limits is what is released, not what was.
 */
interface IAccessRegistry {
    /**
     * @notice One access request and its state.
     * @param logId The log whose sealed evidence is asked for.
     * @param auditorKey The X25519 public key (32 bytes) releases are wrapped to.
     * @param auditor Who requested (only it may read what is released: it holds the private key).
     * @param requestedAt Block time of the request.
     * @param custodyVersion The custodian declaration in force at the request: its custodians approve.
     * @param approvals How many of those custodians approved.
     * @param threshold The approvals needed (k of that declaration).
     * @param fromEpoch First vault epoch of the range.
     * @param toEpoch Last vault epoch of the range (inclusive).
     * @param duration Seconds the grant stays live once approved.
     * @param approvedAt Block time of the k-th approval; zero until then.
     */
    struct Grant {
        bytes32 logId;
        bytes32 auditorKey;
        address auditor;
        uint64 requestedAt;
        uint16 custodyVersion;
        uint8 approvals;
        uint8 threshold;
        uint64 fromEpoch;
        uint64 toEpoch;
        uint64 duration;
        uint64 approvedAt;
    }

    /**
     * @notice The operator of log `logId` declared its custodians (declaration `version`): custodian
     * `i` holds share `i` of every epoch key and has X25519 key `keys[i]`; `threshold` of them rebuild a key.
     */
    event CustodiansDeclared(
        bytes32 indexed logId, uint16 indexed version, uint8 threshold, address[] custodians, bytes32[] keys
    );
    /// @notice `auditor` asked for epochs [`fromEpoch`, `toEpoch`] of log `logId` for `duration` seconds.
    event AccessRequested(
        uint256 indexed grantId,
        bytes32 indexed logId,
        address indexed auditor,
        uint64 fromEpoch,
        uint64 toEpoch,
        uint64 duration,
        bytes32 auditorKey
    );
    /// @notice Custodian `custodian` approved grant `grantId`; it now has `approvals` approvals.
    event AccessApproved(uint256 indexed grantId, address indexed custodian, uint8 approvals);
    /// @notice Grant `grantId` reached its threshold: live from `approvedAt` until `expiresAt`.
    event AccessGranted(uint256 indexed grantId, uint64 approvedAt, uint64 expiresAt);
    /**
     * @notice Custodian `custodian` (share `index`) released its share of epoch `epoch` for grant
     * `grantId`, wrapped to the grant's auditor key (`wrappedShare`: HPKE enc ‖ ciphertext).
     */
    event ShareReleased(
        uint256 indexed grantId, uint64 indexed epoch, address indexed custodian, uint8 index, bytes wrappedShare
    );

    /// @notice Log `logId` is not declared in the LanternRegistry.
    error AccessUnknownLog(bytes32 logId);
    /// @notice `caller` is not the operator of log `logId`.
    error AccessNotLogOperator(bytes32 logId, address caller);
    /// @notice Log `logId` is retired: it takes no new custodians.
    error AccessLogRetired(bytes32 logId);
    /// @notice `count` custodians: between 1 and {MAX_CUSTODIANS}, one key each (`keyCount` keys given).
    error AccessInvalidCustodianCount(uint256 count, uint256 keyCount);
    /// @notice Threshold `threshold` must be between 1 and the `count` custodians.
    error AccessInvalidThreshold(uint256 threshold, uint256 count);
    /// @notice Custodian `index` has the zero address or a zero key.
    error AccessInvalidCustodian(uint256 index);
    /// @notice `custodian` is listed twice.
    error AccessDuplicateCustodian(address custodian);
    /// @notice Log `logId` has no custodians declared: nobody could approve.
    error AccessNoCustodians(bytes32 logId);
    /// @notice The epoch range [`fromEpoch`, `toEpoch`] is empty or starts at 0.
    error AccessInvalidEpochRange(uint64 fromEpoch, uint64 toEpoch);
    /// @notice `duration` must be between 1 second and `maxDuration`.
    error AccessInvalidDuration(uint64 duration, uint64 maxDuration);
    /// @notice The auditor's X25519 key must not be zero.
    error AccessZeroAuditorKey();
    /// @notice No grant `grantId` was requested.
    error AccessUnknownGrant(uint256 grantId);
    /// @notice `caller` is not a custodian of the declaration grant `grantId` was requested under.
    error AccessNotCustodian(uint256 grantId, address caller);
    /// @notice `custodian` already approved grant `grantId`.
    error AccessAlreadyApproved(uint256 grantId, address custodian);
    /// @notice Grant `grantId` has `approvals` of the `threshold` approvals it needs: not live.
    error AccessGrantNotLive(uint256 grantId, uint8 approvals, uint8 threshold);
    /// @notice Grant `grantId` expired at `expiresAt`: nothing more is released under it.
    error AccessGrantExpired(uint256 grantId, uint64 expiresAt);
    /// @notice Epoch `epoch` is outside grant `grantId`'s range [`fromEpoch`, `toEpoch`].
    error AccessEpochOutOfRange(uint256 grantId, uint64 epoch, uint64 fromEpoch, uint64 toEpoch);
    /// @notice A release must carry the wrapped share.
    error AccessEmptyRelease(uint256 grantId);
    /// @notice `custodian` already released its share of epoch `epoch` under grant `grantId`.
    error AccessAlreadyReleased(uint256 grantId, uint64 epoch, address custodian);

    /**
     * @notice Declares the custodians of log `logId` and the threshold: a new declaration (the
     * version goes up). Requests made before keep the custodians they were made under.
     * @dev Requirements: the caller is the log's operator in the LanternRegistry; the log is not
     * retired; 1 to {MAX_CUSTODIANS} custodians, distinct, none zero, each with a non-zero key;
     * 1 ≤ `threshold` ≤ custodians. Emits {CustodiansDeclared}.
     */
    function declareCustodians(bytes32 logId, address[] calldata custodians, bytes32[] calldata keys, uint8 threshold)
        external;

    /**
     * @notice Asks for access to vault epochs [`fromEpoch`, `toEpoch`] of log `logId`, for `duration`
     * seconds from approval, releases to be wrapped to `auditorKey`. Anyone may ask: only the
     * custodians' approvals make it a grant.
     * @dev Requirements: the log has custodians; 1 ≤ `fromEpoch` ≤ `toEpoch`; 1 ≤ `duration` ≤
     * {MAX_DURATION}; `auditorKey` is not zero. Emits {AccessRequested}.
     */
    function requestAccess(bytes32 logId, uint64 fromEpoch, uint64 toEpoch, uint64 duration, bytes32 auditorKey)
        external
        returns (uint256 grantId);

    /**
     * @notice Approves grant `grantId` as one of its custodians. The k-th approval makes it live.
     * @dev Requirements: the grant exists and has not expired; the caller is a custodian of its
     * declaration and has not approved it yet. Emits {AccessApproved}, and {AccessGranted} at the k-th.
     */
    function approve(uint256 grantId) external;

    /**
     * @notice Posts the caller's share of epoch `epoch`, re-wrapped to the grant's auditor key.
     * @dev Requirements: the caller is a custodian of the grant's declaration; the grant is live
     * (k approvals, before `approvedAt + duration`); `epoch` is in its range; `wrappedShare` is not
     * empty; the caller has not released this epoch under this grant. Emits {ShareReleased}.
     */
    function release(uint256 grantId, uint64 epoch, bytes calldata wrappedShare) external;

    /// @notice Most custodians a log may declare (shares are numbered by one byte).
    function MAX_CUSTODIANS() external view returns (uint256);
    /// @notice Longest grant, in seconds.
    function MAX_DURATION() external view returns (uint64);
    /// @notice The registry that says who operates each log.
    function lanternRegistry() external view returns (address);
    /// @notice The custodians of log `logId` in force, their keys, the threshold and the declaration's version.
    function custodiansOf(bytes32 logId)
        external
        view
        returns (address[] memory custodians, bytes32[] memory keys, uint8 threshold, uint16 version);
    /// @notice Share index + 1 of `account` in declaration `version` of log `logId`; 0 when it is none.
    function custodianIndex(bytes32 logId, uint16 version, address account) external view returns (uint8);
    /// @notice Grant `grantId` as it stands.
    function grantInfo(uint256 grantId) external view returns (Grant memory);
    /// @notice Whether grant `grantId` is live now (k approvals, not expired).
    function isLive(uint256 grantId) external view returns (bool);
    /// @notice Whether `custodian` approved grant `grantId`.
    function hasApproved(uint256 grantId, address custodian) external view returns (bool);
    /// @notice Number of grants requested so far; grant ids run from 1 to it.
    function grantCount() external view returns (uint256);
}
