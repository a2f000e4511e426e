//! Repository-layout detection for `git audit init`: surveys JSON documents (`Survey`), scores
//! the candidates for each role (a registry is referenced by its sequences and references them
//! back; a plan names registry ids; a schema is what sequences' `$schema` or shape matches),
//! proposes the `[[artifact]]` and `[[plan]]` tables that govern what was chosen, and writes the
//! commented audit.toml text explaining each choice. Pure: the command reads the files and
//! writes the result.

use std::collections::{BTreeMap, BTreeSet};

use crate::core::config::{self, Config};
use crate::core::json::{self, Limits, Node, Value};

/// What one JSON document offers detection (only the facts the scores need are kept).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Doc {
    /// The root's `domains` array, when every element is an object: each domain's `id` and
    /// `sequenceFile` (normalised to `/`) when they are strings.
    pub domains: Option<Vec<Domain>>,
    /// The root has a `movements` array: a sequence's shape.
    pub sequence: bool,
    /// The root's `id`, when a string.
    pub id: Option<String>,
    /// The root's `$schema`, when a string.
    pub schema_ref: Option<String>,
    /// The root's member names.
    pub keys: BTreeSet<String>,
    /// A JSON Schema of an object: its `properties` names and `required` names.
    pub schema: Option<SchemaShape>,
    /// Root members (other than `domains`) that are arrays of objects carrying string ids.
    pub id_lists: Vec<IdList>,
    /// Why the strict parser refused it (`line:column: problem`), when a lenient reading
    /// (duplicate keys: the last wins) was used for detection instead: a check will report it.
    pub not_strict: Option<String>,
}

/// One registry domain, as detection sees it.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Domain {
    pub id: Option<String>,
    pub sequence_file: Option<String>,
}

/// The top level of a JSON Schema.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct SchemaShape {
    pub properties: BTreeSet<String>,
    pub required: BTreeSet<String>,
}

/// A root member holding an array of objects with string `id`s.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct IdList {
    pub member: String,
    pub ids: Vec<String>,
    /// Its elements carry `movements`: a catalog of sequences, not a plan.
    pub catalog: bool,
}

/// Every JSON document of the working tree, by path, as detection read it.
#[derive(Debug, Default)]
pub struct Survey {
    docs: BTreeMap<String, Option<Doc>>,
    /// Files no parser reads that mention `"movements"`: broken sequences, with the problem.
    broken: BTreeMap<String, String>,
}

impl Survey {
    /// Reads one document (one that does not parse is kept as "other").
    /// A document the strict parser refuses but `serde_json` reads (a duplicate key, a number
    /// out of range) is still a candidate: governing it is how its defect gets reported.
    pub fn add(&mut self, path: &str, bytes: &[u8]) {
        let doc = match json::parse(bytes, &Limits::default()) {
            Ok(root) => Some(doc_of(&root)),
            Err(strict) => serde_json::from_slice::<serde_json::Value>(bytes)
                .ok()
                .and_then(|v| serde_json::to_vec(&v).ok())
                .and_then(|text| {
                    json::parse(&text, &Limits::default()).ok().map(|root| Doc {
                        not_strict: Some(strict.to_string()),
                        ..doc_of(&root)
                    })
                }),
        };
        if doc.is_none() && contains(bytes, b"\"movements\"") {
            if let Err(e) = json::parse(bytes, &Limits::default()) {
                self.broken.insert(path.to_string(), e.to_string());
            }
        }
        self.docs.insert(path.to_string(), doc);
    }

    /// A file that could not be read (too large, not a regular file): never a candidate.
    pub fn unreadable(&mut self, path: &str) {
        self.docs.insert(path.to_string(), None);
    }

