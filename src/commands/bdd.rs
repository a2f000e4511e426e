//! `git audit bdd` and `git audit bdd stub`: gathers the snapshot's registries, sequences,
//! business-BDD JSON specs, plans and feature files, has `core::bdd` align them, and renders
//! the report; `stub` writes (and stages) generated features, never over a hand-written one.

use std::collections::BTreeSet;

use crate::cli::{BddArgs, BddCommand, BddStubArgs};
use crate::core::bdd::{self, stub, BddReport, FeatureFile, Sources};
use crate::core::config::{Artifact, Config, Kind};
use crate::core::json::parse::LineIndex;
use crate::core::json::Node;
use crate::core::report::{NotParsed, Refused, Skipped};
use crate::core::rules::governance::Doc;
use crate::error::{Error, Result};
use crate::io::git::{Repo, Source};
use crate::render::{self, ReportKind};
use crate::{Env, ExitStatus};

/// Which part of the alignment a JSON file feeds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Registry,
    Sequence,
    Spec,
    Plan,
}

/// What was read from the snapshot, owned.
struct Gathered {
    json: Vec<(String, Role, Artifact, Vec<u8>)>,
    features: Vec<(String, Vec<u8>)>,
    paths: BTreeSet<String>,
    skipped: Vec<Skipped>,
    errors: Vec<Refused>,
}

fn gather(repo: &Repo, source: &Source, config: &Config) -> Result<Gathered> {
    let bdd = &config.bdd;
    let explicit_plans = bdd.plans.is_some();
    let plans: Vec<String> = match &bdd.plans {
        Some(p) => p.clone(),
        None => config.plans.iter().map(|p| p.path.clone()).collect(),
    };
    // Every path, so that plan links to any file can be checked.
    let snapshot = repo.snapshot(source, &|_| true)?;
    let mut g = Gathered {
        json: Vec::new(),
        features: Vec::new(),
        paths: snapshot.entries.keys().cloned().collect(),
        skipped: Vec::new(),
        errors: Vec::new(),
    };
    if explicit_plans {
        if let Some(missing) = plans.iter().find(|p| !g.paths.contains(*p)) {
            return Err(Error::refused(
                format!("{missing}: the plan [bdd] plans names is not in the {source}"),
                "commit the plan, or fix `plans` in audit.toml's [bdd] table",
            ));
        }
    }
    for (path, object) in &snapshot.entries {
        let governed = config.governing(path);
        let role = match governed.map(|a| a.kind) {
            Some(Kind::Registry) => Some(Role::Registry),
            Some(Kind::Sequence) => Some(Role::Sequence),
            _ if plans.contains(path) => Some(Role::Plan),
            _ if bdd.is_spec(path) => Some(Role::Spec),
            _ => None,
        };
        let feature = role.is_none() && bdd.is_feature(path);
        if role.is_none() && !feature {
            continue;
        }
        let content = match super::load(repo, source, path, object, &config.limits)? {
            Ok(c) => c,
            Err(NotParsed::Skipped(s)) => {
                g.skipped.push(s);
                continue;
            }
            Err(NotParsed::Refused(r)) => {
                g.errors.push(r);
                continue;
            }
        };
        let bytes = content.bytes().to_vec();
        match role {
            Some(role) => {
                let artifact = governed
                    .cloned()
                    .unwrap_or_else(|| Artifact::plain_json(path));
                g.json.push((path.clone(), role, artifact, bytes));
            }
            None => g.features.push((path.clone(), bytes)),
        }
    }
    if !g.json.iter().any(|(_, r, _, _)| *r == Role::Registry) {
        return Err(Error::refused(
            format!("no registry in the {source}: BDD specs are aligned with a registry's domains"),
            "commit the registry, or point an [[artifact]] table of kind \"registry\" at it in audit.toml",
        ));
    }
    Ok(g)
}

/// Parses what was gathered and aligns it.
fn align(g: &mut Gathered, config: &Config, source: &Source) -> BddReport {
    let limits = &config.limits;
    let mut parsed: Vec<(usize, LineIndex<'_>, Node<'_>)> = Vec::new();
    for (i, (path, _, artifact, bytes)) in g.json.iter().enumerate() {
        match crate::core::artifact::tree(bytes, artifact, limits) {
            Ok(root) => parsed.push((i, LineIndex::new(bytes), root)),
            Err(e) => g.errors.push(super::refused(path, source, &e)),
        }
    }
    let docs = |role: Role| -> Vec<Doc<'_, '_>> {
        parsed
            .iter()
            .filter(|(i, _, _)| g.json[*i].1 == role)
            .map(|(i, lines, root)| Doc {
                path: &g.json[*i].0,
                artifact: &g.json[*i].2,
                lines,
                root,
            })
            .collect()
    };
    let (registries, sequences, specs, plans) = (
        docs(Role::Registry),
        docs(Role::Sequence),
        docs(Role::Spec),
        docs(Role::Plan),
    );
    let features: Vec<FeatureFile<'_>> = g
        .features
        .iter()
        .map(|(path, bytes)| FeatureFile {
            path,
            text: std::str::from_utf8(bytes).ok(),
        })
        .collect();
    let exists = |p: &str| g.paths.contains(p);
    let severity = |rule, path: &str| config.severity(rule, path);
    bdd::align(
        &config.bdd,
        &Sources {
            registries: &registries,
            sequences: &sequences,
            specs: &specs,
            plans: &plans,
            features: &features,
            exists: &exists,
            severity: &severity,
        },
        &source.to_string(),
    )
}

