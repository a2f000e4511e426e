//! git-audit's own index reader and writer (`io::index`) against libgit2 on indexes real git
//! wrote: versions 2, 3 and 4, intent-to-add, skip-worktree, conflicts, names that are not
//! UTF-8, symbolic links and submodules, `index.skipHash`, the untracked cache and the end-of-
//! index extensions. `GIT_AUDIT_INDEX=git-audit` makes any fallback to libgit2 an error, so a
//! test that passes under it proves the reader read (and the writer wrote) that index itself;
//! `GIT_AUDIT_INDEX=libgit2` is the code path git-audit had before, the reference.

use std::ffi::OsStr;

use crate::fixtures::registry_of;
use crate::support::{Run, TestRepo};

const CONFIG: &str = r#"[[artifact]]
path = "orchestration-domains.json"
kind = "registry"
required-fields = ["id"]

[[artifact]]
path = "data/**/*.json"
kind = "json"
"#;

const REG: &str = "orchestration-domains.json";
const LOG: &str = "EVOLUTION.md";

/// `git-audit ARGS` with `GIT_AUDIT_INDEX` set to `reader` (unset for `None`).
fn audit_by(repo: &TestRepo, reader: Option<&str>, args: &[&str]) -> Run {
    match reader {
        Some(r) => repo.audit_env(repo.root(), &[("GIT_AUDIT_INDEX", OsStr::new(r))], args),
        None => repo.audit(args),
    }
}

/// A repository with governed files in nested directories (so the cache-tree has nodes),
/// committed without hooks.
fn base() -> TestRepo {
    let repo = TestRepo::new();
    repo.write("audit.toml", CONFIG);
    repo.write(REG, registry_of("2026-01-01", &[("a", "Alpha", 1)]));
    repo.write("data/a.json", "{\"a\": 1}\n");
    repo.write("data/sub/b.json", "{\"b\": 2}\n");
    repo.write("docs/readme.md", "docs\n");
    repo.commit_all("init");
    repo
}

/// The commands whose output depends on how the index is listed and looked up.
const LISTINGS: &[&[&str]] = &[
    &["hash", "--staged", "--format", "json"],
    &["check", "--staged", "--format", "json"],
    &["hash", "--worktree", "--format", "json"],
    &["hash", "--staged", "data/a.json", "--format", "json"],
    &["diff", "--format", "json"],
    &["diff", "HEAD", "--format", "json"],
];

/// Every listing is the same read by `io::index` (strictly: no fallback) and by libgit2.
#[track_caller]
fn same_listings(repo: &TestRepo) {
    for args in LISTINGS {
        let own = audit_by(repo, Some("git-audit"), args);
        let lib = audit_by(repo, Some("libgit2"), args);
        assert_eq!(
            (own.code, &own.stdout, &own.stderr),
            (lib.code, &lib.stdout, &lib.stderr),
            "git-audit {args:?}: io::index and libgit2 disagree"
        );
        assert!(
            !own.stderr.contains("index reader"),
            "io::index fell back: {}",
            own.stderr
        );
        // And without the variable: the reader, falling back where it must.
        let auto = audit_by(repo, None, args);
        assert_eq!(
            (auto.code, &auto.stdout),
            (lib.code, &lib.stdout),
            "{args:?}"
        );
    }
}

fn index_bytes(repo: &TestRepo) -> Vec<u8> {
    std::fs::read(repo.git_dir().join("index")).expect("read the index")
}

fn index_version(repo: &TestRepo) -> u32 {
    let b = index_bytes(repo);
    u32::from_be_bytes([b[4], b[5], b[6], b[7]])
}

fn has_extension(repo: &TestRepo, sig: &[u8; 4]) -> bool {
    index_bytes(repo).windows(4).any(|w| w == sig)
}

#[test]
fn version_2_listings_match_libgit2() {
    let repo = base();
    repo.write("data/a.json", "{\"a\": 3}\n");
    repo.git(["add", "data/a.json"]);
    assert_eq!(index_version(&repo), 2);
    same_listings(&repo);
}

