"""What the Claude roles are told: one long shared system prompt (cached) and one short user prompt per role.

The system prompt holds everything that is the same for every role and every environment — what sandmle builds,
the environment contract, the data, ladder and description rules, the review criteria — so it is written to the
prompt cache once and read back at a tenth of the input price by every later call (of any role) within the cache
lifetime. Role prompts carry only the slot's facts. Nothing here ever contains answers or the API key; only the
strategist and the reviewer see the hidden rule (the developer and the writer work from the public spec alone, so
they cannot leak what they do not know).
"""

from __future__ import annotations

import json
from typing import Any

from sandmle_core.ladder import LadderConfig
from sandmle_core.metrics import get_metric
from sandmle_core.modalities.graph import EDGES_FILE, NODES_FILE
from sandmle_core.modalities.tabular.rule import TabularRule
from sandmle_core.spec import Modality
from sandmle_core.taskspec import TaskSpec

__all__ = [
    "SYSTEM_PROMPT",
    "developer_prompt",
    "framing_prompt",
    "metric_choice_prompt",
    "metric_prompt",
    "overview_prompt",
    "public_spec",
    "review_prompt",
    "rule_summary",
    "strategist_prompt",
    "writer_prompt",
]

SYSTEM_PROMPT = """\
You are one of five cooperating agents in sandmle, an environment factory for training machine-learning-engineering \
(MLE) agents with on-policy reinforcement learning. sandmle follows the SandMLE method: it takes a seed task in the \
style of a Kaggle competition, extracts its "Task DNA" (modality, task type, metric and its direction, label \
cardinality, feature-type mix, class imbalance, missingness), moves that DNA to a new domain with a new hidden rule \
`target = f(features) + noise`, and caps the training data at 50-200 rows so that a full MLE attempt (read the task, \
preprocess, train, predict, submit) runs in seconds instead of hours. Thousands of such micro-scale environments \
are the training ground of an RL agent, so every environment must be correct, solvable, non-trivial and honest.

## The five roles
1. Strategist: keeps the seed's Task DNA, picks a domain, invents the public columns, the target and the hidden \
signal structure (which features drive the target and how). Numbers of the rule (loadings, calibration, noise) are \
drawn and calibrated by sandmle's code from the structure you propose and the slot's difficulty.
2. Developer: writes the solution ladder — standalone baseline scripts of rising strength whose scores on the \
hidden answers form the synthetic leaderboard and the medal thresholds. sandmle synthesizes the data itself.
3. MLOps engineer: the metric and direction are fixed by the seed; sandmle renders the deterministic grader. You \
explain what the metric rewards in this task's terms.
4. Technical writer: writes description.md (title, overview, data, evaluation, submission) from the public spec \
only; code checks that it names every public file and column, the exact submission header and the metric.
5. Verifier: sandmle runs every programmatic check; you add a review: does the description leak the hidden rule, \
and is the task meaningful?

Each role answers by calling exactly one tool with a JSON input that must satisfy the tool's schema and the rules \
in the tool's description. An invalid input comes back as a tool_result with is_error=true listing every problem: \
then call the same tool again with the whole corrected input. Code you write is executed in a sandbox without \
network; a crash, a timeout or a failed check comes back with the stderr tail and the failing figures for repair.

## The environment contract (what an RL agent sees)
- prepared/public/train.csv: the id column, the feature columns, the target column(s); 50-200 rows.
- prepared/public/test.csv: the id column and the features, never the target.
- prepared/public/sample_submission.csv: a valid submission holding the uninformed prior (class shares, majority \
class or training mean) — the baseline every medal must beat.
- description.md: the task, the data files, the columns, the metric and the submission format. It never states \
the hidden rule, never names which features matter or how, never quotes answers or the rule's numbers.
- Hidden from the agent: prepared/private/answers.csv, the oracle submission, config.yaml with the rule.
- Submissions: a CSV with the id column plus the submission columns: one probability column per class for \
multi-class log loss ("class_probabilities"), P(label = 1) per target column for AUC / binary log loss \
("probability"), a class label for accuracy / F1 / quadratic weighted kappa ("label"), a number for RMSE / MAE \
("value"). Rows are matched by id, order never matters, scores are rounded to 5 decimals.

## Rules for a good hidden rule (strategist)
- Plausible: a domain expert would believe the features could influence the target in the way you propose.
- Learnable but not trivial: several features carry signal, none of them alone reproduces the target (a \
single-feature leakage check rejects columns that predict the target almost perfectly), noise remains. Mix simple \
monotone effects with the structures the slot's challenges ask for (interactions, non-linearities, irrelevant \
features, high-cardinality categoricals, missing values, outliers, train/test shift, label noise).
- Public names and descriptions must be natural for the domain; they must not hint at the rule ("risk_driver_1", \
"important_feature" or "noise_column" are forbidden styles).
- Keep the seed's Task DNA: the same task type, the metric family, the label cardinality within the allowed range, \
roughly the seed's mix of numeric and categorical columns.

## Rules for the solution ladder (developer)
- 5 to 8 standalone Python scripts, levels 0..n-1 of rising expected strength. Level 0 is the uninformed prior and \
must predict exactly what the sample submission holds (class shares from train for probabilities, the majority \
class for labels, the training mean for values). Typical rungs: prior → one-feature model → linear model on \
numeric features → linear model with one-hot categoricals and missing indicators → random forest → gradient \
boosting or a small ensemble.
- Each script reads ./public/train.csv and ./public/test.csv and the other public files the task ships (a graph's \
nodes.csv and edges.csv, an image or audio folder, the paths the tables name), writes ./submission.csv with the id \
column and exactly the submission columns, in any row order; probabilities in [0, 1], class-probability rows summing \
to 1.
- Only numpy, pandas, scipy, scikit-learn, pillow and the standard library; no network, no files outside ./public and \
./submission.csv. Column names are baked into the script as literals.
- Seed: `SEED = int(os.environ.get("SANDMLE_SEED", "0"))`; every random_state uses SEED. \
`SUBSAMPLE = os.environ.get("SANDMLE_SUBSAMPLE", "1" if SEED else "0") == "1"`: when true the script fits on \
`train.sample(frac=0.9, random_state=SEED)` — the spread of competitors on the leaderboard — and otherwise on every \
row (the harness fits the build's seed 0 and a fresh re-run's first seed on every row).
- Robust to missing values (impute), unseen categorical levels in test, constant columns and tiny classes. A run \
must finish in a few seconds on 200 rows.
- The ladder must be ordered (Kendall tau between level and score >= 0.5, aim for >= 0.8), the best level must \
beat the sample submission clearly, and the medal thresholds derived from all runs must be strictly monotone.

## Rules for the description (writer) and the review (verifier)
- Write for an ML engineer: the situation, who needs the prediction and why, what one row is, what makes the data \
realistic (missing values, skew, shift) in neutral words. Never reveal which features drive the target, the form \
of the rule, any of its numbers, answers, or thresholds.
- Review honestly: flag a leak only when the text gives away the rule beyond what general domain knowledge would \
suggest; flag a task as not meaningful when the target is implausible for the features, the story contradicts the \
data, or the ladder shows no learnable signal.
"""


