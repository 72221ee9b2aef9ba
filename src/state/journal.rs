//! The journaled state of one transaction: accounts and slots loaded from a [`Database`], every
//! change recorded so that a frame's changes can be reverted, EIP-2929 access lists, EIP-1153
//! transient storage, logs and the refund counter.

use alloc::boxed::Box;
use alloc::vec::Vec;

use bytes::Bytes;

use super::{AccountInfo, Database, DatabaseError};
use crate::fork::Fork;
use crate::primitives::{Address, B256, KECCAK_EMPTY, Map, U256, keccak256};

/// A log record emitted by LOG0..LOG4.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Log {
    /// The emitting contract.
    pub address: Address,
    /// Up to four topics.
    pub topics: Vec<B256>,
    /// The data.
    pub data: Bytes,
}

/// A storage slot as seen during the transaction.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Slot {
    /// The value at the start of the transaction (EIP-1283/EIP-2200 "original").
    pub original: U256,
    /// The current value.
    pub present: U256,
    /// EIP-2929: accessed in this transaction.
    pub warm: bool,
}

/// An account loaded into the journaled state.
#[derive(Clone, Debug)]
pub struct Account {
    /// Nonce, balance and code.
    pub info: AccountInfo,
    /// Slots read or written in this transaction.
    pub storage: Map<U256, Slot>,
    /// `false` for an address the database does not have and nothing has created yet.
    pub exists: bool,
    /// EIP-2929: accessed in this transaction.
    pub warm: bool,
    /// Changed or touched (EIP-161) in this transaction and not reverted.
    pub touched: bool,
    /// Created in this transaction (EIP-6780).
    pub created: bool,
    /// Self-destructed in this transaction.
    pub selfdestructed: bool,
    /// The storage of this account in the database is to be ignored (it was created afresh).
    storage_cleared: bool,
}

impl Account {
    /// EIP-161 "empty": no code, zero nonce, zero balance.
    pub fn is_empty(&self) -> bool {
        self.info.is_empty()
    }

    /// EIP-161 "dead": does not exist or is empty.
    pub fn is_dead(&self) -> bool {
        !self.exists || self.info.is_empty()
    }
}

/// One undoable change.
#[derive(Clone, Debug)]
enum Entry {
    AccountWarmed(Address),
    AccountExists(Address),
    AccountTouched(Address),
    AccountCreated(Address),
    BalanceChange { address: Address, old: U256 },
    NonceChange { address: Address, old: u64 },
    // Boxed: code changes are rare, and the account record would double every entry's size.
    CodeChange { address: Address, old: Box<AccountInfo> },
    StorageChange { address: Address, slot: U256, old: U256 },
    StorageWarmed { address: Address, slot: U256 },
    TransientChange { address: Address, slot: U256, old: U256 },
    SelfDestructed(Address),
    Refund(i64),
    Marked(Marker),
}

/// A journaled mark an embedder sets on an account or slot (the execution manager records which
/// accounts and slots a transaction changed, for nuisance gas); undone with the frame that set it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Marker {
    /// The embedder's own kind of mark.
    pub kind: u8,
    /// The account.
    pub address: Address,
    /// The slot (zero for account marks).
    pub slot: U256,
}

/// A point to revert to: the journal and log lengths when it was taken.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Checkpoint {
    journal: usize,
    logs: usize,
}

/// What an SSTORE found and did, for gas accounting.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SstoreOutcome {
    /// Value at the start of the transaction.
    pub original: U256,
    /// Value before this store.
    pub present: U256,
    /// EIP-2929: the slot was cold before this store.
    pub was_cold: bool,
}

/// One account to write after a transaction.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AccountUpdate {
    /// The account.
    pub address: Address,
    /// Its nonce, balance and code.
    pub info: AccountInfo,
    /// The slots changed, sorted; a zero value deletes the slot.
    pub storage: Vec<(U256, U256)>,
    /// The account was created afresh: drop its old storage before writing `storage`.
    pub storage_cleared: bool,
}