/// The `bdd` report of `source`, with the documents that could not be parsed.
pub(crate) fn report(
    repo: &Repo,
    source: &Source,
    config: &Config,
) -> Result<(BddReport, Vec<Refused>)> {
    let mut g = gather(repo, source, config)?;
    let report = align(&mut g, config, source);
    Ok((report, g.errors))
}

pub fn run(env: &mut Env<'_>, args: &BddArgs) -> Result<ExitStatus> {
    if let Some(BddCommand::Stub(stub)) = &args.command {
        return run_stub(env, stub);
    }
    env.formats("bdd", ReportKind::Bdd)?;
    let repo = Repo::open()?;
    let source = super::hash::source_of(&args.snapshot);
    let config = super::load_config(&repo, &source, env.config.as_deref())?;
    let mut g = gather(&repo, &source, &config)?;
    let report = align(&mut g, &config, &source);
    render::bdd(env.format, env.out, &report, env.paint)?;
    render::problems(env.err, &g.skipped, &g.errors, env.paint_err)?;
    Ok(if !g.errors.is_empty() {
        ExitStatus::Error
    } else {
        ExitStatus::from_ok(!report.blocks())
    })
}

fn run_stub(env: &mut Env<'_>, args: &BddStubArgs) -> Result<ExitStatus> {
    env.formats("bdd stub", ReportKind::Messages)?;
    let repo = Repo::open()?;
    let source = super::hash::source_of(&args.snapshot);
    let config = super::load_config(&repo, &source, env.config.as_deref())?;
    let mut g = gather(&repo, &source, &config)?;
    let report = align(&mut g, &config, &source);
    if !g.errors.is_empty() {
        render::problems(env.err, &g.skipped, &g.errors, env.paint_err)?;
        return Ok(ExitStatus::Error);
    }
    let (plans, unknown) = stub::plan(&report, &args.domains, &config.bdd.stub_dir);
    if !unknown.is_empty() {
        return Err(Error::refused(
            format!("no registry domain {}", unknown.join(", ")),
            "name domains by their registry id (`git audit bdd` lists them)",
        ));
    }
    let mut status = ExitStatus::Ok;
    let mut texts: Vec<(String, String)> = Vec::new();
    for p in &plans {
        match p {
            stub::Plan::Skip { domain, reason } => {
                writeln!(env.err, "skipped {domain}: {reason}").map_err(render::write_error)?;
            }
            stub::Plan::Write {
                domain,
                target,
                sequence,
            } => {
                let text = stub_text(&g, &config, domain, sequence)?;
                texts.push((target.clone(), text));
            }
        }
    }
    if !args.write {
        let many = texts.len() > 1;
        for (target, text) in &texts {
            if many {
                writeln!(env.out, "==> {target} <==").map_err(render::write_error)?;
            }
            env.out
                .write_all(text.as_bytes())
                .map_err(render::write_error)?;
        }
        return Ok(status);
    }
    for (target, text) in &texts {
        // Neither the file on disk nor what the index holds at that path may be hand-written.
        let on_disk = repo.read_worktree(target)?;
        let staged = repo.read_path(&Source::Index, target)?;
        let marker = &config.bdd.stub_marker;
        if !stub::may_replace(on_disk.as_deref(), marker)
            || !stub::may_replace(staged.as_deref(), marker)
        {
            writeln!(
                env.err,
                "error: {target} exists (on disk or in the index) and is not a stub (it lacks {marker:?}); it was left as it is\n  hint: delete or rename it to have a stub written, or edit it by hand"
            )
            .map_err(render::write_error)?;
            status = ExitStatus::Error;
            continue;
        }
        repo.write_worktree(target, text.as_bytes())?;
        if args.stage {
            repo.stage_bytes(target, Some(text.as_bytes()))?;
        }
        writeln!(
            env.out,
            "wrote {target}{}",
            if args.stage { " (staged)" } else { "" }
        )
        .map_err(render::write_error)?;
    }
    Ok(status)
}

