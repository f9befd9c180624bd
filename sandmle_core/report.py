"""The corpus report written into the corpus on every build: `report.json` (machine-readable) and `report.md`.

Why: a resumed build's summary used to count only this run's slots ("1 slots, 0 accepted") while the corpus held
more. The report covers both: the slots of this run, and the totals of the whole corpus read back from its manifest
and failure records (counts by status, yield, modality and seed mix, quality figures, every failure). Plain
standard library plus `records`; written atomically, group-readable.
"""

from __future__ import annotations

import json
import os
import statistics
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from sandmle_core.layout import Corpus
from sandmle_core.records import ManifestRow, read_failures, read_manifest

__all__ = ["corpus_totals", "diff_corpora", "image_variety", "totals_markdown", "variety_markdown", "write_report"]


def corpus_totals(corpus: Corpus) -> dict[str, Any]:
    """The whole corpus as its manifest and failure records say: counts, yield, mix and quality figures.

    Returns:
        {"slots", "status", "accepted", "yield", "modality", "seed", "metric", "reference_score_median",
        "kendall_tau_median", "open_failures"}.
    """
    rows = read_manifest(corpus).to_pylist()
    status = Counter(r["status"] for r in rows)
    accepted = [r for r in rows if r["status"] == "accepted"]

    def median(key: str) -> float | None:
        values = [r[key] for r in accepted if r.get(key) is not None]
        return round(statistics.median(values), 4) if values else None

    return {"slots": len(rows), "status": dict(sorted(status.items())), "accepted": len(accepted),
            "yield": round(len(accepted) / len(rows), 4) if rows else 0.0,
            "modality": dict(sorted(Counter(str(r["modality"]) for r in accepted).items())),
            "seed": dict(sorted(Counter(r["seed_id"] for r in accepted).items())),
            "metric": dict(sorted(Counter(str(r["metric"]) for r in accepted).items())),
            "reference_score_median": median("reference_score"), "kendall_tau_median": median("kendall_tau"),
            "open_failures": len(read_failures(corpus))}


def totals_markdown(totals: Mapping[str, Any]) -> str:
    """The corpus totals as a markdown section (appended to the build summary)."""
    mix = ", ".join(f"{k} {v}" for k, v in totals["modality"].items()) or "none"
    status = ", ".join(f"{k} {v}" for k, v in totals["status"].items()) or "none"
    return (f"\n## Corpus totals (all builds)\n\n- slots: {totals['slots']} ({status})\n"
            f"- **{totals['accepted']} accepted**, yield {100 * totals['yield']:.1f}%\n- modality mix: {mix}\n"
            f"- open failure records: {totals['open_failures']}\n")


def image_variety(corpus: Corpus, run_rows: Sequence[ManifestRow]) -> dict[str, Any]:
    """How far apart the image environments this run accepted look (issue 16: the image environments of one build
    must not look alike): `modalities.image.variety.alike_environments` over each one's public images, and the slots
    publishing withheld as alike to a published environment (`image_index`).

    Returns:
        its dict ("environments": how many shipped images, "closest", "alike", "between_min"; no pair when fewer
        than two did), "withheld": [[env id, its manifest reason], ...] of this run's slots that every attempt left
        withheld as alike (status failed; a duplicate row of a manifest written before retries), and "retried":
        [[env id, its notes], ...] of the slots that landed on a later attempt after one was withheld as alike.
    """
    from sandmle_core.image_index import ALIKE_REASON
    from sandmle_core.modalities.image.variety import alike_environments

    # every accepted environment that ships images (loose or zipped); `alike_environments` leaves out the others
    folders = {r.env_id: corpus.env_dir(r.env_id) / "prepared" / "public" for r in run_rows
               if r.status == "accepted" and corpus.is_published(r.env_id)}
    withheld = [[r.env_id, r.reason] for r in run_rows
                if r.status in ("duplicate", "failed") and ALIKE_REASON in (r.reason or "")]
    retried = [[r.env_id, r.notes] for r in run_rows if r.status == "accepted" and ALIKE_REASON in (r.notes or "")]
    return {**alike_environments(folders), "withheld": sorted(withheld), "retried": sorted(retried)}


