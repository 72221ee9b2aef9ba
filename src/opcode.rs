//! The opcode table: the single source of every opcode fact (name, immediates, stack effect,
//! static gas per fork, the fork that introduced it, control-flow flags and OVM class).
//!
//! The decoder, the disassembler, the gas schedule, the purity checker and the transpiler all read
//! [`OPCODES`]; nothing else restates an opcode's name, stack effect or static gas.

use crate::fork::{FORK_COUNT, Fork};

/// How the OVM treats an opcode (`spec/OVM.md` section 3; the v2 `OVM_SafetyChecker`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OvmClass {
    /// Allowed anywhere in OVM code: arithmetic, memory, calldata, stack and control flow.
    Pure,
    /// Allowed, and ends a reachable region until the next JUMPDEST (STOP, JUMP, RETURN, INVALID).
    Halting,
    /// Reaches state or context, so OVM code must call this execution-manager method instead
    /// (the method's ABI signature). CALLER is allowed only as the first byte of kall or kopy.
    Manager(&'static str),
    /// Not available in OVM code and no manager method replaces it (the transpiler refuses it).
    Banned,
}

/// Control-flow and gas-observation flags of an opcode.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OpFlags(u8);

impl OpFlags {
    /// No flag.
    pub const NONE: OpFlags = OpFlags(0);
    /// Execution never continues with the next instruction (STOP, JUMP, RETURN, REVERT, INVALID,
    /// SELFDESTRUCT).
    pub const TERMINATES: OpFlags = OpFlags(1);
    /// Pops a jump destination (JUMP, JUMPI).
    pub const JUMPS: OpFlags = OpFlags(2);
    /// Reads the gas left (GAS, the CALL and CREATE families, SSTORE's EIP-2200 sentry), so the
    /// decoder records how much static gas of its basic block was charged ahead of it.
    pub const READS_GAS: OpFlags = OpFlags(4);

    /// The union of two flag sets.
    pub const fn with(self, other: OpFlags) -> OpFlags {
        OpFlags(self.0 | other.0)
    }

    /// `true` when every flag of `other` is set.
    pub const fn contains(self, other: OpFlags) -> bool {
        self.0 & other.0 == other.0
    }
}

/// Everything there is to know statically about one opcode.
#[derive(Clone, Copy, Debug)]
pub struct OpInfo {
    /// Mnemonic in Yellow-Paper capitals.
    pub name: &'static str,
    /// Number of immediate bytes that follow the opcode (PUSH1..PUSH32 only).
    pub immediate_size: u8,
    /// Stack items the opcode reads (and removes).
    pub inputs: u8,
    /// Stack items the opcode leaves.
    pub outputs: u8,
    /// Static gas under each fork, indexed by [`Fork::index`]; dynamic parts (memory, copy,
    /// cold access, ...) are charged by the handler.
    pub gas: [u16; FORK_COUNT],
    /// The fork that introduced the opcode; before it, the byte is undefined.
    pub since: Fork,
    /// Control-flow and gas-observation flags.
    pub flags: OpFlags,
    /// Its class in the OVM.
    pub ovm: OvmClass,
}

impl OpInfo {
    /// `true` when the opcode exists under `fork`.
    #[inline]
    pub const fn is_defined_in(&self, fork: Fork) -> bool {
        fork.is_at_least(self.since)
    }

    /// The static gas under `fork`.
    #[inline]
    pub const fn static_gas(&self, fork: Fork) -> u16 {
        self.gas[fork.index()]
    }

    /// `true` when execution never falls through to the next instruction.
    #[inline]
    pub const fn terminates(&self) -> bool {
        self.flags.contains(OpFlags::TERMINATES)
    }
}

/// Expands a list of `(fork, gas)` changes into a per-fork array: each fork takes the value of
/// the last change at or before it.
const fn gas_by_fork(changes: &[(Fork, u16)]) -> [u16; FORK_COUNT] {
    let mut out = [0u16; FORK_COUNT];
    let mut f = 0;
    while f < FORK_COUNT {
        let mut c = 0;
        while c < changes.len() {
            if changes[c].0 as usize <= f {
                out[f] = changes[c].1;
            }
            c += 1;
        }
        f += 1;
    }
    out
}

