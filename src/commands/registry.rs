//! `git audit registry generate`: the registry a snapshot's sources produce (`[generate]` in
//! audit.toml), checked against the committed one (`--check`), written and staged (`--stage`),
//! or printed (`--stdout`); and `registry-stale` for the commit gate. Reads through `io`,
//! decides in `core::generate`, prints through `render::generate`.

use std::collections::BTreeMap;

use crate::cli::{RegistryCommand, RegistryGenerateArgs};
use crate::core::config::{Artifact, Config, Kind};
use crate::core::finding::{self, Finding};
use crate::core::gate::Scope;
use crate::core::generate::{self, GenerateReport, Generated, Inputs, SourceFile};
use crate::core::report::{DiffReport, NotParsed, JSON_VERSION};
use crate::core::rules::RuleId;
use crate::core::snapshot::Plan;
use crate::error::{Error, Result};
use crate::io::git::{self, Content, Repo, Source};
use crate::render::{self, ReportKind};
use crate::{Env, ExitStatus};

pub fn run(env: &mut Env<'_>, cmd: &RegistryCommand) -> Result<ExitStatus> {
    match cmd {
        RegistryCommand::Generate(args) => generate_cmd(env, args),
    }
}

/// The registry's `[[artifact]]` settings, or the built-in registry defaults when audit.toml
/// does not govern it as a registry.
fn registry_artifact(config: &Config) -> Artifact {
    match config.governing(&config.generate.registry) {
        Some(a) if a.kind == Kind::Registry => a.clone(),
        _ => Config::builtin()
            .artifacts
            .into_iter()
            .find(|a| a.kind == Kind::Registry)
            .unwrap_or_else(|| Artifact::plain_json(&config.generate.registry)),
    }
}

/// Everything read from one snapshot for generation.
struct Read<'r> {
    sources: Vec<(String, Content<'r>)>,
    /// Sources that could not be read at all (links, LFS pointers, too large…).
    unreadable: Vec<Finding>,
    current: Option<Vec<u8>>,
    overlay: Option<Vec<u8>>,
}

fn read<'r>(repo: &'r Repo, config: &Config, source: &Source) -> Result<Read<'r>> {
    let g = &config.generate;
    let want = |p: &str| g.reads(p);
    let descend = |dir: &str| g.may_contain(dir);
    let snapshot = repo.snapshot_within(source, &want, &descend)?;
    let mut sources = Vec::new();
    let mut unreadable = Vec::new();
    for (path, object) in &snapshot.entries {
        match super::load(repo, source, path, object, &config.limits)? {
            Ok(content) => sources.push((path.clone(), content)),
            Err(NotParsed::Skipped(s)) => unreadable.push(Finding::new(
                RuleId::RegistrySourceInvalid,
                path,
                format!("source cannot be read: {}", s.reason),
                s.hint,
            )),
            Err(NotParsed::Refused(r)) => unreadable.push(Finding::new(
                RuleId::RegistrySourceInvalid,
                path,
                format!("source cannot be read: {}", r.message),
                "fix the source, or exclude it with the source's `ignore` in audit.toml".into(),
            )),
        }
    }
    let current = repo.read_path(source, &g.registry)?;
    let overlay = match &g.overlay {
        Some(p) => {
            let bytes = repo.read_path(source, p)?;
            if bytes.is_none() {
                return Err(Error::refused(
                    format!("the overlay {p} named by [generate] is not in the {source}"),
                    "commit the overlay file, or drop `overlay` from [generate] in audit.toml",
                ));
            }
            bytes
        }
        None => None,
    };
    Ok(Read {
        sources,
        unreadable,
        current,
        overlay,
    })
}

fn run_generation(config: &Config, artifact: &Artifact, read: &Read<'_>, now: &str) -> Generated {
    let inputs = Inputs {
        config: &config.generate,
        artifact,
        limits: &config.limits,
        files: read
            .sources
            .iter()
            .map(|(p, c)| SourceFile {
                path: p,
                bytes: c.bytes(),
            })
            .collect(),
        current: read.current.as_deref(),
        overlay: match (&config.generate.overlay, &read.overlay) {
            (Some(p), Some(b)) => Some(SourceFile { path: p, bytes: b }),
            _ => None,
        },
        now,
    };
    let mut g = generate::generate(&inputs);
    g.findings.extend(read.unreadable.iter().cloned());
    finding::sort(&mut g.findings);
    g
}

