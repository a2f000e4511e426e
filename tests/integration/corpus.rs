//! Integration tests: the shared corpus (parity hashes, real version-to-version diffs).