/// Declares the opcode byte constants and the table from one list, so that a name is written once.
macro_rules! opcodes {
    ($(
        $byte:literal $name:ident $imm:literal $in:literal $out:literal
        [$($gfork:ident $gas:literal),+] $since:ident $flags:expr, $ovm:expr;
    )*) => {
        $(
            #[doc = concat!("The `", stringify!($name), "` opcode byte.")]
            pub const $name: u8 = $byte;
        )*

        /// The opcode table, indexed by opcode byte; `None` for bytes no fork defines.
        pub const OPCODES: [Option<OpInfo>; 256] = {
            let mut table: [Option<OpInfo>; 256] = [None; 256];
            $(
                table[$byte] = Some(OpInfo {
                    name: stringify!($name),
                    immediate_size: $imm,
                    inputs: $in,
                    outputs: $out,
                    gas: gas_by_fork(&[$((Fork::$gfork, $gas)),+]),
                    since: Fork::$since,
                    flags: $flags,
                    ovm: $ovm,
                });
            )*
            table
        };
    };
}

use OvmClass::{Banned, Halting, Manager, Pure};
const NONE: OpFlags = OpFlags::NONE;
const TERM: OpFlags = OpFlags::TERMINATES;
const JUMPS: OpFlags = OpFlags::JUMPS;
const GAS_OBS: OpFlags = OpFlags::READS_GAS;

