// SPDX-License-Identifier: MIT
// A contract that reads its own code: CODESIZE and CODECOPY of the whole runtime (hashed), slices of
// it (past the end reads zeros), and constants full of 0x5b (JUMPDEST) bytes.
pragma solidity >=0.5.0 <0.9.0;

contract CodeReader {
    bytes32 public constant MARKS = 0x5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b;
    bytes32 public immutableLike;
    uint256 public initcodeSize;

    constructor() public {
        uint256 size;
        assembly {
            size := codesize()
        }
        initcodeSize = size;
        immutableLike = keccak256(abi.encodePacked(size, MARKS));
    }

    function selfCode() external view returns (uint256 size, bytes32 hash) {
        assembly {
            size := codesize()
            let p := mload(0x40)
            codecopy(p, 0, size)
            hash := keccak256(p, size)
        }
    }

    function codeSlice(uint256 offset, uint256 len) external pure returns (bytes memory out) {
        out = new bytes(len);
        assembly {
            codecopy(add(out, 32), offset, len)
        }
    }

    function constants() external pure returns (bytes32, string memory, bytes memory) {
        return (
            MARKS,
            "[[[ a string constant longer than one word, with JUMPDEST bytes: [[[[ ]]]] ]]]",
            hex"5b5b00565b6000f35b5b"
        );
    }
}
