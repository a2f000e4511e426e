//! The facts cache (`.git/git-audit-facts`): what the cross-document rules know of unchanged
//! sequence files, kept by blob id. It must never change a verdict: the same report with and
//! without it, whatever the file holds, and never trusted for a file being checked.

use std::ffi::OsStr;

use crate::governance::{edit, run_env, world, COPY, COPY_SEQ, PASTE, REG};
use crate::support::TestRepo;

/// The cache switched off, and on (whatever the environment the suite runs in says).
fn no_cache() -> (&'static str, &'static OsStr) {
    ("GIT_AUDIT_NO_CACHE", OsStr::new("1"))
}
fn cache() -> (&'static str, &'static OsStr) {
    ("GIT_AUDIT_NO_CACHE", OsStr::new(""))
}

fn cache_file(repo: &TestRepo) -> std::path::PathBuf {
    repo.git_dir().join("git-audit-facts")
}

/// `check --staged --format json` with and without the cache; both reports, which must agree.
#[track_caller]
fn both(repo: &TestRepo, code: i32) -> serde_json::Value {
    let args = ["check", "--staged", "--format", "json"];
    let without = run_env(repo, &[no_cache()], &args);
    without.code(code);
    let with = run_env(repo, &[cache()], &args);
    with.code(code);
    assert_eq!(with.json(), without.json(), "the cache changed the report");
    with.json()
}

/// `check --staged --format json` with the cache on.
fn staged_check(repo: &TestRepo) -> crate::support::Run {
    run_env(repo, &[cache()], &["check", "--staged", "--format", "json"])
}

fn rules(report: &serde_json::Value) -> Vec<String> {
    report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            format!(
                "{} {} {}:{}",
                f["rule"].as_str().unwrap_or(""),
                f["path"].as_str().unwrap_or(""),
                f["line"],
                f["column"]
            )
        })
        .collect()
}

/// The cached facts, as stored: entry key → facts.
fn entries(repo: &TestRepo) -> serde_json::Map<String, serde_json::Value> {
    let text = std::fs::read_to_string(cache_file(repo)).expect("the cache was written");
    let v: serde_json::Value = serde_json::from_str(&text).expect("the cache is JSON");
    v["entries"].as_object().expect("entries").clone()
}

#[test]
fn a_warm_cache_reports_exactly_what_a_cold_check_does() {
    let repo = world();
    // A duplicate id whose finding sits in an unchanged file (placed from cached facts).
    let dup = "json-sequences/a-dup.json";
    repo.write(
        dup,
        COPY_SEQ.replace("\"name\": \"Copy\"", "\"name\": \"Dup\""),
    );
    repo.commit_all("a duplicate, committed before the cache existed");
    assert!(!cache_file(&repo).exists());
    // The staged change touches the other copy: the duplicate involves it, so it is reported.
    edit(&repo, COPY, "\"name\": \"Copy\"", "\"name\": \"Copy it\"");
    repo.git(["add", "-A"]);
    // Cold (without), then cold-with-write (with), then warm (with, reading the file).
    let cold = both(&repo, 1);
    assert!(
        cache_file(&repo).exists(),
        "the check of the index wrote the cache"
    );
    let warm = staged_check(&repo);
    warm.code(1);
    assert_eq!(warm.json(), cold);
    assert_eq!(
        rules(&cold),
        [format!(
            "sequence-id-duplicate {COPY} {}:{}",
            crate::governance::pos(&repo.read(COPY), "\"id\": \"copy-symphony\"").0,
            crate::governance::pos(&repo.read(COPY), "\"id\": \"copy-symphony\"").1
        )]
    );
    // Every governed sequence (the unchanged paste and duplicate too) has an entry.
    assert_eq!(entries(&repo).len(), 3, "{:?}", entries(&repo));
}

#[test]
fn the_cache_is_only_written_by_a_check_of_the_index() {
    let repo = world();
    edit(&repo, PASTE, "\"notify\"", "\"notifyPasted\"");
    repo.commit_all("second");
    run_env(&repo, &[cache()], &["check", "--rev", "HEAD"]).code(0);
    run_env(&repo, &[cache()], &["check", "--range", "HEAD~1..HEAD"]).code(0);
    assert!(!cache_file(&repo).exists());
    run_env(&repo, &[no_cache()], &["check", "--all"]).code(0);
    assert!(
        !cache_file(&repo).exists(),
        "GIT_AUDIT_NO_CACHE=1 writes nothing"
    );
    run_env(&repo, &[cache()], &["check", "--all"]).code(0);
    assert!(cache_file(&repo).exists());
}

