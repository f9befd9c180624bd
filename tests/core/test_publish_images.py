"""Publishing withholds an image environment alike in pixel statistics to a published one (issue 16), on real
folders with real PNGs drawn by Pillow: a re-render of a published environment's image family (or its images zipped)
is withheld naming its twin and the figures, two families both publish, a non-image environment is unaffected, and
the per-environment feature cache under `.work/image-features/` is rebuilt when deleted or when it disagrees with
`envs/`."""

from __future__ import annotations

import hashlib
import io
import re
import shutil
import zipfile
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFilter

from sandmle_core.envfolder import EnvFolder
from sandmle_core.image_index import ALIKE_REASON, FEATURES_VERSION, published_features
from sandmle_core.layout import Corpus
from sandmle_core.modalities.image.variety import ALIKE_FACTOR, SAMPLE
from sandmle_core.publish import Fingerprint, publish_unique, published_environments

pytestmark = pytest.mark.slow

N_IMAGES = 160


def _draw(family: str, rng: np.random.Generator) -> Image.Image:
    """One 48x48 image of a family: soft blobs on a bright ground ("leaf"), or a dark ruled panel ("grid")."""
    if family == "leaf":
        im = Image.new("L", (48, 48), int(rng.integers(170, 210)))
        draw = ImageDraw.Draw(im)
        for _ in range(int(rng.integers(2, 5))):
            x, y, r = rng.integers(4, 44), rng.integers(4, 44), rng.integers(5, 14)
            draw.ellipse((x - r, y - r, x + r, y + r), fill=int(rng.integers(60, 130)))
        im = im.filter(ImageFilter.GaussianBlur(2.0))
    else:
        im = Image.new("L", (48, 48), int(rng.integers(20, 50)))
        draw = ImageDraw.Draw(im)
        step = int(rng.integers(5, 9))
        for k in range(0, 48, step):
            draw.line((k, 0, k, 47), fill=int(rng.integers(150, 230)))
            draw.line((0, k, 47, k), fill=int(rng.integers(150, 230)))
    pixels = np.asarray(im, dtype=np.float64) + rng.normal(0.0, 6.0, (48, 48))
    return Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))


def _stage(corpus: Corpus, source: Path, env_id: str, family: str | None, draw_seed: int, zipped: bool = False
           ) -> tuple[EnvFolder, Fingerprint]:
    """A finished staging folder: a copy of a published tabular environment plus N_IMAGES PNGs of `family` (loose
    under public/images/, or in public/train.zip), fingerprinted as its own seed and domain so that only the pixel
    rule can make it a twin."""
    staged = EnvFolder(corpus.staging_dir / env_id)
    shutil.copytree(source, staged.root)
    if family is not None:
        rng = np.random.default_rng(draw_seed)
        images = {}
        for k in range(N_IMAGES):
            buffer = io.BytesIO()
            _draw(family, rng).save(buffer, "PNG")
            images[f"{k:04d}.png"] = buffer.getvalue()
        if zipped:
            with zipfile.ZipFile(staged.public / "train.zip", "w") as zf:
                for name, data in images.items():
                    zf.writestr(f"train/{name}", data)
        else:
            (staged.public / "images").mkdir()
            for name, data in images.items():
                (staged.public / "images" / name).write_bytes(data)
    digest = hashlib.sha256(env_id.encode()).hexdigest()
    return staged, Fingerprint(env_id, f"{env_id}:1:0", env_id, f"domain-{env_id}", digest[:16], digest, digest[:12])


@pytest.fixture
def corpus(tiny_corpus: Path, tmp_path: Path) -> tuple[Corpus, Path]:
    """An empty corpus, and a published tabular environment of the session's tiny corpus to copy folders from."""
    return Corpus(tmp_path / "corpus"), Corpus(tiny_corpus).environment_dirs()[0]


def _cache(corpus: Corpus, env_id: str) -> Path:
    return corpus.root / ".work" / "image-features" / f"{env_id}.npz"


