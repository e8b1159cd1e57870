// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {ICheckpointRegistry} from "./ICheckpointRegistry.sol";

/**
 * @title ILanternRegistry
 * @notice Who runs TML Anchor logs, with which keys, and whether their Lantern is lit: operators
 * register and accept the License, declare their logs (checkpoint signer, P-256 receipt key commitment,
 * maximum epoch interval), and accounts with the certifier role grant, renew and revoke Lantern
 * certifications.
 *
 * A log id is `keccak256(abi.encode(operator, keccak256(bytes(name)), signer, receiptKey,
 * maxEpochInterval))`: every operator has its own name space, and the id commits to the log's
 * first keys and its promise, so declaring "the same log" with other keys or another interval on
 * another chain gives another log: no chain can start one log's history differently. Later keys
 * are statements the current key signs, relayed to the CheckpointRegistry of every chain
 * ({ICheckpointRegistry-rotateKeys}).
 *
 * A certification names what it certifies: the SHA-256 `policy_hash`es of the policies the
 * certifier examined (as MTLs carry them) and, when given, the model.
 */
interface ILanternRegistry {
    /// @notice Why a Lantern is dark ({None} when it is lit).
    enum LanternReason {
        None,
        NeverCertified,
        Expired,
        Revoked,
        LogStale,
        LogEquivocated
    }

    /**
     * @notice A registered operator.
     * @param metadataURI Where the operator describes itself (https://, ipfs://, …).
     * @param licenseHash Hash of the License text the operator accepted.
     * @param registeredAt Block time of registration; zero for an address that never registered.
     */
    struct Operator {
        string metadataURI;
        bytes32 licenseHash;
        uint64 registeredAt;
    }

    /**
     * @notice A declared log.
     * @param operator Who declared it.
     * @param maxEpochInterval Longest time in seconds between two checkpoints; the log's receipts
     * promise inclusion in a checkpoint within it, and past it the log is stale.
     * @param declaredAt Block time of declaration.
     * @param retired Whether the operator retired the log.
     * @param signer First checkpoint signer (key period 0; the log id commits to it). Later signers
     * are in the CheckpointRegistry's key history ({ICheckpointRegistry-keysAt}).
     * @param receiptKey First receipt key: keccak256(x ‖ y) of the P-256 public key (key period 0;
     * the log id commits to it).
     * @param name The name the log id derives from.
     */
    struct Log {
        address operator;
        uint64 maxEpochInterval;
        uint64 declaredAt;
        bool retired;
        address signer;
        bytes32 receiptKey;
        string name;
    }

    /**
     * @notice One certification decision; an operator's certifications form a history and the last
     * one is in force.
     * @param profile Which Lantern profile the operator is certified for.
     * @param evidenceHash Hash of the evidence the certifier relied on.
     * @param revocationReason Hash of the reason, when revoked.
     * @param certifier The certifier who granted or renewed it.
     * @param issuedAt Block time of the grant or renewal.
     * @param expiresAt Time from which it no longer holds.
     * @param revokedAt Block time of revocation; zero while not revoked.
     * @param modelHash Hash of the model examined; zero when the certification names no model.
     * The policies examined are read with {certifiedPolicies}.
     */
    struct Certification {
        bytes32 profile;
        bytes32 evidenceHash;
        bytes32 revocationReason;
        address certifier;
        uint64 issuedAt;
        uint64 expiresAt;
        uint64 revokedAt;
        bytes32 modelHash;
    }

    /// @notice `operator` registered, accepting the License whose hash is `licenseHash`.
    event OperatorRegistered(address indexed operator, bytes32 licenseHash, string metadataURI);
    /// @notice `operator` changed its metadata URI to `metadataURI`.
    event OperatorMetadataUpdated(address indexed operator, string metadataURI);
    /// @notice `operator` declared log `logId`.
    event LogDeclared(
        bytes32 indexed logId,
        address indexed operator,
        string name,
        address signer,
        bytes32 receiptKey,
        uint64 maxEpochInterval
    );
    /// @notice Log `logId` was retired after epoch `finalEpoch`.
    event LogRetired(bytes32 indexed logId, uint64 finalEpoch);
    /// @notice Certification number `index` of `operator` was granted, for the policies whose
    /// sorted hashes packed hash to `policiesHash` (`keccak256(abi.encodePacked(policyHashes))`)
    /// and the model `modelHash` (zero for none).
    event CertificationGranted(
        address indexed operator,
        address indexed certifier,
        uint256 index,
        bytes32 profile,
        uint64 expiresAt,
        bytes32 evidenceHash,
        bytes32 policiesHash,
        bytes32 modelHash
    );
    /// @notice `operator`'s certification was renewed as certification number `index`.
    event CertificationRenewed(
        address indexed operator,
        address indexed certifier,
        uint256 index,
        uint64 expiresAt,
        bytes32 evidenceHash
    );
    /// @notice Certification number `index` of `operator` was revoked.
    event CertificationRevoked(address indexed operator, address indexed certifier, uint256 index, bytes32 reasonHash);
    /// @notice The CheckpointRegistry that anchors this registry's logs was set.
    event CheckpointRegistrySet(address indexed registry);

