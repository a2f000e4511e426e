//! Adversarial items about the changelog and injection: entries a person staged, frameworks,
//! escaping ids and paths for every sink, amend detection, unreadable versions.

use crate::fixtures::registry_of;
use crate::support::{Run, TestRepo};

const LOG: &str = "EVOLUTION.md";
const REG: &str = "orchestration-domains.json";

const CONFIG: &str = r#"[[artifact]]
path = "orchestration-domains.json"
kind = "registry"
required-fields = ["id"]
"#;

/// A repository with `git audit install`'s hooks, audit.toml and a first registry committed
/// through them (one entry).
fn hooked() -> TestRepo {
    let repo = TestRepo::new();
    repo.audit(["install"]).code(0);
    repo.write("audit.toml", CONFIG);
    repo.write(REG, registry_of("2026-01-01", &[("a", "Alpha", 1)]));
    repo.git(["add", "-A"]);
    repo.commit("init").code(0);
    assert_eq!(
        markers(&repo.staged(LOG)),
        1,
        "the first commit records an entry"
    );
    repo
}

/// The number of machine markers (entries) in a changelog text.
fn markers(text: &str) -> usize {
    text.lines()
        .filter(|l| l.starts_with("<!-- git-audit:entry "))
        .count()
}

fn log_at(repo: &TestRepo, rev: &str) -> String {
    let out = repo.git_output(["show", &format!("{rev}:{LOG}")]);
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[track_caller]
fn verify_clean(repo: &TestRepo) -> Run {
    let run = repo.audit(["changelog", "verify"]);
    assert_eq!(
        run.code, 0,
        "changelog verify must pass:\n{}\n{}",
        run.stdout, run.stderr
    );
    run
}

// ---- 16: git's command line parsed as git parses it ------------------------------------------

#[test]
fn item_16_a_message_that_reads_amend_is_not_an_amend() {
    let repo = hooked();
    repo.write(
        REG,
        registry_of("2026-01-01", &[("a", "Alpha", 1), ("b", "Beta", 2)]),
    );
    repo.git(["add", REG]);
    // `-m --amend`: the message is "--amend"; this is a new commit, not an amend.
    repo.git_run(["commit", "-m", "--amend"]).code(0);
    assert_eq!(repo.commit_count(), 2);
    assert_eq!(
        markers(&log_at(&repo, "HEAD")),
        2,
        "the first commit's entry must survive:\n{}",
        log_at(&repo, "HEAD")
    );
    verify_clean(&repo);
}

// ---- 11: a changelog a person staged is theirs -----------------------------------------------

#[test]
fn item_11_a_rebuilt_changelog_committed_is_committed_as_staged() {
    // A history made before the tool: two structural changes, no changelog.
    let repo = TestRepo::new();
    repo.write("audit.toml", CONFIG);
    repo.write(REG, registry_of("2026-01-01", &[("a", "Alpha", 1)]));
    repo.commit_all("before the tool");
    repo.write(
        REG,
        registry_of("2026-01-01", &[("a", "Alpha", 1), ("b", "Beta", 2)]),
    );
    repo.commit_all("still before");
    repo.audit(["install"]).code(0);

    repo.audit(["changelog", "rebuild"])
        .code(0)
        .stdout_has("2 entries");
    let rebuilt = repo.read(LOG);
    assert_eq!(markers(&rebuilt), 2);
    repo.git(["add", LOG]);
    let run = repo.commit("adopt git-audit");
    run.code(0);
    assert_eq!(
        log_at(&repo, "HEAD"),
        rebuilt,
        "the staged changelog must be committed as staged:\n{}",
        run.stderr
    );
    assert_eq!(
        repo.read(LOG),
        rebuilt,
        "the working copy must be left alone"
    );
    assert_eq!(repo.status(), "", "nothing left unstaged or staged");

    // The next structural change appends its own entry after the rebuilt ones.
    repo.write(
        REG,
        registry_of(
            "2026-01-01",
            &[("a", "Alpha", 1), ("b", "Beta", 2), ("c", "Gamma", 3)],
        ),
    );
    repo.git(["add", REG]);
    repo.commit("add c").code(0);
    assert_eq!(markers(&log_at(&repo, "HEAD")), 3);
    assert!(log_at(&repo, "HEAD").starts_with(&rebuilt));
}
