//! The one I/O layer: git (libgit2), the hooks directory, atomic files, the invoking process
//! (/proc) and fault injection. Commands gather facts through it; the core never calls it.

pub mod clock;
pub mod fault;
pub mod fs;
pub mod git;
pub mod hookdir;
pub mod index;
pub mod memory;
pub mod process;
