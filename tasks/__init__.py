"""Prefect tasks, one per stage of a corpus build (installed as `sandmle.tasks`). See `stages`.

A task is policy only — retries, caching, names, tags, final states — around one `sandmle_core` function.
Imports: prefect and `sandmle_core` (the data contracts lazily); never `sandmle.flows`.
"""
