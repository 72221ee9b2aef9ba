// SPDX-License-Identifier: MIT
// ERC20 and ERC721 from OpenZeppelin Contracts 2.5.1 (solc 0.5), wrapped in small concrete contracts.
pragma solidity ^0.5.0;

import "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import "@openzeppelin/contracts/token/ERC20/ERC20Detailed.sol";
import "@openzeppelin/contracts/token/ERC721/ERC721.sol";
import "@openzeppelin/contracts/token/ERC721/ERC721Metadata.sol";

contract OzToken is ERC20, ERC20Detailed {
    constructor(string memory name, string memory symbol, address holder, uint256 supply)
        public
        ERC20Detailed(name, symbol, 18)
    {
        _mint(holder, supply);
    }
}

contract OzNFT is ERC721, ERC721Metadata {
    constructor(string memory name, string memory symbol) public ERC721Metadata(name, symbol) {}

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
