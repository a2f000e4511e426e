//! The one integration test binary: the real `git` and the real `git-audit` binary in
//! hermetic temporary repositories.

mod support;

mod architecture;
mod changelog;
mod check;
mod ci;
mod corpus;
mod diff;
mod fixtures;
mod governance;
mod hash;
mod init_demo;
mod install;
mod lock;
