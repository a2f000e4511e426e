//! `git audit hash`: raw and canonical hashes of governed artifacts in one snapshot.

use std::collections::BTreeSet;

use crate::cli::{HashArgs, SnapshotArgs};
use crate::core::config::Artifact;
use crate::core::report::{HashReport, HashRow, JSON_VERSION};
use crate::error::{Error, Result};
use crate::io::git::{Repo, Source};
use crate::render::{self, ReportKind};
use crate::{Env, ExitStatus};

/// The snapshot a `--staged | --rev | --worktree` group names; the index by default.
pub fn source_of(args: &SnapshotArgs) -> Source {
    if let Some(rev) = &args.rev {
        Source::Rev(rev.clone())
    } else if args.worktree {
        Source::Worktree
    } else {
        Source::Index
    }
}

pub fn run(env: &mut Env<'_>, args: &HashArgs) -> Result<ExitStatus> {
    env.formats("hash", ReportKind::Hash)?;
    let repo = Repo::open()?;
    let source = source_of(&args.snapshot);
    let config = super::load_config(&repo, &source, env.config.as_deref())?;
    super::adopt::note_config(env, &repo, &source)?;

    let named: Vec<String> = args
        .paths
        .iter()
        .map(|p| repo.repo_path(p))
        .collect::<Result<_>>()?;
    let wanted = |path: &str| {
        let governed = config.governing(path).is_some();
        if named.is_empty() {
            return governed;
        }
        named
            .iter()
            .any(|n| path == n || (governed && super::under(path, n)))
    };
    let snapshot = repo.snapshot(&source, &wanted)?;
    for n in &named {
        let found = snapshot.entries.keys().any(|p| super::under(p, n));
        if !found {
            return Err(Error::refused(
                format!("{n}: no governed artifact at this path in the {source}"),
                match source {
                    Source::Index => "stage the file with `git add`, or check the path and audit.toml's [[artifact]] globs".to_string(),
                    _ => "check the path and audit.toml's [[artifact]] globs".to_string(),
                },
            ));
        }
    }

    let mut report = HashReport {
        version: JSON_VERSION,
        snapshot: source.to_string(),
        artifacts: Vec::new(),
        skipped: Vec::new(),
        errors: Vec::new(),
    };
    let explicit: BTreeSet<&String> = named.iter().collect();
    for (path, object) in &snapshot.entries {
        let plain;
        let artifact = match config.governing(path) {
            Some(a) => a,
            None => {
                plain = Artifact::plain_json(path);
                &plain
            }
        };
        let content = match super::load(&repo, &source, path, object, &config.limits)? {
            Ok(c) => c,
            Err(super::NotParsed::Skipped(s)) => {
                if explicit.contains(path) {
                    return Err(Error::refused(format!("{path}: {}", s.reason), s.hint));
                }
                report.skipped.push(s);
                continue;
            }
            Err(super::NotParsed::Refused(r)) => {
                report.errors.push(r);
                continue;
            }
        };
        match super::parse(&content, &source, path, artifact, &config.limits) {
            Ok(parsed) => {
                let size = parsed.hashes.size;
                report.artifacts.push(HashRow {
                    path: path.clone(),
                    kind: artifact.kind,
                    raw_hash: parsed.hashes.raw,
                    canonical_hash: parsed.hashes.canonical,
                    size,
                });
                crate::io::memory::discard(parsed, size);
            }
            Err(r) => report.errors.push(r),
        }
        let size = content.bytes().len() as u64;
        crate::io::memory::discard(content, size);
    }

    render::hash(env.format, env.out, &report, env.paint)?;
    render::problems(env.err, &report.skipped, &report.errors, env.paint_err)?;
    Ok(if report.errors.is_empty() {
        ExitStatus::Ok
    } else {
        ExitStatus::Error
    })
}
