//! Shared bench bodies: loading the workload data files and running one workload through ovm or
//! revm with the same bytecode, calldata, gas and fork (a full transaction on both sides).

#![allow(dead_code, reason = "each bench target uses a different subset")]

use std::path::{Path, PathBuf};

use bytes::Bytes;
use ovm::primitives::decode_hex;
use ovm::state::{AccountInfo, InMemoryDb};
use ovm::{Address, CodeCache, Env, Evm, Fork, Transaction, U256};

/// The caller and target of the benchmark corpus's common setup (`benches/workloads/README.md`).
pub(crate) const CALLER: Address =
    Address([0x10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01]);
pub(crate) const TARGET: Address =
    Address([0x20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x02]);
pub(crate) const GAS_LIMIT: u64 = 1_000_000_000;

/// One workload: runtime code, calldata and expected output.
pub(crate) struct Workload {
    pub(crate) name: String,
    pub(crate) code: Vec<u8>,
    pub(crate) input: Vec<u8>,
    pub(crate) expected: Vec<u8>,
}

fn read_hex(path: &Path) -> Vec<u8> {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    decode_hex(text.trim()).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The single-contract workloads: those copied into `benches/workloads` and, when present, the
/// GPL-3.0 ones that may only be read from `../shared/benchmarks`.
pub(crate) fn workloads() -> Vec<Workload> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut dirs: Vec<PathBuf> = Vec::new();
    for base in [root.join("benches/workloads"), root.join("../shared/benchmarks")] {
        let Ok(entries) = std::fs::read_dir(&base) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let name = entry.file_name().to_string_lossy().to_string();
            // burntpix needs several accounts and storage; it has its own bench body.
            if path.join("code.hex").is_file()
                && name != "burntpix"
                && !dirs.iter().any(|d| d.ends_with(&name))
            {
                dirs.push(path);
            }
        }
    }
    dirs.sort_by_key(|d| d.file_name().map(|n| n.to_os_string()));
    dirs.into_iter()
        .map(|dir| Workload {
            name: dir.file_name().unwrap_or_default().to_string_lossy().to_string(),
            code: read_hex(&dir.join("code.hex")),
            input: read_hex(&dir.join("input.hex")),
            expected: read_hex(&dir.join("expected.hex")),
        })
        .collect()
}

/// ovm: a prepared state and code cache; each run is one transaction that is not committed.
pub(crate) struct OvmRunner {
    db: InMemoryDb,
    cache: CodeCache,
    tx: Transaction,
}

impl OvmRunner {
    pub(crate) fn new(workload: &Workload) -> Self {
        let mut db = InMemoryDb::new();
        db.insert_account(CALLER, AccountInfo::new(U256::from(u128::MAX), 0, Bytes::new()), []);
        db.insert_account(TARGET, AccountInfo::new(U256::ZERO, 1, Bytes::from(workload.code.clone())), []);
        let tx = Transaction {
            caller: CALLER,
            gas_limit: GAS_LIMIT,
            to: Some(TARGET),
            data: Bytes::from(workload.input.clone()),
            ..Transaction::default()
        };
        OvmRunner { db, cache: CodeCache::new(Fork::Cancun), tx }
    }

    pub(crate) fn run(&mut self) -> Bytes {
        let env = Env {
            block: ovm::BlockEnv { gas_limit: U256::from(u64::MAX), ..Default::default() },
            ..Env::default()
        };
        let mut evm = Evm::new(&mut self.db, env, &mut self.cache);
        let result = evm.transact(&self.tx).expect("valid transaction");
        result.output
    }
}

/// revm: the same transaction through `transact_one` (no commit), Cancun rules.
pub(crate) struct RevmRunner {
    evm: revm::MainnetEvm<revm::handler::MainnetContext<revm::database::BenchmarkDB>>,
    tx: revm::context::TxEnv,
}

impl RevmRunner {
    pub(crate) fn new(workload: &Workload) -> Self {
        use revm::context::TxEnv;
        use revm::database::{BENCH_CALLER, BENCH_TARGET, BenchmarkDB};
        use revm::primitives::TxKind;
        use revm::primitives::hardfork::SpecId;
        use revm::{Context, MainBuilder, MainContext};
        let bytecode = revm::bytecode::Bytecode::new_raw(workload.code.clone().into());
        let evm = Context::mainnet()
            .with_db(BenchmarkDB::new_bytecode(bytecode))
            .modify_cfg_chained(|c| {
                c.spec = SpecId::CANCUN;
                c.disable_nonce_check = true;
                c.tx_gas_limit_cap = Some(u64::MAX);
            })
            .modify_block_chained(|b| b.gas_limit = u64::MAX)
            .build_mainnet();
        let tx = TxEnv::builder()
            .caller(BENCH_CALLER)
            .kind(TxKind::Call(BENCH_TARGET))
            .data(workload.input.clone().into())
            .gas_limit(GAS_LIMIT)
            .build()
            .expect("valid revm transaction");
        RevmRunner { evm, tx }
    }

    pub(crate) fn run(&mut self) -> Vec<u8> {
        use revm::ExecuteEvm;
        let result = self.evm.transact_one(self.tx.clone()).expect("revm runs the workload");
        result.output().map(|o| o.to_vec()).unwrap_or_default()
    }
}
