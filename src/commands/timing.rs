//! `git audit timing ingest | baseline | check`: measurements from files named on the command
//! line, mapped to the domains of the registry in the index; the ingested samples kept in the
//! git directory (`audit/timing-samples.json`, never committed); the baseline written to the
//! work tree (and staged on request); a run compared with the baseline committed in a snapshot.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::cli::{TimingBaselineArgs, TimingCheckArgs, TimingCommand, TimingIngestArgs};
use crate::core::config::{Config, Kind};
use crate::core::json::canonical::sha256;
use crate::core::report::{CheckReport, JSON_VERSION};
use crate::core::suppress;
use crate::core::timing::{
    self, parse, Baseline, BaselineReport, Committed, Domains, IngestReport, IngestedFile, Input,
    Samples, Store, StoreSummary,
};
use crate::error::{Error, Result};
use crate::io::git::{Repo, Source};
use crate::render::{self, ReportKind};
use crate::{Env, ExitStatus};

/// Where `timing ingest` keeps its samples, inside the git directory.
pub const STORE: &str = "audit/timing-samples.json";

pub fn run(env: &mut Env<'_>, cmd: &TimingCommand) -> Result<ExitStatus> {
    match cmd {
        TimingCommand::Ingest(args) => ingest(env, args),
        TimingCommand::Baseline(args) => baseline(env, args),
        TimingCommand::Check(args) => check(env, args),
    }
}

/// The domains of every registry the configuration governs in `source`. A snapshot without a
/// registry cannot map anything: that is an error, not an empty result.
fn domains(repo: &Repo, source: &Source, config: &Config) -> Result<Domains> {
    let is_registry = |p: &str| {
        config
            .governing(p)
            .is_some_and(|a| a.kind == Kind::Registry)
    };
    let snapshot = repo.snapshot_within(source, &is_registry, &|d| config.may_contain(d))?;
    let mut registries = Vec::new();
    for (path, object) in &snapshot.entries {
        let content = match super::load(repo, source, path, object, &config.limits)? {
            Ok(c) => c,
            Err(_) => {
                return Err(Error::refused(
                    format!("the registry {path} cannot be read in the {source}"),
                    "run `git audit check --all` to see why",
                ))
            }
        };
        let value: Value = serde_json::from_slice(content.bytes()).map_err(|e| {
            Error::refused(
                format!("the registry {path} is not valid JSON in the {source}: {e}"),
                "run `git audit check --all` to see why",
            )
        })?;
        registries.push(value);
    }
    if registries.is_empty() {
        return Err(Error::refused(
            format!("no registry in the {source} to map measurements to"),
            "stage the registry, or point a `kind = \"registry\"` [[artifact]] table at it in audit.toml",
        ));
    }
    Ok(Domains::from_registries(&registries))
}

/// One measurement file, read and parsed.
fn read_file(path: &Path, input: Option<&str>) -> Result<(Vec<u8>, parse::Read)> {
    let shown = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|e| Error::io(format!("cannot read {shown}"), e))?;
    let input = match input.and_then(Input::parse) {
        Some(i) => i,
        None => parse::detect(&bytes)
            .map_err(|e| Error::refused(format!("{shown}: {e}"), e.hint.clone()))?,
    };
    let read = parse::read(&bytes, input)
        .map_err(|e| Error::refused(format!("{shown}: {input}: {e}"), e.hint.clone()))?;
    Ok((bytes, read))
}

fn store_path(repo: &Repo) -> PathBuf {
    repo.git_dir().join(STORE)
}

fn load_store(repo: &Repo) -> Result<Option<Store>> {
    let path = store_path(repo);
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(Error::io(format!("cannot read {}", path.display()), e)),
    };
    Store::parse(&text).map(Some).map_err(|m| {
        Error::refused(
            format!("{} is not a timing sample store: {m}", path.display()),
            "start afresh with `git audit timing ingest --reset FILE…`",
        )
    })
}

