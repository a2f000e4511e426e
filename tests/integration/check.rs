//! Integration tests: `git audit check` as the pre-commit gate, through the real `git commit`
//! with a hand-written hook, and its other modes (`--all`, `--rev`, `--range`, `--worktree`).

use crate::fixtures::*;
use crate::support::{TestRepo, GATE_HOOK};

// ---------------------------------------------------------------------------------------------
// One blocked and one allowed commit per rule.
// ---------------------------------------------------------------------------------------------

#[test]
fn json_syntax_blocks_and_valid_json_commits() {
    let repo = gated_repo();
    let head = repo.head();
    repo.write(REGISTRY, syntax_error_registry(&["a", "b", "c"]));
    repo.git(["add", REGISTRY]);
    let run = repo.commit("break the registry");
    assert_blocked(&repo, &run, &head);
    // Domains on lines 4..=6; the trailing comma makes the `]` on line 7 unexpected.
    let line = run.finding("json-syntax", REGISTRY, 7);
    assert!(line.starts_with(&format!("{REGISTRY}:7:3: ")), "{line}");
    assert!(run.all().contains("hint: "), "{}", run.all());
    assert!(run.all().contains("1 error"), "{}", run.all());

    repo.write(REGISTRY, good_registry(&["a", "b", "c"]));
    repo.git(["add", REGISTRY]);
    let run = repo.commit("add domain c");
    assert_committed(&repo, &run, &head);
    run.no_findings();
    assert!(
        run.all().contains("git-audit: no findings"),
        "{}",
        run.all()
    );
}

#[test]
fn json_duplicate_key_blocks_and_repeated_keys_in_other_objects_commit() {
    let repo = gated_repo();
    let head = repo.head();
    let dup = "{\n  \"id\": \"a\",\n  \"movements\": [],\n  \"id\": \"again\"\n}\n";
    repo.write(SEQ_A, dup);
    repo.git(["add", SEQ_A]);
    let run = repo.commit("duplicate key");
    assert_blocked(&repo, &run, &head);
    let line = run.finding("json-duplicate-key", SEQ_A, 4);
    assert!(line.contains("id"), "{line}");

    // The same member name in two different objects is not a duplicate.
    repo.write(SEQ_A, sequence("a", &["m1", "m2", "m3"]));
    repo.git(["add", SEQ_A]);
    let run = repo.commit("more movements");
    assert_committed(&repo, &run, &head);
    run.no_findings();
}

#[test]
fn json_limits_blocks_too_deep_and_too_large_and_allows_within_limits() {
    let repo = TestRepo::new();
    repo.write(
        "audit.toml",
        "[limits]\nmax-depth = 4\nmax-file-size = 200\n\n[[artifact]]\npath = \"data/*.json\"\nkind = \"json\"\n",
    );
    repo.write("data/ok.json", "{\"a\": 1}\n");
    repo.commit_all("base");
    repo.install_gate_hook();
    let head = repo.head();

    // Depth 5 (four nested arrays in an object) against max-depth = 4.
    repo.write("data/deep.json", "{\"a\": [[[[1]]]]}\n");
    repo.git(["add", "data/deep.json"]);
    let run = repo.commit("too deep");
    assert_blocked(&repo, &run, &head);
    let lines = run.finding_lines("json-limits");
    assert_eq!(lines.len(), 1, "{}", run.all());
    assert!(lines[0].starts_with("data/deep.json:1:"), "{}", lines[0]);
    repo.git(["rm", "-q", "--cached", "data/deep.json"]);

    // 201 bytes against max-file-size = 200.
    let big = format!("{{\"a\": \"{}\"}}\n", "x".repeat(201 - 10));
    assert_eq!(big.len(), 201);
    repo.write("data/big.json", &big);
    repo.git(["add", "data/big.json"]);
    let run = repo.commit("too large");
    assert_blocked(&repo, &run, &head);
    let lines = run.finding_lines("json-limits");
    assert_eq!(lines.len(), 1, "{}", run.all());
    assert!(lines[0].starts_with("data/big.json:"), "{}", lines[0]);
    repo.git(["rm", "-q", "--cached", "data/big.json"]);

    // Exactly at both limits: depth 4, 200 bytes.
    let fits = format!("{{\"a\": [[[\"{}\"]]]}}\n", "y".repeat(200 - 16));
    assert_eq!(fits.len(), 200);
    repo.write("data/fits.json", &fits);
    repo.git(["add", "data/fits.json"]);
    let run = repo.commit("within limits");
    assert_committed(&repo, &run, &head);
    run.no_findings();
}

#[test]
fn artifact_type_blocks_a_symlink_at_a_governed_path() {
    let repo = gated_repo();
    let head = repo.head();
    repo.write("elsewhere.json", good_registry(&["a"]));
    std::fs::remove_file(repo.root().join(REGISTRY)).unwrap();
    std::os::unix::fs::symlink("elsewhere.json", repo.root().join(REGISTRY)).unwrap();
    repo.git(["add", "-A"]);
    let run = repo.commit("registry as a link");
    assert_blocked(&repo, &run, &head);
    let line = run.finding("artifact-type", REGISTRY, 1);
    assert!(line.contains("symbolic link"), "{line}");

    // A symlink at a path nothing governs is none of git-audit's business.
    std::fs::remove_file(repo.root().join(REGISTRY)).unwrap();
    repo.write(REGISTRY, good_registry(&["a", "b"]));
    std::os::unix::fs::symlink("elsewhere.json", repo.root().join("link.json")).unwrap();
    repo.git(["add", "-A"]);
    let run = repo.commit("an ungoverned link");
    assert_committed(&repo, &run, &head);
    run.no_findings();
}

