"""Subject drawers of field domains (issue 16): a camera-trap frame, a microscope's macroinvertebrate and a site
camera.

A field domain's class is a creature or a piece of plant in a scene, so its motif is an outline, crude but
recognisable at 32 pixels: an animal's side view on a field under tree trunks, a creature's top view in the
microscope's lit field, a helmet, a crane or a scaffold against sky and ground. Outlines are built from strokes,
ellipses and boxes (`subject_parts`); `v` points down, so an animal's legs reach towards +v. Split from
`object_subjects` (the product, room and dish drawers) to keep each module small.

Imports: numpy and `subject_parts` only.
"""

from __future__ import annotations

import numpy as np

from sandmle_core.modalities.image.subject_parts import (
    Drawer,
    Motif,
    box,
    capsule,
    cut,
    ellipse,
    lobed,
    ring,
    seg,
    union,
)

__all__ = ["FIELD_DRAWERS", "FIELD_MOTIFS"]


def _quadruped(u: np.ndarray, v: np.ndarray, a: float, b: float, leg: float, head: tuple[float, float, float],
               *extra: np.ndarray, leg_r: float = 0.07) -> np.ndarray:
    """A four-legged animal's side view: body ellipse, four legs down to `leg`, a neck to its head, extras."""
    hx, hy, hr = head
    legs = [capsule(u, v, x * a, 0.2 * b, x * a, leg, leg_r) for x in (-0.75, -0.5, 0.5, 0.75)]
    neck = capsule(u, v, 0.7 * a, -0.3 * b, hx, hy, 0.7 * hr)
    return union(ellipse(u, v, 0.0, 0.0, a, b), np.hypot(u - hx, v - hy) - hr, neck, *legs, *extra)


def _person(u: np.ndarray, v: np.ndarray) -> np.ndarray:
    return union(np.hypot(u, v + 0.85) - 0.2, box(u, v, -0.24, 0.24, -0.62, 0.2),
                 capsule(u, v, -0.12, 0.2, -0.18, 1.0, 0.1), capsule(u, v, 0.12, 0.2, 0.18, 1.0, 0.1),
                 capsule(u, v, -0.24, -0.55, -0.42, 0.15, 0.08), capsule(u, v, 0.24, -0.55, 0.42, 0.15, 0.08))


def _legs_of(u: np.ndarray, v: np.ndarray, pairs: int, length: float, r: float) -> np.ndarray:
    """Pairs of thin legs sticking out of an elongated body (top view of an insect)."""
    xs = np.linspace(-0.3, 0.3, pairs)
    return union(*(capsule(u, v, x, s * 0.1, x + 0.25 * x, s * length, r) for x in xs for s in (-1.0, 1.0)))


