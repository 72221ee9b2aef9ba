//! The `execute_diff` body: the fuzz bytes drive a generator of well-formed programs (defined
//! opcodes with their arguments pushed, small memory offsets, storage slots that exist, jumps to
//! real JUMPDESTs, calls to a second program, precompiles and empty accounts, creations) and of a
//! transaction; the transaction runs on ovm and on revm under the same fork, and both must give
//! the same status, gas used, output, logs and post-state (balances, nonces, code and storage).

use std::collections::BTreeMap;
use std::fmt::Write as _;

use bytes::Bytes;
use ovm::opcode::{self, *};
use ovm::primitives::HexSlice;
use ovm::state::{AccountInfo, InMemoryDb};
use ovm::{Address, BlockEnv, CodeCache, Env, Evm, Fork, Transaction, U256};

/// The forks both interpreters implement: revm has no Constantinople (EIP-1283's SSTORE metering,
/// withdrawn by Petersburg), so that fork alone is not compared.
const FORKS: [Fork; 12] = {
    let mut forks = [Fork::Frontier; 12];
    let (mut i, mut j) = (0, 0);
    while i < Fork::ALL.len() {
        if !matches!(Fork::ALL[i], Fork::Constantinople) {
            forks[j] = Fork::ALL[i];
            j += 1;
        }
        i += 1;
    }
    forks
};

/// An address `first 00 .. 00 last`.
const fn address(first: u8, last: u8) -> Address {
    let mut bytes = [0u8; 20];
    bytes[0] = first;
    bytes[19] = last;
    Address(bytes)
}

/// The transaction's sender, an account without code.
const SENDER: Address = address(0x10, 0x01);
/// The program the transaction calls.
const TARGET: Address = address(0x20, 0x02);
/// A second program the first one calls.
const OTHER: Address = address(0x30, 0x03);
/// An account with a balance and no code.
const FUNDED: Address = address(0x40, 0x04);
/// An address with no account.
const ABSENT: Address = address(0x50, 0x05);
/// The block's coinbase.
const BENEFICIARY: Address = address(0xc0, 0x0b);
/// The chain id of both sides.
const CHAIN_ID: u64 = 1;
/// The block gas limit.
const BLOCK_GAS_LIMIT: u64 = 30_000_000;

/// The fuzz bytes, read front to back; zeros once they run out.
struct Input<'a> {
    data: &'a [u8],
}

impl Input<'_> {
    fn byte(&mut self) -> u8 {
        match self.data.split_first() {
            Some((&b, rest)) => {
                self.data = rest;
                b
            }
            None => 0,
        }
    }

    /// A number below `n` (at most 256).
    fn below(&mut self, n: usize) -> usize {
        usize::from(self.byte()) % n
    }

    fn u16(&mut self) -> u16 {
        u16::from_be_bytes([self.byte(), self.byte()])
    }

    fn bytes(&mut self, n: usize) -> Vec<u8> {
        (0..n).map(|_| self.byte()).collect()
    }

    fn is_empty(&self) -> bool {
        self.data.is_empty()
    }
}

/// Builds one program from the input.
struct Builder<'i, 'a> {
    input: &'i mut Input<'a>,
    fork: Fork,
    code: Vec<u8>,
    /// Offsets of the JUMPDESTs the builder placed.
    labels: Vec<usize>,
    /// PUSH2 immediates to patch with a label: (offset of the immediate, choice byte).
    jumps: Vec<(usize, u8)>,
    /// 0 for a program, 1 for initcode, 2 for the runtime code initcode returns.
    depth: u8,
}

impl<'i, 'a> Builder<'i, 'a> {
    fn new(input: &'i mut Input<'a>, fork: Fork, depth: u8) -> Self {
        Builder { input, fork, code: Vec::new(), labels: Vec::new(), jumps: Vec::new(), depth }
    }

    fn has(&self, op: u8) -> bool {
        opcode::info_in(op, self.fork).is_some()
    }

    fn op(&mut self, op: u8) {
        self.code.push(op);
    }

    /// The shortest PUSH of the big-endian `value` (PUSH1 0 for zero, or PUSH0 where defined).
    fn push_bytes(&mut self, value: &[u8]) {
        let start = value.iter().position(|&b| b != 0).unwrap_or(value.len());
        let value = &value[start..];
        if value.is_empty() {
            if self.has(PUSH0) && self.input.byte() & 1 == 1 {
                self.op(PUSH0);
            } else {
                self.code.extend_from_slice(&[PUSH1, 0]);
            }
            return;
        }
        let value = &value[value.len().saturating_sub(32)..];
        self.op(PUSH1 + value.len() as u8 - 1);
        self.code.extend_from_slice(value);
    }

