"""Generator programs for the `script` rule tests, and "models" that answer with them.

Each program is a real, small `generate.py` for a binary tabular task: it takes the contract's options, draws every
number from `numpy.random.default_rng(--seed)` and writes train/test/sample submission, answers and an oracle. The
scaffold's columns are only known once the strategist has drafted the slot, so the scripted developer reads them
from the prompt it is sent (as a model would) and bakes them into the program as `SCHEMA`. The broken variants
differ from the good one in one place: a crash, an unseeded generator, answers copied into public/, a read of a
host path, a network connection, a rule whose weights are all zero (`no_signal`). The image and audio programs are
below, the graph one in `graph_program.py`.
"""

from __future__ import annotations

import json
from typing import Any

from sandmle_core.ladder import LadderConfig, ladder_for
from tests.claude.fake_anthropic import Reply, tool_reply
from tests.claude.graph_program import graph_program

__all__ = ["AUDIO_RULE", "IMAGE_RULE", "RULE", "audio_program", "generator_reply", "image_program", "ladder_reply",
           "program", "prompt_schema", "script_rule_reply"]

RULE = {
    "title": "Online Courses: Who Drops Out Before the Final Assessment",
    "story": "An online university wants to know early which course enrolments end in a dropout, so that tutors can "
             "reach out to those students in the first weeks of the term rather than after they have left.",
    "rule_words": "The log-odds of dropping out grow mildly with the first feature; the third and fourth features "
                  "interact strongly; the fifth acts as a step above a threshold, and the second only together with "
                  "the sixth. The rest carry no signal. Outcomes are Bernoulli draws from the noisy log-odds.",
    "rule_params": {"w_main": 0.8, "w_pair": 1.5, "w_inter": 2.0, "w_step": 2.0, "knot": 0.3, "noise": 0.3},
}

_GOOD = r'''"""generate.py: a binary outcome from a logistic rule with an interaction, a hinge and noise."""
import argparse
import json
from pathlib import Path

import numpy as np
import pandas as pd

SCHEMA = json.loads(__SCHEMA__)
P = json.loads(__PARAMS__)


def columns(rng, n):
    cols, z = {}, []
    for f in SCHEMA["features"]:
        v = rng.normal(0.0, 1.0, n)
        if f["kind"] == "categorical":
            cols[f["name"]] = np.array(f["levels"])[(np.argsort(np.argsort(v)) * len(f["levels"])) // n]
        elif f["kind"] == "integer":
            cols[f["name"]] = np.round(np.exp(0.5 * v) * 12).astype(int)
        else:
            cols[f["name"]] = np.round(np.exp(0.4 * v) * 30, 3)
        z.append(v)
    return cols, np.array(z)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--n-train", type=int, required=True)
    ap.add_argument("--n-test", type=int, required=True)
    ap.add_argument("--seed", type=int, required=True)
    ap.add_argument("--scale", choices=["micro", "full"], default="micro")
    a = ap.parse_args()
    rng = np.random.default_rng(a.seed)
    n = a.n_train + a.n_test
    cols, z = columns(rng, n)
    logit = (P["w_main"] * z[0] + P["w_pair"] * (z[1] > 0) * (z[5] > 0) + P["w_inter"] * z[2] * z[3]
             + P["w_step"] * (z[4] > P["knot"]) - 1.2)
    y = (rng.random(n) < 1 / (1 + np.exp(-(logit + rng.normal(0, P["noise"], n))))).astype(int)
    ids = 100000 + rng.permutation(n)
    idc, target = SCHEMA["id"], SCHEMA["target"]
    frame = pd.DataFrame({idc: ids, **cols})
    train, test = frame.iloc[:a.n_train], frame.iloc[a.n_train:]
    out = Path(a.out)
    (out / "public").mkdir(parents=True)
    (out / "private").mkdir()
    train.assign(**{target: y[:a.n_train]}).to_csv(out / "public" / "train.csv", index=False)
    test.to_csv(out / "public" / "test.csv", index=False)
    prior = round(float(y[:a.n_train].mean()), 6)
    pd.DataFrame({idc: test[idc], target: prior}).to_csv(out / "public" / "sample_submission.csv", index=False)
    pd.DataFrame({idc: test[idc], target: y[a.n_train:]}).to_csv(out / "private" / "answers.csv", index=False)
    oracle = np.round(1 / (1 + np.exp(-logit[a.n_train:])), 6)
    pd.DataFrame({idc: test[idc], target: oracle}).to_csv(out / "private" / "oracle_submission.csv", index=False)
    __EXTRA__


main()
'''

