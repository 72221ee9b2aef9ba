//! The executor: the frame loop that runs calls and creations from a heap stack of frames (no
//! native recursion, so depth 1024 needs no large thread stack), and the transaction-level rules:
//! validation, intrinsic gas, fees, refunds and the coinbase payment.

use alloc::vec::Vec;

use bytes::Bytes;

use crate::decode::{CodeCache, DecodedCode};
use crate::env::Env;
use crate::fork::Fork;
use crate::gas;
use crate::interpreter::{
    self, Action, CallRequest, CreateRequest, ExitReason, Frame, FrameOrigin, FramePool, Host, Message,
    SubResult,
};
use crate::precompiles;
use crate::primitives::{Address, B256, U256, keccak256};
use crate::rlp;
use crate::spec::Spec;
use crate::state::{Database, DatabaseError, JournaledState, Log, StateChanges};
use crate::tracer::{FrameKind, FrameStart, NoTracer, Tracer};
use crate::with_spec;

/// The deepest call depth allowed (frames at depth 0..=1024).
pub const MAX_CALL_DEPTH: usize = 1024;

/// The address CREATE gives: `keccak256(rlp([creator, nonce]))[12..]`.
pub fn create_address(creator: &Address, nonce: u64) -> Address {
    let mut out = Vec::with_capacity(32);
    rlp::encode_list_with(&mut out, |out| {
        rlp::encode_address(out, creator);
        rlp::encode_u64(out, nonce);
    });
    address_of_hash(keccak256(&out))
}

/// The address CREATE2 gives (EIP-1014): `keccak256(0xff ++ creator ++ salt ++ keccak256(initcode))[12..]`.
pub fn create2_address(creator: &Address, salt: U256, init_code_hash: B256) -> Address {
    let mut buf = [0u8; 85];
    buf[0] = 0xff;
    buf[1..21].copy_from_slice(&creator.0);
    buf[21..53].copy_from_slice(&salt.to_be_bytes::<32>());
    buf[53..].copy_from_slice(&init_code_hash.0);
    address_of_hash(keccak256(&buf))
}

fn address_of_hash(hash: B256) -> Address {
    let mut out = [0u8; 20];
    out.copy_from_slice(&hash.0[12..]);
    Address(out)
}

/// An EIP-2930 access list: accounts and the storage slots of each.
pub type AccessList = Vec<(Address, Vec<U256>)>;

/// What the frame loop does next.
#[allow(
    clippy::large_enum_variant,
    reason = "a frame is moved once, when it starts; boxing it would allocate on every call"
)]
pub(crate) enum Next {
    /// Run this new frame.
    Run(Frame),
    /// Deliver this result to the frame below (or return it if there is none).
    Done(SubResult),
    /// Start this call.
    Call(CallRequest),
    /// Start this creation.
    Create(CreateRequest),
}

/// A transaction, with every field a state test or a block can give.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Transaction {
    /// The EIP-2718 type: 0 legacy, 1 access list (EIP-2930), 2 dynamic fee (EIP-1559), 3 blob
    /// (EIP-4844).
    pub tx_type: u8,
    /// The sender.
    pub caller: Address,
    /// The sender's nonce.
    pub nonce: u64,
    /// Gas limit.
    pub gas_limit: u64,
    /// Legacy and type-1 gas price; for types 2 and 3 the maximum fee per gas.
    pub max_fee_per_gas: U256,
    /// Types 2 and 3: the maximum priority fee per gas.
    pub max_priority_fee_per_gas: Option<U256>,
    /// The recipient, or `None` to create a contract.
    pub to: Option<Address>,
    /// Value sent.
    pub value: U256,
    /// Call data or initcode.
    pub data: Bytes,
    /// EIP-2930 access list.
    pub access_list: AccessList,
    /// EIP-4844 versioned hashes.
    pub blob_hashes: Vec<B256>,
    /// EIP-4844 maximum fee per blob gas.
    pub max_fee_per_blob_gas: Option<U256>,
}

