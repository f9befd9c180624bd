"""The suite's own hang guards: a heavy module's tests are guarded by its measured work (tests/conftest.py), not by
the default 900 s sized for one test. Run for real: an inner pytest session with our conftest over three modules."""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

CONFTEST = Path(__file__).resolve().parents[1] / "conftest.py"

_INNER = {
    "test_big.py": """
        import pytest
        pytestmark = pytest.mark.heavy(300)
        def test_guard(request):
            assert request.node.get_closest_marker("timeout").args == (1200.0,)
        def test_second(request):  # every test of the module, not only the one that sets up its fixtures
            assert request.node.get_closest_marker("timeout").args == (1200.0,)
        """,
    "test_small_heavy.py": """
        import pytest
        pytestmark = pytest.mark.heavy(100)
        def test_keeps_the_default(request):  # 4 x 100 s is below the default 900 s
            assert request.node.get_closest_marker("timeout") is None
        """,
    "test_own_mark.py": """
        import pytest
        pytestmark = [pytest.mark.heavy(500), pytest.mark.timeout(50)]
        def test_own_mark_wins(request):
            assert request.node.get_closest_marker("timeout").args == (50,)
        """,
    "test_plain.py": """
        def test_unmarked(request):
            assert request.node.get_closest_marker("timeout") is None
        """,
}


def test_heavy_modules_get_a_guard_sized_to_their_work(tmp_path):
    shutil.copy(CONFTEST, tmp_path / "conftest.py")
    for name, body in _INNER.items():
        (tmp_path / name).write_text(textwrap.dedent(body))
    (tmp_path / "pytest.ini").write_text("[pytest]\ntimeout = 900\nmarkers =\n    heavy(seconds): measured cost\n")
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:randomly",
                           "-n", "0", str(tmp_path)], cwd=tmp_path, capture_output=True, text=True, timeout=300,
                          env={"PATH": "/usr/bin:/bin", "SANDMLE_CACHE_DIR": str(tmp_path / "cache")})
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert "5 passed" in done.stdout, done.stdout[-2000:]
