//! Timing baselines: measurements mapped to registry domains, the nearest-rank estimator, the
//! committed baseline file (its model and deterministic text), and what `timing check` finds
//! when a run is compared with it (regressions, unknown sequences, stale entries, coverage).
//! Pure: the files, the registry and the configuration come in as values.

pub mod parse;

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::core::config::{Metric, Timing};
use crate::core::finding::Finding;
use crate::core::json::parse::LineIndex;
use crate::core::json::{Limits, Node, Pointer};
use crate::core::rules::RuleId;

pub use parse::{Input, Measurement, Read};

/// The baseline file's format version.
pub const BASELINE_VERSION: u32 = 1;

// ---- names and domains --------------------------------------------------------------------

/// A sequence name as a log wrote it, without the browser console's styling: `%c` directives
/// removed, and the CSS text a `%c` consumed when the log was captured as plain text
/// (`Library Load color: #007BFF; font-weight: bold;`) cut off the end.
pub fn clean_name(raw: &str) -> String {
    let without = raw.replace("%c", "");
    let text = without.trim();
    // The earliest word boundary from which the rest is a CSS declaration list.
    let mut starts = vec![0];
    starts.extend(
        text.char_indices()
            .filter(|(_, c)| c.is_whitespace())
            .map(|(i, c)| i + c.len_utf8()),
    );
    for start in starts {
        if start > 0 && is_css(&text[start..]) {
            return text[..start].trim().to_string();
        }
    }
    text.to_string()
}

/// `prop: value; prop: value;` — lowercase property names, every declaration closed by `;`.
fn is_css(text: &str) -> bool {
    let text = text.trim();
    let Some(body) = text.strip_suffix(';') else {
        return false;
    };
    body.split(';').all(|decl| {
        let Some((prop, value)) = decl.split_once(':') else {
            return false;
        };
        let prop = prop.trim();
        !prop.is_empty()
            && prop.chars().all(|c| c.is_ascii_lowercase() || c == '-')
            && !value.trim().is_empty()
    })
}

/// The registry's domains, to map a measurement's sequence (an id, or a name) to a domain id.
#[derive(Debug, Clone, Default)]
pub struct Domains {
    /// Every domain id.
    pub ids: BTreeSet<String>,
    /// Domain ids by name (a name shared by two domains maps to neither).
    by_name: BTreeMap<String, Vec<String>>,
}

/// What a sequence named in a measurement is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolved {
    Domain(String),
    Unknown,
    /// A name two or more domains share.
    Ambiguous(Vec<String>),
}

impl Domains {
    /// The domains of registry documents (`domains[]` with `id` and `name`).
    pub fn from_registries<'a>(registries: impl IntoIterator<Item = &'a Value>) -> Domains {
        let mut out = Domains::default();
        for registry in registries {
            for domain in registry
                .get("domains")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                let Some(id) = domain.get("id").and_then(Value::as_str) else {
                    continue;
                };
                out.ids.insert(id.to_string());
                if let Some(name) = domain.get("name").and_then(Value::as_str) {
                    let ids = out.by_name.entry(name.to_string()).or_default();
                    if !ids.iter().any(|i| i == id) {
                        ids.push(id.to_string());
                    }
                }
            }
        }
        out
    }

    /// The domain a measurement's sequence names: by id first, then by name (styling removed).
    pub fn resolve(&self, raw: &str) -> Resolved {
        let name = clean_name(raw);
        if self.ids.contains(&name) {
            return Resolved::Domain(name);
        }
        match self.by_name.get(&name).map(Vec::as_slice) {
            Some([one]) => Resolved::Domain(one.clone()),
            Some(many) if many.len() > 1 => Resolved::Ambiguous(many.to_vec()),
            _ => Resolved::Unknown,
        }
    }
}

// ---- samples ------------------------------------------------------------------------------

/// Durations of one sequence: of the whole sequence, and of each beat (by beat number).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SequenceSamples {
    #[serde(default)]
    pub durations: Vec<f64>,
    #[serde(default)]
    pub beats: BTreeMap<String, Vec<f64>>,
}

/// Samples by domain id.
pub type Samples = BTreeMap<String, SequenceSamples>;

