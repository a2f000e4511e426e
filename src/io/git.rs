//! The one module that talks to git (through libgit2): opening the repository as git would,
//! listing and reading snapshots (index, HEAD, any revision, the working tree).
//!
//! Reading never takes or writes `index.lock`: the index is opened read-only from the path git
//! hands its hooks (`GIT_INDEX_FILE`, else the repository's own index).

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use git2::{ObjectType, Oid, Repository};

pub use crate::core::snapshot::{CommitInfo, Source};
use crate::error::{Error, Result};

/// A git object id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ObjectId(Oid);

impl fmt::Display for ObjectId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// What a path holds in a snapshot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Object {
    /// A regular file stored as a blob.
    Blob { id: ObjectId },
    /// A regular file on disk (working tree snapshots); its blob id as git would compute it.
    File { path: PathBuf, id: ObjectId },
    /// A symbolic link: never followed, never parsed.
    Symlink,
    /// A submodule (gitlink).
    Submodule,
    /// An unmerged path: the conflict stages present (1 base, 2 ours, 3 theirs).
    Conflict { stages: Vec<u8> },
    /// A path whose bytes are not UTF-8, listed under its escaped name ([`escape_path`]):
    /// never decoded lossily into a key (two names would collide), never read, always refused.
    NotUtf8 { bytes: Vec<u8> },
}

impl Object {
    /// The blob id, for objects whose content can be read.
    pub fn id(&self) -> Option<ObjectId> {
        match self {
            Object::Blob { id } | Object::File { id, .. } => Some(*id),
            _ => None,
        }
    }
}

/// The governed paths of one snapshot, sorted by path.
#[derive(Debug, Clone)]
pub struct Snapshot {
    pub source: Source,
    pub entries: BTreeMap<String, Object>,
}

/// Stored bytes, borrowed from libgit2 or read from disk.
pub enum Content<'r> {
    Blob(git2::Blob<'r>),
    Owned(Vec<u8>),
}

impl AsRef<[u8]> for Content<'_> {
    fn as_ref(&self) -> &[u8] {
        self.bytes()
    }
}

impl Content<'_> {
    pub fn bytes(&self) -> &[u8] {
        match self {
            Content::Blob(b) => b.content(),
            Content::Owned(v) => v,
        }
    }
}

/// Why an object's content was not read.
#[derive(Debug)]
pub enum ReadError {
    /// Over the size limit; checked before reading.
    TooLarge {
        size: u64,
    },
    /// Not a readable file (symlink, submodule, conflict).
    NotAFile,
    Failed(Error),
}

/// An opened, non-bare repository.
pub struct Repo {
    pub(crate) repo: Repository,
    pub(crate) workdir: PathBuf,
    prefix: String,
    index_path: PathBuf,
    /// The index, read once per process (and again after git-audit itself writes it).
    /// Shared, so a caller's closure run during a listing may read the index again.
    index: std::cell::RefCell<Option<std::rc::Rc<Loaded>>>,
    /// Which reader reads the index (`GIT_AUDIT_INDEX`).
    index_reader: IndexReader,
    /// Set by `prepare_to_stage`: the index is read from a private copy at the path
    /// `stage_bytes` builds the new index at, so staging needs no second read and parse.
    staging: std::cell::Cell<bool>,
    /// The bytes of the index the cached `index` was read from, when it was read from that copy.
    copied: std::cell::RefCell<Option<Vec<u8>>>,
}

impl Drop for Repo {
    fn drop(&mut self) {
        if self.copied.get_mut().is_some() {
            let _ = std::fs::remove_file(self.index_temp());
        }
    }
}

impl Repo {
    /// Opens the repository the way git does from the current directory, honouring `GIT_DIR`,
    /// `GIT_WORK_TREE`, `GIT_INDEX_FILE` and linked worktrees. Bare repositories are refused.
    pub fn open() -> Result<Repo> {
        skip_object_rehash();
        let repo =
            Repository::open_from_env().map_err(|source| Error::NotARepository { source })?;
        let cwd = std::env::current_dir()
            .map_err(|e| Error::io("cannot read the current directory", e))?;
        // git resolves a relative GIT_WORK_TREE against the current directory (a hook may get
        // `GIT_WORK_TREE=.`); libgit2 resolves it against the git directory.
        if let Some(tree) = std::env::var_os("GIT_WORK_TREE").filter(|t| !t.is_empty()) {
            let tree = cwd.join(tree);
            repo.set_workdir(&tree, false).map_err(|e| {
                Error::git(
                    format!(
                        "cannot use GIT_WORK_TREE {} as the work tree",
                        tree.display()
                    ),
                    e,
                )
            })?;
        }
        if repo.is_bare() {
            return Err(Error::Bare(repo.path().to_path_buf()));
        }
        let workdir = repo
            .workdir()
            .map(Path::to_path_buf)
            .ok_or_else(|| Error::Bare(repo.path().to_path_buf()))?;
        let workdir = workdir.canonicalize().unwrap_or(workdir);
        let prefix = cwd
            .canonicalize()
            .ok()
            .and_then(|c| c.strip_prefix(&workdir).ok().map(Path::to_path_buf))
            .map(|p| to_slash(&p))
            .unwrap_or_default();
        // git moves to the top of the work tree before it reads the environment, so a relative
        // GIT_INDEX_FILE (a hook gets `.git/index`) is relative to the top, wherever we run.
        let index_path = match std::env::var_os("GIT_INDEX_FILE") {
            Some(p) if !p.is_empty() => workdir.join(p),
            _ => repo.path().join("index"),
        };
        Ok(Repo {
            repo,
            workdir,
            prefix,
            index_path,
            index: std::cell::RefCell::new(None),
            index_reader: IndexReader::from_env(),
            staging: std::cell::Cell::new(false),
            copied: std::cell::RefCell::new(None),
        })
    }

