//! The manager's frame driver: OVM frames run on the interpreter, decoded in the OVM dialect; each
//! kall they make is served here natively, with the contracts-v2 semantics of
//! `OVM_ExecutionManager` (v0.2.0 / contracts 0.3.5): message contexts, revert flags, nuisance gas,
//! creation through `safeCREATE`'s checks, and precompiles below address 100.

use alloc::sync::Arc;
use alloc::vec::Vec;

use bytes::Bytes;

use super::abi::{self, AbiError, Args};
use super::flags::{self, RevertFlag};
use super::methods::Method;
use super::{DeployerPolicy, ManagerConfig, TransactionContext};
use crate::decode::{CodeCache, DecodedCode, Dialect};
use crate::env::{BlockEnv, Env};
use crate::evm::{FrameDriver, Next, create_address, create2_address};
use crate::gas;
use crate::interpreter::{
    self, Action, CallRequest, ExitReason, Frame, FrameOrigin, FramePool, Host, Message, SubResult,
};
use crate::opcode;
use crate::precompiles;
use crate::primitives::{Address, B256, KECCAK_EMPTY, Map, U256, keccak256};
use crate::spec::Spec;
use crate::state::{Checkpoint, DatabaseError, JournaledState, Marker};
use crate::tracer::{FrameKind, FrameStart, Tracer};

/// The execution manager's address: the EVM caller of every OVM frame, so the target of every
/// kall (l2geth's container address).
pub const MANAGER_ADDRESS: Address = Address([
    0xde, 0xad, 0xde, 0xad, 0xde, 0xad, 0xde, 0xad, 0xde, 0xad, 0xde, 0xad, 0xde, 0xad, 0xde, 0xad, 0xde,
    0xad, 0, 0,
]);

/// contracts-v2 `DEFAULT_ADDRESS`: the OVM caller of a transaction's entrypoint.
pub const DEFAULT_ADDRESS: Address = Address([
    0xde, 0xfa, 0x01, 0x7d, 0xef, 0xa0, 0x17, 0xde, 0xfa, 0x01, 0x7d, 0xef, 0xa0, 0x17, 0xde, 0xfa, 0x01,
    0x7d, 0xef, 0xa0,
]);

/// OVM_ExecutionManager constants (identical in v0.2.0 and the final version).
const NUISANCE_GAS_SLOAD: u64 = 20_000;
const NUISANCE_GAS_SSTORE: u64 = 20_000;
const MIN_NUISANCE_GAS_PER_CONTRACT: u64 = 30_000;
const NUISANCE_GAS_PER_CONTRACT_BYTE: u64 = 100;
const MIN_GAS_FOR_INVALID_STATE_ACCESS: u64 = 30_000;

/// Marker kinds for the journaled "loaded"/"changed" sets of OVM_StateManager's item states.
const ACCOUNT_LOADED: u8 = 0;
const ACCOUNT_CHANGED: u8 = 1;
const SLOT_LOADED: u8 = 2;
const SLOT_CHANGED: u8 = 3;

/// The message context of contracts-v2: who is calling, which contract is active, static or not.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct MessageContext {
    pub(crate) caller: Address,
    pub(crate) address: Address,
    pub(crate) is_static: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum MessageKind {
    Call,
    Create(Address),
}

/// One OVM message in progress (the transaction's root, or a message with a running frame).
#[derive(Clone, Debug)]
struct MessageRecord {
    context: MessageContext,
    nuisance_limit: u64,
    nuisance_left: u64,
    kind: MessageKind,
    checkpoint: Checkpoint,
    /// Gas of the kall that started the message, after what it forwarded.
    kall_gas_left: u64,
    /// Contracts created inside the message (kept only if it succeeds).
    created: Vec<Address>,
}

/// Why serving a kall stopped early.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Fail {
    /// Revert with this flag and data (unused gas returns to the caller).
    Flag(RevertFlag, Vec<u8>),
    /// The emulated opcode ran out of gas: all of the kall's gas is consumed.
    OutOfGas,
}

impl From<DatabaseError> for Fail {
    fn from(_: DatabaseError) -> Self {
        Fail::Flag(RevertFlag::InvalidStateAccess, Vec::new())
    }
}

impl From<AbiError> for Fail {
    /// Calldata the Solidity manager could not decode made it revert without data.
    fn from(_: AbiError) -> Self {
        Fail::Flag(RevertFlag::OutOfGas, Vec::new())
    }
}

/// What serving a kall produced.
#[allow(clippy::large_enum_variant, reason = "moved once per kall; boxing would allocate per message")]
enum Served {
    /// Return this data.
    Return(Vec<u8>),
    /// A message was started: run this (a frame, or an immediate result already delivered).
    Started(Next),
}

/// How the transaction's entry message ended.
#[derive(Clone, Debug)]
pub(crate) struct EntryOutcome {
    pub(crate) success: bool,
    pub(crate) flag: Option<RevertFlag>,
    pub(crate) data: Vec<u8>,
}