EXTRAS = {
    "good": "",
    "no_signal": "",  # the good program with NO_SIGNAL's parameters
    "sharp": "",  # the good program with SHARP's parameters
    # a typo in the last step: the traceback names it
    "crash": "pd.DataFrame({idc: test[idc]}).to_csv(out / 'private' / missing_name, index=False)",
    # a second, unseeded stream: every run writes another noise column
    "unseeded": "pd.DataFrame({idc: test[idc], 'jitter': np.random.default_rng().random(len(test))}).to_csv("
                "out / 'public' / 'extra.csv', index=False)",
    # a training row without its id: the generator's own checks pass, the data contract (ids not null) does not
    "null_id": "train.assign(**{idc: train[idc].where(np.arange(len(train)) > 0), target: y[:a.n_train]}).to_csv("
               "out / 'public' / 'train.csv', index=False)",
    # the test answers copied next to the test table
    "leak": "pd.DataFrame({idc: test[idc], target: y[a.n_train:]}).to_csv(out / 'public' / 'test_labels.csv', "
            "index=False)",
}


# the same program with every weight of the rule at zero: a label that no feature predicts, so the solution ladder's
# levels score alike (its order and its gain over the sample submission fail, not the generator's own checks)
NO_SIGNAL = {**RULE["rule_params"], "w_main": 0.0, "w_pair": 0.0, "w_inter": 0.0, "w_step": 0.0}
# the same program with a stronger interaction: the tree levels of the ladder stand clear of the linear ones, so its
# medals hold under fresh ladder seeds on slots where the good program's interleaving levels fail `medals_stable`
SHARP = {**RULE["rule_params"], "w_inter": 3.0}


def program(schema: dict[str, Any], variant: str = "good", extra: str | None = None) -> str:
    """The generator source for a schema (`prompt_schema`), one of the EXTRAS variants (`no_signal`: with the
    rule's weights all zero; `sharp`: with a stronger interaction) or a custom last line."""
    params = {"no_signal": NO_SIGNAL, "sharp": SHARP}.get(variant, RULE["rule_params"])
    return (_GOOD.replace("__SCHEMA__", repr(json.dumps(schema))).replace("__PARAMS__", repr(json.dumps(params)))
            .replace("__EXTRA__", EXTRAS[variant] if extra is None else extra))


def _json_after(text: str, marker: str, end: str) -> Any:
    start = text.index(marker) + len(marker)
    start = text.index("\n", start) + 1
    return json.loads(text[start:text.index(end, start)])


def prompt_schema(prompt: str) -> dict[str, Any]:
    """What a model reads off the developer's generator prompt: id, features and target of the public spec."""
    spec = _json_after(prompt, "Public spec (micro scale", "\n\nHidden rule")
    return {"id": spec["id_column"], "target": spec["target"]["columns"][0], "classes": spec.get("classes"),
            "metric_kind": spec["metric"]["kind"],
            "features": [{"name": c["name"], "kind": c["kind"], "levels": c.get("levels")} for c in spec["columns"]]}


def _first_prompt(body: dict[str, Any]) -> str:
    return body["messages"][0]["content"][0]["text"]


def script_rule_reply() -> Reply:
    return tool_reply("propose_script_rule", RULE)


def generator_reply(variant: str = "good", extra: str | None = None):
    """A responder: the generator program for the columns named in the request's prompt (`variant` "image", "audio"
    or "graph": that modality's generator; `extra`: the tabular or graph program's extra line)."""
    def respond(body: dict[str, Any]) -> Reply:
        schema = prompt_schema(_first_prompt(body))
        media = {"image": image_program, "audio": audio_program, "graph": lambda sc: graph_program(sc, extra or "")}
        source = media.get(variant, lambda sc: program(sc, variant, extra))(schema)
        return tool_reply("submit_generator", {"source": source})
    return respond


