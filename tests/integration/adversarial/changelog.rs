//! Adversarial items about the changelog and injection: entries a person staged, frameworks,
//! escaping ids and paths for every sink, amend detection, unreadable versions.
