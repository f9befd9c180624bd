"""sandmle_core: the library behind sandmle.

Plain, typed functions over paths and values: seeds and their Task DNA, drafted specs, synthesis, graders,
leaderboards, the environment folder format and the sandbox. It never imports prefect, dask, distributed or
great_expectations (tests/core/test_import_boundaries.py enforces it) so it runs anywhere, orchestrated or not.
"""

__version__ = "0.1.0"
