//! Merkle-Patricia trie roots: ordered and secure trie roots built from sorted keys, and the
//! account and storage encodings the state root is made of.
//!
//! Yellow Paper appendix D defines the trie. A node is a leaf `[HP(path, true), value]`, an
//! extension `[HP(path, false), child]` or a branch `[child_0, ..., child_15, value]`; a child
//! whose RLP is shorter than 32 bytes is embedded as is, otherwise it is referenced by the
//! Keccak-256 of its RLP. The root hash is the Keccak-256 of the root node's RLP, whatever its
//! length. The roots here are computed in one pass over the sorted keys, without building the
//! trie: every node is encoded into one shared buffer, hashed, and dropped again.

use alloc::vec::Vec;

use crate::primitives::{B256, U256, keccak256};
use crate::rlp;

/// The root of the empty trie: Keccak-256 of the RLP empty string (0x80).
pub const EMPTY_ROOT: B256 = B256([
    0x56, 0xe8, 0x1f, 0x17, 0x1b, 0xcc, 0x55, 0xa6, 0xff, 0x83, 0x45, 0xe6, 0x92, 0xc0, 0xf8, 0x6e, 0x5b,
    0x48, 0xe0, 0x1b, 0x99, 0x6c, 0xad, 0xc0, 0x01, 0x62, 0x2f, 0xb5, 0xe3, 0x63, 0xb4, 0x21,
]);

/// The root hash of the trie holding `pairs` (key bytes, value bytes); values are stored as
/// given, so the caller RLP-encodes them.
///
/// The pairs may come in any order. If a key repeats, its last pair wins, and a pair with an
/// empty value leaves the key out, as storing the empty string deletes a key from a trie
/// (this makes a sequence of updates and deletions easy to replay).
pub fn ordered_trie_root<K, V>(pairs: impl IntoIterator<Item = (K, V)>) -> B256
where
    K: AsRef<[u8]>,
    V: AsRef<[u8]>,
{
    let mut items: Vec<(K, V)> = pairs.into_iter().collect();
    root_of(&mut items)
}

/// The root hash of the secure trie holding `pairs`: as [`ordered_trie_root`] with every key
/// replaced by its Keccak-256 (Yellow Paper section 4.1, the state and storage tries).
pub fn secure_trie_root<K, V>(pairs: impl IntoIterator<Item = (K, V)>) -> B256
where
    K: AsRef<[u8]>,
    V: AsRef<[u8]>,
{
    let mut items: Vec<([u8; 32], V)> =
        pairs.into_iter().map(|(k, v)| (keccak256(k.as_ref()).0, v)).collect();
    root_of(&mut items)
}

/// The RLP of an account as the state trie stores it: `rlp([nonce, balance, storageRoot,
/// codeHash])` (Yellow Paper section 4.1).
pub fn account_rlp(nonce: u64, balance: U256, storage_root: B256, code_hash: B256) -> Vec<u8> {
    let payload_len = rlp::u64_len(nonce) + rlp::u256_len(balance) + 33 + 33;
    let mut out = Vec::with_capacity(rlp::list_len(payload_len));
    rlp::encode_list_header(&mut out, payload_len);
    rlp::encode_u64(&mut out, nonce);
    rlp::encode_u256(&mut out, balance);
    rlp::encode_b256(&mut out, &storage_root);
    rlp::encode_b256(&mut out, &code_hash);
    out
}

/// The storage root of an account holding `slots` (slot, value): the secure trie mapping
/// `keccak256(slot as 32 big-endian bytes)` to the RLP of the value's minimal big-endian bytes
/// (Yellow Paper section 4.1). Zero values are left out; if a slot repeats, its last value wins.
pub fn storage_root(slots: impl IntoIterator<Item = (U256, U256)>) -> B256 {
    let mut items: Vec<([u8; 32], SmallValue)> = slots
        .into_iter()
        .map(|(slot, value)| {
            let key = keccak256(&slot.to_be_bytes::<32>()).0;
            (key, SmallValue::of(value))
        })
        .collect();
    root_of(&mut items)
}

/// The RLP of a storage value (at most 33 bytes) without a heap allocation; zero is stored as
/// no bytes at all, so that [`root_of`] leaves the slot out.
struct SmallValue {
    len: u8,
    bytes: [u8; 33],
}

