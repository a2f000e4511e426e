//! BDD alignment: which registry domains have specs, of which kind, and what is wrong with the
//! links. Pure: the snapshot's registries, sequences, business-BDD JSON specs, plans and
//! `.feature` texts in; a [`BddReport`] (domains, features, coverage, findings) out. Also the
//! stub feature `git audit bdd stub` writes for a domain, from its sequence.

pub mod gherkin;
pub mod stub;

use std::collections::{BTreeMap, BTreeSet};

use regex::Regex;
use serde::Serialize;

use crate::core::config::Bdd;
use crate::core::finding::{self, Finding};
use crate::core::json::{Node, Pointer};
use crate::core::rules::governance::{normalize_path, Doc};
use crate::core::rules::{RuleId, Severity};

/// The version of the `bdd --format json` contract.
pub const JSON_VERSION: u32 = 1;

/// One `.feature` file of the snapshot.
pub struct FeatureFile<'t> {
    pub path: &'t str,
    /// `None` when the bytes are not UTF-8.
    pub text: Option<&'t str>,
}

/// Everything an alignment reads.
pub struct Sources<'s, 'd, 'a> {
    pub registries: &'s [Doc<'d, 'a>],
    pub sequences: &'s [Doc<'d, 'a>],
    pub specs: &'s [Doc<'d, 'a>],
    pub plans: &'s [Doc<'d, 'a>],
    pub features: &'s [FeatureFile<'s>],
    /// Whether a path is in the snapshot.
    pub exists: &'s dyn Fn(&str) -> bool,
    /// The configured severity of a rule's finding at a path (`None`: the rule is off).
    pub severity: &'s dyn Fn(RuleId, &str) -> Option<Severity>,
}

/// `git audit bdd`'s report.
#[derive(Debug, Clone, Serialize)]
pub struct BddReport {
    pub version: u32,
    pub snapshot: String,
    pub domains: Vec<DomainRow>,
    pub features: Vec<FeatureRow>,
    pub coverage: Coverage,
    pub findings: Vec<Finding>,
}

impl BddReport {
    /// Whether any finding blocks (an `error`).
    pub fn blocks(&self) -> bool {
        self.findings.iter().any(Finding::blocks)
    }
}

/// One registry domain and the specs that cover it.
#[derive(Debug, Clone, Serialize)]
pub struct DomainRow {
    pub id: String,
    pub covered: bool,
    /// Listed in `[bdd] exclude`: not governed, not counted.
    pub excluded: bool,
    /// Its sequence file, when one was found.
    pub sequence: Option<String>,
    pub specs: Vec<SpecRow>,
}

/// One spec of a domain.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct SpecRow {
    pub path: String,
    /// `feature`, `spec` (business-BDD JSON), `beats` (acceptance criteria in the sequence's
    /// beats) or `plan` (a plan entry naming a feature file).
    pub kind: &'static str,
    /// How it is linked: `tag`, `file-name`, `plan`, `domain-id`, `sequence`.
    pub via: &'static str,
    pub scenarios: usize,
    pub stub: bool,
}

/// One feature file.
#[derive(Debug, Clone, Serialize)]
pub struct FeatureRow {
    pub path: String,
    /// Whether it parsed as Gherkin.
    pub valid: bool,
    pub stub: bool,
    pub scenarios: usize,
    /// The domains it links to.
    pub domains: Vec<String>,
}

/// Covered domains over governed domains.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Coverage {
    pub covered: usize,
    pub total: usize,
    pub ratio: f64,
    pub target: f64,
    /// Domains `[bdd] exclude` leaves out.
    pub excluded: usize,
    /// Governed domains whose only specs are stubs.
    pub stub_only: usize,
    /// The kinds that count (`[bdd] count`).
    pub counted: Vec<String>,
}

/// A registry domain as the alignment sees it.
struct Domain<'s, 'd, 'a> {
    id: String,
    registry: &'s Doc<'d, 'a>,
    index: usize,
    sequence: Option<&'s Doc<'d, 'a>>,
    /// One row per file and kind (the first link found names `via`).
    specs: BTreeMap<(String, &'static str), SpecRow>,
}