/// The driver of one transaction under the manager.
pub(crate) struct OvmDriver<'a, 'db, T: Tracer> {
    pub(crate) state: JournaledState<'db>,
    pub(crate) env: Env,
    pub(crate) cache: &'a mut CodeCache,
    pub(crate) purity: &'a mut Map<B256, bool>,
    pub(crate) tracer: T,
    pub(crate) config: &'a ManagerConfig,
    pub(crate) context: TransactionContext,
    messages: Vec<MessageRecord>,
    pool: FramePool,
    pub(crate) entry: Option<EntryOutcome>,
}

fn charge(gas: &mut u64, cost: u64) -> Result<(), Fail> {
    *gas = gas.checked_sub(cost).ok_or(Fail::OutOfGas)?;
    Ok(())
}

fn word(value: U256) -> Vec<u8> {
    abi::encode_word(value)
}

impl<'a, 'db, T: Tracer> OvmDriver<'a, 'db, T> {
    pub(crate) fn new(
        state: JournaledState<'db>,
        cache: &'a mut CodeCache,
        purity: &'a mut Map<B256, bool>,
        tracer: T,
        config: &'a ManagerConfig,
        context: TransactionContext,
        root_nuisance: u64,
    ) -> Self {
        debug_assert_eq!(cache.dialect(), Dialect::Ovm);
        // The EVM environment of OVM frames (its opcodes are not pure, so nothing reads it; it
        // mirrors the OVM context for tracers).
        let env = Env {
            block: BlockEnv {
                number: context.block_number,
                timestamp: context.timestamp,
                ..BlockEnv::default()
            },
            chain_id: config.chain_id,
            origin: context.l1_tx_origin,
            gas_price: U256::ZERO,
            blob_hashes: Vec::new(),
        };
        let root = MessageRecord {
            context: MessageContext { caller: DEFAULT_ADDRESS, address: DEFAULT_ADDRESS, is_static: false },
            nuisance_limit: root_nuisance,
            nuisance_left: root_nuisance,
            kind: MessageKind::Call,
            checkpoint: state.checkpoint(),
            kall_gas_left: 0,
            created: Vec::new(),
        };
        OvmDriver {
            state,
            env,
            cache,
            purity,
            tracer,
            config,
            context,
            messages: alloc::vec![root],
            pool: FramePool::default(),
            entry: None,
        }
    }

    /// Contracts the transaction created (those of messages that succeeded).
    pub(crate) fn take_created(&mut self) -> Vec<Address> {
        core::mem::take(&mut self.messages[0].created)
    }

    /// Nuisance gas the transaction used (its root message's budget minus what is left).
    pub(crate) fn nuisance_gas_used(&self) -> u64 {
        let root = &self.messages[0];
        root.nuisance_limit - root.nuisance_left
    }

    /// Starts the transaction's entry message: `ovmCALL(gasLimit - min, entrypoint, data)` from
    /// the default context (OVM_ExecutionManager.run).
    pub(crate) fn entry<S: Spec>(
        &mut self,
        entrypoint: Address,
        data: Bytes,
        gas: u64,
    ) -> Result<Next, DatabaseError> {
        let context = MessageContext { caller: DEFAULT_ADDRESS, address: entrypoint, is_static: false };
        let mut kall_gas = 0;
        match self.call_contract::<S>(context, entrypoint, data, gas, gas, &mut kall_gas) {
            Ok(Served::Started(next)) => Ok(next),
            Ok(Served::Return(_)) => {
                // The container addresses answer (true, "") without a message.
                self.entry = Some(EntryOutcome { success: true, flag: None, data: Vec::new() });
                Ok(Next::Done(SubResult {
                    reason: ExitReason::Return,
                    gas_left: gas,
                    output: Bytes::new(),
                    created: None,
                }))
            }
            Err(fail) => {
                // Failures before the message starts happen in the root context (the entrypoint's
                // account load): the transaction ends with that flag.
                let (flag, data) = match fail {
                    Fail::Flag(flag, data) => (flag, data),
                    Fail::OutOfGas => (RevertFlag::OutOfGas, Vec::new()),
                };
                self.entry = Some(EntryOutcome { success: false, flag: Some(flag), data });
                Ok(Next::Done(SubResult {
                    reason: ExitReason::Revert,
                    gas_left: gas,
                    output: Bytes::new(),
                    created: None,
                }))
            }
        }
    }

    fn top(&mut self) -> &mut MessageRecord {
        self.messages.last_mut().expect("the root message is never popped")
    }

    fn use_nuisance(&mut self, amount: u64) -> Result<(), Fail> {
        let record = self.top();
        if record.nuisance_left < amount {
            return Err(Fail::Flag(RevertFlag::ExceedsNuisanceGas, Vec::new()));
        }
        record.nuisance_left -= amount;
        Ok(())
    }

    fn require_gas_for_state_access(gas: u64) -> Result<(), Fail> {
        // OVM_ExecutionManager._checkAccountLoad: too little gas left to tell an invalid state
        // access apart from running out of gas.
        if gas < MIN_GAS_FOR_INVALID_STATE_ACCESS {
            Err(Fail::Flag(RevertFlag::OutOfGas, Vec::new()))
        } else {
            Ok(())
        }
    }