// Columns: byte, name, immediate bytes, stack inputs, stack outputs, static gas changes by fork,
// fork introduced, flags, OVM class. Gas sources: Yellow Paper appendix G; EIP-150 (Tangerine
// Whistle IO repricing), EIP-160 (EXP, dynamic), EIP-1884 (Istanbul), EIP-2929 (Berlin: the warm
// cost is static, the cold surcharge dynamic), EIP-1153, EIP-3855, EIP-4844, EIP-5656, EIP-7516.
opcodes! {
    0x00 STOP           0 0 0 [Frontier 0] Frontier TERM, Halting;
    0x01 ADD            0 2 1 [Frontier 3] Frontier NONE, Pure;
    0x02 MUL            0 2 1 [Frontier 5] Frontier NONE, Pure;
    0x03 SUB            0 2 1 [Frontier 3] Frontier NONE, Pure;
    0x04 DIV            0 2 1 [Frontier 5] Frontier NONE, Pure;
    0x05 SDIV           0 2 1 [Frontier 5] Frontier NONE, Pure;
    0x06 MOD            0 2 1 [Frontier 5] Frontier NONE, Pure;
    0x07 SMOD           0 2 1 [Frontier 5] Frontier NONE, Pure;
    0x08 ADDMOD         0 3 1 [Frontier 8] Frontier NONE, Pure;
    0x09 MULMOD         0 3 1 [Frontier 8] Frontier NONE, Pure;
    0x0a EXP            0 2 1 [Frontier 10] Frontier NONE, Pure;
    0x0b SIGNEXTEND     0 2 1 [Frontier 5] Frontier NONE, Pure;
    0x10 LT             0 2 1 [Frontier 3] Frontier NONE, Pure;
    0x11 GT             0 2 1 [Frontier 3] Frontier NONE, Pure;
    0x12 SLT            0 2 1 [Frontier 3] Frontier NONE, Pure;
    0x13 SGT            0 2 1 [Frontier 3] Frontier NONE, Pure;
    0x14 EQ             0 2 1 [Frontier 3] Frontier NONE, Pure;
    0x15 ISZERO         0 1 1 [Frontier 3] Frontier NONE, Pure;
    0x16 AND            0 2 1 [Frontier 3] Frontier NONE, Pure;
    0x17 OR             0 2 1 [Frontier 3] Frontier NONE, Pure;
    0x18 XOR            0 2 1 [Frontier 3] Frontier NONE, Pure;
    0x19 NOT            0 1 1 [Frontier 3] Frontier NONE, Pure;
    0x1a BYTE           0 2 1 [Frontier 3] Frontier NONE, Pure;
    0x1b SHL            0 2 1 [Frontier 3] Constantinople NONE, Pure;
    0x1c SHR            0 2 1 [Frontier 3] Constantinople NONE, Pure;
    0x1d SAR            0 2 1 [Frontier 3] Constantinople NONE, Pure;
    0x20 KECCAK256      0 2 1 [Frontier 30] Frontier NONE, Pure;
    0x30 ADDRESS        0 0 1 [Frontier 2] Frontier NONE, Manager("ovmADDRESS()");
    0x31 BALANCE        0 1 1 [Frontier 20, TangerineWhistle 400, Istanbul 700, Berlin 100] Frontier NONE, Banned;
    0x32 ORIGIN         0 0 1 [Frontier 2] Frontier NONE, Banned;
    0x33 CALLER         0 0 1 [Frontier 2] Frontier NONE, Manager("ovmCALLER()");
    0x34 CALLVALUE      0 0 1 [Frontier 2] Frontier NONE, Pure;
    0x35 CALLDATALOAD   0 1 1 [Frontier 3] Frontier NONE, Pure;
    0x36 CALLDATASIZE   0 0 1 [Frontier 2] Frontier NONE, Pure;
    0x37 CALLDATACOPY   0 3 0 [Frontier 3] Frontier NONE, Pure;
    0x38 CODESIZE       0 0 1 [Frontier 2] Frontier NONE, Pure;
    0x39 CODECOPY       0 3 0 [Frontier 3] Frontier NONE, Pure;
    0x3a GASPRICE       0 0 1 [Frontier 2] Frontier NONE, Banned;
    0x3b EXTCODESIZE    0 1 1 [Frontier 20, TangerineWhistle 700, Berlin 100] Frontier NONE, Manager("ovmEXTCODESIZE(address)");
    0x3c EXTCODECOPY    0 4 0 [Frontier 20, TangerineWhistle 700, Berlin 100] Frontier NONE, Manager("ovmEXTCODECOPY(address,uint256,uint256)");
    0x3d RETURNDATASIZE 0 0 1 [Frontier 2] Byzantium NONE, Pure;
    0x3e RETURNDATACOPY 0 3 0 [Frontier 3] Byzantium NONE, Pure;
    0x3f EXTCODEHASH    0 1 1 [Frontier 400, Istanbul 700, Berlin 100] Constantinople NONE, Manager("ovmEXTCODEHASH(address)");
    0x40 BLOCKHASH      0 1 1 [Frontier 20] Frontier NONE, Banned;
    0x41 COINBASE       0 0 1 [Frontier 2] Frontier NONE, Banned;
    0x42 TIMESTAMP      0 0 1 [Frontier 2] Frontier NONE, Manager("ovmTIMESTAMP()");
    0x43 NUMBER         0 0 1 [Frontier 2] Frontier NONE, Manager("ovmNUMBER()");
    0x44 PREVRANDAO     0 0 1 [Frontier 2] Frontier NONE, Banned;
    0x45 GASLIMIT       0 0 1 [Frontier 2] Frontier NONE, Manager("ovmGASLIMIT()");
    0x46 CHAINID        0 0 1 [Frontier 2] Istanbul NONE, Manager("ovmCHAINID()");
    0x47 SELFBALANCE    0 0 1 [Frontier 5] Istanbul NONE, Banned;
    0x48 BASEFEE        0 0 1 [Frontier 2] London NONE, Banned;
    0x49 BLOBHASH       0 1 1 [Frontier 3] Cancun NONE, Banned;
    0x4a BLOBBASEFEE    0 0 1 [Frontier 2] Cancun NONE, Banned;
    0x50 POP            0 1 0 [Frontier 2] Frontier NONE, Pure;
    0x51 MLOAD          0 1 1 [Frontier 3] Frontier NONE, Pure;
    0x52 MSTORE         0 2 0 [Frontier 3] Frontier NONE, Pure;
    0x53 MSTORE8        0 2 0 [Frontier 3] Frontier NONE, Pure;
    0x54 SLOAD          0 1 1 [Frontier 50, TangerineWhistle 200, Istanbul 800, Berlin 100] Frontier NONE, Manager("ovmSLOAD(bytes32)");
    0x55 SSTORE         0 2 0 [Frontier 0] Frontier GAS_OBS, Manager("ovmSSTORE(bytes32,bytes32)");
    0x56 JUMP           0 1 0 [Frontier 8] Frontier TERM.with(JUMPS), Halting;
    0x57 JUMPI          0 2 0 [Frontier 10] Frontier JUMPS, Pure;
    0x58 PC             0 0 1 [Frontier 2] Frontier NONE, Pure;
    0x59 MSIZE          0 0 1 [Frontier 2] Frontier NONE, Pure;
    0x5a GAS            0 0 1 [Frontier 2] Frontier GAS_OBS, Pure;
    0x5b JUMPDEST       0 0 0 [Frontier 1] Frontier NONE, Pure;
    0x5c TLOAD          0 1 1 [Frontier 100] Cancun NONE, Banned;
    0x5d TSTORE         0 2 0 [Frontier 100] Cancun NONE, Banned;
    0x5e MCOPY          0 3 0 [Frontier 3] Cancun NONE, Banned;
    0x5f PUSH0          0 0 1 [Frontier 2] Shanghai NONE, Banned;
    0x60 PUSH1          1 0 1 [Frontier 3] Frontier NONE, Pure;
    0x61 PUSH2          2 0 1 [Frontier 3] Frontier NONE, Pure;
    0x62 PUSH3          3 0 1 [Frontier 3] Frontier NONE, Pure;
    0x63 PUSH4          4 0 1 [Frontier 3] Frontier NONE, Pure;
    0x64 PUSH5          5 0 1 [Frontier 3] Frontier NONE, Pure;
    0x65 PUSH6          6 0 1 [Frontier 3] Frontier NONE, Pure;
    0x66 PUSH7          7 0 1 [Frontier 3] Frontier NONE, Pure;
    0x67 PUSH8          8 0 1 [Frontier 3] Frontier NONE, Pure;
    0x68 PUSH9          9 0 1 [Frontier 3] Frontier NONE, Pure;
    0x69 PUSH10        10 0 1 [Frontier 3] Frontier NONE, Pure;
    0x6a PUSH11        11 0 1 [Frontier 3] Frontier NONE, Pure;
    0x6b PUSH12        12 0 1 [Frontier 3] Frontier NONE, Pure;
    0x6c PUSH13        13 0 1 [Frontier 3] Frontier NONE, Pure;
    0x6d PUSH14        14 0 1 [Frontier 3] Frontier NONE, Pure;
    0x6e PUSH15        15 0 1 [Frontier 3] Frontier NONE, Pure;
    0x6f PUSH16        16 0 1 [Frontier 3] Frontier NONE, Pure;
    0x70 PUSH17        17 0 1 [Frontier 3] Frontier NONE, Pure;
    0x71 PUSH18        18 0 1 [Frontier 3] Frontier NONE, Pure;
    0x72 PUSH19        19 0 1 [Frontier 3] Frontier NONE, Pure;
    0x73 PUSH20        20 0 1 [Frontier 3] Frontier NONE, Pure;
    0x74 PUSH21        21 0 1 [Frontier 3] Frontier NONE, Pure;
    0x75 PUSH22        22 0 1 [Frontier 3] Frontier NONE, Pure;
    0x76 PUSH23        23 0 1 [Frontier 3] Frontier NONE, Pure;
    0x77 PUSH24        24 0 1 [Frontier 3] Frontier NONE, Pure;
    0x78 PUSH25        25 0 1 [Frontier 3] Frontier NONE, Pure;
    0x79 PUSH26        26 0 1 [Frontier 3] Frontier NONE, Pure;
    0x7a PUSH27        27 0 1 [Frontier 3] Frontier NONE, Pure;
    0x7b PUSH28        28 0 1 [Frontier 3] Frontier NONE, Pure;
    0x7c PUSH29        29 0 1 [Frontier 3] Frontier NONE, Pure;
    0x7d PUSH30        30 0 1 [Frontier 3] Frontier NONE, Pure;
    0x7e PUSH31        31 0 1 [Frontier 3] Frontier NONE, Pure;
    0x7f PUSH32        32 0 1 [Frontier 3] Frontier NONE, Pure;
    0x80 DUP1           0 1 2 [Frontier 3] Frontier NONE, Pure;
    0x81 DUP2           0 2 3 [Frontier 3] Frontier NONE, Pure;
    0x82 DUP3           0 3 4 [Frontier 3] Frontier NONE, Pure;
    0x83 DUP4           0 4 5 [Frontier 3] Frontier NONE, Pure;
    0x84 DUP5           0 5 6 [Frontier 3] Frontier NONE, Pure;
    0x85 DUP6           0 6 7 [Frontier 3] Frontier NONE, Pure;
    0x86 DUP7           0 7 8 [Frontier 3] Frontier NONE, Pure;
    0x87 DUP8           0 8 9 [Frontier 3] Frontier NONE, Pure;
    0x88 DUP9           0 9 10 [Frontier 3] Frontier NONE, Pure;
    0x89 DUP10          0 10 11 [Frontier 3] Frontier NONE, Pure;
    0x8a DUP11          0 11 12 [Frontier 3] Frontier NONE, Pure;
    0x8b DUP12          0 12 13 [Frontier 3] Frontier NONE, Pure;
    0x8c DUP13          0 13 14 [Frontier 3] Frontier NONE, Pure;
    0x8d DUP14          0 14 15 [Frontier 3] Frontier NONE, Pure;
    0x8e DUP15          0 15 16 [Frontier 3] Frontier NONE, Pure;
    0x8f DUP16          0 16 17 [Frontier 3] Frontier NONE, Pure;
    0x90 SWAP1          0 2 2 [Frontier 3] Frontier NONE, Pure;
    0x91 SWAP2          0 3 3 [Frontier 3] Frontier NONE, Pure;
    0x92 SWAP3          0 4 4 [Frontier 3] Frontier NONE, Pure;
    0x93 SWAP4          0 5 5 [Frontier 3] Frontier NONE, Pure;
    0x94 SWAP5          0 6 6 [Frontier 3] Frontier NONE, Pure;
    0x95 SWAP6          0 7 7 [Frontier 3] Frontier NONE, Pure;
    0x96 SWAP7          0 8 8 [Frontier 3] Frontier NONE, Pure;
    0x97 SWAP8          0 9 9 [Frontier 3] Frontier NONE, Pure;
    0x98 SWAP9          0 10 10 [Frontier 3] Frontier NONE, Pure;
    0x99 SWAP10         0 11 11 [Frontier 3] Frontier NONE, Pure;
    0x9a SWAP11         0 12 12 [Frontier 3] Frontier NONE, Pure;
    0x9b SWAP12         0 13 13 [Frontier 3] Frontier NONE, Pure;
    0x9c SWAP13         0 14 14 [Frontier 3] Frontier NONE, Pure;
    0x9d SWAP14         0 15 15 [Frontier 3] Frontier NONE, Pure;
    0x9e SWAP15         0 16 16 [Frontier 3] Frontier NONE, Pure;
    0x9f SWAP16         0 17 17 [Frontier 3] Frontier NONE, Pure;
    0xa0 LOG0           0 2 0 [Frontier 375] Frontier NONE, Pure;
    0xa1 LOG1           0 3 0 [Frontier 750] Frontier NONE, Pure;
    0xa2 LOG2           0 4 0 [Frontier 1125] Frontier NONE, Pure;
    0xa3 LOG3           0 5 0 [Frontier 1500] Frontier NONE, Pure;
    0xa4 LOG4           0 6 0 [Frontier 1875] Frontier NONE, Pure;
    0xf0 CREATE         0 3 1 [Frontier 32000] Frontier GAS_OBS, Manager("ovmCREATE(bytes)");
    0xf1 CALL           0 7 1 [Frontier 40, TangerineWhistle 700, Berlin 100] Frontier GAS_OBS, Manager("ovmCALL(uint256,address,bytes)");
    0xf2 CALLCODE       0 7 1 [Frontier 40, TangerineWhistle 700, Berlin 100] Frontier GAS_OBS, Banned;
    0xf3 RETURN         0 2 0 [Frontier 0] Frontier TERM, Halting;
    0xf4 DELEGATECALL   0 6 1 [Frontier 40, TangerineWhistle 700, Berlin 100] Homestead GAS_OBS, Manager("ovmDELEGATECALL(uint256,address,bytes)");
    0xf5 CREATE2        0 4 1 [Frontier 32000] Constantinople GAS_OBS, Manager("ovmCREATE2(bytes,bytes32)");
    0xfa STATICCALL     0 6 1 [Frontier 700, Berlin 100] Byzantium GAS_OBS, Manager("ovmSTATICCALL(uint256,address,bytes)");
    0xfd REVERT         0 2 0 [Frontier 0] Byzantium TERM, Manager("ovmREVERT(bytes)");
    0xfe INVALID        0 0 0 [Frontier 0] Frontier TERM, Halting;
    0xff SELFDESTRUCT   0 1 0 [Frontier 0, TangerineWhistle 5000] Frontier TERM, Banned;
}

