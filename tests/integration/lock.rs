//! Integration tests: `git audit lock` (embedded blocks, audit.lock, named snapshots) and
//! `git audit verify`, and the lock rules of the commit gate through the real `git commit`.

use std::collections::BTreeMap;
use std::path::Path;

use crate::fixtures::*;
use crate::support::{mode, set_mode, TestRepo};

/// The 1-based line holding the root `"integrity"` member.
fn integrity_line(text: &str) -> usize {
    text.lines()
        .position(|l| l.contains("\"integrity\""))
        .expect("an integrity block")
        + 1
}

/// Every file under `dir` (recursively, `.git` excluded) with its bytes.
fn tree_bytes(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(base: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let entry = entry.unwrap();
            let path = entry.path();
            if entry.file_name() == ".git" {
                continue;
            }
            let rel = path
                .strip_prefix(base)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            let meta = std::fs::symlink_metadata(&path).unwrap();
            if meta.is_dir() {
                walk(base, &path, out);
            } else {
                out.insert(rel, std::fs::read(&path).unwrap());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

/// Asserts git left no lock file behind.
#[track_caller]
fn no_git_locks(repo: &TestRepo) {
    let git = repo.root().join(".git");
    for name in ["index.lock", "HEAD.lock"] {
        assert!(!git.join(name).exists(), "{name} left behind");
    }
}

/// A repository (hook installed, built-in defaults) whose registry and sequences were locked
/// with `lock --stage` and committed through the hook.
fn locked_repo() -> TestRepo {
    let repo = TestRepo::new();
    repo.write(REGISTRY, good_registry(&["a", "b"]));
    repo.write(SEQ_A, sequence("a", &["m1"]));
    repo.write(SEQ_B, sequence("b", &["m1", "m2"]));
    repo.install_gate_hook();
    repo.git(["add", "-A"]);
    let run = repo.audit(["lock", "--stage"]);
    run.code(0);
    assert!(
        run.stdout.contains(&format!("locked {REGISTRY}")),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains(&format!("locked {SEQ_A} in audit.lock")),
        "{}",
        run.stdout
    );
    let commit = repo.commit("locked base");
    assert_committed(&repo, &commit, &None);
    assert_eq!(repo.status(), "", "lock --stage staged everything it wrote");
    repo
}

// ---------------------------------------------------------------------------------------------
// Embedded locks through the gate.
// ---------------------------------------------------------------------------------------------

#[test]
fn a_hand_edit_of_a_locked_registry_is_blocked_until_relocked() {
    let repo = locked_repo();
    let head = repo.head();
    let locked = repo.read(REGISTRY);
    assert!(locked.contains("\"algorithm\": \"sha256-jcs\""), "{locked}");
    assert!(locked.contains("\"domains\": 2"), "{locked}");

    let edited = locked.replacen("\"tempo\": 120", "\"tempo\": 140", 1);
    repo.write(REGISTRY, &edited);
    repo.git(["add", REGISTRY]);
    let run = repo.commit("hand edit");
    assert_blocked(&repo, &run, &head);
    let line = run.finding("lock-mismatch", REGISTRY, integrity_line(&edited));
    assert!(line.contains("sanctioned generator"), "{line}");
    assert!(
        run.all()
            .contains(&format!("git audit lock {REGISTRY} --stage")),
        "{}",
        run.all()
    );
    assert!(run.all().contains("at /integrity"), "{}", run.all());

    // The intended change, re-locked.
    repo.audit(["lock", "--stage"]).code(0);
    let relocked = repo.read(REGISTRY);
    assert_ne!(relocked, edited);
    assert!(relocked.contains("\"tempo\": 140"));
    let run = repo.commit("intended change, re-locked");
    assert_committed(&repo, &run, &head);
    run.no_findings();
    assert_eq!(repo.status(), "");
}

#[test]
fn a_tampered_lock_value_is_blocked_and_an_unknown_algorithm_too() {
    let repo = locked_repo();
    let head = repo.head();
    let locked = repo.read(REGISTRY);
    // Changing the recorded hash (not the content) is as much a mismatch.
    let hash_at = locked.find("\"canonicalHash\": \"").unwrap() + "\"canonicalHash\": \"".len();
    let mut tampered = locked.clone();
    let first = &locked[hash_at..hash_at + 1];
    tampered.replace_range(hash_at..hash_at + 1, if first == "0" { "1" } else { "0" });
    repo.write(REGISTRY, &tampered);
    repo.git(["add", REGISTRY]);
    let run = repo.commit("tampered lock");
    assert_blocked(&repo, &run, &head);
    run.finding("lock-mismatch", REGISTRY, integrity_line(&tampered));

    let other = locked.replace("sha256-jcs", "md5");
    repo.write(REGISTRY, &other);
    repo.git(["add", REGISTRY]);
    let run = repo.commit("unknown algorithm");
    assert_blocked(&repo, &run, &head);
    let line = run.finding("lock-mismatch", REGISTRY, integrity_line(&other));
    assert!(line.contains("md5"), "{line}");
}

#[test]
fn regenerating_only_the_generated_stamp_keeps_the_lock_valid() {
    let repo = locked_repo();
    let head = repo.head();
    let text = repo.read(REGISTRY);
    let regenerated = text.replace("2026-01-01T00:00:00Z", "2026-03-04T05:06:07Z");
    assert_ne!(regenerated, text);
    repo.write(REGISTRY, &regenerated);
    repo.git(["add", REGISTRY]);
    let run = repo.commit("regenerated");
    assert_committed(&repo, &run, &head);
    run.no_findings();
    let run = repo.audit(["verify", "--format", "json"]);
    run.code(0);
    assert_eq!(run.json()["drifted"], 0, "{}", run.stdout);
    // And `lock` has nothing to change.
    let run = repo.audit(["lock"]);
    run.code(0);
    assert!(run.stdout.contains("already locked"), "{}", run.stdout);
    assert_eq!(repo.read(REGISTRY), regenerated);
}

// ---------------------------------------------------------------------------------------------
// What `lock` writes.
// ---------------------------------------------------------------------------------------------

#[test]
fn lock_is_deterministic_and_idempotent() {
    let make = || {
        let repo = TestRepo::new();
        repo.write(REGISTRY, good_registry(&["a", "b"]));
        repo.write(SEQ_A, sequence("a", &["m1"]));
        repo.git(["add", "-A"]);
        repo.audit(["lock"]).code(0);
        repo
    };
    let one = make();
    let two = make();
    let first = tree_bytes(one.root());
    assert_eq!(
        first,
        tree_bytes(two.root()),
        "two runs, two different results"
    );
    assert!(first.contains_key("audit.lock"));
    // No timestamp anywhere in what lock wrote.
    let lockfile = String::from_utf8(first["audit.lock"].clone()).unwrap();
    assert!(!lockfile.contains("2026"), "{lockfile}");

    let run = one.audit(["lock", "-v"]);
    run.code(0);
    assert!(
        run.stdout.contains(&format!("{REGISTRY}: already locked")),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains(&format!("{SEQ_A}: already locked in audit.lock")),
        "{}",
        run.stdout
    );
    assert_eq!(tree_bytes(one.root()), first, "locking twice changed bytes");
}

#[test]
fn lock_keeps_tabs_key_order_and_a_missing_trailing_newline() {
    let repo = TestRepo::new();
    let original = format!(
        "{{\n\t\"zeta\": 1,\n\t\"domains\": [\n\t\t{}\n\t],\n\t\"alpha\": {{\"b\": 2, \"a\": 1}}\n}}",
        domain("a")
    );
    repo.write(REGISTRY, &original);
    repo.git(["add", "-A"]);
    repo.audit(["lock"]).code(0);
    let locked = repo.read(REGISTRY);
    // Everything before the new member is untouched; the block is appended last.
    let last_member_end = original.rfind("1}").unwrap() + 2;
    assert!(
        locked.starts_with(&original[..last_member_end]),
        "{locked:?}"
    );
    assert!(
        locked.contains(
            "\n\t\"integrity\": {\n\t\t\"algorithm\": \"sha256-jcs\",\n\t\t\"canonicalHash\": \""
        ),
        "{locked:?}"
    );
    assert!(locked.ends_with("\n\t}\n}"), "{locked:?}");
    assert!(
        locked.lines().all(|l| !l.starts_with(' ')),
        "space indentation crept in: {locked:?}"
    );
    let v: serde_json::Value = serde_json::from_str(&locked).unwrap();
    let keys: Vec<&String> = v.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["zeta", "domains", "alpha", "integrity"]);
    let inner: Vec<&String> = v["alpha"].as_object().unwrap().keys().collect();
    assert_eq!(inner, ["b", "a"]);
    // Idempotent in this style too.
    repo.audit(["lock"]).code(0);
    assert_eq!(repo.read(REGISTRY), locked);
}

#[test]
fn lock_keeps_crlf_line_endings_and_the_trailing_newline() {
    let repo = TestRepo::new();
    let original = good_registry(&["a", "b"]).replace('\n', "\r\n");
    repo.write(REGISTRY, &original);
    repo.git(["add", "-A"]);
    repo.audit(["lock"]).code(0);
    let locked = repo.read_bytes(REGISTRY);
    assert!(locked.len() > original.len());
    for (i, b) in locked.iter().enumerate() {
        if *b == b'\n' {
            assert!(i > 0 && locked[i - 1] == b'\r', "bare LF at byte {i}");
        }
    }
    assert!(
        locked.ends_with(b"}\r\n"),
        "{:?}",
        String::from_utf8_lossy(&locked)
    );
    assert!(!locked.ends_with(b"}\r\n\r\n"));
    repo.audit(["lock"]).code(0);
    assert_eq!(repo.read_bytes(REGISTRY), locked);
    // The gate accepts what lock wrote.
    repo.git(["add", REGISTRY]);
    repo.audit(["check"]).code(0);
}

#[test]
fn lock_keeps_a_compact_document_on_one_line() {
    let repo = TestRepo::new();
    let original = format!("{{\"domains\":[{}]}}\n", domain("a"));
    repo.write(REGISTRY, &original);
    repo.git(["add", "-A"]);
    repo.audit(["lock"]).code(0);
    let locked = repo.read(REGISTRY);
    assert_eq!(locked.lines().count(), 1, "{locked:?}");
    assert!(locked.ends_with("}}\n"), "{locked:?}");
    assert!(
        locked.contains(",\"integrity\":{\"algorithm\":\"sha256-jcs\""),
        "{locked:?}"
    );
}

#[test]
fn lock_keeps_the_file_mode() {
    let repo = TestRepo::new();
    repo.write(REGISTRY, good_registry(&["a"]));
    let path = repo.root().join(REGISTRY);
    set_mode(&path, 0o755);
    repo.git(["add", "-A"]);
    repo.audit(["lock", "--stage"]).code(0);
    assert!(repo.read(REGISTRY).contains("\"integrity\""));
    assert_eq!(mode(&path), 0o755);
    let staged = repo.git(["ls-files", "-s", REGISTRY]);
    assert!(staged.starts_with("100755 "), "{staged}");
    assert_eq!(repo.status(), format!("A  {REGISTRY}\n"));

    // And a read-only-for-others file stays as it was.
    repo.write(SEQ_A, sequence("a", &["m1"]));
    let seq = repo.root().join(SEQ_A);
    set_mode(&seq, 0o640);
    set_mode(&path, 0o600);
    repo.write(REGISTRY, good_registry(&["a", "b"]));
    repo.git(["add", "-A"]);
    repo.audit(["lock"]).code(0);
    assert_eq!(mode(&path), 0o600);
    assert_eq!(mode(&seq), 0o640);
}

#[test]
fn lock_named_paths_locks_only_those() {
    let repo = TestRepo::new();
    repo.write(REGISTRY, good_registry(&["a"]));
    repo.write(SEQ_A, sequence("a", &["m1"]));
    repo.git(["add", "-A"]);
    let run = repo.audit(["lock", SEQ_A]);
    run.code(0);
    assert!(repo.read("audit.lock").contains(SEQ_A));
    assert!(!repo.read(REGISTRY).contains("integrity"));
    // Relative to the current directory.
    let sub = repo.root().join("packages");
    repo.audit_in(&sub, ["lock", "../orchestration-domains.json"])
        .code(0);
    assert!(repo.read(REGISTRY).contains("integrity"));
    // A path nothing governs is refused, and nothing is written.
    repo.write("other.json", "{}\n");
    let before = tree_bytes(repo.root());
    let run = repo.audit(["lock", "other.json"]);
    run.code(2);
    assert!(run.stderr.contains("other.json"), "{}", run.stderr);
    assert_eq!(tree_bytes(repo.root()), before);
}

#[test]
fn lock_stage_with_unstaged_changes_locks_the_staged_copy_and_keeps_the_rest() {
    let repo = TestRepo::new();
    repo.write(REGISTRY, good_registry(&["a"]));
    repo.write(SEQ_A, sequence("a", &["m1"]));
    repo.git(["add", "-A"]);
    repo.write(REGISTRY, good_registry(&["a", "b"]));
    // What is staged is locked and staged; the unstaged domain stays unstaged (issue 11, 9).
    let run = repo.audit(["lock", "--stage"]);
    run.code(0);
    assert!(run.stdout.contains("locked the staged"), "{}", run.stdout);
    assert!(repo.staged(REGISTRY).contains("\"domains\": 1"));
    assert!(!repo.staged(REGISTRY).contains("\"id\": \"b\""));
    assert!(
        repo.read(REGISTRY).contains("\"id\": \"b\""),
        "unstaged work lost"
    );
    assert_eq!(repo.staged("audit.lock"), repo.read("audit.lock"));
    no_git_locks(&repo);

    // Without --stage the work-tree file is locked (the person stages it).
    repo.audit(["lock"]).code(0);
    assert!(repo.read(REGISTRY).contains("\"domains\": 2"));
    assert!(repo.staged(REGISTRY).contains("\"domains\": 1"));
}

#[test]
fn lock_refuses_invalid_json_and_writes_nothing() {
    let repo = TestRepo::new();
    repo.write(REGISTRY, good_registry(&["a"]));
    repo.write(SEQ_A, sequence("a", &["m1"]));
    repo.write(SEQ_B, "{\n  \"id\": \"b\",\n  \"movements\": [,]\n}\n");
    repo.git(["add", "-A"]);
    let before = tree_bytes(repo.root());
    for args in [vec!["lock"], vec!["lock", "--stage"]] {
        let run = repo.audit(&args);
        run.code(2);
        assert!(
            run.stderr.contains(&format!("{SEQ_B}:3:")),
            "{}",
            run.stderr
        );
        // Nothing written, no temporary file left anywhere in the work tree.
        assert_eq!(tree_bytes(repo.root()), before, "{args:?} wrote something");
        no_git_locks(&repo);
    }
    // The sequence folder holds exactly the two files.
    let mut names: Vec<String> = std::fs::read_dir(repo.root().join("packages/x/json-sequences"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["alpha.json", "beta.json"]);
    let top: Vec<String> = std::fs::read_dir(repo.root())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n != ".git")
        .collect();
    assert_eq!(top.len(), 2, "{top:?}");
}

#[test]
fn lock_leaves_no_temporary_files_after_success() {
    let repo = TestRepo::new();
    repo.write(REGISTRY, good_registry(&["a"]));
    repo.write(SEQ_A, sequence("a", &["m1"]));
    repo.git(["add", "-A"]);
    repo.audit(["lock", "--stage"]).code(0);
    let files: Vec<String> = tree_bytes(repo.root()).into_keys().collect();
    assert_eq!(files, ["audit.lock", REGISTRY, SEQ_A]);
    no_git_locks(&repo);
}

// ---------------------------------------------------------------------------------------------
// audit.lock.
// ---------------------------------------------------------------------------------------------

#[test]
fn an_edited_locked_sequence_is_blocked_until_relocked() {
    let repo = locked_repo();
    let head = repo.head();
    repo.write(SEQ_A, sequence("a", &["m1", "m2"]));
    repo.git(["add", SEQ_A]);
    let run = repo.commit("edit a sequence");
    assert_blocked(&repo, &run, &head);
    let line = run.finding("lockfile-mismatch", SEQ_A, 1);
    assert!(line.contains("audit.lock"), "{line}");
    assert!(
        run.all()
            .contains(&format!("git audit lock {SEQ_A} --stage")),
        "{}",
        run.all()
    );

    repo.audit(["lock", "--stage"]).code(0);
    let run = repo.commit("re-locked");
    assert_committed(&repo, &run, &head);
    run.no_findings();
    assert_eq!(repo.status(), "");
}

#[test]
fn a_hand_edited_audit_lock_is_blocked() {
    let repo = locked_repo();
    let head = repo.head();
    let text = repo.read("audit.lock");
    let key = format!("\"{SEQ_B}\" = \"sha256-jcs:");
    let at = text.find(&key).unwrap() + key.len();
    let mut tampered = text.clone();
    let c = &text[at..at + 1];
    tampered.replace_range(at..at + 1, if c == "a" { "b" } else { "a" });
    repo.write("audit.lock", &tampered);
    repo.git(["add", "audit.lock"]);
    let run = repo.commit("tamper with audit.lock");
    assert_blocked(&repo, &run, &head);
    run.finding("lockfile-mismatch", SEQ_B, 1);
}

#[test]
fn removing_a_locked_sequence_reports_its_stale_entry() {
    let repo = locked_repo();
    let head = repo.head();
    repo.git(["rm", "-q", SEQ_B]);
    let run = repo.commit("remove beta");
    assert_blocked(&repo, &run, &head);
    let line = run.finding("lockfile-mismatch", "audit.lock", 1);
    assert!(line.contains(SEQ_B), "{line}");

    let run = repo.audit(["lock", "--stage"]);
    run.code(0);
    assert!(
        run.stdout.contains(&format!("dropped {SEQ_B}")),
        "{}",
        run.stdout
    );
    assert!(!repo.read("audit.lock").contains(SEQ_B));
    let run = repo.commit("remove beta, re-locked");
    assert_committed(&repo, &run, &head);
    run.no_findings();
}

#[test]
fn lock_mode_none_and_lockfile_are_honoured() {
    let repo = TestRepo::new();
    repo.write(
        "audit.toml",
        "[[artifact]]\npath = \"orchestration-domains.json\"\nkind = \"registry\"\nlock = \"lockfile\"\n\n[[artifact]]\npath = \"**/json-sequences/**/*.json\"\nkind = \"sequence\"\nlock = \"none\"\n",
    );
    repo.write(REGISTRY, good_registry(&["a"]));
    repo.write(SEQ_A, sequence("a", &["m1"]));
    repo.git(["add", "-A"]);
    repo.audit(["lock"]).code(0);
    assert_eq!(
        repo.read(REGISTRY),
        good_registry(&["a"]),
        "no embedded block"
    );
    let lockfile = repo.read("audit.lock");
    assert!(lockfile.contains(REGISTRY), "{lockfile}");
    assert!(!lockfile.contains(SEQ_A), "{lockfile}");
}

// ---------------------------------------------------------------------------------------------
// Named snapshots and verify.
// ---------------------------------------------------------------------------------------------

#[test]
fn verify_snapshot_reports_drifted_added_and_removed_without_blocking() {
    let repo = locked_repo();
    let run = repo.audit(["lock", "--snapshot", "sprint-1", "--stage"]);
    run.code(0);
    assert!(run.stdout.contains("sprint-1"), "{}", run.stdout);
    assert!(repo.read("audit.lock").contains("[snapshots.\"sprint-1\"]"));
    let head = repo.head();
    let run = repo.commit("snapshot");
    assert_committed(&repo, &run, &head);
    let run = repo.audit(["verify", "--snapshot", "sprint-1"]);
    run.code(0);
    assert!(
        run.stdout.contains("all 3 artifacts hold"),
        "{}",
        run.stdout
    );

    // Drift: an intended (re-locked) registry change, a removed and an added sequence.
    let reg = repo
        .read(REGISTRY)
        .replacen("\"tempo\": 120", "\"tempo\": 99", 1);
    repo.write(REGISTRY, reg);
    repo.git(["rm", "-q", SEQ_B]);
    let added = "packages/x/json-sequences/gamma.json";
    repo.write(added, sequence("b", &["m1"]));
    repo.git(["add", "-A"]);
    repo.audit(["lock", "--stage"]).code(0);
    let run = repo.audit(["verify", "--snapshot", "sprint-1"]);
    run.code(0);
    let standing = |path: &str| {
        run.stdout
            .lines()
            .find(|l| l.contains(path))
            .map(|l| l.split_whitespace().next().unwrap().to_string())
    };
    assert_eq!(
        standing(REGISTRY).as_deref(),
        Some("drifted"),
        "{}",
        run.stdout
    );
    assert_eq!(
        standing(SEQ_B).as_deref(),
        Some("removed"),
        "{}",
        run.stdout
    );
    assert_eq!(standing(added).as_deref(), Some("added"), "{}", run.stdout);
    assert_eq!(
        standing(SEQ_A),
        None,
        "holds are not listed: {}",
        run.stdout
    );

    let run = repo.audit(["verify", "--snapshot", "sprint-1", "--format", "json"]);
    run.code(0);
    let v = run.json();
    assert_eq!(v["drifted"], 3, "{v}");
    let by_path: BTreeMap<String, String> = v["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["path"].as_str().unwrap().to_string(),
                e["standing"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(by_path[REGISTRY], "drifted");
    assert_eq!(by_path[SEQ_A], "holds");
    assert_eq!(by_path[SEQ_B], "removed");
    assert_eq!(by_path[added], "added");

    // The gate does not care about snapshots: the re-locked change commits.
    let head = repo.head();
    let run = repo.commit("after the sprint");
    assert_committed(&repo, &run, &head);
}

#[test]
fn verify_finds_a_snapshot_just_recorded_without_stage() {
    let repo = locked_repo();
    repo.audit(["lock", "--snapshot", "s1"]).code(0);
    let run = repo.audit(["verify", "--snapshot", "s1"]);
    run.code(0);
    assert!(run.stdout.contains("hold"), "{}", run.stdout);
}

#[test]
fn an_existing_snapshot_is_replaced_only_with_force() {
    let repo = locked_repo();
    repo.audit(["lock", "--snapshot", "m1", "--stage"]).code(0);
    // Same hashes: nothing to do, no --force needed.
    repo.audit(["lock", "--snapshot", "m1"]).code(0);

    repo.write(SEQ_A, sequence("a", &["m1", "m2"]));
    repo.git(["add", SEQ_A]);
    let before = repo.read("audit.lock");
    let run = repo.audit(["lock", "--snapshot", "m1"]);
    run.code(2);
    assert!(run.stderr.contains("--force"), "{}", run.stderr);
    assert_eq!(repo.read("audit.lock"), before, "refused, yet written");

    repo.audit(["lock", "--snapshot", "m1", "--force"]).code(0);
    let after = repo.read("audit.lock");
    assert_ne!(after, before);
    // Only the snapshot changed; the lock of SEQ_A in [locks] is still the old one.
    let locks = |t: &str| t.split("[snapshots").next().unwrap().to_string();
    assert_eq!(locks(&after), locks(&before));
    repo.git(["add", "audit.lock"]);
    let run = repo.audit(["verify", "--snapshot", "m1"]);
    run.code(0);
    assert!(
        run.stdout.contains("all 3 artifacts hold"),
        "{}",
        run.stdout
    );

    // Bad names and unknown snapshots.
    repo.audit(["lock", "--snapshot", "a b"]).code(2);
    let run = repo.audit(["verify", "--snapshot", "nope"]);
    run.code(2);
    assert!(
        run.stderr.contains("m1"),
        "known snapshots listed: {}",
        run.stderr
    );
}

#[test]
fn verify_reports_drift_from_locks_without_blocking() {
    let repo = locked_repo();
    let run = repo.audit(["verify"]);
    run.code(0);
    assert!(
        run.stdout.contains("all 3 artifacts hold"),
        "{}",
        run.stdout
    );

    let reg = repo
        .read(REGISTRY)
        .replacen("\"tempo\": 120", "\"tempo\": 121", 1);
    repo.write(REGISTRY, reg);
    repo.write(SEQ_A, sequence("a", &["m1", "m2"]));
    // On disk only: the index still holds.
    repo.audit(["verify"]).code(0);
    let run = repo.audit(["verify", "--worktree", "--format", "json"]);
    run.code(0);
    let v = run.json();
    assert_eq!(v["drifted"], 2, "{v}");
    let run = repo.audit(["verify", "--worktree"]);
    run.code(0);
    for path in [REGISTRY, SEQ_A] {
        assert!(
            run.stdout
                .lines()
                .any(|l| l.contains(path) && l.trim_start().starts_with("drifted")),
            "{path}: {}",
            run.stdout
        );
    }
    // Staged, verify still exits 0 while check blocks.
    repo.git(["add", "-A"]);
    repo.audit(["verify"]).code(0);
    repo.audit(["check"]).code(1);
    // And a committed revision can be verified too.
    repo.audit(["verify", "--rev", "HEAD"]).code(0);
}

// ---------------------------------------------------------------------------------------------
// The origin project's own locks.
// ---------------------------------------------------------------------------------------------

#[test]
fn a_legacy_origin_lock_is_verified_and_a_hand_edit_blocked() {
    let corpus = crate::corpus_or_skip!();
    let original =
        std::fs::read(corpus.join("registry-history/004-423e6686.json")).expect("corpus file");
    let text = String::from_utf8(original.clone()).unwrap();
    assert!(text.contains("\"integrity\""));
    let repo = TestRepo::new();
    repo.install_gate_hook();
    // Only the registry is committed here, not the sequence files its domains name: the test
    // is about the lock, so the registry-to-sequence rules are switched off.
    repo.write(
        "audit.toml",
        "[rules]\nregistry-dangling-sequence = \"off\"\n\n[[artifact]]\npath = \"orchestration-domains.json\"\nkind = \"registry\"\n",
    );
    repo.write(REGISTRY, &original);
    repo.git(["add", REGISTRY, "audit.toml"]);
    let run = repo.commit("the origin registry");
    assert_committed(&repo, &run, &None);
    run.no_findings();
    let run = repo.audit(["verify", "--format", "json"]);
    run.code(0);
    assert_eq!(
        run.json()["entries"][0]["standing"],
        "holds",
        "{}",
        run.stdout
    );

    let head = repo.head();
    let from = "\"name\": \"Canvas Component Copy\",\n      \"emoji\"";
    assert_eq!(text.matches(from).count(), 1);
    let edited = text.replacen(
        from,
        "\"name\": \"Canvas Component Kopy\",\n      \"emoji\"",
        1,
    );
    repo.write(REGISTRY, &edited);
    repo.git(["add", REGISTRY]);
    let run = repo.commit("hand edit of a domain name");
    assert_blocked(&repo, &run, &head);
    let line = run.finding("lock-mismatch", REGISTRY, integrity_line(&edited));
    assert!(line.contains("sanctioned generator"), "{line}");
}

#[test]
fn lock_stage_in_a_linked_worktree_stages_there_with_the_repositorys_own_fixtures() {
    // This repository's audit.toml and examples/demo, copied into a scratch repository.
    let src = Path::new(env!("CARGO_MANIFEST_DIR"));
    let repo = TestRepo::new();
    repo.write("audit.toml", std::fs::read(src.join("audit.toml")).unwrap());
    for entry in [
        "orchestration-domains.json",
        "json-sequences/canvas-copy.json",
        "json-sequences/canvas-create.json",
        "json-sequences/library-load.json",
    ] {
        let rel = format!("examples/demo/{entry}");
        repo.write(&rel, std::fs::read(src.join(&rel)).unwrap());
    }
    repo.commit_all("examples");
    repo.install_gate_hook();
    let wt = repo.scratch("linked");
    repo.git([
        "worktree",
        "add",
        "-q",
        "-b",
        "feature",
        wt.to_str().unwrap(),
    ]);
    let run = repo.audit_in(&wt, ["lock", "--stage"]);
    run.code(0);
    let staged = repo.git_in(&wt, ["diff", "--cached", "--name-only"]);
    assert_eq!(
        staged.lines().collect::<Vec<_>>(),
        ["audit.lock", "examples/demo/orchestration-domains.json"]
    );
    // The main worktree is untouched.
    assert_eq!(repo.status(), "");
    let head = repo.head_in(&wt);
    let run = repo.commit_in(&wt, &["-m", "lock"]);
    run.code(0);
    assert_ne!(repo.head_in(&wt), head);

    // A hand edit in the linked worktree is blocked by the common hook.
    let reg = wt.join("examples/demo/orchestration-domains.json");
    let text = std::fs::read_to_string(&reg).unwrap();
    let edited = text.replacen("\"tempo\": 90,", "\"tempo\": 95,", 1);
    assert_ne!(edited, text);
    std::fs::write(&reg, &edited).unwrap();
    repo.git_in(&wt, ["add", "-A"]);
    let head = repo.head_in(&wt);
    let run = repo.commit_in(&wt, &["-m", "hand edit"]);
    assert_ne!(run.code, 0, "{}", run.all());
    assert_eq!(repo.head_in(&wt), head);
    run.finding(
        "lock-mismatch",
        "examples/demo/orchestration-domains.json",
        integrity_line(&edited),
    );
}
