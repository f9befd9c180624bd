"""Multi-label audio in mle-bench's mlsp-2013-birds shape: several species calling in one recording, flattened rows.

A rule with `species_calls > 0` makes every class a species with its own call (`SoundEvent`): each species calls in
a recording independently (its prevalence is `species_calls` times its share), so recordings hold none, one or
several overlapping calls, under the same nuisance as the one-class task (coloured noise, distractor events shared
by every species, gain, clipping). A missed call in the annotation (a published 1 turned 0) happens with
probability `label_noise`. The public folder keeps mlsp's own files: `essential_data/src_wavs/<name>.wav`,
`CVfolds_2.txt` (fold 0 = train, 1 = test), `rec_id2filename.txt`, `rec_labels_test_hidden.txt` (species ids per
training recording, `?` for a test one) and `species_list.txt`; train.csv, test.csv and the answers are flattened
like mlsp's submission, one row per (recording, species) with `Id = rec_id * 100 + species`, so AUC over the rows
is the micro-averaged AUC. `spec.n_train` / `n_test` count recordings. `read_label_file` parses the label file for
the data contracts.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from sandmle_core.envfolder import EnvFolder
from sandmle_core.errors import SpecError
from sandmle_core.modalities.audio.rule import AudioRule
from sandmle_core.modalities.base import SynthesisResult
from sandmle_core.slots import SlotStreams

if TYPE_CHECKING:
    from sandmle_core.taskspec import TaskSpec

__all__ = ["ESSENTIAL", "LABEL_FILE", "WAV_DIR", "flat_ids", "read_label_file", "render_recordings",
           "species_codes", "synthesize_multilabel"]

ESSENTIAL = "essential_data"
WAV_DIR = f"{ESSENTIAL}/src_wavs"
LABEL_FILE = f"{ESSENTIAL}/rec_labels_test_hidden.txt"
MAX_PREVALENCE = 0.6


def flat_ids(rec_ids: np.ndarray, k: int) -> np.ndarray:
    """mlsp's flattened ids, `rec_id * 100 + species`, recording-major."""
    return (np.repeat(np.asarray(rec_ids, dtype=np.int64), k) * 100 + np.tile(np.arange(k), len(rec_ids)))


def species_codes(names: tuple[str, ...]) -> list[str]:
    """Four-letter upper-case codes as mlsp's species list has (BRCR, PAWR), made unique with a digit."""
    out: list[str] = []
    for name in names:
        words = [w for w in name.replace("-", "_").split("_") if w]
        code = (words[0][:2] + words[1][:2]) if len(words) > 1 else words[0][:4]
        code = code.upper().ljust(4, "X")
        while code in out:
            code = code[:3] + str(len(out) % 10)
        out.append(code)
    return out


def _presence(rule: AudioRule, n_train: int, n: int, rng: np.random.Generator) -> np.ndarray:
    """(n, k) species calling per recording: every species at least twice among the training recordings and once
    among the test ones, so each has a positive to learn from and the flattened test rows hold both answers."""
    k = len(rule.events)
    share = np.array(rule.class_weights) / sum(rule.class_weights)
    prevalence = np.clip(rule.species_calls * share, 0.03, MAX_PREVALENCE)
    present = rng.random((n, k)) < prevalence[None, :]
    for s in range(k):
        for rows, need in ((np.arange(n_train), 2), (np.arange(n_train, n), 1)):
            missing = need - int(present[rows, s].sum())
            if missing > 0:
                present[rng.choice(rows[~present[rows, s]], missing, replace=False), s] = True
    return present


