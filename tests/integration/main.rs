//! The one integration test binary: the real `git` and the real `git-audit` binary in
//! hermetic temporary repositories.

mod support;

mod ci;
mod corpus;
mod diff;
mod governance;
mod hash;
mod install;