    /// Scores the candidates and decides what governs what.
    pub fn decide(&self) -> Detected {
        let mut out = decide(&self.docs);
        // A file that does not parse but names `movements` is a broken sequence: governed, so
        // that `check` reports it, rather than ignored.
        for (path, problem) in &self.broken {
            out.others.remove(path);
            out.sequences.insert(path.clone());
            out.reasons.insert(
                0,
                format!("{path}: a sequence that does not parse ({problem}): governed, so `git audit check` reports it"),
            );
        }
        out
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

fn string(node: Option<&Node<'_>>) -> Option<String> {
    node.and_then(|n| n.value.as_str()).map(str::to_string)
}

fn doc_of(root: &Node<'_>) -> Doc {
    let v = &root.value;
    let mut doc = Doc {
        id: string(v.get("id")),
        schema_ref: string(v.get("$schema")),
        sequence: v
            .get("movements")
            .is_some_and(|n| n.value.as_array().is_some()),
        ..Doc::default()
    };
    let Some(members) = v.as_object() else {
        return doc;
    };
    doc.keys = members.iter().map(|m| m.key.to_string()).collect();
    if let Some(domains) = v.get("domains").and_then(|n| n.value.as_array()) {
        if domains.iter().all(|d| d.value.as_object().is_some()) {
            doc.domains = Some(
                domains
                    .iter()
                    .map(|d| Domain {
                        id: string(d.value.get("id")),
                        sequence_file: string(d.value.get("sequenceFile")).map(|p| normalise(&p)),
                    })
                    .collect(),
            );
        }
    }
    let is_schema = doc
        .schema_ref
        .as_deref()
        .is_some_and(|s| s.contains("json-schema.org"));
    if let (true, Some(props)) = (
        is_schema,
        v.get("properties").and_then(|n| n.value.as_object()),
    ) {
        doc.schema = Some(SchemaShape {
            properties: props.iter().map(|m| m.key.to_string()).collect(),
            required: v
                .get("required")
                .and_then(|n| n.value.as_array())
                .map(|r| r.iter().filter_map(|n| string(Some(n))).collect())
                .unwrap_or_default(),
        });
    }
    for m in members {
        if m.key == "domains" {
            continue;
        }
        let Some(items) = m.node.value.as_array() else {
            continue;
        };
        let objects: Vec<&Value<'_>> = items
            .iter()
            .map(|n| &n.value)
            .filter(|v| v.as_object().is_some())
            .collect();
        let ids: Vec<String> = objects.iter().filter_map(|o| string(o.get("id"))).collect();
        if ids.is_empty() {
            continue;
        }
        doc.id_lists.push(IdList {
            member: m.key.to_string(),
            ids,
            catalog: objects.iter().any(|o| o.get("movements").is_some()),
        });
    }
    doc
}

/// A repository path as a document names it: `\` → `/`, no leading `./` or `/`.
fn normalise(p: &str) -> String {
    let p = p.replace('\\', "/");
    let mut s = p.as_str();
    loop {
        if let Some(rest) = s.strip_prefix("./") {
            s = rest;
        } else if let Some(rest) = s.strip_prefix('/') {
            s = rest;
        } else {
            return s.to_string();
        }
    }
}

/// `dir/rel` with `.` and `..` resolved; `None` when it leaves the repository.
fn join(dir: &str, rel: &str) -> Option<String> {
    let mut parts: Vec<&str> = if rel.starts_with('/') {
        Vec::new()
    } else {
        dir.split('/').filter(|s| !s.is_empty()).collect()
    };
    for seg in rel.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    Some(parts.join("/"))
}

fn depth(path: &str) -> usize {
    path.matches('/').count()
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// A chosen project plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanFound {
    pub path: String,
    /// The ids pointer pattern (`/member/*/id`).
    pub ids: String,
    pub matched: usize,
    pub listed: usize,
}

/// What detection decided, with the reasons written into audit.toml.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Detected {
    /// Registry paths with their domain counts.
    pub registries: BTreeMap<String, usize>,
    /// Every sequence file.
    pub sequences: BTreeSet<String>,
    /// Other JSON files (to keep sequence globs from sweeping them in).
    pub others: BTreeSet<String>,
    /// The project plan, when one names registry ids.
    pub plan: Option<PlanFound>,
    /// The sequence schema, when one matches the sequences.
    pub schema: Option<String>,
    /// Why each candidate was chosen or left out, one line each (comments in audit.toml).
    pub reasons: Vec<String>,
}

/// Lines of reasons listing at most this many rejected candidates of one kind.
const LISTED: usize = 24;

fn decide(docs: &BTreeMap<String, Option<Doc>>) -> Detected {
    let mut out = Detected::default();
    let parsed = || docs.iter().filter_map(|(p, d)| d.as_ref().map(|d| (p, d)));
    // Sequences by shape; their ids, to score registries.
    let shaped: BTreeMap<&String, &Doc> = parsed()
        .filter(|(_, d)| d.sequence && d.domains.is_none())
        .collect();
    let mut by_id: BTreeMap<&str, Vec<&String>> = BTreeMap::new();
    for (p, d) in &shaped {
        if let Some(id) = &d.id {
            by_id.entry(id.as_str()).or_default().push(p);
        }
    }

    // Registries: a root `domains` array whose domains carry ids, scored by the sequences it
    // claims (a sequence whose id is a domain id, a domain whose sequenceFile is a sequence).
    struct Candidate<'d> {
        path: &'d String,
        doc: &'d Doc,
        claims: BTreeSet<&'d String>,
        by_id: usize,
        by_file: usize,
    }
    let mut candidates = Vec::new();
    let mut rejected = Vec::new();
    for (path, doc) in parsed() {
        let Some(domains) = &doc.domains else {
            continue;
        };
        let with_id = domains.iter().filter(|d| d.id.is_some()).count();
        if !domains.is_empty() && with_id * 2 < domains.len() {
            rejected.push(format!(
                "{path}: not a registry: {with_id} of its {} domains carry an `id` (a registry's domains are matched by `id`)",
                domains.len()
            ));
            continue;
        }
        let mut claims = BTreeSet::new();
        let mut by_id_n = 0;
        let mut by_file = 0;
        for d in domains {
            if let Some(seqs) = d.id.as_deref().and_then(|id| by_id.get(id)) {
                by_id_n += 1;
                claims.extend(seqs.iter().copied());
            }
            if let Some((p, _)) = d
                .sequence_file
                .as_ref()
                .and_then(|f| shaped.get_key_value(f))
            {
                by_file += 1;
                claims.insert(*p);
            }
        }
        candidates.push(Candidate {
            path,
            doc,
            claims,
            by_id: by_id_n,
            by_file,
        });
    }
    candidates.sort_by(|a, b| {
        b.claims
            .len()
            .cmp(&a.claims.len())
            .then(depth(a.path).cmp(&depth(b.path)))
            .then(a.path.cmp(b.path))
    });
    let referenced = candidates.iter().any(|c| !c.claims.is_empty());
    let mut claimed: BTreeSet<&String> = BTreeSet::new();
    let mut registry_ids: BTreeSet<&str> = BTreeSet::new();
    for c in &candidates {
        let n = c.doc.domains.as_ref().map_or(0, Vec::len);
        let fresh = c.claims.iter().filter(|p| !claimed.contains(*p)).count();
        let accept = if referenced { fresh > 0 } else { true };
        if accept {
            out.reasons.push(if referenced {
                format!(
                    "{}: registry ({}): {} sequence{} carry one of its domain ids, {} of its `sequenceFile`s name{} a sequence file",
                    c.path,
                    plural(n, "domain", "domains"),
                    c.by_id,
                    if c.by_id == 1 { "" } else { "s" },
                    c.by_file,
                    if c.by_file == 1 { "s" } else { "" },
                )
            } else {
                format!(
                    "{}: registry ({}): its domains carry ids (no sequence file refers to any registry)",
                    c.path,
                    plural(n, "domain", "domains")
                )
            });
            claimed.extend(c.claims.iter().copied());
            registry_ids.extend(
                c.doc
                    .domains
                    .iter()
                    .flatten()
                    .filter_map(|d| d.id.as_deref()),
            );
            out.registries.insert(c.path.clone(), n);
        } else if c.claims.is_empty() {
            rejected.push(format!(
                "{}: not a registry: no sequence file refers to its domains",
                c.path
            ));
        } else {
            rejected.push(format!(
                "{}: not a registry: every sequence it refers to is already a chosen registry's (a copy?)",
                c.path
            ));
        }
    }

