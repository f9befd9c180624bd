"""Per-id structure files of a multi-target regression (nomad2018's `train/<id>/geometry.xyz`).

A seed that ships one structure file per row (its profile lists `per_id_files`, e.g. `train/{id}/geometry.xyz` and
`test/{id}/geometry.xyz`) gets them in its environments too: `StructureRule` names the file and two numeric features
of the hidden rule whose CLEAN values the file carries — how many atoms it lists follows the first (`count_feature`),
how far they spread (the cell's side, and the atoms drawn uniformly inside it) the second (`spread_feature`). The
table shows those features damaged (rounded, missing, outliers); the file shows them undamaged but coarse (a count
is an integer; the side is the lattice vectors' length, and the positions spread inside it), so a solution that
reads the files recovers part of the signal the table hides. The features are two numeric ones the rule's terms
read, damaged ones first, then by weight: no draw of the slot's stream is spent on choosing them. The format is the
seed's: comment lines, three `lattice_vector x y z` lines and one `atom x y z element` line per atom.

Imports: numpy and pydantic.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

__all__ = ["MAX_ATOMS", "MIN_ATOMS", "StructureRule", "atom_count", "draft_structure", "seed_structure_file",
           "structure_line", "write_structures"]

MIN_ATOMS, MAX_ATOMS = 6, 60
ELEMENTS = ("Al", "Ga", "In", "O")  # the seed's element symbols; which one an atom is carries no signal
PARTS = ("train", "test")


class StructureRule(BaseModel):
    """The per-id structure file of a tabular environment: its name and the features it carries.

    Attributes:
        file: the file name in `<part>/<id>/` (the seed's: `geometry.xyz`).
        count_feature: the numeric feature whose clean value sets how many atoms a file lists.
        spread_feature: the numeric feature whose clean value sets the cell's side (how far the atoms spread).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    file: str = Field(pattern=r"^[A-Za-z0-9_.-]+$")
    count_feature: str
    spread_feature: str


def seed_structure_file(details: dict) -> str | None:
    """The file name of the seed's per-id structure files, when it ships one in both `train/` and `test/`
    (nomad2018: `geometry.xyz`); None otherwise."""
    patterns = (details.get("files") or {}).get("per_id_files") or []
    names = {p.split("/")[-1] for p in patterns if p.startswith(f"{PARTS[0]}/")}
    both = sorted(n for n in names if f"{PARTS[1]}/{{id}}/{n}" in patterns)
    return both[0] if both else None


def draft_structure(file: str, features: list, terms: list) -> StructureRule | None:
    """The structure rule of a slot whose seed ships per-id files: two numeric features of the rule's terms, those
    the table damages (missing values, outliers) first, then those weighted most (summed |weight| over the terms
    that read them), ties by feature order. None when the rule has fewer than two numeric features."""
    numeric = [f.name for f in features if f.kind != "categorical"]
    weight = dict.fromkeys(numeric, 0.0)
    for term in terms:
        for name in term.features:
            if name in weight:
                weight[name] += float(np.abs(term.weights).sum()) if term.weights else 0.0
    damaged = {f.name for f in features if f.missing > 0 or f.outlier_share > 0}
    ranked = sorted(numeric, key=lambda name: (weight[name] == 0, name not in damaged, -weight[name],
                                               numeric.index(name)))
    if len(ranked) < 2:
        return None
    return StructureRule(file=file, count_feature=ranked[0], spread_feature=ranked[1])


def atom_count(u: np.ndarray) -> np.ndarray:
    """Atoms per file from a standardized clean value: a logistic map onto [MIN_ATOMS, MAX_ATOMS], rounded."""
    return np.rint(MIN_ATOMS + (MAX_ATOMS - MIN_ATOMS) / (1.0 + np.exp(-1.2 * u))).astype(int)


def _text(atoms: np.ndarray, elements: np.ndarray, side: float) -> str:
    lines = ["#=======================================================", "# structure of one row (sandmle)",
             "#======================================================="]
    lines += [" ".join(["lattice_vector", *(f"{side if i == j else 0.0:.8f}" for j in range(3))]) + " "
              for i in range(3)]
    lines += [f"atom {x:.8f} {y:.8f} {z:.8f} {e}" for (x, y, z), e in zip(atoms, elements, strict=True)]
    return "\n".join(lines) + "\n"


def write_structures(rule: StructureRule, clean: dict[str, np.ndarray], ids: list, part: str, public: Path,
                     rng: np.random.Generator) -> int:
    """Write `public/<part>/<id>/<file>` for every row of one part; returns how many files were written.

    Args:
        rule: the structure rule.
        clean: the part's clean standardized feature values (`sampling.sample_clean`), rows in file order.
        ids: the part's ids, in the same order.
        part: "train" or "test".
        public: the public folder (the part's folder is replaced).
        rng: the part's own stream (positions and elements; the counts and sides need none).
    """
    folder = public / part
    if folder.exists():
        shutil.rmtree(folder)
    counts = atom_count(np.asarray(clean[rule.count_feature], dtype=float))
    sides = np.round(6.0 * np.exp(0.35 * np.clip(np.asarray(clean[rule.spread_feature], dtype=float), -3, 3)), 4)
    for row, ident in enumerate(ids):
        atoms = rng.uniform(0.0, float(sides[row]), (int(counts[row]), 3))
        elements = np.asarray(ELEMENTS)[rng.integers(0, len(ELEMENTS), int(counts[row]))]
        target = folder / str(ident)
        target.mkdir(parents=True)
        (target / rule.file).write_text(_text(atoms, elements, float(sides[row])))
    return len(ids)


def structure_line(spec_rule, n_train: int, n_test: int) -> str | None:
    """The description's line on the structure files, or None when the rule has none."""
    structure = getattr(spec_rule, "structure", None)
    if structure is None:
        return None
    f = structure.file
    return (f"- `{PARTS[0]}/<id>/{f}` and `{PARTS[1]}/<id>/{f}` — one structure file per row ({n_train} and "
            f"{n_test}), named by the row's id in `train.csv` or `test.csv`: three `lattice_vector x y z` lines (the "
            "cell) and one `atom x y z element` line per atom. The files describe the same entity as their row: "
            "how many atoms a file lists and how far they spread carry information about it that its table row "
            "may lack (a value the table rounds, leaves blank or distorts still shows in its file).")
