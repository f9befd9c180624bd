"""Multi-target regression in the tabular family (issue 15): the nomad2018 fixture is profiled as a supported
multi-target regression, its slots draft two correlated non-negative targets in a catalog domain, the synthesizer
writes them at any scale with the seed's restarting ids, the ladder handles both columns on the log1p scale, the
contracts and the description name what is true of the files, and single-target specs are unchanged by any of it."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from sandmle.data_contracts.suites import TEST, TRAIN, artifact_suites

from sandmle_core.agents.offline.strategist import OfflineStrategist
from sandmle_core.agents.offline.writer import render_description
from sandmle_core.catalog import load_catalog
from sandmle_core.envfolder import EnvFolder
from sandmle_core.grading import constant_submission, grade_submission
from sandmle_core.ladder import ladder_for
from sandmle_core.ladder.configs import config_from_spec
from sandmle_core.layout import hash_files
from sandmle_core.modalities import domains_for, get_kit
from sandmle_core.modalities.tabular.multitarget import hosts_multitarget
from sandmle_core.profile import profile_seed
from sandmle_core.seeds import get_bundled_seed, resolve_seed, seed_refs
from sandmle_core.spec import Modality, TaskType
from tests.fixtures.mlebench import write_competition

COMP = "nomad2018-predict-transparent-conductors"


@pytest.fixture(scope="module")
def profile(tmp_path_factory):
    root = tmp_path_factory.mktemp("nomad")
    paths = write_competition(COMP, root, "split")
    ref = seed_refs([str(root / "competitions" / COMP)], data_dir=paths["data"])[0]
    return profile_seed(resolve_seed(ref))


@pytest.fixture(scope="module")
def specs(profile):
    return [OfflineStrategist().draft_spec(COMP, profile, i, 11) for i in range(6)]


def test_the_seed_is_profiled_as_a_supported_multitarget_regression(profile):
    assert (profile.modality, profile.task_type, profile.metric) == (
        Modality.TABULAR, TaskType.MULTI_TARGET, "mean_column_rmsle")
    assert profile.grading.target_columns == ("formation_energy_ev_natom", "bandgap_energy_ev")
    assert profile.label_cardinality is None and profile.class_balance is None
    assert profile.details["dna"]["ids_restart"] is True  # train ids 1..n, test ids 1..m: they overlap


def test_only_domains_with_two_non_negative_measurements_host_it():
    catalog = load_catalog()
    hosts = domains_for(catalog, Modality.TABULAR, TaskType.MULTI_TARGET)
    assert len(hosts) >= 10  # K=10 slots take 10 different domains
    assert all(hosts_multitarget(d) for d in hosts)
    assert all(len(d.regression) + len(d.multitarget) >= 2 for d in hosts)
    lonely = [d for d in catalog.domains if not d.multitarget]
    assert lonely and not any(hosts_multitarget(d) for d in lonely)


def test_slots_keep_the_dna_with_two_targets_in_their_units(specs):
    catalog = load_catalog()
    domains = {s.domain.key for s in specs}
    assert len(domains) == len(specs)  # one domain per slot
    for spec in specs:
        assert (spec.modality, spec.task_type, spec.grading.metric) == (
            Modality.TABULAR, TaskType.MULTI_TARGET, "mean_column_rmsle")
        assert len(spec.target.columns) == 2 and spec.grading.submission_columns == spec.target.columns
        domain = catalog.get(spec.domain.key)
        offered = {t.name: t for t in (*domain.regression, *domain.multitarget)}
        rule = spec.rule
        assert [t.name for t in rule.targets] == list(spec.target.columns) and rule.outputs == 2
        for t, unit, text in zip(rule.targets, spec.target.units, spec.target.descriptions, strict=True):
            assert t.log1p and t.low >= 0 and (t.low, t.high) == (max(offered[t.name].low, 0), offered[t.name].high)
            assert unit == offered[t.name].unit and text == offered[t.name].description
        assert rule.ids_restart and 0 < rule.noise_share < 1
    # the noise follows the difficulty, so the verifier's less/more-noise repairs move it
    easy, hard = min(specs, key=lambda s: s.difficulty), max(specs, key=lambda s: s.difficulty)
    assert max(t.noise_sd for t in easy.rule.targets) < min(t.noise_sd for t in hard.rule.targets)


def test_single_target_specs_serialise_without_the_new_fields():
    profile = profile_seed(get_bundled_seed("diamonds"))
    spec = OfflineStrategist().draft_spec("diamonds", profile, 0, 3)
    rule, target = spec.rule.model_dump(mode="json"), spec.target.model_dump(mode="json")
    assert not {"targets", "noise_share", "ids_restart", "structure"} & set(rule)
    assert not {"descriptions", "units"} & set(target)


def test_synthesis_writes_correlated_non_negative_targets_at_any_scale(specs, tmp_path):
    spec = specs[0]
    kit = get_kit(spec.modality)
    folder = EnvFolder(tmp_path / "big")
    kit.synthesize(spec, folder, n_train=3000, n_test=500)
    train, test = pd.read_csv(folder.train), pd.read_csv(folder.test)
    answers, oracle = pd.read_csv(folder.answers), pd.read_csv(folder.oracle_submission)
    id_col, (a, b) = spec.grading.id_column, spec.target.columns
    assert list(train[id_col]) == list(range(1, 3001)) and list(test[id_col]) == list(range(1, 501))
    assert list(answers[id_col]) == list(test[id_col]) and list(train.columns[-2:]) == [a, b]
    for t in spec.rule.targets:
        values = pd.concat([train[t.name], answers[t.name]])
        assert values.between(t.low, t.high).all() and values.nunique() > 100
    # the targets share latents, terms and part of their noise: clearly correlated on the metric's scale
    assert abs(np.corrcoef(np.log1p(train[a]), np.log1p(train[b]))[0, 1]) > 0.2
    prior = grade_submission(constant_submission(answers, spec.grading, train[[a, b]]), answers, spec.grading)
    assert grade_submission(oracle, answers, spec.grading) < 0.8 * prior
    again = EnvFolder(tmp_path / "again")
    kit.synthesize(spec, again, n_train=3000, n_test=500)
    assert again.train.read_bytes() == folder.train.read_bytes()  # same spec, same bytes


def test_the_prior_is_the_mean_on_the_log1p_scale(specs):
    spec = specs[0]
    a, b = spec.target.columns
    train = pd.DataFrame({a: [0.0, 3.0, 15.0], b: [1.0, 1.0, 1.0]})
    sample = constant_submission(pd.DataFrame({spec.grading.id_column: [1, 2]}), spec.grading, train)
    assert sample[a].iloc[0] == pytest.approx(np.expm1(np.log1p([0.0, 3.0, 15.0]).mean()), abs=1e-6)
    assert sample[b].iloc[1] == pytest.approx(1.0)


def _run(source: str, where) -> pd.DataFrame:
    (where / "run.py").write_text(source)
    subprocess.run([sys.executable, "run.py"], cwd=where, check=True, capture_output=True, timeout=300)
    return pd.read_csv(where / "submission.csv")


def test_every_ladder_level_predicts_both_columns_and_the_top_beats_the_prior(specs, tmp_path):
    spec = specs[1]
    folder = EnvFolder(tmp_path)
    get_kit(spec.modality).synthesize(spec, folder, n_train=600, n_test=300)
    answers = pd.read_csv(folder.answers)
    scores = {}
    for script in ladder_for(config_from_spec(spec)):
        submission = _run(script.source, folder.public.parent)  # the scripts read ./public/
        assert list(submission.columns) == [spec.grading.id_column, *spec.target.columns]
        assert (submission[list(spec.target.columns)] >= 0).all().all()  # RMSLE refuses negatives
        scores[script.level] = grade_submission(submission, answers, spec.grading)
    assert scores[5] < scores[3] < scores[0], scores
    assert min(scores[level] for level in range(1, 6)) < scores[0]


def test_contracts_declare_restarting_ids_and_target_ranges(specs):
    spec = specs[0]
    ids = [str(i) for i in range(1, spec.n_train + 1)]
    suites = artifact_suites(spec, train_ids=ids, test_ids=[str(i) for i in range(1, spec.n_test + 1)])
    kinds = {(e.kind, e.column) for e in suites[TEST]}
    assert ("ExpectColumnValuesToNotBeInSet", spec.grading.id_column) not in kinds  # overlap is the seed's quirk
    counted = [e for e in suites[TRAIN]
               if e.kind == "ExpectColumnValuesToBeInSet" and e.column == spec.grading.id_column]
    assert counted and counted[0].kwargs["value_set"] == ids
    for t in spec.rule.targets:
        ranges = [e.kwargs for e in suites[TRAIN] if e.kind == "ExpectColumnValuesToBeBetween" and e.column == t.name]
        assert ranges == [{"column": t.name, "min_value": t.low, "max_value": t.high}]
    plain = spec.model_copy(update={"rule": spec.rule.model_copy(update={"ids_restart": False})})
    disjoint = artifact_suites(plain, train_ids=["1"], test_ids=["2"])[TEST]
    assert any(e.kind == "ExpectColumnValuesToNotBeInSet" for e in disjoint)


def test_the_description_names_every_target_column_and_the_ids(specs):
    spec = specs[0]
    a, b = spec.target.columns
    sample = pd.DataFrame({spec.grading.id_column: [1, 2], a: [1.0, 1.0], b: [2.0, 2.0]})
    text = render_description(spec, sample)
    assert "multi-target regression task" in text and "Each row has two targets" in text
    for column, description in zip(spec.target.columns, spec.target.descriptions, strict=True):
        assert f"| `{column}` | target (train only) |" in text and description in text
    assert "again from 1 in `test.csv`" in text and "every value must be 0 or more" in text
    assert "mean column-wise RMSLE" in text


def _structure_rows(folder: EnvFolder, part: str, ids, file: str) -> pd.DataFrame:
    """Each file's atom count and cell side (the lattice vectors' length), by id."""
    rows = []
    for ident in ids:
        lines = (folder.public / part / str(ident) / file).read_text().splitlines()
        cell = [[float(v) for v in line.split()[1:]] for line in lines if line.startswith("lattice_vector")]
        atoms = [line.split() for line in lines if line.startswith("atom ")]
        assert len(cell) == 3 and all(len(a) == 5 and a[4] in {"Al", "Ga", "In", "O"} for a in atoms)
        assert all(0.0 <= float(v) <= cell[0][0] for a in atoms for v in a[1:4])  # inside the cell
        rows.append({"atoms": len(atoms), "side": float(np.linalg.norm(cell[0]))})
    return pd.DataFrame(rows)


def test_the_seeds_per_id_structure_files_are_written_and_carry_two_features(profile, specs, tmp_path):
    """nomad2018 ships `train/<id>/geometry.xyz` and `test/<id>/geometry.xyz`: every slot writes one per row, in the
    seed's format, whose atom count follows one rule feature and whose cell side another (rank correlation with
    the table's column > 0.9), byte-identical on a rebuild, and described."""
    assert profile.details["files"]["per_id_files"] == ["test/{id}/geometry.xyz", "train/{id}/geometry.xyz"]
    spec = specs[3]
    structure = spec.rule.structure
    columns = {c.name for c in spec.columns}
    assert structure.file == "geometry.xyz" and {structure.count_feature, structure.spread_feature} <= columns
    assert structure.count_feature != structure.spread_feature
    folder = EnvFolder(tmp_path / "env")
    get_kit(spec.modality).synthesize(spec, folder, n_train=300, n_test=120)
    id_col = spec.grading.id_column
    train, test = pd.read_csv(folder.train), pd.read_csv(folder.test)
    for part, table in (("train", train), ("test", test)):
        assert sorted(p.name for p in (folder.public / part).iterdir()) == sorted(str(i) for i in table[id_col])
        files = _structure_rows(folder, part, table[id_col], structure.file)
        for measure, feature in (("atoms", structure.count_feature), ("side", structure.spread_feature)):
            seen = table[feature].notna().to_numpy()
            rho = pd.Series(files[measure][seen].to_numpy()).corr(table[feature][seen].reset_index(drop=True),
                                                                   method="spearman")
            assert rho > 0.9, (part, measure, feature, rho)  # below 1: the table damages its column
    again = EnvFolder(tmp_path / "again")
    get_kit(spec.modality).synthesize(spec, again, n_train=300, n_test=120)
    for part in ("train", "test"):
        assert hash_files(folder.public / part, exclude=()) == hash_files(again.public / part, exclude=())
    text = render_description(spec, pd.read_csv(folder.answers).iloc[:2])
    assert f"`train/<id>/{structure.file}` and `test/<id>/{structure.file}`" in text
    line = next(line for line in text.splitlines() if "one structure file per row" in line)
    assert structure.count_feature not in line and structure.spread_feature not in line  # the rule stays hidden


