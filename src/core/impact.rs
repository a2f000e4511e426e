//! Impact scoring: every change item of a structural diff gets a semantic-version level
//! (`major`, `minor`, `patch`, `none`) and a score (the `[impact]` weights times a category
//! factor); semantic changes (name, description, purpose) are kept apart from structural ones;
//! commits and ranges get totals; `version-bump-missing` and `impact-threshold` are decided
//! here. Pure: diffs, categories and versions in, levels, scores and findings out.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::core::classify::Class;
use crate::core::config::{Impact, Kind, Weights};
use crate::core::diff::tree::Op;
use crate::core::diff::{ArtifactDiff, Change, FieldChange, Item, ItemKind, Status};
use crate::core::finding::Finding;
use crate::core::json::{Node, Pointer, Value};
use crate::core::rules::RuleId;

/// The semantic-version level a change calls for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    None,
    Patch,
    Minor,
    Major,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::None => "none",
            Level::Patch => "patch",
            Level::Minor => "minor",
            Level::Major => "major",
        }
    }

    /// The level a changelog impact line names (`Level::as_str`), if it is one.
    pub fn parse(text: &str) -> Option<Level> {
        [Level::None, Level::Patch, Level::Minor, Level::Major]
            .into_iter()
            .find(|l| l.as_str() == text)
    }
}

impl std::fmt::Display for Level {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.pad(self.as_str())
    }
}

/// What kind of change an impact item is: one per `[impact.weights]` key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Reason {
    /// Something whole went: an artifact, domain, movement, beat or structural field.
    Removal,
    /// A beat's `handler` or `event` changed or went: whoever dispatches or listens breaks.
    Rename,
    /// A domain's `movements` or `beats` count went down.
    Decrease,
    /// Something whole arrived.
    Addition,
    /// Any other structural change.
    Structural,
    /// A change people read only (including semantic ones: name, description, purpose).
    Metadata,
}

impl Reason {
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::Removal => "removal",
            Reason::Rename => "rename",
            Reason::Decrease => "decrease",
            Reason::Addition => "addition",
            Reason::Structural => "structural",
            Reason::Metadata => "metadata",
        }
    }

    /// The level this kind of change calls for at least.
    pub fn level(self) -> Level {
        match self {
            Reason::Removal | Reason::Rename => Level::Major,
            Reason::Decrease | Reason::Addition => Level::Minor,
            Reason::Structural | Reason::Metadata => Level::Patch,
        }
    }

    fn weight(self, w: &Weights) -> u64 {
        match self {
            Reason::Removal => w.removal,
            Reason::Rename => w.rename,
            Reason::Decrease => w.decrease,
            Reason::Addition => w.addition,
            Reason::Structural => w.structural,
            Reason::Metadata => w.metadata,
        }
    }
}

/// Fields whose change is semantic: what a thing is called and what it is for.
pub const SEMANTIC: &[&str] = &["name", "description", "purpose"];

/// One change item's impact. An item whose structural and semantic fields both changed is
/// two impact items (`semantic` false and true).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ItemImpact {
    /// The diff item's id (`domain`, `movement/beat`, a member name); the path for a whole
    /// artifact.
    pub id: String,
    /// The most significant kind of change in the item.
    pub change: Reason,
    pub level: Level,
    pub score: u64,
    /// Name, description or purpose only.
    pub semantic: bool,
    /// `artifact`, `domain`, `sequence`, `movement`, `beat` or `member`.
    pub kind: &'static str,
    /// The category whose factor applied, if one did.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    /// The changed fields (relative to the item), when the item changed rather than came or went.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<String>,
}

/// One artifact's impact in one commit (or range).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ArtifactImpact {
    pub path: String,
    pub level: Level,
    pub score: u64,
    pub items: Vec<ItemImpact>,
}

/// One commit's impact (or the index's, before it is committed).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CommitImpact {
    /// The commit id, or `index` for what is staged.
    pub commit: String,
    pub level: Level,
    pub score: u64,
    pub artifacts: Vec<ArtifactImpact>,
    /// The commit's subject line.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    /// `YYYY-MM-DD` of the author date.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// Governed documents that could not be read on one side: their impact is unknown.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub unassessed: Vec<String>,
}

