//! What decides whether a finding blocks: configured severities, waivers (data in the
//! repository, with owners and expiry dates) and the baseline of accepted findings.
//! Pure: findings and file texts in, findings out.

use std::collections::BTreeSet;

use globset::GlobBuilder;
use serde::{Deserialize, Serialize};
use toml::Spanned;

use crate::core::config::{Config, ConfigError};

use crate::core::finding::{Finding, Suppression};
use crate::core::json::canonical::sha256;
use crate::core::json::Pointer;
use crate::core::rules::RuleId;

/// A stable identity for a finding across runs: its rule id, repository path, JSON Pointer and
/// subject (the stable ids it is about: `Finding::subject`), each separated by a NUL, hashed
/// with SHA-256, the first 16 hex digits. Never the message: rewording a message, or a change
/// to what it mentions in passing (the registries a config lists), keeps the fingerprint.
pub fn fingerprint(f: &Finding) -> String {
    let text = format!("{}\0{}\0{}\0{}", f.rule, f.path, f.pointer, f.subject);
    sha256(text.as_bytes()).hex()[..16].to_string()
}

/// The baseline file version [`render_baseline`] writes: 2, fingerprints by [`fingerprint`].
pub const BASELINE_VERSION: u32 = 2;

/// The fingerprint of git-audit before baseline version 2 (rule, path, pointer and the message
/// with runs of 8+ hex digits masked). Still matched so a version-1 baseline and waivers that
/// name such a fingerprint keep working until `git audit baseline` rewrites them.
pub fn legacy_fingerprint(f: &Finding) -> String {
    let mut masked = String::with_capacity(f.message.len());
    let mut run = String::new();
    let flush = |run: &mut String, out: &mut String| {
        if run.len() >= 8 {
            out.push('#');
        } else {
            out.push_str(run);
        }
        run.clear();
    };
    for c in f.message.chars() {
        if c.is_ascii_hexdigit() {
            run.push(c);
        } else {
            flush(&mut run, &mut masked);
            masked.push(c);
        }
    }
    flush(&mut run, &mut masked);
    let text = format!("{}\0{}\0{}\0{}", f.rule, f.path, f.pointer, masked);
    sha256(text.as_bytes()).hex()[..16].to_string()
}

/// One waiver of the waivers file.
#[derive(Debug, Clone)]
pub struct Waiver {
    pub rule: String,
    /// Glob over repository paths.
    pub path: String,
    /// Waives findings at this pointer or below it.
    pub pointer: Option<Pointer>,
    /// Waives the finding with exactly this fingerprint.
    pub fingerprint: Option<String>,
    pub reason: String,
    pub owner: String,
    /// `YYYY-MM-DD`; the waiver holds through that day.
    pub expires: String,
    /// Line of the waiver in its file.
    pub line: usize,
    matcher: globset::GlobMatcher,
}

impl Waiver {
    fn matches(&self, f: &Finding) -> bool {
        if self.rule != f.rule.as_str() || !self.matcher.is_match(&f.path) {
            return false;
        }
        if let Some(fp) = &self.fingerprint {
            return *fp == fingerprint(f) || *fp == legacy_fingerprint(f);
        }
        match &self.pointer {
            Some(p) => f.pointer.tokens().starts_with(p.tokens()),
            None => true,
        }
    }