def test_a_seed_without_structure_files_gets_none(profile, tmp_path):
    files = {k: v for k, v in profile.details["files"].items() if k != "per_id_files"}
    plain = profile.model_copy(update={"details": {**profile.details, "files": files}})
    spec = OfflineStrategist().draft_spec(COMP, plain, 3, 11)
    assert spec.rule.structure is None and "structure" not in spec.rule.model_dump(mode="json")
    folder = EnvFolder(tmp_path / "env")
    get_kit(spec.modality).synthesize(spec, folder, n_train=200, n_test=100)
    assert sorted(p.name for p in folder.public.iterdir()) == ["test.csv", "train.csv"]
    assert "structure file" not in render_description(spec, pd.read_csv(folder.answers).iloc[:2])


def test_the_ladder_reads_the_structure_files_from_level_3(specs, tmp_path):
    """Levels 0-2 read the tables only; levels 3-5 add each file's atom count and cell side: level 3's predictions
    move when the test rows' files are swapped among them. The real seed's files (the fixture's) read alike."""
    spec = specs[3]
    levels = ladder_for(config_from_spec(spec))
    assert [("structure_features(" in s.source) for s in levels] == [False] * 3 + [True] * 3
    folder = EnvFolder(tmp_path / "env")
    get_kit(spec.modality).synthesize(spec, folder, n_train=300, n_test=120)
    before = _run(levels[3].source, folder.public.parent)
    test_dir = folder.public / "test"
    names = sorted((p.name for p in test_dir.iterdir()), key=int)
    for name in names:
        (test_dir / name).rename(test_dir / f"swap-{name}")
    for name, other in zip(names, names[::-1], strict=True):  # row i gets the file of row n - i
        (test_dir / f"swap-{other}").rename(test_dir / name)
    after = _run(levels[3].source, folder.public.parent)
    assert list(after.columns) == list(before.columns)
    assert not np.allclose(after.iloc[:, 1:].to_numpy(), before.iloc[:, 1:].to_numpy())


def test_the_ladder_runs_on_the_real_seeds_structure_files(profile, tmp_path):
    from sandmle_core.ladder.configs import config_from_profile
    from sandmle_core.seeds import load_seed

    config = config_from_profile(profile)
    assert config.structure_file == "geometry.xyz"
    paths = write_competition(COMP, tmp_path / "seed", "split")
    seed = load_seed(tmp_path / "seed" / "competitions" / COMP, data_dir=paths["data"])
    work = tmp_path / "work"
    work.mkdir()
    (work / "public").symlink_to(seed.public_dir, target_is_directory=True)
    submission = _run(ladder_for(config)[5].source, work)
    assert len(submission) == len(seed.read_answers()) and (submission.iloc[:, 1:] >= 0).all().all()
