// SPDX-License-Identifier: MIT
// CREATE2 through the `new C{salt: s}(...)` syntax (solc 0.6.2 and later).
pragma solidity >=0.6.2 <0.9.0;

import "./Factory.sol";

contract SaltedFactory {
    Child public lastChild;

    function make(uint256 v, bytes32 salt) external returns (address) {
        lastChild = new Child{salt: salt}(v);
        return address(lastChild);
    }

    function makePlain(uint256 v) external returns (address) {
        lastChild = new Child(v);
        return address(lastChild);
    }

    function lastValue() external view returns (uint256) {
        return lastChild.value();
    }
}
