// SPDX-License-Identifier: MIT
// Custom errors (solc 0.8.4+), Panic codes (assert, overflow, division by zero), revert reasons, and
// a caller that catches custom errors and panics with try/catch.
pragma solidity >=0.8.4 <0.9.0;

error Unauthorized(address caller);
error InsufficientBalance(uint256 available, uint256 required);
error Empty();

contract Vault {
    mapping(address => uint256) public balanceOf;
    address public immutable admin;

    event Deposit(address indexed who, uint256 amount);

    constructor(address admin_) {
        admin = admin_;
    }

    function deposit(uint256 amount) external {
        balanceOf[msg.sender] += amount;
        emit Deposit(msg.sender, amount);
    }

    function withdraw(uint256 amount) external returns (uint256) {
        uint256 b = balanceOf[msg.sender];
        if (b < amount) revert InsufficientBalance(b, amount);
        unchecked {
            balanceOf[msg.sender] = b - amount;
        }
        return b - amount;
    }

    function adminOnly() external view returns (bool) {
        if (msg.sender != admin) revert Unauthorized(msg.sender);
        return true;
    }

    function empty() external pure {
        revert Empty();
    }

    function add(uint256 a, uint256 b) external pure returns (uint256) {
        return a + b;
    }

    function divide(uint256 a, uint256 b) external pure returns (uint256) {
        return a / b;
    }

    function assertion(uint256 x) external pure returns (uint256) {
        assert(x != 7);
        return x;
    }

    function reason(uint256 x) external pure returns (uint256) {
        require(x < 10, "Vault: too large");
        return x;
    }
}

contract VaultUser {
    Vault public vault;
    bytes4 public lastSelector;
    uint256 public lastPanic;

    constructor() {
        vault = new Vault(address(this));
    }

    function isAdmin() external view returns (bool) {
        return vault.adminOnly();
    }

    function tryWithdraw(uint256 amount) external returns (bool ok, bytes memory data) {
        try vault.withdraw(amount) returns (uint256) {
            return (true, "");
        } catch (bytes memory d) {
            bytes4 sel;
            assembly {
                sel := mload(add(d, 32))
            }
            lastSelector = sel;
            if (sel == InsufficientBalance.selector) {
                return (false, d);
            }
            revert("VaultUser: unexpected");
        }
    }

    function tryDivide(uint256 a, uint256 b) external returns (uint256) {
        try vault.divide(a, b) returns (uint256 q) {
            return q;
        } catch Panic(uint256 code) {
            lastPanic = code;
            return type(uint256).max - code;
        }
    }

    function bubble() external view {
        vault.empty();
    }
}
