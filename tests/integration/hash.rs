//! Integration tests: `git audit hash`, and the snapshot reading every command shares
//! (index, HEAD, revisions, working tree, hooks' temporary indexes, odd entries).

use std::ffi::OsStr;
use std::path::Path;

use crate::fixtures::{registry_jcs, registry_of};
use crate::support::{entry, paths, recorded, recording_hook, sha256_hex, Run, TestRepo};

const REG: &str = "orchestration-domains.json";
const SEQ: &str = "json-sequences/copy.json";

const V1: &[(&str, &str, i64)] = &[("a", "A", 1), ("b", "B", 1)];
const V2: &[(&str, &str, i64)] = &[("a", "A", 2), ("b", "B", 1)];
const V3: &[(&str, &str, i64)] = &[("a", "A", 3), ("b", "B", 1), ("c", "C", 1)];

/// The canonical hash the registry defaults give `registry_of(_, domains)`, computed here.
fn canonical(domains: &[(&str, &str, i64)]) -> String {
    sha256_hex(registry_jcs(domains))
}

fn sequence(handler: &str) -> String {
    format!(
        r#"{{
  "id": "copy-symphony",
  "name": "Copy",
  "movements": [
    {{ "id": "m1", "beats": [ {{ "beat": 1, "event": "copy:start", "handler": "{handler}" }} ] }}
  ]
}}
"#
    )
}

/// `hash --format json` in `dir`, asserting exit 0.
fn hash_json_in(repo: &TestRepo, dir: &Path, args: &[&str]) -> serde_json::Value {
    let mut all = vec!["hash", "--format", "json"];
    all.extend_from_slice(args);
    repo.audit_in(dir, &all).code(0).json()
}

fn hash_json(repo: &TestRepo, args: &[&str]) -> serde_json::Value {
    hash_json_in(repo, repo.root(), args)
}

fn canonical_in(report: &serde_json::Value, path: &str) -> String {
    entry(report, "artifacts", path)["canonicalHash"]
        .as_str()
        .expect("canonicalHash is a string")
        .to_string()
}

/// A repository with the registry at V1 committed.
fn repo_v1() -> TestRepo {
    let repo = TestRepo::new();
    repo.write(REG, registry_of("2026-01-01", V1));
    repo.commit_all("v1");
    repo
}

#[test]
fn json_output_has_the_documented_shape_and_independent_hashes() {
    let repo = repo_v1();
    let report = hash_json(&repo, &[]);
    assert_eq!(report["version"], 1);
    assert_eq!(report["snapshot"], "index");
    assert_eq!(paths(&report, "artifacts"), [REG]);
    let row = entry(&report, "artifacts", REG);
    let bytes = std::fs::read(repo.path(REG)).expect("read registry");
    assert_eq!(row["kind"], "registry");
    assert_eq!(row["rawHash"], sha256_hex(&bytes));
    assert_eq!(row["canonicalHash"], canonical(V1));
    assert_eq!(row["size"], bytes.len() as u64);
    assert_eq!(report["skipped"], serde_json::json!([]));
    assert_eq!(report["errors"], serde_json::json!([]));
}

#[test]
fn human_output_lists_canonical_hash_and_path() {
    let repo = repo_v1();
    let run = repo.audit(["hash"]);
    run.code(0)
        .stdout_has(&format!("{}  {REG}", canonical(V1)))
        .stdout_has("registry");
    assert!(!run.stdout.contains('\u{1b}'), "no colour into a pipe");
}

#[test]
fn staged_vs_head_the_default_reads_the_index() {
    let repo = repo_v1();
    repo.write(REG, registry_of("2026-01-02", V2));
    repo.git(["add", REG]);
    let default = hash_json(&repo, &[]);
    let staged = hash_json(&repo, &["--staged"]);
    let head = hash_json(&repo, &["--rev", "HEAD"]);
    assert_eq!(canonical_in(&default, REG), canonical(V2));
    assert_eq!(default["artifacts"], staged["artifacts"]);
    assert_eq!(head["snapshot"], "HEAD");
    assert_eq!(canonical_in(&head, REG), canonical(V1));
}

#[test]
fn partial_staging_the_index_wins_over_the_working_tree() {
    let repo = repo_v1();
    repo.write(REG, registry_of("2026-01-02", V2));
    repo.git(["add", REG]);
    repo.write(REG, registry_of("2026-01-03", V3));
    let staged = hash_json(&repo, &[]);
    assert_eq!(canonical_in(&staged, REG), canonical(V2));
    // The raw hash is that of the staged blob, not of the file on disk.
    let blob = repo.git(["cat-file", "blob", &format!(":{REG}")]);
    assert_eq!(
        entry(&staged, "artifacts", REG)["rawHash"],
        sha256_hex(blob)
    );
    let worktree = hash_json(&repo, &["--worktree"]);
    assert_eq!(worktree["snapshot"], "working tree");
    assert_eq!(canonical_in(&worktree, REG), canonical(V3));
}

#[test]
fn rev_reads_any_revision() {
    let repo = repo_v1();
    repo.write(REG, registry_of("2026-01-02", V2));
    repo.commit_all("v2");
    repo.write(REG, registry_of("2026-01-03", V3));
    repo.commit_all("v3");
    let first = repo.rev_parse("HEAD~2");
    assert_eq!(
        canonical_in(&hash_json(&repo, &["--rev", "HEAD~1"]), REG),
        canonical(V2)
    );
    let report = hash_json(&repo, &["--rev", &first]);
    assert_eq!(report["snapshot"], first.as_str());
    assert_eq!(canonical_in(&report, REG), canonical(V1));
    repo.git(["tag", "v3"]);
    assert_eq!(
        canonical_in(&hash_json(&repo, &["--rev", "v3"]), REG),
        canonical(V3)
    );
    repo.audit(["hash", "--rev", "no-such-rev"])
        .code(2)
        .stderr_has("error:")
        .stderr_has("no-such-rev");
}

#[test]
fn snapshot_flags_are_mutually_exclusive() {
    let repo = repo_v1();
    let run = repo.audit(["hash", "--staged", "--worktree"]);
    assert_ne!(run.code, 0, "{run:?}");
}

#[test]
fn worktree_sees_untracked_governed_files_and_the_index_does_not() {
    let repo = repo_v1();
    repo.write(SEQ, sequence("copy"));
    assert_eq!(paths(&hash_json(&repo, &[]), "artifacts"), [REG]);
    assert_eq!(
        paths(&hash_json(&repo, &["--worktree"]), "artifacts"),
        [SEQ, REG]
    );
}

#[test]
fn first_commit_without_head_hashes_the_index() {
    let repo = TestRepo::new();
    repo.write(REG, registry_of("2026-01-01", V1));
    repo.git(["add", REG]);
    let report = hash_json(&repo, &[]);
    assert_eq!(canonical_in(&report, REG), canonical(V1));
}

#[test]
fn empty_repository_says_nothing_is_governed() {
    let repo = TestRepo::new();
    let run = repo.audit(["hash"]);
    run.code(0).stdout_has("no governed artifacts");
    let report = hash_json(&repo, &[]);
    assert_eq!(report["artifacts"], serde_json::json!([]));
}

