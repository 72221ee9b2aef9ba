//! Real 2021 OVM contracts under the execution manager, against their EVM twins run natively:
//! `TestERC20` and `UniswapV2ERC20` from npm `@eth-optimism/contracts@0.3.5` (`ovm/` compiled by
//! optimistic-solc, `evm/` by solc 0.7.6) are deployed through ovmCREATE, then minted or seeded
//! through the configured state, and driven through transfer, approve, transferFrom and permit
//! (ecrecover). Every step must give the same return data, storage and logs in both worlds.

#[path = "support/ovm_world.rs"]
mod ovm_world;

use k256::ecdsa::SigningKey;
use ovm::evm::create_address;
use ovm::primitives::{Address, B256, U256, keccak256};
use ovm_world::*;

/// Runs `data` from `from` on the token in both worlds and requires the same outcome and storage.
fn both(
    ovm_world: &mut OvmWorld,
    evm_world: &mut EvmWorld,
    token: Address,
    from: Address,
    data: &[u8],
) -> Outcome {
    let theirs = evm_world.call(from, token, data);
    let ours = ovm_world.call(from, token, data);
    assert_eq!(ours, theirs, "call {} from {from}", ovm::primitives::encode_hex(&data[..4]));
    assert_eq!(
        ovm_world.storage(&token),
        evm_world.storage(&token),
        "storage after {}",
        ovm::primitives::encode_hex(&data[..4])
    );
    ours
}

fn mapping_slot(key: Address, slot: u64) -> U256 {
    let mut preimage = key.to_word().to_be_bytes::<32>().to_vec();
    preimage.extend_from_slice(&word(U256::from(slot)));
    keccak256(&preimage).to_u256()
}

fn true_word() -> Vec<u8> {
    word(U256::from(1)).to_vec()
}

#[test]
fn test_erc20_matches_its_evm_twin() {
    let (ovm_init, _) = artifact("ovm", "TestERC20");
    let (evm_init, _) = artifact("evm", "TestERC20");
    let mut ovm_world = OvmWorld::new(&[ALICE, BOB, CAROL]);
    let mut evm_world = EvmWorld::new();
    let token = ovm_world.deploy(ovm_init);
    assert_eq!(token, create_address(&DEPLOYER, 1));
    assert_eq!(evm_world.deploy(evm_init), token);

    let [alice, bob, carol] = [ALICE, BOB, CAROL].map(|a| a.to_word());
    let mint = both(
        &mut ovm_world,
        &mut evm_world,
        token,
        ALICE,
        &call("mint(address,uint256)", &[alice, U256::from(1000)]),
    );
    assert!(mint.success && mint.logs.len() == 1);
    let t = both(
        &mut ovm_world,
        &mut evm_world,
        token,
        ALICE,
        &call("transfer(address,uint256)", &[bob, U256::from(300)]),
    );
    assert_eq!(t.output, true_word());
    assert_eq!(t.logs[0].topics[0], keccak256(b"Transfer(address,address,uint256)"));
    both(
        &mut ovm_world,
        &mut evm_world,
        token,
        ALICE,
        &call("approve(address,uint256)", &[carol, U256::from(500)]),
    );
    let tf = both(
        &mut ovm_world,
        &mut evm_world,
        token,
        CAROL,
        &call("transferFrom(address,address,uint256)", &[alice, bob, U256::from(200)]),
    );
    assert!(tf.success);
    // Too much: both revert with the same reason.
    let fail = both(
        &mut ovm_world,
        &mut evm_world,
        token,
        ALICE,
        &call("transfer(address,uint256)", &[bob, U256::from(10_000)]),
    );
    assert!(!fail.success && fail.output.len() > 4);
    let balance = both(&mut ovm_world, &mut evm_world, token, BOB, &call("balanceOf(address)", &[bob]));
    assert_eq!(U256::from_be_slice(&balance.output), U256::from(500));
}