#[test]
fn artifact_type_blocks_an_lfs_pointer_and_a_submodule() {
    let repo = gated_repo();
    let head = repo.head();
    repo.write(
        SEQ_A,
        "version https://git-lfs.github.com/spec/v1\noid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\nsize 12345\n",
    );
    repo.git(["add", SEQ_A]);
    let run = repo.commit("lfs pointer");
    assert_blocked(&repo, &run, &head);
    let line = run.finding("artifact-type", SEQ_A, 1);
    assert!(line.contains("LFS"), "{line}");
    repo.git(["checkout", "HEAD", "--", SEQ_A]);

    // A gitlink (submodule entry) at a governed path.
    let sub = "packages/x/json-sequences/sub.json";
    let commit = head.clone().unwrap();
    repo.git([
        "update-index",
        "--add",
        "--cacheinfo",
        &format!("160000,{commit},{sub}"),
    ]);
    let run = repo.commit("submodule");
    assert_blocked(&repo, &run, &head);
    let line = run.finding("artifact-type", sub, 1);
    assert!(line.contains("submodule"), "{line}");
    repo.git(["rm", "-q", "--cached", sub]);

    // The same kind of content at a path nothing governs commits.
    repo.write(
        "assets/blob.json",
        "version https://git-lfs.github.com/spec/v1\noid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\nsize 12345\n",
    );
    repo.git(["add", "assets/blob.json"]);
    let run = repo.commit("ungoverned pointer");
    assert_committed(&repo, &run, &head);
    run.no_findings();
}

