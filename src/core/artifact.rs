//! One governed file's bytes turned into what every command needs: parsed tree, exclusions
//! applied, raw and canonical hashes. Pure: no git, no I/O.

use serde::Serialize;

use crate::core::config::Artifact;
use crate::core::json::{self, canonical, Digest32, Limits, Node};

/// The two hashes of a stored file, and its size.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Hashes {
    #[serde(rename = "rawHash")]
    pub raw: Digest32,
    #[serde(rename = "canonicalHash")]
    pub canonical: Digest32,
    #[serde(skip)]
    pub size: u64,
}

impl Serialize for Digest32 {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// A parsed artifact with its exclusions removed.
#[derive(Debug)]
pub struct Parsed<'a> {
    /// The document minus the lock field, `exclude` pointers and `volatile-keys`.
    pub root: Node<'a>,
    /// The embedded lock block, if the document carried one.
    pub lock: Option<Node<'a>>,
    /// Whether exclusions removed anything (so raw changes may be invisible canonically).
    pub excluded_any: bool,
    pub hashes: Hashes,
}

/// Files at least this large get their raw hash computed on a second thread while parsing.
const PARALLEL_RAW_HASH: usize = 1 << 20;

/// Parses `bytes` under `artifact`'s settings and computes both hashes.
pub fn analyze<'a>(
    bytes: &'a [u8],
    artifact: &Artifact,
    limits: &Limits,
) -> Result<Parsed<'a>, json::parse::Error> {
    let (raw, parsed) = if bytes.len() >= PARALLEL_RAW_HASH {
        std::thread::scope(|s| {
            let raw = s.spawn(|| canonical::sha256(bytes));
            let parsed = json::parse(bytes, limits);
            // A panic in SHA-256 would be a bug in sha2; surface it rather than hide it.
            let raw = raw.join().unwrap_or_else(|p| std::panic::resume_unwind(p));
            (raw, parsed)
        })
    } else {
        (canonical::sha256(bytes), json::parse(bytes, limits))
    };
    let mut root = parsed?;
    let removed = artifact.exclusions.apply(&mut root);
    let canonical = if bytes.len() >= PARALLEL_RAW_HASH {
        canonical::hash_parallel(&root)
    } else {
        canonical::hash(&root)
    };
    Ok(Parsed {
        root,
        lock: removed.lock,
        excluded_any: removed.any,
        hashes: Hashes {
            raw,
            canonical,
            size: bytes.len() as u64,
        },
    })
}

/// The document with its exclusions removed, without hashing: what cross-artifact rules read
/// of artifacts that are not themselves being checked.
pub fn tree<'a>(
    bytes: &'a [u8],
    artifact: &Artifact,
    limits: &Limits,
) -> Result<Node<'a>, json::parse::Error> {
    let mut root = json::parse(bytes, limits)?;
    artifact.exclusions.apply(&mut root);
    Ok(root)
}

/// Git LFS stores a pointer in place of the content; it is never JSON to parse.
pub fn is_lfs_pointer(bytes: &[u8]) -> bool {
    bytes.len() < 1024 && bytes.starts_with(b"version https://git-lfs.github.com/spec/v1")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::config::Config;

    #[test]
    fn registry_defaults_ignore_lock_and_generated_stamp() {
        let config = Config::builtin();
        let reg = config.governing("orchestration-domains.json").unwrap();
        let a = br#"{"metadata":{"generated":"2025-01-01","version":"1"},"domains":[]}"#;
        let b = br#"{"integrity":{"hash":"x"},"metadata":{"version":"1","generated":"2026-02-02"},"domains":[]}"#;
        let pa = analyze(a, reg, &Limits::default()).unwrap();
        let pb = analyze(b, reg, &Limits::default()).unwrap();
        assert_eq!(pa.hashes.canonical, pb.hashes.canonical);
        assert_ne!(pa.hashes.raw, pb.hashes.raw);
        assert!(pb.lock.is_some());
        assert!(pa.lock.is_none());
        assert!(pa.excluded_any && pb.excluded_any);
        assert_eq!(pa.hashes.raw, canonical::sha256(a));
    }

    #[test]
    fn large_files_hash_the_same_on_the_parallel_path() {
        let mut doc = String::from("[");
        while doc.len() < PARALLEL_RAW_HASH + 10 {
            doc.push_str("{\"b\":1,\"a\":\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"},");
        }
        doc.push_str("null]");
        let art = Artifact::plain_json("x.json");
        let p = analyze(doc.as_bytes(), &art, &Limits::default()).unwrap();
        assert_eq!(p.hashes.raw, canonical::sha256(doc.as_bytes()));
        let small = json::parse(doc.as_bytes(), &Limits::default()).unwrap();
        assert_eq!(p.hashes.canonical, canonical::hash(&small));
    }

    #[test]
    fn lfs_pointers_are_recognised() {
        assert!(is_lfs_pointer(
            b"version https://git-lfs.github.com/spec/v1\noid sha256:abc\nsize 12\n"
        ));
        assert!(!is_lfs_pointer(b"{\"version\": \"https://git-lfs\"}"));
    }
}
