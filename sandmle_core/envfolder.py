"""`EnvFolder`: the paths of one environment folder, whether it is still in staging or published.

The folder's layout is the product's contract (DESIGN.md): config.yaml, description.md, grade.py, evaluator.py,
leaderboard.csv, validation.json, solutions/, and the mle-bench data split `prepared/public/` (all an agent sees) and
`prepared/private/` (answers). Every stage of the build names files through this one object instead of joining
strings, so the layout is spelled exactly once. `sandmle_core.layout` re-exports it.

`TABLE_FILES`/`shipped_tables` say which of the two tables an environment ships: a seed without them keeps
its layout (dogs vs. cats ships none, ranzcr train.csv alone). `sample_submission_name` is the sample submission's
file name: `sample_submission.csv`, or the seed's own when its rule names one (`sample_submission_null.csv` of
detecting insults); `EnvFolder.sample_submission` finds whichever of the two a folder holds.

Imports: the standard library only.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["SAMPLE_SUBMISSION_NAMES", "TABLE_FILES", "EnvFolder", "sample_submission_name", "shipped_tables"]

# an image environment in a labels-in-names seed's layout (dogs vs. cats) ships its images in place of these two,
# as the seed does (its spec's `rule.names` says how: `train.zip` of `train/<label>.<n>.jpg`, `test.zip` of ids);
# one in ranzcr's layout ships train.csv only (`rule.cues.test_table`: its test ids are the names in `test/`)
TABLE_FILES: tuple[str, ...] = ("prepared/public/train.csv", "prepared/public/test.csv")
# the usual name first, then the seeds' own names a rule's `sample_file` may take (detecting insults')
SAMPLE_SUBMISSION_NAMES: tuple[str, ...] = ("sample_submission.csv", "sample_submission_null.csv")


def _field(value: Any, name: str) -> Any:
    return value.get(name) if isinstance(value, dict) else getattr(value, name, None)


def sample_submission_name(rule: Any) -> str:
    """The file name of an environment's sample submission: the seed's own when the rule names one.

    Args:
        rule: the spec's rule, as a model or as the dict config.yaml holds (None: the usual name).
    """
    return _field(rule, "sample_file") or SAMPLE_SUBMISSION_NAMES[0]


def shipped_tables(rule: Any) -> tuple[str, ...]:
    """The `TABLE_FILES` an environment of this rule ships, as its seed does: none in a labels-in-names layout,
    train.csv alone in ranzcr's (no test.csv), both otherwise.

    Args:
        rule: the spec's rule, as a model or as the dict config.yaml holds (None: both tables).
    """
    if _field(rule, "names"):
        return ()
    cues = _field(rule, "cues")
    if cues is not None and _field(cues, "test_table") is False:
        return TABLE_FILES[:1]
    return TABLE_FILES


@dataclass(frozen=True)
class EnvFolder:
    """The paths of an environment folder rooted at `root` (nothing is read or created here)."""

    root: Path

    @classmethod
    def of(cls, where: EnvFolder | str | Path) -> EnvFolder:
        """`where` as an EnvFolder (an EnvFolder is returned as it is)."""
        return where if isinstance(where, EnvFolder) else cls(Path(where))

    def __fspath__(self) -> str:
        """An EnvFolder is path-like: `Path(folder)` and `open`-style calls see its root."""
        return str(self.root)

    @property
    def name(self) -> str:
        """The folder's name: the environment id once published (or staged)."""
        return self.root.name

    def relpath(self, path: Path) -> str:
        """`path` relative to the folder, in POSIX form (how config.yaml and the hashes name files)."""
        return Path(path).relative_to(self.root).as_posix()

    @property
    def config(self) -> Path:
        return self.root / "config.yaml"

    @property
    def description(self) -> Path:
        return self.root / "description.md"

    @property
    def grader(self) -> Path:
        """grade.py: `grade(submission, answers) -> float`, mle-bench's contract."""
        return self.root / "grade.py"

    @property
    def evaluator(self) -> Path:
        """evaluator.py: SandMLE's `python evaluator.py --submission_path X` contract."""
        return self.root / "evaluator.py"

    @property
    def leaderboard(self) -> Path:
        return self.root / "leaderboard.csv"

    @property
    def validation(self) -> Path:
        return self.root / "validation.json"

    @property
    def solutions(self) -> Path:
        return self.root / "solutions"

    @property
    def prepared(self) -> Path:
        return self.root / "prepared"

    @property
    def public(self) -> Path:
        """Everything an agent sees."""
        return self.prepared / "public"

    @property
    def private(self) -> Path:
        """Answers and reference submissions: never shown to an agent."""
        return self.prepared / "private"

    @property
    def train(self) -> Path:
        return self.public / "train.csv"

    @property
    def test(self) -> Path:
        return self.public / "test.csv"

    @property
    def sample_submission(self) -> Path:
        """The sample submission: `sample_submission.csv`, or a seed's own name when the folder holds that one
        instead (an environment keeps detecting insults' `sample_submission_null.csv`)."""
        usual, *own = (self.public / n for n in SAMPLE_SUBMISSION_NAMES)
        return next((p for p in own if p.is_file() and not usual.is_file()), usual)

    @property
    def answers(self) -> Path:
        return self.private / "answers.csv"

    @property
    def gold_submission(self) -> Path:
        return self.private / "gold_submission.csv"

    @property
    def oracle_submission(self) -> Path:
        """The hidden rule's noise-free prediction in submission format."""
        return self.private / "oracle_submission.csv"

    def make_data_dirs(self) -> None:
        """Create `prepared/public/` and `prepared/private/` (a synthesizer's first step)."""
        self.public.mkdir(parents=True, exist_ok=True)
        self.private.mkdir(parents=True, exist_ok=True)