    fn contract_nuisance(&mut self, address: &Address) -> Result<u64, Fail> {
        let size = self.state.peek_account(address)?.info.code.len() as u64;
        Ok(MIN_NUISANCE_GAS_PER_CONTRACT + NUISANCE_GAS_PER_CONTRACT_BYTE * size)
    }

    /// OVM_ExecutionManager._checkAccountLoad.
    fn account_load(&mut self, gas: u64, address: &Address) -> Result<(), Fail> {
        Self::require_gas_for_state_access(gas)?;
        let cost = self.contract_nuisance(address)?;
        if !self.state.mark(Marker { kind: ACCOUNT_LOADED, address: *address, slot: U256::ZERO }) {
            self.use_nuisance(cost)?;
        }
        Ok(())
    }

    /// OVM_ExecutionManager._checkAccountChange.
    fn account_change(&mut self, gas: u64, address: &Address) -> Result<(), Fail> {
        self.account_load(gas, address)?;
        let cost = self.contract_nuisance(address)?;
        if !self.state.mark(Marker { kind: ACCOUNT_CHANGED, address: *address, slot: U256::ZERO }) {
            self.use_nuisance(cost)?;
        }
        Ok(())
    }

    /// OVM_ExecutionManager._checkContractStorageLoad.
    fn slot_load(&mut self, gas: u64, address: &Address, slot: &U256) -> Result<(), Fail> {
        Self::require_gas_for_state_access(gas)?;
        self.state.peek_slot(address, slot)?;
        if !self.state.mark(Marker { kind: SLOT_LOADED, address: *address, slot: *slot }) {
            self.use_nuisance(NUISANCE_GAS_SLOAD)?;
        }
        Ok(())
    }

    /// OVM_ExecutionManager._checkContractStorageChange.
    fn slot_change(&mut self, gas: u64, address: &Address, slot: &U256) -> Result<(), Fail> {
        self.slot_load(gas, address, slot)?;
        if !self.state.mark(Marker { kind: SLOT_CHANGED, address: *address, slot: *slot }) {
            self.account_change(gas, address)?;
            self.use_nuisance(NUISANCE_GAS_SSTORE)?;
        }
        Ok(())
    }

    /// The EIP-2929 surcharge for touching `address` (and marks it warm).
    fn access_cost<S: Spec>(&mut self, address: &Address) -> Result<u64, Fail> {
        let (_, was_cold) = self.state.access_account(address)?;
        Ok(if was_cold { S::GAS.cold_account_surcharge } else { 0 })
    }

    /// Whether `code` passes the purity checker, judged on its decoded stream (the one execution
    /// uses) and cached by code hash.
    fn is_pure(&mut self, code: &DecodedCode) -> bool {
        if let Some(&verdict) = self.purity.get(&code.hash()) {
            return verdict;
        }
        let verdict = crate::purity::is_pure(code);
        self.purity.insert(code.hash(), verdict);
        verdict
    }

    fn kall_result(reason: ExitReason, gas_left: u64, output: Vec<u8>) -> SubResult {
        SubResult { reason, gas_left, output: Bytes::from(output), created: None }
    }

    /// Serves a kall: dispatches on the selector; a failure reverts what the kall did.
    fn kall<S: Spec>(&mut self, request: CallRequest) -> Result<Next, DatabaseError> {
        let mut gas = request.gas;
        let checkpoint = self.state.checkpoint();
        match self.serve::<S>(&request.message.input, &mut gas) {
            Ok(Served::Return(data)) => Ok(Next::Done(Self::kall_result(ExitReason::Return, gas, data))),
            Ok(Served::Started(next)) => Ok(next),
            Err(Fail::Flag(flag, data)) => {
                self.state.revert(checkpoint);
                let nuisance_left = self.top().nuisance_left;
                let revert = flags::encode(flag, nuisance_left, &data);
                Ok(Next::Done(Self::kall_result(ExitReason::Revert, gas, revert)))
            }
            Err(Fail::OutOfGas) => {
                self.state.revert(checkpoint);
                Ok(Next::Done(Self::kall_result(ExitReason::OutOfGas, 0, Vec::new())))
            }
        }
    }

    fn not_static(&mut self) -> Result<(), Fail> {
        if self.top().context.is_static {
            Err(Fail::Flag(RevertFlag::StaticViolation, Vec::new()))
        } else {
            Ok(())
        }
    }

    /// Static gas of the opcode `method` stands for.
    fn opcode_gas<S: Spec>(method: Method) -> u64 {
        method.opcode().map_or(0, |op| u64::from(S::GAS.static_gas[op as usize]))
    }

