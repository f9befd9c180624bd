"""The offline backend: programmatic roles, deterministic from the slot's streams, no network, no key.

The strategist's common half and the developer live here; the modality halves (drafters, synthesizers, ladders) live
in `sandmle_core.modalities` and are looked up in its registry. Imports: as `sandmle_core.agents`.
"""