impl Domain<'_, '_, '_> {
    fn add(&mut self, row: SpecRow) {
        self.specs
            .entry((row.path.clone(), row.kind))
            .or_insert(row);
    }
}

fn str_at<'n>(node: &'n Node<'_>, key: &str) -> Option<&'n str> {
    node.value.get(key).and_then(|n| n.value.as_str())
}

/// Beats of a sequence, in order.
fn beats<'n, 'a>(root: &'n Node<'a>) -> Vec<&'n Node<'a>> {
    root.value
        .get("movements")
        .and_then(|n| n.value.as_array())
        .into_iter()
        .flatten()
        .filter_map(|m| m.value.get("beats").and_then(|b| b.value.as_array()))
        .flatten()
        .collect()
}

/// A beat's handler name (a string, or an object's `name`).
pub fn handler_of<'n>(beat: &'n Node<'_>) -> Option<&'n str> {
    let h = beat.value.get("handler")?;
    h.value
        .as_str()
        .or_else(|| str_at(h, "name"))
        .filter(|s| !s.trim().is_empty())
}

/// Distinct handler names of a sequence, sorted.
fn handlers(root: &Node<'_>) -> BTreeSet<String> {
    beats(root)
        .into_iter()
        .filter_map(handler_of)
        .map(str::to_string)
        .collect()
}

/// Events a sequence's beats emit.
fn events(root: &Node<'_>) -> BTreeSet<String> {
    beats(root)
        .into_iter()
        .filter_map(|b| str_at(b, "event"))
        .map(str::to_string)
        .collect()
}

/// The members of a beat that carry acceptance criteria.
pub const CRITERIA_KEYS: &[&str] = &["acceptanceCriteria", "scenario", "userStory"];

/// Whether a value says something (a non-blank string, a non-empty array or object).
fn says_something(node: &Node<'_>) -> bool {
    if let Some(s) = node.value.as_str() {
        return !s.trim().is_empty();
    }
    if let Some(a) = node.value.as_array() {
        return a.iter().any(says_something);
    }
    node.value.as_object().is_some_and(|o| !o.is_empty())
}

fn has_criteria(beat: &Node<'_>) -> bool {
    CRITERIA_KEYS
        .iter()
        .any(|k| beat.value.get(k).is_some_and(says_something))
}

/// A domain id or file stem, compared with `_` and `-` alike and case ignored.
pub fn link_key(s: &str) -> String {
    s.to_lowercase().replace('_', "-")
}

/// The file name of a path without its `.feature` extension.
fn stem(path: &str) -> &str {
    let name = path.rsplit('/').next().unwrap_or(path);
    name.strip_suffix(".feature").unwrap_or(name)
}

/// Whether a feature file is a stub: it carries the marker text.
pub fn is_stub(text: &str, marker: &str) -> bool {
    text.contains(marker)
}

/// What looks like an event name in a step: segments joined by `:` (at least one), words inside
/// by `.`, `-` or `_`, starting with a lowercase letter (so `Note:x` and `10:30` are not events,
/// `app:rules:setAll` is).
pub const EVENT_TOKEN: &str =
    r"[a-z][A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]+)*(?::[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*)+";

/// Tokens of a step's text that look like an event name, with their byte offsets.
fn event_tokens<'t>(re: &Regex, text: &'t str) -> Vec<(usize, &'t str)> {
    re.find_iter(text)
        .filter(|m| {
            // Not part of a longer word, path or URL.
            let before = text[..m.start()].chars().next_back();
            let after = text[m.end()..].chars().next();
            !before.is_some_and(|c| c.is_alphanumeric() || matches!(c, '/' | '@' | ':'))
                && !after.is_some_and(|c| c.is_alphanumeric() || matches!(c, '/' | ':'))
        })
        .map(|m| (m.start(), m.as_str()))
        .collect()
}

