// SPDX-License-Identifier: MIT
// ERC20 and ERC721 from OpenZeppelin Contracts 5.0.2 (solc ^0.8.20, custom errors), wrapped in small
// concrete contracts.
pragma solidity ^0.8.20;

import "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import "@openzeppelin/contracts/token/ERC721/ERC721.sol";

contract OzToken is ERC20 {
    constructor(string memory name, string memory symbol, address holder, uint256 supply) ERC20(name, symbol) {
        _mint(holder, supply);
    }
}

contract OzNFT is ERC721 {
    constructor(string memory name, string memory symbol) ERC721(name, symbol) {}

    function _baseURI() internal pure override returns (string memory) {
        return "https://example.invalid/nft/";
    }

    function mint(address to, uint256 tokenId) public {
        _mint(to, tokenId);
    }

    function safeMint(address to, uint256 tokenId) public {
        _safeMint(to, tokenId);
    }

    function burn(uint256 tokenId) public {
        require(ownerOf(tokenId) == msg.sender, "OzNFT: not owner");
        _burn(tokenId);
    }
}
