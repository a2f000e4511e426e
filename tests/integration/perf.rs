//! The pre-commit hook's single pass (issue 10): the check and the changelog entry share one
//! read of the index, and the entry is staged from the index the check parsed only while the
//! index still holds the bytes read; a change another git makes in between is kept.

use std::time::{Duration, Instant};

use crate::fixtures::registry_of;
use crate::support::TestRepo;

const REG: &str = "orchestration-domains.json";
const CONFIG: &str = r#"[[artifact]]
path = "orchestration-domains.json"
kind = "registry"
required-fields = ["id"]
"#;

fn index_has(repo: &TestRepo, path: &str) -> bool {
    repo.git(["ls-files", "--cached", "--", path]).trim() == path
}

/// Temporaries git-audit left in the git directory (the index copy among them).
fn leftovers(repo: &TestRepo) -> Vec<String> {
    std::fs::read_dir(repo.git_dir())
        .expect("read the git directory")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".git-audit-index-"))
        .collect()
}

fn staged_registry_change() -> TestRepo {
    let repo = TestRepo::new();
    repo.write("audit.toml", CONFIG);
    repo.write(REG, registry_of("2026-01-01", &[("a", "Alpha", 1)]));
    repo.commit_all("registry");
    repo.write(REG, registry_of("2026-01-01", &[("a", "Alpha", 2)]));
    repo.git(["add", REG]);
    repo
}

#[test]
fn the_hook_stages_the_entry_from_the_index_it_checked_and_leaves_no_copy() {
    let repo = staged_registry_change();
    repo.audit(["hook", "pre-commit"]).code(0);
    assert!(index_has(&repo, "EVOLUTION.md"), "no entry staged");
    assert!(index_has(&repo, REG));
    let staged = repo.git(["show", ":EVOLUTION.md"]);
    assert!(staged.contains("git-audit:entry"), "{staged}");
    assert_eq!(leftovers(&repo), Vec::<String>::new());
    repo.git(["fsck", "--no-progress", "--cache"]);
}

#[test]
fn an_index_changed_between_the_check_and_the_entry_keeps_both_changes() {
    let repo = staged_registry_change();
    repo.write("notes.txt", "staged while the hook ran\n");
    let gate = repo.scratch("gate");
    let reached = repo.scratch("gate.reached");
    let mut child = repo
        .audit_cmd_in(repo.root())
        .env(
            "GIT_AUDIT_PAUSE",
            format!("hook-before-record:{}", gate.display()),
        )
        .args(["hook", "pre-commit"])
        .spawn()
        .expect("start the hook");
    let start = Instant::now();
    while !reached.exists() {
        if let Some(status) = child.try_wait().expect("poll the hook") {
            panic!("the hook ended before hook-before-record: {status}");
        }
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "the hook never reached hook-before-record"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    // Another git changes the index after the check read it and before the entry is staged.
    repo.git(["add", "notes.txt"]);
    std::fs::write(&gate, b"").expect("release the hook");
    let status = child.wait().expect("wait for the hook");
    assert!(status.success(), "the hook failed: {status}");
    assert!(
        index_has(&repo, "notes.txt"),
        "the concurrent `git add` was lost"
    );
    assert!(index_has(&repo, "EVOLUTION.md"), "no entry staged");
    let staged = repo.git(["show", ":EVOLUTION.md"]);
    assert!(staged.contains("git-audit:entry"), "{staged}");
    assert_eq!(leftovers(&repo), Vec::<String>::new());
    repo.git(["fsck", "--no-progress", "--cache"]);
}
