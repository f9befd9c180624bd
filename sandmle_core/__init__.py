"""sandmle_core: the library behind sandmle.

Plain, typed functions over paths and values, in three wings by direction of use:

- format — what an environment is: `spec`, `envfolder`, `layout`, `grading`, `grader_runtime`, `metrics`,
  `leaderboard`, `records` (failure records, manifest). Imports nothing of the other two wings.
- build — how environments are made: `seeds/`, `profile`, `catalog/`, `modalities/` (one package per modality,
  one registry), `taskspec`, `slots`, `agents/`, `ladder/` (shared ladder plumbing), `generate` (one slot's one-way
  pipeline), `publish`, `outcomes`, `recovery`, `pipeline` (the corpus level), `recheck`. Imports the format wing.
- consume — how environments are used: `gym`, `evaluate`, `service`, `service_http`, `exports` (moving into a
  package of their own in phase 2 of issue 12). Import the format wing.

`sandbox/`, `errors`, `faults` and `settings` serve all three. The library never imports prefect, dask, distributed
or great_expectations (tests/core/test_import_boundaries.py enforces it) so it runs anywhere, orchestrated or not.
"""

__version__ = "0.1.0"
