//! The BLAKE2b compression function F precompile (0x09, Istanbul, EIP-152), written out here.

use super::{PrecompileError, PrecompileOutput, charge};

/// EIP-152: the input is exactly 4 + 64 + 128 + 16 + 1 bytes.
const INPUT_LEN: usize = 213;

/// RFC 7693 section 2.6: the initialisation vector (the SHA-512 IV).
const IV: [u64; 8] = [
    0x6a09_e667_f3bc_c908,
    0xbb67_ae85_84ca_a73b,
    0x3c6e_f372_fe94_f82b,
    0xa54f_f53a_5f1d_36f1,
    0x510e_527f_ade6_82d1,
    0x9b05_688c_2b3e_6c1f,
    0x1f83_d9ab_fb41_bd6b,
    0x5be0_cd19_137e_2179,
];

/// RFC 7693 section 2.7: the message schedule; round `i` uses row `i mod 10`.
const SIGMA: [[usize; 16]; 10] = [
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15],
    [14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3],
    [11, 8, 12, 0, 5, 2, 15, 13, 10, 14, 3, 6, 7, 1, 9, 4],
    [7, 9, 3, 1, 13, 12, 11, 14, 2, 6, 5, 10, 4, 0, 15, 8],
    [9, 0, 5, 7, 2, 4, 10, 15, 14, 1, 11, 12, 6, 8, 3, 13],
    [2, 12, 6, 10, 0, 11, 8, 3, 4, 13, 7, 5, 15, 14, 1, 9],
    [12, 5, 1, 15, 14, 13, 4, 10, 0, 7, 6, 3, 9, 2, 8, 11],
    [13, 11, 7, 14, 12, 1, 3, 9, 5, 0, 15, 4, 8, 6, 2, 10],
    [6, 15, 14, 9, 11, 3, 0, 8, 12, 2, 13, 7, 1, 4, 10, 5],
    [10, 2, 8, 4, 7, 6, 1, 5, 15, 11, 9, 14, 3, 12, 13, 0],
];

/// RFC 7693 section 3.1: the mixing function G.
#[inline(always)]
fn mix(v: &mut [u64; 16], a: usize, b: usize, c: usize, d: usize, x: u64, y: u64) {
    v[a] = v[a].wrapping_add(v[b]).wrapping_add(x);
    v[d] = (v[d] ^ v[a]).rotate_right(32);
    v[c] = v[c].wrapping_add(v[d]);
    v[b] = (v[b] ^ v[c]).rotate_right(24);
    v[a] = v[a].wrapping_add(v[b]).wrapping_add(y);
    v[d] = (v[d] ^ v[a]).rotate_right(16);
    v[c] = v[c].wrapping_add(v[d]);
    v[b] = (v[b] ^ v[c]).rotate_right(63);
}

/// RFC 7693 section 3.2: the compression function F with a caller-chosen round count (EIP-152).
/// One round: the column step, then the diagonal step (RFC 7693 section 3.2).
#[inline(always)]
fn round(v: &mut [u64; 16], m: &[u64; 16], s: &[usize; 16]) {
    mix(v, 0, 4, 8, 12, m[s[0]], m[s[1]]);
    mix(v, 1, 5, 9, 13, m[s[2]], m[s[3]]);
    mix(v, 2, 6, 10, 14, m[s[4]], m[s[5]]);
    mix(v, 3, 7, 11, 15, m[s[6]], m[s[7]]);
    mix(v, 0, 5, 10, 15, m[s[8]], m[s[9]]);
    mix(v, 1, 6, 11, 12, m[s[10]], m[s[11]]);
    mix(v, 2, 7, 8, 13, m[s[12]], m[s[13]]);
    mix(v, 3, 4, 9, 14, m[s[14]], m[s[15]]);
}

fn compress(rounds: u32, h: &mut [u64; 8], m: &[u64; 16], t: [u64; 2], last: bool) {
    let mut v = [0u64; 16];
    v[..8].copy_from_slice(h);
    v[8..].copy_from_slice(&IV);
    v[12] ^= t[0];
    v[13] ^= t[1];
    if last {
        v[14] = !v[14];
    }
    // The message schedule repeats every 10 rounds. Whole groups of 10 run with constant
    // indexes, which lets the compiler keep the state in registers (CALLBlake2f_MaxRounds runs
    // 2^32 - 1 rounds).
    let mut remaining = rounds;
    while remaining >= 10 {
        round(&mut v, m, &SIGMA[0]);
        round(&mut v, m, &SIGMA[1]);
        round(&mut v, m, &SIGMA[2]);
        round(&mut v, m, &SIGMA[3]);
        round(&mut v, m, &SIGMA[4]);
        round(&mut v, m, &SIGMA[5]);
        round(&mut v, m, &SIGMA[6]);
        round(&mut v, m, &SIGMA[7]);
        round(&mut v, m, &SIGMA[8]);
        round(&mut v, m, &SIGMA[9]);
        remaining -= 10;
    }
    for s in SIGMA.iter().take(remaining as usize) {
        round(&mut v, m, s);
    }
    for i in 0..8 {
        h[i] ^= v[i] ^ v[i + 8];
    }
}

/// Little-endian 64-bit words from `bytes` (whose length is `8 * N`).
fn le_words<const N: usize>(bytes: &[u8]) -> [u64; N] {
    let mut out = [0u64; N];
    for (word, chunk) in out.iter_mut().zip(bytes.chunks_exact(8)) {
        let mut b = [0u8; 8];
        b.copy_from_slice(chunk);
        *word = u64::from_le_bytes(b);
    }
    out
}

