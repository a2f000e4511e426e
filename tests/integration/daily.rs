//! Daily use (issue 11, items 5–10): help and the man page, quiet output, fingerprints that
//! survive a reworded message, release notes that agree with `check`, locks under partial
//! staging, and the smaller items.

use crate::fixtures::{domain, good_registry, sequence, REGISTRY, SEQ_A, SEQ_B};
use crate::support::{sha256_hex, Run, TestRepo};

/// Runs git-audit with a fixed date, as the gate tests do.
fn audit(repo: &TestRepo, args: &[&str]) -> Run {
    repo.audit_env(
        repo.root(),
        &[("GIT_AUDIT_TODAY", std::ffi::OsStr::new("2026-01-02"))],
        args,
    )
}

/// A registry of `a` and `b` and three sequences, one of which (`c`) no registry lists: one
/// `registry-missing-sequence` finding, committed. Built-in defaults.
fn one_old_problem() -> TestRepo {
    let repo = TestRepo::new();
    repo.write(REGISTRY, good_registry(&["a", "b"]));
    repo.write(SEQ_A, sequence("a", &["m1"]));
    repo.write(SEQ_B, sequence("b", &["m1", "m2"]));
    repo.write("packages/x/json-sequences/c.json", sequence("c", &["m1"]));
    repo.commit_all("an old problem");
    repo
}

// ---- 6. Noise ---------------------------------------------------------------------------------

#[test]
fn item_06_suppressed_findings_are_a_count_and_a_flag_lists_them() {
    let repo = one_old_problem();
    audit(&repo, &["check", "--all"])
        .code(1)
        .stdout_has("error[registry-missing-sequence]");
    audit(&repo, &["baseline"]).code(0);
    repo.commit_all("baseline");

    let run = audit(&repo, &["check", "--all"]);
    run.code(0)
        .stdout_has("1 suppressed by waivers or the baseline (`--show-suppressed` lists them)");
    assert!(
        !run.stdout.contains("registry-missing-sequence"),
        "a suppressed finding is listed by default:\n{}",
        run.stdout
    );
    audit(&repo, &["check", "--all", "--show-suppressed"])
        .code(0)
        .stdout_has("suppressed error[registry-missing-sequence]");
    // JSON always carries them.
    let json = audit(&repo, &["check", "--all", "--format", "json"]).json();
    assert_eq!(json["findings"][0]["suppressed"]["kind"], "baseline");
}

#[test]
fn item_06_lock_prints_what_changed_and_the_rest_under_verbose() {
    let repo = one_old_problem();
    audit(&repo, &["lock", "--stage"]).code(0);
    repo.commit_all("locked");
    // Re-lock after one edit: one line for what changed, a count for the rest.
    repo.write(SEQ_A, sequence("a", &["m1", "m2"]));
    repo.git(["add", SEQ_A]);
    let run = audit(&repo, &["lock", "--stage"]);
    run.code(0)
        .stdout_has(&format!("locked {SEQ_A} in audit.lock"))
        .stdout_has("3 other artifacts were already locked (`-v` lists them)");
    assert!(
        !run.stdout.contains(": already locked"),
        "unchanged artifacts listed without -v:\n{}",
        run.stdout
    );
    audit(&repo, &["lock", "-v"])
        .code(0)
        .stdout_has(&format!("{REGISTRY}: already locked"));
}

#[test]
fn item_06_from_a_hook_nothing_is_printed_when_all_is_well() {
    let repo = TestRepo::new();
    repo.write(REGISTRY, good_registry(&["a", "b"]));
    repo.write(SEQ_A, sequence("a", &["m1"]));
    repo.write(SEQ_B, sequence("b", &["m1"]));
    repo.commit_all("base");
    audit(&repo, &["install"]).code(0);
    // A structural change: the hook records a changelog entry, and says nothing.
    repo.write(REGISTRY, good_registry(&["a", "b", "c"]));
    repo.write("packages/x/json-sequences/c.json", sequence("c", &["m1"]));
    repo.git(["add", "-A"]);
    for quiet in [false, true] {
        let mut args = vec!["commit", "-m", "add c"];
        if quiet {
            args = vec!["commit", "-q", "--amend", "-m", "add c"];
        }
        let run = repo.git_run(args);
        run.code(0);
        assert_eq!(run.stderr, "", "the hook spoke although all is well");
    }
    let log = repo.git(["show", "--stat", "HEAD"]);
    assert!(
        log.contains("EVOLUTION.md"),
        "no changelog entry recorded:\n{log}"
    );
}

