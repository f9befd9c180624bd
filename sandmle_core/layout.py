"""The environment folder format (DESIGN.md) — the product's contract — and the corpus around it.

An environment is a folder `<corpus>/envs/<env_id>/` holding `config.yaml` (mle-bench keys plus a `sandmle:` block),
`description.md`, `grade.py`, `evaluator.py`, `leaderboard.csv`, `prepared/public/`, `prepared/private/`,
`solutions/` and `validation.json`. This module writes and reads that folder, names it from a content hash, publishes
it atomically out of `<corpus>/.staging/` (failure records and the manifest live in `sandmle_core.records`; the
near-duplicate check before publishing in `sandmle_core.publish`). Paths inside one folder are spelled once, by
`EnvFolder` (`sandmle_core.envfolder`, re-exported here); paths inside config.yaml follow mle-bench: relative to
`<corpus>/envs/`, so that folder doubles as an mle-bench data directory.

Every file of an environment is deterministic: timings, which differ run to run, live in the manifest, not here.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from sandmle_core.envfolder import TABLE_FILES, EnvFolder, sample_submission_name, shipped_tables
from sandmle_core.errors import EnvironmentFormatError
from sandmle_core.leaderboard import Thresholds
from sandmle_core.spec import GradingSpec

__all__ = ["REQUIRED_FILES", "TABLE_FILES", "Corpus", "DatasetPaths", "EnvFolder", "Environment", "EnvironmentConfig",
    "GraderRef", "Provenance", "SandmleBlock", "data_digest", "hash_files", "make_env_id", "publish_environment",
    "read_environment", "shipped_tables", "spec_digest", "write_config"]

CONFIG = "config.yaml"
# libyaml's safe loader reads a config ~8x faster than the pure-Python one (same documents, same safety)
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
REQUIRED_FILES: tuple[str, ...] = (
    CONFIG,
    "description.md",
    "grade.py",
    "evaluator.py",
    "leaderboard.csv",
    "prepared/public/train.csv",
    "prepared/public/test.csv",
    "prepared/public/sample_submission.csv",
    "prepared/private/answers.csv",
)
_ENV_ID = re.compile(r"^[a-z0-9][a-z0-9-]*-[0-9a-f]{8}$")


def _spec_rule(spec: Any) -> Any:  # the rule of a spec as config.yaml holds it (a dict), or None
    return spec.get("rule") if isinstance(spec, dict) else None


class Provenance(BaseModel):
    """Where an environment came from: enough to rebuild it byte for byte."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    seed_id: str
    index: int
    rng_seed: int
    backend: str
    model: str | None = None
    attempt: int = 1
    sandmle_version: str


class SandmleBlock(BaseModel):
    """The `sandmle:` block of config.yaml."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    modality: str
    task_type: str
    domain: str
    grading: GradingSpec
    thresholds: Thresholds
    sizes: dict[str, int]
    provenance: Provenance
    spec_hash: str
    data_hash: str
    hashes: dict[str, str] = Field(description="sha256 of every file of the folder except config.yaml")
    spec: dict[str, Any] = Field(description="the full TaskSpec, hidden rule included (never shown to agents)")
    usage: dict[str, Any] | None = Field(default=None, description="LLM tokens and cost, when a model built it")


class DatasetPaths(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    answers: str
    sample_submission: str
    gold_submission: str | None = None


class GraderRef(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    grade_fn: str


class EnvironmentConfig(BaseModel):
    """config.yaml: the mle-bench competition keys, then sandmle's own block."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    name: str
    competition_type: str = "simple"
    awards_medals: bool = True
    prizes: None = None
    description: str
    dataset: DatasetPaths
    grader: GraderRef
    sandmle: SandmleBlock

    @classmethod
    def for_environment(cls, env_id: str, name: str, block: SandmleBlock) -> EnvironmentConfig:
        """The config of environment `env_id`, with every mle-bench path in its conventional place."""
        return cls(
            id=env_id,
            name=name,
            description=f"{env_id}/description.md",
            dataset=DatasetPaths(
                answers=f"{env_id}/prepared/private/answers.csv",
                sample_submission=f"{env_id}/prepared/public/{sample_submission_name(_spec_rule(block.spec))}",
                gold_submission=f"{env_id}/prepared/private/gold_submission.csv",
            ),
            grader=GraderRef(name=block.grading.metric, grade_fn=f"{env_id}/grade.py:grade"),
            sandmle=block,
        )


def make_env_id(seed_id: str, slug: str, content_hash: str) -> str:
    """`<seed_id>-<slug>-<8 hex>`: readable, and unique by content.

    Raises:
        EnvironmentFormatError: when the parts cannot form a valid id.
    """
    clean_slug = re.sub(r"[^a-z0-9]+", "-", slug.lower()).strip("-")[:40].strip("-")
    env_id = f"{seed_id}-{clean_slug}-{content_hash[:8]}"
    if not _ENV_ID.match(env_id):
        raise EnvironmentFormatError(env_id, "not a valid environment id (lowercase words and 8 hex digits)")
    return env_id


