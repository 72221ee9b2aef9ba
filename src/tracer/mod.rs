//! The tracer interface: hooks for every step, frame entry and exit, and log. The default
//! [`NoTracer`] turns every hook off at compile time, so untraced execution pays nothing.

use crate::interpreter::ExitReason;
use crate::primitives::{Address, U256};
use crate::state::Log;

/// The machine state just before an instruction runs.
#[derive(Debug)]
pub struct Step<'a> {
    /// Program counter.
    pub pc: usize,
    /// The opcode byte at `pc`.
    pub opcode: u8,
    /// Gas left before the instruction.
    pub gas: u64,
    /// The stack, bottom first.
    pub stack: &'a [U256],
    /// The memory.
    pub memory: &'a [u8],
    /// Call depth, 1 for the transaction's own frame (EIP-3155).
    pub depth: usize,
    /// The return data of the last call.
    pub return_data: &'a [u8],
    /// The refund counter.
    pub refund: i64,
}

/// The kind of a frame that starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FrameKind {
    /// CALL, or the transaction's message call.
    Call,
    /// CALLCODE.
    CallCode,
    /// DELEGATECALL.
    DelegateCall,
    /// STATICCALL.
    StaticCall,
    /// CREATE, or a contract-creation transaction.
    Create,
    /// CREATE2.
    Create2,
}

/// A frame that starts.
#[derive(Debug)]
pub struct FrameStart<'a> {
    /// How it was started.
    pub kind: FrameKind,
    /// The caller.
    pub from: Address,
    /// The account whose code runs (the new address for creations).
    pub to: Address,
    /// Value sent.
    pub value: U256,
    /// Call data or initcode.
    pub input: &'a [u8],
    /// Gas given to the frame.
    pub gas: u64,
    /// Depth of the new frame (1 for the transaction's own frame).
    pub depth: usize,
}

/// Observes execution. Every method has an empty default; implement what you need.
pub trait Tracer {
    /// `false` only for [`NoTracer`]: the interpreter then compiles every hook away and runs
    /// with per-block gas and stack checks. With tracing on, it checks and charges per
    /// instruction so that each step reports exact gas.
    const ENABLED: bool = true;

    /// Called before each instruction.
    fn step(&mut self, _step: &Step<'_>) {}

    /// Called after the instruction of the last [`Tracer::step`]: the gas it cost (including gas
    /// handed to a callee) and, if it halted the frame exceptionally, why.
    fn step_end(&mut self, _gas_cost: u64, _error: Option<ExitReason>) {}

    /// A frame starts (including precompile calls and calls to accounts without code).
    fn frame_enter(&mut self, _frame: &FrameStart<'_>) {}

    /// The frame started last ends.
    fn frame_exit(&mut self, _reason: ExitReason, _gas_left: u64, _output: &[u8]) {}

    /// A log is emitted.
    fn log(&mut self, _log: &Log) {}
}

/// The tracer that observes nothing and costs nothing.
#[derive(Clone, Copy, Debug, Default)]
pub struct NoTracer;

impl Tracer for NoTracer {
    const ENABLED: bool = false;
}

impl<T: Tracer> Tracer for &mut T {
    const ENABLED: bool = T::ENABLED;
    fn step(&mut self, step: &Step<'_>) {
        (**self).step(step)
    }
    fn step_end(&mut self, gas_cost: u64, error: Option<ExitReason>) {
        (**self).step_end(gas_cost, error)
    }
    fn frame_enter(&mut self, frame: &FrameStart<'_>) {
        (**self).frame_enter(frame)
    }
    fn frame_exit(&mut self, reason: ExitReason, gas_left: u64, output: &[u8]) {
        (**self).frame_exit(reason, gas_left, output)
    }
    fn log(&mut self, log: &Log) {
        (**self).log(log)
    }
}

#[cfg(feature = "std")]
mod eip3155;
#[cfg(feature = "std")]
pub use eip3155::Eip3155Tracer;