    for (path, doc) in parsed() {
        if out.registries.contains_key(path) {
            continue;
        }
        if doc.sequence && doc.domains.is_none() {
            out.sequences.insert(path.clone());
        } else {
            out.others.insert(path.clone());
        }
    }
    for (path, doc) in docs {
        if doc.is_none() {
            out.others.insert(path.clone());
        }
    }

    // The plan: a root array of objects whose ids are mostly registry domain ids.
    let mut plans: Vec<PlanFound> = Vec::new();
    for (path, doc) in parsed() {
        if out.registries.contains_key(path) || out.sequences.contains(path) {
            continue;
        }
        for list in &doc.id_lists {
            let matched = list
                .ids
                .iter()
                .filter(|id| registry_ids.contains(id.as_str()))
                .count();
            if matched == 0 {
                continue;
            }
            if list.catalog {
                rejected.push(format!(
                    "{path}: not a plan: `{}` lists sequences (its elements carry `movements`)",
                    list.member
                ));
                continue;
            }
            if matched * 2 < list.ids.len() {
                rejected.push(format!(
                    "{path}: not a plan: only {matched} of the {} ids in `{}` are registry domains",
                    list.ids.len(),
                    list.member
                ));
                continue;
            }
            let token = list.member.replace('~', "~0").replace('/', "~1");
            plans.push(PlanFound {
                path: path.clone(),
                ids: format!("/{token}/*/id"),
                matched,
                listed: list.ids.len(),
            });
        }
    }
    plans.sort_by(|a, b| {
        b.matched
            .cmp(&a.matched)
            .then(depth(&a.path).cmp(&depth(&b.path)))
            .then(a.path.cmp(&b.path))
    });
    let mut plans = plans.into_iter();
    if let Some(plan) = plans.next() {
        out.reasons.push(format!(
            "{}: project plan: {} of the {} ids at {} are registry domains",
            plan.path, plan.matched, plan.listed, plan.ids
        ));
        out.plan = Some(plan);
    }
    for other in plans {
        rejected.push(format!(
            "{}: also names registry ids ({} of {} at {}); the plan above scored higher or lies shallower",
            other.path, other.matched, other.listed, other.ids
        ));
    }

