//! The dashboard (`git audit dashboard`): every audit of one revision or range in one model,
//! and the readiness checklist computed from it. Pure: the command gathers each section's facts
//! through the other commands' functions; this module decides each item's status and the score.
//!
//! An item passes only on evidence (a report's content, never its existence); a capability that
//! is not configured makes its items `n/a` with that reason, and a report that is needed but was
//! not given makes its item fail, never pass.

use serde::Serialize;

use crate::core::finding::Finding;
use crate::core::rules::Severity;

/// The JSON contract's version.
pub const VERSION: u32 = 1;

/// The whole dashboard: `git audit dashboard --format json`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Dashboard {
    pub version: u32,
    pub snapshot: SnapshotInfo,
    pub sections: Sections,
    pub checklist: Vec<Item>,
    pub readiness: Readiness,
    /// The `[dashboard] repository-url` template, for links (not in the JSON contract).
    #[serde(skip)]
    pub link: Option<String>,
}

/// What was read: the revision or range as given, the commit it resolves to, its committer date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SnapshotInfo {
    pub rev: String,
    pub commit: String,
    /// `YYYY-MM-DD` of the commit's committer date (never the clock).
    pub date: String,
    /// The base the structural changes and the range's audits start from (a commit id, or
    /// `the empty tree` for a root commit).
    pub base: String,
    /// The commits the range holds (one for a single revision).
    pub commits: usize,
}

/// A section: computed, or why it is not.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "status", rename_all = "kebab-case")]
pub enum Part<T> {
    /// Computed from the snapshot (and the reports given).
    Ready(T),
    /// The capability is not configured in audit.toml (or has nothing to work on).
    NotConfigured { reason: String },
}

impl<T> Part<T> {
    pub fn ready(&self) -> Option<&T> {
        match self {
            Part::Ready(t) => Some(t),
            Part::NotConfigured { .. } => None,
        }
    }
}

/// Every section, in the order they are shown.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Sections {
    pub changes: Part<Changes>,
    pub changelog: Part<ChangelogSection>,
    pub integrity: Part<Integrity>,
    pub compliance: Part<Compliance>,
    pub provenance: Part<Provenance>,
    pub bdd: Part<Bdd>,
    pub handlers: Part<Handlers>,
    pub timing: Part<Timing>,
    pub impact: Part<Impact>,
}

/// The structural diff of the range (or of the commit against its parent).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Changes {
    pub artifacts: Vec<ChangeRow>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChangeRow {
    pub path: String,
    pub kind: String,
    /// `added`, `removed`, `modified`.
    pub change: String,
    /// What the counts count (`domains`, `movements`, `members`).
    pub unit: String,
    pub added: usize,
    pub removed: usize,
    pub changed: usize,
    /// A sequence's beats (a beat added inside a movement changes no movement count).
    pub beats: Option<Counts>,
    /// Only formatting changed (the canonical form did not).
    #[serde(rename = "rawOnly")]
    pub raw_only: bool,
}

/// Items added, removed and changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub added: usize,
    pub removed: usize,
    pub changed: usize,
}

impl ChangeRow {
    /// `domains +1 −0 ~2`, and `, beats +1 −0 ~0` for a sequence.
    pub fn summary(&self) -> String {
        let mut text = format!(
            "{} +{} −{} ~{}",
            self.unit, self.added, self.removed, self.changed
        );
        if let Some(b) = self.beats {
            text.push_str(&format!(
                ", beats +{} −{} ~{}",
                b.added, b.removed, b.changed
            ));
        }
        text
    }
}

/// `changelog verify` over the range.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChangelogSection {
    pub path: String,
    pub commits: usize,
    pub findings: Vec<Row>,
}

/// One finding as the dashboard shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Row {
    pub rule: String,
    pub severity: Severity,
    pub path: String,
    pub line: usize,
    pub column: usize,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub commit: Option<String>,
    /// Kept from blocking by a waiver or the baseline.
    pub suppressed: bool,
}

impl Row {
    pub fn of(f: &Finding) -> Row {
        Row {
            rule: f.rule.as_str().to_string(),
            severity: f.severity,
            path: f.path.clone(),
            line: f.line,
            column: f.column,
            message: f.message.clone(),
            commit: f.commit.clone(),
            suppressed: f.suppressed.is_some(),
        }
    }

