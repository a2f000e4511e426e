//! Adoption on an existing repository (issue 11, items 1–4): `init`'s detection by references,
//! the note naming the configuration in use, `init --adopt`, the changelog's start, and the
//! README's Install section run command by command on a fixture with old defects of every rule
//! family.

use crate::governance::CI_VARS;
use crate::support::{Run, TestRepo};

const REG: &str = "orchestration-domains.json";
const ALPHA: &str = "packages/x/json-sequences/alpha.json";
const BETA: &str = "packages/x/json-sequences/beta.json";
const GAMMA: &str = "packages/x/json-sequences/gamma.json";
const BDD: &str = "packages/x/__tests__/business-bdd/x-business-bdd-specifications.json";
const COPY_REG: &str = "docs/governance/orchestration-domains.json";
const PLAN: &str = "orchestration-audit-system-project-plan.json";
const SCHEMA: &str = "docs/schemas/musical-sequence.schema.json";
const INDEX: &str = "packages/x/json-sequences/index.json";

fn domain(id: &str, extra: &str) -> String {
    format!(
        r#"{{"id": "{id}", "name": "Domain {id}", "category": "plugin", "tempo": 120, "key": "C", "timeSignature": "4/4"{extra}}}"#
    )
}

/// A registry of `domains` (each a JSON object text), one per line.
fn registry(domains: &[String]) -> String {
    format!(
        "{{\n  \"metadata\": {{ \"generated\": \"2026-01-01T00:00:00Z\" }},\n  \"domains\": [\n    {}\n  ]\n}}\n",
        domains.join(",\n    ")
    )
}

/// A sequence with one movement of one beat (a handler unless `handler` is empty).
fn sequence(id: &str, handler: &str) -> String {
    let handler = if handler.is_empty() {
        String::new()
    } else {
        format!(r#", "handler": "{handler}""#)
    };
    format!(
        "{{\n  \"id\": \"{id}\",\n  \"name\": \"Sequence {id}\",\n  \"movements\": [\n    {{ \"id\": \"m1\", \"beats\": [ {{ \"beat\": 1, \"event\": \"{id}:m1\"{handler} }} ] }}\n  ]\n}}\n"
    )
}

const SCHEMA_DOC: &str = r#"{
  "$schema": "http://json-schema.org/draft-07/schema#",
  "type": "object",
  "required": ["id", "name", "movements"],
  "properties": {
    "id": { "type": "string" },
    "name": { "type": "string" },
    "movements": { "type": "array" }
  }
}
"#;

/// The origin project's layout in small: a registry whose domain `alpha` names its sequence
/// file and whose `beta` is named by its sequence's id, business-BDD specs whose `domains[]`
/// carry `domainId` (not registries), a stale copy of the registry, the project plan and the
/// sequence schema.
fn origin_layout(repo: &TestRepo) {
    repo.write(
        REG,
        registry(&[
            domain(
                "alpha",
                r#", "sequenceFile": "packages/x/json-sequences/alpha.json""#,
            ),
            domain("beta", ""),
        ]),
    );
    repo.write(ALPHA, sequence("alpha", "onAlpha"));
    repo.write(BETA, sequence("beta", "onBeta"));
    repo.write(
        BDD,
        r#"{"$schema": "../../../.generated/schemas/business-bdd-spec-schema.json", "domains": [{"domainId": "alpha", "scenarios": []}, {"domainId": "beta", "scenarios": []}]}"#,
    );
    repo.write(COPY_REG, registry(&[domain("alpha", "")]));
    repo.write(
        PLAN,
        r#"{"version": "1", "domainSequences": [{"id": "alpha", "bddSpec": "x"}, {"id": "beta", "bddSpec": "y"}]}"#,
    );
    repo.write(SCHEMA, SCHEMA_DOC);
    repo.write("package.json", r#"{"name": "origin"}"#);
    repo.write(INDEX, r#"{"sequences": ["alpha", "beta"]}"#);
}

fn lines_with<'t>(text: &'t str, needle: &str) -> Vec<&'t str> {
    text.lines().filter(|l| l.contains(needle)).collect()
}

