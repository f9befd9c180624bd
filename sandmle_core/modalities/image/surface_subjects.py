"""Subject drawers of surface domains (issue 16): a dermatoscope's skin, a turbine blade, a crop leaf, a painted
vehicle panel, a borescope's blade and an all-sky camera's dome.

Each drawer's substrate is what the story's camera sees whatever the class (the dermatoscope's round field of skin,
the blade's leading edge against the sky, the leaf's midrib and veins on dark soil, the panel's reflection band and
door gap, the borescope's blade in its round view, the sky dome with its horizon ring); each class's motif is what its
name says on that surface (a `melanoma` an asymmetric dark blotch with a ragged border, a `crack` a thin dark
zig-zag, `cumulonimbus` a tall bright tower with an anvil, `cirrus` thin bright wisps, `stratus` a flat layer). Shapes
are signed distances in the pattern's frame (`subject_parts`); `v` points down in an upright image.

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
    jag,
    lobed,
    ring,
    seg,
    speckle,
    union,
)

__all__ = ["SURFACE_DRAWERS", "SURFACE_MOTIFS"]


def _star(u: np.ndarray, v: np.ndarray, arm: float, width: float) -> np.ndarray:
    turns = ((1.0, 0.0), (0.5, 0.866), (-0.5, 0.866))
    return union(*(seg(u * c + v * s, v * c - u * s, arm, width) for c, s in turns))


def _rows(u: np.ndarray, v: np.ndarray, pitch: float, half: float, wave: float, extent: tuple[float, float]
          ) -> np.ndarray:
    """Parallel bands across v (rolls of cloud, ripples) inside a box of half-extent (along, across)."""
    bands = np.abs(np.mod(v + wave * np.sin(2.2 * u) + 3.0, pitch) - pitch / 2) - half
    return np.maximum(bands, seg(u, v, *extent))


SURFACE_MOTIFS: dict[str, Motif] = {
    # a skin lesion under a dermatoscope: pigment, vessels and plaques darker than the skin
    "derm_nevus": Motif(lambda u, v: ellipse(u, v, 0.0, 0.0, 0.62, 0.55), "wavy", -0.75),
    "derm_melanoma": Motif(lambda u, v: np.hypot(u - 0.1, v) - (0.8 + 0.18 * np.cos(3.0 * np.arctan2(v, u - 0.1))
                                                               + 0.1 * np.cos(7.0 * np.arctan2(v, u) + 1.0)),
                           "mottle", -1.0),
    "derm_bcc": Motif(lambda u, v: lobed(u, v, 0.6, 0.08, 4.0), "veins", -0.8),
    "derm_keratosis": Motif(lambda u, v: box(u, v, -0.75, 0.75, -0.5, 0.5), "grains", -0.6),
    "derm_seborrheic": Motif(lambda u, v: ellipse(u, v, 0.0, 0.0, 0.9, 0.55), "mottle", -0.9),
    "derm_fibroma": Motif(lambda u, v: ring(u, v, 0.42, 0.2), "stripes", -0.9),
    "derm_vascular": Motif(lambda u, v: union(*(np.hypot(u - x, v - y) - 0.27 for x, y in (
        (-0.35, -0.2), (0.2, -0.35), (0.4, 0.2), (-0.1, 0.3), (-0.5, 0.35)))), "wavy", -1.0),
    "derm_scc": Motif(lambda u, v: cut(lobed(u, v, 0.75, 0.12, 5.0), np.hypot(u, v) - 0.25), "grains", -0.9),
    "derm_lentigo": Motif(lambda u, v: lobed(u, v * 1.3, 0.85, 0.2, 6.0, 0.7), "wavy", -0.5),
    "derm_plaque": Motif(lambda u, v: ellipse(u, v, 0.0, 0.0, 1.1, 0.7), "grains", -0.6),
    "derm_eczema": Motif(lambda u, v: speckle(u, v, 0.42, 0.14, 1.05), "mottle", -0.7),
    "derm_wart": Motif(lambda u, v: np.maximum(speckle(u, v, 0.26, 0.12, 0.6), np.hypot(u, v) - 0.6), "grains",
                       -1.0),
    # a turbine blade section from a drone: damage on the light blade
    "blade_erosion": Motif(lambda u, v: seg(u, v - 0.05 * np.sin(9.0 * u), 1.5, 0.28), "grains", -1.0),
    "blade_crack": Motif(jag, "stripes", -1.0),
    "blade_lightning": Motif(lambda u, v: union(_star(u, v, 0.8, 0.12), np.hypot(u, v) - 0.32), "mottle", -1.0),
    "blade_delamination": Motif(lambda u, v: ellipse(u, v, 0.0, 0.0, 0.85, 0.45), "wavy", 0.8),
    "blade_dirt": Motif(lambda u, v: lobed(u, v * 1.4, 0.85, 0.2, 3.0), "mottle", -0.6),
    "blade_ice": Motif(lambda u, v: seg(u, v, 1.6, 0.35), "veins", 1.0),
    "blade_droppings": Motif(lambda u, v: union(*(lobed(u - x, v - y, r, 0.3 * r, 5.0) for x, y, r in (
        (-0.5, -0.2, 0.24), (0.3, 0.25, 0.3), (0.55, -0.45, 0.17), (-0.15, 0.5, 0.14)))), "stripes", 1.0),
    "blade_paint_loss": Motif(lambda u, v: box(u + 0.06 * np.sin(11.0 * v), v + 0.06 * np.sin(13.0 * u), -0.8, 0.6,
                                               -0.45, 0.5), "grains", -0.8),
    "blade_split": Motif(lambda u, v: np.maximum(np.abs(v) - 0.35 * (1.0 - u) / 2.0, np.abs(u) - 1.0), "stripes",
                         -1.0),
    "blade_vortex": Motif(lambda u, v: cut(union(*(capsule(u, v, x, 0.3, x + 0.18, -0.3, 0.08) for x in (
        -1.2, -0.7, -0.2, 0.3, 0.8))), seg(u + 0.15, v, 0.25, 1.0)), "stripes", 0.9),
    "blade_tape": Motif(lambda u, v: np.maximum(seg(u, v, 1.4, 0.3), u - 0.9 - 0.15 * np.sin(20.0 * v)), "stripes",
                        0.8),
    "blade_healthy": Motif(lambda u, v: seg(u, v, 1.4, 0.9), "wavy", 0.25),
    # a crop leaf close up: lesions dark, mildew, mites and mosaic light
    "leaf_healthy": Motif(lambda u, v: ellipse(u, v, 0.0, 0.0, 1.3, 0.8), "veins", 0.3),
    "leaf_early_blight": Motif(lambda u, v: union(*(np.minimum(ring(u, v, 0.22, 0.07, x, y),
                                                               np.hypot(u - x, v - y) - 0.08)
                                                    for x, y in ((-0.5, -0.2), (0.3, -0.35), (0.2, 0.4)))),
                               "stripes", -1.0),
    "leaf_late_blight": Motif(lambda u, v: lobed(u + 0.2, v, 0.95, 0.2, 4.0, 1.0), "mottle", -1.0),
    "leaf_mold": Motif(lambda u, v: lobed(u, v * 1.2, 0.8, 0.18, 5.0), "mottle", 0.8),
    "leaf_septoria": Motif(lambda u, v: speckle(u, v, 0.45, 0.1, 1.15), "stripes", -1.0),
    "leaf_mites": Motif(lambda u, v: speckle(u, v, 0.28, 0.065, 1.15), "stripes", 0.9),
    "leaf_target": Motif(lambda u, v: np.maximum(np.abs(np.mod(np.hypot(u, v), 0.3) - 0.15) - 0.06,
                                                 np.hypot(u, v) - 0.85), "stripes", -1.0),
    "leaf_mosaic": Motif(lambda u, v: ellipse(u, v, 0.0, 0.0, 1.3, 0.8), "mottle", 0.7),
    "leaf_curl": Motif(lambda u, v: np.abs(ellipse(u, v, 0.0, 0.0, 1.3, 0.75)) - 0.14, "stripes", 0.9),
    "leaf_bacterial": Motif(lambda u, v: speckle(u * 1.3, v, 0.36, 0.09, 0.95), "grains", -1.0),
    "leaf_mildew": Motif(lambda u, v: union(lobed(u + 0.4, v, 0.45, 0.12, 5.0), lobed(u - 0.45, v - 0.2, 0.35, 0.1,
                                                                                       4.0)), "grains", 1.0),
    "leaf_rust": Motif(lambda u, v: speckle(0.6 * u, 1.5 * v, 0.5, 0.13, 0.85), "mottle", -0.8),
    # a painted vehicle panel: dents and creases shaded dark, scratches and chips bright
    "panel_dent": Motif(lambda u, v: (np.hypot(u, v * 1.2) - 0.8) * 0.5, "wavy", -0.9),
    "panel_scratch": Motif(lambda u, v: seg(u, v - 0.06 * np.sin(3.0 * u), 1.4, 0.1), "stripes", 1.0),
    "panel_crack": Motif(jag, "stripes", -1.0),
    "panel_shattered": Motif(lambda u, v: union(_star(u, v, 0.95, 0.07), ring(u, v, 0.5, 0.06)), "stripes", -1.0),
    "panel_lamp": Motif(lambda u, v: cut(np.abs(ellipse(u, v, 0.0, 0.0, 0.95, 0.55)) - 0.14, jag(2.0 * u, 2.0 * v)),
                        "stripes", 1.0),
    "panel_tyre": Motif(lambda u, v: cut(np.maximum(np.hypot(u, v) - 0.95, v - 0.65), np.hypot(u, v) - 0.35),
                        "stripes", -1.0),
    "panel_bumper": Motif(lambda u, v: np.maximum(seg(u, v, 1.4, 0.5), np.abs(v) - 0.08 - 0.3 * (u + 1.4) / 2.8),
                          "stripes", -1.0),
    "panel_chips": Motif(lambda u, v: speckle(u, v, 0.7, 0.2, 1.0), "stripes", 1.0),
    "panel_hail": Motif(lambda u, v: speckle(u, v, 0.42, 0.13, 1.15), "wavy", -0.7),
    "panel_rust": Motif(lambda u, v: lobed(u, v, 0.8, 0.15, 6.0), "grains", -0.9),
    "panel_crease": Motif(lambda u, v: seg(u, v - 0.1 * u, 1.6, 0.16), "wavy", -0.8),
    "panel_clean": Motif(lambda u, v: seg(u, v, 1.4, 0.9), "wavy", 0.2),
    # a turbine blade under a borescope: damage dark on the lit blade, coating loss and deposits bright
    "bore_healthy": Motif(lambda u, v: seg(u, v, 1.2, 0.8), "wavy", 0.25),
    "bore_nick": Motif(lambda u, v: np.maximum(np.abs(u) * 0.8 + v * 0.6 - 0.25, -v - 0.6), "stripes", -1.0),
    "bore_dent": Motif(lambda u, v: (np.hypot(u, v) - 0.55) * 0.5, "wavy", -0.8),
    "bore_crack": Motif(lambda u, v: seg(u, v - 0.12 * np.sin(6.0 * u), 1.1, 0.1), "stripes", -1.0),
    "bore_erosion": Motif(lambda u, v: seg(u, v, 1.4, 0.3), "grains", -1.0),
    "bore_burn": Motif(lambda u, v: lobed(u, v, 0.75, 0.18, 3.0, 0.5), "mottle", -1.0),
    "bore_coating": Motif(lambda u, v: lobed(u, v * 1.3, 0.85, 0.15, 5.0), "mottle", 0.9),
    "bore_tip_curl": Motif(lambda u, v: np.maximum(ring(u, v + 0.4, 0.7, 0.15), v + 0.4), "stripes", 1.0),
    "bore_missing": Motif(lambda u, v: np.maximum(np.hypot(u, v + 0.5) - 0.9, -v - 0.5), "stripes",
                          -1.0),
    "bore_deposit": Motif(lambda u, v: speckle(u, v, 0.5, 0.15, 0.95), "grains", 0.9),
    "bore_pits": Motif(lambda u, v: speckle(u, v, 0.4, 0.09, 1.0), "stripes", -1.0),
    "bore_fod": Motif(lambda u, v: union(ring(u, v, 0.45, 0.13), _star(u, v, 0.7, 0.06)), "stripes", -1.0),
    # an all-sky camera: clouds bright on the sky, rain cloud grey-dark
    "sky_cumulus": Motif(lambda u, v: union(*(np.hypot(u - x, v - y) - r for x, y, r in (
        (-0.55, 0.1, 0.38), (0.0, -0.05, 0.48), (0.5, 0.15, 0.34), (0.15, 0.35, 0.3), (-0.25, 0.35, 0.3)))),
                         "mottle", 1.0),
    "sky_stratus": Motif(lambda u, v: seg(u, v, 1.8, 0.85), "veins", 0.9),
    "sky_cirrus": Motif(lambda u, v: np.maximum(np.abs(np.mod(v + 0.25 * np.sin(1.6 * u) + 3.0, 0.5) - 0.25)
                                                - 0.045 * (1.2 - np.abs(u) / 1.6), seg(u, v, 1.6, 0.9)), "veins",
                        0.9),
    "sky_cumulonimbus": Motif(lambda u, v: union(box(u, v, -0.45, 0.45, -0.6, 1.3),
                                                 ellipse(u, v, 0.15, -0.75, 0.95, 0.28),
                                                 lobed(u, v - 0.9, 0.55, 0.1, 5.0)), "mottle", 1.0),
    "sky_altostratus": Motif(lambda u, v: seg(u, v, 1.7, 0.75), "wavy", 0.45),
    "sky_altocumulus": Motif(lambda u, v: speckle(u, v, 0.48, 0.16, 1.2), "mottle", 0.9),
    "sky_nimbostratus": Motif(lambda u, v: seg(u, v, 1.8, 0.9), "mottle", -0.7),
    "sky_stratocumulus": Motif(lambda u, v: _rows(u, v, 0.6, 0.19, 0.08, (1.6, 0.9)), "mottle", 0.85),
    "sky_cirrostratus": Motif(lambda u, v: union(ring(u, v, 0.7, 0.09), seg(u, v, 1.5, 0.15)), "veins", 0.7),
    "sky_cirrocumulus": Motif(lambda u, v: speckle(u, v, 0.28, 0.075, 1.1), "stripes", 0.8),
    "sky_clear": Motif(lambda u, v: np.hypot(u, v) - 0.28, "stripes", 1.0),
    "sky_haze": Motif(lambda u, v: (np.hypot(u, v) - 1.0) * 0.35, "wavy", 0.4),
}
"""The surface drawers' motifs, by name."""


