"""The one environment registry: find environment and competition folders under a path, and load them.

Every consumer — the grading service, evaluation, the exports, the gym — finds its folders here. A source is one of
three things: an environment or competition folder itself, a corpus (its published `envs/`), or a folder of
environment or competition folders. A folder counts when it holds a config.yaml (a sandmle environment, or an
mle-bench competition with its config), or a description.md next to `prepared/` (a bare mle-bench competition).
The id is the folder's name, as both formats name folders; a sandmle environment's id is checked against its
config.yaml when it is loaded. Loading is `tasks.load_task` (a sandmle environment's grading files are verified).

Imports: the format wing (layout, envfolder, records, errors) and the consume wing's task loader.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from sandmle_core.envfolder import EnvFolder
from sandmle_core.errors import EnvironmentFormatError
from sandmle_core.layout import Corpus, Environment, read_environment
from sandmle_core.records import read_manifest

if TYPE_CHECKING:  # loading a task grades: scikit-learn, imported by `load` only (a CLI refusal stays fast)
    from sandmle_core.consume.tasks import Task

__all__ = ["Sources", "accepted_environments", "discover", "is_environment_dir", "load"]

log = logging.getLogger(__name__)

Sources = str | Path | Iterable[str | Path]
"""Environment or competition folders, corpora, or folders of them — one or many."""


def is_environment_dir(path: Path) -> bool:
    """True when `path` is a sandmle environment or an mle-bench competition folder (nothing is read)."""
    folder = EnvFolder(path)
    return folder.config.is_file() or (folder.description.is_file() and folder.prepared.is_dir())


def _dirs_of(root: Path) -> list[Path]:
    if is_environment_dir(root):
        return [root]
    if (root / "envs").is_dir():
        return Corpus(root).environment_dirs()
    if not root.is_dir():
        raise EnvironmentFormatError(root, "not a directory: expected an environment, a corpus or a folder of "
                                           "environments")
    dirs = sorted(p for p in root.iterdir() if p.is_dir() and is_environment_dir(p))
    if not dirs:
        raise EnvironmentFormatError(root, "holds no environment or competition folder (config.yaml, envs/, or "
                                           "description.md with prepared/)")
    return dirs


def discover(sources: Sources) -> dict[str, Path]:
    """Map id → folder for every environment and competition under `sources`, sorted by id, reading none of them.

    Args:
        sources: an environment or competition folder, a corpus, a folder of them, or a list of any of these.

    Returns:
        {folder name: resolved folder}.

    Raises:
        EnvironmentFormatError: a source is none of the three, holds nothing, or two sources hold different folders
            of one id.
    """
    items = [sources] if isinstance(sources, str | Path) else list(sources)
    found: dict[str, Path] = {}
    for item in items:
        for env_dir in _dirs_of(Path(item)):
            resolved = env_dir.resolve()
            if found.get(env_dir.name, resolved) != resolved:
                raise EnvironmentFormatError(env_dir, f"a second environment named {env_dir.name!r} "
                                                      f"(first: {found[env_dir.name]})")
            found[env_dir.name] = resolved
    return dict(sorted(found.items()))


def load(path: str | Path, data_dir: str | Path | None = None) -> Task:
    """Load one folder found by `discover` as a `Task` (see `tasks.load_task`).

    Raises:
        EnvironmentFormatError: naming what is missing or unreadable; `TamperedEnvironment` when a sandmle
            environment's grading files changed since it was built.
    """
    from sandmle_core.consume.tasks import load_task

    return load_task(path, data_dir)


def accepted_environments(corpus_root: str | Path) -> list[Environment]:
    """A corpus' accepted sandmle environments, sorted by id (what the exports publish).

    Published folders count unless the manifest gives their id another status or their validation report says
    they were not accepted.

    Raises:
        EnvironmentFormatError: the folder is not a corpus, or an environment in it is broken.
    """
    corpus = Corpus(Path(corpus_root))
    if not corpus.envs_dir.is_dir():
        raise EnvironmentFormatError(corpus.root, "not a corpus (no envs/ folder)")
    status = {row["env_id"]: row["status"] for row in read_manifest(corpus).select(["env_id", "status"]).to_pylist()}
    envs = []
    for env_dir in discover(corpus.root).values() if corpus.environment_dirs() else []:
        env = read_environment(env_dir)
        if status.get(env.env_id, "accepted") != "accepted":
            log.info("skipping %s: the manifest marks it %s", env.env_id, status[env.env_id])
            continue
        if env.validation_path.is_file() and not env.read_validation().get("accepted", True):
            log.info("skipping %s: its validation report did not accept it", env.env_id)
            continue
        envs.append(env)
    return envs
