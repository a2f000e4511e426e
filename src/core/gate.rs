//! The commit gate's decisions: what a check of one snapshot must read (`select`) and what it
//! reports from what was read (`check`). Targets are the changed governed artifacts (all of them
//! with `--all` or when audit.toml changed, and those whose audit.lock entry changed); the
//! "world" of registries, sequences and plans is read when one of them changed; a cross-artifact
//! finding is reported only when a path it involves changed; severities, waivers and the
//! baseline then decide what blocks. Pure: `commands::check` gathers the `Facts`.

use std::collections::{BTreeMap, BTreeSet};

use crate::core::artifact::{self, Parsed};
use crate::core::config::{self, Artifact, Config, ConfigError, Kind};
use crate::core::finding::{self, Finding};
use crate::core::json::parse::LineIndex;
use crate::core::json::{self, Node};
use crate::core::lockfile::{self, Lockfile};
use crate::core::report::{NotParsed, Refused};
use crate::core::rules::governance::{self, Doc, Sequence, SequenceFacts};
use crate::core::rules::integrity::{self, Subject};
use crate::core::snapshot::Source;
use crate::core::suppress::{self, Waiver};

/// Whether the baseline file of the snapshot hides the findings it lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Baseline {
    /// Findings the baseline accepts do not block (every gate).
    Apply,
    /// Report what the baseline would hide (to write a new one).
    Ignore,
}

/// How much of a snapshot a check reports on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scope {
    /// Every governed artifact is a target, changed or not (`--all`).
    pub everything: bool,
    pub baseline: Baseline,
}

impl Scope {
    /// What changed, with the baseline applied: the commit gate.
    pub const CHANGES: Scope = Scope {
        everything: false,
        baseline: Baseline::Apply,
    };
    /// Every governed artifact, with the baseline applied.
    pub const EVERYTHING: Scope = Scope {
        everything: true,
        baseline: Baseline::Apply,
    };
}

/// The files a check lists besides the governed artifacts: audit.lock, audit.toml, the waivers
/// and baseline files, plans and schemas.
fn named_files(config: &Config) -> impl Iterator<Item = &str> {
    [
        lockfile::FILE_NAME,
        config::FILE_NAME,
        config.waivers.as_str(),
        config.baseline.as_str(),
    ]
    .into_iter()
    .chain(config.plans.iter().map(|p| p.path.as_str()))
    .chain(config.artifacts.iter().filter_map(|a| a.schema.as_deref()))
}

/// Whether a check lists `path` in its snapshots: governed artifacts and `named_files`. Only
/// these are compared between snapshots.
pub fn listed(config: &Config, path: &str) -> bool {
    config.governing(path).is_some() || named_files(config).any(|p| p == path)
}

/// Whether a path `listed` takes can lie under the directory `dir` (`""` or ending in `/`), so a
/// tree walk may skip the directories for which this is false.
pub fn may_list(config: &Config, dir: &str) -> bool {
    config.may_contain(dir) || named_files(config).any(|p| config::dir_of(p).starts_with(dir))
}

/// What a check of one snapshot reads, decided before anything is read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Selection {
    /// Every governed artifact is a target: `--all`, or audit.toml changed.
    pub everything: bool,
    /// The cross-artifact rules run: a registry, sequence or plan changed (or `everything`).
    pub world: bool,
    /// Governed artifacts checked themselves (and counted as checked).
    pub targets: BTreeSet<String>,
    /// Registries and sequences read only for the cross-artifact rules.
    pub context: BTreeSet<String>,
    /// Plans (present in the snapshot) read for plan coverage.
    pub plans: BTreeSet<String>,
    /// Schemas the targets name.
    pub schemas: BTreeSet<String>,
    /// Whether the rules ask which paths exist, so every path of the snapshot must be listed.
    pub all_paths: bool,
}

impl Selection {
    /// Whether the governed document at `path` is read.
    pub fn reads(&self, path: &str) -> bool {
        self.targets.contains(path) || self.context.contains(path)
    }
}