    fn serve<S: Spec>(&mut self, input: &[u8], gas: &mut u64) -> Result<Served, Fail> {
        let (Some(selector), Some(rest)) = (input.get(..4), input.get(4..)) else {
            return Err(Fail::Flag(RevertFlag::OutOfGas, Vec::new()));
        };
        let selector: [u8; 4] =
            selector.try_into().map_err(|_| Fail::Flag(RevertFlag::OutOfGas, Vec::new()))?;
        let Some(method) = Method::from_selector(selector) else {
            // No such function and no fallback: the Solidity manager reverted without data.
            return Err(Fail::Flag(RevertFlag::OutOfGas, Vec::new()));
        };
        let args = Args::new(rest);
        let context = self.top().context;
        let static_gas = Self::opcode_gas::<S>(method);
        match method {
            Method::Caller => {
                charge(gas, static_gas)?;
                Ok(Served::Return(word(context.caller.to_word())))
            }
            Method::Address => {
                charge(gas, static_gas)?;
                Ok(Served::Return(word(context.address.to_word())))
            }
            Method::Timestamp => {
                charge(gas, static_gas)?;
                Ok(Served::Return(word(self.context.timestamp)))
            }
            Method::Number => {
                charge(gas, static_gas)?;
                Ok(Served::Return(word(self.context.block_number)))
            }
            Method::GasLimit => {
                charge(gas, static_gas)?;
                Ok(Served::Return(word(U256::from(self.config.max_gas_per_queue_per_epoch))))
            }
            Method::ChainId => {
                charge(gas, static_gas)?;
                Ok(Served::Return(word(U256::from(self.config.chain_id))))
            }
            Method::L1QueueOrigin => {
                charge(gas, u64::from(S::GAS.static_gas[opcode::ORIGIN as usize]))?;
                Ok(Served::Return(word(U256::from(self.context.l1_queue_origin))))
            }
            Method::L1TxOrigin => {
                charge(gas, u64::from(S::GAS.static_gas[opcode::ORIGIN as usize]))?;
                Ok(Served::Return(word(self.context.l1_tx_origin.to_word())))
            }
            Method::Revert => {
                let data = args.bytes(0)?;
                Err(Fail::Flag(RevertFlag::IntentionalRevert, data.to_vec()))
            }
            Method::Sload => {
                let slot = args.word(0)?;
                let (_, was_cold) = self.state.sload(&context.address, &slot)?;
                charge(gas, static_gas + if was_cold { S::GAS.cold_sload_surcharge } else { 0 })?;
                self.slot_load(*gas, &context.address, &slot)?;
                let value = self.state.peek_slot(&context.address, &slot)?.present;
                Ok(Served::Return(word(value)))
            }
            Method::Sstore => self.sstore::<S>(&args, gas, context).map(|()| Served::Return(Vec::new())),
            Method::Call | Method::StaticCall | Method::DelegateCall => {
                let requested = args.word(0)?;
                let target = args.address(1)?;
                let data = Bytes::copy_from_slice(args.bytes(2)?);
                let cost = static_gas + self.access_cost::<S>(&target)?;
                charge(gas, cost)?;
                let next = match method {
                    Method::Call => MessageContext { caller: context.address, address: target, ..context },
                    Method::StaticCall => {
                        MessageContext { caller: context.address, address: target, is_static: true }
                    }
                    _ => context,
                };
                // The callee gets at most what it asked for and at most all but 1/64 (EIP-150);
                // its nuisance budget is min(gasLimit, gasleft) (_getNuisanceGasLimit).
                let requested = u64::try_from(requested).unwrap_or(u64::MAX);
                let child_gas = requested.min(S::GAS.max_call_gas(*gas));
                let nuisance = requested.min(*gas);
                *gas -= child_gas;
                self.call_contract::<S>(next, target, data, child_gas, nuisance, gas)
            }
            Method::Create | Method::Create2 => self.create::<S>(method, &args, gas, context),
            Method::ExtCodeSize | Method::ExtCodeHash => {
                let target = args.address(0)?;
                let cost = static_gas + self.access_cost::<S>(&target)?;
                charge(gas, cost)?;
                self.account_load(*gas, &target)?;
                let account = self.state.peek_account(&target)?;
                let result = if method == Method::ExtCodeSize {
                    U256::from(account.info.code.len())
                } else if account.is_dead() {
                    U256::ZERO
                } else {
                    account.info.code_hash.to_u256()
                };
                Ok(Served::Return(word(result)))
            }
            Method::ExtCodeCopy => {
                let target = args.address(0)?;
                let offset = args.word(1)?;
                let length = args.word(2)?;
                let length = usize::try_from(length).map_err(|_| Fail::OutOfGas)?;
                let cost = static_gas + gas::copy_cost(length as u64) + self.access_cost::<S>(&target)?;
                charge(gas, cost)?;
                self.account_load(*gas, &target)?;
                let code = self.state.peek_account(&target)?.info.code.clone();
                let mut out = alloc::vec![0u8; length];
                let start = usize::try_from(offset).unwrap_or(usize::MAX).min(code.len());
                let n = (code.len() - start).min(length);
                out[..n].copy_from_slice(&code[start..start + n]);
                Ok(Served::Return(abi::encode_bytes(&out)))
            }
            Method::GetNonce => {
                // No opcode reads a nonce; priced like SELFBALANCE, the read of the own account.
                charge(gas, u64::from(S::GAS.static_gas[opcode::SELFBALANCE as usize]))?;
                self.account_load(*gas, &context.address)?;
                let nonce = self.state.peek_account(&context.address)?.info.nonce;
                Ok(Served::Return(word(U256::from(nonce))))
            }
            Method::IncrementNonce => {
                self.not_static()?;
                // Priced like an SSTORE that changes a non-zero slot: one account field written.
                charge(gas, S::GAS.sstore_reset)?;
                self.account_change(*gas, &context.address)?;
                let nonce = self.state.peek_account(&context.address)?.info.nonce;
                if let Some(next) = nonce.checked_add(1) {
                    self.state.set_nonce(&context.address, next)?;
                }
                Ok(Served::Return(Vec::new()))
            }
            Method::CreateEoa => self.create_eoa::<S>(&args, gas, context),
        }
    }