    /// An error nothing waives.
    pub fn blocks(&self) -> bool {
        self.severity == Severity::Error && !self.suppressed
    }
}

/// Every lock of the snapshot: embedded blocks and audit.lock entries, with both hashes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Integrity {
    pub locks: Vec<LockRow>,
    pub summary: LockSummary,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LockRow {
    pub path: String,
    /// `embedded`, `lockfile`, or `none` (unlocked).
    pub against: String,
    /// `locked` (the lock holds), `drifted`, `unlocked`, `unverifiable`.
    pub state: String,
    /// The hash the lock records.
    pub recorded: Option<String>,
    /// The canonical (RFC 8785) hash now.
    pub canonical: Option<String>,
    /// The hash of the stored bytes now.
    pub raw: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct LockSummary {
    pub locked: usize,
    pub drifted: usize,
    pub unlocked: usize,
    pub unverifiable: usize,
}

impl Integrity {
    /// The section over `locks`: drifted and unverifiable first, then locked, then unlocked,
    /// each by path.
    pub fn new(mut locks: Vec<LockRow>) -> Integrity {
        let rank = |state: &str| match state {
            "drifted" => 0,
            "unverifiable" => 1,
            "locked" => 2,
            _ => 3,
        };
        locks.sort_by(|a, b| {
            (rank(&a.state), &a.path, &a.against).cmp(&(rank(&b.state), &b.path, &b.against))
        });
        let summary = LockSummary::of(&locks);
        Integrity { locks, summary }
    }
}

impl LockSummary {
    pub fn of(rows: &[LockRow]) -> LockSummary {
        let mut s = LockSummary::default();
        for r in rows {
            match r.state.as_str() {
                "locked" => s.locked += 1,
                "drifted" => s.drifted += 1,
                "unlocked" => s.unlocked += 1,
                _ => s.unverifiable += 1,
            }
        }
        s
    }
}

/// `check --all` of the revision: findings per rule and severity, the top findings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Compliance {
    pub checked: usize,
    pub governed: usize,
    pub blocking: usize,
    pub suppressed: usize,
    pub rules: Vec<RuleCount>,
    /// Every finding: blocking first, then by severity, path and line (the Markdown shows the
    /// first few; the HTML table sorts and filters them all).
    pub findings: Vec<Row>,
    /// How many findings there are.
    pub total: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RuleCount {
    pub rule: String,
    pub error: usize,
    pub warning: usize,
    pub info: usize,
    pub suppressed: usize,
}

impl Compliance {
    /// The section from a check's findings.
    pub fn of(checked: usize, governed: usize, findings: &[Finding]) -> Compliance {
        let mut rows: Vec<Row> = findings.iter().map(Row::of).collect();
        let mut rules: std::collections::BTreeMap<String, RuleCount> = Default::default();
        for r in &rows {
            let c = rules.entry(r.rule.clone()).or_insert_with(|| RuleCount {
                rule: r.rule.clone(),
                error: 0,
                warning: 0,
                info: 0,
                suppressed: 0,
            });
            if r.suppressed {
                c.suppressed += 1;
                continue;
            }
            match r.severity {
                Severity::Error => c.error += 1,
                Severity::Warning => c.warning += 1,
                Severity::Info => c.info += 1,
            }
        }
        rows.sort_by(|a, b| {
            (
                !a.blocks(),
                a.suppressed,
                a.severity,
                &a.path,
                a.line,
                a.column,
                &a.rule,
            )
                .cmp(&(
                    !b.blocks(),
                    b.suppressed,
                    b.severity,
                    &b.path,
                    b.line,
                    b.column,
                    &b.rule,
                ))
        });
        let total = rows.len();
        let blocking = rows.iter().filter(|r| r.blocks()).count();
        let suppressed = rows.iter().filter(|r| r.suppressed).count();
        Compliance {
            checked,
            governed,
            blocking,
            suppressed,
            rules: rules.into_values().collect(),
            findings: rows,
            total,
        }
    }
}

/// `docs status`: each governed doc's provenance state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Provenance {
    pub fresh: usize,
    pub stale: usize,
    pub edited: usize,
    pub unknown: usize,
    pub docs: Vec<DocRow>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DocRow {
    pub path: String,
    pub status: String,
    pub reason: String,
}

/// A measured share against its target.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Ratio {
    pub covered: usize,
    pub total: usize,
    pub ratio: f64,
    pub target: f64,
}

