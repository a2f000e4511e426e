//! Integration tests: `git audit hash`.