    fn sstore<S: Spec>(
        &mut self,
        args: &Args<'_>,
        gas: &mut u64,
        context: MessageContext,
    ) -> Result<(), Fail> {
        self.not_static()?;
        let slot = args.word(0)?;
        let value = args.word(1)?;
        // EIP-2200's sentry, as a native SSTORE would apply it.
        if S::GAS.sstore == gas::SstoreRules::Eip2200 && *gas <= gas::SSTORE_SENTRY {
            return Err(Fail::OutOfGas);
        }
        // OVM_ExecutionManager._putContractStorage: the load check always; a write that changes
        // nothing stops there.
        let current = self.state.peek_slot(&context.address, &slot)?;
        let was_cold =
            !self.state.account(&context.address).and_then(|a| a.storage.get(&slot)).is_some_and(|s| s.warm);
        let (cost, refund) = S::GAS.sstore_cost(&current.original, &current.present, &value);
        let cold = if was_cold { S::GAS.cold_sstore_surcharge } else { 0 };
        charge(gas, cost + cold)?;
        self.slot_load(*gas, &context.address, &slot)?;
        if current.present == value {
            self.state.sload(&context.address, &slot)?;
            return Ok(());
        }
        self.slot_change(*gas, &context.address, &slot)?;
        self.state.sstore(&context.address, &slot, value)?;
        self.state.add_refund(refund);
        Ok(())
    }

    /// OVM_ExecutionManager._callContract and _handleExternalMessage for calls: the container
    /// address answers `(true, "")`; addresses below 100 are precompiles, called directly; other
    /// targets are loaded (nuisance gas) and their code runs in a new message.
    fn call_contract<S: Spec>(
        &mut self,
        context: MessageContext,
        target: Address,
        data: Bytes,
        child_gas: u64,
        nuisance_limit: u64,
        kall_gas: &mut u64,
    ) -> Result<Served, Fail> {
        if target.0[..18] == MANAGER_ADDRESS.0[..18] {
            *kall_gas += child_gas;
            return Ok(Served::Return(abi::encode_word_and_bytes(U256::from(1), &[])));
        }
        let is_low = target.0[..19].iter().all(|&b| b == 0) && target.0[19] < 100;
        if !is_low {
            self.account_load(*kall_gas + child_gas, &target)?;
        }
        let depth = self.messages.len();
        let record = MessageRecord {
            context,
            nuisance_limit,
            nuisance_left: nuisance_limit,
            kind: MessageKind::Call,
            checkpoint: self.state.checkpoint(),
            kall_gas_left: *kall_gas,
            created: Vec::new(),
        };
        self.messages.push(record);
        if T::ENABLED {
            self.tracer.frame_enter(&FrameStart {
                kind: FrameKind::Call,
                from: context.caller,
                to: target,
                value: U256::ZERO,
                input: &data,
                gas: child_gas,
                depth: depth + 1,
            });
        }
        if depth > crate::evm::MAX_CALL_DEPTH {
            // Too deep for the EVM under the manager: the call fails and returns its gas.
            let revert = flags::encode(RevertFlag::OutOfGas, 0, &[]);
            return Ok(Served::Started(Next::Done(self.end_message(Err(revert), child_gas))));
        }
        if precompiles::is_precompile(&target, S::FORK) {
            let outcome = match precompiles::run(&target, &data, child_gas, S::FORK) {
                Some(Ok(out)) => (Ok(out.output), child_gas.saturating_sub(out.gas_used)),
                _ => (Err(Vec::new()), 0),
            };
            return Ok(Served::Started(Next::Done(self.end_message(outcome.0, outcome.1))));
        }
        let account = self.state.peek_account(&target)?;
        if !account.info.has_code() {
            return Ok(Served::Started(Next::Done(self.end_message(Ok(Vec::new()), child_gas))));
        }
        let (hash, code) = (account.info.code_hash, account.info.code.clone());
        let decoded = self.cache.get_or_decode(hash, &code);
        if !self.is_pure(&decoded) {
            // The manager runs only pure code (spec/OVM.md section 1).
            let nuisance_left = self.top().nuisance_left;
            let revert = flags::encode(RevertFlag::UnsafeBytecode, nuisance_left, &[]);
            return Ok(Served::Started(Next::Done(self.end_message(Err(revert), child_gas))));
        }
        let message = Message {
            caller: MANAGER_ADDRESS,
            address: context.address,
            code_address: target,
            value: U256::ZERO,
            input: data,
            is_static: false,
            depth,
        };
        let (stack, memory) = self.pool.take();
        let checkpoint = self.top().checkpoint;
        Ok(Served::Started(Next::Run(Frame::new(
            decoded,
            message,
            child_gas,
            checkpoint,
            FrameOrigin::Call,
            stack,
            memory,
        ))))
    }