/// Why a transaction is invalid (rejected before execution; the state does not change).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum InvalidTransaction {
    /// The transaction type is not active in this fork.
    #[error("transaction type {0} not supported in this fork")]
    TypeNotSupported(u8),
    /// The gas limit does not cover the intrinsic gas.
    #[error("intrinsic gas too low: have {gas_limit}, want {intrinsic}")]
    IntrinsicGasTooLow {
        /// The transaction's gas limit.
        gas_limit: u64,
        /// What the transaction needs before execution.
        intrinsic: u64,
    },
    /// The gas limit is above the block's.
    #[error("gas limit exceeds the block gas limit")]
    GasLimitAboveBlock,
    /// The nonce is not the sender's.
    #[error("nonce mismatch: account has {expected}, transaction has {got}")]
    NonceMismatch {
        /// The account's nonce.
        expected: u64,
        /// The transaction's nonce.
        got: u64,
    },
    /// EIP-2681: the sender's nonce is at its maximum.
    #[error("nonce has max value")]
    NonceOverflow,
    /// EIP-3607: the sender has code.
    #[error("sender is not an EOA")]
    SenderHasCode,
    /// EIP-1559: the fee cap is below the block's base fee.
    #[error("max fee per gas below the base fee")]
    FeeCapBelowBaseFee,
    /// EIP-1559: the priority fee is above the fee cap.
    #[error("max priority fee per gas above the max fee per gas")]
    PriorityFeeAboveFeeCap,
    /// The sender cannot pay gas and value.
    #[error("insufficient funds for gas * price + value")]
    InsufficientFunds,
    /// EIP-3860: initcode over 49152 bytes.
    #[error("initcode size exceeds the limit")]
    InitcodeTooLarge,
    /// EIP-4844: a blob transaction must call, carry 1 to 6 blobs, version-1 hashes, and a blob
    /// fee cap at least the blob base fee.
    #[error("invalid blob transaction")]
    InvalidBlobTransaction,
    /// A fee computation overflows 256 bits.
    #[error("fee overflow")]
    FeeOverflow,
}

/// Why a transaction could not be executed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TransactionError {
    /// The transaction is invalid; nothing changed.
    #[error("invalid transaction: {0}")]
    Invalid(#[from] InvalidTransaction),
    /// The state could not be read.
    #[error("state unavailable: {0}")]
    Database(#[from] DatabaseError),
}

/// The outcome of an executed transaction or message call.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExecutionResult {
    /// How the outermost frame ended.
    pub reason: ExitReason,
    /// Gas used, after refunds.
    pub gas_used: u64,
    /// Gas refunded (already taken off `gas_used`).
    pub gas_refunded: u64,
    /// Return or revert data.
    pub output: Bytes,
    /// Logs, in order (empty unless the transaction succeeded).
    pub logs: Vec<Log>,
    /// The created contract, for successful creations.
    pub created: Option<Address>,
}

impl ExecutionResult {
    /// `true` when the outermost frame succeeded.
    pub fn is_success(&self) -> bool {
        self.reason.is_success()
    }
}

/// How a frame loop starts, runs and ends frames: the EVM's rules ([`Evm`]) or the execution
/// manager's ([`crate::manager`]). [`drive`] owns the loop; drivers decide what calls mean.
pub(crate) trait FrameDriver {
    /// Resolves a call or creation request into a frame to run or an immediate result.
    fn start<S: Spec>(&mut self, next: Next) -> Result<Next, DatabaseError>;
    /// Runs `frame` until it ends or needs a sub-call.
    fn run<S: Spec>(&mut self, frame: &mut Frame) -> Action;
    /// Ends `frame`: commits or reverts its changes and makes the result for its caller.
    fn finish<S: Spec>(&mut self, frame: Frame, reason: ExitReason) -> Result<SubResult, DatabaseError>;
}