/// A sequence named in a file that maps to no domain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Unknown {
    /// The file, as given on the command line.
    pub file: String,
    /// The name as the file wrote it, styling removed.
    pub sequence: String,
    /// Measurements of it that were not used.
    pub measurements: usize,
    /// The first line it appears on.
    pub line: usize,
    /// The domains sharing the name, when it is ambiguous.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub candidates: Vec<String>,
}

/// One file's measurements, mapped.
#[derive(Debug, Clone, PartialEq)]
pub struct Mapped {
    pub samples: Samples,
    pub unknown: Vec<Unknown>,
    /// Measurements mapped to a domain.
    pub used: usize,
}

/// Maps a file's measurements to domains. `file` names the file in `Unknown`.
pub fn map(read: &Read, domains: &Domains, file: &str) -> Mapped {
    let mut samples = Samples::new();
    let mut unknown: BTreeMap<String, Unknown> = BTreeMap::new();
    let mut used = 0;
    for m in &read.measurements {
        match domains.resolve(&m.sequence) {
            Resolved::Domain(id) => {
                used += 1;
                add(samples.entry(id).or_default(), m.beat.as_deref(), m.ms);
            }
            other => {
                let name = clean_name(&m.sequence);
                let entry = unknown.entry(name.clone()).or_insert_with(|| Unknown {
                    file: file.to_string(),
                    sequence: name,
                    measurements: 0,
                    line: m.line,
                    candidates: match other {
                        Resolved::Ambiguous(c) => c,
                        _ => Vec::new(),
                    },
                });
                entry.measurements += 1;
                entry.line = entry.line.min(m.line);
            }
        }
    }
    Mapped {
        samples,
        unknown: unknown.into_values().collect(),
        used,
    }
}

fn add(s: &mut SequenceSamples, beat: Option<&str>, ms: f64) {
    match beat {
        None => s.durations.push(ms),
        Some(b) => s.beats.entry(b.to_string()).or_default().push(ms),
    }
}

/// Adds `from` to `into`.
pub fn merge(into: &mut Samples, from: &Samples) {
    for (id, s) in from {
        let t = into.entry(id.clone()).or_default();
        t.durations.extend_from_slice(&s.durations);
        for (b, v) in &s.beats {
            t.beats.entry(b.clone()).or_default().extend_from_slice(v);
        }
    }
}

fn count(s: &Samples) -> usize {
    s.values()
        .map(|q| q.durations.len() + q.beats.values().map(Vec::len).sum::<usize>())
        .sum()
}

// ---- the ingested store -------------------------------------------------------------------

/// The measurements `timing ingest` keeps (in the git directory, never committed) until
/// `timing baseline` turns them into the committed baseline.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Store {
    pub version: u32,
    /// By the SHA-256 of the file's bytes: ingesting one file twice counts it once.
    pub sources: BTreeMap<String, Source>,
}

/// One ingested file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Source {
    /// The file as it was named when ingested.
    pub file: String,
    pub input: String,
    /// The run it describes, when it says (a log-analysis report's source log).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub run: Option<String>,
    pub samples: Samples,
}

impl Source {
    fn size(&self) -> usize {
        count(&self.samples)
    }
}

/// What adding a file to the store did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Added {
    /// New measurements.
    New,
    /// The same bytes were ingested before.
    Again,
    /// Another report of the same run with more measurements is kept instead.
    Superseded,
    /// It replaces a report of the same run with fewer measurements.
    Replaces,
}

impl Store {
    pub fn parse(text: &str) -> Result<Store, String> {
        let store: Store = serde_json::from_str(text).map_err(|e| e.to_string())?;
        if store.version != BASELINE_VERSION {
            return Err(format!("version {} is not 1", store.version));
        }
        Ok(store)
    }

