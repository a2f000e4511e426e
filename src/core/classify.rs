//! The one table that decides whether a change is `structural` or `metadata`.
//!
//! A change's class is decided by walking its JSON Pointer from the item's root: the first
//! token (array indices skipped) found in either list decides; a pointer with no listed
//! token is structural, so an unknown field is never silently demoted.

use serde::Serialize;

/// How much a change matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Class {
    /// Changes what runs: shape, wiring, timing, identity.
    Structural,
    /// Changes only what people read.
    Metadata,
}

impl Class {
    pub fn as_str(self) -> &'static str {
        match self {
            Class::Structural => "structural",
            Class::Metadata => "metadata",
        }
    }
}

/// Fields whose change is structural. `phases` covers a domain's `sketch.phases`.
pub const STRUCTURAL: &[&str] = &[
    "id",
    "movements",
    "beats",
    "beat",
    "number",
    "tempo",
    "key",
    "timeSignature",
    "category",
    "sequenceFile",
    "pluginId",
    "status",
    "relatedDomains",
    "phases",
    "event",
    "handler",
    "handlers",
    "events",
    "kind",
    "timing",
    "dynamics",
    "parent",
    "domains",
];

/// Fields whose change is metadata only.
pub const METADATA: &[&str] = &[
    "name",
    "title",
    "description",
    "description_long",
    "purpose",
    "emoji",
    "metadata",
];

/// The class of a change at `tokens` (relative to the item that changed).
pub fn classify(tokens: &[String]) -> Class {
    for token in tokens {
        if token.bytes().all(|b| b.is_ascii_digit()) {
            continue;
        }
        if STRUCTURAL.contains(&token.as_str()) {
            return Class::Structural;
        }
        if METADATA.contains(&token.as_str()) {
            return Class::Metadata;
        }
    }
    Class::Structural
}

#[cfg(test)]
mod tests {
    use super::*;

    fn class(p: &str) -> Class {
        classify(crate::core::json::Pointer::parse(p).unwrap().tokens())
    }

    #[test]
    fn the_documented_table() {
        for p in [
            "/movements",
            "/beats",
            "/tempo",
            "/key",
            "/timeSignature",
            "/category",
            "/sequenceFile",
            "/pluginId",
            "/status",
            "/relatedDomains/0",
            "/sketch/phases/0/items/1",
            "/sketch/phases/0/name",
            "/sketch/sequence/tempo",
            "/unknownField",
        ] {
            assert_eq!(class(p), Class::Structural, "{p}");
        }
        for p in [
            "/name",
            "/description",
            "/purpose",
            "/emoji",
            "/sketch/title",
            "/sketch/sequence/name",
            "/metadata/version",
        ] {
            assert_eq!(class(p), Class::Metadata, "{p}");
        }
    }

    #[test]
    fn no_field_is_in_both_lists() {
        for s in STRUCTURAL {
            assert!(!METADATA.contains(s), "{s}");
        }
    }
}
