"""The Data Docs site renders with no network: headless Chromium (from Debian) shows the validation tables.

Chromium runs with every request sent to a dead proxy, so any asset the page would fetch from a CDN is lost, as on
an offline machine. great-expectations' own index, whose table is drawn by scripts from CDNs, is the contrast: it
shows no validation row there.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from PIL import Image
from sandmle.data_contracts import build_data_docs
from sandmle.data_contracts.offline_index import GX_INDEX

from sandmle_core.layout import Corpus

pytestmark = pytest.mark.slow
_CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
_OFFLINE = ["--headless", "--no-sandbox", "--disable-gpu", "--proxy-server=127.0.0.1:9",
            "--proxy-bypass-list=<-loopback>", "--virtual-time-budget=3000"]


def _chromium(*args: str) -> str:
    if _CHROMIUM is None:
        pytest.skip("chromium is not installed (`make test` installs it from Debian when run as root)")
    done = subprocess.run([_CHROMIUM, *_OFFLINE, *args], capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def _rows(dom: str, table_id: str) -> list[str]:
    match = re.search(rf'<table id="{table_id}">.*?<tbody>(.*?)</tbody>', dom, re.S)
    return re.findall(r"<tr>(.*?)</tr>", match.group(1), re.S) if match else []


@pytest.fixture(scope="module")
def site(tiny_corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Data Docs of one environment of the tiny corpus and of a copy of the other whose train.csv lost a column."""
    envs = Corpus(tiny_corpus).environment_dirs()
    broken = tmp_path_factory.mktemp("broken") / f"{envs[0].name}-broken"
    shutil.copytree(envs[0], broken)
    train_csv = broken / "prepared" / "public" / "train.csv"
    train = pd.read_csv(train_csv)
    train.drop(columns=[train.columns[1]]).to_csv(train_csv, index=False)
    out = tmp_path_factory.mktemp("docs") / "site"
    build_data_docs([envs[1], broken], out)
    return out


def test_the_index_has_no_external_reference(site: Path) -> None:
    html = (site / "index.html").read_text(encoding="utf-8")
    assert not re.search(r"(src|href)=\"(https?:)?//", html) and "<script" not in html
    assert (site / GX_INDEX).is_file()  # great-expectations' own index is kept beside ours


def test_chromium_offline_shows_every_validation_and_the_failure(site: Path) -> None:
    dom = _chromium("--dump-dom", (site / "index.html").as_uri())
    rows = _rows(dom, "validations")
    assert len(rows) == 2 * 4  # two environments x (train, test, sample submission, answers)
    assert sum("FAILED" in r for r in rows) == 1 and "train" in next(r for r in rows if "FAILED" in r)
    failures = _rows(dom, "failures")
    assert any("expect_table_columns_to_match_ordered_list" in f for f in failures)
    for link in re.findall(r'href="(validations/[^"]+)"', dom):  # every link leads to a page GX wrote
        assert (site / link).is_file()


def test_chromium_offline_screenshot_is_not_blank(site: Path, tmp_path: Path) -> None:
    shot = tmp_path / "index.png"
    _chromium(f"--screenshot={shot}", "--window-size=1100,700", (site / "index.html").as_uri())
    pixels = np.asarray(Image.open(shot).convert("RGB")).astype(int)
    dark = (pixels.sum(axis=2) < 200).mean()
    green = ((pixels[..., 1] > 100) & (pixels[..., 0] < 80) & (pixels[..., 2] < 100)).mean()
    red = ((pixels[..., 0] > 150) & (pixels[..., 1] < 90) & (pixels[..., 2] < 90)).mean()
    assert dark > 0.005 and green > 0 and red > 0  # text, a "passed" and a "FAILED" status are drawn


def test_great_expectations_own_index_is_empty_offline(site: Path) -> None:
    """Why our index exists: GX's draws its rows with scripts from CDNs, which an offline machine cannot load."""
    dom = _chromium("--dump-dom", (site / GX_INDEX).as_uri())
    tables = re.findall(r'<table[^>]*ge-index-page-validation-results-table.*?</table>', dom, re.S)
    assert tables and all("<tr" not in t for t in tables)  # bootstrap-table never ran: no validation row drawn
