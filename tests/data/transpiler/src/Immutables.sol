// SPDX-License-Identifier: MIT
// Immutables: values the constructor writes into the runtime code it returns.
pragma solidity >=0.6.5 <0.9.0;

contract Immutables {
    uint256 public immutable number;
    address public immutable owner;
    bytes32 public immutable tag;
    uint256 public immutable createdAt;
    uint256 internal immutable twice;
    address internal immutable self;

    constructor(uint256 n, bytes32 t) public {
        number = n;
        owner = msg.sender;
        tag = t;
        createdAt = block.number;
        twice = n * 2;
        self = address(this);
    }

    function twiceNumber() external view returns (uint256) {
        return twice;
    }

    function sumWith(uint256 x) external view returns (uint256) {
        return x + number + twice;
    }

    function isSelf() external view returns (bool) {
        return self == address(this);
    }

    function check(uint256 x) external view returns (bool) {
        require(x == number, "Immutables: wrong number");
        return true;
    }
}
