"""The verifier's grader and leakage checks: they exercise the environment's own files, not the library.

Grader checks load the environment's `grade.py` and run `evaluator.py` in-process (offline environments are
rendered by sandmle itself; the Claude backend runs its generated grader in the sandbox before this point) and feed
them the perfect, sample, oracle, shuffled and deliberately malformed submissions. Leakage checks look for a public
column that reproduces the target on its own and for answers or the hidden rule's numbers in description.md.
"""

from __future__ import annotations

import builtins
import contextlib
import functools
import io
import json
import math
import re
import runpy
import sys
import threading
import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from sandmle_core.agents.base import Check, LadderRun
from sandmle_core.envfolder import EnvFolder
from sandmle_core.grading import EVALUATOR_KEYS
from sandmle_core.metrics import get_metric
from sandmle_core.modalities.graph import is_graph, is_link_prediction
from sandmle_core.modalities.graph.synthesizer import node_tables
from sandmle_core.modalities.image.named import tables_of
from sandmle_core.modalities.ranking import is_ranking
from sandmle_core.modalities.ranking.synthesizer import candidate_tables
from sandmle_core.spec import ColumnKind, TaskType
from sandmle_core.taskspec import TaskSpec

__all__ = ["data_leakage_checks", "description_checks", "grader_checks", "leakage_checks", "malformed_submissions"]

LEAK_ACCURACY = 0.99  # one column alone reproducing the labels this well is a leak, not a signal
LEAK_CORRELATION = 0.995
ANNOTATIONS_FILE = "train_annotations.csv"  # ranzcr's drawn lines, training images only
GradeFn = Callable[[pd.DataFrame, pd.DataFrame], float]


def malformed_submissions(sample: pd.DataFrame, spec: TaskSpec) -> dict[str, pd.DataFrame]:
    """Submissions every grader must reject, derived from a valid one."""
    g, kind = spec.grading, get_metric(spec.grading.metric).kind
    first = g.submission_columns[0]
    cases = {
        "missing_row": sample.iloc[1:],
        "extra_row": pd.concat([sample, sample.iloc[[0]].assign(**{g.id_column: "__not_an_id__"})]),
        "duplicate_id": pd.concat([sample.iloc[:-1], sample.iloc[[0]]]),
        "missing_column": sample.drop(columns=[g.submission_columns[-1]]),
        "extra_column": sample.assign(__extra__=0.0),
    }
    if not (kind == "label" and not g.classes):  # free text (text normalization): an empty cell is the empty text
        nan = sample.copy()
        nan[first] = nan[first].astype(object)
        nan.iloc[0, nan.columns.get_loc(first)] = np.nan
        cases["nan_value"] = nan
    if kind == "class_probabilities":
        bad = sample.copy()
        bad.loc[bad.index[0], list(g.submission_columns)] = 0.1 / len(g.submission_columns)
        cases["probabilities_not_summing_to_one"] = bad
    if kind == "probability":
        cases["probability_out_of_range"] = sample.assign(**{first: sample[first].astype(float) + 1.5})
    if kind in ("probability", "class_probabilities", "value"):
        text = sample.copy()
        text[first] = text[first].astype(object)
        text.iloc[0, text.columns.get_loc(first)] = "not-a-number"
        cases["non_numeric_value"] = text
    if kind == "label" and g.classes:
        odd = sample.copy()
        odd[first] = odd[first].astype(object)
        odd.iloc[0, odd.columns.get_loc(first)] = "__unknown_label__"
        cases["unknown_label"] = odd
    return cases


def _grade_or_error(grade: GradeFn, sub: pd.DataFrame, answers: pd.DataFrame) -> tuple[float | None, str | None]:
    try:
        return round(float(grade(sub.copy(), answers.copy())), 5), None
    except Exception as exc:  # any grader exception means "invalid submission" (mle-bench contract)
        return None, f"{type(exc).__name__}: {exc}"[:200]


_EVALUATOR_LOCK = threading.Lock()


def _run_evaluator(path: Path, submission: Path) -> tuple[int, str]:
    """Run an environment's evaluator.py in this process as its CLI would (argv, stdout), one at a time: sys.argv
    and the redirected streams are process-wide, and validations run in threads."""
    with _EVALUATOR_LOCK:
        return _run_evaluator_locked(path, submission)


