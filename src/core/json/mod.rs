//! JSON as git-audit needs it: a strict parser with positions, pointers, and the canonical form.

pub mod canonical;
pub mod legacy;
pub mod parse;
pub mod pointer;
pub mod span;
pub mod value;

pub use canonical::{Digest32, Exclusions};
pub use parse::{parse, Limits};
pub use pointer::Pointer;
pub use value::{Member, Node, Value};
