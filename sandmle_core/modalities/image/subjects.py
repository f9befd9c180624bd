"""Subject drawers: what a class looks like in one image domain (issue 16: every domain showed striped silhouettes).

A drawer fits one domain's story. It has a class-independent *substrate* fixed in the image frame (a PV module's cell
grid and busbars, a drill core lying in its tray, a patch of skin, a wafer's die disc) and a table of *motifs*, each a
region (a signed distance in the class pattern's frame, so it moves with the image's jitter, scale and turn), a fill
texture and a sign (bright or dark against the substrate). The catalog's image vocabulary names its drawer
(`ImageVocab.drawer`) and the drawer maps each class name to the motif that shows it: a PV `cell_crack` is a dark
jagged line across the cells, a `hot_spot` a bright spot, a `snail_trail` a dark wavy trail; a rock core's `schist`
a wavy foliation patch, `granite` a speckle of grains, `basalt` a cluster of dark vugs; a wound's `laceration` a
thin dark slit, `ulcer` a crater with a bright rim. A class keeps its drafted size, aspect, tilt, texture frequency
and angle, so classes sharing a motif still differ as before (their texture). This module holds the first five
drawers and the registry; the surface domains' drawers live in `surface_subjects.py`, the object domains' (garments,
rooms, dishes) in `object_subjects.py`, the field domains' (animals, creatures, site plant) in `field_subjects.py`,
all built from `subject_parts.py`. Every image
domain of the catalog names a drawer, and a detection (binary) task draws it too (the look-alike's motif against the
detected class's); a vocabulary without one keeps the generic striped silhouettes (`rule.SHAPES`).

Imports: numpy only.
"""

from __future__ import annotations

import numpy as np

from sandmle_core.modalities.image.field_subjects import FIELD_DRAWERS, FIELD_MOTIFS
from sandmle_core.modalities.image.object_subjects import OBJECT_DRAWERS, OBJECT_MOTIFS
from sandmle_core.modalities.image.subject_parts import Drawer, Motif, fill
from sandmle_core.modalities.image.subject_parts import jag as _jag
from sandmle_core.modalities.image.subject_parts import seg as _seg
from sandmle_core.modalities.image.subject_parts import speckle as _speckle
from sandmle_core.modalities.image.surface_subjects import SURFACE_DRAWERS, SURFACE_MOTIFS

__all__ = ["DRAWERS", "MOTIFS", "Drawer", "Motif", "fill", "motif_of"]

