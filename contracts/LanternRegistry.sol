// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {AccessControlDefaultAdminRules} from
    "@openzeppelin/contracts/access/extensions/AccessControlDefaultAdminRules.sol";
import {ICheckpointRegistry} from "./interfaces/ICheckpointRegistry.sol";
import {ILanternRegistry} from "./interfaces/ILanternRegistry.sol";

/**
 * @title LanternRegistry
 * @notice Operators, their logs and their Lantern certifications. See {ILanternRegistry}.
 *
 * @dev Log configuration lives here; the CheckpointRegistry keeps its own copy of what `anchor`
 * reads (signer and status), written only through this contract, so anchoring never pays for a
 * call across contracts. Certifiers are managed with OpenZeppelin's AccessControlDefaultAdminRules:
 * the admin grants {CERTIFIER_ROLE}, and handing over the admin role takes a delay.
 */
contract LanternRegistry is ILanternRegistry, AccessControlDefaultAdminRules {
    /// @inheritdoc ILanternRegistry
    bytes32 public constant CERTIFIER_ROLE = keccak256("CERTIFIER_ROLE");

    /// @inheritdoc ILanternRegistry
    uint64 public constant MAX_EPOCH_INTERVAL = 365 days;

    /// @inheritdoc ILanternRegistry
    ICheckpointRegistry public checkpointRegistry;

    mapping(address operator => Operator) private _operators;
    mapping(bytes32 logId => Log) private _logs;
    mapping(address operator => bytes32[]) private _logIds;
    mapping(address operator => Certification[]) private _certifications;

    /**
     * @param adminDelay Seconds a default admin transfer waits before it can be accepted.
     * @param admin The first default admin, who grants the certifier role.
     */
    constructor(uint48 adminDelay, address admin) AccessControlDefaultAdminRules(adminDelay, admin) {}

    /// @inheritdoc ILanternRegistry
    function registerOperator(string calldata metadataURI, bytes32 licenseHash) external {
        Operator storage operator = _operators[msg.sender];
        if (operator.registeredAt != 0) revert LanternOperatorAlreadyRegistered(msg.sender);
        if (licenseHash == bytes32(0)) revert LanternZeroHash();
        operator.metadataURI = metadataURI;
        operator.licenseHash = licenseHash;
        operator.registeredAt = uint64(block.timestamp);
        emit OperatorRegistered(msg.sender, licenseHash, metadataURI);
    }

    /// @inheritdoc ILanternRegistry
    function updateOperatorMetadata(string calldata metadataURI) external {
        Operator storage operator = _requireOperator(msg.sender);
        operator.metadataURI = metadataURI;
        emit OperatorMetadataUpdated(msg.sender, metadataURI);
    }

    /// @inheritdoc ILanternRegistry
    function declareLog(string calldata name, address signer, bytes32 receiptKey, uint64 maxEpochInterval)
        external
        returns (bytes32 logId)
    {
        _requireOperator(msg.sender);
        if (bytes(name).length == 0) revert LanternEmptyLogName();
        if (signer == address(0)) revert LanternInvalidSigner(signer);
        if (receiptKey == bytes32(0)) revert LanternZeroReceiptKey();
        if (maxEpochInterval == 0 || maxEpochInterval > MAX_EPOCH_INTERVAL) {
            revert LanternInvalidEpochInterval(maxEpochInterval, MAX_EPOCH_INTERVAL);
        }
        logId = computeLogId(msg.sender, name);
        Log storage log = _logs[logId];
        if (log.operator != address(0)) revert LanternLogAlreadyDeclared(logId);

        log.operator = msg.sender;
        log.maxEpochInterval = maxEpochInterval;
        log.declaredAt = uint64(block.timestamp);
        log.signer = signer;
        log.receiptKey = receiptKey;
        log.name = name;
        _logIds[msg.sender].push(logId);
        _checkpoints().registerLog(logId, signer);
        emit LogDeclared(logId, msg.sender, name, signer, receiptKey, maxEpochInterval);
    }

    /// @inheritdoc ILanternRegistry
    function rotateSigner(bytes32 logId, address newSigner) external {
        Log storage log = _requireActiveLogOf(logId, msg.sender);
        if (newSigner == address(0)) revert LanternInvalidSigner(newSigner);
        address previousSigner = log.signer;
        if (newSigner == previousSigner) revert LanternSignerUnchanged(logId, newSigner);
        log.signer = newSigner;
        uint64 fromEpoch = _checkpoints().rotateSigner(logId, newSigner);
        emit LogSignerRotated(logId, previousSigner, newSigner, fromEpoch);
    }

    /// @inheritdoc ILanternRegistry
    function retireLog(bytes32 logId) external {
        Log storage log = _requireActiveLogOf(logId, msg.sender);
        log.retired = true;
        uint64 finalEpoch = _checkpoints().retireLog(logId);
        emit LogRetired(logId, finalEpoch);
    }

    /// @inheritdoc ILanternRegistry
    function grantCertification(address operator, bytes32 profile, uint64 expiresAt, bytes32 evidenceHash)
        external
        onlyRole(CERTIFIER_ROLE)
    {
        _requireOperator(operator);
        if (profile == bytes32(0) || evidenceHash == bytes32(0)) revert LanternZeroHash();
        if (expiresAt <= block.timestamp) revert LanternInvalidExpiry(expiresAt, uint64(block.timestamp + 1));
        Certification[] storage history = _certifications[operator];
        uint256 count = history.length;
        if (count != 0) {
            Certification storage current = history[count - 1];
            if (current.revokedAt == 0 && current.expiresAt > block.timestamp) {
                revert LanternAlreadyCertified(operator, current.expiresAt);
            }
        }
        history.push(
            Certification({
                profile: profile,
                evidenceHash: evidenceHash,
                revocationReason: bytes32(0),
                certifier: msg.sender,
                issuedAt: uint64(block.timestamp),
                expiresAt: expiresAt,
                revokedAt: 0
            })
        );
        emit CertificationGranted(operator, msg.sender, count, profile, expiresAt, evidenceHash);
    }

    /// @inheritdoc ILanternRegistry
    function renewCertification(address operator, uint64 expiresAt, bytes32 evidenceHash)
        external
        onlyRole(CERTIFIER_ROLE)
    {
        (Certification storage current, uint256 index) = _requireUnrevokedCertification(operator);
        if (evidenceHash == bytes32(0)) revert LanternZeroHash();
        uint64 earliest = current.expiresAt > block.timestamp ? current.expiresAt : uint64(block.timestamp);
        // Cannot overflow: `earliest` is a uint64 time that is at most a uint64 `expiresAt`.
        unchecked {
            earliest += 1;
        }
        if (expiresAt < earliest) revert LanternInvalidExpiry(expiresAt, earliest);
        _certifications[operator].push(
            Certification({
                profile: current.profile,
                evidenceHash: evidenceHash,
                revocationReason: bytes32(0),
                certifier: msg.sender,
                issuedAt: uint64(block.timestamp),
                expiresAt: expiresAt,
                revokedAt: 0
            })
        );
        emit CertificationRenewed(operator, msg.sender, index + 1, expiresAt, evidenceHash);
    }

    /// @inheritdoc ILanternRegistry
    function revokeCertification(address operator, bytes32 reasonHash) external onlyRole(CERTIFIER_ROLE) {
        (Certification storage current, uint256 index) = _requireUnrevokedCertification(operator);
        if (reasonHash == bytes32(0)) revert LanternZeroHash();
        current.revokedAt = uint64(block.timestamp);
        current.revocationReason = reasonHash;
        emit CertificationRevoked(operator, msg.sender, index, reasonHash);
    }

    /// @inheritdoc ILanternRegistry
    function setCheckpointRegistry(ICheckpointRegistry registry) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (address(checkpointRegistry) != address(0)) {
            revert LanternCheckpointRegistryAlreadySet(address(checkpointRegistry));
        }
        address registryLantern = registry.lantern();
        if (registryLantern != address(this)) {
            revert LanternCheckpointRegistryMismatch(address(registry), registryLantern);
        }
        checkpointRegistry = registry;
        emit CheckpointRegistrySet(address(registry));
    }

    /// @inheritdoc ILanternRegistry
    function lanternStatus(address operator) external view returns (bool lit, LanternReason reason, bytes32 logId) {
        bytes32[] storage ids = _logIds[operator];
        ICheckpointRegistry registry = checkpointRegistry;
        uint256 count = ids.length;
        for (uint256 i; i < count; ++i) {
            if (registry.logStatus(ids[i]) == ICheckpointRegistry.LogStatus.Compromised) {
                return (false, LanternReason.LogEquivocated, ids[i]);
            }
        }

        Certification[] storage history = _certifications[operator];
        if (history.length == 0) return (false, LanternReason.NeverCertified, bytes32(0));
        Certification storage current = history[history.length - 1];
        if (current.revokedAt != 0) return (false, LanternReason.Revoked, bytes32(0));
        if (current.expiresAt <= block.timestamp) return (false, LanternReason.Expired, bytes32(0));

        for (uint256 i; i < count; ++i) {
            Log storage log = _logs[ids[i]];
            if (log.retired) continue;
            (,,, uint64 headTime) = registry.head(ids[i]);
            uint256 since = headTime != 0 ? headTime : log.declaredAt;
            if (block.timestamp > since + log.maxEpochInterval) return (false, LanternReason.LogStale, ids[i]);
        }
        return (true, LanternReason.None, bytes32(0));
    }

    /// @inheritdoc ILanternRegistry
    function computeLogId(address operator, string calldata name) public pure returns (bytes32) {
        return keccak256(abi.encode(operator, keccak256(bytes(name))));
    }

    /// @inheritdoc ILanternRegistry
    function operatorInfo(address account) external view returns (Operator memory) {
        return _operators[account];
    }

    /// @inheritdoc ILanternRegistry
    function logInfo(bytes32 logId) external view returns (Log memory) {
        return _logs[logId];
    }

    /// @inheritdoc ILanternRegistry
    function logsOf(address operator) external view returns (bytes32[] memory) {
        return _logIds[operator];
    }

    /// @inheritdoc ILanternRegistry
    function certificationCount(address operator) external view returns (uint256) {
        return _certifications[operator].length;
    }

    /// @inheritdoc ILanternRegistry
    function certificationAt(address operator, uint256 index) external view returns (Certification memory) {
        return _certifications[operator][index];
    }

    function _requireOperator(address account) private view returns (Operator storage operator) {
        operator = _operators[account];
        if (operator.registeredAt == 0) revert LanternOperatorNotRegistered(account);
    }

    function _requireActiveLogOf(bytes32 logId, address account) private view returns (Log storage log) {
        log = _logs[logId];
        if (log.operator == address(0)) revert LanternUnknownLog(logId);
        if (log.operator != account) revert LanternNotLogOperator(logId, account);
        if (log.retired) revert LanternLogRetired(logId);
    }

    function _requireUnrevokedCertification(address operator)
        private
        view
        returns (Certification storage current, uint256 index)
    {
        Certification[] storage history = _certifications[operator];
        if (history.length == 0) revert LanternNotCertified(operator);
        index = history.length - 1;
        current = history[index];
        if (current.revokedAt != 0) revert LanternCertificationRevoked(operator, index);
    }

    function _checkpoints() private view returns (ICheckpointRegistry registry) {
        registry = checkpointRegistry;
        if (address(registry) == address(0)) revert LanternCheckpointRegistryNotSet();
    }
}
