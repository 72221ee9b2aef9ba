//! Ethereum state tests (the ethereum/tests `GeneralStateTests` format): the fixture model, one
//! case run and judged as `../shared/ethtests/README.md` says, and the parallel runner behind
//! `ovm statetest`.

pub(crate) mod json;
pub mod runner;
pub mod vmtest;

use alloc::string::{String, ToString};
use alloc::vec::Vec;

use bytes::Bytes;
use serde_json::Value;

pub use json::FixtureError;

use crate::decode::CodeCache;
use crate::env::{BlockEnv, Env, blob_base_fee};
use crate::evm::{AccessList, Evm, Transaction, TransactionError};
use crate::fork::Fork;
use crate::primitives::{Address, B256, U256, keccak256};
use crate::rlp;
use crate::state::{AccountInfo, InMemoryDb, Log};
use crate::tracer::Tracer;

/// One account of a test's pre-state.
#[derive(Clone, Debug)]
pub struct PreAccount {
    /// Its address.
    pub address: Address,
    /// Nonce, balance and code.
    pub info: AccountInfo,
    /// Storage slots.
    pub storage: Vec<(U256, U256)>,
}

/// The block environment of a test.
#[derive(Clone, Debug)]
pub struct TestEnv {
    /// `currentCoinbase`.
    pub coinbase: Address,
    /// `currentDifficulty`.
    pub difficulty: U256,
    /// `currentGasLimit`.
    pub gas_limit: U256,
    /// `currentNumber`.
    pub number: U256,
    /// `currentTimestamp`.
    pub timestamp: U256,
    /// `currentBaseFee` (London on).
    pub base_fee: Option<U256>,
    /// `currentRandom` (Paris on).
    pub random: Option<B256>,
    /// `currentExcessBlobGas` (Cancun).
    pub excess_blob_gas: Option<u64>,
}

/// The transaction template of a test: every case picks one data, gas limit and value.
#[derive(Clone, Debug)]
pub struct TestTransaction {
    /// Call data choices.
    pub data: Vec<Bytes>,
    /// Gas limit choices (`None`: larger than 64 bits).
    pub gas_limit: Vec<Option<u64>>,
    /// Value choices (`None`: at least 2^256, an invalid transaction).
    pub value: Vec<Option<U256>>,
    /// Access list per data choice (`None` in the list: no access list).
    pub access_lists: Option<Vec<Option<AccessList>>>,
    /// Sender nonce (`None`: larger than 64 bits).
    pub nonce: Option<u64>,
    /// Legacy gas price.
    pub gas_price: Option<U256>,
    /// EIP-1559 fee cap.
    pub max_fee_per_gas: Option<U256>,
    /// EIP-1559 priority fee cap.
    pub max_priority_fee_per_gas: Option<U256>,
    /// Recipient; `None` creates a contract.
    pub to: Option<Address>,
    /// Sender.
    pub sender: Address,
    /// EIP-4844 versioned hashes.
    pub blob_hashes: Option<Vec<B256>>,
    /// EIP-4844 blob fee cap.
    pub max_fee_per_blob_gas: Option<U256>,
}

/// The expected result of one case.
#[derive(Clone, Debug)]
pub struct PostEntry {
    /// Expected state root.
    pub hash: B256,
    /// Expected hash of the RLP list of logs.
    pub logs: B256,
    /// Indexes into the transaction's data, gas limit and value lists.
    pub indexes: (usize, usize, usize),
    /// The exception the transaction must be rejected with, if any.
    pub expect_exception: Option<String>,
}

/// One state test.
#[derive(Clone, Debug)]
pub struct StateTest {
    /// The test's name (the key in the fixture file).
    pub name: String,
    /// Block environment.
    pub env: TestEnv,
    /// Pre-state.
    pub pre: Vec<PreAccount>,
    /// Transaction template.
    pub transaction: TestTransaction,
    /// Expected results per fork, in file order.
    pub post: Vec<(Fork, Vec<PostEntry>)>,
    /// Fork names in `post` this interpreter does not know.
    pub unknown_forks: Vec<String>,
}

