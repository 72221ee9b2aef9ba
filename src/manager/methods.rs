//! The execution manager's methods (`spec/OVM.md` section 2.2): signatures, selectors, and the
//! opcode each stands for, read from the opcode table's OVM classes.

use crate::opcode::{OPCODES, OvmClass};

/// A method OVM code calls with kall.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Method {
    /// `ovmCALLER()`: the message sender in the OVM.
    Caller,
    /// `ovmADDRESS()`: the active OVM contract.
    Address,
    /// `ovmTIMESTAMP()`.
    Timestamp,
    /// `ovmNUMBER()`.
    Number,
    /// `ovmGASLIMIT()`: the per-epoch gas limit.
    GasLimit,
    /// `ovmCHAINID()`.
    ChainId,
    /// `ovmL1QUEUEORIGIN()`: 0 sequencer queue, 1 L1-to-L2 queue.
    L1QueueOrigin,
    /// `ovmL1TXORIGIN()`: the L1 account that enqueued the transaction.
    L1TxOrigin,
    /// `ovmREVERT(bytes)`.
    Revert,
    /// `ovmSLOAD(bytes32)`.
    Sload,
    /// `ovmSSTORE(bytes32,bytes32)`.
    Sstore,
    /// `ovmCALL(uint256,address,bytes)`.
    Call,
    /// `ovmSTATICCALL(uint256,address,bytes)`.
    StaticCall,
    /// `ovmDELEGATECALL(uint256,address,bytes)`.
    DelegateCall,
    /// `ovmCREATE(bytes)`.
    Create,
    /// `ovmCREATE2(bytes,bytes32)`.
    Create2,
    /// `ovmEXTCODESIZE(address)`.
    ExtCodeSize,
    /// `ovmEXTCODEHASH(address)`.
    ExtCodeHash,
    /// `ovmEXTCODECOPY(address,uint256,uint256)`.
    ExtCodeCopy,
    /// `ovmGETNONCE()`.
    GetNonce,
    /// `ovmINCREMENTNONCE()`.
    IncrementNonce,
    /// `ovmCREATEEOA(bytes32,uint8,bytes32,bytes32)`.
    CreateEoa,
}

/// Every method, with its ABI signature and selector (`keccak256(signature)[..4]`, checked by a
/// test).
const TABLE: [(Method, &str, [u8; 4]); 22] = [
    (Method::Caller, "ovmCALLER()", [0x73, 0x50, 0x90, 0x64]),
    (Method::Address, "ovmADDRESS()", [0x99, 0x6d, 0x79, 0xa5]),
    (Method::Timestamp, "ovmTIMESTAMP()", [0xbd, 0xbf, 0x8c, 0x36]),
    (Method::Number, "ovmNUMBER()", [0x5a, 0x98, 0xc3, 0x61]),
    (Method::GasLimit, "ovmGASLIMIT()", [0x20, 0x16, 0x0f, 0x3a]),
    (Method::ChainId, "ovmCHAINID()", [0x90, 0x58, 0x02, 0x56]),
    (Method::L1QueueOrigin, "ovmL1QUEUEORIGIN()", [0x10, 0x11, 0x85, 0xa4]),
    (Method::L1TxOrigin, "ovmL1TXORIGIN()", [0x9d, 0xc9, 0xdc, 0x93]),
    (Method::Revert, "ovmREVERT(bytes)", [0x2a, 0x2a, 0x7a, 0xdb]),
    (Method::Sload, "ovmSLOAD(bytes32)", [0x03, 0xda, 0xa9, 0x59]),
    (Method::Sstore, "ovmSSTORE(bytes32,bytes32)", [0x22, 0xbd, 0x64, 0xc0]),
    (Method::Call, "ovmCALL(uint256,address,bytes)", [0x85, 0x97, 0x9f, 0x76]),
    (Method::StaticCall, "ovmSTATICCALL(uint256,address,bytes)", [0x85, 0x40, 0x66, 0x1f]),
    (Method::DelegateCall, "ovmDELEGATECALL(uint256,address,bytes)", [0xff, 0xe7, 0x39, 0x14]),
    (Method::Create, "ovmCREATE(bytes)", [0x14, 0xaa, 0x2f, 0xf7]),
    (Method::Create2, "ovmCREATE2(bytes,bytes32)", [0x99, 0xcc, 0xd9, 0x8b]),
    (Method::ExtCodeSize, "ovmEXTCODESIZE(address)", [0x84, 0x35, 0x03, 0x5b]),
    (Method::ExtCodeHash, "ovmEXTCODEHASH(address)", [0x24, 0x74, 0x9d, 0x5c]),
    (Method::ExtCodeCopy, "ovmEXTCODECOPY(address,uint256,uint256)", [0x74, 0x6c, 0x32, 0xf1]),
    (Method::GetNonce, "ovmGETNONCE()", [0xc1, 0xfb, 0x2e, 0xa2]),
    (Method::IncrementNonce, "ovmINCREMENTNONCE()", [0x7c, 0xeb, 0xbe, 0x94]),
    (Method::CreateEoa, "ovmCREATEEOA(bytes32,uint8,bytes32,bytes32)", [0x74, 0x1a, 0x33, 0xeb]),
];

