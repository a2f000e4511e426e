//! git's index file read and written without libgit2 (formats 2, 3 and 4): the header, every
//! entry, the cache-tree (`TREE`), resolve-undo (`REUC`, kept as bytes) and libgit2's conflict
//! names (`NAME`, kept as bytes). Anything it does not fully understand is a [`Fallback`], and
//! the caller (`io::git`) then reads the file with libgit2 exactly as before; it never writes
//! an extension it cannot keep true (the position-dependent caches are dropped, as libgit2
//! drops them).
//!
//! The trailing SHA-1 is verified (an all-zero trailer, `index.skipHash`, is accepted): a
//! mismatch is a [`Fallback`] too, so libgit2 reports the corrupt index as it always did.

use sha1::{Digest, Sha1};

/// Why the reader hands a file to libgit2.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fallback(pub String);

impl Fallback {
    fn new(why: impl Into<String>) -> Fallback {
        Fallback(why.into())
    }
}

/// The bytes of an object id (SHA-1).
pub type Oid = [u8; 20];

const HEADER: usize = 12;
const TRAILER: usize = 20;
/// ctime, mtime (seconds, nanoseconds), dev, ino, mode, uid, gid, size: ten 32-bit fields.
const STAT: usize = 40;
const FLAG_ASSUME_VALID: u16 = 0x8000;
const FLAG_EXTENDED: u16 = 0x4000;
const NAME_MASK: u16 = 0x0fff;
/// The extended flags git defines (skip-worktree, intent-to-add); any other bit is unknown.
const EXTENDED_KNOWN: u16 = 0x6000;
/// `git add -N`.
pub const INTENT_TO_ADD: u16 = 1 << 13;
/// Outside a sparse checkout.
pub const SKIP_WORKTREE: u16 = 1 << 14;

/// One index entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The ten stat fields as stored (big-endian): ctime, mtime, dev, ino, mode, uid, gid, size.
    pub stat: [u8; STAT],
    pub oid: Oid,
    /// The flags word as stored (assume-valid, extended, stage, name length).
    pub flags: u16,
    /// The extended flags (version 3 and later; 0 when absent).
    pub extended: u16,
    pub path: Vec<u8>,
}

impl Entry {
    /// A staged regular file with zero stat data, as `Repo::stage_bytes` writes it.
    pub fn new(path: &[u8], mode: u32, size: u32, oid: Oid) -> Entry {
        let mut stat = [0u8; STAT];
        stat[24..28].copy_from_slice(&mode.to_be_bytes());
        stat[36..40].copy_from_slice(&size.to_be_bytes());
        Entry {
            stat,
            oid,
            flags: path.len().min(NAME_MASK as usize) as u16,
            extended: 0,
            path: path.to_vec(),
        }
    }

    pub fn mode(&self) -> u32 {
        u32::from_be_bytes([self.stat[24], self.stat[25], self.stat[26], self.stat[27]])
    }

    /// 0 for a merged entry, 1 base, 2 ours, 3 theirs.
    pub fn stage(&self) -> u8 {
        ((self.flags >> 12) & 3) as u8
    }

    fn key(&self) -> (&[u8], u8) {
        (&self.path, self.stage())
    }
}

/// One node of the cache-tree: a directory, how many index entries it covers (`None` when
/// invalidated) and the tree object those entries make.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TreeNode {
    /// The directory's name (one component; empty for the root).
    pub name: Vec<u8>,
    /// `Some((entry count, tree id))` when valid; `None` when invalidated (written as `-1`).
    pub valid: Option<(u32, Oid)>,
    pub children: Vec<TreeNode>,
}

impl TreeNode {
    /// Invalidates this node and the nodes of every directory above `path` (a file's path), as
    /// git and libgit2 do when an entry changes.
    fn invalidate(&mut self, path: &[u8]) {
        self.valid = None;
        let mut node = self;
        let mut rest = path;
        while let Some(slash) = rest.iter().position(|b| *b == b'/') {
            let (dir, after) = (&rest[..slash], &rest[slash + 1..]);
            match node.children.iter_mut().find(|c| c.name == dir) {
                Some(child) => {
                    child.valid = None;
                    node = child;
                }
                None => return,
            }
            rest = after;
        }
    }

    /// The node of the directory `dir` (`a/b`, no trailing slash; empty for the root).
    pub fn find(&self, dir: &[u8]) -> Option<&TreeNode> {
        if dir.is_empty() {
            return Some(self);
        }
        let mut node = self;
        for part in dir.split(|b| *b == b'/') {
            node = node.children.iter().find(|c| c.name == part)?;
        }
        Some(node)
    }

