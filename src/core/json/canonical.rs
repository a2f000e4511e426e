//! RFC 8785 (JCS) canonical serialisation, the exclusions applied before it, and the two hashes.
//!
//! `canonicalHash` = SHA-256 of the JCS form of the document after the root lock field, the
//! `exclude` pointers and the `volatile-keys` are removed. `rawHash` = SHA-256 of the stored bytes.

use std::cmp::Ordering;

use sha2::{Digest, Sha256};

use super::pointer::{array_index, Pointer};
use super::value::{Member, Node, Value};

/// What is removed from a document before it is canonically hashed or diffed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Exclusions {
    /// Root member holding an embedded integrity block: never part of its own hash.
    pub lock_field: Option<String>,
    /// Parts removed by JSON Pointer from the root.
    pub pointers: Vec<Pointer>,
    /// Member names removed at any depth.
    pub volatile_keys: Vec<String>,
}

/// What `Exclusions::apply` took out that callers still need.
#[derive(Debug, Default)]
pub struct Removed<'a> {
    /// The root lock field's value, if the document had one.
    pub lock: Option<Node<'a>>,
    /// Whether anything at all was removed.
    pub any: bool,
}

#[derive(Debug, Default)]
struct Trie {
    terminal: bool,
    children: Vec<(String, Trie)>,
}

impl Trie {
    fn build(pointers: &[Pointer]) -> Trie {
        let mut root = Trie::default();
        for p in pointers {
            let mut node = &mut root;
            for token in p.tokens() {
                let at = match node.children.iter().position(|(t, _)| t == token) {
                    Some(i) => i,
                    None => {
                        node.children.push((token.clone(), Trie::default()));
                        node.children.len() - 1
                    }
                };
                node = &mut node.children[at].1;
            }
            node.terminal = true;
        }
        root
    }
}

impl Exclusions {
    /// Removes the excluded parts from `root` in place.
    pub fn apply<'a>(&self, root: &mut Node<'a>) -> Removed<'a> {
        let mut removed = Removed::default();
        if let (Some(field), Value::Object(members)) = (&self.lock_field, &mut root.value) {
            if let Some(i) = members.iter().position(|m| m.key == field.as_str()) {
                removed.lock = Some(members.remove(i).node);
                removed.any = true;
            }
        }
        if !self.pointers.is_empty() {
            let trie = Trie::build(&self.pointers);
            if trie.terminal {
                // The empty pointer excludes the whole document.
                root.value = Value::Null;
                removed.any = true;
            } else {
                removed.any |= remove_pointers(root, &trie);
            }
        }
        if !self.volatile_keys.is_empty() {
            removed.any |= remove_keys(root, &self.volatile_keys);
        }
        removed
    }
}

fn remove_pointers(node: &mut Node<'_>, trie: &Trie) -> bool {
    let mut any = false;
    match &mut node.value {
        Value::Object(members) => {
            for (token, child) in &trie.children {
                if child.terminal {
                    continue;
                }
                if let Some(m) = members.iter_mut().find(|m| m.key == token.as_str()) {
                    any |= remove_pointers(&mut m.node, child);
                }
            }
            let before = members.len();
            members.retain(|m| {
                !trie
                    .children
                    .iter()
                    .any(|(t, c)| c.terminal && m.key == t.as_str())
            });
            any |= members.len() != before;
        }
        Value::Array(items) => {
            let mut drop = vec![false; items.len()];
            for (token, child) in &trie.children {
                let Some(i) = array_index(token).filter(|&i| i < items.len()) else {
                    continue;
                };
                if child.terminal {
                    drop[i] = true;
                } else {
                    any |= remove_pointers(&mut items[i], child);
                }
            }
            if drop.iter().any(|&d| d) {
                any = true;
                let mut i = 0;
                items.retain(|_| {
                    i += 1;
                    !drop[i - 1]
                });
            }
        }
        _ => {}
    }
    any
}

