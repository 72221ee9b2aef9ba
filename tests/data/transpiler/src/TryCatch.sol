// SPDX-License-Identifier: MIT
// try/catch (solc 0.6+): success, Error(string), empty revert, INVALID/Panic, failing `new`; the
// catcher deploys its thrower from its own constructor.
pragma solidity >=0.6.2 <0.9.0;

import "./Factory.sol";

contract Thrower {
    uint256 public calls;

    function ok(uint256 x) external returns (uint256) {
        calls += 1;
        return x + 1;
    }

    function reason(string calldata r) external pure returns (uint256) {
        revert(r);
    }

    function empty() external pure returns (uint256) {
        revert();
    }

    function outOfBounds(uint256 i) external pure returns (uint256) {
        uint256[] memory a = new uint256[](2);
        return a[i];
    }
}

contract Catcher {
    Thrower public thrower;
    uint256 public caught;
    string public lastReason;
    bytes public lastData;
    address public lastChild;

    event Caught(uint8 kind, string reason, bytes data);

    constructor() public {
        thrower = new Thrower();
    }

    function tryOk(uint256 x) external returns (uint256) {
        try thrower.ok(x) returns (uint256 y) {
            return y;
        } catch {
            return 0;
        }
    }

    function tryReason(string calldata r) external returns (string memory) {
        try thrower.reason(r) returns (uint256) {
            return "";
        } catch Error(string memory why) {
            caught += 1;
            lastReason = why;
            emit Caught(1, why, "");
            return why;
        }
    }

    function tryEmpty() external returns (uint256) {
        try thrower.empty() returns (uint256) {
            return 999;
        } catch (bytes memory data) {
            caught += 1;
            lastData = data;
            emit Caught(2, "", data);
            return data.length;
        }
    }

    function tryOutOfBounds(uint256 i) external returns (bool, bytes memory) {
        try thrower.outOfBounds{gas: 1000000}(i) returns (uint256) {
            return (true, "");
        } catch (bytes memory data) {
            caught += 1;
            emit Caught(3, "", data);
            return (false, data);
        }
    }

    function tryNew(uint256 v) external returns (address, string memory) {
        try new Child(v) returns (Child c) {
            lastChild = address(c);
            return (address(c), "");
        } catch Error(string memory why) {
            caught += 1;
            emit Caught(4, why, "");
            return (address(0), why);
        }
    }
}
