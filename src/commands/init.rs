//! `git audit init`: a commented audit.toml for the repository at hand.

use crate::cli::InitArgs;
use crate::error::{Error, Result};
use crate::Env;

pub fn run(_env: &mut Env<'_>, _args: &InitArgs) -> Result<u8> {
    Err(Error::Usage("`init` is being built".into()))
}
