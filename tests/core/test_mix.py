"""The modality mix of a build: reading `--mix`, apportioning slots across seeds, and reporting the achieved mix."""

from __future__ import annotations

import pytest

from sandmle_core import mix as m
from sandmle_core.mix import InvalidMix, parse_mix, plan_mix

PAPER = "image=0.49,tabular=0.25,text=0.10,multimodal=0.10,audio=0.02"
BUNDLED = {"breast-cancer": "tabular", "penguins": "tabular", "wine": "tabular", "diamonds": "tabular",
           "movies": "tabular", "digits": "image", "docstrings": "text", "co2": "time_series", "whale-calls": "audio"}


@pytest.mark.parametrize(("text", "message"), [
    ("", "is not MODALITY=SHARE"),
    ("image", "is not MODALITY=SHARE"),
    ("=0.5", "is not MODALITY=SHARE"),
    ("imgae=1", "unknown modality 'imgae'"),
    ("image=x", "share 'x' is not a number"),
    ("image=-0.1,text=1", "must be a finite number >= 0"),
    ("image=nan,text=1", "must be a finite number >= 0"),
    ("image=inf", "must be a finite number >= 0"),
    ("image=1,IMAGE=2", "image is given twice"),
    ("image=0,text=0", "the shares sum to 0"),
])
def test_a_malformed_mix_is_refused_with_its_reason(text, message):
    with pytest.raises(InvalidMix, match=message):
        parse_mix(text)


def test_a_mix_reads_modalities_and_multimodal_and_keeps_weights():
    assert parse_mix(" Image = 2 , tabular=1") == {"image": 2.0, "tabular": 1.0}
    assert {"tabular", "image", "audio", "image-to-image", "sequence-to-sequence", "ranking", "multimodal"} <= set(
        m.known_keys())
    assert m.mix_category("text+tabular") == "multimodal" and m.mix_category("image") == "image"


def test_the_slots_follow_the_mix_over_the_modalities_the_seeds_give():
    plan = plan_mix(parse_mix(PAPER), BUNDLED, total=90)
    assert sum(plan.slots.values()) == 90
    assert plan.unavailable == ["multimodal"] and plan.unmixed == ["co2"] and plan.slots["co2"] == 0
    assert plan.effective["multimodal"] == 0.0 and sum(plan.effective.values()) == pytest.approx(1.0)
    by_key: dict[str, int] = {}
    for seed_id, n in plan.slots.items():
        by_key[plan.categories[seed_id]] = by_key.get(plan.categories[seed_id], 0) + n
    for key, share in plan.effective.items():  # largest remainder: every modality within one slot of its target
        assert abs(by_key.get(key, 0) - 90 * share) < 1, (key, by_key, plan.effective)
    tabular = [plan.slots[s] for s, m in BUNDLED.items() if m == "tabular"]
    assert max(tabular) - min(tabular) <= 1 and sum(tabular) == by_key["tabular"]  # split evenly within a modality
    assert plan_mix(parse_mix(PAPER), BUNDLED, total=90) == plan  # a pure function: a resumed build plans the same


def test_the_first_seeds_of_a_modality_take_the_remainder_and_a_zero_share_gets_nothing():
    plan = plan_mix({"tabular": 1.0, "text": 0.0}, {"a": "tabular", "b": "tabular", "c": "text"}, total=3)
    assert plan.slots == {"a": 2, "b": 1, "c": 0} and plan.unavailable == [] and plan.unmixed == []


def test_the_achieved_mix_and_the_summary_section():
    plan = plan_mix(parse_mix("image=0.5,tabular=0.3,multimodal=0.2"), {"d": "image", "t": "tabular"}, total=10)
    accepted = ["image"] * 5 + ["tabular"] * 4
    assert m.achieved_mix(accepted) == pytest.approx({"image": 5 / 9, "tabular": 4 / 9})
    text = m.mix_markdown(plan, accepted)
    assert "| image | 50.0% | 62.5% | 6 | 55.6% | -6.9 |" in text
    assert "| tabular | 30.0% | 37.5% | 4 | 44.4% | +6.9 |" in text
    assert "| multimodal | 20.0% | no seed | 0 | — | — |" in text
    assert "No seed of this build gives multimodal" in text
    assert m.plan_from_dict(m.plan_to_dict(plan)) == plan


@pytest.mark.parametrize(("competition", "key"), [("random-acts-of-pizza", "multimodal"),
                                                  ("leaf-classification", "multimodal"),
                                                  ("spooky-author-identification", "text")])
def test_a_seed_counts_under_its_task_dna_modality(tmp_path, competition, key):
    from sandmle_core.profile import profile_seed
    from sandmle_core.seeds import get_bundled_seed, load_seed
    from tests.fixtures.mlebench import write_competition

    paths = write_competition(competition, tmp_path, "combined")
    profile = profile_seed(load_seed(paths["competition"]))
    assert m.mix_category(m.seed_modality(profile)) == key  # pizza's kit is text, its DNA text+tabular
    assert m.seed_modality(profile_seed(get_bundled_seed("breast-cancer"))) == "tabular"