    /// Creates a repository (branch `main`) with a work tree at `dir` and opens it, ignoring
    /// the environment (for `demo`'s scratch repository).
    pub fn init(dir: &Path) -> Result<Repo> {
        let mut opts = git2::RepositoryInitOptions::new();
        opts.initial_head("main").mkpath(true);
        let repo = Repository::init_opts(dir, &opts).map_err(|e| {
            Error::git(
                format!("cannot create a repository in {}", dir.display()),
                e,
            )
        })?;
        let workdir = dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf());
        let index_path = repo.path().join("index");
        Ok(Repo {
            repo,
            workdir,
            prefix: String::new(),
            index_path,
            index: std::cell::RefCell::new(None),
            index_reader: IndexReader::from_env(),
            staging: std::cell::Cell::new(false),
            copied: std::cell::RefCell::new(None),
        })
    }

    /// Commits the index on HEAD with a fixed identity and time (deterministic ids for `demo`).
    pub fn commit_index(
        &self,
        message: &str,
        name: &str,
        email: &str,
        time: i64,
    ) -> Result<String> {
        let fail = |what: &str| {
            let what = what.to_string();
            move |e| Error::git(what, e)
        };
        let mut index = self.repo.index().map_err(fail("cannot open the index"))?;
        index.read(true).map_err(fail("cannot read the index"))?;
        let tree_id = index
            .write_tree()
            .map_err(fail("cannot write a tree from the index"))?;
        let tree = self
            .repo
            .find_tree(tree_id)
            .map_err(fail("cannot read the tree"))?;
        let sig = git2::Signature::new(name, email, &git2::Time::new(time, 0))
            .map_err(fail("invalid identity"))?;
        let parent = match self.repo.head() {
            Ok(head) => Some(head.peel_to_commit().map_err(fail("cannot read HEAD"))?),
            Err(_) => None,
        };
        let parents: Vec<&git2::Commit<'_>> = parent.iter().collect();
        let id = self
            .repo
            .commit(Some("HEAD"), &sig, &sig, message, &tree, &parents)
            .map_err(fail("cannot commit"))?;
        Ok(id.to_string())
    }

    /// The (per-worktree) git directory, where git-audit keeps state that is never committed.
    pub fn git_dir(&self) -> &Path {
        self.repo.path()
    }

    /// The top of the work tree.
    pub fn workdir(&self) -> &Path {
        &self.workdir
    }

    /// The work-tree file of the repository path `rel`, refused when a component is a symbolic
    /// link or a file where a directory is needed: every read and write of the work tree goes
    /// through here, so nothing is read or written outside the repository.
    pub fn worktree_path(&self, rel: &str) -> Result<PathBuf> {
        crate::io::fs::checked(&self.workdir, rel).map_err(|p| {
            Error::refused(
                format!(
                    "{rel}: {} is {} in the working tree; git-audit never reads or writes through it",
                    p.at, p.what
                ),
                format!(
                    "make {} a regular directory (git does not track paths beyond a symbolic link either), or configure a path elsewhere",
                    p.at
                ),
            )
        })
    }

    /// The work-tree copy of `rel`, `None` when it does not exist.
    pub fn read_worktree(&self, rel: &str) -> Result<Option<Vec<u8>>> {
        let full = self.worktree_path(rel)?;
        match std::fs::read(&full) {
            Ok(bytes) => Ok(Some(bytes)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(Error::io(format!("cannot read {}", full.display()), e)),
        }
    }

    /// Writes the work-tree copy of `rel` atomically (missing directories created), the
    /// temporary file in the git directory where `git add` never sees it.
    pub fn write_worktree(&self, rel: &str, bytes: &[u8]) -> Result<()> {
        let full = self.worktree_path(rel)?;
        if let Some(parent) = full.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| Error::io(format!("cannot create {}", parent.display()), e))?;
        }
        crate::io::fs::write_atomic_via(&full, bytes, self.repo.path())
            .map_err(|e| Error::io(format!("cannot write {}", full.display()), e))
    }

    /// Removes the work-tree copy of `rel`; absent is fine.
    pub fn remove_worktree(&self, rel: &str) -> Result<()> {
        let full = self.worktree_path(rel)?;
        match std::fs::remove_file(&full) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(Error::io(format!("cannot remove {}", full.display()), e)),
        }
    }

    /// The current directory relative to the top of the work tree, `/`-separated ("" at the top).
    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    /// The index file snapshots of `Source::Index` read.
    pub fn index_path(&self) -> &Path {
        &self.index_path
    }

    /// The index file's trailing SHA-1 checksum (hex), which names its whole content: `None`
    /// when there is no index or git wrote it without a checksum (`index.skipHash`).
    pub fn index_checksum(&self) -> Option<String> {
        use std::io::{Read, Seek, SeekFrom};
        let mut file = std::fs::File::open(&self.index_path).ok()?;
        file.seek(SeekFrom::End(-20)).ok()?;
        let mut sum = [0u8; 20];
        file.read_exact(&mut sum).ok()?;
        if sum.iter().all(|b| *b == 0) {
            return None;
        }
        Some(sum.iter().map(|b| format!("{b:02x}")).collect())
    }

    /// Turns a path given on the command line (relative to the current directory) into a
    /// repository-relative `/` path. Refuses paths outside the work tree.
    pub fn repo_path(&self, arg: &str) -> Result<String> {
        let joined = Path::new(&self.prefix).join(arg);
        let mut parts: Vec<String> = Vec::new();
        for c in joined.components() {
            match c {
                std::path::Component::Normal(s) => parts.push(s.to_string_lossy().into_owned()),
                std::path::Component::CurDir => {}
                std::path::Component::ParentDir => {
                    if parts.pop().is_none() {
                        return Err(Error::Usage(format!("{arg}: outside the repository")));
                    }
                }
                _ => {
                    // An absolute path: accept it when it lies inside the work tree.
                    let abs = Path::new(arg);
                    let abs = abs.canonicalize().unwrap_or_else(|_| abs.to_path_buf());
                    return abs
                        .strip_prefix(&self.workdir)
                        .map(to_slash)
                        .map_err(|_| Error::Usage(format!("{arg}: outside the repository")));
                }
            }
        }
        Ok(parts.join("/"))
    }

    fn tree_of(&self, rev: &str) -> Result<Option<git2::Tree<'_>>> {
        match self.repo.revparse_single(rev) {
            Ok(obj) => obj
                .peel_to_tree()
                .map(Some)
                .map_err(|e| Error::git(format!("{rev} does not name a commit or tree"), e)),
            Err(e) if rev == "HEAD" && self.head_is_unborn() => {
                let _ = e;
                Ok(None)
            }
            Err(e) => Err(Error::git(format!("unknown revision {rev:?}"), e)),
        }
    }

    /// True before the first commit.
    pub fn head_is_unborn(&self) -> bool {
        matches!(self.repo.head(), Err(e) if e.code() == git2::ErrorCode::UnbornBranch || e.code() == git2::ErrorCode::NotFound)
    }

    /// Resolves a revision to a full commit id.
    pub fn resolve_commit(&self, rev: &str) -> Result<String> {
        self.commit_info(rev).map(|c| c.id)
    }

    /// One commit's id, summary and first parent.
    pub fn commit_info(&self, rev: &str) -> Result<CommitInfo> {
        self.commit(rev).map(|c| info(&c))
    }

    /// A commit's committer time: seconds since the epoch and the offset from UTC in minutes.
    pub fn committer_time(&self, rev: &str) -> Result<(i64, i32)> {
        let when = self.commit(rev)?.committer().when();
        Ok((when.seconds(), when.offset_minutes()))
    }

    /// The commit a revision names.
    fn commit(&self, rev: &str) -> Result<git2::Commit<'_>> {
        self.repo
            .revparse_single(rev)
            .map_err(|e| Error::git(format!("unknown revision {rev:?}"), e))?
            .peel_to_commit()
            .map_err(|e| Error::git(format!("{rev} does not name a commit"), e))
    }

    /// The commits in `a..b` (reachable from `b`, not from `a`), oldest first, parents before
    /// children, as `git rev-list --reverse --topo-order a..b` lists them. Without `a`, every
    /// commit reachable from `b`.
    pub fn range(&self, a: &str, b: &str) -> Result<Vec<CommitInfo>> {
        self.walk(Some(a), b)
    }

    /// Every commit reachable from `b`, oldest first.
    pub fn history(&self, b: &str) -> Result<Vec<CommitInfo>> {
        self.walk(None, b)
    }

    fn walk(&self, a: Option<&str>, b: &str) -> Result<Vec<CommitInfo>> {
        let to = Oid::from_str(&self.resolve_commit(b)?)
            .map_err(|e| Error::git("invalid commit id", e))?;
        let mut walk = self
            .repo
            .revwalk()
            .map_err(|e| Error::git("cannot walk history", e))?;
        walk.set_sorting(git2::Sort::TOPOLOGICAL | git2::Sort::REVERSE)
            .map_err(|e| Error::git("cannot walk history", e))?;
        walk.push(to)
            .map_err(|e| Error::git(format!("cannot walk from {b}"), e))?;
        if let Some(a) = a {
            let from = Oid::from_str(&self.resolve_commit(a)?)
                .map_err(|e| Error::git("invalid commit id", e))?;
            walk.hide(from)
                .map_err(|e| Error::git(format!("cannot hide {a}"), e))?;
        }
        let mut out = Vec::new();
        for id in walk {
            let id = id.map_err(|e| Error::git("cannot walk history", e))?;
            let commit = self
                .repo
                .find_commit(id)
                .map_err(|e| Error::git(format!("cannot read commit {id}"), e))?;
            out.push(info(&commit));
        }
        Ok(out)
    }

    /// The commits every reference points at (branches, remote-tracking branches, tags, the
    /// stash; peeled), deduplicated and sorted, as full ids. References that do not peel to a
    /// commit (a tag of a blob) are skipped.
    pub fn ref_tips(&self) -> Result<Vec<String>> {
        let refs = self
            .repo
            .references()
            .map_err(|e| Error::git("cannot list references", e))?;
        let mut tips: Vec<String> = refs
            .flatten()
            .filter_map(|r| r.peel_to_commit().ok().map(|c| c.id().to_string()))
            .collect();
        tips.sort();
        tips.dedup();
        Ok(tips)
    }

    /// The merge base of two revisions, for `A...B`.
    pub fn merge_base(&self, a: &str, b: &str) -> Result<String> {
        let a_id = Oid::from_str(&self.resolve_commit(a)?)
            .map_err(|e| Error::git("invalid commit id", e))?;
        let b_id = Oid::from_str(&self.resolve_commit(b)?)
            .map_err(|e| Error::git("invalid commit id", e))?;
        self.repo
            .merge_base(a_id, b_id)
            .map(|o| o.to_string())
            .map_err(|e| Error::git(format!("{a} and {b} have no common ancestor"), e))
    }

    /// Lists the paths of a snapshot for which `want` is true.
    pub fn snapshot(&self, source: &Source, want: &dyn Fn(&str) -> bool) -> Result<Snapshot> {
        self.snapshot_within(source, want, &|_| true)
    }

    /// `snapshot`, where a revision's tree walk skips every directory (`""` or ending in `/`)
    /// for which `descend` is false: it must be true for every directory above a path `want`
    /// takes. The index (flat) is read in full, but `want` is asked only about entries whose
    /// directory `descend` allows (once per directory); the working tree is listed in full.
    pub fn snapshot_within(
        &self,
        source: &Source,
        want: &dyn Fn(&str) -> bool,
        descend: &dyn Fn(&str) -> bool,
    ) -> Result<Snapshot> {
        let mut entries = BTreeMap::new();
        match source {
            Source::Empty => {}
            Source::Index => self.list_index(want, descend, &mut entries)?,
            Source::Rev(rev) => {
                if let Some(tree) = self.tree_of(rev)? {
                    // The index's cache-tree, when `io::index` already read it: a directory
                    // whose valid node names this tree's subtree is listed from the index.
                    let loaded = self.index.borrow().clone();
                    let cache = match loaded.as_deref() {
                        Some(Loaded::Own { index, .. }) => {
                            index.tree.as_ref().map(|root| Cached { index, node: root })
                        }
                        _ => None,
                    };
                    let whole = cache
                        .filter(|c| c.names(tree.id()))
                        .is_some_and(|c| list_cached(c.index, b"", want, descend, &mut entries));
                    if !whole {
                        list_tree(&self.repo, &tree, b"", want, descend, &mut entries, cache)
                            .map_err(|e| Error::git(format!("cannot list the tree of {rev}"), e))?;
                    }
                }
            }
            Source::Worktree => {
                // Tracked files count even where .gitignore matches them, as in `git status`.
                let (tracked, skipped) = self.with_index(|index| {
                    let mut tracked = std::collections::BTreeSet::new();
                    let mut skipped: Vec<(String, Object)> = Vec::new();
                    index.for_each(|e| {
                        tracked.insert(escape_path(e.path));
                        // Outside a sparse checkout (skip-worktree): git takes the index's copy
                        // as the working tree's, and so does git-audit.
                        if e.extended & SKIP_WORKTREE != 0 && e.stage == 0 {
                            if let Ok(path) = std::str::from_utf8(e.path) {
                                skipped.push((path.to_string(), object_for_mode(e.mode, e.id)));
                            }
                        }
                    });
                    (tracked, skipped)
                })?;
                self.list_worktree(&self.workdir, b"", want, &tracked, &mut entries)?;
                for (path, object) in skipped {
                    if want(&path)
                        && !entries.contains_key(&path)
                        && self.entry(&Source::Worktree, &path)?.is_none()
                    {
                        entries.insert(path, object);
                    }
                }
            }
        }
        Ok(Snapshot {
            source: source.clone(),
            entries,
        })
    }

    /// Says that this process will likely stage (the pre-commit hook's changelog entry): the
    /// index is then read from a private copy of its bytes, which `stage_bytes` turns into the
    /// new index if the index is still those bytes, instead of reading and parsing it again
    /// (the read costs as much as the rest of the hook on a large index). Call before the
    /// first read. Where the copy cannot be written (a read-only git directory), the index is
    /// read directly, as without this call.
    pub fn prepare_to_stage(&self) {
        self.staging.set(true);
    }

    /// Where `stage_bytes` builds the new index (and `prepare_to_stage` keeps its copy).
    fn index_temp(&self) -> PathBuf {
        let dir = self.index_path.parent().unwrap_or_else(|| Path::new("."));
        dir.join(format!("{INDEX_TEMP_PREFIX}{}.tmp", std::process::id()))
    }

    /// The index read from a private copy (`prepare_to_stage`), remembering the bytes copied;
    /// `None` when not prepared, when there is no index, or when the copy cannot be made.
    fn read_copy(&self) -> Option<git2::Index> {
        if !self.staging.get() {
            return None;
        }
        let bytes = std::fs::read(&self.index_path).ok()?;
        let temp = self.index_temp();
        let _ = std::fs::remove_file(&temp);
        let opened = std::fs::write(&temp, &bytes)
            .ok()
            .and_then(|()| git2::Index::open(&temp).ok());
        match opened {
            Some(index) => {
                *self.copied.borrow_mut() = Some(bytes);
                Some(index)
            }
            None => {
                let _ = std::fs::remove_file(&temp);
                None
            }
        }
    }

    /// Whether git-audit's own index reader (`io::index`) may read this repository's index:
    /// not when `GIT_AUDIT_INDEX=libgit2`, nor when its objects are not named by SHA-1.
    fn own_index_reader(&self) -> bool {
        if self.index_reader == IndexReader::Libgit2 {
            return false;
        }
        match self.repo.config() {
            Ok(config) => match config.get_string("extensions.objectformat") {
                Ok(format) => format.eq_ignore_ascii_case("sha1"),
                Err(e) => e.code() == git2::ErrorCode::NotFound,
            },
            Err(_) => false,
        }
    }

    /// The index read by `io::index`, or `None` when libgit2 must read it (forced, no index
    /// file, or anything the reader does not fully understand, a corrupt file included: then
    /// libgit2 reads it, or reports it, exactly as before). Under `GIT_AUDIT_INDEX=git-audit`
    /// a file the reader would hand to libgit2 is an error saying why.
    fn read_own(&self) -> Result<Option<Loaded>> {
        if !self.own_index_reader() {
            return self.only_own("the repository's objects are not named by SHA-1");
        }
        let Ok(bytes) = std::fs::read(&self.index_path) else {
            return self.only_own("there is no index file to read");
        };
        match crate::io::index::parse(&bytes) {
            Ok(index) => Ok(Some(Loaded::Own { index, bytes })),
            Err(crate::io::index::Fallback(why)) => self.only_own(&why),
        }
    }

    /// `None` (libgit2 reads the index), or, under `GIT_AUDIT_INDEX=git-audit`, the error
    /// saying why git-audit's own reader would not.
    fn only_own<T>(&self, why: &str) -> Result<Option<T>> {
        match self.index_reader {
            IndexReader::Own => Err(Error::refused(
                format!(
                    "git-audit's index reader does not read {}: {why}",
                    self.index_path.display()
                ),
                "unset GIT_AUDIT_INDEX to let libgit2 read it",
            )),
            _ => Ok(None),
        }
    }

    /// Runs `f` on the index, read from disk once and kept for the rest of the process.
    fn with_index<T>(&self, f: impl FnOnce(&Loaded) -> T) -> Result<T> {
        let mut slot = self.index.borrow_mut();
        if slot.is_none() {
            let loaded = match self.read_own()? {
                Some(own) => own,
                None => Loaded::Lib(match self.read_copy() {
                    Some(index) => index,
                    None => git2::Index::open(&self.index_path).map_err(|e| {
                        Error::git(
                            format!("cannot read the index {}", self.index_path.display()),
                            e,
                        )
                    })?,
                }),
            };
            *slot = Some(std::rc::Rc::new(loaded));
        }
        let loaded = slot.clone();
        drop(slot);
        match loaded {
            Some(index) => Ok(f(&index)),
            None => unreachable!("the index was just read"),
        }
    }

    /// Forgets the cached index because another process wrote it (`git audit demo` runs the
    /// binary again on its scratch repository).
    pub fn index_written_elsewhere(&self) {
        self.index_changed();
    }

    /// Forgets the cached index after git-audit wrote it.
    fn index_changed(&self) {
        *self.index.borrow_mut() = None;
        if self.copied.borrow_mut().take().is_some() {
            let _ = std::fs::remove_file(self.index_temp());
        }
    }

    /// The cached index and the bytes it was read from, taken out of the cache: read by
    /// `io::index`, or by libgit2 from the private copy (`prepare_to_stage`), which is then the
    /// caller's.
    fn take_read_index(&self) -> Option<Prepared> {
        let loaded = self.index.borrow_mut().take()?;
        match std::rc::Rc::try_unwrap(loaded).ok()? {
            Loaded::Own { index, bytes } => Some(Prepared::Own(index, bytes)),
            Loaded::Lib(index) => {
                let bytes = self.copied.borrow_mut().take()?;
                Some(Prepared::Lib(index, bytes))
            }
        }
    }

    fn list_index(
        &self,
        want: &dyn Fn(&str) -> bool,
        descend: &dyn Fn(&str) -> bool,
        out: &mut BTreeMap<String, Object>,
    ) -> Result<()> {
        // The index is sorted by path, then stage, as the listing is: in the common case (UTF-8
        // names, into an empty listing) the entries are collected in order and the map built
        // from them at once, instead of one ordered insert each.
        if out.is_empty() {
            if let Some(listed) = self.list_index_in_order(want, descend)? {
                *out = listed.into_iter().collect();
                return Ok(());
            }
        }
        let mut reachable = reachable_in_order(descend);
        self.with_index(|index| {
            index.for_each(|entry| {
                let Ok(path) = std::str::from_utf8(entry.path) else {
                    insert_not_utf8(entry.path, want, out);
                    return;
                };
                if !reachable(path)
                    || !want(path)
                    || matches!(out.get(path), Some(Object::NotUtf8 { .. }))
                {
                    return;
                }
                let path = path.to_string();
                let stage = entry.stage;
                if stage != 0 {
                    match out
                        .entry(path)
                        .or_insert_with(|| Object::Conflict { stages: Vec::new() })
                    {
                        Object::Conflict { stages } => stages.push(stage),
                        other => {
                            *other = Object::Conflict {
                                stages: vec![stage],
                            }
                        }
                    }
                    return;
                }
                if entry.extended & INTENT_TO_ADD != 0 {
                    // `git add -N`: recorded as intended, not part of what is committed.
                    return;
                }
                out.insert(path, object_for_mode(entry.mode, entry.id));
            })
        })
    }

    /// `list_index`'s listing as a vector in path order, the same entries and objects the
    /// map inserts would give; `None` (nothing listed) when a name is not UTF-8, whose escaped
    /// key may sort elsewhere: the caller then inserts one by one.
    fn list_index_in_order(
        &self,
        want: &dyn Fn(&str) -> bool,
        descend: &dyn Fn(&str) -> bool,
    ) -> Result<Option<Vec<(String, Object)>>> {
        let mut reachable = reachable_in_order(descend);
        let mut listed: Vec<(String, Object)> = Vec::new();
        let mut plain = true;
        self.with_index(|index| {
            index.for_each(|entry| {
                if !plain {
                    return;
                }
                let Ok(path) = std::str::from_utf8(entry.path) else {
                    plain = false;
                    return;
                };
                if !reachable(path) || !want(path) {
                    return;
                }
                // Stages of one path are adjacent (stage 0 first): a conflict stage turns the
                // path's object into the conflict, as the map's insert does.
                let same = listed.last_mut().filter(|(last, _)| last == path);
                let stage = entry.stage;
                if stage != 0 {
                    match same {
                        Some((_, Object::Conflict { stages })) => stages.push(stage),
                        Some((_, other)) => {
                            *other = Object::Conflict {
                                stages: vec![stage],
                            }
                        }
                        None => listed.push((
                            path.to_string(),
                            Object::Conflict {
                                stages: vec![stage],
                            },
                        )),
                    }
                    return;
                }
                if entry.extended & INTENT_TO_ADD != 0 {
                    return;
                }
                let object = object_for_mode(entry.mode, entry.id);
                match same {
                    Some((_, o)) => *o = object,
                    None => listed.push((path.to_string(), object)),
                }
            })
        })?;
        Ok(plain.then_some(listed))
    }

    fn list_worktree(
        &self,
        dir: &Path,
        rel: &[u8],
        want: &dyn Fn(&str) -> bool,
        tracked: &std::collections::BTreeSet<String>,
        out: &mut BTreeMap<String, Object>,
    ) -> Result<()> {
        let tracks_under = |dir: &str| {
            let prefix = format!("{dir}/");
            tracked
                .range(prefix.clone()..)
                .next()
                .is_some_and(|p| p.starts_with(&prefix))
        };
        let read = std::fs::read_dir(dir)
            .map_err(|e| Error::io(format!("cannot list {}", dir.display()), e))?;
        let mut names: Vec<_> = read.filter_map(|e| e.ok()).collect();
        names.sort_by_key(|e| e.file_name());
        for entry in names {
            let name = entry.file_name();
            if name == ".git" {
                continue;
            }
            let mut bytes = rel.to_vec();
            if !bytes.is_empty() {
                bytes.push(b'/');
            }
            bytes.extend_from_slice(name.as_encoded_bytes());
            let path = escape_path(&bytes);
            let meta = match entry.path().symlink_metadata() {
                Ok(m) => m,
                Err(_) => continue,
            };
            if meta.is_dir() {
                if self.repo.is_path_ignored(&path).unwrap_or(false) && !tracks_under(&path) {
                    continue;
                }
                if entry.path().join(".git").exists() {
                    if want(&path) {
                        out.insert(path, Object::Submodule);
                    }
                    continue;
                }
                self.list_worktree(&entry.path(), &bytes, want, tracked, out)?;
                continue;
            }
            if std::str::from_utf8(&bytes).is_err() {
                insert_not_utf8(&bytes, want, out);
                continue;
            }
            if !want(&path)
                || matches!(out.get(&path), Some(Object::NotUtf8 { .. }))
                || (!tracked.contains(&path) && self.repo.is_path_ignored(&path).unwrap_or(false))
            {
                continue;
            }
            if meta.file_type().is_symlink() {
                out.insert(path, Object::Symlink);
            } else if meta.is_file() {
                let id = Oid::hash_file(ObjectType::Blob, entry.path())
                    .map_err(|e| Error::git(format!("cannot hash {path}"), e))?;
                out.insert(
                    path,
                    Object::File {
                        path: entry.path(),
                        id: ObjectId(id),
                    },
                );
            }
        }
        Ok(())
    }

    /// Reads an object's bytes, refusing before reading when it is larger than `limit`.
    pub fn read(&self, object: &Object, limit: u64) -> std::result::Result<Content<'_>, ReadError> {
        match object {
            Object::Blob { id } => {
                let odb = self.repo.odb().map_err(|e| {
                    ReadError::Failed(Error::git("cannot open the object database", e))
                })?;
                let (size, _) = odb.read_header(id.0).map_err(|e| {
                    ReadError::Failed(Error::git(format!("cannot find blob {}", id.0), e))
                })?;
                if size as u64 > limit {
                    return Err(ReadError::TooLarge { size: size as u64 });
                }
                self.repo.find_blob(id.0).map(Content::Blob).map_err(|e| {
                    ReadError::Failed(Error::git(format!("cannot read blob {}", id.0), e))
                })
            }
            Object::File { path, .. } => {
                let meta = std::fs::metadata(path).map_err(|e| {
                    ReadError::Failed(Error::io(format!("cannot read {}", path.display()), e))
                })?;
                if meta.len() > limit {
                    return Err(ReadError::TooLarge { size: meta.len() });
                }
                std::fs::read(path).map(Content::Owned).map_err(|e| {
                    ReadError::Failed(Error::io(format!("cannot read {}", path.display()), e))
                })
            }
            _ => Err(ReadError::NotAFile),
        }
    }

    /// Stages `bytes` as the regular file `path` in the index git-audit reads, without touching
    /// the work tree. The new index is written beside the old one under a unique name, then,
    /// under git's `<index>.lock` held only for that moment, renamed over it if the index is
    /// still what was read; if another git changed it meanwhile, the new index is built again
    /// (a concurrent `git add` is never lost). A process killed at any moment leaves the old or
    /// the new index and, but for the instant of the rename, no lock file.
    /// `None` removes `path` from the index instead.
    pub fn stage_bytes(&self, path: &str, bytes: Option<&[u8]>) -> Result<()> {
        if bytes.is_some() {
            self.check_stageable(path)?;
        }
        let blob = match bytes {
            Some(b) => Some(self.repo.blob(b).map_err(|e| {
                Error::git(format!("cannot store {path} in the object database"), e)
            })?),
            None => None,
        };
        let dir = self.index_path.parent().unwrap_or_else(|| Path::new("."));
        crate::io::fs::remove_stale_temps(dir, INDEX_TEMP_PREFIX);
        let temp = self.index_temp();
        // The index this process read (by `io::index`, or by libgit2 from the private copy at
        // `temp`), reused if the index still holds the bytes it was read from.
        let mut copied = self.take_read_index();
        self.index_changed();
        // Another git (`git add` meanwhile) may replace the index while the new one is built:
        // then it is built again from the index that git wrote, never renamed over it.
        let mut attempts = 0;
        loop {
            attempts += 1;
            let result = self.stage_once(path, blob.zip(bytes), &temp, copied.take());
            if result.is_err() {
                let _ = std::fs::remove_file(&temp);
            }
            match result {
                Ok(true) => return Ok(()),
                Ok(false) if attempts < 5 => continue,
                Ok(false) => {
                    return Err(Error::refused(
                        format!(
                            "the index {} kept changing while git-audit staged {path}",
                            self.index_path.display()
                        ),
                        "let the other git commands finish, then run again",
                    ))
                }
                Err(e) => return Err(e),
            }
        }
    }

    /// One attempt of `stage_bytes`: reads the index, writes the new one to `temp`, then, under
    /// git's `<index>.lock` (unless the index is itself a lock file git holds for its hook),
    /// renames it over the index if the index is still what was read. `Ok(false)`: it was not.
    /// `prepared`: the index this process already read and the bytes it was read from, used
    /// instead of reading the index again when the index still holds exactly those bytes.
    ///
    /// The new index is built by `io::index` from the parsed one; libgit2 builds it instead
    /// wherever the reader hands a file to libgit2, under `GIT_AUDIT_INDEX=libgit2`, and when
    /// `path` has conflict stages (libgit2 moves them to resolve-undo on removal).
    fn stage_once(
        &self,
        path: &str,
        add: Option<(Oid, &[u8])>,
        temp: &Path,
        prepared: Option<Prepared>,
    ) -> Result<bool> {
        let current = self.read_index_bytes()?;
        let (own, copied) = match prepared {
            Some(Prepared::Own(index, bytes)) if current.as_deref() == Some(bytes.as_slice()) => {
                (Some(index), None)
            }
            Some(Prepared::Lib(index, bytes)) => (None, Some((index, bytes))),
            _ => (None, None),
        };
        let own = match own {
            Some(index) => Some(index),
            None if !self.own_index_reader() => {
                self.only_own("the repository's objects are not named by SHA-1")?
            }
            None => match current.as_deref().map(crate::io::index::parse) {
                Some(Ok(index)) => Some(index),
                Some(Err(crate::io::index::Fallback(why))) => self.only_own(&why)?,
                None => self.only_own("there is no index file to read")?,
            },
        };
        let own = match own {
            Some(index) if index.conflicted(path.as_bytes()) => {
                self.only_own(&format!("{path} has conflict stages"))?
            }
            other => other,
        };
        if let Some(mut index) = own {
            match add {
                Some((blob, bytes)) => {
                    // libgit2's `git_index__create_mode`: a regular file keeps its executable
                    // bit, anything else becomes a regular file.
                    let mode = index
                        .get(path.as_bytes(), 0)
                        .map(crate::io::index::Entry::mode)
                        .filter(|m| m & 0o170000 == 0o100000)
                        .map_or(
                            0o100644,
                            |m| if m & 0o100 != 0 { 0o100755 } else { 0o100644 },
                        );
                    let mut oid = [0u8; 20];
                    oid.copy_from_slice(blob.as_bytes());
                    index.add(crate::io::index::Entry::new(
                        path.as_bytes(),
                        mode,
                        bytes.len() as u32,
                        oid,
                    ));
                }
                None => {
                    index.remove(path.as_bytes());
                }
            }
            let _ = std::fs::remove_file(temp);
            std::fs::write(temp, index.to_bytes())
                .map_err(|e| Error::io(format!("cannot write {}", temp.display()), e))?;
            return self.replace_index(temp, &current);
        }
        let (mut index, original) = match copied {
            Some((index, bytes)) if current.as_deref() == Some(bytes.as_slice()) => {
                (index, current)
            }
            _ => {
                let original = current;
                let _ = std::fs::remove_file(temp);
                if let Some(b) = &original {
                    std::fs::write(temp, b).map_err(|e| {
                        Error::io(format!("cannot copy the index to {}", temp.display()), e)
                    })?;
                }
                let index = git2::Index::open(temp)
                    .map_err(|e| Error::git(format!("cannot open {}", temp.display()), e))?;
                (index, original)
            }
        };
        match add {
            Some((blob, bytes)) => {
                let mode = index
                    .get_path(Path::new(path), 0)
                    .map(|e| e.mode)
                    .filter(|m| m & 0o170000 == 0o100000)
                    .unwrap_or(0o100644);
                let entry = git2::IndexEntry {
                    ctime: git2::IndexTime::new(0, 0),
                    mtime: git2::IndexTime::new(0, 0),
                    dev: 0,
                    ino: 0,
                    mode,
                    uid: 0,
                    gid: 0,
                    file_size: bytes.len() as u32,
                    id: blob,
                    flags: (path.len().min(0xfff)) as u16,
                    flags_extended: 0,
                    path: path.as_bytes().to_vec(),
                };
                index
                    .add(&entry)
                    .map_err(|e| Error::git(format!("cannot stage {path}"), e))?;
            }
            None => index
                .remove_path(Path::new(path))
                .map_err(|e| Error::git(format!("cannot unstage {path}"), e))?,
        }
        index
            .write()
            .map_err(|e| Error::git(format!("cannot write {}", temp.display()), e))?;
        self.replace_index(temp, &original)
    }

    /// The index file's bytes, `None` when there is none.
    fn read_index_bytes(&self) -> Result<Option<Vec<u8>>> {
        match std::fs::read(&self.index_path) {
            Ok(b) => Ok(Some(b)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(Error::io(
                format!("cannot read the index {}", self.index_path.display()),
                e,
            )),
        }
    }

    /// The end of a `stage_once`: under git's `<index>.lock` (unless the index is itself a
    /// lock file git holds for its hook), renames the new index at `temp` over the index if
    /// the index still holds `original`. `Ok(false)`: it did not.
    fn replace_index(&self, temp: &Path, original: &Option<Vec<u8>>) -> Result<bool> {
        crate::io::fault::point("stage-bytes-before-rename");
        // Held only for the compare and the rename (dropped, so removed, on return).
        let _lock = if self.index_path.extension().is_some_and(|e| e == "lock") {
            None
        } else {
            Some(IndexLock::take(&self.index_path)?)
        };
        if self.read_index_bytes()? != *original {
            let _ = std::fs::remove_file(temp);
            return Ok(false);
        }
        std::fs::rename(temp, &self.index_path).map_err(|e| {
            Error::io(
                format!("cannot replace the index {}", self.index_path.display()),
                e,
            )
        })?;
        Ok(true)
    }

    /// Refuses to stage a file at `path` when the index holds a file, link or submodule where
    /// one of its directories would be, or a directory at `path` itself: libgit2 would silently
    /// remove those entries to make room.
    fn check_stageable(&self, path: &str) -> Result<()> {
        let problem = self.with_index(|index| {
            let mut prefix = String::new();
            for part in path
                .split('/')
                .collect::<Vec<_>>()
                .split_last()
                .map_or(&[][..], |(_, d)| d)
            {
                if !prefix.is_empty() {
                    prefix.push('/');
                }
                prefix.push_str(part);
                if (0..=3).any(|s| index.get(&prefix, s).is_some()) {
                    return Some(format!(
                        "the index holds {prefix} as a file, not a directory"
                    ));
                }
            }
            let dir = format!("{path}/");
            index
                .holds_under(dir.as_bytes())
                .then(|| format!("the index holds {path} as a directory"))
        })?;
        match problem {
            None => Ok(()),
            Some(why) => Err(Error::refused(
                format!("cannot stage {path}: {why}"),
                "choose a path for it that is free in the repository, or move what is at that path; the index was left as it was",
            )),
        }
    }

    /// The blob id `path` has in a snapshot, if it is a regular file there.
    pub fn blob_id(&self, source: &Source, path: &str) -> Result<Option<ObjectId>> {
        Ok(self.entry(source, path)?.and_then(|o| o.id()))
    }

    /// The author identity from git's configuration (`user.name`, `user.email`), if set.
    pub fn configured_author(&self) -> Option<(String, String)> {
        let sig = self.repo.signature().ok()?;
        Some((sig.name()?.to_string(), sig.email()?.to_string()))
    }

    /// Whether this is a shallow clone (history cut off at some depth).
    pub fn is_shallow(&self) -> bool {
        self.repo.is_shallow()
    }

    /// The lock file (`<index>.lock`) of the index git-audit reads, when one exists: a git
    /// process is writing the index, or one died and left it behind.
    pub fn index_lock(&self) -> Option<PathBuf> {
        let mut name = self.index_path.file_name()?.to_os_string();
        name.push(".lock");
        let lock = self.index_path.with_file_name(name);
        lock.exists().then_some(lock)
    }

    /// Whether the index git-audit reads is a temporary one of git's own (`git commit <paths>`
    /// commits from `next-index-*.lock`), not the repository's index or its lock.
    pub fn index_is_temporary(&self) -> bool {
        self.index_path
            .file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with("next-index"))
    }

    /// Sets or clears a marker file in the (per-worktree) git directory.
    pub fn set_marker(&self, name: &str, on: bool) -> Result<()> {
        let path = self.repo.path().join(name);
        let result = if on {
            std::fs::write(&path, b"")
        } else {
            match std::fs::remove_file(&path) {
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
                other => other,
            }
        };
        result.map_err(|e| Error::io(format!("cannot update {}", path.display()), e))
    }

    /// A small state file of git-audit's in the git directory (per worktree), if present.
    pub fn read_state(&self, name: &str) -> Result<Option<String>> {
        let path = self.repo.path().join(name);
        match std::fs::read(&path) {
            Ok(bytes) => Ok(Some(String::from_utf8_lossy(&bytes).into_owned())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(Error::io(format!("cannot read {}", path.display()), e)),
        }
    }

    /// Replaces a state file of git-audit's in the git directory, atomically.
    pub fn write_state(&self, name: &str, text: &str) -> Result<()> {
        let path = self.repo.path().join(name);
        crate::io::fs::remove_stale_temps_of(&path);
        crate::io::fs::write_atomic(&path, text.as_bytes())
            .map_err(|e| Error::io(format!("cannot write {}", path.display()), e))
    }

    /// Whether a merge is in progress (`MERGE_HEAD` exists).
    pub fn merging(&self) -> bool {
        self.repo.path().join("MERGE_HEAD").exists()
    }

    /// Stages work-tree files, as `git add` would, in the index git-audit reads
    /// (`GIT_INDEX_FILE` when set). Takes and releases the index lock like git.
    pub fn stage(&self, paths: &[&str]) -> Result<()> {
        // The repository's index honours GIT_INDEX_FILE (it was opened from the environment).
        let mut index = self
            .repo
            .index()
            .map_err(|e| Error::git("cannot open the index", e))?;
        index
            .read(true)
            .map_err(|e| Error::git("cannot read the index", e))?;
        for path in paths {
            index
                .add_path(Path::new(path))
                .map_err(|e| Error::git(format!("cannot stage {path}"), e))?;
        }
        self.index_changed();
        index
            .write()
            .map_err(|e| Error::git("cannot write the index", e))
    }

    /// What one path holds in a snapshot, found directly (no listing of the whole snapshot).
    pub fn entry(&self, source: &Source, path: &str) -> Result<Option<Object>> {
        match source {
            Source::Empty => Ok(None),
            Source::Rev(rev) => {
                let Some(tree) = self.tree_of(rev)? else {
                    return Ok(None);
                };
                match tree.get_path(Path::new(path)) {
                    Ok(e) if e.kind() == Some(ObjectType::Tree) => Ok(None),
                    Ok(e) => Ok(Some(object_for_mode(e.filemode() as u32, e.id()))),
                    Err(e) if e.code() == git2::ErrorCode::NotFound => Ok(None),
                    Err(e) => Err(Error::git(format!("cannot look up {path} in {rev}"), e)),
                }
            }
            Source::Index => {
                let mut snap = BTreeMap::new();
                self.with_index(|index| {
                    let stages: Vec<u8> =
                        (1..=3).filter(|&s| index.get(path, s).is_some()).collect();
                    if !stages.is_empty() {
                        snap.insert(path.to_string(), Object::Conflict { stages });
                    } else if let Some(e) = index.get(path, 0) {
                        if e.extended & INTENT_TO_ADD == 0 {
                            snap.insert(path.to_string(), object_for_mode(e.mode, e.id));
                        }
                    }
                })?;
                Ok(snap.remove(path))
            }
            Source::Worktree => {
                let full = match crate::io::fs::checked(&self.workdir, path) {
                    Ok(full) => full,
                    // Beyond a symbolic link (or a file): git would not track it either.
                    Err(p) if p.what == "a symbolic link" => return Ok(Some(Object::Symlink)),
                    Err(_) => return Ok(None),
                };
                let Ok(meta) = full.symlink_metadata() else {
                    return Ok(None);
                };
                if meta.file_type().is_symlink() {
                    Ok(Some(Object::Symlink))
                } else if meta.is_dir() {
                    Ok(full.join(".git").exists().then_some(Object::Submodule))
                } else {
                    let id = Oid::hash_file(ObjectType::Blob, &full)
                        .map_err(|e| Error::git(format!("cannot hash {path}"), e))?;
                    Ok(Some(Object::File {
                        path: full,
                        id: ObjectId(id),
                    }))
                }
            }
        }
    }

    /// Whether git ignores `path` (`.gitignore`, `info/exclude`, `core.excludesFile`).
    pub fn is_ignored(&self, path: &str) -> Result<bool> {
        self.repo
            .is_path_ignored(Path::new(path))
            .map_err(|e| Error::git(format!("cannot tell whether git ignores {path}"), e))
    }

    /// Reads one path of a snapshot whole (used for audit.toml). `None` when absent.
    pub fn read_path(&self, source: &Source, path: &str) -> Result<Option<Vec<u8>>> {
        let found = self.entry(source, path)?;
        match found.as_ref() {
            None => Ok(None),
            Some(Object::Conflict { .. }) => Err(Error::refused(
                format!("{path} has unresolved merge conflicts in the index"),
                format!("resolve the conflict in {path} and `git add` it"),
            )),
            Some(obj @ (Object::Blob { .. } | Object::File { .. })) => {
                match self.read(obj, u64::MAX) {
                    Ok(c) => Ok(Some(c.bytes().to_vec())),
                    Err(ReadError::Failed(e)) => Err(e),
                    Err(_) => Ok(None),
                }
            }
            Some(_) => Err(Error::refused(
                format!("{path} is a symlink or submodule, not a file"),
                format!("make {path} a regular file"),
            )),
        }
    }
}