impl Ratio {
    pub fn meets(&self) -> bool {
        self.ratio >= self.target
    }
}

/// `git audit bdd`: domains covered by specs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Bdd {
    pub coverage: Ratio,
    pub uncovered: Vec<String>,
    pub findings: Vec<Row>,
}

/// `git audit handlers` with the CI reports given.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Handlers {
    pub beats: usize,
    pub handlers: usize,
    pub defined: usize,
    #[serde(rename = "withTestFile")]
    pub with_test_file: usize,
    /// Handler coverage from `--lcov`/`--cobertura`; `None` when no coverage report was given.
    pub coverage: Option<Ratio>,
    /// Test results from `--junit`; `None` when no JUnit report was given.
    pub tests: Option<Tests>,
    /// The reports read, as named on the command line.
    pub reports: Vec<String>,
    pub findings: Vec<Row>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Tests {
    pub total: usize,
    pub passed: usize,
    pub failed: usize,
    pub errors: usize,
    pub skipped: usize,
}

/// The committed timing baseline, and a run's regressions when `--timings` are given.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Timing {
    pub baseline: String,
    pub coverage: Ratio,
    /// The run compared (`--timings`); `None` when no measurements were given.
    pub run: Option<TimingRun>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TimingRun {
    pub files: Vec<String>,
    pub regressions: Vec<Row>,
    /// Every other timing finding of the run (unknown names, the baseline's own).
    pub findings: Vec<Row>,
}

/// `git audit impact` of the range.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Impact {
    pub level: String,
    pub score: u64,
    #[serde(rename = "commitScore")]
    pub commit_score: u64,
    pub commits: Vec<ImpactCommit>,
    pub versions: Vec<VersionRow>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImpactCommit {
    pub commit: String,
    pub level: String,
    pub score: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VersionRow {
    pub path: String,
    pub from: Option<String>,
    pub to: Option<String>,
    pub required: String,
    /// The least version that would do.
    pub needed: Option<String>,
    /// `enough`, `too-small`, `after-not-semver`, `before-not-semver`.
    pub verdict: String,
}

/// An item's status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Pass,
    Fail,
    #[serde(rename = "n/a")]
    NotApplicable,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Fail => "fail",
            Status::NotApplicable => "n/a",
        }
    }
}

/// One readiness item with its evidence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Item {
    pub id: &'static str,
    pub name: &'static str,
    pub status: Status,
    pub reason: String,
}

/// The score: passes over applicable items.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Readiness {
    pub pass: usize,
    pub applicable: usize,
    /// `pass / applicable` as a percentage with one decimal; `None` when nothing applies.
    pub percent: Option<f64>,
}

impl Readiness {
    pub fn of(items: &[Item]) -> Readiness {
        let pass = items.iter().filter(|i| i.status == Status::Pass).count();
        let applicable = items
            .iter()
            .filter(|i| i.status != Status::NotApplicable)
            .count();
        let percent =
            (applicable > 0).then(|| (pass as f64 * 1000.0 / applicable as f64).round() / 10.0);
        Readiness {
            pass,
            applicable,
            percent,
        }
    }
}

/// The checklist's item ids and names, in order.
pub const ITEMS: &[(&str, &str)] = &[
    ("diff-recorded", "Structural diff recorded"),
    ("hashes-stable", "Canonical hashes stable"),
    ("provenance-current", "Provenance index current"),
    ("compliance", "Compliance PASS"),
    ("release-notes", "Release notes complete"),
    ("bdd-aligned", "BDD specs aligned"),
    ("handlers-tested", "Handler tests passing and covered"),
];

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn pct(r: f64) -> String {
    format!("{:.1}%", r * 100.0)
}

fn first_message(rows: &[Row]) -> String {
    rows.iter()
        .find(|r| r.blocks())
        .map(|r| format!(": {} {} ({})", r.rule, r.path, r.message))
        .unwrap_or_default()
}