def ladder_reply():
    """A responder: sandmle's own ladder rendered for the ladder config named in the developer's prompt."""
    def respond(body: dict[str, Any]) -> Reply:
        config = LadderConfig.model_validate(_json_after(_first_prompt(body), "Ladder config", "\n\nFirst rows"))
        return tool_reply("submit_ladder", {"scripts": [
            {"level": s.level, "name": s.name, "summary": s.summary[:300], "source": s.source}
            for s in ladder_for(config)]})
    return respond


_IMAGE = r'''"""generate.py: 32x32 leaf photographs whose class is the orientation of their veins; noise metadata."""
import argparse
import json
from pathlib import Path

import numpy as np
import pandas as pd
from PIL import Image, ImageDraw

SCHEMA = json.loads(__SCHEMA__)
P = json.loads(__PARAMS__)


def leaf(rng, label, k):
    angle = np.pi * label / k + rng.normal(0, P["angle_sd"])
    img = Image.new("L", (32, 32), int(rng.integers(40, 90)))
    draw = ImageDraw.Draw(img)
    for _ in range(int(rng.integers(3, 6))):
        cx, cy = rng.uniform(6, 26, 2)
        dx, dy = 7 * np.cos(angle), 7 * np.sin(angle)
        draw.line([(cx - dx, cy - dy), (cx + dx, cy + dy)], fill=int(rng.integers(150, 230)), width=2)
    pixels = np.asarray(img, dtype=float) + rng.normal(0, P["pixel_noise"], (32, 32))
    return Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--n-train", type=int, required=True)
    ap.add_argument("--n-test", type=int, required=True)
    ap.add_argument("--seed", type=int, required=True)
    ap.add_argument("--scale", choices=["micro", "full"], default="micro")
    a = ap.parse_args()
    rng = np.random.default_rng(a.seed)
    n, classes = a.n_train + a.n_test, SCHEMA["classes"]
    labels = rng.integers(0, len(classes), n)
    ids = [f"img_{i:06d}" for i in 100000 + rng.permutation(n)]
    out = Path(a.out)
    (out / "public" / "images").mkdir(parents=True)
    (out / "private").mkdir()
    cols = {}
    for f in SCHEMA["features"]:
        if f["kind"] == "image":
            cols[f["name"]] = [f"images/{i}.png" for i in ids]
        else:
            cols[f["name"]] = np.round(rng.uniform(5, 50, n), 2)
    for i, label in zip(ids, labels):
        leaf(rng, label, len(classes)).save(out / "public" / "images" / f"{i}.png", optimize=False)
    idc, target = SCHEMA["id"], SCHEMA["target"]
    frame = pd.DataFrame({idc: ids, **cols})
    y = np.array(classes)[labels]
    train, test = frame.iloc[:a.n_train], frame.iloc[a.n_train:]
    train.assign(**{target: y[:a.n_train]}).to_csv(out / "public" / "train.csv", index=False)
    test.to_csv(out / "public" / "test.csv", index=False)
    prior = pd.Series(y[:a.n_train]).value_counts().sort_index().idxmax()
    pd.DataFrame({idc: test[idc], target: prior}).to_csv(out / "public" / "sample_submission.csv", index=False)
    answers = pd.DataFrame({idc: test[idc], target: y[a.n_train:]})
    answers.to_csv(out / "private" / "answers.csv", index=False)
    answers.to_csv(out / "private" / "oracle_submission.csv", index=False)


main()
'''

IMAGE_RULE = {
    "title": "Leaf Clinic: Name the Condition from a Close-Up Photograph",
    "story": "A plant clinic receives close-up photographs of crop leaves from growers and wants a first automatic "
             "reading of the condition, so that its agronomists can start with the leaves that need them most.",
    "rule_words": "Each condition shows as vein-like strokes at its own orientation (evenly spaced over half a turn), "
                  "a few strokes per leaf at random places, on a background of random brightness with pixel noise. "
                  "The capture metadata carries no signal.",
    "rule_params": {"angle_sd": 0.12, "pixel_noise": 30.0},
}


def image_program(schema: dict[str, Any]) -> str:
    """The image generator for a schema (`prompt_schema`, with classes)."""
    return _IMAGE.replace("__SCHEMA__", repr(json.dumps(schema))).replace(
        "__PARAMS__", repr(json.dumps(IMAGE_RULE["rule_params"])))


