"""Seed references: the one string by which a build names a seed, whatever its layout.

A reference travels through the build (Prefect parameters, `SlotJob`, failed/ records, `regenerate`) as text:

- a bundled seed id (`breast-cancer`);
- a combined competition folder (`path/to/<id>` holding config.yaml, description.md and prepared/);
- mle-bench's split layout: `COMPETITION_DIR --data-dir DATA_DIR` (the competition folder of the mle-bench repo
  and the data root holding `<id>/prepared/`), written the way the CLI spells it.

`seed_refs(...)` turns the CLI's `--seed`, `--data-dir`, `--mlebench-root` and `--seed-set` options into
references, checking every path before any build work starts.
"""

from __future__ import annotations

from pathlib import Path

from sandmle_core.errors import SeedError

__all__ = ["DATA_DIR_SEP", "read_seed_set", "seed_refs", "split_ref", "split_seed_ref"]

DATA_DIR_SEP = " --data-dir "


def split_ref(competition: str | Path, data_dir: str | Path) -> str:
    """The reference of an mle-bench split seed."""
    return f"{Path(competition).resolve()}{DATA_DIR_SEP}{Path(data_dir).resolve()}"


def split_seed_ref(ref: str) -> tuple[str, str | None]:
    """(competition or bundled id, data dir or None) of a reference."""
    if DATA_DIR_SEP in ref:
        competition, data_dir = ref.rsplit(DATA_DIR_SEP, 1)
        return competition, data_dir
    return ref, None


def read_seed_set(path: str | Path) -> list[str]:
    """The ids of a seed-set file: one per line; blank lines and `#` comments are skipped (mle-bench's split files).

    Raises:
        SeedError: the file is missing, unreadable or lists no id.
    """
    file = Path(path)
    try:
        lines = file.read_text().splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise SeedError(file, f"cannot read the seed set: {exc}") from exc
    ids = [line.split("#", 1)[0].strip() for line in lines]
    ids = [i for i in ids if i]
    if not ids:
        raise SeedError(file, "the seed set lists no competition id")
    return list(dict.fromkeys(ids))


def seed_refs(seeds: list[str] | None, data_dir: str | Path | None = None, mlebench_root: str | Path | None = None,
              seed_set: str | Path | None = None) -> list[str] | None:
    """The build's seed references from the CLI options (None: every bundled seed).

    Args:
        seeds: `--seed` values: bundled ids, competition folders, or (with `mlebench_root`) competition ids.
        data_dir: mle-bench's data root; makes every competition folder a split seed.
        mlebench_root: the mle-bench repository; ids are looked up in `<root>/mlebench/competitions/<id>`.
        seed_set: a file of competition ids (needs `mlebench_root` and `data_dir` for non-bundled ids).

    Raises:
        SeedError: naming the option value that does not exist or the option that is missing.
    """
    from sandmle_core.seeds.sources import SOURCES

    wanted = list(seeds or []) + (read_seed_set(seed_set) if seed_set else [])
    if not wanted:
        if data_dir or mlebench_root:
            raise SeedError(Path(data_dir or mlebench_root), "--data-dir/--mlebench-root need --seed or --seed-set")
        return None
    if mlebench_root and not data_dir:
        raise SeedError(Path(mlebench_root), "--mlebench-root needs --data-dir (where `<id>/prepared/` lives)")
    if data_dir and not Path(data_dir).is_dir():
        raise SeedError(Path(data_dir), "--data-dir is not a folder")
    competitions = Path(mlebench_root) / "mlebench" / "competitions" if mlebench_root else None
    if competitions is not None and not competitions.is_dir():
        raise SeedError(competitions, "--mlebench-root has no mlebench/competitions/ folder")
    refs = []
    for item in wanted:
        if item in SOURCES and not Path(item).exists():
            refs.append(item)
            continue
        folder = Path(item) if Path(item).is_dir() or competitions is None else competitions / item
        if not folder.is_dir():
            where = f" or in {competitions}" if competitions else ""
            raise SeedError(Path(item), f"no such seed: not a bundled id, a competition folder{where}")
        if data_dir:
            prepared = Path(data_dir) / folder.name / "prepared"
            if not prepared.is_dir():
                raise SeedError(prepared, f"--data-dir holds no prepared data for {folder.name}")
            refs.append(split_ref(folder, data_dir))
        else:
            refs.append(str(folder.resolve()))
    return list(dict.fromkeys(refs))
