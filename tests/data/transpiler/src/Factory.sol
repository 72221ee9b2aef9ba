// SPDX-License-Identifier: MIT
// A factory deploying children with CREATE (`new`) and CREATE2 (assembly, from
// type(Child).creationCode, which the factory copies out of its own code), plus an address prediction
// that hashes the embedded child initcode.
pragma solidity >=0.5.0 <0.9.0;

contract Child {
    address public factory;
    uint256 public value;

    event Born(address factory, uint256 value);

    constructor(uint256 v) public {
        require(v != 13, "Child: unlucky");
        factory = msg.sender;
        value = v;
        emit Born(msg.sender, v);
    }

    function setValue(uint256 v) external {
        require(msg.sender == factory, "Child: not factory");
        value = v;
    }

    function whoAmI() external view returns (address self, address creator, uint256 v) {
        return (address(this), factory, value);
    }
}

contract Factory {
    address[] public children;

    event Deployed(address child, bool salted);

    function deploy(uint256 v) external returns (address c) {
        c = address(new Child(v));
        children.push(c);
        emit Deployed(c, false);
    }

    function deploy2(uint256 v, bytes32 salt) external returns (address c) {
        bytes memory code = abi.encodePacked(type(Child).creationCode, abi.encode(v));
        assembly {
            c := create2(0, add(code, 32), mload(code), salt)
        }
        require(c != address(0), "Factory: create2 failed");
        children.push(c);
        emit Deployed(c, true);
    }

    function predict(uint256 v, bytes32 salt) external view returns (address) {
        bytes32 initHash = keccak256(abi.encodePacked(type(Child).creationCode, abi.encode(v)));
        bytes32 h = keccak256(abi.encodePacked(bytes1(0xff), address(this), salt, initHash));
        return address(uint160(uint256(h)));
    }

    function childInitcodeLength() external pure returns (uint256) {
        return type(Child).creationCode.length;
    }

    function setChild(uint256 i, uint256 v) external {
        Child(children[i]).setValue(v);
    }

    function count() external view returns (uint256) {
        return children.length;
    }
}
