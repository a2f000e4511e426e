//! `git audit check`: the commit gate's glue. Lists two snapshots, reads what `core::gate`
//! selects, lets `core::gate` decide the findings, reports them; exit 1 when one is an error.

use std::collections::{BTreeMap, BTreeSet};

use crate::cli::CheckArgs;
use crate::core::config::{self, Config};
use crate::core::facts_cache::{self, FactsCache};
use crate::core::finding::Finding;
use crate::core::gate::{self, Facts};
pub use crate::core::gate::{Outcome, Scope};
use crate::core::lockfile::{self, Lockfile};
use crate::core::report::{CheckReport, NotParsed};
pub use crate::core::snapshot::Plan;
use crate::core::suppress;
use crate::error::{Error, Result};
use crate::io::git::{self, CommitInfo, Content, Object, Repo, Source};
use crate::render::ReportKind;
use crate::{Env, ExitStatus};

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

pub fn run(env: &mut Env<'_>, args: &CheckArgs) -> Result<ExitStatus> {
    gate(env, args, false)
}

/// Runs the check; `quiet` (the hook) prints nothing when there is nothing to report.
pub fn gate(env: &mut Env<'_>, args: &CheckArgs, quiet: bool) -> Result<ExitStatus> {
    env.formats("check", ReportKind::Findings)?;
    let repo = Repo::open()?;
    gate_in(env, &repo, args, quiet)
}

/// `gate` in an opened repository: the pre-commit hook checks and then records the changelog
/// entry through one `Repo`, so the index is read once for both.
pub fn gate_in(
    env: &mut Env<'_>,
    repo: &Repo,
    args: &CheckArgs,
    quiet: bool,
) -> Result<ExitStatus> {
    env.formats("check", ReportKind::Findings)?;
    let plans = plans(repo, args)?;
    let reports = super::handlers::read_reports(&args.reports)?;
    if !quiet {
        if let Some(plan) = plans.first() {
            super::adopt::note_config(env, repo, &plan.after)?;
        }
    }
    let mut report = CheckReport::new();
    let mut notices = std::collections::BTreeSet::new();
    for (i, plan) in plans.iter().enumerate() {
        let config = super::load_config(repo, &plan.after, env.config.as_deref())?;
        notices.extend(baseline_notice(repo, &config, &plan.after));
        let outcome = check_plan(
            repo,
            &config,
            plan,
            Scope {
                everything: args.all,
                ..Scope::CHANGES
            },
        )?;
        report.checked += outcome.checked;
        report.governed = Some(report.governed.unwrap_or(0).max(outcome.governed));
        report.findings.extend(outcome.findings);
        // The handler rules (with `[handlers]` in audit.toml, or reports given); the reports
        // describe the last snapshot only.
        let measured = (i + 1 == plans.len()).then_some(&reports);
        report.findings.extend(super::handlers::gate_findings(
            repo, &config, plan, args.all, measured,
        )?);
        report
            .findings
            .extend(super::timing::gate_findings(repo, &config, plan, args.all)?);
    }
    report.commits = plans.iter().filter(|p| p.commit.is_some()).count();
    report.list_suppressed = args.show_suppressed && !quiet;
    report.ok = !report.findings.iter().any(Finding::blocks);
    report.scope = scope_label(args, &plans);
    report.title_commits(plans.iter().filter_map(|p| p.commit.as_ref()));
    super::emit_findings(env, &report, quiet)?;
    let plain = args.rev.is_none() && args.range.is_none() && !args.worktree;
    if let Some(key) = plain.then(|| verdict_key(repo, env, args.all)).flatten() {
        // A cache for the hook that follows in the same commit (pre-commit framework ids); a
        // failure to write it only costs that hook a second check.
        let _ = repo.write_state(VERDICT_STATE, &format!("{key}\n{}\n", verdict(report.ok)));
    }
    if !quiet {
        for notice in notices {
            writeln!(env.err, "{notice}").map_err(crate::render::write_error)?;
        }
    }
    Ok(ExitStatus::from_ok(report.ok))
}

/// The verdict of the last plain staged check, in the git directory: the key naming exactly
/// what was checked, then `pass` or `fail`.
const VERDICT_STATE: &str = "git-audit-verdict";

fn verdict(ok: bool) -> &'static str {
    if ok {
        "pass"
    } else {
        "fail"
    }
}

/// What a plain staged check's verdict depends on: this build, the index (by its checksum; its
/// path, as `git commit <paths>` uses a temporary one), HEAD (the base) and today's date (waivers
/// expire). `None` with `--config` or when the index has no checksum.
fn verdict_key(repo: &Repo, env: &Env<'_>, all: bool) -> Option<String> {
    if env.config.is_some() {
        return None;
    }
    let head = if repo.head_is_unborn() {
        "unborn".to_string()
    } else {
        repo.resolve_commit("HEAD").ok()?
    };
    Some(format!(
        "v1 {} {} {} {} {} all={}",
        env!("CARGO_PKG_VERSION"),
        repo.index_checksum()?,
        repo.index_path().display(),
        head,
        crate::io::clock::today(),
        all
    ))
}

