//! `git audit lock` and `git audit verify`: integrity locks and named snapshots.

use crate::cli::{LockArgs, VerifyArgs};
use crate::error::{Error, Result};
use crate::Env;

pub fn run(_env: &mut Env<'_>, _args: &LockArgs) -> Result<u8> {
    Err(Error::Usage("`lock` is being built".into()))
}

pub fn verify(_env: &mut Env<'_>, _args: &VerifyArgs) -> Result<u8> {
    Err(Error::Usage("`verify` is being built".into()))
}
