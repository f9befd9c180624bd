"""`python -m sandmle.cli` runs the console script."""

from sandmle.cli import main

main()