    pub fn render(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).unwrap_or_default();
        s.push('\n');
        s
    }

    /// Adds one file's samples under `key` (its content hash). Reports of one run (the same
    /// `run`) count once: the one with the most measurements is kept (on a tie, the first).
    pub fn add(&mut self, key: &str, source: Source) -> Added {
        self.version = BASELINE_VERSION;
        if self.sources.contains_key(key) {
            return Added::Again;
        }
        if let Some(run) = &source.run {
            let same: Vec<String> = self
                .sources
                .iter()
                .filter(|(_, s)| s.run.as_deref() == Some(run))
                .map(|(k, _)| k.clone())
                .collect();
            let best = same
                .iter()
                .filter_map(|k| self.sources.get(k))
                .map(Source::size)
                .max();
            match best {
                Some(b) if b >= source.size() => return Added::Superseded,
                Some(_) => {
                    for k in &same {
                        self.sources.remove(k);
                    }
                    self.sources.insert(key.to_string(), source);
                    return Added::Replaces;
                }
                None => {}
            }
        }
        self.sources.insert(key.to_string(), source);
        Added::New
    }

    /// Every kept source's samples together.
    pub fn samples(&self) -> Samples {
        let mut out = Samples::new();
        for s in self.sources.values() {
            merge(&mut out, &s.samples);
        }
        out
    }
}

// ---- the estimator and the baseline -------------------------------------------------------

/// Nearest-rank percentiles of some durations: the `p`th percentile is the smallest sample
/// with at least `p`% of the samples at or below it (`sorted[ceil(p/100 · n) − 1]`), so every
/// figure is a measured value and adding a sample never moves one by interpolation.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Stats {
    pub max: Option<f64>,
    pub p50: Option<f64>,
    pub p95: Option<f64>,
    pub samples: usize,
}

impl Stats {
    pub fn of(values: &[f64]) -> Stats {
        let mut v: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
        v.sort_by(f64::total_cmp);
        Stats {
            max: v.last().copied(),
            p50: nearest_rank(&v, 50),
            p95: nearest_rank(&v, 95),
            samples: v.len(),
        }
    }

    pub fn metric(&self, metric: Metric) -> Option<f64> {
        match metric {
            Metric::P50 => self.p50,
            Metric::P95 => self.p95,
        }
    }
}

/// `sorted[ceil(p/100 · n) − 1]` of ascending `sorted`; `None` when empty.
pub fn nearest_rank(sorted: &[f64], p: usize) -> Option<f64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = (p * sorted.len()).div_ceil(100).max(1);
    sorted.get(rank - 1).copied()
}

/// One sequence's entry in the baseline. Keys are written sorted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SequenceStats {
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub beats: BTreeMap<String, Stats>,
    pub max: Option<f64>,
    pub p50: Option<f64>,
    pub p95: Option<f64>,
    pub samples: usize,
}

impl SequenceStats {
    pub fn stats(&self) -> Stats {
        Stats {
            max: self.max,
            p50: self.p50,
            p95: self.p95,
            samples: self.samples,
        }
    }
}

/// The committed baseline: `{"sequences": {...}, "unit": "ms", "version": 1}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Baseline {
    pub sequences: BTreeMap<String, SequenceStats>,
    pub unit: String,
    pub version: u32,
}

impl Baseline {
    /// The baseline of some samples.
    pub fn of(samples: &Samples) -> Baseline {
        let sequences = samples
            .iter()
            .map(|(id, s)| {
                let st = Stats::of(&s.durations);
                (
                    id.clone(),
                    SequenceStats {
                        beats: s
                            .beats
                            .iter()
                            .map(|(b, v)| (b.clone(), Stats::of(v)))
                            .collect(),
                        max: st.max,
                        p50: st.p50,
                        p95: st.p95,
                        samples: st.samples,
                    },
                )
            })
            .collect();
        Baseline {
            sequences,
            unit: "ms".into(),
            version: BASELINE_VERSION,
        }
    }

    /// The file's text: two-space indented JSON, keys sorted, no timestamps, a final newline.
    pub fn render(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).unwrap_or_default();
        s.push('\n');
        s
    }

    /// Reads a baseline file.
    pub fn parse(text: &str) -> Result<Baseline, String> {
        let b: Baseline = serde_json::from_str(text).map_err(|e| e.to_string())?;
        if b.version != BASELINE_VERSION {
            return Err(format!(
                "version {} is not {BASELINE_VERSION}; this git-audit writes version {BASELINE_VERSION}",
                b.version
            ));
        }
        if b.unit != "ms" {
            return Err(format!("unit {:?} is not \"ms\"", b.unit));
        }
        Ok(b)
    }

    /// Sequences measured with at least `min` samples.
    pub fn measured(&self, min: usize) -> BTreeSet<&str> {
        self.sequences
            .iter()
            .filter(|(_, s)| s.samples >= min.max(1))
            .map(|(id, _)| id.as_str())
            .collect()
    }
}

