//! Command glue: opens the repository, loads the configuration, reads snapshots, calls the
//! pure logic and hands the report to a renderer.

pub mod adopt;
pub mod bdd;
pub mod changelog;
pub mod check;
pub mod ci;
pub mod dashboard;
pub mod demo;
pub mod diff;
pub mod docs;
pub mod handlers;
pub mod hash;
pub mod impact;
pub mod init;
pub mod install;
pub mod lock;
pub mod manual;
pub mod registry;
pub mod release;
pub mod rules;
pub mod timing;

use std::collections::BTreeSet;
use std::path::Path;

use crate::core::artifact::{self, Parsed};

use crate::core::config::{self, Artifact, Config};
use crate::core::json::Limits;
pub use crate::core::report::NotParsed;
use crate::core::report::{CheckReport, Refused, Skipped};
use crate::core::rules::RuleId;
use crate::error::{Error, Result};
use crate::io::git::{Content, Object, ReadError, Repo, Source};
use crate::render;

/// Loads the configuration that governs `source`: `--config FILE` when given, else the
/// snapshot's own audit.toml (so an unstaged edit cannot weaken a check of the index), else
/// the built-in defaults.
pub fn load_config(repo: &Repo, source: &Source, explicit: Option<&Path>) -> Result<Config> {
    if let Some(path) = explicit {
        let text = std::fs::read_to_string(path)
            .map_err(|e| Error::io(format!("cannot read {}", path.display()), e))?;
        return Ok(Config::parse(&text, &path.display().to_string())?);
    }
    let origin = match source {
        Source::Worktree => config::FILE_NAME.to_string(),
        other => format!("{} ({other})", config::FILE_NAME),
    };
    match repo.read_path(source, config::FILE_NAME)? {
        None => Ok(Config::builtin()),
        Some(bytes) => {
            let text = String::from_utf8(bytes).map_err(|_| {
                Error::Config(config::ConfigError {
                    origin: origin.clone(),
                    position: None,
                    message: "not valid UTF-8".into(),
                })
            })?;
            Ok(Config::parse(&text, &origin)?)
        }
    }
}

/// Which of `paths` hold other content in `after` than in `before`. One listing of each side,
/// restricted to those paths and walking only the directories that hold them (a revision's
/// tree is read once, not once per path).
pub(crate) fn changed_paths(
    repo: &Repo,
    before: &Source,
    after: &Source,
    paths: &BTreeSet<String>,
) -> Result<BTreeSet<String>> {
    let want = |p: &str| paths.contains(p);
    let dirs: BTreeSet<&str> = paths
        .iter()
        .flat_map(|p| p.match_indices('/').map(move |(i, _)| &p[..=i]))
        .collect();
    let descend = |dir: &str| dir.is_empty() || dirs.contains(dir);
    let old = repo.snapshot_within(before, &want, &descend)?;
    let new = repo.snapshot_within(after, &want, &descend)?;
    Ok(paths
        .iter()
        .filter(|p| match (old.entries.get(*p), new.entries.get(*p)) {
            (Some(a), Some(b)) => !crate::io::git::same(a, b),
            (None, None) => false,
            _ => true,
        })
        .cloned()
        .collect())
}

/// The waivers file as `source` has it (none when it is absent); one that does not parse stops
/// the command (a check never runs with a waiver it cannot read).
pub(crate) fn waivers_of(
    repo: &Repo,
    config: &Config,
    source: &Source,
) -> Result<Vec<crate::core::suppress::Waiver>> {
    match repo.read_path(source, &config.waivers)? {
        None => Ok(Vec::new()),
        Some(bytes) => {
            let origin = format!("{} ({source})", config.waivers);
            crate::core::suppress::parse_waivers(&String::from_utf8_lossy(&bytes), &origin)
                .map_err(Error::Waivers)
        }
    }
}

/// The baseline as `source` has it (empty when it is absent); one that does not parse stops the
/// command.
pub(crate) fn baseline_of(
    repo: &Repo,
    config: &Config,
    source: &Source,
) -> Result<crate::core::suppress::Baseline> {
    match repo.read_path(source, &config.baseline)? {
        None => Ok(crate::core::suppress::Baseline::default()),
        Some(bytes) => {
            let origin = format!("{} ({source})", config.baseline);
            crate::core::suppress::parse_baseline(&String::from_utf8_lossy(&bytes), &origin)
                .map_err(Error::Waivers)
        }
    }
}

/// Whether `path` is `named` or lies under it (a directory named on the command line; `""` is
/// the whole repository).
pub fn under(path: &str, named: &str) -> bool {
    path == named
        || named.is_empty()
        || path
            .strip_prefix(named)
            .is_some_and(|rest| rest.starts_with('/'))
}

