"""Settings of the Claude backend: explicit options first, then environment variables, then defaults.

The corpus pipeline builds backends by name inside Dask workers (`get_backend("claude")` with no options), so every
setting can also come from the environment:

| option            | environment variable          | default                          |
|-------------------|-------------------------------|----------------------------------|
| model             | SANDMLE_CLAUDE_MODEL          | claude-sonnet-5-5 (current Sonnet) |
| max_tokens        | SANDMLE_CLAUDE_MAX_TOKENS     | 32000 (doubled if cut off, up to max_tokens_cap 64000) |
| base_url          | ANTHROPIC_BASE_URL            | the SDK's (https://api.anthropic.com) |
| max_retries       | SANDMLE_CLAUDE_MAX_RETRIES    | 4 (SDK retries: 429/529/5xx/408/409/timeouts; retry-after) |
| timeout           | SANDMLE_CLAUDE_TIMEOUT        | 600 s per HTTP attempt           |
| max_concurrency   | SANDMLE_CLAUDE_CONCURRENCY    | 4 API calls at once, machine-wide |
| limit_dir         | SANDMLE_CLAUDE_LIMIT_DIR      | $SANDMLE_CACHE_DIR/claude-slots  |
| schema_repairs    | SANDMLE_CLAUDE_REPAIRS        | 3 re-asks for a reply that fails validation |
| code_rounds       | SANDMLE_CLAUDE_CODE_ROUNDS    | 3 repair rounds for code that crashes or fails a check |
| data_rounds       | SANDMLE_CLAUDE_DATA_ROUNDS    | 2 verifier rejections sent back to a script rule's generate.py |
| full_scale        | SANDMLE_CLAUDE_FULL_SCALE     | 25 (x micro rows): the accepted generate.py's run; 0 off |
| tool_choice       | SANDMLE_CLAUDE_TOOL_CHOICE    | tool (forced), or auto for models that reject it |
| review            | SANDMLE_CLAUDE_REVIEW         | 1 (the verifier's LLM review on top of the programmatic checks) |
| metric_proposals  | SANDMLE_CLAUDE_METRIC_PROPOSALS | 0 (1: MLOps may propose a compatible registered metric) |
| prices            | SANDMLE_CLAUDE_PRICES         | the table in `pricing.py`        |
| transcript_dir    | SANDMLE_CLAUDE_TRANSCRIPTS    | <corpus>/transcripts             |
| rule              | SANDMLE_CLAUDE_RULE           | calibrated (sandmle's rule models), or script (a generate.py) |

The API key is not a setting: it is read from ANTHROPIC_API_KEY (or passed to `claude_backend`) straight into the
SDK client and kept nowhere else, so no config, transcript or log can contain it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from sandmle_core.agents.claude.pricing import ModelPrice, parse_prices
from sandmle_core.settings import get_settings

__all__ = ["DEFAULT_MODEL", "FORCED_TOOL_REJECTED", "ClaudeConfig"]

DEFAULT_MODEL = "claude-sonnet-5-5"
# Models whose API answers a forced tool_choice ({"type": "tool"} or "any") with HTTP 400.
FORCED_TOOL_REJECTED = ("claude-sonnet-5-5",)


def _env(name: str) -> str | None:
    value = os.environ.get(name, "").strip()
    return value or None


def _flag(value: str) -> bool:
    return value.lower() not in ("0", "false", "no", "off")


@dataclass(frozen=True)
class ClaudeConfig:
    """Every knob of the Claude backend (see the module docstring for defaults and environment variables)."""

    model: str = DEFAULT_MODEL
    max_tokens: int = 32000
    max_tokens_cap: int = 64000
    base_url: str | None = None
    max_retries: int = 4
    timeout: float = 600.0
    max_concurrency: int = 4
    limit_dir: Path | None = None
    schema_repairs: int = 3
    code_rounds: int = 3
    data_rounds: int = 2
    full_scale: int = 25
    script_timeout: float = 60.0
    tool_choice: Literal["tool", "auto"] | None = None
    review: bool = True
    metric_proposals: bool = False
    prices: ModelPrice | None = None
    transcript_dir: Path | None = None
    rule: Literal["calibrated", "script"] = "calibrated"

    def __post_init__(self) -> None:
        if self.max_tokens < 256 or self.max_tokens_cap < self.max_tokens:
            raise ValueError(f"max_tokens must be >= 256 and <= max_tokens_cap, got {self.max_tokens} / "
                             f"{self.max_tokens_cap}")
        if self.max_retries < 0 or self.schema_repairs < 0 or self.code_rounds < 0 or self.data_rounds < 0 \
                or self.full_scale < 0:
            raise ValueError("max_retries, schema_repairs, code_rounds, data_rounds and full_scale must be >= 0")
        if self.max_concurrency < 1:
            raise ValueError(f"max_concurrency must be >= 1, got {self.max_concurrency}")
        if self.tool_choice not in (None, "tool", "auto"):
            raise ValueError(f"tool_choice must be 'tool' or 'auto', got {self.tool_choice!r}")
        if self.rule not in ("calibrated", "script"):
            raise ValueError(f"rule must be 'calibrated' or 'script', got {self.rule!r}")

    @property
    def effective_tool_choice(self) -> Literal["tool", "auto"]:
        """`tool` forces the role's tool (fewest repairs); `auto` for models that reject forced tool use."""
        if self.tool_choice is not None:
            return self.tool_choice
        return "auto" if self.model.startswith(FORCED_TOOL_REJECTED) else "tool"

    @property
    def slots_dir(self) -> Path:
        return self.limit_dir or get_settings().cache_dir / "claude-slots"

    @classmethod
    def resolve(cls, **options: object) -> ClaudeConfig:
        """Options given explicitly (not None) win over environment variables, which win over defaults.

        Raises:
            TypeError: for an unknown option; ValueError: for a value out of range.
        """
        unknown = set(options) - set(cls.__dataclass_fields__)
        if unknown:
            raise TypeError(f"unknown claude backend option(s): {', '.join(sorted(unknown))}")
        env: dict[str, object] = {}
        readers = {
            "model": ("SANDMLE_CLAUDE_MODEL", str),
            "max_tokens": ("SANDMLE_CLAUDE_MAX_TOKENS", int),
            "base_url": ("ANTHROPIC_BASE_URL", str),
            "max_retries": ("SANDMLE_CLAUDE_MAX_RETRIES", int),
            "timeout": ("SANDMLE_CLAUDE_TIMEOUT", float),
            "max_concurrency": ("SANDMLE_CLAUDE_CONCURRENCY", int),
            "limit_dir": ("SANDMLE_CLAUDE_LIMIT_DIR", Path),
            "schema_repairs": ("SANDMLE_CLAUDE_REPAIRS", int),
            "code_rounds": ("SANDMLE_CLAUDE_CODE_ROUNDS", int),
            "data_rounds": ("SANDMLE_CLAUDE_DATA_ROUNDS", int),
            "full_scale": ("SANDMLE_CLAUDE_FULL_SCALE", int),
            "tool_choice": ("SANDMLE_CLAUDE_TOOL_CHOICE", str),
            "review": ("SANDMLE_CLAUDE_REVIEW", _flag),
            "metric_proposals": ("SANDMLE_CLAUDE_METRIC_PROPOSALS", _flag),
            "prices": ("SANDMLE_CLAUDE_PRICES", parse_prices),
            "transcript_dir": ("SANDMLE_CLAUDE_TRANSCRIPTS", Path),
            "rule": ("SANDMLE_CLAUDE_RULE", str),
        }
        for field, (var, parse) in readers.items():
            raw = _env(var)
            if raw is not None:
                try:
                    env[field] = parse(raw)
                except ValueError as exc:
                    raise ValueError(f"{var}={raw!r}: {exc}") from exc
        given = {k: v for k, v in options.items() if v is not None}
        if isinstance(given.get("prices"), str):
            given["prices"] = parse_prices(str(given["prices"]))
        for key in ("limit_dir", "transcript_dir"):
            if key in given:
                given[key] = Path(str(given[key]))
        return cls(**{**env, **given})  # type: ignore[arg-type]
