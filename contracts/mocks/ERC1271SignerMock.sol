// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {IERC1271} from "@openzeppelin/contracts/interfaces/IERC1271.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";

/**
 * @notice A contract checkpoint signer for the tests, standing for a multisig: it accepts a
 * signature when every one of its owners signed the digest, owners' 65-byte signatures
 * concatenated in owner order.
 */
contract ERC1271SignerMock is IERC1271 {
    address[] private _owners;

    constructor(address[] memory owners) {
        _owners = owners;
    }

    function isValidSignature(bytes32 hash, bytes calldata signature) external view returns (bytes4) {
        uint256 count = _owners.length;
        if (signature.length != count * 65) return bytes4(0xffffffff);
        for (uint256 i; i < count; ++i) {
            (address recovered, ECDSA.RecoverError recoverError,) =
                ECDSA.tryRecoverCalldata(hash, signature[i * 65:(i + 1) * 65]);
            if (recoverError != ECDSA.RecoverError.NoError || recovered != _owners[i]) return bytes4(0xffffffff);
        }
        return IERC1271.isValidSignature.selector;
    }
}
