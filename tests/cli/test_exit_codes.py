"""Bad input through the real `sandmle` process: one `error:` line, exit status 2, nothing created, and Prefect never
imported (a mistyped seed id must not cost a Prefect API start-up). Every case of issue 18's list is here."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

# Runs the CLI's real entry point, then reports on stdout's last line whether prefect and scikit-learn were ever
# imported.
_PROBE = """
import sys
from sandmle.cli import main
sys.argv = ["sandmle", *sys.argv[1:]]
try:
    main()
finally:
    print("PREFECT_IMPORTED=%s SKLEARN_IMPORTED=%s" % ("prefect" in sys.modules, "sklearn" in sys.modules))
"""


def _sandmle(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", _PROBE, *args], capture_output=True, text=True, cwd=cwd,
                          env={"PATH": "/usr/bin:/bin", "HOME": str(cwd), "PREFECT_HOME": str(cwd / ".prefect"),
                               **{k: v for k, v in os.environ.items() if k == "PYTHONPATH"}})  # a worktree's code


@pytest.fixture
def place(tmp_path):
    (tmp_path / "a-file").write_text("not a folder")
    return tmp_path


CASES = [
    (["build", "--backend", "clade"], "'clade' is not one of 'offline', 'claude'"),
    (["build", "--seed", "breast-cancr"], "--seed 'breast-cancr': no such bundled seed or folder"),
    (["build", "--seed", "a-file"], "--seed 'a-file': a file, not a competition folder"),
    (["build", "--out", "a-file"], "is a file, not a folder"),
    (["build", "--out", "a-file/corpus"], "which is a file, not a folder"),
    (["build", "--per-seed", "0"], "'--per-seed'"),
    (["build", "--mix", "imgae=0.5,tabular=0.5"], "--mix 'imgae=0.5,tabular=0.5': unknown modality 'imgae'"),
    (["build", "--mix", "image=half"], "image: share 'half' is not a number"),
    (["build", "--mix", "image=-1,text=2"], "image: share -1 must be a finite number >= 0"),
    (["build", "--mix", "image=0,text=0"], "the shares sum to 0"),
    (["build", "--mix", "image"], "'image' is not MODALITY=SHARE"),
    (["build", "--budget-usd", "1"], "--budget-usd is for --backend claude: the offline backend makes no API calls"),
    (["build", "--backend", "claude", "--budget-usd", "a dollar"], "--budget-usd: 'a dollar' is not a number"),
    (["build", "--backend", "claude", "--budget-usd", "0"], "--budget-usd: '0' must be a finite number of US dollars"),
    (["build", "--backend", "claude", "--budget-usd", "-2"], "'-2' must be a finite number of US dollars > 0"),
    (["build", "--backend", "claude", "--budget-usd", "nan"], "'nan' must be a finite number of US dollars > 0"),
    (["build", "--rule", "script"], "--rule is for --backend claude: the offline backend draws sandmle's own"),
    (["build", "--backend", "claude", "--rule", "scripted"], "--rule 'scripted': choose calibrated or script"),
    (["regenerate", "missing"], "missing: no such corpus folder"),
    (["regenerate", "--budget-usd", "1", "."], "--budget-usd is for --backend claude: the offline backend makes"),
    (["regenerate", "--backend", "claude", "--budget-usd", "nan", "."], "'nan' must be a finite number of US"),
    (["regenerate", "--backend", "clade", "missing"], "'clade' is not one of"),
    (["regenerate", "--rule", "script", "."], "--rule is for --backend claude: the offline backend draws sandmle's"),
    (["regenerate", "--backend", "claude", "--rule", "scripted", "."], "--rule 'scripted': choose calibrated or"),
    (["validate", "missing"], "missing: no such corpus folder"),
    (["list", "missing"], "missing: no such corpus folder"),
    (["list", "a-file"], "a-file: not a folder"),
    (["show", "missing"], "missing"),
    (["eval", "missing"], "missing: no such corpus, environment or competition folder"),
    (["eval", ".", "--agent", "ladder:nine"], "the ladder level must be a number or `top`"),
    (["eval", ".", "--agent", "gpt"], "choose ladder:<level>, ladder:top or claude"),
    (["export", "missing", "out", "--layout", "tasks"], "missing: no such corpus folder"),
    (["export", ".", "out", "--layout", "kaggle"], "choose one of sandmle, mlebench, tasks"),
    (["no-such-command"], "No such command 'no-such-command'"),
]


@pytest.mark.parametrize(("args", "message"), CASES, ids=[" ".join(a) for a, _ in CASES])
def test_bad_input_is_one_error_line_exit_2_before_prefect(place, args, message):
    before = sorted(p.name for p in place.iterdir())
    result = _sandmle(*args, cwd=place)
    assert result.returncode == 2, (result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and message in lines[0], result.stderr
    # and before scikit-learn: 0.7 s of a build's 1.3 s refusal (eval and export imported it until 2026-12-06)
    assert result.stdout.strip().splitlines()[-1] == "PREFECT_IMPORTED=False SKLEARN_IMPORTED=False"
    assert sorted(p.name for p in place.iterdir()) == before  # nothing created: no manifest, no corpus, no .prefect


def test_version_and_regenerate_on_a_missing_path_create_nothing(place):
    result = _sandmle("--version", cwd=place)
    assert result.returncode == 0 and result.stdout.startswith("sandmle ")
    assert not (place / "missing").exists()


def test_a_second_build_into_a_locked_corpus_refuses_and_says_so(place):
    from sandmle_core.build_lock import CorpusBusy, build_lock, check_unlocked

    corpus = place / "corpus"
    with build_lock(corpus):  # what a running build holds for its whole flow run
        result = _sandmle("build", "--seed", "wine", "--out", "corpus", cwd=place)
        assert result.returncode == 2, result.stderr
        assert result.stderr.startswith("error: ") and "another build is running into this corpus" in result.stderr
        assert f"pid {os.getpid()}" in result.stderr
        assert result.stdout.strip().splitlines()[-1] == "PREFECT_IMPORTED=False SKLEARN_IMPORTED=False"
        with pytest.raises(CorpusBusy), build_lock(corpus):
            pass
    check_unlocked(corpus)  # released with its holder
    assert sorted(p.name for p in corpus.iterdir()) == [".build.lock"]