fn ingest(env: &mut Env<'_>, args: &TimingIngestArgs) -> Result<ExitStatus> {
    env.formats("timing ingest", ReportKind::Timing)?;
    let repo = Repo::open()?;
    let source = Source::Index;
    let config = super::load_config(&repo, &source, env.config.as_deref())?;
    let domains = domains(&repo, &source, &config)?;
    let mut store = if args.reset {
        Store::default()
    } else {
        load_store(&repo)?.unwrap_or_default()
    };
    let mut files = Vec::new();
    let mut unknown = Vec::new();
    // Every file is read before anything is kept: one unreadable file changes nothing.
    let mut reads = Vec::new();
    for path in &args.files {
        reads.push((path, read_file(path, args.input.as_deref())?));
    }
    for (path, (bytes, read)) in reads {
        let shown = path.display().to_string();
        let mapped = timing::map(&read, &domains, &shown);
        let added = store.add(
            &sha256(&bytes).hex(),
            timing::Source {
                file: shown.clone(),
                input: read.input.as_str().to_string(),
                run: read.run.clone(),
                samples: mapped.samples,
            },
        );
        files.push(IngestedFile {
            file: shown,
            input: read.input,
            run: read.run,
            measurements: read.measurements.len(),
            mapped: mapped.used,
            ignored: read.ignored,
            added,
        });
        unknown.extend(mapped.unknown);
    }
    let path = store_path(&repo);
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)
            .map_err(|e| Error::io(format!("cannot create {}", dir.display()), e))?;
    }
    crate::io::fs::write_atomic(&path, store.render().as_bytes())
        .map_err(|e| Error::io(format!("cannot write {}", path.display()), e))?;
    let report = IngestReport {
        version: JSON_VERSION,
        files,
        unknown,
        store: StoreSummary::of(&store),
        coverage: timing::coverage(&Baseline::of(&store.samples()), &domains, &config.timing),
    };
    render::timing_ingest(env.format, env.out, &report, env.paint)?;
    Ok(ExitStatus::Ok)
}

fn baseline(env: &mut Env<'_>, args: &TimingBaselineArgs) -> Result<ExitStatus> {
    let write = args.write || args.stage;
    if write {
        env.formats("timing baseline --write", ReportKind::Timing)?;
    }
    let repo = Repo::open()?;
    let source = Source::Index;
    let config = super::load_config(&repo, &source, env.config.as_deref())?;
    let Some(store) = load_store(&repo)? else {
        return Err(Error::refused(
            "nothing has been ingested in this repository",
            "read measurements first: `git audit timing ingest FILE…`",
        ));
    };
    let samples: Samples = store.samples();
    let baseline = Baseline::of(&samples);
    let text = baseline.render();
    if !write {
        // The file as it would be written, in every format (it is JSON).
        env.out
            .write_all(text.as_bytes())
            .map_err(render::write_error)?;
        return Ok(ExitStatus::Ok);
    }
    let domains = domains(&repo, &source, &config)?;
    let rel = config.timing.baseline.clone();
    // Never overwrite a file that is not a timing baseline (a hand-written file at that path).
    if let Some(existing) = repo.read_worktree(&rel)? {
        let ours = std::str::from_utf8(&existing)
            .ok()
            .is_some_and(|t| Baseline::parse(t).is_ok());
        if !ours {
            return Err(Error::refused(
                format!("{rel} exists and is not a timing baseline; it is left as it is"),
                "move it away, or set `[timing] baseline` in audit.toml to another path",
            ));
        }
    }
    repo.write_worktree(&rel, text.as_bytes())?;
    if args.stage {
        repo.stage_bytes(&rel, Some(text.as_bytes()))?;
    }
    let report = BaselineReport {
        version: JSON_VERSION,
        path: rel,
        staged: args.stage,
        sequences: baseline.sequences.len(),
        samples: StoreSummary::of(&store).samples,
        coverage: timing::coverage(&baseline, &domains, &config.timing),
    };
    render::timing_baseline(env.format, env.out, &report, env.paint)?;
    Ok(ExitStatus::Ok)
}

