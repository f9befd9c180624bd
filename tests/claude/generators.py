"""Generator programs for the `script` rule tests, and "models" that answer with them.

Each program is a real, small `generate.py` for a binary tabular task: it takes the contract's options, draws every
number from `numpy.random.default_rng(--seed)` and writes train/test/sample submission, answers and an oracle. The
scaffold's columns are only known once the strategist has drafted the slot, so the scripted developer reads them
from the prompt it is sent (as a model would) and bakes them into the program as `SCHEMA`. The broken variants
differ from the good one in one place: a crash, an unseeded generator, answers copied into public/, a read of a
host path, a network connection.
"""

from __future__ import annotations

import json
from typing import Any

from sandmle_core.ladder import LadderConfig, ladder_for
from tests.claude.fake_anthropic import Reply, tool_reply

__all__ = ["RULE", "generator_reply", "ladder_reply", "program", "prompt_schema", "script_rule_reply"]

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
    # a typo in the last step: the traceback names it
    "crash": "pd.DataFrame({idc: test[idc]}).to_csv(out / 'private' / missing_name, index=False)",
    # a second, unseeded stream: every run writes another noise column
    "unseeded": "pd.DataFrame({idc: test[idc], 'jitter': np.random.default_rng().random(len(test))}).to_csv("
                "out / 'public' / 'extra.csv', index=False)",
    # the test answers copied next to the test table
    "leak": "pd.DataFrame({idc: test[idc], target: y[a.n_train:]}).to_csv(out / 'public' / 'test_labels.csv', "
            "index=False)",
}


def program(schema: dict[str, Any], variant: str = "good", extra: str | None = None) -> str:
    """The generator source for a schema (`prompt_schema`), one of the EXTRAS variants or a custom last line."""
    return (_GOOD.replace("__SCHEMA__", repr(json.dumps(schema))).replace("__PARAMS__",
                                                                         repr(json.dumps(RULE["rule_params"])))
            .replace("__EXTRA__", EXTRAS[variant] if extra is None else extra))


def _json_after(text: str, marker: str, end: str) -> Any:
    start = text.index(marker) + len(marker)
    start = text.index("\n", start) + 1
    return json.loads(text[start:text.index(end, start)])


def prompt_schema(prompt: str) -> dict[str, Any]:
    """What a model reads off the developer's generator prompt: id, features and target of the public spec."""
    spec = _json_after(prompt, "Public spec (micro scale", "\n\nHidden rule")
    return {"id": spec["id_column"], "target": spec["target"]["columns"][0],
            "features": [{"name": c["name"], "kind": c["kind"], "levels": c.get("levels")} for c in spec["columns"]]}


def _first_prompt(body: dict[str, Any]) -> str:
    return body["messages"][0]["content"][0]["text"]


def script_rule_reply() -> Reply:
    return tool_reply("propose_script_rule", RULE)


def generator_reply(variant: str = "good", extra: str | None = None):
    """A responder: the generator program for the columns named in the request's prompt."""
    def respond(body: dict[str, Any]) -> Reply:
        return tool_reply("submit_generator", {"source": program(prompt_schema(_first_prompt(body)), variant, extra)})
    return respond


def ladder_reply():
    """A responder: sandmle's own ladder rendered for the ladder config named in the developer's prompt."""
    def respond(body: dict[str, Any]) -> Reply:
        config = LadderConfig.model_validate(_json_after(_first_prompt(body), "Ladder config", "\n\nFirst rows"))
        return tool_reply("submit_ladder", {"scripts": [
            {"level": s.level, "name": s.name, "summary": s.summary[:300], "source": s.source}
            for s in ladder_for(config)]})
    return respond