MOTIFS: dict[str, Motif] = {
    # PV module under electroluminescence: defects dark on lit cells, a hot spot bright
    "pv_glow": Motif(lambda u, v: np.maximum(np.abs(u), np.abs(v)) - 0.8, "stripes", 0.4),
    "pv_hotspot": Motif(lambda u, v: np.hypot(u, v) - 0.42, "mottle", 1.0),
    "pv_crack": Motif(_jag, "stripes", -1.0),
    "pv_trail": Motif(lambda u, v: _seg(u, v - 0.35 * np.sin(3.5 * u), 1.2, 0.15), "stripes", -1.0),
    "pv_fingers": Motif(lambda u, v: np.maximum(_seg(u, v, 0.9, 0.9), np.abs(np.mod(u + 0.9, 0.45) - 0.22) - 0.07),
                        "stripes", -1.0),
    "pv_shade": Motif(lambda u, v: np.maximum(np.hypot(u, v) - 1.0, -u - 0.1), "mottle", -0.8),
    "pv_string": Motif(lambda u, v: _seg(u, v, 1.6, 0.4), "stripes", -0.9),
    "pv_star": Motif(lambda u, v: np.minimum.reduce([_seg(u * c + v * s, v * c - u * s, 1.0, 0.13)
                                                    for c, s in ((1.0, 0.0), (0.5, 0.866), (-0.5, 0.866))]),
                     "stripes", -1.0),
    "pv_frame": Motif(lambda u, v: np.abs(np.maximum(np.abs(u), np.abs(v)) - 0.8) - 0.14, "stripes", -0.9),
    "pv_burn": Motif(lambda u, v: np.abs(np.hypot(u, v) - 0.55) - 0.22, "mottle", -1.0),
    # a drill core in its tray: a feature of the rock over the core's own banding
    # a piece of core between two breaks: where its breaks fall differs by rock (a longer piece of banded rock, a
    # short one of foliated rock), so a pixel template sees the rock too, not only its texture
    "core_bands": Motif(lambda u, v: _seg(u + 0.3, v, 1.5, 1.25), "stripes", 1.0),
    "core_foliation": Motif(lambda u, v: _seg(u - 0.7, v, 1.0, 1.25), "wavy", 1.0),
    "core_grains": Motif(lambda u, v: _seg(u + 0.9, v, 0.9, 1.25), "grains", 1.0),
    "core_vein": Motif(lambda u, v: _seg(u, v - 0.15 * np.sin(2.0 * u), 3.0, 0.16), "veins", 1.0),
    "core_fracture": Motif(_jag, "stripes", -1.0),
    "core_vugs": Motif(lambda u, v: _speckle(u, v, 0.7, 0.2, 1.0), "mottle", -1.0),
    "core_clasts": Motif(lambda u, v: np.minimum.reduce([np.hypot(u - x, (v - y) * 1.3) - r for x, y, r in (
        (-0.55, -0.3, 0.36), (0.35, -0.4, 0.28), (0.1, 0.35, 0.42), (-0.6, 0.5, 0.22), (0.75, 0.3, 0.25))]),
                         "mottle", 1.0),
    "core_sulphide": Motif(lambda u, v: np.hypot(u, v) - (0.75 + 0.2 * np.cos(4.0 * np.arctan2(v, u))), "mottle",
                           1.0),
    # a wound on skin: the wound bed's outline, margin and fill
    "wound_graze": Motif(lambda u, v: np.hypot(u, v * 1.6) - (0.95 + 0.18 * np.cos(5.0 * np.arctan2(v, u))),
                         "stripes", -0.9),
    "wound_slit": Motif(lambda u, v: _seg(u, v - 0.08 * np.sin(7.0 * u), 1.1, 0.13 + 0.07 * (1.0 - np.abs(u))),
                        "stripes", -1.0),
    "wound_line": Motif(lambda u, v: _seg(u, v, 1.2, 0.12), "stripes", -1.0),
    "wound_hole": Motif(lambda u, v: np.hypot(u, v) - 0.4, "wavy", -1.0),
    "wound_crater": Motif(lambda u, v: np.hypot(u, v) - 0.7, "wavy", -1.0),
    "wound_burn": Motif(lambda u, v: np.hypot(u, v) - (0.85 + 0.15 * np.cos(3.0 * np.arctan2(v, u) + 1.0)),
                        "mottle", -0.9),
    "wound_bruise": Motif(lambda u, v: (np.hypot(u, v) - 0.7) * 0.6, "wavy", -0.8),
    "wound_blister": Motif(lambda u, v: np.abs(np.hypot(u, v * 1.2) - 0.5) - 0.1, "stripes", -0.9),
    "wound_bite": Motif(lambda u, v: np.minimum.reduce([np.hypot(u - 0.75 * np.cos(t), v - 0.55 * np.sin(t)) - 0.2
                                                        for t in np.deg2rad((0, 40, 80, 140, 180, 220, 270, 320))]),
                        "stripes", -1.0),
    "wound_rash": Motif(lambda u, v: _speckle(u, v, 0.5, 0.13, 1.1), "stripes", -0.8),
    "wound_flap": Motif(lambda u, v: np.maximum(np.hypot(u, v) - 1.0, 0.75 - np.hypot(u - 0.45, v)), "wavy",
                        -1.0),
    # a rolled steel strip under a line-scan camera: surface defects (NEU-style), most darker than the steel
    "steel_crazing": Motif(lambda u, v: _seg(u, v, 1.1, 0.9), "veins", -0.9),
    "steel_inclusion": Motif(lambda u, v: _seg(u, v - 0.05 * np.sin(5.0 * u), 1.3, 0.16), "stripes", -1.0),
    "steel_patch": Motif(lambda u, v: np.hypot(u, v * 1.3) - (0.8 + 0.2 * np.cos(4.0 * np.arctan2(v, u) + 0.5)),
                         "mottle", -0.8),
    "steel_pits": Motif(lambda u, v: _speckle(u, v, 0.5, 0.12, 1.1), "stripes", -1.0),
    "steel_scale": Motif(lambda u, v: _speckle(0.45 * u, 1.6 * v, 0.5, 0.14, 0.9), "mottle", -0.9),
    "steel_scratches": Motif(lambda u, v: np.maximum(_seg(u, v, 1.2, 0.7), np.abs(np.mod(v + 0.7, 0.45) - 0.225)
                                                     - 0.08), "stripes", 1.0),
    "steel_crack": Motif(_jag, "stripes", -1.0),
    "steel_dent": Motif(lambda u, v: np.abs(np.hypot(u, v) - 0.6) - 0.16, "wavy", -0.9),
    "steel_burr": Motif(lambda u, v: _seg(u, v, 0.9, 0.22), "grains", 1.0),
    "steel_pores": Motif(lambda u, v: _speckle(u, v, 0.8, 0.2, 1.0), "wavy", -1.0),
    "steel_corrosion": Motif(lambda u, v: np.hypot(u, v) - (0.9 + 0.15 * np.cos(6.0 * np.arctan2(v, u))), "grains",
                             -0.9),
    "steel_chatter": Motif(lambda u, v: np.maximum(_seg(u, v, 1.2, 0.8), np.abs(np.mod(u + 1.2, 0.4) - 0.2) - 0.07),
                           "stripes", -0.9),
    # a wafer map: failing dies bright on the die disc
    "wafer_centre": Motif(lambda u, v: np.hypot(u, v) - 0.45, "grains", 1.0),
    "wafer_donut": Motif(lambda u, v: np.abs(np.hypot(u, v) - 0.55) - 0.17, "grains", 1.0),
    "wafer_edge": Motif(lambda u, v: np.abs(np.hypot(u, v) - 1.05) - 0.12, "grains", 1.0),
    "wafer_cluster": Motif(lambda u, v: np.hypot(u - 0.55, v - 0.2) - 0.35, "grains", 1.0),
    "wafer_full": Motif(lambda u, v: np.hypot(u, v) - 1.0, "grains", 0.9),
    "wafer_random": Motif(lambda u, v: _speckle(u, v, 0.42, 0.1, 1.05), "stripes", 1.0),
    "wafer_scratch": Motif(lambda u, v: _seg(u, v - 0.2 * u * u, 1.0, 0.12), "stripes", 1.0),
    "wafer_clean": Motif(lambda u, v: _speckle(u, v, 0.9, 0.07, 1.0), "stripes", 0.6),
    "wafer_half": Motif(lambda u, v: np.maximum(np.hypot(u, v) - 1.0, -u), "grains", 1.0),
    "wafer_radial": Motif(lambda u, v: _seg(u - 0.5, v, 0.5, 0.12), "stripes", 1.0),
    **SURFACE_MOTIFS,
    **OBJECT_MOTIFS,
    **FIELD_MOTIFS,
}
"""Every drawer's motifs, by name (a class pattern's `shape` names one)."""


