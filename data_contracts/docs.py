"""A great-expectations Data Docs site for several environments: every suite, every validation result, as HTML.

Built in a fresh ephemeral context (so the site shows only these environments), with one Data Source asset, one
suite and one stored `ValidationDefinition` run per artifact, and a local site written to the chosen folder. Its
`index.html` is our static page (`offline_index`), which renders with no network; GX's own index, whose table needs
scripts from CDNs, is kept beside it.
"""

from __future__ import annotations

from pathlib import Path

from sandmle.data_contracts.check import plan_checks, spec_of
from sandmle.data_contracts.offline_index import row_of, write_offline_index

from sandmle_core.errors import EnvironmentFormatError

__all__ = ["SITE_NAME", "build_data_docs"]

SITE_NAME = "sandmle"


def build_data_docs(env_dirs: list[Path], out_dir: Path) -> Path:
    """Validate the environments and write a Data Docs static site into `out_dir`.

    Artifacts that are missing or unreadable are left out of the site (`check_environment` reports them).

    Args:
        env_dirs: environment folders (each with its config.yaml); duplicates are validated once.
        out_dir: the site's folder (created when missing).

    Returns:
        The site's `index.html` (the offline page; GX's index is `offline_index.GX_INDEX`).

    Raises:
        EnvironmentFormatError: when an environment's config cannot be read, or the site was not written.
    """
    from sandmle.data_contracts import _gx

    gx = _gx._gx()
    out_dir = Path(out_dir).resolve()
    out_dir.mkdir(parents=True, exist_ok=True)
    context = _gx.new_context()
    with _gx.LOCK:
        source = context.data_sources.add_pandas(name="sandmle")
        seen: set[str] = set()
        results: list[tuple[str, str, object]] = []
        for env_dir in env_dirs:
            env_id, spec = spec_of(Path(env_dir))
            if env_id in seen:
                continue
            seen.add(env_id)
            for check in plan_checks(Path(env_dir), spec):
                if check.frame is None:
                    continue
                name = f"{env_id}.{Path(check.artifact).stem}"
                batch = source.add_dataframe_asset(name=name).add_batch_definition_whole_dataframe("whole")
                suite = context.suites.add(_gx.build_suite(name, check.expectations))
                definition = context.validation_definitions.add(
                    gx.ValidationDefinition(name=name, data=batch, suite=suite))
                results.append((env_id, Path(check.artifact).stem, definition.run(
                    batch_parameters={"dataframe": check.frame}, result_format=_gx.RESULT_FORMAT)))
        context.add_data_docs_site(SITE_NAME, {
            "class_name": "SiteBuilder",
            "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(out_dir)},
            "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
        })
        context.build_data_docs(site_names=[SITE_NAME])
    index = out_dir / "index.html"
    if not index.is_file():
        raise EnvironmentFormatError(index, "great-expectations did not write the Data Docs index")
    return write_offline_index([row_of(env_id, artifact, result, out_dir) for env_id, artifact, result in results],
                               out_dir)
