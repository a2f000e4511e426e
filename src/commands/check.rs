//! `git audit check`: the commit gate.

use crate::cli::CheckArgs;
use crate::error::{Error, Result};
use crate::Env;

pub fn run(_env: &mut Env<'_>, _args: &CheckArgs) -> Result<u8> {
    Err(Error::Usage("`check` is being built".into()))
}