/// A range's totals: `level` and `score` of its net change (first to last snapshot, what a
/// release must bump and what release notes suggest), `commits` the sum of the commits' scores.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Total {
    pub level: Level,
    pub score: u64,
    #[serde(rename = "commitScore")]
    pub commit_score: u64,
}

/// `git audit impact`'s report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ImpactReport {
    pub version: u32,
    /// What was assessed: `index`, a revision, `A..B`, or `--since REV`.
    pub range: String,
    /// Whether the report is a trend over history (`--since`).
    #[serde(skip)]
    pub trend: bool,
    pub commits: Vec<CommitImpact>,
    pub total: Total,
    /// Each registry's version from the first to the last snapshot, judged against
    /// `total.level` (what `version-bump-missing` asks of a range).
    pub versions: Vec<BumpCheck>,
}

/// The categories an artifact's items weigh by: a registry's domains by id, a sequence's own.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Categories {
    /// A sequence's (or any document's) root `category`.
    pub document: Option<String>,
    /// A registry's domains: id → `category`.
    pub domains: BTreeMap<String, String>,
}

impl Categories {
    /// The categories in one version of a document of `kind`.
    pub fn of(kind: Kind, root: &Node<'_>) -> Categories {
        let text = |n: &Node<'_>, key: &str| {
            n.value
                .get(key)
                .and_then(|c| c.value.as_str())
                .map(str::to_string)
        };
        let mut out = Categories::default();
        match kind {
            Kind::Registry => {
                if let Some(domains) = root.value.get("domains").and_then(|d| d.value.as_array()) {
                    for d in domains {
                        if let (Some(id), Some(c)) = (text(d, "id"), text(d, "category")) {
                            out.domains.entry(id).or_insert(c);
                        }
                    }
                }
            }
            Kind::Sequence | Kind::Json => out.document = text(root, "category"),
        }
        out
    }

    /// Both versions' categories: the after version's win, the before version's name what went.
    pub fn merge(after: Categories, before: Categories) -> Categories {
        let mut out = after;
        if out.document.is_none() {
            out.document = before.document;
        }
        for (id, c) in before.domains {
            out.domains.entry(id).or_insert(c);
        }
        out
    }
}

/// The impact of one artifact's diff; `categories` as `Categories::merge` gave them.
pub fn artifact(diff: &ArtifactDiff, categories: &Categories, config: &Impact) -> ArtifactImpact {
    let w = &config.weights;
    let factor_of = |category: Option<&String>| -> (f64, Option<String>) {
        match category.and_then(|c| config.categories.get(c).map(|f| (c, *f))) {
            Some((c, f)) => (f, Some(c.clone())),
            None => (1.0, None),
        }
    };
    let scored = |weight: u64, factor: f64| -> u64 { (weight as f64 * factor).round() as u64 };
    let mut items = Vec::new();
    let whole = match diff.status {
        Status::Unchanged => Some(None),
        Status::Added => Some(Some(Reason::Addition)),
        Status::Removed => Some(Some(Reason::Removal)),
        Status::Modified => None,
    };
    if let Some(reason) = whole {
        if let Some(reason) = reason {
            let (factor, category) = factor_of(categories.document.as_ref());
            items.push(ItemImpact {
                id: diff.path.clone(),
                change: reason,
                level: reason.level(),
                score: scored(reason.weight(w), factor),
                semantic: false,
                kind: "artifact",
                category,
                fields: Vec::new(),
            });
        }
    } else {
        for item in &diff.items {
            let category = match (diff.kind, item.kind) {
                (Kind::Registry, ItemKind::Domain) => categories.domains.get(&item.id),
                (Kind::Registry, _) => None,
                _ => categories.document.as_ref(),
            };
            let (factor, category) = factor_of(category);
            for (semantic, reasons, fields) in classify_item(item, &config.version_pointer) {
                let Some(top) = reasons
                    .iter()
                    .copied()
                    .max_by_key(|r| (r.level(), r.weight(w)))
                else {
                    continue;
                };
                let weight: u64 = reasons.iter().map(|r| r.weight(w)).sum();
                items.push(ItemImpact {
                    id: item.id.clone(),
                    change: top,
                    level: top.level(),
                    score: scored(weight, factor),
                    semantic,
                    kind: item.kind.as_str(),
                    category: category.clone(),
                    fields,
                });
            }
        }
    }
    ArtifactImpact {
        path: diff.path.clone(),
        level: items.iter().map(|i| i.level).max().unwrap_or(Level::None),
        score: items.iter().map(|i| i.score).sum(),
        items,
    }
}

