"""Whether a Task DNA can be generated: the modality registry's answer, with the reason when it cannot.

A DNA is supported when a registered `ModalityKit` claims its modality and its task type is one the kits generate
(and, for a kit with one fixed task type, that one). Nothing here lists modalities: a kit registered later (audio)
makes its seeds supported without a change in this module.
"""

from __future__ import annotations

from sandmle_core.errors import SpecError
from sandmle_core.spec import TaskType

__all__ = ["support_verdict"]


def support_verdict(modality: str, task_type: str) -> tuple[bool, str | None]:
    """(True, None) when a registered generator family keeps this DNA, else (False, why not)."""
    from sandmle_core.modalities import KITS, get_kit

    registered = ", ".join(kit.modality.value for kit in KITS)
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