/// The changes of a finished transaction, to be written to the database.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StateChanges {
    /// Accounts to write, sorted by address.
    pub updated: Vec<AccountUpdate>,
    /// Accounts to delete (self-destructed, or touched and empty under EIP-161).
    pub deleted: Vec<Address>,
}

/// The loaded account at `address`, loading it from `db` on first use (one hash lookup when it is
/// already loaded).
/// With `warm_precompiles` set to the fork, precompile accounts are warm from the start
/// (EIP-2929).
fn load_account<'m>(
    accounts: &'m mut Map<Address, Account>,
    db: &mut dyn Database,
    address: &Address,
    warm_precompiles: Option<Fork>,
) -> Result<&'m mut Account, DatabaseError> {
    // `entry_ref` hashes the caller's address in place: copying it first made the hasher's word
    // loads wait on the copy's overlapping stores (seen in profiles as a store-forwarding stall).
    match accounts.entry_ref(address) {
        hashbrown::hash_map::EntryRef::Occupied(entry) => Ok(entry.into_mut()),
        hashbrown::hash_map::EntryRef::Vacant(entry) => {
            let loaded = db.account(address)?;
            let exists = loaded.is_some();
            let warm = warm_precompiles.is_some_and(|fork| crate::precompiles::is_precompile(address, fork));
            Ok(entry.insert(Account {
                info: loaded.unwrap_or_default(),
                storage: Map::default(),
                exists,
                warm,
                touched: false,
                created: false,
                selfdestructed: false,
                storage_cleared: false,
            }))
        }
    }
}

/// Records that `account` (at `address`) changed: from now on it exists and is touched. Takes
/// the account already looked up, so a change costs one map lookup.
#[inline]
fn note_changed(
    account: &mut Account,
    address: &Address,
    journal: &mut Vec<Entry>,
    ripemd_touched: &mut bool,
) {
    if !account.exists {
        account.exists = true;
        journal.push(Entry::AccountExists(*address));
    }
    if !account.touched {
        account.touched = true;
        journal.push(Entry::AccountTouched(*address));
    }
    if *address == RIPEMD {
        *ripemd_touched = true;
    }
}

/// The slot `slot` of `account` (at `address`), read from `db` the first time.
#[inline]
fn slot_of<'a>(
    account: &'a mut Account,
    db: &mut dyn Database,
    address: &Address,
    slot: &U256,
) -> Result<&'a mut Slot, DatabaseError> {
    let fresh = account.storage_cleared || !account.exists;
    match account.storage.entry(*slot) {
        hashbrown::hash_map::Entry::Occupied(entry) => Ok(entry.into_mut()),
        hashbrown::hash_map::Entry::Vacant(entry) => {
            let value = if fresh { U256::ZERO } else { db.storage(address, slot)? };
            Ok(entry.insert(Slot { original: value, present: value, warm: false }))
        }
    }
}

/// The RIPEMD-160 precompile, whose touch survives a revert (the mainnet consensus quirk of
/// block 2675119; go-ethereum `stateObject.touch`).
const RIPEMD: Address = Address::from_low_u64(3);

/// The journaled state of one transaction over a [`Database`].
pub struct JournaledState<'db> {
    db: &'db mut dyn Database,
    fork: Fork,
    accounts: Map<Address, Account>,
    journal: Vec<Entry>,
    logs: Vec<Log>,
    transient: Map<(Address, U256), U256>,
    markers: crate::primitives::Set<Marker>,
    refund: i64,
    ripemd_touched: bool,
    /// `Some(fork)`: the fork's precompiles count as warm (EIP-2929) without being loaded.
    warm_precompiles: Option<Fork>,
}

impl core::fmt::Debug for JournaledState<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("JournaledState")
            .field("fork", &self.fork)
            .field("accounts", &self.accounts.len())
            .field("journal", &self.journal.len())
            .finish()
    }
}

