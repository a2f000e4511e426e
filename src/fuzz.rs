//! A property harness for the JSON parser and lock blocks, run by `cargo test --lib fuzz` with a fixed seed
//! (deterministic, about a second in a debug build). It lives outside `core` because it reads
//! its case count and seed from the environment: `FUZZ_CASES=100000 FUZZ_SEED=7 cargo test
//! --locked --lib fuzz` runs it longer or elsewhere. Properties:
//!
//! 1. the parser never panics, on arbitrary bytes and on mutated JSON;
//! 2. on generated JSON values it agrees with `serde_json`: it accepts what serde_json writes,
//!    with the same value, and whatever it accepts serde_json accepts too, with the same value
//!    (it may refuse more: duplicate keys are refused on purpose);
//! 3. the canonical form is stable: parse(canonical(x)) canonicalises to the same bytes;
//! 4. lock blocks: locking a generated document (compact, pretty, tabs and CRLF) keeps its
//!    canonical hash, the block verifies, and locking again is byte-identical.
//!
//! The changelog entry round-trip (arbitrary ids through record → verify) is in
//! `core/changelog/tests.rs`.

use serde_json::Value as Json;

use crate::core::json::canonical;
use crate::core::json::value::number_to_serde;
use crate::core::json::{parse, Limits};

/// A small, fixed-seed generator (xorshift64*): the same cases on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn chance(&mut self, one_in: usize) -> bool {
        self.below(one_in) == 0
    }
}

fn cases(default: usize) -> usize {
    std::env::var("FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn rng(salt: u64) -> Rng {
    let seed = std::env::var("FUZZ_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0x9E37_79B9_7F4A_7C15u64);
    Rng((seed ^ salt.wrapping_mul(0x1000_0000_01B3)) | 1)
}

fn string(r: &mut Rng) -> String {
    const PIECES: &[&str] = &[
        "a", "Z", "0", " ", "\"", "\\", "/", "\n", "\t", "\u{1}", "\u{1f}", "é", "€", "𝄞",
        "\u{7f}", "\u{2028}", "\u{feff}", "id", "domains",
    ];
    (0..r.below(8))
        .map(|_| PIECES[r.below(PIECES.len())])
        .collect()
}

fn number(r: &mut Rng) -> Json {
    match r.below(5) {
        0 => Json::from(r.below(1000) as i64 - 500),
        1 => Json::from(r.next() as i64),
        2 => Json::from(r.next()),
        3 => {
            let f = f64::from_bits(r.next());
            serde_json::Number::from_f64(f).map_or(Json::from(0), Json::Number)
        }
        _ => {
            let f = (r.below(2_000_000) as f64 - 1_000_000.0) / 1000.0;
            serde_json::Number::from_f64(f).map_or(Json::from(0), Json::Number)
        }
    }
}

fn value(r: &mut Rng, depth: usize) -> Json {
    let leaf = depth == 0 || r.chance(3);
    match if leaf { r.below(4) } else { 4 + r.below(2) } {
        0 => Json::Null,
        1 => Json::Bool(r.chance(2)),
        2 => number(r),
        3 => Json::String(string(r)),
        4 => Json::Array((0..r.below(5)).map(|_| value(r, depth - 1)).collect()),
        _ => Json::Object(
            (0..r.below(5))
                .map(|_| (string(r), value(r, depth - 1)))
                .collect(),
        ),
    }
}

/// A generated document as text, compact or pretty.
fn text(r: &mut Rng) -> String {
    let v = value(r, 4);
    if r.chance(2) {
        serde_json::to_string(&v)
    } else {
        serde_json::to_string_pretty(&v)
    }
    .unwrap_or_default()
}

/// One random edit of `bytes`: a changed, inserted, removed or repeated byte or run.
fn mutate(r: &mut Rng, bytes: &mut Vec<u8>) {
    const ALPHABET: &[u8] =
        b"{}[]:,\"\\0123456789.eE+-truefalsnl \n\t\r/u\x00\x7f\xc3\xa9\xed\xa0\x80\xff";
    let at = r.below(bytes.len() + 1);
    let byte = if r.chance(4) {
        r.next() as u8
    } else {
        ALPHABET[r.below(ALPHABET.len())]
    };
    match r.below(4) {
        0 if at < bytes.len() => bytes[at] = byte,
        1 => bytes.insert(at, byte),
        2 if at < bytes.len() => {
            let end = (at + 1 + r.below(4)).min(bytes.len());
            bytes.drain(at..end);
        }
        _ if at < bytes.len() => {
            let end = (at + 1 + r.below(8)).min(bytes.len());
            let run: Vec<u8> = bytes[at..end].to_vec();
            bytes.splice(at..at, run);
        }
        _ => bytes.push(byte),
    }
}

/// serde_json's value with numbers as the parser keeps them (doubles, integral ones as
/// integers), so the two trees compare.
fn normal(v: &Json) -> Json {
    match v {
        Json::Number(n) => n.as_f64().map_or(Json::Null, number_to_serde),
        Json::Array(items) => Json::Array(items.iter().map(normal).collect()),
        Json::Object(m) => Json::Object(m.iter().map(|(k, v)| (k.clone(), normal(v))).collect()),
        other => other.clone(),
    }
}

/// Equal trees, numbers allowed one unit in the last place apart (serde_json's default float
/// parser is not always correctly rounded; the strict parser is).
fn same(a: &Json, b: &Json) -> bool {
    match (a, b) {
        (Json::Number(x), Json::Number(y)) => match (x.as_f64(), y.as_f64()) {
            (Some(x), Some(y)) => x == y || (x.to_bits() as i64 - y.to_bits() as i64).abs() <= 1,
            _ => false,
        },
        (Json::Array(x), Json::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same(a, b))
        }
        (Json::Object(x), Json::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)))
        }
        _ => a == b,
    }
}

