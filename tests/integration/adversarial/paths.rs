//! Adversarial items about paths and writes: names that are not UTF-8, symlinked directories,
//! `GIT_WORK_TREE`, sparse checkouts, the index on failure and under a race, temporary files,
//! lockfile keys.

use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

use crate::fixtures::registry_of;
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
    repo.audit(["lock"])
        .code(2)
        .stderr_has("data/a\\xFE.json: the file name is not valid UTF-8");
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

const REG: &str = "orchestration-domains.json";

/// A registry governed with a changelog, plus `extra` in audit.toml; hooks installed.
fn hooked(extra: &str) -> TestRepo {
    let repo = TestRepo::new();
    repo.audit(["install"]).code(0);
    repo.write(
        "audit.toml",
        format!("[[artifact]]\npath = \"{REG}\"\nkind = \"registry\"\nrequired-fields = [\"id\"]\n{extra}"),
    );
    repo.write(REG, registry_of("2026-01-01", &[("a", "Alpha", 1)]));
    repo
}

/// Stages a structural change of the registry and commits it through the hooks.
fn structural_commit(repo: &TestRepo) -> std::process::Output {
    repo.write(REG, registry_of("2026-01-01", &[("a", "Alpha renamed", 1)]));
    repo.git(["add", REG]);
    repo.git_output(["commit", "-q", "-m", "structural"])
}

#[test]
fn item_06_nothing_is_read_or_written_through_a_committed_symlinked_directory() {
    let repo = hooked("\n[changelog]\npath = \"docs/EVOLUTION.md\"\n\n[baseline]\npath = \"docs/baseline.json\"\n");
    let outside = repo.scratch("outside");
    std::fs::create_dir_all(&outside).expect("mkdir outside");
    std::os::unix::fs::symlink(&outside, repo.path("docs")).expect("symlink");
    repo.commit_all("init with a docs link");
    let index_before = repo.git(["ls-files", "-s"]);

    let out = structural_commit(&repo);
    assert!(!out.status.success(), "the commit went through");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("docs is a symbolic link"), "{stderr}");
    assert!(
        !outside.join("EVOLUTION.md").exists(),
        "wrote outside the repository"
    );
    assert_eq!(
        repo.git(["ls-files", "-s", "docs"]),
        index_before
            .lines()
            .find(|l| l.ends_with("\tdocs"))
            .map(|l| format!("{l}\n"))
            .unwrap_or_default()
    );
    assert!(!repo.git(["status", "--porcelain"]).contains("D  docs"));

    repo.git([
        "commit",
        "-q",
        "--no-verify",
        "-m",
        "structural, unrecorded",
    ]);
    repo.audit(["changelog", "rebuild"])
        .code(2)
        .stderr_has("docs is a symbolic link");
    repo.audit(["baseline"])
        .code(2)
        .stderr_has("docs is a symbolic link");
    assert_eq!(
        std::fs::read_dir(&outside).expect("list outside").count(),
        0
    );

    // A schema read through the link in --worktree mode is not followed: an outside schema
    // that would pass everything is refused instead.
    std::fs::write(outside.join("schema.json"), "{}").expect("schema");
    let config = repo.read("audit.toml").replace(
        "required-fields = [\"id\"]\n",
        "required-fields = [\"id\"]\nschema = \"docs/schema.json\"\n",
    );
    repo.write("audit.toml", config);
    repo.audit(["check", "--worktree", "--all"])
        .code(2)
        .stderr_has("docs/schema.json is a symlink");
}

#[test]
fn item_08_a_failed_hook_leaves_the_index_exactly_as_it_was() {
    let repo = hooked("\n[changelog]\npath = \"README.md/EVOLUTION.md\"\n");
    repo.write("README.md", "readme\n");
    repo.commit_all("init");
    repo.write(REG, registry_of("2026-01-01", &[("a", "Alpha renamed", 1)]));
    repo.git(["add", REG]);
    // git itself refreshes the index's cache-tree on commit: compare the entries.
    let index = repo.git(["ls-files", "-s", "--debug"]);
    let out = repo.git_output(["commit", "-q", "-m", "structural"]);
    assert!(!out.status.success(), "the commit went through");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("README.md is not a directory"), "{stderr}");
    assert_eq!(
        repo.git(["ls-files", "-s", "--debug"]),
        index,
        "the index changed"
    );
    assert_eq!(repo.git(["status", "--porcelain"]), format!("M  {REG}\n"));
    // The same refusal from the index alone (no work-tree file in the way).
    std::fs::remove_file(repo.path("README.md")).expect("rm README.md");
    let out = repo.git_output(["commit", "-q", "-m", "structural"]);
    assert!(!out.status.success(), "the commit went through");
    assert!(String::from_utf8_lossy(&out.stderr).contains("the index holds README.md as a file"));
    assert_eq!(repo.git(["ls-files", "-s", "--debug"]), index);
}

