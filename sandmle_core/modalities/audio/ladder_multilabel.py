"""The multi-label audio ladder (mlsp-2013-birds shape): six standalone scripts that tag species per recording.

The scripts share the one-class ladder's prelude (clip reading, energy, spectral balance, spectrogram, band levels,
patch features) and add the flattened shape: rows are (recording, species) pairs with `Id = rec_id * 100 +
species`, so a script regroups the rows by recording, learns every species and writes one probability per row.
Levels: 0 each species' training share; 1 clip energy statistics and the coarse spectral balance, logistic
regression; 2 12 time-averaged band levels, logistic regression; 3 patch features and the 24 band levels, one
multi-output extra-trees forest; 4 multi-output gradient boosting on every feature family (one shallow tree per
round, a Newton step per species in each leaf); 5 that booster averaged 1:1 with one small booster per species.

Cost: a micro task has 50-200 recordings and up to 19 species, where a model per species per level paid a fixed
cost per fit that dominated the ladder (the micro ladder took a seventh of the full-scale one, not a twentieth).
So the logistic levels fit every species in one L-BFGS run, the forest and the booster of levels 3-4 are one fit
for all species, and only level 5 keeps per-species boosters (sized to the rows: 30 rounds, 32 bins), which lift it
above level 4.
"""

from __future__ import annotations

from sandmle_core.ladder import LadderConfig, LadderScript
from sandmle_core.modalities.audio import ladder as one_class

__all__ = ["scripts"]

_HELPERS = '''

def load_flat():
    """train and test tables; without the recordings of a seeded 10% when SUBSAMPLE is true (whole recordings, so no
    species answer of a kept recording goes missing)."""
    train = pd.read_csv(os.path.join("public", "train.csv"))
    test = pd.read_csv(os.path.join("public", "test.csv"))
    train = train[train[TARGET].notna()].reset_index(drop=True)
    if SUBSAMPLE:
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


def logistic_all(x_train, y, x_test, c):
    """Every species' L2 logistic regression (scikit-learn's objective at C=c, intercepts unpenalized, columns
    standardized on the training rows) in one L-BFGS run over all species' weights; one answer gives its share."""
    from scipy.optimize import minimize

    mu, sd = x_train.mean(0), x_train.std(0)
    sd[sd == 0] = 1.0
    a, b = (x_train - mu) / sd, (x_test - mu) / sd
    a1, d, k = np.hstack([a, np.ones((len(a), 1))]), a.shape[1], y.shape[1]

    def loss(w):
        w = w.reshape(d + 1, k)
        z = a1 @ w
        grad = a1.T @ (c * (1.0 / (1.0 + np.exp(-z)) - y))
        grad[:d] += w[:d]
        return c * float((np.logaddexp(0.0, z) - y * z).sum()) + 0.5 * float((w[:d] ** 2).sum()), grad.ravel()

    w = minimize(loss, np.zeros((d + 1) * k), jac=True, method="L-BFGS-B", options={"maxiter": 3000}).x
    out = 1.0 / (1.0 + np.exp(-(b @ w[:d * k].reshape(d, k) + w[d * k:])))
    fixed = y.min(0) == y.max(0)
    out[:, fixed] = y.mean(0)[fixed]
    return out


def boost_all(x_train, y, x_test, rounds=300, rate=0.1, depth=3, share=0.25):
    """Gradient boosting of every species' log-odds at once: each round grows one shallow regression tree on the
    logistic-loss gradients of a random quarter of the species, and every species takes its own Newton step in
    each leaf, so one tree per round serves all species."""
    from sklearn.tree import DecisionTreeRegressor

    rng = np.random.default_rng(SEED)
    k = y.shape[1]
    prior = np.clip(y.mean(0), 1e-3, 1 - 1e-3)
    f_train = np.tile(np.log(prior / (1 - prior)), (len(x_train), 1))
    f_test = np.tile(np.log(prior / (1 - prior)), (len(x_test), 1))
    # the trees' own dtype, checked once here: each round's input check cost more than its tree at micro scale
    a32, b32 = (np.ascontiguousarray(x, dtype=np.float32) for x in (x_train, x_test))
    if not (np.isfinite(a32).all() and np.isfinite(b32).all()):
        raise ValueError("non-finite features")
    for _ in range(rounds):
        p = 1.0 / (1.0 + np.exp(-f_train))
        g, h = y - p, p * (1 - p)
        cols = rng.permutation(k)[: max(1, int(round(share * k)))]
        tree = DecisionTreeRegressor(max_depth=depth, min_samples_leaf=4, max_features=0.3,
                                     random_state=int(rng.integers(2 ** 31)))
        tree.fit(a32, np.ascontiguousarray(g[:, cols]), check_input=False)
        leaf_train, leaf_test = tree.apply(a32, check_input=False), tree.apply(b32, check_input=False)
        member = np.zeros((len(x_train), tree.tree_.node_count))
        member[np.arange(len(x_train)), leaf_train] = 1.0
        step = (member.T @ g) / (member.T @ h + 1.0)
        f_train += rate * step[leaf_train]
        f_test += rate * step[leaf_test]
    return 1.0 / (1.0 + np.exp(-f_test))


def prepared():
    """(train recordings' features, answers, test recordings' features, test rec ids) of the flattened tables."""
    train, test = load_flat()
    k = int((train[ID].astype(np.int64) % 100).max()) + 1
    train_recs, train_frame = recordings(train)
    test_recs, test_frame = recordings(test)
    return features(train_frame), label_matrix(train, train_recs, k), features(test_frame), test, test_recs
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
    ("energy_logreg", "clip energy statistics and the coarse spectral balance (4 bands), logistic regression for "
     "every species in one fit", '''
