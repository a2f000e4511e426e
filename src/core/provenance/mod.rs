//! Doc provenance, pure: what a governed doc's banner records against what the snapshot holds
//! (`evaluate` → `fresh | stale | edited | unknown`), the findings `check` reports about it, the
//! hashes and template context of a doc's sources, and the provenance index (`DocsReport`).
//!
//! A git-audit banner records, per source, the RFC 8785 canonical hash of what was read (the
//! JSON Pointer's subtree, after the governing artifact's exclusions), so a regenerated
//! timestamp elsewhere in the file does not make a doc stale; the template's and the body's
//! SHA-256. The origin project's banner records each source file's SHA-256, and is read as such.

pub mod banner;
pub mod template;

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::core::config::{Config, DocSource, DocSpec};
use crate::core::finding::Finding;
use crate::core::json::{self, canonical, Digest32, Node, Pointer};
use crate::core::rules::RuleId;
use banner::{Banner, Mechanism, Recorded};

/// What a snapshot holds at a source's path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fetched {
    Bytes(Vec<u8>),
    /// Neither in the snapshot nor on disk, and git does not ignore it.
    Missing,
    /// Not in the snapshot but on disk, or ignored by git: git cannot vouch for it.
    Untracked,
}

/// A governed doc's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DocStatus {
    /// The body matches its recorded hash and every recorded source still hashes the same.
    Fresh,
    /// A source changed, or can no longer be read from git (missing, untracked), or a
    /// `[[docs.render]]` doc is not rendered or not rendered from its configured sources.
    Stale,
    /// The body no longer matches its recorded hash: edited by hand.
    Edited,
    /// No provenance: no banner, or one that records no `Doc-Hash`.
    Unknown,
}

impl DocStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            DocStatus::Fresh => "fresh",
            DocStatus::Stale => "stale",
            DocStatus::Edited => "edited",
            DocStatus::Unknown => "unknown",
        }
    }
}

/// One source's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SourceStatus {
    Match,
    Changed,
    Missing,
    Untracked,
}

impl SourceStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            SourceStatus::Match => "match",
            SourceStatus::Changed => "changed",
            SourceStatus::Missing => "missing",
            SourceStatus::Untracked => "untracked",
        }
    }
}

/// A recorded hash and the one the snapshot gives.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HashPair {
    pub recorded: Option<String>,
    pub actual: Option<String>,
}

/// One source (or the template) of a doc.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SourceState {
    pub path: String,
    pub pointer: Option<String>,
    pub recorded: Option<String>,
    pub actual: Option<String>,
    pub status: SourceStatus,
}

impl SourceState {
    /// `path` or `path#pointer`.
    pub fn reference(&self) -> String {
        match &self.pointer {
            Some(p) => format!("{}#{p}", self.path),
            None => self.path.clone(),
        }
    }
}

/// One governed doc in the provenance index.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DocState {
    pub path: String,
    /// `git-audit`, `origin` or `none`.
    pub mechanism: &'static str,
    pub status: DocStatus,
    pub doc_hash: HashPair,
    pub sources: Vec<SourceState>,
    /// Why, in words, for people (not in the JSON contract).
    #[serde(skip)]
    pub reason: String,
    /// How to regenerate it: the banner's `Regenerate:`, or ours for a `[[docs.render]]` doc.
    #[serde(skip)]
    pub regenerate: Option<String>,
}

/// The provenance index: `git audit docs status --format json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DocsReport {
    pub version: u32,
    pub docs: Vec<DocState>,
    pub summary: Summary,
    /// What was read, for people (not in the JSON contract).
    #[serde(skip)]
    pub snapshot: String,
}

/// How many docs are in each state.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub fresh: usize,
    pub stale: usize,
    pub edited: usize,
    pub unknown: usize,
}

impl DocsReport {
    /// The report over `docs`, sorted by path, with its summary.
    pub fn new(snapshot: String, mut docs: Vec<DocState>) -> DocsReport {
        docs.sort_by(|a, b| a.path.cmp(&b.path));
        let mut summary = Summary::default();
        for d in &docs {
            match d.status {
                DocStatus::Fresh => summary.fresh += 1,
                DocStatus::Stale => summary.stale += 1,
                DocStatus::Edited => summary.edited += 1,
                DocStatus::Unknown => summary.unknown += 1,
            }
        }
        DocsReport {
            version: 1,
            docs,
            summary,
            snapshot,
        }
    }