// ---- 7. Fingerprints ----------------------------------------------------------------------------

/// Two registries, a sequence neither lists: `registry-missing-sequence` names both in its
/// message.
fn two_registries(registries: &[&str]) -> String {
    let mut text = String::new();
    for r in registries {
        text.push_str(&format!(
            "[[artifact]]\npath = \"{r}\"\nkind = \"registry\"\n\n"
        ));
    }
    text.push_str("[[artifact]]\npath = \"seq/*.json\"\nkind = \"sequence\"\n");
    text
}

#[test]
fn item_07_a_reworded_message_keeps_its_baselined_fingerprint() {
    let repo = TestRepo::new();
    repo.write("audit.toml", two_registries(&["r1.json", "r2.json"]));
    repo.write("r1.json", good_registry(&["a", "b"]));
    repo.write("r2.json", good_registry(&["z"]));
    repo.write("seq/a.json", sequence("a", &["m1"]));
    repo.write("seq/b.json", sequence("b", &["m1"]));
    repo.write("seq/c.json", sequence("c", &["m1"]));
    repo.commit_all("base");
    audit(&repo, &["check", "--all"])
        .code(1)
        .stdout_has("has no domain in r1.json, r2.json");
    audit(&repo, &["baseline"]).code(0);
    let baseline = repo.read("audit-baseline.json");
    assert!(baseline.contains("\"version\": 2"), "{baseline}");
    repo.commit_all("baseline");
    audit(&repo, &["check", "--all"]).code(0);

    // Stop governing r2.json: the message loses a name, the finding is the same one.
    repo.write("audit.toml", two_registries(&["r1.json"]));
    repo.git(["add", "-A"]);
    let json = audit(&repo, &["check", "--all", "--format", "json"]);
    json.code(0);
    let v = json.json();
    let findings = v["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 1, "{v:#}");
    let f = &findings[0];
    assert_eq!(f["rule"], "registry-missing-sequence");
    assert!(
        f["message"].as_str().unwrap().ends_with("in r1.json"),
        "{f}"
    );
    assert_eq!(f["suppressed"]["kind"], "baseline", "{v:#}");
    assert_eq!(f["subject"], "c");
}

#[test]
fn item_07_a_version_1_baseline_still_holds_and_says_to_rewrite_it() {
    let repo = one_old_problem();
    let json = audit(&repo, &["check", "--all", "--format", "json"]).json();
    let f = &json["findings"][0];
    // What git-audit 0.1 wrote: rule, path, pointer and the message with hashes masked.
    let message = f["message"].as_str().unwrap();
    let legacy = sha256_hex(format!(
        "registry-missing-sequence\0{}\0\0{message}",
        f["path"].as_str().unwrap()
    ));
    repo.write(
        "audit-baseline.json",
        serde_json::json!({"version": 1, "findings": [{
            "fingerprint": &legacy[..16], "rule": "registry-missing-sequence",
            "path": f["path"], "pointer": "", "message": message,
        }]})
        .to_string(),
    );
    repo.git(["add", "-A"]);
    audit(&repo, &["check", "--all"])
        .code(0)
        .stderr_has("version-1 baseline")
        .stderr_has("run `git audit baseline` to rewrite it");
    audit(&repo, &["baseline"]).code(0);
    repo.git(["add", "-A"]);
    let run = audit(&repo, &["check", "--all"]);
    run.code(0);
    assert!(!run.stderr.contains("version-1"), "{}", run.stderr);
}

// ---- 5. Help, the manual and completions --------------------------------------------------------

#[test]
fn item_05_help_is_a_subcommand() {
    let repo = TestRepo::new();
    audit(&repo, &["help", "check"])
        .code(0)
        .stdout_has("Usage: git-audit check");
    audit(&repo, &["help"]).code(0).stdout_has("release-notes");
}

#[test]
fn item_05_git_audit_help_opens_the_installed_manual_page() {
    let repo = TestRepo::new();
    let dir = repo.scratch("man");
    let run = audit(&repo, &["man", "--install", "--dir", dir.to_str().unwrap()]);
    run.code(0).stdout_has("installed ");
    for page in ["git-audit.1", "git-audit-check.1", "git-audit-lock.1"] {
        let text = std::fs::read_to_string(dir.join("man1").join(page)).expect(page);
        assert!(text.contains(".TH git-audit"), "{page}:\n{text}");
    }
    // Installing again replaces its own pages; a page someone else wrote is left alone.
    audit(&repo, &["man", "--install", "--dir", dir.to_str().unwrap()]).code(0);
    std::fs::write(dir.join("man1/git-audit-check.1"), "hand-written\n").unwrap();
    audit(&repo, &["man", "--install", "--dir", dir.to_str().unwrap()])
        .code(2)
        .stderr_has("is not a git-audit page");
    assert_eq!(
        std::fs::read_to_string(dir.join("man1/git-audit-check.1")).unwrap(),
        "hand-written\n"
    );
    std::fs::remove_file(dir.join("man1/git-audit-check.1")).unwrap();
    audit(&repo, &["man", "--install", "--dir", dir.to_str().unwrap()]).code(0);

    // `man git-audit` prints the main page.
    audit(&repo, &["man"]).code(0).stdout_has(".TH git-audit 1");
    // git routes `--help` to `man git-audit`.
    if std::process::Command::new("man")
        .arg("-w")
        .arg("man")
        .output()
        .is_err()
    {
        println!("skipped: no `man` on this machine");
        return;
    }
    let help = Run::from(
        repo.git_cmd_in(repo.root())
            .env("MANPATH", &dir)
            .env("MANPAGER", "cat")
            .env("PAGER", "cat")
            .args(["audit", "--help"])
            .output()
            .expect("run git"),
    );
    help.code(0).stdout_has("git-audit");
    assert!(!help.stderr.contains("No manual entry"), "{}", help.stderr);
}

#[test]
fn item_05_completions_for_each_shell() {
    let repo = TestRepo::new();
    for (shell, marker) in [
        ("bash", "complete -F"),
        ("zsh", "#compdef git-audit"),
        ("fish", "complete -c git-audit"),
        ("elvish", "edit:completion"),
        ("powershell", "Register-ArgumentCompleter"),
    ] {
        let run = audit(&repo, &["completions", shell]);
        run.code(0).stdout_has(marker).stdout_has("release-notes");
    }
    audit(&repo, &["completions", "tcsh"]).code(2);
}

// ---- 10. Smaller items ---------------------------------------------------------------------------

#[test]
fn item_10_a_format_refusal_lists_the_formats() {
    let repo = one_old_problem();
    audit(&repo, &["lock", "--format", "sarif"])
        .code(2)
        .stderr_has("`lock` writes human output, not sarif");
    audit(&repo, &["check", "--format", "markdown"])
        .code(2)
        .stderr_has("writes human, json, sarif, github or junit output, not markdown");
}

#[test]
fn item_10_changelog_verify_reports_its_failure_when_stdout_is_closed() {
    let repo = one_old_problem();
    // The base commit changed the registry structurally and recorded no entry.
    audit(&repo, &["changelog", "verify"])
        .code(1)
        .stdout_has("changelog-missing");
    // `git audit changelog verify | head -0`, the reader gone before the first line: the
    // status still says the history is not clean.
    let script = format!(
        "(sleep 1; {} changelog verify; echo $? > code) | true",
        crate::support::bin().display()
    );
    let mut sh = std::process::Command::new("sh");
    crate::support::hermetic(&mut sh, &repo.home());
    let run = Run::from(
        sh.current_dir(repo.root())
            .args(["-c", &script])
            .output()
            .expect("run sh"),
    );
    run.code(0);
    assert_eq!(repo.read("code").trim(), "1", "stderr: {}", run.stderr);
}

#[test]
fn item_10_outside_a_repository_the_error_has_no_libgit2_internals() {
    let repo = TestRepo::new();
    let outside = repo.scratch("nowhere");
    std::fs::create_dir_all(&outside).unwrap();
    let run = repo.audit_env(
        &outside,
        &[("GIT_CEILING_DIRECTORIES", repo.scratch("").as_os_str())],
        ["check"],
    );
    run.code(2).stderr_has("error:");
    assert!(
        !run.stderr.contains("class=") && !run.stderr.contains("code="),
        "{}",
        run.stderr
    );
}

#[test]
fn item_10_the_demo_installs_the_hooks_before_the_first_commit_and_shows_the_entry() {
    let repo = TestRepo::new();
    let dir = repo.scratch("demo");
    let run = audit(&repo, &["demo", dir.to_str().unwrap(), "--color", "never"]);
    run.code(0);
    let out = &run.stdout;
    let installed = out.find("$ git audit install").expect("install shown");
    let first_commit = out.find("$ git commit").expect("a commit shown");
    assert!(
        installed < first_commit,
        "hooks installed after a commit:\n{out}"
    );
    // The entry itself, not only its id: its heading and the transition it records.
    let shown = out
        .find("the entry the hook recorded")
        .expect("the entry is announced");
    let entry = &out[shown..];
    assert!(entry.contains("canvas-copy"), "{entry}");
    assert!(
        entry.contains("## "),
        "no entry heading after the announcement:\n{entry}"
    );
}

#[test]
fn item_10_a_blocked_push_says_how_to_fix_a_commit_already_made() {
    let repo = one_old_problem();
    audit(&repo, &["baseline"]).code(0);
    audit(&repo, &["lock", "--stage"]).code(0);
    repo.commit_all("locked, baselined");
    let remote = repo.scratch("remote.git");
    repo.git([
        "init",
        "-q",
        "--bare",
        "-b",
        "main",
        remote.to_str().unwrap(),
    ]);
    repo.git(["remote", "add", "origin", remote.to_str().unwrap()]);
    repo.git(["push", "-q", "--no-verify", "origin", "main"]);
    audit(&repo, &["install"]).code(0);
    // An edit without a re-lock, committed with --no-verify.
    repo.write(SEQ_A, sequence("a", &["m1", "m2"]));
    repo.commit_all("unlocked edit");
    let out = repo.git_run(["push", "-q", "origin", "main"]);
    assert_ne!(out.code, 0, "{}", out.stderr);
    out.stdout_has("lockfile-mismatch")
        .stderr_has("commits already made")
        .stderr_has("`git audit changelog record --amend` and `git commit --amend --no-edit`");
    // The advice works: re-lock, record, amend, push.
    audit(&repo, &["lock", SEQ_A, "--stage"]).code(0);
    audit(&repo, &["changelog", "record", "--amend"]).code(0);
    repo.git_run(["commit", "-q", "--amend", "--no-edit"])
        .code(0);
    repo.git_run(["push", "-q", "origin", "main"]).code(0);
    audit(&repo, &["changelog", "verify", "--range", "HEAD~1..HEAD"]).code(0);
}

// ---- 9. Partial staging and locks --------------------------------------------------------------

/// A locked world with the hooks installed; SEQ_A is then edited twice: the first edit staged,
/// the second only in the working tree.
fn partly_staged(path: &str, staged: &str, unstaged: &str) -> TestRepo {
    let repo = one_old_problem();
    audit(&repo, &["baseline"]).code(0);
    audit(&repo, &["lock", "--stage"]).code(0);
    repo.commit_all("locked");
    audit(&repo, &["install"]).code(0);
    repo.write(path, staged);
    repo.git(["add", path]);
    repo.write(path, unstaged);
    repo
}

#[test]
fn item_09_lock_stage_locks_what_is_staged_and_keeps_the_rest_unstaged() {
    let staged = sequence("a", &["m1", "m2"]);
    let unstaged = sequence("a", &["m1", "m2", "m3"]);
    let repo = partly_staged(SEQ_A, &staged, &unstaged);
    audit(&repo, &["check"])
        .code(1)
        .stdout_has("lockfile-mismatch");
    audit(&repo, &["lock", SEQ_A, "--stage"])
        .code(0)
        .stdout_has(&format!("locked the staged {SEQ_A} in audit.lock"));
    assert_eq!(repo.staged(SEQ_A), staged, "the staged copy changed");
    assert_eq!(repo.read(SEQ_A), unstaged, "the unstaged work was touched");
    assert_eq!(
        repo.staged("audit.lock"),
        repo.read("audit.lock"),
        "audit.lock differs between the index and the working tree"
    );
    audit(&repo, &["check"]).code(0);
    repo.commit("two movements").code(0);
    // What was not staged is still not staged.
    assert_eq!(repo.git(["diff", "--name-only"]).trim(), SEQ_A);
    assert_eq!(repo.read(SEQ_A), unstaged);
}

#[test]
fn item_09_after_a_lock_without_stage_the_hint_leads_to_a_commit() {
    let staged = sequence("a", &["m1", "m2"]);
    let unstaged = sequence("a", &["m1", "m2", "m3"]);
    let repo = partly_staged(SEQ_A, &staged, &unstaged);
    // Without --stage: the working tree's copy is locked, and the lock says what that means.
    audit(&repo, &["lock", SEQ_A]).code(0).stdout_has(&format!(
        "to lock what is staged, `git audit lock {SEQ_A} --stage`"
    ));
    repo.git(["add", "audit.lock"]);
    let head = repo.head();
    let run = repo.commit("blocked");
    assert_ne!(run.code, 0);
    assert_eq!(repo.head(), head);
    run.stderr_has(&format!("git audit lock {SEQ_A} --stage"));
    // The hint, followed, makes the commit pass.
    audit(&repo, &["lock", SEQ_A, "--stage"]).code(0);
    repo.commit("now it passes").code(0);
    assert_eq!(repo.read(SEQ_A), unstaged);
}

#[test]
fn item_09_an_embedded_lock_is_written_into_the_staged_blob_and_the_working_copy() {
    let repo = TestRepo::new();
    repo.write(REGISTRY, good_registry(&["a", "b"]));
    repo.write(SEQ_A, sequence("a", &["m1"]));
    repo.write(SEQ_B, sequence("b", &["m1"]));
    audit(&repo, &["lock"]).code(0);
    repo.commit_all("locked");
    let locked = repo.read(REGISTRY);
    assert!(
        locked.contains("\"integrity\""),
        "no embedded lock:\n{locked}"
    );
    audit(&repo, &["install"]).code(0);
    // Stage domain x; domain y stays in the working tree only.
    let b = domain("b");
    let staged = locked.replace(&b, &format!("{b},\n    {}", domain("x")));
    let unstaged = locked.replace(
        &b,
        &format!("{b},\n    {},\n    {}", domain("x"), domain("y")),
    );
    repo.write(REGISTRY, &staged);
    repo.git(["add", REGISTRY]);
    repo.write(REGISTRY, &unstaged);
    audit(&repo, &["check"]).code(1).stdout_has("lock-mismatch");

    audit(&repo, &["lock", REGISTRY, "--stage"])
        .code(0)
        .stdout_has(&format!(
            "locked the staged {REGISTRY} (embedded `integrity`"
        ));
    audit(&repo, &["check"]).code(0);
    // The working copy carries the same block: its diff to the index is domain y alone.
    let diff = repo.git(["diff", "-U0", "--", REGISTRY]);
    let changed: Vec<&str> = diff
        .lines()
        .filter(|l| {
            (l.starts_with('+') || l.starts_with('-'))
                && !l.starts_with("+++")
                && !l.starts_with("---")
        })
        .collect();
    assert!(
        changed
            .iter()
            .all(|l| !l.contains("integrity") && !l.contains("sha256")),
        "the lock differs between the index and the working copy:\n{diff}"
    );
    assert!(changed.iter().any(|l| l.contains("\"y\"")), "{diff}");
    repo.commit("add x").code(0);
    assert!(
        repo.read(REGISTRY).contains("\"id\": \"y\""),
        "the unstaged domain was lost"
    );
}

// ---- 8. release-notes agrees with check ----------------------------------------------------------

#[test]
fn item_08_release_notes_use_checks_verdict_and_bump_only_changed_registries() {
    let repo = one_old_problem();
    repo.git(["tag", "A"]);
    audit(&repo, &["baseline"]).code(0);
    // A handler rename in a sequence: breaking, but the registry does not change.
    repo.write(
        SEQ_B,
        sequence("b", &["m1", "m2"]).replace("m1Handler", "renamedHandler"),
    );
    repo.commit_all("baseline, rename a handler");
    audit(&repo, &["check", "--all"]).code(0);
    let v = audit(&repo, &["release-notes", "A..HEAD", "--format", "json"]).json();
    assert_eq!(v["status"]["errors"], 0, "{v:#}");
    assert_eq!(v["status"]["suppressed"], 1, "{v:#}");
    assert!(!v["breaking"].as_array().unwrap().is_empty(), "{v:#}");
    assert_eq!(v["bump"], serde_json::json!([]), "{v:#}");
    let md = audit(&repo, &["release-notes", "A..HEAD"]);
    md.code(0)
        .stdout_has("0 errors, 0 warnings, 1 suppressed by waivers or the baseline ✅");
    assert!(!md.stdout.contains("Suggested"), "{}", md.stdout);

    // A registry change: its own version, named, at its own level.
    let versioned = |ids: &[&str]| {
        good_registry(ids).replace("\"generated\"", "\"version\": \"1.2.3\", \"generated\"")
    };
    repo.write(REGISTRY, versioned(&["a", "b"]));
    repo.commit_all("a version");
    repo.write(REGISTRY, versioned(&["a", "b", "c"]));
    repo.commit_all("add a domain");
    let v = audit(
        &repo,
        &["release-notes", "HEAD~1..HEAD", "--format", "json"],
    )
    .json();
    assert_eq!(v["bump"][0]["path"], REGISTRY, "{v:#}");
    audit(&repo, &["release-notes", "HEAD~1..HEAD"])
        .code(0)
        .stdout_has(&format!(
            "Suggested `metadata.version` of `{REGISTRY}` (for its own changes): 1.2.3 → **1.3.0** (minor)"
        ));
}