#[test]
fn version_3_intent_to_add_and_skip_worktree_listings_match_libgit2() {
    let repo = base();
    repo.write("data/new.json", "{\"new\": true}\n");
    repo.write("data/sub/later.json", "{\"later\": true}\n");
    repo.git(["add", "-N", "data/new.json", "data/sub/later.json"]);
    repo.git(["update-index", "--skip-worktree", "data/sub/b.json"]);
    std::fs::remove_file(repo.path("data/sub/b.json")).expect("remove");
    // The cache-tree updated as `git commit` updates it: git leaves the directories that hold
    // intended files invalid (they are not in its trees), so HEAD's listing walks those.
    repo.git(["write-tree"]);
    assert_eq!(index_version(&repo), 3);
    same_listings(&repo);
    // The skip-worktree file counts in --worktree with its index copy; the intended one not
    // in the index listing.
    let run = audit_by(
        &repo,
        Some("git-audit"),
        &["hash", "--worktree", "--format", "json"],
    );
    assert!(run.stdout.contains("data/sub/b.json"), "{}", run.stdout);
    let run = audit_by(
        &repo,
        Some("git-audit"),
        &["hash", "--staged", "--format", "json"],
    );
    assert!(!run.stdout.contains("data/new.json"), "{}", run.stdout);
}

#[test]
fn version_4_listings_match_libgit2() {
    let repo = base();
    repo.git(["update-index", "--index-version", "4"]);
    repo.write("data/sub/c.json", "{\"c\": 1}\n");
    repo.git(["add", "data/sub/c.json"]);
    assert_eq!(index_version(&repo), 4);
    same_listings(&repo);
}

#[test]
fn conflict_listings_match_libgit2() {
    let repo = base();
    repo.git(["checkout", "-q", "-b", "side"]);
    repo.write("data/a.json", "{\"a\": \"side\"}\n");
    repo.commit_all("side");
    repo.git(["checkout", "-q", "main"]);
    repo.write("data/a.json", "{\"a\": \"main\"}\n");
    repo.commit_all("main");
    let merge = repo.git_run(["merge", "-q", "side"]);
    assert_ne!(merge.code, 0, "the merge conflicts");
    assert!(repo.git(["ls-files", "-u"]).contains("data/a.json"));
    same_listings(&repo);
    audit_by(
        &repo,
        Some("git-audit"),
        &["hash", "--staged", "data/a.json"],
    )
    .code(2)
    .stderr_has("unmerged in the index (conflict stages 1,2,3)");
}

#[test]
fn names_that_are_not_utf8_symlinks_and_submodules_match_libgit2() {
    use std::os::unix::ffi::OsStrExt;
    let repo = base();
    let name = OsStr::from_bytes(b"data/caf\xe9.json");
    std::fs::write(repo.root().join(name), "{\"x\": 1}\n").expect("write");
    std::os::unix::fs::symlink("a.json", repo.path("data/link.json")).expect("symlink");
    let head = repo.rev_parse("HEAD");
    repo.git(["add", "-A"]);
    repo.git([
        "update-index",
        "--add",
        "--cacheinfo",
        &format!("160000,{head},data/module.json"),
    ]);
    same_listings(&repo);
    let run = audit_by(
        &repo,
        Some("git-audit"),
        &["hash", "--staged", "--format", "json"],
    );
    assert!(run.stdout.contains("caf\\\\xE9"), "{}", run.stdout);
}

#[test]
fn skip_hash_untracked_cache_and_end_of_index_listings_match_libgit2() {
    let repo = base();
    repo.git(["config", "index.skipHash", "true"]);
    repo.git(["config", "core.untrackedCache", "true"]);
    repo.git(["config", "index.recordEndOfIndexEntries", "true"]);
    repo.git(["update-index", "--untracked-cache"]);
    repo.write("untracked.txt", "u\n");
    repo.git(["status", "--porcelain"]);
    repo.write("data/a.json", "{\"a\": 4}\n");
    repo.git(["add", "data/a.json"]);
    let bytes = index_bytes(&repo);
    assert_eq!(bytes[bytes.len() - 20..], [0; 20], "index.skipHash");
    assert!(has_extension(&repo, b"UNTR"), "the untracked cache");
    assert!(has_extension(&repo, b"EOIE"), "the end-of-index entry");
    same_listings(&repo);
}

