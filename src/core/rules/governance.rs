//! Governance rules over registries and their sequence files: the drift between what a registry
//! says and what its sequences are, beat hygiene, repository paths, plan coverage and JSON
//! Schema. Pure: parsed documents in, findings (with the paths they involve) out.

use std::collections::HashMap;

use regex::Regex;

use crate::core::config::Artifact;
pub use crate::core::config::DEFAULT_EVENT_PATTERN;
use crate::core::finding::Finding;
use crate::core::json::parse::LineIndex;
use crate::core::json::{Node, Pointer, Value};
use crate::core::rules::RuleId;
use crate::core::sequence::{self, Identity};

/// One parsed governed document.
#[derive(Clone, Copy)]
pub struct Doc<'d, 'a> {
    pub path: &'d str,
    pub artifact: &'d Artifact,
    /// Line and column lookups over the document's bytes, built once per document.
    pub lines: &'d LineIndex<'d>,
    pub root: &'d Node<'a>,
}

impl Doc<'_, '_> {
    fn finding(&self, rule: RuleId, at: Pointer, message: String, hint: &str) -> Finding {
        Finding::new(rule, self.path, message, hint.to_string()).at(at, self.root, self.lines)
    }
}

/// A finding and the other paths whose change should make it block.
pub type Involved = (Finding, Vec<String>);

/// A repository path as git spells it: `/` separators, no `./`.
pub fn normalize_path(p: &str) -> String {
    let p = p.replace('\\', "/");
    let p = p.trim_start_matches("./");
    p.trim_end_matches('/').to_string()
}

fn beats<'n, 'a>(root: &'n Node<'a>) -> Vec<(usize, &'n [Node<'a>])> {
    let Some(movements) = root.value.get("movements").and_then(|n| n.value.as_array()) else {
        return Vec::new();
    };
    movements
        .iter()
        .enumerate()
        .filter_map(|(i, m)| {
            m.value
                .get("beats")
                .and_then(|b| b.value.as_array())
                .map(|b| (i, b))
        })
        .collect()
}

fn beat_number(beat: &Node<'_>) -> Option<(&'static str, Option<f64>)> {
    for field in ["beat", "number"] {
        if let Some(n) = beat.value.get(field) {
            return Some((field, n.value.as_f64()));
        }
    }
    None
}

/// `beat-numbering`, `beat-handler-missing`, `beat-event-missing` and `event-name`.
pub fn sequence_rules(doc: &Doc<'_, '_>, events: Option<&Regex>) -> Vec<Finding> {
    let mut out = Vec::new();
    for (m, list) in beats(doc.root) {
        let at = Pointer::root()
            .child("movements")
            .child(m.to_string())
            .child("beats");
        if list.iter().any(|b| beat_number(b).is_some()) {
            for (j, beat) in list.iter().enumerate() {
                let expected = (j + 1) as f64;
                let (field, found) = beat_number(beat).unwrap_or(("beat", None));
                if found != Some(expected) {
                    let shown = found.map_or_else(|| "no number".to_string(), |n| format!("{n}"));
                    let pointer = if beat_number(beat).is_some() {
                        at.child(j.to_string()).child(field)
                    } else {
                        at.child(j.to_string())
                    };
                    out.push(doc.finding(
                        RuleId::BeatNumbering,
                        pointer,
                        format!(
                            "beat {} of movement {} has {shown}; beats of a movement are numbered 1..{}",
                            j + 1,
                            m + 1,
                            list.len()
                        ),
                        "renumber the movement's beats 1..n in order",
                    ));
                    break;
                }
            }
        }
        for (j, beat) in list.iter().enumerate() {
            if beat.value.as_object().is_none() {
                continue;
            }
            let here = at.child(j.to_string());
            let text = |f: &str| {
                beat.value
                    .get(f)
                    .and_then(|n| n.value.as_str())
                    .filter(|s| !s.trim().is_empty())
            };
            // A handler is named by a string, or by an object's `name` (handler definitions).
            let handler_named = text("handler").is_some()
                || beat
                    .value
                    .get("handler")
                    .and_then(|h| h.value.get("name"))
                    .and_then(|n| n.value.as_str())
                    .is_some_and(|s| !s.trim().is_empty());
            if !handler_named {
                out.push(doc.finding(
                    RuleId::BeatHandlerMissing,
                    here.clone(),
                    format!("beat {} of movement {} names no handler", j + 1, m + 1),
                    "every beat names the handler that implements it",
                ));
            }
            match text("event") {
                None => out.push(doc.finding(
                    RuleId::BeatEventMissing,
                    here.clone(),
                    format!("beat {} of movement {} names no event", j + 1, m + 1),
                    "every beat names the event it emits",
                )),
                Some(event) => {
                    if let Some(re) = events {
                        if !re.is_match(event) {
                            out.push(doc.finding(
                                RuleId::EventName,
                                here.child("event"),
                                format!("event {event:?} does not match the pattern {}", re.as_str()),
                                "rename the event, or set `event-pattern` for this artifact in audit.toml",
                            ).about(&[event]));
                        }
                    }
                }
            }
        }
    }
    out
}