train, test = load_flat()
k = int((train[ID].astype(np.int64) % 100).max()) + 1
(train_recs, a_frame), (test_recs, b_frame) = recordings(train), recordings(test)
(a, rate), (b, _) = clips(a_frame), clips(b_frame)
x_train, x_test = np.hstack([energy(a), balance(a, rate)]), np.hstack([energy(b), balance(b, rate)])
write_flat(test, test_recs, logistic_all(x_train, label_matrix(train, train_recs, k), x_test, 0.1))
'''),
    ("bands_logreg", "time-averaged log power in 12 spectral bands (pairs of the 24), logistic regression for "
     "every species in one fit", '''
(_, a_bands, _), y, (_, b_bands, _), test, test_recs = prepared()
x_train, x_test = (b.reshape(len(b), BANDS // 2, 2).mean(2) for b in (a_bands, b_bands))
write_flat(test, test_recs, logistic_all(x_train, y, x_test, 0.05))
'''),
    ("patches_trees", "spectrogram patch features (peak over the noise floor, spread, onsets, modulation) and band "
     "levels, one multi-output extra-trees forest for all species", '''
from sklearn.ensemble import ExtraTreesRegressor

a, y, b, test, test_recs = prepared()
x_train, x_test = np.hstack(a[1:]), np.hstack(b[1:])
forest = ExtraTreesRegressor(n_estimators=200, max_features="sqrt", min_samples_leaf=2, random_state=SEED, n_jobs=1)
write_flat(test, test_recs, forest.fit(x_train, y).predict(x_test))
'''),
    ("boosting", "multi-output gradient boosting on every feature family (one shallow tree per round, a Newton step "
     "per species in each leaf)", '''
a, y, b, test, test_recs = prepared()
write_flat(test, test_recs, boost_all(np.hstack(a), y, np.hstack(b)))
'''),
    ("ensemble", "level 4's multi-output booster averaged 1:1 with one small gradient booster per species", '''
from sklearn.ensemble import HistGradientBoostingClassifier

a, y, b, test, test_recs = prepared()
x_train, x_test = np.hstack(a), np.hstack(b)
make = lambda: HistGradientBoostingClassifier(max_iter=30, max_bins=32, learning_rate=0.15, max_depth=3,
                                              min_samples_leaf=4, l2_regularization=1.0, random_state=SEED)
write_flat(test, test_recs, 0.5 * boost_all(x_train, y, x_test) + 0.5 * one_vs_rest(make, x_train, y, x_test))
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
