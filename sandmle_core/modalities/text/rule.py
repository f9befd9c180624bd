"""The hidden rule of a text environment: a per-class token model that documents are sampled from.

A document of class `c` is a sequence of token units drawn from a class-specific distribution: with rate
`signal_rate` one of the class's signal words (by weight; "confuser" words carry weight in two classes), with rate
`distractor_rate` a signal word of another class, with rate `negation_rate` a negated signal word of another class
("no <word>", a bigram that unigram models misread), otherwise a class-neutral common word. Words repeat as in real
text: at rate `repeat_rate` a unit copies a uniformly chosen earlier unit of the same document (Polya-urn
burstiness, which rewards sublinear term weighting). A share `vague_share` of documents is "vague": their signal rate
is scaled by `vague_scale`, so some documents stay ambiguous even for the rule itself. The number of units is
`length_range[0] + Binomial(length_range[1] - length_range[0], length_bias[c])`, so length carries a weak signal.
Labels flip to another class with probability `label_noise` after the oracle is computed. Everything is plain JSON
(words, floats, ints), so the rule fits config.yaml and the spec hash.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from sandmle_core.modalities.text.records_rule import TRAIN_ONLY, FieldRange, RequestRule

__all__ = ["NEGATION", "TextRule"]

NEGATION = "no"
"""The token that negates the signal word after it (reserved: never a common or signal word)."""


class TextRule(BaseModel):
    """Per-class token model of a text classification environment.

    Attributes:
        classes: the class labels, in answer order.
        priors: class → prior share (sums to 1).
        signal: class → {signal word → relative weight}; confuser words appear under two classes.
        confusers: confuser word → the two classes it signals.
        common: class-neutral background words (most frequent first; weights fall off as 1/rank**common_zipf).
        common_zipf: Zipf exponent of the background words.
        length_range: (min, max) token units per document.
        length_bias: class → success probability of the binomial length draw (per-class mean length).
        signal_rate, distractor_rate, negation_rate: per-unit rates of own signal, other-class signal, and negated
            other-class signal words.
        repeat_rate: probability that a unit (after the first) copies an earlier unit of its document.
        vague_share: share of documents whose signal rate is multiplied by `vague_scale`.
        vague_scale: the signal-rate multiplier of vague documents.
        label_noise: probability that a label is replaced by a uniformly drawn other class.
        test_length_scale: length multiplier of test documents (< 1 under a train/test shift).
        sentence_range: (min, max) units per sentence (sentences are layout only, they carry no signal).
        side_column: name of the derived word-count column, or None.
        multilabel: a multi-label rule (`text.multilabel`): `classes` are labels any set of which a document may
            carry, `priors` each label's rate (a label with a parent: its rate among documents that carry the
            parent), and a document's units are drawn from the signal of every label it carries.
        parents: label → the label it implies (a severe label and its milder parent), multi-label rules only.
        misspell_rate: share of the longer words of written phrases that are misspelled or masked ("cl0wn",
            "cl*wn", "clownn"), as commenters dodge filters and reviewers type fast; spelling only, never the units.
        records: a text + metadata task's request rule (random-acts-of-pizza's shape, records.py): the binary token
            model writes the requests, the request rule adds the requester's record and the train-only fields.
        text_is_id: the comment text is the key of every file (detecting insults' shape, keyed.py): the id column
            is the text column, rows are matched on it, and no two comments of an environment are equal.
        sample_file: the seed's name of the sample submission (`sample_submission_null.csv`), when not the usual.
        said: a multi-label rule's phrases are things said to someone (insults, threats: `TextFlags.said`), so the
            remarks quote a negated one as unsaid (`voices.SAID_REMARK`, which keyed comments always take); written
            only, never the units.
        always_said: classes whose every document holds one of the class's own signal words (not negated): an
            insult always insults. A document of such a class that holds none is drawn again (kind, length and
            units), and the oracle conditions on it: a document without one is never of the class, and one with
            one weighs the class by 1 / P(a document of it holds one) (`synthesizer`). In a multi-label rule:
            labels, and a document that carries one holds a phrase of one of them (`multilabel`).
        The last five are left out of the serialised form when unset, so every other text spec keeps its content hash.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: Literal["text"] = "text"
    classes: tuple[str, ...] = Field(min_length=2)
    priors: dict[str, float]
    signal: dict[str, dict[str, float]]
    confusers: dict[str, tuple[str, str]] = {}
    common: tuple[str, ...] = Field(min_length=5)
    common_zipf: float = Field(ge=0.0, le=2.0)
    length_range: tuple[int, int]
    length_bias: dict[str, float]
    signal_rate: float = Field(gt=0.0, lt=1.0)
    distractor_rate: float = Field(ge=0.0, lt=1.0)
    negation_rate: float = Field(ge=0.0, lt=1.0)
    repeat_rate: float = Field(ge=0.0, lt=0.9)
    vague_share: float = Field(ge=0.0, lt=0.8)
    vague_scale: float = Field(ge=0.0, le=1.0)
    label_noise: float = Field(ge=0.0, lt=0.5)
    test_length_scale: float = Field(gt=0.2, le=1.0)
    sentence_range: tuple[int, int] = (5, 11)
    side_column: str | None = None
    multilabel: bool = False
    parents: dict[str, str] = {}
    misspell_rate: float = Field(0.0, ge=0.0, lt=1.0)
    records: RequestRule | None = Field(default=None, exclude_if=lambda records: records is None)
    text_is_id: bool = Field(default=False, exclude_if=lambda keyed: not keyed)
    sample_file: str | None = Field(default=None, pattern=r"^[A-Za-z0-9_.-]+\.csv$",
                                    exclude_if=lambda name: name is None)
    said: bool = Field(default=False, exclude_if=lambda said: not said)
    always_said: tuple[str, ...] = Field(default=(), exclude_if=lambda classes: not classes)

    @property
    def train_only_columns(self) -> tuple[str, ...]:
        """Fields of the training records only (the contracts read them; test files must never carry them)."""
        return TRAIN_ONLY if self.records is not None else ()

    @property
    def features(self) -> tuple[FieldRange, ...]:
        """The declared ranges of a text + metadata task's numeric fields (posting times, account ages); none else."""
        return self.records.ranges if self.records is not None else ()

    @model_validator(mode="after")
    def _consistent(self) -> TextRule:
        names = set(self.classes)
        if len(names) != len(self.classes):
            raise ValueError(f"repeated classes: {list(self.classes)}")
        for field in ("priors", "signal", "length_bias"):
            keys = set(getattr(self, field))
            if keys != names:
                raise ValueError(f"{field} must have exactly the classes as keys, has {sorted(keys)}")
        if self.multilabel:
            if any(not 0.0 < p < 1.0 for p in self.priors.values()):
                raise ValueError(f"label rates must lie strictly between 0 and 1, got {self.priors}")
            for child, parent in self.parents.items():
                if {child, parent} - names or parent in self.parents or child == parent:
                    raise ValueError(f"label {child!r} must imply a label without a parent, got {parent!r}")
        elif self.parents:
            raise ValueError("only a multi-label rule has parent labels")
        elif abs(sum(self.priors.values()) - 1.0) > 1e-3 or min(self.priors.values()) <= 0:
            raise ValueError(f"priors must be positive and sum to 1, got {self.priors}")
        if set(self.always_said) - names:
            raise ValueError(f"always_said must name classes of the rule, got {list(self.always_said)}")
        if any(not 0.0 < q < 1.0 for q in self.length_bias.values()):
            raise ValueError("length_bias values must lie strictly between 0 and 1")
        low, high = self.length_range
        if not 1 <= low < high:
            raise ValueError(f"length_range must satisfy 1 <= min < max, got {self.length_range}")
        s_low, s_high = self.sentence_range
        if not 1 <= s_low <= s_high:
            raise ValueError(f"sentence_range must satisfy 1 <= min <= max, got {self.sentence_range}")
        if self.signal_rate + self.distractor_rate + self.negation_rate >= 0.9:
            raise ValueError("signal, distractor and negation rates leave too little room for common words")
        signal_words: set[str] = set()
        for cls, words in self.signal.items():
            if not words or min(words.values()) <= 0:
                raise ValueError(f"class {cls!r} needs signal words with positive weights")
            signal_words |= set(words)
        for word, pair in self.confusers.items():
            if len(set(pair)) != 2 or not set(pair) <= names:
                raise ValueError(f"confuser {word!r} must name two different classes, got {pair}")
            if any(word not in self.signal[c] for c in pair):
                raise ValueError(f"confuser {word!r} must be a signal word of both {pair}")
        reserved = {NEGATION} & (signal_words | set(self.common))
        if reserved:
            raise ValueError(f"the negation token {NEGATION!r} must not be a vocabulary word")
        shared = signal_words & set(self.common)
        if shared:
            raise ValueError(f"words are both signal and common: {sorted(shared)}")
        if len(set(self.common)) != len(self.common):
            raise ValueError("repeated common words")
        return self