    // The sequence schema: the one sequences name in `$schema`, else the JSON Schema whose
    // `required` members most sequences have (and which describes `movements`).
    let schemas: BTreeMap<&String, &SchemaShape> = parsed()
        .filter_map(|(p, d)| d.schema.as_ref().map(|s| (p, s)))
        .collect();
    let mut named: BTreeMap<String, usize> = BTreeMap::new();
    for path in &out.sequences {
        let Some(Some(doc)) = docs.get(path) else {
            continue;
        };
        if let Some(target) = doc
            .schema_ref
            .as_deref()
            .filter(|r| !r.contains("://"))
            .and_then(|r| join(path.rsplit_once('/').map_or("", |(d, _)| d), r))
        {
            if schemas.contains_key(&target) {
                *named.entry(target).or_default() += 1;
            }
        }
    }
    let total = out.sequences.len();
    if let Some((path, n)) = named.iter().max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0))) {
        out.reasons.push(format!(
            "{path}: sequence schema: {} name{} it in `$schema`",
            plural(*n, "sequence", "sequences"),
            if *n == 1 { "s" } else { "" }
        ));
        out.schema = Some(path.clone());
    } else if total > 0 {
        let mut scored: Vec<(usize, &String, &SchemaShape)> = schemas
            .iter()
            .filter(|(_, s)| s.properties.contains("movements"))
            .map(|(p, s)| {
                let fits = out
                    .sequences
                    .iter()
                    .filter_map(|q| docs.get(q).and_then(Option::as_ref))
                    .filter(|d| s.required.iter().all(|r| d.keys.contains(r)))
                    .count();
                (fits, *p, *s)
            })
            .collect();
        scored.sort_by(|a, b| {
            b.0.cmp(&a.0)
                .then(depth(a.1).cmp(&depth(b.1)))
                .then(a.1.cmp(b.1))
        });
        for (i, (fits, path, shape)) in scored.iter().enumerate() {
            let required: Vec<&str> = shape.required.iter().map(String::as_str).collect();
            if i == 0 && fits * 2 >= total && *fits > 0 {
                out.reasons.push(format!(
                    "{path}: sequence schema: {fits} of the {total} sequences have every member it requires ({})",
                    required.join(", ")
                ));
                out.schema = Some((*path).clone());
            } else {
                rejected.push(format!(
                    "{path}: not the sequence schema: {fits} of the {total} sequences have every member it requires ({})",
                    required.join(", ")
                ));
            }
        }
    }
    let chosen = out
        .registries
        .keys()
        .chain(out.plan.iter().map(|p| &p.path))
        .chain(out.schema.iter());
    let mut strictness = Vec::new();
    for path in chosen {
        if let Some(Some(Doc {
            not_strict: Some(e),
            ..
        })) = docs.get(path)
        {
            strictness.push(format!(
                "{path}: is not strict JSON ({e}); read leniently to detect it, and `git audit check` reports it"
            ));
        }
    }
    out.reasons.extend(strictness);
    let more = rejected.len().saturating_sub(LISTED);
    rejected.truncate(LISTED);
    out.reasons.extend(rejected);
    if more > 0 {
        out.reasons.push(format!(
            "… and {} left out",
            plural(more, "other candidate", "other candidates")
        ));
    }
    out
}

