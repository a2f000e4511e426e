//! Integration tests: `git audit diff`.
