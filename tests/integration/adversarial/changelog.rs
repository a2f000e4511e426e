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

// ---- 15: hook and verify agree on transitions from and to an unreadable version --------------

const OTHER: &str = "other.json";

#[test]
fn item_15_an_unreadable_document_does_not_stop_the_other_transitions_being_recorded() {
    let repo = hooked();
    let config = format!("{CONFIG}\n[[artifact]]\npath = \"{OTHER}\"\nkind = \"registry\"\nrequired-fields = [\"id\"]\n");
    repo.write("audit.toml", &config);
    repo.write(OTHER, registry_of("2026-01-01", &[("o", "Omega", 1)]));
    repo.git(["add", "-A"]);
    repo.commit("other").code(0);
    verify_clean(&repo);

    // Made with --no-verify: OTHER does not parse, and REG changes structurally.
    repo.write(OTHER, "{ \"domains\": [ , ] }\n");
    repo.write(
        REG,
        registry_of("2026-01-01", &[("a", "Alpha", 1), ("b", "Beta", 2)]),
    );
    repo.git(["add", "-A"]);
    repo.git_run(["commit", "--no-verify", "-m", "broken"])
        .code(0);
    repo.audit(["changelog", "verify"])
        .code(1)
        .stdout_has("changelog-missing");
    // The documented remedy records the entry verify asks for.
    repo.audit(["changelog", "record", "--amend"])
        .code(0)
        .stdout_has("recorded changelog entry");
    repo.git_run(["commit", "--amend", "--no-edit", "--no-verify"])
        .code(0);
    verify_clean(&repo);

    // The next commit fixes OTHER and changes REG again: the hook records REG's transition.
    repo.write(OTHER, registry_of("2026-01-01", &[("o", "Omega", 1)]));
    repo.write(
        REG,
        registry_of(
            "2026-01-01",
            &[("a", "Alpha", 1), ("b", "Beta", 2), ("c", "Gamma", 3)],
        ),
    );
    repo.git(["add", "-A"]);
    let run = repo.commit("fix other, add c");
    run.code(0);
    assert!(
        repo.git(["show", "--name-only", "HEAD"]).contains(LOG),
        "the hook recorded no entry"
    );
    verify_clean(&repo);
    // `ci` of the fixing commit agrees.
    repo.audit(["ci", "--base", "HEAD~1"]).code(0);
}

// ---- 12: the framework's changelog hook never records what the gate rejects ------------------

/// The `entry` of hook `id` in .pre-commit-hooks.yaml, split into words.
fn framework_entry(id: &str) -> Vec<String> {
    let yaml = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(".pre-commit-hooks.yaml"),
    )
    .expect("read .pre-commit-hooks.yaml");
    let mut in_hook = false;
    for line in yaml.lines() {
        if let Some(rest) = line.strip_prefix("- id: ") {
            in_hook = rest.trim() == id;
        } else if let (true, Some(entry)) = (in_hook, line.trim().strip_prefix("entry: ")) {
            return entry.split_whitespace().map(String::from).collect();
        }
    }
    panic!("no hook {id} with an entry in .pre-commit-hooks.yaml");
}

