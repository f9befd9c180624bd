"""Prefect deployments: the nightly corpus build and the ad-hoc regenerate-failed run. Schedules only.

Installed as `sandmle.deployments`. Imports: prefect and `sandmle.flows`.
"""
