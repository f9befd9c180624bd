"""Grading submissions, and rendering the self-contained grade.py and evaluator.py of an environment.

`grade_submission` aligns by id (row order never matters), checks every column and value, and returns the metric
rounded to 5 decimals, raising `InvalidSubmission` with a reason an agent can act on. The generated files embed the
source of the grading runtime (`sandmle_core.grader_formulas`, `grader_checks`, `grader_runtime`) plus a literal
config, so an environment folder grades on any machine with pandas, numpy and scikit-learn — and agrees with
sandmle exactly, because it is the same code. The reference submissions live in `sandmle_core.reference_submissions`.
"""

from __future__ import annotations

import ast
import functools
import pprint
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from sandmle_core import grader_checks, grader_formulas, grader_runtime
from sandmle_core.errors import InvalidSubmission
from sandmle_core.reference_submissions import constant_submission, perfect_submission, seed_layout
from sandmle_core.spec import GradingSpec

if TYPE_CHECKING:
    from sandmle_core.leaderboard import Thresholds

__all__ = [
    "EVALUATOR_KEYS",
    "constant_submission",
    "evaluator_json",
    "grade_file",
    "grade_submission",
    "perfect_submission",
    "read_table",
    "render_evaluator_py",
    "render_grade_py",
    "seed_layout",
]


def _config(spec: GradingSpec) -> dict:
    config = {
        "metric": spec.metric,
        "id_column": spec.id_column,
        "target_columns": list(spec.target_columns),
        "submission_columns": list(spec.submission_columns),
        "classes": None if spec.classes is None else list(spec.classes),
    }
    if spec.passthrough_columns:  # only when set: the grade.py of every other environment stays byte-identical
        config["passthrough_columns"] = list(spec.passthrough_columns)
    return config


def read_table(path: str | Path) -> pd.DataFrame:
    """Read a submission CSV with the safe reader (`sandmle_core.submission_io`: no link, a plain file, size cap).

    Raises:
        InvalidSubmission: when the file is refused, missing or not a readable CSV.
    """
    from sandmle_core.submission_io import read_submission_file, submission_cap

    return read_submission_file(path, submission_cap(None))


def grade_submission(
    submission: pd.DataFrame | str | Path, answers: pd.DataFrame | str | Path, spec: GradingSpec
) -> float:
    """Score a submission against the answers.

    Args:
        submission: the submission table (or a CSV path).
        answers: the answers table: the id column plus `spec.target_columns` (or a CSV path).
        spec: how the task is graded.

    Returns:
        The metric value, rounded to 5 decimals.

    Raises:
        InvalidSubmission: missing, extra or duplicate ids; missing or extra columns; NaN or non-numeric values;
            probabilities outside [0, 1] or not summing to 1; labels that are not classes; negative values for RMSLE.
    """
    sub = submission if isinstance(submission, pd.DataFrame) else read_table(submission)
    ans = answers if isinstance(answers, pd.DataFrame) else pd.read_csv(answers)
    try:
        return grader_runtime.score_submission(sub, ans, _config(spec))
    except grader_runtime.SubmissionError as exc:
        raise InvalidSubmission(str(exc)) from exc


def grade_file(submission_path: str | Path, answers_path: str | Path, spec: GradingSpec) -> float:
    """`grade_submission` on two CSV files."""
    return grade_submission(read_table(submission_path), pd.read_csv(answers_path), spec)


def _runtime_source() -> str:
    """The formulas, checks and runtime sources as one module body, without their docstrings (they speak about
    sandmle, not the environment) and without their imports of each other (the names are all in one file now)."""
    return _joined_source(tuple(Path(m.__file__).read_text() for m in (grader_formulas, grader_checks,
                                                                         grader_runtime)))


@functools.lru_cache(maxsize=4)
def _joined_source(texts: tuple[str, ...]) -> str:
    """`_runtime_source` of these module texts: parsed once per process and content (every grade.py and
    evaluator.py of a build embeds the same text; parsing it took ~10 ms a file)."""
    parts = []
    for text in texts:
        body = ast.parse(text).body
        drop: set[int] = set()
        for i, node in enumerate(body):
            docstring = i == 0 and isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
            internal = isinstance(node, ast.ImportFrom) and (node.module or "").startswith("sandmle_core")
            if docstring or internal:
                drop.update(range(node.lineno - 1, node.end_lineno or node.lineno))
        lines = text.splitlines()
        parts.append("\n".join(line for n, line in enumerate(lines) if n not in drop).strip())
    return "\n\n\n".join(parts) + "\n"


def render_grade_py(spec: GradingSpec) -> str:
    """A self-contained grade.py: `grade(submission: DataFrame, answers: DataFrame) -> float` (mle-bench contract)."""
    config = pprint.pformat(_config(spec), sort_dicts=True, width=100)
    return (
        f'"""Grader of this environment (mle-bench contract), generated by sandmle.\n\n'
        f"Metric: {spec.metric}. Needs only numpy, pandas and scikit-learn. `grade` raises InvalidSubmissionError\n"
        f'when the submission cannot be graded.\n"""\n\n'
        f"{_runtime_source()}\n\n"
        f"InvalidSubmissionError = SubmissionError\n\n"
        f"CONFIG = {config}\n\n\n"
        "def grade(submission, answers):\n"
        '    """Score `submission` against `answers` (both DataFrames), rounded to 5 decimals."""\n'
        "    return score_submission(submission, answers, CONFIG)\n"
    )


