//! The Execution Manager: a native container of OVM state. Configure accounts, code, nonces,
//! balances, storage and the context, execute one OVM transaction, and read the result and the
//! post-state root (the fraud-proof primitive: state N + transaction N+1 -> root N+1).
//!
//! Contracts run as ordinary EVM frames on this crate's interpreter, decoded in the OVM dialect;
//! the kalls they make are served natively by [`driver`] with the semantics of the 2021
//! `OVM_ExecutionManager` (contracts-v2, `spec/OVM.md` sections 2, 5 and 6).

pub mod abi;
pub mod accounts;
mod driver;
pub mod flags;
mod methods;

use alloc::vec::Vec;

use bytes::Bytes;

pub use driver::{DEFAULT_ADDRESS, MANAGER_ADDRESS};
pub use flags::{Revert, RevertFlag};
pub use methods::Method;

use crate::decode::{CodeCache, Dialect};
use crate::fork::Fork;
use crate::primitives::{Address, B256, Map, U256, keccak256};
use crate::state::{AccountInfo, Database, DatabaseCommit, InMemoryDb, JournaledState, Log, StateChanges};
use crate::tracer::{NoTracer, Tracer};
use crate::with_spec;

/// Who may create contracts (`spec/OVM.md` section 2.5; contracts-v2 asked the
/// `OVM_DeployerWhitelist` predeploy).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum DeployerPolicy {
    /// Anyone.
    #[default]
    AllowAll,
    /// Only these creators; others get `CREATOR_NOT_ALLOWED`.
    Allow(Vec<Address>),
}

/// The manager's fixed configuration (contracts-v2's constructor arguments and more).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ManagerConfig {
    /// The EVM rules OVM code runs under (gas included). Default: Istanbul, the rules of the 2021
    /// L2 and the opcode set of the purity checker.
    pub fork: Fork,
    /// ovmCHAINID.
    pub chain_id: u64,
    /// Transactions with a smaller gas limit are rejected.
    pub min_transaction_gas_limit: u64,
    /// Transactions with a larger gas limit are rejected.
    pub max_transaction_gas_limit: u64,
    /// ovmGASLIMIT (contracts-v2: `maxGasPerQueuePerEpoch`, not the transaction's limit).
    pub max_gas_per_queue_per_epoch: u64,
    /// Who may create contracts.
    pub deployer_policy: DeployerPolicy,
    /// The runtime code ovmCREATEEOA installs (default: `OVM_ProxyEOA` of contracts 0.3.5).
    pub proxy_eoa_code: Bytes,
    /// Opt-in (`spec/OVM.md` section 7, off by default, which is the contracts-v2 verdict):
    /// creation code may end its code with [`crate::opcode::sequences::CODE_END`]; the bytes
    /// after it (the constructor arguments) are data, which the constructor reads with CODECOPY
    /// but nothing executes, so the purity check does not read them. Without it, arguments
    /// whose bytes read as a JUMPDEST and banned opcodes make safe code "unsafe" (the 2021
    /// "unsafe constructor argument"). The transpiler writes the marker with
    /// `transpile::Options::code_end_marker`.
    pub initcode_data_section: bool,
}

/// The runtime code of `OVM_ProxyEOA` from npm `@eth-optimism/contracts@0.3.5` (MIT).
const PROXY_EOA_HEX: &str = include_str!("OVM_ProxyEOA.runtime.hex");

impl Default for ManagerConfig {
    fn default() -> Self {
        ManagerConfig {
            fork: Fork::Istanbul,
            chain_id: 10,
            min_transaction_gas_limit: 0,
            max_transaction_gas_limit: 9_000_000,
            max_gas_per_queue_per_epoch: 1_000_000_000_000,
            deployer_policy: DeployerPolicy::AllowAll,
            proxy_eoa_code: Bytes::from(crate::primitives::decode_hex(PROXY_EOA_HEX).unwrap_or_default()),
            initcode_data_section: false,
        }
    }
}

/// The context a transaction runs in; [`ExecutionManager::execute_transaction`] takes timestamp,
/// number and L1 origin from the transaction itself, as `OVM_ExecutionManager._initContext` did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TransactionContext {
    /// ovmTIMESTAMP.
    pub timestamp: U256,
    /// ovmNUMBER.
    pub block_number: U256,
    /// ovmL1QUEUEORIGIN: 0 sequencer queue, 1 L1-to-L2 queue.
    pub l1_queue_origin: u8,
    /// ovmL1TXORIGIN.
    pub l1_tx_origin: Address,
}