def _run_evaluator_locked(path: Path, submission: Path) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    argv = sys.argv
    code = 0
    try:
        sys.argv = [str(path), "--submission_path", str(submission)]
        # The script's own `print` writes to our buffer even when the host has patched builtins.print (Prefect's
        # log_prints does) — the evaluator's stdout is its contract.
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            runpy.run_path(str(path), run_name="__main__",
                           init_globals={"print": functools.partial(builtins.print, file=out)})
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    finally:
        sys.argv = argv
    return code, out.getvalue() if code == 0 else err.getvalue()


def grader_checks(spec: TaskSpec, staging: EnvFolder | Path, ladder: LadderRun) -> list[Check]:
    """Exercise grade.py and evaluator.py of a staged environment."""
    metric = get_metric(spec.grading.metric)
    folder = EnvFolder.of(staging)
    grade: GradeFn = runpy.run_path(str(folder.grader))["grade"]
    answers = pd.read_csv(folder.answers)
    sample = pd.read_csv(folder.sample_submission)
    perfect = pd.read_csv(folder.gold_submission)
    oracle = pd.read_csv(folder.oracle_submission)
    checks: list[Check] = []

    perfect_score, err = _grade_or_error(grade, perfect, answers)
    ok = err is None and math.isclose(perfect_score, metric.optimum, abs_tol=1e-5)
    checks.append(Check(name="perfect_reaches_optimum", group="grader", passed=ok, figure=perfect_score,
                        detail=err or f"optimum {metric.optimum}", repair="new_seed"))
    sample_score, err = _grade_or_error(grade, sample, answers)
    checks.append(Check(name="sample_valid", group="grader", passed=err is None, figure=sample_score,
                        detail=err or "", repair="new_seed"))
    at_optimum = sample_score is not None and math.isclose(sample_score, metric.optimum, abs_tol=1e-9)
    checks.append(Check(name="sample_uninformed", group="grader", passed=sample_score is not None and not at_optimum,
                        figure=sample_score, detail="the sample submission must not reach the optimum (answers in it?)",
                        repair="new_seed"))
    oracle_score, err = _grade_or_error(grade, oracle, answers)
    shuffled = oracle.sample(frac=1.0, random_state=7).reset_index(drop=True)
    shuffled_score, err2 = _grade_or_error(grade, shuffled, answers)
    again, _ = _grade_or_error(grade, oracle, answers)
    checks += [
        Check(name="shuffled_rows_same_score", group="grader", passed=err is None and shuffled_score == oracle_score,
              figure=f"{oracle_score} vs {shuffled_score}", detail=err or err2 or "rows must be aligned by id",
              repair="new_seed"),
        Check(name="grading_deterministic", group="grader", passed=again == oracle_score and again is not None,
              figure=again, repair="new_seed"),
        Check(name="library_agrees", group="grader", passed=oracle_score == round(ladder.oracle_score, 5),
              figure=f"{oracle_score} vs {ladder.oracle_score}", repair="new_seed",
              detail="grade.py and sandmle's grade_submission must agree to 5 decimals"),
    ]
    accepted = [name for name, sub in malformed_submissions(sample, spec).items()
                if _grade_or_error(grade, sub, answers)[1] is None]
    checks.append(Check(name="malformed_rejected", group="grader", passed=not accepted,
                        figure=len(accepted), detail=f"accepted malformed submissions: {accepted}" if accepted else "",
                        repair="new_seed"))
    code, out = _run_evaluator(folder.evaluator, folder.oracle_submission)
    try:
        report = json.loads(out) if code == 0 else {}
    except json.JSONDecodeError:
        report = {}
    ok = set(report) == set(EVALUATOR_KEYS) and report.get("score") == oracle_score
    checks.append(Check(name="evaluator_contract", group="grader", passed=ok, figure=report.get("score"),
                        detail="" if ok else f"exit {code}: {out[-200:]}", repair="new_seed"))
    return checks