    fn push(&mut self, value: u64) {
        self.push_bytes(&value.to_be_bytes());
    }

    fn push_address(&mut self, address: Address) {
        self.op(PUSH20);
        self.code.extend_from_slice(&address.0);
    }

    /// A value an argument is likely to be: small, a boundary, or any word.
    fn value(&mut self) {
        match self.input.below(12) {
            0..=5 => {
                let v = [0, 1, 2, 3, 0x1f, 0x20, 0x40, 0xff, 0x100, 255 * 32][self.input.below(10)];
                self.push(v);
            }
            6 | 7 => {
                let v = u64::from(self.input.byte());
                self.push(v);
            }
            8 => {
                let size = 1 + self.input.below(32);
                let bytes = self.input.bytes(size);
                self.push_bytes(&bytes);
            }
            9 => {
                // All ones, the sign bit, and their neighbours.
                let mut word = [0u8; 32];
                match self.input.below(4) {
                    0 => word = [0xff; 32],
                    1 => word[0] = 0x80,
                    2 => {
                        word = [0xff; 32];
                        word[0] = 0x7f;
                    }
                    _ => word[31] = 0xfe,
                }
                self.push_bytes(&word);
            }
            10 => self.op(if self.has(CALLDATASIZE) { CALLDATASIZE } else { PC }),
            _ => self.op(GAS),
        }
    }

    /// A memory offset: mostly within the first kilobyte, sometimes far, rarely unpayable.
    fn offset(&mut self) {
        match self.input.below(16) {
            0..=11 => {
                let v = u64::from(self.input.byte());
                self.push(v);
            }
            12..=14 => {
                let v = u64::from(self.input.u16() % 0x4000);
                self.push(v);
            }
            _ => {
                let v = [0xffff_ffff, 1 << 32, u64::MAX][self.input.below(3)];
                self.push(v);
            }
        }
    }

    /// A length: mostly up to 64 bytes, sometimes a kilobyte, rarely unpayable.
    fn length(&mut self) {
        match self.input.below(16) {
            0..=11 => {
                let v = u64::from(self.input.byte() % 65);
                self.push(v);
            }
            12..=14 => {
                let v = u64::from(self.input.u16() % 0x400);
                self.push(v);
            }
            _ => {
                let v = [0xffff_ffff, u64::MAX][self.input.below(2)];
                self.push(v);
            }
        }
    }

    /// An account a call or an account query is about.
    fn target(&mut self) {
        match self.input.below(12) {
            0 => self.push_address(TARGET),
            1 | 2 => self.push_address(OTHER),
            3 => self.push_address(FUNDED),
            4 => self.push_address(ABSENT),
            5 => self.push_address(SENDER),
            6 => self.push_address(BENEFICIARY),
            7 => self.push_address(ovm::evm::create_address(&TARGET, 1)),
            8 => self.op(ADDRESS),
            _ => {
                // A precompile, or the address just past the last one.
                let v = 1 + u64::from(self.input.byte() % 11);
                self.push(v);
            }
        }
    }

    /// A storage slot the accounts hold (0..=2) or an empty one.
    fn slot(&mut self) {
        let v = u64::from(self.input.byte() % 5);
        self.push(v);
    }

    /// One opcode of `choices` that the fork defines, if any.
    fn pick(&mut self, choices: &[u8]) -> Option<u8> {
        let op = choices[self.input.below(choices.len())];
        self.has(op).then_some(op)
    }

    /// Generates up to `max_pieces` pieces, then patches the jumps.
    fn program(mut self, max_pieces: usize) -> Vec<u8> {
        let pieces = self.input.below(max_pieces + 1);
        for _ in 0..pieces {
            if self.input.is_empty() {
                break;
            }
            self.piece();
        }
        if self.input.byte() & 3 == 0 {
            self.terminator();
        }
        for (at, choice) in std::mem::take(&mut self.jumps) {
            let destination = if self.labels.is_empty() || choice >= 0xf0 {
                // Sometimes anywhere: into PUSH data, past the end, or onto a real JUMPDEST.
                usize::from(choice) * 7 % (self.code.len() + 2)
            } else {
                self.labels[usize::from(choice) % self.labels.len()]
            };
            let [hi, lo] = (destination as u16).to_be_bytes();
            self.code[at] = hi;
            self.code[at + 1] = lo;
        }
        self.code
    }

