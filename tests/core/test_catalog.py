"""The domain catalog: size and spread, completeness of every entry (tabular domains and the audio-only acoustic
surveys), hosting of the bundled seeds' tasks, of a 19-species multi-label audio seed and of a 40-class text seed (a
fine text label), distinct text signal words, and typed errors that name the broken domain."""

from __future__ import annotations

import copy
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from sandmle_core.catalog import CATALOG_PATH, CatalogError, Domain, load_catalog, parse_catalog
from sandmle_core.modalities import domains_for, get_kit
from sandmle_core.modalities.audio.rule import EVENT_KINDS
from sandmle_core.modalities.base import class_count_range
from sandmle_core.modalities.text.drafter import FILLER_WORDS
from sandmle_core.modalities.text.rule import NEGATION
from sandmle_core.seeds.sources import SOURCES
from sandmle_core.spec import Modality, TaskType

CATALOG = load_catalog()
DOMAINS = CATALOG.domains
KEYS = [d.key for d in DOMAINS]
TABULAR = [d for d in DOMAINS if d.features]  # every domain but the acoustic surveys, which carry audio only
SURVEYS = [d for d in DOMAINS if not d.features]
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when available: the catalog is ~170 KB
RAW_ENTRIES: list[dict] = yaml.load(CATALOG_PATH.read_text(), Loader=_LOADER)["domains"]

# (modality, task type, label cardinality) of each bundled seed, as defined in sandmle_core/seeds/sources.py.
SEED_TASKS: dict[str, tuple[Modality, TaskType, int | None]] = {
    "breast-cancer": (Modality.TABULAR, TaskType.BINARY, 2),
    "penguins": (Modality.TABULAR, TaskType.MULTICLASS, 3),
    "wine": (Modality.TABULAR, TaskType.MULTICLASS, 3),
    "anes96": (Modality.TABULAR, TaskType.ORDINAL, 7),
    "diamonds": (Modality.TABULAR, TaskType.REGRESSION, None),
    "movies": (Modality.TABULAR, TaskType.MULTILABEL, 7),
    "docstrings": (Modality.TEXT, TaskType.MULTICLASS, 5),
    "digits": (Modality.IMAGE, TaskType.MULTICLASS, 10),
    "co2": (Modality.TIME_SERIES, TaskType.FORECASTING, None),
    "whale-calls": (Modality.AUDIO, TaskType.BINARY, 2),
    "karate": (Modality.GRAPH, TaskType.BINARY, 2),
    "karate-links": (Modality.GRAPH, TaskType.BINARY, 2),
}

# What the text drafter accepts as a token (mirrors sandmle_core/modalities/text/drafter.py).
_TOKEN_CHARS = set("abcdefghijklmnopqrstuvwxyz0123456789_")


def _is_token(word: str) -> bool:
    return len(word) >= 2 and word[0].isalpha() and word[0].islower() and word[-1] != "_" and set(word) <= _TOKEN_CHARS


def _wide(domain: Domain) -> bool:
    return any(f.kind == "categorical" and len(f.levels or ()) >= 25 for f in domain.features)


def test_catalog_is_large_and_spread_over_sectors() -> None:
    assert len(CATALOG) >= 40
    assert len(CATALOG.sectors()) >= 12
    assert sum(d.text is not None for d in DOMAINS) >= 16
    assert sum(d.image is not None for d in DOMAINS) >= 12
    assert sum(d.series is not None for d in DOMAINS) >= 14
    assert sum(_wide(d) for d in DOMAINS) >= 10, "high-cardinality categoricals are needed for that challenge"
    assert sum(any(6 <= len(t.classes) <= 8 for t in d.multiclass) for d in DOMAINS) >= 15
    assert KEYS[0] == "hospital_triage"


def test_no_two_domains_share_a_feature_set() -> None:
    sets = Counter(frozenset(f.name for f in d.features) for d in TABULAR)
    assert max(sets.values()) == 1
    assert len(TABULAR) >= 40


