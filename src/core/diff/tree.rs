//! Generic JSON tree diff by pointer: objects by key, arrays of identified objects by id,
//! other arrays aligned with `similar` over element hashes so one insertion reads as one
//! (equal ends trimmed first; above `ALIGN_LIMIT` elements left, paired by position or
//! reported as replaced, so no array makes a diff slow). Matching is by hash lookup.

use std::collections::{HashMap, HashSet};

use similar::{capture_diff_slices, Algorithm, DiffOp};

use crate::core::json::canonical::cmp_utf16;
use crate::core::json::{canonical, Member, Node, Pointer, Value};

/// What happened at a pointer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Op {
    Added,
    Removed,
    Changed,
    /// Elements of an id-matched array kept their content but changed order.
    Reordered,
}

/// One raw change, borrowing the values it concerns.
#[derive(Debug, Clone)]
pub struct RawChange<'n, 'a> {
    /// Relative to where the diff started. Added and changed paths index the after document,
    /// removed paths the before document.
    pub pointer: Pointer,
    pub op: Op,
    pub before: Option<Before<'n, 'a>>,
    pub after: Option<Before<'n, 'a>>,
}

/// A value on one side of a change: a node, or a list of ids (for reorders).
#[derive(Debug, Clone)]
pub enum Before<'n, 'a> {
    Node(&'n Node<'a>),
    Ids(Vec<String>),
}

impl Before<'_, '_> {
    pub fn to_serde(&self) -> serde_json::Value {
        match self {
            Before::Node(n) => n.value.to_serde(),
            Before::Ids(ids) => serde_json::Value::from(ids.clone()),
        }
    }
}

/// Canonical equality: what the canonical hash would say, without hashing.
pub fn canon_eq(a: &Value<'_>, b: &Value<'_>) -> bool {
    match (a, b) {
        (Value::Null, Value::Null) => true,
        (Value::Bool(x), Value::Bool(y)) => x == y,
        (Value::Number(x), Value::Number(y)) => x == y,
        (Value::String(x), Value::String(y)) => x == y,
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| canon_eq(&p.value, &q.value))
        }
        (Value::Object(x), Value::Object(y)) => {
            if x.len() != y.len() {
                return false;
            }
            if x.len() <= 16 {
                return x.iter().all(|m| {
                    y.iter()
                        .find(|n| n.key == m.key)
                        .is_some_and(|n| canon_eq(&m.node.value, &n.node.value))
                });
            }
            let mut xs: Vec<_> = x.iter().collect();
            let mut ys: Vec<_> = y.iter().collect();
            xs.sort_by(|p, q| cmp_utf16(&p.key, &q.key));
            ys.sort_by(|p, q| cmp_utf16(&p.key, &q.key));
            xs.iter()
                .zip(&ys)
                .all(|(p, q)| p.key == q.key && canon_eq(&p.node.value, &q.node.value))
        }
        _ => false,
    }
}

/// The string id of an object element, if it has one.
pub fn id_of<'n>(node: &'n Node<'_>, id_key: &str) -> Option<&'n str> {
    node.value.get(id_key).and_then(|n| n.value.as_str())
}

/// Diffs two nodes, appending changes relative to `at`.
pub fn diff<'n, 'a>(
    before: &'n Node<'a>,
    after: &'n Node<'a>,
    id_key: &str,
    at: &mut Pointer,
    out: &mut Vec<RawChange<'n, 'a>>,
) {
    match (&before.value, &after.value) {
        (Value::Object(bm), Value::Object(am)) => {
            // Hash lookups (keys are unique: the parser rejects duplicates), so an object with
            // tens of thousands of keys is diffed in linear time.
            let bmap: HashMap<&str, &Member<'a>> = bm.iter().map(|m| (m.key.as_ref(), m)).collect();
            let amap: HashMap<&str, &Member<'a>> = am.iter().map(|m| (m.key.as_ref(), m)).collect();
            let mut keys: Vec<&str> = bm.iter().map(|m| m.key.as_ref()).collect();
            for m in am {
                if !bmap.contains_key(m.key.as_ref()) {
                    keys.push(&m.key);
                }
            }
            keys.sort_by(|a, b| cmp_utf16(a, b));
            for key in keys {
                let b = bmap.get(key).copied();
                let a = amap.get(key).copied();
                at.push(key);
                match (b, a) {
                    (Some(b), Some(a)) => diff(&b.node, &a.node, id_key, at, out),
                    (Some(b), None) => out.push(RawChange {
                        pointer: at.clone(),
                        op: Op::Removed,
                        before: Some(Before::Node(&b.node)),
                        after: None,
                    }),
                    (None, Some(a)) => out.push(RawChange {
                        pointer: at.clone(),
                        op: Op::Added,
                        before: None,
                        after: Some(Before::Node(&a.node)),
                    }),
                    (None, None) => {}
                }
                at.pop();
            }
        }
        (Value::Array(bi), Value::Array(ai)) => {
            diff_arrays((before, after), bi, ai, id_key, at, out)
        }
        (b, a) => {
            if !canon_eq(b, a) {
                out.push(RawChange {
                    pointer: at.clone(),
                    op: Op::Changed,
                    before: Some(Before::Node(before)),
                    after: Some(Before::Node(after)),
                });
            }
        }
    }
}

