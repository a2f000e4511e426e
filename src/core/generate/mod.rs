//! Registry generation: the registry a snapshot's sources produce, as a pure function of the
//! source files (sorted by path), the hand-kept parts (overlay file, `[generate.domain]`), the
//! current registry (copied root members, key and domain order, layout) and a timestamp used only
//! when the result differs canonically. Findings: `registry-source-invalid`,
//! `registry-source-duplicate-id`; `stale` compares the result with a registry for
//! `registry-stale`.

use std::collections::{BTreeMap, HashMap};

use serde_json::{Map, Value as J};

use crate::core::artifact;
use crate::core::config::{Artifact, Generate, GenerateSource, SourceKind};
use crate::core::diff::{ArtifactDiff, Change, Status};
use crate::core::finding::Finding;
use crate::core::json::{self, Limits, Node, Pointer};
use crate::core::lock::Style;
use crate::core::report::DiffReport;
use crate::core::rules::RuleId;
use crate::core::sequence;

pub mod write;

/// One source file as read from the snapshot.
pub struct SourceFile<'a> {
    pub path: &'a str,
    pub bytes: &'a [u8],
}

/// Everything generation reads.
pub struct Inputs<'a> {
    pub config: &'a Generate,
    /// The registry's `[[artifact]]` settings (exclusions, lock field).
    pub artifact: &'a Artifact,
    pub limits: &'a Limits,
    /// Source files, in any order (sorted here by path).
    pub files: Vec<SourceFile<'a>>,
    /// The current registry's bytes, if there is one.
    pub current: Option<&'a [u8]>,
    /// The overlay file (path, bytes), when configured and present.
    pub overlay: Option<SourceFile<'a>>,
    /// `metadata.generated` for a result that differs canonically from `current`.
    pub now: &'a str,
}

/// What generation produced.
#[derive(Debug)]
pub struct Generated {
    /// The registry's bytes, in the current file's layout.
    pub bytes: Vec<u8>,
    /// Whether `bytes` differ canonically from the current registry (or there is none).
    pub changed: bool,
    pub findings: Vec<Finding>,
    /// Domain ids of the current registry that nothing generates or declares any more.
    pub dropped: Vec<String>,
}

/// The domain a source yields, with where it came from.
struct Produced {
    id: String,
    path: String,
    domain: Map<String, J>,
}

fn invalid(path: &str, message: String) -> Finding {
    Finding::new(
        RuleId::RegistrySourceInvalid,
        path,
        message,
        "fix the source so it parses and has `movements` (an array), or exclude it with the source's `ignore` in audit.toml".into(),
    )
}

