"""The Data Docs entry page that renders with no network: static HTML tables built from the validation results.

great-expectations' own index page draws its table of validations with jQuery and bootstrap-table loaded from CDNs,
so on an offline machine (ours, the CI's, a cluster node) it shows an empty table. Its validation and suite pages
are rendered server-side and read fine without their stylesheets. This page replaces the site's `index.html`: one
row per validated artifact (status, expectations passed, a link to the validation page), then every failed
expectation with its observed value. No script, no external URL, inline CSS only; GX's index is kept beside it.
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["GX_INDEX", "ValidationRow", "row_of", "write_offline_index"]

GX_INDEX = "great_expectations_index.html"
_OBSERVED_CHARS = 160

_CSS = """body{font-family:sans-serif;margin:2em;color:#222}table{border-collapse:collapse;margin-bottom:2em}
th,td{border:1px solid #bbb;padding:4px 8px;text-align:left;vertical-align:top}th{background:#eee}
.ok{color:#1a7f37;font-weight:bold}.failed{color:#c62828;font-weight:bold}code{font-size:90%}"""


@dataclass(frozen=True)
class ValidationRow:
    """One artifact's validation: who, whether it passed, and what failed.

    Attributes:
        env_id: the environment.
        artifact: the artifact's stem (train, test, answers, ...).
        success: whether every expectation passed.
        evaluated: how many expectations ran.
        successful: how many passed.
        failures: (expectation type, its column or "", observed value as text) for each failed expectation.
        page: the validation page's path relative to the site folder, or "" when GX wrote none.
    """

    env_id: str
    artifact: str
    success: bool
    evaluated: int
    successful: int
    failures: tuple[tuple[str, str, str], ...] = field(default_factory=tuple)
    page: str = ""


def _observed(result: dict) -> str:
    value = result.get("observed_value", result.get("partial_unexpected_list", ""))
    text = value if isinstance(value, str) else json.dumps(value, default=str)
    return text if len(text) <= _OBSERVED_CHARS else text[:_OBSERVED_CHARS - 1] + "…"


def row_of(env_id: str, artifact: str, result: object, site: Path) -> ValidationRow:
    """The row of one GX `ExpectationSuiteValidationResult`, linked to its page in `site` when GX wrote one.

    Args:
        env_id: the environment.
        artifact: the artifact's stem.
        result: what `ValidationDefinition.run` returned.
        site: the Data Docs folder (searched for the validation page after the site is built).

    Returns:
        The row.
    """
    stats = result.statistics  # type: ignore[attr-defined]
    failures = tuple((r.expectation_config.type, str(r.expectation_config.kwargs.get("column", "")),
                      _observed(dict(r.result or {})))
                     for r in result.results if not r.success)  # type: ignore[attr-defined]
    pages = sorted((site / "validations" / env_id / artifact).glob("*/*/*.html"))
    return ValidationRow(env_id, artifact, bool(result.success),  # type: ignore[attr-defined]
                         int(stats["evaluated_expectations"]), int(stats["successful_expectations"]), failures,
                         pages[-1].relative_to(site).as_posix() if pages else "")


def _summary_table(rows: list[ValidationRow]) -> list[str]:
    out = ['<table id="validations"><thead><tr><th>Environment</th><th>Artifact</th><th>Status</th>'
           "<th>Expectations passed</th><th>Validation page</th></tr></thead><tbody>"]
    for r in rows:
        status = '<span class="ok">passed</span>' if r.success else '<span class="failed">FAILED</span>'
        link = f'<a href="{html.escape(r.page)}">details</a>' if r.page else "not written"
        out.append(f"<tr><td>{html.escape(r.env_id)}</td><td>{html.escape(r.artifact)}</td><td>{status}</td>"
                   f"<td>{r.successful} / {r.evaluated}</td><td>{link}</td></tr>")
    out.append("</tbody></table>")
    return out


def _failure_table(rows: list[ValidationRow]) -> list[str]:
    failed = [(r, f) for r in rows for f in r.failures]
    if not failed:
        return ["<p>No expectation failed.</p>"]
    out = ['<table id="failures"><thead><tr><th>Environment</th><th>Artifact</th><th>Expectation</th>'
           "<th>Column</th><th>Observed</th></tr></thead><tbody>"]
    out += [f"<tr><td>{html.escape(r.env_id)}</td><td>{html.escape(r.artifact)}</td><td>{html.escape(kind)}</td>"
            f"<td>{html.escape(column)}</td><td><code>{html.escape(observed)}</code></td></tr>"
            for r, (kind, column, observed) in failed]
    out.append("</tbody></table>")
    return out


def write_offline_index(rows: list[ValidationRow], site: Path) -> Path:
    """Write the site's `index.html` from `rows`, keeping great-expectations' own index as `GX_INDEX`.

    Args:
        rows: one per validated artifact, in the order to show.
        site: the Data Docs folder GX has just built.

    Returns:
        The new `index.html`.
    """
    index = site / "index.html"
    if index.is_file():
        index.replace(site / GX_INDEX)
    failed = sum(not r.success for r in rows)
    envs = len({r.env_id for r in rows})
    parts = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8"><title>sandmle data contracts</title>',
             f"<style>{_CSS}</style></head><body>", "<h1>sandmle data contracts</h1>",
             f"<p>{envs} environment(s), {len(rows)} artifact validation(s), {failed} failed. Each row links to "
             "great-expectations' validation page; its own index (which needs the network for its scripts) is "
             f'<a href="{GX_INDEX}">here</a>.</p>',
             "<h2>Validations</h2>", *_summary_table(rows), "<h2>Failed expectations</h2>", *_failure_table(rows),
             "</body></html>"]
    index.write_text("\n".join(parts) + "\n", encoding="utf-8")
    return index
