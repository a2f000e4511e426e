//! Integration tests for the evolution changelog: the real `git` with the real installed hooks
//! (`git audit install`), committing through them, then reading the committed changelog back
//! with a parser written here (independent of the binary's own) and `git audit changelog
//! verify | rebuild`, and `git audit release-notes`.

use std::collections::{BTreeMap, BTreeSet};
use std::ffi::OsStr;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::corpus_or_skip;
use crate::fixtures::registry_of;
use crate::support::{registry_history, sha256_hex, Run, TestRepo};

const LOG: &str = "EVOLUTION.md";
const REG: &str = "orchestration-domains.json";
const OTHER: &str = "other/registry.json";

// ---- An independent reader of the changelog -------------------------------------------------

/// One entry as this test reads it: heading to machine marker.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Entry {
    /// The marker's fingerprint (64 lowercase hex).
    fp: String,
    heading: String,
    /// `(path, before, after)`, hashes as written (`none` for an absent side).
    transitions: Vec<(String, String, String)>,
    /// The entry's lines, heading to marker.
    text: String,
}

/// Every entry of a changelog text, in order.
fn entries(text: &str) -> Vec<Entry> {
    let mut out = Vec::new();
    let mut current: Option<Entry> = None;
    let mut path: Option<String> = None;
    for line in text.lines() {
        if line.starts_with("## ") {
            current = Some(Entry {
                fp: String::new(),
                heading: line.to_string(),
                transitions: Vec::new(),
                text: String::new(),
            });
            path = None;
        }
        let Some(e) = current.as_mut() else {
            continue;
        };
        e.text.push_str(line);
        e.text.push('\n');
        if let Some(rest) = line.strip_prefix("### `") {
            path = rest.split_once("` (").map(|(p, _)| p.to_string());
        } else if let Some(rest) = line.strip_prefix("- fingerprint: `") {
            let (before, after) = rest
                .strip_suffix('`')
                .and_then(|r| r.split_once("` → `"))
                .unwrap_or_else(|| panic!("malformed transition line {line:?}"));
            let p = path
                .clone()
                .expect("a transition line under an artifact heading");
            e.transitions
                .push((p, before.to_string(), after.to_string()));
        } else if let Some(fp) = line
            .strip_prefix("<!-- git-audit:entry ")
            .and_then(|r| r.strip_suffix(" -->"))
        {
            let mut e = current.take().expect("entry");
            e.fp = fp.to_string();
            out.push(e);
        }
    }
    out
}

/// The fingerprint of a set of transitions, as the issue defines it: canonical hashes only.
fn fingerprint(transitions: &[(String, String, String)]) -> String {
    let mut sorted = transitions.to_vec();
    sorted.sort();
    let mut text = String::from("git-audit transition v1\n");
    for (p, b, a) in sorted {
        text.push_str(&format!("{p}\t{b}\t{a}\n"));
    }
    sha256_hex(text)
}

fn is_hex(s: &str, len: usize) -> bool {
    s.len() == len
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// Asserts a changelog text is whole: it starts with the header, every marker closes an entry
/// that has a heading, at least one transition, a short id matching its marker and a marker
/// that is the fingerprint of its transitions; no heading is left without its marker.
#[track_caller]
fn assert_whole(text: &str) {
    assert!(
        text.starts_with("# Evolution changelog\n"),
        "no header:\n{text}"
    );
    let markers = text.matches("<!-- git-audit:entry ").count();
    let headings = text.lines().filter(|l| l.starts_with("## ")).count();
    let found = entries(text);
    assert_eq!(found.len(), markers, "a marker outside an entry:\n{text}");
    assert_eq!(
        found.len(),
        headings,
        "a heading without its marker:\n{text}"
    );
    for e in &found {
        assert!(is_hex(&e.fp, 64), "marker {:?}", e.fp);
        assert!(!e.transitions.is_empty(), "no transition in\n{}", e.text);
        for (_, b, a) in &e.transitions {
            assert!(b == "none" || is_hex(b, 64), "{b}");
            assert!(a == "none" || is_hex(a, 64), "{a}");
        }
        assert!(
            e.heading.ends_with(&format!(" · `{}`", &e.fp[..12])),
            "heading {:?} does not name {}",
            e.heading,
            e.fp
        );
        assert_eq!(
            fingerprint(&e.transitions),
            e.fp,
            "the marker is not the fingerprint of the entry's transitions:\n{}",
            e.text
        );
        assert!(text.ends_with('\n'), "no final newline");
    }
}

/// Entries of `now` that are not in `base`, as multisets by fingerprint.
fn added(base: &[Entry], now: &[Entry]) -> Vec<Entry> {
    let mut remaining: Vec<&str> = base.iter().map(|e| e.fp.as_str()).collect();
    let mut out = Vec::new();
    for e in now {
        if let Some(i) = remaining.iter().position(|f| *f == e.fp) {
            remaining.swap_remove(i);
        } else {
            out.push(e.clone());
        }
    }
    out
}

// ---- Fixtures --------------------------------------------------------------------------------

/// Two governed registries, so one can be committed by path while the other is staged.
const CONFIG: &str = r#"[[artifact]]
path = "orchestration-domains.json"
kind = "registry"
required-fields = ["id"]

[[artifact]]
path = "other/registry.json"
kind = "registry"
required-fields = ["id"]
"#;

type Domains<'a> = &'a [(&'a str, &'a str, i64)];

struct Fx {
    repo: TestRepo,
}

impl std::ops::Deref for Fx {
    type Target = TestRepo;
    fn deref(&self) -> &TestRepo {
        &self.repo
    }
}

impl Fx {
    /// A repository with the hooks installed, `CONFIG` + `extra` as audit.toml, and a first
    /// commit (through the hooks) of both registries.
    fn new(extra: &str) -> Fx {
        let repo = TestRepo::new();
        repo.audit(["install"]).code(0);
        for hook in ["pre-commit", "post-commit", "pre-merge-commit"] {
            assert!(
                repo.git_dir().join("hooks").join(hook).is_file(),
                "{hook} not installed"
            );
        }
        let fx = Fx { repo };
        fx.write("audit.toml", format!("{CONFIG}{extra}"));
        fx.write("README", "fixture\n");
        fx.reg(REG, &[("a", "Alpha", 1), ("b", "Beta", 2)]);
        fx.reg(OTHER, &[("o", "Omega", 1)]);
        fx.git(["add", "-A"]);
        fx.commit_ok(&["-m", "init"]);
        fx
    }

    fn reg(&self, path: &str, domains: Domains<'_>) {
        self.write(path, registry_of("2026-01-01", domains));
    }

    /// `git commit ARGS` through the installed hooks.
    fn commit(&self, args: &[&str]) -> Run {
        self.commit_env(&[], args)
    }

    fn commit_env(&self, env: &[(&str, &str)], args: &[&str]) -> Run {
        let mut cmd = self.git_cmd_in(self.root());
        for (k, v) in env {
            cmd.env(k, v);
        }
        Run::from(
            cmd.arg("commit")
                .args(args)
                .output()
                .expect("run git commit"),
        )
    }

    #[track_caller]
    fn commit_ok(&self, args: &[&str]) -> Run {
        let run = self.commit(args);
        run.code(0);
        run
    }

    /// The changelog at a revision (`:` for the index); empty when absent.
    fn log_at(&self, rev: &str) -> String {
        let spec = if rev == ":" {
            format!(":{LOG}")
        } else {
            format!("{rev}:{LOG}")
        };
        let out = self.git_output(["show", &spec]);
        if out.status.success() {
            String::from_utf8(out.stdout).expect("UTF-8 changelog")
        } else {
            String::new()
        }
    }

    fn log_worktree(&self) -> String {
        std::fs::read_to_string(self.path(LOG)).unwrap_or_default()
    }

    /// The entries commit `rev` added to the changelog (against its first parent).
    fn added_in(&self, rev: &str) -> Vec<Entry> {
        let parent = self.git_output(["rev-parse", "--verify", "-q", &format!("{rev}^")]);
        let base = if parent.status.success() {
            entries(&self.log_at(&format!("{rev}^")))
        } else {
            Vec::new()
        };
        added(&base, &entries(&self.log_at(rev)))
    }

    /// The canonical hash git-audit gives `path` at `rev` (`:` for the index): `git audit hash`.
    fn canonical(&self, rev: &str, path: &str) -> String {
        let run = if rev == ":" {
            self.audit(["hash", "--staged", path, "--format", "json"])
        } else {
            self.audit(["hash", "--rev", rev, path, "--format", "json"])
        };
        run.code(0);
        let v = run.json();
        let found = crate::support::entry(&v, "artifacts", path)["canonicalHash"]
            .as_str()
            .unwrap_or_else(|| panic!("no canonical hash in {v:#}"))
            .to_string();
        found
    }

    fn head(&self) -> String {
        self.rev_parse("HEAD")
    }

    fn verify(&self, args: &[&str]) -> Run {
        let mut all = vec!["changelog", "verify"];
        all.extend_from_slice(args);
        self.audit(all)
    }

    fn status(&self) -> String {
        self.git(["status", "--porcelain"])
    }

    fn cached_diff(&self, path: &str) -> String {
        self.git(["diff", "--cached", "--", path])
    }
}

/// Asserts `rev` added exactly one entry, for exactly these transitions; returns it.
#[track_caller]
fn one_entry(fx: &Fx, rev: &str, transitions: &[(&str, &str, &str)]) -> Entry {
    let added = fx.added_in(rev);
    assert_eq!(
        added.len(),
        1,
        "{rev} added {} entries:\n{}",
        added.len(),
        fx.log_at(rev)
    );
    let mut want: Vec<(String, String, String)> = transitions
        .iter()
        .map(|(p, b, a)| (p.to_string(), b.to_string(), a.to_string()))
        .collect();
    want.sort();
    let mut got = added[0].transitions.clone();
    got.sort();
    assert_eq!(got, want, "{}", added[0].text);
    added[0].clone()
}

/// Temporaries git-audit may leave: under the work tree and the git directory.
fn temporaries(root: &Path) -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let Ok(list) = std::fs::read_dir(dir) else {
            return;
        };
        for e in list.flatten() {
            let p = e.path();
            let name = e.file_name().to_string_lossy().into_owned();
            if name.contains(".git-audit-") || name == "index.lock" {
                out.push(p.clone());
            }
            if e.file_type().is_ok_and(|t| t.is_dir()) && name != "objects" {
                walk(&p, out);
            }
        }
    }
    let mut out = Vec::new();
    walk(root, &mut out);
    out
}

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path)
        .expect("metadata")
        .permissions()
        .mode()
        & 0o777
}

