// SPDX-License-Identifier: MIT
// Storage, events, mappings, loops, calldata/memory copying, address(this), msg.sender,
// block.timestamp/number, revert reasons, INVALID (assert before 0.8) and plain REVERT.
pragma solidity >=0.5.0 <0.9.0;

contract Plain {
    uint256 public counter;
    mapping(address => uint256) public balances;
    mapping(uint256 => mapping(uint256 => uint256)) public grid;
    uint256[] public list;
    bytes public blob;
    string public label;
    address public lastSender;
    uint256 public lastTimestamp;
    uint256 public lastNumber;

    event Deposited(address indexed who, uint256 amount, uint256 balance);
    event Withdrawn(address indexed who, uint256 indexed amount);
    event BlobSet(bytes data);
    event Ping() anonymous;

    constructor() public {
        counter = 1;
        label = "plain";
    }

    function increment(uint256 by) public returns (uint256) {
        counter += by;
        return counter;
    }

    function setGrid(uint256 x, uint256 y, uint256 value) public {
        grid[x][y] = value;
    }

    function deposit(uint256 amount) public {
        balances[msg.sender] += amount;
        lastSender = msg.sender;
        emit Deposited(msg.sender, amount, balances[msg.sender]);
    }

    function withdraw(uint256 amount) public {
        require(balances[msg.sender] >= amount, "Plain: insufficient balance");
        balances[msg.sender] -= amount;
        emit Withdrawn(msg.sender, amount);
    }

    function pushAll(uint256[] calldata values) external returns (uint256 total) {
        for (uint256 i = 0; i < values.length; i++) {
            list.push(values[i]);
            total += values[i];
        }
    }

    function getList() external view returns (uint256[] memory) {
        return list;
    }

    function listLength() external view returns (uint256) {
        return list.length;
    }

    function popList() external returns (uint256 last) {
        require(list.length > 0, "Plain: empty list");
        last = list[list.length - 1];
        list.pop();
    }

    function sum(uint256[] memory values) public pure returns (uint256 s) {
        for (uint256 i = 0; i < values.length; i++) {
            s += values[i];
        }
    }

    function fib(uint256 n) public pure returns (uint256 a) {
        uint256 b = 1;
        for (uint256 i = 0; i < n; i++) {
            uint256 c = a + b;
            a = b;
            b = c;
        }
    }

    function hashChain(bytes32 seed, uint256 rounds) public pure returns (bytes32 h) {
        h = seed;
        for (uint256 i = 0; i < rounds; i++) {
            h = keccak256(abi.encodePacked(h, i));
        }
    }

    function echo(bytes calldata data) external pure returns (bytes memory) {
        return data;
    }

    function concat(string memory a, bytes memory b, string memory c) public pure returns (bytes memory) {
        return abi.encodePacked(a, b, c);
    }

    function reverseBytes(bytes memory data) public pure returns (bytes memory out) {
        out = new bytes(data.length);
        for (uint256 i = 0; i < data.length; i++) {
            out[i] = data[data.length - 1 - i];
        }
    }

    function setBlob(bytes calldata data) external {
        blob = data;
        emit BlobSet(data);
    }

    function setLabel(string calldata text) external {
        label = text;
    }

    function ping() external {
        emit Ping();
    }

    function whoami() external returns (address self, address sender, uint256 timestamp, uint256 number) {
        lastTimestamp = block.timestamp;
        lastNumber = block.number;
        lastSender = msg.sender;
        return (address(this), msg.sender, block.timestamp, block.number);
    }

    function clear(uint256 x, uint256 y) external {
        delete grid[x][y];
        delete blob;
    }

    function fail(uint256 code) external pure {
        if (code == 1) revert("Plain: failure one");
        if (code == 2) revert();
        require(code == 0, "Plain: nonzero code");
    }

    function assertion(uint256 x) external pure returns (uint256) {
        assert(x != 7);
        return x;
    }
}
