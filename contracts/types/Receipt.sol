// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

/**
 * @notice The fields of a `tml-receipt/2` receipt as in `core/src/receipt` (its `v` is implied):
 * the log's signed promise that the MTL `leafHash` with trace id `traceId` is leaf `seq` of log
 * `logId` and will be in a checkpoint within the log's maximum epoch interval after `timestamp`.
 * The signature covers the RFC 8785 canonical JSON of the six fields, see {ReceiptSigning}.
 * @param logId The log, as declared in the LanternRegistry.
 * @param traceId The MTL's trace id: a lower-case RFC 9562 UUID.
 * @param seq The MTL's leaf index in the log.
 * @param leafHash The MTL's RFC 9162 leaf hash.
 * @param timestamp When the receipt was issued: RFC 3339 UTC `YYYY-MM-DDTHH:MM:SS[.f{1,3}]Z`.
 */
// The field order is the receipt's (core's `Receipt` type): it reads best as the format defines it.
// solhint-disable-next-line gas-struct-packing
struct Receipt {
    bytes32 logId;
    string traceId;
    uint64 seq;
    bytes32 leafHash;
    string timestamp;
}
