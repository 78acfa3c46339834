"""YAML with positions: every value keeps the line and column it came from.

PyYAML's composer already knows each node's start mark; we keep those marks in a
flat map keyed by field path (`entityMappings[0].fieldMappings[1].columnName`)
so that any check can name the line of the field it complains about.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from sentinel_deploy.objects.diagnostics import UserError

# libyaml's composer when present: 3-4x faster over the 834-file corpus.
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True, slots=True)
class Position:
    line: int  # 1-based
    column: int  # 1-based


@dataclass(slots=True)
class BlockScalar:
    """Where a multi-line string's text starts, to map offsets inside it back to the file."""

    first_line: int  # 1-based file line of the string's first character
    indent: int  # columns stripped from each line of a block scalar (0 for other styles)
    style: str | None  # '|', '>', '"', "'" or None (plain)


@dataclass(slots=True)
class SourceMap:
    positions: dict[str, Position] = field(default_factory=dict)
    blocks: dict[str, BlockScalar] = field(default_factory=dict)

    def line_of(self, path: str) -> int | None:
        """The line of `path`, or of its nearest ancestor that has one."""
        while path:
            pos = self.positions.get(path)
            if pos is not None:
                return pos.line
            path = _parent(path)
        return None


def _parent(path: str) -> str:
    if path.endswith("]"):
        return path[: path.rfind("[")]
    return path.rpartition(".")[0]


def decode_source(raw: bytes, file: Path) -> str:
    """Text of a rule file: BOM stripped, CRLF folded; non-UTF-8 is a user error."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise UserError(
            f"the file is not UTF-8 (byte 0x{raw[exc.start]:02x} at offset {exc.start})",
            hint="save the file as UTF-8",
            file=file,
            line=line,
        ) from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def load_yaml_with_positions(text: str, file: Path) -> tuple[Any, SourceMap]:
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc)
        raise UserError(
            f"malformed YAML: {problem}",
            hint="fix the YAML syntax at that line (indentation, quotes, a stray ':')",
            file=file,
            line=mark.line + 1 if mark else None,
        ) from None
    source_map = SourceMap()
    if node is None:
        return None, source_map
    constructor = yaml.SafeLoader("")
    try:
        value = _construct(node, "", source_map, text, constructor)
    except _ValueUnreadable as exc:
        raise UserError(exc.message, file=file, line=exc.line,
                        hint="write a valid value (dates as 2024-01-31), or quote it to keep "
                             "it as text") from None
    finally:
        constructor.dispose()
    return value, source_map


def _construct(node: yaml.Node, path: str, smap: SourceMap, text: str,
               constructor: yaml.SafeLoader) -> Any:
    if path:
        smap.positions[path] = Position(node.start_mark.line + 1, node.start_mark.column + 1)
    if isinstance(node, yaml.MappingNode):
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = str(_scalar(key_node, constructor))
            child = f"{path}.{key}" if path else key
            out[key] = _construct(value_node, child, smap, text, constructor)
            # the key's own line is the more useful place to point at for a field
            smap.positions[child] = Position(key_node.start_mark.line + 1,
                                             key_node.start_mark.column + 1)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_construct(item, f"{path}[{i}]", smap, text, constructor)
                for i, item in enumerate(node.value)]
    scalar = _scalar(node, constructor)
    if isinstance(scalar, str) and path:
        smap.blocks[path] = _block_of(node, text)
    return scalar


def _scalar(node: yaml.Node, constructor: yaml.SafeLoader) -> Any:
    """A scalar's value; one YAML reads as a type but cannot build is located, not raised.

    `2024-13-01` matches YAML's timestamp pattern, so PyYAML builds a date and
    fails with a bare ValueError that names neither file nor line.
    """
    try:
        return constructor.construct_object(node, deep=True)
    except (ValueError, OverflowError, yaml.YAMLError) as exc:
        problem = getattr(exc, "problem", None) or str(exc)
        raise _ValueUnreadable(f"cannot read {node.value!r}: {problem}",
                               node.start_mark.line + 1) from None


class _ValueUnreadable(Exception):
    def __init__(self, message: str, line: int) -> None:
        super().__init__(message)
        self.message, self.line = message, line


def _block_of(node: yaml.ScalarNode, text: str) -> BlockScalar:
    style = node.style
    if style in ("|", ">"):
        # The text starts on the line after the indicator; its indentation is
        # that of the first non-empty line.
        lines = text.split("\n")
        first = node.start_mark.line + 1  # 0-based index of the line after the indicator
        while first < len(lines) and not lines[first].strip():
            first += 1
        indent = len(lines[first]) - len(lines[first].lstrip(" ")) if first < len(lines) else 0
        return BlockScalar(first_line=first + 1, indent=indent, style=style)
    offset = 1 if style in ('"', "'") else 0
    return BlockScalar(first_line=node.start_mark.line + 1,
                       indent=node.start_mark.column + offset, style=style)


def map_into_file(smap: SourceMap, path: str, line: int, column: int) -> tuple[int, int] | None:
    """File (line, column) of (line, column) inside the string value at `path`.

    Exact for block scalars (`query: |`), the style every rule's query uses;
    for quoted and plain scalars only the line is certain.
    """
    block = smap.blocks.get(path)
    if block is None:
        return None
    if block.style in ("|", ">"):
        return block.first_line + line - 1, column + block.indent
    if line == 1:
        return block.first_line, block.indent + column
    return block.first_line + line - 1, column
