"""The suite's own rules hold when it runs in parallel (`make test` runs pytest-xdist workers)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from conftest import ROOT


def test_a_skip_fails_the_run_under_xdist_workers(tmp_path: Path):
    shutil.copy(ROOT / "tests" / "conftest.py", tmp_path / "conftest.py")
    (tmp_path / "test_sample.py").write_text(
        "import pytest\n\n"
        "def test_skips_inside():\n    pytest.skip('inside')\n\n"
        "@pytest.mark.skip(reason='by mark')\ndef test_skipped_by_mark():\n    pass\n\n"
        "def test_passes():\n    pass\n"
    )
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-n", "2", "--dist", "loadgroup", "-p", "no:cacheprovider", "-q",
         "-o", "addopts=", "--rootdir", str(tmp_path), str(tmp_path)],
        cwd=tmp_path, capture_output=True, text=True, timeout=300, check=False,
    )
    out = result.stdout + result.stderr
    assert result.returncode == 1, out
    assert "1 failed, 1 passed, 1 error" in out, out
    assert out.count("which this suite counts as a failure") >= 2, out
    assert "skipped" not in out.splitlines()[-1], out
