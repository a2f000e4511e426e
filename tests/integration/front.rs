//! The README as a front door and the reference in docs/: generated tables equal what the code
//! produces, and every relative Markdown link resolves to a file (and heading) that exists.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use clap::CommandFactory;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// Where the text between `<!-- BEGIN generated: NAME -->` and `<!-- END generated: NAME -->`
/// lies in `doc`.
fn generated_block(doc: &str, name: &str, file: &str) -> std::ops::Range<usize> {
    let begin = format!("<!-- BEGIN generated: {name} -->\n");
    let end = format!("<!-- END generated: {name} -->");
    let start = doc
        .find(&begin)
        .unwrap_or_else(|| panic!("{file} has no `{}` marker", begin.trim()))
        + begin.len();
    let stop = doc[start..]
        .find(&end)
        .unwrap_or_else(|| panic!("{file} has no `{end}` marker"));
    start..start + stop
}

/// Compares a generated block with what the code produces; `UPDATE_DOCS=1` rewrites it.
fn check_generated(file: &str, name: &str, expected: &str) {
    let path = Path::new(ROOT).join(file);
    let doc = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{file}: {e}"));
    let block = generated_block(&doc, name, file);
    if doc[block.clone()] == *expected {
        return;
    }
    if std::env::var_os("UPDATE_DOCS").is_some() {
        let fixed = format!("{}{expected}{}", &doc[..block.start], &doc[block.end..]);
        std::fs::write(&path, fixed).unwrap_or_else(|e| panic!("{file}: {e}"));
        return;
    }
    panic!(
        "{file}'s generated `{name}` table is not what the code produces; \
         rerun with UPDATE_DOCS=1 to rewrite it. Expected:\n{expected}"
    );
}

#[test]
fn docs_rules_table_is_generated_from_the_rule_registry() {
    let repo = crate::support::TestRepo::new();
    let run = repo.audit(["rules", "--format", "markdown"]);
    run.code(0);
    check_generated(
        "docs/rules.md",
        "git audit rules --format markdown",
        &run.stdout,
    );
}

#[test]
fn docs_command_list_is_generated_from_the_cli() {
    let table = git_audit::render::reference::command_table(&git_audit::cli::Cli::command());
    check_generated("docs/commands.md", "command list", &table);
}

#[test]
fn docs_config_key_index_is_generated_from_the_parser() {
    let table =
        git_audit::render::reference::config_key_table(&git_audit::core::config::key_reference());
    check_generated("docs/config.md", "audit.toml keys", &table);
}

