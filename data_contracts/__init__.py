"""great-expectations suites as Python values, one module per artifact, and one `check(df, suite)` helper.

Installed as `sandmle.data_contracts`.
"""
