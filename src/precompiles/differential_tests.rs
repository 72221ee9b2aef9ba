//! Differential tests of every precompile against `revm-precompile` as an oracle: identical
//! success or failure, gas used and output on hand-written edge cases and seeded random inputs.

use alloc::format;
use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;

use ark_bn254::{Fq, Fq2, Fr, G1Affine, G2Affine};
use ark_ec::{AffineRepr, CurveGroup};
use ark_ff::{BigInteger, PrimeField};
use revm_precompile::{PrecompileSpecId, Precompiles};

use super::bn254::tests::{G2_GEN_HEX, P_HEX, encode_g2};
use super::{PrecompileResult, addresses, run};
use crate::fork::Fork;
use crate::primitives::{Address, decode_hex, encode_hex};

/// The revm precompile spec that has the same precompiles and prices as `fork`.
fn spec_of(fork: Fork) -> PrecompileSpecId {
    match fork {
        Fork::Frontier | Fork::Homestead | Fork::TangerineWhistle | Fork::SpuriousDragon => {
            PrecompileSpecId::HOMESTEAD
        }
        Fork::Byzantium | Fork::Constantinople | Fork::Petersburg => PrecompileSpecId::BYZANTIUM,
        Fork::Istanbul => PrecompileSpecId::ISTANBUL,
        Fork::Berlin | Fork::London | Fork::Paris | Fork::Shanghai => PrecompileSpecId::BERLIN,
        Fork::Cancun => PrecompileSpecId::CANCUN,
    }
}

/// A call's observable result: the gas and output of a success, or a failure (all gas used).
#[derive(Debug, PartialEq, Eq)]
enum Outcome {
    Success { gas_used: u64, output: Vec<u8> },
    Failure,
}

impl From<PrecompileResult> for Outcome {
    fn from(result: PrecompileResult) -> Self {
        match result {
            Ok(out) => Outcome::Success { gas_used: out.gas_used, output: out.output },
            Err(_) => Outcome::Failure,
        }
    }
}

fn ours(n: u8, input: &[u8], gas_limit: u64, fork: Fork) -> Outcome {
    let result = run(&Address::from_low_u64(u64::from(n)), input, gas_limit, fork)
        .expect("the address is a precompile under this fork");
    if let Ok(out) = &result {
        assert!(out.gas_used <= gas_limit, "gas used above the limit");
    }
    result.into()
}

fn theirs(n: u8, input: &[u8], gas_limit: u64, fork: Fork) -> Outcome {
    let address = revm_precompile::primitives::Address::with_last_byte(n);
    let precompile =
        Precompiles::new(spec_of(fork)).get(&address).expect("revm has the precompile under this fork");
    match precompile.execute(input, gas_limit, 0) {
        Ok(out) if out.status.is_success() => {
            Outcome::Success { gas_used: out.gas_used, output: out.bytes.to_vec() }
        }
        _ => Outcome::Failure,
    }
}

/// Collects disagreements between this module and revm.
#[derive(Default)]
struct Differ {
    cases: usize,
    successes: usize,
    /// Successes whose output has a non-zero byte.
    nonzero: usize,
    mismatches: Vec<String>,
}

impl Differ {
    /// Compares one call at `gas_limit`; on a success at gas `g`, also at exactly `g` and `g - 1`
    /// when `boundaries` is set, so the out-of-gas edge is checked too.
    fn check_with(&mut self, n: u8, input: &[u8], gas_limit: u64, fork: Fork, boundaries: bool) {
        self.cases += 1;
        let a = ours(n, input, gas_limit, fork);
        let b = theirs(n, input, gas_limit, fork);
        if a != b {
            self.mismatches.push(format!(
                "0x{n:02x} {fork} gas_limit={gas_limit} input={}\n  ours:   {a:?}\n  revm:   {b:?}",
                encode_hex(input)
            ));
            return;
        }
        if let Outcome::Success { gas_used, output } = a {
            self.successes += 1;
            self.nonzero += usize::from(output.iter().any(|&b| b != 0));
            if boundaries && gas_used != gas_limit {
                self.check_with(n, input, gas_used, fork, false);
            }
            if boundaries && gas_used > 0 {
                self.check_with(n, input, gas_used - 1, fork, false);
            }
        }
    }

