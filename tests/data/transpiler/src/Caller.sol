// SPDX-License-Identifier: MIT
// One contract calling another: CALL and STATICCALL with return data, reverts bubbling up, a static
// call that tries to write, calls to an address without code.
pragma solidity >=0.5.0 <0.9.0;

interface ICallee {
    function get() external view returns (uint256);
    function set(uint256 v) external returns (uint256 old);
    function fail(string calldata reason) external pure;
    function failEmpty() external pure;
    function big(uint256 n) external pure returns (bytes memory);
}

contract Callee {
    uint256 public value;
    address public lastCaller;

    event Set(address indexed by, uint256 value);

    function get() external view returns (uint256) {
        return value;
    }

    function set(uint256 v) external returns (uint256 old) {
        old = value;
        value = v;
        lastCaller = msg.sender;
        emit Set(msg.sender, v);
    }

    function fail(string calldata reason) external pure {
        revert(reason);
    }

    function failEmpty() external pure {
        revert();
    }

    function big(uint256 n) external pure returns (bytes memory out) {
        out = new bytes(n);
        for (uint256 i = 0; i < n; i++) {
            out[i] = bytes1(uint8(i % 251));
        }
    }
}

contract Caller {
    ICallee public callee;
    uint256 public lastValue;
    bool public lastOk;
    bytes public lastData;

    constructor(address target) public {
        callee = ICallee(target);
    }

    function readVia() external view returns (uint256) {
        return callee.get();
    }

    function setVia(uint256 v) external returns (uint256 old) {
        old = callee.set(v);
        lastValue = v;
    }

    function failVia(string calldata reason) external {
        lastValue = 1;
        callee.fail(reason);
    }

    function failEmptyVia() external {
        callee.failEmpty();
    }

    function bigVia(uint256 n) external view returns (uint256 length, bytes32 hash) {
        bytes memory b = callee.big(n);
        return (b.length, keccak256(b));
    }

    function rawCall(bytes calldata data) external returns (bool ok, bytes memory ret) {
        (ok, ret) = address(callee).call(data);
        lastOk = ok;
        lastData = ret;
    }

    function rawStatic(bytes calldata data) external view returns (bool ok, bytes memory ret) {
        (ok, ret) = address(callee).staticcall(data);
    }

    function rawCallTo(address to, bytes calldata data) external returns (bool ok, bytes memory ret, uint256 size) {
        (ok, ret) = to.call(data);
        assembly {
            size := returndatasize()
        }
    }

    function getFrom(address to) external view returns (uint256) {
        return ICallee(to).get();
    }
}