/// Ids of every element when every element is an object with a unique string id.
pub fn unique_ids<'n>(items: &'n [Node<'_>], id_key: &str) -> Option<Vec<&'n str>> {
    let ids: Vec<&str> = items
        .iter()
        .map(|n| id_of(n, id_key))
        .collect::<Option<_>>()?;
    let set: HashSet<&str> = ids.iter().copied().collect();
    (set.len() == ids.len()).then_some(ids)
}

/// Above this many elements left to align (both sides together, common ends trimmed), arrays
/// are not aligned with Myers (whose cost grows with the product of length and edit count):
/// equal-length arrays are compared position by position if at most this many positions
/// differ, and otherwise the array is reported as one replaced value.
pub const ALIGN_LIMIT: usize = 4096;

/// A diff operation over the trimmed middle, moved back to whole-array indices.
fn shifted(op: DiffOp, by: usize) -> DiffOp {
    match op {
        DiffOp::Equal {
            old_index,
            new_index,
            len,
        } => DiffOp::Equal {
            old_index: old_index + by,
            new_index: new_index + by,
            len,
        },
        DiffOp::Delete {
            old_index,
            old_len,
            new_index,
        } => DiffOp::Delete {
            old_index: old_index + by,
            old_len,
            new_index: new_index + by,
        },
        DiffOp::Insert {
            old_index,
            new_index,
            new_len,
        } => DiffOp::Insert {
            old_index: old_index + by,
            new_index: new_index + by,
            new_len,
        },
        DiffOp::Replace {
            old_index,
            old_len,
            new_index,
            new_len,
        } => DiffOp::Replace {
            old_index: old_index + by,
            old_len,
            new_index: new_index + by,
            new_len,
        },
    }
}

fn diff_arrays<'n, 'a>(
    (parent_before, parent_after): (&'n Node<'a>, &'n Node<'a>),
    before: &'n [Node<'a>],
    after: &'n [Node<'a>],
    id_key: &str,
    at: &mut Pointer,
    out: &mut Vec<RawChange<'n, 'a>>,
) {
    if before.len() == after.len()
        && before
            .iter()
            .zip(after)
            .all(|(b, a)| canon_eq(&b.value, &a.value))
    {
        return;
    }
    if !before.is_empty() && !after.is_empty() {
        if let (Some(bids), Some(aids)) = (unique_ids(before, id_key), unique_ids(after, id_key)) {
            diff_by_id(before, after, &bids, &aids, id_key, at, out);
            return;
        }
    }
    // Common ends cost nothing to align (compared in place, nothing hashed): only the middle
    // is hashed and aligned, so one change in a long array costs one pass and no memory.
    let same = |(b, a): &(&Node<'_>, &Node<'_>)| canon_eq(&b.value, &a.value);
    let prefix = before.iter().zip(after).take_while(same).count();
    let suffix = before[prefix..]
        .iter()
        .rev()
        .zip(after[prefix..].iter().rev())
        .take_while(same)
        .count();
    let bmid = &before[prefix..before.len() - suffix];
    let amid = &after[prefix..after.len() - suffix];
    let bh: Vec<_> = bmid.iter().map(canonical::hash).collect();
    let ah: Vec<_> = amid.iter().map(canonical::hash).collect();
    if bh.len() + ah.len() > ALIGN_LIMIT {
        // Myers is O((N+M)·D): a reversed array of 50k numbers would take seconds.
        let differing = bh.iter().zip(&ah).filter(|(b, a)| b != a).count();
        if bh.len() == ah.len() && differing <= ALIGN_LIMIT {
            // Same length, few positions differ: values edited in place, paired by position.
            for (k, (b, a)) in bh.iter().zip(&ah).enumerate() {
                if b != a {
                    at.push((prefix + k).to_string());
                    diff(&bmid[k], &amid[k], id_key, at, out);
                    at.pop();
                }
            }
        } else {
            // Too much moved to align cheaply: the array is reported as replaced.
            out.push(RawChange {
                pointer: at.clone(),
                op: Op::Changed,
                before: Some(Before::Node(parent_before)),
                after: Some(Before::Node(parent_after)),
            });
        }
        return;
    }
    let ops = capture_diff_slices(Algorithm::Myers, &bh, &ah);
    for op in ops {
        match shifted(op, prefix) {
            DiffOp::Equal { .. } => {}
            DiffOp::Delete {
                old_index, old_len, ..
            } => removed(before, old_index..old_index + old_len, at, out),
            DiffOp::Insert {
                new_index, new_len, ..
            } => added(after, new_index..new_index + new_len, at, out),
            DiffOp::Replace {
                old_index,
                old_len,
                new_index,
                new_len,
            } => {
                let paired = old_len.min(new_len);
                for k in 0..paired {
                    at.push((new_index + k).to_string());
                    diff(
                        &before[old_index + k],
                        &after[new_index + k],
                        id_key,
                        at,
                        out,
                    );
                    at.pop();
                }
                removed(before, old_index + paired..old_index + old_len, at, out);
                added(after, new_index + paired..new_index + new_len, at, out);
            }
        }
    }
}

