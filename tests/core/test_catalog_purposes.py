"""A tabular story's "so that" is the purpose of the target the task predicts (issue 16: stories written for what is
shipped). A domain's story was written for one of its targets: a food delivery platform predicting the tags on an
order "so that customers see realistic times and operations can add couriers at the right moments" read as another
task's story. 166 of the catalog's 279 tabular targets carry a purpose of their own (`ClassTarget.purpose` ...), and
a drafted spec's story ends with it; the others keep the domain's."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from pydantic import ValidationError

from sandmle_core.agents import get_backend
from sandmle_core.catalog import load_catalog
from sandmle_core.catalog.schema import ClassTarget, Domain
from sandmle_core.pipeline import analyze_seed, read_profile

_KINDS = ("binary", "multiclass", "ordinal", "regression", "multitarget", "multilabel")


def _targets(domain: Domain) -> list:
    return [t for kind in _KINDS for t in getattr(domain, kind)]


def test_the_catalogs_purposes_are_clauses_of_their_own() -> None:
    domains = load_catalog().domains
    own = [t.purpose for d in domains for t in _targets(d) if t.purpose]
    assert len(own) >= 150
    assert not [p for p in own if p.startswith("so that") or p.endswith(".") or "_" in p]
    stories = {d.purpose for d in domains}
    repeated = [p for p, n in Counter(own).items() if n > 1]
    assert not repeated and not set(own) & stories, (repeated, set(own) & stories)


def test_a_targets_purpose_replaces_the_storys() -> None:
    food = next(d for d in load_catalog().domains if d.key == "food_delivery")
    tags = food.multilabel[0]
    assert tags.purpose and food.purpose.startswith("customers see realistic times")
    story = food.render_story("the set of tags on the order", template=food.story_for(tags.purpose))
    assert story.endswith(f", so that {tags.purpose}.") and "realistic times" not in story
    assert story.startswith("A food delivery platform wants to predict the set of tags on the order for each food")
    assert food.story_for(None) == food.story
    for bad in ("ends with a full stop.", "names a column_name", "Starts upper case"):
        with pytest.raises(ValidationError):
            ClassTarget(name="x", description="x", classes=("0", "1"), purpose=bad)


@pytest.mark.parametrize("seed_id", ["movies", "penguins", "diamonds"])
def test_a_drafted_story_ends_with_its_targets_purpose(tmp_path: Path, seed_id: str) -> None:
    seed, profile = analyze_seed(seed_id, tmp_path / "corpus")
    domains = {d.key: d for d in load_catalog().domains}
    own = 0
    for index in range(8):
        spec = get_backend("offline").strategist.draft_spec(seed, read_profile(profile), index, 7)
        domain = domains[spec.domain.key]
        target = next(t for t in _targets(domain) if getattr(t, "name", None) == spec.target.columns[0]
                      or (getattr(t, "labels", None) and spec.target.description == t.description))
        expected = target.purpose or domain.purpose
        own += target.purpose is not None
        assert spec.story.endswith(f", so that {expected}."), (spec.domain.key, spec.story)
    assert own, "no drafted target with a purpose of its own"
