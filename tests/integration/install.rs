//! Integration tests: `git audit install` / `uninstall`, the hook shims and the pre-push range
//! computation, with the real `git` in hermetic temporary repositories.

use std::collections::BTreeMap;
use std::fs;
use std::io::Write;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::support::{Run, TestRepo};

const ZERO: &str = "0000000000000000000000000000000000000000";

/// The shim as this checkout ships it.
fn shipped(name: &str) -> Vec<u8> {
    fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("hooks")
            .join(name),
    )
    .expect("shim")
}

fn hooks_dir(repo: &TestRepo) -> PathBuf {
    repo.root().join(".git/hooks")
}

fn mode(path: &Path) -> u32 {
    fs::symlink_metadata(path)
        .expect("metadata")
        .permissions()
        .mode()
        & 0o7777
}

fn write_hook(path: &Path, content: &str, mode: u32) {
    fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    fs::write(path, content).expect("write hook");
    fs::set_permissions(path, fs::Permissions::from_mode(mode)).expect("chmod");
}

/// Every entry under `dir`: relative path → (kind, bytes or link target, mode).
fn tree(dir: &Path) -> BTreeMap<String, (char, Vec<u8>, u32)> {
    fn walk(base: &Path, dir: &Path, out: &mut BTreeMap<String, (char, Vec<u8>, u32)>) {
        let Ok(entries) = fs::read_dir(dir) else {
            return;
        };
        for entry in entries {
            let path = entry.expect("entry").path();
            let rel = path
                .strip_prefix(base)
                .expect("inside")
                .display()
                .to_string();
            let meta = fs::symlink_metadata(&path).expect("metadata");
            let m = meta.permissions().mode() & 0o7777;
            if meta.file_type().is_symlink() {
                let target = fs::read_link(&path).expect("link");
                out.insert(rel, ('l', target.display().to_string().into_bytes(), 0));
            } else if meta.is_dir() {
                out.insert(rel, ('d', Vec::new(), m));
                walk(base, &path, out);
            } else {
                out.insert(rel, ('f', fs::read(&path).expect("read"), m));
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

fn no_temp_files(dir: &Path) {
    for name in tree(dir).keys() {
        assert!(
            !name.contains(".tmp") && !name.ends_with(".lock"),
            "left behind: {name}"
        );
    }
}

/// A PATH without any folder that holds a `git-audit`.
fn path_without_git_audit() -> std::ffi::OsString {
    let dirs: Vec<PathBuf> = std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())
        .filter(|d| !d.join("git-audit").exists())
        .collect();
    std::env::join_paths(dirs).expect("PATH joins")
}

/// A repository with one commit and a bare remote `origin` that has it on main.
fn with_remote() -> (TestRepo, PathBuf) {
    let repo = TestRepo::new();
    repo.write("README", "one\n");
    repo.commit_all("c1");
    let remote = repo.scratch("remote.git");
    repo.git_in(
        repo.root().parent().expect("parent"),
        [
            "init",
            "-q",
            "--bare",
            "-b",
            "main",
            remote.to_str().expect("utf-8"),
        ],
    );
    repo.git(["remote", "add", "origin", remote.to_str().expect("utf-8")]);
    repo.git(["push", "-q", "--no-verify", "origin", "main"]);
    (repo, remote)
}

fn rev(repo: &TestRepo, what: &str) -> String {
    repo.git(["rev-parse", what]).trim().to_string()
}

/// `git-audit hook pre-push --dry-run origin URL` with `input` on stdin and extra variables.
fn pre_push_plan(repo: &TestRepo, input: &str, vars: &[(&str, &str)]) -> Run {
    let mut cmd = repo.audit_cmd_in(repo.root());
    cmd.args(["hook", "pre-push", "--dry-run", "origin", "/remote.git"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for k in [
        "PRE_COMMIT",
        "PRE_COMMIT_FROM_REF",
        "PRE_COMMIT_TO_REF",
        "PRE_COMMIT_LOCAL_BRANCH",
        "PRE_COMMIT_REMOTE_NAME",
    ] {
        cmd.env_remove(k);
    }
    for (k, v) in vars {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().expect("spawn git-audit");
    // The hook may not read its input (under the framework): a closed pipe is fine.
    let _ = child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input.as_bytes());
    Run::from(child.wait_with_output().expect("wait"))
}

#[test]
fn install_writes_both_shims_into_a_fresh_repository() {
    let repo = TestRepo::new();
    let run = repo.audit(["install"]);
    run.code(0);
    assert!(
        run.stdout
            .contains("installed the pre-commit hook: .git/hooks/pre-commit"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("installed the pre-merge-commit hook"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("installed the pre-push hook"),
        "{}",
        run.stdout
    );
    for name in ["pre-commit", "pre-merge-commit", "pre-push"] {
        let path = hooks_dir(&repo).join(name);
        assert_eq!(fs::read(&path).expect("installed"), shipped(name), "{name}");
        assert_eq!(mode(&path), 0o755, "{name}");
    }
    assert!(!hooks_dir(&repo).join("git-audit-chained").exists());
    no_temp_files(&hooks_dir(&repo));
}

#[test]
fn the_shipped_shims_are_executable_posix_sh() {
    for name in ["pre-commit", "pre-merge-commit", "pre-push"] {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("hooks")
            .join(name);
        assert_ne!(mode(&path) & 0o111, 0, "{name} is executable");
        let out = Command::new("sh")
            .arg("-n")
            .arg(&path)
            .output()
            .expect("run sh -n");
        assert!(out.status.success(), "{name}: {out:?}");
    }
}

#[test]
fn installing_twice_changes_nothing() {
    let repo = TestRepo::new();
    write_hook(
        &hooks_dir(&repo).join("pre-commit"),
        "#!/bin/sh\nexit 0\n",
        0o755,
    );
    repo.audit(["install"]).code(0);
    let before = tree(&hooks_dir(&repo));
    let run = repo.audit(["install"]);
    run.code(0);
    assert!(
        run.stdout.contains(
            "the pre-commit hook is already installed: .git/hooks/pre-commit (nothing changed)"
        ),
        "{}",
        run.stdout
    );
    assert_eq!(tree(&hooks_dir(&repo)), before);
    // It did not chain itself: the kept hook is still the original.
    assert_eq!(
        fs::read(hooks_dir(&repo).join("git-audit-chained/pre-commit")).expect("kept"),
        b"#!/bin/sh\nexit 0\n"
    );
}

#[test]
fn a_chained_hook_runs_first_with_the_same_arguments_and_its_failure_blocks_the_commit() {
    let repo = TestRepo::new();
    let original = "#!/bin/sh\necho \"original pre-commit ran with [$*]\" >&2\necho ran > chained-ran\nexit 3\n";
    let path = hooks_dir(&repo).join("pre-commit");
    write_hook(&path, original, 0o750);
    repo.audit(["install"]).code(0);
    assert_eq!(
        fs::read_to_string(hooks_dir(&repo).join("git-audit-chained/pre-commit")).expect("kept"),
        original
    );

    repo.write("README", "hello\n");
    repo.git(["add", "README"]);
    let out = repo.git_output(["commit", "-q", "-m", "blocked by the chained hook"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "the commit went through: {stderr}");
    assert!(
        stderr.contains("original pre-commit ran with []"),
        "{stderr}"
    );
    assert!(
        !stderr.contains("git-audit"),
        "git-audit ran after the chained hook failed: {stderr}"
    );
    assert!(repo.root().join("chained-ran").exists());
    assert!(repo
        .git_output(["rev-parse", "-q", "--verify", "HEAD"])
        .stdout
        .is_empty());
}

#[test]
fn uninstall_restores_the_chained_hook_byte_identical_with_its_mode() {
    let repo = TestRepo::new();
    let original = "#!/bin/sh\n# a hand-written hook\r\nexit 0\n";
    let pre_commit = hooks_dir(&repo).join("pre-commit");
    write_hook(&pre_commit, original, 0o700);
    let before = tree(&hooks_dir(&repo));

    repo.audit(["install"]).code(0);
    assert_eq!(fs::read(&pre_commit).expect("ours"), shipped("pre-commit"));
    let run = repo.audit(["uninstall"]);
    run.code(0);
    assert!(
        run.stdout.contains("put back the one it had kept"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("removed the pre-push hook"),
        "{}",
        run.stdout
    );
    assert_eq!(tree(&hooks_dir(&repo)), before);
    assert_eq!(mode(&pre_commit), 0o700);

    // Nothing left to do the second time.
    let run = repo.audit(["uninstall"]);
    run.code(0);
    assert!(
        run.stdout.contains("is not git-audit's; left as it is"),
        "{}",
        run.stdout
    );
    assert_eq!(tree(&hooks_dir(&repo)), before);
}

#[test]
fn a_symlinked_hook_is_chained_and_restored_as_a_link() {
    let repo = TestRepo::new();
    let target = repo.scratch("shared-hook");
    write_hook(&target, "#!/bin/sh\nexit 0\n", 0o755);
    fs::create_dir_all(hooks_dir(&repo)).expect("mkdir");
    std::os::unix::fs::symlink(&target, hooks_dir(&repo).join("pre-push")).expect("symlink");
    let before = tree(&hooks_dir(&repo));
    repo.audit(["install"]).code(0);
    let kept = hooks_dir(&repo).join("git-audit-chained/pre-push");
    assert_eq!(fs::read_link(&kept).expect("still a link"), target);
    repo.audit(["uninstall"]).code(0);
    assert_eq!(tree(&hooks_dir(&repo)), before);
}

#[test]
fn chaining_warns_about_hooks_that_depend_on_their_folder() {
    let repo = TestRepo::new();
    let dir = hooks_dir(&repo);
    // husky's hooks source a file beside themselves.
    write_hook(
        &dir.join("pre-commit"),
        "#!/bin/sh\n. \"$(dirname \"$0\")/h\"\n",
        0o755,
    );
    // pre-commit and prek keep the hook they replaced as <name>.legacy, beside theirs.
    write_hook(&dir.join("pre-push"), "#!/bin/sh\nexit 0\n", 0o755);
    write_hook(&dir.join("pre-push.legacy"), "#!/bin/sh\nexit 0\n", 0o755);
    let run = repo.audit(["install"]);
    run.code(0);
    assert!(
        run.stdout
            .contains("the kept hook uses files beside itself"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("mv .git/hooks/pre-push.legacy .git/hooks/git-audit-chained/"),
        "{}",
        run.stdout
    );
}

#[test]
fn a_hook_git_would_not_run_is_kept_and_still_not_run() {
    let repo = TestRepo::new();
    write_hook(
        &hooks_dir(&repo).join("pre-commit"),
        "#!/bin/sh\necho should-not-run > ran\nexit 1\n",
        0o644,
    );
    let run = repo.audit(["install", "--hook", "pre-commit"]);
    run.code(0);
    assert!(run.stdout.contains("is not executable"), "{}", run.stdout);
    assert!(!hooks_dir(&repo).join("pre-push").exists());
    // The shim skips it, as git did: the commit reaches git-audit (whatever `check` says).
    repo.git_output(["commit", "-q", "--allow-empty", "-m", "x"]);
    assert!(!repo.root().join("ran").exists());
    assert_eq!(
        mode(&hooks_dir(&repo).join("git-audit-chained/pre-commit")),
        0o644
    );
}

#[test]
fn uninstall_refuses_to_delete_a_hook_it_did_not_write() {
    let repo = TestRepo::new();
    repo.audit(["install"]).code(0);
    let path = hooks_dir(&repo).join("pre-commit");
    let mut edited = fs::read(&path).expect("ours");
    edited.extend_from_slice(b"echo my own line\n");
    fs::write(&path, &edited).expect("edit");
    let before = tree(&hooks_dir(&repo));

    let run = repo.audit(["uninstall"]);
    run.code(2);
    assert!(
        run.stderr
            .contains(".git/hooks/pre-commit was changed since git-audit wrote it"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("nothing was removed"), "{}", run.stderr);
    assert!(run.stderr.contains("hint:"), "{}", run.stderr);
    // Refused as a whole: the untouched pre-push hook is still there too.
    assert_eq!(tree(&hooks_dir(&repo)), before);

    // And install will not chain or overwrite an edited copy of its own script either.
    let run = repo.audit(["install"]);
    run.code(2);
    assert!(
        run.stderr.contains("carries git-audit's marker"),
        "{}",
        run.stderr
    );
    assert_eq!(tree(&hooks_dir(&repo)), before);
}

#[test]
fn a_hook_that_replaced_git_audits_while_one_is_kept_is_never_overwritten() {
    let repo = TestRepo::new();
    let dir = hooks_dir(&repo);
    write_hook(&dir.join("pre-commit"), "#!/bin/sh\necho first\n", 0o755);
    repo.audit(["install", "--hook", "pre-commit"]).code(0);
    // Someone writes another hook over git-audit's.
    write_hook(&dir.join("pre-commit"), "#!/bin/sh\necho second\n", 0o755);
    let before = tree(&dir);
    let run = repo.audit(["install", "--hook", "pre-commit"]);
    run.code(2);
    assert!(
        run.stderr.contains("already holds a hook"),
        "{}",
        run.stderr
    );
    let run = repo.audit(["uninstall", "--hook", "pre-commit"]);
    run.code(2);
    assert!(
        run.stderr.contains("still holds the hook git-audit kept"),
        "{}",
        run.stderr
    );
    assert_eq!(tree(&dir), before);
}

#[test]
fn unknown_hooks_are_refused() {
    let repo = TestRepo::new();
    let run = repo.audit(["install", "--hook", "commit-msg"]);
    run.code(2);
    assert!(
        run.stderr.contains("no \"commit-msg\" hook"),
        "{}",
        run.stderr
    );
    assert!(!hooks_dir(&repo).join("pre-commit").exists());
}

#[test]
fn a_missing_hooks_folder_is_created() {
    let repo = TestRepo::new();
    fs::remove_dir_all(hooks_dir(&repo)).expect("rm hooks");
    let run = repo.audit(["install"]);
    run.code(0);
    assert!(
        run.stdout.contains("created the hooks folder .git/hooks"),
        "{}",
        run.stdout
    );
    assert_eq!(
        fs::read(hooks_dir(&repo).join("pre-push")).expect("installed"),
        shipped("pre-push")
    );
}

#[test]
fn json_output_lists_what_was_done() {
    let repo = TestRepo::new();
    let run = repo.audit(["--format", "json", "install", "--hook", "pre-push"]);
    run.code(0);
    let v = run.json();
    assert_eq!(v["version"], 1);
    assert_eq!(v["hooksDir"], ".git/hooks");
    assert_eq!(v["hooks"][0]["hook"], "pre-push");
    assert_eq!(v["hooks"][0]["action"], "installed");
    assert_eq!(v["hooks"].as_array().map(Vec::len), Some(1));
}

#[test]
fn a_local_core_hooks_path_is_honoured_relative_to_the_top() {
    let repo = TestRepo::new();
    repo.git(["config", "core.hooksPath", ".githooks"]);
    let sub = repo.root().join("deep/er");
    fs::create_dir_all(&sub).expect("mkdir");
    let run = repo.audit_in(&sub, ["install"]);
    run.code(0);
    assert!(
        run.stdout.contains(".githooks/pre-commit"),
        "{}",
        run.stdout
    );
    assert_eq!(
        fs::read(repo.root().join(".githooks/pre-commit")).expect("installed"),
        shipped("pre-commit")
    );
    assert!(!hooks_dir(&repo).join("pre-commit").exists());
    assert!(!sub.join(".githooks").exists());
    // git agrees: it runs the installed hook (which then needs git-audit on PATH).
    let out = repo
        .git_cmd_in(repo.root())
        .env("PATH", path_without_git_audit())
        .args(["commit", "-q", "--allow-empty", "-m", "x"])
        .output()
        .expect("git commit");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("git-audit: the pre-commit hook"));
}

#[test]
fn a_global_core_hooks_path_is_refused_without_force() {
    let repo = TestRepo::new();
    let shared = repo.scratch("shared-hooks");
    let global = repo.scratch("global.gitconfig");
    fs::write(
        &global,
        format!("[core]\n\thooksPath = {}\n", shared.display()),
    )
    .expect("write global config");
    let audit = |args: &[&str]| {
        Run::from(
            repo.audit_cmd_in(repo.root())
                .env("GIT_CONFIG_GLOBAL", &global)
                .args(args)
                .output()
                .expect("run git-audit"),
        )
    };

    let run = audit(&["install"]);
    run.code(2);
    assert!(
        run.stderr.contains("global git configuration"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("every repository"), "{}", run.stderr);
    assert!(run.stderr.contains("--force"), "{}", run.stderr);
    assert!(
        run.stderr.contains(&format!(
            "git config core.hooksPath {}",
            repo.root().join(".git/hooks").display()
        )),
        "{}",
        run.stderr
    );
    assert!(!shared.exists(), "nothing is written when refused");
    assert!(!hooks_dir(&repo).join("pre-commit").exists());

    let run = audit(&["install", "--force", "--hook", "pre-commit"]);
    run.code(0);
    assert!(
        run.stdout.contains("every repository that uses"),
        "{}",
        run.stdout
    );
    assert_eq!(
        fs::read(shared.join("pre-commit")).expect("installed"),
        shipped("pre-commit")
    );

    // A local core.hooksPath wins over the global one, as in git.
    let own = repo.root().join(".git/hooks");
    repo.git(["config", "core.hooksPath", own.to_str().expect("utf-8")]);
    audit(&["install", "--hook", "pre-push"]).code(0);
    assert!(hooks_dir(&repo).join("pre-push").exists());
    assert!(!shared.join("pre-push").exists());
}

#[test]
fn a_hooks_path_given_with_git_dash_c_is_refused() {
    let repo = TestRepo::new();
    let run = Run::from(
        repo.audit_cmd_in(repo.root())
            .env("GIT_CONFIG_PARAMETERS", "'core.hookspath'='/elsewhere'")
            .arg("install")
            .output()
            .expect("run"),
    );
    run.code(2);
    assert!(run.stderr.contains("on the command line"), "{}", run.stderr);
}

#[test]
fn a_linked_worktree_installs_into_the_common_hooks_folder() {
    let repo = TestRepo::new();
    repo.write("README", "one\n");
    repo.commit_all("c1");
    let wt = repo.scratch("wt");
    repo.git([
        "worktree",
        "add",
        "-q",
        "-b",
        "other",
        wt.to_str().expect("utf-8"),
    ]);
    let run = repo.audit_in(&wt, ["install"]);
    run.code(0);
    assert_eq!(
        fs::read(hooks_dir(&repo).join("pre-commit")).expect("in the common dir"),
        shipped("pre-commit")
    );
    assert!(!repo.root().join(".git/worktrees/wt/hooks").exists());
    // Installed once for all worktrees: the main work tree sees it as installed.
    let run = repo.audit(["install"]);
    assert!(run.stdout.contains("already installed"), "{}", run.stdout);
}

#[test]
fn the_shim_fails_loudly_without_git_audit_on_path() {
    let repo = TestRepo::new();
    repo.audit(["install"]).code(0);
    let out = repo
        .git_cmd_in(repo.root())
        .env("PATH", path_without_git_audit())
        .args(["commit", "-q", "--allow-empty", "-m", "x"])
        .output()
        .expect("git commit");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{stderr}");
    assert!(
        stderr.contains(
            "git-audit: the pre-commit hook needs the git-audit program, and it is not on PATH."
        ),
        "{stderr}"
    );
    assert!(
        stderr.contains("cargo install --locked --path ."),
        "{stderr}"
    );
    assert!(stderr.contains("git audit uninstall"), "{stderr}");
    assert!(repo
        .git_output(["rev-parse", "-q", "--verify", "HEAD"])
        .stdout
        .is_empty());

    // The pre-push shim too, run as git runs it.
    let out = Command::new(hooks_dir(&repo).join("pre-push"))
        .args(["origin", "/remote.git"])
        .current_dir(repo.root())
        .env("PATH", path_without_git_audit())
        .stdin(Stdio::null())
        .output()
        .expect("run the shim");
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr)
        .contains("the pre-push hook needs the git-audit program"));
}

#[test]
fn git_merge_runs_the_pre_merge_commit_hook() {
    let repo = TestRepo::new();
    repo.write("a", "1\n");
    repo.commit_all("base");
    repo.git(["switch", "-q", "-c", "side"]);
    repo.write("s", "s\n");
    repo.commit_all("side");
    repo.git(["switch", "-q", "main"]);
    repo.write("m", "m\n");
    repo.commit_all("main");
    repo.audit(["install", "--hook", "pre-merge-commit"])
        .code(0);
    // Without git-audit on PATH the hook fails loudly, and git stops before the merge commit.
    let out = repo
        .git_cmd_in(repo.root())
        .env("PATH", path_without_git_audit())
        .args(["merge", "-q", "--no-edit", "side"])
        .output()
        .expect("git merge");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{stderr}");
    assert!(
        stderr.contains("the pre-merge-commit hook needs the git-audit program"),
        "{stderr}"
    );
    assert!(
        repo.root().join(".git/MERGE_HEAD").exists(),
        "the merge stays in progress"
    );
}

#[test]
fn the_pre_push_chained_hook_and_git_audit_both_read_the_pushed_refs() {
    let (repo, _remote) = with_remote();
    repo.git(["push", "-q", "--no-verify", "origin", "main:old"]);
    let record = repo.scratch("chained-stdin");
    write_hook(
        &hooks_dir(&repo).join("pre-push"),
        &format!(
            "#!/bin/sh\necho \"$1 $2\" > '{0}'\ncat >> '{0}'\n",
            record.display()
        ),
        0o755,
    );
    repo.audit(["install", "--hook", "pre-push"]).code(0);
    // A deletion: the chained hook records it; git-audit reads the same line and finds
    // nothing to check, so the push goes through.
    let out = repo.git_output(["push", "-q", "origin", "--delete", "old"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let seen = fs::read_to_string(&record).expect("chained hook ran");
    let remote = repo.scratch("remote.git");
    assert!(
        seen.starts_with(&format!("origin {}\n", remote.display())),
        "{seen}"
    );
    assert!(
        seen.contains(&format!("(delete) {ZERO} refs/heads/old ")),
        "{seen}"
    );

    // An update of main: git-audit reads it too and runs the check on it (blocked now, as
    // `check` is not there yet; once it is, this clean commit passes). Either way the chained
    // hook saw the line.
    repo.write("README", "two\n");
    repo.commit_all("c2");
    let out = repo.git_output(["push", "-q", "origin", "main"]);
    let seen = fs::read_to_string(&record).expect("chained hook ran");
    let head = rev(&repo, "HEAD");
    assert!(
        seen.contains(&format!("refs/heads/main {head} refs/heads/main ")),
        "{seen}"
    );
    if !out.status.success() {
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains("the push of refs/heads/main to origin"),
            "{stderr}"
        );
    }
}

#[test]
fn pre_push_checks_the_range_of_an_updated_branch() {
    let (repo, _remote) = with_remote();
    let c1 = rev(&repo, "HEAD");
    repo.write("README", "two\n");
    repo.commit_all("c2");
    repo.write("README", "three\n");
    repo.commit_all("c3");
    let c3 = rev(&repo, "HEAD");
    let run = pre_push_plan(
        &repo,
        &format!("refs/heads/main {c3} refs/heads/main {c1}\n"),
        &[],
    );
    run.code(0);
    assert_eq!(
        run.stdout,
        format!("refs/heads/main: git-audit check --range {c1}..{c3}\n")
    );
    // Pushing what the remote already has sends nothing.
    let run = pre_push_plan(
        &repo,
        &format!("refs/heads/main {c1} refs/heads/main {c1}\n"),
        &[],
    );
    run.code(0);
    assert_eq!(
        run.stdout,
        "refs/heads/main: nothing to check: it sends no new commits\n"
    );
}

#[test]
fn pre_push_checks_what_a_new_branch_sends_that_no_remote_has() {
    let (repo, _remote) = with_remote();
    let c1 = rev(&repo, "HEAD");
    repo.write("README", "two\n");
    repo.commit_all("c2 (not pushed)");
    repo.git(["switch", "-q", "-c", "feature"]);
    repo.write("f", "f\n");
    repo.commit_all("f1");
    let f1 = rev(&repo, "HEAD");
    let input = format!("refs/heads/feature {f1} refs/heads/feature {ZERO}\n");
    let run = pre_push_plan(&repo, &input, &[]);
    run.code(0);
    // c2 and f1 are new to every remote; they join the known history at c1.
    assert_eq!(
        run.stdout,
        format!("refs/heads/feature: git-audit check --range {c1}..{f1}\n")
    );

    // A new ref whose commits a remote already has sends nothing new.
    let input = format!("refs/tags/v1 {c1} refs/tags/v1 {ZERO}\n");
    let run = pre_push_plan(&repo, &input, &[]);
    assert_eq!(
        run.stdout,
        "refs/tags/v1: nothing to check: every commit it sends is already on a remote\n"
    );

    // An old remote commit this clone never saw (a force push over someone else's work):
    // checked as a new history.
    let unknown = "1234567890123456789012345678901234567890";
    let input = format!("refs/heads/feature {f1} refs/heads/feature {unknown}\n");
    let run = pre_push_plan(&repo, &input, &[]);
    assert_eq!(
        run.stdout,
        format!("refs/heads/feature: git-audit check --range {c1}..{f1}\n")
    );
}

#[test]
fn pre_push_checks_each_commit_of_a_history_with_no_single_base() {
    // No remote-tracking refs at all: the history starts at a root commit.
    let repo = TestRepo::new();
    repo.write("a", "1\n");
    repo.commit_all("root");
    let root = rev(&repo, "HEAD");
    repo.write("a", "2\n");
    repo.commit_all("second");
    let second = rev(&repo, "HEAD");
    let input = format!("refs/heads/main {second} refs/heads/main {ZERO}\n");
    let run = pre_push_plan(&repo, &input, &[]);
    run.code(0);
    assert_eq!(
        run.stdout,
        format!(
            "refs/heads/main: git-audit check --rev {root}\nrefs/heads/main: git-audit check --rev {second}\n"
        )
    );
}

#[test]
fn pre_push_skips_deletions_and_handles_several_refs() {
    let (repo, _remote) = with_remote();
    let c1 = rev(&repo, "HEAD");
    repo.write("README", "two\n");
    repo.commit_all("c2");
    let c2 = rev(&repo, "HEAD");
    let input = format!(
        "(delete) {ZERO} refs/heads/gone {c1}\nrefs/heads/main {c2} refs/heads/main {c1}\n"
    );
    let run = pre_push_plan(&repo, &input, &[]);
    run.code(0);
    assert_eq!(
        run.stdout,
        format!(
            "(delete): nothing to check: a deletion sends no commits\nrefs/heads/main: git-audit check --range {c1}..{c2}\n"
        )
    );
    // Nothing pushed at all: nothing to check, and no output.
    let run = pre_push_plan(&repo, "", &[]);
    run.code(0);
    assert_eq!(run.stdout, "");
}

#[test]
fn pre_push_refuses_input_that_is_not_gits() {
    let (repo, _remote) = with_remote();
    let run = pre_push_plan(&repo, "refs/heads/main not-a-sha\n", &[]);
    run.code(2);
    assert!(
        run.stderr.contains("line 1 of the pre-push input"),
        "{}",
        run.stderr
    );
}

#[test]
fn pre_push_uses_the_pre_commit_frameworks_range_when_given() {
    let (repo, _remote) = with_remote();
    let c1 = rev(&repo, "HEAD");
    repo.write("README", "two\n");
    repo.commit_all("c2");
    let c2 = rev(&repo, "HEAD");
    let vars = [
        ("PRE_COMMIT", "1"),
        ("PRE_COMMIT_FROM_REF", c1.as_str()),
        ("PRE_COMMIT_TO_REF", c2.as_str()),
        ("PRE_COMMIT_LOCAL_BRANCH", "refs/heads/main"),
    ];
    // The framework has consumed git's lines; whatever is on stdin is ignored.
    let run = pre_push_plan(&repo, "garbage\n", &vars);
    run.code(0);
    assert_eq!(
        run.stdout,
        format!("refs/heads/main: git-audit check --range {c1}..{c2}\n")
    );
    // Pushing a history from its root, the framework gives no range, only the branch.
    let fresh = TestRepo::new();
    fresh.write("a", "1\n");
    fresh.commit_all("root");
    let root = rev(&fresh, "HEAD");
    let run = pre_push_plan(
        &fresh,
        "",
        &[
            ("PRE_COMMIT", "1"),
            ("PRE_COMMIT_LOCAL_BRANCH", "refs/heads/main"),
        ],
    );
    run.code(0);
    assert_eq!(
        run.stdout,
        format!("refs/heads/main: git-audit check --rev {root}\n")
    );
    // prek gives the tip as PRE_COMMIT_TO_REF, without PRE_COMMIT_FROM_REF.
    let run = pre_push_plan(
        &fresh,
        "",
        &[
            ("PRE_COMMIT", "1"),
            ("PRE_COMMIT_TO_REF", root.as_str()),
            ("PRE_COMMIT_LOCAL_BRANCH", "refs/heads/main"),
        ],
    );
    run.code(0);
    assert_eq!(
        run.stdout,
        format!("refs/heads/main: git-audit check --rev {root}\n")
    );
}

#[test]
fn pre_push_reads_the_lines_git_really_writes() {
    let (repo, _remote) = with_remote();
    // Capture git's own input with a plain hook that then stops the push.
    let record = repo.scratch("git-stdin");
    write_hook(
        &hooks_dir(&repo).join("pre-push"),
        &format!("#!/bin/sh\ncat > '{}'\nexit 1\n", record.display()),
        0o755,
    );
    let c1 = rev(&repo, "HEAD");
    repo.git(["switch", "-q", "-c", "topic"]);
    repo.write("t", "t\n");
    repo.commit_all("t1");
    let t1 = rev(&repo, "HEAD");
    let out = repo.git_output(["push", "-q", "origin", "topic", "main:main"]);
    assert!(!out.status.success());
    let input = fs::read_to_string(&record).expect("recorded");
    let run = pre_push_plan(&repo, &input, &[]);
    run.code(0);
    assert!(
        run.stdout.contains(&format!(
            "refs/heads/topic: git-audit check --range {c1}..{t1}\n"
        )),
        "{}",
        run.stdout
    );
}

#[test]
fn the_hook_entry_point_refuses_unknown_hooks() {
    let repo = TestRepo::new();
    let run = repo.audit(["hook", "post-merge"]);
    run.code(2);
    assert!(
        run.stderr.contains("no \"post-merge\" hook"),
        "{}",
        run.stderr
    );
    let run = repo.audit(["hook", "pre-commit", "--dry-run"]);
    run.code(0);
    assert_eq!(run.stdout, "git-audit check\n");
}

// ---- Through the real gate: these need `git audit check` (src/commands/check.rs). ----

/// A governed sequence (built-in defaults govern `**/json-sequences/**/*.json`).
const GOOD: &str = "{\"id\": \"seq\", \"name\": \"Sequence\", \"movements\": []}\n";
const BAD: &str = "{\"id\": \"seq\",\n";

#[test]
fn commits_through_the_installed_hook_are_blocked_or_allowed() {
    let repo = TestRepo::new();
    repo.audit(["install"]).code(0);
    repo.write("json-sequences/seq.json", GOOD);
    repo.git(["add", "-A"]);
    let out = repo.git_output(["commit", "-q", "-m", "good"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    repo.write("json-sequences/seq.json", BAD);
    repo.git(["add", "-A"]);
    let out = repo.git_output(["commit", "-q", "-m", "bad"]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("json-sequences/seq.json"), "{stderr}");
    assert!(stderr.contains("json-syntax"), "{stderr}");
}

#[test]
fn a_passing_chained_hook_and_git_audit_both_run() {
    let repo = TestRepo::new();
    write_hook(
        &hooks_dir(&repo).join("pre-commit"),
        "#!/bin/sh\necho chained > chained-ran\n",
        0o755,
    );
    repo.audit(["install"]).code(0);
    repo.write("json-sequences/seq.json", GOOD);
    repo.git(["add", "json-sequences"]);
    let out = repo.git_output(["commit", "-q", "-m", "good"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(repo.root().join("chained-ran").exists());
    repo.write("json-sequences/seq.json", BAD);
    repo.git(["add", "json-sequences"]);
    let out = repo.git_output(["commit", "-q", "-m", "bad"]);
    assert!(
        !out.status.success(),
        "git-audit ran after the chained hook"
    );
}

#[test]
fn a_blocked_merge_commit_says_how_to_go_on() {
    let repo = TestRepo::new();
    repo.write("json-sequences/seq.json", GOOD);
    repo.commit_all("base");
    repo.git(["switch", "-q", "-c", "side"]);
    repo.write(
        "json-sequences/other.json",
        GOOD.replace("\"seq\"", "\"other\""),
    );
    repo.commit_all("side");
    repo.git(["switch", "-q", "main"]);
    repo.write("README", "main\n");
    repo.commit_all("main");
    repo.audit(["install"]).code(0);
    repo.git(["merge", "-q", "--no-commit", "--no-ff", "side"]);
    // The merge result is what is checked: break it before concluding the merge.
    repo.write("json-sequences/other.json", BAD);
    repo.git(["add", "-A"]);
    let out = repo.git_output(["commit", "-q", "--no-edit"]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("during a merge in progress"), "{stderr}");
    assert!(stderr.contains("git merge --abort"), "{stderr}");
    // Fixed, the merge commit goes through.
    repo.write(
        "json-sequences/other.json",
        GOOD.replace("\"seq\"", "\"other\""),
    );
    repo.git(["add", "-A"]);
    let out = repo.git_output(["commit", "-q", "--no-edit"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn a_clean_git_merge_is_checked_by_pre_merge_commit() {
    let repo = TestRepo::new();
    repo.write("json-sequences/seq.json", GOOD);
    repo.commit_all("base");
    repo.git(["switch", "-q", "-c", "side"]);
    repo.write("json-sequences/other.json", BAD);
    repo.commit_all("side brings a broken file (committed with --no-verify)");
    repo.git(["switch", "-q", "main"]);
    repo.write("README", "main\n");
    repo.commit_all("main");
    repo.audit(["install"]).code(0);
    let out = repo.git_output(["merge", "-q", "--no-edit", "side"]);
    assert!(!out.status.success(), "the merge commit was made");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("json-sequences/other.json"), "{stderr}");
    assert!(stderr.contains("the merge is not committed"), "{stderr}");
    assert!(repo.root().join(".git/MERGE_HEAD").exists());
    // Fixed, `git commit` concludes the merge (through pre-commit).
    repo.write(
        "json-sequences/other.json",
        GOOD.replace("\"seq\"", "\"other\""),
    );
    repo.git(["add", "-A"]);
    let out = repo.git_output(["commit", "-q", "--no-edit"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        repo.git(["rev-list", "--count", "--merges", "HEAD"]).trim(),
        "1"
    );
}

#[test]
fn pushes_through_the_installed_hook_are_blocked_or_allowed() {
    let (repo, remote) = with_remote();
    repo.audit(["install"]).code(0);
    repo.write("json-sequences/seq.json", GOOD);
    repo.commit_all("good");
    let out = repo.git_output(["push", "-q", "origin", "main"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // A bad commit made with --no-verify is caught by the push.
    repo.git(["switch", "-q", "-c", "topic"]);
    repo.write("json-sequences/seq.json", BAD);
    repo.commit_all("bad, committed with --no-verify");
    let out = repo.git_output(["push", "-q", "origin", "topic"]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("the push of refs/heads/topic to origin is blocked"),
        "{stderr}"
    );
    let branches = repo.git_in(&remote, ["branch", "--list", "topic"]);
    assert!(branches.is_empty(), "the remote got the branch: {branches}");
}
