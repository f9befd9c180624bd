"""Subject drawers of object domains (issue 16): a product photo, a listing photo, a dish, a camera-trap frame, a
microscope's macroinvertebrate and a site camera.

An object domain's class is a thing, so its motif is the thing's outline, crude but recognisable at 32 pixels: a
garment or a shoe on a plain studio background, a room's furniture against its back wall and floor, food on a white
plate, an animal's side view on a field under tree trunks, a creature's top view in the microscope's lit field, a
helmet, a crane or a scaffold against sky and ground. Outlines are built from strokes, ellipses and boxes
(`subject_parts`); `v` points down, so an animal's legs reach towards +v and a roof points to -v.

Imports: numpy only.
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

__all__ = ["OBJECT_DRAWERS", "OBJECT_MOTIFS"]


def _sleeves(u: np.ndarray, v: np.ndarray, width: float, reach: float, r: float) -> np.ndarray:
    """Two long sleeves from the shoulders (+-width) out and down to the cuffs at +-reach."""
    return union(capsule(u, v, -width, -0.6, -reach, 0.35, r), capsule(u, v, width, -0.6, reach, 0.35, r))


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


OBJECT_MOTIFS: dict[str, Motif] = {
    # garments and accessories on a plain studio background (the product darker than the backdrop)
    "prod_tshirt": Motif(lambda u, v: cut(union(box(u, v, -0.5, 0.5, -0.7, 0.95), box(u, v, -0.95, 0.95, -0.7, -0.25)),
                                          ellipse(u, v, 0.0, -0.72, 0.22, 0.14)), "stripes", -0.9),
    "prod_shirt": Motif(lambda u, v: cut(union(box(u, v, -0.48, 0.48, -0.75, 0.95), _sleeves(u, v, 0.5, 1.1, 0.15)),
                                         seg(u, v - 0.1, 0.03, 0.8)), "stripes", -0.9),
    "prod_pullover": Motif(lambda u, v: union(box(u, v, -0.55, 0.55, -0.7, 0.85), _sleeves(u, v, 0.55, 1.15, 0.19)),
                           "wavy", -0.9),
    "prod_hoodie": Motif(lambda u, v: union(box(u, v, -0.55, 0.55, -0.6, 0.85), _sleeves(u, v, 0.55, 1.15, 0.19),
                                            np.hypot(u, v + 0.75) - 0.33), "wavy", -0.9),
    "prod_coat": Motif(lambda u, v: cut(union(box(u, v, -0.55, 0.55, -0.75, 1.3), _sleeves(u, v, 0.55, 1.1, 0.17)),
                                        seg(u, v - 0.3, 0.03, 1.0)), "stripes", -1.0),
    "prod_blazer": Motif(lambda u, v: cut(union(box(u, v, -0.55, 0.55, -0.7, 0.8), _sleeves(u, v, 0.55, 1.1, 0.16)),
                                          np.maximum(np.abs(u) - 0.35 * (0.1 - v), v - 0.1)), "stripes", -1.0),
    "prod_raincoat": Motif(lambda u, v: union(box(u, v, -0.5, 0.5, -0.6, 1.35), _sleeves(u, v, 0.5, 1.1, 0.16),
                                              np.hypot(u, v + 0.75) - 0.3), "veins", -0.9),
    "prod_dress": Motif(lambda u, v: union(np.maximum(np.abs(u) - (0.22 + 0.45 * (v + 0.8) / 1.9),
                                                      np.abs(v - 0.15) - 0.95),
                                           capsule(u, v, -0.2, -0.8, -0.15, -1.05, 0.05),
                                           capsule(u, v, 0.2, -0.8, 0.15, -1.05, 0.05)), "wavy", -0.9),
    "prod_skirt": Motif(lambda u, v: np.maximum(np.abs(u) - (0.4 + 0.35 * (v + 0.5)), np.abs(v - 0.05) - 0.55),
                        "stripes", -0.9),
    "prod_trousers": Motif(lambda u, v: union(box(u, v, -0.5, 0.5, -0.95, -0.55),
                                              np.maximum(np.abs(np.abs(u) - 0.27) - 0.22 + 0.05 * v,
                                                         np.abs(v - 0.2) - 0.85)), "stripes", -0.9),
    "prod_shorts": Motif(lambda u, v: union(box(u, v, -0.6, 0.6, -0.6, -0.2),
                                            np.maximum(np.abs(np.abs(u) - 0.33) - 0.3, np.abs(v) - 0.35)),
                         "stripes", -0.9),
    "prod_sandal": Motif(lambda u, v: union(ellipse(u, v, 0.0, 0.45, 1.0, 0.16),
                                            capsule(u, v, -0.45, 0.35, 0.0, -0.05, 0.08),
                                            capsule(u, v, 0.0, -0.05, 0.45, 0.35, 0.08)), "stripes", -1.0),
    "prod_sneaker": Motif(lambda u, v: union(box(u, v, -1.0, 1.0, 0.2, 0.45),
                                             np.maximum(ellipse(u, v, -0.15, 0.2, 0.85, 0.6), v - 0.2)),
                          "stripes", -0.9),
    "prod_loafer": Motif(lambda u, v: union(box(u, v, -1.0, 1.0, 0.28, 0.42),
                                            np.maximum(ellipse(u, v, -0.1, 0.28, 0.9, 0.3), v - 0.28)),
                         "wavy", -1.0),
    "prod_boot": Motif(lambda u, v: union(box(u, v, -1.0, 0.95, 0.25, 0.45), box(u, v, -0.95, -0.2, -0.9, 0.3),
                                          np.maximum(ellipse(u, v, 0.0, 0.25, 0.9, 0.4), v - 0.25)), "stripes", -1.0),
    "prod_heel": Motif(lambda u, v: union(capsule(u, v, -0.75, -0.15, 0.85, 0.4, 0.1),
                                          capsule(u, v, -0.7, -0.1, -0.7, 0.65, 0.06),
                                          np.maximum(ellipse(u, v, 0.45, 0.3, 0.45, 0.3), v - 0.3)), "stripes", -1.0),
    "prod_handbag": Motif(lambda u, v: union(np.maximum(np.abs(u) - (0.55 + 0.25 * v), np.abs(v - 0.3) - 0.45),
                                             np.maximum(ring(u, v, 0.42, 0.07, 0.0, -0.15), v + 0.15)),
                          "mottle", -1.0),
    "prod_backpack": Motif(lambda u, v: union(ellipse(u, v, 0.0, 0.15, 0.65, 0.9), box(u, v, -0.4, 0.4, 0.3, 0.75),
                                              ring(u, v, 0.18, 0.06, 0.0, -0.85)), "mottle", -0.9),
    "prod_cap": Motif(lambda u, v: union(np.maximum(np.hypot(u + 0.15, v - 0.2) - 0.7, v - 0.2),
                                         box(u, v, 0.2, 1.15, 0.1, 0.3)), "stripes", -1.0),
    "prod_beanie": Motif(lambda u, v: union(np.maximum(ellipse(u, v, 0.0, 0.25, 0.7, 0.9), v - 0.45),
                                            box(u, v, -0.75, 0.75, 0.3, 0.65), np.hypot(u, v + 0.8) - 0.2),
                         "wavy", -0.9),
    "prod_scarf": Motif(lambda u, v: union(capsule(u, v, -1.1, -0.4, 1.1, -0.4, 0.2),
                                           capsule(u, v, 0.5, -0.4, 0.7, 0.9, 0.2)), "stripes", -0.9),
    "prod_belt": Motif(lambda u, v: union(box(u, v, -1.4, 1.4, -0.12, 0.12), ring(u, v, 0.24, 0.07, -0.85)),
                       "stripes", -1.0),
    "prod_gloves": Motif(lambda u, v: union(ellipse(u, v, 0.0, 0.3, 0.45, 0.5), box(u, v, -0.4, 0.4, 0.7, 1.05),
                                            capsule(u, v, 0.42, 0.3, 0.8, -0.1, 0.11),
                                            *(capsule(u, v, x, 0.0, 1.15 * x, -0.85, 0.1)
                                              for x in (-0.3, -0.1, 0.1, 0.3))), "mottle", -1.0),
    # a listing photo: what stands in the room against its back wall and floor
    "room_kitchen": Motif(lambda u, v: cut(union(box(u, v, -1.2, 1.2, 0.0, 0.7), box(u, v, -1.2, 1.2, -0.9, -0.45)),
                                           np.abs(np.mod(u + 0.3, 0.6) - 0.3) - 0.04), "stripes", -0.8),
    "room_bathroom": Motif(lambda u, v: union(np.maximum(ellipse(u, v, 0.0, 0.3, 1.1, 0.45), 0.1 - v),
                                              box(u, v, -0.4, 0.4, -0.9, -0.3)), "wavy", 0.85),
    "room_bedroom": Motif(lambda u, v: union(box(u, v, -1.1, 1.1, 0.05, 0.6), box(u, v, -1.1, -0.85, -0.6, 0.6),
                                             ellipse(u, v, -0.55, -0.05, 0.25, 0.12)), "wavy", 0.75),
    "room_living": Motif(lambda u, v: union(box(u, v, -1.1, 1.1, 0.0, 0.55), box(u, v, -1.1, 1.1, -0.45, 0.0),
                                            box(u, v, -1.3, -1.0, -0.2, 0.55), box(u, v, 1.0, 1.3, -0.2, 0.55)),
                         "mottle", -0.85),
    "room_dining": Motif(lambda u, v: union(box(u, v, -0.9, 0.9, -0.05, 0.08), box(u, v, -0.8, -0.7, 0.08, 0.75),
                                            box(u, v, 0.7, 0.8, 0.08, 0.75), box(u, v, -1.35, -1.22, -0.5, 0.75),
                                            box(u, v, 1.22, 1.35, -0.5, 0.75)), "stripes", -0.9),
    "room_exterior": Motif(lambda u, v: cut(union(box(u, v, -0.9, 0.9, -0.2, 0.9),
                                                  np.maximum(np.abs(u) - 1.05 * (v + 0.95) / 0.75,
                                                             np.maximum(-0.95 - v, v + 0.2))),
                                            union(box(u, v, -0.15, 0.15, 0.35, 0.9), box(u, v, -0.7, -0.35, 0.05, 0.35),
                                                  box(u, v, 0.35, 0.7, 0.05, 0.35))), "stripes", -0.85),
    "room_garden": Motif(lambda u, v: union(lobed(u, v + 0.3, 0.6, 0.12, 7.0), box(u, v, -0.1, 0.1, 0.2, 0.95),
                                            box(u, v, -1.3, 1.3, 0.75, 0.95)), "mottle", -0.8),
    "room_garage": Motif(lambda u, v: cut(box(u, v, -1.0, 1.0, -0.6, 0.9), np.abs(np.mod(v + 0.6, 0.3) - 0.15) - 0.03),
                         "stripes", -0.75),
    "room_hallway": Motif(lambda u, v: union(box(u, v, -0.35, 0.35, -0.95, 0.55),
                                             np.maximum(np.abs(u) - (0.3 + 0.35 * (v - 0.55)), np.abs(v - 0.75) - 0.2)),
                          "stripes", -0.9),
    "room_office": Motif(lambda u, v: union(box(u, v, -1.0, 1.0, 0.1, 0.22), box(u, v, -0.95, -0.85, 0.22, 0.8),
                                            box(u, v, 0.85, 0.95, 0.22, 0.8), box(u, v, -0.45, 0.45, -0.75, -0.1),
                                            box(u, v, -0.06, 0.06, -0.1, 0.1)), "stripes", -0.9),
    "room_laundry": Motif(lambda u, v: cut(box(u, v, -0.7, 0.7, -0.8, 0.9), ring(u, v, 0.36, 0.08, 0.0, 0.15)),
                          "stripes", 0.85),
    "room_balcony": Motif(lambda u, v: union(box(u, v, -1.3, 1.3, -0.35, -0.22),
                                             np.maximum(np.abs(np.mod(u + 1.3, 0.32) - 0.16) - 0.045,
                                                        box(u, v, -1.3, 1.3, -0.22, 0.8))), "stripes", -0.9),
    # food on a white plate, darker than the plate
    "dish_pizza": Motif(lambda u, v: cut(np.hypot(u, v) - 0.85, union(*(seg(u * c + v * s, v * c - u * s, 0.9, 0.04)
                                                                        for c, s in ((1.0, 0.0), (0.5, 0.866),
                                                                                     (-0.5, 0.866))))),
                        "grains", -0.8),
    "dish_burger": Motif(lambda u, v: union(np.maximum(ellipse(u, v, 0.0, -0.2, 0.8, 0.5), v + 0.2),
                                            box(u, v, -0.85, 0.85, -0.1, 0.12), box(u, v, -0.75, 0.75, 0.22, 0.42)),
                         "stripes", -0.9),
    "dish_sushi": Motif(lambda u, v: union(*(cut(np.hypot(u - x, v - y) - 0.27, np.hypot(u - x, v - y) - 0.1)
                                             for x in (-0.6, 0.0, 0.6) for y in (-0.3, 0.3))), "stripes", -1.0),
    "dish_bowl": Motif(lambda u, v: cut(np.hypot(u, v) - 0.85, union(ellipse(u, v, 0.35, -0.3, 0.22, 0.15),
                                                                      ellipse(u, v, -0.3, 0.35, 0.2, 0.14))),
                       "wavy", -0.8),
    "dish_pho": Motif(lambda u, v: union(ring(u, v, 0.78, 0.1), np.hypot(u, v) - 0.45), "veins", -0.8),
    "dish_salad": Motif(lambda u, v: lobed(u, v, 0.72, 0.2, 7.0), "mottle", -0.7),
    "dish_curry": Motif(lambda u, v: cut(lobed(u, v, 0.8, 0.08, 3.0), np.hypot(u - 0.35, v + 0.15) - 0.33),
                        "mottle", -0.9),
    "dish_tacos": Motif(lambda u, v: union(*(np.maximum(np.hypot(u - x, v - 0.25) - 0.45, v - 0.25)
                                             for x in (-0.62, 0.0, 0.62))), "mottle", -1.0),
    "dish_pasta": Motif(lambda u, v: np.maximum((np.abs(np.sin(5.0 * u + 2.0 * np.sin(3.0 * v))) - 0.5) * 0.2,
                                                np.hypot(u, v) - 0.8), "veins", -0.9),
    "dish_dumplings": Motif(lambda u, v: union(*(ellipse(u, v, x, y, 0.3, 0.21) for x, y in (
        (-0.4, -0.3), (0.35, -0.35), (-0.35, 0.35), (0.4, 0.3)))), "wavy", -0.8),
    "dish_steak": Motif(lambda u, v: cut(lobed(0.8 * u, 1.2 * v, 0.75, 0.1, 2.0),
                                         np.abs(np.mod(u + v + 3.0, 0.4) - 0.2) - 0.05), "mottle", -1.0),
    "dish_pancakes": Motif(lambda u, v: union(*(ellipse(u, v, 0.0, y, 0.85, 0.12) for y in (-0.4, -0.13, 0.14, 0.41))),
                           "stripes", -0.8),
    "dish_ice_cream": Motif(lambda u, v: union(np.hypot(u, v + 0.35) - 0.45,
                                               np.maximum(np.abs(u) - 0.4 * (0.95 - v) / 1.05, -v - 0.1)),
                            "grains", -0.9),
    "dish_falafel": Motif(lambda u, v: union(*(np.hypot(u - x, v - y) - 0.24 for x, y in (
        (-0.5, -0.2), (0.1, -0.45), (0.55, 0.0), (0.0, 0.15), (-0.3, 0.5), (0.35, 0.5)))), "grains", -1.0),
    "dish_paella": Motif(lambda u, v: union(np.hypot(u, v) - 0.95, box(u, v, -1.3, 1.3, -0.1, 0.1)), "grains", -0.7),
    "dish_burrito": Motif(lambda u, v: union(capsule(u, v, -0.8, 0.0, 0.8, 0.0, 0.36), ring(u, v, 0.25, 0.05, 0.85)),
                          "stripes", -0.9),
    "dish_lasagne": Motif(lambda u, v: cut(box(u, v, -0.75, 0.75, -0.55, 0.55), np.abs(np.mod(v + 0.55, 0.37) - 0.185)
                                           - 0.035), "mottle", -0.85),
    "dish_risotto": Motif(lambda u, v: lobed(u, v, 0.7, 0.06, 9.0), "grains", -0.6),
    "dish_kebab": Motif(lambda u, v: union(seg(u, v, 1.35, 0.04),
                                           np.maximum(seg(u, v, 1.0, 0.24),
                                                      np.abs(np.mod(u + 1.0, 0.5) - 0.25) - 0.19)),
                        "mottle", -1.0),
    "dish_omelette": Motif(lambda u, v: np.maximum(np.hypot(u, v + 0.2) - 0.85, -v - 0.2), "wavy", -0.6),
    "dish_waffles": Motif(lambda u, v: cut(box(u, v, -0.72, 0.72, -0.72, 0.72),
                                           np.maximum(np.abs(np.mod(u + 0.72, 0.36) - 0.18),
                                                      np.abs(np.mod(v + 0.72, 0.36) - 0.18)) - 0.1), "stripes", -0.85),
    "dish_cheesecake": Motif(lambda u, v: np.maximum(np.abs(u) - 0.6 * (v + 0.8) / 1.4, np.maximum(-0.8 - v, v - 0.6)),
                             "stripes", -0.7),
    "dish_fried_rice": Motif(lambda u, v: ellipse(u, v, 0.0, 0.1, 0.85, 0.55), "grains", -0.85),
    "dish_fish_chips": Motif(lambda u, v: union(ellipse(u, v, -0.3, -0.25, 0.7, 0.3),
                                                *(capsule(u, v, x, 0.15, x + 0.15, 0.75, 0.08)
                                                  for x in (-0.2, 0.1, 0.4, 0.7))), "grains", -0.9),
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
"""The object drawers' motifs, by name."""