    fn check(&mut self, n: u8, input: &[u8], fork: Fork) {
        self.check_with(n, input, 30_000_000, fork, true);
    }

    fn finish(self, what: &str, min_cases: usize) {
        assert!(
            self.mismatches.is_empty(),
            "{what}: {} of {} cases differ from revm; first:\n{}",
            self.mismatches.len(),
            self.cases,
            self.mismatches.iter().take(5).cloned().collect::<Vec<_>>().join("\n")
        );
        assert!(self.cases >= min_cases, "{what}: only {} cases", self.cases);
        assert!(self.nonzero > 0, "{what}: no case succeeded with a non-zero output");
        // Shown with `--nocapture`, to judge how much of the input space succeeded.
        #[cfg(feature = "std")]
        std::eprintln!(
            "{what}: {} cases, {} successes, {} with non-zero output",
            self.cases,
            self.successes,
            self.nonzero
        );
    }
}

/// SplitMix64: a small deterministic generator, good enough to spread test inputs.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Self {
        Rng(seed)
    }

    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n > 0`).
    fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n
    }

    fn index(&mut self, n: usize) -> usize {
        self.below(n as u64) as usize
    }

    /// True with probability `1 / n`.
    fn one_in(&mut self, n: u64) -> bool {
        self.below(n) == 0
    }

    fn bytes(&mut self, len: usize) -> Vec<u8> {
        (0..len).map(|_| self.next_u64() as u8).collect()
    }

    fn word(&mut self) -> [u8; 32] {
        let mut w = [0u8; 32];
        w.copy_from_slice(&self.bytes(32));
        w
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.index(items.len())]
    }

    /// Cuts, extends or flips a byte of `input` now and then.
    fn mutate(&mut self, mut input: Vec<u8>) -> Vec<u8> {
        match self.below(8) {
            0 if !input.is_empty() => {
                let cut = self.index(input.len());
                input.truncate(cut);
            }
            1 => {
                let extra = self.index(40) + 1;
                input.extend(self.bytes(extra));
            }
            2 if !input.is_empty() => {
                let i = self.index(input.len());
                input[i] ^= 1 << self.below(8);
            }
            _ => {}
        }
        input
    }
}

fn hex(s: &str) -> Vec<u8> {
    decode_hex(s).expect("test hex")
}

fn word_u64(n: u64) -> [u8; 32] {
    let mut w = [0u8; 32];
    w[24..].copy_from_slice(&n.to_be_bytes());
    w
}

#[test]
fn address_sets_match_revm() {
    for fork in Fork::ALL {
        let mine: Vec<[u8; 20]> = addresses(fork).map(|a| a.0).collect();
        let mut revm: Vec<[u8; 20]> = Precompiles::new(spec_of(fork)).addresses().map(|a| a.0.0).collect();
        revm.sort();
        assert_eq!(mine, revm, "precompile addresses under {fork}");
    }
}

#[test]
fn hashes_and_identity_match_revm() {
    let mut rng = Rng::new(0x5a25_6000_0000_0001);
    let mut differ = Differ::default();
    for fork in [Fork::Frontier, Fork::Cancun] {
        for n in 2u8..=4 {
            for len in [0usize, 1, 31, 32, 33, 64, 65, 1000] {
                differ.check(n, &rng.bytes(len), fork);
            }
            for _ in 0..150 {
                let len = rng.index(300);
                differ.check(n, &rng.bytes(len), fork);
            }
            // Gas limits below, at and above the price of a 100-byte input.
            let input = rng.bytes(100);
            for gas in [0, 14, 15, 26, 27, 71, 72, 107, 108, 1079, 1080, u64::MAX] {
                differ.check_with(n, &input, gas, fork, false);
            }
        }
    }
    differ.finish("sha256/ripemd160/identity", 2000);
}

/// secp256k1's group order n, big-endian.
const SECP256K1_N: &str = "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141";

/// `n - x` for a big-endian 256-bit `x <= n`.
fn secp_negate(x: &[u8]) -> [u8; 32] {
    let n = hex(SECP256K1_N);
    let mut out = [0u8; 32];
    let mut borrow = 0i16;
    for i in (0..32).rev() {
        let d = i16::from(n[i]) - i16::from(x[i]) - borrow;
        borrow = i16::from(d < 0);
        out[i] = (d + (borrow << 8)) as u8;
    }
    out
}

/// `hash ‖ v ‖ r ‖ s` for a fresh random key and message.
fn random_signature(rng: &mut Rng) -> Vec<u8> {
    let key = loop {
        if let Ok(key) = k256::ecdsa::SigningKey::from_slice(&rng.word()) {
            break key;
        }
    };
    let hash = rng.word();
    let (sig, recid) = key.sign_prehash_recoverable(&hash);
    let mut input = hash.to_vec();
    input.extend(word_u64(27 + u64::from(recid.is_y_odd())));
    input.extend(sig.to_bytes().as_slice());
    input
}

#[test]
fn ecrecover_matches_revm() {
    let mut rng = Rng::new(0xec5e_c0fe_0000_0001);
    let mut differ = Differ::default();
    let n = hex(SECP256K1_N);
    let specials: Vec<[u8; 32]> = vec![
        [0u8; 32],
        word_u64(1),
        secp_negate(&word_u64(1)),
        n.clone().try_into().expect("32 bytes"),
        {
            let mut w: [u8; 32] = n.clone().try_into().expect("32 bytes");
            w[31] += 1;
            w
        },
        [0xff; 32],
    ];
    for fork in [Fork::Frontier, Fork::Cancun] {
        differ.check(1, &[], fork);
        for _ in 0..400 {
            let mut input = random_signature(&mut rng);
            match rng.below(10) {
                // The high-s twin of a valid signature: same key, opposite parity.
                0 | 1 => {
                    let s = secp_negate(&input[96..128]);
                    input[96..128].copy_from_slice(&s);
                    input[63] ^= 27 ^ 28;
                }
                // An odd v, or 27/28 with junk in the high bytes.
                2 => {
                    let v = *rng.pick(&[0u64, 1, 26, 29, 35, 36, 27 + 256, 28 + (1 << 40)]);
                    input[32..64].copy_from_slice(&word_u64(v));
                }
                3 => input[32 + rng.index(31)] = 1,
                // Special r or s values: 0, 1, n - 1, n, n + 1, 2^256 - 1.
                4 => {
                    let at = if rng.one_in(2) { 64 } else { 96 };
                    let special = *rng.pick(&specials);
                    input[at..at + 32].copy_from_slice(&special);
                }
                // A random r, often not the x of any curve point.
                5 => {
                    let r = rng.word();
                    input[64..96].copy_from_slice(&r);
                }
                // Wholly random words with a valid v.
                6 => {
                    input = rng.bytes(128);
                    input[32..64].copy_from_slice(&word_u64(27 + rng.below(2)));
                }
                _ => input = rng.mutate(input),
            }
            differ.check(1, &input, fork);
        }
    }
    differ.finish("ecrecover", 800);
}

/// A modexp length field: mostly small, sometimes at or beyond the limits of `u64`.
fn modexp_length(rng: &mut Rng) -> [u8; 32] {
    match rng.below(40) {
        0 => word_u64(u64::MAX),
        1 => word_u64(1 << 32),
        2 => {
            let mut w = [0u8; 32];
            w[23] = 1; // 2^64
            w
        }
        3 => [0xff; 32],
        4 => {
            let mut w = word_u64(rng.below(64));
            w[rng.index(24)] = 1 + rng.below(255) as u8;
            w
        }
        _ => word_u64(
            *rng.pick(&[0u64, 0, 1, 1, 2, 3, 7, 8, 9, 16, 31, 32, 32, 33, 63, 64, 65, 100, 128, 129, 200]),
        ),
    }
}

/// `len` operand bytes in one of several shapes that reach different code paths.
fn modexp_operand(rng: &mut Rng, len: usize) -> Vec<u8> {
    match rng.below(8) {
        0 => vec![0u8; len],
        1 => {
            let mut v = vec![0u8; len];
            if let Some(last) = v.last_mut() {
                *last = 1;
            }
            v
        }
        2 => vec![0xff; len],
        3 => {
            // Leading zeros, then random bytes.
            let zeros = rng.index(len + 1);
            let mut v = vec![0u8; zeros];
            v.extend(rng.bytes(len - zeros));
            v
        }
        _ => rng.bytes(len),
    }
}

fn as_small_len(w: &[u8; 32]) -> Option<usize> {
    if w[..24].iter().any(|&b| b != 0) {
        return None;
    }
    let n = u64::from_be_bytes(w[24..].try_into().expect("8 bytes"));
    (n <= 4096).then_some(n as usize)
}

#[test]
fn modexp_matches_revm() {
    let mut rng = Rng::new(0x0de8_0000_0000_0005);
    let mut differ = Differ::default();
    // EIP-198's examples and hand-written edges.
    let p = "fffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2f";
    let p1 = "fffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2e";
    let fixed = [
        String::new(),
        format!("{}{}{}03{p1}{p}", encode_hex(&word_u64(1)), "", ""),
        [
            "0000000000000000000000000000000000000000000000000000000000000001",
            "0000000000000000000000000000000000000000000000000000000000000020",
            "0000000000000000000000000000000000000000000000000000000000000020",
            "03",
            p1,
            p,
        ]
        .concat(),
        [
            "0000000000000000000000000000000000000000000000000000000000000000",
            "0000000000000000000000000000000000000000000000000000000000000020",
            "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
            "fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffe",
            "fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffd",
        ]
        .concat(),
        [
            "0000000000000000000000000000000000000000000000000000000000000001",
            "0000000000000000000000000000000000000000000000000000000000000002",
            "0000000000000000000000000000000000000000000000000000000000000020",
            "03ffff80",
        ]
        .concat(),
        // Zero base and modulus lengths with a 2^256 - 1 exponent length.
        [
            "0000000000000000000000000000000000000000000000000000000000000000",
            "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
            "0000000000000000000000000000000000000000000000000000000000000000",
        ]
        .concat(),
        // Zero modulus length with a non-empty base and a huge exponent length.
        [
            "0000000000000000000000000000000000000000000000000000000000000001",
            "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
            "0000000000000000000000000000000000000000000000000000000000000000",
            "02",
        ]
        .concat(),
    ];
    for fork in [Fork::Byzantium, Fork::Istanbul, Fork::Berlin, Fork::Cancun] {
        for input in &fixed {
            let input = input.trim_start_matches("0x");
            differ.check(5, &hex(input), fork);
            // No astronomic limits: revm 43 saturates its iteration count at u64::MAX, so a
            // 2^256 - 1 exponent length prices at u64::MAX / 20, and a limit above that makes
            // it allocate the padded operands and panic. This module reports out of gas there.
            for gas in [0, 199, 200, 201, 1 << 40] {
                differ.check_with(5, &hex(input), gas, fork, false);
            }
        }
    }
    for fork in [Fork::Byzantium, Fork::Berlin] {
        for _ in 0..900 {
            let lengths = [modexp_length(&mut rng), modexp_length(&mut rng), modexp_length(&mut rng)];
            let mut input: Vec<u8> = lengths.iter().flatten().copied().collect();
            // Large operands are rare, to keep the unoptimised test build quick.
            let small = lengths.map(|w| as_small_len(&w));
            match small {
                [Some(b), Some(e), Some(m)] if b.max(e).max(m) <= 128 || rng.one_in(8) => {
                    input.extend(modexp_operand(&mut rng, b));
                    input.extend(modexp_operand(&mut rng, e));
                    input.extend(modexp_operand(&mut rng, m));
                }
                _ => {
                    let tail = rng.index(80);
                    input.extend(rng.bytes(tail));
                }
            }
            if rng.one_in(10) {
                let len = rng.index(120);
                input = rng.bytes(len);
            }
            let input = rng.mutate(input);
            differ.check(5, &input, fork);
        }
    }
    differ.finish("modexp", 1800);
}

/// The bn254 base field modulus p plus `k`, big-endian (`k` small).
fn p_plus(k: u8) -> [u8; 32] {
    let mut w: [u8; 32] = hex(P_HEX).try_into().expect("32 bytes");
    w[31] += k;
    w
}

fn fq_bytes(x: Fq) -> Vec<u8> {
    x.into_bigint().to_bytes_be()
}

/// A G1 point encoding: mostly valid, sometimes infinity, off the curve or out of range.
fn g1_input(rng: &mut Rng) -> Vec<u8> {
    match rng.below(12) {
        0 => vec![0u8; 64],
        1 => hex(concat!(
            "0000000000000000000000000000000000000000000000000000000000000001",
            "0000000000000000000000000000000000000000000000000000000000000002"
        )),
        2 => rng.bytes(64),
        3 => {
            // On-curve x with the wrong y.
            let mut v = g1_valid(rng);
            v[63] ^= 1;
            v
        }
        4 => {
            // A coordinate at or just above p, or 2^256 - 1.
            let mut v = g1_valid(rng);
            let bad = *rng.pick(&[p_plus(0), p_plus(1), p_plus(2), [0xff; 32]]);
            let at = if rng.one_in(2) { 0 } else { 32 };
            v[at..at + 32].copy_from_slice(&bad);
            v
        }
        5 => {
            // (0, y) and (x, 0) are not infinity.
            let mut v = vec![0u8; 64];
            v[if rng.one_in(2) { 31 } else { 63 }] = 1 + rng.below(5) as u8;
            v
        }
        _ => g1_valid(rng),
    }
}

fn g1_valid(rng: &mut Rng) -> Vec<u8> {
    let k = Fr::from_be_bytes_mod_order(&rng.word());
    g1_encode(&(G1Affine::generator() * k).into_affine())
}

fn g1_encode(p: &G1Affine) -> Vec<u8> {
    match p.xy() {
        Some((x, y)) => [fq_bytes(x), fq_bytes(y)].concat(),
        None => vec![0u8; 64],
    }
}

fn scalar_input(rng: &mut Rng) -> Vec<u8> {
    let r = "30644e72e131a029b85045b68181585d2833e84879b9709143e1f593f0000001";
    match rng.below(10) {
        0 => vec![0u8; 32],
        1 => word_u64(1).to_vec(),
        2 => word_u64(2).to_vec(),
        3 => hex(r),
        4 => {
            let mut v = hex(r);
            v[31] -= 1;
            v
        }
        5 => {
            let mut v = hex(r);
            v[31] += 1;
            v
        }
        6 => vec![0xff; 32],
        7 => word_u64(rng.next_u64()).to_vec(),
        _ => rng.bytes(32),
    }
}

#[test]
fn bn254_add_and_mul_match_revm() {
    let mut rng = Rng::new(0xb254_0000_0000_0006);
    let mut differ = Differ::default();
    for fork in [Fork::Byzantium, Fork::Istanbul] {
        differ.check(6, &[], fork);
        differ.check(7, &[], fork);
        for _ in 0..350 {
            let a = g1_input(&mut rng);
            let b = match rng.below(6) {
                // Doubling and P + (-P).
                0 => a.clone(),
                1 if a[32..] != [0u8; 32] && a[32..] < hex(P_HEX)[..] => {
                    let y = Fq::from_be_bytes_mod_order(&a[32..]);
                    [a[..32].to_vec(), fq_bytes(-y)].concat()
                }
                _ => g1_input(&mut rng),
            };
            let input = rng.mutate([a, b].concat());
            differ.check(6, &input, fork);
        }
        for _ in 0..250 {
            let input = [g1_input(&mut rng), scalar_input(&mut rng)].concat();
            let input = rng.mutate(input);
            differ.check(7, &input, fork);
        }
    }
    differ.finish("bn254 add/mul", 1200);
}

/// A G2 point encoding: mostly valid, sometimes infinity, off the curve, outside the
/// subgroup, or out of range.
fn g2_input(rng: &mut Rng) -> Vec<u8> {
    match rng.below(10) {
        0 => vec![0u8; 128],
        1 => hex(G2_GEN_HEX),
        2 => rng.bytes(128),
        3 => {
            let mut v = g2_valid(rng);
            v[127] ^= 1;
            v
        }
        4 => {
            // On the twist but outside the order-r subgroup.
            loop {
                let x = Fq2::new(
                    Fq::from_be_bytes_mod_order(&rng.word()),
                    Fq::from_be_bytes_mod_order(&rng.word()),
                );
                if let Some(q) = G2Affine::get_point_from_x_unchecked(x, rng.one_in(2)) {
                    break encode_g2(&q);
                }
            }
        }
        5 => {
            let mut v = g2_valid(rng);
            let at = 32 * rng.index(4);
            v[at..at + 32].copy_from_slice(&p_plus(rng.below(2) as u8));
            v
        }
        _ => g2_valid(rng),
    }
}

fn g2_valid(rng: &mut Rng) -> Vec<u8> {
    let k = Fr::from_be_bytes_mod_order(&rng.word());
    encode_g2(&(G2Affine::generator() * k).into_affine())
}

#[test]
fn bn254_pairing_matches_revm() {
    let mut rng = Rng::new(0xb254_0000_0000_0008);
    let mut differ = Differ::default();
    for fork in [Fork::Byzantium, Fork::Istanbul] {
        differ.check(8, &[], fork);
        for len in [1usize, 64, 191, 193, 384 + 7] {
            differ.check(8, &vec![0u8; len], fork);
        }
        for _ in 0..45 {
            let mut input = Vec::new();
            if rng.one_in(2) {
                // e(aP, bQ) · e(-abP, Q) = 1, the shape real verifiers produce.
                let a = Fr::from_be_bytes_mod_order(&rng.word());
                let b = Fr::from_be_bytes_mod_order(&rng.word());
                let p = G1Affine::generator();
                let q = G2Affine::generator();
                input.extend(g1_encode(&(p * a).into_affine()));
                input.extend(encode_g2(&(q * b).into_affine()));
                input.extend(g1_encode(&(p * (-(a * b))).into_affine()));
                input.extend(encode_g2(&q));
                if rng.one_in(3) {
                    // Disturb one coordinate so the product is no longer 1 or a point is bad.
                    let i = rng.index(input.len());
                    input[i] ^= 1;
                }
            } else {
                for _ in 0..rng.below(3) + 1 {
                    input.extend(g1_input(&mut rng));
                    input.extend(g2_input(&mut rng));
                }
            }
            if rng.one_in(10) {
                let extra = rng.index(191) + 1;
                input.extend(rng.bytes(extra));
            }
            differ.check(8, &input, fork);
        }
    }
    differ.finish("bn254 pairing", 90);
}

#[test]
fn blake2f_matches_revm() {
    let mut rng = Rng::new(0xb1a2_0000_0000_0009);
    let mut differ = Differ::default();
    for fork in [Fork::Istanbul, Fork::Cancun] {
        for len in [0usize, 1, 212, 214, 300] {
            differ.check(9, &rng.bytes(len), fork);
        }
        for _ in 0..500 {
            let mut input = rng.bytes(213);
            let rounds: u32 = match rng.below(6) {
                0 => 0,
                1 => u32::MAX,
                2 => 1 << 20,
                _ => rng.below(200) as u32,
            };
            input[..4].copy_from_slice(&rounds.to_be_bytes());
            input[212] = match rng.below(6) {
                0 => rng.next_u64() as u8,
                1 => 2,
                x => (x % 2) as u8,
            };
            // Large round counts run only at small gas limits, so they fail before any work.
            let gas = if rounds > 100_000 { 100_000 } else { 30_000_000 };
            let input = if rng.one_in(10) { rng.mutate(input) } else { input };
            differ.check_with(9, &input, gas, fork, true);
        }
    }
    differ.finish("blake2f", 1000);
}

/// A blob of random canonical field elements.
fn random_blob(rng: &mut Rng) -> c_kzg::Blob {
    let mut bytes = [0u8; c_kzg::BYTES_PER_BLOB];
    for chunk in bytes.chunks_exact_mut(32) {
        chunk.copy_from_slice(&rng.word());
        // Keep the element below BLS_MODULUS = 0x73ed…: clear the top bit and the next.
        chunk[0] &= 0x3f;
    }
    c_kzg::Blob::new(bytes)
}

#[test]
fn point_evaluation_matches_revm() {
    let mut rng = Rng::new(0x4844_0000_0000_000a);
    let mut differ = Differ::default();
    let settings = c_kzg::ethereum_kzg_settings(0);
    let fork = Fork::Cancun;
    let modulus = hex("73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000001");
    for len in [0usize, 1, 191, 193] {
        differ.check(10, &rng.bytes(len), fork);
    }
    for _ in 0..3 {
        let blob = random_blob(&mut rng);
        let commitment = settings.blob_to_kzg_commitment(&blob).expect("commitment").to_bytes();
        for _ in 0..12 {
            let mut z = rng.word();
            z[0] &= 0x3f;
            let (proof, y) = settings.compute_kzg_proof(&blob, &c_kzg::Bytes32::new(z)).expect("proof");
            let mut hash: [u8; 32] = {
                use sha2::Digest;
                sha2::Sha256::digest(commitment.as_slice()).into()
            };
            hash[0] = 1;
            let mut input = hash.to_vec();
            input.extend(z);
            input.extend(y.as_slice());
            input.extend(commitment.as_slice());
            input.extend(proof.to_bytes().as_slice());
            differ.check(10, &input, fork);
            for _ in 0..3 {
                let mut bad = input.clone();
                match rng.below(6) {
                    0 => bad[0] = rng.next_u64() as u8,
                    1 => bad[32..64].copy_from_slice(&modulus),
                    2 => bad[64..96].copy_from_slice(&modulus),
                    3 => bad[95] ^= 1,
                    4 => {
                        let i = 144 + rng.index(48);
                        bad[i] ^= 1 << rng.below(8);
                    }
                    _ => {
                        let i = rng.index(192);
                        bad[i] ^= 1 << rng.below(8);
                    }
                }
                differ.check(10, &bad, fork);
            }
        }
    }
    differ.finish("point evaluation", 140);
}

/// Every address under every fork on short random inputs: never a panic, always revm's answer.
#[test]
fn random_inputs_at_every_address_match_revm() {
    let mut rng = Rng::new(0xa11f_0000_0000_0000);
    let mut differ = Differ::default();
    for fork in Fork::ALL {
        for address in addresses(fork) {
            let n = address.0[19];
            let rounds = if n == 8 { 3 } else { 25 };
            for _ in 0..rounds {
                let len = *rng.pick(&[0usize, 1, 32, 64, 96, 128, 192, 213, 250]);
                let mut input = rng.bytes(len);
                if n == 9 && len == 213 {
                    // Keep random round counts cheap enough to run.
                    input[0] = 0;
                    input[1] = 0;
                }
                if n == 5 && input.len() >= 96 {
                    // Random length words are unpayable; keep some calls payable.
                    for at in [0, 32, 64] {
                        input[at..at + 31].fill(0);
                    }
                }
                differ.check(n, &input, fork);
            }
        }
    }
    differ.finish("random inputs", 1000);
}
