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
