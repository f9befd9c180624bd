"""The multi-label image ladder (ranzcr's shape): six scripts, each writing one probability per scored label.

Levels: 0 each label's training rate; 1 intensity statistics with a logistic regression per label; 2 nearest
neighbours on 8x8 thumbnails; 3 cue features — gradient-orientation histograms per region of the blurred image,
which see a curve's direction and place — with a logistic regression per label; 4 extra trees on orientation
pyramids, thumbnails and intensity; 5 an even rank blend of the level-3 model and extra trees that also see the
regional orientations (column-wise AUC reads only each column's order). Labels are independent,
so every model is fitted per scored label (the unscored label columns, the train-only group column and
train_annotations.csv are ignored). Images are read by id from `train/<id>.jpg` and `test/<id>.jpg` (train.csv
need hold no image column), and the test ids from test.csv or, where there is none (the real ranzcr seed and the
environments drafted from it), from sample_submission.csv, so the same scripts run on either. Each script reuses
the image ladder's prelude (image features), so it runs on its own.
"""

from __future__ import annotations

from sandmle_core.ladder import LadderConfig, LadderScript
from sandmle_core.modalities.image.ladder import _PRELUDE, _header

__all__ = ["scripts"]

_MULTI_PRELUDE = '''

def load_tables():
    """train.csv (a seeded 90% subsample when SUBSAMPLE is true) and the test ids: test.csv, or the sample submission's
    ids where the data has no test table (ranzcr's own layout)."""
    train = pd.read_csv(os.path.join("public", "train.csv"), dtype={ID: str})
    name = "test.csv" if os.path.exists(os.path.join("public", "test.csv")) else "sample_submission.csv"
    test = pd.read_csv(os.path.join("public", name), dtype={ID: str})[[ID]]
    if SUBSAMPLE:
        keep = np.sort(np.random.default_rng(SEED).permutation(len(train))[: max(1, int(round(0.9 * len(train))))])
        train = train.iloc[keep].reset_index(drop=True)
    return train, test


def read_images(table, part):
    """The images `<part>/<id>.jpg` of the table's rows as floats in [0, 1], shape (n, SIZE, SIZE)."""
    out = np.empty((len(table), SIZE, SIZE), dtype=np.float32)
    for i, name in enumerate(table[ID].astype(str)):
        with Image.open(os.path.join("public", part, name + ".jpg")) as im:
            im.draft("L", (4 * SIZE, 4 * SIZE))  # a large x-ray decodes at a fraction of its size
            im = im.convert("L")
            if im.size != (SIZE, SIZE):
                im = im.resize((SIZE, SIZE), Image.BILINEAR)
            out[i] = np.asarray(im, dtype=np.float32) / 255.0
    return out


def labels(train):
    """The scored labels of the training rows as a 0/1 matrix (n, labels)."""
    return train[list(SUBMISSION)].apply(pd.to_numeric, errors="coerce").fillna(0).to_numpy(float)


def per_label(make, x_train, y, x_test):
    """One model per label (a label with a single value in training gets its rate)."""
    out = np.zeros((len(x_test), y.shape[1]))
    for j in range(y.shape[1]):
        if len(np.unique(y[:, j])) < 2:
            out[:, j] = y[:, j].mean()
            continue
        out[:, j] = make().fit(x_train, y[:, j]).predict_proba(x_test)[:, 1]
    return out


def ranks(p):
    """Each column's values as ranks in [0, 1] (column-wise AUC reads only the order)."""
    return (np.argsort(np.argsort(p, axis=0), axis=0) + 0.5) / len(p)


def write_labels(test, p):
    """Write submission.csv: the id and one probability per scored label."""
    out = pd.DataFrame({ID: test[ID].to_numpy()})
    for j, c in enumerate(SUBMISSION):
        out[c] = np.round(np.clip(p[:, j], 0.0, 1.0), 6)
    out.to_csv("submission.csv", index=False)
'''

_LOGREG = '''
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
'''

