"""The multi-label audio ladder (mlsp-2013-birds shape): six standalone scripts that tag species per recording.

The scripts share the one-class ladder's prelude (clip reading, energy, spectral balance, spectrogram, band levels,
patch features) and add the flattened shape: rows are (recording, species) pairs with `Id = rec_id * 100 +
species`, so a script regroups the rows by recording, learns one model per species (one-vs-rest) and writes one
probability per row. Levels: 0 each species' training share; 1 clip energy statistics and the coarse spectral
balance, logistic regression per species; 2 12 time-averaged band levels, logistic regression per species; 3 patch
features and the 24 band levels, extra trees per species; 4 gradient boosting per species on every feature family;
5 a blend of the three model families, its weights picked on a holdout of recordings by flattened AUC.
"""

from __future__ import annotations

from sandmle_core.ladder import LadderConfig, LadderScript
from sandmle_core.modalities.audio import ladder as one_class

__all__ = ["scripts"]

_HELPERS = '''

def load_flat():
    """train and test tables; without the recordings of a seeded 10% when SEED is not 0 (whole recordings, so no
    species answer of a kept recording goes missing)."""
    train = pd.read_csv(os.path.join("public", "train.csv"))
    test = pd.read_csv(os.path.join("public", "test.csv"))
    train = train[train[TARGET].notna()].reset_index(drop=True)
    if SEED != 0:
        recs = np.unique(train[ID].astype(np.int64) // 100)
        keep = np.random.default_rng(SEED).permutation(recs)[: max(2, int(round(0.9 * len(recs))))]
        train = train[(train[ID].astype(np.int64) // 100).isin(keep)].reset_index(drop=True)
    return train, test


def recordings(table):
    """One row per recording of a flattened table (rec_id = Id // 100), sorted by rec_id: (rec ids, frame)."""
    frame = pd.DataFrame({"rec": (table[ID].astype(np.int64) // 100).to_numpy(), AUDIO: table[AUDIO].to_numpy()})
    frame = frame.drop_duplicates("rec").sort_values("rec").reset_index(drop=True)
    return frame["rec"].to_numpy(), frame


def label_matrix(train, recs, k):
    """(recordings, species) 0/1 answers of the training rows."""
    index = {r: i for i, r in enumerate(recs)}
    ids = train[ID].astype(np.int64).to_numpy()
    y = np.zeros((len(recs), k))
    y[[index[i // 100] for i in ids], ids % 100] = train[TARGET].astype(float).to_numpy()
    return y


def write_flat(test, recs, proba):
    """submission.csv: the probability of every test row's (recording, species) pair."""
    index = {r: i for i, r in enumerate(recs)}
    ids = test[ID].astype(np.int64).to_numpy()
    rows, species = np.array([index[i // 100] for i in ids]), ids % 100
    p = np.full(len(ids), float(np.mean(proba)))
    known = species < proba.shape[1]
    p[known] = proba[rows[known], species[known]]
    pd.DataFrame({ID: test[ID].to_numpy(), SUBMISSION[0]: np.round(p, 6)}).to_csv("submission.csv", index=False)


def one_vs_rest(make, x_train, y, x_test):
    """Per species, a fresh model's probability of its call; the training share for a species with one answer."""
    out = np.zeros((len(x_test), y.shape[1]))
    for s in range(y.shape[1]):
        if y[:, s].min() == y[:, s].max():
            out[:, s] = y[:, s].mean()
        else:
            out[:, s] = make().fit(x_train, y[:, s]).predict_proba(x_test)[:, 1]
    return out


def prepared():
    """(train recordings' features, answers, test recordings' features, test rec ids) of the flattened tables."""
    train, test = load_flat()
    k = int((train[ID].astype(np.int64) % 100).max()) + 1
    train_recs, train_frame = recordings(train)
    test_recs, test_frame = recordings(test)
    return features(train_frame), label_matrix(train, train_recs, k), features(test_frame), test, test_recs
'''

_LINEAR = '''
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler


def linear(c):
    return lambda: make_pipeline(StandardScaler(), LogisticRegression(C=c, max_iter=3000, random_state=SEED))
'''

