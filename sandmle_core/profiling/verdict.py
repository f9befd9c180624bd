"""Whether a Task DNA can be generated: the modality registry's answer, with the reason when it cannot.

A DNA is supported when a registered `ModalityKit` claims its modality and its task type is one the kits generate
(and, for a kit with one fixed task type, that one). Nothing here lists modalities: a kit registered later (audio)
makes its seeds supported without a change in this module.
"""

from __future__ import annotations

from sandmle_core.errors import SpecError
from sandmle_core.spec import TaskType

__all__ = ["hosting_problem", "support_verdict"]


def support_verdict(modality: str, task_type: str) -> tuple[bool, str | None]:
    """(True, None) when a registered generator family keeps this DNA, else (False, why not)."""
    from sandmle_core.modalities import KITS, get_kit, keeping_kit

    registered = ", ".join(kit.modality.value for kit in KITS)
    keeper = keeping_kit(modality, task_type)
    if keeper is not None and keeper.modality.value != modality:  # kept whole by a kit (image + metadata table)
        modality = keeper.modality.value
    try:
        kit = get_kit(modality)
    except SpecError:
        return False, (f"unsupported modality: {modality} — no registered generator family keeps these inputs "
                       f"(registered modalities: {registered}); generating it as another modality would change "
                       "the task")
    if task_type not in {t.value for t in TaskType}:
        return False, (f"unsupported task type: {task_type} — no generator family emits this submission shape "
                       f"(task types: {', '.join(t.value for t in TaskType)})")
    if kit.task_type is not None and kit.task_type.value != task_type:
        return False, f"unsupported task type: {task_type} — the {modality} family generates {kit.task_type} only"
    return True, None


def hosting_problem(modality: str, task_type: str, n_classes: int | None) -> str | None:
    """Why no catalog domain can host this task — the real cause — or None when some domain can.

    The causes, in order: the modality's generator drafts other task types only (text ordinal), or
    it drafts this type but no domain has enough classes (the message names the largest class count on offer).
    """
    from sandmle_core.catalog import load_catalog
    from sandmle_core.modalities import domains_for, get_kit
    from sandmle_core.modalities.base import class_count_range

    catalog = load_catalog()
    kind = TaskType(task_type)
    if domains_for(catalog, modality, kind, n_classes if kind not in (TaskType.REGRESSION, TaskType.MULTI_TARGET)
                   else None):
        return None
    kit = get_kit(modality)
    hosted = [t.value for t in TaskType if any(kit.hosts(d, t, 2) for d in catalog.domains)]
    if task_type not in hosted:
        return (f"unsupported task type for the {modality} family: {task_type} — its generator drafts "
                f"{', '.join(hosted) or 'nothing'} only; generating another task type would change the task")
    need = class_count_range(n_classes or 2)[0]
    largest = max((n for n in range(2, 1001) if any(kit.hosts(d, kind, n) for d in catalog.domains)), default=0)
    return (f"unsupported class count: a {modality} {task_type} seed with {n_classes} classes needs a catalog domain "
            f"with at least {need} classes; the largest the catalog offers is {largest}")