fn parent(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(dir, _)| dir)
}

/// One proposed `[[artifact]]` table for sequences.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SequenceTable {
    pub path: String,
    pub ignore: Vec<String>,
}

const DEFAULT_SEQUENCES: &str = "**/json-sequences/**/*.json";

/// Tables that govern every sequence file and no other JSON file: the built-in glob with an
/// `ignore` list for what it would wrongly sweep in, and one table per other folder.
pub fn sequence_tables(found: &Detected) -> Vec<SequenceTable> {
    let builtin = Config::builtin();
    let under_default = |p: &str| {
        builtin
            .governing(p)
            .is_some_and(|a| a.kind == config::Kind::Sequence)
    };
    let name = |p: &str| p.rsplit_once('/').map_or(p, |(_, n)| n).to_string();
    let mut tables = Vec::new();
    let (inside, outside): (Vec<&String>, Vec<&String>) =
        found.sequences.iter().partition(|p| under_default(p));
    if !inside.is_empty() {
        let sequence_names: BTreeSet<String> = inside.iter().map(|p| name(p)).collect();
        let mut ignore = BTreeSet::new();
        for other in found.others.iter().filter(|p| under_default(p)) {
            let n = name(other);
            ignore.insert(if sequence_names.contains(&n) {
                globset::escape(other)
            } else {
                format!("**/{}", globset::escape(&n))
            });
        }
        tables.push(SequenceTable {
            path: DEFAULT_SEQUENCES.to_string(),
            ignore: ignore.into_iter().collect(),
        });
    }
    let mut dirs: BTreeSet<&str> = BTreeSet::new();
    for seq in outside {
        dirs.insert(parent(seq));
    }
    for dir in dirs {
        let path = if dir.is_empty() {
            "*.json".to_string()
        } else {
            format!("{}/*.json", globset::escape(dir))
        };
        let ignore = found
            .others
            .iter()
            .filter(|o| parent(o) == dir && !under_default(o))
            .map(|o| globset::escape(o))
            .collect();
        tables.push(SequenceTable { path, ignore });
    }
    tables
}

