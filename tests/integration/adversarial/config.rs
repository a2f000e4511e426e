//! Adversarial items about configuration and rules that failed open: a config that governs
//! nothing, non-array structure, deleted locked artifacts, and smaller refusals.