    /// Whether no doc is stale or edited (unknown docs are reported, not failed, by status).
    pub fn ok(&self) -> bool {
        self.summary.stale == 0 && self.summary.edited == 0
    }
}

/// The paths `evaluate` needs fetched for a doc: what its banner records and what its
/// `[[docs.render]]` table names (template included).
pub fn wanted(banner: Option<&Banner>, spec: Option<&DocSpec>) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    if let Some(b) = banner {
        out.extend(b.sources.iter().map(|s| s.path.clone()));
        out.extend(b.template.iter().map(|t| t.path.clone()));
    }
    if let Some(s) = spec {
        out.extend(s.sources.iter().map(|s| s.path.clone()));
        out.insert(s.template.clone());
    }
    out
}

/// The subtree a source names, parsed, after the governing artifact's exclusions.
pub fn subtree<'a>(
    bytes: &'a [u8],
    path: &str,
    pointer: Option<&Pointer>,
    config: &Config,
) -> Result<Node<'a>, String> {
    let mut root = json::parse(bytes, &config.limits)
        .map_err(|e| format!("{path}:{}:{}: not valid JSON: {}", e.line, e.column, e.kind))?;
    if let Some(a) = config.governing(path) {
        a.exclusions.apply(&mut root);
    }
    match pointer {
        None => Ok(root),
        Some(p) => p
            .resolve(&root)
            .cloned()
            .ok_or_else(|| format!("{path}: the pointer {p} names nothing")),
    }
}

/// The canonical hash git-audit records for a source.
pub fn source_hash(
    bytes: &[u8],
    path: &str,
    pointer: Option<&Pointer>,
    config: &Config,
) -> Result<Digest32, String> {
    subtree(bytes, path, pointer, config).map(|n| canonical::hash(&n))
}

/// What evaluating one doc needs.
pub struct Input<'a> {
    pub path: &'a str,
    /// The doc in the snapshot; `None` when it is not there.
    pub bytes: Option<&'a [u8]>,
    /// Its `[[docs.render]]` table, if it has one.
    pub spec: Option<&'a DocSpec>,
    /// Every path `wanted` named.
    pub fetched: &'a BTreeMap<String, Fetched>,
    pub config: &'a Config,
}

