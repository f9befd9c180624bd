"""`EnvFolder`: the paths of one environment folder, whether it is still in staging or published.

The folder's layout is the product's contract (DESIGN.md): config.yaml, description.md, grade.py, evaluator.py,
leaderboard.csv, validation.json, solutions/, and the mle-bench data split `prepared/public/` (all an agent sees) and
`prepared/private/` (answers). Every stage of the build names files through this one object instead of joining
strings, so the layout is spelled exactly once. `sandmle_core.layout` re-exports it.

Imports: the standard library only.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

__all__ = ["EnvFolder"]


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
        return self.public / "sample_submission.csv"

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