/// Checks properties 2 (when `generated`, the parser must accept) and 3 on one input.
fn check(bytes: &[u8], generated: bool) {
    let limits = Limits::default();
    let ours = parse(bytes, &limits);
    let theirs = serde_json::from_slice::<Json>(bytes);
    let shown = || String::from_utf8_lossy(bytes).into_owned();
    let root = match ours {
        Ok(root) => root,
        Err(e) => {
            assert!(
                !generated,
                "refused serde_json's own output {:?}: {e}",
                shown()
            );
            return;
        }
    };
    // Property 2: what the parser accepts, serde_json accepts, with the same value.
    let theirs = match theirs {
        Ok(v) => v,
        Err(e) => panic!("accepted {:?}, which serde_json refuses: {e}", shown()),
    };
    assert!(
        same(&root.value.to_serde(), &normal(&theirs)),
        "values differ for {:?}",
        shown()
    );
    // Property 3: the canonical form is a fixed point.
    let once = canonical::to_vec(&root);
    let again = match parse(&once, &limits) {
        Ok(r) => canonical::to_vec(&r),
        Err(e) => panic!(
            "canonical form {:?} does not parse: {e}",
            String::from_utf8_lossy(&once)
        ),
    };
    assert_eq!(once, again, "canonical form of {:?} is not stable", shown());
}

#[test]
fn fuzz_arbitrary_bytes_never_panic() {
    let mut r = rng(1);
    let limits = Limits::default();
    for _ in 0..cases(3000) {
        let len = r.below(48);
        let bytes: Vec<u8> = (0..len).map(|_| r.next() as u8).collect();
        let _ = parse(&bytes, &limits);
    }
}

#[test]
fn fuzz_generated_values_agree_with_serde_json_and_canonicalise_stably() {
    let mut r = rng(2);
    for _ in 0..cases(1500) {
        let t = text(&mut r);
        check(t.as_bytes(), true);
    }
}

#[test]
fn fuzz_mutated_json_never_panics_and_never_accepts_more_than_serde_json() {
    let mut r = rng(3);
    for _ in 0..cases(3000) {
        let mut bytes = text(&mut r).into_bytes();
        for _ in 0..1 + r.below(3) {
            mutate(&mut r, &mut bytes);
        }
        if bytes.starts_with(b"\xEF\xBB\xBF") {
            continue; // a byte-order mark is accepted on purpose; serde_json refuses it
        }
        check(&bytes, false);
    }
}

