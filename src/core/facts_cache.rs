//! The facts cache's contents: what the cross-document rules need from a sequence file
//! (`governance::SequenceFacts`), kept by blob id so an unchanged sequence costs a lookup, not a
//! read and a parse. Pure: text in, text out; `commands::check` reads and writes the file
//! through `io::git`'s state files and decides when it may be trusted (never for a file being
//! checked: only for unchanged context sequences).
//!
//! An entry is keyed by everything its facts depend on: the blob id, the path (an id may be the
//! file's stem) and a digest of this build's version, the identity keys, the parse limits and
//! the artifact's exclusions. So a changed configuration or a new build simply misses; nothing is
//! ever invalidated in place. A file that does not parse, or of another format version, is
//! ignored as if empty.

use std::collections::BTreeMap;

use sha2::{Digest, Sha256};

use crate::core::config::{Artifact, Identity};
use crate::core::json::Limits;
use crate::core::rules::governance::SequenceFacts;

/// The state file's name, in the git directory.
pub const STATE: &str = "git-audit-facts";

/// The format version; another version's file is ignored.
const VERSION: u32 = 1;

/// At most this many entries are written back: the ones this run used or learned come first, so
/// a repository's governed sequences always fit; older entries fill the rest.
pub const MAX_ENTRIES: usize = 20_000;

#[derive(serde::Serialize, serde::Deserialize)]
struct Stored {
    version: u32,
    entries: BTreeMap<String, SequenceFacts>,
}

/// The cache as read, plus what this run used and learned.
#[derive(Debug, Default)]
pub struct FactsCache {
    stored: BTreeMap<String, SequenceFacts>,
    /// Entries used or learned by this run (written back first).
    fresh: BTreeMap<String, SequenceFacts>,
    /// Whether this run learned an entry the file does not hold.
    learned_new: bool,
    /// The key of each sequence this run read itself, by path (`note`), for `learn`.
    read: BTreeMap<String, String>,
}

