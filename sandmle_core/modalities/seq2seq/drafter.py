"""Drafting a text-normalization environment: a sentence grammar and verbalizer conventions for a catalog domain.

The language follows the seed (the profile's `language` detail: Russian when the seed's `before` tokens are mostly
Cyrillic); English plain words come from the domain's speech vocabulary (speech synthesis, voice assistants,
subtitles, audiobooks) or else its text vocabulary, so a triage domain writes triage sentences.
Difficulty is the knob: it raises the share of semiotic tokens, of rare formats and of context-dependent numbers,
and the label noise. Every number is drawn from the slot's draft rng in a fixed order.
"""

from __future__ import annotations

import re

import numpy as np

from sandmle_core.errors import SpecError
from sandmle_core.metrics import get_metric
from sandmle_core.modalities.base import Draft, DraftContext
from sandmle_core.modalities.seq2seq.grammar import EN_CONTEXT, LETTERS, RU_PLAIN
from sandmle_core.modalities.seq2seq.rule import CLASSES, Seq2SeqRule
from sandmle_core.modalities.seq2seq.synthesizer import COLUMNS
from sandmle_core.spec import Challenge, ColumnKind, ColumnSpec, TargetSpec, TaskType

__all__ = ["ID_COLUMN", "TARGET", "draft", "language_of"]

ID_COLUMN = "id"
TARGET = "after"
_WORD = re.compile(r"^[a-z][a-z]+$")
_FILLER = ("the", "a", "of", "and", "with", "for", "at", "on", "to", "was", "from", "after")


def language_of(ctx: DraftContext) -> str:
    """"ru" when the seed's profile says its tokens are Russian (or its id names Russian), else "en"."""
    details = getattr(ctx.profile, "details", None) or {}
    if details.get("language") in ("en", "ru"):
        return str(details["language"])
    return "ru" if "russian" in ctx.dna.seed_id.lower() else "en"


def _plain_words(ctx: DraftContext, language: str) -> tuple[str, ...]:
    if language == "ru":
        words = list(RU_PLAIN)
    else:
        speech, vocab = ctx.domain.speech, ctx.domain.text
        if speech is not None:
            pool = list(speech.words)
        elif vocab is not None:
            pool = [*vocab.common, *(w for ws in vocab.classes.values() for w in ws)]
        else:
            raise SpecError(f"domain {ctx.domain.key!r} has no speech or text vocabulary to write sentences from")
        words = [w for w in dict.fromkeys([*_FILLER, *pool]) if _WORD.match(w) and w not in EN_CONTEXT]
    order = ctx.rng.permutation(len(words))
    return tuple(words[i] for i in sorted(order[: max(10, int(len(words) * 0.8))]))


def _abbreviations(rng: np.random.Generator, language: str) -> tuple[str, ...]:
    letters = list(LETTERS[language])
    out: list[str] = []
    while len(out) < 8:
        word = "".join(rng.choice(letters, int(rng.integers(2, 5))))
        if word not in out:
            out.append(word)
    return tuple(out)


def draft(ctx: DraftContext) -> Draft:
    """The modality half of a text-normalization spec.

    Raises:
        SpecError: when the seed is not a token-transduction task graded on a label, or the domain has no words.
    """
    if ctx.dna.task_type != TaskType.TRANSDUCTION or get_metric(ctx.dna.metric).kind != "label":
        raise SpecError(f"the seq2seq family drafts token transduction graded on a label, not "
                        f"{ctx.dna.task_type}/{ctx.dna.metric}")
    rng, d = ctx.rng, float(ctx.difficulty)
    language = language_of(ctx)
    plain = _plain_words(ctx, language)
    classes = CLASSES[language]
    weights = {c: round(float(w), 3) for c, w in zip(classes, rng.uniform(0.5, 1.5, len(classes)), strict=True)}
    noisy = Challenge.LABEL_NOISE in ctx.challenges
    rule = Seq2SeqRule(
        language=language, plain_words=plain, class_weights=weights, abbreviations=_abbreviations(rng, language),
        nonplain_share=round(float(0.18 + 0.25 * d + rng.uniform(-0.03, 0.03)), 3),
        rare_share=round(float(0.05 + 0.3 * d + rng.uniform(0.0, 0.05)), 3),
        ambiguous_share=round(float(0.04 + 0.12 * d + rng.uniform(0.0, 0.03)), 3),
        use_and=bool(rng.random() < 0.5), british=bool(rng.random() < 0.5),
        zero="o" if rng.random() < 0.6 else "zero",
        # some annotation noise always (as in the seed's data): a rule-perfect ladder must not reach the optimum
        label_noise=round(float(rng.uniform(0.08, 0.15) if noisy else rng.uniform(0.03, 0.06)), 3),
    )
    where = "Russian" if language == "ru" else "English"
    columns = (
        ColumnSpec(name="sentence_id", kind=ColumnKind.INTEGER, description="the sentence the token belongs to"),
        ColumnSpec(name="token_id", kind=ColumnKind.INTEGER, description="the token's position in its sentence"),
        ColumnSpec(name="before", kind=ColumnKind.TEXT, description=f"the written {where} token"),
    )
    assert tuple(c.name for c in columns) == COLUMNS
    article = "an" if language == "en" else "a"
    target = TargetSpec(columns=(TARGET,), description=f"the spoken form of the token ({article} {where} speech "
                                                       "synthesizer reads it aloud this way)")
    title = f"{ctx.domain.title}: Text Normalization for Speech ({where})"
    return Draft(id_column=ID_COLUMN, columns=columns, target=target, rule=rule, title=title)
