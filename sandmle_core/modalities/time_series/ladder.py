"""The forecasting ladder: six standalone scripts from the training mean to boosted residuals on a trend model.

Every script reads the history (`public/train.csv`) and the horizon (`public/test.csv`), parses the date column with
numpy (ISO dates of any year, hourly stamps too), infers the sampling step from the median gap between dates
(monthly when the gap is 27–32 days) and from it the calendar periods worth modelling: daily (1 day), weekly (7 days)
and yearly (365.24 days), each kept when it spans at least 2.5 steps and the history covers a whole cycle. So the
same scripts run on the synthetic environments and on the real weekly `co2` seed.

Levels: 0 training mean · 1 mean of the last season (a moving average; more robust than the last value, which lands
on a random seasonal phase) · 2 seasonal naive (the last season repeated; season = the shortest kept period: 24 hours,
7 days, 52 weeks or 12 months) · 3 Ridge on a linear trend + Fourier seasonality, recent rows weighted more · 4 the
same plus the exogenous drivers and a trend shape chosen by a backtest on the latest rows (linear, a detected level
shift or regime change, a damped continuation, or — for long histories — a late change of slope) · 5 level 4,
averaged over its two best trend shapes and plus gradient boosting of its residuals on driver and calendar-phase
features, each only as far as the backtest supports it.

Seed handling: with SANDMLE_SEED != 0 a script drops a seeded random 10% of the history rows (the series keeps its
order and gets gaps, which every level handles) instead of taking a 90% row subsample; all random_states use the seed.
"""

from __future__ import annotations

from sandmle_core.ladder import LadderConfig, LadderScript
from sandmle_core.spec import TaskType

__all__ = ["scripts"]

_PRELUDE = '''"""{summary}

Sandmle forecasting ladder, level {level}. Reads ./public/train.csv and ./public/test.csv, writes ./submission.csv.
SANDMLE_SEED (default 0) seeds every random_state; when SANDMLE_SUBSAMPLE is 1 (unset: when the seed is not 0) a
seeded random 10% of the history rows is dropped (the series keeps its order, with gaps).
"""

import os

import numpy as np
import pandas as pd

SEED = int(os.environ.get("SANDMLE_SEED", "0"))
SUBSAMPLE = os.environ.get("SANDMLE_SUBSAMPLE", "1" if SEED else "0") == "1"  # fit on a seeded 90% subsample
ID = {id_column!r}
DATE = {date_column!r}
TARGETS = {targets!r}
SUBMIT = {submit!r}
FEATURES = {features!r}
PERIODS = {{"daily": 1.0, "weekly": 7.0, "yearly": 365.2425}}
HARMONICS = {{"daily": 4, "weekly": 3, "yearly": 4}}


def parse_dates(values):
    """Dates as datetime64[s]; numpy parses ISO dates of any year, pandas is the fallback for other formats."""
    text = pd.Series(values).astype(str).str.strip().to_numpy()
    try:
        return np.array(text, dtype="datetime64[s]")
    except ValueError:
        return pd.to_datetime(pd.Series(text)).to_numpy().astype("datetime64[s]")


def find_date_column(frame):
    if DATE is not None:
        return DATE
    for col in frame.columns:
        if col != ID and col not in TARGETS:
            try:
                parse_dates(frame[col].head(20))
                return col
            except (ValueError, TypeError):
                continue
    raise SystemExit("no date column found")


train = pd.read_csv("public/train.csv")
test = pd.read_csv("public/test.csv")
DATE = find_date_column(train)
if SUBSAMPLE:
    rng = np.random.default_rng(SEED)
    dropped = rng.choice(len(train), size=len(train) // 10, replace=False)
    train = train.drop(index=train.index[dropped])
train = train.dropna(subset=TARGETS).reset_index(drop=True)
train_time = parse_dates(train[DATE])
test_time = parse_dates(test[DATE])
order = np.argsort(train_time, kind="stable")
train, train_time = train.iloc[order].reset_index(drop=True), train_time[order]
EPOCH = np.datetime64("1970-01-01", "s")
train_days = (train_time - EPOCH) / np.timedelta64(1, "D")
test_days = (test_time - EPOCH) / np.timedelta64(1, "D")
gaps = np.diff(np.unique(train_days))
STEP = float(np.median(gaps)) if len(gaps) else 1.0
MONTHLY = 27.0 <= STEP <= 32.0
SPAN = float(train_days[-1] - train_days[0]) if len(train_days) > 1 else 0.0
KEPT = [name for name, period in PERIODS.items() if period >= 2.5 * STEP and SPAN >= period]
# the season, in steps: the shortest kept period (24 hours, 7 days, 52 weeks, 12 months); None without one
SEASON = (12 if MONTHLY and KEPT[0] == "yearly" else round(PERIODS[KEPT[0]] / STEP)) if KEPT else None


def positions(times, days):
    """Integer step positions counted from the first history row (calendar months for monthly data)."""
    if MONTHLY:
        return times.astype("datetime64[M]").astype(np.int64) - train_time[:1].astype("datetime64[M]").astype(
            np.int64)[0]
    return np.round((days - train_days[0]) / STEP).astype(np.int64)


def fourier(days):
    """sin/cos terms of every kept period (harmonics capped so none exceeds the sampling's resolution)."""
    cols = []
    for name in KEPT:
        period = PERIODS[name]
        angle = 2 * np.pi * days / period
        for k in range(1, max(1, min(HARMONICS[name], int(period / STEP / 2))) + 1):
            cols += [np.sin(k * angle), np.cos(k * angle)]
    return np.column_stack(cols) if cols else np.zeros((len(days), 0))


def trend_u(days):
    """Time scaled to the history: 0 at its first row, 1 at its last."""
    return (days - train_days[0]) / max(SPAN, 1e-9)


def drivers(train_frame, test_frame):
    """Exogenous columns (everything but id, date and targets): numeric standardized, categorical one-hot."""
    names = list(FEATURES) if FEATURES is not None else list(train_frame.columns)
    names = [c for c in names if c not in (ID, DATE, *TARGETS) and c in train_frame and c in test_frame]
    both = pd.concat([train_frame[names], test_frame[names]], ignore_index=True)
    parts = []
    for col in names:
        values = pd.to_numeric(both[col], errors="coerce")
        if values.notna().mean() >= 0.9 * both[col].notna().mean() and both[col].notna().any():
            values = values.fillna(values.iloc[: len(train_frame)].median())
            scale = float(values.iloc[: len(train_frame)].std())
            scale = scale if scale > 0 else 1.0  # constant (or single-row) columns
            parts.append(((values - values.iloc[: len(train_frame)].mean()) / scale).to_frame(col))
        else:
            parts.append(pd.get_dummies(both[col].astype(str).fillna("missing"), prefix=col, dtype=float))
    if not parts:
        return np.zeros((len(train_frame), 0)), np.zeros((len(test_frame), 0))
    matrix = pd.concat(parts, axis=1).fillna(0.0).to_numpy(dtype=float)
    return matrix[: len(train_frame)], matrix[len(train_frame):]


def write(predictions):
    out = pd.DataFrame({{ID: test[ID].to_numpy()}})
    for col in SUBMIT:
        out[col] = np.round(np.asarray(predictions[col], dtype=float), 6)
    out.to_csv("submission.csv", index=False)

'''