_AUDIO = r'''"""generate.py: one-second gearbox recordings; a fault is a short upward sweep hidden in hum and noise."""
import argparse
import json
import wave
from pathlib import Path

import numpy as np
import pandas as pd

SCHEMA = json.loads(__SCHEMA__)
P = json.loads(__PARAMS__)
RATE = 4000


def clip(rng, fault):
    t = np.arange(RATE) / RATE
    x = rng.normal(0, P["noise"], RATE) * rng.uniform(0.6, 1.4)
    for _ in range(int(rng.integers(1, 4))):  # hum and distractor tones in both classes
        f0, start = rng.uniform(150, 1800), rng.uniform(0, 0.8)
        x += rng.uniform(0.1, 0.4) * np.sin(2 * np.pi * f0 * t) * ((t > start) & (t < start + rng.uniform(0.1, 0.2)))
    if fault:
        start, length = rng.uniform(0.05, 0.8), P["event_seconds"]
        inside = (t > start) & (t < start + length)
        tau = np.clip(t - start, 0, length)
        phase = 2 * np.pi * (P["f_low"] * tau + (P["f_high"] - P["f_low"]) * tau ** 2 / (2 * length))
        x += P["event_gain"] * rng.uniform(0.5, 1.5) * np.sin(phase) * inside
    return np.clip(x / 3.0, -1, 1)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--n-train", type=int, required=True)
    ap.add_argument("--n-test", type=int, required=True)
    ap.add_argument("--seed", type=int, required=True)
    ap.add_argument("--scale", choices=["micro", "full"], default="micro")
    a = ap.parse_args()
    rng = np.random.default_rng(a.seed)
    n = a.n_train + a.n_test
    y = (rng.random(n) < P["fault_share"]).astype(int)
    ids = [f"clip_{i:06d}" for i in 100000 + rng.permutation(n)]
    out = Path(a.out)
    (out / "public" / "clips").mkdir(parents=True)
    (out / "private").mkdir()
    for i, fault in zip(ids, y):
        with wave.open(str(out / "public" / "clips" / f"{i}.wav"), "wb") as w:
            w.setnchannels(1)
            w.setsampwidth(2)
            w.setframerate(RATE)
            w.writeframes((clip(rng, fault) * 32767).astype("<i2").tobytes())
    idc, target = SCHEMA["id"], SCHEMA["target"]
    media = [f["name"] for f in SCHEMA["features"] if f["kind"] == "audio"][0]
    frame = pd.DataFrame({idc: ids, media: [f"clips/{i}.wav" for i in ids]})
    train, test = frame.iloc[:a.n_train], frame.iloc[a.n_train:]
    train.assign(**{target: y[:a.n_train]}).to_csv(out / "public" / "train.csv", index=False)
    test.to_csv(out / "public" / "test.csv", index=False)
    prior = round(float(y[:a.n_train].mean()), 6)
    pd.DataFrame({idc: test[idc], target: prior}).to_csv(out / "public" / "sample_submission.csv", index=False)
    pd.DataFrame({idc: test[idc], target: y[a.n_train:]}).to_csv(out / "private" / "answers.csv", index=False)
    pd.DataFrame({idc: test[idc], target: y[a.n_train:].astype(float)}).to_csv(
        out / "private" / "oracle_submission.csv", index=False)


main()
'''

AUDIO_RULE = {
    "title": "Gearbox Watch: Hear the Fault Before the Turbine Stops",
    "story": "A wind farm records one second of gearbox sound from every turbine each hour and wants to flag the "
             "recordings that carry the signature of a developing gear fault, so that crews can inspect early.",
    "rule_words": "A faulty gearbox adds one short upward frequency sweep at a random moment of the clip; every clip "
                  "has broadband noise of random level and one to three hum or distractor tones at random pitches.",
    "rule_params": {"noise": 0.5, "event_seconds": 0.15, "f_low": 500.0, "f_high": 1100.0, "event_gain": 0.5,
                    "fault_share": 0.4},
}


def audio_program(schema: dict[str, Any]) -> str:
    """The audio generator for a schema (`prompt_schema`)."""
    return _AUDIO.replace("__SCHEMA__", repr(json.dumps(schema))).replace(
        "__PARAMS__", repr(json.dumps(AUDIO_RULE["rule_params"])))
