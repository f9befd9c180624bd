"""The generator roles (strategist, developer, MLOps, writer, verifier) behind one interface, per backend."""