/// The stub text for one domain, from its sequence in the snapshot.
fn stub_text(g: &Gathered, config: &Config, domain: &str, seq_path: &str) -> Result<String> {
    let limits = &config.limits;
    let mut name = domain.to_string();
    for (_, _, artifact, bytes) in g.json.iter().filter(|j| j.1 == Role::Registry) {
        let Ok(root) = crate::core::artifact::tree(bytes, artifact, limits) else {
            continue;
        };
        let found = root
            .value
            .get("domains")
            .and_then(|d| d.value.as_array())
            .and_then(|list| {
                list.iter().find(|d| {
                    d.value.get(&artifact.id_key).and_then(|n| n.value.as_str()) == Some(domain)
                })
            })
            .and_then(|d| d.value.get("name"))
            .and_then(|n| n.value.as_str())
            .map(str::to_string);
        if let Some(n) = found {
            name = n;
            break;
        }
    }
    let Some((_, _, artifact, bytes)) = g.json.iter().find(|j| j.0 == seq_path) else {
        return Err(Error::refused(
            format!("{seq_path}: not read"),
            "run `git audit check --all` to see why",
        ));
    };
    let root = crate::core::artifact::tree(bytes, artifact, limits)
        .map_err(|e| Error::refused(format!("{seq_path}:{e}"), "fix the sequence file"))?;
    Ok(stub::generate(&stub::StubInput {
        domain,
        name: &name,
        sequence_path: seq_path,
        sequence: &root,
        tag_prefix: &config.bdd.tag_prefix,
        marker: &config.bdd.stub_marker,
    }))
}

/// The `bdd-*` rules for one plan of the commit gate (`check`, `ci`, the hooks): only when
/// audit.toml has a `[bdd]` table, and — unless `scope.everything` — when something the
/// alignment reads changed between the plan's snapshots (a feature or JSON spec matched by the
/// `[bdd]` globs, a registry, a governed sequence, a plan, audit.toml). A feature that cannot
/// be parsed is a `bdd-feature-invalid` finding, never a refusal; a snapshot without a registry
/// has nothing to align (the registry's removal is the registry rules' to report). `known`:
/// paths the caller already knows changed (the check's own change list); when one of them is
/// relevant, neither snapshot is listed to find out. Unsettled (severities, waivers and the
/// baseline are the caller's).
pub fn gate_findings(
    repo: &Repo,
    config: &Config,
    plan: &crate::core::snapshot::Plan,
    scope: crate::core::gate::Scope,
    known: &std::collections::BTreeSet<String>,
) -> Result<Vec<crate::core::finding::Finding>> {
    use crate::core::finding::Finding;
    let bdd = &config.bdd;
    if !bdd.declared {
        return Ok(Vec::new());
    }
    if !scope.everything {
        let plans: Vec<&str> = match &bdd.plans {
            Some(p) => p.iter().map(String::as_str).collect(),
            None => config.plans.iter().map(|p| p.path.as_str()).collect(),
        };
        let relevant = |p: &str| {
            p == crate::core::config::FILE_NAME
                || bdd.is_feature(p)
                || bdd.is_spec(p)
                || plans.contains(&p)
                || config
                    .governing(p)
                    .is_some_and(|a| matches!(a.kind, Kind::Registry | Kind::Sequence))
        };
        // A relevant path the check already knows changed (a registry, a sequence, a plan,
        // audit.toml) settles it without listing both snapshots: the feature glob can match
        // anywhere, so that listing walks HEAD's whole tree.
        if !known.iter().any(|p| relevant(p)) {
            let before = repo.snapshot(&plan.before, &relevant)?;
            let after = repo.snapshot(&plan.after, &relevant)?;
            let changed = before.entries.keys().chain(after.entries.keys()).any(|p| {
                match (before.entries.get(p), after.entries.get(p)) {
                    (Some(b), Some(a)) => !crate::io::git::same(b, a),
                    (None, None) => false,
                    _ => true,
                }
            });
            if !changed {
                return Ok(Vec::new());
            }
        }
    }
    let mut g = match gather(repo, &plan.after, config) {
        Ok(g) => g,
        Err(Error::Refused { message, .. }) if message.starts_with("no registry") => {
            return Ok(Vec::new())
        }
        Err(e) => return Err(e),
    };
    let report = align(&mut g, config, &plan.after);
    let mut findings = report.findings;
    // What could not be read or parsed: a governed artifact or a `[[plan]]` is the gate's own
    // rules' to report; anything else (a feature, a spec, a `[bdd] plans` file) is a finding
    // here, not a refusal.
    for r in &g.errors {
        if config.governing(&r.path).is_some() || config.plans.iter().any(|p| p.path == r.path) {
            continue;
        }
        let rule = if bdd.is_feature(&r.path) {
            crate::core::rules::RuleId::BddFeatureInvalid
        } else {
            r.rule
        };
        let mut f = Finding::new(
            rule,
            &r.path,
            r.message.clone(),
            "fix the file (`git audit bdd` shows it in context)".into(),
        );
        f.line = r.line;
        f.column = r.column;
        findings.push(f);
    }
    Ok(findings)
}
