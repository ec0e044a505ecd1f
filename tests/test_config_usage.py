"""The one schema is the whole truth: every field is read somewhere, every read is a field.

The library's source (``pipeline/`` and ``flows/``) is read with :mod:`ast`. Inside each
function, a name annotated with a config section (``config: StatsConfig``), bound to one
(``p = config``, ``stats = config.stats``, ``p = config or ClassifyConfig()``,
``p = config.model_copy(...)``) or looping over a list of sections (``for c in
config.keyness``) is followed, and every ``name.attribute`` read on it is collected. A read of
an attribute the section does not declare is a parameter with no field (the drift this schema
replaced); a field no code reads is a knob that does nothing.
"""

from __future__ import annotations

import ast
import typing
from pathlib import Path

import pytest
from pydantic import BaseModel

from pipeline import config as schema

ROOT = Path(__file__).resolve().parents[1]
SECTIONS: dict[str, type[BaseModel]] = {
    name: cls
    for name, cls in vars(schema).items()
    if isinstance(cls, type) and issubclass(cls, schema._Section) and cls is not schema._Section
}
# Methods and properties of the models: reads of these are not parameters.
MODEL_ATTRIBUTES = {name for name in dir(BaseModel) if not name.startswith("__")} | {
    "as_dict",
    "rooted",
    "relative_to",
    "tables_dir",
    "_with_paths",
}


def _section_of(annotation: ast.expr | None) -> str | None:
    """The section class named by an annotation (``StatsConfig``, ``StatsConfig | None``, a string)."""
    if annotation is None:
        return None
    if isinstance(annotation, ast.Constant) and isinstance(annotation.value, str):
        annotation = ast.parse(annotation.value, mode="eval").body
    if isinstance(annotation, ast.BinOp):
        return _section_of(annotation.left) or _section_of(annotation.right)
    if isinstance(annotation, ast.Name) and annotation.id in SECTIONS:
        return annotation.id
    return None


def _field_section(section: str, field: str) -> tuple[str | None, bool]:
    """The section class of ``section.field`` (if it is one) and whether it is a list of them."""
    info = SECTIONS[section].model_fields.get(field)
    if info is None:
        return None, False
    annotation = info.annotation
    is_list = typing.get_origin(annotation) is list
    inner = typing.get_args(annotation)[0] if is_list else annotation
    for name, cls in SECTIONS.items():
        if inner is cls:
            return name, is_list
    return None, False


def _holders(trees: list[ast.Module]) -> dict[str, dict[str, str]]:
    """Classes with section-typed attributes (``options: ReportConfig`` of a dataclass)."""
    found: dict[str, dict[str, str]] = {}
    for tree in trees:
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef) and node.name not in SECTIONS:
                for item in node.body:
                    if isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name):
                        section = _section_of(item.annotation)
                        if section:
                            found.setdefault(node.name, {})[item.target.id] = section
    return found


