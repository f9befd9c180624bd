"""A typed voice's re-mention of a noun (`Voice.echo`): a fresh clause that uses the word again. A film synopsis and a
match commentary had three each, one of which fitted few of their nouns ("the galaxy will not stay buried", "the
spaceship will not stay buried"); each writes six now, three kind-tagged (`kinds`: "nobody trusts the detective", "all
roads lead back to the cursed house", "what a game the keeper is having"), and none says one thing of most words.
"""

from __future__ import annotations

import re
from collections import Counter

from sandmle_core.catalog import load_catalog
from sandmle_core.modalities.text.kinds import untag
from sandmle_core.modalities.text.phrases import voice_for
from sandmle_core.modalities.text.registers import REGISTERS
from tests.core.modalities.test_text_kinds import corpus

_SLOT = re.compile(r"\\\{(?:X|s|is|has)\\\}")


def _echo_patterns(register: str) -> dict[str, re.Pattern[str]]:
    """The register's echo templates as patterns over its documents ({X} any words, {s}/{is}/{has} any agreement)."""
    echoes = dict(REGISTERS)[register]["echo"]
    return {t: re.compile(_SLOT.sub(r"[\\w' -]*?", re.escape(untag(t))), re.IGNORECASE) for t in echoes}


def test_a_synopsis_and_a_commentary_take_up_a_thing_in_many_ways() -> None:
    voices = {d.key: voice_for(d.text.document).name for d in load_catalog().domains if d.text is not None}
    for name, register in (("synopsis", "catalogue synopsis"), ("commentary", "match commentary")):
        docs = [d for slot, ds in corpus().items() if voices[slot.rsplit("-", 1)[0]] == name for d in ds]
        assert docs, name
        used = Counter({t: sum(bool(p.search(d)) for d in docs) for t, p in _echo_patterns(register).items()})
        assert sum(n > 0 for n in used.values()) >= 5, (name, used)
        # no one clause takes up most things: measured 2026-12-07, the largest share 0.27 (synopsis) and 0.23
        assert max(used.values()) < 0.4 * sum(used.values()), (name, used)
    assert not [d for ds in corpus().values() for d in ds if "will not stay buried" in d]
