//! Embedded integrity locks: the block's content, verifying it, and writing it into a file
//! while keeping the file's indentation, key order, newline style and trailing newline.

use crate::core::config::Kind;
use crate::core::json::span::value_end;
use crate::core::json::{Digest32, Node, Value};

/// The algorithm label git-audit writes and verifies: SHA-256 over the RFC 8785 form.
pub const ALGORITHM: &str = "sha256-jcs";

/// What a lock records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    pub canonical: Digest32,
    /// Useful counts (domains; movements and beats), in output order.
    pub counts: Vec<(&'static str, usize)>,
}

impl Block {
    /// The block for a document (exclusions already applied) of `kind`.
    pub fn new(kind: Kind, root: &Node<'_>, canonical: Digest32) -> Block {
        let mut counts = Vec::new();
        let len = |v: Option<&Node<'_>>| v.and_then(|n| n.value.as_array()).map(<[_]>::len);
        match kind {
            Kind::Registry => {
                if let Some(n) = len(root.value.get("domains")) {
                    counts.push(("domains", n));
                }
            }
            Kind::Sequence => {
                if let Some(movements) =
                    root.value.get("movements").and_then(|n| n.value.as_array())
                {
                    counts.push(("movements", movements.len()));
                    let beats = movements
                        .iter()
                        .filter_map(|m| len(m.value.get("beats")))
                        .sum();
                    counts.push(("beats", beats));
                }
            }
            Kind::Json => {}
        }
        Block { canonical, counts }
    }

    /// The block as a JSON object in the file's style, its closing brace at `level` indents.
    pub fn render(&self, style: &Style, level: usize) -> String {
        let mut fields = vec![
            format!("\"algorithm\"{}\"{ALGORITHM}\"", style.colon),
            format!("\"canonicalHash\"{}\"{}\"", style.colon, self.canonical),
        ];
        for (name, n) in &self.counts {
            fields.push(format!("\"{name}\"{}{n}", style.colon));
        }
        match &style.indent {
            None => format!("{{{}}}", fields.join(",")),
            Some(unit) => {
                let inner = unit.repeat(level + 1);
                let outer = unit.repeat(level);
                let nl = style.newline;
                format!(
                    "{{{nl}{inner}{}{nl}{outer}}}",
                    fields.join(&format!(",{nl}{inner}"))
                )
            }
        }
    }
}

/// How a file is laid out, detected from its root object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Style {
    /// One level of indentation; `None` for a single-line document.
    pub indent: Option<String>,
    /// What separates a key from its value: `": "` or `":"`.
    pub colon: &'static str,
    pub newline: &'static str,
}

impl Style {
    pub fn detect(bytes: &[u8], root: &Node<'_>) -> Style {
        let newline = if bytes.windows(2).any(|w| w == b"\r\n") {
            "\r\n"
        } else {
            "\n"
        };
        let members = root.value.as_object().unwrap_or(&[]);
        let Some(first) = members.first() else {
            return Style {
                indent: Some("  ".into()),
                colon: ": ",
                newline,
            };
        };
        let before_key = &bytes[root.offset + 1..first.key_offset];
        let indent = before_key.iter().rposition(|&b| b == b'\n').map(|nl| {
            let ws = &before_key[nl + 1..];
            if ws.is_empty() {
                "  ".to_string()
            } else {
                String::from_utf8_lossy(ws).into_owned()
            }
        });
        let key_end = value_end(bytes, first.key_offset);
        let between = &bytes[key_end..first.node.offset];
        let colon = if between.len() > 1 { ": " } else { ":" };
        Style {
            indent,
            colon,
            newline,
        }
    }
}

/// Whether an embedded lock holds for a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Holds,
    /// The lock records another hash.
    Mismatch {
        recorded: String,
        actual: String,
    },
    /// The block is not a lock git-audit knows how to verify.
    Unrecognised(String),
}

