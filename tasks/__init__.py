"""Prefect tasks, one per stage of a corpus build (installed as `sandmle.tasks`). See `stages`."""
