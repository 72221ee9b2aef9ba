//! Determinism (`spec/OVM.md` section 6): the same state, context and transactions give the same
//! bytes out, whatever the thread and whatever order the state was loaded in.

#[path = "support/ovm_world.rs"]
mod ovm_world;

use bytes::Bytes;
use ovm::manager::{ExecutionManager, ManagerConfig, OvmTransaction, TransactionResult};
use ovm::primitives::{Address, B256, U256, keccak256};
use ovm_world::*;

/// An account to load: address, nonce, code and storage.
type Account = (Address, u64, Bytes, Vec<(U256, U256)>);

/// A state of many accounts with storage, listed once; each run loads it in its own order.
fn accounts() -> Vec<Account> {
    let forwarder = Bytes::from(ovm_forwarder());
    let mut out = vec![(DEPLOYER, 1, Bytes::from(ovm_deployer()), vec![])];
    for i in 0..40u64 {
        let storage = (0..i % 5).map(|s| (U256::from(s), U256::from(i * 100 + s + 1))).collect();
        out.push((Address::from_low_u64(0x1000 + i), 1, forwarder.clone(), storage));
    }
    // An account with storage but no code.
    out.push((Address::from_low_u64(0x5000), 0, Bytes::new(), vec![(U256::from(9), U256::from(9))]));
    out
}

fn transactions(token: Address) -> Vec<OvmTransaction> {
    let (token_init, _) = artifact("ovm", "TestERC20");
    let mut txs = vec![tx(DEPLOYER, token_init)];
    let selector = |s: &str| keccak256(s.as_bytes()).0[..4].to_vec();
    for i in 0..40u64 {
        let user = Address::from_low_u64(0x1000 + i);
        let next = Address::from_low_u64(0x1000 + (i * 7 + 3) % 40);
        let mut data = token.to_word().to_be_bytes::<32>().to_vec();
        let (signature, args) = match i % 3 {
            0 => ("mint(address,uint256)", [user.to_word(), U256::from(1000 + i)]),
            1 => ("transfer(address,uint256)", [next.to_word(), U256::from(i)]),
            _ => ("approve(address,uint256)", [next.to_word(), U256::from(u64::MAX)]),
        };
        data.extend_from_slice(&selector(signature));
        for a in args {
            data.extend_from_slice(&a.to_be_bytes::<32>());
        }
        txs.push(tx(user, data));
    }
    txs
}

fn tx(entrypoint: Address, data: Vec<u8>) -> OvmTransaction {
    OvmTransaction {
        timestamp: U256::from(1_600_000_000u64),
        block_number: U256::from(7),
        l1_queue_origin: 0,
        l1_tx_origin: Address::ZERO,
        entrypoint,
        gas_limit: 9_000_000,
        data: Bytes::from(data),
    }
}

/// Runs everything with the state loaded in the order `seed` shuffles it to; returns every result
/// and the root after each transaction.
fn run(seed: u64) -> Vec<(TransactionResult, B256)> {
    let mut list = accounts();
    // Fisher-Yates with a xorshift generator.
    let mut x = seed | 1;
    for i in (1..list.len()).rev() {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        list.swap(i, (x % (i as u64 + 1)) as usize);
    }
    let mut em = ExecutionManager::new(ManagerConfig::default());
    for (address, nonce, code, storage) in list {
        em.set_account(address, nonce, U256::from(7), code);
        for (slot, value) in storage {
            em.set_storage(address, slot, value);
        }
    }
    let token = ovm::evm::create_address(&DEPLOYER, 1);
    transactions(token)
        .iter()
        .map(|t| {
            let result = em.execute_transaction(t);
            (result, em.state_root())
        })
        .collect()
}

#[test]
fn same_bytes_out_in_any_thread_and_load_order() {
    let seeds: Vec<u64> = (0..12).map(|i| i * 7919 + 1).collect();
    let handles: Vec<_> = seeds.iter().map(|&seed| std::thread::spawn(move || run(seed))).collect();
    let results: Vec<_> = handles.into_iter().map(|h| h.join().expect("no panic")).collect();
    let first = &results[0];
    assert!(first.iter().all(|(r, _)| r.is_success()), "every transaction succeeds");
    assert!(first.iter().any(|(r, _)| !r.logs.is_empty()));
    for (i, other) in results.iter().enumerate().skip(1) {
        assert_eq!(other.len(), first.len());
        for (n, ((a, root_a), (b, root_b))) in first.iter().zip(other).enumerate() {
            assert_eq!(root_a, root_b, "run {i}, transaction {n}: root");
            assert_eq!(a, b, "run {i}, transaction {n}: result, logs and state changes");
        }
    }
}
