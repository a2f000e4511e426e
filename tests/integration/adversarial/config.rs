//! Adversarial items about configuration and rules that failed open: a config that governs
//! nothing, non-array structure, deleted locked artifacts, and smaller refusals.

use crate::fixtures::*;
use crate::support::TestRepo;

#[test]
fn item_01_a_config_without_artifact_tables_keeps_the_builtin_ones() {
    let repo = TestRepo::new();
    repo.write("README.md", "x\n");
    repo.commit_all("base");
    repo.write("audit.toml", "[rules]\nevent-name = \"error\"\n");
    repo.write(REGISTRY, syntax_error_registry(&["a"]));
    repo.git(["add", "-A"]);
    let run = repo.audit(["check"]);
    run.code(1);
    assert_eq!(run.finding_lines("json-syntax").len(), 1, "{}", run.all());

    // An explicit `artifact = []` governs nothing, and the summary says so.
    repo.write("audit.toml", "artifact = []\n");
    repo.git(["add", "-A"]);
    repo.audit(["check"])
        .code(0)
        .stdout_has("0 artifacts checked")
        .stdout_has("no artifact is governed in this snapshot");
    let json = repo.audit(["check", "--format", "json"]).code(0).json();
    assert_eq!(json["governed"], 0, "{json}");

    // Tables that match no file are legal, and said too.
    repo.write(
        "audit.toml",
        "[[artifact]]\npath = \"nowhere/*.json\"\nkind = \"json\"\n",
    );
    repo.git(["add", "-A"]);
    repo.audit(["check"])
        .code(0)
        .stdout_has("no artifact is governed in this snapshot");
}

#[test]
fn item_03_non_array_movements_are_findings_and_registry_mismatches() {
    let repo = TestRepo::new();
    let claims = domain("a").replace(
        r#""timeSignature": "4/4""#,
        r#""timeSignature": "4/4", "movements": 1, "beats": 1"#,
    );
    repo.write(REGISTRY, registry(Layout::Lines, &[claims]));
    repo.write(SEQ_A, sequence("a", &["m1"]));
    repo.commit_all("base");
    for bad in [r#""x""#, "null", "{}", "7"] {
        repo.write(SEQ_A, format!("{{\"id\": \"a\", \"movements\": {bad}}}\n"));
        repo.git(["add", "-A"]);
        let run = repo.audit(["check"]);
        run.code(1);
        let types = run.finding_lines("field-type");
        assert_eq!(types.len(), 1, "{bad}: {}", run.all());
        assert!(types[0].contains("not an array"), "{}", types[0]);
        let drift = run.finding_lines("registry-sequence-mismatch");
        assert_eq!(drift.len(), 2, "{bad}: {}", run.all());
    }
}

#[test]
fn item_05_removing_a_locked_artifact_is_deliberate_or_blocked() {
    let repo = TestRepo::new();
    repo.write(REGISTRY, good_registry(&["a"]));
    repo.write(SEQ_A, sequence("a", &["m1"]));
    repo.git(["add", "-A"]);
    repo.audit(["lock", "--stage"]).code(0);
    assert!(repo.staged(REGISTRY).contains("\"integrity\""));
    repo.git(["commit", "-q", "-m", "locked"]);

    // The embedded lock leaves with its file: blocked, with and without --all.
    repo.git(["rm", "-q", REGISTRY]);
    for args in [&["check"][..], &["check", "--all"][..]] {
        let run = repo.audit(args);
        run.code(1);
        let lines = run.finding_lines("lock-mismatch");
        assert_eq!(lines.len(), 1, "{args:?}: {}", run.all());
        assert!(lines[0].starts_with(REGISTRY), "{}", lines[0]);
        assert!(lines[0].contains("removed although"), "{}", lines[0]);
    }
    // Deliberately: a waiver naming the removal.
    repo.write(
        "audit-waivers.toml",
        "[[waiver]]\nrule = \"lock-mismatch\"\npath = \"orchestration-domains.json\"\nreason = \"retired\"\nowner = \"ada@example.com\"\nexpires = 2099-12-31\n",
    );
    repo.git(["add", "audit-waivers.toml"]);
    repo.audit(["check"]).code(0);
    repo.git(["rm", "-q", "--cached", "audit-waivers.toml"]);
    repo.git(["reset", "-q", "--hard"]);

    // The same rule for audit.lock: blocked while the entry stays, passes once it is dropped.
    repo.git(["rm", "-q", SEQ_A]);
    repo.audit(["check"]).code(1);
    repo.audit(["lock", "--stage"]).code(0);
    repo.audit(["check"]).code(0);
}