    fn piece(&mut self) {
        match self.input.below(24) {
            0 | 1 => self.value(),
            2..=4 => self.any_opcode(),
            5 => {
                let op = [ADD, MUL, SUB, DIV, SDIV, MOD, SMOD, EXP, SIGNEXTEND, LT, GT, SLT, SGT, EQ, AND]
                    [self.input.below(15)];
                self.value();
                self.value();
                self.op(op);
            }
            6 => {
                if let Some(op) = self.pick(&[BYTE, SHL, SHR, SAR, ADDMOD, MULMOD, OR, XOR, KECCAK256]) {
                    if matches!(op, ADDMOD | MULMOD) {
                        self.value();
                    }
                    if op == KECCAK256 {
                        self.length();
                        self.offset();
                    } else {
                        self.value();
                        self.value();
                    }
                    self.op(op);
                }
            }
            7 => {
                // MSTORE, MSTORE8 or MLOAD.
                let op = [MSTORE, MSTORE8, MLOAD][self.input.below(3)];
                if op != MLOAD {
                    self.value();
                }
                self.offset();
                self.op(op);
            }
            8 => self.copy(),
            9 | 10 => self.storage(),
            11 => {
                let topics = self.input.below(5);
                for _ in 0..topics {
                    self.value();
                }
                self.length();
                self.offset();
                self.op(LOG0 + topics as u8);
            }
            12 | 13 => self.call(),
            14 => self.create(),
            15 | 16 => self.jump(),
            17 => {
                self.labels.push(self.code.len());
                self.op(JUMPDEST);
            }
            18 => {
                let env = [
                    ADDRESS,
                    ORIGIN,
                    CALLER,
                    CALLVALUE,
                    CALLDATASIZE,
                    CODESIZE,
                    GASPRICE,
                    RETURNDATASIZE,
                    COINBASE,
                    TIMESTAMP,
                    NUMBER,
                    PREVRANDAO,
                    GASLIMIT,
                    CHAINID,
                    SELFBALANCE,
                    BASEFEE,
                    BLOBBASEFEE,
                    PC,
                    MSIZE,
                    GAS,
                ];
                if let Some(op) = self.pick(&env) {
                    self.op(op);
                }
            }
            19 => {
                // Account queries.
                if let Some(op) = self.pick(&[BALANCE, EXTCODESIZE, EXTCODEHASH]) {
                    self.target();
                    self.op(op);
                }
            }
            20 => {
                if let Some(op) = self.pick(&[BLOCKHASH, BLOBHASH, CALLDATALOAD]) {
                    let v = u64::from(self.input.byte());
                    self.push(v);
                    self.op(op);
                }
            }
            21 => {
                // Stack shuffling.
                let op = match self.input.below(3) {
                    0 => POP,
                    1 => DUP1 + self.input.below(16) as u8,
                    _ => SWAP1 + self.input.below(16) as u8,
                };
                self.op(op);
            }
            22 => {
                // Check a call's result and branch on it.
                self.op(ISZERO);
                self.jump_to_label(true);
            }
            _ => {
                if self.input.byte() < 64 {
                    self.terminator();
                }
            }
        }
    }

    /// Any byte the fork defines, with its arguments pushed first (PUSH gets its immediate).
    fn any_opcode(&mut self) {
        let byte = self.input.byte();
        let Some(info) = opcode::info_in(byte, self.fork) else {
            // Rarely an undefined byte, which must halt both sides alike.
            if self.input.byte() < 16 {
                self.op(byte);
            }
            return;
        };
        if opcode::immediate_size(byte) > 0 {
            let immediate = self.input.bytes(opcode::immediate_size(byte));
            self.op(byte);
            self.code.extend_from_slice(&immediate);
            return;
        }
        if byte == JUMPDEST {
            self.labels.push(self.code.len());
        } else if !matches!(byte, DUP1..=DUP16 | SWAP1..=SWAP16) {
            for _ in 0..info.inputs {
                self.value();
            }
        }
        self.op(byte);
    }

    fn copy(&mut self) {
        let Some(op) = self.pick(&[CALLDATACOPY, CODECOPY, RETURNDATACOPY, EXTCODECOPY, MCOPY]) else {
            return;
        };
        self.length();
        if op == RETURNDATACOPY {
            // Past the return data is an exceptional halt; stay inside it most of the time.
            let v = u64::from(self.input.byte() % 40);
            self.push(v);
        } else {
            self.offset();
        }
        self.offset();
        if op == EXTCODECOPY {
            self.target();
        }
        self.op(op);
    }

    fn storage(&mut self) {
        match self.input.below(4) {
            0 | 1 => {
                let v = [0, 1, 2, 0xff][self.input.below(4)];
                self.push(v);
                self.slot();
                self.op(SSTORE);
            }
            2 => {
                self.slot();
                self.op(SLOAD);
            }
            _ => {
                if self.has(TSTORE) {
                    if self.input.byte() & 1 == 0 {
                        self.value();
                        self.slot();
                        self.op(TSTORE);
                    } else {
                        self.slot();
                        self.op(TLOAD);
                    }
                }
            }
        }
    }

