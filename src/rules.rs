//! The rule catalogue: every finding git-audit can report, as data (id, default severity,
//! description, rationale, an example that triggers it). One registry; nothing else names rules.

use std::fmt;

use serde::Serialize;

/// How much a finding matters. Only `error` blocks a commit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Info,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A severity as audit.toml sets it: a severity, or `off`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Error,
    Warning,
    Info,
    Off,
}

impl Level {
    /// The severity findings get at this level; `None` when the rule is off.
    pub fn severity(self) -> Option<Severity> {
        match self {
            Level::Error => Some(Severity::Error),
            Level::Warning => Some(Severity::Warning),
            Level::Info => Some(Severity::Info),
            Level::Off => None,
        }
    }
}

/// One rule of the catalogue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Rule {
    pub id: &'static str,
    pub severity: Severity,
    /// One line.
    pub description: &'static str,
    /// Why the rule exists.
    pub rationale: &'static str,
    /// A minimal input that triggers it.
    pub example: &'static str,
}

/// Every rule, in the order `git audit rules` lists them.
pub const RULES: &[Rule] = &[
    Rule {
        id: "json-syntax",
        severity: Severity::Error,
        description: "A governed file is not valid JSON (syntax, UTF-8, lone surrogate, number out of range).",
        rationale: "A canonical hash, a diff and every other rule stand on a parse; a file that does not parse cannot be the source of truth.",
        example: r#"{"domains": [ {"id": "a",} ]}   (trailing comma)"#,
    },
    Rule {
        id: "json-duplicate-key",
        severity: Severity::Error,
        description: "An object has the same member name twice.",
        rationale: "Parsers disagree on which duplicate wins, so two tools can read two different registries from one file.",
        example: r#"{"id": "a", "id": "b"}"#,
    },
    Rule {
        id: "json-limits",
        severity: Severity::Error,
        description: "A governed file exceeds the size or nesting limit ([limits] in audit.toml).",
        rationale: "Limits keep the commit gate fast and bounded; a registry that outgrows them is worth a deliberate decision.",
        example: "a 300 MiB registry with max-file-size = \"256 MiB\"",
    },
    Rule {
        id: "artifact-type",
        severity: Severity::Error,
        description: "A governed path is a symbolic link, a submodule, a Git LFS pointer or unmerged, not a JSON file.",
        rationale: "git-audit never follows links or fetches content from elsewhere; what it cannot read it cannot vouch for.",
        example: "orchestration-domains.json -> ../elsewhere/registry.json   (a symlink)",
    },
    Rule {
        id: "id-missing",
        severity: Severity::Error,
        description: "A registry domain or a sequence has no string id.",
        rationale: "Domains and sequences are matched, diffed and recorded by id; without one a change cannot be attributed.",
        example: r#"{"domains": [{"name": "Canvas Copy"}]}"#,
    },
    Rule {
        id: "id-duplicate",
        severity: Severity::Error,
        description: "Two registry domains (or two movements of one sequence) share an id.",
        rationale: "Duplicate ids make every id-based match ambiguous; git-audit reports them rather than merging them.",
        example: r#"{"domains": [{"id": "a"}, {"id": "a"}]}"#,
    },
    Rule {
        id: "required-field",
        severity: Severity::Error,
        description: "A registry domain or a sequence lacks a required field (`required-fields` in audit.toml).",
        rationale: "Generators and docs read these fields; a domain without its tempo or category is half-described.",
        example: r#"{"domains": [{"id": "a", "name": "A"}]}   (no category, tempo, key, timeSignature)"#,
    },
    Rule {
        id: "lock-mismatch",
        severity: Severity::Error,
        description: "An artifact's embedded integrity lock does not match its canonical hash.",
        rationale: "A locked artifact changes only through its sanctioned generator, which re-locks it; a mismatch means a hand edit.",
        example: r#"{"integrity": {"algorithm": "sha256-jcs", "canonicalHash": "<old>"}, "domains": [...edited...]}"#,
    },
    Rule {
        id: "lock-missing",
        severity: Severity::Error,
        description: "An artifact with `require-lock = true` carries no lock, embedded or in audit.lock.",
        rationale: "Where the team decided every version must be locked, an unlocked version was not produced by the generator.",
        example: "require-lock = true and a registry without an `integrity` block",
    },
    Rule {
        id: "lockfile-mismatch",
        severity: Severity::Error,
        description: "An artifact's canonical hash differs from its entry in audit.lock.",
        rationale: "audit.lock locks artifacts that cannot carry an embedded block; a mismatch means the file changed without a re-lock.",
        example: "audit.lock records sequence x.json at <old hash>; x.json was edited",
    },
    Rule {
        id: "registry-missing-sequence",
        severity: Severity::Error,
        description: "A sequence file has no domain in the registry.",
        rationale: "The registry is generated from the sequence files; a sequence it does not list means the registry is stale.",
        example: "json-sequences/new.json with id \"new-symphony\" and no domain \"new-symphony\"",
    },
    Rule {
        id: "registry-dangling-sequence",
        severity: Severity::Error,
        description: "A domain's `sequenceFile` does not exist in the snapshot.",
        rationale: "A domain pointing at a missing sequence describes something that no longer exists (or was never committed).",
        example: r#"{"domains": [{"id": "a", "sequenceFile": "json-sequences/gone.json"}]}"#,
    },
    Rule {
        id: "registry-sequence-mismatch",
        severity: Severity::Error,
        description: "A domain's `movements` or `beats` count differs from its sequence file.",
        rationale: "Counts are generated from the sequence; a mismatch means one side was edited without regenerating the other.",
        example: r#"domain says "beats": 3, its sequence has 4 beats"#,
    },
    Rule {
        id: "sequence-id-duplicate",
        severity: Severity::Error,
        description: "Two sequence files declare the same id.",
        rationale: "Domains link to sequences by id; two sequences with one id make the link ambiguous.",
        example: r#"a.json and b.json both with "id": "copy-symphony""#,
    },
    Rule {
        id: "beat-numbering",
        severity: Severity::Warning,
        description: "The beats of a movement are not numbered 1..n in order.",
        rationale: "Beat numbers order execution and name beats in diffs and changelogs; gaps and repeats hide a lost or duplicated beat.",
        example: r#"{"beats": [{"beat": 1}, {"beat": 3}]}"#,
    },
    Rule {
        id: "beat-handler-missing",
        severity: Severity::Error,
        description: "A beat names no handler.",
        rationale: "A beat without a handler cannot run; the conductor will fail at that beat.",
        example: r#"{"beat": 1, "event": "canvas:copy"}"#,
    },
    Rule {
        id: "beat-event-missing",
        severity: Severity::Error,
        description: "A beat names no event.",
        rationale: "Beats are observed through their events; a beat without one is invisible to listeners and telemetry.",
        example: r#"{"beat": 1, "handler": "copy"}"#,
    },
    Rule {
        id: "event-name",
        severity: Severity::Warning,
        description: "A beat's event does not match the configured pattern (`event-pattern`).",
        rationale: "Listeners subscribe by name; one naming scheme keeps topics predictable.",
        example: r#"{"event": "canvas.copy.Done"}   (default pattern: lowercase segments joined by ':')"#,
    },
    Rule {
        id: "path-separator",
        severity: Severity::Error,
        description: "A repository path inside a JSON value uses `\\`.",
        rationale: "git paths use '/'; a backslash path works on one machine and breaks everywhere else.",
        example: r#"{"sequenceFile": "packages\\a\\seq.json"}"#,
    },
    Rule {
        id: "path-missing",
        severity: Severity::Error,
        description: "A repository path inside a JSON value names a file that does not exist.",
        rationale: "A dangling path is drift between the registry and the repository it describes.",
        example: r#"{"docsPath": "docs/removed/"}   (with path-keys = ["docsPath"])"#,
    },
    Rule {
        id: "schema",
        severity: Severity::Error,
        description: "A document does not validate against its configured JSON Schema (`schema`).",
        rationale: "The schema is the contract generators and readers share; an invalid document breaks one of them.",
        example: "a sequence whose beat `timing` is not one of the schema's enum values",
    },
    Rule {
        id: "plan-coverage",
        severity: Severity::Warning,
        description: "An id the project plan lists (`[[plan]]`) is missing from the registry.",
        rationale: "The plan promises these domains; a missing one is work the registry does not reflect.",
        example: r#"plan "domainSequences": [{"id": "x"}] and no domain "x""#,
    },
    Rule {
        id: "waiver-expired",
        severity: Severity::Warning,
        description: "A waiver has passed its expiry date and no longer waives anything.",
        rationale: "Waivers are temporary by design; an expired one must be renewed deliberately or the finding fixed.",
        example: r#"[[waiver]] ... expires = 2025-01-31"#,
    },
    Rule {
        id: "changelog-missing",
        severity: Severity::Error,
        description: "A commit changes a governed artifact structurally but adds no matching changelog entry.",
        rationale: "The evolution changelog must explain every structural change in the commit that makes it; a gap means the hook was bypassed.",
        example: "a commit adding a domain, made with --no-verify, without an EVOLUTION.md entry",
    },
    Rule {
        id: "changelog-extra",
        severity: Severity::Error,
        description: "A commit adds a changelog entry that matches none of its own changes.",
        rationale: "An entry records one commit's transition; one that does not match misattributes history.",
        example: "an entry copied by hand from another branch",
    },
    Rule {
        id: "changelog-duplicate",
        severity: Severity::Error,
        description: "A commit adds the same changelog entry more than once.",
        rationale: "Each structural change is recorded exactly once; duplicates make counts and release notes wrong.",
        example: "the same entry appended twice by two tools",
    },
];

/// The rule with this id.
pub fn rule(id: &str) -> Option<&'static Rule> {
    RULES.iter().find(|r| r.id == id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_kebab_case() {
        for (i, r) in RULES.iter().enumerate() {
            assert!(
                r.id.chars().all(|c| c.is_ascii_lowercase() || c == '-'),
                "{}",
                r.id
            );
            assert!(
                RULES[..i].iter().all(|o| o.id != r.id),
                "duplicate {}",
                r.id
            );
            assert!(!r.description.is_empty() && !r.rationale.is_empty() && !r.example.is_empty());
        }
    }

    #[test]
    fn every_rule_is_documented_in_the_readme() {
        let readme = include_str!("../README.md");
        for r in RULES {
            assert!(
                readme.contains(&format!("`{}`", r.id)),
                "README.md does not document rule `{}`",
                r.id
            );
        }
    }

    #[test]
    fn json_refusals_map_to_catalogued_rules() {
        use crate::json::parse::ErrorKind;
        for kind in [
            ErrorKind::Syntax(String::new()),
            ErrorKind::DuplicateKey(String::new()),
            ErrorKind::TooDeep { limit: 1 },
        ] {
            assert!(rule(kind.rule()).is_some(), "{}", kind.rule());
        }
    }
}