def public_spec(spec: TaskSpec) -> dict[str, Any]:
    """The public half of a spec: what an agent may know (no rule, no rng seed)."""
    metric = get_metric(spec.grading.metric)
    return {
        "title": spec.title,
        "domain": spec.domain.model_dump(mode="json"),
        "story": spec.story,
        "modality": spec.modality.value,
        "task_type": spec.task_type.value,
        "id_column": spec.grading.id_column,
        "columns": [c.model_dump(mode="json", exclude_none=True) for c in spec.columns],
        "target": spec.target.model_dump(mode="json", exclude_none=True),
        "metric": {"name": metric.name, "title": metric.title, "kind": metric.kind,
                   "lower_is_better": metric.lower_is_better, "optimum": metric.optimum},
        "submission_columns": list(spec.grading.submission_columns),
        "classes": list(spec.grading.classes) if spec.grading.classes else None,
        "n_train": spec.n_train,
        "n_test": spec.n_test,
        "challenges": [c.value for c in spec.challenges],
    }


def _json(value: Any) -> str:
    return json.dumps(value, indent=1, sort_keys=False, default=str)


def strategist_prompt(context: dict[str, Any]) -> str:
    """Ask for a tabular SpecProposal."""
    return f"""\
Role: strategist. Propose one tabular environment by calling the tool `propose_spec`.

Seed Task DNA (keep it):
{_json(context["dna"])}

Seed columns (for structure only; do not copy the seed's domain):
{_json(context["seed_columns"])}

This slot: index {context["index"]}, difficulty {context["difficulty"]} (0 easy … 1 hard), {context["n_train"]} \
training rows, {context["n_test"]} test rows. Challenges to build in: {context["challenges"] or "none"}.
Label cardinality allowed: {context["label_range"] or "not applicable"}. Aim for about {context["n_features"]} \
feature columns.

Suggested domain (from sandmle's catalog; the other slots of this seed get other catalog domains, so prefer this one \
unless it cannot host the task): {_json(context["domain"])}
Feature ideas from the catalog for this domain: {_json(context["domain_features"])}
"""


