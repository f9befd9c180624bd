"""Text + metadata tasks (random-acts-of-pizza's shape): requests posted to a community — a title, a free-text body
and the requester's record — in JSON records when the seed ships JSON, a binary outcome scored by ROC AUC on
`request_id,<outcome>`.

`is_records_seed` tells the text drafter that a seed's DNA is `text+tabular`; `draft` then drafts a binary token
model (the register a request is written in, from the domain's `requests` vocabulary) and the hidden `RequestRule`
(records_rule.py) with its noise knob `temperature` from the difficulty. `synthesize` (records_synth.py) writes the
environment. `data_files` is the description's list of files, which says which fields only the training records hold.

Imports: numpy, the text rule models, the nouns' articles and the shared modality contract.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from sandmle_core.errors import SpecError
from sandmle_core.metrics import get_metric
from sandmle_core.modalities.base import Draft, DraftContext, headline
from sandmle_core.modalities.text.drafter import FILLER_WORDS
from sandmle_core.modalities.text.nouns import with_article
from sandmle_core.modalities.text.records_rule import AGE_FIELD, TIME_FIELD, TRAIN_ONLY, RequestRule
from sandmle_core.modalities.text.rule import TextRule
from sandmle_core.spec import ColumnKind, ColumnSpec, TargetSpec, TaskType

if TYPE_CHECKING:
    from sandmle_core.catalog.schema import RequestVocab
    from sandmle_core.taskspec import TaskSpec

__all__ = ["COMMUNITIES", "ID_COLUMN", "TIMESTAMP", "data_files", "draft", "is_records_seed"]

ID_COLUMN = "request_id"
BODY, TITLE = "request_text", "request_title"
AGE, POSTS, COMMENTS = AGE_FIELD, "requester_number_of_posts_at_request", "requester_number_of_comments_at_request"
COMMUNITIES, CHANNEL, TIMESTAMP = "requester_communities_at_request", "request_channel", TIME_FIELD
KARMA, COUNT = "requester_upvotes_minus_downvotes_at_request", "requester_number_of_communities_at_request"
_START = 1_300_000_000  # March 2011, when the seed's requests begin


def is_records_seed(profile: Any) -> bool:
    """Whether a seed's profile records a text + tabular Task DNA (free text and a metadata record per row)."""
    dna = (getattr(profile, "details", None) or {}).get("dna") or {}
    return dna.get("modality") == "text+tabular"


def _signal(words: tuple[str, ...], rng: np.random.Generator) -> dict[str, float]:
    m = int(rng.integers(5, min(8, len(words)) + 1))
    chosen = sorted(words[int(i)] for i in rng.choice(len(words), size=m, replace=False))
    weights = np.round(np.maximum(rng.lognormal(0.0, 0.4, size=m), 0.1), 3)
    return {w: float(x) for w, x in zip(chosen, weights, strict=True)}


def _token_rule(vocab: RequestVocab, rng: np.random.Generator, difficulty: float) -> dict[str, Any]:
    """The text channel: a binary token model, class 1 the register of requests that tend to succeed."""
    signal = {"0": _signal(vocab.plain, rng), "1": _signal(vocab.persuasive, rng)}
    used = set(signal["0"]) | set(signal["1"])
    common = [w for w in (*vocab.common, *FILLER_WORDS) if w not in used]
    share = round(float(rng.uniform(0.4, 0.55)), 4)
    return dict(classes=("0", "1"), priors={"0": round(1.0 - share, 4), "1": share}, signal=signal,
                common=tuple(dict.fromkeys(common)), common_zipf=round(float(rng.uniform(0.6, 1.0)), 3),
                length_range=(14, 40), length_bias={"0": 0.5, "1": 0.5},
                signal_rate=round(0.2 - 0.05 * difficulty + float(rng.uniform(-0.01, 0.01)), 3),
                distractor_rate=0.02, negation_rate=0.04, repeat_rate=round(float(rng.uniform(0.25, 0.35)), 3),
                vague_share=round(0.1 + 0.1 * difficulty, 3), vague_scale=0.3, label_noise=0.0,
                test_length_scale=1.0, sentence_range=(4, 9))


