"""Token prices of Claude models and the cost of one call, in USD.

Prices are USD per million tokens for standard (non-batch) requests: base input, output, 5-minute prompt-cache
writes and cache reads, from the model pages and the pricing page of platform.claude.com (checked November 2026):
Opus 4/4.1 $15/$75, Opus 4.5-5 $5/$25, Sonnet 3.7-4.6 $3/$15, Sonnet 5 and 5.5 $2/$10 (cache write $2.50, read
$0.20 as on the model page; some trackers report a Sonnet 5.5 cache-read cut to $0.10 from 2026-10-07), Haiku 5.5
$0.10/$0.50 (prompts up to 100K tokens), Haiku 4.5 $1/$5, Haiku 3.5 $0.80/$4, Haiku 3 $0.25/$1.25. Not modelled:
batch discounts, 1-hour cache writes, long-context and long-prompt tiers, regional (inference_geo) multipliers.

A model id matches a table key exactly or with a snapshot date (`claude-sonnet-4-5-20250929`) or `-latest` suffix.
Unknown models cost 0.0 with a logged warning (Anthropic-compatible endpoints may serve any model name); pass
`prices=` to `claude_backend` or set SANDMLE_CLAUDE_PRICES="input,output,cache_write,cache_read" to price them.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from sandmle_core.agents.base import UsagePart

__all__ = ["PRICES", "ModelPrice", "call_cost", "parse_prices", "price_for"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ModelPrice:
    """USD per million tokens."""

    input: float
    output: float
    cache_write: float
    cache_read: float


_OPUS_OLD = ModelPrice(15.0, 75.0, 18.75, 1.50)
_OPUS = ModelPrice(5.0, 25.0, 6.25, 0.50)
_SONNET = ModelPrice(3.0, 15.0, 3.75, 0.30)
_SONNET_5 = ModelPrice(2.0, 10.0, 2.50, 0.20)

PRICES: dict[str, ModelPrice] = {
    "claude-opus-4": _OPUS_OLD,
    "claude-opus-4-0": _OPUS_OLD,
    "claude-opus-4-1": _OPUS_OLD,
    "claude-opus-4-5": _OPUS,
    "claude-opus-4-6": _OPUS,
    "claude-opus-4-7": _OPUS,
    "claude-opus-4-8": _OPUS,
    "claude-opus-5": _OPUS,
    "claude-3-7-sonnet": _SONNET,
    "claude-sonnet-4": _SONNET,
    "claude-sonnet-4-0": _SONNET,
    "claude-sonnet-4-5": _SONNET,
    "claude-sonnet-4-6": _SONNET,
    "claude-sonnet-5": _SONNET_5,
    "claude-sonnet-5-5": _SONNET_5,
    "claude-haiku-5-5": ModelPrice(0.10, 0.50, 0.125, 0.01),
    "claude-haiku-4-5": ModelPrice(1.0, 5.0, 1.25, 0.10),
    "claude-3-5-haiku": ModelPrice(0.80, 4.0, 1.0, 0.08),
    "claude-3-haiku": ModelPrice(0.25, 1.25, 0.30, 0.03),
}
_SUFFIX = re.compile(r"^-(\d{8}|latest)$")
_warned: set[str] = set()


def price_for(model: str) -> ModelPrice | None:
    """The table's price of `model` (exact id, or a key plus a snapshot date / `-latest`), else None."""
    if model in PRICES:
        return PRICES[model]
    for key, price in PRICES.items():
        if model.startswith(key) and _SUFFIX.match(model[len(key):]):
            return price
    return None


def parse_prices(text: str) -> ModelPrice:
    """"input,output,cache_write,cache_read" (USD per million tokens) → ModelPrice.

    Raises:
        ValueError: when the text is not four non-negative numbers.
    """
    parts = [p.strip() for p in text.split(",")]
    try:
        values = [float(p) for p in parts]
    except ValueError:
        values = []
    if len(values) != 4 or any(v < 0 for v in values):
        raise ValueError(f"prices must be 'input,output,cache_write,cache_read' in USD per million tokens, "
                         f"got {text!r}")
    return ModelPrice(*values)


def call_cost(model: str, usage: UsagePart, override: ModelPrice | None = None) -> float:
    """USD cost of the tokens in `usage` (0.0 with a one-time warning when the model has no known price)."""
    price = override or price_for(model)
    if price is None:
        if model not in _warned:
            _warned.add(model)
            log.warning("no price known for model %r: its calls are counted at $0 (pass prices=...)", model)
        return 0.0
    total = (usage.input_tokens * price.input + usage.output_tokens * price.output
             + usage.cache_write_tokens * price.cache_write + usage.cache_read_tokens * price.cache_read)
    return round(total / 1_000_000, 6)
