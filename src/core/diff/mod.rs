//! Structural diff of one artifact between two snapshots: registries by domain id, sequences
//! by movement and beat, any other JSON by top-level member. Pure: trees in, data out.

pub mod tree;

use std::collections::HashMap;

use serde::Serialize;

use crate::core::artifact::Hashes;
use crate::core::classify::{classify, Class};
use crate::core::config::Kind;
use crate::core::json::{Member, Node, Pointer, Value};
use tree::{Op, RawChange};

/// One field that changed inside an item.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FieldChange {
    /// Relative to the item's own pointer.
    pub pointer: Pointer,
    pub op: Op,
    /// `null` when the field did not exist before (see `op`).
    pub before: serde_json::Value,
    /// `null` when the field no longer exists (see `op`).
    pub after: serde_json::Value,
    pub class: Class,
}

/// What kind of thing an item is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ItemKind {
    Domain,
    Sequence,
    Movement,
    Beat,
    /// A top-level member of a document outside the collections above.
    Member,
}

impl ItemKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ItemKind::Domain => "domain",
            ItemKind::Sequence => "sequence",
            ItemKind::Movement => "movement",
            ItemKind::Beat => "beat",
            ItemKind::Member => "member",
        }
    }
}

/// How an item changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Change {
    Added,
    Removed,
    Changed,
}

impl Change {
    pub fn as_str(self) -> &'static str {
        match self {
            Change::Added => "added",
            Change::Removed => "removed",
            Change::Changed => "changed",
        }
    }
}

/// A domain, movement, beat or member that is not the same on both sides.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Item {
    pub id: String,
    pub kind: ItemKind,
    /// Where the item is: in the after document, or the before document when removed.
    pub pointer: Pointer,
    pub change: Change,
    pub class: Class,
    pub changes: Vec<FieldChange>,
}

/// Counts of one collection (domains, movements, beats or members) before and after.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Summary {
    pub unit: &'static str,
    pub before: usize,
    pub after: usize,
    pub added: usize,
    pub removed: usize,
    pub changed: usize,
    pub unchanged: usize,
}

impl Summary {
    fn new(unit: &'static str) -> Summary {
        Summary {
            unit,
            ..Summary::default()
        }
    }

    fn count(&mut self, change: Option<Change>) {
        match change {
            Some(Change::Added) => self.added += 1,
            Some(Change::Removed) => self.removed += 1,
            Some(Change::Changed) => self.changed += 1,
            None => self.unchanged += 1,
        }
    }
}

/// Something about a document's shape that prevented a clean match.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    pub side: Side,
    pub pointer: Pointer,
    pub message: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Side {
    Before,
    After,
}

impl Side {
    pub fn as_str(self) -> &'static str {
        match self {
            Side::Before => "before",
            Side::After => "after",
        }
    }
}

/// The structural comparison of one artifact's two versions.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Structure {
    pub summary: Summary,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub beats: Option<Summary>,
    pub items: Vec<Item>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub problems: Vec<Problem>,
}

impl Structure {
    /// The most significant class among the items, if anything changed.
    pub fn class(&self) -> Option<Class> {
        self.items.iter().map(|i| i.class).min()
    }
}

/// Whether an artifact as a whole was added, removed, modified or unchanged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Added,
    Removed,
    Modified,
    Unchanged,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Added => "added",
            Status::Removed => "removed",
            Status::Modified => "modified",
            Status::Unchanged => "unchanged",
        }
    }

    /// Decided by canonical hash alone.
    pub fn of(before: Option<&Hashes>, after: Option<&Hashes>) -> Status {
        match (before, after) {
            (None, Some(_)) => Status::Added,
            (Some(_), None) => Status::Removed,
            (Some(b), Some(a)) if b.canonical == a.canonical => Status::Unchanged,
            _ => Status::Modified,
        }
    }
}

/// One artifact's diff, as every output format reports it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ArtifactDiff {
    pub path: String,
    pub kind: Kind,
    pub status: Status,
    pub before: Option<Hashes>,
    pub after: Option<Hashes>,
    /// The stored bytes differ although the canonical form does not (whitespace, key order,
    /// or only excluded parts changed).
    #[serde(rename = "rawOnly")]
    pub raw_only: bool,
    pub summary: Summary,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub beats: Option<Summary>,
    pub items: Vec<Item>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub problems: Vec<Problem>,
}

