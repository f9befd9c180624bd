"""The domain catalog: new domains, stories and typed, unit-carrying feature names for drafted environments."""
