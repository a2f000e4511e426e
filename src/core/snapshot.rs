//! Which snapshots a command compares: a source (index, revision, working tree, nothing), the
//! commit a revision names, and one "after against before" comparison. Data only; `io::git` reads them.

use std::fmt;

/// Which snapshot of the repository to read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// The index being committed (`GIT_INDEX_FILE` when set).
    Index,
    /// Any revision git understands: `HEAD`, a branch, a commit id, `HEAD~2`.
    Rev(String),
    /// The files on disk, as they are now.
    Worktree,
    /// Nothing: the "before" of a first commit.
    Empty,
}

impl Source {
    pub fn head() -> Source {
        Source::Rev("HEAD".into())
    }
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Index => f.write_str("index"),
            Source::Rev(r) => f.write_str(r),
            Source::Worktree => f.write_str("working tree"),
            Source::Empty => f.write_str("the empty tree"),
        }
    }
}

/// What a check of one commit needs to know about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommitInfo {
    pub id: String,
    pub summary: String,
    /// The first parent; `None` for a root commit.
    pub parent: Option<String>,
    /// Every parent, first first.
    pub parents: Vec<String>,
    /// `Name <email>` of the author.
    pub author: String,
    /// Author time: seconds since the epoch and the author's offset from UTC in minutes.
    pub author_time: i64,
    pub author_offset: i32,
}

impl CommitInfo {
    pub fn short(&self) -> &str {
        self.id.get(..10).unwrap_or(&self.id)
    }
}

/// One comparison to check: an "after" snapshot against its "before".
#[derive(Debug, Clone)]
pub struct Plan {
    pub before: Source,
    pub after: Source,
    /// The commit checked, for `--rev` and `--range`.
    pub commit: Option<CommitInfo>,
}