/// The verdict an earlier plain staged check reached on exactly this index, HEAD and day, if
/// any: the pre-commit step of the changelog hook then does not check (and print) it again.
pub fn earlier_verdict(repo: &Repo, env: &Env<'_>) -> Option<bool> {
    let key = verdict_key(repo, env, false)?;
    let state = repo.read_state(VERDICT_STATE).ok()??;
    let (stored, verdict) = state.trim_end().split_once('\n')?;
    (stored == key).then_some(verdict == "pass")
}

/// The one-line notice of a version-1 baseline in `source` (an unreadable one is the check's
/// error to report, not this notice's).
fn baseline_notice(repo: &Repo, config: &Config, source: &Source) -> Option<String> {
    let bytes = repo.read_path(source, &config.baseline).ok()??;
    suppress::parse_baseline(&String::from_utf8_lossy(&bytes), &config.baseline)
        .ok()?
        .notice(&config.baseline)
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

/// Checks one plan: reads what `gate::select` asks for (`gather`), then lets `gate::check`
/// decide what to report.
pub fn check_plan(repo: &Repo, config: &Config, plan: &Plan, scope: Scope) -> Result<Outcome> {
    check_plan_on(repo, config, plan, scope, None)
}

/// [`check_plan`] with waivers judged on `today` (`YYYY-MM-DD`) instead of the clock's date
/// when given: the dashboard judges a revision as of its commit date.
pub(crate) fn check_plan_on(
    repo: &Repo,
    config: &Config,
    plan: &Plan,
    scope: Scope,
    today: Option<&str>,
) -> Result<Outcome> {
    let mut cache = facts_cache(repo, plan);
    let mut facts = gather_with(repo, config, plan, scope, cache.as_mut())?;
    if let Some(today) = today {
        facts.today = today.to_string();
    }
    let mut outcome = gate::check(config, &facts, scope)?;
    if let Some(cache) = cache.as_mut() {
        for (path, learned) in std::mem::take(&mut outcome.learned) {
            cache.learn(&path, learned);
        }
        if cache.changed() {
            // A cache that cannot be written costs the next run a parse, nothing more.
            let _ = repo.write_state(facts_cache::STATE, &cache.render());
        }
    }
    // Registry generation (`registry-stale`, `registry-source-*`) and BDD alignment (`bdd-*`):
    // settled like the gate's own.
    let mut generated = super::registry::gate_findings(repo, config, plan, scope, &facts.changed)?;
    generated.extend(super::bdd::gate_findings(
        repo,
        config,
        plan,
        scope,
        &facts.changed,
    )?);
    if !generated.is_empty() {
        let (Ok(waivers), Ok(baseline)) = (&facts.waivers, &facts.baseline) else {
            return Ok(outcome); // unreachable: gate::check stopped on either error
        };
        let ignored = suppress::Baseline::default();
        let baseline = match scope.baseline {
            gate::Baseline::Ignore => &ignored,
            gate::Baseline::Apply => baseline,
        };
        let mut extra = suppress::settle(
            generated,
            config,
            waivers,
            &config.waivers,
            baseline,
            &facts.today,
            scope.everything,
        );
        extra.retain(|f| f.rule != crate::core::rules::RuleId::WaiverExpired);
        if let Some(id) = &facts.commit {
            for f in &mut extra {
                f.commit = Some(id.clone());
            }
        }
        outcome.findings.extend(extra);
        crate::core::finding::sort(&mut outcome.findings);
    }
    Ok(outcome)
}

/// The facts cache, for a check of the index (the hook's and `check --staged`'s), unless
/// `GIT_AUDIT_NO_CACHE` is set to anything but `0` or empty. Revisions are checked without it.
fn facts_cache(repo: &Repo, plan: &Plan) -> Option<FactsCache> {
    let off = std::env::var("GIT_AUDIT_NO_CACHE").is_ok_and(|v| !v.is_empty() && v != "0");
    if off || plan.after != Source::Index {
        return None;
    }
    let text = repo.read_state(facts_cache::STATE).ok().flatten();
    Some(FactsCache::parse(text.as_deref()))
}

/// Reads one plan's facts: the listed paths of both snapshots (to know what changed), audit.lock,
/// then only what the selection names (unchanged artifacts outside it, and blobs equal on both
/// sides, are never read), the waivers, the baseline and today's date.
pub fn gather<'r>(
    repo: &'r Repo,
    config: &Config,
    plan: &Plan,
    scope: Scope,
) -> Result<Facts<Content<'r>>> {
    gather_with(repo, config, plan, scope, None)
}

