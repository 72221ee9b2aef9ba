//! An in-memory [`Database`] holding a whole world state, with its Merkle-Patricia state root.

use alloc::vec::Vec;

use super::{AccountInfo, Database, DatabaseCommit, DatabaseError, StateChanges};
use crate::primitives::{Address, B256, Map, U256, keccak256};
use crate::trie;

/// An account with its storage, as kept by [`InMemoryDb`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StoredAccount {
    /// Nonce, balance and code.
    pub info: AccountInfo,
    /// Non-zero storage slots.
    pub storage: Map<U256, U256>,
}

/// A complete world state in memory. Block hashes follow the state-test convention unless set:
/// `keccak256` of the block number written in decimal.
#[derive(Clone, Debug, Default)]
pub struct InMemoryDb {
    accounts: Map<Address, StoredAccount>,
    block_hashes: Map<u64, B256>,
}

impl InMemoryDb {
    /// An empty state.
    pub fn new() -> InMemoryDb {
        InMemoryDb::default()
    }

    /// Inserts or replaces an account (zero storage values are dropped).
    pub fn insert_account(
        &mut self,
        address: Address,
        info: AccountInfo,
        storage: impl IntoIterator<Item = (U256, U256)>,
    ) {
        let storage = storage.into_iter().filter(|(_, v)| !v.is_zero()).collect();
        self.accounts.insert(address, StoredAccount { info, storage });
    }

    /// Sets one storage slot of an existing account (zero deletes it); `false` if there is no
    /// such account.
    pub fn set_storage(&mut self, address: &Address, slot: U256, value: U256) -> bool {
        let Some(account) = self.accounts.get_mut(address) else {
            return false;
        };
        if value.is_zero() {
            account.storage.remove(&slot);
        } else {
            account.storage.insert(slot, value);
        }
        true
    }

    /// Sets the hash BLOCKHASH returns for `number`.
    pub fn set_block_hash(&mut self, number: u64, hash: B256) {
        self.block_hashes.insert(number, hash);
    }

    /// The account at `address`.
    pub fn get(&self, address: &Address) -> Option<&StoredAccount> {
        self.accounts.get(address)
    }

    /// Every account, sorted by address.
    pub fn accounts_sorted(&self) -> Vec<(&Address, &StoredAccount)> {
        let mut all: Vec<_> = self.accounts.iter().collect();
        all.sort_unstable_by_key(|(a, _)| **a);
        all
    }

    /// Number of accounts.
    pub fn len(&self) -> usize {
        self.accounts.len()
    }

    /// `true` when there is no account.
    pub fn is_empty(&self) -> bool {
        self.accounts.is_empty()
    }

    /// Writes the changes of a finished transaction.
    pub fn commit(&mut self, changes: StateChanges) {
        for address in changes.deleted {
            self.accounts.remove(&address);
        }
        for update in changes.updated {
            let account = self.accounts.entry(update.address).or_default();
            account.info = update.info;
            if update.storage_cleared {
                account.storage.clear();
            }
            for (slot, value) in update.storage {
                if value.is_zero() {
                    account.storage.remove(&slot);
                } else {
                    account.storage.insert(slot, value);
                }
            }
        }
    }

    /// The storage root of one account.
    pub fn storage_root(&self, address: &Address) -> B256 {
        match self.accounts.get(address) {
            Some(account) => trie::storage_root(account.storage.iter().map(|(k, v)| (*k, *v))),
            None => trie::EMPTY_ROOT,
        }
    }

    /// The state root: the secure trie of `keccak256(address)` to
    /// `rlp([nonce, balance, storageRoot, codeHash])` (Yellow Paper section 4.1).
    pub fn state_root(&self) -> B256 {
        trie::secure_trie_root(self.accounts.iter().map(|(address, account)| {
            let storage_root = trie::storage_root(account.storage.iter().map(|(k, v)| (*k, *v)));
            let info = &account.info;
            (address.0, trie::account_rlp(info.nonce, info.balance, storage_root, info.code_hash))
        }))
    }
}

impl DatabaseCommit for InMemoryDb {
    fn commit(&mut self, changes: StateChanges) {
        InMemoryDb::commit(self, changes);
    }
}

impl Database for InMemoryDb {
    fn account(&mut self, address: &Address) -> Result<Option<AccountInfo>, DatabaseError> {
        Ok(self.accounts.get(address).map(|a| a.info.clone()))
    }

    fn storage(&mut self, address: &Address, slot: &U256) -> Result<U256, DatabaseError> {
        Ok(self.accounts.get(address).and_then(|a| a.storage.get(slot)).copied().unwrap_or_default())
    }

    fn has_storage(&mut self, address: &Address) -> Result<bool, DatabaseError> {
        Ok(self.accounts.get(address).is_some_and(|a| !a.storage.is_empty()))
    }

    fn block_hash(&mut self, number: u64) -> Result<B256, DatabaseError> {
        if let Some(hash) = self.block_hashes.get(&number) {
            return Ok(*hash);
        }
        // ethereum/tests convention (go-ethereum `vmTestBlockHash`): keccak of the decimal number.
        let mut digits = [0u8; 20];
        let mut n = number;
        let mut start = digits.len();
        loop {
            start -= 1;
            digits[start] = b'0' + (n % 10) as u8;
            n /= 10;
            if n == 0 {
                break;
            }
        }
        Ok(keccak256(&digits[start..]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_state_root() {
        assert_eq!(InMemoryDb::new().state_root(), trie::EMPTY_ROOT);
    }

    #[test]
    fn block_hash_convention() {
        let mut db = InMemoryDb::new();
        assert_eq!(db.block_hash(0).unwrap(), keccak256(b"0"));
        assert_eq!(db.block_hash(1234).unwrap(), keccak256(b"1234"));
        db.set_block_hash(5, B256::ZERO);
        assert_eq!(db.block_hash(5).unwrap(), B256::ZERO);
    }
}
