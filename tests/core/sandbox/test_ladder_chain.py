"""Ladder chains (`harness.py`'s `"chain": true`, `ladder/fitmemo.py`): the runs of one seed of sandmle's own ladder
share one process in the real bubblewrap sandbox, whose deterministic scikit-learn fits are memoized. A chained ladder
must score exactly as one process per run, take level 3's linear model and level 4's forest from the memo in levels
4 and 5, keep going past a run that fails, report the runs a dead chain never ran, and never chain generated code.
And two of the ladder's scripts as an agent runs them: no warning on stderr, a multi-label forest rung's one forest."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from sandmle_core.agents import get_backend
from sandmle_core.agents.offline.developer import OfflineDeveloper, run_ladder_scripts
from sandmle_core.grading import grade_submission
from sandmle_core.ladder import LadderScript
from sandmle_core.ladder.warm import stop_warm_harness
from sandmle_core.modalities import get_kit
from sandmle_core.pipeline import analyze_seed, read_profile
from sandmle_core.sandbox import _status

pytestmark = pytest.mark.skipif(not _status("bwrap").works, reason="needs a working bubblewrap sandbox")

FITMEMO = Path(__file__).resolve().parents[3] / "sandmle_core" / "ladder" / "fitmemo.py"


def _tabular(tmp_path: Path, seed: str = "penguins"):
    """A slot of `seed` (penguins) as the offline backend drafts and synthesizes it, with its ladder written out."""
    seed_id, profile = analyze_seed(seed, tmp_path / "corpus")
    spec = get_backend("offline").strategist.draft_spec(seed_id, read_profile(profile), 0, 5, attempt=1)
    folder = get_kit(spec.modality).synthesize(spec, tmp_path / "slot").folder
    scripts = OfflineDeveloper().write_solutions(spec, folder)
    return spec, folder, scripts


def test_a_chained_ladder_scores_exactly_as_one_process_per_run_and_reuses_fits(tmp_path) -> None:
    spec, folder, scripts = _tabular(tmp_path)
    answers = pd.read_csv(folder.answers)

    def grade(sub: pd.DataFrame, ans: pd.DataFrame) -> float:
        return grade_submission(sub, ans, spec.grading)

    alone, *_ = run_ladder_scripts(scripts, folder.public, answers, grade, seeds=(0, 1, 2))
    chained, *_ = run_ladder_scripts(scripts, folder.public, answers, grade, seeds=(0, 1, 2), chain=True)
    figures: dict = {}  # as the build runs it: chained, in the thread's warm harness
    warm, *_ = run_ladder_scripts(scripts, folder.public, answers, grade, seeds=(0, 1, 2), chain=True, warm=True,
                                  figures=figures)
    stop_warm_harness()
    assert figures["harness"] == "warm", figures
    assert [(r.level, r.seed, r.error) for r in chained] == [(r.level, r.seed, None) for r in alone]
    assert [r.score for r in chained] == [r.score for r in warm] == [r.score for r in alone]  # to the last digit
    assert all(r.fits_reused == 0 for r in alone)
    reused = {(r.level, r.seed): r.fits_reused for r in chained}
    # level 4 refits level 3's tuned linear model, level 5 level 4's forest: each seed takes them from its memo
    assert all(reused[(level, seed)] >= 1 for level in (4, 5) for seed in (0, 1, 2)), reused
    assert all(reused[(level, seed)] == 0 for level in (0, 1, 2, 3) for seed in (0, 1, 2)), reused


OK = 'open("submission.csv", "w").write("id,y\\n0,1\\n")\n'
RAISES = 'raise RuntimeError("planted failure")\n'
DIES = 'import os, signal\nos.kill(os.getpid(), signal.SIGKILL)\n'


def _run(tmp_path: Path, *sources: str, **options):
    public = tmp_path / "public"
    public.mkdir(exist_ok=True)
    (public / "train.csv").write_text("id,y\n0,1\n")
    scripts = [LadderScript(level=i, name=f"s{i}", summary="", source=src) for i, src in enumerate(sources)]
    runs, *_ = run_ladder_scripts(scripts, public, pd.DataFrame({"id": [0], "y": [1]}), lambda s, a: 1.0,
                                  seeds=(0,), chain=True, **options)
    return [(r.level, r.score, r.error) for r in runs]


def test_a_failed_run_does_not_stop_its_chain_and_a_dead_chain_reports_what_it_never_ran(tmp_path) -> None:
    runs = _run(tmp_path, OK, RAISES, OK)
    assert runs[0] == (0, 1.0, None) and runs[2] == (2, 1.0, None)
    assert runs[1][1] is None and "planted failure" in runs[1][2]
    runs = _run(tmp_path, OK, DIES, OK)
    assert runs[0] == (0, 1.0, None)
    assert [r[2] for r in runs[1:]] == ["the chain stopped: killed by signal 9"] * 2


def test_generated_code_never_runs_in_a_chain(tmp_path) -> None:
    with pytest.raises(ValueError, match="no chains"):
        _run(tmp_path, OK, policy="strict")


MEMO_PROBE = r'''
import sys
sys.path.insert(0, sys.argv[1])
import numpy as np, pandas as pd
import fitmemo
from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import LogisticRegressionCV, RidgeCV
counter = fitmemo.install()
rng = np.random.default_rng(0)
X = pd.DataFrame(rng.normal(size=(60, 3)), columns=["a", "b", "c"])
y, v = pd.Series(rng.integers(0, 2, 60)), pd.Series(rng.normal(size=60))
out = []
first = RandomForestClassifier(n_estimators=5, random_state=1).fit(X, y)
again = RandomForestClassifier(n_estimators=5, random_state=1).fit(X, y)
out.append(again.estimators_ is first.estimators_ and counter["reused"] == 1)
RandomForestClassifier(n_estimators=5).fit(X, y)  # no fixed random_state: randomized, never memoized
RandomForestClassifier(n_estimators=5).fit(X, y)
RandomForestClassifier(n_estimators=5, random_state=2).fit(X, y)  # other parameters
RandomForestClassifier(n_estimators=5, random_state=1).fit(X.rename(columns={"c": "d"}), y)  # other column names
out.append(counter["reused"] == 1)
LogisticRegressionCV(Cs=3, cv=3).fit(X, y)  # lbfgs draws no random numbers: memoized without a random_state
a, b = LogisticRegressionCV(Cs=3, cv=3).fit(X, y), LogisticRegressionCV(Cs=3, cv=3).fit(X, y)
out.append(np.array_equal(a.coef_, b.coef_))
out.append(counter["reused"] == 3)
RidgeCV().fit(X, v)
out.append(RidgeCV().fit(X, v + 1).intercept_ != RidgeCV().fit(X, v).intercept_ and counter["reused"] == 4)
print(out)
'''


def test_the_memo_takes_only_a_deterministic_fit_of_the_same_model_on_the_same_data(tmp_path) -> None:
    """In a process of its own (the memo wraps scikit-learn's classes in the process that installs it)."""
    probe = tmp_path / "probe.py"
    probe.write_text(MEMO_PROBE)
    done = subprocess.run([sys.executable, str(probe), str(FITMEMO.parent)], capture_output=True, text=True,
                          timeout=600, check=False)
    assert done.stdout.strip() == "[True, True, True, True, True]", done.stderr[-2000:]


PROBE = ('import os\nopen("submission.csv", "w").write("id,y\\n0,%s\\n" % os.environ["SANDMLE_SUBSAMPLE"])\n')


def test_the_harness_tells_each_run_whether_to_subsample(tmp_path) -> None:
    """SANDMLE_SUBSAMPLE is "0" for the seeds that fit every row (the build's seed 0; a fresh re-run's first seed)
    and "1" for every other, chained or one process per run."""
    public = tmp_path / "public"
    public.mkdir()
    (public / "train.csv").write_text("id,y\n0,1\n")
    probe = [LadderScript(level=0, name="probe", summary="", source=PROBE)]

    def told(**options) -> list[tuple[int, float]]:
        runs, *_ = run_ladder_scripts(probe, public, pd.DataFrame({"id": [0], "y": [1]}),
                                      lambda s, a: float(s["y"].iloc[0]), seeds=(0, 1, 100, 101), **options)
        return [(r.seed, r.score) for r in runs]

    assert told() == told(chain=True) == [(0, 0.0), (1, 1.0), (100, 1.0), (101, 1.0)]
    assert told(full_fit=(0, 100)) == told(full_fit=(0, 100), chain=True) == [(0, 0.0), (1, 1.0), (100, 0.0),
                                                                              (101, 1.0)]


def test_a_ladder_run_told_to_fit_every_row_does_whatever_its_seed(tmp_path) -> None:
    """sandmle's own scripts read SANDMLE_SUBSAMPLE: a deterministic level fitted on every row scores the same under
    any seed (so a fresh re-run's first seed repeats the build's seed-0 run there), and on its seed's subsample not."""
    spec, folder, scripts = _tabular(tmp_path)
    answers = pd.read_csv(folder.answers)

    def scores(full_fit: tuple[int, ...]) -> dict[tuple[int, int], float]:
        runs, *_ = run_ladder_scripts(scripts, folder.public, answers,
                                      lambda sub, ans: grade_submission(sub, ans, spec.grading), seeds=(0, 7),
                                      chain=True, full_fit=full_fit)
        assert all(r.error is None for r in runs), [r.error for r in runs]
        return {(r.level, r.seed): r.score for r in runs}

    full, sub = scores((0, 7)), scores((0,))
    assert all(full[(level, 0)] == sub[(level, 0)] for level in range(len(scripts)))  # seed 0 fits every row
    assert all(full[(level, 7)] == full[(level, 0)] for level in (0, 1, 2, 3))  # the deterministic levels
    assert any(sub[(level, 7)] != full[(level, 0)] for level in (1, 2, 3))  # the subsample moves them


def test_a_reference_script_run_as_an_agent_runs_it_prints_no_warning(tmp_path) -> None:
    """An agent runs `solutions/03_linear_all.py` with `python` in the environment's folder: before 2026-12-07 each
    tuned linear model (levels 3-5, one per target column) printed two scikit-learn 1.9 FutureWarnings on stderr
    (`LogisticRegressionCV`'s `l1_ratios` and `use_legacy_attributes` defaults)."""
    _, folder, scripts = _tabular(tmp_path)
    script = next(s for s in scripts if s.name == "linear_all")
    work = tmp_path / "agent"
    work.mkdir()
    (work / "public").symlink_to(folder.public)
    (work / script.filename).write_text(script.source)
    done = subprocess.run([sys.executable, script.filename], cwd=work, capture_output=True, text=True, timeout=300,
                          check=False)
    assert done.returncode == 0 and (work / "submission.csv").exists(), done.stderr[-2000:]
    assert "Warning" not in done.stderr, done.stderr[-2000:]


COUNT_FORESTS = """import atexit

import sklearn.ensemble

_fits = []
_fit = sklearn.ensemble.RandomForestClassifier.fit


def _counted(self, X, y, *args, **kwargs):
    _fits.append(getattr(y, "shape", (len(y),)))
    return _fit(self, X, y, *args, **kwargs)


sklearn.ensemble.RandomForestClassifier.fit = _counted
atexit.register(lambda: print("FORESTS", _fits))
"""


def test_a_multi_label_forest_is_one_forest_for_every_label_column(tmp_path) -> None:
    """movies (one 0/1 column per genre, mean column AUC): the forest rung fitted one 60-tree forest per label column
    before 2026-12-07, 43 % of a tabular build's slot seconds for a sixth of its slots; it fits one forest on every
    label column at once now, and still writes a probability for each."""
    _, folder, scripts = _tabular(tmp_path, "movies")
    script = next(s for s in scripts if s.name == "random_forest")
    work = tmp_path / "agent"
    work.mkdir()
    (work / "public").symlink_to(folder.public)
    (work / script.filename).write_text(COUNT_FORESTS + script.source)
    done = subprocess.run([sys.executable, script.filename], cwd=work, capture_output=True, text=True, timeout=300,
                          check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    labels = list(pd.read_csv(folder.answers).columns[1:])
    fits = done.stdout.strip().splitlines()[-1]
    rows = len(pd.read_csv(folder.public / "train.csv"))
    assert len(labels) >= 3 and fits == f"FORESTS [({rows}, {len(labels)})]", (fits, labels)  # one, on all labels
    submission = pd.read_csv(work / "submission.csv")
    assert list(submission.columns[1:]) == labels and submission[labels].stack().between(0, 1).all()
