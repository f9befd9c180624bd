"""The hidden rule of a sequence-to-sequence environment: a sentence grammar with semiotic tokens and the
conventions of its verbalizer.

A sentence is a run of plain words (drawn from `plain_words`) in which a share `nonplain_share` of the slots holds a
semiotic token of one of `class_weights`' classes (cardinal, ordinal, date, time, money, measure, letters,
telephone, decimal); each sentence ends with a full stop. A semiotic token is written in a rare format (2,000;
03/04/2010; 7:05pm; $3.50 ...) with probability `rare_share`. With probability `ambiguous_share` a slot holds an
ambiguous number whose reading depends on its context: in English a four-digit number after "in", "since", "by" or
"until" is read as a year (nineteen ninety nine), elsewhere as a cardinal; in Russian a four-digit number followed
by "году" is read as a prepositional ordinal year (девяносто девятом), elsewhere as a cardinal. The verbalizer's
conventions (`use_and`, `british`, `zero`) differ between environments, so a solution learns them from the training
pairs. With probability `label_noise` the recorded spoken form of a token with digits is read digit by digit instead
(annotation noise, applied after the oracle is computed). Everything is plain JSON so the rule fits the spec hash.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

__all__ = ["CLASSES", "Seq2SeqRule"]

CLASSES = {
    "en": ("CARDINAL", "ORDINAL", "DATE", "TIME", "MONEY", "MEASURE", "LETTERS", "TELEPHONE", "DECIMAL"),
    "ru": ("CARDINAL", "ORDINAL", "DATE", "TIME", "MONEY", "MEASURE", "LETTERS", "TELEPHONE"),
}
"""The semiotic classes each language's grammar writes (besides PLAIN and PUNCT, which every sentence has)."""


class Seq2SeqRule(BaseModel):
    """Sentence grammar and verbalizer conventions of a text-normalization environment.

    Attributes:
        language: "en" or "ru".
        plain_words: the words plain slots draw from (kept as they are).
        abbreviations: the letter sequences this text keeps using (BBC, NASA); a rare letters token is a new one.
        class_weights: semiotic class → relative weight of a non-plain slot.
        nonplain_share: share of slots that hold a semiotic token.
        rare_share: probability that a semiotic token is written in a rare format.
        ambiguous_share: probability that a slot holds a context-dependent number (year or cardinal reading).
        sentence_range: (min, max) tokens per sentence, the final full stop included.
        use_and, british, zero: the verbalizer's conventions (English only; Russian ignores them).
        label_noise: probability that a token with digits is recorded read digit by digit.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: Literal["seq2seq"] = "seq2seq"
    language: Literal["en", "ru"]
    plain_words: tuple[str, ...] = Field(min_length=10)
    abbreviations: tuple[str, ...] = Field(min_length=3)
    class_weights: dict[str, float]
    nonplain_share: float = Field(gt=0.0, lt=0.8)
    rare_share: float = Field(ge=0.0, lt=0.8)
    ambiguous_share: float = Field(ge=0.0, lt=0.5)
    sentence_range: tuple[int, int] = (6, 13)
    use_and: bool = False
    british: bool = False
    zero: Literal["o", "zero"] = "o"
    label_noise: float = Field(ge=0.0, lt=0.2)
    train_only_columns: tuple[str, ...] = ("class",)

    @model_validator(mode="after")
    def _consistent(self) -> Seq2SeqRule:
        unknown = set(self.class_weights) - set(CLASSES[self.language])
        if unknown or not self.class_weights:
            raise ValueError(f"class_weights must name {self.language} classes {CLASSES[self.language]}, "
                             f"got {sorted(self.class_weights)}")
        if min(self.class_weights.values()) <= 0:
            raise ValueError("class weights must be positive")
        low, high = self.sentence_range
        if not 3 <= low <= high:
            raise ValueError(f"sentence_range must satisfy 3 <= min <= max, got {self.sentence_range}")
        bad = [w for w in self.plain_words if not w or " " in w or any(c.isdigit() for c in w)]
        if bad or len(set(self.plain_words)) != len(self.plain_words):
            raise ValueError(f"plain words must be distinct single words without digits, got {bad[:5]}")
        return self