/// The table entry for `byte`, if any fork defines it.
#[inline]
pub const fn info(byte: u8) -> Option<&'static OpInfo> {
    OPCODES[byte as usize].as_ref()
}

/// The table entry for `byte` if the opcode exists under `fork`.
#[inline]
pub const fn info_in(byte: u8, fork: Fork) -> Option<&'static OpInfo> {
    match info(byte) {
        Some(op) if op.is_defined_in(fork) => Some(op),
        _ => None,
    }
}

/// Number of immediate bytes following `byte` (non-zero for PUSH1..PUSH32 only). Immediates do not
/// depend on the fork: PUSH data is PUSH data in every fork.
#[inline]
pub const fn immediate_size(byte: u8) -> usize {
    match info(byte) {
        Some(op) => op.immediate_size as usize,
        None => 0,
    }
}

/// The mnemonic of `byte`, or `None` when no fork defines it.
#[inline]
pub const fn name(byte: u8) -> Option<&'static str> {
    match info(byte) {
        Some(op) => Some(op.name),
        None => None,
    }
}

/// The opcode whose mnemonic is `name` (ASCII case ignored; `SHA3` and `DIFFICULTY` are accepted
/// as the older names of KECCAK256 and PREVRANDAO).
pub fn from_name(name: &str) -> Option<u8> {
    if name.eq_ignore_ascii_case("SHA3") {
        return Some(KECCAK256);
    }
    if name.eq_ignore_ascii_case("DIFFICULTY") {
        return Some(PREVRANDAO);
    }
    (0..=255u8).find(|&b| matches!(info(b), Some(op) if op.name.eq_ignore_ascii_case(name)))
}

