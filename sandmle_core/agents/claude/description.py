"""The whole description.md written by the model, and the code that verifies its facts before it is accepted.

The writer writes every prose section (title, Overview, Data, Evaluation, Submission) through the tool
`write_description`, one field per section, from the public spec and the public folder's listing alone. Prose is the
model's; facts are checked by code (`fact_problems`), every problem listed at once so one repair round can fix all:

- the Data section names every top-level entry of `prepared/public/` (files and media folders) and every field of
  every public CSV header (ids, features, targets, the graph's `source`/`target`, ...);
- the Submission section states the sample submission's header exactly (`id,target`: the id column and the
  submission columns in their order);
- the Evaluation section names the metric (its registry name, its title or the title's abbreviation) and does not
  contradict its direction;
- nothing names a file or column that does not exist: every name-like code span (`x`) and every snake_case word of
  the prose is a public column, class, category level, file or folder, and every file name is a public entry
  (or `submission.csv`, the agent's own output);
- the sections carry no `#`/`##` heading of their own (sandmle adds them).

The exact submission block (rows, columns, what each value is, example rows from the sample submission) is appended
verbatim under the model's Submission section: the checks can prove that names and the header are stated, not that
every statement about the format is right (probabilities summing to 1, the keyed comment rule, a per-pixel id), and
this block is rendered from the grader's own spec and the sample submission, so it is always exact and cannot leak.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field

from sandmle_core.agents.offline.writer import render_description
from sandmle_core.envfolder import sample_submission_name
from sandmle_core.metrics import get_metric
from sandmle_core.taskspec import TaskSpec

__all__ = ["OWN_OUTPUT", "DescriptionFacts", "DescriptionProposal", "assemble_description", "fact_problems",
           "rendered_submission_format"]

OWN_OUTPUT = "submission.csv"  # the file the agent writes: a description may name it
_FILE = re.compile(r"(?<![\w/.-])[\w./-]*\w\.(?:csv|tsv|json|jsonl|txt|zip|tar|gz|png|jpe?g|wav|aif|aiff|mp3|flac|"
                   r"npy|npz|parquet|pdf|xlsx?|h5|pkl|tiff?|bmp|gif|mp4)\b", re.IGNORECASE)
_IDENTIFIER = re.compile(r"(?<![\w.])[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?![\w])")  # as realism's generator-identifier
_SPAN = re.compile(r"`([^`\n]+)`")
_CODE = re.compile(r"```.*?```|`[^`\n]*`|\]\([^)]*\)", re.DOTALL)
_NAME_LIKE = re.compile(r"^[\w./@-]+$")
_HEADING = re.compile(r"^\s{0,3}#{1,2}(?!#)\s", re.MULTILINE)


class DescriptionProposal(BaseModel):
    """The prose sections of description.md; sandmle adds the headings and the exact submission block."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    title: str = Field(min_length=10, max_length=120, description="the title line (plain text, no '#')")
    overview: str = Field(min_length=80, max_length=3000, description="Overview: the situation, who needs the "
                                                                      "prediction and why, what one row is")
    data: str = Field(min_length=80, max_length=30000, description="Data: every public file and folder, and every "
                                                                  "column of every table in backticks, in your words")
    evaluation: str = Field(min_length=40, max_length=3000, description="Evaluation: the metric by name, its "
                                                                        "direction, what it rewards")
    submission: str = Field(min_length=40, max_length=3000, description="Submission: what to submit, with the exact "
                                                                        "sample-submission header line")


@dataclass(frozen=True)
class DescriptionFacts:
    """What a description must state and may name, read from the public folder, the spec and the sample."""

    entries: tuple[str, ...]  # top-level names of prepared/public ("images/" for a folder)
    headers: dict[str, tuple[str, ...]]  # CSV file -> its header fields
    header: str  # the sample submission's header line
    metric_names: tuple[str, ...]
    lower_is_better: bool
    sample_file: str  # its fields are stated by the header line, not required in the Data section
    known: frozenset[str]  # every name the text may use

    @classmethod
    def of(cls, spec: TaskSpec, public: Path, sample: pd.DataFrame) -> DescriptionFacts:
        paths = sorted(p for p in public.iterdir() if not p.name.startswith("."))
        entries = tuple(p.name + ("/" if p.is_dir() else "") for p in paths)
        headers = {p.name: tuple(str(c) for c in pd.read_csv(p, nrows=0).columns)
                   for p in paths if p.is_file() and p.suffix == ".csv"}
        metric = get_metric(spec.grading.metric)
        title = metric.title
        short = re.findall(r"\(([^)]+)\)", title)
        names = (metric.name, metric.name.replace("_", " "), title, re.sub(r"\s*\([^)]*\)", "", title), *short)
        levels = {str(v) for c in spec.columns for v in (c.levels or ())}
        known = {e.rstrip("/") for e in entries} | {Path(e).stem for e in entries} | {OWN_OUTPUT, metric.name}
        known |= {f for fields in headers.values() for f in fields} | levels
        known |= {c.name for c in spec.columns} | set(spec.target.columns) | set(spec.target.classes or ())
        known |= {spec.grading.id_column, *spec.grading.submission_columns, *spec.grading.passthrough_columns}
        # whatever sandmle's own rendering names is real too (classes of a labels-in-names layout, `.wav`, the
        # members of a zip, the fields of mlsp's essential_data files)
        rendered = render_description(spec, sample)
        known |= {_public_path(s.strip()) for s in _SPAN.findall(rendered)} | set(_IDENTIFIER.findall(rendered))
        known |= {_public_path(m.group(0)) for m in _FILE.finditer(rendered)}
        return cls(entries=entries, headers=headers, header=",".join(str(c) for c in sample.columns),
                   sample_file=sample_submission_name(spec.rule),
                   metric_names=tuple(dict.fromkeys(n for n in names if n)), lower_is_better=metric.lower_is_better,
                   known=frozenset(known))

    def listing(self) -> dict[str, list[str] | None]:
        """Each public entry and its header fields (None: a folder or a file that is not a table)."""
        return {e: list(self.headers[e]) if e in self.headers else None for e in self.entries}