    fn call(&mut self) {
        let Some(op) = self.pick(&[CALL, CALL, CALLCODE, DELEGATECALL, STATICCALL]) else {
            return;
        };
        self.length();
        self.offset();
        self.length();
        self.offset();
        if matches!(op, CALL | CALLCODE) {
            let v = [0, 0, 1, 1_000_000_000_000_000_000, u64::MAX][self.input.below(5)];
            self.push(v);
        }
        self.target();
        match self.input.below(4) {
            0 | 1 => self.op(GAS),
            2 => {
                let v = [0, 100, 2300, 5000, 30_000, 100_000][self.input.below(6)];
                self.push(v);
            }
            _ => self.push(0xff_ffff_ffff),
        }
        self.op(op);
    }

    /// CREATE or CREATE2 of initcode the builder writes into memory at 0x400 first.
    fn create(&mut self) {
        let Some(op) = self.pick(&[CREATE, CREATE, CREATE2]) else {
            return;
        };
        let initcode = if self.depth == 0 {
            initcode(self.input, self.fork)
        } else {
            let size = self.input.below(8);
            self.input.bytes(size)
        };
        let base = 0x400u64;
        self.store(base, &initcode);
        if op == CREATE2 {
            self.value();
        }
        let size = initcode.len() as u64;
        self.push(size);
        self.push(base);
        let v = [0, 0, 1, 0xff][self.input.below(4)];
        self.push(v);
        self.op(op);
    }

    /// Writes `bytes` into memory at `base` with PUSH32/MSTORE pairs.
    fn store(&mut self, base: u64, bytes: &[u8]) {
        for (i, chunk) in bytes.chunks(32).enumerate() {
            let mut word = [0u8; 32];
            word[..chunk.len()].copy_from_slice(chunk);
            self.op(PUSH32);
            self.code.extend_from_slice(&word);
            self.push(base + 32 * i as u64);
            self.op(MSTORE);
        }
    }

    fn jump(&mut self) {
        let conditional = self.input.byte() & 1 == 1;
        if conditional {
            let v = u64::from(self.input.byte() & 1);
            self.push(v);
        }
        self.jump_to_label(conditional);
    }

    /// `PUSH2 label` then JUMP or JUMPI (the label is chosen once the program is complete).
    fn jump_to_label(&mut self, conditional: bool) {
        let choice = self.input.byte();
        self.op(PUSH2);
        self.jumps.push((self.code.len(), choice));
        self.code.extend_from_slice(&[0, 0]);
        self.op(if conditional { JUMPI } else { JUMP });
    }

    fn terminator(&mut self) {
        match self.input.below(6) {
            0 => self.op(STOP),
            1 | 2 => {
                let op = if self.input.byte() & 1 == 1 && self.has(REVERT) { REVERT } else { RETURN };
                self.length();
                self.offset();
                self.op(op);
            }
            3 => self.op(INVALID),
            4 => {
                self.target();
                self.op(SELFDESTRUCT);
            }
            _ => {}
        }
    }
}

/// Initcode: a few pieces, then it returns runtime code (a small program, or raw bytes that
/// may start with 0xEF) written to memory.
fn initcode(input: &mut Input<'_>, fork: Fork) -> Vec<u8> {
    let runtime = if input.byte() < 32 {
        let size = input.below(6);
        let mut raw = input.bytes(size);
        if let Some(first) = raw.first_mut()
            && *first & 1 == 1
        {
            *first = 0xef;
        }
        raw
    } else {
        Builder::new(input, fork, 2).program(6)
    };
    let mut builder = Builder::new(input, fork, 1);
    let pieces = builder.input.below(5);
    for _ in 0..pieces {
        builder.piece();
    }
    builder.store(0, &runtime);
    builder.push(runtime.len() as u64);
    builder.push(0);
    builder.op(RETURN);
    builder.program(0)
}

/// A generated account: address, balance, nonce, code, storage.
type GenAccount = (Address, U256, u64, Vec<u8>, Vec<(U256, U256)>);

/// One generated case: the fork, the block, the pre-state and the transaction.
#[derive(Clone, Debug)]
struct Case {
    fork: Fork,
    number: u64,
    timestamp: u64,
    difficulty: u64,
    prev_randao: [u8; 32],
    base_fee: u64,
    excess_blob_gas: u64,
    /// Address, balance, nonce, code, storage.
    accounts: Vec<GenAccount>,
    /// `None` for a creation, whose initcode is the data.
    to: Option<Address>,
    data: Vec<u8>,
    value: U256,
    gas_limit: u64,
    gas_price: u64,
}

