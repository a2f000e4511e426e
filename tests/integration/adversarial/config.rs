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