def hash_files(root: Path, exclude: tuple[str, ...] = (CONFIG,)) -> dict[str, str]:
    """sha256 of every file under `root`, keyed by POSIX relative path, in sorted order."""
    hashes: dict[str, str] = {}
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        rel = path.relative_to(root).as_posix()
        if rel not in exclude:
            hashes[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
    return hashes


def data_digest(prepared_hashes: dict[str, str]) -> str:
    """config.yaml's `data_hash`: sha256 of the JSON of every prepared/ file's hash (keys relative to prepared/)."""
    return hashlib.sha256(json.dumps(prepared_hashes, sort_keys=True).encode()).hexdigest()


def write_config(env_dir: Path, config: EnvironmentConfig) -> Path:
    """Write config.yaml deterministically (key order as declared, no timestamps)."""
    path = env_dir / CONFIG
    data = config.model_dump(mode="json")
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=120))
    return path


@dataclass(frozen=True)
class Environment:
    """An environment folder that has been read and checked."""

    root: Path
    config: EnvironmentConfig

    @property
    def folder(self) -> EnvFolder:
        """The folder's paths (the same object the build uses for staging folders)."""
        return EnvFolder(self.root)

    @property
    def env_id(self) -> str:
        return self.config.id

    @property
    def grading(self) -> GradingSpec:
        return self.config.sandmle.grading

    @property
    def thresholds(self) -> Thresholds:
        return self.config.sandmle.thresholds

    @property
    def public_dir(self) -> Path:
        return self.root / "prepared" / "public"

    @property
    def private_dir(self) -> Path:
        return self.root / "prepared" / "private"

    @property
    def answers_path(self) -> Path:
        return self.private_dir / "answers.csv"

    @property
    def sample_submission_path(self) -> Path:
        return EnvFolder(self.root).sample_submission

    @property
    def leaderboard_path(self) -> Path:
        return self.root / "leaderboard.csv"

    @property
    def description_path(self) -> Path:
        return self.root / "description.md"

    @property
    def solutions_dir(self) -> Path:
        return self.root / "solutions"

    @property
    def validation_path(self) -> Path:
        return self.root / "validation.json"

    def read_validation(self) -> dict[str, Any]:
        """The verifier's report, or a typed error naming the file."""
        try:
            return json.loads(self.validation_path.read_text())
        except (OSError, json.JSONDecodeError) as exc:
            raise EnvironmentFormatError(self.validation_path, f"unreadable validation report: {exc}") from exc

    def leaderboard_scores(self) -> list[float]:
        """The synthetic leaderboard's scores, best first."""
        import pandas as pd

        try:
            scores = pd.read_csv(self.leaderboard_path)["score"]
        except (OSError, KeyError, ValueError) as exc:
            raise EnvironmentFormatError(self.leaderboard_path, f"needs a numeric `score` column: {exc}") from exc
        return [float(s) for s in scores]


def spec_digest(spec: dict[str, Any]) -> str:
    """sha256 of a spec dict's key-sorted compact JSON: `TaskSpec.spec_hash()` of the spec it was dumped from."""
    return hashlib.sha256(json.dumps(spec, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


def read_config(env_dir: Path) -> EnvironmentConfig:
    """Parse and validate `config.yaml` of one environment folder.

    config.yaml is the one file its own `hashes` cannot cover, so its `sandmle.spec` block (the last, and the
    largest) is checked against `sandmle.spec_hash`: a file cut short inside the spec still parses as YAML, and
    would otherwise be read as a smaller spec.
    """
    path = env_dir / CONFIG
    try:
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=_YAML_LOADER)
    except FileNotFoundError as exc:
        raise EnvironmentFormatError(path, "missing: every environment needs a config.yaml") from exc
    except UnicodeDecodeError as exc:
        raise EnvironmentFormatError(path, f"not UTF-8 text (byte {exc.start})") from exc
    except (OSError, yaml.YAMLError) as exc:
        raise EnvironmentFormatError(path, f"not valid YAML: {exc}") from exc
    if not isinstance(raw, dict):
        raise EnvironmentFormatError(path, f"must hold a mapping, found {type(raw).__name__}")
    try:
        config = EnvironmentConfig.model_validate(raw)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()[:5])
        raise EnvironmentFormatError(path, f"invalid config ({problems})") from exc
    if spec_digest(config.sandmle.spec) != config.sandmle.spec_hash:
        raise EnvironmentFormatError(path, "sandmle.spec does not match sandmle.spec_hash: the file was cut short "
                                           "or edited after the build")
    return config