/// A split index and a sparse index are libgit2's to read (it refuses both today): the reader
/// says why under `GIT_AUDIT_INDEX=git-audit`, and without the variable git-audit does exactly
/// what libgit2 does.
#[test]
fn split_and_sparse_indexes_fall_back_to_libgit2() {
    let split = base();
    split.git(["update-index", "--split-index"]);
    assert!(has_extension(&split, b"link"));
    let sparse = base();
    sparse.git(["sparse-checkout", "init", "--cone"]);
    sparse.git(["sparse-checkout", "set", "--sparse-index", "data"]);
    assert!(has_extension(&sparse, b"sdir"));
    for (repo, why) in [(&split, "split index"), (&sparse, "sparse")] {
        for args in LISTINGS {
            let auto = audit_by(repo, None, args);
            let lib = audit_by(repo, Some("libgit2"), args);
            assert_eq!(
                (auto.code, &auto.stdout, &auto.stderr),
                (lib.code, &lib.stdout, &lib.stderr),
                "{args:?}"
            );
        }
        audit_by(
            repo,
            Some("git-audit"),
            &["hash", "--staged", "--format", "json"],
        )
        .code(2)
        .stderr_has("index reader does not read")
        .stderr_has(why);
    }
}

#[test]
fn a_corrupt_index_is_refused_as_libgit2_refuses_it() {
    let repo = base();
    let path = repo.git_dir().join("index");
    let mut bytes = index_bytes(&repo);
    bytes[20] ^= 0x55;
    std::fs::write(&path, &bytes).expect("write");
    let auto = audit_by(&repo, None, &["hash", "--staged"]);
    let lib = audit_by(&repo, Some("libgit2"), &["hash", "--staged"]);
    auto.code(2).stderr_has("checksum");
    assert_eq!(auto.stderr, lib.stderr);
}

/// HEAD's listing takes the files of a directory whose cache-tree node names HEAD's subtree
/// from the index instead of reading the tree: with that subtree's object gone from the
/// repository, git-audit's reader still lists HEAD (libgit2 cannot), and lists it as it was.
#[test]
fn heads_listing_uses_the_cache_tree_for_unchanged_directories() {
    let repo = base();
    repo.git(["read-tree", "HEAD"]); // a fully valid cache-tree, as `git commit` leaves it
    repo.write("data/a.json", "{\"a\": 5}\n");
    repo.git(["add", "data/a.json"]);
    let before = audit_by(
        &repo,
        Some("libgit2"),
        &["check", "--staged", "--format", "json"],
    );
    let subtree = repo.rev_parse("HEAD:data/sub");
    let object = repo
        .git_dir()
        .join("objects")
        .join(&subtree[..2])
        .join(&subtree[2..]);
    std::fs::remove_file(&object).expect("the subtree is a loose object");
    let own = audit_by(
        &repo,
        Some("git-audit"),
        &["check", "--staged", "--format", "json"],
    );
    assert_eq!((own.code, &own.stdout), (before.code, &before.stdout));
    audit_by(
        &repo,
        Some("libgit2"),
        &["check", "--staged", "--format", "json"],
    )
    .code(2)
    .stderr_has("cannot list the tree of HEAD");
}

// ---- The pre-commit hook staging the changelog entry ----------------------------------------

/// What one hook commit left: `git ls-files -s`, the commit's tree, the changelog committed.
#[derive(Debug, PartialEq)]
struct Committed {
    ls_files: String,
    tree: String,
    log: String,
}

