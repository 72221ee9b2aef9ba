// SPDX-License-Identifier: MIT
// ERC20 and ERC721 from OpenZeppelin Contracts 3.4.2 (solc 0.6 and 0.7), wrapped in small concrete contracts.
pragma solidity >=0.6.0 <0.8.0;

import "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import "@openzeppelin/contracts/token/ERC721/ERC721.sol";

contract OzToken is ERC20 {
    constructor(string memory name, string memory symbol, address holder, uint256 supply) public ERC20(name, symbol) {
        _mint(holder, supply);
    }
}

contract OzNFT is ERC721 {
    constructor(string memory name, string memory symbol) public ERC721(name, symbol) {
        _setBaseURI("https://example.invalid/nft/");
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