impl<'db> JournaledState<'db> {
    /// Empty journaled state over `db` under `fork`'s rules.
    pub fn new(db: &'db mut dyn Database, fork: Fork) -> JournaledState<'db> {
        JournaledState {
            db,
            fork,
            // Room for what a transaction touches at least (sender, recipient, coinbase, a few
            // more) without growing the table.
            accounts: Map::with_capacity_and_hasher(8, crate::primitives::FixedHasher),
            journal: Vec::with_capacity(32),
            logs: Vec::new(),
            transient: Map::default(),
            markers: crate::primitives::Set::default(),
            refund: 0,
            ripemd_touched: false,
            warm_precompiles: None,
        }
    }

    /// Makes the fork's precompiles warm (EIP-2929) for the rest of the transaction. They are
    /// loaded, as other accounts are, only when something accesses them.
    pub fn warm_precompiles(&mut self) {
        self.warm_precompiles = Some(self.fork);
        // Those loaded already (few at the start of a transaction: fewer than precompiles).
        let fork = self.fork;
        for (address, account) in self.accounts.iter_mut() {
            if crate::precompiles::is_precompile(address, fork) {
                account.warm = true;
            }
        }
    }

    /// The fork whose rules apply.
    pub fn fork(&self) -> Fork {
        self.fork
    }

    /// The database behind this state.
    pub fn database(&mut self) -> &mut dyn Database {
        self.db
    }

    /// A checkpoint to revert to.
    #[inline]
    pub fn checkpoint(&self) -> Checkpoint {
        Checkpoint { journal: self.journal.len(), logs: self.logs.len() }
    }

    /// Undoes every change made after `checkpoint`.
    pub fn revert(&mut self, checkpoint: Checkpoint) {
        self.logs.truncate(checkpoint.logs);
        while self.journal.len() > checkpoint.journal {
            let Some(entry) = self.journal.pop() else {
                break;
            };
            self.undo(entry);
        }
    }

    fn undo(&mut self, entry: Entry) {
        fn account<'s>(accounts: &'s mut Map<Address, Account>, address: &Address) -> &'s mut Account {
            accounts.get_mut(address).expect("journaled accounts stay loaded")
        }
        let accounts = &mut self.accounts;
        match entry {
            Entry::AccountWarmed(a) => account(accounts, &a).warm = false,
            Entry::AccountExists(a) => account(accounts, &a).exists = false,
            Entry::AccountTouched(a) => account(accounts, &a).touched = false,
            Entry::AccountCreated(a) => {
                let acc = account(accounts, &a);
                acc.created = false;
                acc.storage_cleared = false;
            }
            Entry::BalanceChange { address, old } => account(accounts, &address).info.balance = old,
            Entry::NonceChange { address, old } => account(accounts, &address).info.nonce = old,
            Entry::CodeChange { address, old } => account(accounts, &address).info = *old,
            Entry::StorageChange { address, slot, old } => {
                if let Some(s) = account(accounts, &address).storage.get_mut(&slot) {
                    s.present = old;
                }
            }
            Entry::StorageWarmed { address, slot } => {
                if let Some(s) = account(accounts, &address).storage.get_mut(&slot) {
                    s.warm = false;
                }
            }
            Entry::TransientChange { address, slot, old } => {
                if old.is_zero() {
                    self.transient.remove(&(address, slot));
                } else {
                    self.transient.insert((address, slot), old);
                }
            }
            Entry::SelfDestructed(a) => account(accounts, &a).selfdestructed = false,
            Entry::Refund(old) => self.refund = old,
            Entry::Marked(marker) => {
                self.markers.remove(&marker);
            }
        }
    }

    /// Loads `address` if needed, without marking it warm.
    fn load(&mut self, address: &Address) -> Result<&mut Account, DatabaseError> {
        load_account(&mut self.accounts, &mut *self.db, address, self.warm_precompiles)
    }

    /// Marks `address` warm before execution starts (sender, recipient, precompiles, access list,
    /// coinbase); not journaled.
    pub fn warm_account(&mut self, address: &Address) -> Result<(), DatabaseError> {
        self.load(address)?.warm = true;
        Ok(())
    }

    /// Marks a slot warm before execution starts (EIP-2930 access list); not journaled.
    pub fn warm_slot(&mut self, address: &Address, slot: &U256) -> Result<(), DatabaseError> {
        self.sload_inner(address, slot)?;
        if let Some(s) = self.accounts.get_mut(address).and_then(|a| a.storage.get_mut(slot)) {
            s.warm = true;
        }
        Ok(())
    }

    /// Loads `address` and marks it warm; returns the account and whether it was cold (EIP-2929).
    pub fn access_account(&mut self, address: &Address) -> Result<(&mut Account, bool), DatabaseError> {
        let account = load_account(&mut self.accounts, &mut *self.db, address, self.warm_precompiles)?;
        let was_cold = !account.warm;
        if was_cold {
            account.warm = true;
            self.journal.push(Entry::AccountWarmed(*address));
        }
        Ok((account, was_cold))
    }

    /// The account at `address` if it is loaded.
    pub fn account(&self, address: &Address) -> Option<&Account> {
        self.accounts.get(address)
    }

    /// Loads `address` without changing its warm status.
    pub fn peek_account(&mut self, address: &Address) -> Result<&Account, DatabaseError> {
        Ok(&*self.load(address)?)
    }

    /// Makes a loaded account exist and marks it touched (every change does both, as go-ethereum's
    /// `getOrNewStateObject` and journal do).
    fn mark_changed(&mut self, address: &Address) {
        let account = self.accounts.get_mut(address).expect("changed accounts are loaded");
        note_changed(account, address, &mut self.journal, &mut self.ripemd_touched);
    }

    /// EIP-161 touch: a zero-value transfer to `address` (makes it exist; from Spurious Dragon on,
    /// an empty touched account is deleted at the end of the transaction).
    pub fn touch(&mut self, address: &Address) -> Result<(), DatabaseError> {
        self.load(address)?;
        self.mark_changed(address);
        Ok(())
    }

    /// Sets the balance of `address`.
    pub fn set_balance(&mut self, address: &Address, balance: U256) -> Result<(), DatabaseError> {
        self.update_balance(address, |_| balance)
    }

    /// Adds `value` to the balance of `address` (wrapping: the total supply cannot overflow).
    pub fn add_balance(&mut self, address: &Address, value: U256) -> Result<(), DatabaseError> {
        self.update_balance(address, |old| old.wrapping_add(value))
    }

    /// Replaces the balance of `address` by `new(old)`, journaled, in one lookup.
    fn update_balance(
        &mut self,
        address: &Address,
        new: impl FnOnce(U256) -> U256,
    ) -> Result<(), DatabaseError> {
        let account = load_account(&mut self.accounts, &mut *self.db, address, self.warm_precompiles)?;
        let old = account.info.balance;
        account.info.balance = new(old);
        self.journal.push(Entry::BalanceChange { address: *address, old });
        note_changed(account, address, &mut self.journal, &mut self.ripemd_touched);
        Ok(())
    }

    /// Moves `value` from `from` to `to`; `Ok(false)` without any change when `from` cannot pay.
    /// Both accounts are touched even when `value` is zero.
    pub fn transfer(&mut self, from: &Address, to: &Address, value: U256) -> Result<bool, DatabaseError> {
        let from_balance = self.load(from)?.info.balance;
        if from_balance < value {
            return Ok(false);
        }
        self.set_balance(from, from_balance - value)?;
        self.add_balance(to, value)?;
        Ok(true)
    }

    /// Sets the nonce of `address`.
    pub fn set_nonce(&mut self, address: &Address, nonce: u64) -> Result<(), DatabaseError> {
        let account = load_account(&mut self.accounts, &mut *self.db, address, self.warm_precompiles)?;
        let old = core::mem::replace(&mut account.info.nonce, nonce);
        self.journal.push(Entry::NonceChange { address: *address, old });
        note_changed(account, address, &mut self.journal, &mut self.ripemd_touched);
        Ok(())
    }

    /// Installs `code` at `address`.
    pub fn set_code(&mut self, address: &Address, code: Bytes) -> Result<(), DatabaseError> {
        let account = self.load(address)?;
        let code_hash = if code.is_empty() { KECCAK_EMPTY } else { keccak256(&code) };
        let new = AccountInfo { code_hash, code, ..account.info.clone() };
        let old = core::mem::replace(&mut account.info, new);
        self.journal.push(Entry::CodeChange { address: *address, old: Box::new(old) });
        self.mark_changed(address);
        Ok(())
    }

    /// Starts a new contract at `address` (CREATE/CREATE2 or a creation transaction): the balance
    /// is kept, storage starts empty, and it counts as created in this transaction (EIP-6780).
    pub fn create_account(&mut self, address: &Address) -> Result<(), DatabaseError> {
        let account = self.load(address)?;
        account.created = true;
        account.storage_cleared = true;
        account.storage.retain(|_, s| s.warm);
        for slot in account.storage.values_mut() {
            slot.original = U256::ZERO;
            slot.present = U256::ZERO;
        }
        self.journal.push(Entry::AccountCreated(*address));
        self.mark_changed(address);
        Ok(())
    }

    /// EIP-7610: `true` when the account at `address` has non-zero storage, which makes it
    /// a collision target for CREATE/CREATE2 even without code or nonce.
    pub fn has_storage(&mut self, address: &Address) -> Result<bool, DatabaseError> {
        let account = self.load(address)?;
        if account.storage.values().any(|s| !s.present.is_zero()) {
            return Ok(true);
        }
        if account.storage_cleared || !account.exists {
            return Ok(false);
        }
        self.db.has_storage(address)
    }

    /// Marks `address` self-destructed; returns `true` if it already was.
    pub fn mark_selfdestructed(&mut self, address: &Address) -> Result<bool, DatabaseError> {
        let account = self.load(address)?;
        let already = account.selfdestructed;
        if !already {
            account.selfdestructed = true;
            self.journal.push(Entry::SelfDestructed(*address));
        }
        self.mark_changed(address);
        Ok(already)
    }

    fn sload_inner(&mut self, address: &Address, slot: &U256) -> Result<&mut Slot, DatabaseError> {
        let db = &mut *self.db;
        let account = load_account(&mut self.accounts, db, address, self.warm_precompiles)?;
        slot_of(account, db, address, slot)
    }

    /// SLOAD: the current value and whether the slot was cold (EIP-2929; marks it warm).
    pub fn sload(&mut self, address: &Address, slot: &U256) -> Result<(U256, bool), DatabaseError> {
        let s = self.sload_inner(address, slot)?;
        let was_cold = !s.warm;
        s.warm = true;
        let value = s.present;
        if was_cold {
            self.journal.push(Entry::StorageWarmed { address: *address, slot: *slot });
        }
        Ok((value, was_cold))
    }

    /// The value of a slot at the start of the transaction and now, without warming it.
    pub fn peek_slot(&mut self, address: &Address, slot: &U256) -> Result<Slot, DatabaseError> {
        Ok(*self.sload_inner(address, slot)?)
    }

    /// SSTORE: writes `value` and reports what was there for gas accounting.
    pub fn sstore(
        &mut self,
        address: &Address,
        slot: &U256,
        value: U256,
    ) -> Result<SstoreOutcome, DatabaseError> {
        let db = &mut *self.db;
        let account = load_account(&mut self.accounts, db, address, self.warm_precompiles)?;
        let s = slot_of(account, db, address, slot)?;
        let outcome = SstoreOutcome { original: s.original, present: s.present, was_cold: !s.warm };
        s.warm = true;
        s.present = value;
        if outcome.was_cold {
            self.journal.push(Entry::StorageWarmed { address: *address, slot: *slot });
        }
        self.journal.push(Entry::StorageChange { address: *address, slot: *slot, old: outcome.present });
        note_changed(account, address, &mut self.journal, &mut self.ripemd_touched);
        Ok(outcome)
    }

    /// TLOAD (EIP-1153).
    pub fn tload(&self, address: &Address, slot: &U256) -> U256 {
        self.transient.get(&(*address, *slot)).copied().unwrap_or_default()
    }

    /// TSTORE (EIP-1153).
    pub fn tstore(&mut self, address: &Address, slot: &U256, value: U256) {
        let old = if value.is_zero() {
            self.transient.remove(&(*address, *slot))
        } else {
            self.transient.insert((*address, *slot), value)
        }
        .unwrap_or_default();
        if old != value {
            self.journal.push(Entry::TransientChange { address: *address, slot: *slot, old });
        }
    }

    /// Sets `marker`; returns `true` if it was already set. Reverted with the frame that set it.
    pub fn mark(&mut self, marker: Marker) -> bool {
        let fresh = self.markers.insert(marker);
        if fresh {
            self.journal.push(Entry::Marked(marker));
        }
        !fresh
    }

    /// Appends a log.
    pub fn log(&mut self, log: Log) {
        self.logs.push(log);
    }

    /// The logs emitted so far (and not reverted).
    pub fn logs(&self) -> &[Log] {
        &self.logs
    }

    /// Takes the logs out of the state.
    pub fn take_logs(&mut self) -> Vec<Log> {
        core::mem::take(&mut self.logs)
    }

    /// Adds `delta` (possibly negative) to the refund counter.
    #[inline]
    pub fn add_refund(&mut self, delta: i64) {
        if delta != 0 {
            self.journal.push(Entry::Refund(self.refund));
            self.refund += delta;
        }
    }

    /// The refund counter.
    #[inline]
    pub fn refund(&self) -> i64 {
        self.refund
    }

    /// The hash of block `number`, from the database.
    pub fn block_hash(&mut self, number: u64) -> Result<B256, DatabaseError> {
        self.db.block_hash(number)
    }

    /// Ends the transaction: deletes self-destructed accounts and (from Spurious Dragon on)
    /// touched empty ones, and returns every change to write to the database.
    pub fn finalize(&mut self) -> StateChanges {
        let clear_empty = self.fork.is_at_least(Fork::SpuriousDragon);
        if self.ripemd_touched
            && let Some(account) = self.accounts.get_mut(&RIPEMD)
            && account.exists
        {
            account.touched = true;
        }
        let mut changes = StateChanges::default();
        let mut addresses: Vec<Address> = self.accounts.keys().copied().collect();
        addresses.sort_unstable();
        for address in addresses {
            let account = &self.accounts[&address];
            if account.selfdestructed || (clear_empty && account.touched && account.is_empty()) {
                if account.exists || account.selfdestructed {
                    changes.deleted.push(address);
                }
                continue;
            }
            if !account.touched || !account.exists {
                continue;
            }
            let mut slots: Vec<(U256, U256)> = account
                .storage
                .iter()
                .filter(|(_, s)| s.present != s.original || account.storage_cleared)
                .map(|(k, s)| (*k, s.present))
                .collect();
            slots.sort_unstable();
            changes.updated.push(AccountUpdate {
                address,
                info: account.info.clone(),
                storage: slots,
                storage_cleared: account.storage_cleared,
            });
        }
        self.journal.clear();
        self.transient.clear();
        self.markers.clear();
        self.accounts.clear();
        self.refund = 0;
        self.ripemd_touched = false;
        changes
    }
}
