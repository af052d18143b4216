"""Read YAML content files, keeping enough position data to name a line in errors."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # PyYAML is imported when a file is read: `mlsd list` on a warm cache skips it
    import yaml


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a content file, printed as ``file:line:col: field: reason``."""

    path: str
    message: str
    line: int | None = None
    column: int | None = None
    field: str = ""

    def __str__(self) -> str:
        where = self.path
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        field = f"{self.field}: " if self.field else ""
        return f"{where}: {field}{self.message}"


@dataclass(frozen=True)
class YamlDoc:
    """A parsed YAML document and its node tree (for line numbers)."""

    path: Path
    data: Any
    node: yaml.Node | None

    def line_of(self, loc: tuple[str | int, ...]) -> int | None:
        """Return the 1-based line of the deepest node on ``loc`` that exists."""
        node = self.node
        if node is None:
            return None
        line = node.start_mark.line + 1
        for key in loc:
            node = _child(node, key)
            if node is None:
                break
            line = node.start_mark.line + 1
        return line


def _child(node: yaml.Node, key: str | int) -> yaml.Node | None:
    import yaml

    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            if str(k.value) == str(key):
                return v
    if isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
        return node.value[key]
    return None


class YamlParseError(Exception):
    """A file that is not readable YAML; carries a :class:`Problem`."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        super().__init__(str(problem))


def _reject_duplicate_keys(node: yaml.Node, name: str) -> None:
    """PyYAML keeps the last of two equal keys; content treats that as an error."""
    import yaml

    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, yaml.MappingNode):
            seen: set[str] = set()
            for key, value in current.value:
                if isinstance(key, yaml.ScalarNode) and key.value in seen:
                    mark = key.start_mark
                    msg = f"duplicate key {key.value!r}"
                    raise YamlParseError(Problem(name, msg, mark.line + 1, mark.column + 1))
                seen.add(str(key.value))
                stack.append(value)
        elif isinstance(current, yaml.SequenceNode):
            stack.extend(current.value)


def read_yaml(path: Path, label: str | None = None) -> YamlDoc:
    """Parse one YAML file.

    Args:
        path: File to read.
        label: How to name the file in messages (defaults to the path).

    Raises:
        YamlParseError: unreadable file, invalid UTF-8 or a YAML syntax error.
    """
    import yaml

    try:  # libyaml is much faster; fall back to the pure-Python loader
        from yaml import CSafeLoader as SafeLoader
    except ImportError:  # pragma: no cover - depends on the PyYAML build
        from yaml import SafeLoader  # type: ignore[assignment]

    name = label or str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise YamlParseError(Problem(name, "not valid UTF-8 text")) from None
    except OSError as exc:
        raise YamlParseError(Problem(name, f"cannot read: {exc.strerror or exc}")) from None
    loader = SafeLoader(text)
    try:
        node = loader.get_single_node()
        if node is not None:
            _reject_duplicate_keys(node, name)
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        col = mark.column + 1 if mark else None
        reason = exc.problem or exc.context or "YAML syntax error"
        raise YamlParseError(Problem(name, f"YAML syntax error: {reason}", line, col)) from None
    except yaml.YAMLError as exc:
        raise YamlParseError(Problem(name, f"YAML error: {exc}")) from None
    finally:
        loader.dispose()
    return YamlDoc(path, data, node)