/// An item's changes split into its structural part and its semantic part: for each, the
/// reason of every field change and the fields.
fn classify_item(item: &Item, version: &Pointer) -> Vec<(bool, Vec<Reason>, Vec<String>)> {
    let whole = item.kind != ItemKind::Member || item.changes.is_empty();
    if item.change != Change::Changed && whole {
        let reason = if item.kind == ItemKind::Member && item.class == Class::Metadata {
            Reason::Metadata
        } else if item.change == Change::Added {
            Reason::Addition
        } else {
            Reason::Removal
        };
        return vec![(false, vec![reason], Vec::new())];
    }
    let mut structural = (Vec::new(), Vec::new());
    let mut semantic = (Vec::new(), Vec::new());
    for c in &item.changes {
        let absolute: Vec<String> = item
            .pointer
            .tokens()
            .iter()
            .chain(c.pointer.tokens())
            .cloned()
            .collect();
        if absolute == version.tokens() {
            // The version itself moving is what the other changes ask for, not a change.
            continue;
        }
        let field = if c.pointer.is_root() {
            "(whole)".to_string()
        } else {
            c.pointer.to_string()
        };
        let last = c
            .pointer
            .tokens()
            .iter()
            .rev()
            .find(|t| !t.bytes().all(|b| b.is_ascii_digit()));
        let is_semantic = last.is_some_and(|t| SEMANTIC.contains(&t.as_str()))
            || (item.kind == ItemKind::Member && SEMANTIC.contains(&item.id.as_str()));
        let reason = reason_of(item, c);
        let bucket = if is_semantic {
            &mut semantic
        } else {
            &mut structural
        };
        bucket.0.push(if is_semantic {
            Reason::Metadata
        } else {
            reason
        });
        if !bucket.1.contains(&field) {
            bucket.1.push(field);
        }
    }
    let mut out = Vec::new();
    if !structural.0.is_empty() {
        out.push((false, structural.0, structural.1));
    }
    if !semantic.0.is_empty() {
        out.push((true, semantic.0, semantic.1));
    }
    out
}

/// Why one field change of a changed item matters.
fn reason_of(item: &Item, c: &FieldChange) -> Reason {
    if c.class == Class::Metadata {
        return Reason::Metadata;
    }
    let tokens = c.pointer.tokens();
    let first = tokens.first().map(String::as_str);
    if item.kind == ItemKind::Beat
        && tokens.len() == 1
        && matches!(first, Some("handler" | "event"))
        && matches!(c.op, Op::Changed | Op::Removed)
    {
        return Reason::Rename;
    }
    if item.kind == ItemKind::Domain
        && tokens.len() == 1
        && matches!(first, Some("movements" | "beats"))
    {
        if let (Some(b), Some(a)) = (c.before.as_f64(), c.after.as_f64()) {
            if a < b {
                return Reason::Decrease;
            }
        }
    }
    match c.op {
        Op::Removed => Reason::Removal,
        Op::Added => Reason::Addition,
        Op::Changed | Op::Reordered => Reason::Structural,
    }
}

/// One commit's (or one comparison's) impact over its artifacts' diffs; `categories` by path.
pub fn commit(
    id: &str,
    diffs: &[ArtifactDiff],
    categories: &BTreeMap<String, Categories>,
    config: &Impact,
) -> CommitImpact {
    let none = Categories::default();
    let artifacts: Vec<ArtifactImpact> = diffs
        .iter()
        .map(|d| artifact(d, categories.get(&d.path).unwrap_or(&none), config))
        .filter(|a| !a.items.is_empty())
        .collect();
    CommitImpact {
        commit: id.to_string(),
        level: artifacts
            .iter()
            .map(|a| a.level)
            .max()
            .unwrap_or(Level::None),
        score: artifacts.iter().map(|a| a.score).sum(),
        artifacts,
        summary: None,
        date: None,
        unassessed: Vec::new(),
    }
}