def framing_prompt(spec: TaskSpec) -> str:
    """Ask for a FramingProposal over a drafted non-tabular spec."""
    return f"""\
Role: strategist. sandmle drafted this {spec.modality.value} environment (its hidden rule and column names are fixed). \
Give it a better title, story and column descriptions by calling the tool `frame_spec`.

Public spec:
{_json(public_spec(spec))}
"""


def developer_prompt(spec: TaskSpec, config: LadderConfig, train_head: str, reference_level0: str) -> str:
    """Ask for the solution ladder of a built environment."""
    return f"""\
Role: developer. Write the solution ladder of this environment by calling the tool `submit_ladder`.

Public spec (you do not know the hidden rule; write honest baselines):
{_json(public_spec(spec))}

Ladder config (column names to bake in):
{_json(config.model_dump(mode="json"))}

First rows of ./public/train.csv:
```
{train_head}
```

{_public_files_note(spec)}A correct level-0 script for this exact task (reuse it verbatim as level 0 if you like):
```python
{reference_level0}
```
"""


def _public_files_note(spec: TaskSpec) -> str:
    """The public files a ladder script reads beyond train.csv and test.csv, named where the modality has them."""
    if spec.modality != Modality.GRAPH:
        return ""
    return (f"Besides train.csv and test.csv, ./public/{NODES_FILE} lists every node with its attributes and "
            f"./public/{EDGES_FILE} every edge; the rows of train.csv and test.csv are node ids (node pairs for link "
            "prediction), so levels above the prior join the node table and use the graph's structure.\n\n")


def metric_choice_prompt(spec: TaskSpec, candidates: list[str]) -> str:
    """Ask the MLOps engineer whether another registered metric would grade this task better."""
    seed = get_metric(spec.grading.metric)
    offered = "\n".join(f"- {m}: {get_metric(m).title}. {get_metric(m).description}" for m in candidates)
    return f"""\
Role: MLOps engineer. The seed grades this task with {seed.title} ({seed.name}, \
{"lower" if seed.lower_is_better else "higher"} is better). You may propose another metric, but only one of these \
(sandmle's registry, compatible with the seed's task type, direction and submission format); anything else is \
refused and the seed's metric kept. The graders are sandmle's: you only choose the name.
{offered}

Call the tool `propose_metric` with `metric` set to your choice, or null to keep {seed.name}, and a short reason.

Public spec:
{_json(public_spec(spec))}
"""