/// Aligns the snapshot's specs with its registry domains.
pub fn align(config: &Bdd, src: &Sources<'_, '_, '_>, snapshot: &str) -> BddReport {
    let mut findings: Vec<Finding> = Vec::new();
    // A constant pattern: compiling it cannot fail but for a bug, caught by the unit tests.
    let events_re = Regex::new(EVENT_TOKEN).unwrap_or_else(|e| unreachable!("{e}"));
    let seq_by_path: BTreeMap<&str, &Doc<'_, '_>> =
        src.sequences.iter().map(|s| (s.path, s)).collect();
    let mut seq_by_id: BTreeMap<&str, &Doc<'_, '_>> = BTreeMap::new();
    for s in src.sequences {
        if let Some(id) = str_at(s.root, &s.artifact.id_key) {
            seq_by_id.entry(id).or_insert(s);
        }
    }

    // Registry domains, first registry wins on a repeated id.
    let mut domains: Vec<Domain<'_, '_, '_>> = Vec::new();
    let mut by_key: BTreeMap<String, usize> = BTreeMap::new();
    for reg in src.registries {
        let list = reg
            .root
            .value
            .get("domains")
            .and_then(|n| n.value.as_array())
            .unwrap_or(&[]);
        for (i, d) in list.iter().enumerate() {
            let Some(id) = str_at(d, &reg.artifact.id_key) else {
                continue;
            };
            if by_key.contains_key(&link_key(id)) {
                continue;
            }
            let sequence = match str_at(d, "sequenceFile") {
                Some(f) => seq_by_path.get(normalize_path(f).as_str()).copied(),
                None => seq_by_id.get(id).copied(),
            };
            by_key.insert(link_key(id), domains.len());
            domains.push(Domain {
                id: id.to_string(),
                registry: reg,
                index: i,
                sequence,
                specs: BTreeMap::new(),
            });
        }
    }
    let domain_of_sequence: BTreeMap<&str, usize> = domains
        .iter()
        .enumerate()
        .filter_map(|(k, d)| d.sequence.map(|s| (s.path, k)))
        .collect();

    // Features: parse, link by tag and file name.
    struct Parsed<'f> {
        path: &'f str,
        feature: Option<gherkin::Feature>,
        stub: bool,
        links: BTreeSet<usize>,
    }
    let mut parsed: Vec<Parsed<'_>> = Vec::new();
    for f in src.features {
        let Some(text) = f.text else {
            findings.push(Finding::new(
                RuleId::BddFeatureInvalid,
                f.path,
                "not valid UTF-8; Gherkin files are UTF-8 text".into(),
                "re-save the file as UTF-8".into(),
            ));
            parsed.push(Parsed {
                path: f.path,
                feature: None,
                stub: false,
                links: BTreeSet::new(),
            });
            continue;
        };
        let stub = is_stub(text, &config.stub_marker);
        let feature = match gherkin::parse(text) {
            Ok(feature) => Some(feature),
            Err(e) => {
                let mut finding = Finding::new(
                    RuleId::BddFeatureInvalid,
                    f.path,
                    format!("not valid Gherkin: {}", e.message),
                    "fix the line; Cucumber would refuse the whole file".into(),
                );
                finding.line = e.line;
                finding.column = e.column;
                findings.push(finding);
                None
            }
        };
        let mut links = BTreeSet::new();
        if let Some(feature) = &feature {
            if !config.tag_prefix.is_empty() {
                let all = feature
                    .tags
                    .iter()
                    .chain(feature.scenarios.iter().flat_map(|s| s.tags.iter()));
                let mut seen = BTreeSet::new();
                for tag in all {
                    let Some(id) = tag.name.strip_prefix(config.tag_prefix.as_str()) else {
                        continue;
                    };
                    if !seen.insert((tag.line, tag.column)) {
                        continue;
                    }
                    match by_key.get(&link_key(id)) {
                        Some(&k) => {
                            links.insert(k);
                        }
                        None => {
                            let mut finding = Finding::new(
                                RuleId::BddLinkBroken,
                                f.path,
                                format!(
                                    "tag @{} names domain {id:?}, which no registry has",
                                    tag.name
                                ),
                                "fix the tag, or add the domain to the registry's sources".into(),
                            );
                            finding.line = tag.line;
                            finding.column = tag.column;
                            findings.push(finding);
                        }
                    }
                }
            }
            if config.file_names {
                if let Some(&k) = by_key.get(&link_key(stem(f.path))) {
                    links.insert(k);
                }
            }
        }
        for &k in &links {
            let via = if config.file_names && link_key(stem(f.path)) == link_key(&domains[k].id) {
                "file-name"
            } else {
                "tag"
            };
            domains[k].add(SpecRow {
                path: f.path.to_string(),
                kind: "feature",
                via,
                scenarios: feature.as_ref().map_or(0, |x| x.scenarios.len()),
                stub,
            });
        }
        parsed.push(Parsed {
            path: f.path,
            feature,
            stub,
            links,
        });
    }

    // Plans: entries linking a domain to a feature file.
    for plan in src.plans {
        for (at, entry) in crate::core::rules::governance::select(plan.root, &config.plan_entries) {
            let id = str_at(entry, &config.plan_id_key);
            let Some(spec) = str_at(entry, &config.plan_spec_key) else {
                continue;
            };
            let spec_path = normalize_path(spec);
            let mut broken = |pointer: Pointer, message: String, hint: &str| {
                findings.push(
                    Finding::new(RuleId::BddLinkBroken, plan.path, message, hint.into())
                        .at(pointer, plan.root, plan.lines),
                );
            };
            let domain = id.and_then(|id| by_key.get(&link_key(id)).copied());
            if let (Some(id), None) = (id, domain) {
                broken(
                    at.child(&config.plan_id_key),
                    format!(
                        "the plan links {id:?} to {spec:?}, but no registry has a domain {id:?}"
                    ),
                    "fix the id, or add the domain to the registry's sources",
                );
            }
            if !(src.exists)(&spec_path) {
                broken(
                    at.child(&config.plan_spec_key),
                    format!(
                        "the plan names BDD spec {spec:?}{}, which is not in this snapshot",
                        id.map(|i| format!(" for {i:?}")).unwrap_or_default()
                    ),
                    "write and commit the feature (`git audit bdd stub --write` starts one), or fix the path",
                );
                continue;
            }
            let Some(k) = domain else { continue };
            domains[k].add(SpecRow {
                path: plan.path.to_string(),
                kind: "plan",
                via: "plan",
                scenarios: 0,
                stub: false,
            });
            if let Some(p) = parsed.iter_mut().find(|p| p.path == spec_path) {
                if p.feature.is_some() {
                    p.links.insert(k);
                    domains[k].add(SpecRow {
                        path: p.path.to_string(),
                        kind: "feature",
                        via: "plan",
                        scenarios: p.feature.as_ref().map_or(0, |x| x.scenarios.len()),
                        stub: p.stub,
                    });
                }
            }
        }
    }

    // Feature rows, orphans and events.
    let mut feature_rows = Vec::new();
    for p in &parsed {
        if let Some(feature) = &p.feature {
            if p.links.is_empty() {
                let mut f = Finding::new(
                    RuleId::BddFeatureOrphan,
                    p.path,
                    format!(
                        "feature {:?} links to no registry domain",
                        feature.name.as_deref().unwrap_or(stem(p.path))
                    ),
                    format!(
                        "tag it @{}<domain id>, name the file after the domain, or link it from the plan",
                        config.tag_prefix
                    ),
                );
                f.line = feature.line.max(1);
                findings.push(f);
            } else {
                let known: BTreeSet<String> = p
                    .links
                    .iter()
                    .filter_map(|&k| domains[k].sequence)
                    .flat_map(|s| events(s.root))
                    .collect();
                let any_sequence = p.links.iter().any(|&k| domains[k].sequence.is_some());
                if any_sequence {
                    for step in feature.steps() {
                        for (offset, token) in event_tokens(&events_re, &step.text) {
                            if known.contains(token) {
                                continue;
                            }
                            let mut f = Finding::new(
                                RuleId::BddEventUnknown,
                                p.path,
                                format!(
                                    "step names event {token:?}, which the sequence of {} does not emit",
                                    p.links
                                        .iter()
                                        .map(|&k| domains[k].id.as_str())
                                        .collect::<Vec<_>>()
                                        .join(", ")
                                ),
                                "use an event a beat of the sequence emits, or add the beat".into(),
                            );
                            f.line = step.line;
                            f.column = step.column + step.text[..offset].chars().count();
                            findings.push(f);
                        }
                    }
                }
            }
        }
        feature_rows.push(FeatureRow {
            path: p.path.to_string(),
            valid: p.feature.is_some(),
            stub: p.stub,
            scenarios: p.feature.as_ref().map_or(0, |f| f.scenarios.len()),
            domains: p.links.iter().map(|&k| domains[k].id.clone()).collect(),
        });
    }

    // Business-BDD JSON specs.
    for spec in src.specs {
        let stub = str_at(spec.root, "generator")
            .is_some_and(|g| config.stub_generators.iter().any(|s| s == g));
        json_spec(
            &events_re,
            spec,
            stub,
            &mut domains,
            &by_key,
            &seq_by_id,
            &domain_of_sequence,
            &mut findings,
        );
    }

    // Acceptance criteria in the beats.
    for d in &mut domains {
        let Some(seq) = d.sequence else { continue };
        let n = beats(seq.root)
            .into_iter()
            .filter(|b| has_criteria(b))
            .count();
        if n > 0 {
            d.add(SpecRow {
                path: seq.path.to_string(),
                kind: "beats",
                via: "sequence",
                scenarios: n,
                stub: false,
            });
        }
    }

    // Coverage.
    let mut rows = Vec::new();
    let (mut covered, mut total, mut excluded, mut stub_only) = (0, 0, 0, 0);
    let mut uncovered = Vec::new();
    for d in &domains {
        let is_excluded = config.excluded(&d.id);
        let counts = |s: &SpecRow| config.counts(if s.stub { "stub" } else { s.kind });
        let is_covered = !is_excluded && d.specs.values().any(counts);
        let real = d.specs.values().any(|s| !s.stub && s.kind != "plan");
        let stubs = d.specs.values().any(|s| s.stub);
        if is_excluded {
            excluded += 1;
        } else {
            total += 1;
            if is_covered {
                covered += 1;
            } else {
                uncovered.push(d.id.as_str());
            }
            if stubs && !real {
                stub_only += 1;
                findings.push(
                    Finding::new(
                        RuleId::BddStubOnly,
                        d.registry.path,
                        format!(
                            "domain {:?} has only stub specs ({})",
                            d.id,
                            d.specs
                                .values()
                                .filter(|s| s.stub)
                                .map(|s| s.path.as_str())
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                        "replace the stub with real scenarios".into(),
                    )
                    .at(
                        Pointer::root().child("domains").child(d.index.to_string()),
                        d.registry.root,
                        d.registry.lines,
                    ),
                );
            }
        }
        rows.push(DomainRow {
            id: d.id.clone(),
            covered: is_covered,
            excluded: is_excluded,
            sequence: d.sequence.map(|s| s.path.to_string()),
            specs: d.specs.values().cloned().collect(),
        });
    }
    let ratio = if total == 0 {
        1.0
    } else {
        covered as f64 / total as f64
    };
    if ratio < config.target {
        if let Some(reg) = src.registries.first() {
            let shown: Vec<&str> = uncovered.iter().take(5).copied().collect();
            let more = uncovered.len().saturating_sub(shown.len());
            findings.push(
                Finding::new(
                    RuleId::BddCoverage,
                    reg.path,
                    format!(
                        "{covered} of {total} governed domains have a BDD spec ({:.1}%), below the target {:.1}%",
                        ratio * 100.0,
                        config.target * 100.0
                    ),
                    format!(
                        "write specs for {}{} (`git audit bdd stub` starts one), or exclude placeholders with [bdd] exclude",
                        shown.join(", "),
                        if more > 0 { format!(" and {more} more") } else { String::new() }
                    ),
                )
                .at(Pointer::root().child("domains"), reg.root, reg.lines),
            );
        }
    }

    // Severities, fingerprints, order.
    let mut kept = Vec::new();
    for mut f in findings {
        match (src.severity)(f.rule, &f.path) {
            None => continue,
            Some(s) => f.severity = s,
        }
        f.fingerprint = crate::core::suppress::fingerprint(&f);
        kept.push(f);
    }
    finding::sort(&mut kept);
    kept.dedup_by(|a, b| a == b);

    BddReport {
        version: JSON_VERSION,
        snapshot: snapshot.to_string(),
        domains: rows,
        features: feature_rows,
        coverage: Coverage {
            covered,
            total,
            ratio,
            target: config.target,
            excluded,
            stub_only,
            counted: config.count.clone(),
        },
        findings: kept,
    }
}