// ---- coverage -----------------------------------------------------------------------------

/// How much of the registry the baseline measures.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Coverage {
    /// Registry domains measured with at least `min-samples` samples.
    pub measured: usize,
    /// Registry domains.
    pub domains: usize,
    /// `measured / domains` (0 when there are no domains).
    pub ratio: f64,
    pub target: f64,
    #[serde(rename = "minSamples")]
    pub min_samples: usize,
}

/// Coverage of `domains` by `baseline` (a domain's `timing` field never counts: only samples).
pub fn coverage(baseline: &Baseline, domains: &Domains, timing: &Timing) -> Coverage {
    let measured = baseline
        .measured(timing.min_samples)
        .into_iter()
        .filter(|id| domains.ids.contains(*id))
        .count();
    let n = domains.ids.len();
    Coverage {
        measured,
        domains: n,
        ratio: if n == 0 {
            0.0
        } else {
            measured as f64 / n as f64
        },
        target: timing.coverage_target,
        min_samples: timing.min_samples,
    }
}

// ---- findings -----------------------------------------------------------------------------

/// The committed baseline as `check` reads it: its path, its bytes, and the model.
pub struct Committed<'a> {
    pub path: &'a str,
    pub bytes: &'a [u8],
    pub baseline: &'a Baseline,
}

/// Positions findings in the baseline file (by pointer), when its bytes parse.
struct Positions<'a> {
    path: &'a str,
    root: Option<Node<'a>>,
    lines: LineIndex<'a>,
}

