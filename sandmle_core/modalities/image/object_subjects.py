"""Subject drawers of object domains (issue 16): a product photo, a listing photo and a dish.

An object domain's class is a thing, so its motif is the thing's outline, crude but recognisable at 32 pixels: a
garment or a shoe on a plain studio background, a room's furniture against its back wall and floor, food on a white
plate. Outlines are built from strokes, ellipses and boxes (`subject_parts`); `v` points down, so a roof points to
-v. The field domains (camera trap, microscope, site camera) are in `field_subjects`.

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

__all__ = ["OBJECT_DRAWERS", "OBJECT_MOTIFS"]


def _sleeves(u: np.ndarray, v: np.ndarray, width: float, reach: float, r: float) -> np.ndarray:
    """Two long sleeves from the shoulders (+-width) out and down to the cuffs at +-reach."""
    return union(capsule(u, v, -width, -0.6, -reach, 0.35, r), capsule(u, v, width, -0.6, reach, 0.35, r))


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
}
"""The object drawers, by the name a domain's image vocabulary gives."""
