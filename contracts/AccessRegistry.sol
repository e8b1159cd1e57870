// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {IAccessRegistry} from "./interfaces/IAccessRegistry.sol";
import {ILanternRegistry} from "./interfaces/ILanternRegistry.sol";

/**
 * @title AccessRegistry
 * @notice See {IAccessRegistry}. Holds no key material: custodians' X25519 public keys, and the
 * releases only as event data (shares already wrapped to the auditor's key off chain).
 */
contract AccessRegistry is IAccessRegistry {
    /// @inheritdoc IAccessRegistry
    uint256 public constant MAX_CUSTODIANS = 32;
    /// @inheritdoc IAccessRegistry
    uint64 public constant MAX_DURATION = 365 days;

    /// @dev Who operates each log: the only account that declares its custodians.
    ILanternRegistry private immutable _lantern;

    /// @dev The declaration in force per log; older ones stay readable through `_indexOf`.
    struct Custody {
        address[] custodians;
        bytes32[] keys;
        uint8 threshold;
        uint16 version;
    }

    mapping(bytes32 logId => Custody) private _custody;
    /// @dev Share index + 1 of an account in each declaration of each log (0: not a custodian).
    mapping(bytes32 logId => mapping(uint16 version => mapping(address account => uint8))) private _indexOf;
    mapping(uint256 grantId => Grant) private _grants;
    mapping(uint256 grantId => mapping(address custodian => bool)) private _approved;
    mapping(uint256 grantId => mapping(address custodian => mapping(uint64 epoch => bool))) private _released;
    uint256 private _grantCount;

    constructor(ILanternRegistry lantern) {
        _lantern = lantern;
    }

    /// @inheritdoc IAccessRegistry
    function declareCustodians(bytes32 logId, address[] calldata custodians, bytes32[] calldata keys, uint8 threshold)
        external
    {
        ILanternRegistry.Log memory log = _lantern.logInfo(logId);
        if (log.operator == address(0)) revert AccessUnknownLog(logId);
        if (log.operator != msg.sender) revert AccessNotLogOperator(logId, msg.sender);
        if (log.retired) revert AccessLogRetired(logId);
        uint256 count = custodians.length;
        if (count == 0 || count > MAX_CUSTODIANS || keys.length != count) {
            revert AccessInvalidCustodianCount(count, keys.length);
        }
        if (threshold == 0 || threshold > count) revert AccessInvalidThreshold(threshold, count);

        Custody storage custody = _custody[logId];
        uint16 version = custody.version + 1;
        mapping(address => uint8) storage indexOf = _indexOf[logId][version];
        for (uint256 i = 0; i < count; ++i) {
            address custodian = custodians[i];
            if (custodian == address(0) || keys[i] == bytes32(0)) revert AccessInvalidCustodian(i);
            if (indexOf[custodian] != 0) revert AccessDuplicateCustodian(custodian);
            // count ≤ MAX_CUSTODIANS (32): i + 1 fits a byte.
            indexOf[custodian] = uint8(i + 1);
        }
        custody.custodians = custodians;
        custody.keys = keys;
        custody.threshold = threshold;
        custody.version = version;
        emit CustodiansDeclared(logId, version, threshold, custodians, keys);
    }

    /// @inheritdoc IAccessRegistry
    function requestAccess(bytes32 logId, uint64 fromEpoch, uint64 toEpoch, uint64 duration, bytes32 auditorKey)
        external
        returns (uint256 grantId)
    {
        Custody storage custody = _custody[logId];
        uint16 version = custody.version;
        if (version == 0) revert AccessNoCustodians(logId);
        if (fromEpoch == 0 || fromEpoch > toEpoch) revert AccessInvalidEpochRange(fromEpoch, toEpoch);
        if (duration == 0 || duration > MAX_DURATION) revert AccessInvalidDuration(duration, MAX_DURATION);
        if (auditorKey == bytes32(0)) revert AccessZeroAuditorKey();
        grantId = ++_grantCount;
        _grants[grantId] = Grant({
            logId: logId,
            auditorKey: auditorKey,
            auditor: msg.sender,
            requestedAt: uint64(block.timestamp),
            custodyVersion: version,
            approvals: 0,
            threshold: custody.threshold,
            fromEpoch: fromEpoch,
            toEpoch: toEpoch,
            duration: duration,
            approvedAt: 0
        });
        emit AccessRequested(grantId, logId, msg.sender, fromEpoch, toEpoch, duration, auditorKey);
    }

    /// @inheritdoc IAccessRegistry
    function approve(uint256 grantId) external {
        Grant storage grant = _requireGrant(grantId);
        _requireCustodian(grant, grantId);
        uint64 approvedAt = grant.approvedAt;
        if (approvedAt != 0) {
            uint64 expiresAt = approvedAt + grant.duration;
            if (block.timestamp >= expiresAt) revert AccessGrantExpired(grantId, expiresAt);
        }
        if (_approved[grantId][msg.sender]) revert AccessAlreadyApproved(grantId, msg.sender);
        _approved[grantId][msg.sender] = true;
        // At most MAX_CUSTODIANS (32) distinct custodians approve: the count fits a byte.
        uint8 approvals = grant.approvals + 1;
        grant.approvals = approvals;
        emit AccessApproved(grantId, msg.sender, approvals);
        if (approvals == grant.threshold) {
            uint64 nowTime = uint64(block.timestamp);
            grant.approvedAt = nowTime;
            emit AccessGranted(grantId, nowTime, nowTime + grant.duration);
        }
    }

    /// @inheritdoc IAccessRegistry
    function release(uint256 grantId, uint64 epoch, bytes calldata wrappedShare) external {
        Grant storage grant = _requireGrant(grantId);
        uint8 index = _requireCustodian(grant, grantId);
        uint64 approvedAt = grant.approvedAt;
        if (approvedAt == 0) revert AccessGrantNotLive(grantId, grant.approvals, grant.threshold);
        uint64 expiresAt = approvedAt + grant.duration;
        if (block.timestamp >= expiresAt) revert AccessGrantExpired(grantId, expiresAt);
        if (epoch < grant.fromEpoch || epoch > grant.toEpoch) {
            revert AccessEpochOutOfRange(grantId, epoch, grant.fromEpoch, grant.toEpoch);
        }
        if (wrappedShare.length == 0) revert AccessEmptyRelease(grantId);
        if (_released[grantId][msg.sender][epoch]) revert AccessAlreadyReleased(grantId, epoch, msg.sender);
        _released[grantId][msg.sender][epoch] = true;
        emit ShareReleased(grantId, epoch, msg.sender, index - 1, wrappedShare);
    }

    /// @inheritdoc IAccessRegistry
    function lanternRegistry() external view returns (address) {
        return address(_lantern);
    }

    /// @inheritdoc IAccessRegistry
    function custodiansOf(bytes32 logId)
        external
        view
        returns (address[] memory custodians, bytes32[] memory keys, uint8 threshold, uint16 version)
    {
        Custody storage custody = _custody[logId];
        return (custody.custodians, custody.keys, custody.threshold, custody.version);
    }

    /// @inheritdoc IAccessRegistry
    function custodianIndex(bytes32 logId, uint16 version, address account) external view returns (uint8) {
        return _indexOf[logId][version][account];
    }

    /// @inheritdoc IAccessRegistry
    function grantInfo(uint256 grantId) external view returns (Grant memory) {
        return _grants[grantId];
    }

    /// @inheritdoc IAccessRegistry
    function isLive(uint256 grantId) external view returns (bool) {
        Grant storage grant = _grants[grantId];
        uint64 approvedAt = grant.approvedAt;
        return approvedAt != 0 && block.timestamp < approvedAt + grant.duration;
    }

    /// @inheritdoc IAccessRegistry
    function hasApproved(uint256 grantId, address custodian) external view returns (bool) {
        return _approved[grantId][custodian];
    }

    /// @inheritdoc IAccessRegistry
    function grantCount() external view returns (uint256) {
        return _grantCount;
    }

    function _requireGrant(uint256 grantId) private view returns (Grant storage grant) {
        grant = _grants[grantId];
        if (grant.custodyVersion == 0) revert AccessUnknownGrant(grantId);
    }

    /// @dev Share index + 1 of the caller in the grant's declaration; reverts for anyone else.
    function _requireCustodian(Grant storage grant, uint256 grantId) private view returns (uint8 indexPlusOne) {
        indexPlusOne = _indexOf[grant.logId][grant.custodyVersion][msg.sender];
        if (indexPlusOne == 0) revert AccessNotCustodian(grantId, msg.sender);
    }
}