/// Static gas of every opcode under one fork (0 for undefined bytes), derived from [`OPCODES`].
pub const fn static_gas_table(fork: Fork) -> [u16; 256] {
    let mut out = [0u16; 256];
    let mut b = 0;
    while b < 256 {
        if let Some(op) = &OPCODES[b] {
            out[b] = op.gas[fork.index()];
        }
        b += 1;
    }
    out
}

/// The byte sequences through which OVM code reaches the execution manager (`spec/OVM.md`
/// section 2.1), spelled with the opcode constants of this table.
pub mod sequences {
    use super::*;

    /// "kall": call the execution manager (the frame's CALLER) with `mem[argsOffset..+argsLen]`,
    /// re-revert with its revert data on failure, `RETURN(0, 1)` if it returned one byte, else fall
    /// through with the result at `retOffset`. Stack on entry: argsOffset, argsLen, retOffset, retLen.
    pub const KALL: [u8; 37] = [
        CALLER,
        PUSH1,
        0x00,
        SWAP1,
        GAS,
        CALL, // CALL(gas, CALLER, 0, args.., ret..)
        PC,
        PUSH1,
        0x0e,
        ADD,
        JUMPI, // success: jump 14 bytes ahead, to the first JUMPDEST
        RETURNDATASIZE,
        PUSH1,
        0x00,
        DUP1,
        RETURNDATACOPY, // failure: copy the revert data
        RETURNDATASIZE,
        PUSH1,
        0x00,
        REVERT, // and revert with it
        JUMPDEST,
        RETURNDATASIZE,
        PUSH1,
        0x01,
        EQ,
        ISZERO, // one byte returned?
        PC,
        PUSH1,
        0x0a,
        ADD,
        JUMPI, // no: jump 10 bytes ahead, to the last JUMPDEST
        PUSH1,
        0x01,
        PUSH1,
        0x00,
        RETURN, // yes: RETURN(0, 1)
        JUMPDEST,
    ];

