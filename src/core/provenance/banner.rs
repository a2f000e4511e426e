//! Provenance banners: the one git-audit writes (`<!-- git-audit docs`) and the one the origin
//! project already uses (`<!-- AUTO-GENERATED`, with `Sources:`, `Source-Hashes:`,
//! `Doc-Hash:`), read into one model; the body they vouch for; and our banner's text.
//!
//! No timestamps are written: the same snapshot renders the same bytes.

use crate::core::config::DocSource;
use crate::core::json::Digest32;

/// The first line of a banner git-audit writes.
pub const MARK: &str = "<!-- git-audit docs: generated from JSON, do not edit";
/// How the origin project's banners start.
pub const ORIGIN_MARK: &str = "<!-- AUTO-GENERATED";

/// Which banner a doc carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Mechanism {
    /// Written by `git audit docs render`: canonical hashes of pointer subtrees.
    GitAudit,
    /// The origin project's banner: SHA-256 of each source file's bytes.
    Origin,
    /// No banner.
    None,
}

impl Mechanism {
    pub fn as_str(self) -> &'static str {
        match self {
            Mechanism::GitAudit => "git-audit",
            Mechanism::Origin => "origin",
            Mechanism::None => "none",
        }
    }
}

/// One source (or the template) as a banner records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recorded {
    /// Repository path.
    pub path: String,
    /// RFC 6901 pointer text, when the banner names a subtree.
    pub pointer: Option<String>,
    /// Lowercase hex SHA-256, when the banner records one.
    pub hash: Option<String>,
}

/// What a banner says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Banner {
    pub mechanism: Mechanism,
    /// The template a git-audit banner records (its bytes' hash).
    pub template: Option<Recorded>,
    pub sources: Vec<Recorded>,
    /// The recorded hash of the body, lowercase hex.
    pub doc_hash: Option<String>,
    /// The command that regenerates the doc, as recorded.
    pub regenerate: Option<String>,
}

/// A doc split into its banner (if it carries one) and the body the banner's `Doc-Hash`
/// covers: everything after the closing `-->`, leading whitespace removed (as the origin's
/// verifier computes it).
pub fn split(text: &str) -> (Option<Banner>, &str) {
    let mechanism = if text.starts_with(MARK) {
        Mechanism::GitAudit
    } else if text.starts_with(ORIGIN_MARK) {
        Mechanism::Origin
    } else {
        return (None, text);
    };
    let Some(end) = text.find("-->") else {
        return (None, text);
    };
    let head = &text[..end];
    let body = text[end + 3..].trim_start_matches(is_js_space);
    let banner = match mechanism {
        Mechanism::GitAudit => ours(head),
        _ => origin(head),
    };
    (Some(banner), body)
}

/// The body's hash, as `Doc-Hash` records it: SHA-256 of its UTF-8 bytes, lowercase hex.
pub fn body_hash(body: &str) -> String {
    crate::core::json::canonical::sha256(body.as_bytes()).hex()
}

/// ECMAScript's `trimStart` white space (the origin computed its hashes in JavaScript).
fn is_js_space(c: char) -> bool {
    c.is_whitespace() || c == '\u{feff}'
}

/// Lines `Key: value` of a banner head.
fn fields(head: &str) -> impl Iterator<Item = (&str, &str)> {
    head.lines().filter_map(|line| {
        let (k, v) = line.split_once(':')?;
        let k = k.trim();
        (!k.is_empty() && !k.contains(' ')).then(|| (k, v.trim()))
    })
}

fn hex_hash(text: &str) -> Option<String> {
    let t = text.trim();
    (t.len() == 64 && t.bytes().all(|b| b.is_ascii_hexdigit())).then(|| t.to_ascii_lowercase())
}

fn origin(head: &str) -> Banner {
    let mut sources: Vec<Recorded> = Vec::new();
    let mut doc_hash = None;
    let mut regenerate = None;
    let mut hashes: Vec<(String, String)> = Vec::new();
    for (key, value) in fields(head) {
        match key {
            "Sources" => {
                for p in value.split(',').map(str::trim).filter(|p| !p.is_empty()) {
                    if !sources.iter().any(|s| s.path == p) {
                        sources.push(Recorded {
                            path: p.to_string(),
                            pointer: None,
                            hash: None,
                        });
                    }
                }
            }
            "Source-Hashes" => {
                for item in value.split(',').map(str::trim).filter(|p| !p.is_empty()) {
                    if let Some((p, h)) = item.rsplit_once(':') {
                        if let Some(h) = hex_hash(h) {
                            hashes.push((p.trim().to_string(), h));
                        }
                    }
                }
            }
            "Doc-Hash" => doc_hash = hex_hash(value),
            "Regenerate" => regenerate = Some(value.to_string()),
            _ => {}
        }
    }
    for (path, hash) in hashes {
        match sources.iter_mut().find(|s| s.path == path) {
            Some(s) => s.hash = Some(hash),
            None => sources.push(Recorded {
                path,
                pointer: None,
                hash: Some(hash),
            }),
        }
    }
    Banner {
        mechanism: Mechanism::Origin,
        template: None,
        sources,
        doc_hash,
        regenerate,
    }
}

/// `<ref> <algorithm>:<hex>`: the reference (which may hold spaces) and the hash.
fn reference(value: &str, algorithm: &str) -> Recorded {
    let (text, hash) = match value.rsplit_once(' ') {
        Some((t, h)) => (t.trim(), h.strip_prefix(algorithm).and_then(hex_hash)),
        None => (value.trim(), None),
    };
    let (path, pointer) = match text.split_once('#') {
        Some((p, ptr)) => (p, Some(ptr.to_string())),
        None => (text, None),
    };
    Recorded {
        path: path.to_string(),
        pointer,
        hash,
    }
}

