"""`python -m decide ...` is the same as the `decide` command."""

from decide.cli import main

main()