impl Case {
    fn generate(data: &[u8]) -> Case {
        let mut input = Input { data };
        let fork = FORKS[input.below(FORKS.len())];
        let number = 1 + u64::from(input.u16() % 600);
        let timestamp = u64::from(input.u16());
        let difficulty = u64::from(input.byte());
        let mut prev_randao = [0u8; 32];
        prev_randao[31] = input.byte();
        let base_fee = if fork.is_at_least(Fork::London) { u64::from(input.byte() % 8) } else { 0 };
        let excess_blob_gas = [0, 2_314_058, 10_000_000][input.below(3)];
        let gas_price = base_fee + u64::from(input.byte() % 4);
        let value = U256::from([0u64, 0, 1, 1000][input.below(4)]);
        let gas_limit = 60_000 + u64::from(input.u16()) * 8;
        let call_data_size = input.below(101);
        let call_data = input.bytes(call_data_size);
        let creation = input.byte() < 16;
        let storage = |input: &mut Input<'_>| -> Vec<(U256, U256)> {
            (0..3u64).map(|slot| (U256::from(slot), U256::from(input.byte() % 3))).collect()
        };
        let target_storage = storage(&mut input);
        let other_storage = storage(&mut input);
        let target_balance = U256::from(input.byte() % 3);
        let other = Builder::new(&mut input, fork, 0).program(12);
        let (to, data, target) = if creation {
            (None, initcode(&mut input, fork), Vec::new())
        } else {
            (Some(TARGET), call_data, Builder::new(&mut input, fork, 0).program(48))
        };
        let ether = U256::from(1_000_000_000_000_000_000u64);
        let mut accounts = vec![
            (SENDER, ether * U256::from(1_000_000u64), 0, Vec::new(), Vec::new()),
            (OTHER, U256::from(7), 1, other, other_storage),
            (FUNDED, ether, 0, Vec::new(), Vec::new()),
        ];
        if !creation {
            accounts.push((TARGET, target_balance, 1, target, target_storage));
        }
        Case {
            fork,
            number,
            timestamp,
            difficulty,
            prev_randao,
            base_fee,
            excess_blob_gas,
            accounts,
            to,
            data,
            value,
            gas_limit,
            gas_price,
        }
    }

    fn describe(&self) -> String {
        let mut out = format!(
            "fork {}, to {:?}, value {}, gas {}, price {}, data 0x{}\n",
            self.fork,
            self.to,
            self.value,
            self.gas_limit,
            self.gas_price,
            HexSlice(&self.data)
        );
        for (address, balance, nonce, code, storage) in &self.accounts {
            let _ = writeln!(
                out,
                "  {address}: balance {balance}, nonce {nonce}, storage {storage:?}, code 0x{}",
                HexSlice(code)
            );
        }
        out
    }
}

/// How the transaction ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Status {
    Success,
    Revert,
    Halt,
    /// Invalid: nothing ran.
    Rejected,
}

/// One account after the transaction: balance, nonce, code and non-zero storage.
type World = BTreeMap<[u8; 20], (U256, u64, Vec<u8>, BTreeMap<U256, U256>)>;

/// A log: address, topics, data.
type LogEntry = ([u8; 20], Vec<[u8; 32]>, Vec<u8>);

/// What one interpreter made of a case.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Outcome {
    status: Status,
    /// The exit reason as the interpreter names it (reported, not compared).
    detail: String,
    gas_used: u64,
    output: Vec<u8>,
    logs: Vec<LogEntry>,
    created: Option<[u8; 20]>,
    world: World,
}