/// Every value key the parser accepts is described somewhere in the reference: in a table row
/// (`` `key` `` or `` `[table] key` `` in its first cell) or set in a TOML example (`key =`).
#[test]
fn every_audit_toml_key_is_documented() {
    let docs: String = ["docs/config.md", "docs/commands.md"]
        .iter()
        .map(|f| std::fs::read_to_string(Path::new(ROOT).join(f)).expect("reference doc"))
        .collect();
    let described = |key: &str| {
        docs.lines().any(|line| {
            let first_cell = line
                .strip_prefix('|')
                .and_then(|rest| rest.split('|').next())
                .unwrap_or("");
            let trimmed = line.trim_start().trim_start_matches('#').trim_start();
            first_cell.contains(&format!("`{key}`"))
                || first_cell.contains(&format!(" {key}`"))
                || first_cell.contains(&format!(", {key}"))
                || trimmed.starts_with(&format!("{key} ="))
        })
    };
    let mut missing = Vec::new();
    for table in git_audit::core::config::key_reference() {
        for key in &table.keys {
            if !described(key) {
                missing.push(format!("{} {key}", table.header));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "audit.toml keys the parser accepts but docs/config.md and docs/commands.md never \
         describe: {missing:?}"
    );
}

/// docs/reference/reference.json is what `git audit reference --format json` prints: the data
/// docs/rules.md and docs/config.md are rendered from.
#[test]
fn docs_reference_json_is_what_the_code_says() {
    let repo = crate::support::TestRepo::new();
    let run = repo.audit(["reference", "--format", "json"]);
    run.code(0);
    let path = Path::new(ROOT).join("docs/reference/reference.json");
    if std::env::var_os("UPDATE_DOCS").is_some() {
        std::fs::write(&path, &run.stdout).expect("write docs/reference/reference.json");
    }
    let committed = std::fs::read_to_string(&path).expect("docs/reference/reference.json");
    assert!(
        committed == run.stdout,
        "docs/reference/reference.json is not what `git audit reference --format json` prints; \
         rerun with UPDATE_DOCS=1 to rewrite it (then the rendered docs)"
    );
    let data = run.json();
    assert!(data["rules"].as_array().is_some_and(|r| r.len() > 40));
    assert!(data["config"]
        .as_array()
        .is_some_and(|c| c.iter().any(|t| t["table"] == "[[artifact]]")));
    assert!(data["commands"]
        .as_array()
        .is_some_and(|c| c.iter().any(|t| t["synopsis"] == "reference")));
}

/// git-audit governs its own reference pages: this repository's audit.toml renders docs/rules.md
/// and docs/config.md from docs/reference/reference.json, and `docs status` on a copy of those
/// files says both are fresh (`UPDATE_DOCS=1` re-renders them into the source tree).
#[test]
fn git_audit_governs_its_own_reference_docs() {
    let repo = crate::support::TestRepo::new();
    let files = [
        "audit.toml",
        "docs/reference/reference.json",
        "docs/templates/rules.md.j2",
        "docs/templates/config.md.j2",
        "docs/rules.md",
        "docs/config.md",
    ];
    for f in files {
        repo.write(
            f,
            std::fs::read(Path::new(ROOT).join(f)).expect("a governed reference file"),
        );
    }
    repo.commit_all("the reference docs");
    if std::env::var_os("UPDATE_DOCS").is_some() {
        repo.audit(["docs", "render", "--force"]).code(0);
        for f in ["docs/rules.md", "docs/config.md"] {
            std::fs::copy(repo.root().join(f), Path::new(ROOT).join(f)).expect("copy back");
        }
        return;
    }
    let run = repo.audit(["docs", "status", "--format", "json"]);
    let status = run.json();
    let docs = status["docs"].as_array().expect("docs");
    let states: Vec<(String, String)> = docs
        .iter()
        .map(|d| {
            (
                d["path"].as_str().unwrap_or_default().to_string(),
                d["status"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    assert_eq!(
        states,
        [
            ("docs/config.md".to_string(), "fresh".to_string()),
            ("docs/rules.md".to_string(), "fresh".to_string())
        ],
        "git-audit's own reference docs are not fresh: edit docs/templates/*.j2 (not the \
         pages), then rerun this test with UPDATE_DOCS=1 to re-render them"
    );
    run.code(0);
    // The gate sees a hand edit of a rendered page.
    let edited = std::fs::read_to_string(repo.root().join("docs/rules.md"))
        .expect("docs/rules.md")
        .replace("## Rules: `rules`", "## Rules (edited by hand): `rules`");
    repo.write("docs/rules.md", edited);
    repo.git(["add", "docs/rules.md"]);
    repo.audit(["check"]).code(1).stdout_has("doc-edited");
}

/// The lines of a Markdown document outside code fences (and not the fence lines themselves).
fn prose_lines(doc: &str) -> impl Iterator<Item = &str> {
    let mut fence = false;
    doc.lines().filter(move |line| {
        if line.trim_start().starts_with("```") {
            fence = !fence;
            return false;
        }
        !fence
    })
}

/// GitHub's heading anchors: lowercase, punctuation other than `-` and `_` dropped, spaces to
/// `-`, a `-N` suffix for the Nth repeat.
fn anchors(doc: &str) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    for line in prose_lines(doc) {
        let hashes = line.chars().take_while(|c| *c == '#').count();
        if hashes == 0 || hashes > 6 || !line[hashes..].starts_with(' ') {
            continue;
        }
        let slug: String = line[hashes..]
            .trim()
            .to_lowercase()
            .chars()
            .filter(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | ' '))
            .map(|c| if c == ' ' { '-' } else { c })
            .collect();
        let mut candidate = slug.clone();
        let mut n = 0;
        while !seen.insert(candidate.clone()) {
            n += 1;
            candidate = format!("{slug}-{n}");
        }
    }
    seen
}

/// Every `](target)` outside code fences and inline code.
fn links(doc: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in prose_lines(doc) {
        // Drop inline code spans.
        let text: String = line
            .split('`')
            .enumerate()
            .filter(|(i, _)| i % 2 == 0)
            .map(|(_, s)| s)
            .collect::<Vec<_>>()
            .join(" ");
        let mut rest = text.as_str();
        while let Some(i) = rest.find("](") {
            rest = &rest[i + 2..];
            if let Some(end) = rest.find(')') {
                out.push(rest[..end].to_string());
                rest = &rest[end..];
            }
        }
    }
    out
}

#[test]
fn every_relative_link_in_the_readme_and_docs_resolves() {
    let root = PathBuf::from(ROOT);
    let mut files = vec![root.join("README.md")];
    let mut docs: Vec<PathBuf> = std::fs::read_dir(root.join("docs"))
        .expect("docs/")
        .map(|e| e.expect("docs/ entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "md"))
        .collect();
    docs.sort();
    files.extend(docs);
    let mut broken = Vec::new();
    let mut checked = 0;
    for file in &files {
        let doc = std::fs::read_to_string(file).expect("read a doc");
        for link in links(&doc) {
            if link.contains("://") || link.starts_with("mailto:") {
                continue;
            }
            checked += 1;
            let (target, anchor) = match link.split_once('#') {
                Some((t, a)) => (t, Some(a)),
                None => (link.as_str(), None),
            };
            let path = if target.is_empty() {
                file.clone()
            } else {
                file.parent().expect("a folder").join(target)
            };
            if !path.exists() {
                broken.push(format!("{}: {link} (no such file)", file.display()));
                continue;
            }
            if let Some(anchor) = anchor {
                let is_md = path.extension().is_some_and(|x| x == "md");
                let text = std::fs::read_to_string(&path).unwrap_or_default();
                if is_md && !anchors(&text).contains(anchor) {
                    broken.push(format!("{}: {link} (no such heading)", file.display()));
                }
            }
        }
    }
    assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));
    assert!(
        checked > 20,
        "only {checked} relative links found: is the parser right?"
    );
}

#[test]
fn the_link_checker_finds_headings_and_ignores_code() {
    let doc = "# A title\n\n## `x` and y: z\n\n## A title\n\n```sh\n# not [a](b.md)\n```\nsee [c](d.md#e) and `[f](g)`\n";
    let a = anchors(doc);
    assert!(a.contains("a-title") && a.contains("x-and-y-z") && a.contains("a-title-1"));
    assert!(!a.contains("not-ab"));
    assert_eq!(links(doc), ["d.md#e"]);
}

#[test]
fn the_readme_stays_a_front_door() {
    let readme = std::fs::read_to_string(Path::new(ROOT).join("README.md")).expect("README.md");
    let lines = readme.lines().count();
    assert!(
        lines < 250,
        "README.md is {lines} lines: move reference material to docs/"
    );
    for doc in ["commands", "rules", "config", "ci", "benchmarks", "limits"] {
        assert!(
            readme.contains(&format!("](docs/{doc}.md)")),
            "README.md does not link docs/{doc}.md"
        );
    }
}

#[test]
fn rules_and_explain_write_markdown() {
    let repo = crate::support::TestRepo::new();
    repo.audit(["rules", "--format", "markdown"])
        .code(0)
        .stdout_has(
            "| Rule | Default | What it finds |\n|---|---|---|\n| `json-syntax` | error | ",
        );
    repo.audit(["explain", "lock-mismatch", "--format", "markdown"])
        .code(0)
        .stdout_has("### `lock-mismatch`\n\nDefault severity: error.")
        .stdout_has("**Why:** ");
    // Formats the catalogue is not written in are still refused.
    repo.audit(["rules", "--format", "sarif"]).code(2);
}
