"""The audio modality: detection (binary) and multi-class classification of synthetic WAV clips.

`rule` holds the hidden per-class sound events and nuisance model (`AudioRule`), `drafter` draws it from a domain's
audio vocabulary, `synthesizer` renders the clips and writes the tables, `ladder` writes the solution scripts.
`KIT` is what the registry sees; `has_audio_files` is the folder-level detector for seeds whose audio is not named
by a table column (mle-bench's mlsp-2013-birds keeps its WAVs under essential_data/, the whale challenge in zips).

Imports: `sandmle_core.modalities.base`, the shared vocabulary, and its own modules.
"""

from __future__ import annotations

import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sandmle_core.modalities.audio import drafter, ladder, multilabel, synthesizer
from sandmle_core.modalities.audio.drafter import AUDIO_COLUMN, ID_COLUMN
from sandmle_core.modalities.audio.rule import AudioRule
from sandmle_core.modalities.audio.synthesizer import AUDIO_DIR
from sandmle_core.modalities.base import ModalityKit
from sandmle_core.spec import Challenge, ColumnKind, Modality, TaskType

if TYPE_CHECKING:
    import pandas as pd

    from sandmle_core.catalog.schema import Domain
    from sandmle_core.profile import FeatureProfile
    from sandmle_core.taskspec import TaskSpec

__all__ = ["AUDIO_COLUMN", "AUDIO_DIR", "AUDIO_SUFFIXES", "ID_COLUMN", "KIT", "has_audio_files"]

AUDIO_SUFFIXES = (".wav", ".aif", ".aiff", ".flac", ".mp3", ".ogg")


def has_audio_files(public: Path, at_least: int = 2) -> bool:
    """Whether a seed's public folder holds audio clips, loose or inside its zip archives (names only are read)."""
    found = 0
    for path in sorted(public.rglob("*")):
        if path.is_file() and path.suffix.lower() in AUDIO_SUFFIXES:
            found += 1
        elif path.is_file() and path.suffix.lower() == ".zip" and zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as archive:
                found += sum(Path(n).suffix.lower() in AUDIO_SUFFIXES for n in archive.namelist())
        if found >= at_least:
            return True
    return False


def _detects(kinds: Sequence[str]) -> bool:
    return "audio" in kinds


def _hosts(domain: Domain, task_type: TaskType, min_classes: int) -> bool:
    if domain.audio is None:
        return False
    if task_type == TaskType.BINARY:
        return True
    if task_type == TaskType.MULTILABEL:  # mlsp's shape names species (species_list.txt): a vocabulary of species
        return domain.audio.label == "species" and len(domain.audio.classes) >= min_classes
    return task_type == TaskType.MULTICLASS and len(domain.audio.classes) >= min_classes


def _profile_details(train: pd.DataFrame, public: Sequence[FeatureProfile], n_test: int) -> dict[str, Any]:
    """The audio column, the clips' container (most are .aif/.aiff: "aiff") and whether the training clips' names
    carry their label (a seed without a label table, as the whale challenge), for the drafter to keep both."""
    column = next((f.name for f in public if f.kind == "audio"), None)
    suffixes = train[column].astype(str).str.lower().str.rsplit(".", n=1).str[-1] if column in train else None
    aiff = suffixes is not None and bool(suffixes.isin(["aif", "aiff"]).mean() > 0.5)
    return {"audio_column": column, "file_format": "aiff" if aiff else "wav",
            "labels_in_names": bool(train.attrs.get("labels_in_names", False))}


def _data_files(spec: TaskSpec, files: list[str]) -> list[str]:
    rule = spec.rule
    if isinstance(rule, AudioRule) and rule.species_calls > 0:
        return _multilabel_files(spec, rule)
    aiff = isinstance(rule, AudioRule) and rule.file_format == "aiff"
    container = "mono 16-bit big-endian AIFF (`.aif`)" if aiff else "mono 16-bit WAV"
    line = (f"- `{AUDIO_DIR}/` — one {container} clip per row; the `{AUDIO_COLUMN}` column holds its path "
            "relative to the data folder.")
    if isinstance(rule, AudioRule) and rule.label_in_name:
        line += (" As in the original competition, a training clip's file name ends in its label "
                 "(`clip00042_1.aif`); test clips are named by their id only.")
    return [*files[:2], line, *files[2:]]


def _multilabel_files(spec: TaskSpec, rule: AudioRule) -> list[str]:
    """The files of an mlsp-shaped task: the recordings and mle-bench's essential_data files, and the flattened
    tables (one row per recording and species, `Id = rec_id * 100 + species`)."""
    k, target = len(rule.species), spec.target.columns[0]
    return [
        f"- `train.csv` — {spec.n_train * k} rows, one per (training recording, species) pair: "
        f"`{spec.grading.id_column}` (= rec_id * 100 + species class_id), `{AUDIO_COLUMN}` (the recording's path) "
        f"and `{target}` (1 when the species is heard). All rows are ranked together when the AUC is computed "
        "(micro-averaged over recordings and species), not species by species.",
        f"- `test.csv` — {spec.n_test * k} rows, one per (test recording, species) pair: the id and the recording.",
        f"- `{multilabel.WAV_DIR}/` — one mono 16-bit WAV recording each ({spec.n_train + spec.n_test} in all).",
        f"- `{multilabel.ESSENTIAL}/CVfolds_2.txt` — rec_id,fold: 0 = training recording, 1 = test recording.",
        f"- `{multilabel.ESSENTIAL}/rec_id2filename.txt` — rec_id,filename of every recording (without `.wav`).",
        f"- `{multilabel.LABEL_FILE}` — rec_id followed by the class ids of the species heard in a training "
        "recording (none listed = no species); `?` for a test recording.",
        f"- `{multilabel.ESSENTIAL}/species_list.txt` — class_id,code,species of the {k} species.",
        "- `sample_submission.csv` — a valid submission in the expected format (an uninformed baseline): "
        f"`{spec.grading.id_column},{spec.grading.submission_columns[0]}` for every row of test.csv.",
    ]


def _row_noun(spec: TaskSpec) -> str:
    if isinstance(spec.rule, AudioRule) and spec.rule.species_calls > 0:
        return "one (recording, species) pair (does that species call in that recording?)"
    return "one audio clip"


def _story(domain: Domain) -> str:
    """The domain's audio framing (who records what, and why), or one built from what its clips record: never the
    tabular story, whose "from sensor logs and records" would describe inputs the task does not have."""
    vocab = domain.audio
    if vocab is not None and vocab.story:
        return vocab.story
    subject = vocab.subject if vocab is not None else "a short recording"
    return (f"Each {{entity}} comes with {subject}. The task is to tell {{target}} from the recording alone, "
            "as a listener would, despite background noise and overlapping sounds.")


def _species_count(spec: TaskSpec) -> int | None:
    """A flattened multi-label task (one `Probability` column, a row per recording and species) tells apart its
    species; other audio tasks are counted from their answers."""
    rule = spec.rule
    return len(rule.species) if isinstance(rule, AudioRule) and rule.species_calls > 0 else None


KIT = ModalityKit.assemble(
    drafter, synthesizer, ladder, modality=Modality.AUDIO, rule_model=AudioRule, test_rows=(100, 250),
    extra_challenges=(Challenge.NUISANCE_VARIATION, Challenge.LABEL_NOISE), detects=_detects, hosts=_hosts,
    ladder_column=("audio_column", ColumnKind.AUDIO), profile_details=_profile_details, data_files=_data_files,
    row_noun=_row_noun, story_template=_story, label_count=_species_count)