def variety_markdown(variety: Mapping[str, Any]) -> str:
    """The image-variety line of the build summary (empty when fewer than two image environments landed and none
    was withheld as alike)."""
    from sandmle_core.modalities.image.variety import ALIKE_FACTOR

    withheld, retried = variety.get("withheld") or [], variety.get("retried") or []
    if variety["environments"] < 2 and not withheld and not retried:
        return ""
    closest = variety["closest"]
    line = f"\n## Image variety (this run)\n\n- {variety['environments']} image environments"
    if closest is not None:
        a, b, d, ratio = closest
        line += (f", closest pair {a} / {b}: {d}, {ratio}x the distance of random splits of their pooled images "
                 f"(alike at <= {ALIKE_FACTOR}x)")
    elif variety["environments"] >= 2:
        line += f", every pair further apart than {2 * ALIKE_FACTOR}x its environments' own split noise"
    if not variety["alike"]:
        line += "; none alike"
    else:
        pairs = ", ".join(f"{p[0]} / {p[1]} ({p[2]} <= {p[3]})" for p in variety["alike"][:5])
        line += f"; **{len(variety['alike'])} alike pair(s)**: {pairs}"
    if retried:
        named = "; ".join(f"{env_id} after {notes}" for env_id, notes in retried[:5])
        line += f"\n- {len(retried)} landed on a retry after an attempt was withheld at publish as alike: {named}"
    if withheld:
        named = "; ".join(f"{env_id}: {reason}" for env_id, reason in withheld[:5])
        line += (f"\n- **{len(withheld)} withheld at publish as alike to a published environment, no attempt "
                 f"landed**: {named}")
    return line + "\n"


def write_report(corpus: Corpus, run_rows: Sequence[ManifestRow], summary: str, run: Mapping[str, Any],
                 variety: Mapping[str, Any] | None = None) -> Path:
    """Write `report.json` and `report.md` into the corpus (replacing the previous build's); returns report.json.

    Args:
        run_rows: this run's slots.
        summary: this run's markdown summary (with the corpus totals section).
        run: facts of the run (flow, build id, wall seconds, ...).
        variety: `image_variety` of this run, kept under this_run.image_variety.
    """
    totals = corpus_totals(corpus)
    failures = [f.model_dump() for f in read_failures(corpus)]
    data = {"run": dict(run), "this_run": {"slots": len(run_rows),
                                           "status": dict(sorted(Counter(r.status for r in run_rows).items())),
                                           "image_variety": dict(variety) if variety is not None else None},
            "corpus": totals, "failures": failures}
    corpus.root.mkdir(parents=True, exist_ok=True)
    for name, text in (("report.json", json.dumps(data, indent=2, default=str) + "\n"), ("report.md", summary)):
        tmp = corpus.root / f".{name}.tmp"
        tmp.write_text(text)
        os.chmod(tmp, 0o644)
        tmp.replace(corpus.root / name)
    return corpus.root / "report.json"


def diff_corpora(old: Corpus, new: Corpus) -> dict[str, list[dict[str, Any]]]:
    """What `new` added, dropped or changed relative to `old`, by slot, from their manifests (two nightlies).

    Returns:
        {"added": rows of slots only in `new`, "dropped": rows of slots only in `old`, "changed": slots in both whose
        env id or status differs, as {"slot", "old_env_id", "new_env_id", "old_status", "new_status"}}.
    """
    a = {r["slot"]: r for r in read_manifest(old).to_pylist()}
    b = {r["slot"]: r for r in read_manifest(new).to_pylist()}
    keep = ("slot", "env_id", "status", "seed_id", "modality")
    changed = [{"slot": s, "old_env_id": a[s]["env_id"], "new_env_id": b[s]["env_id"], "old_status": a[s]["status"],
                "new_status": b[s]["status"]}
               for s in sorted(a.keys() & b.keys())
               if (a[s]["env_id"], a[s]["status"]) != (b[s]["env_id"], b[s]["status"])]
    return {"added": [{k: b[s][k] for k in keep} for s in sorted(b.keys() - a.keys())],
            "dropped": [{k: a[s][k] for k in keep} for s in sorted(a.keys() - b.keys())], "changed": changed}