#[test]
fn item_01_init_detects_by_references_and_explains_each_choice() {
    let repo = TestRepo::new();
    origin_layout(&repo);
    // A sequence no registry lists: its finding must name the one registry, not the specs.
    repo.write(GAMMA, sequence("gamma", "onGamma"));
    repo.commit_all("origin");

    repo.audit(["init"]).code(0).stdout_has(&format!(
        "wrote audit.toml: 1 registry, 3 sequence files detected, plan {PLAN}, schema {SCHEMA}"
    ));
    let toml = repo.read("audit.toml");
    // Governed: the registry, the plan and the schema; never the specs or the copy.
    for path_line in lines_with(&toml, "path = ") {
        assert!(
            !path_line.contains("business-bdd") && !path_line.contains("docs/governance"),
            "{path_line}\n{toml}"
        );
    }
    assert!(
        toml.contains(&format!(
            "[[plan]]\npath = \"{PLAN}\"\nids = \"/domainSequences/*/id\"\n"
        )),
        "{toml}"
    );
    assert!(toml.contains(&format!("schema = \"{SCHEMA}\"")), "{toml}");
    // Each choice and each candidate left out is explained in a comment.
    for reason in [
        format!("#   {REG}: registry (2 domains): 2 sequences carry one of its domain ids, 1 of its `sequenceFile`s names a sequence file"),
        format!("#   {PLAN}: project plan: 2 of the 2 ids at /domainSequences/*/id are registry domains"),
        format!("#   {SCHEMA}: sequence schema: 3 of the 3 sequences have every member it requires (id, movements, name)"),
        format!("#   {BDD}: not a registry: 0 of its 2 domains carry an `id`"),
        format!("#   {COPY_REG}: not a registry: every sequence it refers to is already a chosen registry's"),
    ] {
        assert!(toml.contains(&reason), "lacks {reason:?}:\n{toml}");
    }

    repo.git(["add", "audit.toml"]);
    let bdd_before = repo.read(BDD);
    repo.audit(["lock", "--stage"]).code(0);
    assert_eq!(repo.read(BDD), bdd_before, "lock wrote into a test fixture");
    assert!(!repo.read(COPY_REG).contains("integrity"));
    assert!(
        repo.read(REG).contains("\"integrity\""),
        "the registry is locked"
    );

    let report = repo.audit(["check", "--all", "--format", "json"]).json();
    let findings = report["findings"].as_array().expect("findings");
    assert!(
        findings.iter().all(|f| {
            let p = f["path"].as_str().unwrap_or("");
            !p.contains("business-bdd") && p != COPY_REG
        }),
        "{report:#}"
    );
    let missing: Vec<&serde_json::Value> = findings
        .iter()
        .filter(|f| f["rule"] == "registry-missing-sequence")
        .collect();
    assert_eq!(missing.len(), 1, "{report:#}");
    let message = missing[0]["message"].as_str().unwrap_or("");
    assert!(
        message.contains(REG) && !message.contains("business-bdd"),
        "{message}"
    );
}

#[test]
fn item_01_one_domain_is_one_domain() {
    let repo = TestRepo::new();
    repo.write(REG, registry(&[domain("alpha", "")]));
    repo.write(ALPHA, sequence("alpha", "onAlpha"));
    repo.audit(["init"]).code(0);
    let toml = repo.read("audit.toml");
    assert!(toml.contains("# Registry detected (1 domain).\n"), "{toml}");
    assert!(toml.contains("# Sequences detected (1 file).\n"), "{toml}");
}

fn world() -> TestRepo {
    let repo = TestRepo::new();
    origin_layout(&repo);
    repo.commit_all("origin");
    repo
}

const NOT_STAGED: &str = "note: audit.toml in the working tree is not staged, so the built-in defaults are in use; to use it, stage it (`git add audit.toml`) or pass `--config audit.toml`";
const DIFFERS: &str = "note: audit.toml in the working tree differs from the staged one, which is in use; to use yours, stage it (`git add audit.toml`) or pass `--config audit.toml`";