fn info(commit: &git2::Commit<'_>) -> CommitInfo {
    let author = commit.author();
    CommitInfo {
        id: commit.id().to_string(),
        summary: commit.summary().unwrap_or("").to_string(),
        parent: commit.parent_id(0).ok().map(|p| p.to_string()),
        parents: commit.parent_ids().map(|p| p.to_string()).collect(),
        author: format!(
            "{} <{}>",
            author.name().unwrap_or(""),
            author.email().unwrap_or("")
        ),
        author_time: author.when().seconds(),
        author_offset: author.when().offset_minutes(),
    }
}

/// Whether two snapshot entries hold the same content.
pub fn same(a: &Object, b: &Object) -> bool {
    match (a.id(), b.id()) {
        (Some(x), Some(y)) => x == y,
        _ => a == b,
    }
}

/// An index entry's `git add -N` flag: recorded as intended, not part of what is committed.
use crate::io::index::INTENT_TO_ADD;
/// An index entry's skip-worktree flag: outside a sparse checkout, absent from the work tree.
use crate::io::index::SKIP_WORKTREE;

/// libgit2 re-hashes every object it reads to check its id; git itself does not, and
/// git-audit hashes what it reads anyway. Skipping it halves the cost of reading a large blob.
fn skip_object_rehash() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| git2::opts::strict_hash_verification(false));
}