fn ours(head: &str) -> Banner {
    let mut banner = Banner {
        mechanism: Mechanism::GitAudit,
        template: None,
        sources: Vec::new(),
        doc_hash: None,
        regenerate: None,
    };
    for (key, value) in fields(head) {
        match key {
            "Template" => banner.template = Some(reference(value, "sha256:")),
            "Source" => banner.sources.push(reference(value, "jcs-sha256:")),
            "Doc-Hash" => banner.doc_hash = value.strip_prefix("sha256:").and_then(hex_hash),
            "Regenerate" => banner.regenerate = Some(value.to_string()),
            _ => {}
        }
    }
    banner
}

/// Whether overwriting a doc's `bytes` loses nothing: a render of ours whose body still
/// matches its recorded hash. Anything else (no banner, the origin's, a hand edit) is kept.
pub fn is_pristine(bytes: &[u8]) -> bool {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return false;
    };
    match split(text) {
        (Some(b), body) => {
            b.mechanism == Mechanism::GitAudit
                && b.doc_hash.as_deref() == Some(body_hash(body).as_str())
        }
        (None, _) => false,
    }
}

/// The command that regenerates `doc`.
pub fn regenerate_command(doc: &str) -> String {
    format!("git audit docs render --stage {doc}")
}

/// A rendered doc: our banner, a blank line, the body (leading white space removed, so the
/// recorded hash is the hash `split` computes).
pub fn write(
    doc: &str,
    template: (&str, Digest32),
    sources: &[(&DocSource, Digest32)],
    body: &str,
) -> String {
    let body = body.trim_start_matches(is_js_space);
    let mut out = String::new();
    out.push_str(MARK);
    out.push('\n');
    out.push_str(&format!("Template: {} sha256:{}\n", template.0, template.1));
    for (source, hash) in sources {
        out.push_str(&format!("Source: {source} jcs-sha256:{hash}\n"));
    }
    out.push_str(&format!("Doc-Hash: sha256:{}\n", body_hash(body)));
    out.push_str(&format!("Regenerate: {}\n", regenerate_command(doc)));
    out.push_str("-->\n\n");
    out.push_str(body);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::json::canonical::sha256;

    #[test]
    fn our_banner_round_trips_and_vouches_for_its_body() {
        let src = DocSource::parse("reg.json#/domains").unwrap();
        let text = write(
            "docs/d.md",
            ("t.md.j2", sha256(b"t")),
            &[(&src, sha256(b"x"))],
            "\n\n# Domains\n",
        );
        assert!(!text.contains("Generated:"), "no timestamps: {text}");
        let (banner, body) = split(&text);
        let banner = banner.unwrap();
        assert_eq!(banner.mechanism, Mechanism::GitAudit);
        assert_eq!(body, "# Domains\n");
        assert_eq!(banner.doc_hash.as_deref(), Some(body_hash(body).as_str()));
        assert_eq!(banner.sources.len(), 1);
        assert_eq!(banner.sources[0].path, "reg.json");
        assert_eq!(banner.sources[0].pointer.as_deref(), Some("/domains"));
        assert_eq!(banner.sources[0].hash, Some(sha256(b"x").hex()));
        let t = banner.template.unwrap();
        assert_eq!(
            (t.path.as_str(), t.hash),
            ("t.md.j2", Some(sha256(b"t").hex()))
        );
        assert_eq!(
            banner.regenerate.as_deref(),
            Some("git audit docs render --stage docs/d.md")
        );
    }

    #[test]
    fn only_an_unedited_render_of_ours_may_be_overwritten() {
        let text = write("d.md", ("t", sha256(b"t")), &[], "# D\n");
        assert!(is_pristine(text.as_bytes()));
        assert!(!is_pristine(format!("{text}more\n").as_bytes()));
        assert!(!is_pristine(b"# by hand\n"));
        assert!(!is_pristine(&[0xff, 0xfe]));
    }

    #[test]
    fn the_origin_banner_is_read_as_its_verifier_reads_it() {
        let h1 = "a".repeat(64);
        let h2 = "B".repeat(64);
        let text = format!(
            "<!-- AUTO-GENERATED — DO NOT EDIT\nSources: x.json, dir/y.json\nSource-Hashes: x.json:{h1}, dir/y.json:{h2}\nDoc-Hash: {h1}\nGenerated: 2025-11-24T01:11:26.656Z\nRegenerate: npm run docs\n-->\n\n# T\n"
        );
        let (banner, body) = split(&text);
        let banner = banner.unwrap();
        assert_eq!(banner.mechanism, Mechanism::Origin);
        assert_eq!(body, "# T\n");
        assert_eq!(banner.sources.len(), 2);
        assert_eq!(banner.sources[1].path, "dir/y.json");
        assert_eq!(banner.sources[1].hash, Some("b".repeat(64)));
        assert_eq!(banner.doc_hash, Some(h1));
        assert_eq!(banner.regenerate.as_deref(), Some("npm run docs"));
    }

    #[test]
    fn a_banner_without_hashes_records_nothing_and_no_banner_is_none() {
        let (b, _) = split("<!-- AUTO-GENERATED: pipeline.json -->\n# X\n");
        let b = b.unwrap();
        assert_eq!(b.doc_hash, None);
        assert!(b.sources.is_empty());
        assert_eq!(split("# Hand written\n").0, None);
        // An unterminated banner is no banner.
        assert_eq!(split("<!-- AUTO-GENERATED\nDoc-Hash: x\n").0, None);
    }
}
