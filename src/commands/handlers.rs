//! `git audit handlers` (and `handlers scaffold`): lists the snapshot, reads the governed
//! sequences, the source roots and the declared test files, reads the CI reports named on the
//! command line, lets `core::handlers` decide, settles severities and waivers, renders.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use globset::{GlobBuilder, GlobSetBuilder};

use crate::cli::{HandlersAction, HandlersArgs, ReportArgs, ScaffoldArgs};
use crate::core::config::{Config, Kind};
use crate::core::finding::{self, Finding};
use crate::core::handlers::reports::{self, CoveredFile, ReportError, TestCase};
use crate::core::handlers::{
    self, scaffold, Beat, Definitions, HandlersReport, Inputs, ScaffoldReport, Unread,
};
use crate::core::report::JSON_VERSION;
use crate::core::suppress;
use crate::error::{Error, Result};
use crate::io::git::{Object, Repo, Source};
use crate::render::{self, ReportKind};
use crate::{Env, ExitStatus};

/// The reports named on the command line, parsed. An unreadable or malformed one stops the
/// run (exit 2): a gate never passes on a report it could not read.
pub struct Reports {
    pub names: Vec<String>,
    pub coverage: Option<Vec<CoveredFile>>,
    pub junit: Option<Vec<TestCase>>,
}

fn report_error(e: ReportError) -> Error {
    Error::refused(
        format!("cannot read the report {e}"),
        "pass the file CI wrote (LCOV for --lcov, Cobertura XML for --cobertura, JUnit XML for --junit); git-audit never runs the tests itself",
    )
}

/// Reads and parses every report file `args` names.
pub fn read_reports(args: &ReportArgs) -> Result<Reports> {
    let read = |path: &Path| -> Result<(String, String)> {
        let name = path.display().to_string();
        let bytes = std::fs::read(path)
            .map_err(|e| Error::io(format!("cannot read the report {name}"), e))?;
        let text = String::from_utf8(bytes).map_err(|_| {
            Error::refused(
                format!("cannot read the report {name}: not valid UTF-8"),
                "pass the report as the tool wrote it (UTF-8 text)",
            )
        })?;
        Ok((name, text))
    };
    let mut names = Vec::new();
    let mut coverage: Option<Vec<CoveredFile>> = None;
    for p in &args.lcov {
        let (name, text) = read(p)?;
        coverage
            .get_or_insert_with(Vec::new)
            .extend(reports::parse_lcov(&name, &text).map_err(report_error)?);
        names.push(name);
    }
    for p in &args.cobertura {
        let (name, text) = read(p)?;
        coverage
            .get_or_insert_with(Vec::new)
            .extend(reports::parse_cobertura(&name, &text).map_err(report_error)?);
        names.push(name);
    }
    let mut junit: Option<Vec<TestCase>> = None;
    for p in &args.junit {
        let (name, text) = read(p)?;
        junit
            .get_or_insert_with(Vec::new)
            .extend(reports::parse_junit(&name, &text).map_err(report_error)?);
        names.push(name);
    }
    Ok(Reports {
        names,
        coverage,
        junit,
    })
}

/// What the flow read from one snapshot.
pub struct Gathered {
    pub beats: Vec<Beat>,
    pub present: BTreeSet<String>,
    pub definitions: Definitions,
    pub tests: BTreeMap<String, String>,
    pub unread: Vec<Unread>,
}

impl Gathered {
    /// The handler analysis of what was gathered, with the CI reports when given.
    fn analyze(&self, config: &Config, reports: Option<&Reports>) -> handlers::Analysis {
        handlers::analyze(
            &config.handlers,
            &Inputs {
                beats: &self.beats,
                definitions: &self.definitions,
                present: &self.present,
                tests: &self.tests,
                coverage: reports.and_then(|r| r.coverage.as_deref()),
                junit: reports.and_then(|r| r.junit.as_deref()),
            },
        )
    }
}

fn read_text(repo: &Repo, object: &Object, limit: u64) -> Result<Option<String>> {
    if object.id().is_none() {
        return Ok(None);
    }
    match repo.read(object, limit) {
        Ok(content) => Ok(Some(String::from_utf8_lossy(content.bytes()).into_owned())),
        Err(crate::io::git::ReadError::Failed(e)) => Err(e),
        // Too large or not a file: not a source git-audit reads.
        Err(_) => Ok(None),
    }
}