fn remove_keys(node: &mut Node<'_>, keys: &[String]) -> bool {
    let mut any = false;
    match &mut node.value {
        Value::Object(members) => {
            let before = members.len();
            members.retain(|m| !keys.iter().any(|k| m.key == k.as_str()));
            any |= members.len() != before;
            for m in members.iter_mut() {
                any |= remove_keys(&mut m.node, keys);
            }
        }
        Value::Array(items) => {
            for item in items.iter_mut() {
                any |= remove_keys(item, keys);
            }
        }
        _ => {}
    }
    any
}

/// Somewhere canonical bytes go.
pub trait Sink {
    fn put(&mut self, bytes: &[u8]);
}

impl Sink for Vec<u8> {
    fn put(&mut self, bytes: &[u8]) {
        self.extend_from_slice(bytes);
    }
}

/// Feeds SHA-256 through a buffer, so small writes cost no hashing calls.
pub struct HashSink {
    hasher: Sha256,
    buf: Vec<u8>,
}

const HASH_BUF: usize = 64 * 1024;

impl Default for HashSink {
    fn default() -> Self {
        HashSink {
            hasher: Sha256::new(),
            buf: Vec::with_capacity(HASH_BUF),
        }
    }
}

impl HashSink {
    pub fn finish(mut self) -> Digest32 {
        self.hasher.update(&self.buf);
        Digest32(self.hasher.finalize().into())
    }
}

impl Sink for HashSink {
    #[inline]
    fn put(&mut self, bytes: &[u8]) {
        if self.buf.len() + bytes.len() > HASH_BUF {
            self.hasher.update(&self.buf);
            self.buf.clear();
            if bytes.len() > HASH_BUF {
                self.hasher.update(bytes);
                return;
            }
        }
        self.buf.extend_from_slice(bytes);
    }
}

/// A SHA-256 digest.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Digest32(pub [u8; 32]);

impl Digest32 {
    /// Lowercase hex, as every output spells hashes.
    pub fn hex(&self) -> String {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let mut s = String::with_capacity(64);
        for b in self.0 {
            s.push(HEX[(b >> 4) as usize] as char);
            s.push(HEX[(b & 15) as usize] as char);
        }
        s
    }
}

impl std::fmt::Debug for Digest32 {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.hex())
    }
}

impl std::fmt::Display for Digest32 {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.hex())
    }
}

/// SHA-256 of raw bytes.
pub fn sha256(bytes: &[u8]) -> Digest32 {
    Digest32(Sha256::digest(bytes).into())
}

/// SHA-256 of the JCS form of `node`.
pub fn hash(node: &Node<'_>) -> Digest32 {
    let mut sink = HashSink::default();
    write(&node.value, &mut sink);
    sink.finish()
}

/// `hash` on two cores: the largest array directly under the root (a registry's `domains`) is
/// cut into chunks; this thread writes the even ones straight into the hash, another thread
/// writes the odd ones into buffers that are hashed in turn (at most two buffers exist at a
/// time, so memory stays small). The digest is the same, byte for byte.
pub fn hash_parallel(node: &Node<'_>) -> Digest32 {
    let Value::Object(members) = &node.value else {
        return hash(node);
    };
    let big = members
        .iter()
        .enumerate()
        .filter_map(|(i, m)| m.node.value.as_array().map(|a| (i, a.len())))
        .max_by_key(|&(_, n)| n)
        .filter(|&(_, n)| n >= 2);
    let Some((big, _)) = big else {
        return hash(node);
    };
    let mut order: Vec<usize> = (0..members.len()).collect();
    order.sort_unstable_by(|&a, &b| cmp_utf16(&members[a].key, &members[b].key));
    let mut sink = HashSink::default();
    let mut scratch = Vec::new();
    sink.put(b"{");
    for (i, &k) in order.iter().enumerate() {
        let m = &members[k];
        if i > 0 {
            sink.put(b",");
        }
        write_string(&m.key, &mut sink);
        sink.put(b":");
        if k != big {
            write_at(&m.node.value, &mut sink, &mut scratch, 1);
            continue;
        }
        let items = m.node.value.as_array().unwrap_or(&[]);
        write_array_parallel(items, &mut sink, &mut scratch);
    }
    sink.put(b"}");
    sink.finish()
}

/// Chunks the big array is cut into for `hash_parallel` (an even number).
const CHUNKS: usize = 32;