impl SmallValue {
    fn of(value: U256) -> SmallValue {
        let mut out = SmallValue { len: 0, bytes: [0; 33] };
        if value.is_zero() {
            return out;
        }
        let n = value.byte_len();
        let be = value.to_be_bytes::<32>();
        if n == 1 && be[31] < rlp::EMPTY_STRING_CODE {
            out.bytes[0] = be[31];
            out.len = 1;
        } else {
            out.bytes[0] = rlp::EMPTY_STRING_CODE + n as u8;
            out.bytes[1..=n].copy_from_slice(&be[32 - n..]);
            out.len = n as u8 + 1;
        }
        out
    }
}

impl AsRef<[u8]> for SmallValue {
    fn as_ref(&self) -> &[u8] {
        &self.bytes[..usize::from(self.len)]
    }
}

/// Sorts the pairs, keeps the last pair of each key, drops empty values and hashes the trie.
fn root_of<K: AsRef<[u8]>, V: AsRef<[u8]>>(items: &mut Vec<(K, V)>) -> B256 {
    // A stable sort of the reversed input puts the last pair of each key first in its run,
    // and `dedup_by` keeps the first element of each run.
    items.reverse();
    items.sort_by(|a, b| a.0.as_ref().cmp(b.0.as_ref()));
    items.dedup_by(|later, kept| later.0.as_ref() == kept.0.as_ref());
    items.retain(|(_, v)| !v.as_ref().is_empty());
    if items.is_empty() {
        return EMPTY_ROOT;
    }
    let mut buf = Vec::with_capacity(1024);
    let start = encode_node(items, 0, &mut buf);
    keccak256(&buf[start..])
}

/// Bytes reserved in front of each node's payload for its list header (at most nine bytes).
const HEADER_ROOM: usize = 9;

/// The reference to a child node inside its parent (Yellow Paper appendix D, function c):
/// the node's RLP itself if shorter than 32 bytes, else the Keccak-256 of it.
enum ChildRef {
    /// The hash of a node whose RLP is 32 bytes or longer.
    Hash([u8; 32]),
    /// The RLP of a node shorter than 32 bytes.
    Inline { len: u8, bytes: [u8; 31] },
}

impl ChildRef {
    fn of(encoding: &[u8]) -> ChildRef {
        if encoding.len() >= 32 {
            return ChildRef::Hash(keccak256(encoding).0);
        }
        let mut bytes = [0u8; 31];
        bytes[..encoding.len()].copy_from_slice(encoding);
        ChildRef::Inline { len: encoding.len() as u8, bytes }
    }

    /// Appends the reference as an item of the parent's list: a hash as a 32-byte string, an
    /// embedded node as its RLP.
    fn encode(&self, out: &mut Vec<u8>) {
        match self {
            ChildRef::Hash(h) => {
                out.push(rlp::EMPTY_STRING_CODE + 32);
                out.extend_from_slice(h);
            }
            ChildRef::Inline { len, bytes } => out.extend_from_slice(&bytes[..usize::from(*len)]),
        }
    }
}

/// The nibble of `key` at nibble index `i` (high nibble first), or 0 past its end.
#[inline]
fn nibble(key: &[u8], i: usize) -> u8 {
    match key.get(i / 2) {
        Some(b) if i.is_multiple_of(2) => b >> 4,
        Some(b) => b & 0x0f,
        None => 0,
    }
}

/// The number of nibbles two keys share from nibble `from` on.
fn common_prefix(a: &[u8], b: &[u8], from: usize) -> usize {
    let end = 2 * a.len().min(b.len());
    if from >= end {
        return 0;
    }
    let mut i = from;
    // An odd start nibble first, then whole bytes, then the high nibble of a differing byte.
    if i % 2 == 1 {
        if nibble(a, i) != nibble(b, i) {
            return 0;
        }
        i += 1;
    }
    let tail_a = a.get(i / 2..).unwrap_or(&[]);
    let tail_b = b.get(i / 2..).unwrap_or(&[]);
    let same = tail_a.iter().zip(tail_b).take_while(|(x, y)| x == y).count();
    i += 2 * same;
    if i < end && nibble(a, i) == nibble(b, i) {
        i += 1;
    }
    i - from
}