/// An OVM transaction (`Lib_OVMCodec.Transaction`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OvmTransaction {
    /// L1 timestamp.
    pub timestamp: U256,
    /// L1 block number.
    pub block_number: U256,
    /// 0 sequencer queue, 1 L1-to-L2 queue.
    pub l1_queue_origin: u8,
    /// The L1 account that enqueued it.
    pub l1_tx_origin: Address,
    /// The contract called.
    pub entrypoint: Address,
    /// Gas limit.
    pub gas_limit: u64,
    /// Call data.
    pub data: Bytes,
}

impl OvmTransaction {
    /// `Lib_OVMCodec.hashTransaction`: keccak of the packed encoding of the fields, in order.
    pub fn hash(&self) -> B256 {
        let mut packed = Vec::with_capacity(32 * 2 + 1 + 20 * 2 + 32 + self.data.len());
        packed.extend_from_slice(&self.timestamp.to_be_bytes::<32>());
        packed.extend_from_slice(&self.block_number.to_be_bytes::<32>());
        packed.push(self.l1_queue_origin);
        packed.extend_from_slice(&self.l1_tx_origin.0);
        packed.extend_from_slice(&self.entrypoint.0);
        packed.extend_from_slice(&U256::from(self.gas_limit).to_be_bytes::<32>());
        packed.extend_from_slice(&self.data);
        keccak256(&packed)
    }
}

/// How a transaction ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Status {
    /// The entrypoint returned.
    Success,
    /// The entrypoint's message failed with this flag.
    Failed(RevertFlag),
    /// The gas limit is outside the configured range: nothing ran (contracts-v2 `run` returned
    /// without reverting).
    Rejected,
}

/// The result of one transaction.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TransactionResult {
    /// How it ended.
    pub status: Status,
    /// The entrypoint's return data, or the data of its failure (an intentional revert's data).
    pub return_data: Bytes,
    /// Gas used, after the refund (capped per the fork's rule).
    pub gas_used: u64,
    /// Nuisance gas used.
    pub nuisance_gas_used: u64,
    /// Logs, in order (none when the transaction failed).
    pub logs: Vec<Log>,
    /// Contracts created (including EOA proxies), in the order their creations completed: a
    /// contract created by initcode comes before the contract that initcode belongs to.
    pub created: Vec<Address>,
    /// The state changes (empty when nothing changed).
    pub changes: StateChanges,
}

impl TransactionResult {
    /// `true` when the entrypoint returned.
    pub fn is_success(&self) -> bool {
        self.status == Status::Success
    }

    /// The failure flag, if any.
    pub fn flag(&self) -> Option<RevertFlag> {
        match self.status {
            Status::Failed(flag) => Some(flag),
            _ => None,
        }
    }
}

/// The execution manager over a state database (by default an [`InMemoryDb`] the manager owns).
/// A database that answers `DatabaseError::Missing*` for state it does not hold runs in proof
/// mode: touching such state fails the transaction with `INVALID_STATE_ACCESS`.
pub struct ExecutionManager<DB = InMemoryDb> {
    db: DB,
    config: ManagerConfig,
    context: TransactionContext,
    cache: CodeCache,
    purity: Map<B256, bool>,
}

impl<DB: core::fmt::Debug> core::fmt::Debug for ExecutionManager<DB> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("ExecutionManager")
            .field("db", &self.db)
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl ExecutionManager<InMemoryDb> {
    /// A manager over an empty in-memory state.
    pub fn new(config: ManagerConfig) -> Self {
        ExecutionManager::with_database(InMemoryDb::new(), config)
    }

    /// Sets an account (nonce, balance, code), keeping its storage.
    pub fn set_account(&mut self, address: Address, nonce: u64, balance: U256, code: Bytes) {
        let storage: Vec<(U256, U256)> = self
            .db
            .get(&address)
            .map(|a| a.storage.iter().map(|(k, v)| (*k, *v)).collect())
            .unwrap_or_default();
        self.db.insert_account(address, AccountInfo::new(balance, nonce, code), storage);
    }

    /// Sets one storage slot (creating an empty account if there is none).
    pub fn set_storage(&mut self, address: Address, slot: U256, value: U256) {
        if self.db.get(&address).is_none() {
            self.db.insert_account(address, AccountInfo::default(), []);
        }
        self.db.set_storage(&address, slot, value);
    }

    /// The post-state root.
    pub fn state_root(&self) -> B256 {
        self.db.state_root()
    }
}