// ---- 1. Replaying the real registry history -------------------------------------------------

/// Domain facts computed with serde_json: count, identified ids, unidentified count.
struct Domains2 {
    count: usize,
    ids: BTreeSet<String>,
    unidentified: usize,
}

fn domain_facts(bytes: Option<&[u8]>) -> Domains2 {
    let Some(bytes) = bytes else {
        return Domains2 {
            count: 0,
            ids: BTreeSet::new(),
            unidentified: 0,
        };
    };
    let doc: Value = serde_json::from_slice(bytes).expect("a valid version parses");
    let list = doc["domains"].as_array().cloned().unwrap_or_default();
    let ids: BTreeSet<String> = list
        .iter()
        .filter_map(|d| d["id"].as_str().map(str::to_string))
        .collect();
    Domains2 {
        count: list.len(),
        unidentified: list.iter().filter(|d| !d["id"].is_string()).count(),
        ids,
    }
}

/// The ids an entry lists as `<change> domain `id``.
fn listed(entry: &Entry, change: &str) -> BTreeSet<String> {
    let prefix = format!("- {change} domain `");
    entry
        .text
        .lines()
        .filter_map(|l| l.strip_prefix(&prefix))
        .filter_map(|r| r.split_once('`').map(|(id, _)| id.to_string()))
        .filter(|id| !id.starts_with("(no id"))
        .collect()
}

const REPLAY_CONFIG: &str = r#"# The real registry's domains lack some default fields, name sequence files this repository
# does not hold and (in 002) some lack ids: those rules are off so history can be replayed.
[rules]
registry-dangling-sequence = "off"
id-missing = "off"
path-separator = "off"

[[artifact]]
path = "orchestration-domains.json"
kind = "registry"
required-fields = ["id"]
"#;

#[test]
fn replay_real_history_records_each_structural_change_once() {
    let corpus = corpus_or_skip!();
    let versions = registry_history(&corpus);
    assert!(versions.len() >= 30, "{} versions", versions.len());
    let repo = TestRepo::new();
    repo.audit(["install"]).code(0);
    let fx = Fx { repo };
    fx.write("audit.toml", REPLAY_CONFIG);
    fx.git(["add", "-A"]);
    fx.commit_ok(&["-m", "config"]);
    assert!(
        !fx.path(LOG).exists(),
        "a commit without governed changes wrote a changelog"
    );

    // The last committed version: its schema-aware hash and bytes.
    let mut prev_hash: Option<String> = None;
    let mut prev_bytes: Option<Vec<u8>> = None;
    let mut recorded = 0;
    let mut commits_by_nnn: BTreeMap<String, String> = BTreeMap::new();
    let mut blocked = Vec::new();
    for v in &versions {
        let before_head = fx.head();
        let before_index_log = fx.log_at(":");
        match &v.file {
            Some(f) => {
                fx.write(REG, std::fs::read(f).expect("read version"));
                fx.git(["add", REG]);
            }
            None => {
                assert_eq!(v.status, "deleted", "{}", v.nnn);
                fx.git(["rm", "-q", REG]);
            }
        }
        let run = fx.commit_env(
            &[
                ("GIT_AUTHOR_DATE", v.date.as_str()),
                ("GIT_COMMITTER_DATE", v.date.as_str()),
            ],
            &["-m", &v.nnn],
        );
        if v.status == "invalid-json" {
            assert_ne!(run.code, 0, "{} was committed:\n{}", v.nnn, run.stderr);
            assert!(run.stderr.contains("json-syntax"), "{}", run.stderr);
            assert_eq!(fx.head(), before_head, "HEAD moved on a blocked commit");
            assert_eq!(
                fx.log_at(":"),
                before_index_log,
                "a blocked commit staged a changelog change"
            );
            // Continue with the next version against the last good one.
            fx.git(["reset", "-q"]);
            blocked.push(v.nnn.clone());
            continue;
        }
        run.code(0);
        let head = fx.head();
        assert_ne!(head, before_head, "{} made no commit", v.nnn);
        commits_by_nnn.insert(v.nnn.clone(), head.clone());
        let bytes = v.file.as_ref().map(|f| std::fs::read(f).expect("read"));
        let hash = v.schema_aware().map(str::to_string);
        if v.file.is_some() {
            assert!(hash.is_some(), "{} has no parity hash", v.nnn);
        }
        let added = fx.added_in("HEAD");
        let log = fx.log_at("HEAD");
        if hash == prev_hash {
            assert!(
                added.is_empty(),
                "{} differs only in excluded parts from its predecessor yet added {:?}",
                v.nnn,
                added.iter().map(|e| &e.fp).collect::<Vec<_>>()
            );
        } else {
            assert_eq!(added.len(), 1, "{}: entries added:\n{log}", v.nnn);
            let e = &added[0];
            let none = || "none".to_string();
            assert_eq!(
                e.transitions,
                [(
                    REG.to_string(),
                    prev_hash.clone().unwrap_or_else(none),
                    hash.clone().unwrap_or_else(none)
                )],
                "{}: the entry's transition is not parity.tsv's schema-aware hashes",
                v.nnn
            );
            // The author's own date and git identity in the heading.
            assert!(
                e.heading.starts_with(&format!(
                    "## {} · Ada Author <ada@example.com> · `",
                    &v.date[..10]
                )),
                "{}: heading {:?}",
                v.nnn,
                e.heading
            );
            // Counts and ids, against serde_json's reading of both versions.
            let b = domain_facts(prev_bytes.as_deref());
            let a = domain_facts(bytes.as_deref());
            let add_ids: BTreeSet<String> = a.ids.difference(&b.ids).cloned().collect();
            let rem_ids: BTreeSet<String> = b.ids.difference(&a.ids).cloned().collect();
            let counts = format!(
                "- domains: {} → {} (added {}, removed {}, ",
                b.count,
                a.count,
                add_ids.len() + a.unidentified,
                rem_ids.len() + b.unidentified
            );
            assert!(
                e.text.contains(&counts),
                "{}: expected {counts:?} in\n{}",
                v.nnn,
                e.text
            );
            assert_eq!(listed(e, "added"), add_ids, "{}", v.nnn);
            assert_eq!(listed(e, "removed"), rem_ids, "{}", v.nnn);
            recorded += 1;
        }
        assert_whole(&log);
        // The hook left nothing behind: the index and the working copy hold the commit's.
        assert_eq!(fx.status(), "", "{}: status after the commit", v.nnn);
        if hash.is_some() || prev_hash.is_some() {
            assert_eq!(fx.log_worktree(), log, "{}", v.nnn);
        }
        prev_hash = hash;
        prev_bytes = bytes;
    }
    assert_eq!(blocked, ["026"], "exactly the invalid version is blocked");
    // Counted by hand from parity.tsv: 30 versions, 026 blocked, 004 006-010 015 018 019 equal
    // to their predecessor under the schema-aware hash.
    assert_eq!(recorded, 20);
    let log = fx.log_worktree();
    assert_eq!(entries(&log).len(), 20);

    // Pinned by hand (python over the corpus).
    let entry_of = |nnn: &str| -> Entry {
        let added = fx.added_in(&commits_by_nnn[nnn]);
        assert_eq!(added.len(), 1, "{nnn}");
        added[0].clone()
    };
    let e = entry_of("002");
    assert!(e
        .text
        .contains("- domains: 16 → 59 (added 59, removed 16, changed 0)\n"));
    let e = entry_of("005");
    assert!(e
        .text
        .contains("- domains: 59 → 60 (added 1, removed 0, changed 0)\n"));
    assert_eq!(listed(&e, "added"), set(&["orchestration-audit-system"]));
    let e = entry_of("011");
    assert!(e
        .text
        .contains("- domains: 60 → 0 (added 0, removed 60, changed 0) (artifact removed)\n"));
    let e = entry_of("020");
    assert!(e
        .text
        .contains("- domains: 61 → 66 (added 5, removed 0, changed 0)\n"));
    assert_eq!(
        listed(&e, "added"),
        set(&[
            "architecture-governance-enforcement-symphony",
            "build-pipeline-symphony",
            "renderx-web-orchestration",
            "safe-continuous-delivery-pipeline",
            "symphonia-conformity-alignment-pipeline"
        ])
    );
    let e = entry_of("023");
    assert!(e
        .text
        .contains("- domains: 72 → 73 (added 1, removed 0, changed 1)\n"));
    assert_eq!(listed(&e, "added"), set(&["product-owner-signoff-demo"]));
    // 027 (after the blocked 026) is compared with 025.
    let e = entry_of("027");
    assert_eq!(
        e.transitions[0].1,
        versions.iter().find(|v| v.nnn == "025").unwrap().schema()
    );
    // 028 rewrites four domains' purpose: recorded, as metadata only.
    let e = entry_of("028");
    assert!(e
        .text
        .contains("- domains: 74 → 74 (added 0, removed 0, changed 4)\n"));
    assert!(e.text.contains("\n#### Metadata\n"), "{}", e.text);
    assert!(!e.text.contains("(structural)"), "{}", e.text);
    assert_eq!(
        e.text
            .lines()
            .filter(
                |l| l.starts_with("- changed domain `") && l.ends_with(": `/purpose` (metadata)")
            )
            .count(),
        4,
        "{}",
        e.text
    );
    let e = entry_of("030");
    assert!(e
        .text
        .contains("- domains: 75 → 74 (added 0, removed 1, changed 4)\n"));
    assert_eq!(listed(&e, "removed"), set(&["build-pipeline-symphony"]));

    // The whole history verifies, in both formats.
    let run = fx.verify(&[]);
    run.code(0);
    let run = fx.verify(&["--format", "json"]);
    run.code(0);
    let report = run.json();
    assert_eq!(report["ok"], true, "{report:#}");
    assert_eq!(report["findings"], serde_json::json!([]), "{report:#}");
    assert_eq!(report["commits"], versions.len() - blocked.len() + 1);

    // Rebuilding from history reproduces the changelog byte for byte, twice.
    let rebuilt = fx.audit(["changelog", "rebuild", "--stdout"]);
    rebuilt.code(0);
    assert!(rebuilt.stdout == log, "rebuild --stdout differs from {LOG}");
    let again = fx.audit(["changelog", "rebuild", "--stdout"]);
    assert_eq!(again.stdout, rebuilt.stdout);
    // --since: only the entries of the commits after it.
    let since = fx.audit([
        "changelog",
        "rebuild",
        "--stdout",
        "--since",
        &commits_by_nnn["025"],
    ]);
    since.code(0);
    let tail: Vec<String> = entries(&since.stdout).into_iter().map(|e| e.fp).collect();
    let want: Vec<String> = ["027", "028", "029", "030"]
        .iter()
        .map(|n| entry_of(n).fp)
        .collect();
    assert_eq!(tail, want);
    // Writing it: the committed copy is already that, nothing changes.
    fx.audit(["changelog", "rebuild"]).code(0);
    assert_eq!(fx.status(), "");

    // Release notes over the whole range are deterministic and parse.
    let first = &commits_by_nnn["001"];
    let range = format!("{first}..HEAD");
    let a = fx.audit(["release-notes", &range]);
    a.code(0);
    let b = fx.audit(["release-notes", &range]);
    assert_eq!(a.stdout, b.stdout);
    let json = fx.audit(["release-notes", &range, "--format", "json"]);
    json.code(0);
    let notes = json.json();
    assert!(notes["added"].as_array().is_some_and(|a| !a.is_empty()));
}