def _single_feature_skill(x: pd.Series, y: pd.Series, classification: bool) -> float:
    """How well one column alone reproduces the target (accuracy, or |Spearman| for numbers)."""
    frame = pd.DataFrame({"x": x, "y": y}).dropna()
    if len(frame) < 10:
        return 0.0
    if classification:
        key = frame["x"].round(6) if pd.api.types.is_numeric_dtype(frame["x"]) else frame["x"].astype(str)
        if key.nunique() <= max(20, len(frame) // 5):  # purity of value → label: each value's commonest label
            return float(frame["y"].groupby([key, frame["y"]]).size().groupby(level=0).max().sum() / len(frame))
        if not pd.api.types.is_numeric_dtype(frame["x"]):
            return 0.0
        # Sorted by the column, a leaked label changes only k-1 times; a real, noisy signal changes often.
        order = frame.sort_values("x", kind="stable")["y"].astype(str).to_numpy()
        changes = int((order[1:] != order[:-1]).sum()) - (len(set(order)) - 1)
        return float(1.0 - max(0, changes) / max(1, len(order) - 1))
    if not pd.api.types.is_numeric_dtype(frame["x"]) or not pd.api.types.is_numeric_dtype(frame["y"]):
        return 0.0
    return float(abs(frame["x"].corr(frame["y"], method="spearman")))


def _held_out_links_check(folder: EnvFolder, train: pd.DataFrame, test: pd.DataFrame) -> Check:
    """A link-prediction task's leak rule: no labelled or test pair is an edge of the public edges.csv (a held-out
    link left in the observed graph gives its answer away), and no pair is both labelled and to be scored."""
    from sandmle_core.modalities.graph import EDGES_FILE, ENDS

    def keys(frame: pd.DataFrame) -> set[tuple[str, str]]:
        if not set(ENDS) <= set(frame.columns):
            return set()
        a, b = frame[ENDS[0]].astype(str), frame[ENDS[1]].astype(str)
        return {(min(x, y, key=_id_order), max(x, y, key=_id_order)) for x, y in zip(a, b, strict=True)}

    edges = keys(pd.read_csv(folder.public / EDGES_FILE))
    in_edges = len((keys(train) | keys(test)) & edges)
    both = len(keys(train) & keys(test))
    return Check(name="held_out_links_not_public", group="leakage", passed=in_edges == 0 and both == 0,
                 figure=in_edges + both, repair="new_seed",
                 detail=f"{in_edges} labelled or test pairs are edges of {EDGES_FILE}; {both} pairs are in both "
                        "train.csv and test.csv")


def _id_order(value: str) -> tuple[int, float | str]:
    """Node ids ordered as numbers when they are numbers (a pair is the same whichever end comes first)."""
    try:
        return (0, float(value))
    except ValueError:
        return (1, value)


def leakage_checks(spec: TaskSpec, staging: EnvFolder | Path) -> list[Check]:
    """No public column reproduces the target; description.md holds no answers and none of the rule's numbers."""
    return data_leakage_checks(spec, staging) + description_checks(spec, staging)


def data_leakage_checks(spec: TaskSpec, staging: EnvFolder | Path) -> list[Check]:
    """The leakage checks of the data files alone (no description.md needed: a generator's output is checked
    before the writer runs)."""
    folder = EnvFolder.of(staging)
    train, test = tables_of(spec, folder)  # a labels-in-names environment: its file listing
    if is_graph(spec):  # node classification: the node attributes of nodes.csv, joined to the labelled nodes
        train, test = node_tables(spec, folder.public)
    if is_ranking(spec):  # candidate rows with the query columns joined, `relevance` as the target
        train, test = candidate_tables(spec, folder.public)
    classification = spec.task_type not in (TaskType.REGRESSION, TaskType.MULTI_TARGET, TaskType.FORECASTING,
                                            TaskType.PER_PIXEL)
    features = [c.name for c in spec.columns if c.kind not in (ColumnKind.TEXT, ColumnKind.IMAGE, ColumnKind.AUDIO)]
    extra = [c for c in train.columns if c not in {spec.grading.id_column, *spec.target.columns, *features}]
    # a declared train-only column that test.csv does not carry cannot predict a test row (siim's `diagnosis`
    # restates the label in train.csv only, as the seed's does; the test contract rejects it in test.csv)
    test_columns = set(test.columns)
    extra = [c for c in extra if c not in getattr(spec.rule, "train_only_columns", ()) or c in test_columns]
    worst, worst_col = 0.0, None
    for target in spec.target.columns:
        for col in features + [c for c in extra if c in train]:
            if col in train and spec.task_type != TaskType.FORECASTING:
                skill = _single_feature_skill(train[col], train[target], classification)
                if skill > worst:
                    worst, worst_col = skill, col
    limit = LEAK_ACCURACY if classification else LEAK_CORRELATION
    checks = [Check(name="no_single_feature_oracle", group="leakage", passed=worst < limit, figure=round(worst, 4),
                    detail=f"strongest single column: {worst_col}", repair="new_seed")]
    if classification and spec.task_type != TaskType.FORECASTING:
        checks.append(_media_file_check(spec, folder, train, test))
    annotations = _annotation_check(spec, folder, test)
    if annotations is not None:
        checks.append(annotations)
    kept_out = _train_only_check(spec, folder, test)
    if kept_out is not None:
        checks.append(kept_out)
    if is_link_prediction(spec):
        checks.append(_held_out_links_check(folder, train, test))
    return checks


def description_checks(spec: TaskSpec, staging: EnvFolder | Path) -> list[Check]:
    """description.md quotes no answer rows and not the hidden rule's numbers (the writer's checks, too)."""
    folder = EnvFolder.of(staging)
    description, answers = folder.description.read_text(), pd.read_csv(folder.answers).head(500)
    lines = answers.astype(object).fillna("").astype(str).agg(",".join, axis=1)  # a blank cell (a Date) is ""
    leaked_rows = int(sum(line in description for line in lines))
    found = _rule_numbers_in(description, numbers := _rule_numbers(spec))
    rule_leak = len(found) >= max(3, int(0.1 * len(numbers)))
    return [
        Check(name="description_has_no_answers", group="leakage", passed=leaked_rows < 5, figure=leaked_rows,
              detail="answer rows (id + value) quoted in description.md", repair="new_seed"),
        Check(name="description_hides_rule", group="leakage", passed=not rule_leak, figure=len(found),
              detail=f"numbers of the hidden rule found in description.md: {found[:6]}", repair="new_seed"),
    ]


def _media_file_check(spec: TaskSpec, folder: EnvFolder, train: pd.DataFrame, test: pd.DataFrame) -> Check:
    """Media files (images, audio clips) must not name, size or length their label: the path with the row's id taken
    out, and the file's size in bytes, must not reproduce the target (an agent reads both without opening a file).

    Test files are checked against the hidden answers: a test name that gives its answer away is the leak that pays.
    Training files are checked too, unless the rule declares that training names carry their label on purpose
    (`label_in_name`, the whale challenge's `..._1.aif`; `names`, dogs vs. cats' `cat.0.jpg`, where they are the
    only labels there are). A labels-in-names test file is read from the listing (`named.test_id_of` lines a name
    in the training names' shape, `dog.7.jpg`, up with answer 7) and sized inside its zip.
    """
    id_col = spec.grading.id_column
    named = getattr(spec.rule, "names", None) is not None
    sets = [] if getattr(spec.rule, "label_in_name", False) or named else [("", train)]
    if folder.answers.is_file():
        as_text = named or test[id_col].dtype == object  # ids read from file names are text
        answers = pd.read_csv(folder.answers, dtype={id_col: str} if as_text else None)
        test = test.drop(columns=[c for c in spec.target.columns], errors="ignore")
        sets.append(("test ", test.merge(answers, on=id_col, how="inner")))
    worst, worst_what = 0.0, None
    for where, frame in sets:
        for col in (c.name for c in spec.columns if c.kind in (ColumnKind.IMAGE, ColumnKind.AUDIO)
                    and c.name in frame):
            paths = frame[col].astype(str)
            residue = pd.Series([p.replace(str(i), "") for p, i in zip(paths, frame[id_col], strict=True)])
            sizes = pd.Series(_media_sizes(folder, list(paths)))
            for what, values in ((f"{where}{col} file name", residue), (f"{where}{col} file size", sizes)):
                if values.nunique() < 2:
                    continue  # one name pattern or one size for every file says nothing
                for target in (t for t in spec.target.columns if t in frame):
                    skill = _single_feature_skill(values, frame[target].reset_index(drop=True), True)
                    if skill > worst:
                        worst, worst_what = skill, what
    return Check(name="media_files_hide_label", group="leakage", passed=worst < LEAK_ACCURACY,
                 figure=round(worst, 4), detail=f"strongest media file property: {worst_what}", repair="new_seed")


def _train_only_check(spec: TaskSpec, folder: EnvFolder, test: pd.DataFrame) -> Check | None:
    """The fields the rule declares train-only (known after the outcome, or restating it) and the target are in no
    public test file: not a column of test.csv, not a key of any record of test.json (pizza's records). None when the
    rule declares no train-only field."""
    banned = {*getattr(spec.rule, "train_only_columns", ())}
    if not banned:
        return None
    banned |= set(spec.target.columns)
    found = {f"test.csv:{c}" for c in test.columns if c in banned}
    records = folder.public / "test.json"
    if records.is_file():
        rows = json.loads(records.read_text())
        found |= {f"test.json:{k}" for row in (rows if isinstance(rows, list) else []) if isinstance(row, dict)
                  for k in row if k in banned}
    return Check(name="train_only_fields_absent_from_test", group="leakage", passed=not found, figure=len(found),
                 detail=f"train-only or target fields in the test files: {sorted(found)[:4]}" if found else
                 f"none of {len(banned)} train-only or target fields in the test files", repair="new_seed")


def _annotation_check(spec: TaskSpec, folder: EnvFolder, test: pd.DataFrame) -> Check | None:
    """A public `train_annotations.csv` (ranzcr's drawn lines) names no test image: a test image's annotation says
    which findings it shows, which are its answers. The test ids are test.csv's or, where the seed has no test.csv,
    the names in `test/` (`test`, the table view). None when the environment has no annotations file."""
    path = folder.public / ANNOTATIONS_FILE
    if not path.is_file():
        return None
    id_col = spec.grading.id_column
    named = set(pd.read_csv(path, usecols=[id_col], dtype=str)[id_col].dropna())
    test_ids = set(test[id_col].dropna().astype(str))
    leaked = sorted(named & test_ids)
    return Check(name="annotations_name_training_images_only", group="leakage", passed=not leaked,
                 figure=len(leaked), detail=f"test ids in {ANNOTATIONS_FILE}: {leaked[:3]}", repair="new_seed")


def _media_sizes(folder: EnvFolder, refs: Sequence[str]) -> list[float]:
    """Media files' sizes in bytes: files of the public folder or zip members (`a.zip!m`); NaN when absent. Each
    archive is opened once (an open parses its whole directory)."""
    archives: dict[str, dict[str, int] | None] = {}
    out: list[float] = []
    for ref in refs:
        if "!" not in ref:
            path = folder.public / ref
            out.append(float(path.stat().st_size) if path.is_file() else np.nan)
            continue
        archive, member = ref.split("!", 1)
        if archive not in archives:
            try:
                with zipfile.ZipFile(folder.public / archive) as z:
                    archives[archive] = {i.filename: i.file_size for i in z.infolist()}
            except (OSError, zipfile.BadZipFile):
                archives[archive] = None
        sizes = archives[archive]
        out.append(float(sizes[member]) if sizes is not None and member in sizes else np.nan)
    return out


def _rule_numbers(spec: TaskSpec) -> set[float]:
    """The hidden rule's non-trivial numbers (non-integers with at least two significant digits)."""
    out: set[float] = set()

    def walk(value: object) -> None:
        if isinstance(value, dict):
            for v in value.values():
                walk(v)
        elif isinstance(value, list | tuple):
            for v in value:
                walk(v)
        elif isinstance(value, float) and not value.is_integer() and abs(value) >= 0.01:
            out.add(value)

    walk(spec.rule.model_dump(mode="json"))
    return {v for v in out if len(f"{abs(v):.4f}".replace(".", "").lstrip("0").rstrip("0")) >= 2}


_DECIMAL = re.compile(r"(?<![\d.])-?\d+\.(\d{3,})(?!\d|\.\d)")  # "0.3362." at a sentence end counts


def _rule_numbers_in(text: str, numbers: set[float]) -> list[str]:
    """Rule numbers a text quotes: a decimal with 3+ places that equals a rule number rounded to its places."""
    found = []
    for match in _DECIMAL.finditer(text):
        places = len(match.group(1))
        value = float(match.group(0))
        if any(round(n, places) == value for n in numbers):
            found.append(match.group(0))
    return sorted(set(found))
