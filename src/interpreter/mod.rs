//! The interpreter: runs one frame's decoded instruction stream until the frame ends or needs a
//! sub-call. It never recurses: CALL and CREATE return an [`Action`] to the frame loop in
//! [`crate::evm`], which runs the callee and later resumes the caller.
//!
//! Two modes share one handler set. Untraced, static gas and stack bounds are checked once per
//! basic block (on JUMPDEST, BEGIN_BLOCK and JUMPI's fall-through) and handlers touch the stack
//! without bounds checks. Traced, the same checks run per instruction from the opcode table, so
//! that every step reports exact gas.

mod instructions;
pub mod memory;
pub mod stack;

use alloc::boxed::Box;
use alloc::sync::Arc;

use bytes::Bytes;

pub use memory::{MEMORY_LIMIT, Memory};
pub(crate) use stack::StackPtr;
pub use stack::{STACK_LIMIT, Stack};

use crate::decode::{BEGIN_BLOCK, BlockEntry, BlockInfo, DecodedCode, KALL};
use crate::env::Env;
use crate::opcode::*;
use crate::primitives::{Address, U256};
use crate::spec::Spec;
use crate::state::{Checkpoint, DatabaseError, JournaledState};
use crate::tracer::{FrameKind, Step, Tracer};

/// How a frame ended, or why a call or creation never started.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum ExitReason {
    /// STOP, or the end of the code.
    Stop,
    /// RETURN.
    Return,
    /// SELFDESTRUCT.
    SelfDestruct,
    /// REVERT: state changes undone, unused gas returned.
    Revert,
    /// Not enough gas.
    OutOfGas,
    /// An instruction needed more stack items than there were.
    StackUnderflow,
    /// The stack would exceed 1024 items.
    StackOverflow,
    /// JUMP or JUMPI to something that is not a JUMPDEST.
    InvalidJump,
    /// INVALID, or a byte the fork does not define.
    InvalidOpcode,
    /// A state change inside STATICCALL (EIP-214).
    StaticStateChange,
    /// RETURNDATACOPY past the end of the return data (EIP-211).
    ReturnDataOutOfBounds,
    /// CREATE/CREATE2 onto an account with code, nonce or storage (EIP-684, EIP-7610).
    CreateCollision,
    /// Deployed code larger than 24576 bytes (EIP-170).
    CodeSizeLimit,
    /// Deployed code starting with 0xEF (EIP-3541).
    InvalidCodePrefix,
    /// Initcode larger than 49152 bytes (EIP-3860).
    InitcodeSizeLimit,
    /// The creator's nonce is at its maximum (EIP-2681).
    NonceOverflow,
    /// A precompile rejected its input.
    PrecompileFailure,
    /// The call would exceed depth 1024; the gas is returned.
    CallTooDeep,
    /// The caller cannot pay the value; the gas is returned.
    InsufficientBalance,
}

impl ExitReason {
    /// STOP, RETURN or SELFDESTRUCT.
    #[inline]
    pub fn is_success(self) -> bool {
        matches!(self, ExitReason::Stop | ExitReason::Return | ExitReason::SelfDestruct)
    }

    /// REVERT.
    #[inline]
    pub fn is_revert(self) -> bool {
        self == ExitReason::Revert
    }

    /// An exceptional halt: the frame's changes are undone and all its gas is consumed.
    #[inline]
    pub fn is_exceptional(self) -> bool {
        !self.is_success()
            && !self.is_revert()
            && !matches!(self, ExitReason::CallTooDeep | ExitReason::InsufficientBalance)
    }

    /// The name used in EIP-3155 traces and JSON output.
    pub fn name(self) -> &'static str {
        match self {
            ExitReason::Stop => "stop",
            ExitReason::Return => "return",
            ExitReason::SelfDestruct => "selfdestruct",
            ExitReason::Revert => "execution reverted",
            ExitReason::OutOfGas => "out of gas",
            ExitReason::StackUnderflow => "stack underflow",
            ExitReason::StackOverflow => "stack limit reached 1024",
            ExitReason::InvalidJump => "invalid jump destination",
            ExitReason::InvalidOpcode => "invalid opcode",
            ExitReason::StaticStateChange => "write protection",
            ExitReason::ReturnDataOutOfBounds => "return data out of bounds",
            ExitReason::CreateCollision => "contract address collision",
            ExitReason::CodeSizeLimit => "max code size exceeded",
            ExitReason::InvalidCodePrefix => "invalid code: must not begin with 0xef",
            ExitReason::InitcodeSizeLimit => "max initcode size exceeded",
            ExitReason::NonceOverflow => "nonce uint64 overflow",
            ExitReason::PrecompileFailure => "precompile failed",
            ExitReason::CallTooDeep => "max call depth exceeded",
            ExitReason::InsufficientBalance => "insufficient balance for transfer",
        }
    }
}

