//! The execution manager's overhead: one ERC20 transfer of the 2021 `TestERC20` run as OVM code
//! under the manager (a whole OVM transaction, committed) against its EVM twin run natively (a
//! whole EVM transaction, committed), in one criterion group.

#[path = "../tests/support/ovm_world.rs"]
mod ovm_world;

use bytes::Bytes;
use criterion::{Criterion, criterion_group, criterion_main};
use ovm::manager::{DEFAULT_ADDRESS, ExecutionManager, ManagerConfig, OvmTransaction};
use ovm::primitives::{U256, keccak256};
use ovm::state::{AccountInfo, InMemoryDb};
use ovm::{CodeCache, Env, Evm, Fork, Transaction};
use ovm_world::{DEPLOYER, artifact, ovm_deployer};

fn call(signature: &str, args: &[U256]) -> Vec<u8> {
    let mut out = keccak256(signature.as_bytes()).0[..4].to_vec();
    for a in args {
        out.extend_from_slice(&a.to_be_bytes::<32>());
    }
    out
}

fn transfer(c: &mut Criterion) {
    let holder = DEFAULT_ADDRESS;
    let recipient = ovm::Address::from_low_u64(0xb0b);
    let mint = call("mint(address,uint256)", &[holder.to_word(), U256::from(u64::MAX)]);
    let transfer = call("transfer(address,uint256)", &[recipient.to_word(), U256::from(1)]);

    // OVM: deploy through ovmCREATE, mint, then transfer from the entrypoint's caller.
    let mut em = ExecutionManager::new(ManagerConfig::default());
    em.set_account(DEPLOYER, 1, U256::ZERO, Bytes::from(ovm_deployer()));
    let ovm_tx = |entrypoint, data: &[u8]| OvmTransaction {
        entrypoint,
        gas_limit: 9_000_000,
        data: Bytes::copy_from_slice(data),
        ..OvmTransaction::default()
    };
    let deployed = em.execute_transaction(&ovm_tx(DEPLOYER, &artifact("ovm", "TestERC20").0));
    let token = ovm::Address::from_word(U256::from_be_slice(&deployed.return_data[..32]));
    assert!(em.execute_transaction(&ovm_tx(token, &mint)).is_success());
    let ovm_transfer = ovm_tx(token, &transfer);
    assert!(em.execute_transaction(&ovm_transfer).is_success());

    // EVM: the twin, deployed by a creation transaction, called by the same account.
    let mut db = InMemoryDb::new();
    db.insert_account(holder, AccountInfo::new(U256::from(u128::MAX), 0, Bytes::new()), []);
    let mut nonce = 0;
    // Decoded code is cached across transactions on both sides.
    let mut cache = CodeCache::new(Fork::Istanbul);
    let mut native = |db: &mut InMemoryDb, to: Option<ovm::Address>, data: &[u8]| {
        let mut env = Env::default();
        env.block.gas_limit = U256::from(30_000_000);
        let mut evm = Evm::new(db, env, &mut cache);
        let tx = Transaction {
            caller: holder,
            nonce,
            gas_limit: 9_000_000,
            to,
            data: Bytes::copy_from_slice(data),
            ..Transaction::default()
        };
        nonce += 1;
        let result = evm.transact(&tx).expect("valid");
        let changes = evm.finalize();
        db.commit(changes);
        result
    };
    let evm_token = native(&mut db, None, &artifact("evm", "TestERC20").0).created.expect("deployed");
    assert!(native(&mut db, Some(evm_token), &mint).is_success());

    let mut group = c.benchmark_group("manager/erc20_transfer");
    group.bench_function("ovm_under_manager", |b| b.iter(|| em.execute_transaction(&ovm_transfer)));
    group.bench_function("evm_native", |b| b.iter(|| native(&mut db, Some(evm_token), &transfer)));
    group.finish();
}

criterion_group!(benches, transfer);
criterion_main!(benches);
