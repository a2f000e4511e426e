//! `git audit check`: the commit gate. Reads two snapshots, runs the rules over what changed
//! (or everything with `--all`), reports findings; exit 1 when one is an error.

use std::collections::{BTreeMap, BTreeSet};

use crate::cli::CheckArgs;
use crate::core::config::{self, Config, Kind};
use crate::core::finding::{self, Finding};
use crate::core::lockfile::{self, Lockfile};
use crate::core::report::CheckReport;
use crate::core::rules::governance::{self, Doc};
use crate::core::rules::integrity::{self, Subject};
pub use crate::core::snapshot::Plan;
use crate::core::suppress;
use crate::error::{Error, Result};
use crate::io::git::{self, CommitInfo, Repo, Source};
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
    let plans = plans(&repo, args)?;
    let mut report = CheckReport::new();
    for plan in &plans {
        let config = super::load_config(&repo, &plan.after, env.config.as_deref())?;
        let outcome = check_plan(&repo, &config, plan, args.all, true)?;
        report.checked += outcome.checked;
        report.findings.extend(outcome.findings);
    }
    report.commits = plans.iter().filter(|p| p.commit.is_some()).count();
    report.ok = !report.findings.iter().any(Finding::blocks);
    report.scope = scope_label(args, &plans);
    report.title_commits(plans.iter().filter_map(|p| p.commit.as_ref()));
    super::emit_findings(env, &report, quiet)?;
    Ok(ExitStatus::from_ok(report.ok))
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
/// cross-artifact checks that involve them (registry and sequences, plan coverage, audit.lock
/// entries; everything when audit.toml itself changed). Severities, waivers and the baseline
/// of the same snapshot then decide what blocks.
/// `use_baseline: false` reports what the baseline would hide (to write a new one).
pub fn check_plan(
    repo: &Repo,
    config: &Config,
    plan: &Plan,
    all: bool,
    use_baseline: bool,
) -> Result<Outcome> {
    let extra: Vec<&str> = config
        .plans
        .iter()
        .map(|p| p.path.as_str())
        .chain(config.artifacts.iter().filter_map(|a| a.schema.as_deref()))
        .collect();
    let wanted = |p: &str| {
        config.governing(p).is_some()
            || p == lockfile::FILE_NAME
            || p == config::FILE_NAME
            || p == config.waivers
            || p == config.baseline
            || extra.contains(&p)
    };
    let before = repo.snapshot(&plan.before, &wanted)?;
    let after = repo.snapshot(&plan.after, &wanted)?;
    let differs = |path: &str| match (before.entries.get(path), after.entries.get(path)) {
        (Some(b), Some(a)) => !git::same(b, a),
        (None, None) => false,
        _ => true,
    };
    let changed: BTreeSet<&str> = before
        .entries
        .keys()
        .chain(after.entries.keys())
        .map(String::as_str)
        .filter(|p| differs(p))
        .collect();
    let lockfile = read_lockfile(repo, &plan.after)?;
    let lockfile_changed = changed.contains(lockfile::FILE_NAME);
    let everything = all || changed.contains(config::FILE_NAME);
    let governed_kind = |p: &str| config.governing(p).map(|a| a.kind);
    let world_changed = changed.iter().any(|p| {
        matches!(governed_kind(p), Some(Kind::Registry | Kind::Sequence))
            || config.plans.iter().any(|pl| pl.path == *p)
    });
    let need_world = everything || world_changed;

    let is_target = |path: &str| {
        everything
            || changed.contains(path)
            || (lockfile_changed
                && lockfile
                    .as_ref()
                    .is_some_and(|l| l.locks.contains_key(path)))
    };
    let mut findings = Vec::new();
    let mut checked = 0;

    // Read every document the rules need; only targets report what cannot be read.
    let mut contents = Vec::new();
    for (path, object) in &after.entries {
        let Some(artifact) = config.governing(path) else {
            continue;
        };
        let target = is_target(path);
        let in_world = need_world && matches!(artifact.kind, Kind::Registry | Kind::Sequence);
        if !target && !in_world {
            continue;
        }
        if target {
            checked += 1;
        }
        match super::load(repo, &plan.after, path, object, &config.limits)? {
            Ok(c) => contents.push((path.as_str(), artifact, c, target)),
            Err(super::NotParsed::Skipped(s)) if target => findings.push(integrity::skipped(&s)),
            Err(super::NotParsed::Refused(r)) if target => findings.push(integrity::refused(&r)),
            Err(_) => {}
        }
    }
    let mut parsed = Vec::new();
    for (path, artifact, content, target) in &contents {
        if *target {
            match super::parse(content, &plan.after, path, artifact, &config.limits) {
                Ok(p) => parsed.push((*path, *artifact, content.bytes(), Loaded::Full(p), true)),
                Err(r) => findings.push(integrity::refused(&r)),
            }
        } else if let Ok(root) =
            crate::core::artifact::tree(content.bytes(), artifact, &config.limits)
        {
            // Only read by the cross-artifact rules: no hashes needed.
            parsed.push((*path, *artifact, content.bytes(), Loaded::Tree(root), false));
        }
    }

    let all_paths = if need_world || parsed.iter().any(|d| d.4 && !d.1.path_keys.is_empty()) {
        Some(repo.snapshot(&plan.after, &|_| true)?)
    } else {
        None
    };
    let mut dirs: BTreeSet<String> = BTreeSet::new();
    if let Some(snap) = &all_paths {
        for p in snap.entries.keys() {
            let mut at = p.as_str();
            while let Some((dir, _)) = at.rsplit_once('/') {
                if !dirs.insert(dir.to_string()) {
                    break;
                }
                at = dir;
            }
        }
    }
    let exists = |p: &str| {
        all_paths
            .as_ref()
            .is_some_and(|s| s.entries.contains_key(p) || dirs.contains(p))
    };

    let mut schemas: BTreeMap<String, jsonschema::Validator> = BTreeMap::new();
    for (path, artifact, bytes, loaded, _) in &parsed {
        let Loaded::Full(p) = loaded else {
            continue;
        };
        findings.extend(integrity::artifact(&Subject {
            path,
            artifact,
            bytes,
            parsed: p,
            lockfile: lockfile.as_ref(),
            limits: &config.limits,
        }));
        let doc = Doc {
            path,
            artifact,
            bytes,
            root: &p.root,
        };
        if artifact.kind == Kind::Sequence {
            findings.extend(governance::sequence_rules(
                &doc,
                artifact.event_pattern.as_ref(),
            ));
        }
        if !artifact.path_keys.is_empty() {
            let skip: &[&str] = if artifact.kind == Kind::Registry {
                &["sequenceFile"]
            } else {
                &[]
            };
            findings.extend(governance::path_rules(&doc, &exists, skip));
        }
        if let Some(schema_path) = &artifact.schema {
            if !schemas.contains_key(schema_path) {
                let validator = load_schema(repo, &plan.after, schema_path)?;
                schemas.insert(schema_path.clone(), validator);
            }
            let full =
                crate::core::json::parse(bytes, &config.limits).map_err(|e| Error::Document {
                    path: path.to_string(),
                    line: e.line,
                    column: e.column,
                    message: e.kind.to_string(),
                })?;
            if let Some(v) = schemas.get(schema_path) {
                findings.extend(governance::schema_findings(&doc, &full, v, schema_path));
            }
        }
    }

    if need_world {
        let docs: Vec<Doc<'_, '_>> = parsed
            .iter()
            .map(|(path, artifact, bytes, loaded, _)| Doc {
                path,
                artifact,
                bytes,
                root: loaded.root(),
            })
            .collect();
        let registries: Vec<Doc<'_, '_>> = docs
            .iter()
            .copied()
            .filter(|d| d.artifact.kind == Kind::Registry)
            .collect();
        let sequences: Vec<Doc<'_, '_>> = docs
            .iter()
            .copied()
            .filter(|d| d.artifact.kind == Kind::Sequence)
            .collect();
        let mut involved = governance::cross(&registries, &sequences, &exists);
        for pl in &config.plans {
            let Some(object) = after.entries.get(&pl.path) else {
                continue;
            };
            // Like any artifact, an unreadable plan blocks only when it changed (or with --all).
            let report = everything || changed.contains(pl.path.as_str());
            let content = match super::load(repo, &plan.after, &pl.path, object, &config.limits)? {
                Ok(c) => c,
                Err(super::NotParsed::Skipped(s)) => {
                    if report {
                        findings.push(integrity::skipped(&s));
                    }
                    continue;
                }
                Err(super::NotParsed::Refused(r)) => {
                    if report {
                        findings.push(integrity::refused(&r));
                    }
                    continue;
                }
            };
            let root = match crate::core::json::parse(content.bytes(), &config.limits) {
                Ok(root) => root,
                Err(e) => {
                    if report {
                        findings.push(integrity::refused(&super::refused(
                            &pl.path,
                            &plan.after,
                            &e,
                        )));
                    }
                    continue;
                }
            };
            let plain = crate::core::config::Artifact::plain_json(&pl.path);
            let doc = Doc {
                path: &pl.path,
                artifact: &plain,
                bytes: content.bytes(),
                root: &root,
            };
            let mut found = governance::plan_coverage(&doc, &pl.ids, &registries);
            for (_, inv) in &mut found {
                inv.push(pl.path.clone());
            }
            involved.extend(found);
        }
        for (f, inv) in involved {
            if everything
                || changed.contains(f.path.as_str())
                || inv.iter().any(|p| changed.contains(p.as_str()))
            {
                findings.push(f);
            }
        }
    }

    let removed_any = changed
        .iter()
        .any(|p| config.governing(p).is_some() && !after.entries.contains_key(*p));
    if let Some(l) = &lockfile {
        if everything || lockfile_changed || removed_any {
            findings.extend(integrity::stale_locks(l, &|p| {
                after.entries.contains_key(p)
            }));
        }
    }

    let waivers = match repo.read_path(&plan.after, &config.waivers)? {
        None => Vec::new(),
        Some(bytes) => {
            let origin = format!("{} ({})", config.waivers, plan.after);
            let text = String::from_utf8_lossy(&bytes);
            suppress::parse_waivers(&text, &origin).map_err(Error::Waivers)?
        }
    };
    let baseline = match repo.read_path(&plan.after, &config.baseline)? {
        _ if !use_baseline => suppress::Baseline::default(),
        None => suppress::Baseline::default(),
        Some(bytes) => {
            let origin = format!("{} ({})", config.baseline, plan.after);
            let text = String::from_utf8_lossy(&bytes);
            suppress::parse_baseline(&text, &origin).map_err(Error::Waivers)?
        }
    };
    let mut findings = suppress::settle(
        findings,
        config,
        &waivers,
        &config.waivers,
        &baseline,
        &crate::io::clock::today(),
        all,
    );
    finding::sort(&mut findings);
    if let Some(c) = &plan.commit {
        for f in &mut findings {
            f.commit = Some(c.id.clone());
        }
    }
    Ok(Outcome { findings, checked })
}