@pytest.mark.parametrize("domain", TABULAR, ids=[d.key for d in TABULAR])
def test_domain_is_complete(domain: Domain) -> None:
    assert "{entity}" in domain.story and "{target}" in domain.story
    assert len(domain.features) >= 10
    categorical = [f for f in domain.features if f.kind == "categorical"]
    assert sum(3 <= len(f.levels or ()) <= 8 for f in categorical) >= 2
    for f in categorical:
        levels = f.levels or ()
        assert 3 <= len(levels) <= 8 or len(levels) >= 25, f.name
        assert len(set(levels)) == len(levels), f.name
    for f in domain.features:
        if f.kind == "integer":
            assert float(f.low).is_integer() and float(f.high).is_integer(), f.name
    assert domain.binary and all(t.classes == ("0", "1") for t in domain.binary)
    assert any(3 <= len(t.classes) <= 5 for t in domain.multiclass)
    assert domain.ordinal and all(5 <= len(t.classes) <= 9 for t in domain.ordinal)
    for t in (*domain.multiclass, *domain.ordinal):
        assert len(set(t.classes)) == len(t.classes), t.name
    assert domain.regression and all(t.unit and t.low < t.high for t in domain.regression)
    assert domain.multilabel and all(5 <= len(t.labels) <= 8 and len(set(t.labels)) == len(t.labels)
                                     for t in domain.multilabel)
    if domain.image is not None:
        # 12 names, or 24 in the vocabularies that host many-class seeds (`MICRO_CLASS_CAP`)
        assert len(domain.image.classes) in (12, 24)
        assert len(set(domain.image.classes)) == len(domain.image.classes)
    if domain.series is not None:
        assert 2 <= len(domain.series.drivers) <= 4
        assert domain.series.quantity not in {t.name for t in domain.series.drivers}


@pytest.mark.parametrize("domain", SURVEYS, ids=[d.key for d in SURVEYS])
def test_acoustic_survey_domain_is_complete(domain: Domain) -> None:
    """An audio-only domain: no tabular part (so no tabular, text or image seed lands in it), a species vocabulary
    of at least 19 names (a 19-species seed draws 13-19), its own recording story, and sound shapes the kit knows."""
    vocab = domain.audio
    assert vocab is not None and not any((domain.binary, domain.multiclass, domain.ordinal, domain.regression,
                                          domain.multilabel, domain.text, domain.image, domain.series))
    assert vocab.label == "species" and len(vocab.classes) >= 19 and len(set(vocab.classes)) == len(vocab.classes)
    assert all(_is_token(c) for c in vocab.classes), "class names are lower-case words joined by underscores"
    assert vocab.story and "recording" in vocab.story and "{target}" in vocab.story
    assert vocab.calls is None or set(vocab.calls) <= set(EVENT_KINDS)
    assert not get_kit(Modality.TABULAR).hosts(domain, TaskType.BINARY, 2)


def test_the_sound_shapes_a_vocabulary_may_name_are_the_audio_kits_event_kinds() -> None:
    from typing import get_args

    from sandmle_core.catalog.schema import AudioVocab

    literal = get_args(AudioVocab.model_fields["calls"].annotation)[0]  # tuple[Literal[...], ...] | None
    assert set(get_args(get_args(literal)[0])) == set(EVENT_KINDS)


@pytest.mark.parametrize("calls", [("call",), ("call", "roar"), ("pulse", "pulse", "sweep")])
def test_an_audio_vocabulary_names_two_or_more_known_sound_shapes(calls: tuple[str, ...]) -> None:
    from pydantic import ValidationError

    from sandmle_core.catalog.schema import AudioVocab

    vocab = CATALOG.get("bat_survey").audio
    assert vocab is not None
    with pytest.raises(ValidationError, match="calls"):
        AudioVocab.model_validate({**vocab.model_dump(), "calls": calls})


