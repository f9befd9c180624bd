"""The catalog's text vocabularies: the classes and phrases of a text task (and a finer label of the same documents for
a many-class seed), multi-label flags, a community's comments (insults, heated and common phrases) and the requests of a
text + metadata task. `schema.Domain` holds them; `schema` re-exports every name here.

Imports: pydantic only.
"""

from __future__ import annotations

from pydantic import Field, model_validator

from sandmle_core.catalog.frozen import Frozen as _Frozen

__all__ = ["CommentVocab", "FineLabel", "FlagLabel", "RequestVocab", "TextFlags", "TextVocab"]


class FlagLabel(_Frozen):
    """One label of a multi-label text vocabulary: the phrases that show it, and the label it implies (a severe
    label implies its milder parent: every document flagged with the child is flagged with the parent too)."""

    phrases: tuple[str, ...] = Field(min_length=6)
    parent: str | None = None


class TextFlags(_Frozen):
    """A multi-label text vocabulary (jigsaw's shape): documents of their own kind, each flagged with any set of
    labels, every label shown by meaning-bearing phrases (vocabulary keys whose underscores read as spaces).

    Attributes:
        column: the text column's name (e.g. `reader_comment`).
        document: what one document is.
        label_description: what the labels are, as a noun phrase ("moderation flags a reviewer attached to the
            comment").
        purpose: why they are told (the story's "so that ..." clause).
        labels: label → its phrases and parent; a parent is a label without a parent of its own.
        common: neutral phrases any document may use.
        said: the phrases are things said to someone (insults, threats, slurs), not things found: a document that
            lacks one quotes it as unsaid ('nobody said "you muppet"'), where a review says "no stained sheets".
    """

    column: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    document: str
    label_description: str
    purpose: str
    labels: dict[str, FlagLabel]
    common: tuple[str, ...] = Field(min_length=16)
    said: bool = False

    @model_validator(mode="after")
    def _tree(self) -> TextFlags:
        if len(self.labels) < 4:
            raise ValueError("a multi-label text vocabulary needs at least four labels")
        for name, label in self.labels.items():
            if label.parent is not None and (label.parent not in self.labels
                                             or self.labels[label.parent].parent is not None):
                raise ValueError(f"flag {name!r}: parent {label.parent!r} must be a label without a parent")
        return self


class FineLabel(_Frozen):
    """A finer label of a text vocabulary's documents, for a many-class seed (99 leaf species, 120 breeds: drafted at
    up to `MICRO_CLASS_CAP` classes): 20-24 classes, each shown by its own words, none shared with another class.
    Class names are single lowercase words, since they become the sample submission's probability columns.

    Attributes:
        label: the target column's name (e.g. `subject`); `label_description` says what it is.
        classes: class → words that signal it (vocabulary keys whose underscores read as spaces).
    """

    label: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    label_description: str
    classes: dict[str, tuple[str, ...]]

    @model_validator(mode="after")
    def _distinct(self) -> FineLabel:
        if not 20 <= len(self.classes) <= 24:
            raise ValueError(f"a fine text label needs 20-24 classes, has {len(self.classes)}")
        seen: dict[str, str] = {}
        for name, words in self.classes.items():
            if not name.isalpha() or not name.islower():
                raise ValueError(f"fine text class {name!r} must be one lowercase word (it names a column)")
            if len(words) < 10:
                raise ValueError(f"fine text class {name!r} needs at least 10 signal words, has {len(words)}")
            for w in words:
                if seen.setdefault(w, name) != name:
                    raise ValueError(f"fine text classes {seen[w]!r} and {name!r} share the word {w!r}")
        return self


class TextVocab(_Frozen):
    """What the text drafter needs: the document, the label, and topic words per class.

    Attributes:
        column: the text column's name (e.g. `note`).
        document: what one document is (e.g. "a triage nurse's free-text note").
        purpose: why its label is told from a document (the story's "so that ..." clause: "each patient is sent to
            the right specialist team ..."), not the domain's tabular purpose, which is about another prediction.
        label: the target column's name; `classes` maps each class to words that signal it.
        common: words any document may use (the background the signal hides in).
        flags: the domain's multi-label text vocabulary, when it has one.
        fine: a finer label of the same documents with more classes than `classes`, which a many-class seed drafts
            from (`modalities.text.drafter`); the other seeds never see it.
    """

    column: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    document: str
    purpose: str
    label: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    label_description: str
    classes: dict[str, tuple[str, ...]]
    common: tuple[str, ...] = Field(min_length=20)
    flags: TextFlags | None = None
    fine: FineLabel | None = None

    @model_validator(mode="after")
    def _enough(self) -> TextVocab:
        if len(self.classes) < 3:
            raise ValueError("a text vocabulary needs at least three classes")
        for name, words in self.classes.items():
            if len(words) < 8:
                raise ValueError(f"text class {name!r} needs at least 8 signal words, has {len(words)}")
        if self.fine is not None and len(self.fine.classes) <= len(self.classes):
            raise ValueError("a fine text label needs more classes than the vocabulary's own label")
        return self


class CommentVocab(_Frozen):
    """An online community's moderation vocabulary (detecting insults' shape): comments in a thread, and whether a
    comment insults another participant. Phrases are vocabulary keys whose underscores read as spaces.

    Attributes:
        document: what one comment is ("a reader's comment in the thread under an article").
        purpose: why insults are told (the story's "so that ..." clause).
        insults: phrases that insult a participant of the thread ("you absolute clown").
        heated: rude, profane or scornful phrases aimed at no participant ("what a shambles", "load of crap"): the
            comments that are not insults use them too, as mle-bench's negatives do.
        common: neutral phrases any comment may use.
    """

    document: str
    purpose: str
    insults: tuple[str, ...] = Field(min_length=10)
    heated: tuple[str, ...] = Field(min_length=8)
    common: tuple[str, ...] = Field(min_length=16)


class RequestVocab(_Frozen):
    """What the text + metadata drafter needs (random-acts-of-pizza's shape): a request posted to a community, the
    requester's record, and whether the request succeeds.

    Attributes:
        document: what one request is ("a member's post asking the food-sharing community for a free meal").
        requester: who posts it ("member"), and `outcome`: the target column (`requester_received_meal`).
        outcome_description: what the target says, in words.
        story: the framing, with `{target}` ("A food-sharing app wants to tell {target} from ...").
        communities: the communities a requester may belong to (the list-valued column's values).
        channels: where a request is posted from (a categorical column's levels).
        persuasive, plain: words of requests that tend to succeed and of requests that tend not to.
        common: words any request may use.
        flair: the badge a requester earns once a request succeeded (a train-only column that restates the label).
    """

    document: str
    requester: str
    outcome: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    outcome_description: str
    story: str
    communities: tuple[str, ...] = Field(min_length=6)
    channels: tuple[str, ...] = Field(min_length=3)
    persuasive: tuple[str, ...] = Field(min_length=8)
    plain: tuple[str, ...] = Field(min_length=8)
    common: tuple[str, ...] = Field(min_length=20)
    flair: str

    @model_validator(mode="after")
    def _story_names_target(self) -> RequestVocab:
        if "{target}" not in self.story:
            raise ValueError("a request story must say what is told from the request: it needs {target}")
        return self
