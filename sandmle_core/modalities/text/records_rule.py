"""The hidden rule of a text + metadata task (random-acts-of-pizza's shape): whether a request posted to a community
succeeds, told by how the request is written AND by the requester's record.

Each row is one request: a title and a body written by the text channel (the enclosing `TextRule`: a latent register
`z` — 1 for a request written the way successful requests are, 0 otherwise — and documents sampled from its token
model), and a metadata record: the requester's account age, posts and comments before the request, the communities
they belong to (a list), the channel the request came from and when it was posted (a unix timestamp). The label's
log-odds add the register (`w_text`, stronger still for new accounts: `w_text_new`) to metadata effects (account
age, activity, communities, channel, evening hours, a downward trend over the years), then divide by `temperature`,
the noise knob the drafter sets from the difficulty and the verifier's repair moves; `intercept` sets how many
requests succeed. A text-only or a metadata-only model sees half the log-odds and falls short of one that reads both.
Three fields are only known after the fact — votes and edits at retrieval, and the requester's flair, which restates
the label — and are written to the training records only (`TRAIN_ONLY`), as the seed's are.

Imports: pydantic only.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["TRAIN_ONLY", "FieldRange", "RequestRule"]

TRAIN_ONLY = ("number_of_upvotes_of_request_at_retrieval", "post_was_edited", "requester_user_flair")
"""The fields of a training record only: known at retrieval, after the outcome (the flair restates it)."""
AGE_FIELD, TIME_FIELD = "requester_account_age_in_days_at_request", "unix_timestamp_of_request"
MAX_AGE_DAYS = 4000.0


class FieldRange(BaseModel):
    """The declared range of a numeric field of the records (the contracts and the realism check hold values to it)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    kind: Literal["numeric", "integer"]
    low: float
    high: float


class RequestRule(BaseModel):
    """The label model of a text + metadata task (the text channel is the enclosing `TextRule`).

    Attributes:
        intercept: base log-odds of success.
        w_text: log-odds of a request written in the successful register (z = 1) against the other (z = 0), halved
            each way: + w_text / 2 for z = 1, - w_text / 2 for z = 0.
        w_text_new: extra log-odds of the register for accounts younger than `new_account_days` (the same sign
            convention): new requesters are judged by their words.
        new_account_days: the age below which an account is new.
        w_age: log-odds per standard deviation of log(1 + account age in days).
        w_activity: log-odds per standard deviation of log(1 + posts before the request).
        w_communities: log-odds per community the requester belongs to.
        community_effects: log-odds of belonging to each community (the vocabulary's order).
        channel_effects: log-odds of each channel (the vocabulary's order).
        w_evening: log-odds of a request posted between 17:00 and 23:59 UTC.
        w_trend: log-odds per year since the first possible request date.
        temperature: the noise knob: log-odds are divided by it before the label is drawn (1 = as written).
        start: the earliest request time (unix seconds); `span_days`: how many days requests span.
        body_words: (min, max) token units of a request's body; `title_words`: of its title.
        communities: the community names (the list column's values); `channels`: the channel names.
        flair: the flair a successful requester carries in the training records.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    intercept: float = Field(ge=-6.0, le=3.0)
    w_text: float = Field(ge=0.0, le=6.0)
    w_text_new: float = Field(ge=0.0, le=4.0)
    new_account_days: float = Field(gt=0.0, le=365.0)
    w_age: float = Field(ge=0.0, le=3.0)
    w_activity: float = Field(ge=0.0, le=3.0)
    w_communities: float = Field(ge=-1.0, le=1.0)
    community_effects: tuple[float, ...] = Field(min_length=2, max_length=12)
    channel_effects: tuple[float, ...] = Field(min_length=2, max_length=6)
    w_evening: float = Field(ge=-2.0, le=2.0)
    w_trend: float = Field(ge=-2.0, le=2.0)
    temperature: float = Field(gt=0.2, le=4.0)
    start: int = Field(ge=0)
    span_days: int = Field(ge=30, le=3650)
    body_words: tuple[int, int] = (14, 40)
    title_words: tuple[int, int] = (3, 7)
    communities: tuple[str, ...] = Field(min_length=2, max_length=12)
    channels: tuple[str, ...] = Field(min_length=2, max_length=6)
    flair: str

    @property
    def ranges(self) -> tuple[FieldRange, ...]:
        """The ranges the synthesizer keeps: posting times within the span, account ages up to 4000 days."""
        return (FieldRange(name=AGE_FIELD, kind="numeric", low=0.0, high=MAX_AGE_DAYS),
                FieldRange(name=TIME_FIELD, kind="integer", low=float(self.start),
                           high=float(self.start + self.span_days * 86_400)))