#[test]
fn item_12_the_framework_changelog_hook_records_nothing_the_gate_rejects() {
    for id in ["git-audit-changelog", "git-audit-changelog-system"] {
        let entry = framework_entry(id);
        assert_eq!(entry[0], "git-audit", "{id}: {entry:?}");
        let repo = TestRepo::new();
        repo.write(
            "audit.toml",
            CONFIG.replace(r#"["id"]"#, r#"["id", "name"]"#),
        );
        repo.write(REG, registry_of("2026-01-01", &[("a", "Alpha", 1)]));
        repo.commit_all("init");
        // A structural change the gate rejects: domain b has no name.
        repo.write(
            REG,
            r#"{"metadata": {"generated": "x"}, "domains": [{"id": "a", "name": "Alpha", "status": "active", "tempo": 1}, {"id": "b"}]}"#,
        );
        repo.git(["add", REG]);
        repo.audit(["check"]).code(1);
        // The framework runs the changelog id on its own (after a failed `git-audit` id
        // without fail_fast, or before it): it must fail too, and stage nothing.
        let run = repo.audit(&entry[1..]);
        assert_ne!(run.code, 0, "{id} passed a commit the gate rejects");
        assert_eq!(
            repo.git(["diff", "--cached", "--name-only"]).trim(),
            REG,
            "{id} staged something for a rejected commit"
        );
        assert!(!repo.path(LOG).exists(), "{id} wrote {LOG}");
        // Once the change passes, the same entry point records it.
        repo.write(
            REG,
            registry_of("2026-01-01", &[("a", "Alpha", 1), ("b", "Beta", 2)]),
        );
        repo.git(["add", REG]);
        repo.audit(&entry[1..]).code(0);
        assert_eq!(markers(&repo.staged(LOG)), 1, "{id}");
    }
}

/// Listing both the `git-audit` and the `git-audit-changelog` ids runs the check once: the
/// changelog step follows a *pass* the check just reached on this very index (and HEAD, and
/// day), and checks again whenever the index is not the one checked or the verdict was a
/// failure (fail closed, findings always shown). `GIT_AUDIT_FAULT=hook-check` aborts at the
/// step's own check, which makes "did it check again" observable.
#[test]
fn item_12_both_framework_ids_check_the_index_once() {
    let repo = TestRepo::new();
    repo.write(
        "audit.toml",
        CONFIG.replace(r#"["id"]"#, r#"["id", "name"]"#),
    );
    repo.write(REG, registry_of("2026-01-01", &[("a", "Alpha", 1)]));
    repo.commit_all("init");
    let bad = r#"{"metadata": {"generated": "x"}, "domains": [{"id": "a", "name": "Alpha", "status": "active", "tempo": 1}, {"id": "b"}]}"#;
    let said = |run: &Run| format!("{}{}", run.stdout, run.stderr);
    let fault = [("GIT_AUDIT_FAULT", std::ffi::OsStr::new("hook-check"))];
    let root = repo.root().to_path_buf();

    // A passing index checked first: the changelog step records without checking again.
    let good = registry_of("2026-01-01", &[("a", "Alpha", 1), ("b", "Beta", 2)]);
    repo.write(REG, &good);
    repo.git(["add", REG]);
    repo.audit(["check"]).code(0);
    repo.audit_env(&root, &fault, ["hook", "pre-commit"])
        .code(0);
    assert_eq!(markers(&repo.staged(LOG)), 1);

    // The index changed after a passing check: the step checks again and blocks.
    repo.git(["reset", "-q"]);
    std::fs::remove_file(repo.path(LOG)).unwrap();
    repo.write(REG, &good);
    repo.git(["add", REG]);
    repo.audit(["check"]).code(0);
    repo.write(REG, bad);
    repo.git(["add", REG]);
    let aborted = repo.audit_env(&root, &fault, ["hook", "pre-commit"]);
    assert_ne!(aborted.code, 0, "{}", said(&aborted));
    assert!(
        !said(&aborted).contains("required-field"),
        "it checked past the fault"
    );
    let run = repo.audit(["hook", "pre-commit"]);
    run.code(1);
    assert!(said(&run).contains("required-field"), "{}", said(&run));
    assert!(!repo.path(LOG).exists());

    // A failed verdict is never trusted blindly: the step checks again and shows the findings.
    repo.audit(["check"]).code(1);
    let again = repo.audit(["hook", "pre-commit"]);
    again.code(1);
    assert!(said(&again).contains("required-field"), "{}", said(&again));
}

/// `git audit changelog record` run by hand (or from a hand-written hook) checks first, as the
/// installed hooks do: a rejected change is never recorded unless `--no-check` says so.
#[test]
fn item_12_changelog_record_by_hand_records_nothing_the_gate_rejects() {
    let repo = TestRepo::new();
    repo.write(
        "audit.toml",
        CONFIG.replace(r#"["id"]"#, r#"["id", "name"]"#),
    );
    repo.write(REG, registry_of("2026-01-01", &[("a", "Alpha", 1)]));
    repo.commit_all("init");
    repo.write(
        REG,
        r#"{"metadata": {"generated": "x"}, "domains": [{"id": "a", "name": "Alpha", "status": "active", "tempo": 1}, {"id": "b"}]}"#,
    );
    repo.git(["add", REG]);
    let run = repo.audit(["changelog", "record"]);
    run.code(1);
    run.stderr_has("nothing recorded");
    assert!(!repo.path(LOG).exists());
    assert_eq!(repo.git(["diff", "--cached", "--name-only"]).trim(), REG);
    repo.audit(["changelog", "record", "--no-check"]).code(0);
    assert_eq!(markers(&repo.staged(LOG)), 1);
}

// ---- 13: ids and paths escaped for every sink ------------------------------------------------

/// An id that tries every sink: a line break with a fake marker and heading, raw HTML, an OSC
/// title sequence and a colour.
const EVIL: &str = "x\n<!-- git-audit:entry 0000000000000000000000000000000000000000000000000000000000000000 -->\n## y <script>alert(1)</script> \u{1b}]0;pwned\u{7}\u{1b}[31m`z";

#[test]
fn item_13_hostile_ids_and_paths_are_escaped_for_every_sink() {
    let repo = hooked();
    repo.write(
        REG,
        registry_of("2026-01-01", &[("a", "Alpha", 1), (EVIL, "Evil", 2)]),
    );
    repo.git(["add", REG]);
    repo.commit("evil id").code(0);
    let log = log_at(&repo, "HEAD");
    assert_eq!(markers(&log), 2, "{log}");
    assert!(!log.contains('\u{1b}'), "ESC in the changelog:\n{log}");
    assert!(!log.lines().any(|l| l.starts_with("## y")), "{log}");
    assert!(!log.contains("\n<!-- git-audit:entry 0000"), "{log}");
    verify_clean(&repo);

    // The next commit keeps every line of the entry.
    repo.write(
        REG,
        registry_of("2026-01-01", &[("a", "Alpha", 1), (EVIL, "Evil", 3)]),
    );
    repo.git(["add", REG]);
    repo.commit("evil tempo").code(0);
    assert!(log_at(&repo, "HEAD").starts_with(&log));
    verify_clean(&repo);

    for (args, with_no_color) in [
        (vec!["diff", "HEAD~2..HEAD"], false),
        (vec!["diff", "HEAD~2..HEAD"], true),
        (vec!["diff", "--format", "markdown", "HEAD~2..HEAD"], false),
        (vec!["release-notes", "HEAD~2..HEAD"], false),
        (vec!["release-notes", "HEAD~2..HEAD"], true),
    ] {
        let run = if with_no_color {
            let one = std::ffi::OsStr::new("1");
            repo.audit_env(repo.root(), &[("NO_COLOR", one)], &args)
        } else {
            repo.audit(&args)
        };
        run.code(0);
        assert!(
            !run.stdout.contains('\u{1b}') && !run.stderr.contains('\u{1b}'),
            "{args:?}: ESC reaches the terminal:\n{}",
            run.stdout
        );
        assert!(
            !run.stdout
                .lines()
                .any(|l| l.starts_with("## y") || l.starts_with("<!-- git-audit")),
            "{args:?}: an id starts a line:\n{}",
            run.stdout
        );
        if args[0] == "release-notes" || args.contains(&"markdown") {
            // Raw HTML only inside code spans: every `<script>` sits between backticks.
            for line in run.stdout.lines().filter(|l| l.contains("<script>")) {
                let before = &line[..line.find("<script>").unwrap_or(0)];
                assert!(before.contains('`'), "{args:?}: raw HTML in {line:?}");
            }
        }
    }

    // A path with an escape sequence, reported by `check`.
    let evil_path = "reg\u{1b}]0;pwned\u{7}.json";
    repo.write(
        "audit.toml",
        format!("{CONFIG}\n[[artifact]]\npath = \"reg*.json\"\nkind = \"registry\"\n"),
    );
    repo.write(evil_path, "{ \"domains\": [ , ] }\n");
    repo.git(["add", "-A"]);
    let run = repo.audit(["check"]);
    run.code(1);
    assert!(
        !run.stdout.contains('\u{1b}') && !run.stderr.contains('\u{1b}'),
        "check: ESC reaches the terminal:\n{}{}",
        run.stdout,
        run.stderr
    );
    assert!(
        run.stdout.contains("reg\\u{1b}]0;pwned\\u{7}.json"),
        "{}",
        run.stdout
    );
}