#[test]
fn item_02_the_configuration_in_use_is_named_when_the_working_trees_differs() {
    let repo = world();
    // Nothing to say before init: no audit.toml anywhere.
    let quiet = repo.audit(["check", "--all"]);
    assert!(!quiet.stderr.contains("note:"), "{}", quiet.stderr);

    repo.audit(["init"]).code(0);
    // Right after init the file is untracked: the defaults are in use, and the check says so.
    for args in [
        &["check", "--all"][..],
        &["hash"],
        &["diff"],
        &["verify"],
        &["baseline", "--stdout"],
    ] {
        let run = repo.audit(args);
        run.stderr_has(NOT_STAGED);
        assert_eq!(
            run.stderr.matches("note:").count(),
            1,
            "{args:?}: one line\n{}",
            run.stderr
        );
    }
    // `lock --stage` touching a file the new config ignores (but the defaults in use govern:
    // it locks the staged copy of the edited file) points at the config.
    assert!(repo.read("audit.toml").contains("\"**/index.json\""));
    repo.write(INDEX, r#"{"sequences": ["alpha"]}"#);
    repo.audit(["lock", "--stage"])
        .code(0)
        .stderr_has(NOT_STAGED)
        .stdout_has(INDEX);
    // Back to before the lock (audit.toml is untracked and stays).
    repo.git(["reset", "-q", "--hard"]);
    // Explicitly chosen: no note.
    let explicit = repo.audit(["--config", "audit.toml", "check", "--all"]);
    assert!(!explicit.stderr.contains("note:"), "{}", explicit.stderr);

    repo.git(["add", "audit.toml"]);
    let staged = repo.audit(["check", "--all"]);
    assert!(!staged.stderr.contains("note:"), "{}", staged.stderr);
    let mut edited = repo.read("audit.toml");
    edited.push_str("\n[rules]\nschema = \"off\"\n");
    repo.write("audit.toml", edited);
    repo.audit(["check", "--all"]).stderr_has(DIFFERS);
    // A hook says nothing about it: it checks what is being committed.
    repo.audit(["install"]).code(0);
    repo.write(BETA, sequence("beta", "onBetaToo"));
    repo.git(["add", BETA]);
    let commit = repo.commit("beta handler");
    commit.code(0);
    assert!(!commit.all().contains("note:"), "{}", commit.all());
}

/// The README's Install section: the shell lines that follow "Then, in a repository" (comments
/// removed, double quotes honoured), the commands a new user runs.
fn readme_adoption_commands() -> Vec<Vec<String>> {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"))
        .expect("README.md");
    let install = readme
        .split("\n## Install\n")
        .nth(1)
        .and_then(|rest| rest.split("\n## ").next())
        .expect("an Install section");
    let after = install
        .split("Then, in a repository")
        .nth(1)
        .expect("the adoption recipe");
    let block = after
        .split("```sh\n")
        .nth(1)
        .and_then(|b| b.split("```").next())
        .expect("its sh block");
    block
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|line| {
            let mut words = Vec::new();
            let mut word = String::new();
            let mut quoted = false;
            for c in line.chars() {
                match c {
                    '"' => quoted = !quoted,
                    '#' if !quoted => break,
                    ' ' if !quoted => {
                        if !word.is_empty() {
                            words.push(std::mem::take(&mut word));
                        }
                    }
                    c => word.push(c),
                }
            }
            if !word.is_empty() {
                words.push(word);
            }
            words
        })
        .collect()
}

