//! The per-artifact rules of the commit gate: identity, required fields and integrity locks.
//! Pure: a parsed artifact in, findings out.

use std::collections::HashMap;

use crate::core::artifact::Parsed;

use crate::core::config::{Artifact, Kind};
use crate::core::finding::Finding;
use crate::core::json::parse::LineIndex;
use crate::core::json::{self, Exclusions, Limits, Node, Pointer};
use crate::core::lock::{self, Verdict};
use crate::core::lockfile::Lockfile;
use crate::core::report::{Refused, Skipped};
use crate::core::rules::RuleId;

/// Everything the per-artifact rules need to know about one artifact.
pub struct Subject<'s, 'a> {
    pub path: &'s str,
    pub artifact: &'s Artifact,
    pub bytes: &'a [u8],
    /// Line and column lookups over `bytes`.
    pub lines: &'s LineIndex<'a>,
    pub parsed: &'s Parsed<'a>,
    pub lockfile: Option<&'s Lockfile>,
    pub limits: &'s Limits,
    /// How a sequence's id is derived (shared with the registry rules and generation).
    pub identity: &'s crate::core::config::Identity,
}

/// Runs every per-artifact rule.
pub fn artifact(s: &Subject<'_, '_>) -> Vec<Finding> {
    let mut out = Vec::new();
    match s.artifact.kind {
        Kind::Registry => registry(s, &mut out),
        Kind::Sequence => sequence(s, &mut out),
        Kind::Json => {
            required(
                s,
                &s.parsed.root,
                &Pointer::root(),
                "the document",
                &mut out,
            );
        }
    }
    locks(s, &mut out);
    out
}

/// A refused document as a finding.
pub fn refused(r: &Refused) -> Finding {
    let mut f = Finding::new(
        r.rule,
        &r.path,
        r.message.clone(),
        match r.rule {
            RuleId::JsonLimits => {
                "raise [limits] in audit.toml if this size or depth is intended".into()
            }
            _ => "fix the file and stage it again with `git add`".into(),
        },
    );
    f.line = r.line;
    f.column = r.column;
    f
}

/// A governed path that is not a JSON file as a finding.
pub fn skipped(s: &Skipped) -> Finding {
    Finding::new(
        RuleId::ArtifactType,
        &s.path,
        format!("governed path is {}, not a JSON file", s.reason),
        s.hint.clone(),
    )
}

fn registry(s: &Subject<'_, '_>, out: &mut Vec<Finding>) {
    let root = &s.parsed.root;
    let Some(domains) = root.value.get("domains") else {
        out.push(
            Finding::new(
                RuleId::RequiredField,
                s.path,
                "the registry has no `domains` array".into(),
                "a registry lists its domains under a root `domains` array".into(),
            )
            .at(Pointer::root(), root, s.lines),
        );
        return;
    };
    let Some(items) = domains.value.as_array() else {
        out.push(
            Finding::new(
                RuleId::FieldType,
                s.path,
                format!("`domains` is a {}, not an array", domains.value.type_name()),
                "a registry lists its domains under a root `domains` array".into(),
            )
            .at(Pointer::root().child("domains"), root, s.lines),
        );
        return;
    };
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for (i, domain) in items.iter().enumerate() {
        let at = Pointer::root().child("domains").child(i.to_string());
        if domain.value.as_object().is_none() {
            out.push(
                Finding::new(
                    RuleId::RequiredField,
                    s.path,
                    format!(
                        "domain {at} is a {}, not an object",
                        domain.value.type_name()
                    ),
                    "each entry of `domains` is an object describing one domain".into(),
                )
                .at(at, root, s.lines),
            );
            continue;
        }
        let id = domain
            .value
            .get(&s.artifact.id_key)
            .and_then(|n| n.value.as_str());
        match id {
            None => out.push(
                Finding::new(
                    RuleId::IdMissing,
                    s.path,
                    format!("domain {at} has no string `{}`", s.artifact.id_key),
                    "give every domain a unique id; diffs, locks and the changelog match domains by it".into(),
                )
                .at(at.clone(), root, s.lines),
            ),
            Some(id) => {
                if let Some(first) = seen.get(id) {
                    out.push(
                        Finding::new(
                            RuleId::IdDuplicate,
                            s.path,
                            format!("domain id {id:?} is used again (first at /domains/{first})"),
                            "domain ids must be unique; rename or merge one of them in the generator's input".into(),
                        )
                        .about(&[id])
                        .at(at.child(&s.artifact.id_key), root, s.lines),
                    );
                } else {
                    seen.insert(id, i);
                }
            }
        }
        let label = id.map_or_else(|| format!("domain {at}"), |id| format!("domain {id:?}"));
        required(s, domain, &at, &label, out);
    }
}