#[test]
fn item_10_a_killed_write_leaves_nothing_git_add_would_commit() {
    let repo = data_repo();
    repo.write("data/new.json", "{\"n\": 1}\n");
    let run = repo.audit_env(
        repo.root(),
        &[("GIT_AUDIT_FAULT", OsStr::new("write-atomic-before-rename"))],
        ["lock"],
    );
    assert_ne!(run.code, 0, "the fault point did not fire");
    assert!(!repo.path("audit.lock").exists());
    let untracked = repo.git(["status", "--porcelain", "--untracked-files=all"]);
    assert_eq!(
        untracked, "?? data/new.json\n",
        "a temporary is visible to git add"
    );
    let leftovers = || {
        std::fs::read_dir(repo.git_dir())
            .expect("list .git")
            .filter(|e| {
                e.as_ref()
                    .is_ok_and(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
            })
            .count()
    };
    assert_eq!(
        leftovers(),
        1,
        "the killed write's temporary is in the git directory"
    );
    repo.audit(["lock"]).code(0);
    assert_eq!(leftovers(), 0, "the next run did not clean up");
    assert!(repo.path("audit.lock").exists());
}

#[test]
fn item_07_a_relative_git_work_tree_is_the_current_directory_as_for_git() {
    let repo = hooked("");
    repo.commit_all("init");
    let env = [
        ("GIT_DIR", OsStr::new(".git")),
        ("GIT_WORK_TREE", OsStr::new(".")),
    ];
    let run = repo.audit_env(
        repo.root(),
        &env,
        ["check", "--worktree", "--all", "--format", "json"],
    );
    run.code(0);
    assert_eq!(run.json()["checked"], 1, "{}", run.stdout);
    repo.write(REG, registry_of("2026-01-01", &[("a", "Alpha renamed", 1)]));
    repo.git(["add", REG]);
    repo.git_env(repo.root(), &env, ["commit", "-q", "-m", "structural"]);
    assert!(
        !repo.git_dir().join("EVOLUTION.md").exists(),
        "written into the git directory"
    );
    assert!(repo.read("EVOLUTION.md").contains(REG));
    assert_eq!(repo.git(["status", "--porcelain"]), "");
}

#[test]
fn item_04_lock_keeps_the_locks_of_paths_outside_a_sparse_checkout() {
    let repo = TestRepo::new();
    repo.write(
        "audit.toml",
        "[[artifact]]\npath = \"**/*.json\"\nkind = \"json\"\nlock = \"lockfile\"\n",
    );
    repo.write("in/x.json", "{\"x\": 1}\n");
    repo.write("out/y.json", "{\"y\": 1}\n");
    repo.git(["add", "-A"]);
    repo.audit(["lock"]).code(0);
    repo.commit_all("init");
    repo.git(["sparse-checkout", "set", "--cone", "in"]);
    assert!(!repo.path("out/y.json").exists(), "not a sparse checkout");
    let locked_y = repo
        .read("audit.lock")
        .lines()
        .find(|l| l.starts_with("\"out/y.json\""))
        .map(str::to_string)
        .expect("out/y.json locked");

    repo.write("in/x.json", "{\"x\": 2}\n");
    repo.git(["add", "in/x.json"]);
    let run = repo.audit(["lock", "--stage"]);
    run.code(0);
    assert!(!run.stdout.contains("dropped"), "{}", run.stdout);
    assert!(repo.read("audit.lock").contains(&locked_y));
    assert!(repo.git(["show", ":audit.lock"]).contains(&locked_y));
    repo.audit(["check", "--staged", "--all"]).code(0);
    repo.audit(["check", "--worktree", "--all"]).code(0);
}

#[test]
fn item_09_a_git_add_while_the_index_is_being_written_is_never_lost() {
    let repo = hooked("");
    repo.commit_all("init");
    repo.write(REG, registry_of("2026-01-01", &[("a", "Alpha renamed", 1)]));
    repo.git(["add", REG]);
    let release = repo.scratch("release");
    let reached = repo.scratch("release.reached");
    let child = repo
        .audit_cmd_in(repo.root())
        .env(
            "GIT_AUDIT_PAUSE",
            format!("stage-bytes-before-rename:{}", release.display()),
        )
        .args(["changelog", "record"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("start git-audit");
    let start = std::time::Instant::now();
    while !reached.exists() {
        assert!(
            start.elapsed() < std::time::Duration::from_secs(30),
            "the pause point was never reached"
        );
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    // Between git-audit's read of the index and its rename: git's change must survive.
    repo.write("other.txt", "other\n");
    repo.git(["add", "other.txt"]);
    std::fs::write(&release, b"").expect("release the pause");
    let out = child.wait_with_output().expect("wait for git-audit");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let staged = repo.git(["ls-files"]);
    assert!(
        staged.contains("other.txt"),
        "the concurrent git add was lost:\n{staged}"
    );
    assert!(staged.contains("EVOLUTION.md"), "{staged}");
    assert!(!repo.git_dir().join("index.lock").exists());
}
