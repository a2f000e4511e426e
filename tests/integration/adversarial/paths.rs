//! Adversarial items about paths and writes: names that are not UTF-8, symlinked directories,
//! `GIT_WORK_TREE`, sparse checkouts, the index on failure and under a race, temporary files,
//! lockfile keys.