fn sequence(s: &Subject<'_, '_>, out: &mut Vec<Finding>) {
    let root = &s.parsed.root;
    if root.value.as_object().is_none() {
        out.push(
            Finding::new(
                RuleId::RequiredField,
                s.path,
                format!("a sequence is an object, not a {}", root.value.type_name()),
                "check that this file is a sequence, or govern it as kind = \"json\"".into(),
            )
            .at(Pointer::root(), root, s.lines),
        );
        return;
    }
    let declared = root
        .value
        .get(&s.artifact.id_key)
        .and_then(|n| n.value.as_str())
        .is_some()
        || s.identity.declared(root).is_some();
    if !declared {
        let mut keys = vec![s.artifact.id_key.as_str()];
        keys.extend(
            s.identity
                .keys
                .iter()
                .map(String::as_str)
                .filter(|k| *k != s.artifact.id_key),
        );
        out.push(
            Finding::new(
                RuleId::IdMissing,
                s.path,
                format!("the sequence has no string `{}`", keys.join("` or `")),
                "give the sequence a unique id; its registry domain refers to it".into(),
            )
            .at(Pointer::root(), root, s.lines),
        );
    }
    required(s, root, &Pointer::root(), "the sequence", out);
    structure(s, out);
    if let Some(movements) = root.value.get("movements").and_then(|n| n.value.as_array()) {
        let mut seen: HashMap<&str, usize> = HashMap::new();
        for (i, m) in movements.iter().enumerate() {
            let Some(id) = m
                .value
                .get(&s.artifact.id_key)
                .and_then(|n| n.value.as_str())
            else {
                continue;
            };
            if let Some(first) = seen.get(id) {
                let at = Pointer::root()
                    .child("movements")
                    .child(i.to_string())
                    .child(&s.artifact.id_key);
                out.push(
                    Finding::new(
                        RuleId::IdDuplicate,
                        s.path,
                        format!("movement id {id:?} is used again (first at /movements/{first})"),
                        "movement ids must be unique within a sequence".into(),
                    )
                    .about(&[id])
                    .at(at, root, s.lines),
                );
            } else {
                seen.insert(id, i);
            }
        }
    }
}

/// `field-type` for a sequence: `movements` is an array of objects whose `beats`, when
/// present, are arrays or integer beat counts.
fn structure(s: &Subject<'_, '_>, out: &mut Vec<Finding>) {
    let root = &s.parsed.root;
    let Some(movements) = root.value.get("movements") else {
        return;
    };
    let at = Pointer::root().child("movements");
    let Some(list) = movements.value.as_array() else {
        out.push(
            Finding::new(
                RuleId::FieldType,
                s.path,
                format!(
                    "`movements` is a {}, not an array",
                    movements.value.type_name()
                ),
                "a sequence lists its movements under a root `movements` array".into(),
            )
            .at(at, root, s.lines),
        );
        return;
    };
    for (i, m) in list.iter().enumerate() {
        let here = at.child(i.to_string());
        if m.value.as_object().is_none() {
            out.push(
                Finding::new(
                    RuleId::FieldType,
                    s.path,
                    format!(
                        "movement {here} is a {}, not an object",
                        m.value.type_name()
                    ),
                    "each entry of `movements` is an object with its `beats`".into(),
                )
                .at(here, root, s.lines),
            );
            continue;
        }
        // One counting rule (`core::sequence`): an array of beats or an integer beat count.
        if let Err(why) = crate::core::sequence::beat_count(m, i + 1) {
            let field = if m.value.get("beats").is_some() {
                "beats"
            } else {
                "beatCount"
            };
            out.push(
                Finding::new(RuleId::FieldType, s.path, why,
                    "a movement lists its beats under a `beats` array (or counts them with an integer)".into(),
                )
                .at(here.child(field), root, s.lines),
            );
        }
    }
}

