// SPDX-License-Identifier: MIT
// Constructor arguments of several types, read by the constructor from the end of its own code.
pragma solidity >=0.5.0 <0.9.0;

contract CtorArgs {
    uint256 public number;
    address public account;
    string public text;
    bytes public data;
    bool public flag;
    int256 public signed;
    bytes32 public tag;
    uint256[] public nums;

    event Constructed(uint256 number, address account, string text, bytes data);

    constructor(
        uint256 n,
        address a,
        string memory s,
        bytes memory d,
        bool f,
        int256 i,
        bytes32 t,
        uint256[] memory xs
    ) public {
        require(n != 0, "CtorArgs: zero");
        number = n;
        account = a;
        text = s;
        data = d;
        flag = f;
        signed = i;
        tag = t;
        nums = xs;
        emit Constructed(n, a, s, d);
    }

    function numsLength() external view returns (uint256) {
        return nums.length;
    }

    function summary() external view returns (uint256, address, bool, int256, bytes32, uint256) {
        uint256 total = 0;
        for (uint256 k = 0; k < nums.length; k++) {
            total += nums[k];
        }
        return (number, account, flag, signed, tag, total);
    }

    function strings() external view returns (string memory, bytes memory) {
        return (text, data);
    }
}