class _Reads(ast.NodeVisitor):
    def __init__(self, holders: dict[str, dict[str, str]] | None = None) -> None:
        self.reads: set[tuple[str, str, str]] = set()  # (section, attribute, where)
        self.where = ""
        self.holders = holders or {}
        self.holder_env: dict[str, str] = {}  # name -> holder class, within one function
        self.current_class: str | None = None

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        outer, self.current_class = self.current_class, node.name
        self.generic_visit(node)
        self.current_class = outer

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        env: dict[str, str] = {}
        self.holder_env = {}
        for arg in [*node.args.args, *node.args.kwonlyargs, *node.args.posonlyargs]:
            section = _section_of(arg.annotation)
            if section:
                env[arg.arg] = section
            elif isinstance(arg.annotation, ast.Name) and arg.annotation.id in self.holders:
                self.holder_env[arg.arg] = arg.annotation.id
            elif arg.arg == "self" and self.current_class in self.holders:
                self.holder_env["self"] = self.current_class
        for statement in ast.walk(node):
            self._bind(statement, env)
        for child in ast.walk(node):
            if isinstance(child, ast.Attribute) and isinstance(child.ctx, ast.Load):
                section = self._section_expr(child.value, env)
                if section is not None:
                    self.reads.add((section, child.attr, f"{self.where}:{child.lineno}"))

    visit_AsyncFunctionDef = visit_FunctionDef  # noqa: N815 - the name ast.NodeVisitor dispatches to

    def _section_expr(self, node: ast.expr, env: dict[str, str]) -> str | None:
        """The section an expression evaluates to, if we can tell."""
        if isinstance(node, ast.Name):
            return env.get(node.id)
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in self.holder_env:
            return self.holders[self.holder_env[node.value.id]].get(node.attr)
        if isinstance(node, ast.Attribute):
            owner = self._section_expr(node.value, env)
            if owner is not None:
                section, is_list = _field_section(owner, node.attr)
                return None if is_list else section
        if isinstance(node, ast.BoolOp):
            return self._section_expr(node.values[0], env)
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in ("model_copy", "rooted", "relative_to")
        ):
            return self._section_expr(node.func.value, env)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in SECTIONS:
            return node.func.id
        return None

    def _bind(self, statement: ast.AST, env: dict[str, str]) -> None:
        if isinstance(statement, ast.Assign | ast.AnnAssign):
            targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
            value = statement.value
            section = self._section_expr(value, env) if value is not None else None
            for target in targets:
                if isinstance(target, ast.Name) and section:
                    env[target.id] = section
        if isinstance(statement, ast.For | ast.comprehension) and isinstance(statement.target, ast.Name):
            iterable = statement.iter
            if isinstance(iterable, ast.Attribute):
                owner = self._section_expr(iterable.value, env)
                if owner is not None:
                    section, is_list = _field_section(owner, iterable.attr)
                    if section and is_list:
                        env[statement.target.id] = section


def _collect() -> set[tuple[str, str, str]]:
    paths = sorted(p for package in ("pipeline", "flows") for p in (ROOT / package).rglob("*.py"))
    trees = {path: ast.parse(path.read_text(encoding="utf-8")) for path in paths}
    visitor = _Reads(_holders(list(trees.values())))
    for path, tree in trees.items():
        visitor.where = path.relative_to(ROOT).as_posix()
        visitor.visit(tree)
    return visitor.reads


READS = _collect()


def test_every_read_of_a_section_is_a_declared_field() -> None:
    unknown = sorted(
        (where, f"{section}.{attribute}")
        for section, attribute, where in READS
        if attribute not in SECTIONS[section].model_fields and attribute not in MODEL_ATTRIBUTES
    )
    assert unknown == []


@pytest.mark.parametrize("section", sorted(n for n in SECTIONS if n != "Config"))
def test_every_field_is_read_somewhere(section: str) -> None:
    read = {attribute for name, attribute, _ in READS if name == section}
    unread = sorted(set(SECTIONS[section].model_fields) - read)
    assert unread == [], f"{section} fields that no code reads: {unread}"


def test_the_scanner_sees_reads_through_aliases() -> None:
    """The test itself: a read through an alias, a loop and ``or`` is found, a bad one flagged."""
    source = """
def f(config: Config, extra: StatsConfig | None = None):
    stats = config.stats
    p = extra or StatsConfig()
    for comparison in stats.keyness:
        comparison.name
    return stats.window, p.min_freq, config.topics.passes, p.windw
"""
    visitor = _Reads()
    visitor.where = "example"
    visitor.visit(ast.parse(source))
    found = {(s, a) for s, a, _ in visitor.reads}
    assert {("StatsConfig", "window"), ("StatsConfig", "min_freq"), ("TopicsConfig", "passes")} <= found
    assert ("Comparison", "name") in found and ("StatsConfig", "windw") in found
