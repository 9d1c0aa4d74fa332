"""The only package that knows MkDocs (or ProperDocs): the engine shim runs before any module here."""

from __future__ import annotations

from site_builder.mkdocs_adapter import engine as engine