/// A repository with history and old defects of every rule family: document (invalid JSON, a
/// missing required field), integrity (an embedded lock that no longer holds, an audit.lock
/// entry that no longer holds), governance (a sequence no registry lists, a beat without a
/// handler, a plan id missing from the registry, a schema violation), suppression (an expired
/// waiver) and changelog (structural commits without entries).
fn legacy_repo() -> TestRepo {
    let repo = TestRepo::new();
    origin_layout(&repo);
    repo.commit_all("origin");
    // Structural history without any changelog.
    repo.write(
        REG,
        registry(&[
            domain(
                "alpha",
                r#", "sequenceFile": "packages/x/json-sequences/alpha.json""#,
            ),
            domain("beta", r#", "tempo2": 1"#).replace(r#""tempo": 120, "#, ""),
        ]),
    );
    repo.write(GAMMA, sequence("gamma", ""));
    repo.commit_all("beta loses its tempo; gamma without a handler");
    repo.write(
        "packages/x/json-sequences/broken.json",
        "{\"id\": \"broken\", \"movements\": [\n",
    );
    repo.write(
        BETA,
        "{\n  \"id\": \"beta\",\n  \"movements\": [\n    { \"id\": \"m1\", \"beats\": [ { \"beat\": 1, \"event\": \"beta:m1\", \"handler\": \"onBeta\" } ] }\n  ]\n}\n",
    );
    repo.write(
        PLAN,
        r#"{"version": "2", "domainSequences": [{"id": "alpha"}, {"id": "beta"}, {"id": "delta"}]}"#,
    );
    // A lock that held once, then the registry was hand-edited.
    let locked = registry(&[
        domain("alpha", r#", "sequenceFile": "packages/x/json-sequences/alpha.json""#),
        domain("beta", r#", "tempo2": 1"#).replace(r#""tempo": 120, "#, ""),
    ])
    .replacen(
        "\n  \"domains\"",
        &format!(
            "\n  \"integrity\": {{ \"algorithm\": \"sha256-jcs\", \"canonicalHash\": \"{}\", \"domains\": 2 }},\n  \"domains\"",
            "0".repeat(64)
        ),
        1,
    );
    repo.write(REG, locked);
    repo.write(
        "audit.lock",
        format!(
            "version = 1\n\n[locks]\n\"{ALPHA}\" = \"sha256-jcs:{}\"\n",
            "1".repeat(64)
        ),
    );
    repo.write(
        "audit-waivers.toml",
        "[[waiver]]\nrule = \"beat-handler-missing\"\npath = \"packages/x/json-sequences/gamma.json\"\npointer = \"/movements/0\"\nreason = \"the handler lands next sprint\"\nowner = \"ada\"\nexpires = 2020-01-01\n",
    );
    repo.commit_all("more history");
    repo
}

fn audit_no_ci(repo: &TestRepo, args: &[&str]) -> Run {
    let mut cmd = repo.audit_cmd_in(repo.root());
    for var in CI_VARS {
        cmd.env_remove(var);
    }
    Run::from(cmd.args(args).output().expect("run git-audit"))
}

#[test]
fn item_03_the_readme_install_section_adopts_a_repository_with_old_defects_of_every_family() {
    let repo = legacy_repo();
    // The defects are there, of every family, and today they block.
    let before = repo.audit(["check", "--all", "--format", "json"]);
    before.code(1);
    let mut rules: Vec<String> = before.json()["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| f["rule"].as_str().unwrap_or("").to_string())
        .collect();
    rules.sort();
    rules.dedup();
    for rule in [
        "json-syntax",
        "required-field",
        "lock-mismatch",
        "lockfile-mismatch",
        "registry-missing-sequence",
        "beat-handler-missing",
        "waiver-expired",
    ] {
        assert!(
            rules.contains(&rule.to_string()),
            "{rule} missing from {rules:?}"
        );
    }
    repo.audit(["changelog", "verify"])
        .code(1)
        .stdout_has("changelog-missing");
    let adoption_parent = repo.head().expect("history");

    let commands = readme_adoption_commands();
    assert_eq!(
        commands.len(),
        2,
        "the adoption recipe is two commands: {commands:?}"
    );
    for words in &commands {
        assert_eq!(words[0], "git", "{words:?}");
        repo.git_run(&words[1..]).code(0);
    }
    assert_eq!(repo.commit_count(), 4, "the adoption is one commit");
    assert_eq!(repo.status(), "", "nothing left behind");

    // The plan, the schema and the schema and plan findings were adopted too.
    let toml = repo.staged("audit.toml");
    assert!(
        toml.contains(&format!("path = \"{PLAN}\""))
            && toml.contains(&format!("schema = \"{SCHEMA}\"")),
        "{toml}"
    );
    let after = repo.audit(["check", "--all", "--format", "json"]);
    after.code(0);
    let report = after.json();
    let adopted: Vec<&serde_json::Value> = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["suppressed"].is_object())
        .collect();
    for rule in [
        "plan-coverage",
        "schema",
        "json-syntax",
        "lock-mismatch",
        "lockfile-mismatch",
    ] {
        assert!(
            adopted.iter().any(|f| f["rule"] == rule),
            "{rule} not in the baseline: {report:#}"
        );
    }
    repo.audit(["changelog", "verify"]).code(0);
    audit_no_ci(&repo, &["ci", "--base", &adoption_parent, "--head", "HEAD"]).code(0);

    // From now on, a new defect blocks and a good change is recorded.
    let head = repo.head();
    repo.write(
        "packages/x/json-sequences/delta.json",
        sequence("delta", ""),
    );
    repo.git(["add", "-A"]);
    let blocked = repo.commit("delta without a handler");
    assert_ne!(blocked.code, 0, "{}", blocked.all());
    assert_eq!(repo.head(), head);
    assert!(
        blocked.all().contains("beat-handler-missing"),
        "{}",
        blocked.all()
    );
    repo.git(["reset", "-q", "--hard"]);
    repo.git(["clean", "-qfd"]);
    repo.write(ALPHA, sequence("alpha", "onAlphaRenamed"));
    repo.git(["add", ALPHA]);
    repo.commit("alpha's handler renamed").code(0);
    assert!(repo.read("EVOLUTION.md").contains("<!-- git-audit:entry "));
    repo.audit(["changelog", "verify"]).code(0);
}

#[test]
fn item_03_adopt_keeps_an_existing_config_refuses_unstaged_edits_and_runs_again() {
    let repo = world();
    let mine = "[[artifact]]\npath = \"orchestration-domains.json\"\nkind = \"registry\"\n";
    repo.write("audit.toml", mine);
    repo.write("EVOLUTION.md", "# My log\n");
    repo.git(["add", "EVOLUTION.md"]);
    repo.write("EVOLUTION.md", "# My log, edited\n");
    repo.audit(["init", "--adopt"])
        .code(2)
        .stderr_has("EVOLUTION.md has changes that are not staged");
    assert_eq!(
        repo.git(["diff", "--cached", "--name-only"]),
        "EVOLUTION.md\n",
        "nothing staged"
    );
    repo.git(["checkout", "--", "EVOLUTION.md"]);

    let run = repo.audit(["init", "--adopt"]);
    run.code(0)
        .stdout_has("audit.toml: kept the one in the working tree; staged")
        .stdout_has("git commit -m \"Adopt git-audit\"");
    assert_eq!(repo.staged("audit.toml"), mine);
    let log = repo.staged("EVOLUTION.md");
    assert!(
        log.starts_with("# My log\n\n<!-- git-audit:since "),
        "{log}"
    );
    // Again: the same result, nothing doubled.
    repo.audit(["init", "--adopt"])
        .code(0)
        .stdout_has("EVOLUTION.md: keeps the start it records");
    assert_eq!(repo.staged("EVOLUTION.md"), log);
    repo.commit("Adopt git-audit").code(0);
    repo.audit(["changelog", "verify"]).code(0);
}

#[test]
fn item_03_adopt_with_lock_locks_before_the_baseline() {
    let repo = world();
    let run = repo.audit(["init", "--adopt", "--lock"]);
    run.code(0).stdout_has("locks: ");
    assert!(repo.staged(REG).contains("\"integrity\""));
    assert!(repo.staged("audit.lock").contains(ALPHA));
    repo.commit("Adopt git-audit").code(0);
    repo.audit(["check", "--all"]).code(0);
    repo.audit(["verify"]).code(0);
}

/// Three structural commits made without the hook: a history without a changelog.
fn unrecorded_history() -> (TestRepo, String) {
    let repo = world();
    let root = repo.head().expect("root");
    for (i, handler) in ["one", "two"].iter().enumerate() {
        repo.write(ALPHA, sequence("alpha", handler));
        repo.commit_all(&format!("alpha {i}"));
    }
    (repo, root)
}

#[test]
fn item_04_verify_starts_at_the_adoption() {
    let (repo, root) = unrecorded_history();
    let all = repo.audit(["changelog", "verify"]);
    all.code(1);
    assert_eq!(
        all.finding_lines("changelog-missing").len(),
        3,
        "{}",
        all.all()
    );
    repo.audit(["init", "--adopt"]).code(0);
    repo.commit("Adopt git-audit").code(0);
    repo.audit(["changelog", "verify"])
        .code(0)
        .stdout_has("since its start after");
    // Asked for explicitly, the old history is still judged.
    repo.audit(["changelog", "verify", "--range", &format!("{root}..HEAD")])
        .code(1);
    audit_no_ci(&repo, &["ci", "--base", &root, "--head", "HEAD"]).code(0);
}

#[test]
fn item_04_a_committed_rebuild_is_an_accepted_adoption() {
    let (repo, root) = unrecorded_history();
    repo.audit(["install"]).code(0);
    repo.audit(["changelog", "rebuild"])
        .code(0)
        .stdout_has("3 entries rebuilt from history");
    repo.git(["add", "EVOLUTION.md"]);
    repo.commit("Record the history's changelog").code(0);
    let log = repo.read("EVOLUTION.md");
    assert_eq!(log.matches("<!-- git-audit:entry ").count(), 3, "{log}");
    let verify = repo.audit(["changelog", "verify"]);
    verify.code(0);
    assert!(verify.finding_lines("changelog-extra").is_empty());
    let ci = audit_no_ci(&repo, &["ci", "--base", &root, "--head", "HEAD"]);
    ci.code(0);
    // Later commits are recorded below the start and verified as before.
    repo.write(BETA, sequence("beta", "onBetaLater"));
    repo.git(["add", BETA]);
    repo.commit("beta later").code(0);
    let log = repo.read("EVOLUTION.md");
    assert_eq!(log.matches("<!-- git-audit:entry ").count(), 4);
    assert!(log.find("git-audit:since") < log.rfind("git-audit:entry"));
    repo.audit(["changelog", "verify"]).code(0);
    audit_no_ci(&repo, &["ci", "--base", &root, "--head", "HEAD"]).code(0);
    // An entry slipped in above the start later is still extra.
    let forged = log.replacen(
        "<!-- git-audit:since",
        "## forged\n\n<!-- git-audit:entry 1111111111111111111111111111111111111111111111111111111111111111 -->\n\n<!-- git-audit:since",
        1,
    );
    repo.write("EVOLUTION.md", forged);
    repo.commit_all("forge");
    repo.audit(["changelog", "verify"])
        .code(1)
        .stdout_has("changelog-extra");
}