/// git's lock on an index file (`<index>.lock`), taken exclusively as git takes it, held for a
/// moment and removed on drop. A lock another git holds is waited for, briefly.
struct IndexLock {
    path: PathBuf,
}

impl IndexLock {
    fn take(index: &Path) -> Result<IndexLock> {
        let mut path = index.as_os_str().to_owned();
        path.push(".lock");
        let path = PathBuf::from(path);
        let mut waited = 0;
        loop {
            match std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&path)
            {
                Ok(_) => return Ok(IndexLock { path }),
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && waited < 100 => {
                    waited += 1;
                    std::thread::sleep(std::time::Duration::from_millis(20));
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                    return Err(Error::refused(
                        format!(
                            "the index is locked by another git process ({} exists)",
                            path.display()
                        ),
                        format!(
                            "let it finish and run again; if no git process is running, remove {}",
                            path.display()
                        ),
                    ))
                }
                Err(e) => return Err(Error::io(format!("cannot create {}", path.display()), e)),
            }
        }
    }
}

impl Drop for IndexLock {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

/// Which reader reads and writes the index: `GIT_AUDIT_INDEX=libgit2` forces libgit2 (to
/// compare the two), `GIT_AUDIT_INDEX=git-audit` forces `io::index` (an index it would hand to
/// libgit2 is an error saying why); unset (or any other value), `io::index` where it
/// understands the file and libgit2 elsewhere.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum IndexReader {
    Auto,
    Libgit2,
    Own,
}