/// `required-field` for one object: one finding listing every missing field.
fn required(
    s: &Subject<'_, '_>,
    node: &Node<'_>,
    at: &Pointer,
    label: &str,
    out: &mut Vec<Finding>,
) {
    if node.value.as_object().is_none() {
        return;
    }
    let missing: Vec<&str> = s
        .artifact
        .required_fields
        .iter()
        .filter(|f| **f != s.artifact.id_key || s.artifact.kind == Kind::Json)
        .filter(|f| node.value.get(f).is_none())
        .map(String::as_str)
        .collect();
    if missing.is_empty() {
        return;
    }
    out.push(
        Finding::new(
            RuleId::RequiredField,
            s.path,
            format!(
                "{label} lacks required field{} {}",
                if missing.len() == 1 { "" } else { "s" },
                missing
                    .iter()
                    .map(|f| format!("`{f}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            "add the fields in the generator's input, or change `required-fields` in audit.toml"
                .into(),
        )
        .about(&missing)
        .at(at.clone(), &s.parsed.root, s.lines),
    );
}

fn short(hash: &str) -> &str {
    hash.get(..12).unwrap_or(hash)
}

fn locks(s: &Subject<'_, '_>, out: &mut Vec<Finding>) {
    let canonical = s.parsed.hashes.canonical;
    let relock = format!("if the change is intended, re-lock it: `git audit lock {} --stage`; otherwise regenerate it with its generator", s.path);
    let mut locked = false;
    if let Some(block) = &s.parsed.lock {
        locked = true;
        let field_ptr = Pointer::root().child(&s.artifact.lock_field);
        let legacy = || legacy_hash(s.bytes, &s.artifact.lock_field, s.limits);
        let finding = match lock::verify(block, canonical, legacy) {
            Verdict::Holds => None,
            Verdict::Mismatch { recorded, actual } => Some(Finding::new(
                RuleId::LockMismatch,
                s.path,
                format!(
                    "edited outside its sanctioned generator: the canonical hash is {}… but the `{}` lock records {}…",
                    short(&actual),
                    s.artifact.lock_field,
                    short(&recorded)
                ),
                relock.clone(),
            )),
            Verdict::Unrecognised(why) => Some(Finding::new(
                RuleId::LockMismatch,
                s.path,
                format!("the `{}` lock cannot be verified: {why}", s.artifact.lock_field),
                relock.clone(),
            )),
        };
        if let Some(f) = finding {
            out.push(f.at_offset(field_ptr, block.offset, s.lines));
        }
    }
    if let Some(recorded) = s.lockfile.and_then(|l| l.locks.get(s.path)) {
        locked = true;
        if !recorded.eq_ignore_ascii_case(&canonical.hex()) {
            out.push(Finding::new(
                RuleId::LockfileMismatch,
                s.path,
                format!(
                    "changed without a re-lock: the canonical hash is {}… but audit.lock records {}…",
                    short(&canonical.hex()),
                    short(recorded)
                ),
                relock.clone(),
            ));
        }
    }
    if s.artifact.require_lock && !locked {
        out.push(Finding::new(
            RuleId::LockMissing,
            s.path,
            "this artifact must be locked (require-lock = true) but carries no lock".into(),
            format!(
                "lock it with its generator, or `git audit lock {} --stage`",
                s.path
            ),
        ));
    }
}

/// The origin tool's hash: its legacy form of the document minus only the root lock field.
/// (Computed only when a legacy block is met; it needs the document with nothing else removed.)
pub fn legacy_hash(bytes: &[u8], lock_field: &str, limits: &Limits) -> json::Digest32 {
    match json::parse(bytes, limits) {
        Ok(mut root) => {
            Exclusions {
                lock_field: Some(lock_field.to_string()),
                ..Exclusions::default()
            }
            .apply(&mut root);
            json::legacy::hash(&root, bytes)
        }
        // Unreachable in practice: these bytes already parsed once with the same limits, and
        // the hash of nothing never matches a recorded lock, so this fails closed.
        Err(_) => json::canonical::sha256(b""),
    }
}

/// `lock-mismatch` for an artifact removed while it carried an embedded lock.
pub fn removed_lock(path: &str, lock_field: &str) -> Finding {
    Finding::new(
        RuleId::LockMismatch,
        path,
        format!("removed although it carries an embedded `{lock_field}` lock"),
        format!(
            "a locked artifact is removed only deliberately: if this removal is intended, waive it in audit-waivers.toml (rule = \"lock-mismatch\", path = {path:?}, with a reason); otherwise restore it with `git restore --staged --worktree {path}`"
        ),
    )
}

/// `lockfile-mismatch` for entries of audit.lock whose path is no longer in the snapshot.
pub fn stale_locks(lockfile: &Lockfile, present: &dyn Fn(&str) -> bool) -> Vec<Finding> {
    lockfile
        .locks
        .keys()
        .filter(|p| !present(p))
        .map(|p| {
            Finding::new(
                RuleId::LockfileMismatch,
                crate::core::lockfile::FILE_NAME,
                format!("audit.lock locks {p:?}, which is not in this snapshot"),
                "re-run `git audit lock --stage` to drop entries of removed artifacts".into(),
            )
            .about(&[p])
        })
        .collect()
}

#[cfg(test)]
mod tests;