def read_environment(env_dir: str | Path, verify_hashes: bool = False) -> Environment:
    """Read an environment folder and check that it follows the format.

    Args:
        env_dir: the environment folder.
        verify_hashes: also recompute every file's sha256 and compare with config.yaml's hashes and `data_hash`
            (slower: reads every file).

    Returns:
        The environment.

    Raises:
        EnvironmentFormatError: naming the file that is missing, unreadable or inconsistent.
    """
    root = Path(env_dir)
    if not root.is_dir():
        raise EnvironmentFormatError(root, "not a directory")
    config = read_config(root)
    rule = _spec_rule(config.sandmle.spec)
    tables = shipped_tables(rule)
    sample = f"prepared/public/{sample_submission_name(rule)}"  # the seed's own name, when it has one
    for rel in (sample if r == "prepared/public/sample_submission.csv" else r for r in REQUIRED_FILES):
        if not (root / rel).is_file() and (rel in tables or rel not in TABLE_FILES):
            raise EnvironmentFormatError(root / rel, "missing (required by the environment format)")
    env = Environment(root=root, config=config)
    public_names = {p.name for p in env.public_dir.rglob("*")}
    if "answers.csv" in public_names or "gold_submission.csv" in public_names:
        raise EnvironmentFormatError(env.public_dir, "holds an answers file: answers belong under prepared/private/")
    if verify_hashes:
        actual = hash_files(root)
        expected = config.sandmle.hashes
        for rel in sorted(set(actual) | set(expected)):
            if actual.get(rel) != expected.get(rel):
                what = "missing" if rel not in actual else "not listed" if rel not in expected else "changed"
                raise EnvironmentFormatError(root / rel, f"{what} since the environment was built (hash mismatch)")
        prepared = {rel.removeprefix("prepared/"): h for rel, h in actual.items() if rel.startswith("prepared/")}
        if data_digest(prepared) != config.sandmle.data_hash:
            raise EnvironmentFormatError(root / CONFIG, "data_hash does not match the files under prepared/ "
                                                        "(changed since the environment was built)")
    return env


@dataclass(frozen=True)
class Corpus:
    """A corpus folder: `envs/`, `.staging/`, `failed/`, `manifest.parquet` (and `manifest.journal/` during a build)."""

    root: Path

    @property
    def envs_dir(self) -> Path:
        return self.root / "envs"

    @property
    def staging_dir(self) -> Path:
        return self.root / ".staging"

    @property
    def failed_dir(self) -> Path:
        return self.root / "failed"

    @property
    def manifest_path(self) -> Path:
        return self.root / "manifest.parquet"

    @property
    def manifest_journal_dir(self) -> Path:  # rows journaled since the last compaction (`sandmle_core.records`)
        return self.root / "manifest.journal"

    def env_dir(self, env_id: str) -> Path:
        return self.envs_dir / env_id

    def is_published(self, env_id: str) -> bool:
        return (self.envs_dir / env_id / CONFIG).is_file()

    def environment_dirs(self) -> list[Path]:
        """Published environments, sorted by id."""
        return sorted(p for p in self.envs_dir.iterdir() if (p / CONFIG).is_file()) if self.envs_dir.is_dir() else []

    def fresh_staging(self, env_id: str) -> Path:
        """An empty staging folder for `env_id` (a leftover from a killed build is removed first)."""
        path = self.staging_dir / env_id
        shutil.rmtree(path, ignore_errors=True)  # a leftover that cannot be removed fails the mkdir below
        path.mkdir(parents=True)
        return path

    def env_folder(self, env_id: str) -> EnvFolder:
        """The published folder of `env_id` (whether it exists or not)."""
        return EnvFolder(self.env_dir(env_id))

    def staging_folder(self, env_id: str) -> EnvFolder:
        """A fresh, empty staging folder for `env_id`."""
        return EnvFolder(self.fresh_staging(env_id))


def publish_environment(corpus: Corpus, staged: EnvFolder | Path) -> Path:
    """Move a finished environment from `.staging/` into `envs/` atomically.

    A reader sees either no environment or the whole one: the folder is renamed in one step on the same file system;
    an older version under the same id is first renamed aside, then removed.

    Raises:
        EnvironmentFormatError: when `staged` is not inside the corpus' staging folder or lacks a config.
    """
    staged = Path(staged).resolve()
    if staged.parent != corpus.staging_dir.resolve():
        raise EnvironmentFormatError(staged, f"can only publish from {corpus.staging_dir}")
    if not (staged / CONFIG).is_file():
        raise EnvironmentFormatError(staged / CONFIG, "missing: refusing to publish an unfinished environment")
    corpus.envs_dir.mkdir(parents=True, exist_ok=True)
    target = corpus.envs_dir / staged.name
    trash = None
    if target.exists():
        trash = corpus.staging_dir / f".replaced-{staged.name}-{uuid.uuid4().hex[:8]}"
        os.rename(target, trash)
    os.rename(staged, target)
    if trash is not None:
        shutil.rmtree(trash, ignore_errors=True)
    return target