impl IndexReader {
    fn from_env() -> IndexReader {
        match std::env::var_os("GIT_AUDIT_INDEX") {
            Some(v) if v == "libgit2" => IndexReader::Libgit2,
            Some(v) if v == "git-audit" => IndexReader::Own,
            _ => IndexReader::Auto,
        }
    }
}

/// The index as read: by `io::index`, with the bytes it was read from, or by libgit2.
enum Loaded {
    Own {
        index: crate::io::index::Index,
        bytes: Vec<u8>,
    },
    Lib(git2::Index),
}

/// An index read earlier in the process, taken out of the cache for `stage_once`.
enum Prepared {
    Own(crate::io::index::Index, Vec<u8>),
    /// Read by libgit2 from the private copy at the temporary path (`prepare_to_stage`).
    Lib(git2::Index, Vec<u8>),
}

/// One index entry, whichever reader read it.
struct IndexEntry<'a> {
    path: &'a [u8],
    mode: u32,
    id: Oid,
    stage: u8,
    extended: u16,
}

fn own_entry(e: &crate::io::index::Entry) -> IndexEntry<'_> {
    IndexEntry {
        path: &e.path,
        mode: e.mode(),
        id: Oid::from_bytes(&e.oid).unwrap_or_else(|_| Oid::zero()),
        stage: e.stage(),
        extended: e.extended,
    }
}

