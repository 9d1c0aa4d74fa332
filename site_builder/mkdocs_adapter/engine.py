"""The one import shim between the portal and its engine: MkDocs 1.6, or ProperDocs (its continuation).

ProperDocs installs only the `properdocs` module and answers `mkdocs.*` imports through
`properdocs.replacement`, which its own command imports first; `vap` does the same here when MkDocs
itself is not installed, so every `from mkdocs... import` of this package works on either engine.
The package's `__init__` imports this module, so no adapter module reaches MkDocs' names before it.
"""

from __future__ import annotations

try:
    import mkdocs
except ModuleNotFoundError as missing:
    try:
        import properdocs.replacement  # noqa: F401  (from here on sys.modules['mkdocs'] is properdocs)
    except ModuleNotFoundError:
        raise ImportError(
            "neither MkDocs nor ProperDocs is installed: `pip install vap-portal` brings MkDocs; "
            "ProperDocs is installed as docs/manual/engine.md says"
        ) from missing
    import mkdocs

ENGINE: str = "properdocs" if mkdocs.__name__ == "properdocs" else "mkdocs"
"""Which engine builds the site: 'mkdocs' or 'properdocs'."""
VERSION: str = mkdocs.__version__
"""The engine's own version (ProperDocs reports its own, e.g. 1.6.7)."""

__all__ = ["ENGINE", "VERSION"]
