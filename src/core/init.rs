//! Repository-layout detection for `git audit init`: classifies JSON documents by shape
//! (registries, sequences, others), proposes the `[[artifact]]` tables that govern them, and
//! writes the commented audit.toml text. Pure: the command reads the files and writes the result.

use std::collections::{BTreeMap, BTreeSet};

use crate::core::config::{self, Config};
use crate::core::json::{self, Limits};

/// What detection found.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Detected {
    /// Registry paths with their domain counts.
    pub registries: BTreeMap<String, usize>,
    /// Every sequence file.
    pub sequences: BTreeSet<String>,
    /// Other JSON files (to keep sequence globs from sweeping them in).
    pub others: BTreeSet<String>,
}

/// Classifies one JSON document by shape.
pub fn classify(path: &str, bytes: &[u8], found: &mut Detected) {
    let Ok(root) = json::parse(bytes, &Limits::default()) else {
        found.others.insert(path.to_string());
        return;
    };
    if let Some(domains) = root.value.get("domains").and_then(|n| n.value.as_array()) {
        if domains.iter().all(|d| d.value.as_object().is_some()) {
            found.registries.insert(path.to_string(), domains.len());
            return;
        }
    }
    if root
        .value
        .get("movements")
        .is_some_and(|n| n.value.as_array().is_some())
    {
        found.sequences.insert(path.to_string());
        return;
    }
    found.others.insert(path.to_string());
}

fn parent(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(dir, _)| dir)
}

/// One proposed `[[artifact]]` table for sequences.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SequenceTable {
    pub path: String,
    pub ignore: Vec<String>,
}

const DEFAULT_SEQUENCES: &str = "**/json-sequences/**/*.json";

/// Tables that govern every sequence file and no other JSON file: the built-in glob with an
/// `ignore` list for what it would wrongly sweep in, and one table per other folder.
pub fn sequence_tables(found: &Detected) -> Vec<SequenceTable> {
    let builtin = Config::builtin();
    let under_default = |p: &str| {
        builtin
            .governing(p)
            .is_some_and(|a| a.kind == config::Kind::Sequence)
    };
    let name = |p: &str| p.rsplit_once('/').map_or(p, |(_, n)| n).to_string();
    let mut tables = Vec::new();
    let (inside, outside): (Vec<&String>, Vec<&String>) =
        found.sequences.iter().partition(|p| under_default(p));
    if !inside.is_empty() {
        let sequence_names: BTreeSet<String> = inside.iter().map(|p| name(p)).collect();
        let mut ignore = BTreeSet::new();
        for other in found.others.iter().filter(|p| under_default(p)) {
            let n = name(other);
            ignore.insert(if sequence_names.contains(&n) {
                globset::escape(other)
            } else {
                format!("**/{}", globset::escape(&n))
            });
        }
        tables.push(SequenceTable {
            path: DEFAULT_SEQUENCES.to_string(),
            ignore: ignore.into_iter().collect(),
        });
    }
    let mut dirs: BTreeSet<&str> = BTreeSet::new();
    for seq in outside {
        dirs.insert(parent(seq));
    }
    for dir in dirs {
        let path = if dir.is_empty() {
            "*.json".to_string()
        } else {
            format!("{}/*.json", globset::escape(dir))
        };
        let ignore = found
            .others
            .iter()
            .filter(|o| parent(o) == dir && !under_default(o))
            .map(|o| globset::escape(o))
            .collect();
        tables.push(SequenceTable { path, ignore });
    }
    tables
}

