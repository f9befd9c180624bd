"""Image looks (issue 16): each domain's tone curve and grain set its images apart from another domain's that draws
the same scene style, beyond the publish-time twin threshold; a slot renders byte-identical images; the curve keeps
what is bright bright; a spec drafted before looks keeps its content hash."""

from __future__ import annotations

import hashlib

import numpy as np
import pytest

import tests.core.modalities.test_image as base
from sandmle_core.agents.offline.strategist import OfflineStrategist
from sandmle_core.catalog import load_catalog
from sandmle_core.modalities.image import look, scenes, variety
from sandmle_core.modalities.image.synthesizer import synthesize
from sandmle_core.profile import profile_seed
from sandmle_core.seeds import get_bundled_seed
from sandmle_core.taskspec import TaskSpec

CATALOG = load_catalog()
SHARED_STYLE = [("food_delivery", "outpatient_noshow"), ("air_quality", "aircraft_maintenance"),
                ("wildlife_monitoring", "construction_projects")]  # two disc pairs, a terrain pair


def spec_in(domain: str, rng_seed: int, monkeypatch: pytest.MonkeyPatch, drawer: bool = True) -> TaskSpec:
    """A 150 + 150 image spec drafted in `domain`; without its drawer, in the generic silhouettes (every image
    domain names a drawer since 2026-12-04, so that is how a look is measured alone)."""
    found = CATALOG.get(domain)
    if not drawer:
        found = found.model_copy(update={"image": found.image.model_copy(update={"drawer": None})})
    monkeypatch.setattr(base, "DOMAIN", found)
    return base.make_spec(rng_seed, 0.5, n_train=150, n_test=150)


def features(spec: TaskSpec, folder) -> np.ndarray:
    found = variety.environment_features(synthesize(spec, folder).folder.public)
    assert found is not None
    return found


def ratio(a: np.ndarray, b: np.ndarray) -> float:
    """Signature distance over the pair's null (the alike rule withholds at <= ALIKE_FACTOR)."""
    distance, null = variety.compare_environments(a, b, variety.own_noise(a), variety.own_noise(b), factor=1e9)
    assert null is not None
    return distance / null


@pytest.mark.parametrize(("first", "second"), SHARED_STYLE)
def test_domains_sharing_a_scene_style_differ_beyond_the_twin_threshold(first, second, tmp_path, monkeypatch):
    """Drafted from one stream without their drawers, the two domains get the same scene style, silhouettes and
    nuisance; only their looks differ. Without looks the two environments are alike (the cause of the lost digits
    slots); with them they lie further apart than the alike rule's ALIKE_FACTOR x null. With their drawers (each its
    own subject) they lie that far apart even without looks."""
    a, b = spec_in(first, 11, monkeypatch, drawer=False), spec_in(second, 11, monkeypatch, drawer=False)
    assert a.rule.scene.style == b.rule.scene.style == scenes.subject_style(CATALOG.get(first).image.subject)
    assert a.rule.look is not None and b.rule.look is not None and a.rule.look != b.rule.look
    plain = [s.model_copy(update={"rule": s.rule.model_copy(update={"look": None})}) for s in (a, b)]
    without = ratio(features(plain[0], tmp_path / "a0"), features(plain[1], tmp_path / "b0"))
    assert without <= variety.ALIKE_FACTOR, without
    assert ratio(features(a, tmp_path / "a"), features(b, tmp_path / "b")) > 2 * variety.ALIKE_FACTOR
    drawn = [s.model_copy(update={"rule": s.rule.model_copy(update={"look": None})})
             for s in (spec_in(first, 11, monkeypatch), spec_in(second, 11, monkeypatch))]
    assert ratio(features(drawn[0], tmp_path / "a1"), features(drawn[1], tmp_path / "b1")) > 2 * variety.ALIKE_FACTOR


def test_a_slot_renders_byte_identical_images_and_its_look_is_its_domains(tmp_path):
    def digest(folder) -> str:
        return hashlib.sha256(b"".join(p.read_bytes() for p in variety.image_files(folder))).hexdigest()

    profile = profile_seed(get_bundled_seed("digits"))
    spec = OfflineStrategist().draft_spec("digits", profile, 3, 2026)
    again = OfflineStrategist().draft_spec("digits", profile, 3, 2026)
    assert spec == again and spec.rule.look is not None
    first = synthesize(spec, tmp_path / "a").folder.public
    assert digest(first) == digest(synthesize(again, tmp_path / "b").folder.public)
    centre = look.domain_look(spec.domain.key)
    assert abs(spec.rule.look.ground - centre.ground) <= 0.03 + 1e-9
    assert abs(np.log(spec.rule.look.gamma / centre.gamma)) <= 0.08 + 1e-3
    assert abs(spec.rule.look.grain - centre.grain) <= 0.05 + 1e-9


def test_looks_are_keyed_by_domain_and_the_curve_keeps_bright_bright():
    keys = [d.key for d in CATALOG.domains if d.image is not None]
    centres = {k: look.domain_look(k) for k in keys}
    assert centres == {k: look.domain_look(k) for k in keys}  # the domain alone sets it, on every call
    assert len(set(centres.values())) == len(keys)
    ramp = np.linspace(0.0, 1.0, 256, dtype=np.float32)
    for k, centre in centres.items():
        toned = centre.tone(ramp)
        assert np.all(np.diff(toned) > 0), k  # monotone: "failing dies bright" stays true
        assert toned[0] == pytest.approx(centre.ground) and toned[-1] <= 1.0 + 1e-6
        noise = centre.grained(np.random.default_rng(0).standard_normal((2, 32, 32)).astype(np.float32))
        assert np.allclose(noise.std(axis=(1, 2)), 1.0, atol=1e-3)  # grain reshapes the noise, not its strength


def test_a_spec_without_a_look_keeps_its_serialised_rule(monkeypatch):
    spec = spec_in("crop_yield", 5, monkeypatch)
    old = spec.rule.model_copy(update={"look": None})
    assert "look" not in old.model_dump(mode="json") and "look" in spec.rule.model_dump(mode="json")
    assert type(old).model_validate(old.model_dump(mode="json")) == old
