// SPDX-License-Identifier: MIT
// Context reads: address(this), msg.sender, block.timestamp, block.number and chainid (Istanbul).
pragma solidity >=0.6.0 <0.9.0;

contract Env {
    address public self;
    address public sender;
    uint256 public timestamp;
    uint256 public number;
    uint256 public chain;

    event Seen(address self, address sender, uint256 timestamp, uint256 number, uint256 chain);

    constructor() public {
        record();
    }

    function chainId() public view returns (uint256 id) {
        assembly {
            id := chainid()
        }
    }

    function record() public returns (uint256) {
        self = address(this);
        sender = msg.sender;
        timestamp = block.timestamp;
        number = block.number;
        chain = chainId();
        emit Seen(self, sender, timestamp, number, chain);
        return chain;
    }

    function snapshot() external view returns (address, address, uint256, uint256, uint256) {
        return (address(this), msg.sender, block.timestamp, block.number, chainId());
    }
}