    /// Offset of the CALL inside [`KALL`].
    pub const KALL_CALL_OFFSET: usize = 5;

    /// "kopy": `CALLER POP` marks a call to the identity precompile that copies memory
    /// (`CALL(gas, 4, 0, in, insize, out, outsize)`); the compiler follows it with a POP.
    pub const KOPY: [u8; 8] = [CALLER, POP, PUSH1, 0x00, PUSH1, 0x04, GAS, CALL];

    /// Not a call: the end of the code of creation code whose constructor arguments (or other
    /// data) follow, for the execution manager's opt-in data section
    /// (`ManagerConfig::initcode_data_section`): INVALID, then PUSH32 of a 32-byte ASCII tag.
    /// Where it ends, as an instruction, the code ends: the rest is data that CODECOPY reads but
    /// nothing executes and the purity checker does not read.
    pub const CODE_END: [u8; 34] = {
        let tag = *b"ovm: code ends, data follows ->.";
        let mut out = [0u8; 34];
        out[0] = INVALID;
        out[1] = PUSH32;
        let mut i = 0;
        while i < 32 {
            out[2 + i] = tag[i];
            i += 1;
        }
        out
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_consistent() {
        for b in 0..=255u8 {
            let Some(op) = info(b) else { continue };
            assert_eq!(from_name(op.name), Some(b), "{}", op.name);
            let is_push = (PUSH1..=PUSH32).contains(&b);
            assert_eq!(op.immediate_size as usize, if is_push { (b - PUSH0) as usize } else { 0 });
            // An opcode priced before it exists would be a typo in the table.
            for fork in Fork::ALL {
                if !op.is_defined_in(fork) {
                    assert!(info_in(b, fork).is_none());
                }
            }
        }
    }

    #[test]
    fn counts_per_fork() {
        // Frontier has 0x00-0x0b (12), 0x10-0x1a (11), KECCAK256, 0x30-0x3c (13), 0x40-0x45 (6),
        // 0x50-0x5b (12), 64 PUSH/DUP/SWAP, 5 LOG, CREATE CALL CALLCODE RETURN, INVALID, SELFDESTRUCT.
        let count = |fork| (0..=255u8).filter(|&b| info_in(b, fork).is_some()).count();
        assert_eq!(count(Fork::Frontier), 12 + 11 + 1 + 13 + 6 + 12 + 64 + 5 + 4 + 2);
        assert_eq!(count(Fork::Homestead), count(Fork::Frontier) + 1);
        assert_eq!(count(Fork::Byzantium), count(Fork::Homestead) + 4);
        assert_eq!(count(Fork::Constantinople), count(Fork::Byzantium) + 5);
        assert_eq!(count(Fork::Istanbul), count(Fork::Constantinople) + 2);
        assert_eq!(count(Fork::London), count(Fork::Istanbul) + 1);
        assert_eq!(count(Fork::Shanghai), count(Fork::London) + 1);
        assert_eq!(count(Fork::Cancun), count(Fork::Shanghai) + 5);
    }

    #[test]
    fn named_sequences_match_the_specification() {
        // spec/OVM.md section 2.1, byte for byte.
        let kall = crate::primitives::decode_hex(
            "336000905af158600e01573d6000803e3d6000fd5b3d6001141558600a015760016000f35b",
        )
        .unwrap();
        assert_eq!(sequences::KALL[..], kall[..]);
        assert_eq!(sequences::KALL[sequences::KALL_CALL_OFFSET], CALL);
        assert_eq!(sequences::KOPY[..], crate::primitives::decode_hex("3350600060045af1").unwrap()[..]);
    }

    #[test]
    fn gas_changes_apply_from_their_fork() {
        let sload = info(SLOAD).unwrap();
        assert_eq!(sload.static_gas(Fork::Frontier), 50);
        assert_eq!(sload.static_gas(Fork::SpuriousDragon), 200);
        assert_eq!(sload.static_gas(Fork::Istanbul), 800);
        assert_eq!(sload.static_gas(Fork::Cancun), 100);
        assert_eq!(static_gas_table(Fork::Homestead)[SELFDESTRUCT as usize], 0);
        assert_eq!(static_gas_table(Fork::TangerineWhistle)[SELFDESTRUCT as usize], 5000);
    }
}
