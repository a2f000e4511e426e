//! RFC 6901 JSON Pointers: parsing, formatting and resolving against a parsed tree.

use std::fmt;

use super::value::{Node, Value};

/// A parsed JSON Pointer: its reference tokens, unescaped.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Pointer {
    tokens: Vec<String>,
}

/// Why a pointer string is not a JSON Pointer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PointerError(pub String);

impl fmt::Display for PointerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for PointerError {}

impl Pointer {
    /// The whole document.
    pub fn root() -> Pointer {
        Pointer::default()
    }

    pub fn parse(text: &str) -> Result<Pointer, PointerError> {
        if text.is_empty() {
            return Ok(Pointer::root());
        }
        let Some(rest) = text.strip_prefix('/') else {
            return Err(PointerError(format!(
                "{text:?} is not a JSON Pointer: it must be empty or start with '/'"
            )));
        };
        let mut tokens = Vec::new();
        for raw in rest.split('/') {
            let mut token = String::with_capacity(raw.len());
            let mut chars = raw.chars();
            while let Some(c) = chars.next() {
                if c == '~' {
                    match chars.next() {
                        Some('0') => token.push('~'),
                        Some('1') => token.push('/'),
                        _ => {
                            return Err(PointerError(format!(
                                "{text:?} is not a JSON Pointer: '~' must be followed by '0' or '1'"
                            )))
                        }
                    }
                } else {
                    token.push(c);
                }
            }
            tokens.push(token);
        }
        Ok(Pointer { tokens })
    }

    pub fn tokens(&self) -> &[String] {
        &self.tokens
    }

    pub fn is_root(&self) -> bool {
        self.tokens.is_empty()
    }

    /// This pointer extended by one token.
    pub fn child(&self, token: impl Into<String>) -> Pointer {
        let mut tokens = self.tokens.clone();
        tokens.push(token.into());
        Pointer { tokens }
    }

    pub fn push(&mut self, token: impl Into<String>) {
        self.tokens.push(token.into());
    }

    pub fn pop(&mut self) {
        self.tokens.pop();
    }

    /// This pointer followed by all of `other`'s tokens.
    pub fn join(&self, other: &Pointer) -> Pointer {
        let mut tokens = self.tokens.clone();
        tokens.extend(other.tokens.iter().cloned());
        Pointer { tokens }
    }

    /// The node this pointer names in `root`, if any.
    pub fn resolve<'n, 'a>(&self, root: &'n Node<'a>) -> Option<&'n Node<'a>> {
        let mut node = root;
        for token in &self.tokens {
            node = match &node.value {
                Value::Object(members) => &members.iter().find(|m| m.key == token.as_str())?.node,
                Value::Array(items) => items.get(array_index(token)?)?,
                _ => return None,
            };
        }
        Some(node)
    }

    /// The byte offset where what this pointer names starts: the member's key for an object
    /// member, else the value. Falls back to the deepest existing ancestor.
    pub fn locate(&self, root: &Node<'_>) -> usize {
        let mut node = root;
        let mut offset = root.offset;
        for token in &self.tokens {
            match &node.value {
                Value::Object(members) => match members.iter().find(|m| m.key == token.as_str()) {
                    Some(m) => {
                        offset = m.key_offset;
                        node = &m.node;
                    }
                    None => break,
                },
                Value::Array(items) => match array_index(token).and_then(|i| items.get(i)) {
                    Some(item) => {
                        offset = item.offset;
                        node = item;
                    }
                    None => break,
                },
                _ => break,
            }
        }
        offset
    }
}

/// An array index token as RFC 6901 spells it: `0` or digits without a leading zero.
pub fn array_index(token: &str) -> Option<usize> {
    if token.is_empty() || (token.len() > 1 && token.starts_with('0')) {
        return None;
    }
    if !token.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    token.parse().ok()
}

impl fmt::Display for Pointer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for token in &self.tokens {
            f.write_str("/")?;
            for c in token.chars() {
                match c {
                    '~' => f.write_str("~0")?,
                    '/' => f.write_str("~1")?,
                    c => fmt::Write::write_char(f, c)?,
                }
            }
        }
        Ok(())
    }
}

impl serde::Serialize for Pointer {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::json::parse::{parse, Limits};

    #[test]
    fn round_trips_rfc6901_examples() {
        for text in [
            "", "/foo", "/foo/0", "/", "/a~1b", "/c%d", "/e^f", "/g|h", "/i\\j", "/k\"l", "/ ",
            "/m~0n",
        ] {
            let p = Pointer::parse(text).unwrap();
            assert_eq!(p.to_string(), text);
        }
        assert_eq!(Pointer::parse("/a~1b").unwrap().tokens(), ["a/b"]);
        assert_eq!(Pointer::parse("/m~0n").unwrap().tokens(), ["m~n"]);
        assert_eq!(Pointer::parse("/").unwrap().tokens(), [""]);
    }

    #[test]
    fn refuses_malformed_pointers() {
        assert!(Pointer::parse("foo").is_err());
        assert!(Pointer::parse("/a~2").is_err());
        assert!(Pointer::parse("/a~").is_err());
    }

    #[test]
    fn resolves_against_rfc6901_document() {
        let doc = br#"{"foo":["bar","baz"],"":0,"a/b":1,"m~n":8}"#;
        let root = parse(doc, &Limits::default()).unwrap();
        let get = |p: &str| {
            Pointer::parse(p)
                .unwrap()
                .resolve(&root)
                .map(|n| n.value.clone())
        };
        assert_eq!(get("/foo/0"), Some(Value::String("bar".into())));
        assert_eq!(get("/"), Some(Value::Number(0.0)));
        assert_eq!(get("/a~1b"), Some(Value::Number(1.0)));
        assert_eq!(get("/m~0n"), Some(Value::Number(8.0)));
        assert_eq!(get("/foo/01"), None);
        assert_eq!(get("/foo/2"), None);
        assert_eq!(get("/nope"), None);
    }

    #[test]
    fn locates_keys_and_falls_back_to_ancestors() {
        let doc = b"{\n  \"a\": [10, 20]\n}";
        let root = parse(doc, &Limits::default()).unwrap();
        assert_eq!(Pointer::parse("/a").unwrap().locate(&root), 4);
        assert_eq!(Pointer::parse("/a/1").unwrap().locate(&root), 14);
        assert_eq!(Pointer::parse("/a/9").unwrap().locate(&root), 4);
        assert_eq!(Pointer::parse("").unwrap().locate(&root), 0);
    }
}
