//! Integration tests for docs rendered from JSON with provenance: `git audit docs render` and
//! `docs status`, the doc rules in the installed pre-commit hook, the origin project's banner
//! format, and (with `AUDIT_CORPUS`) the origin's generated docs in its whole tree.

use crate::support::{corpus, TestRepo};

pub const CONFIG: &str = r#"[docs]
generated = ["docs/gen/*.md"]

[[docs.render]]
path = "docs/domains.md"
template = "templates/domains.md.j2"
sources = ["orchestration-domains.json#/domains"]
"#;

pub const TEMPLATE: &str =
    "# Domains\n\n{% for d in source %}- {{ d.id }}: {{ d.name }}\n{% endfor %}";

/// A registry with one domain, `name` its name, `generated` its timestamp.
pub fn registry(name: &str, generated: &str) -> String {
    format!(
        r#"{{
  "metadata": {{"generated": "{generated}"}},
  "domains": [
    {{"id": "copy", "name": "{name}", "category": "c", "tempo": 120, "key": "C", "timeSignature": "4/4"}}
  ]
}}
"#
    )
}

/// audit.toml, the template and the registry, staged (nothing rendered yet).
pub fn world(repo: &TestRepo) {
    repo.write("audit.toml", CONFIG);
    repo.write("templates/domains.md.j2", TEMPLATE);
    repo.write(
        "orchestration-domains.json",
        registry("Copy", "2025-01-01T00:00:00Z"),
    );
    repo.git(["add", "-A"]);
}

/// `world`, rendered, staged and committed (without hooks).
pub fn rendered_world(repo: &TestRepo) {
    world(repo);
    repo.audit(["docs", "render", "--stage"]).code(0);
    repo.git(["commit", "-q", "-m", "docs"]);
}

fn status(repo: &TestRepo) -> serde_json::Value {
    let run = repo.audit(["docs", "status", "--format", "json"]);
    run.json()
}

fn commit(repo: &TestRepo, message: &str) -> std::process::Output {
    repo.git_output(["commit", "-q", "-m", message])
}

#[test]
fn render_commit_timestamp_domain_rerender_hand_edit() {
    let repo = TestRepo::new();
    repo.audit(["install"]).code(0);
    world(&repo);
    repo.audit(["docs", "render", "--stage"])
        .code(0)
        .stdout_has("rendered and staged docs/domains.md");
    let doc = repo.read("docs/domains.md");
    assert!(doc.starts_with("<!-- git-audit docs"), "{doc}");
    assert!(doc.contains("- copy: Copy\n"), "{doc}");
    assert!(
        doc.contains("Source: orchestration-domains.json#/domains jcs-sha256:"),
        "{doc}"
    );
    assert!(!doc.contains("2025"), "no timestamp in the banner: {doc}");
    let out = commit(&repo, "render");
    assert!(out.status.success(), "{out:?}");
    assert_eq!(status(&repo)["docs"][0]["status"], "fresh");

    // The registry's timestamp only: outside the pointer, still fresh, the commit goes in.
    repo.write(
        "orchestration-domains.json",
        registry("Copy", "2026-02-02T00:00:00Z"),
    );
    repo.git(["add", "-A"]);
    let s = status(&repo);
    assert_eq!(s["docs"][0]["status"], "fresh", "{s}");
    assert_eq!(s["summary"]["fresh"], 1);
    let out = commit(&repo, "timestamp");
    assert!(out.status.success(), "{out:?}");

    // A domain changes: stale, and the hook blocks the commit.
    repo.write(
        "orchestration-domains.json",
        registry("Copy all", "2026-02-02T00:00:00Z"),
    );
    repo.git(["add", "-A"]);
    let s = status(&repo);
    assert_eq!(s["docs"][0]["status"], "stale", "{s}");
    let src = &s["docs"][0]["sources"][1];
    assert_eq!(src["path"], "orchestration-domains.json");
    assert_eq!(src["pointer"], "/domains");
    assert_eq!(src["status"], "changed");
    assert_ne!(src["recorded"], src["actual"]);
    repo.audit(["docs", "status"]).code(1).stdout_has("stale");
    repo.audit(["docs", "render", "--check"])
        .code(1)
        .stdout_has("would change docs/domains.md");
    let out = commit(&repo, "domain");
    assert!(!out.status.success(), "a stale doc must block the commit");
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("doc-stale"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    // Re-rendered: fresh, the commit goes in.
    repo.audit(["docs", "render", "--stage"]).code(0);
    assert!(repo.read("docs/domains.md").contains("- copy: Copy all\n"));
    assert_eq!(status(&repo)["docs"][0]["status"], "fresh");
    repo.audit(["docs", "render", "--check"]).code(0);
    let out = commit(&repo, "domain, rendered");
    assert!(out.status.success(), "{out:?}");

    // A hand edit: edited, blocked; render refuses to overwrite it.
    let mut edited = repo.read("docs/domains.md");
    edited.push_str("\nA note by hand.\n");
    repo.write("docs/domains.md", &edited);
    repo.git(["add", "-A"]);
    let s = status(&repo);
    assert_eq!(s["docs"][0]["status"], "edited", "{s}");
    assert_ne!(
        s["docs"][0]["docHash"]["recorded"],
        s["docs"][0]["docHash"]["actual"]
    );
    let out = commit(&repo, "hand edit");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("doc-edited"));
    repo.audit(["docs", "render"])
        .code(2)
        .stderr_has("refusing to overwrite");
    assert_eq!(
        repo.read("docs/domains.md"),
        edited,
        "the hand edit is kept"
    );
    repo.audit(["docs", "render", "--stage", "--force"]).code(0);
    assert_eq!(status(&repo)["docs"][0]["status"], "fresh");
}