fn set(ids: &[&str]) -> BTreeSet<String> {
    ids.iter().map(|s| s.to_string()).collect()
}

// ---- 2. Amend ---------------------------------------------------------------------------------

#[test]
fn amend_with_another_structural_change_keeps_one_entry_for_the_final_transition() {
    let fx = Fx::new("");
    let p = fx.canonical("HEAD", REG);
    fx.reg(
        REG,
        &[("a", "Alpha", 1), ("b", "Beta", 2), ("c", "Gamma", 3)],
    );
    fx.git(["add", REG]);
    fx.commit_ok(&["-m", "add c"]);
    let first = fx.canonical("HEAD", REG);
    one_entry(&fx, "HEAD", &[(REG, &p, &first)]);

    fx.reg(
        REG,
        &[("a", "Alpha", 1), ("b", "Beta", 2), ("c", "Gamma", 30)],
    );
    fx.git(["add", REG]);
    let run = fx.commit_ok(&["--amend", "-m", "add c, tempo 30"]);
    let last = fx.canonical("HEAD", REG);
    assert_ne!(first, last);
    let e = one_entry(&fx, "HEAD", &[(REG, &p, &last)]);
    assert!(
        e.text.contains("- added domain `c` (structural)"),
        "{}",
        e.text
    );
    // Recorded silently (issue 11, item 6): the hook says nothing when all is well.
    assert!(!run.stderr.contains(&e.fp[..12]), "{}", run.stderr);
    assert_whole(&fx.log_at("HEAD"));
    assert_eq!(fx.status(), "");
    fx.verify(&[]).code(0);

    // Only the message: the entry stays as it is, byte for byte.
    let before = fx.log_at("HEAD");
    fx.commit_ok(&["--amend", "-m", "reworded"]);
    assert_eq!(fx.log_at("HEAD"), before);
    assert_eq!(fx.status(), "");
    fx.verify(&[]).code(0);

    // `-a --amend --no-edit` with a further change through the working tree.
    fx.reg(
        REG,
        &[("a", "Alpha", 1), ("b", "Beta", 2), ("c", "Gamma", 31)],
    );
    fx.commit_ok(&["-a", "--amend", "--no-edit"]);
    let last = fx.canonical("HEAD", REG);
    one_entry(&fx, "HEAD", &[(REG, &p, &last)]);
    fx.verify(&[]).code(0);
}

#[test]
fn amend_that_reverts_the_structural_change_removes_the_entry() {
    let fx = Fx::new("");
    fx.reg(REG, &[("a", "Alpha", 1)]);
    fx.git(["add", REG]);
    fx.commit_ok(&["-m", "drop b"]);
    assert_eq!(fx.added_in("HEAD").len(), 1);
    fx.git(["checkout", "HEAD^", "--", REG]);
    let run = fx.commit_ok(&["--amend", "--allow-empty", "-m", "nothing after all"]);
    assert!(
        run.stderr.contains("removed a changelog entry"),
        "{}",
        run.stderr
    );
    assert_eq!(fx.added_in("HEAD"), []);
    assert_eq!(
        entries(&fx.log_at("HEAD")),
        entries(&fx.log_at("HEAD^")),
        "the parent's entries, no more"
    );
    assert_eq!(fx.status(), "");
    fx.verify(&[]).code(0);
}

#[test]
fn amend_that_reverts_leaves_the_parents_changelog_byte_for_byte() {
    let fx = Fx::new("");
    fx.reg(REG, &[("a", "Alpha", 1)]);
    fx.git(["add", REG]);
    fx.commit_ok(&["-m", "drop b"]);
    fx.git(["checkout", "HEAD^", "--", REG]);
    fx.commit_ok(&["--amend", "--allow-empty", "-m", "nothing after all"]);
    assert_eq!(fx.log_at("HEAD"), fx.log_at("HEAD^"));
    assert_eq!(fx.git(["diff", "--stat", "HEAD^", "HEAD"]), "");
}

#[test]
fn amend_that_reverts_the_first_entry_leaves_no_changelog() {
    let repo = TestRepo::new();
    repo.audit(["install"]).code(0);
    let fx = Fx { repo };
    fx.write("audit.toml", CONFIG);
    fx.git(["add", "-A"]);
    fx.commit_ok(&["-m", "config"]);
    fx.reg(REG, &[("a", "Alpha", 1)]);
    fx.git(["add", REG]);
    fx.commit_ok(&["-m", "registry"]);
    assert_eq!(fx.added_in("HEAD").len(), 1);
    fx.git(["rm", "-q", REG]);
    fx.commit_ok(&["--amend", "--allow-empty", "-m", "no registry after all"]);
    assert_eq!(fx.git(["diff", "--stat", "HEAD^", "HEAD"]), "");
    assert!(fx.log_at("HEAD").is_empty());
}

#[test]
fn amend_spelled_as_an_abbreviation_is_an_amend() {
    let fx = Fx::new("");
    let p = fx.canonical("HEAD", REG);
    fx.reg(
        REG,
        &[("a", "Alpha", 1), ("b", "Beta", 2), ("c", "Gamma", 3)],
    );
    fx.git(["add", REG]);
    fx.commit_ok(&["-m", "add c"]);
    fx.reg(
        REG,
        &[("a", "Alpha", 1), ("b", "Beta", 2), ("c", "Gamma", 30)],
    );
    fx.git(["add", REG]);
    fx.commit_ok(&["--am", "-m", "add c, tempo 30"]);
    let last = fx.canonical("HEAD", REG);
    one_entry(&fx, "HEAD", &[(REG, &p, &last)]);
    fx.verify(&[]).code(0);
}

#[test]
fn amend_through_an_alias_is_an_amend() {
    let fx = Fx::new("");
    let p = fx.canonical("HEAD", REG);
    fx.reg(
        REG,
        &[("a", "Alpha", 1), ("b", "Beta", 2), ("c", "Gamma", 3)],
    );
    fx.git(["add", REG]);
    fx.commit_ok(&["-m", "add c"]);
    fx.reg(
        REG,
        &[("a", "Alpha", 1), ("b", "Beta", 2), ("c", "Gamma", 30)],
    );
    fx.git(["add", REG]);
    fx.git(["config", "alias.fix", "commit --amend --no-edit"]);
    fx.git(["fix", "-q"]);
    let last = fx.canonical("HEAD", REG);
    one_entry(&fx, "HEAD", &[(REG, &p, &last)]);
    fx.verify(&[]).code(0);
}

// ---- 3. Abort and retry ----------------------------------------------------------------------

#[test]
fn commit_aborted_after_pre_commit_then_retried_records_one_entry() {
    let fx = Fx::new("");
    let p = fx.canonical("HEAD", REG);
    let head = fx.head();
    fx.reg(
        REG,
        &[("a", "Alpha", 1), ("b", "Beta", 2), ("c", "Gamma", 3)],
    );
    fx.git(["add", REG]);

    // No message and an editor that fails: git stops after pre-commit ran.
    let run = fx.commit_env(&[("GIT_EDITOR", "false")], &[]);
    assert_ne!(run.code, 0, "{}", run.stderr);
    // The hook recorded the entry (silently: all was well) before git stopped.
    assert_eq!(
        added(&entries(&fx.log_at("HEAD")), &entries(&fx.log_at(":"))).len(),
        1
    );
    assert_eq!(fx.head(), head);
    // Twice.
    let run = fx.commit_env(&[("GIT_EDITOR", "false")], &[]);
    assert_ne!(run.code, 0);
    // A commit-msg hook that refuses.
    fx.install_hook("commit-msg", "echo refused >&2; exit 1");
    let run = fx.commit(&["-m", "refused"]);
    assert_ne!(run.code, 0);
    assert!(run.stderr.contains("refused"), "{}", run.stderr);
    assert_eq!(fx.head(), head);
    std::fs::remove_file(fx.git_dir().join("hooks/commit-msg")).expect("remove hook");
    // The staged changelog holds exactly one new entry meanwhile.
    assert_eq!(
        added(&entries(&fx.log_at("HEAD")), &entries(&fx.log_at(":"))).len(),
        1
    );

    fx.commit_ok(&["-m", "add c"]);
    let after = fx.canonical("HEAD", REG);
    one_entry(&fx, "HEAD", &[(REG, &p, &after)]);
    assert_eq!(fx.status(), "");
    fx.verify(&[]).code(0);
}

#[test]
fn aborted_commit_then_a_different_change_records_only_the_new_transition() {
    let fx = Fx::new("");
    let p = fx.canonical("HEAD", REG);
    fx.reg(
        REG,
        &[("a", "Alpha", 1), ("b", "Beta", 2), ("c", "Gamma", 3)],
    );
    fx.git(["add", REG]);
    let run = fx.commit_env(&[("GIT_EDITOR", "false")], &[]);
    assert_ne!(run.code, 0);
    // The person changes their mind before retrying.
    fx.reg(REG, &[("a", "Alpha", 1), ("d", "Delta", 4)]);
    fx.git(["add", REG]);
    fx.commit_ok(&["-m", "replace b by d"]);
    let after = fx.canonical("HEAD", REG);
    let e = one_entry(&fx, "HEAD", &[(REG, &p, &after)]);
    assert!(!e.text.contains("`c`"), "{}", e.text);
    fx.verify(&[]).code(0);

    // Aborted, then the structural change is unstaged altogether: no entry at all.
    fx.reg(REG, &[("a", "Alpha", 1)]);
    fx.git(["add", REG]);
    let run = fx.commit_env(&[("GIT_EDITOR", "false")], &[]);
    assert_ne!(run.code, 0);
    fx.git(["checkout", "HEAD", "--", REG]);
    fx.write("README", "other work\n");
    fx.git(["add", "README"]);
    fx.commit_ok(&["-m", "readme"]);
    assert_eq!(fx.added_in("HEAD"), []);
    assert_eq!(entries(&fx.log_at("HEAD")), entries(&fx.log_at("HEAD^")));
    fx.verify(&[]).code(0);
}