/// `true` when two strings are equal (usable in `const` context).
const fn str_eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

/// The opcode whose OVM class names `signature`, found in the opcode table at compile time.
const fn opcode_for(signature: &str) -> Option<u8> {
    let mut byte = 0;
    while byte < 256 {
        if let Some(info) = &OPCODES[byte]
            && let OvmClass::Manager(sig) = info.ovm
            && str_eq(sig, signature)
        {
            return Some(byte as u8);
        }
        byte += 1;
    }
    None
}

/// The opcode each method stands for, in [`TABLE`] order.
const OPCODE_OF: [Option<u8>; 22] = {
    let mut out = [None; 22];
    let mut i = 0;
    while i < TABLE.len() {
        out[i] = opcode_for(TABLE[i].1);
        i += 1;
    }
    out
};

impl Method {
    /// Every method.
    pub fn all() -> impl Iterator<Item = Method> {
        TABLE.iter().map(|(m, _, _)| *m)
    }

    fn index(self) -> usize {
        TABLE.iter().position(|(m, _, _)| *m == self).unwrap_or(0)
    }

    /// The ABI signature, e.g. `ovmSLOAD(bytes32)`.
    pub fn signature(self) -> &'static str {
        TABLE[self.index()].1
    }

    /// The 4-byte selector.
    pub fn selector(self) -> [u8; 4] {
        TABLE[self.index()].2
    }

    /// The method that stands for `opcode` in OVM code, if one does.
    pub fn for_opcode(opcode: u8) -> Option<Method> {
        Method::all().find(|m| m.opcode() == Some(opcode))
    }

    /// The method with this selector.
    pub fn from_selector(selector: [u8; 4]) -> Option<Method> {
        TABLE.iter().find(|(_, _, s)| *s == selector).map(|(m, _, _)| *m)
    }

    /// The EVM opcode this method stands for (its gas is what the method costs), from the opcode
    /// table; `None` for methods without an opcode (nonces, EOA creation, L1 origin fields).
    pub fn opcode(self) -> Option<u8> {
        OPCODE_OF[self.index()]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::opcode;
    use crate::primitives::keccak256;

    #[test]
    fn selectors_are_keccak_of_signatures() {
        for method in Method::all() {
            let hash = keccak256(method.signature().as_bytes());
            assert_eq!(hash.0[..4], method.selector(), "{}", method.signature());
            assert_eq!(Method::from_selector(method.selector()), Some(method));
        }
    }

    #[test]
    fn every_manager_opcode_has_a_method() {
        for byte in 0..=255u8 {
            if let Some(info) = opcode::info(byte)
                && let OvmClass::Manager(sig) = info.ovm
            {
                let method = Method::all().find(|m| m.signature() == sig);
                assert_eq!(method.and_then(Method::opcode), Some(byte), "{sig}");
            }
        }
        assert_eq!(Method::Sload.opcode(), Some(opcode::SLOAD));
        assert_eq!(Method::GetNonce.opcode(), None);
    }
}