/// The level a set of diffs calls for (categories do not change levels): what release notes
/// suggest and what `impact` reports for the same comparison.
pub fn level(diffs: &[ArtifactDiff], config: &Impact) -> Level {
    commit("", diffs, &BTreeMap::new(), config).level
}

/// A range's totals from its net change and its commits.
pub fn total(net: &CommitImpact, commits: &[CommitImpact]) -> Total {
    Total {
        level: net.level,
        score: net.score,
        commit_score: commits.iter().map(|c| c.score).sum(),
    }
}

/// `version` bumped by `level`, when it is `MAJOR.MINOR.PATCH` (pre-release and build dropped).
pub fn bump(version: &str, level: Level) -> Option<String> {
    let (major, minor, patch) = semver(version)?;
    Some(match level {
        Level::None => format!("{major}.{minor}.{patch}"),
        Level::Patch => format!("{major}.{minor}.{}", patch + 1),
        Level::Minor => format!("{major}.{}.0", minor + 1),
        Level::Major => format!("{}.0.0", major + 1),
    })
}

/// `MAJOR.MINOR.PATCH` of a version string (a leading `v`, pre-release and build ignored).
pub fn semver(version: &str) -> Option<(u64, u64, u64)> {
    let core = version.trim().trim_start_matches('v');
    let core = core.split(['-', '+']).next()?;
    let mut parts = core.split('.').map(|p| p.parse::<u64>().ok());
    let triple = (parts.next()??, parts.next()??, parts.next()??);
    if parts.next().is_some() {
        return None;
    }
    Some(triple)
}

/// The level by which `after` raises `before` (`None` when it does not raise it).
pub fn raised(before: (u64, u64, u64), after: (u64, u64, u64)) -> Level {
    if after.0 > before.0 {
        Level::Major
    } else if after.0 == before.0 && after.1 > before.1 {
        Level::Minor
    } else if after.0 == before.0 && after.1 == before.1 && after.2 > before.2 {
        Level::Patch
    } else {
        Level::None
    }
}

/// A registry's version at `config.version_pointer`, if it is a string.
pub fn version_of(root: &Node<'_>, pointer: &Pointer) -> Option<String> {
    let mut at = root;
    for token in pointer.tokens() {
        at = match &at.value {
            Value::Object(_) => at.value.get(token)?,
            Value::Array(items) => items.get(token.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    at.value.as_str().map(str::to_string)
}

/// A registry's version on both sides of a commit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Versions {
    pub path: String,
    /// `None` when the registry did not exist before (a new registry starts where it likes).
    pub before: Option<Option<String>>,
    pub after: Option<String>,
}

/// How a registry's version moved against what a change calls for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    /// Raised by at least the level (or nothing called for a raise).
    Enough,
    /// Not raised, or by a smaller step.
    TooSmall,
    /// The version after is missing or not `MAJOR.MINOR.PATCH`.
    AfterNotSemver,
    /// The version before is missing or not `MAJOR.MINOR.PATCH`: the bump cannot be judged.
    BeforeNotSemver,
}

/// One registry's version judged against the level of a commit or range.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BumpCheck {
    pub path: String,
    pub from: Option<String>,
    pub to: Option<String>,
    /// The level of the change: the least step the version must rise by.
    pub required: Level,
    /// The step it rose by.
    pub raised: Level,
    /// The least version that would do.
    pub needed: Option<String>,
    pub verdict: Verdict,
}