def _intercept(fields: dict[str, Any], prevalence: float, rng: np.random.Generator) -> float:
    """The intercept giving about this share of successes, by bisection on a fixed Monte Carlo sample."""
    n = 4000
    z = rng.standard_normal((4, n))
    sign = np.where(rng.random(n) < 0.5, 1.0, -1.0)
    rest = (sign * (fields["w_text"] + 0.3 * fields["w_text_new"]) / 2 + fields["w_age"] * z[0]
            + fields["w_activity"] * z[1] + 0.5 * z[2] + 0.3 * z[3])
    low, high = -6.0, 3.0
    for _ in range(40):
        mid = (low + high) / 2
        share = float(np.mean(1.0 / (1.0 + np.exp(-(mid + rest) / fields["temperature"]))))
        low, high = (mid, high) if share < prevalence else (low, mid)
    return round((low + high) / 2, 4)


def _sparse(k: int, spans: tuple[tuple[float, float], ...], rng: np.random.Generator) -> tuple[float, ...]:
    """k effects, all 0 but one drawn from each span (a few levels that matter, as one community or one channel
    does, rather than many small ones no model learns from a few hundred rows)."""
    effects = np.zeros(k)
    for i, (low, high) in zip(rng.choice(k, size=len(spans), replace=False), spans, strict=True):
        effects[int(i)] = rng.uniform(low, high)
    return tuple(round(float(v), 4) for v in effects)


def _request_rule(vocab: RequestVocab, rng: np.random.Generator, difficulty: float) -> RequestRule:
    fields: dict[str, Any] = {
        "w_text": round(float(rng.uniform(1.6, 2.0)), 4), "w_text_new": round(float(rng.uniform(1.8, 2.4)), 4),
        "new_account_days": round(float(rng.uniform(30.0, 90.0)), 2),
        "w_age": round(float(rng.uniform(0.6, 0.8)), 4), "w_activity": round(float(rng.uniform(0.35, 0.5)), 4),
        "w_communities": round(float(rng.uniform(0.1, 0.2)), 4),
        "community_effects": _sparse(len(vocab.communities), ((1.0, 1.3), (-1.1, -0.8)), rng),
        "channel_effects": _sparse(len(vocab.channels), ((-1.0, -0.7),), rng),
        "w_evening": round(float(rng.uniform(0.6, 0.8)), 4), "w_trend": round(float(rng.uniform(-0.7, -0.5)), 4),
        "temperature": round(0.5 + 0.6 * difficulty, 4),  # the noise knob: the verifier's repair moves it
        "start": _START + int(rng.integers(0, 86_400 * 365)), "span_days": int(rng.integers(700, 1000)),
        "communities": vocab.communities, "channels": vocab.channels, "flair": vocab.flair,
    }
    return RequestRule(intercept=_intercept(fields, float(rng.uniform(0.22, 0.32)), rng), **fields)


def draft(ctx: DraftContext) -> Draft:
    """Draft a text + metadata binary task: the token model, the request rule, the record's fields and the outcome.

    Raises:
        SpecError: when the domain has no requests vocabulary, or the seed is not binary and scored on the positive
            class's probability.
    """
    vocab = ctx.domain.requests
    if vocab is None:
        raise SpecError(f"domain {ctx.domain.key!r} has no requests vocabulary")
    if ctx.dna.task_type != TaskType.BINARY or get_metric(ctx.dna.metric).kind != "probability":
        raise SpecError(f"text + metadata environments are binary and scored on a probability; the seed is "
                        f"{ctx.dna.task_type} scored by {ctx.dna.metric}")
    rng, difficulty = ctx.rng, float(ctx.difficulty)
    rule = TextRule(**_token_rule(vocab, rng, difficulty), records=_request_rule(vocab, rng, difficulty))
    columns = [c for c in _columns(vocab) if c.name not in _dropped(rng)]
    target = TargetSpec(columns=(vocab.outcome,), classes=("0", "1"), positive_class="1",
                        description=vocab.outcome_description)
    title = f"{ctx.domain.title}: {_headline(vocab.outcome)}"
    return Draft(id_column=ID_COLUMN, columns=tuple(columns), target=target, rule=rule, title=title,
                 story_template=vocab.story)