def metric_prompt(spec: TaskSpec, ladder_means: dict[int, float], sample: float) -> str:
    """Ask the MLOps engineer for the metric explanation."""
    metric = get_metric(spec.grading.metric)
    return f"""\
Role: MLOps engineer. The metric is fixed: {metric.title} ({metric.name}, \
{"lower" if metric.lower_is_better else "higher"} is better, optimum {metric.optimum}).
{metric.description}
Formula: {metric.formula}

Explain in 2-5 sentences what this metric rewards in this task's terms (which mistakes cost most, why calibrated \
or well-ranked predictions matter here) by calling the tool `explain_metric`. Do not quote scores or thresholds.

Public spec:
{_json(public_spec(spec))}
For your orientation only (do not quote): the ladder's mean score per level {_json(ladder_means)}, \
sample submission {sample}.
"""


def writer_prompt(spec: TaskSpec, metric_note: str | None, listing: dict[str, Any], header: str) -> str:
    """Ask for the whole description.md: one field per section (see `agents/claude/description.py`)."""
    metric = get_metric(spec.grading.metric)
    return f"""\
Role: technical writer. Write description.md by calling the tool `write_description`, one field per section: \
`title`, `overview`, `data`, `evaluation`, `submission`. Use only the public spec and the file listing below; \
sandmle adds the `#`/`##` headings (use `###` inside a section if you need one).
The text is accepted only when code verifies its facts:
- `data` names every public file and folder below and every column of every table (in backticks, exactly as the \
header spells it, each with what it means in your words), except the sample submission's columns;
- `submission` states the sample submission's header exactly: `{header}`;
- `evaluation` names the metric, {metric.title} ({metric.name}, {"lower" if metric.lower_is_better else "higher"} \
is better);
- no section names a file, folder or column that is not listed below.
sandmle appends the exact submission format (columns, value rules, example rows) under your submission text.

Public files (name -> the header of each table; null: a folder or a file that is not a table):
{json.dumps(listing)}

Public spec:
{_json(public_spec(spec))}
Metric formula: {metric.formula}
{f"The MLOps engineer's note on the metric (appears verbatim under Evaluation; do not repeat it): {metric_note}"
 if metric_note else ""}
"""


def overview_prompt(spec: TaskSpec, metric_note: str | None) -> str:
    """Ask for the Overview section alone (the fallback: sandmle renders the other sections)."""
    return f"""\
Role: technical writer. Write the Overview section of description.md (plain prose, 1-3 paragraphs, no headings, \
no tables: sandmle adds the data, column, evaluation and submission sections itself) by calling the tool \
`write_overview`. Use only the public spec below.

Public spec:
{_json(public_spec(spec))}
{f"The MLOps engineer's note on the metric (will appear under Evaluation): {metric_note}" if metric_note else ""}
"""


def rule_summary(spec: TaskSpec) -> str:
    """The hidden rule in words, for the reviewer (tabular: the signal terms; other modalities: the rule's JSON)."""
    rule = spec.rule
    if isinstance(rule, TabularRule):
        parts = []
        for term in rule.terms:
            if term.op == "level":
                parts.append(f"per-level effects of {term.features[0]}")
            elif term.op == "interaction":
                parts.append(f"interaction {term.features[0]} x {term.features[1]}")
            else:
                sign = "+" if (term.weights or (0.0,))[0] >= 0 else "-"
                parts.append(f"{term.op} effect of {term.features[0]} ({sign})")
        unused = [f.name for f in rule.features if all(f.name not in t.features for t in rule.terms)]
        return (f"signal = {'; '.join(parts)}; features without effect: {unused or 'none'}; "
                f"label noise {rule.label_noise}, noise sd {rule.noise_sd}, test shift {rule.test_shift}")
    text = json.dumps(rule.model_dump(mode="json"), sort_keys=True)
    return text[:3000] + (" …" if len(text) > 3000 else "")


def review_prompt(spec: TaskSpec, description: str, figures: dict[str, Any]) -> str:
    """Ask the verifier for its review of a built environment that passed every programmatic check."""
    return f"""\
Role: verifier. The environment below passed every programmatic check. Review it by calling the tool \
`review_environment`.

Hidden rule (never shown to agents): {rule_summary(spec)}

Ladder and grading figures: {_json(figures)}

description.md as the agent will read it:
<description>
{description}
</description>
"""
