"""The consume wing: what uses finished environments — the RL gym, evaluation, the grading service, the exports.

- `registry`: the one environment registry — discover sandmle environment folders and mle-bench competition folders
  under a path (an environment, a corpus, or a folder of them) and load them as `Task`s.
- `tasks`: the task loader (`Task`, `load_task`): a folder's public data, grader, answers and leaderboard.
- `report`: the one `grade_report(task, submission)` shared by the CLI, the service, the gym and evaluation (the
  evaluator-JSON contract they print is `grading.evaluator_json`, in the format wing, next to evaluator.py's renderer).
- `gym`: `MLEEnvironment`, an episode of sandboxed tool calls ending in a graded submission; `actions` parses them.
- `evaluate`, `episodes`, `claude_agent`: run a ladder level or Claude over many tasks and summarize.
- `service`, `service_http`, `service_client`, `http_wire`: the warm grading service, in process and over HTTP.
- `exports`: the corpus as SandMLE, mle-bench or task-table layouts.

Imports: the format wing only (layout/EnvFolder, spec, grading, metrics, leaderboard, records, submission_io,
integrity, sandbox, errors). Never the build wing (seeds, profile, catalog, agents, modalities, ladder, generate,
pipeline, publish) — a caller that needs it (the `sandmle evaluate` command rendering a ladder for a bare
competition) passes it in. Never prefect, dask or great-expectations (tests/core/test_import_boundaries.py).
"""