/// Parses every test in a fixture file.
pub fn parse_file(text: &str) -> Result<Vec<StateTest>, FixtureError> {
    let root: Value = serde_json::from_str(text).map_err(|e| FixtureError::Json(e.to_string()))?;
    let object = root.as_object().ok_or(FixtureError::Field("<test object>"))?;
    object.iter().map(|(name, test)| parse_test(name, test)).collect()
}

fn parse_test(name: &str, test: &Value) -> Result<StateTest, FixtureError> {
    use json::*;
    let env_json = field(test, "env")?;
    let optional = |key: &'static str| env_json.get(key);
    let env = TestEnv {
        coinbase: address(field(env_json, "currentCoinbase")?, "currentCoinbase")?,
        difficulty: u256(field(env_json, "currentDifficulty")?, "currentDifficulty")?,
        gas_limit: u256(field(env_json, "currentGasLimit")?, "currentGasLimit")?,
        number: u256(field(env_json, "currentNumber")?, "currentNumber")?,
        timestamp: u256(field(env_json, "currentTimestamp")?, "currentTimestamp")?,
        base_fee: optional("currentBaseFee").map(|v| u256(v, "currentBaseFee")).transpose()?,
        random: optional("currentRandom").map(|v| b256(v, "currentRandom")).transpose()?,
        excess_blob_gas: optional("currentExcessBlobGas")
            .map(|v| {
                u64_quantity(v, "currentExcessBlobGas")?.ok_or(FixtureError::Field("currentExcessBlobGas"))
            })
            .transpose()?,
    };

    let pre = parse_accounts(field(test, "pre")?, "pre")?;

    let tx = field(test, "transaction")?;
    let list = |key: &'static str| -> Result<&Vec<Value>, FixtureError> {
        field(tx, key)?.as_array().ok_or(FixtureError::Field(key))
    };
    let opt_u256 = |key: &'static str| tx.get(key).map(|v| u256(v, key)).transpose();
    let to = match string(field(tx, "to")?, "to")? {
        "" => None,
        _ => Some(address(field(tx, "to")?, "to")?),
    };
    let access_lists = match tx.get("accessLists") {
        None => None,
        Some(lists) => {
            let lists = lists.as_array().ok_or(FixtureError::Field("accessLists"))?;
            Some(lists.iter().map(parse_access_list).collect::<Result<Vec<_>, _>>()?)
        }
    };
    let transaction = TestTransaction {
        data: list("data")?.iter().map(|v| bytes(v, "data")).collect::<Result<_, _>>()?,
        gas_limit: list("gasLimit")?.iter().map(|v| u64_quantity(v, "gasLimit")).collect::<Result<_, _>>()?,
        value: list("value")?.iter().map(|v| quantity(v, "value")).collect::<Result<_, _>>()?,
        access_lists,
        nonce: u64_quantity(field(tx, "nonce")?, "nonce")?,
        gas_price: opt_u256("gasPrice")?,
        max_fee_per_gas: opt_u256("maxFeePerGas")?,
        max_priority_fee_per_gas: opt_u256("maxPriorityFeePerGas")?,
        to,
        sender: address(field(tx, "sender")?, "sender")?,
        blob_hashes: match tx.get("blobVersionedHashes") {
            None => None,
            Some(v) => Some(
                v.as_array()
                    .ok_or(FixtureError::Field("blobVersionedHashes"))?
                    .iter()
                    .map(|h| b256(h, "blobVersionedHashes"))
                    .collect::<Result<_, _>>()?,
            ),
        },
        max_fee_per_blob_gas: opt_u256("maxFeePerBlobGas")?,
    };

    let mut post = Vec::new();
    let mut unknown_forks = Vec::new();
    for (fork_name, entries) in field(test, "post")?.as_object().ok_or(FixtureError::Field("post"))? {
        let Ok(fork) = fork_name.parse::<Fork>() else {
            unknown_forks.push(fork_name.clone());
            continue;
        };
        let entries = entries.as_array().ok_or(FixtureError::Field("post"))?;
        let mut parsed = Vec::with_capacity(entries.len());
        for entry in entries {
            let indexes = field(entry, "indexes")?;
            let index = |key: &'static str| -> Result<usize, FixtureError> {
                field(indexes, key)?.as_u64().map(|i| i as usize).ok_or(FixtureError::Field(key))
            };
            parsed.push(PostEntry {
                hash: b256(field(entry, "hash")?, "hash")?,
                logs: b256(field(entry, "logs")?, "logs")?,
                indexes: (index("data")?, index("gas")?, index("value")?),
                expect_exception: entry.get("expectException").and_then(Value::as_str).map(str::to_string),
            });
        }
        post.push((fork, parsed));
    }
    Ok(StateTest { name: name.to_string(), env, pre, transaction, post, unknown_forks })
}