fn run_ovm<T: ovm::tracer::Tracer>(case: &Case, tracer: T) -> Outcome {
    let mut db = InMemoryDb::new();
    for (address, balance, nonce, code, storage) in &case.accounts {
        let info = AccountInfo::new(*balance, *nonce, Bytes::from(code.clone()));
        db.insert_account(*address, info, storage.iter().copied());
    }
    let env = Env {
        block: BlockEnv {
            number: U256::from(case.number),
            coinbase: BENEFICIARY,
            timestamp: U256::from(case.timestamp),
            gas_limit: U256::from(BLOCK_GAS_LIMIT),
            base_fee: U256::from(case.base_fee),
            difficulty: U256::from(case.difficulty),
            prev_randao: ovm::B256(case.prev_randao),
            blob_base_fee: ovm::env::blob_base_fee(case.excess_blob_gas),
        },
        chain_id: CHAIN_ID,
        ..Env::default()
    };
    let tx = Transaction {
        tx_type: 0,
        caller: SENDER,
        nonce: 0,
        gas_limit: case.gas_limit,
        max_fee_per_gas: U256::from(case.gas_price),
        to: case.to,
        value: case.value,
        data: Bytes::from(case.data.clone()),
        ..Transaction::default()
    };
    let mut cache = CodeCache::new(case.fork);
    let mut evm = Evm::with_tracer(&mut db, env, &mut cache, tracer);
    let result = evm.transact(&tx);
    let changes = evm.finalize();
    let result = match result {
        Ok(result) => result,
        Err(ovm::evm::TransactionError::Invalid(invalid)) => {
            return Outcome {
                status: Status::Rejected,
                detail: invalid.to_string(),
                gas_used: 0,
                output: Vec::new(),
                logs: Vec::new(),
                created: None,
                world: World::new(),
            };
        }
        Err(e) => panic!("in-memory state failed: {e}"),
    };
    db.commit(changes);
    let status = if result.reason.is_success() {
        Status::Success
    } else if result.reason.is_revert() {
        Status::Revert
    } else {
        Status::Halt
    };
    let world = db
        .accounts_sorted()
        .into_iter()
        .map(|(address, account)| {
            let info = &account.info;
            let storage =
                account.storage.iter().filter(|(_, v)| !v.is_zero()).map(|(k, v)| (*k, *v)).collect();
            (address.0, (info.balance, info.nonce, info.code.to_vec(), storage))
        })
        .collect();
    Outcome {
        status,
        detail: format!("{:?}", result.reason),
        gas_used: result.gas_used,
        output: result.output.to_vec(),
        logs: result
            .logs
            .iter()
            .map(|log| (log.address.0, log.topics.iter().map(|t| t.0).collect(), log.data.to_vec()))
            .collect(),
        created: result.created.map(|a| a.0),
        world,
    }
}

fn spec_of(fork: Fork) -> Option<revm::primitives::hardfork::SpecId> {
    use revm::primitives::hardfork::SpecId;
    Some(match fork {
        Fork::Frontier => SpecId::FRONTIER,
        Fork::Homestead => SpecId::HOMESTEAD,
        Fork::TangerineWhistle => SpecId::TANGERINE,
        Fork::SpuriousDragon => SpecId::SPURIOUS_DRAGON,
        Fork::Byzantium => SpecId::BYZANTIUM,
        Fork::Constantinople => return None,
        Fork::Petersburg => SpecId::PETERSBURG,
        Fork::Istanbul => SpecId::ISTANBUL,
        Fork::Berlin => SpecId::BERLIN,
        Fork::London => SpecId::LONDON,
        Fork::Paris => SpecId::MERGE,
        Fork::Shanghai => SpecId::SHANGHAI,
        Fork::Cancun => SpecId::CANCUN,
    })
}

fn to_revm_address(address: Address) -> revm::primitives::Address {
    revm::primitives::Address::from(address.0)
}

fn to_revm_word(word: U256) -> revm::primitives::U256 {
    revm::primitives::U256::from_be_bytes(word.to_be_bytes::<32>())
}

fn from_revm_word(word: revm::primitives::U256) -> U256 {
    U256::from_be_bytes(word.to_be_bytes::<32>())
}