#[test]
fn item_17_waiver_paths_may_not_leave_the_repository() {
    let repo = gated_repo();
    repo.write(
        "audit-waivers.toml",
        "[[waiver]]\nrule = \"schema\"\npath = \"../**\"\nreason = \"r\"\nowner = \"o\"\nexpires = 2099-12-31\n",
    );
    repo.write(REGISTRY, good_registry(&["a", "b", "c"]));
    repo.git(["add", "-A"]);
    repo.audit(["check"])
        .code(2)
        .stderr_has("leaves the repository");
}

#[test]
fn item_17_cr_only_files_report_the_right_line() {
    let repo = gated_repo();
    repo.write(
        REGISTRY,
        syntax_error_registry(&["a", "b"]).replace('\n', "\r"),
    );
    repo.git(["add", "-A"]);
    let run = repo.audit(["check"]);
    run.code(1);
    // The trailing comma's `]` sits on line 4 + 2, as with LF endings.
    run.finding("json-syntax", REGISTRY, domain_line(2));
}

#[test]
fn item_17_a_huge_number_makes_a_short_message() {
    let repo = gated_repo();
    repo.write(
        REGISTRY,
        format!("{{\"domains\": [], \"n\": 1{}}}\n", "0".repeat(100_000)),
    );
    repo.git(["add", "-A"]);
    let run = repo.audit(["check"]);
    run.code(1);
    let lines = run.finding_lines("json-syntax");
    assert_eq!(lines.len(), 1, "{}", run.all());
    assert!(lines[0].len() < 400, "{} bytes", lines[0].len());
    assert!(lines[0].contains("more characters"), "{}", lines[0]);
}

#[test]
fn item_17_an_invalid_event_payload_is_said_as_such() {
    let repo = gated_repo();
    let event = repo.scratch("event.json");
    std::fs::write(&event, "{not json").unwrap();
    let env = [
        ("GITHUB_ACTIONS", std::ffi::OsStr::new("true")),
        ("GITHUB_EVENT_NAME", std::ffi::OsStr::new("pull_request")),
        ("GITHUB_EVENT_PATH", event.as_os_str()),
    ];
    let run = repo.audit_env(repo.root(), &env, ["ci"]);
    run.code(2)
        .stderr_has("event payload")
        .stderr_has("is not valid JSON")
        .stderr_has("event.json");
    assert!(
        !run.stderr.contains("names no base commit"),
        "{}",
        run.stderr
    );
}

#[test]
fn item_17_baseline_errors_have_one_based_columns() {
    let repo = gated_repo();
    repo.write("audit-baseline.json", "{\"version\": 1,\n\n");
    repo.write(REGISTRY, good_registry(&["a", "b", "c"]));
    repo.git(["add", "-A"]);
    let run = repo.audit(["check"]);
    run.code(2).stderr_has("audit-baseline.json");
    assert!(!run.stderr.contains(":0:"), "{}", run.stderr);
    assert!(!run.stderr.contains("column 0"), "{}", run.stderr);
}

#[test]
fn item_17_a_lock_without_canonical_hash_says_which_field_is_missing() {
    let repo = gated_repo();
    let text = good_registry(&["a", "b"]).replacen(
        "{\n",
        "{\n  \"integrity\": {\"algorithm\": \"sha256-jcs\"},\n",
        1,
    );
    repo.write(REGISTRY, text);
    repo.git(["add", "-A"]);
    let run = repo.audit(["check"]);
    run.code(1);
    let lines = run.finding_lines("lock-mismatch");
    assert_eq!(lines.len(), 1, "{}", run.all());
    assert!(
        lines[0].contains("no `canonicalHash` field"),
        "{}",
        lines[0]
    );
    assert!(!lines[0].contains("unknown lock algorithm"), "{}", lines[0]);
}

#[test]
fn item_17_changelog_record_refuses_a_stale_index_lock() {
    let repo = gated_repo();
    repo.write(REGISTRY, good_registry(&["a", "b", "c"]));
    repo.git(["add", "-A"]);
    let lock = repo.git_dir().join("index.lock");
    std::fs::write(&lock, "").unwrap();
    repo.audit(["changelog", "record"])
        .code(2)
        .stderr_has("another git process may be running")
        .stderr_has("index.lock");
    assert_eq!(repo.git(["ls-files", "EVOLUTION.md"]), "", "nothing staged");
    std::fs::remove_file(&lock).unwrap();
    repo.audit(["changelog", "record"]).code(0);
}