impl<DB: Database + DatabaseCommit> ExecutionManager<DB> {
    /// A manager over `db`.
    pub fn with_database(db: DB, config: ManagerConfig) -> Self {
        let cache = CodeCache::with_dialect(config.fork, Dialect::Ovm);
        ExecutionManager { db, config, context: TransactionContext::default(), cache, purity: Map::default() }
    }

    /// The configuration.
    pub fn config(&self) -> &ManagerConfig {
        &self.config
    }

    /// Sets the default context (the transaction's own fields take precedence when it runs).
    pub fn set_context(&mut self, context: TransactionContext) {
        self.context = context;
    }

    /// The current context.
    pub fn context(&self) -> TransactionContext {
        self.context
    }

    /// The state database.
    pub fn database(&self) -> &DB {
        &self.db
    }

    /// The state database, to change it between transactions.
    pub fn database_mut(&mut self) -> &mut DB {
        &mut self.db
    }

    /// Runs `tx` and writes its changes to the database.
    pub fn execute_transaction(&mut self, tx: &OvmTransaction) -> TransactionResult {
        self.execute_traced(tx, NoTracer).0
    }

    /// Runs `tx` with a tracer; returns the result and the tracer.
    pub fn execute_traced<T: Tracer>(&mut self, tx: &OvmTransaction, tracer: T) -> (TransactionResult, T) {
        let fork = self.config.fork;
        with_spec!(fork, S => self.execute_with::<S, T>(tx, tracer))
    }

    fn execute_with<S: crate::spec::Spec, T: Tracer>(
        &mut self,
        tx: &OvmTransaction,
        tracer: T,
    ) -> (TransactionResult, T) {
        let rejected = |tracer: T| {
            let result = TransactionResult {
                status: Status::Rejected,
                return_data: Bytes::new(),
                gas_used: 0,
                nuisance_gas_used: 0,
                logs: Vec::new(),
                created: Vec::new(),
                changes: StateChanges::default(),
            };
            (result, tracer)
        };
        // OVM_ExecutionManager._isValidGasLimit.
        if tx.gas_limit > self.config.max_transaction_gas_limit
            || tx.gas_limit < self.config.min_transaction_gas_limit
        {
            return rejected(tracer);
        }
        self.context = TransactionContext {
            timestamp: tx.timestamp,
            block_number: tx.block_number,
            l1_queue_origin: tx.l1_queue_origin,
            l1_tx_origin: tx.l1_tx_origin,
        };
        let state = JournaledState::new(&mut self.db, S::FORK);
        let start = state.checkpoint();
        let gas = tx.gas_limit - self.config.min_transaction_gas_limit;
        let mut driver = driver::OvmDriver::new(
            state,
            &mut self.cache,
            &mut self.purity,
            tracer,
            &self.config,
            self.context,
            tx.gas_limit,
        );
        let outcome = driver
            .entry::<S>(tx.entrypoint, tx.data.clone(), gas)
            .and_then(|first| crate::evm::drive::<S, _>(&mut driver, first));
        let (gas_left, entry) = match (outcome, driver.entry.take()) {
            (Ok(result), Some(entry)) => (result.gas_left, entry),
            // A state error outside any message (cannot happen with a complete database):
            // treat it as the invalid state access it is.
            _ => (
                0,
                driver::EntryOutcome {
                    success: false,
                    flag: Some(RevertFlag::InvalidStateAccess),
                    data: Vec::new(),
                },
            ),
        };
        let nuisance_gas_used = driver.nuisance_gas_used();
        let status = match (entry.success, entry.flag) {
            (true, _) => Status::Success,
            (false, Some(flag)) => Status::Failed(flag),
            (false, None) => Status::Failed(RevertFlag::OutOfGas),
        };
        if status == Status::Failed(RevertFlag::InvalidStateAccess) {
            // The fraud proof lacked state: the transaction changes nothing.
            driver.state.revert(start);
        }
        let gas_used_before_refund = gas - gas_left;
        let refund =
            (driver.state.refund().max(0) as u64).min(gas_used_before_refund / S::GAS.max_refund_quotient);
        let gas_used = tx.gas_limit - gas_left - refund;
        let logs = if status == Status::Success { driver.state.take_logs() } else { Vec::new() };
        let created = if status == Status::Failed(RevertFlag::InvalidStateAccess) {
            Vec::new()
        } else {
            driver.take_created()
        };
        let changes = driver.state.finalize();
        let tracer = driver.tracer;
        self.db.commit(changes.clone());
        let result = TransactionResult {
            status,
            return_data: Bytes::from(entry.data),
            gas_used,
            nuisance_gas_used,
            logs,
            created,
            changes,
        };
        (result, tracer)
    }
}

#[cfg(test)]
mod tests;