/// Runs `case` on revm, writing its steps to `trace` when given.
fn run_revm(case: &Case, trace: Option<Box<dyn std::io::Write>>) -> Option<Outcome> {
    use revm::context::result::{EVMError, ExecutionResult};
    use revm::context::{BlockEnv as RevmBlock, TxEnv};
    use revm::database::{AccountState, CacheDB, EmptyDB};
    use revm::inspector::InspectCommitEvm;
    use revm::primitives::{B256 as RevmB256, KECCAK_EMPTY, TxKind};
    use revm::state::{AccountInfo as RevmInfo, Bytecode};
    use revm::{Context, ExecuteCommitEvm, MainBuilder, MainContext};

    let mut db = CacheDB::<EmptyDB>::default();
    for (address, balance, nonce, code, storage) in &case.accounts {
        let bytecode = Bytecode::new_raw(code.clone().into());
        let info = RevmInfo { balance: to_revm_word(*balance), nonce: *nonce, ..RevmInfo::default() }
            .with_code(bytecode);
        db.insert_account_info(to_revm_address(*address), info);
        for (slot, value) in storage {
            // Pre-state slots that hold zero do not exist, as in ovm's database.
            if !value.is_zero() {
                let _ = db.insert_account_storage(
                    to_revm_address(*address),
                    to_revm_word(*slot),
                    to_revm_word(*value),
                );
            }
        }
    }
    let spec = spec_of(case.fork)?;
    let context = Context::mainnet()
        .with_db(db)
        .modify_cfg_chained(|cfg| {
            cfg.set_spec_and_mainnet_gas_params(spec);
            cfg.chain_id = CHAIN_ID;
        })
        .modify_block_chained(|block: &mut RevmBlock| {
            block.number = revm::primitives::U256::from(case.number);
            block.beneficiary = to_revm_address(BENEFICIARY);
            block.timestamp = revm::primitives::U256::from(case.timestamp);
            block.gas_limit = BLOCK_GAS_LIMIT;
            block.basefee = case.base_fee;
            block.difficulty = revm::primitives::U256::from(case.difficulty);
            block.prevrandao = Some(RevmB256::from(case.prev_randao));
            block.set_blob_excess_gas_and_price(
                case.excess_blob_gas,
                revm::primitives::eip4844::BLOB_BASE_FEE_UPDATE_FRACTION_CANCUN,
            );
        });
    let kind = match case.to {
        Some(to) => TxKind::Call(to_revm_address(to)),
        None => TxKind::Create,
    };
    let tx = TxEnv::builder()
        .caller(to_revm_address(SENDER))
        .kind(kind)
        .value(to_revm_word(case.value))
        .data(case.data.clone().into())
        .gas_limit(case.gas_limit)
        .gas_price(u128::from(case.gas_price))
        .chain_id(None)
        .nonce(0)
        .build()
        .ok()?;
    let (result, db) = match trace {
        None => {
            let mut evm = context.build_mainnet();
            let result = evm.transact_commit(tx);
            (result, evm.ctx.journaled_state.database)
        }
        Some(out) => {
            let mut evm = context.build_mainnet_with_inspector(RevmSteps(out));
            let result = evm.inspect_tx_commit(tx);
            (result, evm.ctx.journaled_state.database)
        }
    };
    let result = match result {
        Ok(result) => result,
        Err(EVMError::Transaction(invalid)) => {
            return Some(Outcome {
                status: Status::Rejected,
                detail: format!("{invalid:?}"),
                gas_used: 0,
                output: Vec::new(),
                logs: Vec::new(),
                created: None,
                world: World::new(),
            });
        }
        Err(e) => panic!("revm failed outside the EVM's rules: {e:?}"),
    };
    let (status, detail, output, logs, created) = match &result {
        ExecutionResult::Success { reason, logs, output, .. } => (
            Status::Success,
            format!("{reason:?}"),
            output.data().to_vec(),
            logs.clone(),
            output.address().map(|a| a.0.0),
        ),
        ExecutionResult::Revert { output, .. } => {
            (Status::Revert, "Revert".into(), output.to_vec(), vec![], None)
        }
        ExecutionResult::Halt { reason, .. } => (Status::Halt, format!("{reason:?}"), vec![], vec![], None),
    };
    let gas_used = result.tx_gas_used();
    let clears_empty = case.fork.is_at_least(Fork::SpuriousDragon);
    let mut world = World::new();
    for (address, account) in &db.cache.accounts {
        if account.account_state == AccountState::NotExisting {
            continue;
        }
        let info = &account.info;
        let code = match &info.code {
            Some(code) if !code.is_empty() => code.original_bytes().to_vec(),
            _ => db
                .cache
                .contracts
                .get(&info.code_hash)
                .map(|c| c.original_bytes().to_vec())
                .unwrap_or_default(),
        };
        // EIP-161: a touched empty account is deleted; revm's CacheDB keeps it (its `State`
        // database is the one that clears it).
        if clears_empty && info.nonce == 0 && info.balance.is_zero() && info.code_hash == KECCAK_EMPTY {
            continue;
        }
        let storage = account
            .storage
            .iter()
            .filter(|(_, v)| !v.is_zero())
            .map(|(k, v)| (from_revm_word(*k), from_revm_word(*v)))
            .collect();
        world.insert(address.0.0, (from_revm_word(info.balance), info.nonce, code, storage));
    }
    Some(Outcome {
        status,
        detail,
        gas_used,
        output,
        logs: logs
            .iter()
            .map(|log| {
                (log.address.0.0, log.data.topics().iter().map(|t| t.0).collect(), log.data.data.to_vec())
            })
            .collect(),
        created,
        world,
    })
}

/// Runs the body on one input.
pub(crate) fn run(data: &[u8]) {
    compare(&Case::generate(data));
}

