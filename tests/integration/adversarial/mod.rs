//! The adversarial review's findings (the "trust" issue), one test per numbered item, named
//! `item_NN_…`: each failed before its fix. Grouped by the room the fix lives in.

mod changelog;
mod config;
mod paths;