/// Parses an alloc-format account map (`{address: {balance, code, nonce, storage}}`); a missing
/// field means zero, empty code or empty storage.
pub(crate) fn parse_accounts(accounts: &Value, key: &'static str) -> Result<Vec<PreAccount>, FixtureError> {
    use json::*;
    let mut out = Vec::new();
    for (addr, account) in accounts.as_object().ok_or(FixtureError::Field(key))? {
        let address = Address::from_hex(addr).map_err(|_| FixtureError::Hex(key))?;
        if !account.is_object() {
            return Err(FixtureError::Field(key));
        }
        let code = account.get("code").map(|v| bytes(v, "code")).transpose()?.unwrap_or_default();
        let nonce = match account.get("nonce") {
            Some(v) => u64_quantity(v, "nonce")?.ok_or(FixtureError::Field("nonce"))?,
            None => 0,
        };
        let balance = account.get("balance").map(|v| u256(v, "balance")).transpose()?.unwrap_or_default();
        let mut storage = Vec::new();
        if let Some(slots) = account.get("storage") {
            for (slot, value) in slots.as_object().ok_or(FixtureError::Field("storage"))? {
                let slot = quantity(&Value::String(slot.clone()), "storage")?
                    .ok_or(FixtureError::Field("storage"))?;
                storage.push((slot, u256(value, "storage")?));
            }
        }
        out.push(PreAccount { address, info: AccountInfo::new(balance, nonce, code), storage });
    }
    Ok(out)
}

/// Writes accounts in the alloc format, sorted by address and slot, quantities in minimal hex.
pub fn alloc_json(db: &InMemoryDb) -> Value {
    let mut accounts = serde_json::Map::new();
    for (address, account) in db.accounts_sorted() {
        let mut slots: Vec<_> = account.storage.iter().collect();
        slots.sort();
        let storage: serde_json::Map<String, Value> =
            slots.into_iter().map(|(k, v)| (format!("{k:#x}"), Value::String(format!("{v:#x}")))).collect();
        let mut entry = serde_json::Map::new();
        entry.insert("balance".into(), Value::String(format!("{:#x}", account.info.balance)));
        entry.insert("nonce".into(), Value::String(format!("{:#x}", account.info.nonce)));
        entry.insert("code".into(), Value::String(crate::primitives::encode_hex(&account.info.code)));
        entry.insert("storage".into(), Value::Object(storage));
        accounts.insert(address.to_string(), Value::Object(entry));
    }
    Value::Object(accounts)
}

