//! The one integration test binary: the real `git` and the real `git-audit` binary in
//! hermetic temporary repositories.

// Tests may say why they skip (no corpus) or show what they compared.
#![allow(clippy::print_stdout, clippy::print_stderr)]

mod support;

mod adopt;
mod adversarial;
mod architecture;
mod bdd;
mod changelog;
mod check;
mod ci;
mod corpus;
mod daily;
mod dashboard;
mod diff;
mod docs;
mod facts_cache;
mod fixtures;
mod front;
mod generate;
mod governance;
mod handlers;
mod hash;
mod impact;
mod index_format;
mod init_demo;
mod install;
mod lock;
mod perf;
mod rules;
mod timing;