fn removed<'n, 'a>(
    items: &'n [Node<'a>],
    range: std::ops::Range<usize>,
    at: &Pointer,
    out: &mut Vec<RawChange<'n, 'a>>,
) {
    for i in range {
        out.push(RawChange {
            pointer: at.child(i.to_string()),
            op: Op::Removed,
            before: Some(Before::Node(&items[i])),
            after: None,
        });
    }
}

fn added<'n, 'a>(
    items: &'n [Node<'a>],
    range: std::ops::Range<usize>,
    at: &Pointer,
    out: &mut Vec<RawChange<'n, 'a>>,
) {
    for i in range {
        out.push(RawChange {
            pointer: at.child(i.to_string()),
            op: Op::Added,
            before: None,
            after: Some(Before::Node(&items[i])),
        });
    }
}

fn diff_by_id<'n, 'a>(
    before: &'n [Node<'a>],
    after: &'n [Node<'a>],
    bids: &[&str],
    aids: &[&str],
    id_key: &str,
    at: &mut Pointer,
    out: &mut Vec<RawChange<'n, 'a>>,
) {
    let bpos: HashMap<&str, usize> = bids.iter().enumerate().map(|(i, id)| (*id, i)).collect();
    let apos: HashMap<&str, usize> = aids.iter().enumerate().map(|(i, id)| (*id, i)).collect();
    for (i, id) in bids.iter().enumerate() {
        if !apos.contains_key(id) {
            removed(before, i..i + 1, at, out);
        }
    }
    for (j, id) in aids.iter().enumerate() {
        match bpos.get(id) {
            None => added(after, j..j + 1, at, out),
            Some(&i) => {
                at.push(j.to_string());
                diff(&before[i], &after[j], id_key, at, out);
                at.pop();
            }
        }
    }
    let common_before: Vec<String> = bids
        .iter()
        .filter(|id| apos.contains_key(*id))
        .map(|s| s.to_string())
        .collect();
    let common_after: Vec<String> = aids
        .iter()
        .filter(|id| bpos.contains_key(*id))
        .map(|s| s.to_string())
        .collect();
    if common_before != common_after {
        out.push(RawChange {
            pointer: at.clone(),
            op: Op::Reordered,
            before: Some(Before::Ids(common_before)),
            after: Some(Before::Ids(common_after)),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::json::{parse, Limits};

    fn changes(a: &str, b: &str) -> Vec<String> {
        let a = parse(a.as_bytes(), &Limits::default()).unwrap();
        let b = parse(b.as_bytes(), &Limits::default()).unwrap();
        let mut out = Vec::new();
        diff(&a, &b, "id", &mut Pointer::root(), &mut out);
        out.iter()
            .map(|c| {
                format!(
                    "{:?} {} {} -> {}",
                    c.op,
                    c.pointer,
                    c.before
                        .as_ref()
                        .map_or("-".into(), |v| v.to_serde().to_string()),
                    c.after
                        .as_ref()
                        .map_or("-".into(), |v| v.to_serde().to_string())
                )
            })
            .collect()
    }

    #[test]
    fn equal_documents_have_no_changes() {
        assert!(changes(r#"{"a":[1,{"b":2}],"c":1.0}"#, r#"{"c":1,"a":[1,{"b":2}]}"#).is_empty());
    }

    #[test]
    fn object_members() {
        assert_eq!(
            changes(
                r#"{"a":1,"b":{"c":2},"d":3}"#,
                r#"{"a":2,"b":{"c":2,"e":4}}"#
            ),
            [
                "Changed /a 1 -> 2",
                "Added /b/e - -> 4",
                "Removed /d 3 -> -"
            ]
        );
    }

    #[test]
    fn one_insertion_reads_as_one_insertion() {
        assert_eq!(
            changes(r#"[1,2,3,4,5]"#, r#"[1,2,9,3,4,5]"#),
            ["Added /2 - -> 9"]
        );
        assert_eq!(
            changes(r#"["a","b","c"]"#, r#"["a","c"]"#),
            ["Removed /1 \"b\" -> -"]
        );
    }

    fn numbers(v: impl Iterator<Item = usize>) -> String {
        let items: Vec<String> = v.map(|n| n.to_string()).collect();
        format!("[{}]", items.join(","))
    }

    #[test]
    fn large_arrays_are_aligned_within_a_bound() {
        let n = 50_000;
        let forward = numbers(0..n);
        // Reversed: far more to align than ALIGN_LIMIT, so reported as one replaced array.
        let reversed = numbers((0..n).rev());
        let c = changes(&forward, &reversed);
        assert_eq!(c.len(), 1);
        assert!(c[0].starts_with("Changed  [0,1,2,"), "{}", &c[0][..40]);
        // One insertion in the middle: common ends are trimmed, the rest aligned.
        let inserted = numbers((0..n / 2).chain([7_777_777]).chain(n / 2..n));
        assert_eq!(
            changes(&forward, &inserted),
            [format!("Added /{} - -> 7777777", n / 2)]
        );
        // Two values edited in place far apart: more than ALIGN_LIMIT between them, paired
        // by position.
        let edited = numbers((0..n).map(|i| match i {
            10 => 1_000_010,
            49_990 => 1_049_990,
            i => i,
        }));
        assert_eq!(
            changes(&forward, &edited),
            [
                "Changed /10 10 -> 1000010",
                "Changed /49990 49990 -> 1049990"
            ]
        );
    }

    #[test]
    fn many_keys_are_matched_by_hash() {
        let n = 50_000;
        let object = |changed: usize| {
            let members: Vec<String> = (0..n)
                .map(|i| format!("\"k{i}\":{}", if i == changed { 0 } else { i }))
                .collect();
            format!("{{{}}}", members.join(","))
        };
        assert_eq!(
            changes(&object(usize::MAX), &object(31_337)),
            ["Changed /k31337 31337 -> 0"]
        );
    }

    #[test]
    fn replaced_elements_are_diffed_inside() {
        assert_eq!(
            changes(r#"[{"x":1,"y":1},5]"#, r#"[{"x":1,"y":2},5]"#),
            ["Changed /0/y 1 -> 2"]
        );
    }

    #[test]
    fn arrays_of_identified_objects_match_by_id() {
        assert_eq!(
            changes(
                r#"[{"id":"a","v":1},{"id":"b","v":1},{"id":"c","v":1}]"#,
                r#"[{"id":"c","v":1},{"id":"a","v":2},{"id":"d","v":1}]"#
            ),
            [
                "Removed /1 {\"id\":\"b\",\"v\":1} -> -",
                "Changed /1/v 1 -> 2",
                "Added /2 - -> {\"id\":\"d\",\"v\":1}",
                "Reordered  [\"a\",\"c\"] -> [\"c\",\"a\"]"
            ]
        );
    }

    #[test]
    fn duplicate_ids_fall_back_to_alignment() {
        assert_eq!(
            changes(
                r#"[{"id":"a","v":1},{"id":"a","v":2}]"#,
                r#"[{"id":"a","v":1},{"id":"a","v":3}]"#
            ),
            ["Changed /1/v 2 -> 3"]
        );
    }

    #[test]
    fn type_changes_are_changes() {
        assert_eq!(
            changes(r#"{"a":[1]}"#, r#"{"a":{"0":1}}"#),
            ["Changed /a [1] -> {\"0\":1}"]
        );
    }

    #[test]
    fn canon_eq_ignores_member_order_in_large_objects() {
        let mut a = String::from("{");
        let mut b = String::from("{");
        for i in 0..30 {
            a.push_str(&format!("\"k{i}\":{i},"));
            b.push_str(&format!("\"k{}\":{},", 29 - i, 29 - i));
        }
        a.push_str("\"z\":0}");
        b.push_str("\"z\":0}");
        let pa = parse(a.as_bytes(), &Limits::default()).unwrap();
        let pb = parse(b.as_bytes(), &Limits::default()).unwrap();
        assert!(canon_eq(&pa.value, &pb.value));
        let c = a.replace("\"k3\":3", "\"k3\":4");
        let pc = parse(c.as_bytes(), &Limits::default()).unwrap();
        assert!(!canon_eq(&pa.value, &pc.value));
    }
}
