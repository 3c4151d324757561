"""A Dask run from a script without ``if __name__ == "__main__":`` is refused up front with
what to add (issue 16); with the guard, or from ``python -m``, it is not."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

BODY = """\
import twin
c = twin.Constellation.sun_synchronous(altitude_km=650, ltan="18:00")
from twin.run.backends import check_main_guard
{call}
print("passed the check")
"""


def run_script(tmp_path, text):
    path = tmp_path / "script.py"
    path.write_text(text)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TWIN_NUMBA": "0"}
    return subprocess.run([sys.executable, str(path)], capture_output=True, text=True, env=env,
                          timeout=120)


def test_top_level_call_is_refused_with_the_fix(tmp_path):
    p = run_script(tmp_path, BODY.format(call="check_main_guard()"))
    assert p.returncode != 0
    assert "MainGuardError" in p.stderr and "line 4" in p.stderr
    assert 'if __name__ == "__main__":' in p.stderr


def test_guarded_and_function_calls_pass(tmp_path):
    text = BODY.format(call='if __name__ == "__main__":\n    check_main_guard()')
    p = run_script(tmp_path, text)
    assert p.returncode == 0 and "passed the check" in p.stdout, p.stderr
    text = BODY.format(call="def main():\n    check_main_guard()\n\n"
                            'if __name__ == "__main__":\n    main()')
    p = run_script(tmp_path, text)
    assert p.returncode == 0 and "passed the check" in p.stdout, p.stderr


def test_unguarded_function_call_at_top_level_is_refused(tmp_path):
    p = run_script(tmp_path, BODY.format(call="def main():\n    check_main_guard()\n\nmain()"))
    assert p.returncode != 0 and "MainGuardError" in p.stderr


def test_not_a_script_passes():
    from twin.run.backends import check_main_guard

    check_main_guard()      # under pytest the caller is not the __main__ script's top level
