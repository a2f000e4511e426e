//! `git audit check`: the commit gate. Reads two snapshots, runs the rules over what changed
//! (or everything with `--all`), reports findings; exit 1 when one is an error.

use crate::check::{self, Subject};
use crate::cli::{CheckArgs, Format};
use crate::config::{self, Config};
use crate::error::{Error, Result};
use crate::finding::{self, Finding};
use crate::git::{self, CommitInfo, Repo, Source};
use crate::lockfile::{self, Lockfile};
use crate::render;
use crate::report::CheckReport;
use crate::{Env, EXIT_FINDINGS, EXIT_OK};

/// One comparison to check: an "after" snapshot against its "before".
#[derive(Debug, Clone)]
pub struct Plan {
    pub before: Source,
    pub after: Source,
    /// The commit checked, for `--rev` and `--range`.
    pub commit: Option<CommitInfo>,
}

/// The comparisons a `check` command line asks for.
pub fn plans(repo: &Repo, args: &CheckArgs) -> Result<Vec<Plan>> {
    let head = if repo.head_is_unborn() {
        Source::Empty
    } else {
        Source::head()
    };
    if let Some(rev) = &args.rev {
        return Ok(vec![commit_plan(repo.commit_info(rev)?)]);
    }
    if let Some(range) = &args.range {
        let Some((a, b)) = range.split_once("..") else {
            return Err(Error::Usage(format!(
                "--range takes A..B (for example origin/main..HEAD), not {range:?}"
            )));
        };
        if b.starts_with('.') {
            return Err(Error::Usage(
                "--range takes A..B; A...B is not supported here".into(),
            ));
        }
        let a = if a.is_empty() { "HEAD" } else { a };
        let b = if b.is_empty() { "HEAD" } else { b };
        return Ok(repo.range(a, b)?.into_iter().map(commit_plan).collect());
    }
    let after = if args.worktree {
        Source::Worktree
    } else {
        Source::Index
    };
    Ok(vec![Plan {
        before: head,
        after,
        commit: None,
    }])
}

fn commit_plan(c: CommitInfo) -> Plan {
    Plan {
        before: c.parent.clone().map_or(Source::Empty, Source::Rev),
        after: Source::Rev(c.id.clone()),
        commit: Some(c),
    }
}

pub fn run(env: &mut Env<'_>, args: &CheckArgs) -> Result<u8> {
    gate(env, args, false)
}

/// Runs the check; `quiet` (the hook) prints nothing when there is nothing to report.
pub fn gate(env: &mut Env<'_>, args: &CheckArgs, quiet: bool) -> Result<u8> {
    if env.format == Format::Markdown {
        return Err(Error::Usage(
            "`check` writes human or json output, not markdown".into(),
        ));
    }
    let repo = Repo::open()?;
    let plans = plans(&repo, args)?;
    let mut report = CheckReport::new();
    for plan in &plans {
        let config = super::load_config(&repo, &plan.after, env.config.as_deref())?;
        let outcome = check_plan(&repo, &config, plan, args.all)?;
        report.checked += outcome.checked;
        report.findings.extend(outcome.findings);
    }
    report.commits = plans.iter().filter(|p| p.commit.is_some()).count();
    report.ok = !report.findings.iter().any(Finding::is_error);
    report.scope = scope_label(args, &plans);
    match env.format {
        Format::Json => render::json(env.out, &report)?,
        _ => render::check::human(env.out, &report, &plans, env.paint, quiet)?,
    }
    Ok(if report.ok { EXIT_OK } else { EXIT_FINDINGS })
}

fn scope_label(args: &CheckArgs, plans: &[Plan]) -> String {
    if let Some(range) = &args.range {
        format!(
            "{} commit{} in {range}",
            plans.len(),
            if plans.len() == 1 { "" } else { "s" }
        )
    } else if let Some(p) = plans.first() {
        match &p.commit {
            Some(c) => format!("commit {}", c.short()),
            None => format!("the {} against {}", p.after, p.before),
        }
    } else {
        String::new()
    }
}

/// What one plan's check found.
pub struct Outcome {
    pub findings: Vec<Finding>,
    pub checked: usize,
}

/// Checks one plan: every changed governed artifact (every one with `all`), plus the
/// cross-artifact checks that involve them (audit.lock entries; everything when audit.toml
/// itself changed).
pub fn check_plan(repo: &Repo, config: &Config, plan: &Plan, all: bool) -> Result<Outcome> {
    let wanted = |p: &str| {
        config.governing(p).is_some() || p == lockfile::FILE_NAME || p == config::FILE_NAME
    };
    let before = repo.snapshot(&plan.before, &wanted)?;
    let after = repo.snapshot(&plan.after, &wanted)?;
    let differs = |path: &str| match (before.entries.get(path), after.entries.get(path)) {
        (Some(b), Some(a)) => !git::same(b, a),
        (None, None) => false,
        _ => true,
    };
    let lockfile = read_lockfile(repo, &plan.after)?;
    let lockfile_changed = differs(lockfile::FILE_NAME);
    let everything = all || differs(config::FILE_NAME);

    let mut findings = Vec::new();
    let mut checked = 0;
    let mut removed_any = false;
    for path in before.entries.keys() {
        if config.governing(path).is_some() && !after.entries.contains_key(path) {
            removed_any = true;
        }
    }
    for (path, object) in &after.entries {
        let Some(artifact) = config.governing(path) else {
            continue;
        };
        let lock_involved = lockfile_changed
            && lockfile
                .as_ref()
                .is_some_and(|l| l.locks.contains_key(path));
        if !(everything || differs(path) || lock_involved) {
            continue;
        }
        checked += 1;
        let content = match super::load(repo, &plan.after, path, object, &config.limits)? {
            Ok(c) => c,
            Err(super::NotParsed::Skipped(s)) => {
                findings.push(check::skipped(&s));
                continue;
            }
            Err(super::NotParsed::Refused(r)) => {
                findings.push(check::refused(&r));
                continue;
            }
        };
        let parsed = match super::parse(&content, &plan.after, path, artifact, &config.limits) {
            Ok(p) => p,
            Err(r) => {
                findings.push(check::refused(&r));
                continue;
            }
        };
        findings.extend(check::artifact(&Subject {
            path,
            artifact,
            bytes: content.bytes(),
            parsed: &parsed,
            lockfile: lockfile.as_ref(),
            limits: &config.limits,
        }));
    }
    if let Some(l) = &lockfile {
        if everything || lockfile_changed || removed_any {
            findings.extend(check::stale_locks(l, &|p| after.entries.contains_key(p)));
        }
    }
    finding::sort(&mut findings);
    if let Some(c) = &plan.commit {
        for f in &mut findings {
            f.commit = Some(c.id.clone());
        }
    }
    Ok(Outcome { findings, checked })
}

/// audit.lock from a snapshot; an unreadable one stops the check (it cannot run without it).
pub fn read_lockfile(repo: &Repo, source: &Source) -> Result<Option<Lockfile>> {
    let Some(bytes) = repo.read_path(source, lockfile::FILE_NAME)? else {
        return Ok(None);
    };
    let origin = format!("{} ({source})", lockfile::FILE_NAME);
    let text = String::from_utf8(bytes).map_err(|_| {
        Error::Lockfile(config::ConfigError {
            origin: origin.clone(),
            position: None,
            message: "not valid UTF-8".into(),
        })
    })?;
    Lockfile::parse(&text, &origin)
        .map(Some)
        .map_err(Error::Lockfile)
}
