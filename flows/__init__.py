"""Prefect flows that compose the stage tasks: build_corpus, regenerate_failed, validate_corpus.

Installed as `sandmle.flows`; entrypoints such as `flows/build_corpus.py:build_corpus` also load from the repo root.
Imports: prefect, prefect-dask, `sandmle.tasks` and `sandmle_core`. Flows compose and fan out; the logic is in the
core, the policy in the tasks.
"""