/// A document read for a check: in full (hashes, lock block) when it is checked itself, or
/// only its tree when just the cross-artifact rules read it.
enum Loaded<'c> {
    Full(crate::core::artifact::Parsed<'c>),
    Tree(crate::core::json::Node<'c>),
}

impl<'c> Loaded<'c> {
    fn root(&self) -> &crate::core::json::Node<'c> {
        match self {
            Loaded::Full(p) => &p.root,
            Loaded::Tree(root) => root,
        }
    }
}

/// Compiles the JSON Schema at `path` in a snapshot, offline. A schema that cannot be read or
/// compiled stops the check: it cannot run, so it fails closed.
fn load_schema(repo: &Repo, source: &Source, path: &str) -> Result<jsonschema::Validator> {
    let hint = "fix `schema` in audit.toml, or commit the schema it names";
    let Some(bytes) = repo.read_path(source, path)? else {
        return Err(Error::refused(
            format!("the schema {path} is not in the {source}"),
            hint,
        ));
    };
    let value: serde_json::Value = serde_json::from_slice(&bytes)
        .map_err(|e| Error::refused(format!("the schema {path} is not valid JSON: {e}"), hint))?;
    jsonschema::validator_for(&value).map_err(|e| {
        Error::refused(
            format!("the schema {path} cannot be used offline: {e}"),
            "git-audit validates offline (drafts 4 to 2020-12); a schema must not need the network",
        )
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