/// Decides what to read: `present` are the listed paths of the snapshot checked, `changed` the
/// listed paths that differ from the snapshot before, `lockfile` the checked snapshot's and
/// `lock_before` the one before (read only when audit.lock changed; `None` when absent or
/// unreadable). When audit.lock changed, only the artifacts whose entry was added or changed
/// are re-checked: an unchanged entry of an unchanged artifact was verified when it was made.
pub fn select(
    config: &Config,
    present: &BTreeSet<String>,
    changed: &BTreeSet<String>,
    lockfile: Option<&Lockfile>,
    lock_before: Option<&Lockfile>,
    scope: Scope,
) -> Selection {
    let lockfile_changed = changed.contains(lockfile::FILE_NAME);
    let everything = scope.everything || changed.contains(config::FILE_NAME);
    let world = everything
        || changed.iter().any(|p| {
            matches!(
                config.governing(p).map(|a| a.kind),
                Some(Kind::Registry | Kind::Sequence)
            ) || config.plans.iter().any(|pl| pl.path == *p)
        });
    let mut selection = Selection {
        everything,
        world,
        all_paths: world,
        ..Selection::default()
    };
    for path in present {
        let Some(artifact) = config.governing(path) else {
            continue;
        };
        let target = everything
            || changed.contains(path)
            || (lockfile_changed
                && lockfile
                    .and_then(|l| l.locks.get(path))
                    .is_some_and(|now| lock_before.and_then(|l| l.locks.get(path)) != Some(now)));
        if target {
            selection.targets.insert(path.clone());
            if let Some(schema) = &artifact.schema {
                selection.schemas.insert(schema.clone());
            }
            if !artifact.path_keys.is_empty() {
                selection.all_paths = true;
            }
        } else if world && matches!(artifact.kind, Kind::Registry | Kind::Sequence) {
            selection.context.insert(path.clone());
        }
    }
    if world {
        selection.plans = config
            .plans
            .iter()
            .filter(|p| present.contains(&p.path))
            .map(|p| p.path.clone())
            .collect();
    }
    selection
}

/// Everything a check of one snapshot needs, read as `select` asked. `B` holds a document's
/// bytes: owned in tests, borrowed from git's object store in the gate (so nothing is copied).
#[derive(Debug)]
pub struct Facts<B = Vec<u8>> {
    /// The snapshot checked.
    pub source: Source,
    /// The commit checked, for `--rev` and `--range`; stamped on every finding.
    pub commit: Option<String>,
    /// The listed paths (`listed`) the snapshot holds.
    pub present: BTreeSet<String>,
    /// The listed paths that differ from the snapshot before (added, removed or modified).
    pub changed: BTreeSet<String>,
    /// The snapshot's audit.lock.
    pub lockfile: Option<Lockfile>,
    /// What `select` decided for these facts (and the gather followed), so it is decided once.
    pub selection: Selection,
    /// The governed documents `Selection::reads`: their bytes, or why they were not read.
    pub documents: BTreeMap<String, Result<B, NotParsed>>,
    /// Governed artifacts the snapshot before held and this one does not, as they were before
    /// (their bytes, or why they were not read): a removed embedded lock is a finding.
    pub removed: BTreeMap<String, Result<B, NotParsed>>,
    /// The plans `Selection::plans`: their bytes, or why they were not read.
    pub plans: BTreeMap<String, Result<B, NotParsed>>,
    /// The schemas `Selection::schemas`; `None` when the snapshot lacks one.
    pub schemas: BTreeMap<String, Option<Vec<u8>>>,
    /// Every path of the snapshot, when `Selection::all_paths`.
    pub paths: Option<BTreeSet<String>>,
    /// The snapshot's waivers (none without a file), or why they cannot be used.
    pub waivers: Result<Vec<Waiver>, ConfigError>,
    /// The snapshot's baseline (empty without a file), or why it cannot be used.
    pub baseline: Result<suppress::Baseline, ConfigError>,
    /// `YYYY-MM-DD`, for waiver expiry.
    pub today: String,
    /// What `core::impact::findings` decided about the commit as a whole (`version-bump-missing`,
    /// `impact-threshold`), settled with the rest.
    pub impact: Vec<Finding>,
    /// What `provenance::findings` found about the governed docs the plan touched.
    pub docs: Vec<Finding>,
    /// Context sequences (never targets) whose facts the caller already knows, by path: not in
    /// `documents`, not read. `commands::check` keeps them by blob id between runs.
    pub known: BTreeMap<String, SequenceFacts>,
}

