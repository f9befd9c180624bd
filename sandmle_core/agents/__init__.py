"""The generator roles (strategist, developer, MLOps, writer, verifier) behind one interface, per backend.

`get_backend("offline")` needs nothing but this machine; `get_backend("claude")` needs ANTHROPIC_API_KEY (or an
explicit client) and runs the same roles as LLM agents. Both return a `Backend` — five role objects — so the
generation stages never branch on which one they got.

Imports: the format wing, `taskspec`, `profile`, `catalog`, `modalities`, `ladder`, `slots`, the sandbox; never
`generate`, `pipeline` or anything orchestrated. The claude backend alone imports the anthropic SDK.
"""

from __future__ import annotations

from sandmle_core.agents.base import Backend

__all__ = ["BACKENDS", "Backend", "get_backend"]

BACKENDS = ("offline", "claude")


def get_backend(name: str = "offline", *, sandbox_backend: str | None = None, **options: object) -> Backend:
    """The roles of backend `name`.

    Args:
        name: "offline" (programmatic, default) or "claude" (anthropic SDK).
        sandbox_backend: force a sandbox backend for the code the roles run.
        options: backend-specific options (for claude: model, max_tokens, base_url, ...).

    Raises:
        ValueError: for an unknown backend name.
    """
    if name == "offline":
        from sandmle_core.agents.offline.developer import OfflineDeveloper
        from sandmle_core.agents.offline.mlops import OfflineMLOps
        from sandmle_core.agents.offline.strategist import OfflineStrategist
        from sandmle_core.agents.offline.writer import OfflineWriter
        from sandmle_core.agents.verifier import ProgrammaticVerifier

        return Backend(
            name="offline",
            strategist=OfflineStrategist(),
            developer=OfflineDeveloper(sandbox_backend=sandbox_backend),
            mlops=OfflineMLOps(),
            writer=OfflineWriter(),
            verifier=ProgrammaticVerifier(),
        )
    if name == "claude":
        from sandmle_core.agents.claude import claude_backend

        return claude_backend(sandbox_backend=sandbox_backend, **options)
    raise ValueError(f"unknown backend {name!r}: choose one of {', '.join(BACKENDS)}")