/// A doc's state in the snapshot.
pub fn evaluate(input: &Input<'_>) -> DocState {
    let path = input.path.to_string();
    let spec_regenerate = input.spec.map(|_| banner::regenerate_command(input.path));
    let Some(bytes) = input.bytes else {
        // Only a `[[docs.render]]` doc is looked for when it is absent.
        let sources = input
            .spec
            .map(|s| configured(s, input, &BTreeMap::new(), true))
            .unwrap_or_default();
        return DocState {
            path,
            mechanism: Mechanism::None.as_str(),
            status: DocStatus::Stale,
            doc_hash: HashPair {
                recorded: None,
                actual: None,
            },
            sources,
            reason: "not rendered yet".into(),
            regenerate: spec_regenerate,
        };
    };
    let Ok(text) = std::str::from_utf8(bytes) else {
        return unknown(path, Mechanism::None, "not UTF-8 text", spec_regenerate);
    };
    let (banner, body) = banner::split(text);
    let Some(banner) = banner else {
        return unknown(
            path,
            Mechanism::None,
            "no provenance banner",
            spec_regenerate,
        );
    };
    let regenerate = banner.regenerate.clone().or(spec_regenerate);
    let Some(recorded_doc) = banner.doc_hash.clone() else {
        return unknown(
            path,
            banner.mechanism,
            "its banner records no Doc-Hash",
            regenerate,
        );
    };
    let actual_doc = banner::body_hash(body);

    let mut sources = Vec::new();
    if let Some(t) = &banner.template {
        sources.push(state_of(t, true, banner.mechanism, input));
    }
    for s in &banner.sources {
        sources.push(state_of(s, false, banner.mechanism, input));
    }
    // A `[[docs.render]]` doc must have been rendered from what audit.toml names now.
    let mut reconfigured = Vec::new();
    if let (Some(spec), Mechanism::GitAudit) = (input.spec, banner.mechanism) {
        if banner.template.as_ref().map(|t| t.path.as_str()) != Some(spec.template.as_str()) {
            reconfigured.push(format!("the template is now {}", spec.template));
        }
        let recorded: BTreeMap<(String, Option<String>), ()> = banner
            .sources
            .iter()
            .map(|s| ((s.path.clone(), s.pointer.clone()), ()))
            .collect();
        let extra = configured(spec, input, &recorded, false);
        for s in &extra {
            reconfigured.push(format!("{} is a new source", s.reference()));
        }
        sources.extend(extra);
        for s in &mut sources {
            let named = s.path == spec.template && s.pointer.is_none()
                || spec.sources.iter().any(|c| {
                    c.path == s.path && c.pointer.as_ref().map(|p| p.to_string()) == s.pointer
                });
            if !named && s.status == SourceStatus::Match {
                s.status = SourceStatus::Changed;
                reconfigured.push(format!("{} is no longer a source", s.reference()));
            }
        }
    }

    let (status, reason) = if recorded_doc != actual_doc {
        (
            DocStatus::Edited,
            "the body no longer matches its recorded Doc-Hash".to_string(),
        )
    } else if sources.iter().any(|s| s.status != SourceStatus::Match) {
        let of = |status: SourceStatus| -> Vec<String> {
            sources
                .iter()
                .filter(|s| s.status == status)
                .map(SourceState::reference)
                .collect()
        };
        let mut why = Vec::new();
        if !reconfigured.is_empty() {
            why.push(reconfigured.join("; "));
        } else if !of(SourceStatus::Changed).is_empty() {
            why.push(format!("changed: {}", of(SourceStatus::Changed).join(", ")));
        }
        if !of(SourceStatus::Missing).is_empty() {
            why.push(format!(
                "not in the snapshot: {}",
                of(SourceStatus::Missing).join(", ")
            ));
        }
        if !of(SourceStatus::Untracked).is_empty() {
            why.push(format!(
                "not tracked by git: {}",
                of(SourceStatus::Untracked).join(", ")
            ));
        }
        (DocStatus::Stale, why.join("; "))
    } else {
        (DocStatus::Fresh, String::new())
    };
    DocState {
        path,
        mechanism: banner.mechanism.as_str(),
        status,
        doc_hash: HashPair {
            recorded: Some(recorded_doc),
            actual: Some(actual_doc),
        },
        sources,
        reason,
        regenerate,
    }
}

fn unknown(path: String, m: Mechanism, why: &str, regenerate: Option<String>) -> DocState {
    DocState {
        path,
        mechanism: m.as_str(),
        status: DocStatus::Unknown,
        doc_hash: HashPair {
            recorded: None,
            actual: None,
        },
        sources: Vec::new(),
        reason: why.to_string(),
        regenerate,
    }
}

/// The configured sources (and template) a banner does not record, as unrecorded sources.
fn configured(
    spec: &DocSpec,
    input: &Input<'_>,
    recorded: &BTreeMap<(String, Option<String>), ()>,
    template: bool,
) -> Vec<SourceState> {
    let mut out = Vec::new();
    if template {
        let t = Recorded {
            path: spec.template.clone(),
            pointer: None,
            hash: None,
        };
        out.push(state_of(&t, true, Mechanism::GitAudit, input));
    }
    for s in &spec.sources {
        let key = (s.path.clone(), s.pointer.as_ref().map(|p| p.to_string()));
        if recorded.contains_key(&key) {
            continue;
        }
        let r = Recorded {
            path: key.0,
            pointer: key.1,
            hash: None,
        };
        out.push(state_of(&r, false, Mechanism::GitAudit, input));
    }
    out
}