// ---- 4. `git commit <paths>` and `git commit -a` ---------------------------------------------

#[test]
fn commit_by_path_leaves_the_real_index_with_the_entry() {
    let fx = Fx::new("");
    let o0 = fx.canonical("HEAD", OTHER);
    let r0 = fx.canonical("HEAD", REG);
    // One governed file staged, the other committed by path.
    fx.reg(
        REG,
        &[("a", "Alpha", 1), ("b", "Beta", 2), ("c", "Gamma", 3)],
    );
    fx.git(["add", REG]);
    fx.reg(OTHER, &[("o", "Omega", 5)]);
    fx.commit_ok(&["-m", "other by path", OTHER]);
    let o1 = fx.canonical("HEAD", OTHER);
    one_entry(&fx, "HEAD", &[(OTHER, &o0, &o1)]);
    // The commit holds only that path and the changelog.
    let files = fx.git(["show", "--name-only", "--format=", "HEAD"]);
    assert_eq!(files, format!("{LOG}\n{OTHER}\n"));
    // The real index: the committed changelog, the staged registry still staged.
    assert_eq!(fx.cached_diff(LOG), "", "the real index lacks the entry");
    assert_eq!(fx.log_at(":"), fx.log_at("HEAD"));
    assert_eq!(fx.log_worktree(), fx.log_at("HEAD"));
    assert_eq!(fx.status(), format!("M  {REG}\n"));

    // The next commit records its own entry only.
    fx.commit_ok(&["-m", "registry"]);
    let r1 = fx.canonical("HEAD", REG);
    one_entry(&fx, "HEAD", &[(REG, &r0, &r1)]);
    assert_eq!(fx.status(), "");
    fx.verify(&[]).code(0);
}

#[test]
fn commit_by_path_with_both_governed_files_and_include() {
    let fx = Fx::new("");
    let o0 = fx.canonical("HEAD", OTHER);
    let r0 = fx.canonical("HEAD", REG);
    fx.reg(REG, &[("a", "Alpha", 1), ("c", "Gamma", 3)]);
    fx.reg(OTHER, &[("o", "Omega", 5), ("p", "Pi", 6)]);
    // --include: the index plus the named path.
    fx.git(["add", REG]);
    fx.commit_ok(&["-m", "both", "-i", OTHER]);
    let (r1, o1) = (fx.canonical("HEAD", REG), fx.canonical("HEAD", OTHER));
    let e = one_entry(&fx, "HEAD", &[(REG, &r0, &r1), (OTHER, &o0, &o1)]);
    assert!(e.text.contains(&format!("### `{REG}` (registry)")));
    assert!(e.text.contains(&format!("### `{OTHER}` (registry)")));
    assert_eq!(fx.status(), "");
    fx.verify(&[]).code(0);
}

#[test]
fn commit_all_records_and_leaves_nothing_staged() {
    let fx = Fx::new("");
    let r0 = fx.canonical("HEAD", REG);
    fx.reg(REG, &[("a", "Alpha", 1), ("b", "Beta", 20)]);
    fx.commit_ok(&["-a", "-m", "tempo"]);
    let r1 = fx.canonical("HEAD", REG);
    let e = one_entry(&fx, "HEAD", &[(REG, &r0, &r1)]);
    assert!(
        e.text
            .contains("- changed domain `b`: `/tempo` (structural)"),
        "{}",
        e.text
    );
    assert_eq!(fx.status(), "");
    assert_eq!(fx.log_worktree(), fx.log_at("HEAD"));
    assert!(!fx.git_dir().join("index.lock").exists());
    fx.verify(&[]).code(0);
}

#[test]
fn commit_by_path_with_a_staged_changelog_edit_keeps_the_entry_in_the_index() {
    let fx = Fx::new("");
    let mut text = fx.log_worktree();
    text.push_str("\nA note a person staged.\n");
    fx.write(LOG, &text);
    fx.git(["add", LOG]);
    fx.reg(REG, &[("a", "Alpha", 1), ("c", "Gamma", 3)]);
    fx.commit_ok(&["-m", "by path", REG]);
    let fp = fx.added_in("HEAD")[0].fp.clone();
    assert!(
        entries(&fx.log_at(":")).iter().any(|e| e.fp == fp),
        "the real index lost the entry HEAD recorded:\n{}",
        fx.cached_diff(LOG)
    );
    assert!(fx.log_at(":").contains("A note a person staged."));
    // The next commit must not delete the entry from the history.
    fx.commit_ok(&["-m", "the note"]);
    assert!(entries(&fx.log_at("HEAD")).iter().any(|e| e.fp == fp));
}

// ---- 5. Partial staging of the changelog -----------------------------------------------------

#[test]
fn unstaged_edits_in_the_changelog_are_neither_committed_nor_lost() {
    let fx = Fx::new("");
    let r0 = fx.canonical("HEAD", REG);
    let mut mine = fx.log_worktree();
    mine.push_str("\nMy unstaged draft paragraph.\n");
    fx.write(LOG, &mine);
    fx.reg(
        REG,
        &[("a", "Alpha", 1), ("b", "Beta", 2), ("c", "Gamma", 3)],
    );
    fx.git(["add", REG]);
    let run = fx.commit_ok(&["-m", "add c"]);
    let r1 = fx.canonical("HEAD", REG);
    one_entry(&fx, "HEAD", &[(REG, &r0, &r1)]);
    assert!(!fx.log_at("HEAD").contains("My unstaged draft"));
    // The working copy is the person's, byte for byte; the hook says so.
    assert_eq!(fx.log_worktree(), mine);
    assert!(
        run.stderr.contains("unstaged edits"),
        "the hook did not say it left the working copy:\n{}",
        run.stderr
    );
    assert_eq!(fx.log_at(":"), fx.log_at("HEAD"));
    assert_eq!(fx.status(), format!(" M {LOG}\n"));
    fx.verify(&[]).code(0);

    // Staged edits are the person's choice: committed, with the entry after them.
    fx.git(["add", LOG]);
    fx.reg(REG, &[("a", "Alpha", 1), ("c", "Gamma", 3)]);
    fx.git(["add", REG]);
    let run = fx.commit_ok(&["-m", "drop b"]);
    assert!(!run.stderr.contains("unstaged edits"), "{}", run.stderr);
    let head = fx.log_at("HEAD");
    assert!(head.contains("My unstaged draft"));
    assert_eq!(fx.added_in("HEAD").len(), 1);
    // The working copy equalled the index: it is updated too.
    assert_eq!(fx.log_worktree(), head);
    assert_eq!(fx.status(), "");
}

#[test]
fn a_missing_changelog_is_created_and_a_deleted_working_copy_is_not_resurrected() {
    // The first entry creates the file, in the index and the work tree alike.
    let fx = Fx::new("");
    assert_eq!(entries(&fx.log_at("HEAD")).len(), 1);
    assert_eq!(fx.log_worktree(), fx.log_at("HEAD"));
    assert_eq!(fx.status(), "");
    // Deleted in the work tree only: that is the person's edit; the entry is staged from the
    // index copy, the deletion stays, and the hook says so.
    std::fs::remove_file(fx.path(LOG)).expect("rm");
    fx.reg(REG, &[("a", "Alpha", 1)]);
    fx.git(["add", REG]);
    let run = fx.commit_ok(&["-m", "drop b"]);
    assert_eq!(fx.added_in("HEAD").len(), 1);
    assert_eq!(entries(&fx.log_at("HEAD")).len(), 2);
    assert!(!fx.path(LOG).exists());
    assert!(run.stderr.contains("unstaged edits"), "{}", run.stderr);
    assert_eq!(fx.status(), format!(" D {LOG}\n"));
}

// ---- 6. Metadata-only changes ----------------------------------------------------------------

#[test]
fn metadata_only_change_is_recorded_under_its_own_heading_by_default() {
    let fx = Fx::new("");
    let r0 = fx.canonical("HEAD", REG);
    fx.reg(REG, &[("a", "Alpha renamed", 1), ("b", "Beta", 2)]);
    fx.git(["add", REG]);
    fx.commit_ok(&["-m", "rename a"]);
    let r1 = fx.canonical("HEAD", REG);
    let e = one_entry(&fx, "HEAD", &[(REG, &r0, &r1)]);
    assert!(e.text.contains("\n#### Metadata\n"), "{}", e.text);
    assert!(
        e.text.contains("- changed domain `a`: `/name` (metadata)"),
        "{}",
        e.text
    );
    assert!(!e.text.contains("(structural)"), "{}", e.text);
    fx.verify(&[]).code(0);

    // Mixed: the structural part above the metadata heading.
    fx.reg(REG, &[("a", "Alpha again", 1), ("b", "Beta", 3)]);
    fx.git(["add", REG]);
    fx.commit_ok(&["-m", "mixed"]);
    let e = &fx.added_in("HEAD")[0];
    let s = e
        .text
        .find("- changed domain `b`: `/tempo` (structural)")
        .expect("structural line");
    let m = e.text.find("#### Metadata").expect("metadata heading");
    assert!(s < m, "{}", e.text);
    fx.verify(&[]).code(0);
}

#[test]
fn metadata_skip_records_no_metadata_only_change() {
    let fx = Fx::new("\n[changelog]\nmetadata = \"skip\"\n");
    let before = fx.log_at("HEAD");
    fx.reg(REG, &[("a", "Alpha renamed", 1), ("b", "Beta", 2)]);
    fx.git(["add", REG]);
    let run = fx.commit_ok(&["-m", "rename a"]);
    assert_eq!(fx.added_in("HEAD"), [], "{}", run.stderr);
    assert_eq!(fx.log_at("HEAD"), before);
    fx.verify(&[]).code(0);

    // A structural change still is, without its metadata lines.
    let r0 = fx.canonical("HEAD", REG);
    fx.reg(REG, &[("a", "Alpha renamed twice", 1), ("b", "Beta", 9)]);
    fx.git(["add", REG]);
    fx.commit_ok(&["-m", "mixed"]);
    let r1 = fx.canonical("HEAD", REG);
    let e = one_entry(&fx, "HEAD", &[(REG, &r0, &r1)]);
    assert!(!e.text.contains("#### Metadata"), "{}", e.text);
    assert!(!e.text.contains("(metadata)"), "{}", e.text);
    fx.verify(&[]).code(0);
    fx.audit(["changelog", "rebuild", "--stdout"])
        .code(0)
        .stdout_has(&e.fp);
}