/// What one check found.
#[derive(Debug)]
pub struct Outcome {
    pub findings: Vec<Finding>,
    /// How many artifacts were targets.
    pub checked: usize,
    /// How many paths of the snapshot the configuration governs (0: it governs nothing here).
    pub governed: usize,
    /// The facts of every sequence this check parsed, by path (what `Facts::known` may hold
    /// next time for the same blob).
    pub learned: BTreeMap<String, SequenceFacts>,
}

/// Why a check cannot run: it fails closed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stop {
    /// A schema an artifact names cannot be read or compiled.
    Schema { message: String, hint: &'static str },
    /// A target that parsed for its own rules does not parse as plain JSON for its schema.
    Document {
        path: String,
        line: usize,
        column: usize,
        message: String,
    },
    /// The waivers or baseline file is invalid.
    Suppressions(ConfigError),
}

/// A document read for a check: in full (hashes, lock block) when it is checked itself, or
/// only its tree when just the cross-artifact rules read it.
enum Loaded<'c> {
    Full(Parsed<'c>),
    Tree(Node<'c>),
}

impl<'c> Loaded<'c> {
    fn root(&self) -> &Node<'c> {
        match self {
            Loaded::Full(p) => &p.root,
            Loaded::Tree(root) => root,
        }
    }
}

/// One document a check parsed.
struct Read<'c> {
    path: &'c str,
    artifact: &'c Artifact,
    bytes: &'c [u8],
    /// Built once per document, on the first finding positioned in it.
    lines: LineIndex<'c>,
    loaded: Loaded<'c>,
}

impl<'c> Read<'c> {
    fn doc(&self) -> Doc<'_, 'c> {
        Doc {
            path: self.path,
            artifact: self.artifact,
            lines: &self.lines,
            root: self.loaded.root(),
        }
    }
}