def test_ten_audio_domains_host_a_19_species_multilabel_seed() -> None:
    """mlsp-2013-birds has 19 species: K=10 slots need 10 domains whose vocabulary names >= 13 species (the draft
    takes 13-19), each with its own story and species, or the slots are near-duplicates of one another."""
    hosts = domains_for(CATALOG, Modality.AUDIO, TaskType.MULTILABEL, 19)
    assert class_count_range(19) == (13, 19)
    assert len(hosts) >= 10, [d.key for d in hosts]
    assert all(d.audio is not None and len(d.audio.classes) >= 19 for d in hosts)
    assert len({d.audio.story for d in hosts if d.audio}) == len(hosts)
    assert len({frozenset(d.audio.classes) for d in hosts if d.audio}) == len(hosts)
    # a 50-species seed is drafted at the micro cap's 17-24 species (`class_count_range`)
    assert class_count_range(50) == (17, 24)
    assert all(len(d.audio.classes) >= 17 for d in domains_for(CATALOG, Modality.AUDIO, TaskType.MULTILABEL, 50)
               if d.audio)


@pytest.mark.parametrize("domain", [d for d in DOMAINS if d.text is not None],
                         ids=[d.key for d in DOMAINS if d.text is not None])
def test_text_signal_words_are_distinct(domain: Domain) -> None:
    vocab = domain.text
    assert vocab is not None
    assert 6 <= len(vocab.classes) <= 8
    words = [w for ws in vocab.classes.values() for w in ws]
    repeated = sorted(w for w, n in Counter(words).items() if n > 1)
    assert not repeated, f"signal words shared between classes: {repeated}"
    assert all(len(ws) >= 12 for ws in vocab.classes.values())
    background = set(vocab.common) | set(FILLER_WORDS) | {NEGATION}
    assert not set(words) & background, f"signal words that are also background words: {set(words) & background}"
    assert len(set(vocab.common) - set(FILLER_WORDS)) >= 24
    bad = [w for w in [*words, *vocab.common] if not _is_token(w)]
    assert not bad, f"not single lowercase tokens: {bad}"


def test_seed_task_table_covers_every_bundled_seed() -> None:
    assert set(SEED_TASKS) == set(SOURCES)


@pytest.mark.parametrize("seed_id", sorted(SEED_TASKS))
def test_catalog_hosts_every_bundled_seed(seed_id: str) -> None:
    modality, task_type, n_classes = SEED_TASKS[seed_id]
    hosts = domains_for(CATALOG, modality, task_type, n_classes)
    assert len(hosts) >= 10, f"only {len(hosts)} domains host {seed_id}"
    need = class_count_range(n_classes)[0] if n_classes else 2
    assert all(get_kit(modality).hosts(d, task_type, need) for d in hosts)


def test_no_domain_hosts_what_no_kit_supports() -> None:
    assert domains_for(CATALOG, Modality.TEXT, TaskType.REGRESSION) == []
    assert domains_for(CATALOG, Modality.TEXT, TaskType.MULTICLASS, 300) != []  # drafted at the micro cap


FINE = [d for d in DOMAINS if d.text is not None and d.text.fine is not None]


def test_many_class_text_seeds_draw_only_domains_with_a_fine_label() -> None:
    """A 40-class text seed needs 17+ classes: only a finer label of the documents has them, and ten domains hold one
    (K = 10 slots cycle through the hosts, so each lands on its own domain, never a near-duplicate of another). A seed
    of up to 12 classes (8 needed, the largest own label) gets exactly the domains it got before the fine labels
    existed, even from a domain whose own label is smaller than it needs."""
    assert len(FINE) >= 10
    assert domains_for(CATALOG, Modality.TEXT, TaskType.MULTICLASS, 40) == FINE
    assert all(len(d.text.fine.classes) >= class_count_range(40)[0] for d in FINE if d.text and d.text.fine)
    for n in range(3, 13):  # need <= 8: the own labels' hosts, unchanged
        need = class_count_range(n)[0]
        assert domains_for(CATALOG, Modality.TEXT, TaskType.MULTICLASS, n) == [
            d for d in DOMAINS if d.text is not None and len(d.text.classes) >= need]