impl Loaded {
    /// Every entry, in the index's order.
    fn for_each(&self, mut f: impl FnMut(IndexEntry<'_>)) {
        match self {
            Loaded::Own { index, .. } => index.entries.iter().for_each(|e| f(own_entry(e))),
            Loaded::Lib(index) => {
                for e in index.iter() {
                    f(IndexEntry {
                        path: &e.path,
                        mode: e.mode,
                        id: e.id,
                        stage: ((e.flags >> 12) & 3) as u8,
                        extended: e.flags_extended,
                    });
                }
            }
        }
    }

    /// The entry of `path` at `stage` (0 merged; 1, 2, 3 conflict stages): mode, id, extended
    /// flags.
    fn get(&self, path: &str, stage: u8) -> Option<IndexEntry<'static>> {
        match self {
            Loaded::Own { index, .. } => index.get(path.as_bytes(), stage).map(|e| IndexEntry {
                path: b"",
                ..own_entry(e)
            }),
            Loaded::Lib(index) => {
                index
                    .get_path(Path::new(path), i32::from(stage))
                    .map(|e| IndexEntry {
                        path: b"",
                        mode: e.mode,
                        id: e.id,
                        stage,
                        extended: e.flags_extended,
                    })
            }
        }
    }

    /// Whether an entry's path starts with `prefix`.
    fn holds_under(&self, prefix: &[u8]) -> bool {
        match self {
            Loaded::Own { index, .. } => !index.under(prefix).is_empty(),
            Loaded::Lib(index) => index.iter().any(|e| e.path.starts_with(prefix)),
        }
    }
}

