//! World state: the [`Database`] trait through which embedders supply pre-state, the journaled
//! state a transaction runs against, and an in-memory database with its state root.

mod journal;
mod memory;

pub use journal::{
    Account, AccountUpdate, Checkpoint, JournaledState, Log, Marker, SstoreOutcome, StateChanges,
};
pub use memory::{InMemoryDb, StoredAccount};

use bytes::Bytes;

use crate::primitives::{Address, B256, KECCAK_EMPTY, U256, keccak256};

/// The part of an account that is not storage.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AccountInfo {
    /// Transaction count (EOAs) or creation count (contracts).
    pub nonce: u64,
    /// Balance in wei.
    pub balance: U256,
    /// Keccak-256 of `code`.
    pub code_hash: B256,
    /// The runtime code.
    pub code: Bytes,
}

impl Default for AccountInfo {
    fn default() -> Self {
        AccountInfo { nonce: 0, balance: U256::ZERO, code_hash: KECCAK_EMPTY, code: Bytes::new() }
    }
}

impl AccountInfo {
    /// An account with this balance, nonce and code.
    pub fn new(balance: U256, nonce: u64, code: Bytes) -> AccountInfo {
        let code_hash = if code.is_empty() { KECCAK_EMPTY } else { keccak256(&code) };
        AccountInfo { nonce, balance, code_hash, code }
    }

    /// EIP-161: no code, zero nonce and zero balance.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.nonce == 0 && self.balance.is_zero() && self.code_hash == KECCAK_EMPTY
    }

    /// `true` when the account has code.
    #[inline]
    pub fn has_code(&self) -> bool {
        self.code_hash != KECCAK_EMPTY
    }
}

/// A piece of state the database could not provide.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DatabaseError {
    /// The account is not available (in proof mode: not part of the witness).
    #[error("account {0} is not available")]
    MissingAccount(Address),
    /// The storage slot is not available (in proof mode: not part of the witness).
    #[error("storage slot {slot:#x} of {address} is not available")]
    MissingStorage {
        /// The account.
        address: Address,
        /// The slot.
        slot: U256,
    },
    /// The hash of this block is not available.
    #[error("hash of block {0} is not available")]
    MissingBlockHash(u64),
    /// The embedder's storage failed; the code is the embedder's own.
    #[error("state backend failure (code {0})")]
    Backend(u32),
}

/// A database that can take the changes of a finished transaction.
pub trait DatabaseCommit {
    /// Writes `changes`.
    fn commit(&mut self, changes: StateChanges);
}

/// Pre-state provider. The journaled state asks for each account and slot at most once per
/// transaction; implement this over your own storage to run against it.
pub trait Database {
    /// The account at `address`, or `None` when it does not exist.
    fn account(&mut self, address: &Address) -> Result<Option<AccountInfo>, DatabaseError>;
    /// The value of `slot` in the storage of `address` (zero when unset).
    fn storage(&mut self, address: &Address, slot: &U256) -> Result<U256, DatabaseError>;
    /// `true` when the account at `address` has any non-zero storage (EIP-7610 collision check).
    fn has_storage(&mut self, address: &Address) -> Result<bool, DatabaseError>;
    /// The hash of block `number` (BLOCKHASH; only asked for the 256 most recent blocks).
    fn block_hash(&mut self, number: u64) -> Result<B256, DatabaseError>;
}