def _dermatoscope(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Skin seen through a dermatoscope: a round lit field, soft skin lines, the dark vignette of the lens."""
    r = np.hypot(x, y)
    skin = 0.72 + 0.04 * np.sin(5.0 * x + 2.0 * y) * np.sin(4.0 * y - 1.5 * x)
    return np.where(r < 0.95, skin * (1.0 - 0.25 * r**4), 0.06)


def _blade(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """A blade section across the frame: light laminate below its leading edge (a bright rounded highlight), the
    darker sky above it."""
    edge = -0.45 + 0.12 * x
    blade = 0.6 + 0.2 * np.exp(-(((y - edge) / 0.12) ** 2)) + 0.03 * np.sin(2.0 * x)
    return np.where(y > edge, blade, 0.2 - 0.08 * y)


def _leaf(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """A leaf blade along x on dark soil: its midrib and side veins darker lines on the lit blade."""
    inside = np.hypot(x / 1.05, y / 0.78) < 1.0
    mid = np.abs(y - 0.06 * x) < 0.035
    side = np.abs(np.mod(x - 1.2 * np.abs(y) + 3.0, 0.45) - 0.225) < 0.025
    return np.where(inside, np.where(mid, 0.34, np.where(side, 0.41, 0.5)), 0.1) * np.ones_like(x * y)


def _panel(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """A painted panel: a mid tone, a bright reflection band across it, a dark door gap near the right edge."""
    gap = np.abs(x - 0.72 - 0.05 * y) < 0.025
    paint = 0.4 + 0.3 * np.exp(-(((y + 0.35 * x + 0.2) / 0.22) ** 2)) - 0.08 * y
    return np.where(gap, 0.1, paint)


def _borescope(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """A borescope's round view of a blade: the lit airfoil curving up through the view, dark gas path beside it,
    black outside the lens."""
    r = np.hypot(x, y)
    blade = np.abs(x - 0.25 * y * y + 0.1) < 0.62
    return np.where(r < 0.96, np.where(blade, 0.46 + 0.1 * x, 0.14), 0.0)


def _sky(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """The all-sky dome: a mid-grey sky brightening towards the horizon ring, black beyond the fisheye's circle."""
    r = np.hypot(x, y)
    return np.where(r < 0.97, 0.38 + 0.2 * r**2, 0.02) * np.ones_like(x * y)


SURFACE_DRAWERS: dict[str, Drawer] = {
    "skin_lesion": Drawer(_dermatoscope, {
        "melanocytic_nevus": "derm_nevus", "melanoma": "derm_melanoma", "basal_cell_carcinoma": "derm_bcc",
        "actinic_keratosis": "derm_keratosis", "seborrheic_keratosis": "derm_seborrheic",
        "dermatofibroma": "derm_fibroma", "vascular_lesion": "derm_vascular", "squamous_cell_carcinoma": "derm_scc",
        "solar_lentigo": "derm_lentigo", "psoriasis_plaque": "derm_plaque", "eczema_patch": "derm_eczema",
        "viral_wart": "derm_wart"}, "derm_nevus", scale=1.2, spread=2.0, scene=False),
    "turbine_blade": Drawer(_blade, {
        "leading_edge_erosion": "blade_erosion", "crack": "blade_crack", "lightning_strike": "blade_lightning",
        "delamination": "blade_delamination", "dirt": "blade_dirt", "ice": "blade_ice",
        "bird_droppings": "blade_droppings", "paint_loss": "blade_paint_loss", "trailing_edge_split": "blade_split",
        "missing_vortex_generator": "blade_vortex", "tape_damage": "blade_tape", "healthy": "blade_healthy"},
        "blade_healthy", tilt=20.0, scale=1.2, spread=2.5),
    "crop_leaf": Drawer(_leaf, {
        "healthy": "leaf_healthy", "early_blight": "leaf_early_blight", "late_blight": "leaf_late_blight",
        "leaf_mold": "leaf_mold", "septoria_spot": "leaf_septoria", "spider_mites": "leaf_mites",
        "target_spot": "leaf_target", "mosaic_virus": "leaf_mosaic", "yellow_leaf_curl": "leaf_curl",
        "bacterial_spot": "leaf_bacterial", "powdery_mildew": "leaf_mildew", "rust": "leaf_rust"},
        "leaf_healthy", tilt=25.0, scale=1.1, spread=2.0),
    "vehicle_panel": Drawer(_panel, {
        "dent": "panel_dent", "scratch": "panel_scratch", "crack": "panel_crack",
        "shattered_glass": "panel_shattered", "broken_lamp": "panel_lamp", "flat_tyre": "panel_tyre",
        "detached_bumper": "panel_bumper", "paint_chip": "panel_chips", "hail_dents": "panel_hail",
        "rust": "panel_rust", "door_crease": "panel_crease", "no_damage": "panel_clean"},
        "panel_clean", tilt=30.0, scale=1.2, spread=2.5, scene=False),
    "borescope_blade": Drawer(_borescope, {
        "healthy_blade": "bore_healthy", "nick": "bore_nick", "dent": "bore_dent", "crack": "bore_crack",
        "erosion": "bore_erosion", "burn": "bore_burn", "coating_loss": "bore_coating", "tip_curl": "bore_tip_curl",
        "missing_material": "bore_missing", "deposit": "bore_deposit", "corrosion_pit": "bore_pits",
        "fod_impact": "bore_fod"}, "bore_healthy", tilt=30.0, scale=1.15, spread=2.0),
    "sky_dome": Drawer(_sky, {
        "cumulus": "sky_cumulus", "stratus": "sky_stratus", "cirrus": "sky_cirrus",
        "cumulonimbus": "sky_cumulonimbus", "altostratus": "sky_altostratus", "altocumulus": "sky_altocumulus",
        "nimbostratus": "sky_nimbostratus", "stratocumulus": "sky_stratocumulus",
        "cirrostratus": "sky_cirrostratus", "cirrocumulus": "sky_cirrocumulus", "clear_sky": "sky_clear",
        "haze": "sky_haze"}, "sky_clear", tilt=12.0, scale=1.3, spread=2.0),
}
"""The surface drawers, by the name a domain's image vocabulary gives."""