FIELD_MOTIFS: dict[str, Motif] = {
    # a camera-trap frame: an animal's dark side view
    "trap_deer": Motif(lambda u, v: _quadruped(u, v, 0.6, 0.27, 0.85, (0.85, -0.6, 0.15),
                                               capsule(u, v, 0.8, -0.7, 0.6, -1.1, 0.04),
                                               capsule(u, v, 0.9, -0.7, 1.1, -1.1, 0.04)), "stripes", -1.0),
    "trap_roe_deer": Motif(lambda u, v: _quadruped(u, v, 0.5, 0.24, 0.78, (0.7, -0.5, 0.13),
                                                   capsule(u, v, 0.7, -0.6, 0.68, -0.82, 0.035)), "wavy", -1.0),
    "trap_red_deer": Motif(lambda u, v: _quadruped(u, v, 0.65, 0.3, 0.85, (0.9, -0.65, 0.16),
                                                   capsule(u, v, 0.85, -0.75, 0.55, -1.2, 0.045),
                                                   capsule(u, v, 0.7, -0.95, 0.95, -1.15, 0.04),
                                                   capsule(u, v, 0.95, -0.75, 1.2, -1.15, 0.045)), "stripes", -1.0),
    "trap_elk": Motif(lambda u, v: _quadruped(u, v, 0.75, 0.38, 0.85, (1.0, -0.35, 0.2),
                                              ellipse(u, v, 0.8, -0.75, 0.32, 0.12), leg_r=0.09), "mottle", -1.0),
    "trap_boar": Motif(lambda u, v: union(ellipse(u, v, 0.0, 0.0, 0.75, 0.42), ellipse(u, v, 0.85, 0.12, 0.35, 0.22),
                                          *(capsule(u, v, x, 0.2, x, 0.6, 0.09) for x in (-0.5, -0.3, 0.35, 0.55))),
                       "grains", -1.0),
    "trap_fox": Motif(lambda u, v: _quadruped(u, v, 0.55, 0.2, 0.55, (0.75, -0.25, 0.14),
                                              capsule(u, v, -0.55, 0.0, -1.2, 0.3, 0.13),
                                              capsule(u, v, 0.7, -0.35, 0.7, -0.5, 0.05)), "stripes", -1.0),
    "trap_wolf": Motif(lambda u, v: _quadruped(u, v, 0.65, 0.27, 0.75, (0.9, -0.3, 0.17),
                                               capsule(u, v, -0.65, 0.0, -1.05, 0.45, 0.09)), "mottle", -1.0),
    "trap_dog": Motif(lambda u, v: _quadruped(u, v, 0.6, 0.26, 0.7, (0.85, -0.35, 0.17),
                                              capsule(u, v, -0.6, -0.1, -0.9, -0.45, 0.07)), "wavy", -1.0),
    "trap_lynx": Motif(lambda u, v: _quadruped(u, v, 0.55, 0.27, 0.72, (0.75, -0.35, 0.17),
                                               capsule(u, v, -0.55, -0.05, -0.72, 0.05, 0.07),
                                               capsule(u, v, 0.7, -0.45, 0.65, -0.7, 0.03)), "grains", -1.0),
    "trap_wildcat": Motif(lambda u, v: _quadruped(u, v, 0.5, 0.22, 0.6, (0.65, -0.3, 0.15),
                                                  capsule(u, v, -0.5, 0.0, -1.1, 0.35, 0.08)), "stripes", -1.0),
    "trap_raccoon_dog": Motif(lambda u, v: _quadruped(u, v, 0.5, 0.3, 0.48, (0.65, 0.0, 0.18),
                                                      capsule(u, v, -0.5, 0.0, -0.75, 0.2, 0.1)), "mottle", -1.0),
    "trap_badger": Motif(lambda u, v: union(ellipse(u, v, 0.0, 0.0, 0.7, 0.3), ellipse(u, v, 0.8, 0.1, 0.3, 0.15),
                                            *(capsule(u, v, x, 0.1, x, 0.42, 0.08) for x in (-0.5, -0.35, 0.35, 0.5))),
                         "stripes", -1.0),
    "trap_hare": Motif(lambda u, v: union(ellipse(u, v, 0.0, 0.2, 0.45, 0.35), np.hypot(u - 0.45, v + 0.25) - 0.17,
                                          capsule(u, v, 0.45, -0.35, 0.35, -0.95, 0.07),
                                          ellipse(u, v, -0.25, 0.45, 0.35, 0.12)), "wavy", -1.0),
    "trap_bear": Motif(lambda u, v: _quadruped(u, v, 0.8, 0.45, 0.75, (0.95, 0.0, 0.25),
                                               ellipse(u, v, 0.3, -0.35, 0.35, 0.2), leg_r=0.14), "mottle", -1.0),
    "trap_bird": Motif(lambda u, v: union(ellipse(u, v, 0.0, 0.0, 0.45, 0.22), np.hypot(u - 0.45, v + 0.2) - 0.14,
                                          capsule(u, v, -0.8, -0.6, 0.0, -0.05, 0.09),
                                          capsule(u, v, 0.0, -0.05, 0.6, -0.7, 0.09),
                                          capsule(u, v, -0.4, 0.05, -0.75, 0.2, 0.07)), "stripes", -1.0),
    "trap_squirrel": Motif(lambda u, v: union(ellipse(u, v, 0.0, 0.2, 0.35, 0.25), np.hypot(u - 0.35, v + 0.1) - 0.15,
                                              np.maximum(ring(u, v, 0.45, 0.15, -0.45, -0.1), -v - 0.1 - 0.5),
                                              capsule(u, v, 0.1, 0.3, 0.15, 0.55, 0.06)), "wavy", -1.0),
    "trap_mustelid": Motif(lambda u, v: union(capsule(u, v, -0.7, 0.0, 0.6, -0.05, 0.17),
                                              np.hypot(u - 0.78, v + 0.12) - 0.15,
                                              capsule(u, v, -0.7, 0.0, -1.25, 0.15, 0.07),
                                              *(capsule(u, v, x, 0.1, x, 0.35, 0.06) for x in (-0.5, 0.4))),
                           "stripes", -1.0),
    "trap_otter": Motif(lambda u, v: union(capsule(u, v, -0.7, 0.0, 0.6, 0.0, 0.22),
                                           np.hypot(u - 0.8, v + 0.05) - 0.18,
                                           capsule(u, v, -0.7, 0.05, -1.3, 0.25, 0.1)), "wavy", -1.0),
    "trap_beaver": Motif(lambda u, v: union(ellipse(u, v, 0.0, 0.0, 0.65, 0.4), np.hypot(u - 0.7, v - 0.05) - 0.2,
                                            ellipse(u, v, -0.95, 0.3, 0.35, 0.1)), "mottle", -1.0),
    "trap_hedgehog": Motif(lambda u, v: union(np.maximum(lobed(u, v - 0.2, 0.6, 0.07, 14.0), v - 0.3),
                                              capsule(u, v, 0.5, 0.2, 0.8, 0.25, 0.08)), "grains", -1.0),
    "trap_human": Motif(_person, "stripes", -1.0),
    "trap_vehicle": Motif(lambda u, v: union(box(u, v, -1.1, 1.1, -0.2, 0.4), box(u, v, -0.55, 0.5, -0.62, -0.2),
                                             np.hypot(u - 0.65, v - 0.45) - 0.25, np.hypot(u + 0.65, v - 0.45) - 0.25),
                          "stripes", -1.0),
    "trap_empty": Motif(lambda u, v: seg(u, v, 1.3, 1.0), "mottle", 0.15),
    # a freshwater macroinvertebrate under the microscope: the creature's dark top view in the lit field
    "bug_mayfly": Motif(lambda u, v: union(capsule(u, v, -0.6, 0.0, 0.55, 0.0, 0.14), np.hypot(u - 0.65, v) - 0.14,
                                           *(capsule(u, v, -0.6, 0.0, -1.25, t, 0.035) for t in (-0.3, 0.0, 0.3)),
                                           _legs_of(u, v, 3, 0.45, 0.035)), "stripes", -1.0),
    "bug_stonefly": Motif(lambda u, v: union(capsule(u, v, -0.6, 0.0, 0.6, 0.0, 0.17),
                                             *(capsule(u, v, -0.6, 0.0, -1.15, t, 0.035) for t in (-0.25, 0.25)),
                                             *(capsule(u, v, 0.65, 0.0, 1.15, t, 0.03) for t in (-0.3, 0.3)),
                                             _legs_of(u, v, 3, 0.55, 0.045)), "stripes", -1.0),
    "bug_caddis": Motif(lambda u, v: union(capsule(u, v, -0.8, 0.0, 0.7, 0.0, 0.26), np.hypot(u - 0.85, v) - 0.12),
                        "grains", -0.9),
    "bug_dragonfly": Motif(lambda u, v: union(ellipse(u, v, -0.1, 0.0, 0.75, 0.42), ellipse(u, v, 0.75, 0.0, 0.2, 0.3),
                                              _legs_of(u, v, 3, 0.75, 0.05)), "mottle", -1.0),
    "bug_damselfly": Motif(lambda u, v: union(capsule(u, v, -0.5, 0.0, 0.7, 0.0, 0.09),
                                              np.hypot(u - 0.75, v) - 0.14,
                                              *(ellipse(u, v, -0.78, t, 0.28, 0.07) for t in (-0.15, 0.0, 0.15)),
                                              _legs_of(u, v, 3, 0.5, 0.03)), "stripes", -1.0),
    "bug_shrimp": Motif(lambda u, v: np.maximum(ring(u, v, 0.6, 0.18, 0.0, 0.25), v - 0.4), "stripes", -1.0),
    "bug_beetle": Motif(lambda u, v: union(cut(ellipse(u, v, 0.0, 0.0, 0.7, 0.45), seg(u + 0.1, v, 0.6, 0.025)),
                                           ellipse(u, v, 0.75, 0.0, 0.15, 0.22), _legs_of(u, v, 3, 0.7, 0.04)),
                        "wavy", -1.0),
    "bug_snail": Motif(lambda u, v: cut(np.hypot(u, v) - 0.72,
                                        np.abs(np.mod(np.hypot(u, v) + 0.1 * np.arctan2(v, u) / np.pi, 0.22) - 0.11)
                                        - 0.025), "stripes", -1.0),
    "bug_leech": Motif(lambda u, v: ellipse(u, v - 0.15 * u * u, 0.0, 0.0, 0.95, 0.24), "stripes", -1.0),
    "bug_midge": Motif(lambda u, v: np.maximum(ring(u, v, 0.7, 0.07, 0.0, 0.3), v - 0.55), "stripes", -1.0),
    "bug_worm": Motif(lambda u, v: seg(u, v - 0.3 * np.sin(2.5 * u), 1.1, 0.07), "stripes", -1.0),
    "bug_louse": Motif(lambda u, v: union(ellipse(u, v, 0.0, 0.0, 0.65, 0.33), _legs_of(u, v, 4, 0.62, 0.03),
                                          *(capsule(u, v, 0.65, 0.0, 1.05, t, 0.03) for t in (-0.35, 0.35))),
                       "mottle", -0.9),
    "bug_blackfly": Motif(lambda u, v: union(np.hypot(u + 0.5, v) - 0.3, capsule(u, v, -0.5, 0.0, 0.6, 0.0, 0.12)),
                          "stripes", -1.0),
    "bug_cranefly": Motif(lambda u, v: capsule(u, v, -0.75, 0.0, 0.75, 0.0, 0.28), "stripes", -0.9),
    "bug_boatman": Motif(lambda u, v: union(ellipse(u, v, 0.0, 0.0, 0.55, 0.3),
                                            *(capsule(u, v, 0.0, s * 0.25, -0.5, s * 0.95, 0.05) for s in (-1.0, 1.0))),
                         "wavy", -1.0),
    "bug_skater": Motif(lambda u, v: union(capsule(u, v, -0.3, 0.0, 0.3, 0.0, 0.08),
                                           *(capsule(u, v, x, 0.0, x + 3.5 * x, s * 0.75, 0.03)
                                             for x in (-0.2, 0.2) for s in (-1.0, 1.0))), "stripes", -1.0),
    "bug_mite": Motif(lambda u, v: union(np.hypot(u, v) - 0.38,
                                         *(capsule(u, v, 0.0, 0.0, 0.75 * np.cos(t), 0.75 * np.sin(t), 0.04)
                                           for t in np.deg2rad((30, 60, 120, 150, 210, 240, 300, 330))),),
                       "mottle", -1.0),
    "bug_alderfly": Motif(lambda u, v: union(capsule(u, v, -0.8, 0.0, 0.7, 0.0, 0.13),
                                             np.hypot(u - 0.75, v) - 0.17, _legs_of(u, v, 7, 0.38, 0.025)),
                          "stripes", -1.0),
    "bug_flatworm": Motif(lambda u, v: union(ellipse(u, v, -0.1, 0.0, 0.85, 0.3),
                                             np.maximum(np.abs(v) - 0.4 * (1.05 - u) / 0.35, np.abs(u - 0.88) - 0.17)),
                          "mottle", -0.8),
    "bug_limpet": Motif(lambda u, v: union(ring(u, v, 0.58, 0.07), ring(u, v, 0.33, 0.07), np.hypot(u, v) - 0.1),
                        "stripes", -1.0),
    "bug_mussel": Motif(lambda u, v: cut(ellipse(u, v, 0.0, 0.0, 0.6, 0.48), ring(u, v, 0.5, 0.03, 0.0, 0.35)),
                        "wavy", -0.9),
    "bug_crayfish": Motif(lambda u, v: union(capsule(u, v, -0.8, 0.0, 0.4, 0.0, 0.2),
                                             *(ellipse(u, v, 0.95, s * 0.38, 0.3, 0.14) for s in (-1.0, 1.0)),
                                             *(capsule(u, v, 0.4, s * 0.1, 0.75, s * 0.35, 0.06) for s in (-1.0, 1.0)),
                                             np.maximum(np.abs(v) - 0.3 * (-0.75 - u) / 0.35, np.abs(u + 0.95) - 0.2)),
                          "stripes", -1.0),
    "bug_scorpion": Motif(lambda u, v: union(ellipse(u, v, 0.0, 0.0, 0.6, 0.3), seg(u + 0.95, v, 0.4, 0.03),
                                             *(capsule(u, v, 0.5, s * 0.15, 0.85, s * 0.4, 0.05) for s in (-1.0, 1.0))),
                          "stripes", -1.0),
    "bug_diving_larva": Motif(lambda u, v: union(capsule(u, v, -0.85, 0.0, 0.45, 0.0, 0.13),
                                                 ellipse(u, v, 0.65, 0.0, 0.22, 0.2),
                                                 *(capsule(u, v, 0.8, s * 0.1, 1.1, s * 0.25, 0.04)
                                                   for s in (-1.0, 1.0))), "stripes", -1.0),
    # a site camera: people, plant and structures against sky and ground
    "site_hard_hat": Motif(lambda u, v: union(np.maximum(np.hypot(u, v) - 0.62, v), box(u, v, -0.85, 0.85, -0.05, 0.1)),
                           "stripes", 1.0),
    "site_bare_head": Motif(lambda u, v: union(np.hypot(u, v + 0.3) - 0.38,
                                               np.maximum(ellipse(u, v, 0.0, 0.8, 0.9, 0.5), 0.3 - v)), "wavy", -0.9),
    "site_vest": Motif(lambda u, v: cut(box(u, v, -0.6, 0.6, -0.8, 0.8), np.maximum(np.abs(u) - 0.3 * (-0.2 - v),
                                                                                     v + 0.2)), "stripes", 1.0),
    "site_scaffold": Motif(lambda u, v: np.maximum(box(u, v, -1.1, 1.1, -1.0, 1.0),
                                                   union(np.abs(np.mod(u + 1.1, 0.55) - 0.275) - 0.05,
                                                         np.abs(np.mod(v + 1.0, 0.5) - 0.25) - 0.045,
                                                         np.abs(u - v) * 0.7071 - 0.04)), "stripes", -1.0),
    "site_excavator": Motif(lambda u, v: union(box(u, v, -0.9, 0.3, 0.55, 0.85), box(u, v, -0.7, 0.1, 0.0, 0.55),
                                               capsule(u, v, 0.05, 0.1, 0.8, -0.6, 0.09),
                                               capsule(u, v, 0.8, -0.6, 1.05, 0.3, 0.08),
                                               ellipse(u, v, 1.05, 0.45, 0.2, 0.15)), "stripes", -1.0),
    "site_crane": Motif(lambda u, v: union(box(u, v, -0.1, 0.1, -0.8, 1.2), box(u, v, -0.6, 1.3, -0.88, -0.74),
                                           box(u, v, -0.6, -0.32, -0.74, -0.5), seg(u - 1.0, v + 0.4, 0.03, 0.35),
                                           box(u, v, 0.9, 1.1, -0.1, 0.05)), "stripes", -1.0),
    "site_ladder": Motif(lambda u, v: union(capsule(u, v, -0.35, 1.0, 0.05, -1.0, 0.06),
                                            capsule(u, v, 0.15, 1.0, 0.55, -1.0, 0.06),
                                            np.maximum(np.abs(np.mod(v + 1.0, 0.33) - 0.165) - 0.035,
                                                       np.abs(u - 0.1 + 0.2 * v) - 0.25)), "stripes", -1.0),
    "site_harness": Motif(lambda u, v: union(_person(u, v), capsule(u, v, 0.0, -0.5, 0.7, -1.3, 0.04),
                                             capsule(u, v, -0.3, -0.55, 0.3, 0.15, 0.05),
                                             capsule(u, v, 0.3, -0.55, -0.3, 0.15, 0.05)), "wavy", -1.0),
    "site_barrier": Motif(lambda u, v: union(box(u, v, -1.2, 1.2, -0.25, 0.05),
                                             capsule(u, v, -0.9, 0.05, -1.1, 0.7, 0.06),
                                             capsule(u, v, 0.9, 0.05, 1.1, 0.7, 0.06)), "stripes", 1.0),
    "site_pour": Motif(lambda u, v: union(ellipse(u, v, 0.0, 0.5, 1.1, 0.35),
                                          capsule(u, v, -1.0, -0.9, 0.2, 0.2, 0.08)),
                       "mottle", -0.7),
    "site_rebar": Motif(lambda u, v: np.maximum(box(u, v, -0.9, 0.9, -0.7, 0.7),
                                                union(np.abs(np.mod(u + 0.9, 0.3) - 0.15) - 0.035,
                                                      np.abs(np.mod(v + 0.7, 0.35) - 0.175) - 0.035)), "stripes", -1.0),
    "site_telehandler": Motif(lambda u, v: union(box(u, v, -0.8, 0.3, 0.0, 0.5), np.hypot(u + 0.55, v - 0.6) - 0.3,
                                                 np.hypot(u - 0.2, v - 0.6) - 0.3,
                                                 capsule(u, v, -0.6, -0.05, 1.1, -0.8, 0.1),
                                                 box(u, v, 1.05, 1.4, -0.85, -0.75)), "stripes", -1.0),
}
"""The field drawers' motifs, by name."""