impl<'a> Positions<'a> {
    fn new(c: &Committed<'a>) -> Positions<'a> {
        Positions {
            path: c.path,
            root: crate::core::json::parse(c.bytes, &Limits::default()).ok(),
            lines: LineIndex::new(c.bytes),
        }
    }

    fn finding(&self, rule: RuleId, pointer: Pointer, message: String, hint: String) -> Finding {
        let f = Finding::new(rule, self.path, message, hint);
        match &self.root {
            Some(root) => f.at(pointer, root, &self.lines),
            None => f,
        }
    }
}

fn seq_pointer(id: &str) -> Pointer {
    Pointer::root().child("sequences").child(id)
}

/// Whether `check` looks at a snapshot's timing baseline at all: `[timing] check` is on and the
/// snapshot has one. Nothing else is read otherwise.
pub fn gate_reads(timing: &Timing, baseline_present: bool) -> bool {
    timing.check && baseline_present
}

/// Whether `check` reports the timing findings of a snapshot it reads them for: with `--all`,
/// or when the baseline or a registry changed (like every cross-document rule, only when a
/// path it involves changed).
pub fn gate_reports(all: bool, baseline_changed: bool, registry_changed: bool) -> bool {
    all || baseline_changed || registry_changed
}

/// `timing-baseline-stale` and `timing-coverage`: what the committed baseline says about the
/// registry (the hook and `timing check` both report these).
pub fn baseline_findings(c: &Committed<'_>, domains: &Domains, timing: &Timing) -> Vec<Finding> {
    let at = Positions::new(c);
    let mut out = Vec::new();
    for id in c.baseline.sequences.keys() {
        if !domains.ids.contains(id) {
            out.push(at.finding(
                RuleId::TimingBaselineStale,
                seq_pointer(id),
                format!("the timing baseline names `{id}`, which is no domain of the registry"),
                "rebuild it: `git audit timing baseline --write --stage` (after `timing ingest` of current runs)".into(),
            ));
        }
    }
    let cov = coverage(c.baseline, domains, timing);
    if cov.domains > 0 && cov.ratio < cov.target {
        out.push(at.finding(
            RuleId::TimingCoverage,
            Pointer::root(),
            format!(
                "{} of {} registry domains ({:.1}%) have at least {} timing samples in the baseline; the target is {:.0}%",
                cov.measured,
                cov.domains,
                cov.ratio * 100.0,
                cov.min_samples,
                cov.target * 100.0
            ),
            "ingest runs that exercise more sequences (`git audit timing ingest`), then `git audit timing baseline --write --stage`; a domain's `timing` field is a scheduling hint and never counts".into(),
        ));
    }
    out
}

/// `timing-regression`: a sequence whose metric in `run` exceeds the baseline's by more than
/// the threshold (and by at least `min-delta-ms`), with at least `min-samples` on both sides.
pub fn regressions(c: &Committed<'_>, run: &Samples, timing: &Timing) -> Vec<Finding> {
    let at = Positions::new(c);
    let metric = timing.metric;
    let mut out = Vec::new();
    for (id, samples) in run {
        let Some(base) = c.baseline.sequences.get(id) else {
            continue;
        };
        let now = Stats::of(&samples.durations);
        let base_stats = base.stats();
        if now.samples < timing.min_samples || base_stats.samples < timing.min_samples {
            continue;
        }
        let (Some(b), Some(n)) = (base_stats.metric(metric), now.metric(metric)) else {
            continue;
        };
        let delta = n - b;
        if delta <= timing.min_delta_ms || n <= b * (1.0 + timing.threshold) {
            continue;
        }
        let pct = if b > 0.0 {
            format!("+{:.0}%", delta / b * 100.0)
        } else {
            "from 0".to_string()
        };
        out.push(at.finding(
            RuleId::TimingRegression,
            seq_pointer(id).child(metric.as_str()),
            format!(
                "`{id}`: {} {n} ms in this run ({} samples) against {b} ms in the baseline ({} samples), {pct}; the threshold is +{:.0}%",
                metric.as_str(),
                now.samples,
                base_stats.samples,
                timing.threshold * 100.0
            ),
            "find what slowed the sequence down; if the new time is expected, rebuild the baseline (`git audit timing baseline --write --stage`)".into(),
        ));
    }
    out
}

/// `timing-unknown-sequence`: a sequence a measurement file names that no domain has.
pub fn unknown_findings(unknown: &[Unknown]) -> Vec<Finding> {
    unknown
        .iter()
        .map(|u| {
            let why = if u.candidates.is_empty() {
                "no domain has this id or name".to_string()
            } else {
                format!("the name is shared by {}", u.candidates.join(", "))
            };
            let mut f = Finding::new(
                RuleId::TimingUnknownSequence,
                &u.file,
                format!(
                    "`{}` ({} measurement{}) maps to no registry domain: {why}",
                    u.sequence,
                    u.measurements,
                    if u.measurements == 1 { "" } else { "s" }
                ),
                "name the sequence by its domain id in the measurements, or add the domain to the registry".into(),
            );
            f.line = u.line;
            f
        })
        .collect()
}

#[cfg(test)]
mod tests;

// ---- report models ------------------------------------------------------------------------

/// One file `timing ingest` read.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct IngestedFile {
    pub file: String,
    pub input: Input,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub run: Option<String>,
    /// Durations read.
    pub measurements: usize,
    /// Of those, mapped to a domain.
    pub mapped: usize,
    /// Records without a usable duration (unfinished executions, spans without a sequence).
    pub ignored: usize,
    pub added: Added,
}

/// What the store holds after an ingest.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StoreSummary {
    /// Files kept (reports of one run count once).
    pub sources: usize,
    /// Domains with any sample.
    pub sequences: usize,
    /// Durations, sequences and beats together.
    pub samples: usize,
}

impl StoreSummary {
    pub fn of(store: &Store) -> StoreSummary {
        let samples = store.samples();
        StoreSummary {
            sources: store.sources.len(),
            sequences: samples.len(),
            samples: count(&samples),
        }
    }
}

/// `timing ingest --format json`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IngestReport {
    pub version: u32,
    pub files: Vec<IngestedFile>,
    pub unknown: Vec<Unknown>,
    pub store: StoreSummary,
    /// What the baseline built from the store would cover.
    pub coverage: Coverage,
}

/// `timing baseline --write --format json`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BaselineReport {
    pub version: u32,
    pub path: String,
    pub staged: bool,
    pub sequences: usize,
    pub samples: usize,
    pub coverage: Coverage,
}
