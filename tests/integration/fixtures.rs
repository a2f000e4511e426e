//! Small inline fixtures for the commit-gate tests: registries and sequences whose layout
//! (and so every finding's line number) is fixed and documented here.

#![allow(dead_code)]

use crate::support::{Run, TestRepo};

/// Where the built-in defaults look for the registry.
pub const REGISTRY: &str = "orchestration-domains.json";
/// A sequence governed by the built-in defaults (`**/json-sequences/**/*.json`).
pub const SEQ_A: &str = "packages/x/json-sequences/alpha.json";
pub const SEQ_B: &str = "packages/x/json-sequences/beta.json";

/// One complete domain on one line (every field the built-in `required-fields` asks for).
pub fn domain(id: &str) -> String {
    format!(
        r#"{{"id": "{id}", "name": "Domain {id}", "category": "plugin", "tempo": 120, "key": "C Major", "timeSignature": "4/4"}}"#
    )
}

/// A registry: line 1 `{`, line 2 metadata, line 3 `"domains": [`, then domain `i` (0-based)
/// on line `4 + i` starting at column 5, then `  ]` and `}` and a trailing newline.
pub fn registry(domains: &[String]) -> String {
    let mut out = String::from(
        "{\n  \"metadata\": { \"generated\": \"2026-01-01T00:00:00Z\" },\n  \"domains\": [\n",
    );
    let n = domains.len();
    for (i, d) in domains.iter().enumerate() {
        out.push_str("    ");
        out.push_str(d);
        if i + 1 < n {
            out.push(',');
        }
        out.push('\n');
    }
    out.push_str("  ]\n}\n");
    out
}

/// The line of domain `i` in `registry(…)`.
pub fn domain_line(i: usize) -> usize {
    4 + i
}

/// A valid registry of the given ids.
pub fn good_registry(ids: &[&str]) -> String {
    registry(&ids.iter().map(|id| domain(id)).collect::<Vec<_>>())
}

/// A registry with a trailing comma after its last domain: json-syntax at line `4 + n`
/// (the closing `]`), column 3.
pub fn syntax_error_registry(ids: &[&str]) -> String {
    good_registry(ids).replacen("}\n  ]", "},\n  ]", 1)
}

/// A sequence: line 2 `"id"`, line 3 `"movements": [`, movement `i` on line `4 + i`.
pub fn sequence(id: &str, movements: &[&str]) -> String {
    let mut out = format!("{{\n  \"id\": \"{id}\",\n  \"movements\": [\n");
    let n = movements.len();
    for (i, m) in movements.iter().enumerate() {
        out.push_str(&format!(
            "    {{ \"id\": \"{m}\", \"beats\": [ {{ \"beat\": 1, \"event\": \"{id}:{m}\", \"handler\": \"{m}Handler\" }} ] }}"
        ));
        if i + 1 < n {
            out.push(',');
        }
        out.push('\n');
    }
    out.push_str("  ]\n}\n");
    out
}

/// A repository with the hook installed and one clean commit (made with --no-verify): a
/// registry of domains a and b, and two sequences. Built-in defaults (no audit.toml).
pub fn gated_repo() -> TestRepo {
    let repo = TestRepo::new();
    repo.write(REGISTRY, good_registry(&["a", "b"]));
    repo.write(SEQ_A, sequence("a", &["m1"]));
    repo.write(SEQ_B, sequence("b", &["m1", "m2"]));
    repo.write("README.txt", "not governed\n");
    repo.commit_all("base");
    repo.install_gate_hook();
    repo
}

/// Asserts that `run` (a `git commit`) was refused and HEAD did not move.
#[track_caller]
pub fn assert_blocked(repo: &TestRepo, run: &Run, head_before: &Option<String>) {
    assert_ne!(
        run.code, 0,
        "the commit should have been blocked\n--- stdout\n{}\n--- stderr\n{}",
        run.stdout, run.stderr
    );
    assert_eq!(&repo.head(), head_before, "HEAD moved although blocked");
}

/// Asserts that `run` (a `git commit`) succeeded and made a new commit on top of `head_before`.
#[track_caller]
pub fn assert_committed(repo: &TestRepo, run: &Run, head_before: &Option<String>) {
    run.code(0);
    let now = repo.head();
    assert!(now.is_some(), "no commit was made");
    assert_ne!(&now, head_before, "HEAD did not move");
    if let Some(before) = head_before {
        let parent = repo.git(["rev-parse", "HEAD^"]);
        assert_eq!(
            parent.trim(),
            before,
            "the new commit is not on the old HEAD"
        );
    }
}
