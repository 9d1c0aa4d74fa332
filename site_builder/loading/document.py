"""A plan file's root: decoded, parsed, and refused with a clear finding unless it is one mapping."""

from __future__ import annotations

from site_builder.domain.model import Finding, Loc
from site_builder.loading.files import SourceFile
from site_builder.loading.nodes import Map, Scalar, kind_name
from site_builder.loading.yamlsrc import decode, parse


def document(source: SourceFile, findings: list[Finding], what: str) -> Map | None:
    """The file's root mapping, or None with the findings that say why it is not one."""
    text, problems = decode(source.data, source.rel)
    findings.extend(problems)
    if text is None:
        return None
    root, problems = parse(text, source.rel)
    findings.extend(problems)
    if problems and root is None:
        return None
    if root is None or (isinstance(root, Scalar) and root.is_null):
        findings.append(
            Finding(
                "error",
                "schema",
                f"file is empty; {what} is expected",
                Loc(source.rel, 1, 1),
                hint="run 'vap schema' for the fields of each kind of plan file",
            )
        )
        return None
    if not isinstance(root, Map):
        findings.append(
            Finding(
                "error",
                "schema",
                f"file holds {kind_name(root)}; {what} is expected (fields such as 'title: ...')",
                root.loc,
                hint="is this really a plan file? each file holds one mapping of fields",
            )
        )
        return None
    return root
