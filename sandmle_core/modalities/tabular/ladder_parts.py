"""Script text every tabular rung shares after its model block (`ladder.scripts`): the epilogue that turns the model's
outputs into the submission the metric wants, and the block that reads a task's per-id structure files.

Imports: nothing (the text runs inside the rendered scripts).
"""

from __future__ import annotations

__all__ = ["EPILOGUE", "STRUCTURE_BLOCK"]

EPILOGUE = '''

def to_submission():
    out = pd.DataFrame({ID: test[ID]})
    if KIND == "probability":  # one probability per 0/1 target column
        for target, col in zip(TARGETS, SUBMISSION):
            y = Y[target]
            if y.nunique() < 2:
                out[col] = float(y.mean())
                continue
            p = fit_predict(y)
            out[col] = np.clip(p["1"].to_numpy() if isinstance(p, pd.DataFrame) else p, 0, 1)
        return out
    if KIND == "value":  # one model per target column; RMSLE takes no negative value
        for target, col in zip(TARGETS, SUBMISSION):
            p = np.asarray(fit_predict(Y[target] if len(TARGETS) > 1 else Y), dtype=float)
            out[col] = np.clip(p, 0.0, None) if METRIC in ("rmsle", "mean_column_rmsle") else p
        return out
    p = fit_predict(Y)
    if p is None:  # no numeric column to use: fall back to the prior
        p = _prior(Y)
    classes = [str(c) for c in CLASSES] if CLASSES else list(p.columns)
    p = p.reindex(columns=classes, fill_value=0.0).to_numpy(dtype=float)
    p = np.clip(p, 1e-4, 1.0)
    p = p / p.sum(axis=1, keepdims=True)
    if KIND == "class_probabilities":
        for j, c in enumerate(SUBMISSION):
            out[c] = p[:, j]
        return out
    if METRIC == "quadratic_weighted_kappa" and p.shape[1] > 2:
        # ordinal labels: the expected class index, rounded, serves a squared-error metric best
        index = np.clip(np.rint(p @ np.arange(p.shape[1])), 0, p.shape[1] - 1).astype(int)
    else:
        index = p.argmax(axis=1)
    out[SUBMISSION[0]] = [classes[i] for i in index]
    return out


def _prior(y):
    shares = y.value_counts(normalize=True)
    return pd.DataFrame({c: np.full(len(X_test), shares.get(c, 0.0)) for c in sorted(shares.index)})


to_submission().to_csv("submission.csv", index=False)
'''


STRUCTURE_BLOCK = '''
STRUCTURE = {file!r}  # one structure file per row: public/<part>/<id>/<file> (nomad2018's geometry.xyz)


def structure_features(frame, part):
    """Each row's structure file as two numbers: how many atoms it lists and its cell's mean side."""
    rows = []
    for ident in frame[ID]:
        with open(os.path.join("public", part, str(ident), STRUCTURE)) as handle:
            lines = handle.read().splitlines()
        cell = [np.linalg.norm([float(v) for v in line.split()[1:4]]) for line in lines
                if line.startswith("lattice_vector")]
        rows.append((sum(line.startswith("atom ") for line in lines), float(np.mean(cell)) if cell else np.nan))
    return pd.DataFrame(rows, columns=["structure_atoms", "structure_side"], index=frame.index)


X = pd.concat([X, structure_features(train, "train")], axis=1)
X_test = pd.concat([X_test, structure_features(test, "test")], axis=1)
numeric, features = [*numeric, "structure_atoms", "structure_side"], [*features, "structure_atoms", "structure_side"]
'''
