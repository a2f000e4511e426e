//! Adversarial items about paths and writes: names that are not UTF-8, symlinked directories,
//! `GIT_WORK_TREE`, sparse checkouts, the index on failure and under a race, temporary files,
//! lockfile keys.

use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

use crate::support::TestRepo;

/// audit.toml governing `data/*.json` as plain JSON, locked in audit.lock.
const DATA: &str = "[[artifact]]\npath = \"data/*.json\"\nkind = \"json\"\nlock = \"lockfile\"\n";

/// A repository with [`DATA`] as audit.toml and one clean governed file, committed.
fn data_repo() -> TestRepo {
    let repo = TestRepo::new();
    repo.write("audit.toml", DATA);
    repo.write("data/ok.json", "{\"a\": 1}\n");
    repo.commit_all("init");
    repo
}

/// Writes a file whose name is raw bytes (relative to the work tree).
fn write_bytes_name(repo: &TestRepo, rel: &[u8], content: &str) {
    let path = repo.root().join(Path::new(OsStr::from_bytes(rel)));
    std::fs::write(path, content).expect("write a file with a byte name");
}

#[test]
fn item_02_names_that_are_not_utf8_are_refused_by_every_gate() {
    let repo = data_repo();
    // Both decode lossily to `data/a\u{fffd}.json`; the invalid JSON must not hide.
    write_bytes_name(&repo, b"data/a\xfe.json", "{ not json");
    write_bytes_name(&repo, b"data/a\xff.json", "{\"b\": 2}\n");
    repo.git(["add", "-A"]);
    for args in [&["check", "--staged"][..], &["check", "--staged", "--all"]] {
        repo.audit(args)
            .code(1)
            .stdout_has("data/a\\xFE.json")
            .stdout_has("data/a\\xFF.json")
            .stdout_has("not valid UTF-8");
    }
    repo.git(["commit", "-q", "--no-verify", "-m", "bad names"]);
    for args in [
        &["check", "--rev", "HEAD"][..],
        &["check", "--all"],
        &["ci", "--base", "HEAD~1"],
    ] {
        repo.audit(args).code(1).stdout_has("data/a\\xFE.json");
    }
    repo.audit(["check", "--worktree", "--all"])
        .code(1)
        .stdout_has("data/a\\xFF.json");
}

#[test]
fn item_14_a_newline_in_a_governed_name_round_trips_through_audit_lock() {
    let repo = data_repo();
    repo.write("data/two\nlines \"q\".json", "{\"c\": 3}\n");
    repo.audit(["lock"]).code(0);
    let text = repo.read("audit.lock");
    assert!(!text.contains("\"\"\""), "a multi-line key:\n{text}");
    assert!(
        text.contains("\"data/two\\nlines \\\"q\\\".json\""),
        "{text}"
    );
    repo.git(["add", "-A"]);
    repo.audit(["check", "--staged", "--all"]).code(0);
    // And lock can read what it wrote.
    repo.audit(["lock"]).code(0).stdout_has("already locked");
}