#[test]
fn a_corrupt_or_truncated_cache_is_ignored_and_replaced() {
    let repo = world();
    edit(&repo, COPY, "\"name\": \"Copy\"", "\"name\": \"Copy it\"");
    repo.git(["add", "-A"]);
    both(&repo, 0);
    let good = std::fs::read(cache_file(&repo)).expect("written");
    for bad in [
        b"".to_vec(),
        b"{\"version\": 1, \"entries\": {\"x\": ".to_vec(),
        good[..good.len() / 2].to_vec(),
        vec![0xff, 0xfe, 0x00],
        b"{\"version\": 999, \"entries\": {}}".to_vec(),
    ] {
        std::fs::write(cache_file(&repo), &bad).expect("corrupt it");
        both(&repo, 0);
        let text = std::fs::read_to_string(cache_file(&repo)).expect("rewritten");
        assert!(
            serde_json::from_str::<serde_json::Value>(&text).is_ok(),
            "a corrupt cache is replaced by a good one"
        );
    }
}

#[test]
fn a_lying_cache_entry_for_the_file_being_committed_is_never_used() {
    let repo = world();
    // A harmless staged change to the copy: nothing to report.
    edit(&repo, COPY, "\"name\": \"Copy\"", "\"name\": \"Copy it\"");
    repo.git(["add", "-A"]);
    let honest = both(&repo, 0);
    // Every entry now lies: each sequence has 999 beats. The staged copy's own entry (its new
    // blob, learned above) is among them; the registry says 2 for it, 3 for paste.
    let lie = |repo: &TestRepo| {
        let mut stored: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(cache_file(repo)).expect("written"))
                .expect("JSON");
        let lies = stored["entries"].as_object_mut().expect("entries");
        assert_eq!(lies.len(), 2, "the staged copy and paste");
        for (_, facts) in lies.iter_mut() {
            facts["beats"] = serde_json::json!({"Ok": 999});
        }
        std::fs::write(cache_file(repo), stored.to_string()).expect("write the lies");
    };
    lie(&repo);
    // The copy is being committed: judged by its blob, never by the cache. Paste's lie involves
    // only unchanged files, so it is not this commit's business either.
    let lied = staged_check(&repo);
    lied.code(0);
    assert_eq!(lied.json(), honest);

    // The cache is really used for unchanged files (so the check above can fail): once the
    // registry is staged too, paste's lying count is this commit's business.
    edit(&repo, REG, "\"tempo\": 96", "\"tempo\": 97");
    repo.git(["add", "-A"]);
    std::fs::remove_file(cache_file(&repo)).expect("forget the lies");
    both(&repo, 0);
    lie(&repo);
    let used = staged_check(&repo);
    used.code(1);
    assert_eq!(
        rules(&used.json()),
        [format!(
            "registry-sequence-mismatch {REG} {}:{}",
            crate::governance::pos_in(&repo, REG, "\"beats\": 3").0,
            crate::governance::pos_in(&repo, REG, "\"beats\": 3").1
        )]
    );
}

#[test]
fn checks_racing_to_write_the_cache_leave_a_good_one() {
    let repo = world();
    edit(&repo, COPY, "\"name\": \"Copy\"", "\"name\": \"Copy it\"");
    repo.git(["add", "-A"]);
    let children: Vec<_> = (0..8)
        .map(|_| {
            let mut cmd = repo.audit_cmd_in(repo.root());
            cmd.env("GIT_AUDIT_NO_CACHE", "")
                .args(["check", "--staged", "--format", "json"])
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .expect("spawn git-audit")
        })
        .collect();
    let mut reports = Vec::new();
    for child in children {
        let out = child.wait_with_output().expect("wait");
        assert_eq!(out.status.code(), Some(0), "{out:?}");
        reports.push(String::from_utf8(out.stdout).expect("UTF-8"));
    }
    assert!(reports.windows(2).all(|w| w[0] == w[1]));
    assert_eq!(entries(&repo).len(), 2);
    let leftovers: Vec<_> = std::fs::read_dir(repo.git_dir())
        .expect("git dir")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("git-audit-facts") && n != "git-audit-facts")
        .collect();
    assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");
    both(&repo, 0);
}
