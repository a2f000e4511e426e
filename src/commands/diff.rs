//! `git audit diff`: structural changes of governed artifacts between two snapshots.

use std::collections::BTreeSet;

use crate::cli::DiffArgs;
use crate::core::config::Config;
use crate::core::diff::ArtifactDiff;
use crate::core::report::{DiffReport, JSON_VERSION};
use crate::error::{Error, Result};
use crate::io::git::{Repo, Snapshot, Source};
use crate::render::{self, ReportKind};
use crate::{Env, ExitStatus};

/// The two snapshots a diff argument names.
pub fn sources(repo: &Repo, range: Option<&str>, worktree: bool) -> Result<(Source, Source)> {
    let after_default = if worktree {
        Source::Worktree
    } else {
        Source::Index
    };
    let (before, after) = match range {
        None => (Source::head(), after_default),
        Some(spec) => {
            if let Some((a, b)) = spec.split_once("...") {
                let a = if a.is_empty() { "HEAD" } else { a };
                let b = if b.is_empty() { "HEAD" } else { b };
                (
                    Source::Rev(repo.merge_base(a, b)?),
                    Source::Rev(b.to_string()),
                )
            } else if let Some((a, b)) = spec.split_once("..") {
                let a = if a.is_empty() { "HEAD" } else { a };
                let b = if b.is_empty() { "HEAD" } else { b };
                if worktree {
                    return Err(Error::Usage(
                        "--worktree compares a revision with the files on disk; give one revision, not a range".into(),
                    ));
                }
                (Source::Rev(a.to_string()), Source::Rev(b.to_string()))
            } else {
                (Source::Rev(spec.to_string()), after_default)
            }
        }
    };
    let before = match before {
        Source::Rev(r) if r == "HEAD" && repo.head_is_unborn() => Source::Empty,
        other => other,
    };
    Ok((before, after))
}

pub fn run(env: &mut Env<'_>, args: &DiffArgs) -> Result<ExitStatus> {
    env.formats("diff", ReportKind::Diff)?;
    let repo = Repo::open()?;
    let (before, after) = sources(&repo, args.range.as_deref(), args.worktree)?;
    let config = super::load_config(&repo, &after, env.config.as_deref())?;
    super::adopt::note_config(env, &repo, &after)?;
    let report = compare(&repo, &config, &before, &after)?;
    render::diff(env.format, env.out, &report, env.paint)?;
    render::problems(env.err, &report.skipped, &report.errors, env.paint_err)?;
    Ok(if report.errors.is_empty() {
        ExitStatus::Ok
    } else {
        ExitStatus::Error
    })
}

/// Diffs every governed artifact whose blob differs between `before` and `after`.
/// Artifacts with the same blob id on both sides are not read at all.
pub fn compare(
    repo: &Repo,
    config: &Config,
    before: &Source,
    after: &Source,
) -> Result<DiffReport> {
    let governed = |p: &str| config.governing(p).is_some();
    let descend = |dir: &str| config.may_contain(dir);
    let b = repo.snapshot_within(before, &governed, &descend)?;
    let a = repo.snapshot_within(after, &governed, &descend)?;
    compare_snapshots(repo, config, &b, &a)
}

/// Diffs two listed snapshots.
pub fn compare_snapshots(
    repo: &Repo,
    config: &Config,
    b: &Snapshot,
    a: &Snapshot,
) -> Result<DiffReport> {
    let mut report = DiffReport {
        version: JSON_VERSION,
        before: b.source.to_string(),
        after: a.source.to_string(),
        artifacts: Vec::new(),
        skipped: Vec::new(),
        errors: Vec::new(),
    };
    let paths: BTreeSet<&String> = b.entries.keys().chain(a.entries.keys()).collect();
    'paths: for path in paths {
        let (bo, ao) = (b.entries.get(path), a.entries.get(path));
        if let (Some(x), Some(y)) = (bo, ao) {
            if x.id().is_some() && x.id() == y.id() || x == y {
                continue;
            }
        }
        let Some(artifact) = config.governing(path) else {
            continue;
        };
        let limits = &config.limits;
        let mut contents = [None, None];
        for (slot, (source, object)) in contents.iter_mut().zip([(&b.source, bo), (&a.source, ao)])
        {
            if let Some(object) = object {
                match super::load(repo, source, path, object, limits)? {
                    Ok(content) => *slot = Some(content),
                    Err(not) => {
                        note(&mut report, not);
                        continue 'paths;
                    }
                }
            }
        }
        let mut parsed = [None, None];
        for (slot, (source, content)) in parsed
            .iter_mut()
            .zip([(&b.source, &contents[0]), (&a.source, &contents[1])])
        {
            if let Some(content) = content {
                match super::parse(content, source, path, artifact, limits) {
                    Ok(p) => *slot = Some(p),
                    Err(r) => {
                        report.errors.push(r);
                        continue 'paths;
                    }
                }
            }
        }
        let [bp, ap] = parsed;
        report.artifacts.push(ArtifactDiff::build(
            path,
            artifact.kind,
            &artifact.id_key,
            bp.as_ref().map(|p| (&p.hashes, &p.root)),
            ap.as_ref().map(|p| (&p.hashes, &p.root)),
        ));
    }
    Ok(report)
}

fn note(report: &mut DiffReport, not: super::NotParsed) {
    match not {
        super::NotParsed::Skipped(s) => report.skipped.push(s),
        super::NotParsed::Refused(r) => report.errors.push(r),
    }
}
