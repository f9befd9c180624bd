"""The Claude backend: the five generator roles as LLM agents through the anthropic SDK.

`claude_backend()` (reached through `get_backend("claude")`) checks for an API key before anything else, builds one
`AgentSession` (SDK client with retries, machine-wide call limit, usage ledger, transcripts) and the five roles on
top of it. What each role does, and what stays sandmle's deterministic code, is described in its module:

- strategist: the model designs domain, columns, target and the hidden signal structure; code calibrates the rule;
- developer: sandmle synthesizes the data (or, for a `script` rule, runs the model's generate.py); the model writes
  and debugs the solution ladder in the sandbox;
- mlops: sandmle renders the grader and thresholds; the model explains the metric, and (metric_proposals) may pick
  another registered metric the seed's DNA allows;
- writer: the model writes the whole description.md; code verifies its facts (files, columns, header, metric)
  and the leak checks, falling back to the rendered sections with the model's Overview (recorded) when it cannot;
- verifier: every programmatic check, then the model's review (rule leak? meaningful?) on top.

Everything an environment is accepted on is the same verifier and the same data contracts as offline environments.
Settings come from options or environment variables (`config.py`); costs use the price table in `pricing.py`.

Imports: the anthropic SDK, the offline backend (which it builds on), and what `sandmle_core.agents` may import.
"""

from __future__ import annotations

import os

import anthropic

from sandmle_core.agents.base import Backend
from sandmle_core.agents.claude.config import DEFAULT_MODEL, ClaudeConfig
from sandmle_core.agents.claude.developer import ClaudeDeveloper
from sandmle_core.agents.claude.errors import (
    API_KEY_ENV,
    AgentGaveUp,
    LLMRequestRejected,
    LLMUnavailable,
    MissingAPIKey,
)
from sandmle_core.agents.claude.mlops import ClaudeMLOps
from sandmle_core.agents.claude.session import AgentSession
from sandmle_core.agents.claude.strategist import ClaudeStrategist
from sandmle_core.agents.claude.verifier import ClaudeVerifier
from sandmle_core.agents.claude.writer import ClaudeWriter

__all__ = [
    "DEFAULT_MODEL",
    "AgentGaveUp",
    "ClaudeConfig",
    "LLMRequestRejected",
    "LLMUnavailable",
    "MissingAPIKey",
    "claude_backend",
    "require_api_key",
]


def require_api_key(api_key: str | None = None) -> str:
    """The API key to use: `api_key` if given, else ANTHROPIC_API_KEY.

    Call this before starting a build with the claude backend, so a missing key stops it before any work.

    Raises:
        MissingAPIKey: when neither is set (the message names ANTHROPIC_API_KEY).
    """
    key = (api_key or os.environ.get(API_KEY_ENV, "")).strip()
    if not key:
        raise MissingAPIKey()
    return key


def claude_backend(*, sandbox_backend: str | None = None, api_key: str | None = None,
                   client: anthropic.Anthropic | None = None, **options: object) -> Backend:
    """The five roles of the Claude backend.

    Args:
        sandbox_backend: force a sandbox backend for the code the developer runs.
        api_key: the Anthropic API key (default: ANTHROPIC_API_KEY). It goes into the SDK client only.
        client: a ready `anthropic.Anthropic` client (then no key is needed here; its retry settings are kept).
        options: any field of `ClaudeConfig` (model, max_tokens, base_url, max_retries, timeout, max_concurrency,
            schema_repairs, code_rounds, tool_choice, review, prices, transcript_dir, ...).

    Raises:
        MissingAPIKey: no key and no client — raised before any other work.
        TypeError, ValueError: an unknown option or a value out of range.
    """
    key = None if client is not None else require_api_key(api_key)
    config = ClaudeConfig.resolve(**options)
    if client is None:
        client = anthropic.Anthropic(api_key=key, base_url=config.base_url, max_retries=config.max_retries,
                                     timeout=config.timeout)
    session = AgentSession(config, client, secret=key)
    mlops = ClaudeMLOps(session)
    return Backend(
        name="claude",
        strategist=ClaudeStrategist(session, choose_metric=mlops.choose_metric if config.metric_proposals else None),
        developer=ClaudeDeveloper(session, sandbox_backend=sandbox_backend),
        mlops=mlops,
        writer=ClaudeWriter(session),
        verifier=ClaudeVerifier(session),
        model=config.model,
    )