/// Writes a findings report (check, ci, changelog verify) in the chosen format. With
/// `--format github` the Markdown summary also goes to `$GITHUB_STEP_SUMMARY` when it is set.
pub fn emit_findings(env: &mut crate::Env<'_>, report: &CheckReport, quiet: bool) -> Result<()> {
    render::findings(env.format, env.out, report, env.paint, quiet)?;
    if env.format.writes_step_summary() {
        if let Some(mut file) = step_summary_file()? {
            render::ci::step_summary(&mut file, report)?;
        }
    }
    Ok(())
}

/// `$GITHUB_STEP_SUMMARY` opened for appending, when it is set and not empty.
pub(crate) fn step_summary_file() -> Result<Option<std::fs::File>> {
    let Some(path) = std::env::var_os("GITHUB_STEP_SUMMARY").filter(|p| !p.is_empty()) else {
        return Ok(None);
    };
    std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .map(Some)
        .map_err(|e| {
            Error::io(
                format!(
                    "cannot open $GITHUB_STEP_SUMMARY ({})",
                    Path::new(&path).display()
                ),
                e,
            )
        })
}

/// Reads an object's bytes, or says why it will not be parsed.
pub fn load<'r>(
    repo: &'r Repo,
    snapshot: &Source,
    path: &str,
    object: &Object,
    limits: &Limits,
) -> Result<std::result::Result<Content<'r>, NotParsed>> {
    let skipped = |reason: String, hint: &str| {
        Ok(Err(NotParsed::Skipped(Skipped {
            path: path.to_string(),
            reason,
            hint: hint.to_string(),
        })))
    };
    // Never skipped: what the path holds cannot be hashed, diffed or committed as it is.
    let refused_type = |message: String| {
        Ok(Err(NotParsed::Refused(Refused {
            path: path.to_string(),
            snapshot: snapshot.to_string(),
            rule: RuleId::ArtifactType,
            line: 1,
            column: 1,
            message,
        })))
    };
    match object {
        Object::Symlink => {
            return skipped(
                format!("a symbolic link in the {snapshot}"),
                "git-audit never follows links; make it a regular file",
            )
        }
        Object::Submodule => {
            return skipped(
                format!("a submodule in the {snapshot}"),
                "its content lives in another repository; audit it there",
            )
        }
        Object::Conflict { stages } => {
            // Never skipped: what is unmerged cannot be hashed, diffed or committed.
            let stages: Vec<String> = stages.iter().map(u8::to_string).collect();
            return refused_type(format!(
                "unmerged in the {snapshot} (conflict stages {}): resolve the conflict and `git add` the file",
                stages.join(",")
            ));
        }
        Object::NotUtf8 { .. } => {
            // Never skipped: git stores names as bytes; one that is not UTF-8 cannot be named in
            // a finding, a lock or a changelog without colliding with another.
            return refused_type(format!(
                "the file name is not valid UTF-8 in the {snapshot} (shown with its bytes escaped): rename it to UTF-8 (`git mv`)"
            ));
        }
        Object::Blob { .. } | Object::File { .. } => {}
    }
    match repo.read(object, limits.max_size) {
        Ok(content) => {
            if artifact::is_lfs_pointer(content.bytes()) {
                return skipped(
                    format!("a Git LFS pointer in the {snapshot}"),
                    "the JSON lives outside git, so git-audit cannot vouch for it; store it in git itself",
                );
            }
            Ok(Ok(content))
        }
        Err(ReadError::TooLarge { size }) => {
            let e = crate::core::json::parse::Error::too_large(size, limits.max_size);
            Ok(Err(NotParsed::Refused(refused(path, snapshot, &e))))
        }
        Err(ReadError::NotAFile) => skipped(
            format!("not a regular file in the {snapshot}"),
            "make it a regular JSON file",
        ),
        Err(ReadError::Failed(e)) => Err(e),
    }
}

/// Parses loaded bytes, or says why they were refused.
pub fn parse<'c>(
    content: &'c Content<'_>,
    snapshot: &Source,
    path: &str,
    artifact: &Artifact,
    limits: &Limits,
) -> std::result::Result<Parsed<'c>, Refused> {
    artifact::analyze(content.bytes(), artifact, limits).map_err(|e| refused(path, snapshot, &e))
}

pub(crate) fn refused(
    path: &str,
    snapshot: &Source,
    e: &crate::core::json::parse::Error,
) -> Refused {
    Refused::parse(path, snapshot, e)
}