/// Lists `source`, reads its governed sequences, source roots and declared test files.
pub fn gather(repo: &Repo, config: &Config, source: &Source) -> Result<Gathered> {
    let mut builder = GlobSetBuilder::new();
    for g in &config.handlers.sources {
        let glob = GlobBuilder::new(g)
            .literal_separator(true)
            .backslash_escape(true)
            .build()
            .map_err(|e| Error::Usage(format!("[handlers] sources: invalid glob {g:?}: {e}")))?;
        builder.add(glob);
    }
    let sources_set = builder
        .build()
        .map_err(|e| Error::Usage(format!("[handlers] sources: {e}")))?;
    let snapshot = repo.snapshot(source, &|_| true)?;
    let present: BTreeSet<String> = snapshot.entries.keys().cloned().collect();
    let mut beats = Vec::new();
    let mut unread = Vec::new();
    let mut texts: Vec<(String, String)> = Vec::new();
    for (path, object) in &snapshot.entries {
        let sequence = config
            .governing(path)
            .is_some_and(|a| a.kind == Kind::Sequence);
        if sequence && object.id().is_some() {
            match repo.read(object, config.limits.max_size) {
                Ok(content) => match handlers::beats(path, content.bytes(), &config.limits) {
                    Ok(found) => beats.extend(found),
                    Err(e) => unread.push(Unread {
                        path: path.clone(),
                        message: format!("{}:{}: {}", e.line, e.column, e.kind),
                    }),
                },
                Err(crate::io::git::ReadError::Failed(e)) => return Err(e),
                Err(_) => unread.push(Unread {
                    path: path.clone(),
                    message: "too large or not a regular file".into(),
                }),
            }
        }
        if sources_set.is_match(path) {
            if let Some(text) = read_text(repo, object, config.limits.max_size)? {
                texts.push((path.clone(), text));
            }
        }
    }
    let definitions = Definitions::index(texts.iter().map(|(p, t)| (p.as_str(), t.as_str())));
    let mut tests = BTreeMap::new();
    for b in &beats {
        let Some(declared) = &b.test_file else {
            continue;
        };
        let resolved = handlers::rewrite_test_path(declared, &b.path, &config.handlers.rewrites);
        if tests.contains_key(&resolved) {
            continue;
        }
        if let Some(object) = snapshot.entries.get(&resolved) {
            if let Some(text) = read_text(repo, object, config.limits.max_size)? {
                tests.insert(resolved, text);
            }
        }
    }
    Ok(Gathered {
        beats,
        present,
        definitions,
        tests,
        unread,
    })
}

/// Settles findings as `check` does: configured severities, waivers, the baseline.
pub fn settle(
    repo: &Repo,
    config: &Config,
    source: &Source,
    findings: Vec<Finding>,
) -> Result<Vec<Finding>> {
    settle_on(repo, config, source, findings, &crate::io::clock::today())
}

/// [`settle`] with waivers judged on `today` (`YYYY-MM-DD`).
pub(crate) fn settle_on(
    repo: &Repo,
    config: &Config,
    source: &Source,
    findings: Vec<Finding>,
    today: &str,
) -> Result<Vec<Finding>> {
    let waivers = super::waivers_of(repo, config, source)?;
    let baseline = super::baseline_of(repo, config, source)?;
    let mut out = suppress::settle(
        findings,
        config,
        &waivers,
        &config.waivers,
        &baseline,
        today,
        false,
    );
    finding::sort(&mut out);
    Ok(out)
}

pub fn run(env: &mut Env<'_>, args: &HandlersArgs) -> Result<ExitStatus> {
    env.formats("handlers", ReportKind::Handlers)?;
    if let Some(HandlersAction::Scaffold(s)) = &args.action {
        return scaffold_run(env, s);
    }
    let repo = Repo::open()?;
    let source = super::hash::source_of(&args.snapshot);
    let config = super::load_config(&repo, &source, env.config.as_deref())?;
    let reports = read_reports(&args.reports)?;
    let report = handlers_report(
        &repo,
        &config,
        &source,
        &reports,
        &crate::io::clock::today(),
    )?;
    render::handlers::report(env.format, env.out, &report, env.paint)?;
    Ok(ExitStatus::from_ok(report.ok))
}

/// The `handlers` report of `source` with the CI reports given, waivers judged on `today`.
pub(crate) fn handlers_report(
    repo: &Repo,
    config: &Config,
    source: &Source,
    reports: &Reports,
    today: &str,
) -> Result<HandlersReport> {
    let g = gather(repo, config, source)?;
    let analysis = g.analyze(config, Some(reports));
    let findings = settle_on(repo, config, source, analysis.findings, today)?;
    Ok(HandlersReport {
        version: JSON_VERSION,
        snapshot: source.to_string(),
        ok: !findings.iter().any(Finding::blocks),
        beats: analysis.rows,
        summary: analysis.summary,
        findings,
        unread: g.unread,
        reports: reports.names.clone(),
    })
}