/// Prefix of the temporary index files `stage_bytes` writes (and cleans up after a crash).
const INDEX_TEMP_PREFIX: &str = ".git-audit-index-";

fn object_for_mode(mode: u32, id: Oid) -> Object {
    match mode & 0o170000 {
        0o120000 => Object::Symlink,
        0o160000 => Object::Submodule,
        _ => Object::Blob { id: ObjectId(id) },
    }
}

/// The index's cache-tree node of the directory a tree walk is in (`io::index`'s read only).
#[derive(Clone, Copy)]
struct Cached<'i> {
    index: &'i crate::io::index::Index,
    node: &'i crate::io::index::TreeNode,
}

impl<'i> Cached<'i> {
    /// Whether the node is valid and names the tree `id`: then the index's stage-0 entries
    /// under its directory are, by construction, that tree's files (git commits this tree).
    fn names(&self, id: Oid) -> bool {
        self.node
            .valid
            .is_some_and(|(_, oid)| oid.as_slice() == id.as_bytes())
    }

    /// The node of the subdirectory `name`.
    fn child(&self, name: &[u8]) -> Option<Cached<'i>> {
        let node = self.node.children.iter().find(|c| c.name == name)?;
        Some(Cached {
            index: self.index,
            node,
        })
    }
}

/// Lists the index's files under the directory `prefix` (empty, or ending in `/`) whose
/// cache-tree node names the tree being walked, exactly as `list_tree` would list that tree:
/// `descend` asked about each directory below `prefix` (a refused one skipped by one binary
/// search), intent-to-add entries left out (they are not in the tree; git leaves a directory
/// holding one invalid anyway). `false`, listing nothing, where the index is not plainly that
/// tree's files (a conflict stage, a name that is not UTF-8): the tree is then walked.
fn list_cached(
    index: &crate::io::index::Index,
    prefix: &[u8],
    want: &dyn Fn(&str) -> bool,
    descend: &dyn Fn(&str) -> bool,
    out: &mut BTreeMap<String, Object>,
) -> bool {
    let entries = index.under(prefix);
    if entries
        .iter()
        .any(|e| e.stage() != 0 || std::str::from_utf8(&e.path).is_err())
    {
        return false;
    }
    list_cached_dir(entries, prefix.len(), want, descend, out);
    true
}

