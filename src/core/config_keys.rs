//! The audit.toml key reference read off the configuration's own deserializer, so the documented
//! list of tables and keys is generated from the code and cannot drift from what is accepted.
//!
//! Every table of audit.toml is a `deny_unknown_fields` struct, so a document holding one
//! unknown key in a table is refused with serde's "unknown field `…`, expected one of `a`, `b`"
//! — the table's keys, as the parser knows them. [`explore`] walks the tables from the top,
//! probing each key to learn whether it is a table, an array of tables, a map whose keys the
//! user chooses (such as `[rules]`), or a value. The probe is the real parser (no copy of the
//! key list exists anywhere else).

/// One table of audit.toml and its keys.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableKeys {
    /// As written in audit.toml: `[limits]`, `[[artifact]]`, `[artifact.rules]`; empty for the
    /// top level.
    pub header: String,
    /// The keys holding values (not tables), in the order the parser lists them.
    pub keys: Vec<String>,
    /// The user chooses the keys (a rule id, a category, a domain id).
    pub free: bool,
}

/// What a key of a table holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    Value,
    Table,
    ArrayOfTables,
    FreeMap,
}

const PROBE: &str = "zz-probe";

/// The tables and keys `parse` accepts. `parse` deserializes a whole document into the raw
/// configuration and returns the error message, if any; it is never given a file.
pub fn explore(parse: &dyn Fn(&str) -> Result<(), String>) -> Vec<TableKeys> {
    let mut out = Vec::new();
    walk(parse, &[], &mut out);
    out
}

/// A path segment: a key, and whether it is an array of tables.
type Seg = (String, bool);

fn walk(parse: &dyn Fn(&str) -> Result<(), String>, path: &[Seg], out: &mut Vec<TableKeys>) {
    let Some(fields) = fields_of(parse, path) else {
        return;
    };
    let mut keys = Vec::new();
    let mut children = Vec::new();
    for field in fields {
        match shape(parse, path, &field) {
            Shape::Value => keys.push(field),
            Shape::Table => children.push((field, false, false)),
            Shape::ArrayOfTables => children.push((field, true, false)),
            Shape::FreeMap => children.push((field, false, true)),
        }
    }
    out.push(TableKeys {
        header: header(path),
        keys,
        free: false,
    });
    for (field, array, free) in children {
        let mut child = path.to_vec();
        child.push((field, array));
        if free {
            out.push(TableKeys {
                header: header(&child),
                keys: Vec::new(),
                free: true,
            });
        } else {
            walk(parse, &child, out);
        }
    }
}

/// `[a.b]`, `[[a.b]]`, or "" for the top level.
fn header(path: &[Seg]) -> String {
    let Some((_, array)) = path.last() else {
        return String::new();
    };
    let dotted = path
        .iter()
        .map(|(k, _)| k.as_str())
        .collect::<Vec<_>>()
        .join(".");
    if *array {
        format!("[[{dotted}]]")
    } else {
        format!("[{dotted}]")
    }
}

/// A document opening the table at `path` (with every array-of-tables ancestor opened first, so
/// a child table belongs to its element) followed by `body`.
fn document(path: &[Seg], body: &str) -> String {
    let mut text = String::new();
    for end in 1..path.len() {
        if path[end - 1].1 {
            text.push_str(&header(&path[..end]));
            text.push('\n');
        }
    }
    if !path.is_empty() {
        text.push_str(&header(path));
        text.push('\n');
    }
    text.push_str(body);
    text
}

/// The keys serde lists for the table at `path`, or `None` when it is not a struct.
fn fields_of(parse: &dyn Fn(&str) -> Result<(), String>, path: &[Seg]) -> Option<Vec<String>> {
    let message = parse(&document(path, &format!("{PROBE} = 0\n"))).err()?;
    expected_fields(&message)
}

/// The field list in serde's unknown-field message for the probe key.
fn expected_fields(message: &str) -> Option<Vec<String>> {
    let at = message.find(&format!("unknown field `{PROBE}`"))?;
    let rest = &message[at..];
    let line = rest.lines().next().unwrap_or(rest);
    if line.contains("there are no fields") {
        return Some(Vec::new());
    }
    let list = &line[line.find("expected")?..];
    Some(
        list.split('`')
            .skip(1)
            .step_by(2)
            .map(str::to_string)
            .collect(),
    )
}

fn shape(parse: &dyn Fn(&str) -> Result<(), String>, path: &[Seg], field: &str) -> Shape {
    let mut table = path.to_vec();
    table.push((field.to_string(), false));
    let as_table = parse(&document(&table, &format!("{PROBE} = 0\n")));
    let message = match as_table {
        Err(m) => m,
        // A table took an arbitrary key with an integer: a map whose keys are free.
        Ok(()) => return Shape::FreeMap,
    };
    if expected_fields(&message).is_some() {
        return Shape::Table;
    }
    if message.contains("invalid type: map, expected a sequence") {
        let mut array = path.to_vec();
        array.push((field.to_string(), true));
        if fields_of(parse, &array).is_some() {
            return Shape::ArrayOfTables;
        }
        return Shape::Value;
    }
    if message.contains("invalid type: map") {
        return Shape::Value;
    }
    // The key was taken and its value refused: a free map, if an empty table is accepted (a
    // missing required field of an enclosing table is not this key's concern).
    match parse(&document(&table, "")) {
        Ok(()) => Shape::FreeMap,
        Err(m) if m.contains("missing field") => Shape::FreeMap,
        Err(_) => Shape::Value,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serde_messages_are_read_for_one_many_and_no_fields() {
        assert_eq!(
            expected_fields("unknown field `zz-probe`, expected one of `a`, `b-c`"),
            Some(vec!["a".to_string(), "b-c".to_string()])
        );
        assert_eq!(
            expected_fields("TOML parse error\nunknown field `zz-probe`, expected `path`\n"),
            Some(vec!["path".to_string()])
        );
        assert_eq!(
            expected_fields("unknown field `zz-probe`, there are no fields"),
            Some(Vec::new())
        );
        assert_eq!(
            expected_fields("invalid type: map, expected a string"),
            None
        );
        assert_eq!(expected_fields("unknown field `other`, expected `a`"), None);
    }

    #[test]
    fn documents_open_array_ancestors_first() {
        let path = vec![("artifact".to_string(), true), ("rules".to_string(), false)];
        assert_eq!(
            document(&path, "x = 1\n"),
            "[[artifact]]\n[artifact.rules]\nx = 1\n"
        );
        assert_eq!(document(&[], "x = 1\n"), "x = 1\n");
    }
}