    fn parse(data: &[u8], at: &mut usize, depth: usize) -> Result<TreeNode, Fallback> {
        let bad = || Fallback::new("the index's TREE extension is malformed");
        if depth > 4096 {
            return Err(bad());
        }
        let rest = &data[*at..];
        let nul = rest.iter().position(|b| *b == 0).ok_or_else(bad)?;
        let name = rest[..nul].to_vec();
        let rest = &rest[nul + 1..];
        let nl = rest.iter().position(|b| *b == b'\n').ok_or_else(bad)?;
        let line = std::str::from_utf8(&rest[..nl]).map_err(|_| bad())?;
        let (count, subtrees) = line.split_once(' ').ok_or_else(bad)?;
        let count: i64 = count.parse().map_err(|_| bad())?;
        let subtrees: usize = subtrees.parse().map_err(|_| bad())?;
        *at += nul + 1 + nl + 1;
        let valid = match count {
            -1 => None,
            n if (0..=i64::from(u32::MAX)).contains(&n) => {
                let oid: Oid = data
                    .get(*at..*at + 20)
                    .and_then(|o| o.try_into().ok())
                    .ok_or_else(bad)?;
                *at += 20;
                Some((n as u32, oid))
            }
            _ => return Err(bad()),
        };
        if subtrees > data.len() - *at {
            return Err(bad());
        }
        let mut children = Vec::with_capacity(subtrees);
        for _ in 0..subtrees {
            children.push(TreeNode::parse(data, at, depth + 1)?);
        }
        Ok(TreeNode {
            name,
            valid,
            children,
        })
    }

    fn write(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.name);
        out.push(0);
        match &self.valid {
            Some((count, oid)) => {
                out.extend_from_slice(format!("{count} {}\n", self.children.len()).as_bytes());
                out.extend_from_slice(oid);
            }
            None => out.extend_from_slice(format!("-1 {}\n", self.children.len()).as_bytes()),
        }
        for child in &self.children {
            child.write(out);
        }
    }
}

/// A parsed index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Index {
    pub version: u32,
    /// Sorted by path bytes, then stage (git's order; checked on read).
    pub entries: Vec<Entry>,
    /// The cache-tree (`TREE`).
    pub tree: Option<TreeNode>,
    /// libgit2's conflict names (`NAME`), kept byte for byte.
    pub names: Option<Vec<u8>>,
    /// Resolve-undo (`REUC`), kept byte for byte.
    pub reuc: Option<Vec<u8>>,
    /// The optional extensions read and dropped on write (caches tied to entry positions).
    pub dropped: Vec<[u8; 4]>,
    /// The file had an all-zero trailer (`index.skipHash`); it is written so again.
    pub skip_hash: bool,
}

fn be32(b: &[u8], at: usize) -> u32 {
    u32::from_be_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}

/// Whether libgit2 accepts `path` as an index entry's name (it rejects empty, `.`, `..` and
/// `.git` components); anything else is left to libgit2 to report.
fn plausible_path(path: &[u8]) -> bool {
    !path.is_empty()
        && path
            .split(|b| *b == b'/')
            .all(|c| !(c.is_empty() || c == b"." || c == b".." || c.eq_ignore_ascii_case(b".git")))
}

/// git's variable-length integer (index v4 prefix lengths, `varint.c`).
fn decode_varint(b: &[u8], at: &mut usize) -> Option<u64> {
    let mut c = *b.get(*at)?;
    *at += 1;
    let mut value = u64::from(c & 127);
    while c & 128 != 0 {
        c = *b.get(*at)?;
        *at += 1;
        value = value.checked_add(1)?.checked_mul(128)? | u64::from(c & 127);
    }
    Some(value)
}

fn encode_varint(mut value: u64, out: &mut Vec<u8>) {
    let mut buf = [0u8; 16];
    let mut pos = buf.len() - 1;
    buf[pos] = (value & 127) as u8;
    value >>= 7;
    while value != 0 {
        value -= 1;
        pos -= 1;
        buf[pos] = 128 | (value & 127) as u8;
        value >>= 7;
    }
    out.extend_from_slice(&buf[pos..]);
}