/// Appends the RLP of the hex-prefix encoding of nibbles `from..to` of `key` (Yellow Paper
/// appendix C): a flag nibble (2 for a leaf, plus 1 for odd length), then for odd lengths the
/// first nibble, then the remaining nibbles packed two to a byte.
fn encode_path(out: &mut Vec<u8>, key: &[u8], from: usize, to: usize, leaf: bool) {
    let n = to.saturating_sub(from);
    let odd = n % 2 == 1;
    let flag = if leaf { 0x20 } else { 0x00 };
    let first = if odd { flag | 0x10 | nibble(key, from) } else { flag };
    let len = n / 2 + 1;
    if len == 1 {
        // A single byte below 0x80 (the flags keep it below 0x40) is its own encoding.
        out.push(first);
        return;
    }
    rlp::Header { list: false, payload_len: len }.encode(out);
    out.push(first);
    let rest = from + usize::from(odd);
    if rest.is_multiple_of(2) {
        out.extend_from_slice(key.get(rest / 2..to / 2).unwrap_or(&[]));
    } else {
        let mut i = rest;
        while i < to {
            out.push(nibble(key, i) << 4 | nibble(key, i + 1));
            i += 2;
        }
    }
}

/// Appends the RLP of the node holding `items` below nibble `depth` and returns where that
/// RLP starts in `buf`.
///
/// `items` is sorted by key, has unique keys and non-empty values, is not empty, and all its
/// keys share their first `depth` nibbles. Each node reserves [`HEADER_ROOM`] bytes, writes its
/// payload after them, then writes its header right-aligned into the reserved bytes, so the
/// encoding is contiguous without moving the payload.
fn encode_node<K: AsRef<[u8]>, V: AsRef<[u8]>>(items: &[(K, V)], depth: usize, buf: &mut Vec<u8>) -> usize {
    let mark = buf.len();
    buf.extend_from_slice(&[0u8; HEADER_ROOM]);
    match items {
        [] => {}
        [(key, value)] => {
            // A single key: a leaf holding the rest of its path.
            let key = key.as_ref();
            encode_path(buf, key, depth, 2 * key.len(), true);
            rlp::encode_bytes(buf, value.as_ref());
        }
        [(first, _), .., (last, _)] => {
            // Sorted keys: the prefix shared by the first and the last is shared by all.
            let first = first.as_ref();
            let shared = common_prefix(first, last.as_ref(), depth);
            if shared > 0 {
                encode_path(buf, first, depth, depth + shared, false);
                child_ref(items, depth + shared, buf).encode(buf);
            } else {
                encode_branch(items, depth, buf);
            }
        }
    }
    let payload_len = buf.len() - mark - HEADER_ROOM;
    let (header, hlen) = rlp::Header { list: true, payload_len }.to_array();
    let start = mark + HEADER_ROOM - hlen;
    buf[start..mark + HEADER_ROOM].copy_from_slice(&header[..hlen]);
    start
}

/// Appends the payload of a branch node at nibble `depth`: sixteen children, one per next
/// nibble, then the value of the key that ends here (if any).
fn encode_branch<K: AsRef<[u8]>, V: AsRef<[u8]>>(items: &[(K, V)], depth: usize, buf: &mut Vec<u8>) {
    // Only the smallest key can end at the branch, as the keys are sorted and unique.
    let (value, mut rest) = match items {
        [(key, value), rest @ ..] if 2 * key.as_ref().len() == depth => (Some(value), rest),
        _ => (None, items),
    };
    for n in 0..16u8 {
        let run = rest.iter().take_while(|(key, _)| nibble(key.as_ref(), depth) == n).count();
        let (group, tail) = rest.split_at(run);
        if group.is_empty() {
            buf.push(rlp::EMPTY_STRING_CODE);
        } else {
            child_ref(group, depth + 1, buf).encode(buf);
        }
        rest = tail;
    }
    match value {
        Some(v) => rlp::encode_bytes(buf, v.as_ref()),
        None => buf.push(rlp::EMPTY_STRING_CODE),
    }
}