/// Checks one snapshot: every target's own rules, the cross-artifact rules that involve a
/// change, stale audit.lock entries; then severities, waivers and the baseline (unless
/// `scope.baseline` ignores it), sorted, stamped with the commit.
pub fn check<B: AsRef<[u8]>>(
    config: &Config,
    facts: &Facts<B>,
    scope: Scope,
) -> Result<Outcome, Stop> {
    let selection = &facts.selection;
    let everything = selection.everything;
    let changed = &facts.changed;
    let mut findings = Vec::new();

    // Only targets report what cannot be read.
    let mut contents = Vec::new();
    for (path, read) in &facts.documents {
        let Some(artifact) = config.governing(path) else {
            continue;
        };
        let target = selection.targets.contains(path);
        if !target && !selection.context.contains(path) {
            continue;
        }
        match read {
            Ok(bytes) => contents.push((path.as_str(), artifact, bytes.as_ref(), target)),
            Err(NotParsed::Skipped(s)) if target => findings.push(integrity::skipped(s)),
            Err(NotParsed::Refused(r)) if target => findings.push(integrity::refused(r)),
            Err(_) => {}
        }
    }
    let mut parsed: Vec<Read<'_>> = Vec::new();
    for (path, artifact, bytes, target) in contents {
        if target {
            match artifact::analyze(bytes, artifact, &config.limits) {
                Ok(p) => parsed.push(Read {
                    path,
                    artifact,
                    bytes,
                    lines: LineIndex::new(bytes),
                    loaded: Loaded::Full(p),
                }),
                Err(e) => {
                    findings.push(integrity::refused(&Refused::parse(path, &facts.source, &e)))
                }
            }
        } else if let Ok(root) = artifact::tree(bytes, artifact, &config.limits) {
            // Only read by the cross-artifact rules: no hashes needed.
            parsed.push(Read {
                path,
                artifact,
                bytes,
                lines: LineIndex::new(bytes),
                loaded: Loaded::Tree(root),
            });
        }
    }

    let exists = |p: &str| facts.paths.as_ref().is_some_and(|s| holds(s, p));

    let mut schemas: BTreeMap<&str, jsonschema::Validator> = BTreeMap::new();
    for read in &parsed {
        let Loaded::Full(p) = &read.loaded else {
            continue;
        };
        let (path, artifact, bytes) = (read.path, read.artifact, read.bytes);
        findings.extend(integrity::artifact(&Subject {
            path,
            artifact,
            bytes,
            lines: &read.lines,
            parsed: p,
            lockfile: facts.lockfile.as_ref(),
            limits: &config.limits,
            identity: &config.generate.identity,
        }));
        let doc = read.doc();
        if artifact.kind == Kind::Sequence {
            findings.extend(governance::sequence_rules(
                &doc,
                artifact.event_pattern.as_ref(),
            ));
        }
        if !artifact.path_keys.is_empty() {
            let skip: &[&str] = if artifact.kind == Kind::Registry {
                &["sequenceFile"]
            } else {
                &[]
            };
            findings.extend(governance::path_rules(&doc, &exists, skip));
        }
        if let Some(schema_path) = &artifact.schema {
            if !schemas.contains_key(schema_path.as_str()) {
                let bytes = facts.schemas.get(schema_path).and_then(Option::as_deref);
                let validator = compile_schema(schema_path, bytes, &facts.source)?;
                schemas.insert(schema_path, validator);
            }
            let full = json::parse(bytes, &config.limits).map_err(|e| Stop::Document {
                path: path.to_string(),
                line: e.line,
                column: e.column,
                message: e.kind.to_string(),
            })?;
            if let Some(v) = schemas.get(schema_path.as_str()) {
                findings.extend(governance::schema_findings(&doc, &full, v, schema_path));
            }
        }
    }

    let mut learned: BTreeMap<String, SequenceFacts> = BTreeMap::new();
    if selection.world {
        let docs: Vec<Doc<'_, '_>> = parsed.iter().map(Read::doc).collect();
        let registries: Vec<Doc<'_, '_>> = docs
            .iter()
            .copied()
            .filter(|d| d.artifact.kind == Kind::Registry)
            .collect();
        for d in docs.iter().filter(|d| d.artifact.kind == Kind::Sequence) {
            learned.insert(
                d.path.to_string(),
                SequenceFacts::of(d, &config.generate.identity),
            );
        }
        let mut sequences: Vec<Sequence<'_>> = learned
            .iter()
            .map(|(path, facts)| Sequence { path, facts })
            .collect();
        sequences.extend(
            facts
                .known
                .iter()
                .filter(|(path, _)| !learned.contains_key(path.as_str()))
                .map(|(path, facts)| Sequence { path, facts }),
        );
        sequences.sort_by(|a, b| a.path.cmp(b.path));
        let mut involved = governance::cross(&registries, &sequences, &exists);
        for pl in &config.plans {
            let Some(read) = facts.plans.get(&pl.path) else {
                continue;
            };
            // Like any artifact, an unreadable plan blocks only when it changed (or with --all).
            let report = everything || changed.contains(pl.path.as_str());
            let bytes = match read {
                Ok(bytes) => bytes.as_ref(),
                Err(NotParsed::Skipped(s)) => {
                    if report {
                        findings.push(integrity::skipped(s));
                    }
                    continue;
                }
                Err(NotParsed::Refused(r)) => {
                    if report {
                        findings.push(integrity::refused(r));
                    }
                    continue;
                }
            };
            let root = match json::parse(bytes, &config.limits) {
                Ok(root) => root,
                Err(e) => {
                    if report {
                        findings.push(integrity::refused(&Refused::parse(
                            &pl.path,
                            &facts.source,
                            &e,
                        )));
                    }
                    continue;
                }
            };
            let plain = Artifact::plain_json(&pl.path);
            let lines = LineIndex::new(bytes);
            let doc = Doc {
                path: &pl.path,
                artifact: &plain,
                lines: &lines,
                root: &root,
            };
            let mut found = governance::plan_coverage(&doc, &pl.ids, &registries);
            for (_, inv) in &mut found {
                inv.push(pl.path.clone());
            }
            involved.extend(found);
        }
        for (f, inv) in involved {
            if everything
                || changed.contains(f.path.as_str())
                || inv.iter().any(|p| changed.contains(p.as_str()))
            {
                findings.push(f);
            }
        }
    }

    // A locked artifact goes only deliberately: an audit.lock entry by dropping it in the same
    // commit (`git audit lock --stage`; a stale entry is reported below), an embedded lock,
    // which leaves with its file, by a waiver naming the removal.
    for (path, read) in &facts.removed {
        let (Some(artifact), Ok(bytes)) = (config.governing(path), read) else {
            continue;
        };
        if artifact.lock_field.is_empty() {
            continue;
        }
        if let Ok(p) = artifact::analyze(bytes.as_ref(), artifact, &config.limits) {
            if p.lock.is_some() {
                findings.push(integrity::removed_lock(path, &artifact.lock_field));
            }
        }
    }

    let removed_any = changed
        .iter()
        .any(|p| config.governing(p).is_some() && !facts.present.contains(p));
    if let Some(l) = &facts.lockfile {
        if everything || changed.contains(lockfile::FILE_NAME) || removed_any {
            findings.extend(integrity::stale_locks(l, &|p| facts.present.contains(p)));
        }
    }

    findings.extend(facts.impact.iter().cloned());
    findings.extend(facts.docs.iter().cloned());

    let waivers = facts
        .waivers
        .as_ref()
        .map_err(|e| Stop::Suppressions(e.clone()))?;
    let ignored = suppress::Baseline::default();
    let baseline = match scope.baseline {
        Baseline::Ignore => &ignored,
        Baseline::Apply => facts
            .baseline
            .as_ref()
            .map_err(|e| Stop::Suppressions(e.clone()))?,
    };
    let mut findings = suppress::settle(
        findings,
        config,
        waivers,
        &config.waivers,
        baseline,
        &facts.today,
        scope.everything,
    );
    finding::sort(&mut findings);
    if let Some(id) = &facts.commit {
        for f in &mut findings {
            f.commit = Some(id.clone());
        }
    }
    Ok(Outcome {
        findings,
        checked: selection.targets.len(),
        governed: facts
            .present
            .iter()
            .filter(|p| config.governing(p).is_some())
            .count(),
        learned,
    })
}