/// Verifies a lock block against the document's canonical hash. Blocks written by the origin
/// project's own tool (`hash` without `algorithm`) are verified with its legacy form, computed
/// on demand by `legacy`.
pub fn verify(lock: &Node<'_>, canonical: Digest32, legacy: impl FnOnce() -> Digest32) -> Verdict {
    let Some(_) = lock.value.as_object() else {
        return Verdict::Unrecognised(format!(
            "the lock field holds a {}, not an integrity block",
            lock.value.type_name()
        ));
    };
    let field = |name: &str| lock.value.get(name).map(|n| &n.value);
    match (field("algorithm"), field("canonicalHash"), field("hash")) {
        (Some(Value::String(alg)), Some(Value::String(recorded)), _) if alg == ALGORITHM => {
            compare(recorded, canonical)
        }
        (Some(Value::String(alg)), None, _) if alg == ALGORITHM => Verdict::Unrecognised(format!(
            "the {ALGORITHM:?} block has no `canonicalHash` field"
        )),
        (Some(Value::String(alg)), Some(other), _) if alg == ALGORITHM => {
            Verdict::Unrecognised(format!(
                "the {ALGORITHM:?} block's `canonicalHash` is a {}, not a string",
                other.type_name()
            ))
        }
        (Some(Value::String(alg)), _, _) => Verdict::Unrecognised(format!(
            "unknown lock algorithm {:?} (git-audit writes {ALGORITHM:?})",
            crate::core::json::parse::clip(alg)
        )),
        (None, None, Some(Value::String(recorded))) => compare(recorded, legacy()),
        _ => Verdict::Unrecognised(
            "the integrity block has neither `algorithm` + `canonicalHash` nor a legacy `hash`"
                .into(),
        ),
    }
}

fn compare(recorded: &str, actual: Digest32) -> Verdict {
    if recorded.eq_ignore_ascii_case(&actual.hex()) {
        Verdict::Holds
    } else {
        Verdict::Mismatch {
            recorded: recorded.to_string(),
            actual: actual.hex(),
        }
    }
}

