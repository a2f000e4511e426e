//! `git audit install` / `uninstall` and the hook entry point the shims call.

use crate::cli::{HookArgs, InstallArgs, UninstallArgs};
use crate::error::{Error, Result};
use crate::Env;

pub fn install(_env: &mut Env<'_>, _args: &InstallArgs) -> Result<u8> {
    Err(Error::Usage("`install` is being built".into()))
}

pub fn uninstall(_env: &mut Env<'_>, _args: &UninstallArgs) -> Result<u8> {
    Err(Error::Usage("`uninstall` is being built".into()))
}

pub fn hook(_env: &mut Env<'_>, _args: &HookArgs) -> Result<u8> {
    Err(Error::Usage("the hook entry point is being built".into()))
}