/// [`gather`] with the facts cache: an unchanged sequence read only for the cross-document
/// rules (never a target) whose facts the cache holds for its blob is not read.
fn gather_with<'r>(
    repo: &'r Repo,
    config: &Config,
    plan: &Plan,
    scope: Scope,
    mut cache: Option<&mut FactsCache>,
) -> Result<Facts<Content<'r>>> {
    let listed = |p: &str| gate::listed(config, p);
    let descend = |dir: &str| gate::may_list(config, dir);
    let before = repo.snapshot_within(&plan.before, &listed, &descend)?;
    let after = repo.snapshot_within(&plan.after, &listed, &descend)?;
    let differs = |path: &str| match (before.entries.get(path), after.entries.get(path)) {
        (Some(b), Some(a)) => !git::same(b, a),
        (None, None) => false,
        _ => true,
    };
    let changed: BTreeSet<String> = before
        .entries
        .keys()
        .chain(after.entries.keys())
        .filter(|p| differs(p))
        .cloned()
        .collect();
    let lockfile = read_lockfile(repo, &plan.after)?;
    let present: BTreeSet<String> = after.entries.keys().cloned().collect();
    // Only when audit.lock changed; one that does not read is as if absent (all re-checked).
    let lock_before = if changed.contains(lockfile::FILE_NAME) {
        read_lockfile(repo, &plan.before).ok().flatten()
    } else {
        None
    };
    let selection = gate::select(
        config,
        &present,
        &changed,
        lockfile.as_ref(),
        lock_before.as_ref(),
        scope,
    );

    let read =
        |path: &str, object: &Object| -> Result<std::result::Result<Content<'r>, NotParsed>> {
            super::load(repo, &plan.after, path, object, &config.limits)
        };
    let mut documents = BTreeMap::new();
    let mut known = BTreeMap::new();
    // Each artifact's facts-cache context, computed once.
    let mut contexts: Vec<(&config::Artifact, String)> = Vec::new();
    for (path, object) in &after.entries {
        if !selection.reads(path) {
            continue;
        }
        if let (Some(cache), Some(artifact), Some(id)) =
            (cache.as_deref_mut(), config.governing(path), object.id())
        {
            if artifact.kind == config::Kind::Sequence {
                let context = match contexts.iter().find(|(a, _)| std::ptr::eq(*a, artifact)) {
                    Some((_, c)) => c.clone(),
                    None => {
                        let c = facts_cache::context(
                            artifact,
                            &config.generate.identity,
                            &config.limits,
                        );
                        contexts.push((artifact, c.clone()));
                        c
                    }
                };
                let key = facts_cache::key(&context, &id.to_string(), path);
                if !selection.targets.contains(path) {
                    if let Some(facts) = cache.get(&key) {
                        known.insert(path.clone(), facts);
                        continue;
                    }
                }
                cache.note(path, key);
            }
        }
        documents.insert(path.clone(), read(path, object)?);
    }
    let mut removed = BTreeMap::new();
    for path in &changed {
        if after.entries.contains_key(path) || config.governing(path).is_none() {
            continue;
        }
        if let Some(object) = before.entries.get(path) {
            let read = super::load(repo, &plan.before, path, object, &config.limits)?;
            removed.insert(path.clone(), read);
        }
    }
    let paths = if selection.all_paths {
        let all = repo.snapshot(&plan.after, &|_| true)?;
        Some(all.entries.into_keys().collect())
    } else {
        None
    };
    let mut schemas = BTreeMap::new();
    for path in &selection.schemas {
        schemas.insert(path.clone(), repo.read_path(&plan.after, path)?);
    }
    let mut plans = BTreeMap::new();
    for path in &selection.plans {
        if let Some(object) = after.entries.get(path) {
            plans.insert(path.clone(), read(path, object)?);
        }
    }
    let waivers = match repo.read_path(&plan.after, &config.waivers)? {
        None => Ok(Vec::new()),
        Some(bytes) => {
            let origin = format!("{} ({})", config.waivers, plan.after);
            suppress::parse_waivers(&String::from_utf8_lossy(&bytes), &origin)
        }
    };
    let baseline = match repo.read_path(&plan.after, &config.baseline)? {
        None => Ok(suppress::Baseline::default()),
        Some(bytes) => {
            let origin = format!("{} ({})", config.baseline, plan.after);
            suppress::parse_baseline(&String::from_utf8_lossy(&bytes), &origin)
        }
    };
    Ok(Facts {
        source: plan.after.clone(),
        commit: plan.commit.as_ref().map(|c| c.id.clone()),
        present,
        changed,
        lockfile,
        selection,
        documents,
        removed,
        plans,
        schemas,
        paths,
        waivers,
        baseline,
        today: crate::io::clock::today(),
        impact: super::impact::findings(repo, config, plan)?,
        docs: super::docs::findings(repo, config, plan, scope.everything)?,
        known,
    })
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
