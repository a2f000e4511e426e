//! The pure core: every decision git-audit makes, as functions of values. Nothing here reads
//! git, the file system, the environment, the clock or other processes.

pub mod adopt;
pub mod artifact;
pub mod bdd;
pub mod changelog;
pub mod classify;
pub mod config;
pub mod config_keys;
pub mod dashboard;
pub mod date;
pub mod diff;
pub mod escape;
pub mod facts_cache;
pub mod finding;
pub mod gate;
pub mod generate;
pub mod gitargs;
pub mod handlers;
pub mod hooks;
pub mod impact;
pub mod init;
pub mod json;
pub mod lock;
pub mod lockfile;
pub mod provenance;
pub mod release;
pub mod report;
pub mod rules;
pub mod sequence;
pub mod snapshot;
pub mod suppress;
pub mod timing;