    /// @notice `operator` is already registered.
    error LanternOperatorAlreadyRegistered(address operator);
    /// @notice `account` is not a registered operator.
    error LanternOperatorNotRegistered(address account);
    /// @notice A hash that identifies something (License, profile, evidence, reason) is zero.
    error LanternZeroHash();
    /// @notice A log name must not be empty.
    error LanternEmptyLogName();
    /// @notice Log `logId` is already declared.
    error LanternLogAlreadyDeclared(bytes32 logId);
    /// @notice Log `logId` was never declared.
    error LanternUnknownLog(bytes32 logId);
    /// @notice `account` is not the operator of log `logId`.
    error LanternNotLogOperator(bytes32 logId, address account);
    /// @notice Log `logId` is retired.
    error LanternLogRetired(bytes32 logId);
    /// @notice `signer` cannot sign checkpoints (the zero address).
    error LanternInvalidSigner(address signer);
    /// @notice A receipt key must not be zero.
    error LanternZeroReceiptKey();
    /// @notice `interval` is not in (0, `maximum`] seconds.
    error LanternInvalidEpochInterval(uint64 interval, uint64 maximum);
    /// @notice `operator` holds a certification in force until `expiresAt`: renew it instead.
    error LanternAlreadyCertified(address operator, uint64 expiresAt);
    /// @notice `operator` holds no certification to renew or revoke.
    error LanternNotCertified(address operator);
    /// @notice Certification number `index` of `operator` is revoked.
    error LanternCertificationRevoked(address operator, uint256 index);
    /// @notice `expiresAt` must be at least `earliest`.
    error LanternInvalidExpiry(uint64 expiresAt, uint64 earliest);
    /// @notice A certification names 1 to `maximum` policies, not `count`.
    error LanternPolicyCount(uint256 count, uint256 maximum);
    /// @notice Policy hash number `index` is zero.
    error LanternZeroPolicyHash(uint256 index);
    /// @notice Policy hash number `index`, `policyHash`, is below the one before it, `previous`:
    /// the list must be sorted ascending.
    error LanternPolicyHashesNotSorted(uint256 index, bytes32 previous, bytes32 policyHash);
    /// @notice Policy hash number `index`, `policyHash`, repeats the one before it.
    error LanternDuplicatePolicyHash(uint256 index, bytes32 policyHash);
    /// @notice No CheckpointRegistry is set yet.
    error LanternCheckpointRegistryNotSet();
    /// @notice The CheckpointRegistry is already set to `registry`.
    error LanternCheckpointRegistryAlreadySet(address registry);
    /// @notice `registry` anchors for `registryLantern`, not for this registry.
    error LanternCheckpointRegistryMismatch(address registry, address registryLantern);

    /**
     * @notice Registers the caller as an operator that accepts the License with hash `licenseHash`.
     * @dev Requirements: not registered yet; `licenseHash` not zero. Emits an {OperatorRegistered} event.
     */
    function registerOperator(string calldata metadataURI, bytes32 licenseHash) external;

    /**
     * @notice Changes the caller's metadata URI.
     * @dev Requirements: the caller is an operator. Emits an {OperatorMetadataUpdated} event.
     */
    function updateOperatorMetadata(string calldata metadataURI) external;

    /**
     * @notice Declares a log of the caller, whose checkpoints `signer` signs and whose receipts
     * `receiptKey` signs, with checkpoints at most `maxEpochInterval` seconds apart.
     * `signer` and `receiptKey` are key period 0 of the log's history; later keys rotate by signed
     * statement ({ICheckpointRegistry-rotateKeys}). `signer` must be an EOA to sign anything that
     * verifies: only ECDSA signatures are accepted (a contract address is not refused, as a
     * counterfactual account has no code yet, but nothing it "signs" verifies).
     * @dev Requirements: the caller is an operator; `name` not empty and not used by the caller
     * before on this chain; `signer` and `receiptKey` not zero; 0 < `maxEpochInterval` <=
     * {MAX_EPOCH_INTERVAL}; the CheckpointRegistry is set. Emits a {LogDeclared} event.
     * @return logId {computeLogId} of the caller and these arguments.
     */
    function declareLog(string calldata name, address signer, bytes32 receiptKey, uint64 maxEpochInterval)
        external
        returns (bytes32 logId);

    /**
     * @notice Retires log `logId`: it anchors nothing more and no longer counts for staleness;
     * its anchored checkpoints stay readable, and an equivocation it committed still counts.
     * @dev Requirements: the caller is the log's operator; the log is active. Emits a {LogRetired} event.
     */
    function retireLog(bytes32 logId) external;

