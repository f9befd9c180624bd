"""Profiling real mle-bench competitions: the public file inventory, column roles and the Task DNA.

Imports: pandas, pydantic, `metrics`, `mlebench_graders` and (lazily, for the support verdict) the modality registry.
"""

from sandmle_core.profiling.dna import TaskDNA, read_dna
from sandmle_core.profiling.inventory import Inventory, read_table, take_inventory

__all__ = ["Inventory", "TaskDNA", "read_dna", "read_table", "take_inventory"]
