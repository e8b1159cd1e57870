// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {Receipt} from "../types/Receipt.sol";

/**
 * @title ReceiptSigning
 * @notice The bytes a `tml-receipt/2` signature covers, rebuilt on chain from the receipt's
 * fields, and the checks that make the rebuild exact: core signs the RFC 8785 canonical JSON of
 * `{ v, logId, traceId, seq, leafHash, timestamp }`, whose members RFC 8785 sorts as
 * `leafHash, logId, seq, timestamp, traceId, v`. Hex is lower case and `seq` a plain decimal; the
 * two strings are checked against the receipt format's patterns (a lower-case RFC 9562 UUID, an
 * RFC 3339 UTC timestamp with 0 to 3 fractional digits on a day that exists), which leave nothing
 * for RFC 8785 to escape, so the fields are copied as they are.
 *
 * Spec: docs/formats.md, Receipt (tml-receipt/2); core/src/receipt/receiptSigningBytes.ts.
 */
library ReceiptSigning {
    /**
     * @notice `{"leafHash":"0x…","logId":"0x…","seq":N,"timestamp":"…","traceId":"…","v":"tml-receipt/2"}`.
     * @dev The caller checks `traceId` ({isTraceId}) and `timestamp` ({parseTimestamp}) first.
     */
    function signingBytes(Receipt calldata receipt) internal pure returns (bytes memory) {
        return abi.encodePacked(
            "{\"leafHash\":\"0x",
            _hex32(receipt.leafHash),
            "\",\"logId\":\"0x",
            _hex32(receipt.logId),
            "\",\"seq\":",
            _decimal(receipt.seq),
            ",\"timestamp\":\"",
            receipt.timestamp,
            "\",\"traceId\":\"",
            receipt.traceId,
            "\",\"v\":\"tml-receipt/2\"}"
        );
    }

    /**
     * @notice Whether `traceId` matches
     * `^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$` (core's UUID_PATTERN).
     */
    function isTraceId(string calldata traceId) internal pure returns (bool) {
        bytes calldata b = bytes(traceId);
        if (b.length != 36) return false;
        for (uint256 i = 0; i < 36; i++) {
            uint8 c = uint8(b[i]);
            if (i == 8 || i == 13 || i == 18 || i == 23) {
                if (c != 0x2d) return false; // '-'
            } else if (i == 14) {
                if (c < 0x31 || c > 0x38) return false; // version 1-8
            } else if (i == 19) {
                if (!(c == 0x38 || c == 0x39 || c == 0x61 || c == 0x62)) return false; // 8 9 a b
            } else if (!((c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66))) {
                return false;
            }
        }
        return true;
    }

    /**
     * @notice Parses an RFC 3339 UTC timestamp `YYYY-MM-DDTHH:MM:SS[.f{1,3}]Z` (core's
     * TIMESTAMP_PATTERN, on a day that exists) into unix seconds, the fraction dropped.
     * @return ok Whether `timestamp` has that form.
     * @return unixSeconds Seconds since 1970-01-01T00:00:00Z (negative before it), days from the
     * civil date as in H. Hinnant's `days_from_civil`.
     */
    function parseTimestamp(string calldata timestamp) internal pure returns (bool ok, int64 unixSeconds) {
        bytes calldata b = bytes(timestamp);
        uint256 length = b.length;
        if (length != 20 && (length < 22 || length > 24)) return (false, 0);
        if (b[4] != "-" || b[7] != "-" || b[10] != "T" || b[13] != ":" || b[16] != ":") return (false, 0);
        if (b[length - 1] != "Z") return (false, 0);
        if (length != 20) {
            if (b[19] != ".") return (false, 0);
            for (uint256 i = 20; i < length - 1; i++) {
                if (b[i] < "0" || b[i] > "9") return (false, 0);
            }
        }
        bool digits;
        uint256 year;
        uint256 month;
        uint256 day;
        uint256 hour;
        uint256 minute;
        uint256 second;
        (digits, year) = _digits(b, 0, 4);
        if (!digits) return (false, 0);
        (digits, month) = _digits(b, 5, 2);
        if (!digits || month == 0 || month > 12) return (false, 0);
        (digits, day) = _digits(b, 8, 2);
        if (!digits || day == 0 || day > _daysInMonth(year, month)) return (false, 0);
        (digits, hour) = _digits(b, 11, 2);
        if (!digits || hour > 23) return (false, 0);
        (digits, minute) = _digits(b, 14, 2);
        if (!digits || minute > 59) return (false, 0);
        (digits, second) = _digits(b, 17, 2);
        if (!digits || second > 59) return (false, 0);

        // days_from_civil, with the year shifted by one 400-year era so that nothing is negative.
        uint256 y = year + 400 - (month <= 2 ? 1 : 0);
        uint256 era = y / 400;
        uint256 yoe = y - era * 400;
        uint256 doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
        uint256 doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        int256 dayCount = int256(era * 146_097 + doe) - 146_097 - 719_468;
        return (true, int64(dayCount * 86_400 + int256(hour * 3600 + minute * 60 + second)));
    }

    function _digits(bytes calldata b, uint256 from, uint256 count) private pure returns (bool ok, uint256 value) {
        for (uint256 i = from; i < from + count; i++) {
            uint8 c = uint8(b[i]);
            if (c < 0x30 || c > 0x39) return (false, 0);
            value = value * 10 + (c - 0x30);
        }
        return (true, value);
    }

    function _daysInMonth(uint256 year, uint256 month) private pure returns (uint256) {
        if (month == 2) return (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)) ? 29 : 28;
        if (month == 4 || month == 6 || month == 9 || month == 11) return 30;
        return 31;
    }

    /// @dev 64 lower-case hex digits; the digit table sits in scratch space (bytes 0x1f..0x2e).
    function _hex32(bytes32 value) private pure returns (bytes memory out) {
        out = new bytes(64);
        assembly ("memory-safe") {
            mstore(0x0f, 0x30313233343536373839616263646566)
            let o := add(out, 0x20)
            for {
                let i := 0
            } lt(i, 32) {
                i := add(i, 1)
            } {
                let b := byte(i, value)
                mstore8(add(o, shl(1, i)), mload(shr(4, b)))
                mstore8(add(o, add(shl(1, i), 1)), mload(and(b, 15)))
            }
        }
    }

    function _decimal(uint64 value) private pure returns (bytes memory out) {
        if (value == 0) return "0";
        uint256 length;
        for (uint64 v = value; v != 0; v /= 10) length++;
        out = new bytes(length);
        for (uint64 v = value; v != 0; v /= 10) out[--length] = bytes1(uint8(48 + (v % 10)));
    }
}