/// The message a frame runs: who called what, with which value and data.
#[derive(Clone, Debug)]
pub struct Message {
    /// CALLER.
    pub caller: Address,
    /// ADDRESS: the account whose storage and balance the code works on.
    pub address: Address,
    /// The account the code was loaded from (differs for CALLCODE and DELEGATECALL).
    pub code_address: Address,
    /// CALLVALUE.
    pub value: U256,
    /// Call data (empty for creations).
    pub input: Bytes,
    /// Inside a STATICCALL: no state changes allowed.
    pub is_static: bool,
    /// Depth: 0 for the transaction's own frame.
    pub depth: usize,
}

/// A sub-call the interpreter asks the frame loop to run.
#[derive(Clone, Debug)]
pub struct CallRequest {
    /// The opcode that asked.
    pub kind: FrameKind,
    /// The callee's message.
    pub message: Message,
    /// Whether `message.value` actually moves from caller to callee (CALL only).
    pub transfers_value: bool,
    /// Gas for the callee, including any stipend.
    pub gas: u64,
    /// A kall to the execution manager ([`crate::decode::KALL`]): `gas` is all the caller's gas,
    /// not yet charged for the call; the manager charges what the emulated opcode costs.
    pub kall: bool,
}

/// A creation the interpreter asks the frame loop to run.
#[derive(Clone, Debug)]
pub struct CreateRequest {
    /// CREATE or CREATE2.
    pub kind: FrameKind,
    /// The creating account.
    pub caller: Address,
    /// Endowment.
    pub value: U256,
    /// The initcode.
    pub init_code: Bytes,
    /// CREATE2's salt.
    pub salt: Option<U256>,
    /// Gas for the initcode.
    pub gas: u64,
    /// Depth of the new frame.
    pub depth: usize,
}

/// Why [`run`] returned.
#[derive(Debug)]
pub enum Action {
    /// The frame ended; its output (RETURN or REVERT data) is in [`Frame::output`].
    Exit(ExitReason),
    /// The frame needs this call run; resume it with [`Frame::resume`].
    Call(Box<CallRequest>),
    /// The frame needs this creation run; resume it with [`Frame::resume`].
    Create(Box<CreateRequest>),
    /// The state could not be read: execution must stop altogether.
    Fatal(DatabaseError),
}

impl From<DatabaseError> for Action {
    fn from(e: DatabaseError) -> Self {
        Action::Fatal(e)
    }
}

impl From<ExitReason> for Action {
    fn from(e: ExitReason) -> Self {
        Action::Exit(e)
    }
}

/// What a suspended frame waits for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Pending {
    /// Nothing: the frame has not started or is running.
    Nothing,
    /// A call whose output goes to memory `[offset, offset + len)`.
    Call {
        /// Where the output goes.
        offset: usize,
        /// How many bytes of it at most.
        len: usize,
        /// Static gas of the rest of the block, given back for the call and charged again after.
        correction: u64,
    },
    /// A creation.
    Create {
        /// As for calls.
        correction: u64,
    },
}

/// How a frame that [`run`] started was made, for the frame loop.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FrameOrigin {
    /// A message call; the output is copied to the caller's memory.
    Call,
    /// A creation of the contract at this address; the output is its code.
    Create(Address),
}

/// The result of a finished call or creation, handed back to the frame that asked for it.
#[derive(Clone, Debug)]
pub struct SubResult {
    /// How it ended.
    pub reason: ExitReason,
    /// Gas not used (returned to the caller).
    pub gas_left: u64,
    /// Return or revert data.
    pub output: Bytes,
    /// The created address, for successful creations.
    pub created: Option<Address>,
}

/// The stacks and memories of finished frames, kept for the next frame a frame loop starts (one
/// inline: most transactions never nest).
#[derive(Debug, Default)]
pub(crate) struct FramePool(smallvec::SmallVec<[(Stack, Memory); 1]>);