_MEAN = '''
write({col: np.full(len(test), float(train[target].mean())) for target, col in zip(TARGETS, SUBMIT)})
'''

_RECENT_MEAN = '''
train_pos = positions(train_time, train_days)
recent = train_pos > train_pos.max() - (SEASON or max(1, len(train) // 10))
write({col: np.full(len(test), float(train.loc[recent, target].mean())) for target, col in zip(TARGETS, SUBMIT)})
'''

_SEASONAL_NAIVE = '''
train_pos, test_pos = positions(train_time, train_days), positions(test_time, test_days)
predictions = {}
for target, col in zip(TARGETS, SUBMIT):
    values = train[target].to_numpy(dtype=float)
    if not SEASON or SEASON < 2:
        predictions[col] = np.full(len(test), values[-1])
        continue
    latest = {}
    for pos, value in zip(train_pos, values):  # later rows overwrite: the most recent value of each phase
        latest[int(pos) % SEASON] = value
    predictions[col] = np.array([latest.get(int(pos) % SEASON, values[-1]) for pos in test_pos])
write(predictions)
'''

_TREND_FOURIER = '''
from sklearn.linear_model import RidgeCV

u_train = trend_u(train_days)
X_train = np.column_stack([u_train, fourier(train_days)])
X_test = np.column_stack([trend_u(test_days), fourier(test_days)])
WEIGHTS = 0.25 + np.exp((u_train - 1.0) / 0.3)  # recent history counts more
predictions = {}
for target, col in zip(TARGETS, SUBMIT):
    model = RidgeCV(alphas=np.logspace(-4, 1, 11))
    model.fit(X_train, train[target].to_numpy(dtype=float), sample_weight=WEIGHTS)
    predictions[col] = model.predict(X_test)
write(predictions)
'''

