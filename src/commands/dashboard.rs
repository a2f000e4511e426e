//! `git audit dashboard [REV | A..B]`: gathers every section through the other commands'
//! functions (diff, changelog verify, locks and hashes, check, docs status, bdd, handlers,
//! timing check, impact), lets `core::dashboard` compute the checklist, renders it. Dates come
//! from the commit, never the clock: the same revision and reports give the same bytes.

use std::collections::BTreeMap;
use std::io::Write;

use crate::cli::{DashboardArgs, ImpactArgs};
use crate::core::config::Config;
use crate::core::dashboard::{
    self, Bdd, ChangeRow, ChangelogSection, Changes, Compliance, DocRow, Handlers, Impact,
    ImpactCommit, Integrity, LockRow, Part, Provenance, Ratio, Row, Sections, SnapshotInfo, Tests,
    Timing, TimingRun, VersionRow,
};
use crate::core::diff::Status;
use crate::core::finding::Finding;
use crate::core::gate::Scope;
use crate::core::report::Standing;
use crate::core::rules::RuleId;
use crate::core::snapshot::{CommitInfo, Plan};
use crate::error::{Error, Result};
use crate::io::git::{Repo, Source};
use crate::render::{self, write_error, Format, ReportKind};
use crate::{Env, ExitStatus};

/// What the command line names: the commits audited, the base, the head.
struct Target {
    /// As given (`HEAD`, a revision, `A..B`).
    rev: String,
    /// The spec handed to `impact` (`REV` or `A..B` with both ends resolved).
    impact: String,
    base: Source,
    head: CommitInfo,
    commits: Vec<CommitInfo>,
}

fn target(repo: &Repo, spec: Option<&str>) -> Result<Target> {
    if repo.head_is_unborn() && spec.is_none() {
        return Err(Error::refused(
            "there is no commit to show",
            "commit first, or name a revision",
        ));
    }
    let spec = spec.unwrap_or("HEAD");
    if spec.contains("...") {
        return Err(Error::Usage(format!(
            "dashboard takes REV or A..B, not {spec:?}: A...B is not supported here"
        )));
    }
    match spec.split_once("..") {
        Some((a, b)) => {
            let a = if a.is_empty() { "HEAD" } else { a };
            let b = if b.is_empty() { "HEAD" } else { b };
            let from = repo.resolve_commit(a)?;
            let head = repo.commit_info(b)?;
            Ok(Target {
                rev: spec.to_string(),
                impact: format!("{from}..{}", head.id),
                base: Source::Rev(from),
                commits: repo.range(a, b)?,
                head,
            })
        }
        None => {
            let head = repo.commit_info(spec)?;
            Ok(Target {
                rev: spec.to_string(),
                impact: head.id.clone(),
                base: head.parent.clone().map_or(Source::Empty, Source::Rev),
                commits: vec![head.clone()],
                head,
            })
        }
    }
}

