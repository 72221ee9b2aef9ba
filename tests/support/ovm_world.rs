//! Two worlds for differential tests and benches of the execution manager: the OVM world (the
//! manager, with a deployer and forwarding user accounts written as OVM code) and the EVM world
//! (an in-memory state where the same accounts call directly), plus the 2021 artifacts.

#![allow(dead_code, reason = "each test and bench target uses a different subset")]

use bytes::Bytes;
use ovm::manager::{ExecutionManager, ManagerConfig, OvmTransaction};
use ovm::primitives::{Address, U256, decode_hex, keccak256};
use ovm::state::{AccountInfo, InMemoryDb, Log};
use ovm::{CodeCache, Env, Evm, Fork};

pub(crate) const DEPLOYER: Address = Address::from_low_u64(0xd0d0);
pub(crate) const ALICE: Address = Address::from_low_u64(0xa11ce);
pub(crate) const BOB: Address = Address::from_low_u64(0xb0b);
pub(crate) const CAROL: Address = Address::from_low_u64(0xca401);
pub(crate) const TIMESTAMP: u64 = 1_620_000_000;
pub(crate) const CHAIN_ID: u64 = 10;

pub(crate) fn artifact(build: &str, name: &str) -> (Vec<u8>, serde_json::Value) {
    let path = format!("{}/tests/data/ovm-artifacts/{build}/{name}.json", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let json: serde_json::Value = serde_json::from_str(&text).expect("artifact JSON");
    let initcode = decode_hex(json["bytecode"].as_str().expect("bytecode")).expect("hex");
    (initcode, json)
}

pub(crate) fn selector(signature: &str) -> Vec<u8> {
    keccak256(signature.as_bytes()).0[..4].to_vec()
}

pub(crate) fn word(value: U256) -> [u8; 32] {
    value.to_be_bytes::<32>()
}

pub(crate) fn call(signature: &str, args: &[U256]) -> Vec<u8> {
    let mut out = selector(signature);
    for a in args {
        out.extend_from_slice(&word(*a));
    }
    out
}

/// The library's deployer account code (`ovmCREATE` of the call data).
pub(crate) fn ovm_deployer() -> Vec<u8> {
    ovm::manager::accounts::deployer()
}

/// The library's forwarding user account code.
pub(crate) fn ovm_forwarder() -> Vec<u8> {
    ovm::manager::accounts::forwarder()
}

/// The OVM world: the manager with the deployer and user accounts as forwarders.
pub(crate) struct OvmWorld {
    pub(crate) em: ExecutionManager,
}

/// The EVM world: an in-memory state where the same accounts are plain callers.
pub(crate) struct EvmWorld {
    pub(crate) db: InMemoryDb,
}

/// What one call did, for comparison.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Outcome {
    pub(crate) success: bool,
    pub(crate) output: Vec<u8>,
    pub(crate) logs: Vec<Log>,
}

impl OvmWorld {
    pub(crate) fn new(users: &[Address]) -> Self {
        Self::with_config(users, ManagerConfig { chain_id: CHAIN_ID, ..ManagerConfig::default() })
    }

    pub(crate) fn with_config(users: &[Address], config: ManagerConfig) -> Self {
        let mut em = ExecutionManager::new(config);
        em.set_account(DEPLOYER, 1, U256::ZERO, Bytes::from(ovm_deployer()));
        for user in users {
            em.set_account(*user, 1, U256::ZERO, Bytes::from(ovm_forwarder()));
        }
        OvmWorld { em }
    }

    pub(crate) fn transaction(
        &mut self,
        entrypoint: Address,
        data: Vec<u8>,
    ) -> ovm::manager::TransactionResult {
        let tx = OvmTransaction {
            timestamp: U256::from(TIMESTAMP),
            block_number: U256::from(100),
            l1_queue_origin: 0,
            l1_tx_origin: Address::ZERO,
            entrypoint,
            gas_limit: 9_000_000,
            data: Bytes::from(data),
        };
        if std::env::var_os("OVM_TRACE").is_some() {
            let tracer = ovm::tracer::Eip3155Tracer::new(std::io::stderr());
            return self.em.execute_traced(&tx, tracer).0;
        }
        self.em.execute_transaction(&tx)
    }

    pub(crate) fn deploy(&mut self, initcode: Vec<u8>) -> Address {
        let result = self.transaction(DEPLOYER, initcode);
        assert!(result.is_success(), "{:?}", result.status);
        let address = Address::from_word(U256::from_be_slice(&result.return_data[..32]));
        assert_ne!(address, Address::ZERO, "ovmCREATE failed");
        address
    }

    pub(crate) fn call(&mut self, from: Address, to: Address, data: &[u8]) -> Outcome {
        let mut input = to.to_word().to_be_bytes::<32>().to_vec();
        input.extend_from_slice(data);
        let result = self.transaction(from, input);
        assert!(result.is_success(), "forwarder: {:?}", result.status);
        let out = &result.return_data;
        let success = U256::from_be_slice(&out[..32]) == U256::from(1);
        let len = U256::from_be_slice(&out[64..96]).to::<usize>();
        Outcome { success, output: out[96..96 + len].to_vec(), logs: result.logs }
    }

    pub(crate) fn storage(&self, address: &Address) -> Vec<(U256, U256)> {
        let mut s: Vec<_> =
            self.em.database().get(address).unwrap().storage.iter().map(|(k, v)| (*k, *v)).collect();
        s.sort();
        s
    }
}

impl EvmWorld {
    pub(crate) fn new() -> Self {
        let mut db = InMemoryDb::new();
        db.insert_account(DEPLOYER, AccountInfo::new(U256::from(10u64.pow(18)), 1, Bytes::new()), []);
        EvmWorld { db }
    }

    pub(crate) fn env() -> Env {
        let mut env = Env { chain_id: CHAIN_ID, ..Env::default() };
        env.block.timestamp = U256::from(TIMESTAMP);
        env.block.number = U256::from(100);
        env
    }

    pub(crate) fn deploy(&mut self, initcode: Vec<u8>) -> Address {
        let mut cache = CodeCache::new(Fork::Istanbul);
        let mut evm = Evm::new(&mut self.db, Self::env(), &mut cache);
        let tx = ovm::Transaction {
            caller: DEPLOYER,
            nonce: 1,
            gas_limit: 9_000_000,
            data: Bytes::from(initcode),
            ..ovm::Transaction::default()
        };
        let result = evm.transact(&tx).expect("valid creation");
        assert!(result.is_success(), "{:?}", result.reason);
        let changes = evm.finalize();
        self.db.commit(changes);
        result.created.expect("created")
    }

    pub(crate) fn call(&mut self, from: Address, to: Address, data: &[u8]) -> Outcome {
        let mut cache = CodeCache::new(Fork::Istanbul);
        let mut evm = Evm::new(&mut self.db, Self::env(), &mut cache);
        let result = evm.call(from, to, U256::ZERO, Bytes::copy_from_slice(data), 5_000_000).expect("state");
        let changes = evm.finalize();
        self.db.commit(changes);
        Outcome { success: result.is_success(), output: result.output.to_vec(), logs: result.logs }
    }

    pub(crate) fn storage(&self, address: &Address) -> Vec<(U256, U256)> {
        let mut s: Vec<_> = self.db.get(address).unwrap().storage.iter().map(|(k, v)| (*k, *v)).collect();
        s.sort();
        s
    }
}