def _studio(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """A plain near-white backdrop, a little darker towards its lower edge (brighter than any skin or plate, so a
    product photo does not pass for a wound photo in pixel statistics)."""
    return 0.96 - 0.06 * np.clip(y, 0.0, 1.0) * np.ones_like(x * y)


def _room(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """A room in one-point perspective: a lit back wall, greyer side walls, a light ceiling, a dark floor."""
    back = (np.abs(x) < 0.55) & (y > -0.55) & (y < 0.25)
    floor = y > 0.25 + 0.5 * np.maximum(np.abs(x) - 0.55, 0.0)
    ceiling = y < -0.55 - 0.5 * np.maximum(np.abs(x) - 0.55, 0.0)
    return np.where(back, 0.62, np.where(floor, 0.34, np.where(ceiling, 0.74, 0.5)))


def _plate(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """A white plate with a rim on a darker table."""
    r = np.hypot(x, y)
    return np.where(r < 0.72, 0.82, np.where(r < 0.9, 0.7, 0.3 + 0.03 * np.sin(6.0 * y)))


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


OBJECT_DRAWERS: dict[str, Drawer] = {
    "product_photo": Drawer(_studio, {
        "tshirt": "prod_tshirt", "shirt": "prod_shirt", "pullover": "prod_pullover", "hoodie": "prod_hoodie",
        "coat": "prod_coat", "blazer": "prod_blazer", "raincoat": "prod_raincoat", "dress": "prod_dress",
        "skirt": "prod_skirt", "trousers": "prod_trousers", "jeans": "prod_trousers", "shorts": "prod_shorts",
        "sandal": "prod_sandal", "sneaker": "prod_sneaker", "loafer": "prod_loafer", "ankle_boot": "prod_boot",
        "high_heel": "prod_heel", "handbag": "prod_handbag", "backpack": "prod_backpack", "cap": "prod_cap",
        "beanie": "prod_beanie", "scarf": "prod_scarf", "belt": "prod_belt", "gloves": "prod_gloves"},
        "prod_tshirt", tilt=8.0, scale=1.25, spread=1.5),
    "listing_room": Drawer(_room, {
        "kitchen": "room_kitchen", "bathroom": "room_bathroom", "bedroom": "room_bedroom",
        "living_room": "room_living", "dining_room": "room_dining", "front_exterior": "room_exterior",
        "garden": "room_garden", "garage": "room_garage", "hallway": "room_hallway", "home_office": "room_office",
        "laundry": "room_laundry", "balcony": "room_balcony"}, "room_living", tilt=5.0, scale=1.35, spread=1.5),
    "dish_plate": Drawer(_plate, {
        "pizza": "dish_pizza", "burger": "dish_burger", "sushi": "dish_sushi", "ramen": "dish_bowl",
        "pho": "dish_pho", "salad": "dish_salad", "curry": "dish_curry", "tacos": "dish_tacos", "pasta": "dish_pasta",
        "dumplings": "dish_dumplings", "steak": "dish_steak", "pancakes": "dish_pancakes",
        "ice_cream": "dish_ice_cream", "falafel": "dish_falafel", "paella": "dish_paella", "burrito": "dish_burrito",
        "lasagne": "dish_lasagne", "risotto": "dish_risotto", "kebab": "dish_kebab", "omelette": "dish_omelette",
        "waffles": "dish_waffles", "cheesecake": "dish_cheesecake", "fried_rice": "dish_fried_rice",
        "fish_and_chips": "dish_fish_chips"}, "dish_salad", tilt=20.0, scale=1.3, spread=1.5),
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
"""The object drawers, by the name a domain's image vocabulary gives."""