/// The frame loop: runs `first` and every frame it starts from a stack of frames (on the heap
/// beyond the first), until the outermost one ends. No function here recurses on CALL or CREATE.
pub(crate) fn drive<S: Spec, D: FrameDriver>(
    driver: &mut D,
    first: Next,
) -> Result<SubResult, DatabaseError> {
    // The outermost frame inline (a transaction that never calls allocates nothing here).
    let mut frames: smallvec::SmallVec<[Frame; 1]> = smallvec::SmallVec::new();
    let mut next = driver.start::<S>(first)?;
    loop {
        match next {
            Next::Run(frame) => frames.push(frame),
            Next::Done(result) => {
                let Some(parent) = frames.last_mut() else {
                    return Ok(result);
                };
                if let Err(reason) = parent.resume(result) {
                    let frame = frames.pop().expect("parent exists");
                    next = Next::Done(driver.finish::<S>(frame, reason)?);
                    continue;
                }
            }
            request @ (Next::Call(_) | Next::Create(_)) => {
                next = driver.start::<S>(request)?;
                continue;
            }
        }
        let frame = frames.last_mut().expect("a frame to run");
        next = match driver.run::<S>(frame) {
            Action::Call(request) => Next::Call(*request),
            Action::Create(request) => Next::Create(*request),
            Action::Exit(reason) => {
                let frame = frames.pop().expect("the frame that ran");
                Next::Done(driver.finish::<S>(frame, reason)?)
            }
            Action::Fatal(error) => return Err(error),
        };
    }
}

/// An EVM over a journaled state, for one fork.
pub struct Evm<'a, 'db, T: Tracer = NoTracer> {
    state: JournaledState<'db>,
    env: Env,
    cache: &'a mut CodeCache,
    tracer: T,
    pool: FramePool,
}

impl<'a, 'db> Evm<'a, 'db, NoTracer> {
    /// An untraced EVM over `db`, running the fork of `cache`.
    pub fn new(db: &'db mut dyn Database, env: Env, cache: &'a mut CodeCache) -> Self {
        Evm::with_tracer(db, env, cache, NoTracer)
    }
}

impl<'a, 'db, T: Tracer> Evm<'a, 'db, T> {
    /// An EVM that reports to `tracer`.
    pub fn with_tracer(db: &'db mut dyn Database, env: Env, cache: &'a mut CodeCache, tracer: T) -> Self {
        let fork = cache.fork();
        Evm { state: JournaledState::new(db, fork), env, cache, tracer, pool: FramePool::default() }
    }

    /// The fork this EVM runs.
    pub fn fork(&self) -> Fork {
        self.cache.fork()
    }