impl FramePool {
    /// An empty stack and memory: reused when a finished frame left them, new otherwise.
    pub(crate) fn take(&mut self) -> (Stack, Memory) {
        self.0.pop().unwrap_or_else(|| (Stack::new(), Memory::new()))
    }

    /// Keeps the stack and memory of the finished `frame`, emptied, for reuse.
    pub(crate) fn recycle(&mut self, frame: Frame) {
        let (mut stack, mut memory) = (frame.stack, frame.memory);
        stack.clear();
        memory.clear();
        self.0.push((stack, memory));
    }
}

/// One call or creation frame: its code, position, stack, memory, gas and message.
#[derive(Debug)]
pub struct Frame {
    pub(crate) code: Arc<DecodedCode>,
    pub(crate) ip: usize,
    pub(crate) stack: Stack,
    pub(crate) memory: Memory,
    pub(crate) gas: u64,
    pub(crate) message: Message,
    pub(crate) return_data: Bytes,
    pub(crate) output: Bytes,
    pub(crate) checkpoint: Checkpoint,
    pub(crate) origin: FrameOrigin,
    pub(crate) pending: Pending,
}

impl Frame {
    /// A frame ready to run `code` from its first instruction.
    pub(crate) fn new(
        code: Arc<DecodedCode>,
        message: Message,
        gas: u64,
        checkpoint: Checkpoint,
        origin: FrameOrigin,
        stack: Stack,
        memory: Memory,
    ) -> Frame {
        Frame {
            code,
            ip: 0,
            stack,
            memory,
            gas,
            message,
            return_data: Bytes::new(),
            output: Bytes::new(),
            checkpoint,
            origin,
            pending: Pending::Nothing,
        }
    }

    /// Gas left.
    pub fn gas(&self) -> u64 {
        self.gas
    }

    /// The message this frame runs.
    pub fn message(&self) -> &Message {
        &self.message
    }

    /// RETURN or REVERT data, once the frame has ended.
    pub fn output(&self) -> &Bytes {
        &self.output
    }

    /// How the frame was made.
    pub fn origin(&self) -> FrameOrigin {
        self.origin
    }

    /// The checkpoint taken when the frame started.
    pub fn checkpoint(&self) -> Checkpoint {
        self.checkpoint
    }

    /// Delivers the result of the call or creation this frame waits for. `Err` when the frame
    /// cannot continue: it cannot pay again the static gas of the rest of its block.
    pub(crate) fn resume(&mut self, result: SubResult) -> Result<(), ExitReason> {
        self.gas += result.gas_left;
        match core::mem::replace(&mut self.pending, Pending::Nothing) {
            Pending::Call { offset, len, correction } => {
                let n = len.min(result.output.len());
                self.memory.store(offset, &result.output[..n]);
                // SAFETY: CALL popped at least 7 items before suspending, so one push fits.
                unsafe { self.stack.push(U256::from(result.reason.is_success() as u8)) };
                self.return_data = result.output;
                self.charge_correction(correction)
            }
            Pending::Create { correction } => {
                let word = result.created.map_or(U256::ZERO, Address::to_word);
                // SAFETY: CREATE popped at least 3 items before suspending, so one push fits.
                unsafe { self.stack.push(word) };
                // EIP-211: after a creation, the return data is the revert data, or empty.
                self.return_data = if result.reason.is_revert() { result.output } else { Bytes::new() };
                self.charge_correction(correction)
            }
            Pending::Nothing => Ok(()),
        }
    }

    fn charge_correction(&mut self, correction: u64) -> Result<(), ExitReason> {
        match self.gas.checked_sub(correction) {
            Some(gas) => {
                self.gas = gas;
                Ok(())
            }
            None => {
                self.gas = 0;
                Err(ExitReason::OutOfGas)
            }
        }
    }
}

/// What the interpreter can reach outside its frame: the journaled state and the environment.
pub struct Host<'s, 'db> {
    /// The state.
    pub state: &'s mut JournaledState<'db>,
    /// The environment.
    pub env: &'s Env,
}

impl core::fmt::Debug for Host<'_, '_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Host").field("env", self.env).finish_non_exhaustive()
    }
}

