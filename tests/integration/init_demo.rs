//! Integration tests: `git audit init` on a repository shaped like the corpus, and
//! `git audit demo` (temporary and kept scratch repositories).

use std::path::Path;

use crate::fixtures::*;
use crate::support::{Run, TestRepo};

const ORCH: &str = "packages/orchestration/json/orchestration-domains.json";
const SEQ_ELSEWHERE: &str = "packages/y/sequences/gamma.json";
const INDEX: &str = "packages/x/json-sequences/index.json";

/// A repository laid out like the corpus: a registry below the root, sequences under
/// `packages/x/json-sequences/` with an `index.json` beside them, a sequence folder with
/// another name, and unrelated JSON.
fn corpus_shaped() -> TestRepo {
    let repo = TestRepo::new();
    repo.write(ORCH, good_registry(&["a", "b", "c", "gamma"]));
    repo.write(SEQ_A, sequence("a", &["m1"]));
    repo.write(SEQ_B, sequence("b", &["m1", "m2"]));
    repo.write(
        INDEX,
        "{\n  \"sequences\": [\"alpha.json\", \"beta.json\"]\n}\n",
    );
    repo.write(SEQ_ELSEWHERE, sequence("gamma", &["m1"]));
    repo.write(
        "package.json",
        "{\n  \"name\": \"x\",\n  \"private\": true\n}\n",
    );
    repo.write("tsconfig.json", "{ \"compilerOptions\": {} }\n");
    repo.commit_all("corpus-shaped");
    repo
}

