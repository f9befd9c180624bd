"""Running the data contracts of an environment folder, and turning failures into a typed error.

`check_environment` validates every artifact against its suite (`data_contracts.suites`) with great-expectations
and returns one JSON-friendly dict per expectation. `require` raises `ContractViolation` naming the artifact,
expectation, column and observed value of every failure. `contract_checker` is the two together, with the signature
`sandmle_core.generate.generate_slot` injects as `check_contracts` (it runs on a staging folder that has no
config.yaml yet, so the spec is passed in).
"""

from __future__ import annotations

import math
import zipfile
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pandas as pd
from pydantic import ValidationError
from sandmle.data_contracts.named import is_named, listing_artifacts, named_suites
from sandmle.data_contracts.suites import (
    ANSWERS,
    ARTIFACTS,
    SAMPLE_SUBMISSION,
    TEST,
    TRAIN,
    Expect,
    artifact_suites,
    media_files,
    prepare_frame,
)

from sandmle_core.envfolder import EnvFolder, sample_submission_name
from sandmle_core.errors import EnvironmentFormatError, SandmleError
from sandmle_core.layout import read_environment, shipped_tables
from sandmle_core.modalities.graph import is_graph, is_link_prediction
from sandmle_core.modalities.image.named import tables_of
from sandmle_core.modalities.ranking import is_ranking
from sandmle_core.taskspec import TaskSpec

__all__ = [
    "ArtifactCheck",
    "ContractViolation",
    "check_environment",
    "contract_checker",
    "plan_checks",
    "require",
    "sample_artifact",
    "spec_of",
]

READ_EXPECTATION = "file_is_readable_csv"
TEST_LISTING = "prepared/public/test/"  # the artifact of an environment whose seed has no test.csv (ranzcr)
_EXAMPLES = 5


class ContractViolation(SandmleError):
    """Artifacts of an environment break their data contract. `failures` are the failing result dicts."""

    def __init__(self, failures: list[dict[str, Any]]) -> None:
        self.failures = failures
        lines = [_describe(f) for f in failures]
        super().__init__(f"{len(failures)} data-contract expectation(s) failed: " + " | ".join(lines))

    def __reduce__(self):  # keep the failures across pickling (Dask, Prefect results)
        return (type(self), (self.failures,))


@dataclass(frozen=True)
class ArtifactCheck:
    """One artifact ready to validate: its frame (None when unreadable, with the reason) and its expectations."""

    artifact: str
    frame: pd.DataFrame | None
    problem: str | None
    expectations: list[Expect]


def spec_of(env_dir: Path) -> tuple[str, TaskSpec]:
    """The environment id and spec recorded in `env_dir/config.yaml`.

    Raises:
        EnvironmentFormatError: when the folder or its config is broken, or the recorded spec is invalid.
    """
    env = read_environment(env_dir)
    try:
        return env.env_id, TaskSpec.model_validate(env.config.sandmle.spec)
    except ValidationError as exc:
        raise EnvironmentFormatError(Path(env_dir) / "config.yaml", f"sandmle.spec is not a valid TaskSpec: "
                                     f"{exc.errors()[0]['msg']}") from exc