/// The commented audit.toml for what was found.
pub fn audit_toml(found: &Detected) -> String {
    let q = |s: &str| toml::Value::String(s.to_string()).to_string();
    let mut out = String::from(
        "# audit.toml: what git-audit governs in this repository and how.\n\
         # Written by `git audit init` from what it detected; review it, then `git add audit.toml`.\n\
         # Every key is described in git-audit's README (\"audit.toml\"). This file is data: it never runs commands.\n\
         \n\
         [limits]\n\
         # max-depth = 128              # deepest nesting of arrays and objects\n\
         # max-file-size = \"256 MiB\"    # larger files are refused (rule json-limits)\n",
    );
    if found.registries.is_empty() && found.sequences.is_empty() {
        out.push_str(
            "\n# No registry (a root `domains` array) or sequence (a root `movements` array) was found.\n\
             # These are the built-in defaults; adjust the paths to your layout.\n",
        );
    }
    let registries: Vec<(String, Option<usize>)> = if found.registries.is_empty() {
        vec![("orchestration-domains.json".to_string(), None)]
    } else {
        found
            .registries
            .iter()
            .map(|(p, n)| (globset::escape(p), Some(*n)))
            .collect()
    };
    for (path, domains) in registries {
        if let Some(n) = domains {
            out.push_str(&format!("\n# Registry detected ({n} domains).\n"));
        }
        out.push_str(&format!(
            "[[artifact]]\n\
             path = {}\n\
             kind = \"registry\"\n\
             # lock-field = \"integrity\"            # root key of the embedded integrity block\n\
             # exclude = [\"/metadata/generated\"]   # never counts: the generator's timestamp\n\
             # volatile-keys = []                  # member names removed at any depth\n\
             # required-fields = [\"id\", \"name\", \"category\", \"tempo\", \"key\", \"timeSignature\"]\n\
             # require-lock = false                # true: every version must carry a lock\n\
             # lock = \"embedded\"                   # how `git audit lock` locks it\n",
            q(&path)
        ));
    }
    let mut tables = sequence_tables(found);
    if tables.is_empty() && found.registries.is_empty() {
        tables.push(SequenceTable {
            path: DEFAULT_SEQUENCES.to_string(),
            ignore: Vec::new(),
        });
    }
    if !found.sequences.is_empty() {
        out.push_str(&format!(
            "\n# Sequences detected ({} files).\n",
            found.sequences.len()
        ));
    }
    for table in tables {
        out.push_str(&format!(
            "\n[[artifact]]\npath = {}\nkind = \"sequence\"\n",
            q(&table.path)
        ));
        if !table.ignore.is_empty() {
            let list: Vec<String> = table.ignore.iter().map(|g| q(g)).collect();
            out.push_str(&format!(
                "# JSON files here that are not sequences:\nignore = [{}]\n",
                list.join(", ")
            ));
        }
        out.push_str(
            "# required-fields = [\"id\", \"movements\"]\n\
             # lock = \"lockfile\"                   # locks go to audit.lock\n",
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn detected(files: &[(&str, &str)]) -> Detected {
        let mut d = Detected::default();
        for (p, t) in files {
            classify(p, t.as_bytes(), &mut d);
        }
        d
    }

    const SEQ: &str = r#"{"id": "s", "movements": []}"#;

    #[test]
    fn detects_by_shape() {
        let d = detected(&[
            (
                "reg/orchestration-domains.json",
                r#"{"domains": [{"id": "a"}]}"#,
            ),
            ("packages/a/json-sequences/x.json", SEQ),
            ("package.json", r#"{"name": "x"}"#),
            ("broken.json", "{"),
        ]);
        assert_eq!(d.registries.get("reg/orchestration-domains.json"), Some(&1));
        assert!(d.sequences.contains("packages/a/json-sequences/x.json"));
        assert!(d.others.contains("package.json") && d.others.contains("broken.json"));
    }

    fn table(path: &str, ignore: &[&str]) -> SequenceTable {
        SequenceTable {
            path: path.into(),
            ignore: ignore.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn uses_the_default_sequence_glob_when_it_fits() {
        let d = detected(&[
            ("packages/a/json-sequences/x.json", SEQ),
            ("b/json-sequences/y.json", SEQ),
        ]);
        assert_eq!(
            sequence_tables(&d),
            [table("**/json-sequences/**/*.json", &[])]
        );
    }

    #[test]
    fn ignores_other_json_and_adds_folders_outside_the_default() {
        let d = detected(&[
            ("p/json-sequences/x.json", SEQ),
            ("p/json-sequences/index.json", r#"{"sequences": []}"#),
            ("r/json-sequences/index.json", r#"{"sequences": []}"#),
            ("r/json-sequences/x.json", r#"{"not": "a sequence"}"#),
            ("q/seqs/y.json", SEQ),
            ("q/seqs/z.json", SEQ),
            ("q/seqs/index.json", "{}"),
        ]);
        assert_eq!(
            sequence_tables(&d),
            [
                table(
                    "**/json-sequences/**/*.json",
                    &["**/index.json", "r/json-sequences/x.json"]
                ),
                table("q/seqs/*.json", &["q/seqs/index.json"]),
            ]
        );
        let config = Config::parse(&audit_toml(&d), "audit.toml").unwrap();
        for p in ["p/json-sequences/x.json", "q/seqs/y.json"] {
            assert_eq!(
                config.governing(p).unwrap().kind,
                config::Kind::Sequence,
                "{p}"
            );
        }
        for p in [
            "p/json-sequences/index.json",
            "r/json-sequences/x.json",
            "q/seqs/index.json",
        ] {
            assert!(config.governing(p).is_none(), "{p}");
        }
    }

    #[test]
    fn rendered_config_is_valid_and_governs_what_was_found() {
        let d = detected(&[
            ("orchestration-domains.json", r#"{"domains": []}"#),
            ("p/json-sequences/x.json", SEQ),
            ("p/json-sequences/index.json", r#"{"sequences": []}"#),
        ]);
        let text = audit_toml(&d);
        let config = Config::parse(&text, "audit.toml").unwrap();
        assert_eq!(
            config.governing("orchestration-domains.json").unwrap().kind,
            config::Kind::Registry
        );
        assert_eq!(
            config.governing("p/json-sequences/x.json").unwrap().kind,
            config::Kind::Sequence
        );
        assert!(config.governing("p/json-sequences/index.json").is_none());
        let empty = Config::parse(&audit_toml(&Detected::default()), "audit.toml").unwrap();
        assert_eq!(empty.artifacts.len(), 2);
    }

    #[test]
    fn paths_with_glob_characters_are_escaped() {
        let d = detected(&[("odd[1]/orchestration-domains.json", r#"{"domains": []}"#)]);
        let config = Config::parse(&audit_toml(&d), "audit.toml").unwrap();
        assert!(config
            .governing("odd[1]/orchestration-domains.json")
            .is_some());
    }
}