/// One business-BDD JSON spec: `domains[]` entries (`domainId`, `scenarios`, `handlers` or
/// `complexity.handlerCount`), or a `traceability` block (`sequences`, `handlers`).
#[allow(clippy::too_many_arguments)]
fn json_spec(
    re: &Regex,
    spec: &Doc<'_, '_>,
    stub: bool,
    domains: &mut [Domain<'_, '_, '_>],
    by_key: &BTreeMap<String, usize>,
    seq_by_id: &BTreeMap<&str, &Doc<'_, '_>>,
    domain_of_sequence: &BTreeMap<&str, usize>,
    findings: &mut Vec<Finding>,
) {
    let finding = |rule: RuleId, at: Pointer, message: String, hint: &str| {
        Finding::new(rule, spec.path, message, hint.into()).at(at, spec.root, spec.lines)
    };
    if let Some(list) = spec
        .root
        .value
        .get("domains")
        .and_then(|n| n.value.as_array())
    {
        for (i, entry) in list.iter().enumerate() {
            let at = Pointer::root().child("domains").child(i.to_string());
            let (key, id) = match str_at(entry, "domainId") {
                Some(id) => ("domainId", id),
                None => match str_at(entry, "id") {
                    Some(id) => ("id", id),
                    None => continue,
                },
            };
            let Some(&k) = by_key.get(&link_key(id)) else {
                findings.push(finding(
                    RuleId::BddLinkBroken,
                    at.child(key),
                    format!("the spec names domain {id:?}, which no registry has"),
                    "fix the id, regenerate the spec, or add the domain to the registry's sources",
                ));
                continue;
            };
            let scenarios = entry
                .value
                .get("scenarios")
                .and_then(|n| n.value.as_array())
                .map_or(0, <[_]>::len);
            domains[k].add(SpecRow {
                path: spec.path.to_string(),
                kind: "spec",
                via: "domain-id",
                scenarios,
                stub,
            });
            let Some(seq) = domains[k].sequence else {
                continue;
            };
            if let Some(list) = entry.value.get("scenarios") {
                let known = events(seq.root);
                spec_events(
                    re,
                    spec,
                    at.child("scenarios"),
                    list,
                    &known,
                    &domains[k].id,
                    findings,
                );
            }
            let actual = handlers(seq.root);
            if let Some(named) = entry.value.get("handlers").and_then(|n| n.value.as_array()) {
                let named: BTreeSet<String> = named
                    .iter()
                    .filter_map(|h| h.value.as_str().or_else(|| str_at(h, "name")))
                    .map(str::to_string)
                    .collect();
                if named != actual {
                    findings.push(finding(
                        RuleId::BddSpecHandlerMismatch,
                        at.child("handlers"),
                        difference(id, seq.path, &named, &actual),
                        "regenerate the spec from the sequence, or fix the sequence",
                    ));
                }
            } else if let Some(count) = entry
                .value
                .get("complexity")
                .and_then(|c| c.value.get("handlerCount"))
                .and_then(|n| n.value.as_f64())
            {
                if count != actual.len() as f64 {
                    findings.push(finding(
                        RuleId::BddSpecHandlerMismatch,
                        at.child("complexity").child("handlerCount"),
                        format!(
                            "the spec counts {count} handlers for {id:?}; its sequence {} has {} ({})",
                            seq.path,
                            actual.len(),
                            actual.iter().cloned().collect::<Vec<_>>().join(", ")
                        ),
                        "regenerate the spec from the sequence, or fix the sequence",
                    ));
                }
            }
        }
    }
    let Some(trace) = spec.root.value.get("traceability") else {
        return;
    };
    let Some(seqs) = trace
        .value
        .get("sequences")
        .and_then(|n| n.value.as_array())
    else {
        return;
    };
    let scenarios = spec
        .root
        .value
        .get("scenarios")
        .and_then(|n| n.value.as_array())
        .map_or(0, <[_]>::len);
    let mut actual = BTreeSet::new();
    let mut emitted = BTreeSet::new();
    let mut all_found = true;
    for (i, s) in seqs.iter().enumerate() {
        let Some(id) = s.value.as_str() else { continue };
        let at = Pointer::root()
            .child("traceability")
            .child("sequences")
            .child(i.to_string());
        match seq_by_id.get(id) {
            None => {
                all_found = false;
                findings.push(finding(
                    RuleId::BddLinkBroken,
                    at,
                    format!("the spec traces sequence {id:?}, which no sequence file declares"),
                    "fix the id, or regenerate the spec",
                ));
            }
            Some(seq) => {
                actual.extend(handlers(seq.root));
                emitted.extend(events(seq.root));
                if let Some(&k) = domain_of_sequence.get(seq.path) {
                    domains[k].add(SpecRow {
                        path: spec.path.to_string(),
                        kind: "spec",
                        via: "sequence",
                        scenarios,
                        stub,
                    });
                }
            }
        }
    }
    if let (true, Some(list)) = (all_found, spec.root.value.get("scenarios")) {
        let traced: Vec<&str> = seqs.iter().filter_map(|s| s.value.as_str()).collect();
        spec_events(
            re,
            spec,
            Pointer::root().child("scenarios"),
            list,
            &emitted,
            &traced.join(", "),
            findings,
        );
    }
    if let (true, Some(named)) = (
        all_found,
        trace.value.get("handlers").and_then(|n| n.value.as_array()),
    ) {
        let named: BTreeSet<String> = named
            .iter()
            .filter_map(|h| h.value.as_str())
            .map(str::to_string)
            .collect();
        if named != actual {
            findings.push(finding(
                RuleId::BddSpecHandlerMismatch,
                Pointer::root().child("traceability").child("handlers"),
                difference(
                    "the traced sequences",
                    "their sequence files",
                    &named,
                    &actual,
                ),
                "regenerate the spec from the sequences, or fix them",
            ));
        }
    }
}

/// `bdd-event-unknown` in a JSON spec's scenarios: every string under their `given`, `when`
/// and `then` (a string or a list of them).
fn spec_events(
    re: &Regex,
    spec: &Doc<'_, '_>,
    at: Pointer,
    scenarios: &Node<'_>,
    known: &BTreeSet<String>,
    whose: &str,
    findings: &mut Vec<Finding>,
) {
    let Some(list) = scenarios.value.as_array() else {
        return;
    };
    for (i, scenario) in list.iter().enumerate() {
        for key in ["given", "when", "then"] {
            let Some(node) = scenario.value.get(key) else {
                continue;
            };
            let here = at.child(i.to_string()).child(key);
            let texts: Vec<(Pointer, &str)> = match (node.value.as_str(), node.value.as_array()) {
                (Some(t), _) => vec![(here, t)],
                (None, Some(items)) => items
                    .iter()
                    .enumerate()
                    .filter_map(|(j, n)| n.value.as_str().map(|t| (here.child(j.to_string()), t)))
                    .collect(),
                _ => Vec::new(),
            };
            for (pointer, text) in texts {
                for (_, token) in event_tokens(re, text) {
                    if known.contains(token) {
                        continue;
                    }
                    findings.push(
                        Finding::new(
                            RuleId::BddEventUnknown,
                            spec.path,
                            format!(
                                "scenario step names event {token:?}, which the sequence of {whose} does not emit"
                            ),
                            "use an event a beat of the sequence emits, or add the beat".into(),
                        )
                        .at(pointer.clone(), spec.root, spec.lines),
                    );
                }
            }
        }
    }
}

fn difference(
    what: &str,
    seq: &str,
    named: &BTreeSet<String>,
    actual: &BTreeSet<String>,
) -> String {
    let extra: Vec<&str> = named.difference(actual).map(String::as_str).collect();
    let missing: Vec<&str> = actual.difference(named).map(String::as_str).collect();
    let mut parts = Vec::new();
    if !extra.is_empty() {
        parts.push(format!(
            "names {} that {seq} does not have",
            extra.join(", ")
        ));
    }
    if !missing.is_empty() {
        parts.push(format!("lacks {} that {seq} has", missing.join(", ")));
    }
    format!(
        "the spec's handlers for {what:?} differ: it {}",
        parts.join("; it ")
    )
}

#[cfg(test)]
mod tests;