/// Reads and parses the baseline committed in `source`; `None` when there is none.
pub fn committed_baseline(
    repo: &Repo,
    source: &Source,
    config: &Config,
) -> Result<Option<(Vec<u8>, Baseline)>> {
    let path = &config.timing.baseline;
    let Some(bytes) = repo.read_path(source, path)? else {
        return Ok(None);
    };
    let text = std::str::from_utf8(&bytes)
        .map_err(|_| Error::refused(format!("{path} is not UTF-8 in the {source}"), REBUILD))?;
    let baseline = Baseline::parse(text).map_err(|m| {
        Error::refused(
            format!("{path} is not a timing baseline in the {source}: {m}"),
            REBUILD,
        )
    })?;
    Ok(Some((bytes, baseline)))
}

const REBUILD: &str = "rebuild it: `git audit timing baseline --write --stage`";

fn check(env: &mut Env<'_>, args: &TimingCheckArgs) -> Result<ExitStatus> {
    env.formats("timing check", ReportKind::Findings)?;
    let repo = Repo::open()?;
    let source = super::hash::source_of(&args.source);
    let config = super::load_config(&repo, &source, env.config.as_deref())?;
    let today = crate::io::clock::today();
    let Some(compared) = compare(
        &repo,
        &config,
        &source,
        &args.files,
        args.input.as_deref(),
        &today,
    )?
    else {
        return Err(Error::refused(
            format!(
                "no timing baseline at {} in the {source}",
                config.timing.baseline
            ),
            "write one from measured runs: `git audit timing ingest FILE…`, then `git audit timing baseline --write --stage`",
        ));
    };
    let mut report = CheckReport::new();
    report.scope = format!(
        "{} measurement file{} against {} in the {source}",
        args.files.len(),
        if args.files.len() == 1 { "" } else { "s" },
        config.timing.baseline
    );
    report.checked = args.files.len();
    report.governed = Some(compared.domains);
    report.ok = !compared.findings.iter().any(|f| f.blocks());
    report.findings = compared.findings;
    let ok = report.ok;
    super::emit_findings(env, &report, false)?;
    Ok(ExitStatus::from_ok(ok))
}

/// A run compared with the baseline committed in a snapshot.
pub(crate) struct Compared {
    /// Registry domains.
    pub domains: usize,
    /// How much of the registry the committed baseline measures.
    pub coverage: timing::Coverage,
    /// The settled findings: regressions, unknown names, the baseline's own.
    pub findings: Vec<crate::core::finding::Finding>,
}

/// `timing check`'s comparison of the measurement `files` with the baseline committed in
/// `source` (waivers judged on `today`); `None` when the snapshot has no baseline.
pub(crate) fn compare(
    repo: &Repo,
    config: &Config,
    source: &Source,
    files: &[PathBuf],
    input: Option<&str>,
    today: &str,
) -> Result<Option<Compared>> {
    let Some((bytes, baseline)) = committed_baseline(repo, source, config)? else {
        return Ok(None);
    };
    let domains = domains(repo, source, config)?;
    // The files are kept as `timing ingest` keeps them: a file given twice counts once, and
    // several reports of one run (the same browser log) count once, the fullest of them.
    let mut store = Store::default();
    let mut unknown = Vec::new();
    for path in files {
        let (bytes, read) = read_file(path, input)?;
        let shown = path.display().to_string();
        let mapped = timing::map(&read, &domains, &shown);
        store.add(
            &sha256(&bytes).hex(),
            timing::Source {
                file: shown,
                input: read.input.as_str().to_string(),
                run: read.run.clone(),
                samples: mapped.samples,
            },
        );
        unknown.extend(mapped.unknown);
    }
    let run = store.samples();
    let committed = Committed {
        path: &config.timing.baseline,
        bytes: &bytes,
        baseline: &baseline,
    };
    let mut findings = timing::regressions(&committed, &run, &config.timing);
    findings.extend(timing::unknown_findings(&unknown));
    findings.extend(timing::baseline_findings(
        &committed,
        &domains,
        &config.timing,
    ));
    let waivers = super::waivers_of(repo, config, source)?;
    let mut findings = suppress::settle(
        findings,
        config,
        &waivers,
        &config.waivers,
        &suppress::Baseline::default(),
        today,
        false,
    );
    crate::core::finding::sort(&mut findings);
    Ok(Some(Compared {
        domains: domains.ids.len(),
        coverage: timing::coverage(&baseline, &domains, &config.timing),
        findings,
    }))
}

