"""The ranking modality: per query, a list of candidate items with graded relevance, graded by MAP@k or NDCG@k.

`rule` holds the hidden generating process (`RankingRule`: a latent query-item match, a popularity prior, a
distance and a price-over-budget penalty, noise), `vocab` the hosting domains' ranking vocabularies, `drafter` draws
the rule, `synthesizer` writes `queries.csv`, `train.csv` (candidates with `relevance` 0–3), `test.csv` (candidates
without it) at any scale, `ladder` the scripts from the popularity order to a rank ensemble. `KIT` is what the
registry sees. A seed is routed here by its metric (a ranked-list grader such as MAP@12), not by its columns.

Imports: `sandmle_core.modalities.base`, the shared vocabulary, and its own modules.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from sandmle_core.modalities.base import ModalityKit, framing_variant, lower_first
from sandmle_core.modalities.ranking import drafter, ladder, synthesizer
from sandmle_core.modalities.ranking.drafter import RELEVANCE_COLUMN, metric_k
from sandmle_core.modalities.ranking.rule import RankingRule
from sandmle_core.modalities.ranking.synthesizer import QUERIES_FILE, item_column, prior_submission
from sandmle_core.modalities.ranking.vocab import VOCABS
from sandmle_core.spec import Challenge, Modality, TaskType

if TYPE_CHECKING:
    from sandmle_core.catalog.schema import Domain
    from sandmle_core.taskspec import TaskSpec

__all__ = ["KIT", "QUERIES_FILE", "RELEVANCE_COLUMN", "is_ranking", "item_column"]


def is_ranking(spec: TaskSpec) -> bool:
    """Whether a spec is a ranking task (candidate rows in train/test, query columns in queries.csv)."""
    return isinstance(spec.rule, RankingRule)


def _detects(kinds: Sequence[str]) -> bool:
    return False  # candidate rows look tabular: a ranking seed is told by its ranked-list metric


def _hosts(domain: Domain, task_type: TaskType, min_classes: int) -> bool:
    return task_type == TaskType.RANKING and domain.key in VOCABS


def _row_entity(domain: Domain) -> str:
    vocab = VOCABS.get(domain.key)
    return vocab.query if vocab is not None else domain.entity


def _row_noun(spec: TaskSpec) -> str:
    return f"one candidate of one query ({VOCABS[spec.domain.key].item})"


def _data_files(spec: TaskSpec, files: list[str]) -> list[str]:
    vocab = VOCABS[spec.domain.key]
    id_col, item = spec.grading.id_column, vocab.item_column
    grades = ", ".join(f"{g} = {w}" for g, w in enumerate(vocab.grades))
    return [
        f"- `{QUERIES_FILE}` — one row per query (training and test queries alike): `{id_col}` and the query "
        "columns listed below.",
        f"- `train.csv` — the candidates of {spec.n_train} training queries, one row per (query, candidate): "
        f"`{id_col}`, `{item}`, the candidate columns listed below and `{RELEVANCE_COLUMN}`, the graded response "
        f"({grades}).",
        f"- `test.csv` — the candidates of {spec.n_test} test queries, in the same layout without "
        f"`{RELEVANCE_COLUMN}`. Rank them: only these candidates can be relevant to their query.",
        *files[2:],
    ]


def _story(domain: Domain) -> str:
    """A ranking framing: the organisation's log, what a query and a candidate are, and the goal."""
    vocab = VOCABS.get(domain.key)
    if vocab is None:
        return domain.story
    org = domain.organisation
    if framing_variant(domain, 2) == 0:
        return (f"{org} keeps {vocab.log}: for each query — {vocab.query} — the candidates it showed, each "
                f"{vocab.item}, and how the user responded. For new queries it wants {{target}}, chosen among "
                "their candidates, so that users find what they came for at the top of the list.")
    return (f"Every query in the {vocab.log.removeprefix('its ')} of {lower_first(org)} is {vocab.query}; "
            f"its candidates are {vocab.plural}, each graded by how the user responded. For each test query, the task "
            "is to list {target}, chosen among its candidates.")


KIT = ModalityKit.assemble(
    drafter, synthesizer, ladder, modality=Modality.RANKING, rule_model=RankingRule, test_rows=(100, 200),
    extra_challenges=(Challenge.IRRELEVANT_FEATURES,), task_type=TaskType.RANKING,
    detects=_detects, hosts=_hosts, row_entity=_row_entity, row_noun=_row_noun, data_files=_data_files,
    story_template=_story, prior_submission=prior_submission)

__all__ += ["metric_k"]