/// A repository with the hooks installed, `setup` applied, a first commit and a second that
/// changes the registry (both through the hooks, with `GIT_AUDIT_INDEX=reader`); checks the
/// repository is whole and the changelog entry is in the commit.
fn hook_commit(reader: &str, setup: &dyn Fn(&TestRepo)) -> Committed {
    let repo = base();
    repo.audit(["install"]).code(0);
    setup(&repo);
    let env = [("GIT_AUDIT_INDEX", OsStr::new(reader))];
    let commit = |message: &str| {
        repo.git_env(repo.root(), &env, ["commit", "-q", "-m", message]);
    };
    repo.write(
        REG,
        registry_of("2026-01-01", &[("a", "Alpha", 1), ("b", "Beta", 2)]),
    );
    repo.git(["add", REG]);
    commit("add b");
    let before = repo.git(["show", &format!("HEAD:{LOG}")]);
    repo.write(
        REG,
        registry_of(
            "2026-01-01",
            &[("a", "Alpha", 1), ("b", "Beta", 2), ("c", "Gamma", 3)],
        ),
    );
    repo.write("data/sub/d.json", "{\"d\": 1}\n");
    repo.git(["add", REG, "data/sub/d.json"]);
    commit("add c");

    let fsck = repo.git_run(["fsck", "--no-dangling"]);
    fsck.code(0);
    assert_eq!(fsck.stdout.trim(), "", "git fsck: {}", fsck.stderr);
    assert_eq!(repo.status(), "", "git status after the commit");
    assert_eq!(repo.git(["diff", "--cached"]), "", "git diff --cached");
    let log = repo.git(["show", &format!("HEAD:{LOG}")]);
    assert_ne!(log, before, "the commit holds the new changelog entry");
    assert!(
        log.contains("`c`"),
        "the entry names the domain added:\n{log}"
    );
    assert_eq!(log, repo.read(LOG), "committed changelog = work tree");
    assert_eq!(log, repo.staged(LOG), "committed changelog = index");
    // git's own reading of the tree the index now describes (the cache-tree git keeps).
    assert_eq!(
        repo.git(["write-tree"]).trim(),
        repo.rev_parse("HEAD^{tree}")
    );
    Committed {
        ls_files: repo.git(["ls-files", "-s"]),
        tree: repo.rev_parse("HEAD^{tree}"),
        log,
    }
}

/// The hook commit with `io::index` (strict) and with libgit2 leave the same index and tree.
#[track_caller]
fn same_hook_commits(setup: &dyn Fn(&TestRepo)) {
    let own = hook_commit("git-audit", setup);
    let lib = hook_commit("libgit2", setup);
    assert_eq!(own, lib);
}

#[test]
fn hook_commit_version_2_stages_the_changelog_entry_into_the_commit() {
    same_hook_commits(&|repo| assert_eq!(index_version(repo), 2));
}

#[test]
fn hook_commit_version_3_stages_the_changelog_entry_into_the_commit() {
    same_hook_commits(&|repo| {
        repo.git(["update-index", "--skip-worktree", "docs/readme.md"]);
        assert_eq!(index_version(repo), 3);
    });
}

#[test]
fn hook_commit_version_4_stages_the_changelog_entry_into_the_commit() {
    same_hook_commits(&|repo| {
        repo.git(["config", "index.version", "4"]);
        repo.git(["update-index", "--index-version", "4"]);
        assert_eq!(index_version(repo), 4);
    });
}

#[test]
fn hook_commit_with_the_untracked_cache_stages_the_changelog_entry_into_the_commit() {
    same_hook_commits(&|repo| {
        repo.git(["config", "core.untrackedCache", "true"]);
        repo.git(["config", "index.recordEndOfIndexEntries", "true"]);
        repo.git(["update-index", "--untracked-cache"]);
        repo.git(["status", "--porcelain"]);
        assert!(has_extension(repo, b"UNTR"));
    });
}

#[test]
fn hook_commit_with_skip_hash_stages_the_changelog_entry_into_the_commit() {
    same_hook_commits(&|repo| {
        repo.git(["config", "index.skipHash", "true"]);
        repo.git(["update-index", "--really-refresh"]);
    });
}

#[test]
fn hook_commit_of_paths_stages_the_changelog_entry_into_the_commit() {
    // `git commit <paths>` hands the hook a temporary index (`next-index-*.lock`).
    let run = |reader: &str| {
        let repo = base();
        repo.audit(["install"]).code(0);
        repo.write(
            REG,
            registry_of("2026-01-01", &[("a", "Alpha", 1), ("b", "Beta", 2)]),
        );
        repo.git_env(
            repo.root(),
            &[("GIT_AUDIT_INDEX", OsStr::new(reader))],
            ["commit", "-q", "-m", "add b", "--", REG],
        );
        repo.git_run(["fsck", "--no-dangling"]).code(0);
        assert_eq!(repo.status(), "");
        let log = repo.git(["show", &format!("HEAD:{LOG}")]);
        assert!(log.contains("`b`"), "{log}");
        (repo.git(["ls-files", "-s"]), repo.rev_parse("HEAD^{tree}"))
    };
    assert_eq!(run("git-audit"), run("libgit2"));
}