/// Runs BLAKE2 F: `rounds (4, BE) ‖ h (64, LE) ‖ m (128, LE) ‖ t (16, LE) ‖ f (1)`, costing one
/// gas per round, returning the new `h` (64 bytes, LE).
pub(super) fn run(input: &[u8], gas_limit: u64) -> Result<PrecompileOutput, PrecompileError> {
    // execution-specs `blake2f`: the length is checked first, then the flag, then gas; every
    // failure consumes all gas, so the order is not observable beyond the error kind.
    let input: &[u8; INPUT_LEN] = input.try_into().map_err(|_| PrecompileError::Blake2fInputLength)?;
    let last = match input[212] {
        0 => false,
        1 => true,
        _ => return Err(PrecompileError::Blake2fFinalFlag),
    };
    let rounds = u32::from_be_bytes([input[0], input[1], input[2], input[3]]);
    // EIP-152: GFROUND = 1 gas per round.
    let gas_used = charge(u64::from(rounds), gas_limit)?;
    let mut h: [u64; 8] = le_words(&input[4..68]);
    let m: [u64; 16] = le_words(&input[68..196]);
    let t: [u64; 2] = le_words(&input[196..212]);
    compress(rounds, &mut h, &m, t, last);
    let mut output = alloc::vec::Vec::with_capacity(64);
    for word in h {
        output.extend_from_slice(&word.to_le_bytes());
    }
    Ok(PrecompileOutput { gas_used, output })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::primitives::decode_hex;

    fn hex(s: &str) -> alloc::vec::Vec<u8> {
        decode_hex(s).unwrap()
    }

    /// The EIP-152 test input after its 4-byte round count and before its final flag.
    const BODY: &str = concat!(
        "48c9bdf267e6096a3ba7ca8485ae67bb2bf894fe72f36e3cf1361d5f3af54fa5",
        "d182e6ad7f520e511f6c3e2b8c68059b6bbd41fbabd9831f79217e1319cde05b",
        "6162630000000000000000000000000000000000000000000000000000000000",
        "0000000000000000000000000000000000000000000000000000000000000000",
        "0000000000000000000000000000000000000000000000000000000000000000",
        "0000000000000000000000000000000000000000000000000000000000000000",
        "03000000000000000000000000000000"
    );

    fn vector(rounds: &str, flag: &str) -> alloc::vec::Vec<u8> {
        hex(&[rounds, BODY, flag].concat())
    }

    #[test]
    fn eip152_error_vectors() {
        // Test vectors 0-3 of EIP-152.
        assert_eq!(run(&[], u64::MAX), Err(PrecompileError::Blake2fInputLength));
        let long_rounds = hex(&["00000c", BODY, "01"].concat());
        assert_eq!(run(&long_rounds, u64::MAX), Err(PrecompileError::Blake2fInputLength));
        let too_long = hex(&["000000000c", BODY, "01"].concat());
        assert_eq!(run(&too_long, u64::MAX), Err(PrecompileError::Blake2fInputLength));
        let bad_flag = vector("0000000c", "02");
        assert_eq!(run(&bad_flag, u64::MAX), Err(PrecompileError::Blake2fFinalFlag));
    }

    #[test]
    fn eip152_output_vectors() {
        // Test vectors 4-7 of EIP-152 (vector 8's 2^32 - 1 rounds is too slow for a unit test).
        let cases = [
            (
                "00000000",
                "01",
                0,
                concat!(
                    "08c9bcf367e6096a3ba7ca8485ae67bb2bf894fe72f36e3cf1361d5f3af54fa5",
                    "d282e6ad7f520e511f6c3e2b8c68059b9442be0454267ce079217e1319cde05b"
                ),
            ),
            (
                "0000000c",
                "01",
                12,
                concat!(
                    "ba80a53f981c4d0d6a2797b69f12f6e94c212f14685ac4b74b12bb6fdbffa2d1",
                    "7d87c5392aab792dc252d5de4533cc9518d38aa8dbf1925ab92386edd4009923"
                ),
            ),
            (
                "0000000c",
                "00",
                12,
                concat!(
                    "75ab69d3190a562c51aef8d88f1c2775876944407270c42c9844252c26d28752",
                    "98743e7f6d5ea2f2d3e8d226039cd31b4e426ac4f2d3d666a610c2116fde4735"
                ),
            ),
            (
                "00000001",
                "01",
                1,
                concat!(
                    "b63a380cb2897d521994a85234ee2c181b5f844d2c624c002677e9703449d2fb",
                    "a551b3a8333bcdf5f2f7e08993d53923de3d64fcc68c034e717b9293fed7a421"
                ),
            ),
        ];
        for (rounds, flag, gas, expected) in cases {
            let out = run(&vector(rounds, flag), gas).unwrap();
            assert_eq!(out.gas_used, gas);
            assert_eq!(out.output, hex(expected));
        }
        assert_eq!(run(&vector("0000000c", "01"), 11), Err(PrecompileError::OutOfGas));
    }

    #[test]
    fn huge_round_count_is_out_of_gas_before_work() {
        assert_eq!(run(&vector("ffffffff", "01"), 1_000_000), Err(PrecompileError::OutOfGas));
    }
}