/// The readiness checklist from the sections: each item's status and its one-line reason.
pub fn checklist(s: &Sections) -> Vec<Item> {
    use Status::{Fail, NotApplicable as Na, Pass};
    let not_configured = |p: &str| (Na, p.to_string());
    let judged: Vec<(Status, String)> = vec![
        // Structural diff recorded: `changelog verify` passes for the range.
        match &s.changelog {
            Part::NotConfigured { reason } => not_configured(reason),
            Part::Ready(c) => {
                let blocking = c.findings.iter().filter(|r| r.blocks()).count();
                if blocking > 0 {
                    (
                        Fail,
                        format!(
                            "changelog verify: {}{}",
                            plural(blocking, "finding", "findings"),
                            first_message(&c.findings)
                        ),
                    )
                } else {
                    (
                        Pass,
                        format!(
                            "changelog verify passes for {} ({})",
                            plural(c.commits, "commit", "commits"),
                            c.path
                        ),
                    )
                }
            }
        },
        // Canonical hashes stable: no lock drifted.
        match &s.integrity {
            Part::NotConfigured { reason } => not_configured(reason),
            Part::Ready(i) => {
                let bad: Vec<&LockRow> = i
                    .locks
                    .iter()
                    .filter(|r| r.state == "drifted" || r.state == "unverifiable")
                    .collect();
                let s = &i.summary;
                if let Some(first) = bad.first() {
                    (
                        Fail,
                        format!(
                            "{} drifted, {} unverifiable: {} ({} lock is {})",
                            s.drifted, s.unverifiable, first.path, first.against, first.state
                        ),
                    )
                } else if s.locked == 0 {
                    (
                        Na,
                        format!(
                            "no artifact is locked ({} unlocked): lock them with `git audit lock --stage`",
                            s.unlocked
                        ),
                    )
                } else {
                    (
                        Pass,
                        format!(
                            "{} hold ({} unlocked)",
                            plural(s.locked, "lock", "locks"),
                            s.unlocked
                        ),
                    )
                }
            }
        },
        // Provenance index current: no stale or edited doc.
        match &s.provenance {
            Part::NotConfigured { reason } => not_configured(reason),
            Part::Ready(p) => {
                let bad = p
                    .docs
                    .iter()
                    .find(|d| d.status == "stale" || d.status == "edited");
                match bad {
                    Some(d) => (
                        Fail,
                        format!(
                            "{} stale, {} edited: {} is {} ({})",
                            p.stale, p.edited, d.path, d.status, d.reason
                        ),
                    ),
                    None if p.docs.is_empty() => (Na, "no governed doc in the snapshot".into()),
                    None => (
                        Pass,
                        format!(
                            "{} fresh ({} without provenance)",
                            plural(p.fresh, "doc", "docs"),
                            p.unknown
                        ),
                    ),
                }
            }
        },
        // Compliance PASS: no error-level finding.
        match &s.compliance {
            Part::NotConfigured { reason } => not_configured(reason),
            Part::Ready(c) => if c.blocking > 0 {
                (
                    Fail,
                    format!(
                        "{}{}",
                        plural(c.blocking, "error-level finding", "error-level findings"),
                        first_message(&c.findings)
                    ),
                )
            } else {
                let warnings: usize = c.rules.iter().map(|r| r.warning).sum();
                (
                    Pass,
                    format!(
                        "no error-level finding in {} ({}, {} suppressed)",
                        plural(c.checked, "document", "documents"),
                        plural(warnings, "warning", "warnings"),
                        c.suppressed
                    ),
                )
            },
        },
        // Release notes complete: every version bump the range's impact demands is made.
        match &s.impact {
            Part::NotConfigured { reason } => not_configured(reason),
            Part::Ready(i) => {
                let short = i.versions.iter().find(|v| v.verdict != "enough");
                match short {
                    Some(v) => (
                        Fail,
                        format!(
                            "{}: version {} → {} ({}), a {} change needs {}",
                            v.path,
                            v.from.as_deref().unwrap_or("none"),
                            v.to.as_deref().unwrap_or("none"),
                            v.verdict,
                            v.required,
                            v.needed.as_deref().unwrap_or("a semantic version")
                        ),
                    ),
                    None if i.versions.is_empty() => (
                        Na,
                        "no registry that existed before the range records a version to judge".into(),
                    ),
                    None => (
                        Pass,
                        format!(
                            "impact {} (score {}): every registry version bump it needs is made",
                            i.level, i.score
                        ),
                    ),
                }
            }
        },
        // BDD specs aligned: coverage at or above the target.
        match &s.bdd {
            Part::NotConfigured { reason } => not_configured(reason),
            Part::Ready(b) => {
                let c = &b.coverage;
                let what = format!(
                    "BDD coverage {} ({}/{} domains), target {}",
                    pct(c.ratio),
                    c.covered,
                    c.total,
                    pct(c.target)
                );
                if c.total == 0 {
                    (Na, "the registry has no governed domain".into())
                } else if c.meets() {
                    (Pass, what)
                } else {
                    (Fail, what)
                }
            }
        },
        // Handler tests passing and coverage at or above the target.
        match &s.handlers {
            Part::NotConfigured { reason } => not_configured(reason),
            Part::Ready(h) => handlers_item(h),
        },
    ]
    .into_iter()
    .collect();
    ITEMS
        .iter()
        .zip(judged)
        .map(|(&(id, name), (status, reason))| Item {
            id,
            name,
            status,
            reason: clip(&reason),
        })
        .collect()
}