/// Every string under a member named in `keys`, at any depth, with its pointer.
fn strings_under_keys<'n>(
    node: &'n Node<'_>,
    keys: &[String],
    at: &mut Pointer,
    out: &mut Vec<(Pointer, &'n str)>,
) {
    match &node.value {
        Value::Object(members) => {
            for m in members {
                at.push(m.key.to_string());
                if keys.iter().any(|k| m.key == k.as_str()) {
                    if let Some(s) = m.node.value.as_str() {
                        out.push((at.clone(), s));
                    }
                }
                strings_under_keys(&m.node, keys, at, out);
                at.pop();
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                at.push(i.to_string());
                strings_under_keys(item, keys, at, out);
                at.pop();
            }
        }
        _ => {}
    }
}

/// `path-separator` and `path-missing` for the values of the artifact's `path-keys`.
/// `skip_missing` names keys another rule already checks for existence.
pub fn path_rules(
    doc: &Doc<'_, '_>,
    exists: &dyn Fn(&str) -> bool,
    skip_missing: &[&str],
) -> Vec<Finding> {
    let mut found = Vec::new();
    strings_under_keys(
        doc.root,
        &doc.artifact.path_keys,
        &mut Pointer::root(),
        &mut found,
    );
    let mut out = Vec::new();
    for (pointer, value) in found {
        if value.trim().is_empty() || value.contains("://") {
            continue;
        }
        if value.contains('\\') {
            out.push(
                doc.finding(
                    RuleId::PathSeparator,
                    pointer.clone(),
                    format!(
                        "repository path {value:?} uses '\\'; git and every other platform use '/'"
                    ),
                    "write repository paths with '/' (the generator should normalise them)",
                )
                .about(&[value]),
            );
        }
        let key = pointer.tokens().last().map(String::as_str).unwrap_or("");
        if skip_missing.contains(&key) {
            continue;
        }
        let normal = normalize_path(value);
        if !exists(&normal) {
            out.push(
                doc.finding(
                    RuleId::PathMissing,
                    pointer,
                    format!("repository path {value:?} names nothing in this snapshot"),
                    "fix the path, or commit what it names",
                )
                .about(&[value]),
            );
        }
    }
    out
}

/// A place in a document: a pointer and where it starts (1-based line, column in characters).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Spot {
    pub pointer: String,
    pub line: usize,
    pub column: usize,
}

impl Spot {
    fn of(pointer: Pointer, doc: &Doc<'_, '_>) -> Spot {
        let (line, column) = doc.lines.line_col(pointer.locate(doc.root));
        Spot {
            pointer: pointer.to_string(),
            line,
            column,
        }
    }

    /// `finding` positioned here, as `Finding::at` would have placed it in the document.
    fn place(&self, mut finding: Finding) -> Finding {
        finding.pointer = Pointer::parse(&self.pointer).unwrap_or_default();
        finding.line = self.line;
        finding.column = self.column;
        finding
    }
}

/// What the cross-document rules need from one sequence file, and no more: its id, its counts
/// and where a finding about it is placed. Taken from the parsed document (`of`), so the facts
/// of an unchanged blob can be kept between runs (`commands::check` caches them by blob id) and
/// the rules decide the same either way.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SequenceFacts {
    /// The sequence's id (`Identity::of`: its identity keys, or its file stem).
    pub id: Option<String>,
    /// Where `sequence-id-duplicate` is placed: the first identity key the document has.
    pub id_at: Spot,
    /// Where `registry-missing-sequence` is placed: the document's root.
    pub root_at: Spot,
    pub movements: Result<usize, String>,
    pub beats: Result<usize, String>,
}

