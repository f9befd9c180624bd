"""Text drafting for a many-class seed: a seed above the domain's own label (40 classes, drafted at the micro cap's
17–24) takes the documents' finer label (`TextVocab.fine`); a seed the own label hosts drafts exactly the rule it
drafted before fine labels existed; above 12 classes (and only there) the text ladder's levels 1, 4 and 5 change."""

from __future__ import annotations

import re

import pytest

from sandmle_core.catalog import load_catalog
from sandmle_core.errors import SpecError
from sandmle_core.metrics import get_metric
from sandmle_core.modalities.base import DraftContext, class_count_range, headline
from sandmle_core.modalities.text import KIT as text
from sandmle_core.slots import stream
from sandmle_core.spec import Modality, TaskType
from sandmle_core.taskspec import SeedDNA

FINE_DOMAINS = [d.key for d in load_catalog().domains if d.text is not None and d.text.fine is not None]


def _context(domain, classes: int, seed: int) -> DraftContext:
    dna = SeedDNA(seed_id="many", modality=Modality.TEXT, task_type=TaskType.MULTICLASS,
                  metric="multiclass_log_loss", lower_is_better=get_metric("multiclass_log_loss").lower_is_better,
                  label_cardinality=classes, min_class_share=0.02, feature_mix={"text": 1})
    return DraftContext(dna=dna, profile=None,  # type: ignore[arg-type]
                        domain=domain, rng=stream(seed, "many", 0, "draft"), difficulty=0.4, challenges=(),
                        n_train=180, n_test=200)


@pytest.mark.parametrize("key", FINE_DOMAINS)
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_forty_class_seed_drafts_the_fine_label_at_the_micro_cap(key: str, seed: int) -> None:
    domain = load_catalog().get(key)
    fine = domain.text.fine
    draft = text.draft(_context(domain, 40, seed))
    low, high = class_count_range(40)
    classes = draft.target.classes or ()
    assert draft.target.columns == (fine.label,) and draft.target.description == fine.label_description
    assert low <= len(classes) <= high and set(classes) <= set(fine.classes)
    fine_words = {w for words in fine.classes.values() for w in words}
    assert all(set(words) <= fine_words for words in draft.rule.signal.values())  # the fine label's words only
    asked = re.sub(r"\s*\([^)]*\)", "", fine.label_description)  # the title asks in the description's words
    assert draft.title == f"{domain.title}: {headline('Predict ' + asked)} from the " \
                          f"{headline(domain.text.column.replace('_', ' '))}"
    assert "_" not in draft.title


OWN_HOSTED = [(key, n) for key in FINE_DOMAINS for n in (3, 5, 8, 11, 12)
              if class_count_range(n)[0] <= len(load_catalog().get(key).text.classes)]  # type: ignore[union-attr]


@pytest.mark.parametrize(("key", "classes"), OWN_HOSTED)
def test_a_seed_the_own_label_hosts_drafts_what_it_drafted_without_a_fine_label(key: str, classes: int) -> None:
    domain = load_catalog().get(key)
    without = domain.model_copy(update={"text": domain.text.model_copy(update={"fine": None})})
    draft, before = text.draft(_context(domain, classes, 5)), text.draft(_context(without, classes, 5))
    assert draft.target.columns == (domain.text.label,)
    assert draft.rule == before.rule and draft.target == before.target and draft.title == before.title


SMALL_OWN = [key for key, n in OWN_HOSTED if n == 8 and (key, 11) not in OWN_HOSTED]  # own labels under 8 classes


@pytest.mark.parametrize("key", SMALL_OWN)
@pytest.mark.parametrize("classes", [11, 12])
def test_a_seed_of_up_to_twelve_classes_is_never_drafted_from_a_fine_label(key: str, classes: int) -> None:
    """An own label under 8 classes cannot host an 11- or 12-class seed (8 needed): its fine label does not step in
    either, as the seed was refused there before fine labels existed."""
    domain = load_catalog().get(key)
    assert not text.hosts(domain, TaskType.MULTICLASS, class_count_range(classes)[0])
    with pytest.raises(SpecError, match="text classes, the seed needs at least"):
        text.draft(_context(domain, classes, 5))


def _ladder(n_classes: int, kind: str = "class_probabilities") -> list:
    from sandmle_core.ladder import LadderConfig
    from sandmle_core.modalities.text.ladder import scripts

    classes = tuple(f"c{i}" for i in range(n_classes))
    return scripts(LadderConfig(modality=Modality.TEXT, task_type=TaskType.MULTICLASS, metric="multiclass_log_loss",
                                metric_kind=kind, id_column="id", target_columns=("y",),
                                submission_columns=classes if kind == "class_probabilities" else ("y",),
                                classes=classes, feature_columns=("note",), text_column="note"))


@pytest.mark.parametrize("n_classes", [3, 8, 12, 13, 24])
def test_only_a_many_class_ladder_tunes_levels_four_and_five_with_the_rare_class_cv(n_classes: int) -> None:
    many = n_classes > 12
    for script in _ladder(n_classes):
        compile(script.source, script.name, "exec")
        assert ("def cv_logreg" in script.source) == (many and script.level in (4, 5))
        if script.level == 1:
            assert ("C=0.01," in script.source) == many and ("C=0.3," in script.source) != many
        if script.level in (1, 2):  # the many-class bodies' text replacements took: the prior is mixed in
            assert ("+ 0.5 * prior()" in script.source or "+ 0.2 * prior()" in script.source) == many
    assert all("cv_logreg" not in s.source for s in _ladder(24, "label"))  # a label task keeps its scripts


@pytest.mark.parametrize("key", [d.key for d in load_catalog().domains if d.text is not None])
def test_a_title_asks_in_the_words_of_the_label_description(key: str) -> None:
    """"Aircraft Engine Maintenance: Predict the Aircraft System of the Defect from the Defect Writeup", never a
    title made of the snake_case label ("Ata System from the Defect Writeup")."""
    domain = load_catalog().get(key)
    draft = text.draft(_context(domain, 5, 1))
    words = re.sub(r"\s*\([^)]*\)", "", domain.text.label_description)
    assert draft.title == f"{domain.title}: {headline('Predict ' + words)} from the " \
                          f"{headline(domain.text.column.replace('_', ' '))}"
    assert "_" not in draft.title and "(" not in draft.title.split(": ", 1)[1]