/// The longest reason, in characters: one line a person reads at a glance.
pub const REASON_MAX: usize = 240;

/// `s` cut to [`REASON_MAX`] characters (with `…`).
fn clip(s: &str) -> String {
    if s.chars().count() <= REASON_MAX {
        return s.to_string();
    }
    let mut out: String = s.chars().take(REASON_MAX - 1).collect();
    out.push('…');
    out
}

fn handlers_item(h: &Handlers) -> (Status, String) {
    let mut problems = Vec::new();
    let mut evidence = Vec::new();
    match &h.tests {
        None => problems.push("no JUnit report given (--junit): tests not shown to pass".into()),
        Some(t) if t.total == 0 => problems.push("the JUnit report holds no test case".into()),
        Some(t) if t.failed + t.errors > 0 => problems.push(format!(
            "{} of {} tests failed",
            t.failed + t.errors,
            t.total
        )),
        Some(t) => evidence.push(format!("{} tests pass", t.passed)),
    }
    match &h.coverage {
        None => problems
            .push("no coverage report given (--lcov/--cobertura): coverage not measured".into()),
        Some(c) if !c.meets() => problems.push(format!(
            "handler coverage {} ({}/{}) below target {}",
            pct(c.ratio),
            c.covered,
            c.total,
            pct(c.target)
        )),
        Some(c) => evidence.push(format!(
            "handler coverage {} ({}/{}), target {}",
            pct(c.ratio),
            c.covered,
            c.total,
            pct(c.target)
        )),
    }
    if problems.is_empty() {
        (Status::Pass, evidence.join("; "))
    } else {
        (Status::Fail, problems.join("; "))
    }
}

/// Assembles the dashboard: the checklist and the score from the sections.
pub fn assemble(snapshot: SnapshotInfo, sections: Sections, link: Option<String>) -> Dashboard {
    let checklist = checklist(&sections);
    let readiness = Readiness::of(&checklist);
    Dashboard {
        version: VERSION,
        snapshot,
        sections,
        checklist,
        readiness,
        link,
    }
}

/// A repository URL template's placeholders.
pub const URL_PLACEHOLDERS: &[&str] = &["{commit}", "{path}", "{line}"];

/// The link to `path` at `line` in `commit` from a `[dashboard] repository-url` template
/// (validated by the config: http(s), known placeholders). The path is percent-encoded
/// segment by segment, so no character of it can leave the URL's path.
pub fn link(template: &str, commit: &str, path: &str, line: usize) -> String {
    let path: Vec<String> = path.split('/').map(percent).collect();
    template
        .replace("{commit}", &percent(commit))
        .replace("{path}", &path.join("/"))
        .replace("{line}", &line.to_string())
}

fn percent(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests;
