//! `ovm`: a from-scratch EVM interpreter specialised for the Optimistic Virtual Machine.
//!
//! The crate is built around one decoded instruction stream per code ([`decode`]), produced from
//! one opcode table ([`opcode`]) and read by the interpreter ([`interpreter`], driven by the frame
//! loop in [`evm`]). See the README's architecture section for the code map and invariants.
//!
//! The core is `no_std` + `alloc`; the `std` feature (on by default) adds the command-line tool,
//! the state-test runner and JSON support.
#![cfg_attr(not(feature = "std"), no_std)]
#![deny(unsafe_op_in_unsafe_fn)]

extern crate alloc;

pub mod asm;
#[cfg(feature = "std")]
pub mod cli;
pub mod decode;
pub mod env;
pub mod evm;
pub mod fork;
pub mod gas;
pub mod interpreter;
pub mod manager;
pub mod opcode;
pub mod precompiles;
pub mod primitives;
pub mod purity;
pub mod rlp;
pub mod spec;
pub mod state;
#[cfg(feature = "std")]
pub mod statetest;
pub mod tracer;
pub mod transaction;
pub mod transpile;
pub mod trie;

pub use decode::{CodeCache, DecodedCode};
pub use env::{BlockEnv, Env};
pub use evm::{Evm, ExecutionResult, Transaction};
pub use fork::Fork;
pub use interpreter::ExitReason;
pub use primitives::{Address, B256, U256};
pub use state::{AccountInfo, Database, InMemoryDb};