impl SequenceFacts {
    pub fn of(doc: &Doc<'_, '_>, identity: &Identity) -> SequenceFacts {
        let at = identity
            .keys
            .iter()
            .find(|k| doc.root.value.get(k).is_some())
            .map_or_else(Pointer::root, |k| Pointer::root().child(k));
        let (movements, beats) = sequence::counts(doc.root);
        SequenceFacts {
            id: identity.of(doc.root, doc.path).map(str::to_string),
            id_at: Spot::of(at, doc),
            root_at: Spot::of(Pointer::root(), doc),
            movements,
            beats,
        }
    }
}

/// One sequence file as the cross-document rules see it.
#[derive(Debug, Clone, Copy)]
pub struct Sequence<'s> {
    pub path: &'s str,
    pub facts: &'s SequenceFacts,
}

/// The registry ↔ sequence rules: `registry-missing-sequence`, `registry-dangling-sequence`,
/// `registry-sequence-mismatch`, `sequence-id-duplicate`. `sequences` in path order (the first
/// of two with one id is the one declared first).
pub fn cross(
    registries: &[Doc<'_, '_>],
    sequences: &[Sequence<'_>],
    exists: &dyn Fn(&str) -> bool,
) -> Vec<Involved> {
    let mut out: Vec<Involved> = Vec::new();
    let seq_ids: Vec<Option<&str>> = sequences.iter().map(|s| s.facts.id.as_deref()).collect();
    let by_path: HashMap<&str, usize> = sequences
        .iter()
        .enumerate()
        .map(|(k, s)| (s.path, k))
        .collect();
    let mut by_id: HashMap<&str, usize> = HashMap::new();
    let mut covered: Vec<bool> = vec![false; sequences.len()];

    // sequence-id-duplicate
    for (k, (s, id)) in sequences.iter().zip(&seq_ids).enumerate() {
        let Some(id) = *id else { continue };
        match by_id.get(id) {
            Some(&first) => {
                let first = sequences[first].path;
                out.push((
                    s.facts
                        .id_at
                        .place(Finding::new(
                            RuleId::SequenceIdDuplicate,
                            s.path,
                            format!("sequence id {id:?} is also declared by {first}"),
                            "sequence ids must be unique across the repository; rename one"
                                .to_string(),
                        ))
                        .about(&[id, first]),
                    vec![first.to_string()],
                ));
            }
            None => {
                by_id.insert(id, k);
            }
        }
    }

    for reg in registries {
        let Some(domains) = reg
            .root
            .value
            .get("domains")
            .and_then(|n| n.value.as_array())
        else {
            continue;
        };
        for (i, domain) in domains.iter().enumerate() {
            let at = Pointer::root().child("domains").child(i.to_string());
            let id = domain
                .value
                .get(&reg.artifact.id_key)
                .and_then(|n| n.value.as_str());
            let file = domain
                .value
                .get("sequenceFile")
                .and_then(|n| n.value.as_str());
            let linked: Option<usize> = match file {
                Some(f) => {
                    let normal = normalize_path(f);
                    if !exists(&normal) {
                        out.push((
                            reg.finding(
                                RuleId::RegistryDanglingSequence,
                                at.child("sequenceFile"),
                                format!(
                                    "domain {:?} names sequence file {f:?}, which is not in this snapshot",
                                    id.unwrap_or("?")
                                ),
                                "fix `sequenceFile`, commit the sequence, or regenerate the registry from the sequences that exist",
                            ).about(&[id.unwrap_or(""), f]),
                            vec![normal.clone()],
                        ));
                    }
                    by_path.get(normal.as_str()).copied()
                }
                None => id.and_then(|id| by_id.get(id).copied()),
            };
            if let Some(k) = linked {
                covered[k] = true;
                let seq = &sequences[k];
                for (field, actual) in [
                    ("movements", &seq.facts.movements),
                    ("beats", &seq.facts.beats),
                ] {
                    let Some(claimed) = domain.value.get(field).and_then(|n| n.value.as_f64())
                    else {
                        continue;
                    };
                    let actual = match actual {
                        Ok(actual) => *actual,
                        Err(why) => {
                            out.push((
                                reg.finding(
                                    RuleId::RegistrySequenceMismatch,
                                    at.child(field),
                                    format!(
                                        "domain {:?} says {claimed} {field}; its sequence {} cannot be counted: {why}",
                                        id.unwrap_or("?"),
                                        seq.path
                                    ),
                                    "fix the sequence's structure, then regenerate the registry from its sequence files",
                                ).about(&[id.unwrap_or(""), seq.path]),
                                vec![seq.path.to_string()],
                            ));
                            continue;
                        }
                    };
                    if claimed != actual as f64 {
                        out.push((
                            reg.finding(
                                RuleId::RegistrySequenceMismatch,
                                at.child(field),
                                format!(
                                    "domain {:?} says {claimed} {field}; its sequence {} has {actual}",
                                    id.unwrap_or("?"),
                                    seq.path
                                ),
                                "regenerate the registry from its sequence files",
                            ).about(&[id.unwrap_or(""), seq.path]),
                            vec![seq.path.to_string()],
                        ));
                    }
                }
            }
        }
    }

    // Registries also cover a sequence whose id or path a domain names.
    for (k, s) in sequences.iter().enumerate() {
        if covered[k] {
            continue;
        }
        let named_by_id = seq_ids[k].is_some_and(|id| carries_domain(registries, id));
        if named_by_id || registries.is_empty() {
            continue;
        }
        out.push((
            s.facts
                .root_at
                .place(Finding::new(
                    RuleId::RegistryMissingSequence,
                    s.path,
                    format!(
                        "sequence {:?} has no domain in {}",
                        seq_ids[k].unwrap_or(s.path),
                        registries
                            .iter()
                            .map(|r| r.path)
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                    "regenerate the registry so it lists this sequence, or remove the sequence"
                        .to_string(),
                ))
                .about(&[seq_ids[k].unwrap_or(s.path)]),
            registries.iter().map(|r| r.path.to_string()).collect(),
        ));
    }
    out
}

/// Whether any registry has a domain with this id.
fn carries_domain(registries: &[Doc<'_, '_>], id: &str) -> bool {
    registries.iter().any(|r| {
        r.root
            .value
            .get("domains")
            .and_then(|n| n.value.as_array())
            .is_some_and(|ds| {
                ds.iter().any(|d| {
                    d.value
                        .get(&r.artifact.id_key)
                        .and_then(|n| n.value.as_str())
                        == Some(id)
                })
            })
    })
}

/// Nodes matched by a pointer pattern whose `*` tokens match every element or member.
pub fn select<'n, 'a>(root: &'n Node<'a>, pattern: &[String]) -> Vec<(Pointer, &'n Node<'a>)> {
    let mut current: Vec<(Pointer, &'n Node<'a>)> = vec![(Pointer::root(), root)];
    for token in pattern {
        let mut next = Vec::new();
        for (at, node) in current {
            match &node.value {
                Value::Object(members) => {
                    for m in members {
                        if token == "*" || m.key == token.as_str() {
                            next.push((at.child(m.key.to_string()), &m.node));
                        }
                    }
                }
                Value::Array(items) => {
                    for (i, item) in items.iter().enumerate() {
                        if token == "*" || token == &i.to_string() {
                            next.push((at.child(i.to_string()), item));
                        }
                    }
                }
                _ => {}
            }
        }
        current = next;
    }
    current
}

/// `plan-coverage`: ids the plan lists that no registry domain carries.
pub fn plan_coverage(
    plan: &Doc<'_, '_>,
    pattern: &[String],
    registries: &[Doc<'_, '_>],
) -> Vec<Involved> {
    let mut out = Vec::new();
    for (at, node) in select(plan.root, pattern) {
        let Some(id) = node.value.as_str() else {
            continue;
        };
        if !carries_domain(registries, id) {
            out.push((
                plan.finding(
                    RuleId::PlanCoverage,
                    at,
                    format!(
                        "the plan lists {id:?}, which no registry domain carries ({})",
                        registries
                            .iter()
                            .map(|r| r.path)
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                    "add the domain to the registry's sources, or drop it from the plan",
                )
                .about(&[id]),
                registries.iter().map(|r| r.path.to_string()).collect(),
            ));
        }
    }
    out
}

/// `schema`: every JSON Schema error, at the instance location it names.
pub fn schema_findings(
    doc: &Doc<'_, '_>,
    full: &Node<'_>,
    validator: &jsonschema::Validator,
    schema_path: &str,
) -> Vec<Finding> {
    let instance = full.value.to_serde();
    let mut out = Vec::new();
    for error in validator.iter_errors(&instance) {
        let pointer = Pointer::parse(&error.instance_path().to_string()).unwrap_or_default();
        out.push(
            Finding::new(
                RuleId::Schema,
                doc.path,
                format!("{error} (schema {schema_path})"),
                format!("make the document valid against {schema_path}"),
            )
            .about(&[schema_path.to_string(), error.schema_path().to_string()])
            .at(pointer, full, doc.lines),
        );
    }
    out
}

#[cfg(test)]
mod tests;