/// Parses an alloc-format state (`ovm exec --pre`) into a database.
pub fn parse_alloc(text: &str) -> Result<InMemoryDb, FixtureError> {
    let value: Value = serde_json::from_str(text).map_err(|e| FixtureError::Json(e.to_string()))?;
    let mut db = InMemoryDb::new();
    for account in parse_accounts(&value, "<state>")? {
        db.insert_account(account.address, account.info, account.storage);
    }
    Ok(db)
}

fn parse_access_list(list: &Value) -> Result<Option<AccessList>, FixtureError> {
    if list.is_null() {
        return Ok(None);
    }
    let items = list.as_array().ok_or(FixtureError::Field("accessLists"))?;
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        let address = json::address(json::field(item, "address")?, "address")?;
        let keys = json::field(item, "storageKeys")?.as_array().ok_or(FixtureError::Field("storageKeys"))?;
        let keys =
            keys.iter().map(|k| json::b256(k, "storageKeys").map(B256::to_u256)).collect::<Result<_, _>>()?;
        out.push((address, keys));
    }
    Ok(Some(out))
}

/// The keccak of the RLP list of logs, as state tests record it.
pub fn logs_hash(logs: &[Log]) -> B256 {
    let mut out = Vec::new();
    rlp::encode_list_with(&mut out, |out| {
        for log in logs {
            rlp::encode_list_with(out, |out| {
                rlp::encode_address(out, &log.address);
                rlp::encode_list_with(out, |out| {
                    for topic in &log.topics {
                        rlp::encode_b256(out, topic);
                    }
                });
                rlp::encode_bytes(out, &log.data);
            });
        }
    });
    keccak256(&out)
}

/// The state-test harness pays the coinbase a zero reward after the transaction, valid or not
/// (go-ethereum `tests/state_test_util.go`: "Add 0-value mining reward"). Before EIP-161 that
/// leaves an empty coinbase in the state; from Spurious Dragon on an empty one is removed.
fn touch_coinbase(
    db: &mut InMemoryDb,
    coinbase: Address,
    fork: Fork,
) -> Result<(), crate::state::DatabaseError> {
    let mut state = crate::state::JournaledState::new(db, fork);
    state.touch(&coinbase)?;
    let changes = state.finalize();
    db.commit(changes);
    Ok(())
}

/// The result of one case.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CaseOutcome {
    /// The post-state root.
    pub state_root: B256,
    /// The logs hash.
    pub logs_hash: B256,
    /// Why the transaction was rejected, if it was.
    pub rejected: Option<String>,
    /// Gas used, when it ran.
    pub gas_used: Option<u64>,
    /// Return data, when it ran.
    pub output: Bytes,
    /// How the outermost frame ended, when it ran.
    pub reason: Option<crate::ExitReason>,
}

/// A state the case could not be set up or run with.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CaseError {
    /// The fixture is inconsistent.
    #[error(transparent)]
    Fixture(#[from] FixtureError),
    /// The in-memory state failed (cannot happen with complete fixtures).
    #[error("state error: {0}")]
    State(String),
}

impl StateTest {
    /// The pre-state as a database.
    pub fn pre_state(&self) -> InMemoryDb {
        let mut db = InMemoryDb::new();
        for account in &self.pre {
            db.insert_account(account.address, account.info.clone(), account.storage.iter().copied());
        }
        db
    }

    /// The environment for `fork` (geth's defaults: base fee 0x0a when absent from London on).
    pub fn env(&self, fork: Fork) -> Env {
        let e = &self.env;
        let block = BlockEnv {
            number: e.number,
            coinbase: e.coinbase,
            timestamp: e.timestamp,
            gas_limit: e.gas_limit,
            base_fee: if fork.is_at_least(Fork::London) {
                e.base_fee.unwrap_or(U256::from(10))
            } else {
                U256::ZERO
            },
            difficulty: e.difficulty,
            prev_randao: e.random.unwrap_or_default(),
            blob_base_fee: blob_base_fee(e.excess_blob_gas.unwrap_or(0)),
        };
        Env { block, chain_id: 1, ..Env::default() }
    }