/// Every registry that existed before, judged against the level of its own changes
/// (`level_of` its path; a version is about its own file, so a registry the change did not touch
/// needs no bump, as release notes say too). A new registry starts where it likes.
pub fn bump_checks(level_of: impl Fn(&str) -> Level, versions: &[Versions]) -> Vec<BumpCheck> {
    let mut out = Vec::new();
    for v in versions {
        let Some(before) = &v.before else {
            continue;
        };
        let level = level_of(&v.path);
        let (b, a) = (
            before.as_deref().and_then(semver),
            v.after.as_deref().and_then(semver),
        );
        let raised = match (b, a) {
            (Some(b), Some(a)) => self::raised(b, a),
            _ => Level::None,
        };
        let verdict = match (b, a) {
            _ if level == Level::None => Verdict::Enough,
            (_, None) => Verdict::AfterNotSemver,
            (None, Some(_)) => Verdict::BeforeNotSemver,
            (Some(_), Some(_)) if raised >= level => Verdict::Enough,
            (Some(_), Some(_)) => Verdict::TooSmall,
        };
        out.push(BumpCheck {
            path: v.path.clone(),
            from: before.clone(),
            to: v.after.clone(),
            required: level,
            raised,
            needed: before.as_deref().and_then(|s| bump(s, level)),
            verdict,
        });
    }
    out
}

/// The level of `path`'s own changes in `impact` (`none` when it did not change).
pub fn own_level(impact: &CommitImpact, path: &str) -> Level {
    impact
        .artifacts
        .iter()
        .find(|a| a.path == path)
        .map_or(Level::None, |a| a.level)
}

/// `version-bump-missing` and `impact-threshold` for one commit's impact.
pub fn findings(impact: &CommitImpact, versions: &[Versions], config: &Impact) -> Vec<Finding> {
    let mut out = Vec::new();
    let pointer = &config.version_pointer;
    let level = impact.level;
    let hint_on = |p: &str| {
        format!(
            "raise `{pointer}` in {p} by at least the step its own change needs (`git audit impact` shows why); or turn the rule off with `[impact] enforce-version-bump = false`"
        )
    };
    if config.enforce_version_bump && level > Level::None {
        let shown = |s: &Option<String>| {
            s.as_deref()
                .map_or_else(|| "missing".to_string(), |s| format!("{s:?}"))
        };
        for check in bump_checks(|p| own_level(impact, p), versions) {
            let message = match check.verdict {
                Verdict::Enough => continue,
                Verdict::TooSmall => format!(
                    "its own change is {} (the commit scores {}) but `{pointer}` went {} → {}{}; it needs at least {}",
                    check.required,
                    impact.score,
                    shown(&check.from),
                    shown(&check.to),
                    if check.raised == Level::None { String::new() } else { format!(" (a {} step)", check.raised) },
                    check.needed.as_deref().unwrap_or("a higher version"),
                ),
                Verdict::AfterNotSemver => format!(
                    "its own change is {} (the commit scores {}) but `{pointer}` is {} after it, not a MAJOR.MINOR.PATCH version",
                    check.required,
                    impact.score,
                    shown(&check.to)
                ),
                Verdict::BeforeNotSemver => format!(
                    "its own change is {} (the commit scores {}) but `{pointer}` was {} before it, not a MAJOR.MINOR.PATCH version, so the bump cannot be judged",
                    check.required,
                    impact.score,
                    shown(&check.from)
                ),
            };
            let mut f = Finding::new(
                RuleId::VersionBumpMissing,
                &check.path,
                message,
                hint_on(&check.path),
            );
            f.pointer = pointer.clone();
            out.push(f);
        }
    }
    if let Some(max) = config.max_score {
        if impact.score > max {
            let top = impact
                .artifacts
                .iter()
                .max_by(|a, b| a.score.cmp(&b.score).then_with(|| b.path.cmp(&a.path)));
            if let Some(top) = top {
                let items: Vec<String> = {
                    let mut by: Vec<&ItemImpact> = top.items.iter().collect();
                    by.sort_by(|a, b| b.score.cmp(&a.score).then_with(|| a.id.cmp(&b.id)));
                    by.iter()
                        .take(3)
                        .map(|i| format!("{} {} ({})", i.change.as_str(), i.id, i.score))
                        .collect()
                };
                out.push(Finding::new(
                    RuleId::ImpactThreshold,
                    &top.path,
                    format!(
                        "the commit's impact score is {} (level {}), above the maximum {max}; most from {}: {}",
                        impact.score,
                        impact.level,
                        top.path,
                        items.join(", ")
                    ),
                    "split the change into smaller commits, or raise `[impact] max-score` if this size is intended".into(),
                ));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests;