/// The commented audit.toml for what was found.
pub fn audit_toml(found: &Detected) -> String {
    let q = |s: &str| toml::Value::String(s.to_string()).to_string();
    let mut out = String::from(
        "# audit.toml: what git-audit governs in this repository and how.\n\
         # Written by `git audit init` from what it detected; review it, then `git add audit.toml`.\n\
         # Every key is described in git-audit's docs/config.md. This file is data: it never runs commands.\n\
         \n\
         [limits]\n\
         # max-depth = 128              # deepest nesting of arrays and objects\n\
         # max-file-size = \"256 MiB\"    # larger files are refused (rule json-limits)\n",
    );
    if !found.reasons.is_empty() {
        out.push_str("\n# What `git audit init` detected, and why (candidates it left out are listed too):\n");
        for reason in &found.reasons {
            out.push_str(&format!("#   {}\n", reason.replace('\n', " ")));
        }
    }
    if let Some(plan) = &found.plan {
        out.push_str(&format!(
            "\n# Project plan: every id it lists must be a registry domain (rule plan-coverage).\n\
             [[plan]]\npath = {}\nids = {}\n",
            q(&plan.path),
            q(&plan.ids)
        ));
    }
    if found.registries.is_empty() && found.sequences.is_empty() {
        out.push_str(
            "\n# No registry (a root `domains` array) or sequence (a root `movements` array) was found.\n\
             # These are the built-in defaults; adjust the paths to your layout.\n",
        );
    }
    let registries: Vec<(String, Option<usize>)> = if found.registries.is_empty() {
        vec![("orchestration-domains.json".to_string(), None)]
    } else {
        found
            .registries
            .iter()
            .map(|(p, n)| (globset::escape(p), Some(*n)))
            .collect()
    };
    for (path, domains) in registries {
        if let Some(n) = domains {
            out.push_str(&format!(
                "\n# Registry detected ({n} domain{}).\n",
                if n == 1 { "" } else { "s" }
            ));
        }
        out.push_str(&format!(
            "[[artifact]]\n\
             path = {}\n\
             kind = \"registry\"\n\
             # lock-field = \"integrity\"            # root key of the embedded integrity block\n\
             # exclude = [\"/metadata/generated\"]   # never counts: the generator's timestamp\n\
             # volatile-keys = []                  # member names removed at any depth\n\
             # required-fields = [\"id\", \"name\", \"category\", \"tempo\", \"key\", \"timeSignature\"]\n\
             # require-lock = false                # true: every version must carry a lock\n\
             # lock = \"embedded\"                   # how `git audit lock` locks it\n",
            q(&path)
        ));
    }
    let mut tables = sequence_tables(found);
    if tables.is_empty() && found.registries.is_empty() {
        tables.push(SequenceTable {
            path: DEFAULT_SEQUENCES.to_string(),
            ignore: Vec::new(),
        });
    }
    if !found.sequences.is_empty() {
        out.push_str(&format!(
            "\n# Sequences detected ({}).\n",
            plural(found.sequences.len(), "file", "files")
        ));
    }
    for table in tables {
        out.push_str(&format!(
            "\n[[artifact]]\npath = {}\nkind = \"sequence\"\n",
            q(&table.path)
        ));
        if let Some(schema) = &found.schema {
            out.push_str(&format!("schema = {}\n", q(schema)));
        }
        if !table.ignore.is_empty() {
            let list: Vec<String> = table.ignore.iter().map(|g| q(g)).collect();
            out.push_str(&format!(
                "# JSON files here that are not sequences:\nignore = [{}]\n",
                list.join(", ")
            ));
        }
        out.push_str(
            "# required-fields = [\"id\", \"movements\"]\n\
             # lock = \"lockfile\"                   # locks go to audit.lock\n",
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn detected(files: &[(&str, &str)]) -> Detected {
        let mut s = Survey::default();
        for (p, t) in files {
            s.add(p, t.as_bytes());
        }
        s.decide()
    }

    const SEQ: &str = r#"{"id": "s", "movements": []}"#;

    #[test]
    fn detects_by_shape() {
        let d = detected(&[
            (
                "reg/orchestration-domains.json",
                r#"{"domains": [{"id": "a"}]}"#,
            ),
            ("packages/a/json-sequences/x.json", SEQ),
            ("package.json", r#"{"name": "x"}"#),
            ("broken.json", "{"),
        ]);
        assert_eq!(d.registries.get("reg/orchestration-domains.json"), Some(&1));
        assert!(d.sequences.contains("packages/a/json-sequences/x.json"));
        assert!(d.others.contains("package.json") && d.others.contains("broken.json"));
    }

    fn table(path: &str, ignore: &[&str]) -> SequenceTable {
        SequenceTable {
            path: path.into(),
            ignore: ignore.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn uses_the_default_sequence_glob_when_it_fits() {
        let d = detected(&[
            ("packages/a/json-sequences/x.json", SEQ),
            ("b/json-sequences/y.json", SEQ),
        ]);
        assert_eq!(
            sequence_tables(&d),
            [table("**/json-sequences/**/*.json", &[])]
        );
    }

    #[test]
    fn ignores_other_json_and_adds_folders_outside_the_default() {
        let d = detected(&[
            ("p/json-sequences/x.json", SEQ),
            ("p/json-sequences/index.json", r#"{"sequences": []}"#),
            ("r/json-sequences/index.json", r#"{"sequences": []}"#),
            ("r/json-sequences/x.json", r#"{"not": "a sequence"}"#),
            ("q/seqs/y.json", SEQ),
            ("q/seqs/z.json", SEQ),
            ("q/seqs/index.json", "{}"),
        ]);
        assert_eq!(
            sequence_tables(&d),
            [
                table(
                    "**/json-sequences/**/*.json",
                    &["**/index.json", "r/json-sequences/x.json"]
                ),
                table("q/seqs/*.json", &["q/seqs/index.json"]),
            ]
        );
        let config = Config::parse(&audit_toml(&d), "audit.toml").unwrap();
        for p in ["p/json-sequences/x.json", "q/seqs/y.json"] {
            assert_eq!(
                config.governing(p).unwrap().kind,
                config::Kind::Sequence,
                "{p}"
            );
        }
        for p in [
            "p/json-sequences/index.json",
            "r/json-sequences/x.json",
            "q/seqs/index.json",
        ] {
            assert!(config.governing(p).is_none(), "{p}");
        }
    }

    #[test]
    fn rendered_config_is_valid_and_governs_what_was_found() {
        let d = detected(&[
            ("orchestration-domains.json", r#"{"domains": []}"#),
            ("p/json-sequences/x.json", SEQ),
            ("p/json-sequences/index.json", r#"{"sequences": []}"#),
        ]);
        let text = audit_toml(&d);
        let config = Config::parse(&text, "audit.toml").unwrap();
        assert_eq!(
            config.governing("orchestration-domains.json").unwrap().kind,
            config::Kind::Registry
        );
        assert_eq!(
            config.governing("p/json-sequences/x.json").unwrap().kind,
            config::Kind::Sequence
        );
        assert!(config.governing("p/json-sequences/index.json").is_none());
        let empty = Config::parse(&audit_toml(&Detected::default()), "audit.toml").unwrap();
        assert_eq!(empty.artifacts.len(), 2);
    }

    #[test]
    fn paths_with_glob_characters_are_escaped() {
        let d = detected(&[("odd[1]/orchestration-domains.json", r#"{"domains": []}"#)]);
        let config = Config::parse(&audit_toml(&d), "audit.toml").unwrap();
        assert!(config
            .governing("odd[1]/orchestration-domains.json")
            .is_some());
    }

    const REGISTRY: &str =
        r#"{"domains": [{"id": "alpha", "sequenceFile": "seq\\alpha.json"}, {"id": "beta"}]}"#;
    const ALPHA: &str = r#"{"id": "alpha", "name": "A", "movements": []}"#;
    const BETA: &str = r#"{"id": "beta", "name": "B", "movements": []}"#;

    #[test]
    fn a_domains_array_without_ids_is_not_a_registry() {
        let bdd = r#"{"domains": [{"domainId": "alpha", "scenarios": []}]}"#;
        let d = detected(&[
            ("orchestration-domains.json", REGISTRY),
            ("seq/alpha.json", ALPHA),
            ("seq/beta.json", BETA),
            (
                "p/__tests__/business-bdd/p-business-bdd-specifications.json",
                bdd,
            ),
        ]);
        assert_eq!(
            d.registries.keys().collect::<Vec<_>>(),
            ["orchestration-domains.json"]
        );
        assert!(d
            .others
            .contains("p/__tests__/business-bdd/p-business-bdd-specifications.json"));
        assert!(d.reasons.iter().any(|r| r.starts_with(
            "p/__tests__/business-bdd/p-business-bdd-specifications.json: not a registry: 0 of its 1 domains carry an `id`"
        )), "{:#?}", d.reasons);
        assert!(d.reasons.iter().any(|r| r.starts_with(
            "orchestration-domains.json: registry (2 domains): 2 sequences carry one of its domain ids, 1 of its `sequenceFile`s names a sequence file"
        )), "{:#?}", d.reasons);
    }

    #[test]
    fn a_copy_of_the_registry_is_left_out_and_a_second_real_one_kept() {
        let d = detected(&[
            ("orchestration-domains.json", REGISTRY),
            (
                "docs/orchestration-domains.json",
                r#"{"domains": [{"id": "alpha"}]}"#,
            ),
            ("other/registry.json", r#"{"domains": [{"id": "gamma"}]}"#),
            ("seq/alpha.json", ALPHA),
            ("seq/beta.json", BETA),
            ("other/gamma.json", r#"{"id": "gamma", "movements": []}"#),
            ("unrelated/domains.json", r#"{"domains": [{"id": "zeta"}]}"#),
        ]);
        assert_eq!(
            d.registries.keys().collect::<Vec<_>>(),
            ["orchestration-domains.json", "other/registry.json"]
        );
        assert!(d.reasons.iter().any(|r| r.contains(
            "docs/orchestration-domains.json: not a registry: every sequence it refers to"
        )));
        assert!(
            d.reasons
                .iter()
                .any(|r| r
                    .contains("unrelated/domains.json: not a registry: no sequence file refers"))
        );
    }

    #[test]
    fn without_references_every_id_carrying_domains_file_is_a_registry() {
        let d = detected(&[
            ("reg.json", r#"{"domains": [{"id": "a"}]}"#),
            ("s/x.json", SEQ),
        ]);
        assert_eq!(d.registries.get("reg.json"), Some(&1));
        assert!(audit_toml(&d).contains("# Registry detected (1 domain).\n"));
        assert!(audit_toml(&d).contains("# Sequences detected (1 file).\n"));
    }

    #[test]
    fn finds_the_plan_and_skips_catalogs_and_copies() {
        let plan = r#"{"domainSequences": [{"id": "alpha"}, {"id": "beta"}]}"#;
        let d = detected(&[
            ("orchestration-domains.json", REGISTRY),
            ("seq/alpha.json", ALPHA),
            ("seq/beta.json", BETA),
            ("project-plan.json", plan),
            ("docs/copy/project-plan.json", plan),
            (
                "catalog.json",
                r#"{"sequences": [{"id": "alpha", "movements": []}, {"id": "beta", "movements": []}]}"#,
            ),
            (
                "index.json",
                r#"{"docs": [{"id": "alpha"}, {"id": "x"}, {"id": "y"}]}"#,
            ),
        ]);
        assert_eq!(
            d.plan,
            Some(PlanFound {
                path: "project-plan.json".into(),
                ids: "/domainSequences/*/id".into(),
                matched: 2,
                listed: 2
            })
        );
        let text = audit_toml(&d);
        let config = Config::parse(&text, "audit.toml").unwrap();
        assert_eq!(config.plans.len(), 1);
        assert_eq!(config.plans[0].path, "project-plan.json");
        for r in [
            "catalog.json: not a plan",
            "index.json: not a plan: only 1 of the 3",
            "docs/copy/project-plan.json: also names registry ids",
        ] {
            assert!(
                d.reasons.iter().any(|x| x.starts_with(r)),
                "{r}: {:#?}",
                d.reasons
            );
        }
    }

    #[test]
    fn finds_the_schema_by_reference_or_by_shape() {
        let schema = r#"{"$schema": "http://json-schema.org/draft-07/schema#", "type": "object", "required": ["id", "movements"], "properties": {"id": {}, "movements": {}}}"#;
        let report = r#"{"$schema": "http://json-schema.org/draft-07/schema#", "type": "object", "required": ["metrics"], "properties": {"movements": {}, "metrics": {}}}"#;
        let d = detected(&[
            ("seq/alpha.json", ALPHA),
            ("seq/beta.json", BETA),
            ("docs/schemas/sequence.schema.json", schema),
            ("docs/schemas/report.schema.json", report),
        ]);
        assert_eq!(
            d.schema.as_deref(),
            Some("docs/schemas/sequence.schema.json")
        );
        assert!(d.reasons.iter().any(|r| r
            .starts_with("docs/schemas/report.schema.json: not the sequence schema: 0 of the 2")));
        let config = Config::parse(&audit_toml(&d), "audit.toml").unwrap();
        let seq = config.governing("seq/alpha.json").unwrap();
        assert_eq!(
            seq.schema.as_deref(),
            Some("docs/schemas/sequence.schema.json")
        );

        let named =
            r#"{"$schema": "../docs/schemas/report.schema.json", "id": "alpha", "movements": []}"#;
        let d = detected(&[
            ("seq/alpha.json", named),
            ("docs/schemas/sequence.schema.json", schema),
            ("docs/schemas/report.schema.json", report),
        ]);
        assert_eq!(d.schema.as_deref(), Some("docs/schemas/report.schema.json"));
    }

    #[test]
    fn a_plan_with_a_duplicate_key_is_still_found_and_its_defect_named() {
        let plan = r#"{"domainSequences": [{"id": "alpha"}], "x": 1, "x": 2}"#;
        let d = detected(&[
            ("orchestration-domains.json", REGISTRY),
            ("seq/alpha.json", ALPHA),
            ("plan.json", plan),
        ]);
        assert_eq!(d.plan.as_ref().map(|p| p.path.as_str()), Some("plan.json"));
        assert!(
            d.reasons
                .iter()
                .any(|r| r.starts_with("plan.json: is not strict JSON (1:")),
            "{:#?}",
            d.reasons
        );
    }

    #[test]
    fn a_broken_sequence_is_governed_and_a_broken_config_is_not() {
        let d = detected(&[
            ("p/json-sequences/x.json", SEQ),
            (
                "p/json-sequences/broken.json",
                "{\"id\": \"b\", \"movements\": [\n",
            ),
            ("p/json-sequences/tsconfig.json", "{ // comment\n}"),
        ]);
        assert!(d.sequences.contains("p/json-sequences/broken.json"));
        assert!(d.others.contains("p/json-sequences/tsconfig.json"));
        let config = Config::parse(&audit_toml(&d), "audit.toml").unwrap();
        assert!(config.governing("p/json-sequences/broken.json").is_some());
        assert!(config.governing("p/json-sequences/tsconfig.json").is_none());
        assert!(
            d.reasons[0]
                .starts_with("p/json-sequences/broken.json: a sequence that does not parse (2:1:"),
            "{:#?}",
            d.reasons
        );
    }
}