#[test]
fn named_paths_select_artifacts_and_ungoverned_json_is_hashed_as_plain_json() {
    let repo = repo_v1();
    repo.write(SEQ, sequence("copy"));
    repo.write("data/plain.json", "{ \"b\": 1.0, \"a\": [true, null] }\n");
    repo.commit_all("more");
    assert_eq!(paths(&hash_json(&repo, &[SEQ]), "artifacts"), [SEQ]);
    assert_eq!(
        paths(&hash_json(&repo, &["json-sequences"]), "artifacts"),
        [SEQ]
    );
    let plain = hash_json(&repo, &["data/plain.json"]);
    let row = entry(&plain, "artifacts", "data/plain.json");
    assert_eq!(row["kind"], "json");
    assert_eq!(
        row["canonicalHash"],
        sha256_hex(r#"{"a":[true,null],"b":1}"#)
    );
    // Not named, not governed: not listed.
    assert_eq!(paths(&hash_json(&repo, &[]), "artifacts"), [SEQ, REG]);
}

#[test]
fn a_named_path_that_is_not_in_the_snapshot_is_an_error() {
    let repo = repo_v1();
    repo.write("new.json", "{}");
    repo.audit(["hash", "new.json"])
        .code(2)
        .stderr_has("error:")
        .stderr_has("new.json");
    repo.audit(["hash", "../outside.json"])
        .code(2)
        .stderr_has("outside the repository");
}

#[test]
fn from_a_subdirectory_paths_are_repository_relative_and_arguments_cwd_relative() {
    let repo = TestRepo::new();
    let seq_a = "packages/app/json-sequences/a.json";
    let seq_b = "packages/lib/json-sequences/b.json";
    repo.write(REG, registry_of("2026-01-01", V1));
    repo.write(seq_a, sequence("a"));
    repo.write(seq_b, sequence("b"));
    repo.commit_all("init");
    let sub = repo.path("packages/app");
    // No argument: the whole repository, paths from the top, with '/'.
    let all = hash_json_in(&repo, &sub, &[]);
    assert_eq!(paths(&all, "artifacts"), [REG, seq_a, seq_b]);
    // Arguments are relative to the current directory.
    let one = hash_json_in(&repo, &sub, &["json-sequences/a.json"]);
    assert_eq!(paths(&one, "artifacts"), [seq_a]);
    let dir = hash_json_in(&repo, &sub, &["json-sequences"]);
    assert_eq!(paths(&dir, "artifacts"), [seq_a]);
    let up = hash_json_in(&repo, &sub, &["../lib"]);
    assert_eq!(paths(&up, "artifacts"), [seq_b]);
    let top = hash_json_in(&repo, &sub, &["../../orchestration-domains.json"]);
    assert_eq!(paths(&top, "artifacts"), [REG]);
    let dot = hash_json_in(&repo, &sub, &["."]);
    assert_eq!(paths(&dot, "artifacts"), [seq_a]);
    // Human output too.
    repo.audit_in(&sub, ["hash"])
        .code(0)
        .stdout_has(&format!("  {seq_a}\n"));
}

#[test]
fn dash_c_runs_as_if_started_in_dir() {
    let repo = repo_v1();
    let elsewhere = repo.scratch("elsewhere");
    std::fs::create_dir_all(&elsewhere).expect("mkdir");
    let run = repo.audit_in(
        &elsewhere,
        [
            OsStr::new("-C"),
            repo.root().as_os_str(),
            OsStr::new("hash"),
            OsStr::new("--format"),
            OsStr::new("json"),
        ],
    );
    assert_eq!(canonical_in(&run.code(0).json(), REG), canonical(V1));
    // Repeated -C is relative to the previous one; and PATH arguments follow it.
    repo.write(SEQ, sequence("x"));
    repo.commit_all("seq");
    let parent = repo.root().parent().expect("parent");
    let run = repo.audit_in(
        &elsewhere,
        [
            OsStr::new("-C"),
            parent.as_os_str(),
            OsStr::new("-C"),
            OsStr::new("repo/json-sequences"),
            OsStr::new("hash"),
            OsStr::new("--format"),
            OsStr::new("json"),
            OsStr::new("copy.json"),
        ],
    );
    assert_eq!(paths(&run.code(0).json(), "artifacts"), [SEQ]);
    // Outside any repository: a clear error.
    repo.audit_in(
        &elsewhere,
        [OsStr::new("-C"), elsewhere.as_os_str(), OsStr::new("hash")],
    )
    .code(2)
    .stderr_has("not inside a git repository")
    .stderr_has("caused by: could not find repository");
    // libgit2's internals (`class=Repository (6); code=NotFound (-3)`) are not the user's.
    let run = repo.audit_in(
        &elsewhere,
        [OsStr::new("-C"), elsewhere.as_os_str(), OsStr::new("hash")],
    );
    assert!(!run.stderr.contains("class="), "{}", run.stderr);
    assert!(!run.stderr.contains("code="), "{}", run.stderr);
}

#[test]
fn git_index_file_absolute_is_read() {
    let repo = repo_v1();
    let alt = repo.scratch("alt-index");
    let env: [(&str, &OsStr); 1] = [("GIT_INDEX_FILE", alt.as_os_str())];
    // Build another index holding V2 with git itself.
    repo.git_env(repo.root(), &env, ["read-tree", "HEAD"]);
    repo.write(REG, registry_of("2026-01-02", V2));
    repo.git_env(repo.root(), &env, ["add", REG]);
    // The repository's own index still holds V1 (the file on disk is V2).
    repo.write(REG, registry_of("2026-01-03", V3));
    let run = repo.audit_env(repo.root(), &env, ["hash", "--format", "json"]);
    assert_eq!(canonical_in(&run.code(0).json(), REG), canonical(V2));
    assert_eq!(canonical_in(&hash_json(&repo, &[]), REG), canonical(V1));
}

#[test]
fn git_index_file_relative_is_read_from_the_top() {
    let repo = repo_v1();
    let env: [(&str, &OsStr); 1] = [("GIT_INDEX_FILE", OsStr::new("alt-index"))];
    repo.git_env(repo.root(), &env, ["read-tree", "HEAD"]);
    repo.write(REG, registry_of("2026-01-02", V2));
    repo.git_env(repo.root(), &env, ["add", REG]);
    assert!(repo.path("alt-index").is_file());
    let run = repo.audit_env(repo.root(), &env, ["hash", "--format", "json"]);
    assert_eq!(canonical_in(&run.code(0).json(), REG), canonical(V2));
    // A relative index that does not exist must not fall back to the repository's index
    // (git reads it as empty).
    let missing: [(&str, &OsStr); 1] = [("GIT_INDEX_FILE", OsStr::new("no-such-index"))];
    let run = repo.audit_env(repo.root(), &missing, ["hash", "--format", "json"]);
    assert!(
        run.code == 2 || run.json()["artifacts"] == serde_json::json!([]),
        "{run:?}"
    );
}

#[test]
fn git_index_file_relative_from_a_subdirectory_resolves_like_git() {
    let repo = repo_v1();
    repo.write("sub/keep", "");
    repo.commit_all("sub");
    let env: [(&str, &OsStr); 1] = [("GIT_INDEX_FILE", OsStr::new("alt-index"))];
    repo.git_env(repo.root(), &env, ["read-tree", "HEAD"]);
    repo.write(REG, registry_of("2026-01-02", V2));
    repo.git_env(repo.root(), &env, ["add", REG]);
    let sub = repo.path("sub");
    // git, run from sub/, reads <top>/alt-index: its tree holds V2.
    let tree = repo.git_env(&sub, &env, ["write-tree"]);
    let listed = repo.git(["ls-tree", tree.trim(), REG]);
    let blob = repo.git([
        "cat-file",
        "blob",
        listed.split_whitespace().nth(2).unwrap(),
    ]);
    assert_eq!(blob, registry_of("2026-01-02", V2));
    let run = repo.audit_env(&sub, &env, ["hash", "--format", "json"]);
    assert_eq!(canonical_in(&run.code(0).json(), REG), canonical(V2));
}

#[test]
fn git_dir_set_explicitly() {
    let repo = repo_v1();
    repo.write(REG, registry_of("2026-01-02", V2));
    repo.git(["add", REG]);
    let git_dir = repo.git_dir();
    // GIT_DIR alone, from the top of the work tree.
    let env: [(&str, &OsStr); 1] = [("GIT_DIR", git_dir.as_os_str())];
    let run = repo.audit_env(repo.root(), &env, ["hash", "--format", "json"]);
    assert_eq!(canonical_in(&run.code(0).json(), REG), canonical(V2));
    // GIT_DIR and GIT_WORK_TREE from a directory outside the repository.
    let elsewhere = repo.scratch("elsewhere");
    std::fs::create_dir_all(&elsewhere).expect("mkdir");
    let env: [(&str, &OsStr); 2] = [
        ("GIT_DIR", git_dir.as_os_str()),
        ("GIT_WORK_TREE", repo.root().as_os_str()),
    ];
    let run = repo.audit_env(&elsewhere, &env, ["hash", "--format", "json"]);
    let report = run.code(0).json();
    assert_eq!(paths(&report, "artifacts"), [REG]);
    assert_eq!(canonical_in(&report, REG), canonical(V2));
}

#[test]
fn separate_git_dir_is_followed() {
    let repo = TestRepo::new();
    let wt = repo.scratch("separate");
    let gd = repo.scratch("separate.git");
    repo.git([
        OsStr::new("init"),
        OsStr::new("-q"),
        OsStr::new("-b"),
        OsStr::new("main"),
        OsStr::new("--separate-git-dir"),
        gd.as_os_str(),
        wt.as_os_str(),
    ]);
    std::fs::write(wt.join(REG), registry_of("2026-01-01", V1)).expect("write");
    repo.git_in(&wt, ["add", REG]);
    let report = hash_json_in(&repo, &wt, &[]);
    assert_eq!(canonical_in(&report, REG), canonical(V1));
}

#[test]
fn linked_worktree_reads_its_own_index_and_head() {
    let repo = repo_v1();
    let wt = repo.scratch("linked");
    repo.git([
        OsStr::new("worktree"),
        OsStr::new("add"),
        OsStr::new("-q"),
        OsStr::new("-b"),
        OsStr::new("feature"),
        wt.as_os_str(),
    ]);
    std::fs::write(wt.join(REG), registry_of("2026-01-02", V2)).expect("write");
    repo.git_in(&wt, ["add", REG]);
    // The main work tree's index is untouched.
    repo.write(REG, registry_of("2026-01-03", V3));
    repo.git(["add", REG]);
    let linked = hash_json_in(&repo, &wt, &[]);
    assert_eq!(canonical_in(&linked, REG), canonical(V2));
    let main = hash_json(&repo, &[]);
    assert_eq!(canonical_in(&main, REG), canonical(V3));
    // From a subdirectory of the linked worktree as well.
    std::fs::create_dir_all(wt.join("deep/er")).expect("mkdir");
    let deep = hash_json_in(&repo, &wt.join("deep/er"), &[]);
    assert_eq!(paths(&deep, "artifacts"), [REG]);
    assert_eq!(canonical_in(&deep, REG), canonical(V2));
    // Its HEAD is its own branch's.
    repo.git_in(&wt, ["commit", "-q", "--no-verify", "-m", "v2 on feature"]);
    let head = hash_json_in(&repo, &wt, &["--rev", "HEAD"]);
    assert_eq!(canonical_in(&head, REG), canonical(V2));
    let main_head = hash_json(&repo, &["--rev", "HEAD"]);
    assert_eq!(canonical_in(&main_head, REG), canonical(V1));
}

#[test]
fn bare_repository_is_refused_with_a_clear_message() {
    let repo = repo_v1();
    let bare = repo.scratch("bare.git");
    repo.git([
        OsStr::new("clone"),
        OsStr::new("-q"),
        OsStr::new("--bare"),
        repo.root().as_os_str(),
        bare.as_os_str(),
    ]);
    for args in [vec!["hash"], vec!["hash", "--rev", "HEAD"], vec!["diff"]] {
        let run = repo.audit_in(&bare, &args);
        run.code(2)
            .stderr_has("error:")
            .stderr_has("bare repository");
        assert!(run.stdout.is_empty(), "{run:?}");
    }
    let mut args = vec![OsStr::new("-C"), bare.as_os_str()];
    args.push(OsStr::new("hash"));
    repo.audit_in(&repo.scratch(""), &args)
        .code(2)
        .stderr_has("bare repository");
}

#[test]
fn symlink_named_like_a_governed_file_is_skipped_never_parsed() {
    let repo = TestRepo::new();
    repo.write("target.json", registry_of("2026-01-01", V1));
    std::os::unix::fs::symlink("target.json", repo.path(REG)).expect("symlink");
    repo.git(["add", "-A"]);
    let staged = repo.git(["ls-files", "-s", REG]);
    assert!(staged.starts_with("120000 "), "staged as a link: {staged}");
    for args in [vec![], vec!["--worktree"]] {
        let report = hash_json(&repo, &args);
        assert_eq!(report["artifacts"], serde_json::json!([]), "{report:#}");
        assert_eq!(report["errors"], serde_json::json!([]), "{report:#}");
        let reason = entry(&report, "skipped", REG)["reason"]
            .as_str()
            .expect("reason")
            .to_string();
        assert!(reason.contains("symbolic link"), "{reason}");
    }
    repo.audit(["hash"])
        .code(0)
        .stderr_has("warning:")
        .stderr_has(REG);
    repo.commit_all("link");
    let head = hash_json(&repo, &["--rev", "HEAD"]);
    assert_eq!(paths(&head, "skipped"), [REG]);
}

#[test]
fn symlink_named_explicitly_is_an_error() {
    let repo = TestRepo::new();
    repo.write("target.json", "{}");
    std::os::unix::fs::symlink("target.json", repo.path(REG)).expect("symlink");
    repo.git(["add", "-A"]);
    repo.audit(["hash", REG])
        .code(2)
        .stderr_has("error:")
        .stderr_has("symbolic link");
    repo.audit(["hash", "--worktree", REG])
        .code(2)
        .stderr_has("symbolic link");
}

#[test]
fn symlink_whose_target_is_not_json_is_still_only_skipped() {
    // The blob of a link is its target path; parsing it would be an invalid-JSON error.
    let repo = TestRepo::new();
    std::os::unix::fs::symlink("../../etc/passwd", repo.path(REG)).expect("symlink");
    repo.git(["add", "-A"]);
    let report = hash_json(&repo, &[]);
    assert_eq!(paths(&report, "skipped"), [REG]);
    assert_eq!(report["errors"], serde_json::json!([]));
}

#[test]
fn gitlink_at_a_governed_path_is_skipped_as_a_submodule() {
    let repo = repo_v1();
    let head = repo.rev_parse("HEAD");
    repo.git(["rm", "-q", "--cached", REG]);
    repo.git([
        "update-index",
        "--add",
        "--cacheinfo",
        &format!("160000,{head},{REG}"),
    ]);
    let report = hash_json(&repo, &[]);
    assert_eq!(report["artifacts"], serde_json::json!([]), "{report:#}");
    assert_eq!(report["errors"], serde_json::json!([]), "{report:#}");
    let reason = entry(&report, "skipped", REG)["reason"]
        .as_str()
        .expect("reason")
        .to_string();
    assert!(reason.contains("submodule"), "{reason}");
    repo.audit(["hash", REG]).code(2).stderr_has("submodule");
    // Committed, it is a submodule in the revision too.
    repo.git(["commit", "-q", "--no-verify", "-m", "gitlink"]);
    let head = hash_json(&repo, &["--rev", "HEAD"]);
    assert_eq!(paths(&head, "skipped"), [REG]);
}

#[test]
fn nested_repository_in_the_working_tree_is_a_submodule() {
    let repo = TestRepo::new();
    let nested = "json-sequences/nested.json";
    std::fs::create_dir_all(repo.path(nested)).expect("mkdir");
    repo.git_in(&repo.path(nested), ["init", "-q", "-b", "main"]);
    std::fs::write(repo.path(nested).join("inner.json"), "not json").expect("write");
    let report = hash_json(&repo, &["--worktree"]);
    assert_eq!(report["errors"], serde_json::json!([]), "{report:#}");
    assert_eq!(paths(&report, "skipped"), [nested]);
    assert!(entry(&report, "skipped", nested)["reason"]
        .as_str()
        .expect("reason")
        .contains("submodule"));
}

#[test]
fn git_lfs_pointer_is_skipped_never_parsed() {
    let repo = TestRepo::new();
    let pointer = "version https://git-lfs.github.com/spec/v1\n\
                   oid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\n\
                   size 12345\n";
    repo.write(REG, pointer);
    repo.write(SEQ, sequence("x"));
    repo.git(["add", "-A"]);
    let report = hash_json(&repo, &[]);
    assert_eq!(paths(&report, "artifacts"), [SEQ]);
    assert_eq!(report["errors"], serde_json::json!([]), "{report:#}");
    let reason = entry(&report, "skipped", REG)["reason"]
        .as_str()
        .expect("reason")
        .to_string();
    assert!(reason.contains("LFS"), "{reason}");
    repo.audit(["hash", REG]).code(2).stderr_has("LFS");
    let worktree = hash_json(&repo, &["--worktree"]);
    assert_eq!(paths(&worktree, "skipped"), [REG]);
}

/// A repository stopped in a merge conflict on the registry.
fn conflicted() -> TestRepo {
    let repo = repo_v1();
    repo.git(["checkout", "-q", "-b", "other"]);
    repo.write(
        REG,
        registry_of("2026-01-01", &[("a", "A", 7), ("b", "B", 1)]),
    );
    repo.commit_all("other");
    repo.git(["checkout", "-q", "main"]);
    repo.write(
        REG,
        registry_of("2026-01-01", &[("a", "A", 9), ("b", "B", 1)]),
    );
    repo.commit_all("main");
    let merge = repo.git_output(["merge", "-q", "other"]);
    assert!(!merge.status.success(), "the merge must conflict");
    let stages = repo.git(["ls-files", "-u", REG]);
    assert_eq!(stages.lines().count(), 3, "{stages}");
    repo
}

/// The report (skipped or errors) entry for `path`, which must mention the conflict.
#[track_caller]
fn assert_reported_unmerged(run: &Run, report: &serde_json::Value, path: &str) {
    assert!(
        !paths(report, "artifacts").contains(&path.to_string()),
        "{report:#}"
    );
    let found = ["skipped", "errors"].iter().find_map(|list| {
        report[*list]
            .as_array()
            .and_then(|l| l.iter().find(|e| e["path"] == path))
    });
    let found = found.unwrap_or_else(|| panic!("{path} not reported:\n{report:#}"));
    let text = found.to_string();
    assert!(
        text.contains("unmerged") || text.contains("conflict"),
        "{text}"
    );
    run.stderr_has(path);
}

#[test]
fn unmerged_path_is_reported_not_silently_skipped() {
    let repo = conflicted();
    let run = repo.audit(["hash", "--format", "json"]);
    assert!(run.code == 0 || run.code == 2, "{run:?}");
    let report = run.json();
    assert_reported_unmerged(&run, &report, REG);
    // Naming it is an error.
    repo.audit(["hash", REG]).code(2).stderr_has("unmerged");
    let run = repo.audit(["diff", "--format", "json"]);
    let report = run.json();
    assert_reported_unmerged(&run, &report, REG);
}

#[test]
fn reading_never_writes_into_the_git_directory() {
    let repo = repo_v1();
    repo.write(REG, registry_of("2026-01-02", V2));
    repo.git(["add", REG]);
    repo.write(SEQ, sequence("x"));
    // Make the index stat info racy/stale so a writer would be tempted to refresh it.
    std::thread::sleep(std::time::Duration::from_millis(20));
    repo.write(REG, registry_of("2026-01-03", V3));
    let before = repo.git_dir_state();
    for args in [
        vec!["hash"],
        vec!["hash", "--worktree"],
        vec!["hash", "--rev", "HEAD"],
        vec!["diff"],
        vec!["diff", "--worktree"],
        vec!["diff", "HEAD", "--format", "json"],
    ] {
        let run = repo.audit(&args);
        run.code(0);
        assert!(
            !repo.git_dir().join("index.lock").exists(),
            "{args:?} left index.lock"
        );
    }
    assert_eq!(before, repo.git_dir_state(), "the git directory changed");
}

#[test]
fn an_existing_index_lock_does_not_stop_reading_and_is_left_alone() {
    let repo = repo_v1();
    repo.write(REG, registry_of("2026-01-02", V2));
    repo.git(["add", REG]);
    let lock = repo.git_dir().join("index.lock");
    std::fs::write(&lock, b"held by another process").expect("write lock");
    let report = hash_json(&repo, &[]);
    assert_eq!(canonical_in(&report, REG), canonical(V2));
    repo.audit(["diff"]).code(0);
    repo.audit(["hash", "--worktree"]).code(0);
    assert_eq!(
        std::fs::read(&lock).expect("lock still there"),
        b"held by another process"
    );
}

#[test]
fn invalid_json_is_refused_with_path_line_and_column() {
    let repo = repo_v1();
    repo.write(REG, "{\n  \"domains\": [\n    {\"id\": \"a\",}\n  ]\n}\n");
    repo.git(["add", REG]);
    let run = repo.audit(["hash"]);
    run.code(2)
        .stderr_has(&format!("error: {REG}:3:16:"))
        .stderr_has("invalid JSON");
    let run = repo.audit(["hash", "--format", "json"]);
    run.code(2);
    let report = run.json();
    let err = entry(&report, "errors", REG);
    assert_eq!(err["rule"], "json-syntax");
    assert_eq!(err["snapshot"], "index");
    assert_eq!(
        (err["line"].as_u64(), err["column"].as_u64()),
        (Some(3), Some(16))
    );
    assert_eq!(report["artifacts"], serde_json::json!([]));
}

#[test]
fn duplicate_key_is_refused_with_path_line_and_column() {
    let repo = repo_v1();
    repo.write(REG, "{\n  \"domains\": [],\n  \"domains\": []\n}\n");
    repo.git(["add", REG]);
    let run = repo.audit(["hash", "--format", "json"]);
    run.code(2)
        .stderr_has(&format!("{REG}:3:3:"))
        .stderr_has("duplicate key");
    let report = run.json();
    let err = entry(&report, "errors", REG);
    assert_eq!(err["rule"], "json-duplicate-key");
    assert_eq!(
        (err["line"].as_u64(), err["column"].as_u64()),
        (Some(3), Some(3))
    );
}

#[test]
fn one_refused_document_does_not_hide_the_others() {
    let repo = repo_v1();
    repo.write(SEQ, "{\"id\": \"s\", \"id\": \"t\"}");
    repo.git(["add", SEQ]);
    let run = repo.audit(["hash", "--format", "json"]);
    run.code(2);
    let report = run.json();
    assert_eq!(paths(&report, "artifacts"), [REG]);
    assert_eq!(paths(&report, "errors"), [SEQ]);
}

#[test]
fn file_over_the_size_limit_is_refused() {
    let repo = TestRepo::new();
    repo.write(
        "audit.toml",
        "[limits]\nmax-file-size = 64\n\n[[artifact]]\npath = \"orchestration-domains.json\"\nkind = \"registry\"\n",
    );
    repo.write(REG, registry_of("2026-01-01", V1));
    repo.git(["add", "-A"]);
    let run = repo.audit(["hash", "--format", "json"]);
    run.code(2).stderr_has(REG);
    let report = run.json();
    assert_eq!(entry(&report, "errors", REG)["rule"], "json-limits");
}

#[test]
fn audit_toml_is_read_from_the_index_not_the_working_tree() {
    let repo = TestRepo::new();
    repo.write(
        "audit.toml",
        "[[artifact]]\npath = \"data/*.json\"\nkind = \"json\"\n",
    );
    repo.write("data/a.json", "{\"x\": 1}");
    repo.write(REG, registry_of("2026-01-01", V1));
    repo.commit_all("config");
    assert_eq!(paths(&hash_json(&repo, &[]), "artifacts"), ["data/a.json"]);
    // An unstaged edit that would stop governing data/ has no effect on the staged check.
    repo.write(
        "audit.toml",
        "[[artifact]]\npath = \"nothing/*.json\"\nkind = \"json\"\n",
    );
    assert_eq!(paths(&hash_json(&repo, &[]), "artifacts"), ["data/a.json"]);
    assert_eq!(
        paths(&hash_json(&repo, &["--staged"]), "artifacts"),
        ["data/a.json"]
    );
    // An unstaged *invalid* audit.toml cannot break it either.
    repo.write("audit.toml", "this is = not [ toml");
    assert_eq!(paths(&hash_json(&repo, &[]), "artifacts"), ["data/a.json"]);
    // The working-tree snapshot uses the working-tree configuration.
    repo.audit(["hash", "--worktree"])
        .code(2)
        .stderr_has("audit.toml");
    // Once staged, the new configuration governs.
    repo.write(
        "audit.toml",
        "[[artifact]]\npath = \"nothing/*.json\"\nkind = \"json\"\n",
    );
    repo.git(["add", "audit.toml"]);
    assert_eq!(hash_json(&repo, &[])["artifacts"], serde_json::json!([]));
    // A revision uses its own configuration.
    assert_eq!(
        paths(&hash_json(&repo, &["--rev", "HEAD"]), "artifacts"),
        ["data/a.json"]
    );
}

#[test]
fn no_audit_toml_means_the_built_in_defaults() {
    let repo = TestRepo::new();
    repo.write(REG, registry_of("2026-01-01", V1));
    repo.write("sub/orchestration-domains.json", "{}");
    repo.write("a/b/json-sequences/c/d.json", sequence("x"));
    repo.write("json-sequences/top.json", sequence("y"));
    repo.write("other.json", "{}");
    repo.commit_all("defaults");
    let report = hash_json(&repo, &[]);
    assert_eq!(
        paths(&report, "artifacts"),
        [
            "a/b/json-sequences/c/d.json",
            "json-sequences/top.json",
            REG
        ]
    );
    assert_eq!(entry(&report, "artifacts", REG)["kind"], "registry");
    assert_eq!(
        entry(&report, "artifacts", "json-sequences/top.json")["kind"],
        "sequence"
    );
}

#[test]
fn config_flag_overrides_the_snapshot_configuration() {
    let repo = repo_v1();
    repo.write("data/a.json", "{\"b\": 2, \"a\": 1}");
    repo.commit_all("data");
    let cfg = repo.scratch("custom.toml");
    std::fs::write(
        &cfg,
        "[[artifact]]\npath = \"data/*.json\"\nkind = \"json\"\nvolatile-keys = [\"b\"]\n",
    )
    .expect("write config");
    let run = repo.audit([
        OsStr::new("--config"),
        cfg.as_os_str(),
        OsStr::new("hash"),
        OsStr::new("--format"),
        OsStr::new("json"),
    ]);
    let report = run.code(0).json();
    assert_eq!(paths(&report, "artifacts"), ["data/a.json"]);
    assert_eq!(
        entry(&report, "artifacts", "data/a.json")["canonicalHash"],
        sha256_hex(r#"{"a":1}"#)
    );
    // A missing or invalid --config file is an error naming it.
    let missing = repo.scratch("missing.toml");
    repo.audit([
        OsStr::new("--config"),
        missing.as_os_str(),
        OsStr::new("hash"),
    ])
    .code(2)
    .stderr_has("missing.toml");
    std::fs::write(&cfg, "[[artifact]]\npath = \"x\"\nkind = \"yaml\"\n").expect("write");
    repo.audit([OsStr::new("--config"), cfg.as_os_str(), OsStr::new("hash")])
        .code(2)
        .stderr_has("custom.toml:3:");
}

#[test]
fn invalid_audit_toml_is_refused_naming_file_line_and_key() {
    let cases: &[(&str, &str, &str)] = &[
        (
            "[[artifact]]\npath = \"x/*.json\"\nkind = \"json\"\nexclde = []\n",
            "audit.toml (index):4:",
            "exclde",
        ),
        (
            "[[artifact]]\npath = \"../x/*.json\"\nkind = \"json\"\n",
            "audit.toml (index):2:",
            "path",
        ),
        (
            "[[artifact]]\npath = \"/etc/*.json\"\nkind = \"json\"\n",
            "audit.toml (index):2:",
            "path",
        ),
        (
            "[[artifact]]\npath = \"x/[.json\"\nkind = \"json\"\n",
            "audit.toml (index):2:",
            "glob",
        ),
        (
            "[[artifact]]\npath = \"x/*.json\"\nkind = \"json\"\nexclude = [\"nope\"]\n",
            "audit.toml (index):4:",
            "exclude",
        ),
        (
            "[[artifact]]\npath = \"x/*.json\"\nkind = \"json\"\n\n[limits]\nmax-depth = 0\n",
            "audit.toml (index):6:",
            "max-depth",
        ),
        (
            "[[artifact]]\npath = \"x/*.json\"\nkind = \"jsonish\"\n",
            "audit.toml (index):3:",
            "jsonish",
        ),
    ];
    for (text, position, key) in cases {
        let repo = repo_v1();
        repo.write("audit.toml", text);
        repo.git(["add", "audit.toml"]);
        let run = repo.audit(["hash"]);
        run.code(2)
            .stderr_has("error:")
            .stderr_has(position)
            .stderr_has(key);
        assert!(run.stdout.is_empty(), "{run:?}");
        // diff reads the same configuration.
        repo.audit(["diff"]).code(2).stderr_has(position);
    }
}

#[test]
fn color_always_paints_and_never_does_not() {
    let repo = repo_v1();
    let always = repo.audit(["--color", "always", "hash"]);
    always.code(0);
    assert!(always.stdout.contains("\u{1b}["), "{always:?}");
    let never = repo.audit(["--color", "never", "hash"]);
    never.code(0);
    assert!(!never.stdout.contains('\u{1b}'), "{never:?}");
    // The flag goes before or after the subcommand.
    let after = repo.audit(["hash", "--color", "always"]);
    assert!(after.stdout.contains("\u{1b}["), "{after:?}");
    // The text is the same once escapes are removed.
    assert_eq!(strip_ansi(&always.stdout), never.stdout);
    // JSON is never painted.
    let json = repo.audit(["--color", "always", "hash", "--format", "json"]);
    assert!(!json.stdout.contains('\u{1b}'), "{json:?}");
    json.json();
    // Errors on stderr follow the flag too.
    repo.write(REG, "{");
    repo.git(["add", REG]);
    let err = repo.audit(["--color", "always", "hash"]);
    assert!(err.stderr.contains("\u{1b}["), "{err:?}");
    let err = repo.audit(["--color", "never", "hash"]);
    assert!(!err.stderr.contains('\u{1b}'), "{err:?}");
}

#[test]
fn color_auto_follows_the_terminal_and_no_color() {
    let Some(script) = which("script") else {
        eprintln!("skipped: util-linux `script` is not installed to give the binary a terminal");
        return;
    };
    let repo = repo_v1();
    let in_tty = |no_color: Option<&str>| -> String {
        let cmdline = format!("'{}' hash --color auto", crate::support::bin().display());
        let mut cmd = std::process::Command::new(&script);
        crate::support::hermetic(&mut cmd, &repo.home());
        cmd.env("TERM", "xterm")
            .current_dir(repo.root())
            .args(["-qec", &cmdline, "/dev/null"]);
        if let Some(v) = no_color {
            cmd.env("NO_COLOR", v);
        }
        let out = cmd.output().expect("run script");
        assert!(out.status.success(), "{out:?}");
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let tty = in_tty(None);
    assert!(tty.contains(&canonical(V1)), "{tty}");
    assert!(tty.contains("\u{1b}["), "a terminal gets colour: {tty:?}");
    let no_color = in_tty(Some("1"));
    assert!(no_color.contains(&canonical(V1)), "{no_color}");
    assert!(!no_color.contains('\u{1b}'), "NO_COLOR: {no_color:?}");
    // Into a pipe, auto is plain.
    let piped = repo.audit(["hash", "--color", "auto"]);
    assert!(!piped.stdout.contains('\u{1b}'), "{piped:?}");
}

fn which(name: &str) -> Option<std::path::PathBuf> {
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|d| d.join(name))
        .find(|p| p.is_file())
}

/// Removes `ESC [ … letter` sequences.
pub fn strip_ansi(text: &str) -> String {
    let mut out = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' && chars.peek() == Some(&'[') {
            for d in chars.by_ref() {
                if d.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[test]
fn markdown_is_refused_by_hash() {
    let repo = repo_v1();
    repo.audit(["hash", "--format", "markdown"])
        .code(2)
        .stderr_has("error:");
}

// ---- Hooks: the index git hands a pre-commit hook -------------------------------------

/// Installs the recording pre-commit hook; returns where it records.
fn record_pre_commit(repo: &TestRepo) -> std::path::PathBuf {
    let out = repo.scratch("hook-out");
    repo.install_hook(
        "pre-commit",
        &recording_hook(
            &out,
            &[
                ("hash", "hash --format json"),
                ("diff", "diff --format json"),
            ],
        ),
    );
    out
}

#[test]
fn plain_commit_hook_sees_the_index() {
    let repo = repo_v1();
    let out = record_pre_commit(&repo);
    repo.write(REG, registry_of("2026-01-02", V2));
    repo.git(["add", REG]);
    repo.write(REG, registry_of("2026-01-03", V3));
    repo.git(["commit", "-q", "-m", "v2"]);
    let hash = recorded(&out, "hash");
    assert_eq!(canonical_in(&hash.code(0).json(), REG), canonical(V2));
    let committed = hash_json(&repo, &["--rev", "HEAD"]);
    assert_eq!(canonical_in(&committed, REG), canonical(V2));
}

#[test]
fn commit_all_hook_sees_the_temporary_index() {
    let repo = repo_v1();
    repo.write(SEQ, sequence("one"));
    repo.commit_all("seq");
    let out = record_pre_commit(&repo);
    // The old index holds V2; `commit -a` commits the working tree's V3.
    repo.write(REG, registry_of("2026-01-02", V2));
    repo.git(["add", REG]);
    repo.write(REG, registry_of("2026-01-03", V3));
    // Untracked and governed: `commit -a` leaves it out, so the hook must too.
    repo.write("json-sequences/untracked.json", sequence("u"));
    let old_index = hash_json(&repo, &[]);
    assert_eq!(canonical_in(&old_index, REG), canonical(V2));

    repo.git(["commit", "-q", "-a", "-m", "all"]);

    let index_file = std::fs::read_to_string(out.join("index-file")).expect("index-file");
    assert!(
        !index_file.trim().ends_with(".git/index"),
        "git should hand the hook a temporary index: {index_file}"
    );
    let hash = recorded(&out, "hash");
    let seen = hash.code(0).json();
    assert_eq!(paths(&seen, "artifacts"), [SEQ, REG]);
    assert_eq!(canonical_in(&seen, REG), canonical(V3));
    let committed = hash_json(&repo, &["--rev", "HEAD"]);
    assert_eq!(seen["artifacts"], committed["artifacts"]);

    let diff = recorded(&out, "diff");
    let diff = diff.code(0).json();
    assert_eq!(paths(&diff, "artifacts"), [REG]);
    let reg = entry(&diff, "artifacts", REG);
    assert_eq!(reg["status"], "modified");
    assert_eq!(reg["before"]["canonicalHash"], canonical(V1));
    assert_eq!(reg["after"]["canonicalHash"], canonical(V3));
    assert_eq!(reg["summary"]["added"], 1);
}

#[test]
fn commit_paths_hook_sees_head_plus_the_named_paths() {
    let repo = repo_v1();
    repo.write(SEQ, sequence("one"));
    repo.commit_all("seq");
    let seq_v1 = canonical_in(&hash_json(&repo, &[]), SEQ);
    let out = record_pre_commit(&repo);
    // Staged but not named: must not be in what is committed.
    repo.write(SEQ, sequence("two"));
    repo.git(["add", SEQ]);
    let seq_v2 = canonical_in(&hash_json(&repo, &[]), SEQ);
    assert_ne!(seq_v1, seq_v2);
    // Named, changed only in the working tree: committed from the working tree.
    repo.write(REG, registry_of("2026-01-02", V2));

    repo.git(["commit", "-q", "-m", "only the registry", REG]);

    let index_file = std::fs::read_to_string(out.join("index-file")).expect("index-file");
    assert!(
        !index_file.trim().ends_with(".git/index"),
        "git should hand the hook a temporary index: {index_file}"
    );
    let seen = recorded(&out, "hash");
    let seen = seen.code(0).json();
    assert_eq!(canonical_in(&seen, REG), canonical(V2));
    assert_eq!(
        canonical_in(&seen, SEQ),
        seq_v1,
        "not the old index's staged version"
    );
    let committed = hash_json(&repo, &["--rev", "HEAD"]);
    assert_eq!(seen["artifacts"], committed["artifacts"]);

    let diff = recorded(&out, "diff");
    let diff = diff.code(0).json();
    assert_eq!(paths(&diff, "artifacts"), [REG], "{diff:#}");
    assert_eq!(
        entry(&diff, "artifacts", REG)["after"]["canonicalHash"],
        canonical(V2)
    );
    // The staged sequence change is still staged after the commit.
    assert_eq!(canonical_in(&hash_json(&repo, &[]), SEQ), seq_v2);
}

#[test]
fn first_commit_hook_sees_everything_added() {
    let repo = TestRepo::new();
    let out = record_pre_commit(&repo);
    repo.write(REG, registry_of("2026-01-01", V1));
    repo.write(SEQ, sequence("one"));
    repo.git(["add", "-A"]);
    repo.git(["commit", "-q", "-m", "first"]);
    let hash = recorded(&out, "hash");
    assert_eq!(canonical_in(&hash.code(0).json(), REG), canonical(V1));
    let diff = recorded(&out, "diff");
    let diff = diff.code(0).json();
    assert_eq!(paths(&diff, "artifacts"), [SEQ, REG]);
    for a in diff["artifacts"].as_array().expect("artifacts") {
        assert_eq!(a["status"], "added", "{a:#}");
        assert_eq!(a["before"], serde_json::Value::Null);
    }
}

#[test]
fn hook_in_a_linked_worktree_sees_that_worktrees_index() {
    let repo = repo_v1();
    let out = record_pre_commit(&repo);
    let wt = repo.scratch("linked");
    repo.git([
        OsStr::new("worktree"),
        OsStr::new("add"),
        OsStr::new("-q"),
        OsStr::new("-b"),
        OsStr::new("feature"),
        wt.as_os_str(),
    ]);
    repo.write(REG, registry_of("2026-01-03", V3));
    repo.git(["add", REG]);
    std::fs::write(wt.join(REG), registry_of("2026-01-02", V2)).expect("write");
    repo.git_in(&wt, ["commit", "-q", "-a", "-m", "v2 in linked"]);
    let seen = recorded(&out, "hash");
    assert_eq!(canonical_in(&seen.code(0).json(), REG), canonical(V2));
    let diff = recorded(&out, "diff");
    let diff = diff.code(0).json();
    assert_eq!(
        entry(&diff, "artifacts", REG)["before"]["canonicalHash"],
        canonical(V1)
    );
}

#[test]
fn runs_as_a_git_subcommand_from_path() {
    let repo = TestRepo::new();
    let seq = "packages/app/json-sequences/a.json";
    repo.write(seq, sequence("a"));
    repo.git(["add", "-A"]);
    let sub = repo.path("packages/app");
    let out = repo.git_in(&sub, ["audit", "hash", "--format", "json"]);
    let report: serde_json::Value = serde_json::from_str(&out).expect("json");
    assert_eq!(paths(&report, "artifacts"), [seq]);
    let out = repo.git_in(
        &sub,
        ["audit", "hash", "--format", "json", "json-sequences/a.json"],
    );
    let report: serde_json::Value = serde_json::from_str(&out).expect("json");
    assert_eq!(paths(&report, "artifacts"), [seq]);
    // `git -C DIR audit` too.
    let elsewhere = repo.scratch("");
    let out = repo.git_in(
        &elsewhere,
        [
            OsStr::new("-C"),
            repo.root().as_os_str(),
            OsStr::new("audit"),
            OsStr::new("hash"),
        ],
    );
    assert!(out.contains(seq), "{out}");
}

#[test]
fn unicode_and_spaces_in_paths_are_reported_verbatim() {
    let repo = TestRepo::new();
    let seq = "my app/json-sequences/é ü.json";
    repo.write(seq, sequence("x"));
    repo.git(["add", "-A"]);
    let report = hash_json(&repo, &[]);
    assert_eq!(paths(&report, "artifacts"), [seq]);
    // An absolute path argument inside the work tree is accepted.
    let abs = repo.path(seq);
    let run = repo.audit([
        OsStr::new("hash"),
        OsStr::new("--format"),
        OsStr::new("json"),
        abs.as_os_str(),
    ]);
    assert_eq!(paths(&run.code(0).json(), "artifacts"), [seq]);
    repo.audit(["hash"])
        .code(0)
        .stdout_has(&format!("  {seq}\n"));
    repo.git(["commit", "-q", "--no-verify", "-m", "x"]);
    repo.write(seq, sequence("y"));
    let run = repo.audit(["diff", "--worktree", "--format", "json"]);
    assert_eq!(paths(&run.code(0).json(), "artifacts"), [seq]);
}

#[test]
fn intent_to_add_entries_are_not_part_of_the_index_snapshot() {
    let repo = repo_v1();
    repo.write(SEQ, sequence("x"));
    repo.git(["add", "-N", SEQ]);
    // git would not commit it: nothing is staged for it.
    let report = hash_json(&repo, &[]);
    assert_eq!(paths(&report, "artifacts"), [REG]);
    let diff = repo.audit(["diff", "--format", "json"]).code(0).json();
    assert_eq!(diff["artifacts"], serde_json::json!([]));
}

#[test]
fn index_version_4_is_read() {
    let repo = repo_v1();
    repo.write(SEQ, sequence("x"));
    repo.git(["add", "-A"]);
    repo.git(["update-index", "--index-version", "4"]);
    let report = hash_json(&repo, &[]);
    assert_eq!(paths(&report, "artifacts"), [SEQ, REG]);
}

/// Index formats libgit2 cannot read must stop the run, never yield a partial snapshot.
#[track_caller]
fn complete_or_refused(repo: &TestRepo, expected: &[&str]) {
    let run = repo.audit(["hash", "--format", "json"]);
    if run.code == 0 {
        assert_eq!(paths(&run.json(), "artifacts"), expected);
    } else {
        run.code(2).stderr_has("error:").stderr_has("index");
    }
}

#[test]
fn split_and_sparse_indexes_are_read_completely_or_refused() {
    let repo = TestRepo::new();
    let a = "p/json-sequences/a.json";
    let b = "q/json-sequences/b.json";
    repo.write(REG, registry_of("g", V1));
    repo.write(a, sequence("a"));
    repo.write(b, sequence("b"));
    repo.commit_all("init");
    repo.git(["update-index", "--split-index"]);
    repo.write(b, sequence("b2"));
    repo.git(["add", "-A"]);
    complete_or_refused(&repo, &[REG, a, b]);
    repo.git(["update-index", "--no-split-index"]);
    repo.git(["commit", "-q", "--no-verify", "-m", "b2"]);
    repo.git(["sparse-checkout", "set", "--sparse-index", "p"]);
    complete_or_refused(&repo, &[REG, a, b]);
}

#[test]
fn a_utf8_bom_is_ignored_by_the_canonical_hash() {
    let repo = repo_v1();
    let plain = registry_of("2026-01-01", V1);
    repo.write(REG, [b"\xEF\xBB\xBF".as_slice(), plain.as_bytes()].concat());
    repo.git(["add", REG]);
    let report = hash_json(&repo, &[]);
    let row = entry(&report, "artifacts", REG);
    assert_eq!(row["canonicalHash"], canonical(V1));
    assert_ne!(row["rawHash"], sha256_hex(&plain));
    let diff = repo.audit(["diff", "--format", "json"]).code(0).json();
    let reg = entry(&diff, "artifacts", REG);
    assert_eq!(reg["status"], "unchanged");
    assert_eq!(reg["rawOnly"], true);
}

#[test]
fn a_closed_pipe_ends_quietly() {
    let repo = repo_v1();
    let mut child = repo
        .audit_cmd_in(repo.root())
        .args(["hash"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn");
    drop(child.stdout.take());
    let out = child.wait_with_output().expect("wait");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("error:"), "{stderr}");
}

#[test]
fn rfc8785_examples_hash_to_their_published_canonical_form() {
    let repo = TestRepo::new();
    repo.write(
        "audit.toml",
        "[[artifact]]\npath = \"rfc/*.json\"\nkind = \"json\"\nlock-field = \"\"\n",
    );
    // RFC 8785 section 3.2.2's input, and 3.2.3's sorting example.
    repo.write(
        "rfc/values.json",
        "{\n  \"numbers\": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],\n  \"string\": \"\\u20ac$\\u000F\\u000aA'\\u0042\\u0022\\u005c\\\\\\\"\\/\",\n  \"literals\": [null, true, false]\n}\n",
    );
    repo.write(
        "rfc/sorting.json",
        "{\n  \"\\u20ac\": \"Euro Sign\",\n  \"\\r\": \"Carriage Return\",\n  \"\\ufb33\": \"Hebrew Letter Dalet With Dagesh\",\n  \"1\": \"One\",\n  \"\\ud83d\\ude00\": \"Emoji: Grinning Face\",\n  \"\\u0080\": \"Control\",\n  \"\\u00f6\": \"Latin Small Letter O With Diaeresis\"\n}\n",
    );
    repo.write(
        "rfc/numbers.json",
        "[1.0, -0, 1e21, 1e20, 0.1, 1E-7, 5e-324, 1.7976931348623157e308, 9007199254740993, -1.5e-10]",
    );
    repo.git(["add", "-A"]);
    let report = hash_json(&repo, &[]);
    let expect = |path: &str, jcs: &str| {
        assert_eq!(
            entry(&report, "artifacts", path)["canonicalHash"],
            sha256_hex(jcs),
            "{path} should canonicalise to {jcs}"
        );
    };
    expect(
        "rfc/values.json",
        r#"{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\u000f\nA'B\"\\\\\"/"}"#,
    );
    expect(
        "rfc/sorting.json",
        "{\"\\r\":\"Carriage Return\",\"1\":\"One\",\"\u{80}\":\"Control\",\"\u{f6}\":\"Latin Small Letter O With Diaeresis\",\"\u{20ac}\":\"Euro Sign\",\"\u{1f600}\":\"Emoji: Grinning Face\",\"\u{fb33}\":\"Hebrew Letter Dalet With Dagesh\"}",
    );
    expect(
        "rfc/numbers.json",
        "[1,0,1e+21,100000000000000000000,0.1,1e-7,5e-324,1.7976931348623157e+308,9007199254740992,-1.5e-10]",
    );
}

#[test]
fn every_refusal_rule_reports_path_line_and_column() {
    let cases: &[(&[u8], &str, (u64, u64))] = &[
        (b"{\n  \"a\": \"\xff\"\n}", "json-syntax", (2, 9)),
        (b"{\n  \"a\": \"\\ud800\"\n}", "json-syntax", (2, 9)),
        (b"{\n  \"a\": 1e400\n}", "json-syntax", (2, 8)),
        (b"{\"a\": [[[[1]]]]}", "json-limits", (1, 0)),
        (b"{\"a\": 1} x", "json-syntax", (1, 10)),
        (b"", "json-syntax", (1, 1)),
    ];
    for (bytes, rule, (line, column)) in cases {
        let repo = TestRepo::new();
        repo.write(
            "audit.toml",
            "[limits]\nmax-depth = 3\n\n[[artifact]]\npath = \"doc.json\"\nkind = \"json\"\n",
        );
        repo.write("doc.json", bytes);
        repo.git(["add", "-A"]);
        let run = repo.audit(["hash", "--format", "json"]);
        run.code(2).stderr_has("error: doc.json:");
        let report = run.json();
        let err = entry(&report, "errors", "doc.json");
        let shown = String::from_utf8_lossy(bytes);
        assert_eq!(err["rule"], *rule, "{shown:?}: {err}");
        assert_eq!(err["line"], *line, "{shown:?}: {err}");
        if *column > 0 {
            assert_eq!(err["column"], *column, "{shown:?}: {err}");
        }
        run.stderr_has(&format!("doc.json:{}:{}:", err["line"], err["column"]));
    }
}

#[test]
fn worktree_snapshot_keeps_tracked_files_that_match_gitignore() {
    let repo = TestRepo::new();
    repo.write(".gitignore", "orchestration-domains.json\n");
    repo.write(REG, registry_of("g", V1));
    repo.git(["add", "-f", ".gitignore", REG]);
    repo.git(["commit", "-q", "--no-verify", "-m", "forced"]);
    // git sees it tracked and modified, not deleted.
    repo.write(REG, registry_of("g", V2));
    assert_eq!(
        repo.git(["status", "--porcelain", REG]),
        format!(" M {REG}\n")
    );
    let report = hash_json(&repo, &["--worktree"]);
    assert_eq!(paths(&report, "artifacts"), [REG]);
    let diff = repo
        .audit(["diff", "--worktree", "--format", "json"])
        .code(0)
        .json();
    assert_eq!(entry(&diff, "artifacts", REG)["status"], "modified");
}

#[test]
fn hook_running_from_a_subdirectory_still_sees_the_index() {
    let repo = repo_v1();
    repo.write("packages/app/keep", "");
    repo.commit_all("sub");
    let out = repo.scratch("hook-out");
    let body = recording_hook(&out, &[("hash", "hash --format json")]);
    repo.install_hook("pre-commit", &format!("cd packages/app || exit 1\n{body}"));
    repo.write(REG, registry_of("2026-01-02", V2));
    repo.git(["add", REG]);
    repo.git(["commit", "-q", "-m", "v2"]);
    let index_file = std::fs::read_to_string(out.join("index-file")).expect("index-file");
    eprintln!("git handed the hook GIT_INDEX_FILE={}", index_file.trim());
    let seen = recorded(&out, "hash");
    assert_eq!(canonical_in(&seen.code(0).json(), REG), canonical(V2));
}

#[test]
fn unmerged_path_is_an_error_not_a_skip() {
    let repo = conflicted();
    let run = repo.audit(["hash", "--format", "json"]);
    run.code(2).stderr_has("error:").stderr_has(REG);
    let report = run.json();
    assert!(paths(&report, "skipped").is_empty(), "{report:#}");
    assert_eq!(paths(&report, "errors"), [REG]);
}
