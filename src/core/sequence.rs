//! What a sequence *is* to the registry: its identity (`id`, else `sequenceId`, else the file
//! stem, configurable) and its movement and beat counts (a movement's `beats` array length, or
//! an integer `beats` / `beatCount` as orchestration sequences and catalogs carry). One rule,
//! used by registry generation and by the registry ↔ sequence rules alike.

use crate::core::json::{Node, Value};

pub use crate::core::config::Identity;

impl Identity {
    /// The id a document at `path` declares, or derives from its file name.
    pub fn of<'n>(&self, root: &'n Node<'_>, path: &'n str) -> Option<&'n str> {
        self.declared(root)
            .or_else(|| self.stem.then(|| stem(path)))
    }

    /// The id a document (or a catalog entry) carries under one of `keys`, if any.
    pub fn declared<'n>(&self, root: &'n Node<'_>) -> Option<&'n str> {
        self.keys.iter().find_map(|k| {
            root.value
                .get(k)
                .and_then(|n| n.value.as_str())
                .filter(|s| !s.trim().is_empty())
        })
    }
}

/// `copy` of `a/b/copy.json`; `delete.requested` of `delete.requested.json`.
pub fn stem(path: &str) -> &str {
    let name = path.rsplit('/').next().unwrap_or(path);
    name.strip_suffix(".json").unwrap_or(name)
}

/// The beats of one movement: its `beats` array's length, or an integer `beats` count, or an
/// integer `beatCount`; a movement with none of them has none. `Err` says why it cannot be
/// counted (a `beats` that is neither an array nor a non-negative integer).
pub fn beat_count(movement: &Node<'_>, number: usize) -> Result<usize, String> {
    let as_count = |n: &Node<'_>| match n.value {
        Value::Number(x) if x >= 0.0 && x.fract() == 0.0 && x <= u32::MAX as f64 => {
            Some(x as usize)
        }
        _ => None,
    };
    match movement.value.get("beats") {
        Some(b) => match &b.value {
            Value::Array(list) => Ok(list.len()),
            _ => as_count(b).ok_or_else(|| {
                format!(
                    "`beats` of movement {number} is a {}, neither an array nor a beat count",
                    b.value.type_name()
                )
            }),
        },
        None => match movement.value.get("beatCount") {
            Some(c) => as_count(c).ok_or_else(|| {
                format!(
                    "`beatCount` of movement {number} is a {}, not a beat count",
                    c.value.type_name()
                )
            }),
            None => Ok(0),
        },
    }
}

/// The movements array of a sequence, or why there is none.
pub fn movements<'n, 'a>(root: &'n Node<'a>) -> Result<&'n [Node<'a>], String> {
    match root.value.get("movements") {
        None => Err("it has no `movements`".into()),
        Some(n) => n
            .value
            .as_array()
            .ok_or_else(|| format!("`movements` is a {}, not an array", n.value.type_name())),
    }
}

/// A sequence's movement and beat counts, or why each cannot be counted: `movements` missing
/// or not an array, a movement not an object, or a beat count that is not one.
#[allow(clippy::type_complexity)]
pub fn counts(root: &Node<'_>) -> (Result<usize, String>, Result<usize, String>) {
    let movements = match movements(root) {
        Ok(list) => list,
        Err(why) => return (Err(why.clone()), Err(why)),
    };
    let mut beats = 0;
    for (i, m) in movements.iter().enumerate() {
        if m.value.as_object().is_none() {
            let why = format!(
                "movement {} is a {}, not an object",
                i + 1,
                m.value.type_name()
            );
            return (Ok(movements.len()), Err(why));
        }
        match beat_count(m, i + 1) {
            Ok(n) => beats += n,
            Err(why) => return (Ok(movements.len()), Err(why)),
        }
    }
    (Ok(movements.len()), Ok(beats))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::json::{parse, Limits};

    fn counted(text: &str) -> (Result<usize, String>, Result<usize, String>) {
        counts(&parse(text.as_bytes(), &Limits::default()).unwrap())
    }

    #[test]
    fn arrays_and_integer_counts_are_summed() {
        assert_eq!(
            counted(r#"{"movements":[{"beats":[{},{}]},{"beats":3},{"beatCount":4},{}]}"#),
            (Ok(4), Ok(9))
        );
    }

    #[test]
    fn a_beats_that_is_not_a_count_cannot_be_counted() {
        let (m, b) = counted(r#"{"movements":[{"beats":"x"}]}"#);
        assert_eq!(m, Ok(1));
        assert!(b.unwrap_err().contains("neither an array nor a beat count"));
        let (_, b) = counted(r#"{"movements":[{"beats":-1}]}"#);
        assert!(b.is_err());
        let (m, _) = counted(r#"{"movements":{}}"#);
        assert!(m.unwrap_err().contains("not an array"));
    }

    #[test]
    fn identity_is_id_then_sequence_id_then_stem() {
        let ident = Identity::default();
        fn p(t: &str) -> Node<'_> {
            parse(t.as_bytes(), &Limits::default()).unwrap()
        }
        assert_eq!(
            ident.of(&p(r#"{"id":"a","sequenceId":"b"}"#), "x/s.json"),
            Some("a")
        );
        assert_eq!(
            ident.of(&p(r#"{"id":"","sequenceId":"b"}"#), "x/s.json"),
            Some("b")
        );
        assert_eq!(ident.of(&p(r#"{}"#), "x/drag.end.json"), Some("drag.end"));
        let strict = Identity {
            keys: vec!["key".into()],
            stem: false,
        };
        assert_eq!(strict.of(&p(r#"{"id":"a"}"#), "x/s.json"), None);
    }
}
