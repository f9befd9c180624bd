"""Thin Prefect tasks, one module per pipeline stage: retries, caching, names and tags — policy only.

Installed as `sandmle.tasks`; each task calls one `sandmle_core` function of the same name.
"""