/// `list_cached` for `entries`, all under one directory whose name is `base` bytes long.
fn list_cached_dir(
    entries: &[crate::io::index::Entry],
    base: usize,
    want: &dyn Fn(&str) -> bool,
    descend: &dyn Fn(&str) -> bool,
    out: &mut BTreeMap<String, Object>,
) {
    let mut i = 0;
    while i < entries.len() {
        let e = &entries[i];
        let Ok(path) = std::str::from_utf8(&e.path) else {
            i += 1;
            continue;
        };
        if let Some(slash) = path[base..].find('/') {
            // A subdirectory: its entries are contiguous in the index's order.
            let dir = &path[..base + slash + 1];
            let n = entries[i..].partition_point(|x| x.path.starts_with(dir.as_bytes()));
            if descend(dir) {
                list_cached_dir(&entries[i..i + n], dir.len(), want, descend, out);
            }
            i += n;
            continue;
        }
        i += 1;
        if e.extended & INTENT_TO_ADD != 0
            || !want(path)
            || matches!(out.get(path), Some(Object::NotUtf8 { .. }))
        {
            continue;
        }
        let id = Oid::from_bytes(&e.oid).unwrap_or_else(|_| Oid::zero());
        out.insert(path.to_string(), object_for_mode(e.mode(), id));
    }
}

/// Lists a tree by the bytes of its names (libgit2's own walk gives up on a directory whose
/// name is not UTF-8). `cache`: the index's cache-tree node for this tree's directory, so a
/// subdirectory whose node names its tree is listed from the index instead of read.
fn list_tree(
    repo: &Repository,
    tree: &git2::Tree<'_>,
    root: &[u8],
    want: &dyn Fn(&str) -> bool,
    descend: &dyn Fn(&str) -> bool,
    out: &mut BTreeMap<String, Object>,
    cache: Option<Cached<'_>>,
) -> std::result::Result<(), git2::Error> {
    for entry in tree.iter() {
        let mut path = root.to_vec();
        path.extend_from_slice(entry.name_bytes());
        if entry.kind() == Some(ObjectType::Tree) {
            path.push(b'/');
            // A name that is not UTF-8 is asked about in both spellings a glob could match.
            let wanted = match std::str::from_utf8(&path) {
                Ok(p) => descend(p),
                Err(_) => descend(&escape_path(&path)) || descend(&String::from_utf8_lossy(&path)),
            };
            if wanted {
                let node = cache.and_then(|c| c.child(entry.name_bytes()));
                if node.is_some_and(|c| {
                    c.names(entry.id()) && list_cached(c.index, &path, want, descend, out)
                }) {
                    continue;
                }
                let sub = repo.find_tree(entry.id())?;
                list_tree(repo, &sub, &path, want, descend, out, node)?;
            }
            continue;
        }
        match std::str::from_utf8(&path) {
            Ok(p) => {
                if want(p) && !matches!(out.get(p), Some(Object::NotUtf8 { .. })) {
                    out.insert(
                        p.to_string(),
                        object_for_mode(entry.filemode() as u32, entry.id()),
                    );
                }
            }
            Err(_) => insert_not_utf8(&path, want, out),
        }
    }
    Ok(())
}

/// A path's bytes as text: UTF-8 as it is, every byte of an invalid sequence as `\xHH`.
pub fn escape_path(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    for chunk in bytes.utf8_chunks() {
        out.push_str(chunk.valid());
        for b in chunk.invalid() {
            out.push_str(&format!("\\x{b:02X}"));
        }
    }
    out
}

/// Lists a path that is not UTF-8 under its escaped name when `want` takes either that name or
/// its lossy decoding (what a glob would have matched). It wins over a UTF-8 path that happens
/// to be spelled like its escape: a collision fails closed.
fn insert_not_utf8(bytes: &[u8], want: &dyn Fn(&str) -> bool, out: &mut BTreeMap<String, Object>) {
    let key = escape_path(bytes);
    if want(&key) || want(&String::from_utf8_lossy(bytes)) {
        out.insert(
            key,
            Object::NotUtf8 {
                bytes: bytes.to_vec(),
            },
        );
    }
}

fn to_slash(p: &Path) -> String {
    p.components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}

/// For paths given in sorted order (the index's), whether `descend` allows every directory
/// above each, as a tree walk would decide: `descend` is asked about each directory once on
/// the way down (a directory's paths are contiguous in sorted order), and the paths under a
/// refused one, most of a large repository, cost one prefix comparison each. Paths out of
/// order are still answered correctly, only with more questions.
fn reachable_in_order<'d>(descend: &'d dyn Fn(&str) -> bool) -> impl FnMut(&str) -> bool + 'd {
    let root = descend("");
    let mut refused: Option<String> = None;
    let mut allowed = String::new();
    move |path: &str| -> bool {
        if !root || refused.as_deref().is_some_and(|r| path.starts_with(r)) {
            return false;
        }
        while !path.starts_with(allowed.as_str()) {
            let up = allowed[..allowed.len() - 1].rfind('/').map_or(0, |i| i + 1);
            allowed.truncate(up);
        }
        while let Some(i) = path[allowed.len()..].find('/') {
            let dir = &path[..allowed.len() + i + 1];
            if !descend(dir) {
                refused = Some(dir.to_string());
                return false;
            }
            allowed = dir.to_string();
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::reachable_in_order;
    use std::cell::RefCell;

    #[test]
    fn index_entries_are_pruned_by_directory_as_a_tree_walk_prunes() {
        let asked = RefCell::new(Vec::new());
        let descend = |dir: &str| {
            asked.borrow_mut().push(dir.to_string());
            dir.is_empty() || dir.starts_with("pkg/") && !dir.starts_with("pkg/skip/")
        };
        let mut reachable = reachable_in_order(&descend);
        let paths = [
            ("README.md", true),
            ("docs/a.md", false),
            ("docs/b/c.md", false),
            ("pkg-x/y.json", false),
            ("pkg/a.json", true),
            ("pkg/seq/one.json", true),
            ("pkg/seq/two.json", true),
            ("pkg/skip/no.json", false),
            ("pkg/skip/deep/no.json", false),
            ("pkg/z.json", true),
            ("zz/x/y/z.json", false),
            // out of order: still right
            ("pkg/seq/three.json", true),
            ("docs/late.md", false),
        ];
        for (path, expected) in paths {
            assert_eq!(reachable(path), expected, "{path}");
        }
        drop(reachable);
        let asked = asked.into_inner();
        // Each directory once in sorted order (`docs/` again only for the late path).
        assert_eq!(
            asked,
            [
                "",
                "docs/",
                "pkg-x/",
                "pkg/",
                "pkg/seq/",
                "pkg/skip/",
                "zz/",
                "pkg/",
                "pkg/seq/",
                "docs/"
            ]
        );
    }

    #[test]
    fn a_refused_root_lists_nothing() {
        let mut reachable = reachable_in_order(&|_| false);
        assert!(!reachable("a.json"));
        assert!(!reachable("a/b.json"));
    }
}