#[test]
fn the_template_is_a_source_too() {
    let repo = TestRepo::new();
    rendered_world(&repo);
    repo.write("templates/domains.md.j2", format!("{TEMPLATE}\nFooter\n"));
    repo.git(["add", "-A"]);
    let s = status(&repo);
    assert_eq!(s["docs"][0]["status"], "stale");
    assert_eq!(
        s["docs"][0]["sources"][0]["path"],
        "templates/domains.md.j2"
    );
    assert_eq!(s["docs"][0]["sources"][0]["status"], "changed");
    repo.audit(["check", "--staged"])
        .code(1)
        .stdout_has("doc-stale");
}

#[test]
fn a_generated_doc_without_a_banner_is_unknown_and_blocked() {
    let repo = TestRepo::new();
    rendered_world(&repo);
    repo.write("docs/gen/hand.md", "# Written by hand\n");
    repo.git(["add", "-A"]);
    let s = status(&repo);
    let hand = crate::support::entry(&s, "docs", "docs/gen/hand.md");
    assert_eq!(hand["status"], "unknown");
    assert_eq!(hand["mechanism"], "none");
    assert_eq!(s["summary"]["unknown"], 1);
    repo.audit(["check", "--staged"])
        .code(1)
        .stdout_has("doc-banner-missing");
}

