//! `git audit handlers scaffold`, pure: one test stub per handler without a test, from the
//! repository's template, at the beat's declared `testFile` (rewritten) or at `[handlers]
//! stub-path`. The template's `{{handler}}`, `{{name}}`, `{{sequence}}`, `{{movement}}`,
//! `{{beat}}`, `{{event}}`, `{{kind}}` and `{{acceptance}}` are filled in; nothing is executed.

use std::collections::BTreeSet;

use serde::Serialize;

use super::{rewrite_test_path, Beat, BeatRow};
use crate::core::config::{leaves_repo, Handlers};

/// One stub to write.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Stub {
    pub path: String,
    pub handler: String,
    pub sequence: String,
    pub movement: String,
    pub beat: usize,
    /// Whether a file is already there (in the snapshot or on disk): never overwritten.
    pub exists: bool,
    #[serde(skip)]
    pub text: String,
}

/// The placeholders a template may use.
pub const PLACEHOLDERS: &[&str] = &[
    "handler",
    "name",
    "sequence",
    "movement",
    "beat",
    "event",
    "kind",
    "acceptance",
];

/// The `{{…}}` placeholders a template uses that git-audit does not fill.
pub fn unknown_placeholders(template: &str) -> Vec<String> {
    let mut out = BTreeSet::new();
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        let after = &rest[start + 2..];
        let Some(end) = after.find("}}") else { break };
        let name = after[..end].trim();
        if !PLACEHOLDERS.contains(&name) {
            out.insert(name.to_string());
        }
        rest = &after[end + 2..];
    }
    out.into_iter().collect()
}

/// Where a handler's package lives: the definition's path before `/src/`, else the sequence's
/// before `/json-sequences/`, else the sequence's directory.
fn package(row: &BeatRow) -> String {
    if let Some(d) = &row.definition {
        if let Some((p, _)) = d.path.split_once("/src/") {
            return p.to_string();
        }
    }
    if let Some((p, _)) = row.path.split_once("/json-sequences/") {
        return p.to_string();
    }
    crate::core::config::dir_of(&row.path)
        .trim_end_matches('/')
        .to_string()
}

fn fill(template: &str, beat: &Beat) -> String {
    let acceptance = if beat.acceptance.is_empty() {
        "(none declared)".to_string()
    } else {
        beat.acceptance.join("\n")
    };
    let mut out = template.to_string();
    for (key, value) in [
        ("handler", beat.handler.clone()),
        ("name", beat.name.clone()),
        ("sequence", beat.sequence.clone()),
        ("movement", beat.movement.clone()),
        ("beat", beat.beat.to_string()),
        ("event", beat.event.clone().unwrap_or_default()),
        ("kind", beat.kind.clone().unwrap_or_default()),
        ("acceptance", acceptance),
    ] {
        for form in [format!("{{{{{key}}}}}"), format!("{{{{ {key} }}}}")] {
            out = out.replace(&form, &value);
        }
    }
    out
}

/// The stubs for the beats (and their report rows, same order) without a resolving test:
/// every such beat, or with `only_missing` those that declare no `testFile`. One stub per
/// path (the first beat wins); `exists` says which paths are taken.
pub fn stubs(
    config: &Handlers,
    beats: &[Beat],
    rows: &[BeatRow],
    template: &str,
    only_missing: bool,
    taken: &dyn Fn(&str) -> bool,
) -> Result<Vec<Stub>, String> {
    let mut out: Vec<Stub> = Vec::new();
    let mut seen = BTreeSet::new();
    for (beat, row) in beats.iter().zip(rows) {
        if row.test_file.resolved.is_some() || (only_missing && beat.test_file.is_some()) {
            continue;
        }
        let path = match &beat.test_file {
            Some(declared) => rewrite_test_path(declared, &beat.path, &config.rewrites),
            None => config
                .stub_path
                .replace("{package}", &package(row))
                .replace("{handler}", &beat.name)
                .replace("{sequence}", &beat.sequence)
                .trim_start_matches('/')
                .to_string(),
        };
        if let Some(problem) = leaves_repo(&path) {
            return Err(format!(
                "the stub path {path:?} for handler `{}` {problem}",
                beat.handler
            ));
        }
        if !seen.insert(path.clone()) {
            continue;
        }
        out.push(Stub {
            exists: taken(&path),
            text: fill(template, beat),
            path,
            handler: beat.handler.clone(),
            sequence: beat.sequence.clone(),
            movement: beat.movement.clone(),
            beat: beat.beat,
        });
    }
    Ok(out)
}