    /**
     * @notice Grants `operator` a Lantern certification for `profile` until `expiresAt`, covering
     * the policies `policyHashes` and the model `modelHash`.
     * @param policyHashes The SHA-256 `policy_hash`es (as in MTLs) of the policies examined,
     * sorted strictly ascending (which makes the no-duplicates check linear).
     * @param modelHash Hash of the model examined; zero when the certification names no model.
     * @dev Requirements: the caller has {CERTIFIER_ROLE}; `operator` is registered and holds no
     * certification in force; `expiresAt` is in the future; `profile` and `evidenceHash` are not
     * zero; 1 to {MAX_CERTIFIED_POLICIES} policy hashes, none zero, sorted strictly ascending.
     * Emits a {CertificationGranted} event.
     */
    function grantCertification(
        address operator,
        bytes32 profile,
        uint64 expiresAt,
        bytes32 evidenceHash,
        bytes32[] calldata policyHashes,
        bytes32 modelHash
    ) external;

    /**
     * @notice Renews `operator`'s certification (same profile, same policies, same model) until
     * `expiresAt`; it may have expired, not been revoked. The renewal is a new entry of the
     * history. A changed scope is a new grant, after the current certification expires or is revoked.
     * @dev Requirements: the caller has {CERTIFIER_ROLE}; the last certification is not revoked;
     * `expiresAt` is later than both now and the current expiry; `evidenceHash` not zero.
     * Emits a {CertificationRenewed} event.
     */
    function renewCertification(address operator, uint64 expiresAt, bytes32 evidenceHash) external;

    /**
     * @notice Revokes `operator`'s certification for the reason whose hash is `reasonHash`.
     * @dev Requirements: the caller has {CERTIFIER_ROLE}; the last certification is not revoked;
     * `reasonHash` not zero. Emits a {CertificationRevoked} event.
     */
    function revokeCertification(address operator, bytes32 reasonHash) external;

    /**
     * @notice Sets, once, the CheckpointRegistry that anchors this registry's logs.
     * @dev Requirements: the caller is the default admin; not set before; `registry.lantern()` is
     * this contract. Emits a {CheckpointRegistrySet} event.
     */
    function setCheckpointRegistry(ICheckpointRegistry registry) external;

    /**
     * @notice Whether `operator`'s Lantern is lit, and why not: a log caught equivocating (even
     * retired), then the certification (never certified, revoked, expired), then a stale log (an
     * active log without a checkpoint for longer than its maximum epoch interval, counted from its
     * head's timestamp, or from its declaration before its first checkpoint).
     * @return lit True when `reason` is {LanternReason.None}.
     * @return reason The first reason found, in the order above.
     * @return logId The log at fault for {LogStale} and {LogEquivocated}; zero otherwise.
     */
    function lanternStatus(address operator) external view returns (bool lit, LanternReason reason, bytes32 logId);

    /// @notice Role of the accounts that grant, renew and revoke certifications.
    function CERTIFIER_ROLE() external view returns (bytes32);

    /// @notice Most policies one certification may name.
    function MAX_CERTIFIED_POLICIES() external view returns (uint256);

    /// @notice Longest maximum epoch interval a log may declare, in seconds.
    function MAX_EPOCH_INTERVAL() external view returns (uint64);

    /// @notice The CheckpointRegistry that anchors this registry's logs (zero until set).
    function checkpointRegistry() external view returns (ICheckpointRegistry);

    /**
     * @notice The log id that `operator` gets for the name `name` declared with first checkpoint
     * signer `signer`, first receipt key `receiptKey` and maximum epoch interval `maxEpochInterval`:
     * `keccak256(abi.encode(operator, keccak256(bytes(name)), signer, receiptKey, maxEpochInterval))`.
     */
    function computeLogId(
        address operator,
        string calldata name,
        address signer,
        bytes32 receiptKey,
        uint64 maxEpochInterval
    ) external pure returns (bytes32);

    /// @notice `account` as an operator (`registeredAt` is zero if it never registered).
    function operatorInfo(address account) external view returns (Operator memory);

    /// @notice Log `logId` (`operator` is zero if it was never declared).
    function logInfo(bytes32 logId) external view returns (Log memory);

    /// @notice The ids of every log `operator` declared, in order.
    function logsOf(address operator) external view returns (bytes32[] memory);

    /// @notice How many certifications `operator` has had.
    function certificationCount(address operator) external view returns (uint256);

    /// @notice Certification number `index` of `operator` (0 is the first).
    function certificationAt(address operator, uint256 index) external view returns (Certification memory);

    /// @notice The policy hashes certification number `index` of `operator` covers, sorted
    /// ascending (a renewal covers those of the grant it renews).
    function certifiedPolicies(address operator, uint256 index) external view returns (bytes32[] memory);

    /// @notice Whether `operator` holds a certification in force (not revoked, not expired) that
    /// covers the policy with hash `policyHash`.
    function isCertifiedPolicy(address operator, bytes32 policyHash) external view returns (bool);
}
