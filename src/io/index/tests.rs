//! The index reader and writer against index files built byte by byte here (independently of
//! `Index::to_bytes`), in the layouts gitformat-index(5) describes.

use super::*;

const OID_A: Oid = [0xaa; 20];
const OID_B: Oid = [0xbb; 20];

/// One entry as git writes it (versions 2 and 3: padded; version 4: prefix-compressed
/// against `prev`).
fn raw_entry(version: u32, path: &[u8], mode: u32, stage: u16, ext: u16, prev: &[u8]) -> Vec<u8> {
    let mut e = Vec::new();
    for field in [1u32, 2, 3, 4, 5, 6, mode, 1000, 1000, 42] {
        e.extend_from_slice(&field.to_be_bytes());
    }
    e.extend_from_slice(if stage == 2 { &OID_B } else { &OID_A });
    let mut flags = (stage << 12) | path.len().min(0xfff) as u16;
    if ext != 0 {
        flags |= 0x4000;
    }
    e.extend_from_slice(&flags.to_be_bytes());
    if ext != 0 {
        e.extend_from_slice(&ext.to_be_bytes());
    }
    if version == 4 {
        let common = prev.iter().zip(path).take_while(|(a, b)| a == b).count();
        let strip = prev.len() - common;
        assert!(strip < 128, "one-byte varints in these fixtures");
        e.push(strip as u8);
        e.extend_from_slice(&path[common..]);
        e.push(0);
    } else {
        e.extend_from_slice(path);
        let len = e.len();
        e.resize((len + 8) & !7, 0);
    }
    e
}

struct Raw {
    version: u32,
    entries: Vec<(Vec<u8>, u32, u16, u16)>,
    extensions: Vec<(&'static [u8; 4], Vec<u8>)>,
    zero_trailer: bool,
}

impl Raw {
    fn new(version: u32, paths: &[&str]) -> Raw {
        Raw {
            version,
            entries: paths
                .iter()
                .map(|p| (p.as_bytes().to_vec(), 0o100644, 0, 0))
                .collect(),
            extensions: Vec::new(),
            zero_trailer: false,
        }
    }

