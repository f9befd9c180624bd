"""The domain catalog: new domains, stories and typed, unit-carrying feature names for drafted environments.

`load_catalog()` reads and validates `domains.yaml` (bundled with the package) once per process. Which domains can host
a seed's task is decided by the modality kits (`sandmle_core.modalities.domains_for(catalog, modality, ...)`).

Imports: pyyaml, pydantic, `sandmle_core.errors` — never the modalities or the generators.
"""

from __future__ import annotations

import functools
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import yaml
from pydantic import ValidationError

from sandmle_core.catalog.schema import Domain, slug
from sandmle_core.errors import SandmleError

__all__ = ["CATALOG_PATH", "Catalog", "CatalogError", "Domain", "load_catalog", "slug"]

CATALOG_PATH = Path(__file__).with_name("domains.yaml")


class CatalogError(SandmleError):
    """The domain catalog file is broken: names the file, the entry and what is wrong."""


@dataclass(frozen=True)
class Catalog:
    domains: tuple[Domain, ...]

    def __len__(self) -> int:
        return len(self.domains)

    def get(self, key: str) -> Domain:
        for domain in self.domains:
            if domain.key == key:
                return domain
        raise KeyError(f"no catalog domain {key!r}")

    def sectors(self) -> Counter[str]:
        return Counter(d.sector for d in self.domains)


def parse_catalog(path: Path) -> Catalog:
    """Read and validate a catalog file.

    Raises:
        CatalogError: naming the file, the entry (index and key) and the validation error.
    """
    try:
        # libyaml's loader reads the ~170 KB catalog in a fifth of the pure-Python loader's time
        raw = yaml.load(path.read_text(), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except (OSError, yaml.YAMLError) as exc:
        raise CatalogError(f"{path}: cannot read the catalog: {exc}") from exc
    entries = raw.get("domains") if isinstance(raw, dict) else None
    if not isinstance(entries, list):
        raise CatalogError(f"{path}: expected a mapping with a `domains:` list")
    domains = []
    for i, entry in enumerate(entries):
        try:
            domains.append(Domain.model_validate(entry))
        except ValidationError as exc:
            key = entry.get("key", "?") if isinstance(entry, dict) else "?"
            raise CatalogError(f"{path}: domain #{i} ({key}): {exc}") from exc
    keys = Counter(d.key for d in domains)
    repeated = sorted(k for k, n in keys.items() if n > 1)
    if repeated:
        raise CatalogError(f"{path}: repeated domain keys {repeated}")
    return Catalog(tuple(domains))


@functools.cache
def load_catalog(path: str | None = None) -> Catalog:
    """The bundled catalog (or the one at `path`), validated, cached per process."""
    return parse_catalog(Path(path) if path else CATALOG_PATH)
