"""Prompts of the `script` rule kind: the strategist's rule in words, the developer's generator program.

`table_layout` is the one statement of the files a generator must write (the prompt shows it, `generator.py` checks
the output against it): the public tables in the layout the modality's kit and ladder read, the sample submission,
and on the private side the answers and an oracle submission.
"""

from __future__ import annotations

import json
from typing import Any

from sandmle_core.agents.claude.prompts import public_spec
from sandmle_core.metrics import get_metric
from sandmle_core.modalities.graph import EDGES_FILE, ENDS, NODES_FILE, is_graph
from sandmle_core.script_rule import ScriptRule
from sandmle_core.spec import ColumnKind
from sandmle_core.taskspec import TaskSpec

__all__ = ["generator_prompt", "script_rule_prompt", "table_layout"]

_MEDIA = (ColumnKind.IMAGE, ColumnKind.AUDIO)
_GRAPH_LINES = f"""\
- a graph: public/{NODES_FILE} lists every node once (labelled, test and unlabelled nodes; it may hold more nodes \
than N + M) with its attributes, never its label; public/{EDGES_FILE} holds the undirected edges, `{ENDS[0]}` and \
`{ENDS[1]}` two distinct node ids of {NODES_FILE}, each pair once, the smaller id first; train.csv and test.csv \
name nodes of {NODES_FILE} by their id."""


def table_layout(spec: TaskSpec) -> dict[str, list[str]]:
    """Every CSV a generator writes under `--out`, with its columns in order (relative path -> columns). A node-
    classification graph keeps its columns in public/nodes.csv (every node, labelled or not) and its edges in
    public/edges.csv, as the graph kit, contract and ladder read them; train.csv and test.csv then hold node ids."""
    g = spec.grading
    features = [c.name for c in spec.columns if c.name != g.id_column]
    graph = {f"public/{NODES_FILE}": [g.id_column, *features], f"public/{EDGES_FILE}": list(ENDS)} if is_graph(
        spec) else {}
    tabled = [] if graph else features
    return {
        **graph,
        "public/train.csv": [g.id_column, *tabled, *spec.target.columns],
        "public/test.csv": [g.id_column, *tabled],
        "public/sample_submission.csv": [g.id_column, *g.submission_columns],
        "private/answers.csv": [g.id_column, *spec.target.columns],
        "private/oracle_submission.csv": [g.id_column, *g.submission_columns],
    }


def _json(value: Any) -> str:
    return json.dumps(value, indent=1, default=str)


def script_rule_prompt(scaffold: TaskSpec) -> str:
    """Ask the strategist to frame a drafted slot and state its hidden rule for a generator program."""
    return f"""\
Role: strategist. sandmle drafted this {scaffold.modality.value} environment; its columns, target and metric are \
fixed. Give it a title, a story and column descriptions, and state the HIDDEN RULE that generates the data: in \
words (which columns drive the target through which terms — linear, interactions, thresholds, per-level effects —, \
which columns carry no signal, the noise, missing values, the challenges {[c.value for c in scaffold.challenges]}) \
plus the named parameters (effect sizes, noise levels, shares) a program must use. Difficulty \
{scaffold.difficulty:.2f} (0 easy, 1 hard): a good model must beat a simple one, and nothing may be perfectly \
predictable. Call the tool `propose_script_rule`.

Drafted spec:
{_json(public_spec(scaffold))}
"""


def generator_prompt(spec: TaskSpec, previous: str | None = None) -> str:
    """Ask the developer for generate.py (it sees the hidden rule: it implements it); `previous`: the verifier's
    failed checks on the data of this slot's previous attempt."""
    assert isinstance(spec.rule, ScriptRule)
    metric = get_metric(spec.grading.metric)
    media = [c.name for c in spec.columns if c.kind in _MEDIA]
    return f"""\
Role: developer (data generator). Write `generate.py`, the program that synthesizes this environment's data from \
its hidden rule, by calling the tool `submit_generator`.

Command line: `python generate.py --out DIR --n-train N --n-test M --seed S --scale micro|full`. It writes exactly \
these CSV files under DIR (header row, columns in this order; ids unique, train and test ids disjoint):
{_json(table_layout(spec))}
- public/ is all an agent sees: never a target value of a test row there. private/answers.csv holds the test \
rows' targets; private/oracle_submission.csv is the best submission knowing the rule but not the noise.
- sample_submission.csv: an uninformed submission (the training prior / mean) for every test id, in the \
submission format of the metric {metric.name} ({metric.kind}); classes {list(spec.grading.classes or [])}.
{f"- media columns {media}: paths relative to public/ of files the program writes there." if media else ""}\
{_GRAPH_LINES if is_graph(spec) else ""}
- Deterministic: every random draw from `numpy.random.default_rng(S)`; no clock, no os.urandom, no hash() of \
strings, no set iteration order. The same options must give byte-identical files: it is run twice and compared.
- It runs in a sandbox without network and without any file outside its working directory: numpy, pandas and \
the standard library only. --scale full may be run with N up to 50,000: vectorize.
- Missing values only in the columns marked nullable; values within the columns' stated levels and ranges.

Public spec (micro scale: N={spec.n_train}, M={spec.n_test}):
{_json(public_spec(spec))}

Hidden rule (implement it; it never appears in any output file):
{spec.rule.words}
Parameters: {_json(spec.rule.params)}
""" + (f"""
The previous attempt of this slot generated data that the verifier rejected; write a program that avoids this:
{previous}
""" if previous else "")
