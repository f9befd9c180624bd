"""The sandbox: run untrusted code (solutions, generated code, agent actions) under isolation and limits."""