_LINEAR_BLOCK = '''
from sklearn.linear_model import Ridge, RidgeCV

# trend shapes, chosen per target by a backtest on the latest part of the history: "shift" adds one level
# shift at the best-fitting date, "regime" a shift of level and slope there, "bend" one change of slope at 70% of the
# window (only for long histories: a slope fitted on few late rows extrapolates badly); "damped" flattens the trend
# beyond the history instead of extending it linearly
TRENDS = ("linear", "shift", "bend", "shift_bend", "regime", "damped", "shift_damped", "regime_damped")
COMPLEXITY = {"linear": 0, "shift": 1, "bend": 1, "shift_bend": 2, "regime": 2, "damped": 1, "shift_damped": 2,
              "regime_damped": 3}
PENALTY = 0.05
BEND_MIN_ROWS = 300
GRID = np.linspace(0.2, 0.9, 29)
MIN_SEGMENT = 8
SHIFT_F = 12.0
SHIFTS = {}  # (rows fitted, target array) -> the level shift found there
D_train, D_test = drivers(train, test)


def base_columns(days, extra):
    return np.column_stack([fourier(days), extra])


def trend_columns(u, trend, shift_at):
    if "damped" in trend:
        u = np.where(u > 1.0, 1.0 + 0.5 * (1.0 - np.exp(-(u - 1.0) / 0.5)), u)
    cols = [u]
    if "bend" in trend:
        cols.append(np.maximum(0.0, u - 0.7))
    if shift_at is not None:
        cols.append((u >= shift_at).astype(float))
        if "regime" in trend:
            cols.append(np.maximum(0.0, u - shift_at))
    return np.column_stack(cols)


def find_shift(u, base, y):
    """The date (as a share of the window) of the single level shift that fits the window best, or None when the
    best shift does not reduce the squared error significantly (a sup-F test: spurious shifts extrapolate badly)."""
    def sse(X):
        fit = Ridge(alpha=1e-6).fit(X, y)
        return float(np.sum((y - fit.predict(X)) ** 2))

    plain = sse(np.column_stack([u, base]))
    best, best_at = np.inf, None
    for at in GRID:
        if min(np.sum(u < at), np.sum(u >= at)) < MIN_SEGMENT:
            continue
        value = sse(np.column_stack([u, (u >= at).astype(float), base]))
        if value < best:
            best, best_at = value, float(at)
    dof = len(y) - base.shape[1] - 3
    if best_at is None or dof < 5 or (plain - best) / max(best / dof, 1e-12) < SHIFT_F:
        return None
    return best_at


def fit_predict(n_fit, y, trend, days_out, extra_out):
    """Fit on the first n_fit history rows (recent rows weighted more); return fitted values and the forecast."""
    days = train_days[:n_fit]
    start, span = days[0], max(days[-1] - days[0], 1e-9)
    u = (days - start) / span
    base = base_columns(days, D_train[:n_fit])
    weights = 0.25 + np.exp((u - 1.0) / 0.3)
    shift_at = None
    if "shift" in trend or "regime" in trend:
        key = (n_fit, id(y))
        if key not in SHIFTS:
            SHIFTS[key] = find_shift(u, base, y[:n_fit])
        shift_at = SHIFTS[key]
    X = np.column_stack([trend_columns(u, trend, shift_at), base])
    model = RidgeCV(alphas=np.logspace(-3, 2, 11)).fit(X, y[:n_fit], sample_weight=weights)
    X_out = np.column_stack([trend_columns((days_out - start) / span, trend, shift_at),
                             base_columns(days_out, extra_out)])
    return model.predict(X), model.predict(X_out)


def ranked_trends(y):
    """Trend shapes from best to worst by their error when the latest rows of the history are forecast from the
    earlier ones; a small penalty per extra term breaks near-ties in favour of the simpler shape."""
    holdout = max(1, min(len(test), len(y) // 5))
    n_fit = len(y) - holdout
    if n_fit < 20:
        return ["linear"]
    trends = [trend for trend in TRENDS if "bend" not in trend or len(y) >= BEND_MIN_ROWS]
    errors = {}
    for trend in trends:
        forecast = fit_predict(n_fit, y, trend, train_days[n_fit:], D_train[n_fit:])[1]
        errors[trend] = float(np.mean(np.abs(forecast - y[n_fit:]))) * (1.0 + PENALTY * COMPLEXITY[trend])
    return sorted(trends, key=errors.get)


def linear_forecast(y):
    """Fitted values and forecast of the best trend shape."""
    return fit_predict(len(y), y, ranked_trends(y)[0], test_days, D_test)

'''

_LINEAR_DRIVERS = _LINEAR_BLOCK + '''
predictions = {}
for target, col in zip(TARGETS, SUBMIT):
    predictions[col] = linear_forecast(train[target].to_numpy(dtype=float))[1]
write(predictions)
'''