/// Takes `cost` from `gas`, or fails with out-of-gas.
#[inline(always)]
pub(crate) fn charge(gas: &mut u64, cost: u64) -> Result<(), ExitReason> {
    if *gas < cost {
        return Err(ExitReason::OutOfGas);
    }
    *gas -= cost;
    Ok(())
}

/// Checks a block's requirements against the stack `height` and charges its static gas.
#[inline(always)]
fn enter_block(gas: &mut u64, height: usize, block: &BlockInfo) -> Result<(), ExitReason> {
    if height < block.stack_required as usize {
        return Err(ExitReason::StackUnderflow);
    }
    if height + block.stack_max_growth as usize > STACK_LIMIT {
        return Err(ExitReason::StackOverflow);
    }
    charge(gas, u64::from(block.gas))
}

/// Per-instruction checks of traced execution: stack bounds and static gas from the opcode table.
fn enter_instruction<S: Spec>(frame: &mut Frame, op: u8) -> Result<(), ExitReason> {
    // KALL has CALL's stack effect and no static gas (see `decode::KALL`).
    let (table_op, static_gas) = if op == KALL { (CALL, 0) } else { (op, S::GAS.static_gas[op as usize]) };
    if let Some(info) = info_in(table_op, S::FORK) {
        let height = frame.stack.len();
        if height < info.inputs as usize {
            return Err(ExitReason::StackUnderflow);
        }
        if height - info.inputs as usize + info.outputs as usize > STACK_LIMIT {
            return Err(ExitReason::StackOverflow);
        }
    }
    charge(&mut frame.gas, u64::from(static_gas))
}