#[test]
fn changes_confined_to_excluded_or_volatile_parts_are_never_recorded() {
    let fx = Fx::new(
        "\n[[artifact]]\npath = \"vol/registry.json\"\nkind = \"registry\"\nrequired-fields = [\"id\"]\nvolatile-keys = [\"stampedAt\"]\n",
    );
    let doc = |generated: &str, stamp: &str| {
        serde_json::to_string_pretty(&serde_json::json!({
            "metadata": { "generated": generated, "version": "1" },
            "domains": [{ "id": "v", "tempo": 1, "stampedAt": stamp }],
        }))
        .unwrap()
    };
    fx.write("vol/registry.json", doc("g1", "s1"));
    fx.git(["add", "-A"]);
    fx.commit_ok(&["-m", "vol"]);
    assert_eq!(fx.added_in("HEAD").len(), 1);
    let log = fx.log_at("HEAD");

    // metadata.generated only.
    fx.write("vol/registry.json", doc("g2", "s1"));
    fx.write(
        REG,
        registry_of("regenerated", &[("a", "Alpha", 1), ("b", "Beta", 2)]),
    );
    fx.git(["add", "-A"]);
    let run = fx.commit_ok(&["-m", "regenerated"]);
    assert_eq!(fx.added_in("HEAD"), [], "{}", run.stderr);
    // A volatile key at depth only.
    fx.write("vol/registry.json", doc("g2", "s2"));
    fx.git(["add", "-A"]);
    fx.commit_ok(&["-m", "restamped"]);
    assert_eq!(fx.added_in("HEAD"), []);
    // Formatting only.
    fx.write(
        REG,
        serde_json::to_string(&serde_json::from_str::<Value>(&fx.read(REG)).unwrap()).unwrap(),
    );
    fx.git(["add", "-A"]);
    fx.commit_ok(&["-m", "minified"]);
    assert_eq!(fx.added_in("HEAD"), []);
    assert_eq!(fx.log_at("HEAD"), log);
    fx.verify(&[]).code(0);
    assert_eq!(fx.audit(["changelog", "rebuild", "--stdout"]).stdout, log);
}

#[test]
fn changelog_path_is_configurable() {
    let fx = Fx::new("\n[changelog]\npath = \"docs/history/EVOLUTION.md\"\n");
    assert!(!fx.path(LOG).exists());
    let text = fx.read("docs/history/EVOLUTION.md");
    assert_whole(&text);
    assert_eq!(entries(&text).len(), 1);
    fx.reg(REG, &[("a", "Alpha", 1)]);
    fx.git(["add", REG]);
    fx.commit_ok(&["-m", "drop b"]);
    assert_eq!(entries(&fx.read("docs/history/EVOLUTION.md")).len(), 2);
    assert_eq!(fx.status(), "");
    fx.verify(&[]).code(0);
}

#[test]
fn disabled_changelog_records_nothing() {
    let fx = Fx::new("\n[changelog]\nenabled = false\n");
    assert!(!fx.path(LOG).exists());
    fx.reg(REG, &[("a", "Alpha", 1)]);
    fx.git(["add", REG]);
    fx.commit_ok(&["-m", "drop b"]);
    assert!(!fx.path(LOG).exists());
    fx.verify(&[]).code(0);
}

// ---- 7. Rebase and cherry-pick ---------------------------------------------------------------

/// Entries appended on two branches meet at the end of the file; `merge=union` lets git take
/// both without a conflict.
fn union(fx: &Fx) {
    fx.write(".gitattributes", format!("{LOG} merge=union\n"));
    fx.git(["add", ".gitattributes"]);
    fx.commit_ok(&["-m", "union"]);
}

fn fingerprints(text: &str) -> Vec<String> {
    entries(text).into_iter().map(|e| e.fp).collect()
}

#[track_caller]
fn assert_no_duplicate(text: &str) {
    let fps = fingerprints(text);
    let unique: BTreeSet<&String> = fps.iter().collect();
    assert_eq!(unique.len(), fps.len(), "duplicated entries:\n{text}");
}

#[test]
fn rebase_carries_entries_without_doubling_them() {
    let fx = Fx::new("");
    union(&fx);
    fx.git(["checkout", "-q", "-b", "feature"]);
    fx.reg(OTHER, &[("o", "Omega", 1), ("p", "Pi", 2)]);
    fx.git(["add", OTHER]);
    fx.commit_ok(&["-m", "feature 1"]);
    fx.reg(
        OTHER,
        &[("o", "Omega", 1), ("p", "Pi", 2), ("q", "Qoppa", 3)],
    );
    fx.git(["add", OTHER]);
    fx.commit_ok(&["-m", "feature 2"]);
    let feature_fps: Vec<String> = ["HEAD~1", "HEAD"]
        .iter()
        .map(|r| fx.added_in(r)[0].fp.clone())
        .collect();
    fx.git(["checkout", "-q", "main"]);
    fx.reg(REG, &[("a", "Alpha", 1)]);
    fx.git(["add", REG]);
    fx.commit_ok(&["-m", "main"]);
    let main_fp = fx.added_in("HEAD")[0].fp.clone();

    fx.git(["checkout", "-q", "feature"]);
    fx.git(["rebase", "-q", "main"]);
    let text = fx.log_at("HEAD");
    assert_whole(&text);
    assert_no_duplicate(&text);
    assert_eq!(fx.added_in("HEAD~2")[0].fp, main_fp);
    assert_eq!(
        [fx.added_in("HEAD~1"), fx.added_in("HEAD")]
            .iter()
            .map(|a| {
                assert_eq!(a.len(), 1);
                a[0].fp.clone()
            })
            .collect::<Vec<_>>(),
        feature_fps
    );
    assert_eq!(entries(&text).len(), 4);
    assert_eq!(fx.status(), "");
    fx.verify(&[]).code(0);
}

#[test]
fn cherry_pick_carries_the_entry_once() {
    let fx = Fx::new("");
    union(&fx);
    fx.git(["checkout", "-q", "-b", "feature"]);
    fx.reg(OTHER, &[("o", "Omega", 1), ("p", "Pi", 2)]);
    fx.git(["add", OTHER]);
    fx.commit_ok(&["-m", "feature"]);
    let picked = fx.head();
    let fp = fx.added_in("HEAD")[0].fp.clone();
    fx.git(["checkout", "-q", "main"]);
    fx.reg(REG, &[("a", "Alpha", 1)]);
    fx.git(["add", REG]);
    fx.commit_ok(&["-m", "main"]);

    // The sequencer: no pre-commit; the entry comes with the change.
    fx.git(["cherry-pick", &picked]);
    let a = fx.added_in("HEAD");
    assert_eq!(a.len(), 1);
    assert_eq!(a[0].fp, fp);
    assert_no_duplicate(&fx.log_at("HEAD"));
    fx.verify(&[]).code(0);

    // Through the hook: `cherry-pick -n` then `git commit`.
    fx.git(["reset", "-q", "--hard", "HEAD^"]);
    fx.git(["cherry-pick", "-n", &picked]);
    fx.commit_ok(&["-m", "picked by hand"]);
    let a = fx.added_in("HEAD");
    assert_eq!(a.len(), 1, "{}", fx.log_at("HEAD"));
    assert_eq!(a[0].fp, fp);
    assert_no_duplicate(&fx.log_at("HEAD"));
    assert_eq!(fx.status(), "");
    fx.verify(&[]).code(0);
}

/// A registry of four pretty-printed domains: a change to the first and one to the last merge
/// without conflict.
fn four(a: i64, d: i64) -> Vec<(&'static str, &'static str, i64)> {
    vec![
        ("a", "Alpha", a),
        ("b", "Beta", 2),
        ("c", "Gamma", 3),
        ("d", "Delta", d),
    ]
}