def _pv_cells(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Lit cells (3 x 3 over the frame) with dark gaps and two darker busbars per cell."""
    cx, cy = np.mod((x + 1.0) * 1.5, 1.0), np.mod((y + 1.0) * 1.5, 1.0)
    gap = np.minimum(np.minimum(cx, 1.0 - cx), np.minimum(cy, 1.0 - cy)) < 0.05
    bus = (np.abs(cx - 0.33) < 0.025) | (np.abs(cx - 0.67) < 0.025)
    return np.where(gap, 0.0, np.where(bus, 0.45, 0.7)) * np.ones_like(x * y)


def _core(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """A core lying across the frame: cylinder shading inside |y| < 0.7, the dark tray outside, a break at x = 0.4."""
    inside = (np.abs(y) < 0.7) & (np.abs(x - 0.4) > 0.03)
    return np.where(inside, 0.45 * (1.0 - 0.6 * (y / 0.7) ** 2) + 0.08 * np.sin(9.0 * x + 3.0 * y), 0.02)


def _skin(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Skin: a light tone with soft, broad creases (no fine pores: their fixed gradients drowned the wound's edges
    in orientation histograms)."""
    return 0.75 + 0.05 * np.sin(3.0 * x + 1.0 * y) * np.sin(2.5 * y - x) * np.ones_like(x * y)


def _steel(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Rolled steel: a mid-grey strip with faint rolling marks along x and a soft sheen across it."""
    return 0.5 + 0.02 * np.sin(23.0 * y + 2.0 * np.sin(1.3 * x)) + 0.06 * np.cos(1.5 * y) * np.ones_like(x * y)


def _wafer(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """The die disc: a grid of dies (dim, separated by streets), black outside the wafer, a notch at the bottom."""
    r = np.hypot(x, y)
    dies = np.where((np.mod((x + 1.0) * 8.0, 1.0) < 0.2) | (np.mod((y + 1.0) * 8.0, 1.0) < 0.2), 0.08, 0.22)
    notch = (np.abs(x) < 0.08) & (y > 0.8)
    return np.where((r < 0.92) & ~notch, dies, 0.0)


DRAWERS: dict[str, Drawer] = {
    "pv_module": Drawer(_pv_cells, {
        "healthy": "pv_glow", "hot_spot": "pv_hotspot", "cell_crack": "pv_crack", "snail_trail": "pv_trail",
        "pid_pattern": "pv_frame", "soiling": "pv_shade", "partial_shading": "pv_shade",
        "bypass_diode_failure": "pv_string", "junction_box_fault": "pv_string", "broken_glass": "pv_star",
        "burn_mark": "pv_burn", "delamination": "pv_fingers"}, "pv_crack"),
    "drill_core": Drawer(_core, {
        **dict.fromkeys(("sandstone", "limestone", "dolomite", "siltstone", "mudstone"), "core_bands"),
        **dict.fromkeys(("shale", "slate", "schist", "gneiss", "amphibolite"), "core_foliation"),
        **dict.fromkeys(("granite", "diorite", "gabbro", "pegmatite", "andesite", "rhyolite"), "core_grains"),
        **dict.fromkeys(("marble", "quartzite", "serpentinite", "skarn"), "core_vein"),
        "conglomerate": "core_clasts", "breccia": "core_clasts", "basalt": "core_vugs",
        "massive_sulphide": "core_sulphide"}, "core_fracture", tilt=15.0),
    "wound": Drawer(_skin, {
        "abrasion": "wound_graze", "graze": "wound_graze", "laceration": "wound_slit", "incision": "wound_line",
        "puncture": "wound_hole", "ulcer": "wound_crater", "burn": "wound_burn", "bruise": "wound_bruise",
        "blister": "wound_blister", "bite": "wound_bite", "rash": "wound_rash", "avulsion": "wound_flap"},
        "wound_graze", scale=1.2, spread=3.0, scene=False),
    "steel_surface": Drawer(_steel, {
        "crazing": "steel_crazing", "inclusion": "steel_inclusion", "patches": "steel_patch",
        "pitted_surface": "steel_pits", "rolled_in_scale": "steel_scale", "scratches": "steel_scratches",
        "crack": "steel_crack", "dent": "steel_dent", "burr": "steel_burr", "porosity": "steel_pores",
        "corrosion": "steel_corrosion", "chatter_marks": "steel_chatter"}, "steel_pits", tilt=20.0, scale=1.4,
        spread=3.0),
    "wafer_map": Drawer(_wafer, {
        "center": "wafer_centre", "donut": "wafer_donut", "edge_ring": "wafer_edge", "ring_band": "wafer_donut",
        "edge_local": "wafer_cluster", "local_cluster": "wafer_cluster", "near_full": "wafer_full",
        "random": "wafer_random", "scratch": "wafer_scratch", "clean": "wafer_clean", "half_moon": "wafer_half",
        "radial_streak": "wafer_radial"}, "wafer_random", scale=1.45),
    **SURFACE_DRAWERS,
    **OBJECT_DRAWERS,
    **FIELD_DRAWERS,
}
"""The subject drawers, by the name a domain's image vocabulary gives (`ImageVocab.drawer`)."""


def motif_of(drawer: str, class_name: str) -> str:
    """The motif a drawer draws for a class name (its default motif for a name it does not know)."""
    d = DRAWERS[drawer]
    return d.classes.get(class_name, d.default)
