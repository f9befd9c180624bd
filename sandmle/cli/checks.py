"""Input checks every CLI command runs BEFORE it starts anything (Prefect, Dask, a sandbox): cheap, local, and each
failure one `InputError` that `sandmle.cli.main` prints as a single `error:` line with exit status 2.

Why here and not in the flows: a mistyped seed id or a missing corpus must cost milliseconds, not the tens of seconds
of a Prefect API start-up followed by a traceback. Nothing in this module creates a file or folder that is left
behind (the writability probe removes its probe file). Imports: the standard library and `sandmle_core` only.
"""

from __future__ import annotations

import enum
import os
import tempfile
from pathlib import Path

from sandmle_core.errors import SandmleError

__all__ = ["RULE_KINDS", "BackendChoice", "InputError", "check_budget", "check_corpus", "check_mix",
           "check_rule", "check_seed_files", "check_seeds", "check_writable_dir"]

RULE_KINDS = ("calibrated", "script")  # the Claude backend's rule kinds (ClaudeConfig.rule)


class InputError(SandmleError):
    """Bad command-line input: the message names the option or path and what was wrong with it."""


class BackendChoice(enum.StrEnum):
    """The generation backends (`--backend`), a typer choice so that a typo is refused before any work."""

    offline = "offline"
    claude = "claude"


def check_seeds(refs: list[str] | None) -> None:
    """Every `--seed` must be a bundled seed id or an existing folder.

    Raises:
        InputError: naming the first unknown seed and what it may be instead.
    """
    from sandmle_core.seeds.sources import SOURCES

    for ref in refs or []:
        if ref in SOURCES:
            continue
        path = Path(ref)
        if path.is_dir():
            continue
        where = "a file, not a competition folder" if path.exists() else "no such bundled seed or folder"
        raise InputError(f"--seed {ref!r}: {where} (bundled seeds: {', '.join(SOURCES)}; see `sandmle seeds`)")


def check_seed_files(refs: list[str] | None) -> None:
    """Read every competition folder among the seed references (description.md, config.yaml, the first rows of the
    tables): a broken seed file is bad input, refused before Prefect starts. Bundled ids are sandmle's own.

    Raises:
        SeedError: naming the seed file that cannot be read.
    """
    from sandmle_core.seeds import load_seed
    from sandmle_core.seeds.refs import split_seed_ref
    from sandmle_core.seeds.sources import SOURCES

    for ref in refs or []:
        folder, data_dir = split_seed_ref(ref)
        if folder in SOURCES and data_dir is None:
            continue
        load_seed(folder, data_dir=data_dir)


def check_corpus(path: Path) -> Path:
    """`path` must be an existing corpus folder (it holds envs/, failed/ or manifest.parquet). Creates nothing.

    Raises:
        InputError: when it does not exist, is not a folder, or holds no corpus.
    """
    if not path.exists():
        raise InputError(f"{path}: no such corpus folder")
    if not path.is_dir():
        raise InputError(f"{path}: not a folder (a corpus is a folder holding envs/ and manifest.parquet)")
    if not any((path / name).exists() for name in ("envs", "failed", "manifest.parquet")):
        raise InputError(f"{path}: not a corpus (no envs/, failed/ or manifest.parquet in it)")
    return path.resolve()


def check_mix(text: str | None) -> dict[str, float] | None:
    """The `--mix` value as shares (None when not given).

    Raises:
        InputError: naming what is wrong with the value (`sandmle_core.mix.parse_mix`).
    """
    if text is None:
        return None
    from sandmle_core.mix import InvalidMix, parse_mix

    try:
        return parse_mix(text)
    except InvalidMix as exc:
        raise InputError(f"--mix {text!r}: {exc}") from None


def check_budget(text: str | None, backend: str) -> float | None:
    """The `--budget-usd` value in USD (None when not given).

    Raises:
        InputError: for a value that is not a positive finite number, or a backend that spends nothing (offline).
    """
    if text is None:
        return None
    from sandmle_core.budget import InvalidBudget, parse_budget

    if backend != BackendChoice.claude:
        raise InputError(f"--budget-usd is for --backend claude: the {backend} backend makes no API calls and "
                         "spends nothing")
    try:
        return parse_budget(text)
    except InvalidBudget as exc:
        raise InputError(f"--budget-usd: {exc}") from None


def check_rule(text: str | None, backend: str) -> str | None:
    """The `--rule` value (None when not given): `calibrated` (sandmle's rule models) or `script` (the developer
    writes generate.py).

    Raises:
        InputError: for another value, or a backend without LLM roles (offline).
    """
    if text is None:
        return None
    if backend != BackendChoice.claude:
        raise InputError(f"--rule is for --backend claude: the {backend} backend draws sandmle's own rule models")
    if text not in RULE_KINDS:
        raise InputError(f"--rule {text!r}: choose {' or '.join(RULE_KINDS)}")
    return text


def check_writable_dir(path: Path, option: str) -> Path:
    """`path` is (or can become) a folder this process can write into: a real probe, because root ignores mode bits
    but not a read-only mount. Creates nothing that stays.

    Raises:
        InputError: when `path` is a file, lies under a file, or its nearest existing folder refuses a write.
    """
    path = path.expanduser().absolute()
    existing = path
    while not existing.exists():
        existing = existing.parent
    if not existing.is_dir():
        what = "is a file" if existing == path else f"lies under {existing}, which is a file"
        raise InputError(f"{option} {path}: {what}, not a folder")
    try:
        with tempfile.TemporaryFile(dir=existing, prefix=".sandmle-probe-"):
            pass
    except OSError as exc:
        reason = os.strerror(exc.errno) if exc.errno else str(exc)
        raise InputError(f"{option} {path}: cannot write in {existing} ({reason})") from None
    return path
