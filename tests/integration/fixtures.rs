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

/// How [`registry`] lays a registry document out.
#[derive(Debug, Clone, Copy)]
pub enum Layout<'g> {
    /// Fixed lines, for tests that assert finding positions: line 1 `{`, line 2 metadata
    /// (`generated` only), line 3 `"domains": [`, then domain `i` (0-based) on line `4 + i`
    /// starting at column 5, exactly as given, then `  ]` and `}` and a trailing newline.
    Lines,
    /// `serde_json`'s pretty form of `metadata` (`generated` as given, which the registry
    /// defaults exclude, and `version` "1") and `domains`: what [`registry_jcs`] hashes.
    Pretty { generated: &'g str },
}

/// A registry document of `domains` (each one JSON value: the text of a [`domain`] or a
/// `serde_json::Value`), laid out as `layout` says.
pub fn registry<D: ToString>(layout: Layout<'_>, domains: &[D]) -> String {
    match layout {
        Layout::Lines => {
            let mut out = String::from(
                "{\n  \"metadata\": { \"generated\": \"2026-01-01T00:00:00Z\" },\n  \"domains\": [\n",
            );
            let n = domains.len();
            for (i, d) in domains.iter().enumerate() {
                out.push_str("    ");
                out.push_str(&d.to_string());
                if i + 1 < n {
                    out.push(',');
                }
                out.push('\n');
            }
            out.push_str("  ]\n}\n");
            out
        }
        Layout::Pretty { generated } => {
            let domains: Vec<serde_json::Value> = domains
                .iter()
                .map(|d| serde_json::from_str(&d.to_string()).expect("a domain is JSON"))
                .collect();
            let doc = serde_json::json!({
                "metadata": { "generated": generated, "version": "1" },
                "domains": domains,
            });
            serde_json::to_string_pretty(&doc).expect("serialise") + "\n"
        }
    }
}

/// [`registry`]`(Layout::Pretty { generated }, …)` of `(id, name, tempo)` domains (each also
/// `"status": "active"`), matching [`registry_jcs`].
pub fn registry_of(generated: &str, domains: &[(&str, &str, i64)]) -> String {
    let domains: Vec<serde_json::Value> = domains
        .iter()
        .map(|(id, name, tempo)| {
            serde_json::json!({ "id": id, "name": name, "status": "active", "tempo": tempo })
        })
        .collect();
    registry(Layout::Pretty { generated }, &domains)
}

/// The RFC 8785 form of [`registry_of`]`(_, domains)` under the registry defaults
/// (`/metadata/generated` removed), written by hand: members sorted, no whitespace.
pub fn registry_jcs(domains: &[(&str, &str, i64)]) -> String {
    let items: Vec<String> = domains
        .iter()
        .map(|(id, name, tempo)| {
            format!(r#"{{"id":"{id}","name":"{name}","status":"active","tempo":{tempo}}}"#)
        })
        .collect();
    format!(
        r#"{{"domains":[{}],"metadata":{{"version":"1"}}}}"#,
        items.join(",")
    )
}

/// The line of domain `i` in `registry(…)`.
pub fn domain_line(i: usize) -> usize {
    4 + i
}

/// A valid registry of the given ids, [`Layout::Lines`].
pub fn good_registry(ids: &[&str]) -> String {
    registry(
        Layout::Lines,
        &ids.iter().map(|id| domain(id)).collect::<Vec<_>>(),
    )
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
