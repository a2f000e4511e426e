//! `git audit demo`: the whole story on a built-in example.

use crate::cli::DemoArgs;
use crate::error::{Error, Result};
use crate::Env;

pub fn run(_env: &mut Env<'_>, _args: &DemoArgs) -> Result<u8> {
    Err(Error::Usage("`demo` is being built".into()))
}