/// Writes `block` under the root member `field` of the document `bytes` (parsed, with nothing
/// excluded, as `root`): replaces an existing value in place, else appends the member last.
/// Everything else keeps its bytes. `None` when the root is not an object.
pub fn embed(bytes: &[u8], root: &Node<'_>, field: &str, block: &Block) -> Option<Vec<u8>> {
    let members = root.value.as_object()?;
    let style = Style::detect(bytes, root);
    let mut out = Vec::with_capacity(bytes.len() + 200);
    if let Some(existing) = members.iter().find(|m| m.key == field) {
        let start = existing.node.offset;
        let end = value_end(bytes, start);
        out.extend_from_slice(&bytes[..start]);
        out.extend_from_slice(block.render(&style, 1).as_bytes());
        out.extend_from_slice(&bytes[end..]);
        return Some(out);
    }
    let root_end = value_end(bytes, root.offset);
    let close = root_end - 1; // the root's '}'
    let key = crate::core::json::canonical::to_string(&Value::String(field.into()));
    let member = format!("{key}{}{}", style.colon, block.render(&style, 1));
    let insert_at = match members.last() {
        Some(last) => value_end(bytes, last.node.offset),
        None => root.offset + 1,
    };
    out.extend_from_slice(&bytes[..insert_at]);
    if !members.is_empty() {
        out.push(b',');
    }
    match &style.indent {
        Some(unit) => {
            out.extend_from_slice(style.newline.as_bytes());
            out.extend_from_slice(unit.as_bytes());
            out.extend_from_slice(member.as_bytes());
            if members.is_empty() {
                out.extend_from_slice(style.newline.as_bytes());
            }
        }
        None => out.extend_from_slice(member.as_bytes()),
    }
    if members.is_empty() {
        out.extend_from_slice(&bytes[close..]);
    } else {
        out.extend_from_slice(&bytes[insert_at..]);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::config::Config;
    use crate::core::json::{canonical, parse, Limits};

    fn lock(text: &str) -> String {
        let config = Config::builtin();
        let art = config.governing("orchestration-domains.json").unwrap();
        let parsed =
            crate::core::artifact::analyze(text.as_bytes(), art, &Limits::default()).unwrap();
        let block = Block::new(Kind::Registry, &parsed.root, parsed.hashes.canonical);
        let full = parse(text.as_bytes(), &Limits::default()).unwrap();
        String::from_utf8(embed(text.as_bytes(), &full, "integrity", &block).unwrap()).unwrap()
    }

    const PRETTY: &str = "{\n  \"b\": 1,\n  \"domains\": [\n    {\"id\": \"x\"}\n  ]\n}\n";

    #[test]
    fn appends_in_the_files_style_and_is_idempotent() {
        let once = lock(PRETTY);
        let hash = crate::core::artifact::analyze(
            PRETTY.as_bytes(),
            Config::builtin()
                .governing("orchestration-domains.json")
                .unwrap(),
            &Limits::default(),
        )
        .unwrap()
        .hashes
        .canonical;
        assert_eq!(
            once,
            format!("{{\n  \"b\": 1,\n  \"domains\": [\n    {{\"id\": \"x\"}}\n  ],\n  \"integrity\": {{\n    \"algorithm\": \"sha256-jcs\",\n    \"canonicalHash\": \"{hash}\",\n    \"domains\": 1\n  }}\n}}\n")
        );
        assert_eq!(lock(&once), once);
    }

    #[test]
    fn keeps_tabs_crlf_compact_and_missing_trailing_newline() {
        let tabs = "{\r\n\t\"a\": 1\r\n}";
        let out = lock(tabs);
        assert!(
            out.starts_with("{\r\n\t\"a\": 1,\r\n\t\"integrity\": {\r\n\t\t\"algorithm\""),
            "{out:?}"
        );
        assert!(out.ends_with("\r\n\t}\r\n}"), "{out:?}");
        assert_eq!(lock(&out), out);
        let compact = r#"{"a":1}"#;
        let out = lock(compact);
        assert!(
            out.starts_with(r#"{"a":1,"integrity":{"algorithm":"sha256-jcs","canonicalHash":""#),
            "{out}"
        );
        assert!(out.ends_with(r#"}}"#));
        assert_eq!(lock(&out), out);
        let empty = lock("{}\n");
        assert!(empty.starts_with("{\n  \"integrity\": {"), "{empty:?}");
        assert!(empty.ends_with("\n  }\n}\n"), "{empty:?}");
    }

    #[test]
    fn replaces_an_existing_block_in_place() {
        let text = "{\n  \"integrity\": {\"hash\": \"old\"},\n  \"a\": 1\n}\n";
        let out = lock(text);
        assert!(
            out.starts_with("{\n  \"integrity\": {\n    \"algorithm\""),
            "{out}"
        );
        assert!(out.ends_with("  },\n  \"a\": 1\n}\n"), "{out}");
    }

    #[test]
    fn the_block_is_not_part_of_its_own_hash() {
        let config = Config::builtin();
        let art = config.governing("orchestration-domains.json").unwrap();
        let locked = lock(PRETTY);
        let a = crate::core::artifact::analyze(PRETTY.as_bytes(), art, &Limits::default()).unwrap();
        let b = crate::core::artifact::analyze(locked.as_bytes(), art, &Limits::default()).unwrap();
        assert_eq!(a.hashes.canonical, b.hashes.canonical);
        assert_eq!(
            verify(
                b.lock.as_ref().unwrap(),
                b.hashes.canonical,
                || unreachable!()
            ),
            Verdict::Holds
        );
    }

    #[test]
    fn verdicts() {
        let h = canonical::sha256(b"x");
        let other = canonical::sha256(b"y");
        fn block(t: &str) -> Node<'_> {
            parse(t.as_bytes(), &Limits::default()).unwrap()
        }
        let ours = format!(r#"{{"algorithm":"sha256-jcs","canonicalHash":"{h}"}}"#);
        assert_eq!(verify(&block(&ours), h, || other), Verdict::Holds);
        assert!(matches!(
            verify(&block(&ours), other, || other),
            Verdict::Mismatch { .. }
        ));
        let legacy = format!(r#"{{"hash":"{h}","size":1}}"#);
        assert_eq!(verify(&block(&legacy), other, || h), Verdict::Holds);
        assert!(matches!(
            verify(&block(&legacy), h, || other),
            Verdict::Mismatch { .. }
        ));
        assert!(matches!(
            verify(
                &block(r#"{"algorithm":"md5","canonicalHash":"x"}"#),
                h,
                || h
            ),
            Verdict::Unrecognised(_)
        ));
        assert!(matches!(
            verify(&block(r#"{"x":1}"#), h, || h),
            Verdict::Unrecognised(_)
        ));
        assert!(matches!(
            verify(&block(r#""str""#), h, || h),
            Verdict::Unrecognised(_)
        ));
        assert_eq!(
            verify(&block(r#"{"algorithm":"sha256-jcs"}"#), h, || h),
            Verdict::Unrecognised("the \"sha256-jcs\" block has no `canonicalHash` field".into())
        );
        assert!(matches!(
            verify(&block(r#"{"algorithm":"sha256-jcs","canonicalHash":1}"#), h, || h),
            Verdict::Unrecognised(m) if m.contains("is a number, not a string")
        ));
    }

    #[test]
    fn sequence_counts() {
        let doc = parse(
            br#"{"movements":[{"beats":[1,2]},{"beats":[3]}]}"#,
            &Limits::default(),
        )
        .unwrap();
        let b = Block::new(Kind::Sequence, &doc, canonical::sha256(b""));
        assert_eq!(b.counts, [("movements", 2), ("beats", 3)]);
    }
}