    /// The transaction of one case, or `None` when a field does not fit (such a transaction is
    /// invalid).
    pub fn transaction(&self, indexes: (usize, usize, usize)) -> Result<Option<Transaction>, FixtureError> {
        let t = &self.transaction;
        let (d, g, v) = indexes;
        let data = t.data.get(d).ok_or(FixtureError::Index("data"))?.clone();
        let gas_limit = *t.gas_limit.get(g).ok_or(FixtureError::Index("gasLimit"))?;
        let value = *t.value.get(v).ok_or(FixtureError::Index("value"))?;
        let access_list = match &t.access_lists {
            Some(lists) => lists.get(d).ok_or(FixtureError::Index("accessLists"))?.clone(),
            None => None,
        };
        let (Some(gas_limit), Some(value), Some(nonce)) = (gas_limit, value, t.nonce) else {
            return Ok(None);
        };
        // The README of the fixtures, rule 2: blob fields make type 3, a fee cap type 2, an
        // access list type 1, anything else legacy.
        let tx_type = if t.blob_hashes.is_some() || t.max_fee_per_blob_gas.is_some() {
            3
        } else if t.max_fee_per_gas.is_some() {
            2
        } else if access_list.is_some() {
            1
        } else {
            0
        };
        Ok(Some(Transaction {
            tx_type,
            caller: t.sender,
            nonce,
            gas_limit,
            max_fee_per_gas: t.max_fee_per_gas.or(t.gas_price).unwrap_or_default(),
            max_priority_fee_per_gas: t.max_priority_fee_per_gas,
            to: t.to,
            value,
            data,
            access_list: access_list.unwrap_or_default(),
            blob_hashes: t.blob_hashes.clone().unwrap_or_default(),
            max_fee_per_blob_gas: t.max_fee_per_blob_gas,
        }))
    }

    /// Runs one case under `fork` and reports the post-state root and logs hash.
    pub fn run_case<T: Tracer>(
        &self,
        fork: Fork,
        entry: &PostEntry,
        cache: &mut CodeCache,
        tracer: T,
    ) -> Result<(CaseOutcome, T), CaseError> {
        let mut db = self.pre_state();
        let Some(tx) = self.transaction(entry.indexes)? else {
            touch_coinbase(&mut db, self.env.coinbase, fork).map_err(|e| CaseError::State(e.to_string()))?;
            let root = db.state_root();
            let outcome = CaseOutcome {
                state_root: root,
                logs_hash: logs_hash(&[]),
                rejected: Some("a transaction field does not fit its type".into()),
                gas_used: None,
                output: Bytes::new(),
                reason: None,
            };
            return Ok((outcome, tracer));
        };
        let env = self.env(fork);
        debug_assert_eq!(cache.fork(), fork);
        let mut evm = Evm::with_tracer(&mut db, env, cache, tracer);
        let result = evm.transact(&tx);
        let changes = evm.finalize();
        let tracer = evm.into_tracer();
        let outcome = match result {
            Ok(result) => {
                db.commit(changes);
                CaseOutcome {
                    state_root: db.state_root(),
                    logs_hash: logs_hash(&result.logs),
                    rejected: None,
                    gas_used: Some(result.gas_used),
                    output: result.output,
                    reason: Some(result.reason),
                }
            }
            Err(TransactionError::Invalid(invalid)) => {
                touch_coinbase(&mut db, self.env.coinbase, fork)
                    .map_err(|e| CaseError::State(e.to_string()))?;
                CaseOutcome {
                    state_root: db.state_root(),
                    logs_hash: logs_hash(&[]),
                    rejected: Some(invalid.to_string()),
                    gas_used: None,
                    output: Bytes::new(),
                    reason: None,
                }
            }
            Err(TransactionError::Database(e)) => return Err(CaseError::State(e.to_string())),
        };
        Ok((outcome, tracer))
    }
}