pub fn run(env: &mut Env<'_>, args: &DashboardArgs) -> Result<ExitStatus> {
    env.formats("dashboard", ReportKind::Dashboard)?;
    let repo = Repo::open()?;
    let explicit = env.config.as_deref();
    let t = target(&repo, args.range.as_deref())?;
    let after = Source::Rev(t.head.id.clone());
    let config = super::load_config(&repo, &after, explicit)?;
    let (secs, offset) = repo.committer_time(&t.head.id)?;
    let today = crate::core::date::date_of(secs, offset);
    let reports = super::handlers::read_reports(&args.reports)?;
    let plan = Plan {
        before: t.head.parent.clone().map_or(Source::Empty, Source::Rev),
        after: after.clone(),
        commit: Some(t.head.clone()),
    };

    let handlers = handlers_section(&repo, &config, &after, &reports, &today)?;
    let sections = Sections {
        changes: Part::Ready(changes(&repo, &config, &t.base, &after)?),
        changelog: changelog(&repo, &config, &t, explicit)?,
        integrity: Part::Ready(integrity(&repo, &config, &after)?),
        compliance: Part::Ready(compliance(&repo, &config, &plan, &reports, &today)?),
        provenance: provenance(&repo, &config, &after)?,
        bdd: bdd(&repo, &config, &after)?,
        handlers,
        timing: timing(&repo, &config, &after, &args.timings, &today)?,
        impact: Part::Ready(impact(&repo, explicit, &t.impact)?),
    };
    let snapshot = SnapshotInfo {
        rev: t.rev.clone(),
        commit: t.head.id.clone(),
        date: today.clone(),
        base: match &t.base {
            Source::Rev(id) => id.clone(),
            other => other.to_string(),
        },
        commits: t.commits.len(),
    };
    let board = dashboard::assemble(snapshot, sections, config.dashboard.repository_url.clone());

    let mut bytes = Vec::new();
    render::dashboard(env.format, &mut bytes, &board)?;
    match &args.output {
        Some(path) => crate::io::fs::write_atomic(path, &bytes)
            .map_err(|e| Error::io(format!("cannot write {}", path.display()), e))?,
        None => env.out.write_all(&bytes).map_err(write_error)?,
    }
    if env.format == Format::Github {
        if let Some(mut file) = super::step_summary_file()? {
            file.write_all(&bytes)
                .map_err(|e| Error::io("cannot write $GITHUB_STEP_SUMMARY".to_string(), e))?;
        }
    }
    if let Some(path) = &args.output {
        writeln!(
            env.err,
            "dashboard written to {} (readiness {}/{})",
            path.display(),
            board.readiness.pass,
            board.readiness.applicable
        )
        .map_err(write_error)?;
    }
    let below = args
        .fail_under
        .is_some_and(|min| board.readiness.percent.unwrap_or(100.0) < min);
    Ok(ExitStatus::from_ok(!below))
}

fn rows(findings: &[Finding]) -> Vec<Row> {
    findings.iter().map(Row::of).collect()
}

/// The structural diff from the base to the head.
fn changes(repo: &Repo, config: &Config, base: &Source, after: &Source) -> Result<Changes> {
    let diff = super::diff::compare(repo, config, base, after)?;
    let artifacts = diff
        .artifacts
        .iter()
        .filter(|a| a.status != Status::Unchanged)
        .map(|a| ChangeRow {
            path: a.path.clone(),
            kind: a.kind.as_str().to_string(),
            change: a.status.as_str().to_string(),
            unit: a.summary.unit.to_string(),
            added: a.summary.added,
            removed: a.summary.removed,
            changed: a.summary.changed,
            beats: a.beats.as_ref().map(|b| crate::core::dashboard::Counts {
                added: b.added,
                removed: b.removed,
                changed: b.changed,
            }),
            raw_only: a.raw_only,
        })
        .collect();
    Ok(Changes { artifacts })
}

/// `changelog verify` over the commits audited (those the changelog's start predates excluded).
fn changelog(
    repo: &Repo,
    config: &Config,
    t: &Target,
    explicit: Option<&std::path::Path>,
) -> Result<Part<ChangelogSection>> {
    if !config.changelog.enabled {
        return Ok(Part::NotConfigured {
            reason: "the changelog is off ([changelog] enabled = false)".into(),
        });
    }
    let predating = super::changelog::predating(repo, &t.head.id, explicit)?;
    let mut findings = Vec::new();
    let mut commits = 0;
    for c in t.commits.iter().filter(|c| !predating.contains(&c.id)) {
        commits += 1;
        let mut found = super::changelog::verify_one(repo, c, explicit)?;
        crate::core::finding::sort(&mut found);
        findings.extend(found);
    }
    Ok(Part::Ready(ChangelogSection {
        path: config.changelog.path.clone(),
        commits,
        findings: rows(&findings),
    }))
}

