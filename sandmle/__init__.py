"""sandmle: the installed namespace.

`sandmle.cli` is the command line; `sandmle.tasks`, `sandmle.flows`, `sandmle.data_contracts`,
`sandmle.deployments` and `sandmle.bench` (the benchmark, outside the product) are the repository's top-level
folders of the same names, installed under this namespace so their generic names never collide with other
packages. The library itself is `sandmle_core`.

Imports: `sandmle_core`, and the orchestration stack (prefect, dask, great-expectations) in its subpackages.
"""

__version__ = "0.1.0"