/// Whether `paths` holds `p` as a path or as a directory of one (`a` and `a/b` for
/// `a/b/c.json`): one ordered lookup each, nothing built per path.
fn holds(paths: &BTreeSet<String>, p: &str) -> bool {
    if paths.contains(p) {
        return true;
    }
    let dir = format!("{p}/");
    paths
        .range::<str, _>((
            std::ops::Bound::Included(dir.as_str()),
            std::ops::Bound::Unbounded,
        ))
        .next()
        .is_some_and(|first| first.starts_with(&dir))
}

/// Compiles the JSON Schema at `path` (`bytes`: its content in `source`, if any), offline. A
/// schema that cannot be read or compiled stops the check: it cannot run, so it fails closed.
fn compile_schema(
    path: &str,
    bytes: Option<&[u8]>,
    source: &Source,
) -> Result<jsonschema::Validator, Stop> {
    let hint = "fix `schema` in audit.toml, or commit the schema it names";
    let Some(bytes) = bytes else {
        return Err(Stop::Schema {
            message: format!("the schema {path} is not in the {source}"),
            hint,
        });
    };
    let value: serde_json::Value = serde_json::from_slice(bytes).map_err(|e| Stop::Schema {
        message: format!("the schema {path} is not valid JSON: {e}"),
        hint,
    })?;
    jsonschema::validator_for(&value).map_err(|e| Stop::Schema {
        message: format!("the schema {path} cannot be used offline: {e}"),
        hint:
            "git-audit validates offline (drafts 4 to 2020-12); a schema must not need the network",
    })
}

#[cfg(test)]
mod tests;