#[test]
fn cherry_pick_onto_another_state_through_the_hook_records_the_new_transition_once() {
    let fx = Fx::new("");
    union(&fx);
    fx.reg(REG, &four(1, 4));
    fx.git(["add", REG]);
    fx.commit_ok(&["-m", "four"]);
    fx.git(["checkout", "-q", "-b", "feature"]);
    fx.reg(REG, &four(1, 40));
    fx.git(["add", REG]);
    fx.commit_ok(&["-m", "d to 40"]);
    let picked = fx.head();
    let stale = fx.added_in("HEAD")[0].fp.clone();
    fx.git(["checkout", "-q", "main"]);
    fx.reg(REG, &four(10, 4));
    fx.git(["add", REG]);
    fx.commit_ok(&["-m", "a to 10"]);
    let base = fx.canonical("HEAD", REG);

    fx.git(["cherry-pick", "-n", &picked]);
    let run = fx.commit_ok(&["-m", "d to 40, picked"]);
    let now = fx.canonical("HEAD", REG);
    let e = one_entry(&fx, "HEAD", &[(REG, &base, &now)]);
    assert_ne!(e.fp, stale, "{}", run.stderr);
    assert!(
        !fx.log_at("HEAD").contains(&stale),
        "the stale entry stayed"
    );
    assert_no_duplicate(&fx.log_at("HEAD"));
    fx.verify(&[]).code(0);

    // Plain cherry-pick (no hook): the carried entry is stale; verify says so, not a duplicate.
    fx.git(["reset", "-q", "--hard", "HEAD^"]);
    fx.git(["cherry-pick", &picked]);
    assert_eq!(fx.added_in("HEAD").len(), 1);
    assert_no_duplicate(&fx.log_at("HEAD"));
    let run = fx.verify(&["--format", "json"]);
    run.code(1);
    let rules: BTreeSet<String> = run.json()["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| f["rule"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(rules, set(&["changelog-extra", "changelog-missing"]));
    // The remedy the hint names.
    fx.audit(["changelog", "record", "--amend"]).code(0);
    fx.commit_ok(&["--amend", "--no-edit"]);
    let now = fx.canonical("HEAD", REG);
    one_entry(&fx, "HEAD", &[(REG, &base, &now)]);
    fx.verify(&[]).code(0);
}

#[test]
fn autosquash_of_a_fixup_is_caught_by_verify_and_mended_by_record_amend() {
    let fx = Fx::new("");
    let p = fx.canonical("HEAD", REG);
    fx.reg(
        REG,
        &[("a", "Alpha", 1), ("b", "Beta", 2), ("c", "Gamma", 3)],
    );
    fx.git(["add", REG]);
    fx.commit_ok(&["-m", "add c"]);
    fx.reg(
        REG,
        &[("a", "Alpha", 1), ("b", "Beta", 2), ("c", "Gamma", 30)],
    );
    fx.git(["add", REG]);
    fx.commit_ok(&["--fixup", "HEAD"]);
    fx.verify(&[]).code(0);
    fx.git_env(
        fx.root(),
        &[("GIT_SEQUENCE_EDITOR", OsStr::new("true"))],
        ["rebase", "-q", "-i", "--autosquash", "HEAD~2"],
    );
    assert_no_duplicate(&fx.log_at("HEAD"));
    fx.verify(&[]).code(1).stdout_has("changelog-missing");
    fx.audit(["changelog", "record", "--amend"]).code(0);
    fx.commit_ok(&["--amend", "--no-edit"]);
    let now = fx.canonical("HEAD", REG);
    one_entry(&fx, "HEAD", &[(REG, &p, &now)]);
    fx.verify(&[]).code(0);
}

#[test]
fn merge_carries_both_branches_entries_and_adds_none() {
    let fx = Fx::new("");
    union(&fx);
    fx.git(["checkout", "-q", "-b", "feature"]);
    fx.reg(OTHER, &[("o", "Omega", 1), ("p", "Pi", 2)]);
    fx.git(["add", OTHER]);
    fx.commit_ok(&["-m", "feature"]);
    fx.git(["checkout", "-q", "main"]);
    fx.reg(REG, &[("a", "Alpha", 1)]);
    fx.git(["add", REG]);
    fx.commit_ok(&["-m", "main"]);
    fx.git(["merge", "-q", "--no-ff", "--no-edit", "feature"]);
    let text = fx.log_at("HEAD");
    assert_no_duplicate(&text);
    assert_eq!(entries(&text).len(), 3);
    // Against its first parent the merge adds the feature's entry: carried, not its own.
    let carried = fx.added_in("HEAD");
    assert_eq!(carried.len(), 1);
    assert_eq!(carried[0].fp, fx.added_in("feature")[0].fp);
    fx.verify(&[]).code(0);

    // A merge that adds an entry none of its parents has is an extra.
    fx.git(["checkout", "-q", "-b", "side", "HEAD~1"]);
    fx.write("README", "side\n");
    fx.git(["add", "README"]);
    fx.commit_ok(&["-m", "side"]);
    fx.git(["checkout", "-q", "main"]);
    fx.git(["merge", "-q", "--no-ff", "--no-commit", "side"]);
    let mut t = fx.log_worktree();
    t.push_str(&fake_entry("2026-01-02", OTHER));
    fx.write(LOG, &t);
    fx.git(["add", LOG]);
    fx.git(["commit", "-q", "--no-verify", "--no-edit"]);
    let run = fx.verify(&["--format", "json"]);
    run.code(1);
    let report = run.json();
    let f = &report["findings"][0];
    assert_eq!(f["rule"], "changelog-extra", "{report:#}");
    assert_eq!(f["commit"], fx.head());
}

// ---- 8. `changelog verify` findings ----------------------------------------------------------

/// A well-formed entry for a transition that no commit makes.
fn fake_entry(date: &str, path: &str) -> String {
    let t = vec![(path.to_string(), "a".repeat(64), "b".repeat(64))];
    let fp = fingerprint(&t);
    format!(
        "\n## {date} · Someone <s@example.com> · `{}`\n\n### `{path}` (registry)\n\n- fingerprint: `{}` → `{}`\n- domains: 1 → 1 (added 0, removed 0, changed 1)\n\n<!-- git-audit:entry {fp} -->\n",
        &fp[..12],
        t[0].1,
        t[0].2
    )
}

#[test]
fn verify_reports_missing_extra_and_duplicate_entries() {
    let fx = Fx::new("");
    fx.verify(&[]).code(0).stdout_has("no findings");
    let clean = fx.head();

    // 1. A structural commit made with --no-verify: missing, naming the commit.
    fx.reg(REG, &[("a", "Alpha", 1), ("b", "Beta", 7)]);
    fx.git(["add", REG]);
    fx.commit_ok(&["--no-verify", "-m", "sneaky tempo"]);
    let missing = fx.head();
    assert_eq!(fx.added_in("HEAD"), []);
    let run = fx.verify(&[]);
    run.code(1)
        .stdout_has("changelog-missing")
        .stdout_has(&missing[..10])
        .stdout_has("sneaky tempo")
        .stdout_has(REG);

    // 2. An entry added by hand in a commit without a structural change: extra.
    let mut t = fx.log_worktree();
    t.push_str(&fake_entry("2026-01-02", REG));
    fx.write(LOG, &t);
    fx.git(["add", LOG]);
    fx.commit_ok(&["--no-verify", "-m", "hand-written entry"]);
    let extra = fx.head();

    // 3. A structural commit whose entry appears twice: duplicate.
    fx.reg(REG, &[("a", "Alpha", 1), ("b", "Beta", 8)]);
    fx.git(["add", REG]);
    fx.commit_ok(&["-m", "tempo 8"]);
    let entry = fx.added_in("HEAD")[0].text.clone();
    let mut t = fx.log_worktree();
    t.push('\n');
    t.push_str(&entry);
    fx.write(LOG, &t);
    fx.git(["add", LOG]);
    fx.commit_ok(&["--amend", "--no-verify", "--no-edit"]);
    let duplicate = fx.head();
    assert_eq!(fx.added_in("HEAD").len(), 2);

    let run = fx.verify(&["--format", "json"]);
    run.code(1);
    let report = run.json();
    assert_eq!(report["ok"], false);
    let mut found: Vec<(String, String)> = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            assert_eq!(f["path"], LOG, "{f:#}");
            assert_eq!(f["severity"], "error", "{f:#}");
            (
                f["rule"].as_str().unwrap().to_string(),
                f["commit"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    found.sort();
    let mut want = vec![
        ("changelog-duplicate".to_string(), duplicate.clone()),
        ("changelog-extra".to_string(), extra.clone()),
        ("changelog-missing".to_string(), missing.clone()),
    ];
    want.sort();
    assert_eq!(found, want, "{report:#}");
    // The duplicate's line points at the second copy.
    let dup = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "changelog-duplicate")
        .unwrap();
    let line = dup["line"].as_u64().expect("line") as usize;
    let text = fx.log_at("HEAD");
    assert!(
        text.lines()
            .nth(line - 1)
            .is_some_and(|l| l.starts_with("## ")),
        "line {line} of\n{text}"
    );
    let first = text.find(&entry).expect("the entry");
    assert!(
        line > text[..first].lines().count() + 1,
        "line {line} is the first copy"
    );

    // --range: each commit alone, and the clean part before them.
    fx.verify(&["--range", &format!("{clean}..{missing}")])
        .code(1)
        .stdout_has("changelog-missing");
    let only_extra = fx.verify(&[
        "--range",
        &format!("{missing}..{extra}"),
        "--format",
        "json",
    ]);
    only_extra.code(1);
    assert_eq!(only_extra.json()["findings"][0]["rule"], "changelog-extra");
    assert_eq!(only_extra.json()["commits"], 1);
    fx.verify(&["--range", &format!("..{clean}")]).code(0);
    fx.verify(&["--range", &format!("{extra}..")])
        .code(1)
        .stdout_has("changelog-duplicate");
    // Not a range: a usage error, not findings.
    let bad = fx.verify(&["--range", "HEAD"]);
    assert_eq!(bad.code, 2, "{bad:?}");
}

#[test]
fn the_hook_keeps_an_entry_written_by_hand_and_verify_reports_it() {
    // Issue 9 item 11: the hook removes only entries a hook wrote that no longer match; what a
    // person staged is theirs and is committed as staged. `verify` then names the entry that
    // records no transition, loudly, instead of the hook deleting someone's text.
    let fx = Fx::new("");
    let before = fx.log_at("HEAD");
    let mut t = fx.log_worktree();
    t.push_str(&fake_entry("2026-01-02", REG));
    fx.write(LOG, &t);
    fx.git(["add", LOG]);
    let run = fx.commit(&["--allow-empty", "-m", "hand-written entry"]);
    run.code(0);
    assert!(
        !run.stderr.contains("removed a changelog entry"),
        "{}",
        run.stderr
    );
    assert_eq!(fx.added_in("HEAD").len(), 1, "{}", run.stderr);
    assert_eq!(fx.log_at("HEAD"), t);
    assert_eq!(fx.log_worktree(), t);
    assert_eq!(
        entries(&fx.log_at("HEAD")).len(),
        entries(&before).len() + 1
    );
    let run = fx.verify(&["--format", "json"]);
    run.code(1);
    let rules: BTreeSet<String> = run.json()["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| f["rule"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(rules, set(&["changelog-extra"]));
}

#[test]
fn verify_reports_an_entry_deleted_by_a_later_commit() {
    let fx = Fx::new("");
    fx.reg(REG, &[("a", "Alpha", 1)]);
    fx.git(["add", REG]);
    fx.commit_ok(&["-m", "drop b"]);
    // A later commit (hook bypassed) loses that entry.
    fx.write(LOG, fx.log_at("HEAD~1"));
    fx.git(["add", LOG]);
    fx.commit_ok(&["--no-verify", "-m", "oops"]);
    assert_eq!(entries(&fx.log_at("HEAD")).len(), 1);
    fx.verify(&[]).code(1);
}

// ---- 9. Fault injection ----------------------------------------------------------------------

/// Commits a structural change with `GIT_AUDIT_FAULT=point`: the hook aborts there. Asserts
/// what must hold at once; returns the transition the retry must record.
fn killed_commit(fx: &Fx, point: &str) -> (String, String) {
    let head = fx.head();
    let old = fx.log_at("HEAD");
    let r0 = fx.canonical("HEAD", REG);
    fx.reg(
        REG,
        &[("a", "Alpha", 1), ("b", "Beta", 2), ("k", "Kappa", 3)],
    );
    fx.git(["add", REG]);
    let run = fx.commit_env(&[("GIT_AUDIT_FAULT", point)], &["-m", "killed"]);
    assert_ne!(
        run.code, 0,
        "{point}: the commit went through:\n{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("pre-commit"),
        "{point}: git does not name the hook:\n{}",
        run.stderr
    );
    assert_eq!(fx.head(), head, "{point}: HEAD moved");
    // Old or new, whole, in the index and in the work tree.
    for (what, text) in [("index", fx.log_at(":")), ("work tree", fx.log_worktree())] {
        assert_whole(&text);
        let grew = added(&entries(&old), &entries(&text));
        assert!(
            text == old || (grew.len() == 1 && text.starts_with(old.trim_end())),
            "{point}: the {what} holds neither the old nor the new changelog:\n{text}"
        );
    }
    // The index is valid and unlocked.
    assert!(!fx.git_dir().join("index.lock").exists(), "{point}");
    fx.git(["status", "--porcelain"]);
    fx.git(["diff", "--cached", "--stat"]);
    fx.git(["fsck", "--no-progress", "--cache"]);
    (r0, fx.canonical(":", REG))
}

fn retry_records_once(fx: &Fx, point: &str, r0: &str, r1: &str) {
    let run = fx.commit(&["-m", "retried"]);
    run.code(0);
    assert_eq!(fx.canonical("HEAD", REG), r1, "{point}");
    one_entry(fx, "HEAD", &[(REG, r0, r1)]);
    assert_whole(&fx.log_at("HEAD"));
    assert_eq!(fx.log_at(":"), fx.log_at("HEAD"), "{point}: index");
    fx.verify(&[]).code(0);
}

#[test]
fn fault_stage_bytes_before_rename_then_retry() {
    let fx = Fx::new("");
    std::fs::set_permissions(fx.path(LOG), std::fs::Permissions::from_mode(0o640)).unwrap();
    let old = fx.log_at("HEAD");
    let (r0, r1) = killed_commit(&fx, "stage-bytes-before-rename");
    // Killed before the rename: the old changelog everywhere.
    assert_eq!(fx.log_at(":"), old);
    assert_eq!(fx.log_worktree(), old);
    retry_records_once(&fx, "stage-bytes-before-rename", &r0, &r1);
    assert_eq!(fx.log_worktree(), fx.log_at("HEAD"));
    assert_eq!(fx.status(), "");
    assert_eq!(temporaries(fx.root()), Vec::<PathBuf>::new());
    assert_eq!(mode(&fx.path(LOG)), 0o640);
}

#[test]
fn fault_record_after_index_then_retry() {
    let fx = Fx::new("");
    let old = fx.log_at("HEAD");
    let (r0, r1) = killed_commit(&fx, "record-after-index");
    // Killed between the index and the work tree: new in one, old in the other.
    assert_eq!(added(&entries(&old), &entries(&fx.log_at(":"))).len(), 1);
    assert_eq!(fx.log_worktree(), old);
    retry_records_once(&fx, "record-after-index", &r0, &r1);
}

#[test]
fn fault_write_atomic_before_rename_then_retry() {
    let fx = Fx::new("");
    std::fs::set_permissions(fx.path(LOG), std::fs::Permissions::from_mode(0o640)).unwrap();
    let old = fx.log_at("HEAD");
    let (r0, r1) = killed_commit(&fx, "write-atomic-before-rename");
    assert_eq!(fx.log_worktree(), old, "the rename never happened");
    assert_eq!(mode(&fx.path(LOG)), 0o640);
    retry_records_once(&fx, "write-atomic-before-rename", &r0, &r1);
    assert_eq!(mode(&fx.path(LOG)), 0o640);
}

/// After the retry of a commit killed after staging, the person's untouched working copy is
/// brought up to the committed changelog and nothing is left behind.
fn retry_cleans_up(point: &str) {
    let fx = Fx::new("");
    let (r0, r1) = killed_commit(&fx, point);
    retry_records_once(&fx, point, &r0, &r1);
    assert_eq!(
        temporaries(fx.root()),
        Vec::<PathBuf>::new(),
        "{point}: left behind after the retry"
    );
    assert_eq!(
        fx.log_worktree(),
        fx.log_at("HEAD"),
        "{point}: the working copy lacks the entry"
    );
    assert_eq!(fx.status(), "", "{point}");
}

#[test]
fn fault_record_after_index_retry_updates_the_working_copy() {
    retry_cleans_up("record-after-index");
}

#[test]
fn fault_write_atomic_retry_leaves_no_temporary() {
    retry_cleans_up("write-atomic-before-rename");
}

#[test]
fn stale_temporaries_are_removed_by_the_next_write() {
    let fx = Fx::new("");
    // What a killed writer of the index and of the changelog would leave (pid 0 is never live).
    let index_tmp = fx.git_dir().join(".git-audit-index-0.tmp");
    let log_tmp = fx.path(".EVOLUTION.md.git-audit-0.tmp");
    std::fs::write(&index_tmp, b"half an index").unwrap();
    std::fs::write(&log_tmp, b"half a changelog").unwrap();
    fx.reg(REG, &[("a", "Alpha", 1)]);
    fx.git(["add", REG]);
    fx.commit_ok(&["-m", "drop b"]);
    assert_eq!(fx.added_in("HEAD").len(), 1);
    assert!(!index_tmp.exists());
    assert!(!log_tmp.exists());
    assert_eq!(fx.status(), "");
}

#[test]
fn changelog_file_mode_is_kept() {
    let fx = Fx::new("");
    std::fs::set_permissions(fx.path(LOG), std::fs::Permissions::from_mode(0o640)).unwrap();
    fx.reg(REG, &[("a", "Alpha", 1)]);
    fx.git(["add", REG]);
    fx.commit_ok(&["-m", "drop b"]);
    assert_eq!(
        entries(&fx.log_worktree()).len(),
        2,
        "the working copy was rewritten"
    );
    assert_eq!(mode(&fx.path(LOG)), 0o640);
    // Through a rebuild too.
    std::fs::set_permissions(fx.path(LOG), std::fs::Permissions::from_mode(0o600)).unwrap();
    fx.audit(["changelog", "rebuild", "--force"]).code(0);
    assert_eq!(mode(&fx.path(LOG)), 0o600);
}

// ---- Rebuild ----------------------------------------------------------------------------------

#[test]
fn rebuild_adopts_the_tool_on_an_existing_history() {
    let repo = TestRepo::new();
    repo.write("audit.toml", CONFIG);
    repo.write(REG, registry_of("g", &[("a", "Alpha", 1)]));
    repo.write(OTHER, registry_of("g", &[("o", "Omega", 1)]));
    repo.commit_all("before the tool");
    repo.write(
        REG,
        registry_of("g", &[("a", "Alpha", 1), ("b", "Beta", 2)]),
    );
    repo.commit_all("still before");
    repo.write(
        REG,
        registry_of("g2", &[("a", "Alpha", 1), ("b", "Beta", 2)]),
    );
    repo.commit_all("regenerated");
    let fx = Fx { repo };
    fx.verify(&[]).code(1).stdout_has("changelog-missing");

    let run = fx.audit(["changelog", "rebuild"]);
    run.code(0).stdout_has("2 entries");
    let text = fx.log_worktree();
    assert_whole(&text);
    assert_eq!(entries(&text).len(), 2);
    assert_eq!(
        fx.audit(["changelog", "rebuild", "--stdout"]).stdout,
        text,
        "rebuild is deterministic"
    );
    // Uncommitted edits are not overwritten without --force.
    fx.write(LOG, format!("{text}\nlocal\n"));
    let refused = fx.audit(["changelog", "rebuild"]);
    assert_ne!(refused.code, 0);
    assert!(fx.log_worktree().ends_with("\nlocal\n"));
    fx.audit(["changelog", "rebuild", "--force"]).code(0);
    assert_eq!(fx.log_worktree(), text);
}

// ---- 10. Release notes -----------------------------------------------------------------------

const RELEASE_CONFIG: &str = r#"[[artifact]]
path = "orchestration-domains.json"
kind = "registry"
required-fields = ["id"]

[[artifact]]
path = "json-sequences/*.json"
kind = "sequence"
"#;

fn release_registry(version: &str, domains: &[(&str, &str, i64)]) -> String {
    let mut list: Vec<Value> = domains
        .iter()
        .map(|(id, name, tempo)| serde_json::json!({ "id": id, "name": name, "tempo": tempo }))
        .collect();
    list.push(serde_json::json!({
        "id": "s1", "name": "Sequence one", "sequenceFile": "json-sequences/s1.json"
    }));
    serde_json::to_string_pretty(&serde_json::json!({
        "metadata": { "generated": "g", "version": version },
        "domains": list,
    }))
    .unwrap()
}

fn sequence(handler1: &str, beats: usize) -> String {
    let all = [
        serde_json::json!({"beat": 1, "event": "app.one:start", "handler": handler1}),
        serde_json::json!({"beat": 2, "event": "app.two:start", "handler": "h2"}),
    ];
    serde_json::to_string_pretty(&serde_json::json!({
        "id": "s1", "name": "Sequence one",
        "movements": [{ "id": "m1", "beats": all[..beats] }],
    }))
    .unwrap()
}

#[test]
fn release_notes_group_and_suggest_a_bump() {
    let repo = TestRepo::new();
    repo.audit(["install"]).code(0);
    let fx = Fx { repo };
    fx.write("audit.toml", RELEASE_CONFIG);
    fx.write(
        REG,
        release_registry("1.4.2", &[("a", "Alpha", 1), ("gone", "Gone", 2)]),
    );
    fx.write("json-sequences/s1.json", sequence("h1", 2));
    fx.git(["add", "-A"]);
    fx.commit_ok(&["-m", "v1.4.2"]);
    fx.git(["tag", "A"]);

    // Breaking: a removed domain and a renamed handler; added: a domain; changed: a tempo.
    fx.write(
        REG,
        release_registry("1.4.2", &[("a", "Alpha", 5), ("new", "New", 3)]),
    );
    fx.write("json-sequences/s1.json", sequence("h1renamed", 2));
    fx.git(["add", "-A"]);
    fx.commit_ok(&["-m", "breaking"]);
    fx.git(["tag", "B"]);
    // Only an addition.
    fx.write(
        REG,
        release_registry(
            "1.4.2",
            &[("a", "Alpha", 5), ("new", "New", 3), ("more", "More", 1)],
        ),
    );
    fx.git(["add", "-A"]);
    fx.commit_ok(&["-m", "minor"]);
    fx.git(["tag", "C"]);
    // Only a tempo.
    fx.write(
        REG,
        release_registry(
            "1.4.2",
            &[("a", "Alpha", 6), ("new", "New", 3), ("more", "More", 1)],
        ),
    );
    fx.git(["add", "-A"]);
    fx.commit_ok(&["-m", "patch"]);
    fx.git(["tag", "D"]);
    // Only a name: metadata.
    fx.write(
        REG,
        release_registry(
            "1.4.2",
            &[
                ("a", "Alpha (renamed)", 6),
                ("new", "New", 3),
                ("more", "More", 1),
            ],
        ),
    );
    fx.git(["add", "-A"]);
    fx.commit_ok(&["-m", "metadata"]);
    fx.git(["tag", "E"]);
    // A removed beat.
    fx.write("json-sequences/s1.json", sequence("h1renamed", 1));
    fx.git(["add", "-A"]);
    fx.commit_ok(&["-m", "beat removed"]);
    fx.git(["tag", "F"]);
    fx.verify(&[]).code(0);

    let notes = |range: &str| -> Value {
        let run = fx.audit(["release-notes", range, "--format", "json"]);
        run.code(0);
        run.json()
    };
    let texts = |v: &Value, group: &str| -> Vec<String> {
        v[group]
            .as_array()
            .unwrap_or_else(|| panic!("no {group} in {v:#}"))
            .iter()
            .map(|n| n["text"].as_str().unwrap().to_string())
            .collect()
    };
    let ab = notes("A..B");
    assert_eq!(
        texts(&ab, "breaking"),
        [
            "renamed in beat `m1/1`: handler \"h1\" → \"h1renamed\"",
            "removed domain `gone`"
        ],
        "{ab:#}"
    );
    assert_eq!(texts(&ab, "added"), ["added domain `new`"]);
    assert_eq!(texts(&ab, "changed"), ["changed domain `a` (/tempo)"]);
    assert_eq!(texts(&ab, "metadata"), Vec::<String>::new());
    let bump = &ab["bump"][0];
    assert_eq!(bump["path"], REG);
    assert_eq!(bump["level"], "major");
    assert_eq!(bump["from"], "1.4.2");
    assert_eq!(bump["suggested"], "2.0.0");
    assert_eq!(ab["status"]["errors"], 0, "{ab:#}");

    let bc = notes("B..C");
    assert_eq!(texts(&bc, "breaking"), Vec::<String>::new());
    assert_eq!(texts(&bc, "added"), ["added domain `more`"]);
    assert_eq!(bc["bump"][0]["level"], "minor");
    assert_eq!(bc["bump"][0]["suggested"], "1.5.0");
    let cd = notes("C..D");
    assert_eq!(texts(&cd, "changed"), ["changed domain `a` (/tempo)"]);
    assert_eq!(cd["bump"][0]["level"], "patch");
    assert_eq!(cd["bump"][0]["suggested"], "1.4.3");
    let de = notes("D..E");
    assert_eq!(texts(&de, "changed"), Vec::<String>::new(), "{de:#}");
    assert_eq!(texts(&de, "metadata").len(), 1, "{de:#}");
    assert!(texts(&de, "metadata")[0].contains("`a`"), "{de:#}");
    assert_eq!(de["bump"][0]["level"], "patch");
    let ef = notes("E..F");
    assert_eq!(texts(&ef, "breaking"), ["removed beat `m1/2`"], "{ef:#}");
    // Only the sequence changed: no registry version to bump (issue 11, item 8).
    assert_eq!(ef["bump"], serde_json::json!([]), "{ef:#}");
    // Over the whole range the groups add up.
    let af = notes("A..F");
    assert_eq!(af["bump"][0]["from"], "1.4.2");
    assert_eq!(af["bump"][0]["current"], "1.4.2");
    assert_eq!(af["bump"][0]["suggested"], "2.0.0");

    // Markdown: the groups in order, the bump, byte-identical twice.
    let md = fx.audit(["release-notes", "A..B"]);
    md.code(0);
    let text = &md.stdout;
    let at = |needle: &str| {
        text.find(needle)
            .unwrap_or_else(|| panic!("{needle:?} not in\n{text}"))
    };
    assert!(at("### Breaking (2)") < at("### Added (1)"));
    assert!(at("### Added (1)") < at("### Changed (1)"));
    assert!(at("removed domain `gone`") < at("### Added (1)"));
    at("1.4.2 → **2.0.0** (major)");
    for _ in 0..2 {
        assert_eq!(fx.audit(["release-notes", "A..B"]).stdout, md.stdout);
        assert_eq!(
            fx.audit(["release-notes", "A..B", "--format", "json"])
                .stdout,
            fx.audit(["release-notes", "A..B", "--format", "json"])
                .stdout
        );
    }
    // Not a range.
    assert_ne!(fx.audit(["release-notes", "A"]).code, 0);
}

#[test]
fn release_notes_report_the_status_at_the_end_of_the_range() {
    let repo = TestRepo::new();
    let fx = Fx { repo };
    fx.write("audit.toml", RELEASE_CONFIG);
    fx.write(REG, release_registry("1.0.0", &[("a", "Alpha", 1)]));
    fx.write("json-sequences/s1.json", sequence("h1", 2));
    fx.commit_all("start");
    fx.git(["tag", "A"]);
    // A sequence with no domain: an error at B (committed without the hook).
    fx.write(
        "json-sequences/s2.json",
        sequence("h1", 1).replace("\"s1\"", "\"s2\""),
    );
    fx.commit_all("orphan sequence");
    let v = fx
        .audit(["release-notes", "A..HEAD", "--format", "json"])
        .code(0)
        .json();
    assert!(v["status"]["errors"].as_u64().unwrap() >= 1, "{v:#}");
    assert_eq!(
        v["added"][0]["text"],
        "added sequence `json-sequences/s2.json`"
    );
    // The registry did not change in the range: no bump of its version (issue 11, item 8).
    assert_eq!(v["bump"], serde_json::json!([]), "{v:#}");
}

// ---- The pre-commit framework ------------------------------------------------------------------

/// Whether the `pre-commit` framework is on PATH (tests that need it say they are skipped).
fn framework(repo: &TestRepo) -> bool {
    let mut cmd = std::process::Command::new("pre-commit");
    crate::support::hermetic(&mut cmd, &repo.home());
    let found = cmd
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        eprintln!("skipped: the pre-commit framework is not on PATH");
    }
    found
}

/// A `.pre-commit-config.yaml` whose local hooks are the shipped `*-system` hooks named, with
/// the keys `.pre-commit-hooks.yaml` gives them.
fn framework_config(ids: &[&str]) -> String {
    let shipped = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join(".pre-commit-hooks.yaml"),
    )
    .expect("read .pre-commit-hooks.yaml");
    let mut blocks: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut current: Option<String> = None;
    for line in shipped.lines() {
        if let Some(id) = line.strip_prefix("- id: ") {
            current = Some(id.trim().to_string());
            blocks.insert(id.trim().to_string(), Vec::new());
        } else if line.starts_with("  ") && !line.trim_start().starts_with('#') {
            if let Some(id) = &current {
                let key = line.trim_start().split(':').next().unwrap_or("");
                if !["description", "minimum_pre_commit_version"].contains(&key) {
                    blocks.get_mut(id).expect("block").push(line.to_string());
                }
            }
        } else {
            current = None;
        }
    }
    let mut out = String::from("repos:\n  - repo: local\n    hooks:\n");
    for id in ids {
        let lines = blocks
            .get(*id)
            .unwrap_or_else(|| panic!("{id} is not in .pre-commit-hooks.yaml"));
        assert!(lines.iter().any(|l| l.trim() == "language: system"), "{id}");
        out.push_str(&format!("      - id: {id}\n"));
        for l in lines {
            out.push_str(&format!("      {l}\n"));
        }
    }
    out
}

fn framework_repo() -> Option<Fx> {
    let repo = TestRepo::new();
    if !framework(&repo) {
        return None;
    }
    let fx = Fx { repo };
    fx.write(
        ".pre-commit-config.yaml",
        framework_config(&[
            "git-audit-system",
            "git-audit-changelog-system",
            "git-audit-changelog-sync-system",
        ]),
    );
    for hook_type in ["pre-commit", "post-commit"] {
        let mut cmd = std::process::Command::new("pre-commit");
        crate::support::hermetic(&mut cmd, &fx.home());
        let out = cmd
            .current_dir(fx.root())
            .args(["install", "--hook-type", hook_type])
            .output()
            .expect("pre-commit install");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    fx.write("audit.toml", CONFIG);
    fx.reg(REG, &[("a", "Alpha", 1), ("b", "Beta", 2)]);
    fx.reg(OTHER, &[("o", "Omega", 1)]);
    fx.git(["add", "-A"]);
    let run = fx.commit_ok(&["-m", "init"]);
    assert!(
        run.stderr
            .lines()
            .any(|l| l.starts_with("git-audit changelog...") && l.ends_with("Passed")),
        "{run:?}"
    );
    Some(fx)
}

#[test]
fn framework_changelog_hook_records_and_passes() {
    let Some(fx) = framework_repo() else {
        return;
    };
    assert_eq!(entries(&fx.log_at("HEAD")).len(), 1);
    let r0 = fx.canonical("HEAD", REG);
    fx.reg(REG, &[("a", "Alpha", 1), ("c", "Gamma", 3)]);
    fx.git(["add", REG]);
    let run = fx.commit_ok(&["-m", "replace b by c"]);
    assert!(!run.stderr.contains("Failed"), "{run:?}");
    let r1 = fx.canonical("HEAD", REG);
    one_entry(&fx, "HEAD", &[(REG, &r0, &r1)]);
    assert_eq!(fx.status(), "");
    // Amend through the framework: still one entry, for the final transition.
    fx.reg(REG, &[("a", "Alpha", 1), ("c", "Gamma", 30)]);
    fx.git(["add", REG]);
    fx.commit_ok(&["--amend", "--no-edit"]);
    let r2 = fx.canonical("HEAD", REG);
    one_entry(&fx, "HEAD", &[(REG, &r0, &r2)]);
    // By path, with the framework's post-commit sync.
    let o0 = fx.canonical("HEAD", OTHER);
    fx.reg(REG, &[("a", "Alpha", 1)]);
    fx.git(["add", REG]);
    fx.reg(OTHER, &[("o", "Omega", 2)]);
    fx.commit_ok(&["-m", "other by path", OTHER]);
    let o1 = fx.canonical("HEAD", OTHER);
    one_entry(&fx, "HEAD", &[(OTHER, &o0, &o1)]);
    assert_eq!(fx.cached_diff(LOG), "");
    assert_eq!(fx.status(), format!("M  {REG}\n"));
    fx.verify(&[]).code(0);
}

#[test]
#[ignore = "known limitation (README, docs/hooks.md): pre-commit cannot re-apply its stash of unstaged EVOLUTION.md edits over a hook that stages that file; the native hooks keep them"]
fn framework_keeps_unstaged_changelog_edits() {
    let Some(fx) = framework_repo() else {
        return;
    };
    let mut mine = fx.log_worktree();
    mine.push_str("\nMy unstaged draft paragraph.\n");
    fx.write(LOG, &mine);
    fx.reg(REG, &[("a", "Alpha", 1), ("c", "Gamma", 3)]);
    fx.git(["add", REG]);
    let run = fx.commit(&["-m", "replace b by c"]);
    assert!(
        fx.log_worktree().contains("My unstaged draft paragraph."),
        "the person's edit is gone from the working copy:\n{run:?}"
    );
    run.code(0);
    assert_eq!(fx.added_in("HEAD").len(), 1);
    assert!(!fx.log_at("HEAD").contains("My unstaged draft"));
}