def _says(text: str, name: str, ignore_case: bool = False) -> bool:
    """Whether `text` names `name` as a whole token (in code marks or not)."""
    return re.search(rf"(?<![\w.-]){re.escape(name)}(?![\w-])", text, re.IGNORECASE if ignore_case else 0) is not None


def _public_path(name: str) -> str:
    """A file name as the public folder holds it: `./public/train.csv` and `public/train.csv` are `train.csv`."""
    return re.sub(r"^(?:\./)?(?:prepared/)?(?:public/)?", "", name)


def _unknown_names(text: str, facts: DescriptionFacts) -> list[str]:
    """Files, folders and columns the text names that the environment does not have."""
    top = {e.rstrip("/") for e in facts.entries}
    top |= {Path(e).stem for e in top}  # `train/...` inside train.zip
    files = [_public_path(m.group(0)) for m in _FILE.finditer(text)]
    bad = [f for f in files if f not in facts.known and f.split("/")[0] not in top]
    for span in _SPAN.findall(text):
        span = _public_path(span.strip())
        if not _NAME_LIKE.match(span) or re.fullmatch(r"-?\d+(\.\d+)?", span):
            continue  # a formula, a header line, a number: not a name
        if span.rstrip("/") not in facts.known and span.split("/")[0] not in top:
            bad.append(span)
    bad += [w for w in _IDENTIFIER.findall(_CODE.sub(" ", text)) if w not in facts.known]
    return sorted(set(bad))


def fact_problems(proposal: DescriptionProposal, facts: DescriptionFacts) -> list[str]:
    """Every fact the proposal gets wrong or leaves out, each with its figure (see the module docstring)."""
    problems: list[str] = []
    sections = {"overview": proposal.overview, "data": proposal.data, "evaluation": proposal.evaluation,
                "submission": proposal.submission}
    if "\n" in proposal.title.strip() or proposal.title.lstrip().startswith("#"):
        problems.append("title: one plain line without '#'")
    for name, text in sections.items():
        if _HEADING.search(text):
            problems.append(f"{name}: no '#' or '##' headings (sandmle adds the section headings; use '###')")
    missing_entries = [e for e in facts.entries if not _says(proposal.data, e.rstrip("/"))]
    if missing_entries:
        problems.append(f"data: names {len(facts.entries) - len(missing_entries)} of {len(facts.entries)} public "
                        f"files and folders; missing {missing_entries}")
    fields = list(dict.fromkeys(f for file, fields in facts.headers.items() for f in fields
                                if file != facts.sample_file))
    missing = [f for f in fields if not _says(proposal.data, f)]
    if missing:
        problems.append(f"data: names {len(fields) - len(missing)} of {len(fields)} columns of the public tables; "
                        f"missing {missing[:20]}" + (f" and {len(missing) - 20} more" if len(missing) > 20 else ""))
    if facts.header not in proposal.submission:
        problems.append(f"submission: must state the sample submission's header exactly: {facts.header!r}")
    if not any(_says(proposal.evaluation, n, ignore_case=True) for n in facts.metric_names):
        problems.append(f"evaluation: must name the metric (one of {list(facts.metric_names)})")
    wrong = "higher is better" if facts.lower_is_better else "lower is better"
    if wrong in proposal.evaluation.lower():
        problems.append(f"evaluation: says {wrong!r}, but for this metric "
                        f"{'lower' if facts.lower_is_better else 'higher'} is better")
    for name, text in sections.items():
        unknown = _unknown_names(text, facts)
        if unknown:
            problems.append(f"{name}: names {len(unknown)} file(s) or column(s) the environment does not have: "
                            f"{unknown[:10]} (public entries: {list(facts.entries)})")
    return problems


def rendered_submission_format(spec: TaskSpec, sample: pd.DataFrame) -> str:
    """The offline writer's exact submission block: rows, columns, what each value is, example rows."""
    return render_description(spec, sample).partition("\n\n## Submission format\n\n")[2].rstrip()


def assemble_description(proposal: DescriptionProposal, spec: TaskSpec, sample: pd.DataFrame,
                         metric_note: str | None) -> str:
    """description.md from the model's sections, the MLOps note and the rendered exact submission block."""
    parts = [f"# {proposal.title.strip()}", "## Overview", proposal.overview.strip(), "## Data", proposal.data.strip(),
             "## Evaluation", proposal.evaluation.strip()]
    if metric_note:
        parts += ["### What the metric rewards here", metric_note.strip()]
    parts += ["## Submission format", proposal.submission.strip(), "### Exact format",
              rendered_submission_format(spec, sample)]
    return "\n\n".join(parts).rstrip() + "\n"
