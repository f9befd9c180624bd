"""Reward hacking from inside an episode fails: the answers are unreachable, the workspace cannot change a score,
linked submissions are not graded, and the sample submission earns no medal."""

from __future__ import annotations

import os
import shutil

import pandas as pd
import pytest

pytestmark = pytest.mark.slow

_PROBE = """
import os
targets = {targets!r}
for path in targets:
    try:
        with open(path) as fh:
            print("LEAK", path, fh.read(200))
    except OSError as exc:
        print("blocked", path, type(exc).__name__)
found = []
for root, dirs, files in os.walk('/'):
    if root == '/':
        dirs[:] = [d for d in dirs if d not in ('proc', 'sys', 'dev')]
    found += [os.path.join(root, f) for f in files if f in ('answers.csv', 'gold_submission.csv')]
print("found", found)
"""


def test_private_answers_are_unreachable(isolated, env_dir):
    env = isolated
    env.reset()
    answers = env_dir / "prepared" / "private" / "answers.csv"
    targets = ["../private/answers.csv", "public/../../private/answers.csv", str(answers),
               str(env_dir / "prepared" / "private" / "gold_submission.csv"), str(env_dir / "evaluator.py")]
    probe = env.step({"tool": "python", "code": _PROBE.format(targets=targets)})
    out = probe.observation["stdout"]
    assert probe.observation["exit_code"] == 0, probe.observation["stderr"]
    assert "LEAK" not in out and out.count("blocked") == len(targets) and "found []" in out
    shell = env.step({"tool": "bash", "command": f"cat {answers} ../private/answers.csv; ls {env_dir}"})
    assert shell.observation["exit_code"] != 0 and shell.observation["stdout"] == ""
    first_answer = answers.read_text().splitlines()[1]
    assert first_answer not in out + shell.observation["stdout"] + shell.observation["stderr"]


def test_editing_the_evaluator_or_public_data_does_not_change_the_score(isolated):
    env = isolated
    env.reset()
    env.step({"tool": "bash", "command": "cp public/sample_submission.csv submission.csv"})
    before = env.step({"tool": "score"}).observation["result"]
    fake = "import json\nprint(json.dumps({'score': 1.0, 'gold_threshold': 0.0}))\n"
    hack = env.step({"tool": "python", "code": (
        f"open('evaluator.py', 'w').write({fake!r})\n"
        "os_err = []\n"
        "for target in ('public/sample_submission.csv', 'public/evaluator.py', 'public/answers.csv'):\n"
        "    try:\n"
        "        open(target, 'w').write('shift_id,failure_next_24h\\n')\n"
        "    except OSError as exc:\n"
        "        os_err.append(type(exc).__name__)\n"
        "print(os_err)\n")})
    assert hack.observation["stdout"].count("Error") == 3  # public/ is read-only
    after = env.step({"tool": "score"}).observation["result"]
    assert after == before and after["score"] == 0.5
    end = env.step({"tool": "submit"})
    assert end.info["score"] == 0.5 and not end.info["any_medal"]


def test_linked_submissions_are_not_graded(isolated, env_dir):
    env = isolated
    env.reset()
    gold = env_dir / "prepared" / "private" / "gold_submission.csv"
    link = env.step({"tool": "bash", "command": f"ln -s {gold} submission.csv && ls -l submission.csv"})
    assert link.observation["exit_code"] == 0  # a dangling link inside the sandbox, pointing at the host's answers
    scored = env.step({"tool": "score"}).observation
    assert scored["result"] is None and "symbolic link" in scored["error"]
    os.unlink(env.workspace_root / "submission.csv")
    # what a weaker backend could let an agent do; a workspace is a tmpfs of its own (as root), so the link is made
    # to a copy inside it: the grader sees the same thing, a submission with two names
    inside = env.workspace_root / "gold_copy.csv"
    shutil.copyfile(gold, inside)
    os.link(inside, env.workspace_root / "submission.csv")
    end = env.step({"tool": "submit"})
    assert not end.info["valid"] and "hard link" in end.info["reason"] and end.reward == pytest.approx(0.1)


def test_the_sample_submission_earns_no_medal(isolated, env_dir):
    env = isolated
    env.reset()
    env.step({"tool": "bash", "command": "cp public/sample_submission.csv submission.csv"})
    end = env.step({"tool": "submit"})
    sample = pd.read_csv(env_dir / "prepared" / "public" / "sample_submission.csv")
    assert len(sample) == len(pd.read_csv(env_dir / "prepared" / "private" / "answers.csv"))
    assert end.info["valid"] and not end.info["any_medal"] and not end.info["above_median"]
    assert end.info["reward"] == pytest.approx(0.3)