/// One recorded source against the snapshot.
fn state_of(r: &Recorded, template: bool, m: Mechanism, input: &Input<'_>) -> SourceState {
    let (actual, status) = match input.fetched.get(&r.path) {
        None | Some(Fetched::Missing) => (None, SourceStatus::Missing),
        Some(Fetched::Untracked) => (None, SourceStatus::Untracked),
        Some(Fetched::Bytes(bytes)) => {
            let actual = if template || m == Mechanism::Origin {
                Some(canonical::sha256(bytes).hex())
            } else {
                match r.pointer.as_deref().map(Pointer::parse) {
                    Some(Err(_)) => None,
                    Some(Ok(p)) => source_hash(bytes, &r.path, Some(&p), input.config)
                        .ok()
                        .map(|h| h.hex()),
                    None => source_hash(bytes, &r.path, None, input.config)
                        .ok()
                        .map(|h| h.hex()),
                }
            };
            let status = if actual.is_some() && actual == r.hash {
                SourceStatus::Match
            } else {
                SourceStatus::Changed
            };
            (actual, status)
        }
    };
    SourceState {
        path: r.path.clone(),
        pointer: r.pointer.clone(),
        recorded: r.hash.clone(),
        actual,
        status,
    }
}

/// What `check` reports about one governed doc.
pub fn findings(state: &DocState) -> Vec<Finding> {
    let doc = state.path.as_str();
    let regenerate = state
        .regenerate
        .clone()
        .unwrap_or_else(|| "regenerate it with the tool that wrote it".to_string());
    let mut out = Vec::new();
    match state.status {
        DocStatus::Fresh => {}
        DocStatus::Unknown => out.push(Finding::new(
            RuleId::DocBannerMissing,
            doc,
            format!("{doc} is a generated doc without provenance ({})", state.reason),
            "render it with `git audit docs render` (declare it in [[docs.render]]), or remove it from [docs] generated".into(),
        )),
        DocStatus::Edited => out.push(Finding::new(
            RuleId::DocEdited,
            doc,
            format!("{doc} was edited by hand: {}", state.reason),
            format!("move the change into its template or JSON sources, then `{regenerate}`"),
        )),
        DocStatus::Stale => {
            let changed: Vec<String> = state
                .sources
                .iter()
                .filter(|s| s.status == SourceStatus::Changed)
                .map(SourceState::reference)
                .collect();
            if !changed.is_empty() || state.doc_hash.actual.is_none() {
                let what = if changed.is_empty() {
                    state.reason.clone()
                } else {
                    format!("its sources changed since it was rendered: {}", changed.join(", "))
                };
                out.push(Finding::new(
                    RuleId::DocStale,
                    doc,
                    format!("{doc} is stale: {what}"),
                    format!("re-render it and stage it in the same commit: `{regenerate}`"),
                ));
            }
        }
    }
    for s in &state.sources {
        let r = s.reference();
        match s.status {
            SourceStatus::Missing => out.push(Finding::new(
                RuleId::DocSourceMissing,
                doc,
                format!("{doc} names the source {r}, which is not in the snapshot"),
                "commit the source, or render the doc from sources that exist".into(),
            )),
            SourceStatus::Untracked => out.push(Finding::new(
                RuleId::DocSourceUntracked,
                doc,
                format!(
                    "{doc} names the source {r}, which git does not track (ignored, or only on disk): its hash proves nothing"
                ),
                "commit the source (or stop ignoring it), or render the doc from tracked sources".into(),
            )),
            _ => {}
        }
    }
    out
}

/// The variables a template sees: `sources` (each source's value, in configured order),
/// `source` (the first), `doc` (`{path, template}`).
pub fn context(spec: &DocSpec, values: Vec<serde_json::Value>) -> serde_json::Value {
    let mut map = serde_json::Map::new();
    map.insert(
        "source".into(),
        values.first().cloned().unwrap_or(serde_json::Value::Null),
    );
    map.insert("sources".into(), serde_json::Value::Array(values));
    map.insert(
        "doc".into(),
        serde_json::json!({"path": spec.path, "template": spec.template}),
    );
    serde_json::Value::Object(map)
}

/// The source references of a spec, in order, for messages.
pub fn references(spec: &DocSpec) -> Vec<String> {
    spec.sources.iter().map(DocSource::to_string).collect()
}

#[cfg(test)]
mod tests;