def render_recordings(rule: AudioRule, present: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Render recordings (int16, (m, rate * seconds)) in which every present species calls once at its own onset,
    level and pitch (calls overlap), over noise and label-free distractors."""
    from sandmle_core.modalities.audio.synthesizer import (
        MAX_DISTRACTORS,
        _noise,
        _place,
        add_distractors,
        event_wave,
        to_int16,
    )

    m, rate = len(present), rule.sample_rate
    n_samples = round(rule.clip_seconds * rate)
    colours = rng.choice(3, size=m, p=np.array(rule.noise_colours) / sum(rule.noise_colours)).astype(float)
    clips = _noise(colours, n_samples, rng)
    gain = rng.uniform(*rule.gain_db, m)
    hot = rng.random(m) < rule.clip_rate
    drive = rng.uniform(4.0, 10.0, m)
    count = np.minimum(rng.poisson(rule.distractor_rate, m), MAX_DISTRACTORS)
    for i in range(m):
        for s in np.flatnonzero(present[i]):
            pitch = float(np.exp(rng.normal(0.0, rule.pitch_sd)))
            level = 10 ** (rng.uniform(*rule.snr_db) / 20)
            _place(clips[i], event_wave(rule.events[int(s)], rate, pitch, rng), rng, level)
        add_distractors(clips[i], rule, int(count[i]), rng)
    return to_int16(clips, gain, hot, drive)


def _file_names(n: int, rng: np.random.Generator) -> list[str]:
    """mlsp-like recording names (`PC7_20090606_050000_0010`): site, date, time and a counter, drawn independently
    of the labels (so a name says nothing), unique by the counter."""
    sites, days = rng.integers(1, 19, n), rng.integers(0, 90, n)
    hours = rng.integers(4, 10, n)
    dates = [pd.Timestamp("2009-06-01") + pd.Timedelta(days=int(d)) for d in days]
    return [f"PC{s}_{d:%Y%m%d}_{h:02d}0000_{i:04d}0" for i, (s, d, h) in enumerate(zip(sites, dates, hours,
                                                                                        strict=True))]


def _write_essential(public: Path, rule: AudioRule, rec_ids: np.ndarray, names: list[str], n_train: int,
                     published: np.ndarray) -> None:
    essential = public / ESSENTIAL
    order = np.argsort(rec_ids, kind="stable")
    fold = (np.arange(len(rec_ids)) >= n_train).astype(int)
    lines = {"CVfolds_2.txt": ["rec_id,fold", *(f"{rec_ids[i]},{fold[i]}" for i in order)],
             "rec_id2filename.txt": ["rec_id,filename", *(f"{rec_ids[i]},{names[i]}" for i in order)],
             "species_list.txt": ["class_id,code,species", *(f"{s},{c},{n.replace('_', ' ').title()}" for s, (c, n)
                                                             in enumerate(zip(species_codes(rule.species),
                                                                              rule.species, strict=True)))]}
    labels = ["rec_id,[labels]"]
    for i in order:
        ids = [str(s) for s in np.flatnonzero(published[i])]
        labels.append(f"{rec_ids[i]},?" if fold[i] else ",".join([str(rec_ids[i]), *ids]))
    lines["rec_labels_test_hidden.txt"] = labels
    for name, rows in lines.items():
        (essential / name).write_text("\n".join(rows) + "\n")


def synthesize_multilabel(spec: TaskSpec, folder: EnvFolder | Path, *, n_train: int | None = None,
                          n_test: int | None = None) -> SynthesisResult:
    """Write the recordings, mlsp's essential_data files, the flattened tables, the answers and the oracle.

    Raises:
        SpecError: when the rule is not a multi-label audio rule or its species do not match its calls.
    """
    rule = spec.rule
    if not isinstance(rule, AudioRule) or rule.species_calls <= 0 or len(rule.species) != len(rule.events):
        raise SpecError("the multi-label audio synthesizer needs an audio rule with species_calls > 0 and one "
                        "species name per call")
    n_train = spec.n_train if n_train is None else int(n_train)
    n_test = spec.n_test if n_test is None else int(n_test)
    k, n = len(rule.events), n_train + n_test
    streams = SlotStreams.of(spec)
    truth = _presence(rule, n_train, n, streams("synth", "labels"))
    missed = streams("synth", "label-noise").random(truth.shape) < rule.label_noise
    published = truth & ~missed
    rec_ids = streams("synth", "ids").permutation(n)
    names = _file_names(n, streams("synth", "names"))
    folder = EnvFolder.of(folder)
    folder.make_data_dirs()
    if (folder.public / ESSENTIAL).exists():
        shutil.rmtree(folder.public / ESSENTIAL)  # stale recordings of an earlier, larger run must not linger
    (folder.public / WAV_DIR).mkdir(parents=True)
    from sandmle_core.modalities.audio.synthesizer import CHUNK, write_wav

    for chunk, start in enumerate(range(0, n, CHUNK)):
        rows = slice(start, min(n, start + CHUNK))
        for i, clip in zip(range(rows.start, rows.stop), render_recordings(
                rule, truth[rows], streams("synth", "clips", chunk)), strict=True):
            write_wav(folder.public / WAV_DIR / f"{names[i]}.wav", clip, rule.sample_rate)
    _write_essential(folder.public, rule, rec_ids, names, n_train, published)

    g, target = spec.grading, spec.target.columns[0]
    frame = pd.DataFrame({g.id_column: flat_ids(rec_ids, k),
                          "clip": np.repeat([f"{WAV_DIR}/{nm}.wav" for nm in names], k),
                          target: published.reshape(-1).astype(int), "_truth": truth.reshape(-1)})
    split = n_train * k
    train = frame.iloc[:split].sort_values(g.id_column, kind="stable")
    test = frame.iloc[split:].sort_values(g.id_column, kind="stable")
    train.drop(columns=["_truth"]).to_csv(folder.train, index=False)
    test[[g.id_column, "clip"]].to_csv(folder.test, index=False)
    test[[g.id_column, target]].to_csv(folder.answers, index=False)
    eps = max(rule.label_noise, 1e-3)
    oracle = test[[g.id_column]].assign(**{g.submission_columns[0]: np.where(test["_truth"], 1 - eps, eps)})
    oracle.to_csv(folder.oracle_submission, index=False)
    stats = {"n_species": k, "n_train_recordings": n_train, "n_test_recordings": n_test,
             "sample_rate": rule.sample_rate, "clip_seconds": rule.clip_seconds,
             "species_per_recording": round(float(truth.sum(1).mean()), 3),
             "train_positive_share": round(float(train[target].mean()), 4),
             "test_positive_share": round(float(test[target].mean()), 4),
             "missed_call_share": round(float(missed[truth].mean()) if truth.any() else 0.0, 4)}
    return SynthesisResult(folder=folder, n_train=n_train, n_test=n_test, stats=stats)


def read_label_file(path: Path) -> pd.DataFrame:
    """mlsp's `rec_labels_test_hidden.txt` (ragged: `rec_id[,species...]` or `rec_id,?`) as a frame of `rec_id`
    (int) and `labels` (the species ids joined by spaces, `?` for hidden, empty text for none).

    Raises:
        ValueError: when a line does not start with an integer recording id.
    """
    rows = []
    for number, line in enumerate(Path(path).read_text().splitlines()[1:], start=2):
        if not line.strip():
            continue
        head, *rest = [part.strip() for part in line.split(",")]
        if not head.isdigit():
            raise ValueError(f"{path.name} line {number}: {line[:60]!r} does not start with a recording id")
        rows.append((int(head), " ".join(rest)))
    return pd.DataFrame(rows, columns=["rec_id", "labels"])


def seed_train(public: Path, id_column: str, target: str) -> pd.DataFrame | None:
    """The flattened label table of an mlsp-shaped seed (no train.csv: labels in essential_data's text files), one
    row per (training recording, species): `id_column` = rec_id * 100 + species, `clip_file`, `target` (0/1).

    Returns:
        None when the seed has no CVfolds, rec_id2filename, species list and label file under essential_data/.
    """
    essential = Path(public) / ESSENTIAL
    files = [essential / n for n in ("CVfolds_2.txt", "rec_id2filename.txt", "species_list.txt")]
    if not all(f.is_file() for f in [*files, Path(public) / LABEL_FILE]):
        return None
    folds, names, species = (pd.read_csv(f) for f in files)
    labels = read_label_file(Path(public) / LABEL_FILE).set_index("rec_id")["labels"]
    k = len(species)
    train_recs = sorted(int(r) for r in folds.loc[folds["fold"] == 0, "rec_id"])
    name_of = dict(zip(names["rec_id"].astype(int), names["filename"].astype(str), strict=True))
    rows = []
    for rec in train_recs:
        heard = {int(s) for s in str(labels.get(rec, "")).split() if s.isdigit()}
        rows += [(rec * 100 + s, f"{WAV_DIR}/{name_of.get(rec, rec)}.wav", int(s in heard)) for s in range(k)]
    table = pd.DataFrame(rows, columns=[id_column, "clip_file", target])
    table.attrs["flattened_labels"] = k  # the profile's label cardinality: species, not answer columns
    return table