#[test]
fn init_writes_an_audit_toml_that_governs_what_it_detected() {
    let repo = corpus_shaped();
    let run = repo.audit(["init"]);
    run.code(0);
    assert!(run.stdout.contains("wrote audit.toml"), "{}", run.stdout);
    assert!(
        run.stdout.contains("1 registry") && run.stdout.contains("3 sequence files"),
        "{}",
        run.stdout
    );
    let text = repo.read("audit.toml");
    assert!(
        text.lines().filter(|l| l.starts_with('#')).count() >= 2,
        "{text}"
    );
    let parsed: toml::Value = toml::from_str(&text).expect("valid TOML");
    assert!(parsed.get("artifact").is_some(), "{text}");

    // What it governs, as the gate sees it: every registry and sequence, nothing else.
    repo.git(["add", "audit.toml"]);
    let run = repo.audit(["check", "--all", "--format", "json"]);
    run.code(0);
    let v = run.json();
    assert_eq!(v["checked"], 4, "{v}\n{text}");
    let run = repo.audit(["hash", "--format", "json"]);
    run.code(0);
    let v = run.json();
    let kinds: Vec<(String, String)> = v["artifacts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["path"].as_str().unwrap().to_string(),
                a["kind"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let want: Vec<(String, String)> = [
        (ORCH, "registry"),
        (SEQ_A, "sequence"),
        (SEQ_B, "sequence"),
        (SEQ_ELSEWHERE, "sequence"),
    ]
    .iter()
    .map(|(p, k)| (p.to_string(), k.to_string()))
    .collect();
    assert_eq!(kinds, want, "{text}");

    // Behaviour: a broken index.json is not governed, a broken sequence elsewhere is.
    repo.write(INDEX, "{ not json");
    repo.audit(["check", "--worktree"]).code(0);
    repo.write(SEQ_ELSEWHERE, "{ not json");
    let run = repo.audit(["check", "--worktree"]);
    run.code(1);
    run.finding("json-syntax", SEQ_ELSEWHERE, 1);
    // And the registry below the root is governed as a registry.
    repo.write(SEQ_ELSEWHERE, sequence("gamma", &["m1"]));
    repo.write(ORCH, good_registry(&["a", "a"]));
    let run = repo.audit(["check", "--worktree"]);
    run.code(1);
    run.finding("id-duplicate", ORCH, domain_line(1));
}

#[test]
fn init_refuses_to_overwrite_without_force() {
    let repo = corpus_shaped();
    repo.write("audit.toml", "# mine\n");
    let run = repo.audit(["init"]);
    run.code(2);
    assert!(run.stderr.contains("audit.toml"), "{}", run.stderr);
    assert!(run.stderr.contains("--force"), "{}", run.stderr);
    assert_eq!(repo.read("audit.toml"), "# mine\n");

    let run = repo.audit(["init", "--force"]);
    run.code(0);
    let text = repo.read("audit.toml");
    assert_ne!(text, "# mine\n");
    assert!(text.contains("[[artifact]]"), "{text}");
}

#[test]
fn init_stdout_writes_nothing_and_prints_what_init_would_write() {
    let repo = corpus_shaped();
    let run = repo.audit(["init", "--stdout"]);
    run.code(0);
    assert!(!repo.root().join("audit.toml").exists());
    assert_eq!(repo.status(), "");
    let printed = run.stdout.clone();
    toml::from_str::<toml::Value>(&printed).expect("valid TOML");
    // Works beside an existing audit.toml, which it leaves alone.
    repo.write("audit.toml", "# mine\n");
    repo.audit(["init", "--stdout"]).code(0);
    assert_eq!(repo.read("audit.toml"), "# mine\n");
    // And is exactly what `init` writes.
    repo.audit(["init", "--force"]).code(0);
    assert_eq!(repo.read("audit.toml"), printed);
}

#[test]
fn init_in_an_empty_repository_writes_the_defaults() {
    let repo = TestRepo::new();
    let run = repo.audit(["init"]);
    run.code(0);
    let text = repo.read("audit.toml");
    assert!(text.contains("\"orchestration-domains.json\""), "{text}");
    assert!(text.contains("\"**/json-sequences/**/*.json\""), "{text}");
    // It governs what the built-in defaults govern.
    repo.write(REGISTRY, good_registry(&["a", "a"]));
    repo.write(SEQ_A, sequence("a", &["m1", "m1"]));
    repo.git(["add", "-A"]);
    let run = repo.audit(["check"]);
    run.code(1);
    run.finding("id-duplicate", REGISTRY, domain_line(1));
    run.finding("id-duplicate", SEQ_A, 5);
}

// ---------------------------------------------------------------------------------------------
// demo
// ---------------------------------------------------------------------------------------------

/// Runs `git-audit demo ARGS` with TMPDIR inside the test's temporary area.
fn demo(repo: &TestRepo, args: &[&str]) -> (Run, std::path::PathBuf) {
    let tmp = repo.scratch("tmp");
    std::fs::create_dir_all(&tmp).unwrap();
    let out = repo
        .audit_cmd_in(&tmp)
        .arg("demo")
        .args(args)
        .env("TMPDIR", &tmp)
        .output()
        .expect("run demo");
    (Run::from(out), tmp)
}

#[track_caller]
fn assert_the_story(run: &Run) {
    run.code(0);
    let out = &run.stdout;
    assert_eq!(out.matches("→ committed").count(), 4, "{out}");
    assert_eq!(out.matches("→ blocked").count(), 4, "{out}");
    let lock_at = out
        .find("error[lock-mismatch]")
        .expect("lock-mismatch shown");
    let syntax_at = out.find("error[json-syntax]").expect("json-syntax shown");
    assert!(lock_at < syntax_at, "{out}");
    assert!(out.contains("hint: "), "{out}");
    // The structural diff of the valid change, and its impact.
    assert!(out.contains("beats 3 → 4"), "{out}");
    assert!(out.contains("raised enough for a minor change"), "{out}");
    // Each capability, for its real reason: the registry generated and checked, a stale doc
    // re-rendered, BDD and handler coverage, a timing regression, the version a change demands.
    assert!(out.contains("is what its sources generate"), "{out}");
    assert!(out.contains("error[registry-stale]"), "{out}");
    assert!(out.contains("error[doc-stale]"), "{out}");
    assert!(
        out.contains("rendered and staged examples/demo/docs/domains.md"),
        "{out}"
    );
    assert!(
        out.contains("coverage: 2 of 3 governed domains covered"),
        "{out}"
    );
    assert!(out.contains("error[handler-coverage]"), "{out}");
    assert!(out.contains("error[tests-failing]"), "{out}");
    assert!(out.contains("warning[timing-regression]"), "{out}");
    assert!(out.contains("a major change needs at least 2.0.0"), "{out}");
    assert!(out.contains("error[version-bump-missing]"), "{out}");
    // It ends with the dashboard's checklist, each item for its reason.
    assert!(out.contains("Readiness: **5/7** = 71.4%"), "{out}");
    assert!(
        out.contains("| Handler tests passing and covered | ❌ fail | 1 of 4 tests failed"),
        "{out}"
    );
    assert!(
        out.contains("4 commits made") && out.contains("4 blocked"),
        "{out}"
    );
    assert!(
        out.contains("lock-mismatch)") && out.contains("json-syntax,"),
        "{out}"
    );
    assert!(!out.contains('\u{1b}'), "colour when not a terminal");
}

#[test]
fn demo_runs_the_story_and_cleans_up() {
    let repo = TestRepo::new();
    let (run, tmp) = demo(&repo, &[]);
    assert_the_story(&run);
    let line = run
        .stdout
        .lines()
        .find(|l| l.starts_with("Scratch repository: "))
        .expect("names its scratch repository");
    let dir = line
        .trim_start_matches("Scratch repository: ")
        .split(" (")
        .next()
        .unwrap();
    assert!(Path::new(dir).starts_with(&tmp), "{dir} not under TMPDIR");
    assert!(!Path::new(dir).exists(), "{dir} left behind");
    assert!(!run.stdout.contains("in a browser"), "{}", run.stdout);
    assert_eq!(std::fs::read_dir(&tmp).unwrap().count(), 0);
}

#[test]
fn demo_dir_keeps_an_inspectable_clean_repository() {
    let repo = TestRepo::new();
    // An existing empty directory (a new one trips the bug below).
    let target = repo.scratch("kept");
    std::fs::create_dir_all(&target).unwrap();
    let (run, _) = demo(&repo, &[target.to_str().unwrap()]);
    assert_the_story(&run);
    assert!(
        run.stdout.contains(target.to_str().unwrap()),
        "{}",
        run.stdout
    );

    // The HTML dashboard is kept beside it (and out of `git status`).
    let html = std::fs::read_to_string(target.join("dashboard.html")).expect("dashboard.html");
    assert!(html.starts_with("<!DOCTYPE html>"), "{}", &html[..80]);
    assert!(
        run.stdout.contains("dashboard.html in a browser"),
        "{}",
        run.stdout
    );
    let log = repo.git_in(&target, ["log", "--format=%s"]);
    assert_eq!(
        log.lines().collect::<Vec<_>>(),
        [
            "library-load: index lazily",
            "docs: show each domain's key",
            "canvas-copy: record every copy",
            "Add the orchestration registry"
        ]
    );
    assert_eq!(
        repo.git_in(&target, ["status", "--porcelain", "--untracked-files=all"]),
        ""
    );
    repo.git_in(&target, ["fsck", "--no-progress"]);
    // What it committed passes the gate and its locks hold.
    let run = repo.audit_in(&target, ["check", "--all"]);
    run.code(0);
    let run = repo.audit_in(&target, ["verify", "--format", "json"]);
    run.code(0);
    assert_eq!(run.json()["drifted"], 0, "{}", run.stdout);
    // Every commit in its history passes the CI gate.
    repo.audit_in(&target, ["check", "--range", "HEAD~3..HEAD"])
        .code(0);
    // Every structural change has its changelog entry, and the generated doc is fresh.
    repo.audit_in(&target, ["changelog", "verify"]).code(0);
    repo.audit_in(&target, ["docs", "status"]).code(0);
    repo.audit_in(&target, ["registry", "generate", "--check"])
        .code(0);
    repo.audit_in(&target, ["check", "--rev", "HEAD~1"]).code(0);
}

#[test]
fn demo_is_reproducible() {
    let repo = TestRepo::new();
    let one = repo.scratch("one");
    let two = repo.scratch("two");
    std::fs::create_dir_all(&one).unwrap();
    std::fs::create_dir_all(&two).unwrap();
    demo(&repo, &[one.to_str().unwrap()]).0.code(0);
    demo(&repo, &[two.to_str().unwrap()]).0.code(0);
    assert_eq!(
        repo.git_in(&one, ["rev-parse", "HEAD"]),
        repo.git_in(&two, ["rev-parse", "HEAD"])
    );
}

#[test]
fn demo_refuses_a_non_empty_directory_and_leaves_it_alone() {
    let repo = TestRepo::new();
    let target = repo.scratch("busy");
    std::fs::create_dir_all(&target).unwrap();
    std::fs::write(target.join("keep.txt"), "mine\n").unwrap();
    let (run, _) = demo(&repo, &[target.to_str().unwrap()]);
    run.code(2);
    assert!(run.stderr.contains("not empty"), "{}", run.stderr);
    let names: Vec<_> = std::fs::read_dir(&target).unwrap().collect();
    assert_eq!(names.len(), 1);
    assert_eq!(
        std::fs::read_to_string(target.join("keep.txt")).unwrap(),
        "mine\n"
    );
    // An empty existing directory is fine.
    let empty = repo.scratch("empty");
    std::fs::create_dir_all(&empty).unwrap();
    demo(&repo, &[empty.to_str().unwrap()]).0.code(0);
}

#[test]
fn demo_dir_has_the_hook_installed() {
    let repo = TestRepo::new();
    let target = repo.scratch("kept");
    std::fs::create_dir_all(&target).unwrap();
    demo(&repo, &[target.to_str().unwrap()]).0.code(0);
    let reg = target.join("examples/demo/orchestration-domains.json");
    let text = std::fs::read_to_string(&reg).unwrap();
    std::fs::write(&reg, text.replacen("\"tempo\": 120,", "\"tempo\": 140,", 1)).unwrap();
    repo.git_in(&target, ["add", "-A"]);
    let head = repo.head_in(&target);
    let run = repo.commit_in(&target, &["-m", "hand edit"]);
    assert_ne!(run.code, 0, "{}", run.all());
    assert_eq!(repo.head_in(&target), head);
    assert!(run.all().contains("error[lock-mismatch]"), "{}", run.all());
}

#[test]
fn demo_dir_creates_a_new_directory() {
    let repo = TestRepo::new();
    let target = repo.scratch("new/deeper");
    let (run, _) = demo(&repo, &[target.to_str().unwrap()]);
    assert_the_story(&run);
    assert_eq!(
        repo.git_in(&target, ["rev-list", "--count", "HEAD"]).trim(),
        "4"
    );
}

#[test]
fn demo_relative_dir_is_relative_to_the_current_directory() {
    let repo = TestRepo::new();
    let tmp = repo.scratch("tmp");
    std::fs::create_dir_all(tmp.join("rel")).unwrap();
    let (run, _) = demo(&repo, &["rel"]);
    assert_the_story(&run);
    assert!(tmp.join("rel/.git").is_dir(), "{}", run.stdout);
    assert!(!tmp.join("rel/rel").exists(), "{}", run.stdout);
}
