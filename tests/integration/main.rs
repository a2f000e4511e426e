//! The one integration test binary: the real `git` and the real `git-audit` binary in
//! hermetic temporary repositories.

mod support;

mod changelog;
mod corpus;
mod diff;
mod hash;
mod install;