def test_a_re_render_of_a_published_family_is_withheld_naming_its_twin(corpus):
    corpus, source = corpus
    assert publish_unique(corpus, *_stage(corpus, source, "leaf-a", "leaf", 1)).published
    assert publish_unique(corpus, *_stage(corpus, source, "grid-a", "grid", 2)).published  # another family lands
    # the leaf family again, drawn afresh: another sample of one rule
    staged, fingerprint = _stage(corpus, source, "leaf-b", "leaf", 3)
    publication = publish_unique(corpus, staged, fingerprint)
    assert not publication.published and publication.twin_of == "leaf-a", publication
    assert publication.reason.startswith(f"{ALIKE_REASON}: distance ")
    assert f"<= {ALIKE_FACTOR}x null" in publication.reason
    distance, null = (float(re.search(rf"{word} ([0-9.]+)", publication.reason)[1]) for word in ("distance", "null"))
    assert 0 < distance <= ALIKE_FACTOR * null
    assert not staged.root.exists() and sorted(p.name for p in corpus.environment_dirs()) == ["grid-a", "leaf-a"]
    # the published leaf images themselves, shipped zipped as mle-bench does: distance 0
    staged, fingerprint = _stage(corpus, source, "leaf-zip", "leaf", 1, zipped=True)
    publication = publish_unique(corpus, staged, fingerprint)
    assert publication.twin_of == "leaf-a" and "distance 0.0000" in publication.reason, publication


def test_a_non_image_environment_is_unaffected_and_cached_as_such(corpus):
    corpus, source = corpus
    assert publish_unique(corpus, *_stage(corpus, source, "leaf-a", "leaf", 1)).published
    tabular = publish_unique(corpus, *_stage(corpus, source, "tabular-a", None, 0))
    assert tabular.published and tabular.reason is None
    with np.load(_cache(corpus, "tabular-a")) as entry:
        assert entry["features"].size == 0 and int(entry["version"]) == FEATURES_VERSION
    # a second tabular environment publishes too: no images, no pixel rule
    assert publish_unique(corpus, *_stage(corpus, source, "tabular-b", None, 0)).published


def test_the_feature_cache_is_rebuilt_when_deleted_or_when_it_disagrees_with_envs(corpus):
    corpus, source = corpus
    for env_id, family, seed in (("leaf-a", "leaf", 1), ("grid-a", "grid", 2)):
        assert publish_unique(corpus, *_stage(corpus, source, env_id, family, seed)).published
    hashes = {k: fp.data_hash for k, fp in published_environments(corpus).items()}
    first = published_features(corpus, hashes)
    assert sorted(first) == ["grid-a", "leaf-a"] and first["leaf-a"].features.shape == (N_IMAGES, 24)
    assert N_IMAGES < SAMPLE  # every image is read

    shutil.rmtree(corpus.root / ".work" / "image-features")  # deleted: rebuilt from envs/, the same figures
    rebuilt = published_features(corpus, hashes)
    assert _cache(corpus, "leaf-a").is_file()
    assert np.array_equal(rebuilt["leaf-a"].features, first["leaf-a"].features)
    assert rebuilt["leaf-a"].own == first["leaf-a"].own

    # leaf-a's entry overwritten with grid-a's (made for other data): rebuilt, so the leaf re-render is still caught
    shutil.copyfile(_cache(corpus, "grid-a"), _cache(corpus, "leaf-a"))
    publication = publish_unique(corpus, *_stage(corpus, source, "leaf-b", "leaf", 3))
    assert publication.twin_of == "leaf-a", publication
    assert np.array_equal(published_features(corpus, hashes)["leaf-a"].features, first["leaf-a"].features)

    _cache(corpus, "grid-a").write_bytes(b"torn")  # a torn entry is rebuilt too
    assert np.array_equal(published_features(corpus, hashes)["grid-a"].features, first["grid-a"].features)

    # an entry of an environment no longer in envs/ is dropped
    shutil.copyfile(_cache(corpus, "grid-a"), _cache(corpus, "gone-env"))
    published_features(corpus, hashes)
    assert not _cache(corpus, "gone-env").exists()


def test_the_build_summary_names_a_slot_withheld_as_alike(corpus):
    from sandmle_core.records import ManifestRow
    from sandmle_core.report import image_variety, variety_markdown

    corpus, source = corpus
    rows = []
    for n, (env_id, family, seed) in enumerate((("leaf-a", "leaf", 1), ("grid-a", "grid", 2), ("leaf-b", "leaf", 3))):
        publication = publish_unique(corpus, *_stage(corpus, source, env_id, family, seed))
        status = "accepted" if publication.published else "duplicate"
        reason = None if publication.published else f"near-duplicate of {publication.twin_of} ({publication.reason})"
        rows.append(ManifestRow(slot=f"s:1:{n}", env_id=env_id, seed_id="s", index=n, rng_seed=1,
                                attempt_rng_seed=1, status=status, reason=reason))
    variety = image_variety(corpus, rows)
    assert variety["environments"] == 2 and variety["alike"] == [], variety
    assert [w[0] for w in variety["withheld"]] == ["leaf-b"] and "near-duplicate of leaf-a" in variety["withheld"][0][1]
    summary = variety_markdown(variety)
    assert ("**1 withheld at publish as alike to a published environment, no attempt landed**: leaf-b: "
            "near-duplicate of leaf-a") in summary