/// Parses an index file, or says why libgit2 should read it instead.
pub fn parse(bytes: &[u8]) -> Result<Index, Fallback> {
    if bytes.len() < HEADER + TRAILER || &bytes[..4] != b"DIRC" {
        return Err(Fallback::new("not an index file (or truncated)"));
    }
    let version = be32(bytes, 4);
    if !(2..=4).contains(&version) {
        return Err(Fallback::new(format!("index version {version}")));
    }
    let body = bytes.len() - TRAILER;
    let trailer = &bytes[body..];
    let skip_hash = trailer.iter().all(|b| *b == 0);
    if !skip_hash && Sha1::digest(&bytes[..body]).as_slice() != trailer {
        return Err(Fallback::new("the index's checksum does not match"));
    }
    let count = be32(bytes, 8) as usize;
    let truncated = || Fallback::new("the index is truncated or malformed");
    let mut entries: Vec<Entry> = Vec::with_capacity(count.min(body / 62));
    let mut at = HEADER;
    let mut last: Vec<u8> = Vec::new();
    for _ in 0..count {
        let start = at;
        if at + STAT + 22 > body {
            return Err(truncated());
        }
        let stat: [u8; STAT] = bytes[at..at + STAT].try_into().map_err(|_| truncated())?;
        let oid: Oid = bytes[at + STAT..at + STAT + 20]
            .try_into()
            .map_err(|_| truncated())?;
        let flags = u16::from_be_bytes([bytes[at + 60], bytes[at + 61]]);
        at += 62;
        let extended = if flags & FLAG_EXTENDED != 0 {
            if at + 2 > body {
                return Err(truncated());
            }
            let x = u16::from_be_bytes([bytes[at], bytes[at + 1]]);
            at += 2;
            x
        } else {
            0
        };
        if extended & !EXTENDED_KNOWN != 0 {
            return Err(Fallback::new("an index entry has unknown extended flags"));
        }
        let path = if version == 4 {
            let strip = decode_varint(&bytes[..body], &mut at).ok_or_else(truncated)?;
            let keep = (last.len() as u64)
                .checked_sub(strip)
                .ok_or_else(truncated)? as usize;
            let nul = bytes[at..body]
                .iter()
                .position(|b| *b == 0)
                .ok_or_else(truncated)?;
            let mut path = last[..keep].to_vec();
            path.extend_from_slice(&bytes[at..at + nul]);
            at += nul + 1;
            path
        } else {
            let named = usize::from(flags & NAME_MASK);
            let len = if named == usize::from(NAME_MASK) {
                bytes[at..body]
                    .iter()
                    .position(|b| *b == 0)
                    .ok_or_else(truncated)?
            } else {
                named
            };
            if at + len >= body || bytes[at..at + len].contains(&0) || bytes[at + len] != 0 {
                return Err(truncated());
            }
            let path = bytes[at..at + len].to_vec();
            let padded = start + ((at - start + len + 8) & !7);
            if padded > body || bytes[at + len..padded].iter().any(|b| *b != 0) {
                return Err(truncated());
            }
            at = padded;
            path
        };
        let entry = Entry {
            stat,
            oid,
            flags,
            extended,
            path,
        };
        if entry.mode() & 0o170000 == 0o040000 {
            return Err(Fallback::new(
                "a sparse index (directory entries outside the sparse checkout)",
            ));
        }
        if entry.path.is_empty() {
            return Err(Fallback::new(
                "an index entry has no name (a split index's replaced entries have none)",
            ));
        }
        if !plausible_path(&entry.path) {
            return Err(Fallback::new(format!(
                "an index entry's path is not one libgit2 accepts ({})",
                String::from_utf8_lossy(&entry.path)
            )));
        }
        if let Some(prev) = entries.last() {
            if prev.key() >= entry.key() {
                return Err(Fallback::new("the index's entries are not in git's order"));
            }
        }
        if version == 4 {
            last.clone_from(&entry.path);
        }
        entries.push(entry);
    }
    let mut index = Index {
        version,
        entries,
        tree: None,
        names: None,
        reuc: None,
        dropped: Vec::new(),
        skip_hash,
    };
    while at < body {
        if at + 8 > body {
            return Err(truncated());
        }
        let sig: [u8; 4] = bytes[at..at + 4].try_into().map_err(|_| truncated())?;
        let size = be32(bytes, at + 4) as usize;
        at += 8;
        if size > body - at {
            return Err(truncated());
        }
        let data = &bytes[at..at + size];
        at += size;
        let again = || {
            Fallback::new(format!(
                "the index has two {} extensions",
                String::from_utf8_lossy(&sig)
            ))
        };
        match &sig {
            b"TREE" => {
                if index.tree.is_some() {
                    return Err(again());
                }
                let mut pos = 0;
                let root = TreeNode::parse(data, &mut pos, 0)?;
                if pos != data.len() || !root.name.is_empty() {
                    return Err(Fallback::new("the index's TREE extension is malformed"));
                }
                index.tree = Some(root);
            }
            b"REUC" => {
                if index.reuc.replace(data.to_vec()).is_some() {
                    return Err(again());
                }
            }
            b"NAME" => {
                if index.names.replace(data.to_vec()).is_some() {
                    return Err(again());
                }
            }
            [b'A'..=b'Z', ..] => index.dropped.push(sig),
            _ => {
                return Err(Fallback::new(format!(
                    "the index has the extension {:?}, which git-audit's reader does not know",
                    String::from_utf8_lossy(&sig)
                )))
            }
        }
    }
    Ok(index)
}