/// Generates the registry. Never fails: what cannot be read becomes a finding.
pub fn generate(inputs: &Inputs<'_>) -> Generated {
    let cfg = inputs.config;
    let mut findings = Vec::new();
    let mut files: Vec<&SourceFile<'_>> = inputs.files.iter().collect();
    files.sort_by(|a, b| a.path.cmp(b.path));
    files.dedup_by(|a, b| a.path == b.path);

    let mut produced: Vec<Produced> = Vec::new();
    for file in files {
        let Some(source) = cfg.sources.iter().find(|s| s.reads(file.path)) else {
            continue;
        };
        let root = match json::parse(file.bytes, inputs.limits) {
            Ok(root) => root,
            Err(e) => {
                findings.push(invalid(file.path, format!("source cannot be parsed: {e}")));
                continue;
            }
        };
        match source.kind {
            SourceKind::Sequences => match domain(cfg, source, &root, file.path, None) {
                Ok(p) => produced.push(p),
                Err(why) => findings.push(invalid(
                    file.path,
                    format!("sequence has an unsupported shape: {why}"),
                )),
            },
            SourceKind::Catalog => {
                let list = root
                    .value
                    .as_array()
                    .or_else(|| root.value.get("sequences").and_then(|n| n.value.as_array()));
                let Some(list) = list else {
                    findings.push(invalid(
                        file.path,
                        format!(
                            "catalog is a {} without a `sequences` array; a catalog is an array of sequence summaries",
                            root.value.type_name()
                        ),
                    ));
                    continue;
                };
                for (i, entry) in list.iter().enumerate() {
                    match domain(cfg, source, entry, file.path, Some(i)) {
                        Ok(p) => produced.push(p),
                        Err(why) => findings.push(invalid(
                            file.path,
                            format!("catalog entry {i} has an unsupported shape: {why}"),
                        )),
                    }
                }
            }
        }
    }

    // Duplicates: the first by sorted path (then catalog order) wins.
    let mut seen: HashMap<String, String> = HashMap::new();
    let mut domains: Vec<(String, Map<String, J>)> = Vec::new();
    for p in produced {
        if let Some(first) = seen.get(&p.id) {
            findings.push(Finding::new(
                RuleId::RegistrySourceDuplicateId,
                &p.path,
                format!(
                    "domain id {:?} is produced by {first} and by {}; the first ({first}) is used",
                    p.id, p.path
                ),
                "give one of the sequences another id, or exclude one with the source's `ignore`"
                    .into(),
            ));
            continue;
        }
        seen.insert(p.id.clone(), p.path.clone());
        domains.push((p.id, p.domain));
    }

    // Hand-kept parts: the overlay file, then audit.toml's `[generate.domain]` (later wins).
    let mut kept: Vec<(String, Map<String, J>)> = Vec::new();
    if let Some(o) = &inputs.overlay {
        match json::parse(o.bytes, inputs.limits) {
            Err(e) => findings.push(invalid(o.path, format!("overlay cannot be parsed: {e}"))),
            Ok(root) => match root.value.get("domains").and_then(|n| n.value.as_array()) {
                None => findings.push(invalid(
                    o.path,
                    "overlay has no `domains` array; write {\"domains\": [{\"id\": …, …}]}".into(),
                )),
                Some(list) => {
                    for (i, d) in list.iter().enumerate() {
                        match (
                            d.value.to_serde(),
                            d.value.get("id").and_then(|n| n.value.as_str()),
                        ) {
                            (J::Object(map), Some(id)) => kept.push((id.to_string(), map)),
                            _ => findings.push(invalid(
                                o.path,
                                format!("overlay domain {i} is not an object with a string `id`"),
                            )),
                        }
                    }
                }
            },
        }
    }
    for (id, fields) in &cfg.domains {
        if let J::Object(map) = fields {
            kept.push((id.clone(), map.clone()));
        }
    }
    for (id, fields) in kept {
        match domains.iter_mut().find(|(d, _)| *d == id) {
            Some((_, domain)) => merge(domain, fields),
            None => {
                // A hand-kept domain of its own: kept as written (`null` values included).
                let mut domain = Map::new();
                domain.insert("id".into(), J::String(id.clone()));
                domain.extend(fields);
                domains.push((id, domain));
            }
        }
    }

    // The current registry: copied members, domain order, key order, layout.
    let current = inputs
        .current
        .and_then(|b| json::parse(b, inputs.limits).ok().map(|root| (b, root)));
    let current_json = current.as_ref().map(|(_, root)| root.value.to_serde());
    let old_domains: Vec<&Map<String, J>> = current_json
        .as_ref()
        .and_then(|c| c.get("domains"))
        .and_then(J::as_array)
        .map(|list| list.iter().filter_map(J::as_object).collect())
        .unwrap_or_default();
    let old_id = |d: &Map<String, J>| d.get("id").and_then(J::as_str).map(str::to_string);
    let position: HashMap<String, usize> = old_domains
        .iter()
        .enumerate()
        .filter_map(|(i, d)| old_id(d).map(|id| (id, i)))
        .collect();
    // Stable: known ids in the current order, new ones after, in generation order.
    domains.sort_by_key(|(id, _)| position.get(id).copied().unwrap_or(usize::MAX));
    let dropped: Vec<String> = old_domains
        .iter()
        .filter_map(|d| old_id(d))
        .filter(|id| !domains.iter().any(|(d, _)| d == id))
        .collect();
    let mut list = Vec::new();
    for (id, mut domain) in domains {
        if let Some(&i) = position.get(&id) {
            align(&mut domain, old_domains[i]);
        }
        list.push(J::Object(domain));
    }

    let mut root = Map::new();
    let lock_field = inputs.artifact.lock_field.as_str();
    match current_json.as_ref().and_then(J::as_object) {
        Some(old) => {
            for (k, v) in old {
                if k == "domains" {
                    root.insert(k.clone(), J::Array(std::mem::take(&mut list)));
                } else if cfg.copy.iter().any(|c| c == k)
                    || (!lock_field.is_empty() && k == lock_field)
                {
                    root.insert(k.clone(), v.clone());
                }
            }
            if !root.contains_key("domains") {
                root.insert("domains".into(), J::Array(list));
            }
        }
        None => {
            root.insert("domains".into(), J::Array(list));
        }
    }

    let style = match &current {
        Some((bytes, node)) => Layout {
            style: Style::detect(bytes, node),
            trailing_newline: bytes.ends_with(b"\n"),
        },
        None => Layout::default(),
    };
    let mut root = J::Object(root);
    let bytes = write::to_bytes(&root, &style);
    let changed = match &current {
        Some((old, _)) => !same(old, &bytes, inputs.artifact, inputs.limits),
        None => true,
    };
    let bytes = if !changed {
        // Canonically the same: keep the file exactly as it is (`metadata.generated` too).
        inputs.current.map(<[u8]>::to_vec).unwrap_or(bytes)
    } else {
        if let Some(meta) = root.get_mut("metadata").and_then(J::as_object_mut) {
            meta.insert("generated".into(), J::String(inputs.now.to_string()));
        } else if current.is_none() {
            if let Some(r) = root.as_object_mut() {
                let mut meta = Map::new();
                meta.insert("generated".into(), J::String(inputs.now.to_string()));
                let domains = r.shift_remove("domains");
                r.insert("metadata".into(), J::Object(meta));
                if let Some(d) = domains {
                    r.insert("domains".into(), d);
                }
            }
        }
        write::to_bytes(&root, &style)
    };
    Generated {
        bytes,
        changed,
        findings,
        dropped,
    }
}

