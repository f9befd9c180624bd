"""A build's modality mix: how many slots each seed gets so that the corpus follows a target share per modality.

`sandmle build --mix image=0.49,tabular=0.25,...` turns the build's slot budget (`--per-seed` × the supported seeds)
into per-seed slot counts. Shares are renormalized over the modalities that some seed of the build can give (a
modality without a seed is reported as unavailable, never silently dropped), each modality's slots are apportioned
by largest remainder, then split as evenly as possible across its seeds in the order they were given. Seeds whose
modality the mix does not name get no slots and are reported too. Everything here is a pure function of its inputs:
the same mix, seeds and budget always give the same counts, so a resumed build plans the same slots.

Mix keys are modality names (`Modality` values: tabular, text, image, audio, time_series, image-to-image,
sequence-to-sequence, ...) plus `multimodal`, which names every modality made of two inputs (`text+tabular`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING

from sandmle_core.spec import Modality

if TYPE_CHECKING:
    from sandmle_core.profile import TaskProfile

__all__ = ["MULTIMODAL", "InvalidMix", "MixPlan", "achieved_mix", "known_keys", "mix_category", "mix_markdown",
           "parse_mix", "plan_from_dict", "plan_mix", "plan_to_dict", "seed_modality"]

MULTIMODAL = "multimodal"  # the mix key of every modality made of two inputs ("text+tabular", "image+tabular")


class InvalidMix(ValueError):
    """A `--mix` value that cannot be read: a malformed pair, a negative or non-numeric share, a repeated key."""


def seed_modality(profile: TaskProfile) -> str:
    """The modality a seed counts under in a mix: its Task DNA's (`text+tabular` for pizza, `image+tabular` for leaf
    and siim, which the text and image kits keep) when the profile read one, else the kit's modality."""
    dna = (profile.details or {}).get("dna") or {}
    return str(dna.get("modality") or profile.modality.value)


def mix_category(modality: str) -> str:
    """The mix key a seed of `modality` counts under: `multimodal` for a combined modality, else the modality."""
    return MULTIMODAL if "+" in modality else modality


def known_keys() -> list[str]:
    """The mix keys a build understands: every modality a kit can generate, and `multimodal`."""
    return [m.value for m in Modality if "+" not in m.value] + [MULTIMODAL]


def parse_mix(text: str) -> dict[str, float]:
    """`"image=0.49,tabular=0.25"` → {"image": 0.49, "tabular": 0.25} (shares need not sum to 1: they are weights).

    Raises:
        InvalidMix: on an empty value, a pair without `=`, a key that is no modality (`known_keys`), a share that is
            not a finite number >= 0, a repeated key, or shares that sum to 0.
    """
    known = known_keys()
    mix: dict[str, float] = {}
    for pair in (p.strip() for p in text.split(",")):
        key, sep, value = pair.partition("=")
        key = key.strip().lower()
        if not sep or not key:
            raise InvalidMix(f"{pair!r} is not MODALITY=SHARE (e.g. image=0.49,tabular=0.25)")
        if key not in known:
            raise InvalidMix(f"unknown modality {key!r} (known: {', '.join(known)})")
        try:
            share = float(value)
        except ValueError:
            raise InvalidMix(f"{key}: share {value.strip()!r} is not a number") from None
        if not share >= 0 or share == float("inf"):
            raise InvalidMix(f"{key}: share {value.strip()} must be a finite number >= 0")
        if key in mix:
            raise InvalidMix(f"{key} is given twice")
        mix[key] = share
    if sum(mix.values()) <= 0:
        raise InvalidMix("the shares sum to 0")
    return mix


@dataclass(frozen=True)
class MixPlan:
    """Slot counts per seed for a target mix, and what the seeds could not give."""

    target: dict[str, float]  # the requested shares, normalized to sum to 1
    effective: dict[str, float]  # the shares renormalized over the modalities some seed gives
    slots: dict[str, int]  # seed id → slots
    categories: dict[str, str]  # seed id → the mix key it counts under
    unavailable: list[str] = field(default_factory=list)  # mix keys no seed of the build gives
    unmixed: list[str] = field(default_factory=list)  # seed ids whose modality the mix does not name


