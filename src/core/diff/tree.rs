//! Generic JSON tree diff by pointer: objects by key, arrays of identified objects by id,
//! other arrays aligned with `similar` over element hashes so one insertion reads as one.

use std::collections::{HashMap, HashSet};

use similar::{capture_diff_slices, Algorithm, DiffOp};

use crate::core::json::canonical::cmp_utf16;
use crate::core::json::{canonical, Node, Pointer, Value};

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
            let mut keys: Vec<&str> = bm.iter().map(|m| m.key.as_ref()).collect();
            for m in am {
                if !bm.iter().any(|b| b.key == m.key) {
                    keys.push(&m.key);
                }
            }
            keys.sort_by(|a, b| cmp_utf16(a, b));
            for key in keys {
                let b = bm.iter().find(|m| m.key == key);
                let a = am.iter().find(|m| m.key == key);
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
        (Value::Array(bi), Value::Array(ai)) => diff_arrays(bi, ai, id_key, at, out),
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

fn diff_arrays<'n, 'a>(
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
    let bh: Vec<_> = before.iter().map(canonical::hash).collect();
    let ah: Vec<_> = after.iter().map(canonical::hash).collect();
    for op in capture_diff_slices(Algorithm::Myers, &bh, &ah) {
        match op {
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
