"""A script rule's environment after acceptance: the full-scale run in the pipeline, and byte-identical rebuilds.

Through the real anthropic SDK against the local Messages API (`fake_anthropic.py`), real generator programs in the
real sandbox and the great-expectations contracts. The full-scale run of an accepted generate.py happens after the
verifier accepted (it is a benchmark run, not a check): recorded in generate_transcript.json without seconds (those
are the manifest's timings), and a failing run stays accepted with a note in validation.json and the manifest. Two
builds of the same slot with the same scripted conversation give the same bytes in every file of the environment.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sandmle_core.agents.claude.generator import TRANSCRIPT_FILE
from sandmle_core.errors import SandboxError
from sandmle_core.layout import Corpus
from sandmle_core.pipeline import SlotJob, analyze_seed, read_profile, run_slot
from sandmle_core.records import ManifestRow
from sandmle_core.slots import SlotKey
from tests.claude.conftest import point_at
from tests.claude.fake_anthropic import FakeAnthropic
from tests.claude.generators import generator_reply, ladder_reply, script_rule_reply
from tests.claude.replies import description_reply, metric_reply, review_reply

pytestmark = pytest.mark.slow

RNG_SEED = 11
FAILS_AT_FULL_SCALE = "if a.scale == 'full': raise MemoryError('no memory for ' + str(a.n_train) + ' rows')"


def _build(corpus: Path, program=None) -> tuple[ManifestRow, Path]:
    from sandmle.data_contracts import contract_checker

    with FakeAnthropic() as fake, pytest.MonkeyPatch.context() as mp:
        point_at(mp, fake, corpus.parent / "slots", SANDMLE_CLAUDE_RULE="script")
        seed_id, path = analyze_seed("breast-cancer", corpus)
        fake.push(script_rule_reply(), program or generator_reply(), ladder_reply(), metric_reply(),
                  description_reply(), review_reply())
        row = run_slot(SlotJob(SlotKey(seed_id, RNG_SEED, 0), "breast-cancer", read_profile(path), str(corpus),
                               backend="claude", max_attempts=1), contract_checker)
        assert fake.unscripted == 0
    return row, Corpus(corpus).env_dir(row.env_id)


def _files(env_dir: Path) -> dict[str, bytes]:
    return {p.relative_to(env_dir).as_posix(): p.read_bytes() for p in sorted(env_dir.rglob("*")) if p.is_file()}


def test_two_builds_of_the_same_inputs_are_byte_identical(tmp_path):
    (row_a, env_a), (row_b, env_b) = _build(tmp_path / "a" / "corpus"), _build(tmp_path / "b" / "corpus")
    assert row_a.status == row_b.status == "accepted", (row_a.reason, row_b.reason)
    a, b = _files(env_a), _files(env_b)
    assert "prepared/private/generate_transcript.json" in a and "config.yaml" in a and len(a) > 10
    assert sorted(a) == sorted(b)
    assert [name for name in a if a[name] != b[name]] == []
    assert row_a.data_hash == row_b.data_hash
    # the seconds of both full-scale runs are in the manifest, not in the environment
    assert json.loads(row_a.timings_json)["full_scale"] > 0 and json.loads(row_b.timings_json)["full_scale"] > 0


def test_a_program_failing_at_full_scale_is_accepted_with_a_visible_note(tmp_path):
    row, env_dir = _build(tmp_path / "corpus", generator_reply(extra=FAILS_AT_FULL_SCALE))
    assert row.status == "accepted", row.reason
    record = json.loads((env_dir / "prepared" / "private" / TRANSCRIPT_FILE).read_text())["full_scale"]
    assert record["outcome"] == "crashed" and "no memory for" in record["problem"]
    validation = json.loads((env_dir / "validation.json").read_text())
    assert validation["accepted"]
    [note] = [n for n in validation["notes"] if n.startswith("full-scale run crashed")]
    assert f"({record['n_train']} train rows)" in note and "no memory for" in note
    assert note in (row.notes or "")
    assert json.loads(row.timings_json)["full_scale"] > 0


class _NoSandboxAtFullScale:
    """A developer whose full-scale run cannot start: the strict sandbox is gone by the time the slot is accepted."""

    def run_full_scale(self, spec, staging):
        raise SandboxError("no strict sandbox backend is available")


def test_a_full_scale_run_the_sandbox_cannot_start_is_a_note_not_a_crash(tmp_path):
    from types import SimpleNamespace

    from sandmle_core.agents.base import Verdict
    from sandmle_core.generate import _Ledger, _run_full_scale

    verdict = Verdict(env_id="e", accepted=True, checks=[], notes=["earlier note"])
    ledger = _Ledger()
    backend = SimpleNamespace(developer=_NoSandboxAtFullScale())
    out = _run_full_scale(None, SimpleNamespace(staging=tmp_path), verdict, backend, ledger)
    assert out.accepted and out.notes[0] == "earlier note"
    assert out.notes[1] == "full-scale run not made (SandboxError): no strict sandbox backend is available"
    assert "full_scale" not in ledger.timings