/// Every lock of the snapshot, with the raw and canonical hashes side by side.
fn integrity(repo: &Repo, config: &Config, source: &Source) -> Result<Integrity> {
    let lockfile = super::check::read_lockfile(repo, source)?.unwrap_or_default();
    let mut entries = Vec::new();
    super::lock::verify_locks(repo, config, source, &lockfile, &mut entries)?;
    // The raw hashes, read the way `hash` reads them.
    let snap = repo.snapshot(source, &|p| config.governing(p).is_some())?;
    let mut raw = BTreeMap::new();
    for (path, object) in &snap.entries {
        let Some(artifact) = config.governing(path) else {
            continue;
        };
        let Ok(content) = super::load(repo, source, path, object, &config.limits)? else {
            continue;
        };
        if let Ok(parsed) = super::parse(&content, source, path, artifact, &config.limits) {
            raw.insert(path.clone(), parsed.hashes.raw.hex());
        }
    }
    let locks: Vec<LockRow> = entries
        .into_iter()
        .map(|e| LockRow {
            raw: raw.get(&e.path).cloned(),
            path: e.path,
            against: if e.standing == Standing::Unlocked {
                "none".to_string()
            } else {
                e.against.to_string()
            },
            state: match e.standing {
                Standing::Holds => "locked",
                Standing::Drifted => "drifted",
                Standing::Unlocked => "unlocked",
                _ => "unverifiable",
            }
            .to_string(),
            recorded: e.recorded,
            canonical: e.actual,
            detail: e.detail,
        })
        .collect();
    Ok(Integrity::new(locks))
}

/// `check --all` of the head commit with the reports given, waivers judged on its date.
fn compliance(
    repo: &Repo,
    config: &Config,
    plan: &Plan,
    reports: &super::handlers::Reports,
    today: &str,
) -> Result<Compliance> {
    let outcome = super::check::check_plan_on(repo, config, plan, Scope::EVERYTHING, Some(today))?;
    let mut findings = outcome.findings;
    findings.extend(super::handlers::gate_findings_on(
        repo,
        config,
        plan,
        true,
        Some(reports),
        today,
    )?);
    findings.extend(super::timing::gate_findings_on(
        repo, config, plan, true, today,
    )?);
    Ok(Compliance::of(outcome.checked, outcome.governed, &findings))
}

/// `docs status` of the snapshot, when audit.toml governs docs.
fn provenance(repo: &Repo, config: &Config, source: &Source) -> Result<Part<Provenance>> {
    if config.docs.render.is_empty() && config.docs.generated.is_empty() {
        return Ok(Part::NotConfigured {
            reason: "no [docs] table in audit.toml ([[docs.render]] or `generated`)".into(),
        });
    }
    let report = super::docs::status_report(repo, config, source)?;
    let s = &report.summary;
    Ok(Part::Ready(Provenance {
        fresh: s.fresh,
        stale: s.stale,
        edited: s.edited,
        unknown: s.unknown,
        docs: report
            .docs
            .iter()
            .map(|d| DocRow {
                path: d.path.clone(),
                status: serde_json::to_value(d.status)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_string))
                    .unwrap_or_default(),
                reason: d.reason.clone(),
            })
            .collect(),
    }))
}

/// A refusal (nothing to work on: no registry) as a section that is not configured.
fn refused_as_off<T>(r: Result<Part<T>>) -> Result<Part<T>> {
    match r {
        Err(Error::Refused { message, .. }) => Ok(Part::NotConfigured { reason: message }),
        other => other,
    }
}

/// `git audit bdd` of the snapshot, when audit.toml has a `[bdd]` table.
fn bdd(repo: &Repo, config: &Config, source: &Source) -> Result<Part<Bdd>> {
    if !config.bdd.declared {
        return Ok(Part::NotConfigured {
            reason: "no [bdd] table in audit.toml".into(),
        });
    }
    refused_as_off((|| {
        let (report, _) = super::bdd::report(repo, source, config)?;
        let c = &report.coverage;
        Ok(Part::Ready(Bdd {
            coverage: Ratio {
                covered: c.covered,
                total: c.total,
                ratio: c.ratio,
                target: c.target,
            },
            uncovered: report
                .domains
                .iter()
                .filter(|d| !d.covered && !d.excluded)
                .map(|d| d.id.clone())
                .collect(),
            findings: rows(&report.findings),
        }))
    })())
}

