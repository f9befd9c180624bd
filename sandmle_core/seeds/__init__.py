"""Seed tasks: loading any mle-bench competition folder, and the bundled seed set built offline on first use."""
