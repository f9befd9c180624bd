"""Deterministic data synthesis per modality (tabular SCM, text, image, time series) at any scale."""
