// SPDX-License-Identifier: MIT
// Libraries: an internal one (inlined) and a deployed one whose public functions are reached by
// DELEGATECALL after linking (storage pointer arguments, events emitted in the caller's context,
// reverts with reasons through the library).
pragma solidity >=0.5.0 <0.9.0;

library MathLib {
    function sq(uint256 x) internal pure returns (uint256) {
        return x * x;
    }
}

library SetLib {
    struct Set {
        mapping(uint256 => bool) has;
        uint256[] items;
    }

    event Added(uint256 value, uint256 size);

    function add(Set storage s, uint256 v) public returns (bool) {
        if (s.has[v]) return false;
        s.has[v] = true;
        s.items.push(v);
        emit Added(v, s.items.length);
        return true;
    }

    function size(Set storage s) public view returns (uint256) {
        return s.items.length;
    }

    function sum(uint256[] memory xs) public pure returns (uint256 t) {
        for (uint256 i = 0; i < xs.length; i++) {
            t += xs[i];
        }
    }

    function mustBePositive(uint256 v) public pure returns (uint256) {
        require(v > 0, "SetLib: zero");
        return v;
    }
}

contract LibUser {
    using SetLib for SetLib.Set;

    SetLib.Set private set;
    uint256 public last;

    function add(uint256 v) external returns (bool) {
        return set.add(v);
    }

    function size() external view returns (uint256) {
        return set.size();
    }

    function contains(uint256 v) external view returns (bool) {
        return set.has[v];
    }

    function sumSquares(uint256[] calldata xs) external pure returns (uint256) {
        uint256[] memory squares = new uint256[](xs.length);
        for (uint256 i = 0; i < xs.length; i++) {
            squares[i] = MathLib.sq(xs[i]);
        }
        return SetLib.sum(squares);
    }

    function check(uint256 v) external returns (uint256) {
        last = SetLib.mustBePositive(v);
        return last;
    }
}