    /// ovmCREATE and ovmCREATE2: the creator's checks and nonce, then `safeCREATE` in a new
    /// message (collision, initcode purity, the constructor, runtime purity, commit).
    fn create<S: Spec>(
        &mut self,
        method: Method,
        args: &Args<'_>,
        gas: &mut u64,
        context: MessageContext,
    ) -> Result<Served, Fail> {
        self.not_static()?;
        let init_code = Bytes::copy_from_slice(args.bytes(0)?);
        let salt = if method == Method::Create2 { Some(args.word(1)?) } else { None };
        // The native price of CREATE/CREATE2: static gas, EIP-3860's initcode words and limit,
        // CREATE2's hashing.
        if S::GAS.max_initcode_size.is_some_and(|limit| init_code.len() > limit) {
            return Err(Fail::OutOfGas);
        }
        let words = gas::words(init_code.len() as u64);
        let mut cost = Self::opcode_gas::<S>(method) + S::GAS.initcode_word * words;
        if salt.is_some() {
            cost += gas::KECCAK_WORD * words;
        }
        charge(gas, cost)?;

        let creator = context.address;
        let allowed = match &self.config.deployer_policy {
            DeployerPolicy::AllowAll => true,
            DeployerPolicy::Allow(list) => list.contains(&creator),
        };
        if !allowed {
            return Err(Fail::Flag(RevertFlag::CreatorNotAllowed, Vec::new()));
        }
        self.account_load(*gas, &creator)?;
        let nonce = self.state.peek_account(&creator)?.info.nonce;
        let address = match salt {
            None => create_address(&creator, nonce),
            Some(salt) => create2_address(&creator, salt, keccak256(&init_code)),
        };
        // _createContract: the creator's nonce goes up even if the creation fails.
        self.account_change(*gas, &creator)?;
        self.state.set_nonce(&creator, nonce.wrapping_add(1))?;

        // _handleExternalMessage(.., gasleft(), ..): safeCREATE gets all but 1/64 of the gas.
        let nuisance_limit = *gas;
        let child_gas = S::GAS.max_call_gas(*gas);
        *gas -= child_gas;
        let depth = self.messages.len();
        self.messages.push(MessageRecord {
            context: MessageContext { caller: creator, address, is_static: context.is_static },
            nuisance_limit,
            nuisance_left: nuisance_limit,
            kind: MessageKind::Create(address),
            checkpoint: self.state.checkpoint(),
            kall_gas_left: *gas,
            created: Vec::new(),
        });
        if T::ENABLED {
            let kind = if salt.is_some() { FrameKind::Create2 } else { FrameKind::Create };
            self.tracer.frame_enter(&FrameStart {
                kind,
                from: creator,
                to: address,
                value: U256::ZERO,
                input: &init_code,
                gas: child_gas,
                depth: depth + 1,
            });
        }
        match self.safe_create_start::<S>(address, init_code, child_gas, depth) {
            Ok(next) => Ok(Served::Started(next)),
            Err(fail) => {
                let nuisance_left = self.top().nuisance_left;
                let revert = match fail {
                    Fail::Flag(flag, data) => flags::encode(flag, nuisance_left, &data),
                    Fail::OutOfGas => Vec::new(),
                };
                Ok(Served::Started(Next::Done(self.end_message(Err(revert), child_gas))))
            }
        }
    }

