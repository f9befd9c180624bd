"""sandmle_core: the library behind sandmle.

Plain, typed functions over paths and values, in three wings by direction of use:

- format — what an environment is: `spec`, `envfolder`, `layout`, `grading` (and the evaluator-JSON contract),
  `grader_runtime`, `metrics`, `leaderboard`, `records` (failure records, manifest), `integrity`, `submission_io`.
  Imports nothing of the other two wings.
- build — how environments are made: `seeds/`, `profile`, `catalog/`, `modalities/` (one package per modality,
  one registry), `taskspec`, `slots`, `agents/`, `ladder/` (shared ladder plumbing), `generate` (one slot's one-way
  pipeline), `publish`, `outcomes`, `recovery`, `pipeline` (the corpus level), `recheck`. Imports the format wing,
  never the consume wing.
- consume — how environments are used: the `consume/` package (the environment registry, the task loader, the one
  `grade_report`, the gym, evaluation, the grading service, the exports). Imports the format wing, never the build
  wing.

`sandbox/`, `errors`, `faults` and `settings` serve all three. The library never imports prefect, dask, distributed
or great_expectations, nor the orchestration side (`sandmle.flows`, `tasks`, `data_contracts`, `deployments`,
`cli`) or the benchmark (`sandmle.bench`); tests/core/test_import_boundaries.py enforces every direction, so it runs
anywhere, orchestrated or not.
"""

__version__ = "0.1.0"