    fn expired(&self, today: &str) -> bool {
        today > self.expires.as_str()
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawWaivers {
    #[serde(default)]
    waiver: Vec<Spanned<RawWaiver>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawWaiver {
    rule: String,
    path: String,
    pointer: Option<String>,
    fingerprint: Option<String>,
    reason: String,
    owner: String,
    expires: RawDate,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum RawDate {
    Toml(toml::value::Datetime),
    Text(String),
}

/// Parses a waivers file; every waiver needs a known rule, a reason, an owner and an expiry.
pub fn parse_waivers(text: &str, origin: &str) -> Result<Vec<Waiver>, ConfigError> {
    let raw: RawWaivers = toml::from_str(text).map_err(|e| ConfigError {
        origin: origin.to_string(),
        position: e
            .span()
            .map(|s| crate::core::json::parse::line_col(text.as_bytes(), s.start)),
        message: e.message().trim().to_string(),
    })?;
    let mut out = Vec::new();
    for w in raw.waiver {
        let line = crate::core::json::parse::line_col(text.as_bytes(), w.span().start).0;
        let w = w.into_inner();
        let fail = |message: String| ConfigError {
            origin: origin.to_string(),
            position: Some((line, 1)),
            message,
        };
        if crate::core::rules::rule(&w.rule).is_none() {
            return Err(fail(format!("waiver for unknown rule `{}`", w.rule)));
        }
        if w.reason.trim().is_empty() || w.owner.trim().is_empty() {
            return Err(fail("a waiver needs a `reason` and an `owner`".into()));
        }
        let expires = match w.expires {
            RawDate::Toml(d) => d.to_string(),
            RawDate::Text(s) => s,
        };
        if !crate::core::date::is_date(&expires) {
            return Err(fail(format!(
                "`expires` must be a date like 2026-12-31, not {expires:?}"
            )));
        }
        let pointer = match w.pointer {
            None => None,
            Some(p) => Some(Pointer::parse(&p).map_err(|e| fail(format!("`pointer`: {e}")))?),
        };
        if let Some(problem) = crate::core::config::leaves_repo(&w.path) {
            return Err(fail(format!("`path`: {:?} {problem}", w.path)));
        }
        let matcher = GlobBuilder::new(&w.path)
            .literal_separator(true)
            .build()
            .map_err(|e| fail(format!("`path`: invalid glob {:?}: {}", w.path, e.kind())))?
            .compile_matcher();
        out.push(Waiver {
            rule: w.rule,
            path: w.path,
            pointer,
            fingerprint: w.fingerprint,
            reason: w.reason,
            owner: w.owner,
            expires,
            line,
            matcher,
        });
    }
    Ok(out)
}

/// The accepted findings of a baseline file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Baseline {
    pub fingerprints: BTreeSet<String>,
    /// Version 1: its fingerprints are [`legacy_fingerprint`]s (message text included).
    pub legacy: bool,
}

impl Baseline {
    /// Whether the baseline accepts `f`.
    pub fn accepts(&self, f: &Finding) -> bool {
        let fp = if self.legacy {
            legacy_fingerprint(f)
        } else {
            fingerprint(f)
        };
        self.fingerprints.contains(&fp)
    }

    /// The one-line notice a version-1 baseline earns (`None` for a current one).
    pub fn notice(&self, path: &str) -> Option<String> {
        self.legacy.then(|| {
            format!(
                "note: {path} is a version-1 baseline, whose fingerprints change when a message's wording does; run `git audit baseline` to rewrite it (version 2: rule, path, pointer and ids)"
            )
        })
    }
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBaseline {
    version: u32,
    findings: Vec<BaselineEntry>,
}

#[derive(Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord)]
#[serde(deny_unknown_fields)]
struct BaselineEntry {
    fingerprint: String,
    rule: String,
    path: String,
    pointer: String,
    /// The finding's subject (version 2; empty ones are left out).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    subject: String,
    message: String,
}

pub fn parse_baseline(text: &str, origin: &str) -> Result<Baseline, ConfigError> {
    let raw: RawBaseline = serde_json::from_str(text).map_err(|e| {
        // serde_json counts columns from 0 before a line's first character and appends the
        // position to its message; positions here are 1-based and stand before the message.
        let full = e.to_string();
        let suffix = format!(" at line {} column {}", e.line(), e.column());
        ConfigError {
            origin: origin.to_string(),
            position: (e.line() > 0).then(|| (e.line(), e.column().max(1))),
            message: full.strip_suffix(&suffix).unwrap_or(&full).to_string(),
        }
    })?;
    if raw.version != 1 && raw.version != BASELINE_VERSION {
        return Err(ConfigError {
            origin: origin.to_string(),
            position: None,
            message: format!(
                "version {} is not one this git-audit reads (1 or {BASELINE_VERSION})",
                raw.version
            ),
        });
    }
    Ok(Baseline {
        fingerprints: raw.findings.into_iter().map(|e| e.fingerprint).collect(),
        legacy: raw.version == 1,
    })
}

/// The baseline file for `findings`: sorted, deterministic, one entry per fingerprint.
pub fn render_baseline(findings: &[Finding]) -> String {
    let mut entries: Vec<BaselineEntry> = findings
        .iter()
        .map(|f| BaselineEntry {
            fingerprint: fingerprint(f),
            rule: f.rule.to_string(),
            path: f.path.clone(),
            pointer: f.pointer.to_string(),
            subject: f.subject.clone(),
            message: f.message.clone(),
        })
        .collect();
    entries.sort();
    entries.dedup_by(|a, b| a.fingerprint == b.fingerprint);
    let raw = RawBaseline {
        version: BASELINE_VERSION,
        findings: entries,
    };
    let mut text = serde_json::to_string_pretty(&raw).unwrap_or_default();
    text.push('\n');
    text
}

/// Settles what blocks: applies configured severities (dropping `off` rules), then waivers,
/// then the baseline. Expired waivers stop waiving and are reported (when they would have
/// matched, or always when `all`).
pub fn settle(
    findings: Vec<Finding>,
    config: &Config,
    waivers: &[Waiver],
    waivers_path: &str,
    baseline: &Baseline,
    today: &str,
    all: bool,
) -> Vec<Finding> {
    let mut out = Vec::with_capacity(findings.len());
    let mut expired_hit: BTreeSet<usize> = BTreeSet::new();
    for mut f in findings {
        let Some(severity) = config.severity(f.rule, &f.path) else {
            continue;
        };
        f.severity = severity;
        for (i, w) in waivers.iter().enumerate() {
            if !w.matches(&f) {
                continue;
            }
            if w.expired(today) {
                expired_hit.insert(i);
                continue;
            }
            f.suppressed = Some(Suppression {
                kind: "waiver",
                justification: w.reason.clone(),
                owner: Some(w.owner.clone()),
                expires: Some(w.expires.clone()),
            });
            break;
        }
        if f.suppressed.is_none() && baseline.accepts(&f) {
            f.suppressed = Some(Suppression {
                kind: "baseline",
                justification: "accepted in the baseline".into(),
                owner: None,
                expires: None,
            });
        }
        out.push(f);
    }
    for (i, w) in waivers.iter().enumerate() {
        if !(w.expired(today) && (all || expired_hit.contains(&i))) {
            continue;
        }
        let mut f = Finding::new(
            RuleId::WaiverExpired,
            waivers_path,
            format!(
                "the waiver of `{}` for {} (owner {}) expired on {}; it no longer waives anything",
                w.rule, w.path, w.owner, w.expires
            ),
            "fix what it waived, or renew it with a new `expires` date and a reason".into(),
        );
        f.line = w.line;
        if let Some(severity) = config.severity(f.rule, waivers_path) {
            f.severity = severity;
            out.push(f);
        }
    }
    for f in &mut out {
        f.fingerprint = fingerprint(f);
    }
    out
}

#[cfg(test)]
mod tests;