fn generate_cmd(env: &mut Env<'_>, args: &RegistryGenerateArgs) -> Result<ExitStatus> {
    env.formats("registry generate", ReportKind::Diff)?;
    let repo = Repo::open()?;
    let source = if let Some(rev) = &args.rev {
        Source::Rev(rev.clone())
    } else if args.worktree {
        Source::Worktree
    } else {
        Source::Index
    };
    if args.stage && matches!(source, Source::Rev(_)) {
        return Err(Error::Usage(
            "--stage writes the work tree and the index; generate from the index or the work tree, not --rev".into(),
        ));
    }
    let config = super::load_config(&repo, &source, env.config.as_deref())?;
    if !config.generate.enabled() {
        return Err(Error::refused(
            format!(
                "no registry sources are configured ({})",
                config.origin
            ),
            "declare them in audit.toml: [generate] and one [[generate.source]] per set of sequence files (git-audit's docs/commands.md: Registry generation)",
        ));
    }
    let artifact = registry_artifact(&config);
    let read = read(&repo, &config, &source)?;
    let now = generate::timestamp(crate::io::clock::stamp_secs());
    let g = run_generation(&config, &artifact, &read, &now);
    let registry = config.generate.registry.clone();
    // Configured severities apply; a rule set to `off` reports nothing.
    let findings: Vec<Finding> = g
        .findings
        .iter()
        .filter_map(|f| {
            let mut f = f.clone();
            f.severity = config.severity(f.rule, &f.path)?;
            Some(f)
        })
        .collect();
    let source_blocks = findings.iter().any(Finding::blocks);

    if args.stdout {
        if source_blocks {
            render::generate_findings(env.err, &findings, env.paint_err)?;
            return Ok(ExitStatus::Findings);
        }
        env.out.write_all(&g.bytes).map_err(render::write_error)?;
        return Ok(ExitStatus::Ok);
    }

    let diff = generate::diff(
        &registry,
        &artifact,
        &config.limits,
        read.current.as_deref(),
        &g.bytes,
    );
    if args.check {
        let mut findings = findings;
        if let Some(f) = diff.as_ref().and_then(|d| generate::stale(&registry, d)) {
            findings.push(f);
        }
        let report = GenerateReport {
            version: JSON_VERSION,
            registry: registry.clone(),
            snapshot: source.to_string(),
            stale: g.changed,
            dropped: g.dropped.clone(),
            diff: DiffReport {
                version: JSON_VERSION,
                before: format!("{registry} ({source})"),
                after: "generated from its sources".into(),
                artifacts: diff.into_iter().collect(),
                skipped: Vec::new(),
                errors: Vec::new(),
            },
            findings,
        };
        render::generate(env.format, env.out, &report, env.paint)?;
        let blocking = report.stale || source_blocks;
        return Ok(ExitStatus::from_ok(!blocking));
    }

    // Write (and with --stage, stage) the registry.
    if source_blocks {
        render::generate_findings(env.err, &findings, env.paint_err)?;
        return Err(Error::refused(
            format!("{registry} was not written: its sources have problems (above)"),
            "fix or `ignore` the sources, then generate again",
        ));
    }
    if !findings.is_empty() {
        render::generate_findings(env.err, &findings, env.paint_err)?;
    }
    let worktree_now = repo.read_worktree(&registry)?;
    if !matches!(source, Source::Worktree) {
        // Never overwrite edits of the registry that are not in the snapshot generated from.
        let staged = repo.read_path(&Source::Index, &registry)?;
        if worktree_now.is_some() && worktree_now != staged {
            return Err(Error::refused(
                format!("{registry} has unstaged changes; generating from the index would overwrite them"),
                "stage or stash them first, or generate from the work tree (`--worktree`)",
            ));
        }
    }
    let mut lines = Vec::new();
    if worktree_now.as_deref() != Some(g.bytes.as_slice()) {
        repo.write_worktree(&registry, &g.bytes)?;
        lines.push(format!("wrote {registry}"));
    } else {
        lines.push(format!("{registry} is up to date"));
    }
    for id in &g.dropped {
        lines.push(format!(
            "dropped domain {id:?}: no source generates it and no overlay or [generate.domain] declares it"
        ));
    }
    if args.stage {
        let staged = repo.read_path(&Source::Index, &registry)?;
        if staged.as_deref() != Some(g.bytes.as_slice()) {
            repo.stage(&[registry.as_str()])?;
            lines.push(format!("staged {registry}"));
        }
    }
    for l in lines {
        writeln!(env.out, "{l}").map_err(render::write_error)?;
    }
    Ok(ExitStatus::Ok)
}

/// `registry-stale`, `registry-source-duplicate-id` and `registry-source-invalid` for one plan
/// of the commit gate: only when generation is configured and the registry, a source, the
/// overlay or audit.toml changed (or `scope.everything`). `known`: paths the caller already
/// knows changed (the check's own change list); when one of them is relevant, neither snapshot
/// is listed to find out. Unsettled (severities, waivers and the baseline are the caller's).
pub fn gate_findings(
    repo: &Repo,
    config: &Config,
    plan: &Plan,
    scope: Scope,
    known: &std::collections::BTreeSet<String>,
) -> Result<Vec<Finding>> {
    let g = &config.generate;
    if !g.enabled() {
        return Ok(Vec::new());
    }
    let relevant = |p: &str| {
        g.reads(p)
            || p == g.registry
            || g.overlay.as_deref() == Some(p)
            || p == crate::core::config::FILE_NAME
    };
    if !scope.everything && !known.iter().any(|p| relevant(p)) {
        let descend = |dir: &str| {
            g.may_contain(dir)
                || [Some(g.registry.as_str()), g.overlay.as_deref()]
                    .into_iter()
                    .flatten()
                    .any(|p| p.starts_with(dir))
        };
        let before = repo.snapshot_within(&plan.before, &relevant, &descend)?;
        let after = repo.snapshot_within(&plan.after, &relevant, &descend)?;
        let mut all: BTreeMap<&String, ()> = BTreeMap::new();
        for k in before.entries.keys().chain(after.entries.keys()) {
            all.insert(k, ());
        }
        let changed = all
            .keys()
            .any(|p| match (before.entries.get(*p), after.entries.get(*p)) {
                (Some(b), Some(a)) => !git::same(b, a),
                (None, None) => false,
                _ => true,
            });
        if !changed {
            return Ok(Vec::new());
        }
    }
    let artifact = registry_artifact(config);
    let read = read(repo, config, &plan.after)?;
    // The timestamp is irrelevant: only canonical equality (which excludes it) is used.
    let generated = run_generation(config, &artifact, &read, "");
    let mut findings = generated.findings;
    if let Some(d) = generate::diff(
        &g.registry,
        &artifact,
        &config.limits,
        read.current.as_deref(),
        &generated.bytes,
    ) {
        findings.extend(generate::stale(&g.registry, &d));
    }
    Ok(findings)
}