@pytest.mark.parametrize("domain", FINE, ids=[d.key for d in FINE])
def test_fine_text_label_words_are_distinct_tokens(domain: Domain) -> None:
    fine = domain.text.fine if domain.text else None
    assert fine is not None and 20 <= len(fine.classes) <= 24
    words = [w for ws in fine.classes.values() for w in ws]
    assert len(set(words)) == len(words) and all(len(ws) >= 12 for ws in fine.classes.values())
    background = set(domain.text.common) | set(FILLER_WORDS) | {NEGATION} if domain.text else set()
    assert not set(words) & background, f"fine words that are also background words: {set(words) & background}"
    assert all(_is_token(w) for w in words), [w for w in words if not _is_token(w)]
    assert all(name.isalpha() and name.islower() for name in fine.classes)  # column names, not identifiers
    assert fine.label != domain.text.label if domain.text else False


def _broken(entry: dict) -> dict:
    bad = copy.deepcopy(entry)
    bad["key"] = "broken_domain"
    return bad


def _feature_without_range(entry: dict) -> dict:
    bad = _broken(entry)
    bad["features"][0] = {k: v for k, v in bad["features"][0].items() if k not in ("low", "high")}
    return bad


def _three_class_binary(entry: dict) -> dict:
    bad = _broken(entry)
    bad["binary"][0]["classes"] = ["0", "1", "2"]
    return bad


def _too_few_signal_words(entry: dict) -> dict:
    bad = _broken(entry)
    first = next(iter(bad["text"]["classes"]))
    bad["text"]["classes"][first] = bad["text"]["classes"][first][:3]
    return bad


def _label_named_like_a_feature(entry: dict) -> dict:  # card_fraud had one: `new_device`, a rule and a feature
    bad = _broken(entry)
    bad["multilabel"] = [{"description": "flags", "labels": [bad["features"][0]["name"], "other_a", "other_b"]}]
    return bad


@pytest.mark.parametrize("breaker", [_feature_without_range, _three_class_binary, _too_few_signal_words,
                                     _label_named_like_a_feature])
def test_broken_entry_names_the_domain(tmp_path: Path, breaker: Callable[[dict], dict]) -> None:
    entries = [*copy.deepcopy(RAW_ENTRIES[:2]), breaker(RAW_ENTRIES[0])]
    path = tmp_path / "domains.yaml"
    path.write_text(yaml.safe_dump({"domains": entries}, sort_keys=False))
    with pytest.raises(CatalogError, match=r"#2 \(broken_domain\)"):
        parse_catalog(path)


def test_repeated_keys_and_bad_files_are_catalog_errors(tmp_path: Path) -> None:
    path = tmp_path / "domains.yaml"
    path.write_text(yaml.safe_dump({"domains": [RAW_ENTRIES[0], RAW_ENTRIES[0]]}, sort_keys=False))
    with pytest.raises(CatalogError, match="hospital_triage"):
        parse_catalog(path)
    path.write_text("domains: [unclosed")
    with pytest.raises(CatalogError, match="cannot read"):
        parse_catalog(path)
    path.write_text("- just\n- a list\n")
    with pytest.raises(CatalogError, match="domains"):
        parse_catalog(path)


def test_graph_and_link_stories_say_what_the_network_task_is_for() -> None:
    """Issue 16: node and link overviews reused the domain's purpose, written for its tabular target ("so that
    returns can be anticipated in warehouse planning" under a co-purchase graph's category task). Each network now
    has its own purpose, distinct across the catalog and from the domain's, and the story ends on it."""
    from sandmle_core.modalities.graph import KIT as GRAPH
    from sandmle_core.modalities.graph.link_drafter import link_story, link_words

    purposes = []
    for domain in CATALOG.domains:
        if domain.graph is not None:
            story = GRAPH.story_template(domain)
            assert story.endswith(f"so that {domain.graph.purpose}."), (domain.key, story)
            purposes.append(domain.graph.purpose)
        if domain.links is not None:
            story = link_story(domain, link_words(domain))
            assert story.endswith(f"so that {domain.links.purpose}."), (domain.key, story)
            purposes.append(domain.links.purpose)
    assert len(purposes) >= 20 and len(set(purposes)) == len(purposes)
    assert not set(purposes) & {d.purpose for d in CATALOG.domains}
    assert all("_" not in p and not p.endswith(".") for p in purposes)