/// A file's layout: indentation, separators, newline, final newline.
#[derive(Debug, Clone)]
pub struct Layout {
    pub style: Style,
    pub trailing_newline: bool,
}

impl Default for Layout {
    fn default() -> Self {
        Layout {
            style: Style {
                indent: Some("  ".into()),
                colon: ": ",
                newline: "\n",
            },
            trailing_newline: true,
        }
    }
}

/// Whether two registries are canonically equal under the registry's exclusions.
pub fn same(a: &[u8], b: &[u8], artifact: &Artifact, limits: &Limits) -> bool {
    match (
        artifact::analyze(a, artifact, limits),
        artifact::analyze(b, artifact, limits),
    ) {
        (Ok(x), Ok(y)) => x.hashes.canonical == y.hashes.canonical,
        _ => false,
    }
}

/// Overlay fields over generated ones; `null` removes a generated field.
fn merge(domain: &mut Map<String, J>, fields: Map<String, J>) {
    for (k, v) in fields {
        if v.is_null() {
            domain.shift_remove(&k);
        } else {
            domain.insert(k, v);
        }
    }
}

/// Reorders `new`'s keys to follow `old`'s (keys `old` lacks keep their order, after), at every
/// depth where both sides are objects (arrays element by element).
fn align(new: &mut Map<String, J>, old: &Map<String, J>) {
    let mut taken: Vec<(String, J)> = Vec::new();
    for k in old.keys() {
        if let Some(v) = new.shift_remove(k) {
            taken.push((k.clone(), v));
        }
    }
    let rest = std::mem::take(new);
    for (k, mut v) in taken {
        align_value(&mut v, old.get(&k));
        new.insert(k, v);
    }
    for (k, v) in rest {
        new.insert(k, v);
    }
}

fn align_value(new: &mut J, old: Option<&J>) {
    match (new, old) {
        (J::Object(n), Some(J::Object(o))) => align(n, o),
        (J::Array(n), Some(J::Array(o))) => {
            for (x, y) in n.iter_mut().zip(o) {
                align_value(x, Some(y));
            }
        }
        _ => {}
    }
}

fn text<'n>(node: &'n Node<'_>, key: &str) -> Option<&'n str> {
    node.value
        .get(key)
        .and_then(|n| n.value.as_str())
        .filter(|s| !s.trim().is_empty())
}

