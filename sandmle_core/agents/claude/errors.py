"""Typed failures of the Claude backend.

`MissingAPIKey` stops a build before any work starts. The others are `GenerationError`s, so the slot loop
(`sandmle_core.generate.generate_slot`) records them like any failed stage: `LLMUnavailable` (stage `llm`) when the
API still answers 429 / 529 / 5xx or times out after the SDK's retries, `LLMRequestRejected` (stage `llm`) when it
refuses the request itself (bad key, unknown model, malformed request), and `AgentGaveUp` (stage = the role's stage)
when a model's replies still fail validation or execution after the bounded repair rounds.
"""

from __future__ import annotations

from sandmle_core.errors import GenerationError, SandmleError

__all__ = ["API_KEY_ENV", "AgentGaveUp", "GeneratorRejected", "LLMRequestRejected", "LLMUnavailable", "MissingAPIKey"]

API_KEY_ENV = "ANTHROPIC_API_KEY"
LLM_STAGE = "llm"


class MissingAPIKey(SandmleError):
    """The claude backend was asked for without an Anthropic API key."""

    def __init__(self, message: str = "") -> None:
        super().__init__(message or (
            f"the claude backend needs an Anthropic API key: set the environment variable {API_KEY_ENV} "
            "(or pass api_key=... / an explicit anthropic client); the offline backend needs none"))


class LLMUnavailable(GenerationError):
    """The Messages API stayed unavailable (rate limit, overload, server error, timeout) through every retry."""


class LLMRequestRejected(GenerationError):
    """The Messages API refused a request for a reason retrying cannot fix (authentication, model, request)."""


class AgentGaveUp(GenerationError):
    """A role's model replies still failed validation, execution or checks after the bounded repair rounds."""


class GeneratorRejected(AgentGaveUp):
    """The developer's generate.py still crashed, was stopped by the sandbox, was non-deterministic, wrote the wrong
    files or failed a verifier check after the bounded repair rounds. `kind` names the last failure."""

    def __init__(self, stage: str, reason: str, kind: str = "checks") -> None:
        super().__init__(stage, reason)
        self.kind = kind

    def __reduce__(self):
        return (type(self), (self.stage, self.reason, self.kind))