#[test]
fn an_untracked_source_is_never_fresh() {
    let repo = TestRepo::new();
    repo.write(".gitignore", ".generated/\n");
    repo.write(".generated/map.json", "{\"a\": 1}\n");
    let h = sha256_hex(b"{\"a\": 1}\n");
    let body = "# From an ignored file\n";
    let doc = format!(
        "<!-- AUTO-GENERATED — DO NOT EDIT\nSources: .generated/map.json, data/gone.json\nSource-Hashes: .generated/map.json:{h}, data/gone.json:{h}\nDoc-Hash: {}\nGenerated: 2025-11-24T01:11:26.656Z\nRegenerate: npm run docs\n-->\n\n{body}",
        sha256_hex(body.as_bytes())
    );
    repo.write("docs/gen/origin.md", &doc);
    repo.write("audit.toml", "[docs]\ngenerated = [\"docs/gen/*.md\"]\n");
    repo.git(["add", "-A"]);
    let s = status(&repo);
    let d = &s["docs"][0];
    assert_eq!(d["mechanism"], "origin");
    assert_eq!(d["status"], "stale", "{s}");
    assert_eq!(d["sources"][0]["status"], "untracked");
    assert_eq!(d["sources"][1]["status"], "missing");
    let run = repo.audit(["check", "--staged", "--format", "json"]);
    run.code(1);
    let rules: Vec<String> = run.json()["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(rules, vec!["doc-source-missing", "doc-source-untracked"]);
}

#[test]
fn origin_banners_are_read_fresh_edited_and_stale() {
    let repo = TestRepo::new();
    repo.write("data/a.json", "{\"x\": 1}\n");
    let h = sha256_hex(b"{\"x\": 1}\n");
    let banner = |body: &str, doc_hash: &str| {
        format!(
            "<!-- AUTO-GENERATED — DO NOT EDIT\nSources: data/a.json\nSource-Hashes: data/a.json:{h}\nDoc-Hash: {doc_hash}\nGenerated: 2025-11-24T01:11:26.656Z\nRegenerate: npm run docs\n-->\n\n{body}"
        )
    };
    let body = "# A\n";
    repo.write(
        "docs/gen/fresh.md",
        banner(body, &sha256_hex(body.as_bytes())),
    );
    repo.write(
        "docs/gen/edited.md",
        banner("# A, edited\n", &sha256_hex(body.as_bytes())),
    );
    repo.write("audit.toml", "[docs]\ngenerated = [\"docs/gen/*.md\"]\n");
    repo.git(["add", "-A"]);
    repo.git(["commit", "-q", "-m", "origin docs"]);
    let s = status(&repo);
    assert_eq!(
        crate::support::entry(&s, "docs", "docs/gen/fresh.md")["status"],
        "fresh"
    );
    assert_eq!(
        crate::support::entry(&s, "docs", "docs/gen/edited.md")["status"],
        "edited"
    );
    // The origin hashed bytes: any change to the source is a change.
    repo.write("data/a.json", "{ \"x\": 1 }\n");
    repo.git(["add", "-A"]);
    let s = status(&repo);
    assert_eq!(
        crate::support::entry(&s, "docs", "docs/gen/fresh.md")["status"],
        "stale"
    );
    // --rev reads the commit, where it was fresh.
    let s = repo
        .audit(["docs", "status", "--rev", "HEAD", "--format", "json"])
        .json();
    assert_eq!(
        crate::support::entry(&s, "docs", "docs/gen/fresh.md")["status"],
        "fresh"
    );
}

#[test]
fn range_reports_the_docs_it_touched_and_markdown_is_a_table() {
    let repo = TestRepo::new();
    rendered_world(&repo);
    let base = repo.rev_parse("HEAD");
    repo.write("docs/gen/other.md", "# other\n");
    repo.git(["add", "-A"]);
    repo.git(["commit", "-q", "-m", "other"]);
    let s = repo
        .audit([
            "docs",
            "status",
            "--range",
            &format!("{base}..HEAD"),
            "--format",
            "json",
        ])
        .json();
    let paths = crate::support::paths(&s, "docs");
    assert_eq!(paths, vec!["docs/gen/other.md"]);
    repo.audit(["docs", "status", "--format", "markdown"])
        .stdout_has("| `docs/domains.md` | fresh | git-audit |");
    repo.audit(["docs", "status", "--format", "sarif"])
        .code(2)
        .stderr_has("json");
}

#[test]
fn render_refuses_what_it_cannot_read_and_templates_are_sandboxed() {
    let repo = TestRepo::new();
    world(&repo);
    // A source that is not staged.
    repo.git(["rm", "-q", "--cached", "orchestration-domains.json"]);
    repo.audit(["docs", "render"])
        .code(2)
        .stderr_has("orchestration-domains.json is not tracked by git");
    repo.git(["add", "-A"]);
    // A template that tries to read a file.
    repo.write("templates/domains.md.j2", "{% include '/etc/passwd' %}");
    repo.git(["add", "-A"]);
    repo.audit(["docs", "render"])
        .code(2)
        .stderr_has("cannot render docs/domains.md");
    assert!(!repo.path("docs/domains.md").exists());
    // A hand-written file at the doc's path is never overwritten.
    repo.write("templates/domains.md.j2", TEMPLATE);
    repo.write("docs/domains.md", "# mine\n");
    repo.git(["add", "-A"]);
    repo.audit(["docs", "render"])
        .code(2)
        .stderr_has("refusing to overwrite");
    assert_eq!(repo.read("docs/domains.md"), "# mine\n");
    // A path that is not a declared doc.
    repo.audit(["docs", "render", "README.md"])
        .code(2)
        .stderr_has("[[docs.render]]");
}

#[test]
fn config_errors_name_the_key() {
    let repo = TestRepo::new();
    repo.write(
        "audit.toml",
        "[[docs.render]]\npath = \"d.md\"\ntemplate = \"t.j2\"\nsources = [\"a.json#nope\"]\n",
    );
    repo.git(["add", "-A"]);
    repo.audit(["docs", "status"])
        .code(2)
        .stderr_has("key `sources`");
}

fn sha256_hex(bytes: &[u8]) -> String {
    git_audit::core::json::canonical::sha256(bytes).hex()
}

/// The origin project's 29 generated docs, in its whole tree committed to a scratch repository:
/// the counts `docs status` gives, and the 130 source references of its banners (91 match, 13
/// changed, 26 name files git does not track).
#[test]
fn corpus_generated_docs() {
    let Some(corpus) = corpus() else {
        eprintln!("skipped: AUDIT_CORPUS is not set");
        return;
    };
    let tarball = corpus.join("renderx-full-569c63d1.tar.gz");
    if !tarball.exists() {
        eprintln!("skipped: {} not found", tarball.display());
        return;
    }
    let repo = TestRepo::new();
    let out = std::process::Command::new("tar")
        .arg("xzf")
        .arg(&tarball)
        .arg("-C")
        .arg(repo.root())
        .output()
        .expect("tar runs");
    assert!(out.status.success(), "{out:?}");
    repo.git(["add", "-A"]);
    repo.git(["commit", "-q", "-m", "corpus"]);
    let config = repo.scratch("docs.toml");
    std::fs::write(&config, "[docs]\ngenerated = [\"docs/generated/*.md\"]\n").unwrap();
    let run = repo.audit([
        "--config",
        config.to_str().unwrap(),
        "docs",
        "status",
        "--format",
        "json",
    ]);
    run.code(1);
    let s = run.json();
    assert_eq!(s["docs"].as_array().unwrap().len(), 29);
    assert_eq!(
        s["summary"],
        serde_json::json!({"fresh": 1, "stale": 11, "edited": 3, "unknown": 14})
    );
    let mut counts = std::collections::BTreeMap::new();
    for d in s["docs"].as_array().unwrap() {
        for src in d["sources"].as_array().unwrap() {
            *counts
                .entry(src["status"].as_str().unwrap().to_string())
                .or_insert(0) += 1;
        }
    }
    assert_eq!(
        counts,
        [("changed", 13), ("match", 91), ("untracked", 26)]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect()
    );
    for edited in [
        "docs/generated/HANDLER_SPECS.md",
        "docs/generated/UNTESTED_HANDLERS.md",
        "docs/generated/orchestration-release-notes.md",
    ] {
        assert_eq!(
            crate::support::entry(&s, "docs", edited)["status"],
            "edited",
            "{edited}"
        );
    }
    assert_eq!(
        crate::support::entry(
            &s,
            "docs",
            "docs/generated/orchestration-telemetry-validation.md"
        )["status"],
        "fresh"
    );
}

#[test]
fn all_adds_banner_carrying_markdown_outside_the_globs() {
    let repo = TestRepo::new();
    rendered_world(&repo);
    let body = "# Elsewhere\n";
    let doc = format!(
        "<!-- AUTO-GENERATED\nDoc-Hash: {}\n-->\n\n{body}",
        sha256_hex(body.as_bytes())
    );
    repo.write("notes/elsewhere.md", &doc);
    repo.write("notes/plain.md", "# Not generated\n");
    repo.git(["add", "-A"]);
    let s = status(&repo);
    assert_eq!(crate::support::paths(&s, "docs"), vec!["docs/domains.md"]);
    let s = repo
        .audit(["docs", "status", "--all", "--format", "json"])
        .json();
    assert_eq!(
        crate::support::paths(&s, "docs"),
        vec!["docs/domains.md", "notes/elsewhere.md"]
    );
    assert_eq!(
        crate::support::entry(&s, "docs", "notes/elsewhere.md")["status"],
        "fresh"
    );
    // Not governed, so `check` says nothing about it.
    repo.audit(["check", "--staged", "--all"]).code(0);
}
