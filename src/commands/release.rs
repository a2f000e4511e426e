//! `git audit release-notes A..B`: what a range changed, grouped for people, with the
//! compliance and integrity status at B and a suggested registry version bump.

use crate::cli::ReleaseNotesArgs;
use crate::core::config::Kind;
use crate::core::gate::Scope;
use crate::core::json::{self, Limits};
use crate::core::release::{self, Bump, Health, ReleaseNotes};
use crate::core::report::{Standing, JSON_VERSION};
use crate::core::rules::Severity;
use crate::error::{Error, Result};
use crate::io::git::{Repo, Source};
use crate::render::{self, ReportKind};
use crate::{Env, ExitStatus};

pub fn run(env: &mut Env<'_>, args: &ReleaseNotesArgs) -> Result<ExitStatus> {
    env.formats("release-notes", ReportKind::ReleaseNotes)?;
    let repo = Repo::open()?;
    let Some((a, b)) = args.range.split_once("..") else {
        return Err(Error::Usage(format!(
            "release-notes takes a range A..B (for example v1.0.0..HEAD), not {:?}",
            args.range
        )));
    };
    let b = if b.is_empty() { "HEAD" } else { b };
    let from = repo.resolve_commit(a)?;
    let to = repo.resolve_commit(b)?;
    let (before, after) = (Source::Rev(from.clone()), Source::Rev(to.clone()));
    let config = super::load_config(&repo, &after, env.config.as_deref())?;
    let diff = super::diff::compare(&repo, &config, &before, &after)?;
    if let Some(r) = diff.errors.first() {
        return Err(Error::Document {
            path: r.path.clone(),
            line: r.line,
            column: r.column,
            message: format!("{} (in {})", r.message, r.snapshot),
        });
    }
    let (breaking, added, changed, metadata) = release::group(&diff.artifacts);

    let plan = super::check::Plan {
        before: Source::Empty,
        after: after.clone(),
        commit: None,
    };
    let outcome = super::check::check_plan(&repo, &config, &plan, Scope::EVERYTHING)?;
    // `check --all`'s verdict: what a waiver or the baseline suppresses does not count.
    let count = |s: Severity| {
        outcome
            .findings
            .iter()
            .filter(|f| f.severity == s && f.suppressed.is_none())
            .count()
    };
    let suppressed = outcome
        .findings
        .iter()
        .filter(|f| f.suppressed.is_some())
        .count();
    let lockfile = super::check::read_lockfile(&repo, &after)?.unwrap_or_default();
    let mut locks = Vec::new();
    super::lock::verify_locks(&repo, &config, &after, &lockfile, &mut locks)?;
    let holding = locks
        .iter()
        .filter(|e| e.standing == Standing::Holds)
        .count();
    let failing = locks
        .iter()
        .filter(|e| matches!(e.standing, Standing::Drifted | Standing::Unverifiable))
        .count();

    let mut notes = ReleaseNotes {
        version: JSON_VERSION,
        range: args.range.clone(),
        from,
        to,
        breaking,
        added,
        changed,
        metadata,
        status: Health {
            errors: count(Severity::Error),
            warnings: count(Severity::Warning),
            infos: count(Severity::Info),
            suppressed,
            locks_holding: holding,
            locks_failing: failing,
        },
        bump: Vec::new(),
    };
    let version_at = |source: &Source, path: &str| -> Result<Option<String>> {
        let Some(bytes) = repo.read_path(source, path)? else {
            return Ok(None);
        };
        let Ok(root) = json::parse(&bytes, &Limits::default()) else {
            return Ok(None);
        };
        Ok(crate::core::impact::version_of(
            &root,
            &config.impact.version_pointer,
        ))
    };
    let registries = repo.snapshot(&after, &|p| {
        config
            .governing(p)
            .is_some_and(|a| a.kind == Kind::Registry)
    })?;
    for path in registries.entries.keys() {
        // A version is about its own file: only a registry the range changed gets a bump, at
        // the level of its own changes.
        // At the level `git audit impact` gives this registry's own changes: the two never
        // disagree.
        let own: Vec<_> = diff
            .artifacts
            .iter()
            .filter(|a| a.path == *path)
            .cloned()
            .collect();
        let level = crate::core::impact::level(&own, &config.impact);
        if level == release::Level::None {
            continue;
        }
        let from = version_at(&before, path)?;
        let current = version_at(&after, path)?;
        notes.bump.push(Bump {
            path: path.clone(),
            suggested: from.as_deref().and_then(|v| release::bump(v, level)),
            from,
            current,
            level,
        });
    }
    render::release_notes(env.format, env.out, &notes)?;
    Ok(ExitStatus::Ok)
}
