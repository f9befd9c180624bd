"""The benchmark (`sandmle bench`, `make bench`): measurement drivers that live outside the product.

`run` chains the sections (micro vs full scale, build throughput, sandbox start-up and grading latency, corpus
quality and fidelity) and writes `bench/results/<date>/`; `report` renders its plots and report.md; `plain` is the
build without an orchestrator (the throughput baseline, also used by tests to build small corpora quickly);
`startup` times sandbox start-up; `grading` times the warm grading service against cold `python evaluator.py`.

The folder installs as `sandmle.bench` (like tasks/ and flows/). Imports: every wing of `sandmle_core`, and
`sandmle.flows` / `sandmle.data_contracts` / `sandmle.runtime` for the orchestrated build. Nothing in the product
imports this package except the `sandmle bench` command.
"""
