"""A PDF worker's start (digest/publish/pdf/render.py, _import_weasyprint): WeasyPrint is
imported without cffi's library searches by name (ldconfig, gcc and ld run some fifteen
times), and the very same C libraries are loaded as with them.

Each import runs in a fresh interpreter, as a worker's does, printing what it loaded.
"""

from __future__ import annotations

import json
import subprocess
import sys

CHILD = """
import ctypes.util, json, resource, sys
from digest.publish.pdf import render

search = ctypes.util.find_library
if sys.argv[1] == "worker":
    render._import_weasyprint()
else:
    import weasyprint  # as WeasyPrint loads its libraries by itself
libraries = sorted(
    {line.split()[-1] for line in open("/proc/self/maps") if ".so" in line.split()[-1]}
)
# The largest resident size of a finished child: 0 when no program was run.
children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(json.dumps({
    "libraries": libraries,
    "children": children,
    "restored": ctypes.util.find_library is search,
}))
"""


def imported(how: str) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", CHILD, how], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.splitlines()[-1])


def test_a_worker_imports_weasyprint_without_running_a_program():
    worker = imported("worker")
    assert worker["children"] == 0, "ldconfig, gcc or ld ran while WeasyPrint was imported"
    assert worker["restored"], "ctypes.util.find_library was left replaced"


def test_the_same_libraries_are_loaded_as_with_the_searches():
    searched = imported("searching")
    assert searched["children"] > 0, "WeasyPrint no longer searches: this test proves nothing"
    worker = imported("worker")
    assert worker["libraries"] == searched["libraries"]
    assert any("libpango-1.0.so" in path for path in worker["libraries"])
