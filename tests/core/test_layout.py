"""The environment folder format: write, read, typed errors naming the file, atomic publish, records."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
import yaml

from sandmle_core.errors import EnvironmentFormatError
from sandmle_core.layout import (
    TABLE_FILES,
    Corpus,
    EnvironmentConfig,
    Provenance,
    SandmleBlock,
    data_digest,
    hash_files,
    make_env_id,
    publish_environment,
    read_environment,
    shipped_tables,
    spec_digest,
    write_config,
)
from sandmle_core.leaderboard import Thresholds
from sandmle_core.records import (
    FailureRecord,
    ManifestRow,
    append_manifest,
    clear_failure,
    read_failures,
    read_manifest,
    write_failure,
)
from sandmle_core.spec import GradingSpec

GRADING = GradingSpec(metric="auc", id_column="id", target_columns=("y",), submission_columns=("y",))
SPEC = {"title": "Toy", "columns": ["x", "z"]}


def write_env(folder: Path, env_id: str = "toy-retail-0123abcd") -> Path:
    public, private = folder / "prepared" / "public", folder / "prepared" / "private"
    public.mkdir(parents=True)
    private.mkdir(parents=True)
    pd.DataFrame({"id": [1, 2], "x": [0.1, 0.2], "y": [0, 1]}).to_csv(public / "train.csv", index=False)
    pd.DataFrame({"id": [3, 4], "x": [0.3, 0.4]}).to_csv(public / "test.csv", index=False)
    pd.DataFrame({"id": [3, 4], "y": [0.5, 0.5]}).to_csv(public / "sample_submission.csv", index=False)
    pd.DataFrame({"id": [3, 4], "y": [0, 1]}).to_csv(private / "answers.csv", index=False)
    for name in ("description.md", "grade.py", "evaluator.py"):
        (folder / name).write_text(f"# {name}\n")
    pd.DataFrame({"score": [0.9, 0.7, 0.5]}).to_csv(folder / "leaderboard.csv", index=False)
    block = SandmleBlock(
        modality="tabular", task_type="binary", domain="retail", grading=GRADING,
        thresholds=Thresholds(gold=0.9, silver=0.9, bronze=0.9, median=0.7, lower_is_better=False, n_entries=3),
        sizes={"train": 2, "test": 2},
        provenance=Provenance(seed_id="toy", index=0, rng_seed=1, backend="offline", sandmle_version="0"),
        spec_hash=spec_digest(SPEC), data_hash=data_digest(hash_files(folder / "prepared", exclude=())),
        hashes=hash_files(folder), spec=SPEC,
    )
    write_config(folder, EnvironmentConfig.for_environment(env_id, "Toy", block))
    return folder


def test_round_trip(tmp_path: Path) -> None:
    env = read_environment(write_env(tmp_path / "e"), verify_hashes=True)
    assert env.env_id == "toy-retail-0123abcd"
    assert env.grading == GRADING
    assert env.answers_path.is_file() and env.leaderboard_scores() == [0.9, 0.7, 0.5]
    config = yaml.safe_load((tmp_path / "e" / "config.yaml").read_text())
    assert config["dataset"]["answers"] == "toy-retail-0123abcd/prepared/private/answers.csv"
    assert config["grader"] == {"name": "auc", "grade_fn": "toy-retail-0123abcd/grade.py:grade"}
    assert list(config)[:6] == ["id", "name", "competition_type", "awards_medals", "prizes", "description"]


def _break(kind: str, root: Path) -> str:
    if kind == "no config":
        (root / "config.yaml").unlink()
        return "config.yaml"
    if kind == "bad yaml":
        (root / "config.yaml").write_text("id: [unclosed\n")
        return "config.yaml"
    if kind == "bad field":
        data = yaml.safe_load((root / "config.yaml").read_text())
        del data["sandmle"]["grading"]
        (root / "config.yaml").write_text(yaml.safe_dump(data))
        return "config.yaml"
    if kind == "no answers":
        (root / "prepared" / "private" / "answers.csv").unlink()
        return "answers.csv"
    if kind == "answers in public":
        shutil.copy(root / "prepared" / "private" / "answers.csv", root / "prepared" / "public" / "answers.csv")
        return "public"
    if kind == "edited data_hash":  # per-file hashes intact, but the data hash no longer agrees with them
        data = yaml.safe_load((root / "config.yaml").read_text())
        data["sandmle"]["data_hash"] = "0" * 64
        (root / "config.yaml").write_text(yaml.safe_dump(data))
        return "config.yaml"
    if kind == "cut short in the spec":  # still valid YAML: the spec just lost its last column
        text = (root / "config.yaml").read_text()
        (root / "config.yaml").write_text(text[:text.index("    - z")])
        return "config.yaml"
    if kind == "edited spec":
        data = yaml.safe_load((root / "config.yaml").read_text())
        data["sandmle"]["spec"]["title"] = "Other"
        (root / "config.yaml").write_text(yaml.safe_dump(data))
        return "config.yaml"
    if kind == "changed file":
        (root / "prepared" / "public" / "train.csv").write_text("id,x,y\n1,0.1,1\n")
        return "train.csv"
    raise AssertionError(kind)


@pytest.mark.parametrize("kind", ["no config", "bad yaml", "bad field", "no answers", "answers in public",
                                  "edited data_hash", "cut short in the spec", "edited spec", "changed file"])
def test_broken_folder_names_the_file(tmp_path: Path, kind: str) -> None:
    root = write_env(tmp_path / "e")
    name = _break(kind, root)
    with pytest.raises(EnvironmentFormatError) as info:
        read_environment(root, verify_hashes=True)
    assert name in str(info.value.path)


@pytest.mark.parametrize(("rule", "shipped"), [
    (None, TABLE_FILES), ({"kind": "tabular"}, TABLE_FILES),
    ({"kind": "image", "names": {"scheme": "prefix"}}, ()),  # dogs vs. cats: the seed's zips, no tables
    ({"kind": "image", "cues": {"prevalence": [0.2, 0.3]}}, TABLE_FILES),  # a multi-label spec drafted before
    ({"kind": "image", "cues": {"test_table": False, "image_column": False}}, TABLE_FILES[:1]),  # ranzcr's layout
])
def test_an_environment_ships_the_tables_its_seed_has(tmp_path: Path, rule, shipped) -> None:
    assert shipped_tables(rule) == shipped
    root = write_env(tmp_path / "e")
    (root / "prepared" / "public" / "test.csv").unlink()
    data = yaml.safe_load((root / "config.yaml").read_text())
    data["sandmle"]["spec"]["rule"] = rule
    data["sandmle"]["spec_hash"] = spec_digest(data["sandmle"]["spec"])
    (root / "config.yaml").write_text(yaml.safe_dump(data, sort_keys=False))
    if "prepared/public/test.csv" in shipped:  # required where the rule ships it, not otherwise
        with pytest.raises(EnvironmentFormatError, match="missing"):
            read_environment(root)
    else:
        assert read_environment(root).env_id == "toy-retail-0123abcd"


def test_env_id_is_readable_and_checked() -> None:
    assert make_env_id("penguins", "Cold Chain / Logistics", "abcdef0123") == "penguins-cold-chain-logistics-abcdef01"
    with pytest.raises(EnvironmentFormatError):
        make_env_id("Bad Seed", "x", "zz")


def test_publish_is_atomic_and_replaces(tmp_path: Path) -> None:
    corpus = Corpus(tmp_path / "corpus")
    staged = write_env(corpus.fresh_staging("toy-retail-0123abcd"))
    target = publish_environment(corpus, staged)
    assert target == corpus.env_dir("toy-retail-0123abcd") and not staged.exists()
    assert corpus.environment_dirs() == [target]
    again = write_env(corpus.fresh_staging("toy-retail-0123abcd"))
    (again / "description.md").write_text("v2\n")
    publish_environment(corpus, again)
    assert (target / "description.md").read_text() == "v2\n"
    unfinished = corpus.fresh_staging("toy-other-0123abcd")
    with pytest.raises(EnvironmentFormatError, match="unfinished"):
        publish_environment(corpus, unfinished)
    with pytest.raises(EnvironmentFormatError, match="staging"):
        publish_environment(corpus, tmp_path)


def test_manifest_upserts_by_slot(tmp_path: Path) -> None:
    corpus = Corpus(tmp_path)
    row = ManifestRow(slot="toy:1:0", env_id="toy-a-00000000", seed_id="toy", index=0, rng_seed=1,
                      attempt_rng_seed=1, status="failed", reason="boom")
    append_manifest(corpus, [row, row.model_copy(update={"slot": "toy:1:1", "index": 1})])
    append_manifest(corpus, [row.model_copy(update={"status": "accepted", "env_id": "toy-b-11111111", "attempts": 2})])
    table = read_manifest(corpus).to_pandas()
    assert table["slot"].tolist() == ["toy:1:0", "toy:1:1"]
    assert table.loc[0, "status"] == "accepted" and table.loc[0, "attempts"] == 2
    assert read_manifest(Corpus(tmp_path / "none")).num_rows == 0
    (tmp_path / "manifest.parquet").write_text("not parquet")
    with pytest.raises(EnvironmentFormatError, match="Parquet"):
        read_manifest(corpus)


def test_failure_records_keep_one_per_slot(tmp_path: Path) -> None:
    corpus = Corpus(tmp_path)
    rec = FailureRecord(env_id="toy-a-00000000", seed_id="toy", seed_ref="toy", index=0, rng_seed=1,
                        backend="offline", stage="build", error_type="GenerationError", message="ladder: boom")
    write_failure(corpus, rec)
    write_failure(corpus, rec.model_copy(update={"env_id": "toy-b-11111111", "attempts": 2}))
    assert [r.env_id for r in read_failures(corpus)] == ["toy-b-11111111"]
    clear_failure(corpus, "toy", 1, 0)
    assert read_failures(corpus) == []
    (corpus.failed_dir / "x.json").write_text("{}")
    with pytest.raises(EnvironmentFormatError, match=r"x\.json"):
        read_failures(corpus)
