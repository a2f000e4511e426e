//! `audit.lock`: the committed lockfile for artifacts that do not carry an embedded block, and
//! the named integrity snapshots. TOML, written deterministically (sorted, no timestamps).

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::core::config::ConfigError;
use crate::core::json::Digest32;
use crate::core::lock::ALGORITHM;

/// The lockfile's name at the repository root.
pub const FILE_NAME: &str = "audit.lock";

/// A parsed audit.lock.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Lockfile {
    /// Path → canonical hash (lowercase hex).
    pub locks: BTreeMap<String, String>,
    /// Snapshot name → (path → canonical hash).
    pub snapshots: BTreeMap<String, BTreeMap<String, String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    version: u32,
    #[serde(default)]
    locks: BTreeMap<String, String>,
    #[serde(default)]
    snapshots: BTreeMap<String, BTreeMap<String, String>>,
}

impl Lockfile {
    pub fn parse(text: &str, origin: &str) -> Result<Lockfile, ConfigError> {
        let fail = |position: Option<(usize, usize)>, message: String| ConfigError {
            origin: origin.to_string(),
            position,
            message,
        };
        let raw: Raw = toml::from_str(text).map_err(|e| {
            fail(
                e.span()
                    .map(|s| crate::core::json::parse::line_col(text.as_bytes(), s.start)),
                e.message().trim().to_string(),
            )
        })?;
        if raw.version != 1 {
            return Err(fail(
                None,
                format!(
                    "version {} is not one this git-audit reads (1)",
                    raw.version
                ),
            ));
        }
        let strip = |path: &str, value: String| -> Result<String, ConfigError> {
            value
                .strip_prefix(&format!("{ALGORITHM}:"))
                .filter(|h| h.len() == 64 && h.bytes().all(|b| b.is_ascii_hexdigit()))
                .map(str::to_ascii_lowercase)
                .ok_or_else(|| {
                    fail(
                        None,
                        format!("entry {path:?}: {value:?} is not \"{ALGORITHM}:<64 hex digits>\""),
                    )
                })
        };
        let mut lock = Lockfile::default();
        for (path, value) in raw.locks {
            let hash = strip(&path, value)?;
            lock.locks.insert(path, hash);
        }
        for (name, entries) in raw.snapshots {
            if let Some(problem) = snapshot_name_problem(&name) {
                return Err(fail(None, format!("snapshot {name:?}: {problem}")));
            }
            let mut map = BTreeMap::new();
            for (path, value) in entries {
                let hash = strip(&path, value)?;
                map.insert(path, hash);
            }
            lock.snapshots.insert(name, map);
        }
        Ok(lock)
    }

    /// The file's text: sorted, stable, with a header saying what it is.
    pub fn render(&self) -> String {
        let q = basic_string;
        let mut out = String::from(
            "# audit.lock: integrity locks written by `git audit lock`. Do not edit by hand;\n\
             # after an intended change, re-lock with `git audit lock`.\n\
             version = 1\n",
        );
        if !self.locks.is_empty() {
            out.push_str("\n[locks]\n");
            for (path, hash) in &self.locks {
                out.push_str(&format!(
                    "{} = {}\n",
                    q(path),
                    q(&format!("{ALGORITHM}:{hash}"))
                ));
            }
        }
        for (name, entries) in &self.snapshots {
            out.push_str(&format!("\n[snapshots.{}]\n", q(name)));
            for (path, hash) in entries {
                out.push_str(&format!(
                    "{} = {}\n",
                    q(path),
                    q(&format!("{ALGORITHM}:{hash}"))
                ));
            }
        }
        out
    }

    pub fn set_lock(&mut self, path: &str, hash: Digest32) {
        self.locks.insert(path.to_string(), hash.hex());
    }
}

/// `s` as a TOML basic string (`"…"`, one line, every control character escaped): the one
/// form that is valid both as a key and as a value, whatever bytes a file name holds. (A
/// multi-line `"""…"""` string, which a TOML serialiser picks for text with a newline, is not
/// a valid key.)
pub fn basic_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Why a snapshot name is unusable, if it is.
pub fn snapshot_name_problem(name: &str) -> Option<&'static str> {
    if name.is_empty() {
        return Some("is empty");
    }
    if !name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
    {
        return Some("may contain only ASCII letters, digits, '.', '_' and '-'");
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::json::canonical::sha256;

    #[test]
    fn round_trips_deterministically() {
        let mut l = Lockfile::default();
        l.set_lock("b/seq \"q\".json", sha256(b"b"));
        l.set_lock("a.json", sha256(b"a"));
        let mut snap = BTreeMap::new();
        snap.insert("a.json".to_string(), sha256(b"a").hex());
        l.snapshots.insert("sprint-12".into(), snap);
        let text = l.render();
        assert!(text.find("a.json").unwrap() < text.find("b/seq").unwrap());
        assert!(text.contains("[snapshots.\"sprint-12\"]"), "{text}");
        let back = Lockfile::parse(&text, "audit.lock").unwrap();
        assert_eq!(back, l);
        assert_eq!(back.render(), text);
    }

    #[test]
    fn any_file_name_round_trips_as_a_key() {
        let names = [
            "a\nb.json",
            "a\r\n\"\"\"x.json",
            "tab\there.json",
            "back\\slash.json",
            "bell\u{7}\u{1f}\u{7f}\u{85}.json",
            "'single'.json",
            "é/ü/日本.json",
            "trailing\\",
            "=[]#.json",
        ];
        let mut l = Lockfile::default();
        for (i, n) in names.iter().enumerate() {
            l.set_lock(n, sha256(&[i as u8]));
        }
        let mut snap = BTreeMap::new();
        snap.insert(names[0].to_string(), sha256(b"s").hex());
        l.snapshots.insert("s".into(), snap);
        let text = l.render();
        let back = Lockfile::parse(&text, "audit.lock").unwrap_or_else(|e| panic!("{e}\n{text}"));
        assert_eq!(back, l);
        assert_eq!(back.render(), text);
        // Every control character is escaped: one entry, one line.
        assert_eq!(
            text.lines().filter(|l| l.contains(" = \"sha256")).count(),
            names.len() + 1
        );
    }

    #[test]
    fn refuses_what_it_cannot_trust() {
        let e = Lockfile::parse("version = 1\n[locks]\n\"a\" = \"md5:abc\"\n", "audit.lock")
            .unwrap_err();
        assert!(e.message.contains("sha256-jcs"), "{e}");
        let e = Lockfile::parse("version = 2\n", "audit.lock").unwrap_err();
        assert!(e.message.contains("version 2"), "{e}");
        let e = Lockfile::parse("version = 1\nextra = 1\n", "audit.lock").unwrap_err();
        assert!(e.message.contains("extra"), "{e}");
        assert_eq!(e.position.map(|p| p.0), Some(2));
        let e = Lockfile::parse("version = 1\n[snapshots.\"a b\"]\n", "audit.lock").unwrap_err();
        assert!(e.message.contains("snapshot"), "{e}");
    }
}
