"""The offline backend: programmatic roles, deterministic from the rng seed, no network, no key."""
