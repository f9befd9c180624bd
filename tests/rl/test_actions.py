"""Parsing agent actions: JSON, tags, dicts and models; malformed input gets a reason, never a crash."""

from __future__ import annotations

import pytest

from sandmle_core.consume.gym import Action, ActionError, parse_action


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ({"tool": "python", "code": "print(1)"}, Action(tool="python", code="print(1)")),
        ('{"tool": "bash", "command": "ls public"}', Action(tool="bash", command="ls public")),
        ("Let me look.\n<python>\nimport pandas\nprint(2)\n</python>\nthen more", Action(tool="python",
                                                                                       code="import pandas\nprint(2)")),
        ("<bash>wc -l public/train.csv</bash>", Action(tool="bash", command="wc -l public/train.csv")),
        ("I am done. <submit/>", Action(tool="submit")),
        ("<score></score>", Action(tool="score")),
        ("<bash>ls</bash> and later <submit/>", Action(tool="bash", command="ls")),  # the first tag wins
        (Action(tool="score"), Action(tool="score")),
    ],
)
def test_valid_actions(raw, expected):
    assert parse_action(raw) == expected


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("just thinking out loud", "no action found"),
        ('{"tool": "python", "code": ', "does not parse"),
        ('{"tool": "rm", "command": "x"}', "invalid action"),
        ({"tool": "python"}, "needs a non-empty `code`"),
        ({"tool": "bash", "command": "   "}, "needs a non-empty `command`"),
        ({"tool": "python", "code": "x", "extra": 1}, "invalid action"),
        ('["python"]', "no action found"),
        ({"tool": "python", "code": "#" * 130_000}, "longer than"),
    ],
)
def test_malformed_actions_say_why(raw, reason):
    with pytest.raises(ActionError) as info:
        parse_action(raw)
    assert reason in info.value.reason