_RECEIVED = "requester_received_"


def _headline(outcome: str) -> str:
    """The title's question, in words: "requester_received_loan" reads "Which Requests Got a Loan" (not "Requester
    Received Loan from the Request and the Record", a column name in title case); another outcome name keeps that."""
    if not outcome.startswith(_RECEIVED) or outcome == _RECEIVED:
        return f"{headline(outcome.replace('_', ' '))} from the Request and the Record"
    return headline(f"which requests got {with_article(outcome[len(_RECEIVED):].replace('_', ' '))}")


def _dropped(rng: np.random.Generator) -> set[str]:
    """The optional fields a slot leaves out, so that the slots of one domain differ in their schema as well: the
    comments count and the channel each in one slot of four, the karma and the community count in one of two."""
    draws = rng.random(4)
    return {name for name, u, p in zip((COMMENTS, CHANNEL, KARMA, COUNT), draws, (0.25, 0.25, 0.5, 0.5),
                                       strict=True) if u < p}


def _columns(vocab: RequestVocab) -> tuple[ColumnSpec, ...]:
    """Every field a request may carry, in the order the files write them."""
    who = vocab.requester
    return (
        ColumnSpec(name=BODY, kind=ColumnKind.TEXT, description=vocab.document),
        ColumnSpec(name=TITLE, kind=ColumnKind.TEXT, description="the title the requester gave the post"),
        ColumnSpec(name=AGE, kind=ColumnKind.NUMERIC, unit="days",
                   description=f"how long the {who} had had an account when posting"),
        ColumnSpec(name=POSTS, kind=ColumnKind.INTEGER, description=f"posts the {who} had written before this one"),
        ColumnSpec(name=COMMENTS, kind=ColumnKind.INTEGER,
                   description=f"comments the {who} had written before this request"),
        ColumnSpec(name=COMMUNITIES, kind=ColumnKind.CATEGORICAL,
                   description=f"the communities the {who} belonged to when posting: a list of names"),
        ColumnSpec(name=CHANNEL, kind=ColumnKind.CATEGORICAL, levels=vocab.channels,
                   description="where the request was posted from"),
        ColumnSpec(name=KARMA, kind=ColumnKind.INTEGER,
                   description=f"votes for the {who}'s earlier posts and comments minus votes against them"),
        ColumnSpec(name=COUNT, kind=ColumnKind.INTEGER,
                   description=f"how many communities the {who} belonged to when posting"),
        ColumnSpec(name=TIMESTAMP, kind=ColumnKind.INTEGER, unit="seconds since 1970-01-01 UTC",
                   description="when the request was posted, as a unix timestamp"),
    )


def data_files(spec: TaskSpec, files: list[str]) -> list[str]:
    """The description's data files: the JSON records beside the tables, the list field, and the train-only fields."""
    target = spec.target.columns[0]
    lines = [f"- `train.json` and `test.json` — the same requests as `train.csv` and `test.csv`, as a JSON list of "
             f"records (one object per request, keyed by field name; `{target}` is `true` or `false` there).",
             f"- `{COMMUNITIES}` is a list: a JSON list in the `.json` files, written as JSON text in the `.csv` "
             f"files. `{TIMESTAMP}` counts seconds since 1970-01-01 UTC.",
             f"- {', '.join(f'`{c}`' for c in TRAIN_ONLY)} are in the training files only (`train.csv` and "
             "`train.json`): they were recorded after the outcome was known, so they are not available for the "
             "test requests."]
    return [*files[:2], *lines, *files[2:]]