_LEVELS: tuple[tuple[str, str, str], ...] = (
    ("prior", "each species' share of the training recordings", '''
train, test = load_flat()
k = int((train[ID].astype(np.int64) % 100).max()) + 1
recs, _ = recordings(train)
y = label_matrix(train, recs, k)
test_recs, _ = recordings(test)
write_flat(test, test_recs, np.tile((y.sum(0) + 1.0) / (len(y) + 2.0), (len(test_recs), 1)))
'''),
    ("energy_logreg", "clip energy statistics and the coarse spectral balance (4 bands), logistic regression per "
     "species", _LINEAR + '''
train, test = load_flat()
k = int((train[ID].astype(np.int64) % 100).max()) + 1
(train_recs, a_frame), (test_recs, b_frame) = recordings(train), recordings(test)
(a, rate), (b, _) = clips(a_frame), clips(b_frame)
x_train, x_test = np.hstack([energy(a), balance(a, rate)]), np.hstack([energy(b), balance(b, rate)])
write_flat(test, test_recs, one_vs_rest(linear(0.1), x_train, label_matrix(train, train_recs, k), x_test))
'''),
    ("bands_logreg", "time-averaged log power in 12 spectral bands (pairs of the 24), logistic regression per species",
     _LINEAR + '''
(_, a_bands, _), y, (_, b_bands, _), test, test_recs = prepared()
x_train, x_test = (b.reshape(len(b), BANDS // 2, 2).mean(2) for b in (a_bands, b_bands))
write_flat(test, test_recs, one_vs_rest(linear(0.05), x_train, y, x_test))
'''),
    ("patches_trees", "spectrogram patch features (peak over the noise floor, spread, onsets, modulation) and band "
     "levels, extra trees per species", '''
from sklearn.ensemble import ExtraTreesClassifier

a, y, b, test, test_recs = prepared()
x_train, x_test = np.hstack(a[1:]), np.hstack(b[1:])
make = lambda: ExtraTreesClassifier(n_estimators=100, max_features="sqrt", min_samples_leaf=2, random_state=SEED,
                                    n_jobs=1)
write_flat(test, test_recs, one_vs_rest(make, x_train, y, x_test))
'''),
    ("boosting", "gradient boosting per species on every feature family", '''
from sklearn.ensemble import HistGradientBoostingClassifier

a, y, b, test, test_recs = prepared()
x_train, x_test = np.hstack(a), np.hstack(b)
make = lambda: HistGradientBoostingClassifier(max_iter=50, learning_rate=0.1, max_depth=3, min_samples_leaf=4,
                                              l2_regularization=1.0, random_state=SEED)
write_flat(test, test_recs, one_vs_rest(make, x_train, y, x_test))
'''),
    ("ensemble", "a blend of logistic regression on band levels, extra trees and gradient boosting, its weights "
     "picked on a 25% holdout of recordings by flattened AUC", _LINEAR + '''
from sklearn.ensemble import ExtraTreesClassifier, HistGradientBoostingClassifier
from sklearn.metrics import roc_auc_score

GRID = ((0.0, 0.5, 0.5), (0.2, 0.4, 0.4), (0.0, 0.7, 0.3), (0.0, 0.3, 0.7), (0.4, 0.3, 0.3))


def members(x, y, x_out):
    """Each family's per-species probabilities for x_out, fitted on (x, y)."""
    bands = slice(N_ENERGY, N_ENERGY + BANDS)
    trees = lambda: ExtraTreesClassifier(n_estimators=150, max_features="sqrt", min_samples_leaf=1,
                                         random_state=SEED, n_jobs=1)
    boosted = lambda: HistGradientBoostingClassifier(max_iter=50, learning_rate=0.1, max_depth=3,
                                                     min_samples_leaf=4, l2_regularization=1.0, random_state=SEED)
    return (one_vs_rest(linear(0.05), x[:, bands], y, x_out[:, bands]), one_vs_rest(trees, x, y, x_out),
            one_vs_rest(boosted, x, y, x_out))


a, y, b, test, test_recs = prepared()
x_train, x_test = np.hstack(a), np.hstack(b)
N_ENERGY = a[0].shape[1]  # the columns before the band levels
order = np.random.default_rng(SEED).permutation(len(y))
hold, fit = order[: len(y) // 4], order[len(y) // 4:]
held = members(x_train[fit], y[fit], x_train[hold])
truth = y[hold].ravel()
scores = [roc_auc_score(truth, sum(w * p for w, p in zip(weights, held)).ravel()) if 0 < truth.sum() < len(truth)
          else 0.0 for weights in GRID]
weights = GRID[int(np.argmax(scores))]
write_flat(test, test_recs, sum(w * p for w, p in zip(weights, members(x_train, y, x_test))))
'''),
)


def scripts(config: LadderConfig) -> list[LadderScript]:
    """The multi-label audio ladder of a flattened (mlsp-shaped) task, weakest first.

    Raises:
        ValueError: when the task is not graded on one probability column per (recording, species) row.
    """
    if config.metric_kind != "probability" or len(config.submission_columns) != 1:
        raise ValueError("the multi-label audio ladder writes one probability per (recording, species) row")
    prelude = one_class._PRELUDE + _HELPERS
    return [
        LadderScript(level=level, name=name, summary=summary,
                     source=one_class._header(config, level, name, summary) + prelude + "\n" + body.lstrip("\n"))
        for level, (name, summary, body) in enumerate(_LEVELS)
    ]