/// Runs `frame` until it ends or needs a sub-call.
///
/// The stack top and the gas live in locals (registers) while the loop runs; they are written
/// back to the frame before anything else reads it (the cold handlers, the tracer, suspension)
/// and read again after.
pub(crate) fn run<S: Spec, T: Tracer>(frame: &mut Frame, host: &mut Host<'_, '_>, tracer: &mut T) -> Action {
    use instructions::*;

    let code = Arc::clone(&frame.code);
    let instrs = code.instrs();
    // SAFETY: `frame.ip` indexes `instrs`: it is 0, or where this loop left off.
    let first = instrs.as_ptr();
    let mut ip = unsafe { first.add(frame.ip) };
    let base = frame.stack.top_ptr_at_bottom();
    let mut sp = frame.stack.top_ptr();
    let mut gas = frame.gas;

    macro_rules! sync {
        () => {
            // SAFETY: `sp` comes from this frame's stack and moved only by checked operations.
            unsafe { frame.stack.set_top(sp) };
            frame.gas = gas;
        };
    }
    macro_rules! reload {
        () => {
            sp = frame.stack.top_ptr();
            gas = frame.gas;
        };
    }
    // Runs a handler that works on the frame itself.
    macro_rules! cold {
        ($e:expr) => {{
            sync!();
            let result = $e;
            reload!();
            result
        }};
    }
    // The index of the instruction `ip` points at.
    macro_rules! index {
        () => {
            // SAFETY: `ip` points into `instrs` (see the loop's invariant).
            unsafe { ip.offset_from(first) as usize }
        };
    }

    let mut gas_before = 0;
    let action = 'run: loop {
        // Invariant: `ip` points into `instrs`. The stream ends with a STOP, every other
        // terminating instruction leaves the loop, and jumps resolve to indexes of `instrs`, so
        // `ip` never passes the end.
        // SAFETY: by the invariant.
        let instr = unsafe { *ip };
        ip = unsafe { ip.add(1) };
        // Untraced, the static gas of the block after a gas-reading instruction was charged
        // ahead of time; traced, nothing was.
        let correction = if T::ENABLED { 0 } else { u64::from(instr.arg) };
        if T::ENABLED {
            if instr.op == BEGIN_BLOCK {
                continue;
            }
            sync!();
            gas_before = frame.gas;
            tracer.step(&Step {
                pc: code.pc(index!() - 1),
                opcode: instr.raw,
                gas: frame.gas,
                stack: frame.stack.as_slice(),
                memory: frame.memory.as_slice(),
                depth: frame.message.depth + 1,
                return_data: &frame.return_data,
                refund: host.state.refund(),
            });
            let entered = enter_instruction::<S>(frame, instr.op);
            reload!();
            if let Err(reason) = entered {
                break 'run Action::Exit(reason);
            }
        }
        // Leaves the loop with the handler's error, if any.
        macro_rules! check {
            ($e:expr) => {
                if let Err(action) = $e {
                    break 'run Action::from(action);
                }
            };
        }

        match instr.op {
            BEGIN_BLOCK | JUMPDEST => {
                if !T::ENABLED {
                    match code.block_entry(&instr) {
                        BlockEntry::Inline { required, growth, gas: cost } => {
                            let height = sp.height(base);
                            if height < usize::from(required) {
                                break 'run Action::Exit(ExitReason::StackUnderflow);
                            }
                            if height + usize::from(growth) > STACK_LIMIT {
                                break 'run Action::Exit(ExitReason::StackOverflow);
                            }
                            check!(charge(&mut gas, u64::from(cost)));
                        }
                        BlockEntry::Table(index) => {
                            let block = code.block(index);
                            check!(enter_block(&mut gas, sp.height(base), block));
                            // SAFETY: a block's skip counts JUMPDESTs that follow it in `instrs`.
                            ip = unsafe { ip.add(block.skip as usize) };
                        }
                    }
                }
            }
            STOP => break 'run Action::Exit(ExitReason::Stop),
            ADD => arithmetic::add(&mut sp),
            MUL => arithmetic::mul(&mut sp),
            SUB => arithmetic::sub(&mut sp),
            DIV => arithmetic::div(&mut sp),
            SDIV => arithmetic::sdiv(&mut sp),
            MOD => arithmetic::rem(&mut sp),
            SMOD => arithmetic::smod(&mut sp),
            ADDMOD => arithmetic::addmod(&mut sp),
            MULMOD => arithmetic::mulmod(&mut sp),
            EXP => check!(arithmetic::exp::<S>(&mut sp, &mut gas)),
            SIGNEXTEND => arithmetic::signextend(&mut sp),
            LT => bitwise::lt(&mut sp),
            GT => bitwise::gt(&mut sp),
            SLT => bitwise::slt(&mut sp),
            SGT => bitwise::sgt(&mut sp),
            EQ => bitwise::eq(&mut sp),
            ISZERO => bitwise::iszero(&mut sp),
            AND => bitwise::and(&mut sp),
            OR => bitwise::or(&mut sp),
            XOR => bitwise::xor(&mut sp),
            NOT => bitwise::not(&mut sp),
            BYTE => bitwise::byte(&mut sp),
            SHL => bitwise::shl(&mut sp),
            SHR => bitwise::shr(&mut sp),
            SAR => bitwise::sar(&mut sp),
            KECCAK256 => check!(cold!(memory::keccak256(frame))),
            ADDRESS => stack::push(&mut sp, frame.message.address.to_word()),
            BALANCE => check!(cold!(host::balance::<S>(frame, host))),
            ORIGIN => stack::push(&mut sp, host.env.origin.to_word()),
            CALLER => stack::push(&mut sp, frame.message.caller.to_word()),
            CALLVALUE => stack::push(&mut sp, frame.message.value),
            CALLDATALOAD => environment::calldataload(&mut sp, &frame.message.input),
            CALLDATASIZE => stack::push(&mut sp, U256::from(frame.message.input.len())),
            CALLDATACOPY => check!(cold!(environment::calldatacopy(frame))),
            CODESIZE => stack::push(&mut sp, U256::from(code.bytes().len())),
            CODECOPY => check!(cold!(environment::codecopy(frame))),
            GASPRICE => stack::push(&mut sp, host.env.gas_price),
            EXTCODESIZE => check!(cold!(host::extcodesize::<S>(frame, host))),
            EXTCODECOPY => check!(cold!(host::extcodecopy::<S>(frame, host))),
            RETURNDATASIZE => stack::push(&mut sp, U256::from(frame.return_data.len())),
            RETURNDATACOPY => check!(cold!(environment::returndatacopy(frame))),
            EXTCODEHASH => check!(cold!(host::extcodehash::<S>(frame, host))),
            BLOCKHASH => check!(cold!(host::blockhash(frame, host))),
            COINBASE => stack::push(&mut sp, host.env.block.coinbase.to_word()),
            TIMESTAMP => stack::push(&mut sp, host.env.block.timestamp),
            NUMBER => stack::push(&mut sp, host.env.block.number),
            PREVRANDAO => environment::prevrandao::<S>(&mut sp, host.env),
            GASLIMIT => stack::push(&mut sp, host.env.block.gas_limit),
            CHAINID => stack::push(&mut sp, U256::from(host.env.chain_id)),
            SELFBALANCE => check!(cold!(host::selfbalance(frame, host))),
            BASEFEE => stack::push(&mut sp, host.env.block.base_fee),
            BLOBHASH => environment::blobhash(&mut sp, host.env),
            BLOBBASEFEE => stack::push(&mut sp, host.env.block.blob_base_fee),
            POP => stack::pop(&mut sp),
            MLOAD => check!(memory::mload(&mut sp, &mut gas, &mut frame.memory)),
            MSTORE => check!(memory::mstore(&mut sp, &mut gas, &mut frame.memory)),
            MSTORE8 => check!(memory::mstore8(&mut sp, &mut gas, &mut frame.memory)),
            SLOAD => check!(cold!(host::sload::<S>(frame, host))),
            SSTORE => check!(cold!(host::sstore::<S>(frame, host, correction))),
            // A JUMP of a constant pushed just before it: the destination is known.
            // SAFETY: the decoder stores a JUMPDEST's index (plus one) in `arg`.
            JUMP if instr.arg != 0 => unsafe {
                sp.pop();
                ip = first.add(instr.arg as usize - 1);
            },
            JUMP => match control::jump(&mut sp, &code) {
                // SAFETY: jump targets are indexes of `instrs`.
                Some(target) => ip = unsafe { first.add(target) },
                None => break 'run Action::Exit(ExitReason::InvalidJump),
            },
            JUMPI => match control::jumpi(&mut sp, &code) {
                // SAFETY: jump targets are indexes of `instrs`.
                Ok(Some(target)) => ip = unsafe { first.add(target) },
                Ok(None) => {
                    if !T::ENABLED {
                        check!(enter_block(&mut gas, sp.height(base), code.block(instr.arg)));
                    }
                }
                Err(reason) => break 'run Action::Exit(reason),
            },
            PC => stack::push(&mut sp, U256::from(instr.arg)),
            MSIZE => stack::push(&mut sp, U256::from(frame.memory.len())),
            GAS => stack::push(&mut sp, U256::from(gas + correction)),
            TLOAD => check!(cold!(host::tload(frame, host))),
            TSTORE => check!(cold!(host::tstore(frame, host))),
            MCOPY => check!(cold!(memory::mcopy(frame))),
            PUSH0 => stack::push(&mut sp, U256::ZERO),
            PUSH1..=PUSH4 => stack::push(&mut sp, U256::from(instr.arg)),
            PUSH5..=PUSH32 => stack::push(&mut sp, *code.wide_push_value(instr.arg)),
            DUP1..=DUP16 => stack::dup(&mut sp, (instr.op - DUP1 + 1) as usize),
            SWAP1..=SWAP16 => stack::swap(&mut sp, (instr.op - SWAP1 + 1) as usize),
            LOG0..=LOG4 => check!(cold!(host::log(frame, host, tracer, (instr.op - LOG0) as usize))),
            CREATE | CREATE2 => check!(cold!(system::create::<S>(frame, instr.op, correction))),
            CALL | CALLCODE | DELEGATECALL | STATICCALL => {
                check!(cold!(system::call::<S>(frame, host, instr.op, correction)))
            }
            KALL => check!(cold!(system::kall(frame, correction))),
            RETURN => check!(cold!(control::ret(frame, ExitReason::Return))),
            REVERT => check!(cold!(control::ret(frame, ExitReason::Revert))),
            SELFDESTRUCT => check!(cold!(system::selfdestruct::<S>(frame, host))),
            _ => break 'run Action::Exit(ExitReason::InvalidOpcode),
        }
        if T::ENABLED {
            tracer.step_end(gas_before - gas, None);
        }
    };

    if T::ENABLED {
        // The instruction that ended the run; errors are reported with it.
        let error = match &action {
            Action::Exit(reason) if !reason.is_success() && !reason.is_revert() => Some(*reason),
            _ => None,
        };
        tracer.step_end(gas_before.saturating_sub(gas), error);
    }
    sync!();
    frame.ip = index!();
    action
}

#[cfg(test)]
mod tests;