def _field(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """A camera trap's view: grass below the horizon, a grey forest above it with two dark tree trunks."""
    trunk = (np.abs(x + 0.78) < 0.07) | (np.abs(x - 0.62) < 0.05)
    ground = 0.66 + 0.03 * np.sin(40.0 * y + 3.0 * x)
    return np.where(y > -0.1, ground, np.where(trunk, 0.3, 0.56))


def _microscope(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """A microscope's lit round field (brightest at its centre), dark beyond it."""
    r = np.hypot(x, y)
    return np.where(r < 0.96, 0.8 - 0.12 * r * r, 0.08) * np.ones_like(x * y)


def _site(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """A site camera's view: bright sky over dark earth, a grey building's columns at both sides."""
    column = np.abs(np.abs(x) - 0.85) < 0.06
    return np.where(column, 0.25, np.where(y < 0.1, 0.56 - 0.1 * y, 0.34 + 0.04 * np.sin(9.0 * x)))


FIELD_DRAWERS: dict[str, Drawer] = {
    "camera_trap": Drawer(_field, {
        "deer": "trap_deer", "roe_deer": "trap_roe_deer", "red_deer": "trap_red_deer", "elk": "trap_elk",
        "boar": "trap_boar", "fox": "trap_fox", "wolf": "trap_wolf", "domestic_dog": "trap_dog", "lynx": "trap_lynx",
        "wildcat": "trap_wildcat", "raccoon_dog": "trap_raccoon_dog", "badger": "trap_badger", "hare": "trap_hare",
        "brown_bear": "trap_bear", "bird": "trap_bird", "squirrel": "trap_squirrel", "pine_marten": "trap_mustelid",
        "stoat": "trap_mustelid", "otter": "trap_otter", "beaver": "trap_beaver", "hedgehog": "trap_hedgehog",
        "human": "trap_human", "vehicle": "trap_vehicle", "empty": "trap_empty"},
        "trap_empty", tilt=6.0, scale=1.45, spread=2.0, scene=False),
    "macroinvertebrate": Drawer(_microscope, {
        "mayfly": "bug_mayfly", "stonefly": "bug_stonefly", "caddisfly": "bug_caddis",
        "dragonfly_nymph": "bug_dragonfly", "damselfly_nymph": "bug_damselfly", "freshwater_shrimp": "bug_shrimp",
        "water_beetle": "bug_beetle", "snail": "bug_snail", "leech": "bug_leech", "midge_larva": "bug_midge",
        "worm": "bug_worm", "water_louse": "bug_louse", "blackfly_larva": "bug_blackfly",
        "cranefly_larva": "bug_cranefly", "water_boatman": "bug_boatman", "pond_skater": "bug_skater",
        "water_mite": "bug_mite", "alderfly_larva": "bug_alderfly", "flatworm": "bug_flatworm",
        "freshwater_limpet": "bug_limpet", "pea_mussel": "bug_mussel", "crayfish": "bug_crayfish",
        "water_scorpion": "bug_scorpion", "diving_beetle_larva": "bug_diving_larva"},
        "bug_worm", scale=1.3, spread=1.5),
    "site_camera": Drawer(_site, {
        "hard_hat": "site_hard_hat", "bare_head": "site_bare_head", "safety_vest": "site_vest",
        "scaffold": "site_scaffold", "excavator": "site_excavator", "tower_crane": "site_crane",
        "ladder": "site_ladder", "fall_harness": "site_harness", "barrier": "site_barrier",
        "concrete_pour": "site_pour", "rebar_cage": "site_rebar", "telehandler": "site_telehandler"},
        "site_barrier", tilt=6.0, scale=1.3, spread=2.0, scene=False),
}
"""The field drawers, by the name a domain's image vocabulary gives."""
