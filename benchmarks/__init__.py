"""The benchmarks, each a module run from the project root with the installed digest:

    .venv/bin/invoke bench-build          # or: .venv/bin/python -m benchmarks.build

`invoke -l` lists them all (bench-*); benchmarks/README.md records their figures.
"""