/// Encodes the node holding `items` at the end of `buf`, takes its reference and removes it
/// again.
fn child_ref<K: AsRef<[u8]>, V: AsRef<[u8]>>(items: &[(K, V)], depth: usize, buf: &mut Vec<u8>) -> ChildRef {
    let mark = buf.len();
    let start = encode_node(items, depth, buf);
    let child = ChildRef::of(&buf[start..]);
    buf.truncate(mark);
    child
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::primitives::KECCAK_EMPTY;
    use alloc::boxed::Box;
    use alloc::vec;

    #[test]
    fn empty_trie_root_is_the_constant() {
        assert_eq!(keccak256(&[rlp::EMPTY_STRING_CODE]), EMPTY_ROOT);
        assert_eq!(ordered_trie_root(Vec::<(Vec<u8>, Vec<u8>)>::new()), EMPTY_ROOT);
        assert_eq!(secure_trie_root([(b"k", b"")]), EMPTY_ROOT);
        assert_eq!(storage_root([]), EMPTY_ROOT);
        assert_eq!(storage_root([(U256::from(1), U256::ZERO)]), EMPTY_ROOT);
        // A slot set and then cleared is absent: the last value wins.
        assert_eq!(storage_root([(U256::from(1), U256::from(9)), (U256::from(1), U256::ZERO)]), EMPTY_ROOT);
    }

    /// A root smaller than 32 bytes is still hashed: one key 0x01 with value 0x02 is the leaf
    /// `[HP([0, 1], leaf) = 0x2001, 0x02]`.
    #[test]
    fn short_root_is_hashed() {
        let expected = keccak256(&[0xc4, 0x82, 0x20, 0x01, 0x02]);
        assert_eq!(ordered_trie_root([([0x01u8], [0x02u8])]), expected);
        // The empty key: a leaf with an empty path, HP = 0x20.
        assert_eq!(ordered_trie_root([(b"", b"ab")]), keccak256(&[0xc4, 0x20, 0x82, b'a', b'b']));
    }

    /// Keys 0x01 and 0x02 share nibble 0, so the root is an extension over a branch with leaves
    /// at nibbles 1 and 2; here every child is shorter than 32 bytes and is embedded.
    #[test]
    fn small_children_are_inlined() {
        let leaf_a = [0xc3, 0x20, 0x81, 0xaa];
        let leaf_b = [0xc3, 0x20, 0x81, 0xbb];
        let mut branch_payload = vec![0x80];
        branch_payload.extend_from_slice(&leaf_a);
        branch_payload.extend_from_slice(&leaf_b);
        branch_payload.extend_from_slice(&[0x80; 14]);
        let mut branch = Vec::new();
        rlp::encode_list(&mut branch, &branch_payload);
        assert_eq!(branch.len(), 24);
        let mut ext_payload = vec![0x10];
        ext_payload.extend_from_slice(&branch);
        let mut ext = Vec::new();
        rlp::encode_list(&mut ext, &ext_payload);
        let root = ordered_trie_root([([0x02u8], [0xbbu8]), ([0x01], [0xaa])]);
        assert_eq!(root, keccak256(&ext));
    }

    /// The boundary of Yellow Paper appendix D's `c`: a 31-byte leaf is embedded, a 32-byte
    /// leaf is referenced by hash. A leaf with an empty path and an `L`-byte value is
    /// `L + 3` bytes long.
    #[test]
    fn thirty_two_byte_children_are_hashed() {
        for (len_a, len_b) in [(28, 29), (29, 28), (28, 28), (29, 29)] {
            let a = vec![0xaau8; len_a];
            let b = vec![0xbbu8; len_b];
            let leaf = |v: &[u8]| {
                let mut out = Vec::new();
                rlp::encode_list_with(&mut out, |o| {
                    o.push(0x20);
                    rlp::encode_bytes(o, v);
                });
                out
            };
            let reference = |enc: Vec<u8>| {
                if enc.len() < 32 {
                    enc
                } else {
                    let mut out = Vec::new();
                    rlp::encode_b256(&mut out, &keccak256(&enc));
                    out
                }
            };
            assert_eq!(leaf(&a).len(), len_a + 3);
            let mut branch = Vec::new();
            rlp::encode_list_with(&mut branch, |o| {
                o.push(0x80);
                o.extend_from_slice(&reference(leaf(&a)));
                o.extend_from_slice(&reference(leaf(&b)));
                o.extend_from_slice(&[0x80; 14]);
            });
            let mut ext = Vec::new();
            rlp::encode_list_with(&mut ext, |o| {
                o.push(0x10);
                o.extend_from_slice(&reference(branch.clone()));
            });
            let root = ordered_trie_root([(vec![0x01u8], a.clone()), (vec![0x02], b.clone())]);
            assert_eq!(root, keccak256(&ext), "values of {len_a} and {len_b} bytes");
        }
    }

    #[test]
    fn account_rlp_matches_a_fixture_account() {
        // From TrieTests/hex_encoded_securetrie_test.json, test1.
        let expected = crate::primitives::decode_hex(
            "0xf848018405f446a7a056e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421a0c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470",
        )
        .unwrap();
        let got = account_rlp(1, U256::from(0x05f4_46a7u64), EMPTY_ROOT, KECCAK_EMPTY);
        assert_eq!(got, expected);
        assert_eq!(got.capacity(), got.len());
        let item = rlp::decode(&got).unwrap();
        let fields = item.as_list().unwrap();
        assert_eq!(fields[0].as_u64(), Ok(1));
        assert_eq!(fields[3].as_b256(), Ok(KECCAK_EMPTY));
    }

    #[test]
    fn storage_root_is_the_secure_trie_of_rlp_values() {
        let slots = [
            (U256::from(0), U256::from(1)),
            (U256::from(1), U256::from(0x80)),
            (U256::from(2), U256::MAX),
            (U256::MAX, U256::from(0x7f)),
            (U256::from(3), U256::ZERO),
        ];
        let pairs: Vec<([u8; 32], Vec<u8>)> = slots
            .iter()
            .filter(|(_, v)| !v.is_zero())
            .map(|(k, v)| {
                let mut value = Vec::new();
                rlp::encode_u256(&mut value, *v);
                (k.to_be_bytes::<32>(), value)
            })
            .collect();
        assert_eq!(storage_root(slots), secure_trie_root(pairs));
        assert_ne!(storage_root(slots), EMPTY_ROOT);
        let mut reversed = slots;
        reversed.reverse();
        assert_eq!(storage_root(reversed), storage_root(slots));
    }

    #[test]
    fn repeated_keys_last_pair_wins() {
        let once = ordered_trie_root([(&b"dog"[..], &b"puppy"[..]), (b"do", b"verb")]);
        let replayed = ordered_trie_root([
            (&b"dog"[..], &b"cat"[..]),
            (b"do", b"verb"),
            (b"horse", b"stallion"),
            (b"dog", b"puppy"),
            (b"horse", b""),
        ]);
        assert_eq!(once, replayed);
    }

    /// An insertion-built trie straight from Yellow Paper appendix D, to check the one-pass
    /// builder against on random inputs.
    enum Node {
        Empty,
        Leaf(Vec<u8>, Vec<u8>),
        Extension(Vec<u8>, Box<Node>),
        Branch(Box<[Node; 16]>, Option<Vec<u8>>),
    }

    fn empty_branch() -> Node {
        Node::Branch(Box::new(core::array::from_fn(|_| Node::Empty)), None)
    }

    fn shared(a: &[u8], b: &[u8]) -> usize {
        a.iter().zip(b).take_while(|(x, y)| x == y).count()
    }

    fn insert(node: Node, path: &[u8], value: Vec<u8>) -> Node {
        match node {
            Node::Empty => Node::Leaf(path.to_vec(), value),
            Node::Leaf(k, v) => {
                if k == path {
                    return Node::Leaf(k, value);
                }
                let cp = shared(&k, path);
                let branch = insert(empty_branch(), &k[cp..], v);
                let branch = insert(branch, &path[cp..], value);
                wrap(&path[..cp], branch)
            }
            Node::Extension(k, child) => {
                let cp = shared(&k, path);
                if cp == k.len() {
                    return Node::Extension(k, Box::new(insert(*child, &path[cp..], value)));
                }
                let mut branch = empty_branch();
                if let Node::Branch(children, _) = &mut branch {
                    children[usize::from(k[cp])] = wrap(&k[cp + 1..], *child);
                }
                let branch = insert(branch, &path[cp..], value);
                wrap(&path[..cp], branch)
            }
            Node::Branch(mut children, v) => match path.split_first() {
                None => Node::Branch(children, Some(value)),
                Some((&n, rest)) => {
                    let slot = &mut children[usize::from(n)];
                    let old = core::mem::replace(slot, Node::Empty);
                    *slot = insert(old, rest, value);
                    Node::Branch(children, v)
                }
            },
        }
    }

    fn wrap(path: &[u8], node: Node) -> Node {
        if path.is_empty() { node } else { Node::Extension(path.to_vec(), Box::new(node)) }
    }

    fn hex_prefix(path: &[u8], leaf: bool) -> Vec<u8> {
        let flag = if leaf { 2 } else { 0 };
        let mut nibbles = if path.len() % 2 == 1 { vec![flag + 1] } else { vec![flag, 0] };
        nibbles.extend_from_slice(path);
        nibbles.chunks(2).map(|c| c[0] << 4 | c[1]).collect()
    }

    fn node_rlp(node: &Node) -> Vec<u8> {
        let mut payload = Vec::new();
        match node {
            Node::Empty => return vec![0x80],
            Node::Leaf(k, v) => {
                rlp::encode_bytes(&mut payload, &hex_prefix(k, true));
                rlp::encode_bytes(&mut payload, v);
            }
            Node::Extension(k, child) => {
                rlp::encode_bytes(&mut payload, &hex_prefix(k, false));
                payload.extend_from_slice(&node_ref(child));
            }
            Node::Branch(children, v) => {
                for child in children.iter() {
                    payload.extend_from_slice(&node_ref(child));
                }
                rlp::encode_bytes(&mut payload, v.as_deref().unwrap_or(&[]));
            }
        }
        let mut out = Vec::new();
        rlp::encode_list(&mut out, &payload);
        out
    }

    fn node_ref(node: &Node) -> Vec<u8> {
        let enc = node_rlp(node);
        if matches!(node, Node::Empty) || enc.len() < 32 {
            enc
        } else {
            let mut out = Vec::new();
            rlp::encode_b256(&mut out, &keccak256(&enc));
            out
        }
    }

    fn reference_root(pairs: &[(Vec<u8>, Vec<u8>)]) -> B256 {
        let mut root = Node::Empty;
        for (k, v) in pairs {
            let nibbles: Vec<u8> = k.iter().flat_map(|b| [b >> 4, b & 0x0f]).collect();
            root = insert(root, &nibbles, v.clone());
        }
        keccak256(&node_rlp(&root))
    }

    /// Random sets of short keys from a small alphabet (so that keys share prefixes and are
    /// prefixes of each other) with values around the 32-byte inlining boundary.
    #[test]
    fn matches_an_insertion_built_trie_on_random_inputs() {
        let mut state = 0x2545_f491_4f6c_dd1du64;
        let mut next = move |n: u64| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % n) as usize
        };
        let alphabet = [0x00u8, 0x01, 0x10, 0x11, 0x12, 0xf0, 0xff];
        for round in 0..2000 {
            let count = 1 + next(12);
            let mut pairs: Vec<(Vec<u8>, Vec<u8>)> = Vec::new();
            for _ in 0..count {
                let key: Vec<u8> = (0..next(5)).map(|_| alphabet[next(7)]).collect();
                if pairs.iter().any(|(k, _)| *k == key) {
                    continue;
                }
                let len = if next(2) == 0 { 1 + next(4) } else { 20 + next(20) };
                let value: Vec<u8> = (0..len).map(|_| next(256) as u8).collect();
                pairs.push((key, value));
            }
            let expected = reference_root(&pairs);
            assert_eq!(ordered_trie_root(pairs.clone()), expected, "round {round}: {pairs:02x?}");
            pairs.reverse();
            assert_eq!(ordered_trie_root(pairs.iter().map(|(k, v)| (k, v))), expected);
        }
    }

    #[test]
    fn many_accounts() {
        let accounts: Vec<([u8; 20], Vec<u8>)> = (0..5000u64)
            .map(|i| {
                let address = crate::primitives::Address::from_low_u64(i).0;
                (address, account_rlp(i, U256::from(i) << 100, EMPTY_ROOT, KECCAK_EMPTY))
            })
            .collect();
        let root = secure_trie_root(accounts.iter().map(|(a, v)| (a, v)));
        let hashed: Vec<(Vec<u8>, Vec<u8>)> =
            accounts.iter().map(|(a, v)| (keccak256(a).0.to_vec(), v.clone())).collect();
        assert_eq!(root, reference_root(&hashed));
    }

    #[cfg(feature = "std")]
    mod fixtures {

        use super::super::*;
        use crate::primitives::{B256, decode_hex};
        use alloc::string::String;
        use serde_json::Value;
        use std::collections::BTreeMap;
        use std::fs;
        use std::path::{Path, PathBuf};

        /// The ethereum/tests checkout: `$OVM_ETHTESTS`, else `shared/ethtests` beside the
        /// crate, else the workplace's copy.
        fn ethtests_dir() -> PathBuf {
            if let Some(dir) = std::env::var_os("OVM_ETHTESTS") {
                return PathBuf::from(dir);
            }
            let candidates =
                [concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/ethtests"), "/work/shared/ethtests"];
            for dir in candidates {
                if Path::new(dir).is_dir() {
                    return PathBuf::from(dir);
                }
            }
            panic!(
                "ethereum/tests fixtures not found (tried {candidates:?}); set OVM_ETHTESTS to the checkout"
            );
        }

        fn load(rel: &str) -> serde_json::Map<String, Value> {
            let path = ethtests_dir().join("TrieTests").join(rel);
            let text = fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("cannot read fixture {}: {e}", path.display()));
            match serde_json::from_str(&text) {
                Ok(Value::Object(map)) => map,
                other => panic!("fixture {} is not a JSON object: {other:?}", path.display()),
            }
        }

        /// A key or value: `0x`-prefixed hex, else the string's raw bytes; `null` (a deletion)
        /// is the empty value.
        fn bytes_of(v: &Value) -> Vec<u8> {
            match v {
                Value::Null => Vec::new(),
                Value::String(s) if s.starts_with("0x") => decode_hex(s).expect("hex"),
                Value::String(s) => s.as_bytes().to_vec(),
                other => panic!("unexpected key or value {other:?}"),
            }
        }

        /// The fixture's operations in order: a list of [key, value] pairs or a map.
        fn operations(input: &Value) -> Vec<(Vec<u8>, Vec<u8>)> {
            match input {
                Value::Array(ops) => ops.iter().map(|op| (bytes_of(&op[0]), bytes_of(&op[1]))).collect(),
                Value::Object(map) => {
                    map.iter().map(|(k, v)| (bytes_of(&Value::String(k.clone())), bytes_of(v))).collect()
                }
                other => panic!("unexpected `in` {other:?}"),
            }
        }

        /// Checks every case of a file; returns how many there were.
        fn run(file: &str, secure: bool) -> usize {
            let cases = load(file);
            for (name, case) in &cases {
                let ops = operations(&case["in"]);
                let root = case["root"].as_str().expect("`root` is a string");
                let expected = B256::from_hex(root).expect("root is hex");
                // Replaying the operations directly: the last pair of a key wins and an
                // empty value deletes it.
                let replayed = if secure {
                    secure_trie_root(ops.iter().map(|(k, v)| (k, v)))
                } else {
                    ordered_trie_root(ops.iter().map(|(k, v)| (k, v)))
                };
                assert_eq!(replayed, expected, "{file} {name}: replayed");
                // The same through a map holding only the final contents, in reverse order.
                let mut state = BTreeMap::new();
                for (k, v) in ops {
                    if v.is_empty() {
                        state.remove(&k);
                    } else {
                        state.insert(k, v);
                    }
                }
                let finals = state.into_iter().rev();
                let root = if secure { secure_trie_root(finals) } else { ordered_trie_root(finals) };
                assert_eq!(root, expected, "{file} {name}: final contents");
            }
            cases.len()
        }

        #[test]
        fn trietest_json() {
            assert!(run("trietest.json", false) >= 5);
        }

        #[test]
        fn trietest_secure_trie_json() {
            assert!(run("trietest_secureTrie.json", true) >= 3);
        }

        #[test]
        fn trieanyorder_json() {
            assert!(run("trieanyorder.json", false) >= 7);
        }

        #[test]
        fn trieanyorder_secure_trie_json() {
            assert!(run("trieanyorder_secureTrie.json", true) >= 7);
        }

        #[test]
        fn hex_encoded_securetrie_test_json() {
            assert!(run("hex_encoded_securetrie_test.json", true) >= 3);
        }

        // trietestnextprev.json is not run: it tests next/previous key iteration over a stored
        // trie, and this module only computes roots.
    }
}