fn write_array_parallel(items: &[Node<'_>], sink: &mut HashSink, scratch: &mut Vec<Vec<u32>>) {
    let size = items.len().div_ceil(CHUNKS).max(1);
    let chunks: Vec<&[Node<'_>]> = items.chunks(size).collect();
    std::thread::scope(|s| {
        let (send, receive) = std::sync::mpsc::sync_channel::<Vec<u8>>(1);
        let odd: Vec<&[Node<'_>]> = chunks.iter().skip(1).step_by(2).copied().collect();
        s.spawn(move || {
            let mut scratch = Vec::new();
            for chunk in odd {
                let mut buf = Vec::new();
                for item in chunk {
                    buf.put(b",");
                    write_at(&item.value, &mut buf, &mut scratch, 2);
                }
                if send.send(buf).is_err() {
                    return;
                }
            }
        });
        sink.put(b"[");
        for (c, chunk) in chunks.iter().enumerate() {
            if c % 2 == 1 {
                // Written by the other thread, in order.
                if let Ok(buf) = receive.recv() {
                    sink.put(&buf);
                }
                continue;
            }
            for (j, item) in chunk.iter().enumerate() {
                if c > 0 || j > 0 {
                    sink.put(b",");
                }
                write_at(&item.value, sink, scratch, 2);
            }
        }
        sink.put(b"]");
    });
}

/// The JCS form of `node`.
pub fn to_vec(node: &Node<'_>) -> Vec<u8> {
    let mut out = Vec::new();
    write(&node.value, &mut out);
    out
}

/// The JCS form of `value`, as a string.
pub fn to_string(value: &Value<'_>) -> String {
    let mut out = Vec::new();
    write(value, &mut out);
    // JCS output of valid UTF-8 input is valid UTF-8.
    String::from_utf8_lossy(&out).into_owned()
}

/// Writes the JCS form of `value` to `out`.
pub fn write<S: Sink>(value: &Value<'_>, out: &mut S) {
    write_at(value, out, &mut Vec::new(), 0);
}

/// `scratch[depth]` is the member order buffer of the object being written at that depth,
/// reused across objects so sorting members allocates once per depth, not once per object.
fn write_at<S: Sink>(value: &Value<'_>, out: &mut S, scratch: &mut Vec<Vec<u32>>, depth: usize) {
    match value {
        Value::Null => out.put(b"null"),
        Value::Bool(true) => out.put(b"true"),
        Value::Bool(false) => out.put(b"false"),
        Value::Number(n) => write_number(*n, out),
        Value::String(s) => write_string(s, out),
        Value::Array(items) => {
            out.put(b"[");
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.put(b",");
                }
                write_at(&item.value, out, scratch, depth + 1);
            }
            out.put(b"]");
        }
        Value::Object(members) => {
            out.put(b"{");
            if scratch.len() <= depth {
                scratch.resize_with(depth + 1, Vec::new);
            }
            let mut order = std::mem::take(&mut scratch[depth]);
            order.clear();
            order.extend(0..members.len() as u32);
            order.sort_unstable_by(|&a, &b| {
                cmp_utf16(&members[a as usize].key, &members[b as usize].key)
            });
            for (i, &k) in order.iter().enumerate() {
                let m: &Member<'_> = &members[k as usize];
                if i > 0 {
                    out.put(b",");
                }
                write_string(&m.key, out);
                out.put(b":");
                write_at(&m.node.value, out, scratch, depth + 1);
            }
            scratch[depth] = order;
            out.put(b"}");
        }
    }
}

/// Orders strings by their UTF-16 code units, as RFC 8785 §3.2.3 sorts member names.
pub fn cmp_utf16(a: &str, b: &str) -> Ordering {
    // UTF-8 byte order is code point order, which differs from UTF-16 order only where a
    // character above U+FFFF meets one in U+E000..=U+FFFF; both start with a byte >= 0xEE.
    let (ab, bb) = (a.as_bytes(), b.as_bytes());
    match ab.iter().zip(bb).position(|(x, y)| x != y) {
        None => ab.len().cmp(&bb.len()),
        Some(i) if ab[i] < 0xEE && bb[i] < 0xEE => ab[i].cmp(&bb[i]),
        Some(_) => a.encode_utf16().cmp(b.encode_utf16()),
    }
}

/// ECMAScript `Number.prototype.toString` for finite doubles (RFC 8785 §3.2.2.3).
pub fn write_number<S: Sink>(n: f64, out: &mut S) {
    if n == 0.0 {
        // Covers -0, which ECMAScript prints as 0.
        out.put(b"0");
        return;
    }
    let mut buf = ryu_js::Buffer::new();
    out.put(buf.format_finite(n).as_bytes());
}

/// A JSON string as JCS writes it: only `"`, `\` and controls escaped, the short forms where
/// they exist, else `\u00xx` in lowercase hex.
pub fn write_string<S: Sink>(s: &str, out: &mut S) {
    out.put(b"\"");
    let bytes = s.as_bytes();
    let mut run = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let escaped: &[u8] = match b {
            b'"' => b"\\\"",
            b'\\' => b"\\\\",
            0x08 => b"\\b",
            0x0C => b"\\f",
            b'\n' => b"\\n",
            b'\r' => b"\\r",
            b'\t' => b"\\t",
            0x00..=0x1F => {
                out.put(&bytes[run..i]);
                const HEX: &[u8; 16] = b"0123456789abcdef";
                out.put(&[
                    b'\\',
                    b'u',
                    b'0',
                    b'0',
                    HEX[(b >> 4) as usize],
                    HEX[(b & 15) as usize],
                ]);
                run = i + 1;
                continue;
            }
            _ => continue,
        };
        out.put(&bytes[run..i]);
        out.put(escaped);
        run = i + 1;
    }
    out.put(&bytes[run..]);
    out.put(b"\"");
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::json::parse::{parse, Limits};

    fn jcs(text: &str) -> String {
        let node = parse(text.as_bytes(), &Limits::default()).unwrap();
        String::from_utf8(to_vec(&node)).unwrap()
    }

    fn num(n: f64) -> String {
        let mut out = Vec::new();
        write_number(n, &mut out);
        String::from_utf8(out).unwrap()
    }

    /// RFC 8785 §3.2.2: the example input and its canonical output.
    #[test]
    fn rfc8785_section_3_2_2_example() {
        let input = r#"{
  "numbers": [333333333.33333329, 1E30, 4.50,
              2e-3, 0.000000000000000000000000001],
  "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
  "literals": [null, true, false]
}"#;
        assert_eq!(
            jcs(input),
            r#"{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\u000f\nA'B\"\\\\\"/"}"#
        );
    }

    /// RFC 8785 §3.2.3: member sorting by UTF-16 code units.
    #[test]
    fn rfc8785_section_3_2_3_sorting() {
        let input = r#"{
  "\u20ac": "Euro Sign",
  "\r": "Carriage Return",
  "\ufb33": "Hebrew Letter Dalet With Dagesh",
  "1": "One",
  "\ud83d\ude00": "Emoji: Grinning Face",
  "\u0080": "Control",
  "\u00f6": "Latin Small Letter O With Diaeresis"
}"#;
        let out = jcs(input);
        let node = parse(out.as_bytes(), &Limits::default()).unwrap();
        let values: Vec<&str> = node
            .value
            .as_object()
            .unwrap()
            .iter()
            .map(|m| m.node.value.as_str().unwrap())
            .collect();
        assert_eq!(
            values,
            [
                "Carriage Return",
                "One",
                "Control",
                "Latin Small Letter O With Diaeresis",
                "Euro Sign",
                "Emoji: Grinning Face",
                "Hebrew Letter Dalet With Dagesh",
            ]
        );
    }

    /// RFC 8785 Appendix B: IEEE-754 bit patterns and their ECMAScript strings.
    #[test]
    fn rfc8785_appendix_b_numbers() {
        let cases: &[(u64, &str)] = &[
            (0x0000000000000000, "0"),
            (0x8000000000000000, "0"),
            (0x0000000000000001, "5e-324"),
            (0x8000000000000001, "-5e-324"),
            (0x7fefffffffffffff, "1.7976931348623157e+308"),
            (0xffefffffffffffff, "-1.7976931348623157e+308"),
            (0x4340000000000000, "9007199254740992"),
            (0xc340000000000000, "-9007199254740992"),
            (0x4430000000000000, "295147905179352830000"),
            (0x44b52d02c7e14af5, "9.999999999999997e+22"),
            (0x44b52d02c7e14af6, "1e+23"),
            (0x44b52d02c7e14af7, "1.0000000000000001e+23"),
            (0x444b1ae4d6e2ef4e, "999999999999999700000"),
            (0x444b1ae4d6e2ef4f, "999999999999999900000"),
            (0x444b1ae4d6e2ef50, "1e+21"),
            (0x3eb0c6f7a0b5ed8c, "9.999999999999997e-7"),
            (0x3eb0c6f7a0b5ed8d, "0.000001"),
            (0x41b3de4355555553, "333333333.3333332"),
            (0x41b3de4355555554, "333333333.33333325"),
            (0x41b3de4355555555, "333333333.3333333"),
            (0x41b3de4355555556, "333333333.3333334"),
            (0x41b3de4355555557, "333333333.33333343"),
            (0xbecbf647612f3696, "-0.0000033333333333333333"),
            (0x43143ff3c1cb0959, "1424953923781206.2"),
        ];
        for &(bits, expected) in cases {
            assert_eq!(num(f64::from_bits(bits)), expected, "bits {bits:016x}");
        }
    }

    /// Number vectors gathered from ECMAScript behaviour, parsed from JSON text.
    #[test]
    fn number_text_vectors() {
        let cases = [
            ("1.0", "1"),
            ("-0", "0"),
            ("-0.0", "0"),
            ("0e10", "0"),
            ("1e21", "1e+21"),
            ("1e20", "100000000000000000000"),
            ("123456789012345678901", "123456789012345680000"),
            ("1E-7", "1e-7"),
            ("0.000001", "0.000001"),
            ("0.1", "0.1"),
            ("100", "100"),
            ("1.5e2", "150"),
            ("-1.25", "-1.25"),
            ("9007199254740993", "9007199254740992"),
            ("0.30000000000000004", "0.30000000000000004"),
            ("5e-324", "5e-324"),
            ("2.5e-324", "5e-324"),
            ("2e-324", "0"),
            ("1e-400", "0"),
            ("4.35", "4.35"),
            ("1.7976931348623157e308", "1.7976931348623157e+308"),
            ("123e-2", "1.23"),
            ("1000000000000000128", "1000000000000000100"),
        ];
        for (text, expected) in cases {
            assert_eq!(jcs(text), expected, "{text}");
        }
    }

    #[test]
    fn string_escaping() {
        assert_eq!(
            jcs(r#""\u0000\u001f\b\f\n\r\t\"\\\/\u007f\u2028é😀""#),
            "\"\\u0000\\u001f\\b\\f\\n\\r\\t\\\"\\\\/\u{7f}\u{2028}é😀\""
        );
    }

    #[test]
    fn whitespace_and_order_do_not_change_the_hash() {
        let a = parse(
            b"{ \"b\" : [1, 2.0], \"a\": {\"y\":1,\"x\":2} }",
            &Limits::default(),
        )
        .unwrap();
        let b = parse(b"{\"a\":{\"x\":2,\"y\":1},\"b\":[1,2]}", &Limits::default()).unwrap();
        assert_eq!(hash(&a), hash(&b));
        let c = parse(b"{\"a\":{\"x\":2,\"y\":1},\"b\":[2,1]}", &Limits::default()).unwrap();
        assert_ne!(hash(&a), hash(&c));
    }

    #[test]
    fn the_parallel_hash_is_the_same_hash() {
        for text in [
            r#"{"b": [1, {"y": 2, "x": [3]}, "s", null], "a": {"k": 1}, "c": []}"#,
            r#"{"domains": [{"id": "a"}, {"id": "b"}, {"id": "c"}], "z": [1, 2]}"#,
            r#"{"many": [0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31,32,33,34,35,36,37,38,39,40,41,42,43,44,45,46,47,48,49,50,51,52,53,54,55,56,57,58,59,60,61,62,63,64,65,66,67,68,69,70], "a": 1}"#,
            r#"{"only": [1, 2]}"#,
            r#"{"one": [1]}"#,
            r#"{"none": 1}"#,
            r#"[1, 2, 3]"#,
            r#"{}"#,
        ] {
            let node = parse(text.as_bytes(), &Limits::default()).unwrap();
            assert_eq!(hash_parallel(&node), hash(&node), "{text}");
        }
    }

    #[test]
    fn hash_is_sha256_of_jcs_in_lowercase_hex() {
        let node = parse(b"{\"b\":1, \"a\":2}", &Limits::default()).unwrap();
        assert_eq!(hash(&node), sha256(br#"{"a":2,"b":1}"#));
        assert_eq!(
            sha256(b"abc").hex(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn hash_sink_handles_large_and_small_writes() {
        let big = vec![b'x'; HASH_BUF * 2 + 7];
        let mut sink = HashSink::default();
        sink.put(b"ab");
        sink.put(&big);
        sink.put(b"c");
        let mut all = b"ab".to_vec();
        all.extend_from_slice(&big);
        all.push(b'c');
        assert_eq!(sink.finish(), sha256(&all));
    }

    fn stripped(text: &str, excl: &Exclusions) -> (String, bool) {
        let mut node = parse(text.as_bytes(), &Limits::default()).unwrap();
        let removed = excl.apply(&mut node);
        (String::from_utf8(to_vec(&node)).unwrap(), removed.any)
    }

    #[test]
    fn lock_field_is_removed_only_at_the_root() {
        let excl = Exclusions {
            lock_field: Some("integrity".into()),
            ..Default::default()
        };
        let (out, any) = stripped(r#"{"integrity":{"hash":"x"},"a":{"integrity":1}}"#, &excl);
        assert_eq!(out, r#"{"a":{"integrity":1}}"#);
        assert!(any);
        let mut node = parse(br#"{"integrity":{"hash":"x"}}"#, &Limits::default()).unwrap();
        let removed = excl.apply(&mut node);
        assert!(removed.lock.unwrap().value.get("hash").is_some());
    }

    #[test]
    fn pointers_remove_members_and_elements() {
        let excl = Exclusions {
            pointers: vec![
                Pointer::parse("/metadata/generated").unwrap(),
                Pointer::parse("/list/0").unwrap(),
                Pointer::parse("/list/2").unwrap(),
                Pointer::parse("/list/1/x").unwrap(),
                Pointer::parse("/absent/deeper").unwrap(),
                Pointer::parse("/list/99").unwrap(),
            ],
            ..Default::default()
        };
        let (out, any) = stripped(
            r#"{"metadata":{"generated":"t","v":1},"list":[0,{"x":1,"y":2},2,3]}"#,
            &excl,
        );
        assert_eq!(out, r#"{"list":[{"y":2},3],"metadata":{"v":1}}"#);
        assert!(any);
        let (_, any) = stripped(r#"{"other":1}"#, &excl);
        assert!(!any);
    }

    #[test]
    fn volatile_keys_are_removed_at_any_depth() {
        let excl = Exclusions {
            volatile_keys: vec!["generatedAt".into(), "timestamp".into()],
            ..Default::default()
        };
        let (out, any) = stripped(
            r#"{"generatedAt":1,"a":[{"timestamp":2,"b":3}],"c":{"d":{"generatedAt":4}}}"#,
            &excl,
        );
        assert_eq!(out, r#"{"a":[{"b":3}],"c":{"d":{}}}"#);
        assert!(any);
    }

    #[test]
    fn utf16_ordering_differs_from_code_points_where_it_should() {
        // U+FB33 sorts after U+1F600 in UTF-16 (0xD83D < 0xFB33).
        assert_eq!(cmp_utf16("\u{1F600}", "\u{FB33}"), Ordering::Less);
        assert_eq!(cmp_utf16("a", "b"), Ordering::Less);
        assert_eq!(cmp_utf16("ab", "a"), Ordering::Greater);
        assert_eq!(cmp_utf16("\u{E000}", "\u{E001}"), Ordering::Less);
        assert_eq!(cmp_utf16("x\u{10000}", "x\u{FFFF}"), Ordering::Less);
    }
}