    /// The part of OVM_ExecutionManager.safeCREATE before the constructor runs.
    fn safe_create_start<S: Spec>(
        &mut self,
        address: Address,
        init_code: Bytes,
        child_gas: u64,
        depth: usize,
    ) -> Result<Next, Fail> {
        if depth > crate::evm::MAX_CALL_DEPTH {
            return Err(Fail::Flag(RevertFlag::OutOfGas, Vec::new()));
        }
        // _hasEmptyAccount: no code and nonce zero (the balance does not count).
        self.account_load(child_gas, &address)?;
        let target = self.state.peek_account(&address)?;
        if target.info.code_hash != KECCAK_EMPTY || target.info.nonce != 0 {
            let reason = abi::encode_revert_string(abi::COLLISION_MESSAGE);
            return Err(Fail::Flag(RevertFlag::CreateCollision, reason));
        }
        let hash = keccak256(&init_code);
        // The opt-in data section: code up to the CODE_END marker, data after it.
        let code_len = match self.config.initcode_data_section {
            true => crate::decode::code_end(&init_code).unwrap_or(init_code.len()),
            false => init_code.len(),
        };
        let code = Arc::new(DecodedCode::with_data(init_code, code_len, hash, S::FORK, Dialect::Ovm));
        if !self.is_pure(&code) {
            let reason = abi::encode_revert_string(
                "Contract creation code contains unsafe opcodes. Did you use the right compiler or pass an unsafe constructor argument?",
            );
            return Err(Fail::Flag(RevertFlag::UnsafeBytecode, reason));
        }
        // _initPendingAccount: nonce 1, no code, fresh storage.
        self.state.create_account(&address)?;
        self.state.set_nonce(&address, 1)?;
        // Lib_EthUtils.createContract: the constructor gets all but 1/64 of safeCREATE's gas.
        let frame_gas = S::GAS.max_call_gas(child_gas);
        self.top().kall_gas_left += child_gas - frame_gas;
        let message = Message {
            caller: MANAGER_ADDRESS,
            address,
            code_address: address,
            value: U256::ZERO,
            input: Bytes::new(),
            is_static: false,
            depth,
        };
        let (stack, memory) = self.pool.take();
        let checkpoint = self.top().checkpoint;
        Ok(Next::Run(Frame::new(
            code,
            message,
            frame_gas,
            checkpoint,
            FrameOrigin::Create(address),
            stack,
            memory,
        )))
    }

    /// The part of safeCREATE after the constructor returned `code`: the EVM's deposit rules, the
    /// purity of the runtime code, and the commit of the account.
    fn safe_create_finish<S: Spec>(
        &mut self,
        address: Address,
        code: Bytes,
        gas_left: &mut u64,
    ) -> Result<(), Fail> {
        // Lib_EthUtils.createContract is an EVM CREATE: its failures leave no revert data.
        if S::GAS.max_code_size.is_some_and(|limit| code.len() > limit)
            || (S::GAS.reject_ef_code && code.first() == Some(&0xef))
        {
            *gas_left = 0;
            return Err(Fail::Flag(RevertFlag::OutOfGas, Vec::new()));
        }
        let deposit = gas::CODE_DEPOSIT_BYTE * code.len() as u64;
        if *gas_left < deposit {
            *gas_left = 0;
            return Err(Fail::Flag(RevertFlag::OutOfGas, Vec::new()));
        }
        *gas_left -= deposit;
        let decoded = self.cache.get_or_decode(keccak256(&code), &code);
        if !self.is_pure(&decoded) {
            let reason = abi::encode_revert_string("Constructor attempted to deploy unsafe bytecode.");
            return Err(Fail::Flag(RevertFlag::UnsafeBytecode, reason));
        }
        self.state.set_code(&address, code)?;
        // _commitPendingAccount checks an account change (nuisance gas of the new contract).
        self.account_change(*gas_left, &address)?;
        Ok(())
    }

    /// ovmCREATEEOA: recover the signer and, if its account is empty, deploy the OVM_ProxyEOA
    /// runtime there (the contracts-v2 account abstraction), nonce 0.
    fn create_eoa<S: Spec>(
        &mut self,
        args: &Args<'_>,
        gas: &mut u64,
        context: MessageContext,
    ) -> Result<Served, Fail> {
        self.not_static()?;
        let _ = context;
        let hash = args.word(0)?;
        let v = args.uint8(1)?;
        let r = args.word(2)?;
        let s = args.word(3)?;
        // ecrecover(hash, v + 27, r, s) through the precompile, at its price.
        let mut input = Vec::with_capacity(128);
        for w in [hash, U256::from(u16::from(v) + 27), r, s] {
            abi::push_word(&mut input, w);
        }
        let ecrecover = Address::from_low_u64(1);
        let recovered = match precompiles::run(&ecrecover, &input, *gas, S::FORK) {
            Some(Ok(out)) => {
                charge(gas, out.gas_used)?;
                out.output
            }
            _ => return Err(Fail::OutOfGas),
        };
        if recovered.len() != 32 {
            let message = b"Signature provided for EOA contract creation is invalid.";
            return Err(Fail::Flag(RevertFlag::IntentionalRevert, message.to_vec()));
        }
        let eoa = Address::from_word(U256::from_be_slice(&recovered));
        self.account_load(*gas, &eoa)?;
        let account = self.state.peek_account(&eoa)?;
        if account.info.code_hash != KECCAK_EMPTY || account.info.nonce != 0 {
            return Ok(Served::Return(Vec::new()));
        }
        let code = self.config.proxy_eoa_code.clone();
        charge(gas, Self::opcode_gas::<S>(Method::Create) + gas::CODE_DEPOSIT_BYTE * code.len() as u64)?;
        self.state.create_account(&eoa)?;
        self.state.set_code(&eoa, code)?;
        self.account_change(*gas, &eoa)?;
        self.state.set_nonce(&eoa, 0)?;
        self.top().created.push(eoa);
        Ok(Served::Return(Vec::new()))
    }