#[test]
fn id_missing_blocks_a_domain_and_a_sequence_without_id() {
    let repo = gated_repo();
    let head = repo.head();
    let no_id = domain("c").replace(r#""id": "c", "#, "");
    repo.write(
        REGISTRY,
        registry(Layout::Lines, &[domain("a"), domain("b"), no_id]),
    );
    repo.git(["add", REGISTRY]);
    let run = repo.commit("domain without id");
    assert_blocked(&repo, &run, &head);
    let line = run.finding("id-missing", REGISTRY, domain_line(2));
    assert!(
        line.starts_with(&format!("{REGISTRY}:{}:5: ", domain_line(2))),
        "{line}"
    );
    assert!(run.all().contains("at /domains/2"), "{}", run.all());
    assert_eq!(
        run.finding_lines("required-field").len(),
        0,
        "{}",
        run.all()
    );

    repo.write(REGISTRY, good_registry(&["a", "b"]));
    repo.write(
        SEQ_A,
        sequence("a", &["m1"]).replace("  \"id\": \"a\",\n", ""),
    );
    repo.git(["add", "-A"]);
    let run = repo.commit("sequence without id");
    assert_blocked(&repo, &run, &head);
    run.finding("id-missing", SEQ_A, 1);

    repo.write(SEQ_A, sequence("a", &["m1", "m9"]));
    repo.git(["add", "-A"]);
    let run = repo.commit("ids everywhere");
    assert_committed(&repo, &run, &head);
    run.no_findings();
}

#[test]
fn id_duplicate_blocks_repeated_domain_and_movement_ids() {
    let repo = gated_repo();
    let head = repo.head();
    repo.write(REGISTRY, good_registry(&["a", "b", "a"]));
    repo.git(["add", REGISTRY]);
    let run = repo.commit("duplicate domain id");
    assert_blocked(&repo, &run, &head);
    // Reported at the second occurrence's id member.
    let line = run.finding("id-duplicate", REGISTRY, domain_line(2));
    assert!(line.contains("/domains/0"), "{line}");
    assert!(run.all().contains("at /domains/2/id"), "{}", run.all());

    repo.write(REGISTRY, good_registry(&["a", "b"]));
    repo.write(SEQ_B, sequence("b", &["m1", "m2", "m1"]));
    repo.git(["add", "-A"]);
    let run = repo.commit("duplicate movement id");
    assert_blocked(&repo, &run, &head);
    run.finding("id-duplicate", SEQ_B, 6);

    // The same id in two different sequences is fine, as are distinct ids.
    repo.write(SEQ_B, sequence("b", &["m1", "m2", "m3"]));
    repo.write(REGISTRY, good_registry(&["a", "b", "c"]));
    repo.git(["add", "-A"]);
    let run = repo.commit("distinct ids");
    assert_committed(&repo, &run, &head);
    run.no_findings();
}

#[test]
fn required_field_blocks_an_incomplete_domain_and_is_configurable() {
    let repo = gated_repo();
    let head = repo.head();
    let partial = domain("c").replace(r#", "tempo": 120, "key": "C Major""#, "");
    repo.write(
        REGISTRY,
        registry(Layout::Lines, &[domain("a"), domain("b"), partial.clone()]),
    );
    repo.git(["add", REGISTRY]);
    let run = repo.commit("incomplete domain");
    assert_blocked(&repo, &run, &head);
    let line = run.finding("required-field", REGISTRY, domain_line(2));
    assert!(line.contains("`tempo`") && line.contains("`key`"), "{line}");
    assert!(!line.contains("`name`"), "{line}");

    // With required-fields narrowed in audit.toml the same domain is complete.
    repo.write(
        "audit.toml",
        "[[artifact]]\npath = \"orchestration-domains.json\"\nkind = \"registry\"\nrequired-fields = [\"id\", \"name\"]\n\n[[artifact]]\npath = \"**/json-sequences/**/*.json\"\nkind = \"sequence\"\n",
    );
    repo.git(["add", "-A"]);
    let run = repo.commit("narrow the required fields");
    assert_committed(&repo, &run, &head);
    run.no_findings();

    // And widened: a field every domain must now carry.
    let head = repo.head();
    repo.write(
        "audit.toml",
        "[[artifact]]\npath = \"orchestration-domains.json\"\nkind = \"registry\"\nrequired-fields = [\"id\", \"name\", \"owner\"]\n\n[[artifact]]\npath = \"**/json-sequences/**/*.json\"\nkind = \"sequence\"\n",
    );
    repo.git(["add", "-A"]);
    let run = repo.commit("require an owner");
    assert_blocked(&repo, &run, &head);
    assert_eq!(
        run.finding_lines("required-field").len(),
        3,
        "{}",
        run.all()
    );
    let line = run.finding("required-field", REGISTRY, domain_line(0));
    assert!(line.contains("`owner`"), "{line}");
}

#[test]
fn required_field_for_sequences() {
    let repo = gated_repo();
    let head = repo.head();
    repo.write(SEQ_A, "{\n  \"id\": \"a\"\n}\n");
    repo.git(["add", SEQ_A]);
    let run = repo.commit("sequence without movements");
    assert_blocked(&repo, &run, &head);
    let line = run.finding("required-field", SEQ_A, 1);
    assert!(line.contains("`movements`"), "{line}");
    repo.write(SEQ_A, "{\n  \"id\": \"a\",\n  \"movements\": []\n}\n");
    repo.git(["add", SEQ_A]);
    let run = repo.commit("empty movements");
    assert_committed(&repo, &run, &head);
    run.no_findings();
}

#[test]
fn lock_missing_blocks_an_unlocked_artifact_when_require_lock_is_set() {
    let repo = TestRepo::new();
    repo.write(
        "audit.toml",
        "[[artifact]]\npath = \"orchestration-domains.json\"\nkind = \"registry\"\nrequire-lock = true\n\n[[artifact]]\npath = \"**/json-sequences/**/*.json\"\nkind = \"sequence\"\nrequire-lock = true\n",
    );
    repo.write(REGISTRY, good_registry(&["a"]));
    repo.write(SEQ_A, sequence("a", &["m1"]));
    repo.install_gate_hook();
    repo.git(["add", "-A"]);
    let run = repo.commit("unlocked");
    assert_blocked(&repo, &run, &None);
    let reg = run.finding("lock-missing", REGISTRY, 1);
    assert!(reg.contains("require-lock"), "{reg}");
    run.finding("lock-missing", SEQ_A, 1);
    assert!(
        run.all()
            .contains(&format!("git audit lock {REGISTRY} --stage")),
        "{}",
        run.all()
    );

    repo.audit(["lock", "--stage"]).code(0);
    let run = repo.commit("locked");
    assert_committed(&repo, &run, &None);
    run.no_findings();
    // The registry carries an embedded block; the sequence is locked in audit.lock.
    assert!(repo.read(REGISTRY).contains("\"integrity\""));
    assert!(repo.read("audit.lock").contains(SEQ_A));
    assert_eq!(repo.status(), "");
}

#[test]
fn without_require_lock_an_unlocked_artifact_commits() {
    let repo = gated_repo();
    let head = repo.head();
    repo.write(REGISTRY, good_registry(&["a", "b", "c"]));
    repo.git(["add", REGISTRY]);
    let run = repo.commit("no lock needed");
    assert_committed(&repo, &run, &head);
    assert!(run.finding_lines("lock-missing").is_empty());
}

// ---------------------------------------------------------------------------------------------
// Output formats and exit codes.
// ---------------------------------------------------------------------------------------------

#[test]
fn json_output_carries_every_field_and_exit_codes_follow_errors() {
    let repo = gated_repo();
    repo.write(REGISTRY, good_registry(&["a", "a", "b"]));
    repo.write(SEQ_A, "{\n  \"id\": \"a\"\n}\n");
    repo.git(["add", "-A"]);
    let run = repo.audit(["check", "--format", "json"]);
    run.code(1);
    let v = run.json();
    assert_eq!(v["version"], 1);
    assert_eq!(v["ok"], false);
    assert_eq!(v["checked"], 2);
    assert!(v["scope"].as_str().unwrap().contains("index"), "{v}");
    assert!(v.get("commits").is_none(), "{v}");
    let findings = v["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 2, "{v}");
    // Stable order: by path.
    let f = &findings[0];
    assert_eq!(f["rule"], "id-duplicate");
    assert_eq!(f["severity"], "error");
    assert_eq!(f["path"], REGISTRY);
    assert_eq!(f["pointer"], "/domains/1/id");
    assert_eq!(f["line"], domain_line(1));
    assert_eq!(f["column"], 6);
    assert!(f["message"].as_str().unwrap().contains("\"a\""), "{f}");
    assert!(!f["hint"].as_str().unwrap().is_empty(), "{f}");
    assert!(f.get("commit").is_none(), "{f}");
    assert_eq!(findings[1]["rule"], "required-field");
    assert_eq!(findings[1]["path"], SEQ_A);
    assert_eq!(findings[1]["pointer"], "");
    // The same run twice gives the same bytes.
    assert_eq!(repo.audit(["check", "--format", "json"]).stdout, run.stdout);

    repo.write(REGISTRY, good_registry(&["a", "b"]));
    repo.write(SEQ_A, sequence("a", &["m1"]));
    repo.git(["add", "-A"]);
    let run = repo.audit(["check", "--format", "json"]);
    run.code(0);
    let v = run.json();
    assert_eq!(v["ok"], true);
    assert_eq!(v["findings"].as_array().unwrap().len(), 0);
}

#[test]
fn human_output_reads_like_a_compiler() {
    let repo = gated_repo();
    repo.write(REGISTRY, good_registry(&["a", "a", "b"]));
    repo.git(["add", "-A"]);
    let run = repo.audit(["check"]);
    run.code(1);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert!(
        lines[0].starts_with(&format!(
            "{REGISTRY}:{}:6: error[id-duplicate]: ",
            domain_line(1)
        )),
        "{}",
        run.stdout
    );
    assert!(
        lines.iter().any(|l| l.starts_with("  hint: ")),
        "{}",
        run.stdout
    );
    assert!(
        lines.last().unwrap().starts_with("git-audit: 1 error"),
        "{}",
        run.stdout
    );
    // No colour escapes when not on a terminal.
    assert!(!run.stdout.contains('\u{1b}'), "{:?}", run.stdout);
}

#[test]
fn invalid_audit_toml_fails_closed() {
    let repo = gated_repo();
    let head = repo.head();
    repo.write(
        "audit.toml",
        "[[artifact]]\npath = \"orchestration-domains.json\"\nkind = \"registy\"\n",
    );
    repo.git(["add", "audit.toml"]);
    let run = repo.audit(["check"]);
    run.code(2);
    assert!(run.stderr.contains("audit.toml"), "{}", run.stderr);
    assert!(run.stderr.contains(":3:"), "{}", run.stderr);
    let run = repo.commit("bad config");
    assert_blocked(&repo, &run, &head);
    assert!(run.all().contains("audit.toml"), "{}", run.all());

    // Fixed, the commit goes through.
    repo.write(
        "audit.toml",
        "[[artifact]]\npath = \"orchestration-domains.json\"\nkind = \"registry\"\n",
    );
    repo.git(["add", "audit.toml"]);
    let run = repo.commit("good config");
    assert_committed(&repo, &run, &head);
}

#[test]
fn an_unstaged_bad_audit_toml_does_not_weaken_or_break_the_staged_check() {
    let repo = gated_repo();
    let head = repo.head();
    // The work tree's audit.toml would govern nothing; the index has none (built-in defaults).
    repo.write(
        "audit.toml",
        "[[artifact]]\npath = \"nothing.json\"\nkind = \"json\"\n",
    );
    repo.write(REGISTRY, good_registry(&["a", "a", "b"]));
    repo.git(["add", REGISTRY]);
    let run = repo.commit("dup under defaults");
    assert_blocked(&repo, &run, &head);
    run.finding("id-duplicate", REGISTRY, domain_line(1));
}

#[test]
fn invalid_audit_lock_exits_2_and_blocks() {
    let repo = gated_repo();
    let head = repo.head();
    repo.write(
        "audit.lock",
        "version = 1\n[locks]\n\"x.json\" = \"md5:abc\"\n",
    );
    repo.git(["add", "audit.lock"]);
    let run = repo.audit(["check"]);
    run.code(2);
    assert!(run.stderr.contains("audit.lock"), "{}", run.stderr);
    let run = repo.commit("bad lockfile");
    assert_blocked(&repo, &run, &head);

    repo.write("audit.lock", "version = 7\n");
    repo.git(["add", "audit.lock"]);
    let run = repo.audit(["check"]);
    run.code(2);
    assert!(run.stderr.contains("version 7"), "{}", run.stderr);
}

#[test]
fn usage_errors_exit_2() {
    let repo = gated_repo();
    repo.audit(["check", "--range", "HEAD"]).code(2);
    repo.audit(["check", "--range", "HEAD...HEAD"]).code(2);
    repo.audit(["check", "--rev", "no-such-rev"]).code(2);
    repo.audit(["check", "--rev", "HEAD", "--worktree"]).code(2);
    let outside = repo.scratch("not-a-repo");
    std::fs::create_dir_all(&outside).unwrap();
    let run = repo.audit_in(&outside, ["check"]);
    run.code(2);
}

// ---------------------------------------------------------------------------------------------
// The ways git commits.
// ---------------------------------------------------------------------------------------------

#[test]
fn first_commit_without_head_is_gated() {
    let repo = TestRepo::new();
    repo.install_gate_hook();
    repo.write(REGISTRY, good_registry(&["a", "a", "b"]));
    repo.write(SEQ_A, sequence("a", &["m1"]));
    repo.git(["add", "-A"]);
    let run = repo.commit("first");
    assert_blocked(&repo, &run, &None);
    run.finding("id-duplicate", REGISTRY, domain_line(1));
    assert!(run.all().contains("empty tree"), "{}", run.all());

    repo.write(REGISTRY, good_registry(&["a", "b"]));
    repo.git(["add", "-A"]);
    let run = repo.commit("first");
    assert_committed(&repo, &run, &None);
    assert!(run.all().contains("2 artifacts checked"), "{}", run.all());
    assert_eq!(repo.commit_count(), 1);
}

#[test]
fn commit_all_checks_the_tracked_edits_it_stages() {
    let repo = gated_repo();
    let head = repo.head();
    // Nothing staged; -a picks up the bad edit.
    repo.write(REGISTRY, good_registry(&["a", "a", "b"]));
    let run = repo.commit_in(repo.root(), &["-a", "-m", "all"]);
    assert_blocked(&repo, &run, &head);
    run.finding("id-duplicate", REGISTRY, domain_line(1));
    // The failed commit left the index as it was.
    assert_eq!(repo.staged(REGISTRY), good_registry(&["a", "b"]));

    repo.write(REGISTRY, good_registry(&["a", "b", "c"]));
    let run = repo.commit_in(repo.root(), &["-a", "-m", "all"]);
    assert_committed(&repo, &run, &head);
    assert_eq!(
        repo.git(["show", &format!("HEAD:{REGISTRY}")]),
        good_registry(&["a", "b", "c"])
    );
}

#[test]
fn commit_with_paths_checks_gits_temporary_index() {
    let repo = gated_repo();
    let head = repo.head();
    // A bad sequence is staged but not part of `git commit REGISTRY` (which commits HEAD plus
    // the named path): the hook must read git's temporary index, not .git/index.
    repo.write(SEQ_A, sequence("a", &["m1", "m1"]));
    repo.git(["add", SEQ_A]);
    repo.write(REGISTRY, good_registry(&["a", "b", "c"]));
    let run = repo.commit_in(repo.root(), &["-m", "only the registry", REGISTRY]);
    assert_committed(&repo, &run, &head);
    run.no_findings();
    assert_eq!(
        repo.git(["show", &format!("HEAD:{SEQ_A}")]),
        sequence("a", &["m1"])
    );
    // The bad sequence is still staged, not committed.
    assert_eq!(repo.staged(SEQ_A), sequence("a", &["m1", "m1"]));

    // Naming the bad path itself is blocked, even though the real index would pass without it.
    let head = repo.head();
    repo.git(["reset", "-q", "--", SEQ_A]);
    let run = repo.commit_in(repo.root(), &["-m", "the sequence", SEQ_A]);
    assert_blocked(&repo, &run, &head);
    run.finding("id-duplicate", SEQ_A, 5);
}

#[test]
fn partial_staging_checks_the_staged_part_and_leaves_the_rest_untouched() {
    let repo = gated_repo();
    let head = repo.head();
    let good = good_registry(&["a", "b", "c"]);
    let bad = format!("{}\t\n", good_registry(&["a", "b", "c", "c"]));
    repo.write(REGISTRY, &good);
    repo.git(["add", REGISTRY]);
    repo.write(REGISTRY, &bad);
    let run = repo.commit("good part");
    assert_committed(&repo, &run, &head);
    run.no_findings();
    assert_eq!(repo.git(["show", &format!("HEAD:{REGISTRY}")]), good);
    assert_eq!(repo.read_bytes(REGISTRY), bad.as_bytes());
    assert_eq!(repo.status(), format!(" M {REGISTRY}\n"));

    // The reverse: bad staged, good on disk, is blocked, and both stay as they were.
    let head = repo.head();
    let bad_staged = good_registry(&["a", "b", "c", "b"]);
    let good_disk = format!("{}\n", good_registry(&["a", "b", "c", "d"]));
    repo.write(REGISTRY, &bad_staged);
    repo.git(["add", REGISTRY]);
    repo.write(REGISTRY, &good_disk);
    let run = repo.commit("bad part");
    assert_blocked(&repo, &run, &head);
    run.finding("id-duplicate", REGISTRY, domain_line(3));
    assert_eq!(repo.staged(REGISTRY), bad_staged);
    assert_eq!(repo.read_bytes(REGISTRY), good_disk.as_bytes());
}

#[test]
fn a_merge_commit_is_gated() {
    let repo = gated_repo();
    // Clean merges run pre-merge-commit rather than pre-commit: gate both.
    install_hook(&repo, "pre-merge-commit");
    let base = repo.head().unwrap();
    repo.git(["checkout", "-q", "-b", "topic"]);
    repo.write(SEQ_B, sequence("b", &["m1", "m2", "m3"]));
    repo.commit_all("topic: good");
    repo.git(["checkout", "-q", "main"]);
    repo.write("README.txt", "main moved on\n");
    repo.commit_all("main: unrelated");
    let main = repo.head();
    let run = repo.git_run(["merge", "--no-ff", "-m", "merge topic", "topic"]);
    run.code(0);
    assert_ne!(repo.head(), main);
    assert_eq!(
        repo.git(["rev-list", "--parents", "-1", "HEAD"])
            .split(' ')
            .count(),
        3
    );
    assert!(
        run.all().contains("git-audit: no findings"),
        "the hook did not run on the merge: {}",
        run.all()
    );

    // A topic that brings a bad file (committed there with --no-verify) is blocked at the merge.
    repo.git(["checkout", "-q", "-b", "bad-topic", &base]);
    repo.write(SEQ_A, sequence("a", &["m1", "m1"]));
    repo.commit_all("bad-topic: duplicate movement");
    repo.git(["checkout", "-q", "main"]);
    let head = repo.head();
    let run = repo.git_run(["merge", "--no-ff", "-m", "merge bad", "bad-topic"]);
    assert_blocked(&repo, &run, &head);
    run.finding("id-duplicate", SEQ_A, 5);
    repo.git(["merge", "--abort"]);
}

#[test]
fn a_conflicted_merge_is_reported_and_its_resolution_is_gated() {
    let repo = gated_repo();
    let base = repo.head().unwrap();
    repo.git(["checkout", "-q", "-b", "topic"]);
    repo.write(REGISTRY, good_registry(&["a", "b", "t"]));
    repo.commit_all("topic");
    repo.git(["checkout", "-q", "main"]);
    repo.write(REGISTRY, good_registry(&["a", "b", "m"]));
    repo.commit_all("main");
    let main = repo.head();
    let run = repo.git_run(["merge", "--no-ff", "-m", "merge", "topic"]);
    assert_ne!(run.code, 0, "{}", run.all());
    assert_eq!(repo.head(), main);

    // Mid-merge: the unmerged governed path is reported, not skipped.
    let run = repo.audit(["check"]);
    run.code(1);
    let line = run.finding("artifact-type", REGISTRY, 1);
    assert!(line.contains("unmerged"), "{line}");
    let run = repo.audit(["check", "--format", "json"]);
    run.code(1);
    assert_eq!(run.json()["findings"][0]["rule"], "artifact-type");

    // A bad resolution is blocked by the pre-commit hook that `git commit` runs.
    repo.write(REGISTRY, good_registry(&["a", "b", "t", "t"]));
    repo.git(["add", REGISTRY]);
    let run = repo.commit_in(repo.root(), &["--no-edit"]);
    assert_blocked(&repo, &run, &main);
    run.finding("id-duplicate", REGISTRY, domain_line(3));

    repo.write(REGISTRY, good_registry(&["a", "b", "m", "t"]));
    repo.git(["add", REGISTRY]);
    let run = repo.commit_in(repo.root(), &["--no-edit"]);
    assert_committed(&repo, &run, &main);
    let parents = repo.git(["rev-list", "--parents", "-1", "HEAD"]);
    assert_eq!(parents.split_whitespace().count(), 3, "{parents}");
    let _ = base;
}

#[test]
fn a_linked_worktree_uses_the_common_hook() {
    let repo = gated_repo();
    let wt = repo.scratch("linked");
    repo.git([
        "worktree",
        "add",
        "-q",
        "-b",
        "feature",
        wt.to_str().unwrap(),
    ]);
    let head = repo.head_in(&wt);
    std::fs::write(wt.join(REGISTRY), good_registry(&["a", "a", "b"])).unwrap();
    repo.git_in(&wt, ["add", REGISTRY]);
    let run = repo.commit_in(&wt, &["-m", "bad in the worktree"]);
    assert_ne!(run.code, 0, "{}", run.all());
    assert_eq!(repo.head_in(&wt), head);
    run.finding("id-duplicate", REGISTRY, domain_line(1));

    // The main worktree's index and files are not what the hook read.
    assert_eq!(repo.status(), "");
    std::fs::write(wt.join(REGISTRY), good_registry(&["a", "b", "w"])).unwrap();
    repo.git_in(&wt, ["add", REGISTRY]);
    let run = repo.commit_in(&wt, &["-m", "good in the worktree"]);
    run.code(0);
    assert_ne!(repo.head_in(&wt), head);
    assert!(
        run.all().contains("git-audit: no findings"),
        "{}",
        run.all()
    );
    // The main worktree's branch did not move.
    assert_eq!(repo.head(), head);
}

#[test]
fn the_hook_runs_from_a_subdirectory_commit() {
    let repo = gated_repo();
    let head = repo.head();
    repo.write(SEQ_A, sequence("a", &["m1", "m1"]));
    repo.git(["add", "-A"]);
    let sub = repo.root().join("packages/x");
    let run = repo.commit_in(&sub, &["-m", "from a subdirectory"]);
    assert_blocked(&repo, &run, &head);
    // Paths are repository-relative whatever the directory.
    run.finding("id-duplicate", SEQ_A, 5);
}

#[test]
fn no_verify_bypasses_the_hook() {
    let repo = gated_repo();
    let head = repo.head();
    repo.write(REGISTRY, good_registry(&["a", "a", "b"]));
    repo.git(["add", "-A"]);
    let run = repo.commit_in(repo.root(), &["--no-verify", "-m", "bypass"]);
    assert_committed(&repo, &run, &head);
    assert!(run.finding_lines("id-duplicate").is_empty());
    // …which is why CI runs `--rev`/`--range`.
    repo.audit(["check", "--rev", "HEAD"]).code(1);
}

// ---------------------------------------------------------------------------------------------
// Only changed artifacts block by default; --all checks everything.
// ---------------------------------------------------------------------------------------------

#[test]
fn an_old_bad_artifact_does_not_block_an_unrelated_change() {
    let repo = gated_repo();
    repo.write(REGISTRY, good_registry(&["a", "a", "b"]));
    repo.commit_all("old problem (--no-verify)");
    let head = repo.head();

    repo.write(SEQ_B, sequence("b", &["m1", "m2", "m3"]));
    repo.git(["add", SEQ_B]);
    let run = repo.commit("unrelated good change");
    assert_committed(&repo, &run, &head);
    run.no_findings();
    assert!(run.all().contains("1 artifact checked"), "{}", run.all());

    // --all reports the old problem (and exits 1).
    let run = repo.audit(["check", "--all"]);
    run.code(1);
    run.finding("id-duplicate", REGISTRY, domain_line(1));
    assert!(run.stdout.contains("3 artifacts checked"), "{}", run.stdout);
    let run = repo.audit(["check", "--all", "--format", "json"]);
    run.code(1);
    assert_eq!(run.json()["checked"], 3);

    // Touching the bad artifact makes it count again, even if the edit is unrelated.
    let head = repo.head();
    repo.write(
        REGISTRY,
        good_registry(&["a", "a", "b"]).replace("2026-01-01", "2026-02-02"),
    );
    repo.git(["add", REGISTRY]);
    let run = repo.commit("touch the old problem");
    assert_blocked(&repo, &run, &head);
    run.finding("id-duplicate", REGISTRY, domain_line(1));
}

#[test]
fn check_all_passes_on_a_clean_repository_and_changing_audit_toml_checks_everything() {
    let repo = gated_repo();
    repo.audit(["check", "--all"]).code(0).no_findings();

    // An old bad sequence under a path the defaults govern.
    repo.write(SEQ_A, sequence("a", &["m1", "m1"]));
    repo.commit_all("old problem");
    let head = repo.head();
    // Changing audit.toml re-checks every artifact it governs.
    repo.write(
        "audit.toml",
        "[[artifact]]\npath = \"orchestration-domains.json\"\nkind = \"registry\"\n\n[[artifact]]\npath = \"**/json-sequences/**/*.json\"\nkind = \"sequence\"\n",
    );
    repo.git(["add", "audit.toml"]);
    let run = repo.commit("add audit.toml");
    assert_blocked(&repo, &run, &head);
    run.finding("id-duplicate", SEQ_A, 5);
}

// ---------------------------------------------------------------------------------------------
// --rev, --range, --worktree.
// ---------------------------------------------------------------------------------------------

#[test]
fn range_names_the_bad_commits_oldest_first() {
    let repo = gated_repo();
    let base = repo.head().unwrap();
    repo.write(SEQ_B, sequence("b", &["m1", "m2", "m3"]));
    repo.commit_all("c1 good");
    repo.write(REGISTRY, good_registry(&["a", "a", "b"]));
    repo.commit_all("c2 bad registry");
    let c2 = repo.head().unwrap();
    repo.write(REGISTRY, good_registry(&["a", "b"]));
    repo.commit_all("c3 fixes it");
    repo.write(SEQ_A, sequence("a", &["m1", "m1"]));
    repo.commit_all("c4 bad sequence");
    let c4 = repo.head().unwrap();
    repo.write("README.txt", "docs\n");
    repo.commit_all("c5 unrelated");

    let run = repo.audit([
        "check",
        "--range",
        &format!("{base}..HEAD"),
        "--format",
        "json",
    ]);
    run.code(1);
    let v = run.json();
    assert_eq!(v["commits"], 5, "{v}");
    assert_eq!(v["ok"], false);
    let findings = v["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 2, "{v}");
    assert_eq!(findings[0]["commit"], c2.as_str());
    assert_eq!(findings[0]["path"], REGISTRY);
    assert_eq!(findings[0]["rule"], "id-duplicate");
    assert_eq!(findings[1]["commit"], c4.as_str());
    assert_eq!(findings[1]["path"], SEQ_A);

    // Human output heads each commit's findings with the commit.
    let run = repo.audit(["check", "--range", &format!("{base}..HEAD")]);
    run.code(1);
    let c2_at = run.stdout.find("c2 bad registry").expect("c2 named");
    let c4_at = run.stdout.find("c4 bad sequence").expect("c4 named");
    assert!(c2_at < c4_at, "{}", run.stdout);

    // A range after the bad commits is clean.
    repo.audit(["check", "--range", &format!("{c4}..HEAD")])
        .code(0);
    // An empty range checks nothing and passes.
    let run = repo.audit(["check", "--range", "HEAD..HEAD", "--format", "json"]);
    run.code(0);
    assert_eq!(run.json()["findings"].as_array().unwrap().len(), 0);
}

#[test]
fn range_ending_at_a_good_commit_still_reports_the_middle_one() {
    let repo = gated_repo();
    let base = repo.head().unwrap();
    repo.write(SEQ_B, sequence("b", &["m1", "m2", "m2"]));
    repo.commit_all("bad middle");
    let bad = repo.head().unwrap();
    repo.write(SEQ_B, sequence("b", &["m1", "m2"]));
    repo.commit_all("repair");
    let run = repo.audit([
        "check",
        "--range",
        &format!("{base}..HEAD"),
        "--format",
        "json",
    ]);
    run.code(1);
    let v = run.json();
    assert_eq!(v["findings"].as_array().unwrap().len(), 1, "{v}");
    assert_eq!(v["findings"][0]["commit"], bad.as_str());
    assert_eq!(v["findings"][0]["line"], 6);
    // The net change base..HEAD is nothing, which the staged-style check would not see.
    repo.audit(["check", "--staged"]).code(0);
}

#[test]
fn rev_checks_one_commit_against_its_first_parent() {
    let repo = gated_repo();
    repo.write(REGISTRY, good_registry(&["a", "a", "b"]));
    repo.commit_all("bad");
    let bad = repo.head().unwrap();
    repo.write("README.txt", "docs\n");
    repo.commit_all("unrelated");

    let run = repo.audit(["check", "--rev", &bad, "--format", "json"]);
    run.code(1);
    let v = run.json();
    assert_eq!(v["commits"], 1);
    assert_eq!(v["findings"][0]["commit"], bad.as_str());
    assert_eq!(v["findings"][0]["rule"], "id-duplicate");
    // HEAD (the unrelated commit) is clean against its parent…
    repo.audit(["check", "--rev", "HEAD"]).code(0);
    // …but not with --all.
    repo.audit(["check", "--rev", "HEAD", "--all"]).code(1);
    // The root commit is checked against the empty tree.
    let root = repo.git(["rev-list", "--max-parents=0", "HEAD"]);
    let run = repo.audit(["check", "--rev", root.trim(), "--format", "json"]);
    run.code(0);
    assert_eq!(run.json()["checked"], 3);
}

#[test]
fn worktree_mode_checks_the_files_on_disk() {
    let repo = gated_repo();
    repo.write(SEQ_A, sequence("a", &["m1", "m1"]));
    // Unstaged: the staged check passes, the work-tree check does not.
    repo.audit(["check"]).code(0);
    let run = repo.audit(["check", "--worktree"]);
    run.code(1);
    run.finding("id-duplicate", SEQ_A, 5);
    // Untracked governed files are part of the work tree.
    repo.write(SEQ_A, sequence("a", &["m1"]));
    repo.write("packages/y/json-sequences/new.json", "{ \"id\": \"new\", }");
    let run = repo.audit(["check", "--worktree"]);
    run.code(1);
    run.finding("json-syntax", "packages/y/json-sequences/new.json", 1);
}

/// Installs the gate as another hook (for example pre-merge-commit).
fn install_hook(repo: &TestRepo, name: &str) {
    let hook = repo.root().join(".git/hooks").join(name);
    std::fs::write(&hook, GATE_HOOK).unwrap();
    crate::support::set_mode(&hook, 0o755);
}

#[test]
fn a_conflicted_cherry_pick_is_reported_and_its_continuation_gated() {
    let repo = gated_repo();
    repo.git(["checkout", "-q", "-b", "topic"]);
    repo.write(REGISTRY, good_registry(&["a", "b", "t"]));
    repo.commit_all("topic");
    repo.git(["checkout", "-q", "main"]);
    repo.write(REGISTRY, good_registry(&["a", "b", "m"]));
    repo.commit_all("main");
    let main = repo.head();
    let run = repo.git_run(["cherry-pick", "topic"]);
    assert_ne!(run.code, 0, "{}", run.all());
    let run = repo.audit(["check"]);
    run.code(1);
    let line = run.finding("artifact-type", REGISTRY, 1);
    assert!(line.contains("unmerged"), "{line}");

    repo.write(REGISTRY, good_registry(&["a", "b", "m", "m"]));
    repo.git(["add", REGISTRY]);
    let run = repo.git_run(["cherry-pick", "--continue"]);
    assert_blocked(&repo, &run, &main);
    run.finding("id-duplicate", REGISTRY, domain_line(3));

    repo.write(REGISTRY, good_registry(&["a", "b", "m", "t"]));
    repo.git(["add", REGISTRY]);
    let run = repo.git_run(["cherry-pick", "--continue"]);
    assert_committed(&repo, &run, &main);
}
