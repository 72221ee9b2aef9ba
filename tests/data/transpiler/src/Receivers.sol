// SPDX-License-Identifier: MIT
// ERC721 receivers: one that accepts (and logs) and one that answers the wrong magic value.
pragma solidity >=0.5.0 <0.9.0;

contract NFTHolder {
    event Received(address operator, address from, uint256 tokenId, bytes data);

    uint256 public received;

    function onERC721Received(address operator, address from, uint256 tokenId, bytes calldata data)
        external
        returns (bytes4)
    {
        received += 1;
        emit Received(operator, from, tokenId, data);
        return 0x150b7a02;
    }
}

contract NFTRejecter {
    function onERC721Received(address, address, uint256, bytes calldata) external pure returns (bytes4) {
        return 0xdeadbeef;
    }
}