fn scaffold_run(env: &mut Env<'_>, args: &ScaffoldArgs) -> Result<ExitStatus> {
    let repo = Repo::open()?;
    let source = super::hash::source_of(&args.snapshot);
    let config = super::load_config(&repo, &source, env.config.as_deref())?;
    let template_path = config.handlers.template.clone();
    // The template comes from the snapshot, like the rest of the flow: a repository file,
    // never a path outside it, never a link followed.
    let template = match repo.read_path(&source, &template_path)? {
        Some(bytes) => String::from_utf8(bytes).map_err(|_| {
            Error::refused(
                format!("the stub template {template_path} is not valid UTF-8"),
                "write the template as UTF-8 text",
            )
        })?,
        None => {
            return Err(Error::refused(
                format!("no stub template at {template_path} in the {source}"),
                format!(
                    "commit a template there (placeholders: {}), or set [handlers] template in audit.toml",
                    scaffold::PLACEHOLDERS
                        .iter()
                        .map(|p| format!("{{{{{p}}}}}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ))
        }
    };
    let unknown = scaffold::unknown_placeholders(&template);
    if !unknown.is_empty() {
        return Err(Error::refused(
            format!(
                "the stub template {template_path} uses unknown placeholders: {}",
                unknown.join(", ")
            ),
            format!("use only {}", scaffold::PLACEHOLDERS.join(", ")),
        ));
    }
    let g = gather(&repo, &config, &source)?;
    let analysis = g.analyze(&config, None);
    let mut on_disk = BTreeSet::new();
    let candidates = scaffold::stubs(
        &config.handlers,
        &g.beats,
        &analysis.rows,
        &template,
        args.missing,
        &|_| false,
    )
    .map_err(|m| Error::refused(m, "fix [handlers] stub-path or the beat's testFile"))?;
    for s in &candidates {
        if g.present.contains(&s.path) || repo.read_worktree(&s.path)?.is_some() {
            on_disk.insert(s.path.clone());
        }
    }
    let mut stubs = candidates;
    for s in &mut stubs {
        s.exists = on_disk.contains(&s.path);
    }
    if args.write {
        for s in stubs.iter().filter(|s| !s.exists) {
            repo.write_worktree(&s.path, s.text.as_bytes())?;
        }
    }
    let report = ScaffoldReport {
        version: JSON_VERSION,
        template: template_path,
        stubs,
        written: args.write,
    };
    render::handlers::scaffold(env.format, env.out, &report, env.paint)?;
    Ok(ExitStatus::Ok)
}

/// The handler rules as `check`, `ci` and the hooks run them on one plan: the static rules when
/// audit.toml has a `[handlers]` table, the measured ones when `measured` reports were given.
/// Unless `everything`, a static finding is kept only when its sequence file, or a definition
/// or declared test file of one of that sequence's handlers, changed in the plan.
pub fn gate_findings(
    repo: &Repo,
    config: &Config,
    plan: &crate::core::snapshot::Plan,
    everything: bool,
    measured: Option<&Reports>,
) -> Result<Vec<Finding>> {
    let today = crate::io::clock::today();
    gate_findings_on(repo, config, plan, everything, measured, &today)
}

/// [`gate_findings`] with waivers judged on `today` (`YYYY-MM-DD`).
pub(crate) fn gate_findings_on(
    repo: &Repo,
    config: &Config,
    plan: &crate::core::snapshot::Plan,
    everything: bool,
    measured: Option<&Reports>,
    today: &str,
) -> Result<Vec<Finding>> {
    use crate::core::rules::RuleId;
    let given = measured.is_some_and(|r| !r.names.is_empty());
    if !config.handlers.enabled && !given {
        return Ok(Vec::new());
    }
    let g = gather(repo, config, &plan.after)?;
    let analysis = g.analyze(config, measured);
    let is_measured =
        |f: &Finding| matches!(f.rule, RuleId::HandlerCoverage | RuleId::TestsFailing);
    let mut findings = analysis.findings;
    if !config.handlers.enabled {
        findings.retain(is_measured);
    }
    if !everything {
        let mut related: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for (b, row) in g.beats.iter().zip(&analysis.rows) {
            let set = related.entry(b.path.clone()).or_default();
            set.insert(b.path.clone());
            if let Some(d) = &row.definition {
                set.insert(d.path.clone());
            }
            if let Some(t) = &b.test_file {
                set.insert(handlers::rewrite_test_path(
                    t,
                    &b.path,
                    &config.handlers.rewrites,
                ));
            }
        }
        let all: BTreeSet<String> = related.values().flatten().cloned().collect();
        let changed = super::changed_paths(repo, &plan.before, &plan.after, &all)?;
        findings.retain(|f| {
            is_measured(f)
                || related
                    .get(&f.path)
                    .is_some_and(|set| set.iter().any(|p| changed.contains(p)))
        });
    }
    let mut findings = settle_on(repo, config, &plan.after, findings, today)?;
    if let Some(c) = &plan.commit {
        for f in &mut findings {
            f.commit = Some(c.id.clone());
        }
    }
    Ok(findings)
}