def _read(path: Path) -> tuple[pd.DataFrame | None, str | None]:
    if not path.is_file():
        return None, "the file is missing"
    try:
        return pd.read_csv(path), None
    except (OSError, UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        return None, f"not a readable CSV: {exc}"


def _ids(frame: pd.DataFrame | None, id_col: str) -> list[str] | None:
    if frame is None or id_col not in frame.columns:
        return None
    return [str(v) for v in frame[id_col].dropna()]


def plan_checks(env_dir: Path, spec: TaskSpec) -> list[ArtifactCheck]:
    """Read every artifact of `env_dir` and pair it with its expectations (built from `spec` and the other files).

    The sample submission is read, and reported, under the file name the spec gives it: the seed's own
    (`prepared/public/sample_submission_null.csv` of detecting insults) or `sample_submission.csv`.
    """
    root = Path(env_dir)
    own = sample_artifact(spec)
    return [replace(c, artifact=own) if c.artifact == SAMPLE_SUBMISSION else c for c in _plan(root, spec)]


def sample_artifact(spec: TaskSpec) -> str:
    """The sample submission's path relative to an environment folder of `spec`: the seed's own file name when
    its rule names one, `SAMPLE_SUBMISSION` otherwise (the key its suite has in `artifact_suites`)."""
    folder = EnvFolder(Path("."))
    return folder.relpath(folder.public / sample_submission_name(spec.rule))


def _plan(root: Path, spec: TaskSpec) -> list[ArtifactCheck]:
    if is_named(spec):  # labels in file names: the image listings stand in for train.csv and test.csv
        return _plan_named(root, spec)
    if is_graph(spec):  # node classification: ids in train/test, the attributes in nodes.csv, edges.csv
        from sandmle.data_contracts.graph import graph_checks

        return graph_checks(root, spec)
    if is_ranking(spec):  # candidate rows per query in train/test, the query columns in queries.csv
        from sandmle.data_contracts.ranking import ranking_checks

        return ranking_checks(root, spec)
    if is_link_prediction(spec):  # link prediction: pair tables, nodes.csv, edges.csv, no labelled pair an edge
        from sandmle.data_contracts.graph_links import link_checks

        return link_checks(root, spec)
    frames: dict[str, pd.DataFrame | None] = {}
    problems: dict[str, str | None] = {}
    listed = TEST not in shipped_tables(spec.rule)  # ranzcr's layout: the names in test/ stand in for test.csv
    for artifact in ARTIFACTS:
        path = root / (sample_artifact(spec) if artifact == SAMPLE_SUBMISSION else artifact)
        raw, problems[artifact] = _test_listing(root, spec) if listed and artifact == TEST else _read(path)
        frames[artifact] = None if raw is None else prepare_frame(raw, spec, artifact)
    id_col = spec.grading.id_column
    suites = artifact_suites(spec, train_ids=_ids(frames[TRAIN], id_col), test_ids=_ids(frames[TEST], id_col),
                             media=media_files(EnvFolder(root).public))
    extra = [a for a in suites if a not in ARTIFACTS]  # a seed's own files (mlsp's essential_data/*.txt)
    for artifact in extra:
        frames[artifact], problems[artifact] = _read_extra(root / artifact)
    checks = [ArtifactCheck(a, frames[a], problems[a], suites[a]) for a in (*ARTIFACTS, *extra)]
    if not listed:
        return checks
    checks = [ArtifactCheck(TEST_LISTING, c.frame, c.problem, c.expectations) if c.artifact == TEST else c
              for c in checks]
    if (root / TEST).exists():  # the seed ships no test.csv, and neither does its environment
        checks.append(ArtifactCheck(TEST, None, "the seed's layout has no test.csv (its test ids are the names in "
                                                "test/): this file should not exist", []))
    return checks


def _test_listing(root: Path, spec: TaskSpec) -> tuple[pd.DataFrame | None, str | None]:
    """The test images of an environment without test.csv as the frame test.csv would be: the id each name in
    `test/` gives, and the columns a table carries (none but the id in ranzcr's layout)."""
    folder = EnvFolder(root)
    if not (folder.public / "test").is_dir():
        return None, "the test/ folder is missing"
    test = tables_of(spec, folder)[1]
    return test.drop(columns=list(getattr(spec.rule, "untabled_columns", ()))), None


def _plan_named(root: Path, spec: TaskSpec) -> list[ArtifactCheck]:
    """A labels-in-names environment's checks: the two image listings, the sample submission and the answers."""
    try:
        listings: dict[str, pd.DataFrame | None] = dict(listing_artifacts(spec, root))
        problem = None
    except (OSError, zipfile.BadZipFile) as exc:
        listings, problem = {}, f"the image listing is unreadable: {exc}"
    test_frame = next((f for a, f in listings.items() if "test" in Path(a).name), None)
    suites = named_suites(spec, None if test_frame is None else [str(i) for i in test_frame["id"]])
    checks = []
    for artifact, expectations in suites.items():
        if artifact in listings:
            checks.append(ArtifactCheck(artifact, listings[artifact], None, expectations))
        elif artifact in (SAMPLE_SUBMISSION, ANSWERS):
            raw, why = _read(root / (sample_artifact(spec) if artifact == SAMPLE_SUBMISSION else artifact))
            frame = None if raw is None else prepare_frame(raw, spec, artifact)
            checks.append(ArtifactCheck(artifact, frame, why, expectations))
        else:
            checks.append(ArtifactCheck(artifact, None, problem or "the image listing is missing", expectations))
    for table in (TRAIN, TEST):  # the seed ships no tables, and neither does its environment
        if (root / table).exists():
            checks.append(ArtifactCheck(table, None, "a labels-in-names environment ships no tables (the seed has "
                                                     "none): this file should not exist", []))
    return checks


def _read_extra(path: Path) -> tuple[pd.DataFrame | None, str | None]:
    """A seed-shaped text artifact: mlsp's ragged label file through its own reader, JSON records (pizza's) as a
    frame, the others as CSV."""
    if path.suffix == ".json":
        from sandmle.data_contracts.records import read_records

        return read_records(path)
    if path.name != "rec_labels_test_hidden.txt" or not path.is_file():
        return _read(path)
    from sandmle_core.modalities.audio.multilabel import read_label_file

    try:
        return read_label_file(path), None
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        return None, f"not a readable label file: {exc}"


def check_environment(env_dir: Path, spec: TaskSpec | None = None) -> list[dict[str, Any]]:
    """Validate every artifact of an environment folder against its data contract.

    Args:
        env_dir: an environment folder, or a staging folder with `prepared/` (then `spec` is required).
        spec: the environment's spec; read from `env_dir/config.yaml` when None.

    Returns:
        One dict per expectation: artifact (path relative to the folder), expectation (GX type), column (or None),
        success, observed (the offending values or the observed figure; JSON-friendly) and detail (why it is
        expected, and how it failed). A missing or unreadable file gives one failing `file_is_readable_csv` entry.

    Raises:
        EnvironmentFormatError: when `spec` is None and the folder's config cannot be read.
    """
    from sandmle.data_contracts import _gx

    root = Path(env_dir)
    if spec is None:
        _, spec = spec_of(root)
    results: list[dict[str, Any]] = []
    for check in plan_checks(root, spec):
        if check.frame is None:
            results.append({"artifact": check.artifact, "expectation": READ_EXPECTATION, "column": None,
                            "success": False, "observed": None, "detail": check.problem})
            continue
        name = f"{spec.env_id}.{Path(check.artifact).stem}"
        outcomes = _gx.validate_frame(check.frame, name, check.expectations)
        results += [to_record(check.artifact, e, r) for e, r in zip(check.expectations, outcomes, strict=True)]
    return results


def require(results: list[dict[str, Any]]) -> None:
    """Raise `ContractViolation` listing every failed result; return quietly when all passed."""
    failures = [r for r in results if not r["success"]]
    if failures:
        raise ContractViolation(failures)


def contract_checker(staging: Path, spec: TaskSpec) -> list[dict[str, Any]]:
    """The generation pipeline's contract check: every result when all pass.

    Raises:
        ContractViolation: when any expectation fails.
    """
    results = check_environment(staging, spec)
    require(results)
    return results


# ---------------------------------------------------------------------------------------------------------------
# Results


def to_record(artifact: str, expect: Expect, result: Any) -> dict[str, Any]:
    """One GX `ExpectationValidationResult` as the JSON-friendly result dict."""
    res = dict(result.result or {})
    success = bool(result.success)
    error = _exception_message(result.exception_info)
    if error is not None:
        observed, how = None, f"not evaluated: {error}"
    else:
        observed, how = _observed(expect, res, success)
    detail = expect.why if success else f"{expect.why}: {how}" if expect.why else how
    return {"artifact": artifact, "expectation": result.expectation_config.type, "column": expect.column,
            "success": success, "observed": _jsonable(observed), "detail": detail}


def _exception_message(info: Any) -> str | None:
    """The first raised exception's message in GX's exception_info (flat, or keyed by metric)."""
    if not info:
        return None
    entries = [info] if "raised_exception" in info else list(info.values())
    for entry in entries:
        if isinstance(entry, dict) and entry.get("raised_exception"):
            return str(entry.get("exception_message") or "exception").splitlines()[0]
    return None


def _observed(expect: Expect, res: dict[str, Any], success: bool) -> tuple[Any, str]:
    """(observed value, how it differs from the expectation) for a result that was evaluated."""
    kw = expect.kwargs
    if expect.kind == "ExpectColumnToExist":
        return ("present", "") if success else ("absent", "the column is absent")
    if expect.kind == "ExpectTableColumnsToMatchOrderedList":
        seen = list(res.get("observed_value") or [])
        wanted = list(kw["column_list"])
        missing = [c for c in wanted if c not in seen]
        extra = [c for c in seen if c not in wanted]
        parts = [f"missing {missing}"] * bool(missing) + [f"unexpected {extra}"] * bool(extra)
        return seen, "; ".join(parts) or f"wrong order, expected {wanted}"
    if "partial_missing_list" in res:
        missing = _distinct(res.get("partial_missing_list") or [])
        return missing, f"{res.get('missing_count', len(missing))} required values are absent, e.g. {missing}"
    if "unexpected_count" in res:
        count = int(res.get("unexpected_count") or 0)
        total = res.get("element_count")
        examples = _distinct(res.get("partial_unexpected_list") or [])
        of = f" of {total}" if total is not None else ""
        return examples, f"{count}{of} values violate it, e.g. {examples}"
    observed = res.get("observed_value")
    return observed, f"observed {_jsonable(observed)!r}, expected {_expected(kw)}"


def _expected(kw: dict[str, Any]) -> str:
    if "value" in kw:
        return repr(kw["value"])
    if "min_value" in kw or "max_value" in kw:
        return f"between {kw.get('min_value')} and {kw.get('max_value')}"
    if "type_list" in kw:
        return f"one of the types {kw['type_list']}"
    return "otherwise"


def _distinct(values: list[Any]) -> list[Any]:
    out: list[Any] = []
    for v in values:
        j = _jsonable(v)
        if j not in out:
            out.append(j)
        if len(out) == _EXAMPLES:
            break
    return out


def _jsonable(value: Any) -> Any:
    """Plain JSON values: numpy scalars unwrapped, NaN/NA → None, tuples → lists."""
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_jsonable(v) for v in value]
    if value is None or isinstance(value, bool | str):
        return value
    if hasattr(value, "item") and not isinstance(value, int | float):
        value = value.item()
    if isinstance(value, float):
        return None if math.isnan(value) else value if math.isfinite(value) else str(value)
    if isinstance(value, int):
        return value
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    return str(value)


def _describe(failure: dict[str, Any]) -> str:
    column = f" column {failure['column']!r}" if failure.get("column") else ""
    observed = repr(failure.get("observed"))
    observed = observed if len(observed) <= 160 else observed[:157] + "..."
    return f"{failure['artifact']}: {failure['expectation']}{column}, observed {observed} — {failure.get('detail')}"