/// Runs `code` on both interpreters under `fork` with `gas_limit`: called as the runtime code of
/// an account, or sent as the initcode of a creation transaction; both must agree as in [`run`].
/// (Used by `tests/robustness.rs` on code of every opcode.)
#[allow(dead_code)]
pub(crate) fn compare_code(fork: Fork, code: &[u8], creation: bool, gas_limit: u64) {
    let ether = U256::from(1_000_000_000_000_000_000u64);
    let mut accounts = vec![
        (SENDER, ether * U256::from(1_000_000u64), 0, Vec::new(), Vec::new()),
        (OTHER, U256::from(7), 1, Vec::new(), Vec::new()),
    ];
    if !creation {
        accounts.push((TARGET, U256::from(1), 1, code.to_vec(), vec![(U256::from(1), U256::from(1))]));
    }
    compare(&Case {
        fork,
        number: 1,
        timestamp: 1_000,
        difficulty: 1,
        prev_randao: [7; 32],
        base_fee: 0,
        excess_blob_gas: 0,
        accounts,
        to: if creation { None } else { Some(TARGET) },
        data: if creation { code.to_vec() } else { vec![1, 2, 3] },
        value: U256::ZERO,
        gas_limit,
        gas_price: 1,
    });
}

/// Runs `case` on both interpreters and fails with every difference between them.
fn compare(case: &Case) {
    let ours = run_ovm(case, ovm::tracer::NoTracer);
    let Some(theirs) = run_revm(case, None) else {
        return;
    };
    let mut differences = Vec::new();
    if ours.status != theirs.status {
        differences.push(format!(
            "status: ovm {:?} ({}), revm {:?} ({})",
            ours.status, ours.detail, theirs.status, theirs.detail
        ));
    }
    if ours.gas_used != theirs.gas_used {
        differences.push(format!("gas used: ovm {}, revm {}", ours.gas_used, theirs.gas_used));
    }
    // A successful creation returns the deployed code in revm and nothing in ovm (nothing
    // observes it: the code itself is compared with the post-state).
    let creation_succeeded = case.to.is_none() && ours.status == Status::Success;
    if ours.output != theirs.output && !creation_succeeded {
        differences.push(format!(
            "output: ovm 0x{}, revm 0x{}",
            HexSlice(&ours.output),
            HexSlice(&theirs.output)
        ));
    }
    if ours.logs != theirs.logs {
        differences.push(format!("logs: ovm {:?}, revm {:?}", ours.logs, theirs.logs));
    }
    if ours.created != theirs.created {
        differences.push(format!("created: ovm {:?}, revm {:?}", ours.created, theirs.created));
    }
    if ours.world != theirs.world {
        let addresses: std::collections::BTreeSet<_> = ours.world.keys().chain(theirs.world.keys()).collect();
        for address in addresses {
            let (a, b) = (ours.world.get(address), theirs.world.get(address));
            if a != b {
                differences.push(format!("account {}: ovm {a:?}, revm {b:?}", HexSlice(address)));
            }
        }
    }
    if !differences.is_empty() {
        write_traces(case);
    }
    assert!(
        differences.is_empty(),
        "ovm and revm differ ({} vs {}):\n  {}\ncase: {}",
        ours.detail,
        theirs.detail,
        differences.join("\n  "),
        case.describe()
    );
}

/// One line per step, `depth pc opcode gas-left`, from ovm.
struct OvmSteps(std::io::BufWriter<std::fs::File>);

impl ovm::tracer::Tracer for OvmSteps {
    fn step(&mut self, step: &ovm::tracer::Step<'_>) {
        use std::io::Write as _;
        let _ = writeln!(self.0, "{} {} {:#04x} {}", step.depth, step.pc, step.opcode, step.gas);
    }
}

/// One line per step, `depth pc opcode gas-left`, from revm.
struct RevmSteps(Box<dyn std::io::Write>);

impl<CTX: revm::context::ContextTr> revm::inspector::Inspector<CTX> for RevmSteps {
    fn step(&mut self, interpreter: &mut revm::interpreter::Interpreter, context: &mut CTX) {
        use revm::context::JournalTr;
        use revm::interpreter::interpreter_types::Jumps;
        let depth = context.journal_mut().depth();
        let (pc, opcode) = (interpreter.bytecode.pc(), interpreter.bytecode.opcode());
        let _ = writeln!(self.0, "{depth} {pc} {opcode:#04x} {}", interpreter.gas.remaining());
    }
}

/// When `OVM_FUZZ_TRACES` names a folder, writes both sides' steps of `case` there (`ovm.steps`,
/// `revm.steps`) to find where they part.
fn write_traces(case: &Case) {
    let Some(dir) = std::env::var_os("OVM_FUZZ_TRACES") else {
        return;
    };
    let dir = std::path::PathBuf::from(dir);
    if let Ok(file) = std::fs::File::create(dir.join("ovm.steps")) {
        run_ovm(case, OvmSteps(std::io::BufWriter::new(file)));
    }
    if let Ok(file) = std::fs::File::create(dir.join("revm.steps")) {
        run_revm(case, Some(Box::new(std::io::BufWriter::new(file))));
    }
    eprintln!("execute_diff: steps written to {}", dir.display());
}