/// The timing rules of `git audit check` (and so of the hook): `timing-baseline-stale` and
/// `timing-coverage` from the baseline committed in the snapshot checked, against its
/// registry. Measurements in a hook come only from that committed baseline (run files are
/// never read from a snapshot). Reported when the baseline or a registry changed, or with
/// `--all`; nothing when `[timing] check = false`, when the snapshot has no baseline, or no
/// registry. An unreadable baseline stops the check (it fails closed).
pub fn gate_findings(
    repo: &Repo,
    config: &Config,
    plan: &crate::core::snapshot::Plan,
    all: bool,
) -> Result<Vec<crate::core::finding::Finding>> {
    gate_findings_on(repo, config, plan, all, &crate::io::clock::today())
}

/// [`gate_findings`] with waivers judged on `today` (`YYYY-MM-DD`).
pub(crate) fn gate_findings_on(
    repo: &Repo,
    config: &Config,
    plan: &crate::core::snapshot::Plan,
    all: bool,
    today: &str,
) -> Result<Vec<crate::core::finding::Finding>> {
    let path = config.timing.baseline.as_str();
    if !timing::gate_reads(&config.timing, repo.entry(&plan.after, path)?.is_some()) {
        return Ok(Vec::new());
    }
    let changed = |p: &str| -> Result<bool> {
        Ok(
            match (repo.entry(&plan.after, p)?, repo.entry(&plan.before, p)?) {
                (Some(a), Some(b)) => !crate::io::git::same(&a, &b),
                (None, None) => false,
                _ => true,
            },
        )
    };
    let is_registry = |p: &str| {
        config
            .governing(p)
            .is_some_and(|a| a.kind == Kind::Registry)
    };
    let descend = |d: &str| config.may_contain(d);
    let mut registries = std::collections::BTreeSet::new();
    for source in [&plan.after, &plan.before] {
        registries.extend(
            repo.snapshot_within(source, &is_registry, &descend)?
                .entries
                .into_keys(),
        );
    }
    let mut registry_changed = false;
    for p in &registries {
        registry_changed |= changed(p)?;
    }
    if !timing::gate_reports(all, changed(path)?, registry_changed) {
        return Ok(Vec::new());
    }
    let Some((bytes, baseline)) = committed_baseline(repo, &plan.after, config)? else {
        return Ok(Vec::new());
    };
    let domains = match domains(repo, &plan.after, config) {
        Ok(d) => d,
        // No registry: nothing to cover (its removal is the registry rules' to report).
        Err(Error::Refused { message, .. }) if message.starts_with("no registry") => {
            return Ok(Vec::new())
        }
        Err(e) => return Err(e),
    };
    let committed = Committed {
        path,
        bytes: &bytes,
        baseline: &baseline,
    };
    let findings = timing::baseline_findings(&committed, &domains, &config.timing);
    let waivers = super::waivers_of(repo, config, &plan.after)?;
    let mut findings = suppress::settle(
        findings,
        config,
        &waivers,
        &config.waivers,
        &suppress::Baseline::default(),
        today,
        false,
    );
    crate::core::finding::sort(&mut findings);
    if let Some(c) = &plan.commit {
        for f in &mut findings {
            f.commit = Some(c.id.clone());
        }
    }
    Ok(findings)
}