/// The domain one sequence (or catalog entry `entry`) yields, or why it cannot.
fn domain(
    cfg: &Generate,
    source: &GenerateSource,
    seq: &Node<'_>,
    path: &str,
    entry: Option<usize>,
) -> Result<Produced, String> {
    if seq.value.as_object().is_none() {
        return Err(format!("it is a {}, not an object", seq.value.type_name()));
    }
    let id = match entry {
        None => cfg.identity.of(seq, path),
        Some(_) => cfg.identity.declared(seq),
    }
    .ok_or_else(|| format!("it carries no id ({})", cfg.identity.keys.join(", ")))?
    .to_string();
    let (movements, beats) = sequence::counts(seq);
    let movements = movements?;
    let beats = beats?;
    let moves = sequence::movements(seq)?;
    let name = text(seq, "name")
        .or_else(|| text(seq, "title"))
        .unwrap_or(&id)
        .to_string();
    let description = text(seq, "description").map_or_else(
        || {
            source
                .description
                .replace("{name}", &name)
                .replace("{id}", &id)
        },
        str::to_string,
    );
    let status = text(seq, "status").unwrap_or(&source.status).to_string();
    let tempo = seq
        .value
        .get("tempo")
        .and_then(|n| n.value.as_f64())
        .unwrap_or(source.tempo);
    let key = text(seq, "key").unwrap_or(&source.key).to_string();
    let time = text(seq, "timeSignature")
        .unwrap_or(&source.time_signature)
        .to_string();

    let mut phases = Vec::new();
    for (i, m) in moves.iter().enumerate() {
        let title = text(m, "name").or_else(|| text(m, "title"));
        let mut phase = Map::new();
        phase.insert(
            "name".into(),
            J::String(match title {
                Some(t) => format!("Movement {}: {t}", i + 1),
                None => format!("Movement {}", i + 1),
            }),
        );
        phase.insert("items".into(), J::Array(items(m, i + 1)?));
        phases.push(J::Object(phase));
    }

    let mut d = Map::new();
    let s = |v: &str| J::String(v.to_string());
    d.insert("id".into(), s(&id));
    d.insert("name".into(), s(&name));
    d.insert("emoji".into(), s(&source.emoji));
    d.insert("description".into(), J::String(description));
    d.insert("category".into(), s(&source.category));
    d.insert("purpose".into(), s(&source.purpose));
    d.insert("relatedDomains".into(), J::Array(Vec::new()));
    d.insert("status".into(), J::String(status));
    if source.link == "sequenceFile" {
        d.insert("sequenceFile".into(), s(path));
    } else if let Some(v) = seq.value.get(&source.link) {
        d.insert(source.link.clone(), v.value.to_serde());
    }
    d.insert("movements".into(), J::from(movements));
    d.insert("beats".into(), J::from(beats));
    d.insert("tempo".into(), json::value::number_to_serde(tempo));
    d.insert("key".into(), s(&key));
    d.insert("timeSignature".into(), s(&time));
    let mut inner = Map::new();
    inner.insert("id".into(), s(&id));
    inner.insert("name".into(), s(&name));
    inner.insert("tempo".into(), json::value::number_to_serde(tempo));
    inner.insert("key".into(), s(&key));
    inner.insert("timeSignature".into(), s(&time));
    inner.insert("category".into(), s(&source.category));
    let mut sketch = Map::new();
    sketch.insert("title".into(), s(&name));
    sketch.insert("sequence".into(), J::Object(inner));
    sketch.insert("phases".into(), J::Array(phases));
    d.insert("sketch".into(), J::Object(sketch));
    Ok(Produced {
        id,
        path: match entry {
            None => path.to_string(),
            Some(i) => format!(
                "{path}{}",
                Pointer::root().child("sequences").child(i.to_string())
            ),
        },
        domain: d,
    })
}

/// The sketch items of one movement: one per beat.
fn items(movement: &Node<'_>, number: usize) -> Result<Vec<J>, String> {
    let count = sequence::beat_count(movement, number)?;
    let list = movement.value.get("beats").and_then(|b| b.value.as_array());
    Ok((0..count)
        .map(|j| J::String(describe(list.and_then(|l| l.get(j)), j + 1)))
        .collect())
}

/// A beat as a sketch item: its `description`; else the last `:` segment of its event,
/// humanised, with its kind in parentheses; else its handler's name humanised; else `Beat N`.
pub fn describe(beat: Option<&Node<'_>>, n: usize) -> String {
    let Some(beat) = beat.filter(|b| b.value.as_object().is_some()) else {
        return format!("Beat {n}");
    };
    if let Some(d) = text(beat, "description") {
        return d.to_string();
    }
    if let Some(event) = text(beat, "event") {
        let last = event.rsplit(':').next().unwrap_or(event);
        let mut out = capitalise(&split_camel(last));
        if let Some(kind) = text(beat, "kind") {
            out.push_str(&format!(" ({kind})"));
        }
        return out;
    }
    let handler =
        text(beat, "handler").or_else(|| beat.value.get("handler").and_then(|h| text(h, "name")));
    if let Some(h) = handler {
        let name = h.rsplit(['#', '/', '.']).next().unwrap_or(h);
        return humanise(name);
    }
    format!("Beat {n}")
}

/// `setAll` → `set All`: a space where a lower-case letter meets an upper-case one.
fn split_camel(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 4);
    let mut prev_lower = false;
    for c in s.chars() {
        if c.is_uppercase() && prev_lower {
            out.push(' ');
        }
        prev_lower = c.is_lowercase();
        out.push(c);
    }
    out
}

