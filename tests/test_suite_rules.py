"""The suite's own rules hold when it runs in parallel (`make test` runs pytest-xdist workers): a skip fails
the run, and the tests of a module that must run whole and in order (tests/conftest.py, WHOLE_MODULES) run on
one worker, in order."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from conftest import ROOT, WHOLE_MODULES


def test_skips_fail_and_whole_modules_stay_on_one_worker_under_xdist(tmp_path: Path):
    shutil.copy(ROOT / "tests" / "conftest.py", tmp_path / "conftest.py")
    log = tmp_path / "order.log"
    (tmp_path / "test_sample.py").write_text(
        "import pytest\n\n"
        "def test_skips_inside():\n    pytest.skip('inside')\n\n"
        "@pytest.mark.skip(reason='by mark')\ndef test_skipped_by_mark():\n    pass\n\n"
        "@pytest.mark.parametrize('i', range(8))\ndef test_passes(i):\n    pass\n"
    )
    (tmp_path / WHOLE_MODULES[0]).write_text(
        "import os\nimport pytest\n\n"
        "@pytest.mark.parametrize('i', range(8))\n"
        f"def test_step(i):\n    with open({str(log)!r}, 'a') as f:\n"
        "        f.write(f\"{os.environ['PYTEST_XDIST_WORKER']} {i}\\n\")\n"
    )
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-n", "2", "--dist", "load", "-p", "no:cacheprovider", "-q",
         "-o", "addopts=", "-o", "markers=build: x", "--rootdir", str(tmp_path), str(tmp_path)],
        cwd=tmp_path, capture_output=True, text=True, timeout=300, check=False,
    )
    out = result.stdout + result.stderr
    assert result.returncode == 1, out
    assert "1 failed, 16 passed, 1 error" in out, out
    assert out.count("which this suite counts as a failure") >= 2, out
    steps = [line.split() for line in log.read_text().splitlines()]
    assert len({worker for worker, _ in steps}) == 1, steps
    assert [int(i) for _, i in steps] == list(range(8))
