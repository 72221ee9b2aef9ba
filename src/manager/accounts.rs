//! Two small OVM contracts that let plain callers drive the manager, for tests, examples and
//! embedders: a *deployer* that creates a contract from its call data, and a *forwarder* that
//! plays a user account and forwards a call. (In the 2021 OVM, user accounts were contracts too:
//! the ECDSA contract account made the calls; these are the minimal pure equivalents.)

use alloc::vec::Vec;

use super::Method;
use crate::asm::Asm;
use crate::opcode::*;

fn selector(method: Method) -> u32 {
    u32::from_be_bytes(method.selector())
}

/// OVM code that runs `ovmCREATE(calldata)` and returns the created address as one word (zero
/// when the creation failed), followed by the creation's revert data (empty on success).
pub fn deployer() -> Vec<u8> {
    Asm::new()
        .push(selector(Method::Create))
        .push(224)
        .op(SHL)
        .push(0)
        .op(MSTORE)
        .mstore(4, 32)
        .op(CALLDATASIZE)
        .push(36)
        .op(MSTORE)
        .op(CALLDATASIZE)
        .push(0)
        .push(68)
        .op(CALLDATACOPY)
        // kall(argsOffset 0, argsLen 68 + size, retOffset 0, retLen 0)
        .push(0)
        .push(0)
        .op(CALLDATASIZE)
        .push(68)
        .op(ADD)
        .push(0)
        .ops(&sequences::KALL)
        // The result (address, bytes revertData) to memory 0; the data's bytes to 32.
        .op(RETURNDATASIZE)
        .push(0)
        .push(0)
        .op(RETURNDATACOPY)
        .push(64)
        .op(MLOAD)
        .op(DUP1)
        .push(96)
        .push(32)
        .op(RETURNDATACOPY)
        .push(32)
        .op(ADD)
        .push(0)
        .op(RETURN)
        .into_bytes()
}

/// OVM code of a user account: call data `target word ++ data` makes it `ovmCALL` `target`
/// with `data` and return the manager's `(bool success, bytes data)` result as it is (return
/// data up to 0x800 - 96 bytes).
pub fn forwarder() -> Vec<u8> {
    Asm::new()
        .push(selector(Method::Call))
        .push(224)
        .op(SHL)
        .push(0)
        .op(MSTORE)
        .mstore(4, 10_000_000u64)
        .push(0)
        .op(CALLDATALOAD)
        .push(36)
        .op(MSTORE)
        .mstore(68, 96)
        .push(32)
        .op(CALLDATASIZE)
        .op(SUB)
        .push(100)
        .op(MSTORE)
        .push(32)
        .op(CALLDATASIZE)
        .op(SUB)
        .push(32)
        .push(132)
        .op(CALLDATACOPY)
        // kall(0, 132 + size - 32, 0, 0x800)
        .push(0x800)
        .push(0)
        .push(100)
        .op(CALLDATASIZE)
        .op(ADD)
        .push(0)
        .ops(&sequences::KALL)
        // return(0, 96 + returned length)
        .push(64)
        .op(MLOAD)
        .push(96)
        .op(ADD)
        .push(0)
        .op(RETURN)
        .into_bytes()
}

#[cfg(test)]
mod tests {
    #[test]
    fn both_are_pure() {
        assert!(crate::purity::check(&super::deployer()).is_pure());
        assert!(crate::purity::check(&super::forwarder()).is_pure());
    }
}