/// What the facts of every sequence governed by `artifact` depend on besides its blob and path:
/// this build's version, the identity keys, the parse limits and the artifact's exclusions, as
/// a short digest (computed once per artifact, then given to `key`).
pub fn context(artifact: &Artifact, identity: &Identity, limits: &Limits) -> String {
    let material = format!(
        "{}\0{:?}\0{limits:?}\0{:?}",
        env!("CARGO_PKG_VERSION"),
        identity,
        artifact.exclusions
    );
    Sha256::digest(material.as_bytes())
        .iter()
        .take(8)
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The key of the facts of blob `blob` at `path`, under `context` (see [`context`]).
pub fn key(context: &str, blob: &str, path: &str) -> String {
    format!("{context}:{blob}:{path}")
}

impl FactsCache {
    /// Reads the file's text (`None`: no file); anything unreadable is an empty cache.
    pub fn parse(text: Option<&str>) -> FactsCache {
        let stored = text
            .and_then(|t| serde_json::from_str::<Stored>(t).ok())
            .filter(|s| s.version == VERSION)
            .map(|s| s.entries)
            .unwrap_or_default();
        FactsCache {
            stored,
            ..FactsCache::default()
        }
    }

    /// The facts stored under `key`, remembered as used.
    pub fn get(&mut self, key: &str) -> Option<SequenceFacts> {
        let facts = self.stored.get(key)?.clone();
        self.fresh.insert(key.to_string(), facts.clone());
        Some(facts)
    }

    /// Says that this run reads the sequence at `path` itself, whose key is `key`.
    pub fn note(&mut self, path: &str, key: String) {
        self.read.insert(path.to_string(), key);
    }

    /// Facts this run computed from the sequence at `path`, which it read itself (`note`);
    /// facts of a path it did not note are not kept.
    pub fn learn(&mut self, path: &str, facts: SequenceFacts) {
        let Some(key) = self.read.get(path).cloned() else {
            return;
        };
        if self.stored.get(&key) != Some(&facts) {
            self.learned_new = true;
        }
        self.fresh.insert(key, facts);
    }

    /// Whether the file should be written: this run learned something it does not hold.
    pub fn changed(&self) -> bool {
        self.learned_new
    }

    /// The file's new text: this run's entries, then stored ones, up to `MAX_ENTRIES`.
    pub fn render(&self) -> String {
        let mut entries = self.fresh.clone();
        for (k, v) in &self.stored {
            if entries.len() >= MAX_ENTRIES {
                break;
            }
            entries.entry(k.clone()).or_insert_with(|| v.clone());
        }
        let stored = Stored {
            version: VERSION,
            entries,
        };
        serde_json::to_string(&stored).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::config::Config;
    use crate::core::rules::governance::Spot;

    fn facts(id: &str) -> SequenceFacts {
        let spot = Spot {
            pointer: "/id".into(),
            line: 2,
            column: 3,
        };
        SequenceFacts {
            id: Some(id.into()),
            id_at: spot.clone(),
            root_at: spot,
            movements: Ok(1),
            beats: Err("not an array".into()),
        }
    }

    #[test]
    fn what_is_learned_is_found_again() {
        let mut c = FactsCache::parse(None);
        c.learn("s/a.json", facts("a"));
        assert!(!c.changed(), "facts of a path not read are not kept");
        c.note("s/a.json", "k1".into());
        c.learn("s/a.json", facts("a"));
        assert!(c.changed());
        let mut again = FactsCache::parse(Some(&c.render()));
        assert_eq!(again.get("k1"), Some(facts("a")));
        assert_eq!(again.get("k2"), None);
        again.note("s/a.json", "k1".into());
        again.learn("s/a.json", facts("a"));
        assert!(!again.changed(), "relearning the same facts writes nothing");
        again.learn("s/a.json", facts("b"));
        assert!(again.changed());
    }

    #[test]
    fn a_corrupt_or_foreign_file_is_an_empty_cache() {
        for text in [
            "",
            "{",
            "null",
            r#"{"version": 2, "entries": {}}"#,
            r#"{"version": 1, "entries": {"k": 5}}"#,
            "\u{0}\u{1}garbage",
        ] {
            let mut c = FactsCache::parse(Some(text));
            assert_eq!(c.get("k"), None, "{text:?}");
        }
    }

    #[test]
    fn the_key_changes_with_everything_the_facts_depend_on() {
        let config = Config::builtin();
        let artifact = config
            .artifacts
            .iter()
            .find(|a| a.kind == crate::core::config::Kind::Sequence)
            .expect("the built-in configuration governs sequences");
        let id = Identity::default();
        let limits = Limits::default();
        let k = |artifact: &Artifact, id: &Identity, limits: &Limits, blob: &str, path: &str| {
            key(&context(artifact, id, limits), blob, path)
        };
        let base = k(artifact, &id, &limits, "b1", "s/a.json");
        assert_eq!(base, k(artifact, &id, &limits, "b1", "s/a.json"));
        assert_ne!(base, k(artifact, &id, &limits, "b2", "s/a.json"));
        assert_ne!(base, k(artifact, &id, &limits, "b1", "s/b.json"));
        let other_id = Identity {
            keys: vec!["name".into()],
            stem: false,
        };
        assert_ne!(base, k(artifact, &other_id, &limits, "b1", "s/a.json"));
        let other_limits = Limits {
            max_depth: limits.max_depth + 1,
            ..limits
        };
        assert_ne!(base, k(artifact, &id, &other_limits, "b1", "s/a.json"));
        let mut excluding = artifact.clone();
        excluding.exclusions.volatile_keys.push("id".into());
        assert_ne!(base, k(&excluding, &id, &limits, "b1", "s/a.json"));
    }

    #[test]
    fn the_file_keeps_at_most_max_entries_with_this_runs_first() {
        let mut stored = FactsCache::default();
        for i in 0..MAX_ENTRIES + 10 {
            stored.stored.insert(format!("old{i:06}"), facts("x"));
        }
        stored.note("s/n.json", "zz-new".into());
        stored.learn("s/n.json", facts("n"));
        let mut back = FactsCache::parse(Some(&stored.render()));
        assert_eq!(back.stored.len(), MAX_ENTRIES);
        assert_eq!(back.get("zz-new"), Some(facts("n")));
    }
}