_LEVELS: tuple[tuple[str, str, str], ...] = (
    ("prior", "each label's training rate", '''
train, test = load_tables()
write_labels(test, np.tile(labels(train).mean(0), (len(test), 1)))
'''),
    ("intensity_logreg", "intensity statistics and histogram, a logistic regression per label", _LOGREG + '''
train, test = load_tables()
x_train, x_test = intensity(read_images(train, "train")), intensity(read_images(test, "test"))
p = per_label(lambda: make_pipeline(StandardScaler(), LogisticRegression(C=0.5, max_iter=2000, random_state=SEED)),
              x_train, labels(train), x_test)
write_labels(test, p)
'''),
    ("knn_thumbnails", "nearest neighbours on standardized 8x8 thumbnails", '''
from sklearn.neighbors import KNeighborsClassifier

train, test = load_tables()
x_train, x_test = normalize(pool(read_images(train, "train"), SIZE // 8).reshape(-1, 8, 8)), \\
    normalize(pool(read_images(test, "test"), SIZE // 8).reshape(-1, 8, 8))
p = per_label(lambda: KNeighborsClassifier(n_neighbors=9, weights="distance"), x_train, labels(train), x_test)
write_labels(test, p)
'''),
    ("cue_logreg", "gradient-orientation histograms per region of the blurred image (a curve's direction and "
                   "place), a logistic regression per label", _LOGREG + '''
train, test = load_tables()
img_train, img_test = smooth(read_images(train, "train")), smooth(read_images(test, "test"))
x_train, x_test = hog(img_train, SIZE // 4), hog(img_test, SIZE // 4)
p = per_label(lambda: make_pipeline(StandardScaler(), LogisticRegression(C=0.05, max_iter=3000, random_state=SEED)),
              x_train, labels(train), x_test)
write_labels(test, p)
'''),
    ("extra_trees", "extra trees on orientation pyramids, thumbnails and intensity", '''
from sklearn.ensemble import ExtraTreesClassifier


def features(x):
    return np.hstack([hog_pyramid(smooth(x)), pool(x, SIZE // 8), intensity(x)])


train, test = load_tables()
x_train, x_test = features(read_images(train, "train")), features(read_images(test, "test"))
p = per_label(lambda: ExtraTreesClassifier(n_estimators=150, max_features="sqrt", min_samples_leaf=2,
                                           random_state=SEED, n_jobs=1), x_train, labels(train), x_test)
write_labels(test, p)
'''),
    ("ensemble", "an even rank blend of the regional-orientation logistic regression and extra trees on orientation "
                 "pyramids, regional orientations and intensity", _LOGREG + '''
from sklearn.ensemble import ExtraTreesClassifier

train, test = load_tables()
img_train, img_test = smooth(read_images(train, "train")), smooth(read_images(test, "test"))
y = labels(train)
cue_train, cue_test = hog(img_train, SIZE // 4), hog(img_test, SIZE // 4)
linear = per_label(lambda: make_pipeline(StandardScaler(), LogisticRegression(C=0.05, max_iter=3000,
                                                                             random_state=SEED)),
                   cue_train, y, cue_test)
rich_train = np.hstack([hog_pyramid(img_train), cue_train, intensity(img_train)])
rich_test = np.hstack([hog_pyramid(img_test), cue_test, intensity(img_test)])
trees = per_label(lambda: ExtraTreesClassifier(n_estimators=150, max_features="sqrt", min_samples_leaf=2,
                                               random_state=SEED, n_jobs=1), rich_train, y, rich_test)
write_labels(test, 0.5 * ranks(linear) + 0.5 * ranks(trees))
'''),
)


def scripts(config: LadderConfig) -> list[LadderScript]:
    """The multi-label image ladder of a task, weakest first (one probability column per scored label)."""
    return [
        LadderScript(level=level, name=name, summary=summary,
                     source=_header(config, level, name, summary) + _PRELUDE + _MULTI_PRELUDE + "\n"
                     + body.lstrip("\n"))
        for level, (name, summary, body) in enumerate(_LEVELS)
    ]