    /// Ends the message on top of the stack with the raw return data (`Ok`) or revert data
    /// (`Err`) of its callee, and makes the result of the kall that started it
    /// (OVM_ExecutionManager._handleExternalMessage after the call).
    fn end_message(&mut self, outcome: Result<Vec<u8>, Vec<u8>>, child_gas_left: u64) -> SubResult {
        let record = self.messages.pop().expect("a message to end");
        let (success, nuisance_left, data, flag) = match outcome {
            Ok(data) => (true, record.nuisance_left, data, None),
            Err(revert_data) => {
                self.state.revert(record.checkpoint);
                let revert = flags::decode(&revert_data);
                // Creations pass any flag's data on; calls only an intentional revert's.
                let data = if revert.flag == RevertFlag::IntentionalRevert
                    || matches!(record.kind, MessageKind::Create(_))
                {
                    revert.data
                } else {
                    Vec::new()
                };
                (false, revert.nuisance_gas_left, data, Some(revert.flag))
            }
        };
        // The caller pays the nuisance gas the message used. (Solidity 0.7 did not check this
        // subtraction; it saturates here.)
        let used = record.nuisance_limit.saturating_sub(nuisance_left);
        let parent = self.top();
        parent.nuisance_left = parent.nuisance_left.saturating_sub(used);
        let gas_left = record.kall_gas_left + child_gas_left;
        if T::ENABLED {
            let reason = if success { ExitReason::Return } else { ExitReason::Revert };
            self.tracer.frame_exit(reason, child_gas_left, &data);
        }
        if success {
            let mut created = record.created;
            if let MessageKind::Create(address) = record.kind {
                created.push(address);
            }
            self.top().created.extend(created);
        }
        if self.messages.len() == 1 {
            self.entry = Some(EntryOutcome { success, flag, data: data.clone() });
        }
        if flag == Some(RevertFlag::InvalidStateAccess) {
            // Re-raised at once: it aborts every message up to the transaction.
            return Self::kall_result(
                ExitReason::Revert,
                gas_left,
                flags::encode(RevertFlag::InvalidStateAccess, 0, &[]),
            );
        }
        let head = match record.kind {
            MessageKind::Call => U256::from(success as u8),
            MessageKind::Create(address) => {
                if success {
                    address.to_word()
                } else {
                    U256::ZERO
                }
            }
        };
        Self::kall_result(ExitReason::Return, gas_left, abi::encode_word_and_bytes(head, &data))
    }
}

impl<T: Tracer> FrameDriver for OvmDriver<'_, '_, T> {
    fn start<S: Spec>(&mut self, next: Next) -> Result<Next, DatabaseError> {
        match next {
            Next::Call(request) if request.kall => self.kall::<S>(request),
            Next::Call(request) => {
                // The only other call pure code makes is kopy's call to the identity precompile.
                let target = request.message.code_address;
                let gas = request.gas;
                Ok(match precompiles::run(&target, &request.message.input, gas, S::FORK) {
                    Some(Ok(out)) => Next::Done(SubResult {
                        reason: ExitReason::Return,
                        gas_left: gas.saturating_sub(out.gas_used),
                        output: Bytes::from(out.output),
                        created: None,
                    }),
                    Some(Err(_)) => Next::Done(SubResult {
                        reason: ExitReason::PrecompileFailure,
                        gas_left: 0,
                        output: Bytes::new(),
                        created: None,
                    }),
                    None => Next::Done(SubResult {
                        reason: ExitReason::Stop,
                        gas_left: gas,
                        output: Bytes::new(),
                        created: None,
                    }),
                })
            }
            // CREATE is not pure: it cannot appear in code the manager runs.
            Next::Create(_) => Ok(Next::Done(SubResult {
                reason: ExitReason::InvalidOpcode,
                gas_left: 0,
                output: Bytes::new(),
                created: None,
            })),
            done_or_run => Ok(done_or_run),
        }
    }

    fn run<S: Spec>(&mut self, frame: &mut Frame) -> Action {
        let mut host = Host { state: &mut self.state, env: &self.env };
        interpreter::run::<S, T>(frame, &mut host, &mut self.tracer)
    }

    fn finish<S: Spec>(&mut self, frame: Frame, reason: ExitReason) -> Result<SubResult, DatabaseError> {
        let origin = frame.origin();
        let mut gas_left = frame.gas();
        let output = frame.output().to_vec();
        self.pool.recycle(frame);

        let outcome = if reason.is_success() {
            match origin {
                FrameOrigin::Call => Ok(output),
                FrameOrigin::Create(address) => {
                    match self.safe_create_finish::<S>(address, Bytes::from(output), &mut gas_left) {
                        Ok(()) => Ok(Vec::new()),
                        Err(fail) => {
                            let nuisance_left = self.top().nuisance_left;
                            Err(match fail {
                                Fail::Flag(flag, data) => flags::encode(flag, nuisance_left, &data),
                                Fail::OutOfGas => Vec::new(),
                            })
                        }
                    }
                }
            }
        } else if reason.is_revert() {
            Err(output)
        } else {
            gas_left = 0;
            Err(Vec::new())
        };
        Ok(self.end_message(outcome, gas_left))
    }
}
