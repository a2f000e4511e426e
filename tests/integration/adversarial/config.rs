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
