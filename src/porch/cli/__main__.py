"""`python -m porch.cli …`: the same as the `porch` command (the tests and benchmarks start it so)."""

from . import main

main()