impl ArtifactDiff {
    /// Assembles an artifact's diff from its hashes and trees (exclusions already applied).
    pub fn build(
        path: &str,
        kind: Kind,
        id_key: &str,
        before: Option<(&Hashes, &Node<'_>)>,
        after: Option<(&Hashes, &Node<'_>)>,
    ) -> ArtifactDiff {
        let status = Status::of(before.map(|b| b.0), after.map(|a| a.0));
        let structure = if status == Status::Unchanged {
            // Canonically equal: count without diffing.
            let mut s = structure(kind, id_key, after.map(|a| a.1), after.map(|a| a.1));
            s.items.clear();
            s
        } else {
            structure(kind, id_key, before.map(|b| b.1), after.map(|a| a.1))
        };
        ArtifactDiff {
            path: path.to_string(),
            kind,
            status,
            before: before.map(|b| *b.0),
            after: after.map(|a| *a.0),
            raw_only: status == Status::Unchanged
                && before.map(|b| b.0.raw) != after.map(|a| a.0.raw),
            summary: structure.summary,
            beats: structure.beats,
            items: structure.items,
            problems: structure.problems,
        }
    }
}

/// Compares two versions of one artifact (either may be absent) by its kind.
pub fn structure(
    kind: Kind,
    id_key: &str,
    before: Option<&Node<'_>>,
    after: Option<&Node<'_>>,
) -> Structure {
    let mut cx = Cx {
        id_key,
        items: Vec::new(),
        problems: Vec::new(),
    };
    let (summary, beats) = match kind {
        Kind::Registry => {
            cx.members(before, after, &["domains"]);
            let b = collection(before, "domains", Side::Before, &mut cx.problems);
            let a = collection(after, "domains", Side::After, &mut cx.problems);
            let mut summary = Summary::new("domains");
            cx.match_collection(&b, &a, ItemKind::Domain, "", &mut summary, &[], None);
            (summary, None)
        }
        Kind::Sequence => {
            cx.sequence_item(before, after);
            let b = collection(before, "movements", Side::Before, &mut cx.problems);
            let a = collection(after, "movements", Side::After, &mut cx.problems);
            let mut summary = Summary::new("movements");
            let mut beats = Summary::new("beats");
            let mut beats_of = |cx: &mut Cx<'_>,
                                label: &str,
                                b: Option<(&Pointer, &Node<'_>)>,
                                a: Option<(&Pointer, &Node<'_>)>| {
                let bb = b.map_or_else(Vec::new, |(p, n)| {
                    collection_at(n, p, "beats", Side::Before, &mut cx.problems)
                });
                let ab = a.map_or_else(Vec::new, |(p, n)| {
                    collection_at(n, p, "beats", Side::After, &mut cx.problems)
                });
                let prefix = format!("{label}/");
                cx.match_collection(&bb, &ab, ItemKind::Beat, &prefix, &mut beats, &[], None);
            };
            cx.match_collection(
                &b,
                &a,
                ItemKind::Movement,
                "",
                &mut summary,
                &["beats"],
                Some(&mut beats_of),
            );
            (summary, Some(beats))
        }
        Kind::Json => {
            let summary = cx.members(before, after, &[]);
            (summary, None)
        }
    };
    Structure {
        summary,
        beats,
        items: cx.items,
        problems: cx.problems,
    }
}

/// An element of a matched collection: its matching key, pointer and node.
struct Keyed<'n, 'a> {
    key: String,
    label: String,
    pointer: Pointer,
    node: &'n Node<'a>,
}

/// Descends from a matched element into its own sub-collection (a movement's beats).
type Nested<'f> =
    dyn FnMut(&mut Cx<'_>, &str, Option<(&Pointer, &Node<'_>)>, Option<(&Pointer, &Node<'_>)>) + 'f;

struct Cx<'k> {
    id_key: &'k str,
    items: Vec<Item>,
    problems: Vec<Problem>,
}

impl Cx<'_> {
    /// Top-level members (other than `skip`) as items; returns their counts.
    fn members(
        &mut self,
        before: Option<&Node<'_>>,
        after: Option<&Node<'_>>,
        skip: &[&str],
    ) -> Summary {
        let mut summary = Summary::new("members");
        let objects = (before.map(|n| &n.value), after.map(|n| &n.value));
        let bm: &[Member<'_>] = before.and_then(|n| n.value.as_object()).unwrap_or(&[]);
        let am: &[Member<'_>] = after.and_then(|n| n.value.as_object()).unwrap_or(&[]);
        let not_objects = matches!(objects.0, Some(v) if !matches!(v, Value::Object(_)))
            || matches!(objects.1, Some(v) if !matches!(v, Value::Object(_)));
        if not_objects {
            // A document whose root is not an object is one item.
            summary.before = usize::from(before.is_some());
            summary.after = usize::from(after.is_some());
            let change = self.pair_item(
                "",
                ItemKind::Member,
                &Pointer::root(),
                before,
                after,
                &[],
                &[],
            );
            summary.count(change);
            return summary;
        }
        let mut keys: Vec<&str> = bm
            .iter()
            .chain(am)
            .map(|m| m.key.as_ref())
            .filter(|k| !skip.contains(k))
            .collect();
        keys.sort_by(|a, b| crate::core::json::canonical::cmp_utf16(a, b));
        keys.dedup();
        summary.before = bm
            .iter()
            .filter(|m| !skip.contains(&m.key.as_ref()))
            .count();
        summary.after = am
            .iter()
            .filter(|m| !skip.contains(&m.key.as_ref()))
            .count();
        // Hash lookups: a document with tens of thousands of top-level keys stays linear.
        let bmap: HashMap<&str, &Node<'_>> = bm.iter().map(|m| (m.key.as_ref(), &m.node)).collect();
        let amap: HashMap<&str, &Node<'_>> = am.iter().map(|m| (m.key.as_ref(), &m.node)).collect();
        for key in keys {
            let b = bmap.get(key).copied();
            let a = amap.get(key).copied();
            let prefix = [key.to_string()];
            let change = self.pair_item(
                key,
                ItemKind::Member,
                &Pointer::root().child(key),
                b,
                a,
                &prefix,
                &[],
            );
            summary.count(change);
        }
        summary
    }

    /// The sequence's own fields (everything but `movements`) as one item.
    fn sequence_item(&mut self, before: Option<&Node<'_>>, after: Option<&Node<'_>>) {
        let id = after
            .or(before)
            .and_then(|n| tree::id_of(n, self.id_key))
            .unwrap_or("")
            .to_string();
        self.pair_item(
            &id,
            ItemKind::Sequence,
            &Pointer::root(),
            before,
            after,
            &[],
            &["movements"],
        );
    }

    /// Compares one item's two sides; records it unless unchanged. Returns how it changed.
    #[allow(clippy::too_many_arguments)]
    fn pair_item(
        &mut self,
        id: &str,
        kind: ItemKind,
        pointer: &Pointer,
        before: Option<&Node<'_>>,
        after: Option<&Node<'_>>,
        class_prefix: &[String],
        skip: &[&str],
    ) -> Option<Change> {
        let whole_class = |p: &[String]| {
            if kind == ItemKind::Member {
                classify(p)
            } else {
                Class::Structural
            }
        };
        let (change, changes, class) = match (before, after) {
            (None, None) => return None,
            (Some(b), None) => (
                Change::Removed,
                vec![whole(Op::Removed, Some(b), None, whole_class(class_prefix))],
                whole_class(class_prefix),
            ),
            (None, Some(a)) => (
                Change::Added,
                vec![whole(Op::Added, None, Some(a), whole_class(class_prefix))],
                whole_class(class_prefix),
            ),
            (Some(b), Some(a)) => {
                let changes = field_changes(b, a, skip, self.id_key, class_prefix);
                if changes.is_empty() {
                    return None;
                }
                let class = changes
                    .iter()
                    .map(|c| c.class)
                    .min()
                    .unwrap_or(Class::Metadata);
                (Change::Changed, changes, class)
            }
        };
        // A whole domain, movement or beat added or removed: the item says it all.
        let changes = if kind != ItemKind::Member && change != Change::Changed {
            Vec::new()
        } else {
            changes
        };
        self.items.push(Item {
            id: id.to_string(),
            kind,
            pointer: pointer.clone(),
            change,
            class,
            changes,
        });
        Some(change)
    }

    /// Matches two keyed collections, records items and counts; `nested` is called for every
    /// element (matched or not) after its own item, to descend into sub-collections.
    #[allow(clippy::too_many_arguments)]
    fn match_collection(
        &mut self,
        before: &[Keyed<'_, '_>],
        after: &[Keyed<'_, '_>],
        kind: ItemKind,
        id_prefix: &str,
        summary: &mut Summary,
        skip: &[&str],
        mut nested: Option<&mut Nested<'_>>,
    ) {
        summary.before += before.len();
        summary.after += after.len();
        // Keys are unique within a side (`collection_at` numbers duplicates), so matching is
        // a hash lookup: a registry of 100k domains is matched in linear time.
        let by_key: HashMap<&str, &Keyed<'_, '_>> =
            before.iter().map(|b| (b.key.as_str(), b)).collect();
        let after_keys: std::collections::HashSet<&str> =
            after.iter().map(|a| a.key.as_str()).collect();
        for a in after {
            let b = by_key.get(a.key.as_str()).copied();
            let label = format!("{id_prefix}{}", a.label);
            let change = self.pair_item(
                &label,
                kind,
                &a.pointer,
                b.map(|b| b.node),
                Some(a.node),
                &[],
                skip,
            );
            summary.count(change);
            if let Some(nested) = nested.as_mut() {
                nested(
                    self,
                    &label,
                    b.map(|b| (&b.pointer, b.node)),
                    Some((&a.pointer, a.node)),
                );
            }
        }
        for b in before {
            if after_keys.contains(b.key.as_str()) {
                continue;
            }
            let label = format!("{id_prefix}{}", b.label);
            let change = self.pair_item(&label, kind, &b.pointer, Some(b.node), None, &[], skip);
            summary.count(change);
            if let Some(nested) = nested.as_mut() {
                nested(self, &label, Some((&b.pointer, b.node)), None);
            }
        }
    }
}

fn whole(op: Op, before: Option<&Node<'_>>, after: Option<&Node<'_>>, class: Class) -> FieldChange {
    FieldChange {
        pointer: Pointer::root(),
        op,
        before: before.map_or(serde_json::Value::Null, |n| n.value.to_serde()),
        after: after.map_or(serde_json::Value::Null, |n| n.value.to_serde()),
        class,
    }
}

/// Field changes between two versions of one item, members in `skip` left out.
fn field_changes(
    before: &Node<'_>,
    after: &Node<'_>,
    skip: &[&str],
    id_key: &str,
    class_prefix: &[String],
) -> Vec<FieldChange> {
    let without = |n: &Node<'_>| -> Option<Node<'static>> {
        let members = n.value.as_object()?;
        if !members.iter().any(|m| skip.contains(&m.key.as_ref())) {
            return None;
        }
        // Keep owned copies only of what is compared; skipped members are left out.
        let kept: Vec<Member<'static>> = members
            .iter()
            .filter(|m| !skip.contains(&m.key.as_ref()))
            .map(|m| Member {
                key: m.key.to_string().into(),
                key_offset: m.key_offset,
                node: to_owned_node(&m.node),
            })
            .collect();
        Some(Node {
            value: Value::Object(kept),
            offset: n.offset,
        })
    };
    let (bo, ao) = if skip.is_empty() {
        (None, None)
    } else {
        (without(before), without(after))
    };
    let b = bo.as_ref().unwrap_or(before);
    let a = ao.as_ref().unwrap_or(after);
    let mut raw: Vec<RawChange<'_, '_>> = Vec::new();
    tree::diff(b, a, id_key, &mut Pointer::root(), &mut raw);
    raw.into_iter()
        .map(|c| {
            let mut tokens: Vec<String> = class_prefix.to_vec();
            tokens.extend(c.pointer.tokens().iter().cloned());
            FieldChange {
                class: classify(&tokens),
                op: c.op,
                before: c.before.map_or(serde_json::Value::Null, |v| v.to_serde()),
                after: c.after.map_or(serde_json::Value::Null, |v| v.to_serde()),
                pointer: c.pointer,
            }
        })
        .collect()
}

fn to_owned_node(n: &Node<'_>) -> Node<'static> {
    let value = match &n.value {
        Value::Null => Value::Null,
        Value::Bool(b) => Value::Bool(*b),
        Value::Number(x) => Value::Number(*x),
        Value::String(s) => Value::String(s.to_string().into()),
        Value::Array(items) => Value::Array(items.iter().map(to_owned_node).collect()),
        Value::Object(members) => Value::Object(
            members
                .iter()
                .map(|m| Member {
                    key: m.key.to_string().into(),
                    key_offset: m.key_offset,
                    node: to_owned_node(&m.node),
                })
                .collect(),
        ),
    };
    Node {
        value,
        offset: n.offset,
    }
}

/// The elements of `root[field]` keyed for matching; problems for what cannot be keyed.
fn collection<'n, 'a>(
    root: Option<&'n Node<'a>>,
    field: &str,
    side: Side,
    problems: &mut Vec<Problem>,
) -> Vec<Keyed<'n, 'a>> {
    match root {
        None => Vec::new(),
        Some(root) => collection_at(root, &Pointer::root(), field, side, problems),
    }
}

fn collection_at<'n, 'a>(
    parent: &'n Node<'a>,
    parent_ptr: &Pointer,
    field: &str,
    side: Side,
    problems: &mut Vec<Problem>,
) -> Vec<Keyed<'n, 'a>> {
    let at = parent_ptr.child(field);
    let items = match parent.value.get(field) {
        None => return Vec::new(),
        Some(node) => match node.value.as_array() {
            Some(items) => items,
            None => {
                problems.push(Problem {
                    side,
                    pointer: at,
                    message: format!("`{field}` is a {}, not an array", node.value.type_name()),
                });
                return Vec::new();
            }
        },
    };
    let mut out: Vec<Keyed<'n, 'a>> = Vec::with_capacity(items.len());
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut unidentified = 0;
    for (i, node) in items.iter().enumerate() {
        let pointer = at.child(i.to_string());
        let (key, label) = match field {
            "domains" | "movements" => match node.value.get("id").map(|n| &n.value) {
                Some(Value::String(id)) => (format!("id:{id}"), id.to_string()),
                _ if field == "movements" => (format!("pos:{}", i + 1), format!("#{}", i + 1)),
                _ => {
                    problems.push(Problem {
                        side,
                        pointer: pointer.clone(),
                        message: format!("{} {} has no string `id`; it is matched by position among unidentified domains", singular(field), pointer),
                    });
                    unidentified += 1;
                    (
                        format!("noid:{unidentified}"),
                        format!("(no id #{unidentified})"),
                    )
                }
            },
            _ => beat_key(node, i),
        };
        let count = seen.entry(key.clone()).or_insert(0);
        *count += 1;
        let dup = *count - 1;
        let (key, label) = if dup > 0 {
            problems.push(Problem {
                side,
                pointer: pointer.clone(),
                message: format!(
                    "duplicate {} {label:?}: occurrences are matched in order, never merged",
                    singular(field)
                ),
            });
            (
                format!("{key}#{}", dup + 1),
                format!("{label} (#{})", dup + 1),
            )
        } else {
            (key, label)
        };
        out.push(Keyed {
            key,
            label,
            pointer,
            node,
        });
    }
    out
}

fn singular(field: &str) -> &str {
    match field {
        "domains" => "domain",
        "movements" => "movement",
        "beats" => "beat",
        other => other,
    }
}

/// Beats are matched by `beat` or `number`, else by `event`, else by position.
fn beat_key(node: &Node<'_>, i: usize) -> (String, String) {
    for field in ["beat", "number"] {
        if let Some(n) = node.value.get(field) {
            let text = match &n.value {
                Value::Number(x) => crate::core::json::canonical::to_string(&Value::Number(*x)),
                Value::String(s) => s.to_string(),
                _ => continue,
            };
            return (format!("n:{text}"), text);
        }
    }
    if let Some(event) = node.value.get("event").and_then(|n| n.value.as_str()) {
        return (format!("e:{event}"), event.to_string());
    }
    (format!("pos:{}", i + 1), format!("#{}", i + 1))
}

#[cfg(test)]
mod tests;