_BOOSTED = _LINEAR_BLOCK + '''
from sklearn.ensemble import GradientBoostingRegressor

BOOST_WEIGHTS = (0.0, 0.5, 1.0)


def phases(days):
    return np.column_stack([(days % PERIODS[name]) / PERIODS[name] for name in KEPT]) if KEPT else \\
        np.zeros((len(days), 0))


def booster(X, residuals):
    return GradientBoostingRegressor(
        n_estimators=150, learning_rate=0.05, max_depth=3, min_samples_leaf=max(5, len(residuals) // 20),
        subsample=0.9, random_state=SEED,
    ).fit(X, residuals)


def averaged(n_fit, y, trends, days_out, extra_out):
    fits = [fit_predict(n_fit, y, trend, days_out, extra_out) for trend in trends]
    return np.mean([f[0] for f in fits], axis=0), np.mean([f[1] for f in fits], axis=0)


def holdout_error(forecast, y, n_fit):
    return float(np.mean(np.abs(forecast - y[n_fit:])))


B_train = np.column_stack([D_train, phases(train_days)])
B_test = np.column_stack([D_test, phases(test_days)])
predictions = {}
for target, col in zip(TARGETS, SUBMIT):
    y = train[target].to_numpy(dtype=float)
    trends = ranked_trends(y)[:2]
    holdout = max(1, min(len(test), len(y) // 5))
    n_fit = len(y) - holdout
    if n_fit >= 20 and len(trends) == 2:  # average the two best trend shapes when that forecasts the latest rows better
        single = averaged(n_fit, y, trends[:1], train_days[n_fit:], D_train[n_fit:])[1]
        pair = averaged(n_fit, y, trends, train_days[n_fit:], D_train[n_fit:])[1]
        trends = trends if holdout_error(pair, y, n_fit) < holdout_error(single, y, n_fit) else trends[:1]
    fitted, forecast = averaged(len(y), y, trends, test_days, D_test)
    if B_train.shape[1] and n_fit >= 30:
        # how much of the boosted residual correction to add: the share that forecasts the latest rows best
        # (a booster can learn spurious links between slowly drifting drivers and residual structure in time)
        past_fit, past_forecast = averaged(n_fit, y, trends, train_days[n_fit:], D_train[n_fit:])
        correction = booster(B_train[:n_fit], y[:n_fit] - past_fit).predict(B_train[n_fit:])
        weight = min(BOOST_WEIGHTS, key=lambda w: holdout_error(past_forecast + w * correction, y, n_fit))
        if weight > 0:
            forecast = forecast + weight * booster(B_train, y - fitted).predict(B_test)
    predictions[col] = forecast
write(predictions)
'''

_LEVELS = (
    ("mean", "Training mean of the target for every horizon row (the uninformed prior).", _MEAN),
    ("last_season_mean", "Mean of the last observed season (a tenth of the history without one) carried over the "
                         "horizon.", _RECENT_MEAN),
    ("seasonal_naive", "The last observed season repeated over the horizon.", _SEASONAL_NAIVE),
    ("trend_fourier_ridge", "Ridge on a linear time trend and Fourier terms of the calendar periods, recent rows "
                            "weighted more.",
     _TREND_FOURIER),
    ("drivers_ridge", "Ridge on Fourier terms, the exogenous drivers and a trend whose shape (linear, level shifts, "
                      "slope changes) is chosen by a backtest; recent rows weighted more.", _LINEAR_DRIVERS),
    ("boosted_residuals", "Level 4, averaged over the two best trend shapes and plus gradient boosting of its "
                          "residuals on drivers and calendar phases, each as far as a backtest supports it.", _BOOSTED),
)


def scripts(config: LadderConfig) -> list[LadderScript]:
    """The forecasting ladder for a task, weakest first.

    Raises:
        ValueError: when the config is not a value-metric forecasting task.
    """
    if config.task_type != TaskType.FORECASTING or config.metric_kind != "value":
        raise ValueError(f"the series ladder needs a forecasting task with a value metric, got "
                         f"{config.task_type}/{config.metric_kind}")
    if len(config.target_columns) != len(config.submission_columns):
        raise ValueError("the series ladder needs one submission column per target column")
    out = []
    for level, (name, summary, body) in enumerate(_LEVELS):
        prelude = _PRELUDE.format(
            summary=summary, level=level, id_column=config.id_column, date_column=config.date_column,
            targets=list(config.target_columns), submit=list(config.submission_columns),
            features=None if config.feature_columns is None else list(config.feature_columns),
        )
        out.append(LadderScript(level=level, name=name, summary=summary, source=prelude + body))
    return out