impl Index {
    fn position(&self, path: &[u8], stage: u8) -> Result<usize, usize> {
        self.entries
            .binary_search_by(|e| e.key().cmp(&(path, stage)))
    }

    /// The entry of `path` at `stage`.
    pub fn get(&self, path: &[u8], stage: u8) -> Option<&Entry> {
        self.position(path, stage).ok().map(|i| &self.entries[i])
    }

    /// The entries whose path starts with `prefix`, in order.
    pub fn under(&self, prefix: &[u8]) -> &[Entry] {
        let start = self.entries.partition_point(|e| e.path.as_slice() < prefix);
        let len = self.entries[start..].partition_point(|e| e.path.starts_with(prefix));
        &self.entries[start..start + len]
    }

    /// Whether `path` has conflict stages (1–3).
    pub fn conflicted(&self, path: &[u8]) -> bool {
        (1..=3).any(|s| self.get(path, s).is_some())
    }

    /// Adds or replaces the stage-0 entry of its path (the other stages are left alone, as
    /// libgit2's `git_index_add` leaves them) and invalidates the cache-tree above it.
    pub fn add(&mut self, entry: Entry) {
        if let Some(tree) = &mut self.tree {
            tree.invalidate(&entry.path);
        }
        match self.position(&entry.path, entry.stage()) {
            Ok(i) => self.entries[i] = entry,
            Err(i) => self.entries.insert(i, entry),
        }
    }

    /// Removes the stage-0 entry of `path`, if any (invalidating the cache-tree above it).
    pub fn remove(&mut self, path: &[u8]) -> bool {
        match self.position(path, 0) {
            Ok(i) => {
                self.entries.remove(i);
                if let Some(tree) = &mut self.tree {
                    tree.invalidate(path);
                }
                true
            }
            Err(_) => false,
        }
    }

    /// The file's bytes: versions 2 and 3 as the entries need (3 only when one has extended
    /// flags, as git and libgit2 write it), version 4 kept; `TREE`, `NAME` and `REUC` in
    /// libgit2's order; every other extension dropped; a SHA-1 trailer, or zeros when read so.
    pub fn to_bytes(&self) -> Vec<u8> {
        let extended = self.entries.iter().any(|e| e.extended != 0);
        let version: u32 = match self.version {
            4 => 4,
            _ if extended => 3,
            _ => 2,
        };
        let mut out = Vec::with_capacity(HEADER + self.entries.len() * 96 + 1024);
        out.extend_from_slice(b"DIRC");
        out.extend_from_slice(&version.to_be_bytes());
        out.extend_from_slice(&(self.entries.len() as u32).to_be_bytes());
        let mut last: &[u8] = b"";
        for e in &self.entries {
            let start = out.len();
            out.extend_from_slice(&e.stat);
            out.extend_from_slice(&e.oid);
            let mut flags = (e.flags & (FLAG_ASSUME_VALID | 0x3000))
                | e.path.len().min(usize::from(NAME_MASK)) as u16;
            if e.extended != 0 {
                flags |= FLAG_EXTENDED;
            }
            out.extend_from_slice(&flags.to_be_bytes());
            if e.extended != 0 {
                out.extend_from_slice(&e.extended.to_be_bytes());
            }
            if version == 4 {
                let common = last.iter().zip(&e.path).take_while(|(a, b)| a == b).count();
                encode_varint((last.len() - common) as u64, &mut out);
                out.extend_from_slice(&e.path[common..]);
                out.push(0);
                last = &e.path;
            } else {
                out.extend_from_slice(&e.path);
                let len = out.len() - start;
                out.resize(start + ((len + 8) & !7), 0);
            }
        }
        if let Some(tree) = &self.tree {
            let mut data = Vec::new();
            tree.write(&mut data);
            extension(&mut out, b"TREE", &data);
        }
        if let Some(names) = &self.names {
            extension(&mut out, b"NAME", names);
        }
        if let Some(reuc) = &self.reuc {
            extension(&mut out, b"REUC", reuc);
        }
        if self.skip_hash {
            out.extend_from_slice(&[0u8; TRAILER]);
        } else {
            let sum = Sha1::digest(&out);
            out.extend_from_slice(&sum);
        }
        out
    }
}

fn extension(out: &mut Vec<u8>, sig: &[u8; 4], data: &[u8]) {
    out.extend_from_slice(sig);
    out.extend_from_slice(&(data.len() as u32).to_be_bytes());
    out.extend_from_slice(data);
}

#[cfg(test)]
mod tests;