#[test]
fn uniswap_v2_erc20_with_permit_matches_its_evm_twin() {
    let key = SigningKey::from_slice(&[0x42u8; 32]).expect("key");
    let point = key.verifying_key().to_sec1_point(false);
    let owner = Address::from_word(keccak256(&point.as_bytes()[1..]).to_u256());

    // Constructor arguments: ("Uniswap V2", "UNI-V2"), ABI-encoded after the initcode.
    let mut args = Vec::new();
    for w in [U256::from(64), U256::from(128), U256::from(10)] {
        args.extend_from_slice(&word(w));
    }
    let mut name = [0u8; 32];
    name[..10].copy_from_slice(b"Uniswap V2");
    args.extend_from_slice(&name);
    args.extend_from_slice(&word(U256::from(6)));
    let mut symbol = [0u8; 32];
    symbol[..6].copy_from_slice(b"UNI-V2");
    args.extend_from_slice(&symbol);

    let (mut ovm_init, _) = artifact("ovm", "UniswapV2ERC20");
    let (mut evm_init, _) = artifact("evm", "UniswapV2ERC20");
    ovm_init.extend_from_slice(&args);
    evm_init.extend_from_slice(&args);
    let mut ovm_world = OvmWorld::new(&[owner, BOB, CAROL]);
    let mut evm_world = EvmWorld::new();
    let token = ovm_world.deploy(ovm_init);
    assert_eq!(evm_world.deploy(evm_init), token);
    assert_eq!(
        ovm_world.storage(&token),
        evm_world.storage(&token),
        "constructor storage (name, symbol, domain)"
    );

    // Seed balances through the configured state: totalSupply (slot 2), balanceOf (slot 3).
    for (slot, value) in [(U256::from(2), U256::from(1000)), (mapping_slot(owner, 3), U256::from(1000))] {
        ovm_world.em.set_storage(token, slot, value);
        evm_world.db.set_storage(&token, slot, value);
    }

    let [owner_w, bob, carol] = [owner, BOB, CAROL].map(|a| a.to_word());
    let t = both(
        &mut ovm_world,
        &mut evm_world,
        token,
        owner,
        &call("transfer(address,uint256)", &[bob, U256::from(100)]),
    );
    assert_eq!(t.output, true_word());
    both(
        &mut ovm_world,
        &mut evm_world,
        token,
        owner,
        &call("approve(address,uint256)", &[carol, U256::from(50)]),
    );

    // permit(owner, bob, 400, deadline, v, r, s), signed by the owner's key.
    let domain = both(&mut ovm_world, &mut evm_world, token, BOB, &call("DOMAIN_SEPARATOR()", &[])).output;
    let nonce = U256::ZERO;
    let deadline = U256::from(TIMESTAMP + 3600);
    let mut struct_data = Vec::new();
    for w in [
        keccak256(b"Permit(address owner,address spender,uint256 value,uint256 nonce,uint256 deadline)")
            .to_u256(),
        owner_w,
        bob,
        U256::from(400),
        nonce,
        deadline,
    ] {
        struct_data.extend_from_slice(&word(w));
    }
    let mut digest_input = b"\x19\x01".to_vec();
    digest_input.extend_from_slice(&domain);
    digest_input.extend_from_slice(&keccak256(&struct_data).0);
    let digest: B256 = keccak256(&digest_input);
    let (signature, recovery) = key.sign_prehash_recoverable(&digest.0);
    let sig = signature.to_bytes();
    let permit = call(
        "permit(address,address,uint256,uint256,uint8,bytes32,bytes32)",
        &[
            owner_w,
            bob,
            U256::from(400),
            deadline,
            U256::from(27 + recovery.to_byte()),
            U256::from_be_slice(&sig[..32]),
            U256::from_be_slice(&sig[32..]),
        ],
    );
    let p = both(&mut ovm_world, &mut evm_world, token, CAROL, &permit);
    assert!(p.success, "permit accepted");
    assert_eq!(p.logs.len(), 1);
    // Replaying the same signature fails in both (the nonce moved).
    assert!(!both(&mut ovm_world, &mut evm_world, token, CAROL, &permit).success);

    let tf = both(
        &mut ovm_world,
        &mut evm_world,
        token,
        BOB,
        &call("transferFrom(address,address,uint256)", &[owner_w, carol, U256::from(150)]),
    );
    assert!(tf.success);
    let balance = both(&mut ovm_world, &mut evm_world, token, BOB, &call("balanceOf(address)", &[carol]));
    assert_eq!(U256::from_be_slice(&balance.output), U256::from(150));
}