    fn bytes(&self) -> Vec<u8> {
        let mut out = b"DIRC".to_vec();
        out.extend_from_slice(&self.version.to_be_bytes());
        out.extend_from_slice(&(self.entries.len() as u32).to_be_bytes());
        let mut prev: Vec<u8> = Vec::new();
        for (path, mode, stage, ext) in &self.entries {
            out.extend(raw_entry(self.version, path, *mode, *stage, *ext, &prev));
            prev.clone_from(path);
        }
        for (sig, data) in &self.extensions {
            out.extend_from_slice(*sig);
            out.extend_from_slice(&(data.len() as u32).to_be_bytes());
            out.extend_from_slice(data);
        }
        if self.zero_trailer {
            out.extend_from_slice(&[0; 20]);
        } else {
            let sum = Sha1::digest(&out);
            out.extend_from_slice(&sum);
        }
        out
    }
}

/// A TREE extension: root (3 entries) with `a` (2 entries, child `b` with 1) and `c` (1).
fn tree_data() -> Vec<u8> {
    let mut t = Vec::new();
    t.extend_from_slice(b"\x003 2\n");
    t.extend_from_slice(&[1; 20]);
    t.extend_from_slice(b"a\x002 1\n");
    t.extend_from_slice(&[2; 20]);
    t.extend_from_slice(b"b\x001 0\n");
    t.extend_from_slice(&[3; 20]);
    t.extend_from_slice(b"c\x00-1 0\n");
    t
}

fn fallback(bytes: &[u8]) -> String {
    match parse(bytes) {
        Err(Fallback(why)) => why,
        Ok(_) => panic!("expected a fallback"),
    }
}

#[test]
fn version_2_is_read_and_written_back_byte_for_byte() {
    let bytes = Raw::new(2, &["README.md", "a/b.json", "a/c/d.json", "z.json"]).bytes();
    let index = parse(&bytes).expect("parsed");
    assert_eq!(index.version, 2);
    let paths: Vec<&[u8]> = index.entries.iter().map(|e| e.path.as_slice()).collect();
    assert_eq!(
        paths,
        [&b"README.md"[..], b"a/b.json", b"a/c/d.json", b"z.json"]
    );
    assert_eq!(index.entries[0].mode(), 0o100644);
    assert_eq!(index.entries[0].oid, OID_A);
    assert_eq!(index.entries[0].stat[36..40], 42u32.to_be_bytes());
    assert_eq!(index.to_bytes(), bytes);
}

#[test]
fn version_3_keeps_intent_to_add_and_skip_worktree_and_is_demoted_without_them() {
    let mut raw = Raw::new(3, &["a.json", "b.json", "c.json"]);
    raw.entries[0].3 = INTENT_TO_ADD;
    raw.entries[2].3 = SKIP_WORKTREE;
    let bytes = raw.bytes();
    let mut index = parse(&bytes).expect("parsed");
    assert_eq!(index.entries[0].extended, INTENT_TO_ADD);
    assert_eq!(index.entries[1].extended, 0);
    assert_eq!(index.entries[2].extended, SKIP_WORKTREE);
    assert_eq!(index.to_bytes(), bytes);
    // Without an extended entry git and libgit2 write version 2.
    index.remove(b"a.json");
    index.remove(b"c.json");
    let written = index.to_bytes();
    assert_eq!(be32(&written, 4), 2);
    assert_eq!(written, Raw::new(2, &["b.json"]).bytes());
}

#[test]
fn version_4_prefix_compression_is_decoded_and_reencoded() {
    let bytes = Raw::new(4, &["pkg/a.json", "pkg/ab.json", "pkg/b/c.json", "z"]).bytes();
    let mut index = parse(&bytes).expect("parsed");
    assert_eq!(index.entries[2].path, b"pkg/b/c.json");
    assert_eq!(index.entries[3].path, b"z");
    assert_eq!(index.to_bytes(), bytes);
    index.add(Entry::new(b"pkg/aa.json", 0o100644, 3, OID_B));
    let reread = parse(&index.to_bytes()).expect("reparsed");
    assert_eq!(reread.entries[1].path, b"pkg/aa.json");
    assert_eq!(reread.entries[1].oid, OID_B);
    assert_eq!(reread.version, 4);
}

#[test]
fn conflict_stages_are_kept_in_order() {
    let mut raw = Raw::new(2, &[]);
    raw.entries = vec![
        (b"a.json".to_vec(), 0o100644, 0, 0),
        (b"c.json".to_vec(), 0o100644, 1, 0),
        (b"c.json".to_vec(), 0o100644, 2, 0),
        (b"c.json".to_vec(), 0o100755, 3, 0),
    ];
    let bytes = raw.bytes();
    let index = parse(&bytes).expect("parsed");
    assert!(index.conflicted(b"c.json"));
    assert!(!index.conflicted(b"a.json"));
    assert_eq!(index.get(b"c.json", 2).map(|e| e.oid), Some(OID_B));
    assert_eq!(index.get(b"c.json", 3).map(Entry::mode), Some(0o100755));
    assert!(index.get(b"c.json", 0).is_none());
    assert_eq!(index.to_bytes(), bytes);
}

#[test]
fn entries_out_of_order_fall_back() {
    let mut raw = Raw::new(2, &["b.json", "a.json"]);
    assert!(fallback(&raw.bytes()).contains("order"));
    raw.entries = vec![
        (b"c.json".to_vec(), 0o100644, 2, 0),
        (b"c.json".to_vec(), 0o100644, 1, 0),
    ];
    assert!(fallback(&raw.bytes()).contains("order"));
}

#[test]
fn a_path_that_is_not_utf8_is_kept_as_bytes() {
    let mut raw = Raw::new(2, &[]);
    raw.entries = vec![(b"caf\xe9.json".to_vec(), 0o100644, 0, 0)];
    let bytes = raw.bytes();
    let index = parse(&bytes).expect("parsed");
    assert_eq!(index.entries[0].path, b"caf\xe9.json");
    assert_eq!(index.to_bytes(), bytes);
}

#[test]
fn the_cache_tree_is_parsed_and_invalidated_above_a_changed_path() {
    let mut raw = Raw::new(2, &["a/b/x.json", "a/y.json", "c/z.json"]);
    raw.extensions.push((b"TREE", tree_data()));
    let bytes = raw.bytes();
    let mut index = parse(&bytes).expect("parsed");
    let tree = index.tree.clone().expect("TREE");
    assert_eq!(tree.valid, Some((3, [1; 20])));
    assert_eq!(tree.find(b"a/b").and_then(|n| n.valid), Some((1, [3; 20])));
    assert_eq!(tree.find(b"c").map(|n| n.valid), Some(None));
    assert!(tree.find(b"a/q").is_none());
    assert_eq!(index.to_bytes(), bytes);

    index.add(Entry::new(b"a/new.json", 0o100644, 1, OID_B));
    let tree = index.tree.clone().expect("TREE");
    assert_eq!(tree.valid, None, "the root");
    assert_eq!(tree.find(b"a").map(|n| n.valid), Some(None));
    assert_eq!(
        tree.find(b"a/b").and_then(|n| n.valid),
        Some((1, [3; 20])),
        "a sibling directory stays valid"
    );
    let reread = parse(&index.to_bytes()).expect("reparsed");
    assert_eq!(reread.tree, index.tree);

    // Removing invalidates the same way; removing an absent path changes nothing.
    let mut index = parse(&bytes).expect("parsed");
    assert!(!index.remove(b"a/b/absent.json"));
    assert_eq!(index.to_bytes(), bytes);
    assert!(index.remove(b"a/b/x.json"));
    let tree = index.tree.clone().expect("TREE");
    assert_eq!(tree.find(b"a/b").map(|n| n.valid), Some(None));
}

#[test]
fn a_malformed_cache_tree_falls_back() {
    let mut raw = Raw::new(2, &["a.json"]);
    raw.extensions
        .push((b"TREE", b"\x001 0\n\x01\x02".to_vec()));
    assert!(fallback(&raw.bytes()).contains("TREE"));
    raw.extensions = vec![(b"TREE", b"\x00-2 0\n".to_vec())];
    assert!(fallback(&raw.bytes()).contains("TREE"));
}

#[test]
fn resolve_undo_is_kept_byte_for_byte_and_caches_are_dropped() {
    let mut raw = Raw::new(2, &["a.json"]);
    let reuc = b"a.json\x00100644\x00100644\x00100644\x00".to_vec();
    raw.extensions
        .push((b"UNTR", b"whatever the cache holds".to_vec()));
    raw.extensions.push((b"REUC", reuc.clone()));
    raw.extensions.push((b"EOIE", vec![0; 24]));
    let index = parse(&raw.bytes()).expect("parsed");
    assert_eq!(index.reuc.as_deref(), Some(reuc.as_slice()));
    assert_eq!(index.dropped, [*b"UNTR", *b"EOIE"]);
    let mut expected = Raw::new(2, &["a.json"]);
    expected.extensions.push((b"REUC", reuc));
    assert_eq!(index.to_bytes(), expected.bytes());
}

#[test]
fn a_zero_trailer_is_accepted_and_written_again() {
    let mut raw = Raw::new(2, &["a.json"]);
    raw.zero_trailer = true;
    let bytes = raw.bytes();
    let index = parse(&bytes).expect("parsed");
    assert!(index.skip_hash);
    assert_eq!(index.to_bytes(), bytes);
}

#[test]
fn a_checksum_mismatch_falls_back_to_libgit2s_error() {
    let mut bytes = Raw::new(2, &["a.json"]).bytes();
    let n = bytes.len();
    bytes[n - 1] ^= 1;
    assert!(fallback(&bytes).contains("checksum"));
    // A flipped byte in an entry, the old trailer kept.
    let mut bytes = Raw::new(2, &["a.json"]).bytes();
    bytes[20] ^= 1;
    assert!(fallback(&bytes).contains("checksum"));
}

#[test]
fn a_truncated_file_falls_back() {
    let bytes = Raw::new(2, &["a.json", "b.json"]).bytes();
    for cut in [0, 11, 31, 60, 80, bytes.len() - 21] {
        let mut short = bytes[..cut].to_vec();
        if short.len() >= 12 {
            // Re-seal it so only the structure is wrong, not the checksum.
            let sum = Sha1::digest(&short);
            short.extend_from_slice(&sum);
        }
        assert!(parse(&short).is_err(), "cut at {cut}");
    }
}

#[test]
fn what_the_reader_does_not_understand_falls_back() {
    // Versions other than 2-4.
    let mut bytes = Raw::new(2, &["a.json"]).bytes();
    bytes[7] = 5;
    let n = bytes.len();
    let sum = Sha1::digest(&bytes[..n - 20]);
    bytes[n - 20..].copy_from_slice(&sum);
    assert!(fallback(&bytes).contains("version 5"));
    // A split index.
    let mut raw = Raw::new(2, &["a.json"]);
    raw.extensions.push((b"link", vec![0; 20]));
    assert!(fallback(&raw.bytes()).contains("link"));
    // A sparse index: its marker and its directory entries.
    let mut raw = Raw::new(2, &["a.json"]);
    raw.extensions.push((b"sdir", Vec::new()));
    assert!(fallback(&raw.bytes()).contains("sdir"));
    let mut raw = Raw::new(2, &["a.json", "dir/"]);
    raw.entries[1].1 = 0o040000;
    assert!(fallback(&raw.bytes()).contains("sparse"));
    // Unknown extended flags.
    let mut raw = Raw::new(3, &["a.json"]);
    raw.entries[0].3 = 0x8000;
    assert!(fallback(&raw.bytes()).contains("extended"));
    // Paths libgit2 refuses to load.
    for bad in ["../x", "a//b", ".git/config", "a/.GIT/b", "./a"] {
        assert!(
            fallback(&Raw::new(2, &[bad]).bytes()).contains("path"),
            "{bad}"
        );
    }
    // Two cache-trees.
    let mut raw = Raw::new(2, &["a/b/x.json", "a/y.json", "c/z.json"]);
    raw.extensions.push((b"TREE", tree_data()));
    raw.extensions.push((b"TREE", tree_data()));
    assert!(fallback(&raw.bytes()).contains("two"));
}

#[test]
fn long_paths_use_the_name_mask() {
    let long = "d/".repeat(2100) + "f.json";
    let bytes = Raw::new(2, &[long.as_str()]).bytes();
    let index = parse(&bytes).expect("parsed");
    assert_eq!(index.entries[0].path, long.as_bytes());
    assert_eq!(index.to_bytes(), bytes);
}

#[test]
fn varints_round_trip() {
    for value in [
        0u64,
        1,
        127,
        128,
        255,
        16383,
        16384,
        16511,
        1 << 20,
        u32::MAX as u64,
    ] {
        let mut out = Vec::new();
        encode_varint(value, &mut out);
        let mut at = 0;
        assert_eq!(decode_varint(&out, &mut at), Some(value), "{value}");
        assert_eq!(at, out.len());
    }
    // git's encoding of 128 is 0x80 0x00.
    let mut out = Vec::new();
    encode_varint(128, &mut out);
    assert_eq!(out, [0x80, 0x00]);
}

#[test]
fn lookups_find_entries_and_prefixes() {
    let index = parse(&Raw::new(2, &["a.json", "pkg-x/y", "pkg/a", "pkg/b/c", "q"]).bytes())
        .expect("parsed");
    let under: Vec<&[u8]> = index
        .under(b"pkg/")
        .iter()
        .map(|e| e.path.as_slice())
        .collect();
    assert_eq!(under, [&b"pkg/a"[..], b"pkg/b/c"]);
    assert!(index.under(b"nothing/").is_empty());
    assert!(index.get(b"pkg/a", 0).is_some());
    assert!(index.get(b"pkg", 0).is_none());
}