    /// The journaled state.
    pub fn state(&mut self) -> &mut JournaledState<'db> {
        &mut self.state
    }

    /// The environment.
    pub fn env(&self) -> &Env {
        &self.env
    }

    /// The tracer.
    pub fn tracer(&mut self) -> &mut T {
        &mut self.tracer
    }

    /// Gives the tracer back, ending this EVM.
    pub fn into_tracer(self) -> T {
        self.tracer
    }

    /// Ends the transaction and returns its state changes (see [`JournaledState::finalize`]).
    pub fn finalize(&mut self) -> StateChanges {
        self.state.finalize()
    }

    /// Warms the accounts EIP-2929 and EIP-3651 make warm at the start of a transaction.
    fn warm_up(&mut self, caller: &Address, to: Option<&Address>) -> Result<(), DatabaseError> {
        let fork = self.fork();
        if !fork.is_at_least(Fork::Berlin) {
            return Ok(());
        }
        self.state.warm_account(caller)?;
        if let Some(to) = to {
            self.state.warm_account(to)?;
        }
        self.state.warm_precompiles();
        if fork.is_at_least(Fork::Shanghai) {
            let coinbase = self.env.block.coinbase;
            self.state.warm_account(&coinbase)?;
        }
        Ok(())
    }

    /// Runs a message call from `caller` to `to` at depth 0 with `gas`, without transaction rules
    /// (no nonce, fees or intrinsic gas), as `ovm run` and geth's `evm run` do. The state changes
    /// stay in the journal until [`Evm::finalize`].
    pub fn call(
        &mut self,
        caller: Address,
        to: Address,
        value: U256,
        input: Bytes,
        gas: u64,
    ) -> Result<ExecutionResult, DatabaseError> {
        self.warm_up(&caller, Some(&to))?;
        let request = CallRequest {
            kind: FrameKind::Call,
            message: Message {
                caller,
                address: to,
                code_address: to,
                value,
                input,
                is_static: false,
                depth: 0,
            },
            transfers_value: true,
            gas,
            kall: false,
        };
        let fork = self.fork();
        let result = with_spec!(fork, S => self.execute::<S>(Next::Call(request)))?;
        let logs = if result.reason.is_success() { self.state.take_logs() } else { Vec::new() };
        Ok(ExecutionResult {
            reason: result.reason,
            gas_used: gas - result.gas_left,
            gas_refunded: 0,
            output: result.output,
            logs,
            created: result.created,
        })
    }

    /// Validates and executes `tx`: charges the sender, runs the call or creation, refunds unused
    /// gas and pays the coinbase. The state changes stay in the journal until [`Evm::finalize`].
    pub fn transact(&mut self, tx: &Transaction) -> Result<ExecutionResult, TransactionError> {
        let fork = self.fork();
        with_spec!(fork, S => self.transact_with::<S>(tx))
    }

    fn transact_with<S: Spec>(&mut self, tx: &Transaction) -> Result<ExecutionResult, TransactionError> {
        let schedule = &S::GAS;
        let env = &self.env;
        let fork = S::FORK;

        // Type and fee rules.
        let min_fork = match tx.tx_type {
            0 => Fork::Frontier,
            1 => Fork::Berlin,
            2 => Fork::London,
            3 => Fork::Cancun,
            other => return Err(InvalidTransaction::TypeNotSupported(other).into()),
        };
        if !fork.is_at_least(min_fork) {
            return Err(InvalidTransaction::TypeNotSupported(tx.tx_type).into());
        }
        let (max_fee, priority_fee) =
            (tx.max_fee_per_gas, tx.max_priority_fee_per_gas.unwrap_or(tx.max_fee_per_gas));
        let effective_price = if fork.is_at_least(Fork::London) {
            if priority_fee > max_fee {
                return Err(InvalidTransaction::PriorityFeeAboveFeeCap.into());
            }
            if max_fee < env.block.base_fee {
                return Err(InvalidTransaction::FeeCapBelowBaseFee.into());
            }
            max_fee.min(env.block.base_fee + priority_fee)
        } else {
            max_fee
        };

        // Gas rules.
        let access_list_keys = tx.access_list.iter().map(|(_, keys)| keys.len() as u64).sum();
        let intrinsic = gas::intrinsic_gas(
            schedule,
            &tx.data,
            tx.to.is_none(),
            tx.access_list.len() as u64,
            access_list_keys,
        );
        if tx.gas_limit < intrinsic {
            return Err(InvalidTransaction::IntrinsicGasTooLow { gas_limit: tx.gas_limit, intrinsic }.into());
        }
        if U256::from(tx.gas_limit) > env.block.gas_limit {
            return Err(InvalidTransaction::GasLimitAboveBlock.into());
        }
        if tx.to.is_none()
            && let Some(limit) = schedule.max_initcode_size
            && tx.data.len() > limit
        {
            return Err(InvalidTransaction::InitcodeTooLarge.into());
        }

        // EIP-4844 blob rules.
        let blob_gas = 131_072u64 * tx.blob_hashes.len() as u64;
        if tx.tx_type == 3 {
            let fee_cap = tx.max_fee_per_blob_gas.unwrap_or_default();
            let valid = tx.to.is_some()
                && (1..=6).contains(&tx.blob_hashes.len())
                && tx.blob_hashes.iter().all(|h| h.0[0] == 0x01)
                && fee_cap >= env.block.blob_base_fee;
            if !valid {
                return Err(InvalidTransaction::InvalidBlobTransaction.into());
            }
        }

        // Sender rules.
        let sender = self.state.peek_account(&tx.caller)?;
        if sender.info.has_code() {
            return Err(InvalidTransaction::SenderHasCode.into());
        }
        if sender.info.nonce == u64::MAX {
            return Err(InvalidTransaction::NonceOverflow.into());
        }
        if sender.info.nonce != tx.nonce {
            return Err(
                InvalidTransaction::NonceMismatch { expected: sender.info.nonce, got: tx.nonce }.into()
            );
        }
        let gas_limit = U256::from(tx.gas_limit);
        let max_blob_cost = U256::from(blob_gas)
            .checked_mul(tx.max_fee_per_blob_gas.unwrap_or_default())
            .ok_or(InvalidTransaction::FeeOverflow)?;
        let max_cost = gas_limit
            .checked_mul(max_fee)
            .and_then(|c| c.checked_add(tx.value))
            .and_then(|c| c.checked_add(max_blob_cost))
            .ok_or(InvalidTransaction::FeeOverflow)?;
        if sender.info.balance < max_cost {
            return Err(InvalidTransaction::InsufficientFunds.into());
        }

        // Buy gas (and blob gas, which is burned).
        let upfront = gas_limit * effective_price + U256::from(blob_gas) * env.block.blob_base_fee;
        let balance = sender.info.balance;
        self.env.gas_price = effective_price;
        self.env.origin = tx.caller;
        self.env.blob_hashes.clone_from(&tx.blob_hashes);
        self.state.set_balance(&tx.caller, balance - upfront)?;

        self.warm_up(&tx.caller, tx.to.as_ref())?;
        if fork.is_at_least(Fork::Berlin) {
            for (address, keys) in &tx.access_list {
                self.state.warm_account(address)?;
                for key in keys {
                    self.state.warm_slot(address, key)?;
                }
            }
        }

        let gas = tx.gas_limit - intrinsic;
        let first = match tx.to {
            Some(to) => {
                self.state.set_nonce(&tx.caller, tx.nonce + 1)?;
                Next::Call(CallRequest {
                    kind: FrameKind::Call,
                    message: Message {
                        caller: tx.caller,
                        address: to,
                        code_address: to,
                        value: tx.value,
                        input: tx.data.clone(),
                        is_static: false,
                        depth: 0,
                    },
                    transfers_value: true,
                    gas,
                    kall: false,
                })
            }
            None => Next::Create(CreateRequest {
                kind: FrameKind::Create,
                caller: tx.caller,
                value: tx.value,
                init_code: tx.data.clone(),
                salt: None,
                gas,
                depth: 0,
            }),
        };
        let result = self.execute::<S>(first)?;

        // Refund (capped: EIP-3529) and pay.
        let gas_used_before_refund = tx.gas_limit - result.gas_left;
        let refund =
            (self.state.refund().max(0) as u64).min(gas_used_before_refund / schedule.max_refund_quotient);
        let gas_left = result.gas_left + refund;
        let gas_used = tx.gas_limit - gas_left;
        self.state.add_balance(&tx.caller, U256::from(gas_left) * effective_price)?;
        let coinbase_price = if fork.is_at_least(Fork::London) {
            effective_price - self.env.block.base_fee
        } else {
            effective_price
        };
        let coinbase = self.env.block.coinbase;
        self.state.add_balance(&coinbase, U256::from(gas_used) * coinbase_price)?;

        let logs = if result.reason.is_success() { self.state.take_logs() } else { Vec::new() };
        Ok(ExecutionResult {
            reason: result.reason,
            gas_used,
            gas_refunded: refund,
            output: result.output,
            logs,
            created: result.created,
        })
    }

    /// Runs `first` and every frame it starts, until the outermost one ends.
    fn execute<S: Spec>(&mut self, first: Next) -> Result<SubResult, DatabaseError> {
        drive::<S, Self>(self, first)
    }

    fn start_request<S: Spec>(&mut self, request: Next) -> Result<Next, DatabaseError> {
        match request {
            Next::Call(call) => self.start_call::<S>(call),
            Next::Create(create) => self.start_create::<S>(create),
            done_or_run => Ok(done_or_run),
        }
    }

    fn done(&mut self, reason: ExitReason, gas_left: u64, output: Bytes, created: Option<Address>) -> Next {
        if T::ENABLED {
            self.tracer.frame_exit(reason, gas_left, &output);
        }
        Next::Done(SubResult { reason, gas_left, output, created })
    }

    /// Starts a call: depth and balance checks, value transfer, precompiles, empty code.
    fn start_call<S: Spec>(&mut self, request: CallRequest) -> Result<Next, DatabaseError> {
        let CallRequest { kind, message, transfers_value, gas, kall: _ } = request;
        if T::ENABLED {
            self.tracer.frame_enter(&FrameStart {
                kind,
                from: message.caller,
                to: message.address,
                value: message.value,
                input: &message.input,
                gas,
                depth: message.depth + 1,
            });
        }
        if message.depth > MAX_CALL_DEPTH {
            return Ok(self.done(ExitReason::CallTooDeep, gas, Bytes::new(), None));
        }
        let moves_value = transfers_value || kind == FrameKind::CallCode;
        if moves_value && self.state.peek_account(&message.caller)?.info.balance < message.value {
            return Ok(self.done(ExitReason::InsufficientBalance, gas, Bytes::new(), None));
        }
        let checkpoint = self.state.checkpoint();
        let is_precompile = precompiles::is_precompile(&message.code_address, S::FORK);
        match kind {
            FrameKind::Call => {
                let exists = self.state.peek_account(&message.address)?.exists;
                // EIP-161: a zero-value call to a missing account that is not a precompile
                // changes nothing (before it, the call created the account).
                if !exists
                    && !is_precompile
                    && S::FORK.is_at_least(Fork::SpuriousDragon)
                    && message.value.is_zero()
                {
                    return Ok(self.done(ExitReason::Stop, gas, Bytes::new(), None));
                }
                self.state.transfer(&message.caller, &message.address, message.value)?;
            }
            // go-ethereum touches the target of a STATICCALL with a zero-value balance change.
            FrameKind::StaticCall => self.state.touch(&message.address)?,
            _ => {}
        }

        if is_precompile {
            return Ok(match precompiles::run(&message.code_address, &message.input, gas, S::FORK) {
                Some(Ok(out)) => self.done(
                    ExitReason::Return,
                    gas.saturating_sub(out.gas_used),
                    Bytes::from(out.output),
                    None,
                ),
                _ => {
                    self.state.revert(checkpoint);
                    self.done(ExitReason::PrecompileFailure, 0, Bytes::new(), None)
                }
            });
        }

        let account = self.state.peek_account(&message.code_address)?;
        if !account.info.has_code() {
            return Ok(self.done(ExitReason::Stop, gas, Bytes::new(), None));
        }
        let (hash, bytes) = (account.info.code_hash, account.info.code.clone());
        let code = self.cache.get_or_decode(hash, &bytes);
        let (stack, memory) = self.pool.take();
        Ok(Next::Run(Frame::new(code, message, gas, checkpoint, FrameOrigin::Call, stack, memory)))
    }

    /// Starts a creation: depth, balance and nonce checks, address, collision, endowment.
    fn start_create<S: Spec>(&mut self, request: CreateRequest) -> Result<Next, DatabaseError> {
        let CreateRequest { kind, caller, value, init_code, salt, gas, depth } = request;
        let creator = self.state.peek_account(&caller)?;
        let (nonce, balance) = (creator.info.nonce, creator.info.balance);
        let address = match salt {
            None => create_address(&caller, nonce),
            Some(salt) => create2_address(&caller, salt, keccak256(&init_code)),
        };
        if T::ENABLED {
            self.tracer.frame_enter(&FrameStart {
                kind,
                from: caller,
                to: address,
                value,
                input: &init_code,
                gas,
                depth: depth + 1,
            });
        }
        if depth > MAX_CALL_DEPTH {
            return Ok(self.done(ExitReason::CallTooDeep, gas, Bytes::new(), None));
        }
        if balance < value {
            return Ok(self.done(ExitReason::InsufficientBalance, gas, Bytes::new(), None));
        }
        if nonce == u64::MAX {
            return Ok(self.done(ExitReason::NonceOverflow, gas, Bytes::new(), None));
        }
        self.state.set_nonce(&caller, nonce + 1)?;
        // EIP-2929: the new address is warm even if the creation fails.
        if S::FORK.is_at_least(Fork::Berlin) {
            self.state.access_account(&address)?;
        }
        let target = self.state.peek_account(&address)?;
        if target.info.nonce != 0 || target.info.has_code() || self.state.has_storage(&address)? {
            return Ok(self.done(ExitReason::CreateCollision, 0, Bytes::new(), None));
        }
        let checkpoint = self.state.checkpoint();
        self.state.create_account(&address)?;
        // EIP-161: new contracts start with nonce 1.
        if S::FORK.is_at_least(Fork::SpuriousDragon) {
            self.state.set_nonce(&address, 1)?;
        }
        self.state.transfer(&caller, &address, value)?;

        let code = alloc::sync::Arc::new(DecodedCode::new(init_code, S::FORK));
        let message = Message {
            caller,
            address,
            code_address: address,
            value,
            input: Bytes::new(),
            is_static: false,
            depth,
        };
        let (stack, memory) = self.pool.take();
        Ok(Next::Run(Frame::new(code, message, gas, checkpoint, FrameOrigin::Create(address), stack, memory)))
    }

    /// Ends a frame: commits or reverts its changes; for creations, checks and stores the code.
    fn finish_frame<S: Spec>(
        &mut self,
        frame: Frame,
        reason: ExitReason,
    ) -> Result<SubResult, DatabaseError> {
        let checkpoint = frame.checkpoint();
        let origin = frame.origin();
        let mut gas_left = frame.gas();
        let output = frame.output().clone();
        self.pool.recycle(frame);

        let (reason, output, created) = match (origin, reason) {
            (FrameOrigin::Create(address), reason) if reason.is_success() => {
                match self.deposit_code::<S>(address, output, &mut gas_left)? {
                    Ok(()) => (ExitReason::Return, Bytes::new(), Some(address)),
                    Err(failure) => (failure, Bytes::new(), None),
                }
            }
            (_, reason) => (reason, output, None),
        };
        let (gas_left, output) = if reason.is_success() {
            (gas_left, output)
        } else {
            self.state.revert(checkpoint);
            if reason.is_revert() { (gas_left, output) } else { (0, Bytes::new()) }
        };
        let Next::Done(result) = self.done(reason, gas_left, output, created) else { unreachable!() };
        Ok(result)
    }

    /// Validates and stores the code a constructor returned (EIP-170, EIP-3541, the deposit).
    fn deposit_code<S: Spec>(
        &mut self,
        address: Address,
        code: Bytes,
        gas_left: &mut u64,
    ) -> Result<Result<(), ExitReason>, DatabaseError> {
        if let Some(limit) = S::GAS.max_code_size
            && code.len() > limit
        {
            return Ok(Err(ExitReason::CodeSizeLimit));
        }
        if S::GAS.reject_ef_code && code.first() == Some(&0xef) {
            return Ok(Err(ExitReason::InvalidCodePrefix));
        }
        let deposit = gas::CODE_DEPOSIT_BYTE * code.len() as u64;
        if *gas_left < deposit {
            // Frontier kept the account without code instead of failing (EIP-2 changed this).
            return Ok(if S::GAS.code_deposit_oog_fails { Err(ExitReason::OutOfGas) } else { Ok(()) });
        }
        *gas_left -= deposit;
        self.state.set_code(&address, code)?;
        Ok(Ok(()))
    }
}

impl<T: Tracer> FrameDriver for Evm<'_, '_, T> {
    fn start<S: Spec>(&mut self, next: Next) -> Result<Next, DatabaseError> {
        self.start_request::<S>(next)
    }

    fn run<S: Spec>(&mut self, frame: &mut Frame) -> Action {
        let mut host = Host { state: &mut self.state, env: &self.env };
        interpreter::run::<S, T>(frame, &mut host, &mut self.tracer)
    }

    fn finish<S: Spec>(&mut self, frame: Frame, reason: ExitReason) -> Result<SubResult, DatabaseError> {
        self.finish_frame::<S>(frame, reason)
    }
}
