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
 * @dev Log declaration lives here; the CheckpointRegistry keeps the log's key history (period 0
 * registered through this contract, later periods relayed as the log's signed statements) and
 * status, so anchoring never pays for a call across contracts. Certifiers are managed with
 * OpenZeppelin's AccessControlDefaultAdminRules: the admin grants {CERTIFIER_ROLE}, and handing
 * over the admin role takes a delay.
 */
contract LanternRegistry is ILanternRegistry, AccessControlDefaultAdminRules {
    /// @inheritdoc ILanternRegistry
    bytes32 public constant CERTIFIER_ROLE = keccak256("CERTIFIER_ROLE");

    /// @inheritdoc ILanternRegistry
    uint64 public constant MAX_EPOCH_INTERVAL = 365 days;

    /// @inheritdoc ILanternRegistry
    uint256 public constant MAX_CERTIFIED_POLICIES = 32;

    /// @inheritdoc ILanternRegistry
    ICheckpointRegistry public checkpointRegistry;

    mapping(address operator => Operator) private _operators;
    mapping(bytes32 logId => Log) private _logs;
    mapping(address operator => bytes32[]) private _logIds;
    /// @dev One log per name and operator on a chain, whatever keys it is declared with: the log
    /// id alone no longer tells, since it commits to the keys too.
    mapping(address operator => mapping(bytes32 nameHash => bytes32 logId)) private _logByName;
    mapping(address operator => StoredCertification[]) private _certifications;
    /// @dev The policy hashes of each grant, sorted ascending; a renewal points at its grant's.
    mapping(address operator => mapping(uint256 grantIndex => bytes32[] policyHashes)) private _policies;

    /// @dev A {Certification} as stored, with the index of the grant whose scope (policies, model)
    /// it carries, so that a renewal keeps the scope without copying the list.
    struct StoredCertification {
        bytes32 profile;
        bytes32 evidenceHash;
        bytes32 revocationReason;
        bytes32 modelHash;
        address certifier;
        uint64 issuedAt;
        uint64 expiresAt;
        uint64 revokedAt;
        uint64 grantIndex;
    }

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
        bytes32 nameHash = keccak256(bytes(name));
        bytes32 declared = _logByName[msg.sender][nameHash];
        if (declared != bytes32(0)) revert LanternLogAlreadyDeclared(declared);
        logId = computeLogId(msg.sender, name, signer, receiptKey, maxEpochInterval);
        _logByName[msg.sender][nameHash] = logId;
        Log storage log = _logs[logId];

        log.operator = msg.sender;
        log.maxEpochInterval = maxEpochInterval;
        log.declaredAt = uint64(block.timestamp);
        log.signer = signer;
        log.receiptKey = receiptKey;
        log.name = name;
        _logIds[msg.sender].push(logId);
        _checkpoints().registerLog(logId, signer, receiptKey, maxEpochInterval);
        emit LogDeclared(logId, msg.sender, name, signer, receiptKey, maxEpochInterval);
    }

    /// @inheritdoc ILanternRegistry
    function retireLog(bytes32 logId) external {
        Log storage log = _requireActiveLogOf(logId, msg.sender);
        log.retired = true;
        uint64 finalEpoch = _checkpoints().retireLog(logId);
        emit LogRetired(logId, finalEpoch);
    }

    /// @inheritdoc ILanternRegistry
    function grantCertification(
        address operator,
        bytes32 profile,
        uint64 expiresAt,
        bytes32 evidenceHash,
        bytes32[] calldata policyHashes,
        bytes32 modelHash
    ) external onlyRole(CERTIFIER_ROLE) {
        _requireOperator(operator);
        if (profile == bytes32(0) || evidenceHash == bytes32(0)) revert LanternZeroHash();
        if (expiresAt <= block.timestamp) revert LanternInvalidExpiry(expiresAt, uint64(block.timestamp + 1));
        _requirePolicyHashes(policyHashes);
        StoredCertification[] storage history = _certifications[operator];
        uint256 count = history.length;
        if (count != 0) {
            StoredCertification storage current = history[count - 1];
            if (current.revokedAt == 0 && current.expiresAt > block.timestamp) {
                revert LanternAlreadyCertified(operator, current.expiresAt);
            }
        }
        history.push(
            StoredCertification({
                profile: profile,
                evidenceHash: evidenceHash,
                revocationReason: bytes32(0),
                modelHash: modelHash,
                certifier: msg.sender,
                issuedAt: uint64(block.timestamp),
                expiresAt: expiresAt,
                revokedAt: 0,
                grantIndex: uint64(count)
            })
        );
        _policies[operator][count] = policyHashes;
        emit CertificationGranted(
            operator,
            msg.sender,
            count,
            profile,
            expiresAt,
            evidenceHash,
            keccak256(abi.encodePacked(policyHashes)),
            modelHash
        );
    }

    /// @inheritdoc ILanternRegistry
    function renewCertification(address operator, uint64 expiresAt, bytes32 evidenceHash)
        external
        onlyRole(CERTIFIER_ROLE)
    {
        (StoredCertification storage current, uint256 index) = _requireUnrevokedCertification(operator);
        if (evidenceHash == bytes32(0)) revert LanternZeroHash();
        uint64 earliest = current.expiresAt > block.timestamp ? current.expiresAt : uint64(block.timestamp);
        // Cannot overflow: `earliest` is a uint64 time that is at most a uint64 `expiresAt`.
        unchecked {
            earliest += 1;
        }
        if (expiresAt < earliest) revert LanternInvalidExpiry(expiresAt, earliest);
        // Same profile, policies and model: a renewal extends what was examined, it does not
        // change it (a new scope is a new grant).
        _certifications[operator].push(
            StoredCertification({
                profile: current.profile,
                evidenceHash: evidenceHash,
                revocationReason: bytes32(0),
                modelHash: current.modelHash,
                certifier: msg.sender,
                issuedAt: uint64(block.timestamp),
                expiresAt: expiresAt,
                revokedAt: 0,
                grantIndex: current.grantIndex
            })
        );
        emit CertificationRenewed(operator, msg.sender, index + 1, expiresAt, evidenceHash);
    }

    /// @inheritdoc ILanternRegistry
    function revokeCertification(address operator, bytes32 reasonHash) external onlyRole(CERTIFIER_ROLE) {
        (StoredCertification storage current, uint256 index) = _requireUnrevokedCertification(operator);
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

        StoredCertification[] storage history = _certifications[operator];
        if (history.length == 0) return (false, LanternReason.NeverCertified, bytes32(0));
        StoredCertification storage current = history[history.length - 1];
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
    function computeLogId(
        address operator,
        string calldata name,
        address signer,
        bytes32 receiptKey,
        uint64 maxEpochInterval
    ) public pure returns (bytes32) {
        return keccak256(abi.encode(operator, keccak256(bytes(name)), signer, receiptKey, maxEpochInterval));
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
        StoredCertification storage stored = _certifications[operator][index];
        return Certification({
            profile: stored.profile,
            evidenceHash: stored.evidenceHash,
            revocationReason: stored.revocationReason,
            certifier: stored.certifier,
            issuedAt: stored.issuedAt,
            expiresAt: stored.expiresAt,
            revokedAt: stored.revokedAt,
            modelHash: stored.modelHash
        });
    }

    /// @inheritdoc ILanternRegistry
    function certifiedPolicies(address operator, uint256 index) external view returns (bytes32[] memory) {
        return _policies[operator][_certifications[operator][index].grantIndex];
    }

    /// @inheritdoc ILanternRegistry
    function isCertifiedPolicy(address operator, bytes32 policyHash) external view returns (bool) {
        StoredCertification[] storage history = _certifications[operator];
        uint256 count = history.length;
        if (count == 0) return false;
        StoredCertification storage current = history[count - 1];
        if (current.revokedAt != 0 || current.expiresAt <= block.timestamp) return false;
        // The list is sorted (checked at the grant): binary search.
        bytes32[] storage policies = _policies[operator][current.grantIndex];
        uint256 low;
        uint256 high = policies.length;
        while (low < high) {
            uint256 mid = (low + high) / 2;
            bytes32 value = policies[mid];
            if (value == policyHash) return true;
            if (value < policyHash) low = mid + 1;
            else high = mid;
        }
        return false;
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

    /// @dev 1 to {MAX_CERTIFIED_POLICIES} hashes, sorted strictly ascending: then a zero can only
    /// be the first, and a duplicate only next to its twin, so one pass checks everything.
    function _requirePolicyHashes(bytes32[] calldata policyHashes) private pure {
        uint256 count = policyHashes.length;
        if (count == 0 || count > MAX_CERTIFIED_POLICIES) revert LanternPolicyCount(count, MAX_CERTIFIED_POLICIES);
        bytes32 previous = policyHashes[0];
        if (previous == bytes32(0)) revert LanternZeroPolicyHash(0);
        for (uint256 i = 1; i < count; ++i) {
            bytes32 policyHash = policyHashes[i];
            if (policyHash == previous) revert LanternDuplicatePolicyHash(i, policyHash);
            if (policyHash < previous) revert LanternPolicyHashesNotSorted(i, previous, policyHash);
            previous = policyHash;
        }
    }

    function _requireUnrevokedCertification(address operator)
        private
        view
        returns (StoredCertification storage current, uint256 index)
    {
        StoredCertification[] storage history = _certifications[operator];
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