/// `git audit handlers` with the reports given, when `[handlers]` is configured or a report is.
fn handlers_section(
    repo: &Repo,
    config: &Config,
    source: &Source,
    reports: &super::handlers::Reports,
    today: &str,
) -> Result<Part<Handlers>> {
    if !config.handlers.enabled && reports.names.is_empty() {
        return Ok(Part::NotConfigured {
            reason:
                "no [handlers] table in audit.toml and no --lcov, --cobertura or --junit report"
                    .into(),
        });
    }
    let report = super::handlers::handlers_report(repo, config, source, reports, today)?;
    let s = &report.summary;
    Ok(Part::Ready(Handlers {
        beats: s.beats,
        handlers: s.handlers,
        defined: s.defined,
        with_test_file: s.with_test_file,
        coverage: s.coverage.as_ref().map(|c| Ratio {
            covered: c.covered,
            total: c.total,
            ratio: c.ratio,
            target: c.target,
        }),
        tests: s.tests.as_ref().map(|t| Tests {
            total: t.total,
            passed: t.passed,
            failed: t.failed,
            errors: t.errors,
            skipped: t.skipped,
        }),
        reports: report.reports.clone(),
        findings: rows(&report.findings),
    }))
}

/// The committed timing baseline's coverage, and the run's regressions when `--timings` are given.
fn timing(
    repo: &Repo,
    config: &Config,
    source: &Source,
    files: &[std::path::PathBuf],
    today: &str,
) -> Result<Part<Timing>> {
    refused_as_off((|| {
        let Some(c) = super::timing::compare(repo, config, source, files, None, today)? else {
            return Ok(Part::NotConfigured {
                reason: format!(
                    "no timing baseline at {} (write one: `git audit timing ingest FILE…`, then `git audit timing baseline --write --stage`)",
                    config.timing.baseline
                ),
            });
        };
        let run = (!files.is_empty()).then(|| {
            let (regressions, others): (Vec<&Finding>, Vec<&Finding>) = c
                .findings
                .iter()
                .partition(|f| f.rule == RuleId::TimingRegression);
            TimingRun {
                files: files.iter().map(|p| p.display().to_string()).collect(),
                regressions: regressions.into_iter().map(Row::of).collect(),
                findings: others.into_iter().map(Row::of).collect(),
            }
        });
        Ok(Part::Ready(Timing {
            baseline: config.timing.baseline.clone(),
            coverage: Ratio {
                covered: c.coverage.measured,
                total: c.coverage.domains,
                ratio: c.coverage.ratio,
                target: c.coverage.target,
            },
            run,
        }))
    })())
}

/// `git audit impact REV | A..B`.
fn impact(repo: &Repo, explicit: Option<&std::path::Path>, spec: &str) -> Result<Impact> {
    let (report, _, _) = super::impact::report(
        repo,
        explicit,
        &ImpactArgs {
            range: Some(spec.to_string()),
            since: None,
        },
    )?;
    Ok(Impact {
        level: report.total.level.as_str().to_string(),
        score: report.total.score,
        commit_score: report.total.commit_score,
        commits: report
            .commits
            .iter()
            .map(|c| ImpactCommit {
                commit: c.commit.clone(),
                level: c.level.as_str().to_string(),
                score: c.score,
                summary: c.summary.clone(),
            })
            .collect(),
        versions: report
            .versions
            .iter()
            .map(|v| VersionRow {
                path: v.path.clone(),
                from: v.from.clone(),
                to: v.to.clone(),
                required: v.required.as_str().to_string(),
                needed: v.needed.clone(),
                verdict: serde_json::to_value(v.verdict)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_string))
                    .unwrap_or_default(),
            })
            .collect(),
    })
}