def plan_from_dict(data: Mapping[str, object]) -> MixPlan:
    """The inverse of `dataclasses.asdict(plan)` (how a plan travels in the run's facts and report.json)."""
    return MixPlan(**{k: data[k] for k in MixPlan.__dataclass_fields__})  # type: ignore[arg-type]


def plan_to_dict(plan: MixPlan) -> dict[str, object]:
    """A JSON-ready copy of `plan`."""
    return asdict(plan)


def _largest_remainder(total: int, weights: Sequence[float]) -> list[int]:
    """`total` split in proportion to `weights` (integers summing to `total`; ties go to the earlier weight)."""
    scale = sum(weights)
    if total <= 0 or scale <= 0:
        return [0] * len(weights)
    exact = [total * w / scale for w in weights]
    counts = [int(e) for e in exact]
    order = sorted(range(len(weights)), key=lambda i: (-(exact[i] - counts[i]), i))
    for i in order[: total - sum(counts)]:
        counts[i] += 1
    return counts


def plan_mix(mix: Mapping[str, float], seeds: Mapping[str, str], total: int) -> MixPlan:
    """Per-seed slot counts that follow `mix` over a budget of `total` slots.

    Args:
        mix: mix key → share (`parse_mix`), any positive scale.
        seeds: seed id → its modality (`Modality` value), in the order the build was given them.
        total: the slots to spread (the build's `per_seed` × the number of supported seeds).

    Returns:
        A `MixPlan`; every seed is in `slots` (0 when its modality is not in the mix or lost the rounding).
    """
    scale = sum(mix.values())
    target = {key: share / scale for key, share in mix.items()}
    by_key: dict[str, list[str]] = {}
    for seed_id, modality in seeds.items():
        by_key.setdefault(mix_category(modality), []).append(seed_id)
    given = [key for key in target if key in by_key and target[key] > 0]
    weight = sum(target[key] for key in given)
    effective = {key: (target[key] / weight if key in given else 0.0) for key in target}
    slots = dict.fromkeys(seeds, 0)
    for key, count in zip(given, _largest_remainder(total, [target[k] for k in given]), strict=True):
        members = by_key[key]
        for seed_id, share in zip(members, _largest_remainder(count, [1.0] * len(members)), strict=True):
            slots[seed_id] = share
    unavailable = [key for key in target if key not in by_key and target[key] > 0]
    unmixed = [seed_id for seed_id, modality in seeds.items() if mix_category(modality) not in target]
    categories = {seed_id: mix_category(modality) for seed_id, modality in seeds.items()}
    return MixPlan(target, effective, slots, categories, unavailable, unmixed)


def achieved_mix(modalities: Sequence[str]) -> dict[str, float]:
    """Mix key → share of the given environments' modalities (e.g. the accepted ones of a build)."""
    counts: dict[str, int] = {}
    for modality in modalities:
        key = mix_category(modality)
        counts[key] = counts.get(key, 0) + 1
    n = len(modalities)
    return {key: count / n for key, count in sorted(counts.items())} if n else {}


def mix_markdown(plan: MixPlan, accepted_modalities: Sequence[str]) -> str:
    """The build summary's "Modality mix" section: per mix key the requested and effective share, the slots planned
    and the share of this run's accepted environments, with what the seeds could not give said in words."""
    achieved = achieved_mix(accepted_modalities)
    keys = list(plan.target) + sorted(set(achieved) - set(plan.target))
    lines = ["", "## Modality mix (this run)", "",
             "| modality | requested | target over the seeds given | slots planned | accepted share | gap (points) |",
             "|---|---|---|---|---|---|"]
    for key in keys:
        planned = sum(n for seed_id, n in plan.slots.items() if plan.categories[seed_id] == key)
        want, got = plan.effective.get(key, 0.0), achieved.get(key, 0.0)
        if key in plan.unavailable:
            lines.append(f"| {key} | {plan.target[key]:.1%} | no seed | 0 | — | — |")
            continue
        lines.append(f"| {key} | {plan.target.get(key, 0.0):.1%} | {want:.1%} | {planned} | {got:.1%} | "
                     f"{100 * (got - want):+.1f} |")
    if plan.unavailable:
        lines.append(f"\nNo seed of this build gives {', '.join(plan.unavailable)}: their share went to the others.")
    if plan.unmixed:
        lines.append(f"\nSeeds whose modality the mix does not name got no slots: {', '.join(plan.unmixed)}.")
    return "\n".join(lines) + "\n"