/// A generated document whose root is an object (what an embedded lock needs), compact,
/// pretty with spaces, or pretty with tabs and CRLF, with or without a trailing newline.
fn object_text(r: &mut Rng) -> String {
    let mut map = serde_json::Map::new();
    for _ in 0..r.below(5) {
        map.insert(string(r), value(r, 3));
    }
    if r.chance(2) {
        let domains: Vec<Json> = (0..r.below(4))
            .map(|i| serde_json::json!({ "id": format!("d{i}"), "x": value(r, 2) }))
            .collect();
        map.insert("domains".into(), Json::Array(domains));
    }
    let v = Json::Object(map);
    let mut t = match r.below(3) {
        0 => serde_json::to_string(&v).unwrap_or_default(),
        1 => serde_json::to_string_pretty(&v).unwrap_or_default(),
        // Tabs for the indentation (only: a string may hold two spaces), CRLF line ends.
        _ => serde_json::to_string_pretty(&v)
            .unwrap_or_default()
            .lines()
            .map(|line| {
                let body = line.trim_start_matches(' ');
                let depth = (line.len() - body.len()) / 2;
                format!("{}{body}", "\t".repeat(depth))
            })
            .collect::<Vec<_>>()
            .join("\r\n"),
    };
    if r.chance(2) {
        t.push('\n');
    }
    t
}

/// Locks `bytes` as `git audit lock` does; `None` when the document cannot carry a lock.
fn lock_once(bytes: &[u8], artifact: &crate::core::config::Artifact) -> Option<Vec<u8>> {
    use crate::core::lock::{embed, Block};
    let limits = Limits::default();
    let parsed = crate::core::artifact::analyze(bytes, artifact, &limits).ok()?;
    let block = Block::new(artifact.kind, &parsed.root, parsed.hashes.canonical);
    let full = parse(bytes, &limits).ok()?;
    embed(bytes, &full, "integrity", &block)
}

/// Lock blocks: writing one keeps the document's meaning (same canonical hash), the written
/// block verifies, a second lock is byte-identical (idempotent), and nothing outside the block
/// changes (removing the member gives back the original canonical form).
#[test]
fn fuzz_lock_blocks_verify_are_idempotent_and_keep_the_document() {
    use crate::core::config::{Config, Kind};
    use crate::core::lock::{verify, Verdict};
    let config = Config::builtin();
    let Some(registry) = config.governing("orchestration-domains.json") else {
        panic!("the built-in configuration governs the registry");
    };
    assert_eq!(registry.kind, Kind::Registry);
    let limits = Limits::default();
    let mut r = rng(4);
    for _ in 0..cases(800) {
        let original = object_text(&mut r);
        if original.contains("\"integrity\"") {
            continue; // a generated member of that name would be the lock itself
        }
        let before = crate::core::artifact::analyze(original.as_bytes(), registry, &limits)
            .unwrap_or_else(|e| panic!("generated JSON parses: {e:?}\n{original}"));
        let Some(locked) = lock_once(original.as_bytes(), registry) else {
            panic!("an object root can carry a lock:\n{original}");
        };
        let after =
            crate::core::artifact::analyze(&locked, registry, &limits).unwrap_or_else(|e| {
                panic!(
                    "the locked document parses: {e:?}\n{}",
                    String::from_utf8_lossy(&locked)
                )
            });
        assert_eq!(
            after.hashes.canonical,
            before.hashes.canonical,
            "locking changed the meaning of\n{original}\n→\n{}",
            String::from_utf8_lossy(&locked)
        );
        let Some(block) = after.lock.as_ref() else {
            panic!("no lock in\n{}", String::from_utf8_lossy(&locked));
        };
        let verdict = verify(block, after.hashes.canonical, || unreachable!());
        assert_eq!(
            verdict,
            Verdict::Holds,
            "{}",
            String::from_utf8_lossy(&locked)
        );
        let again = lock_once(&locked, registry);
        assert_eq!(
            again.as_deref(),
            Some(locked.as_slice()),
            "locking twice differs for\n{original}"
        );
        assert_eq!(
            original.ends_with('\n'),
            locked.ends_with(b"\n"),
            "the trailing-newline convention changed"
        );
        assert_eq!(
            original.contains("\r\n"),
            locked.windows(2).any(|w| w == b"\r\n"),
            "the newline style changed"
        );
    }
}