fn capitalise(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// `getCurrentTheme` → `Get current theme`; `notify_ready` → `Notify ready`.
fn humanise(name: &str) -> String {
    let mut words: Vec<String> = Vec::new();
    let mut word = String::new();
    let mut prev_lower = false;
    for c in name.chars() {
        if c == '_' || c == '-' || c == ' ' {
            if !word.is_empty() {
                words.push(std::mem::take(&mut word));
            }
            prev_lower = false;
            continue;
        }
        if c.is_uppercase() && prev_lower && !word.is_empty() {
            words.push(std::mem::take(&mut word));
        }
        prev_lower = c.is_lowercase() || c.is_ascii_digit();
        word.push(c);
    }
    if !word.is_empty() {
        words.push(word);
    }
    capitalise(&words.join(" ").to_lowercase())
}

/// The structural diff from `current` to `generated`, as `git audit diff` reports a registry.
pub fn diff(
    path: &str,
    artifact: &Artifact,
    limits: &Limits,
    current: Option<&[u8]>,
    generated: &[u8],
) -> Option<ArtifactDiff> {
    let after = artifact::analyze(generated, artifact, limits).ok()?;
    let before = match current {
        Some(b) => Some(artifact::analyze(b, artifact, limits).ok()?),
        None => None,
    };
    Some(ArtifactDiff::build(
        path,
        artifact.kind,
        &artifact.id_key,
        before.as_ref().map(|p| (&p.hashes, &p.root)),
        Some((&after.hashes, &after.root)),
    ))
}

/// `registry generate --check`'s report; `--format json` writes it as it is.
#[derive(Debug, Clone, serde::Serialize)]
pub struct GenerateReport {
    pub version: u32,
    /// The registry's path.
    pub registry: String,
    /// The snapshot the sources and the registry were read from.
    pub snapshot: String,
    /// Whether the registry differs canonically from what its sources generate.
    pub stale: bool,
    /// Domains of the registry that nothing generates or declares any more.
    pub dropped: Vec<String>,
    /// The structural diff from the registry to the generated one (the `diff` contract).
    pub diff: DiffReport,
    /// `registry-source-*` and `registry-stale` findings.
    pub findings: Vec<Finding>,
}

/// `2026-01-31T12:34:56.000Z` for seconds since the epoch (UTC), as the origin wrote
/// `metadata.generated`.
pub fn timestamp(secs: i64) -> String {
    let day = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    format!(
        "{}T{:02}:{:02}:{:02}.000Z",
        crate::core::date::date_of(day * 86_400, 0),
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// `registry-stale`: the registry differs canonically from what its sources generate. The
/// message carries the structural diff's items (what changed, domain by domain).
pub fn stale(path: &str, diff: &ArtifactDiff) -> Option<Finding> {
    if diff.status == Status::Unchanged {
        return None;
    }
    if diff.status == Status::Added {
        return Some(Finding::new(
            RuleId::RegistryStale,
            path,
            format!("{path} is missing; its sources generate one"),
            "run `git audit registry generate --stage`".into(),
        ));
    }
    let mut by: BTreeMap<&'static str, Vec<String>> = BTreeMap::new();
    for item in &diff.items {
        let word = match item.change {
            Change::Added => "added",
            Change::Removed => "removed",
            _ => "modified",
        };
        let mut fields: Vec<String> = item
            .changes
            .iter()
            .map(|f| {
                let t = f.pointer.to_string();
                t.trim_start_matches('/')
                    .split('/')
                    .next()
                    .unwrap_or("")
                    .to_string()
            })
            .collect();
        fields.dedup();
        let what = if fields.is_empty() || item.change != Change::Changed {
            format!("{} {}", item.kind.as_str(), item.id)
        } else {
            format!("{} {} ({})", item.kind.as_str(), item.id, fields.join(", "))
        };
        by.entry(word).or_default().push(what);
    }
    let detail = if by.is_empty() {
        "its root members differ".to_string()
    } else {
        by.iter()
            .map(|(w, ids)| format!("{w}: {}", ids.join("; ")))
            .collect::<Vec<_>>()
            .join(" | ")
    };
    Some(Finding::new(
        RuleId::RegistryStale,
        path,
        format!("the registry is not what its sources generate: {detail}"),
        "run `git audit registry generate --stage` (hand-kept parts go in the overlay or [generate.domain]); `git audit registry generate --check` shows the diff".into(),
    ))
}

#[cfg(test)]
mod tests;