_SAFE_READ = '''def read_submission(path, answers_path):
    """The submission as a table, read safely: an agent may have written it. No symbolic link, a regular file with
    one link (a hard link may be the private answers), at most max(8 MB, 20 x the answers' size); a FIFO never
    blocks (it is refused before it is opened)."""
    import io
    import os
    import stat

    cap = max(8 * 2**20, 20 * os.path.getsize(answers_path))
    kind = os.lstat(path).st_mode
    if not stat.S_ISREG(kind):
        raise ValueError("is a symbolic link" if stat.S_ISLNK(kind) else "is not a regular file")
    with os.fdopen(os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_NOCTTY), "rb") as fh:
        st = os.fstat(fh.fileno())
        if not stat.S_ISREG(st.st_mode) or st.st_nlink != 1:
            raise ValueError("is not a regular file with a single link")
        if st.st_size > cap:
            raise ValueError(f"is larger than {cap} bytes")
        data = fh.read(cap + 1)
    if len(data) > cap:
        raise ValueError(f"is larger than {cap} bytes")
    return pd.read_csv(io.BytesIO(data))'''


EVALUATOR_KEYS = ("score", "is_lower_better", "gold_threshold", "silver_threshold", "bronze_threshold",
                  "median_threshold")
"""The SandMLE evaluator contract: the keys of the one JSON object evaluator.py prints, in order."""


def evaluator_json(score: float | None, thresholds: Thresholds | None) -> dict[str, Any]:
    """The SandMLE evaluator contract (what evaluator.py prints, what the score tool and the service return).

    Args:
        score: the submission's score.
        thresholds: the medal thresholds; None (a competition without a leaderboard) gives None for the five marks.

    Returns:
        {"score", "is_lower_better", "gold_threshold", "silver_threshold", "bronze_threshold", "median_threshold"}.
    """
    t = thresholds
    marks = (None,) * 5 if t is None else (t.lower_is_better, t.gold, t.silver, t.bronze, t.median)
    return dict(zip(EVALUATOR_KEYS, (score, *marks), strict=True))


def render_evaluator_py(
    spec: GradingSpec, thresholds: Thresholds, answers_relpath: str = "prepared/private/answers.csv"
) -> str:
    """A self-contained evaluator.py: `python evaluator.py --submission_path X` prints the SandMLE JSON.

    The answers are found relative to the evaluator's own file (`answers_relpath`), never in the public folder;
    `--answers_path` overrides. The submission is read as sandmle reads it (no link, a plain file, a size cap), since
    a trainer runs this file on the host against a file an agent wrote. An invalid submission exits with status 1
    and the reason on stderr.
    """
    config = pprint.pformat(_config(spec), sort_dicts=True, width=100)
    marks = pprint.pformat({k: v for k, v in evaluator_json(None, thresholds).items() if k != "score"},
                           sort_dicts=False, width=100)
    return (
        f'"""Evaluator of this environment (SandMLE contract), generated by sandmle.\n\n'
        f"Usage: python evaluator.py --submission_path submission.csv [--answers_path answers.csv]\n"
        f"Prints one JSON object (score, is_lower_better and the four thresholds); exits 1 on an invalid\n"
        f'submission with the reason on stderr. Needs only numpy, pandas and scikit-learn.\n"""\n\n'
        f"{_runtime_source()}\n\n"
        "import argparse\nimport json\nimport sys\nfrom pathlib import Path\n\n"
        f"CONFIG = {config}\n\n"
        f"THRESHOLDS = {marks}\n\n"
        f"ANSWERS = {answers_relpath!r}\n\n\n"
        f"{_SAFE_READ}\n\n"
        "def main(argv=None):\n"
        "    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])\n"
        "    parser.add_argument('--submission_path', required=True)\n"
        "    parser.add_argument('--answers_path', default=str(Path(__file__).resolve().parent / ANSWERS))\n"
        "    args = parser.parse_args(argv)\n"
        "    try:\n"
        "        submission = read_submission(args.submission_path, args.answers_path)\n"
        "    except Exception as exc:\n"
        "        print(f'invalid submission: cannot read {args.submission_path}: {exc}', file=sys.stderr)\n"
        "        return 1\n"
        "    answers = pd.read_csv(args.answers_path)\n"
        "    try:\n"
        "        score = score_submission(submission, answers, CONFIG)\n"
        "    except SubmissionError as exc:\n"
        "        print(f'invalid submission: {exc}', file=sys.stderr)\n"
        "        return 1\n"
        "    print(json.dumps({'score': score, **THRESHOLDS}))\n"
        "    return 0\n\n\n"
        "if __name__ == '__main__':\n"
        "    sys.exit(main())\n"
    )
