"""Find and load frameworks and case studies: packaged content plus user directories.

Packaged content lives in ``casestudies/`` and ``frameworks/`` at the top of the
repository; the wheel carries them as ``mlsd/_content/``. User directories given
with ``--content-dir`` or ``MLSD_CONTENT_DIR`` extend the packaged cases and, on
the same id, override them.
"""

from __future__ import annotations

import difflib
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mlsd.content.ids import ID_PATTERN
from mlsd.content.summary import CaseSummary, file_key, from_cache, read_cache, write_cache
from mlsd.errors import ContentError, UsageError

if TYPE_CHECKING:  # pydantic costs ~0.2 s to import: only commands that validate pay it
    from pydantic import BaseModel, ValidationError

    from mlsd.content.schema import Case, Framework
    from mlsd.content.yamlsrc import Problem, YamlDoc

CONTENT_DIR_ENV = "MLSD_CONTENT_DIR"


def packaged_root() -> Path:
    """Directory holding the packaged ``casestudies/`` and ``frameworks/``."""
    bundled = resources.files("mlsd") / "_content"
    if bundled.is_dir():
        return Path(str(bundled))
    return Path(__file__).resolve().parents[2]  # a source checkout


def env_content_dirs() -> list[Path]:
    """Directories named by ``MLSD_CONTENT_DIR`` (``os.pathsep``-separated)."""
    raw = os.environ.get(CONTENT_DIR_ENV, "")
    return [Path(p).expanduser() for p in raw.split(os.pathsep) if p.strip()]


def _yaml_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.glob("*.y*ml") if p.suffix in (".yaml", ".yml"))


def user_dir_files(folder: Path) -> tuple[list[Path], list[Path]]:
    """Split a user directory into (case files, framework files).

    A directory may hold ``casestudies/`` and ``frameworks/`` sub-directories, or
    case-study files directly.
    """
    if not folder.is_dir():
        raise UsageError(f"content directory not found: {folder}")
    cases, frameworks = folder / "casestudies", folder / "frameworks"
    if cases.is_dir() or frameworks.is_dir():
        return _yaml_files(cases), _yaml_files(frameworks)
    return _yaml_files(folder), []


def check_id(case_id: str, what: str = "case") -> str:
    """Reject ids that are path-like or malformed (a usage error)."""
    if not re.fullmatch(ID_PATTERN, case_id):
        raise UsageError(
            f"invalid {what} id {case_id!r}: use lowercase letters, digits and hyphens "
            f"(see 'mlsd list')"
        )
    return case_id


def parse_model(doc: YamlDoc, model: type[BaseModel], label: str) -> BaseModel:
    """Validate a parsed document against ``model``; raise ContentError with lines."""
    from pydantic import ValidationError

    try:
        return model.model_validate(doc.data)
    except ValidationError as exc:
        raise ContentError(validation_problems(exc, doc, label)) from None


def validation_problems(exc: ValidationError, doc: YamlDoc, label: str) -> list[Problem]:
    """Turn pydantic errors into Problems that name file, line and field."""
    from mlsd.content.yamlsrc import Problem

    problems = []
    for err in exc.errors(include_url=False):
        loc = tuple(err["loc"])
        message = err["msg"].removeprefix("Value error, ")
        problems.append(Problem(label, message, doc.line_of(loc), None, _dotted(loc)))
    return problems


def _dotted(loc: tuple[str | int, ...]) -> str:
    return ".".join(str(p) for p in loc) or "(document)"


@dataclass
class Catalog:
    """All content visible to this run: packaged plus user directories.

    Files are found by name up front but parsed only when asked for, so commands
    that need one case do not pay for all of them.
    """

    extra_dirs: Sequence[Path] = ()
    case_files: dict[str, Path] = field(init=False)
    framework_files: dict[str, Path] = field(init=False)
    user_ids: set[str] = field(init=False)
    _cases: dict[str, Any] = field(init=False, default_factory=dict)
    _frameworks: dict[str, Any] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        root = packaged_root()
        self.case_files = {p.stem: p for p in _yaml_files(root / "casestudies")}
        self.framework_files = {p.stem: p for p in _yaml_files(root / "frameworks")}
        self.user_ids = set()
        for folder in [*env_content_dirs(), *self.extra_dirs]:
            cases, frameworks = user_dir_files(folder)
            self.case_files.update({p.stem: p for p in cases})
            self.user_ids.update(p.stem for p in cases)
            self.framework_files.update({p.stem: p for p in frameworks})

    def case_ids(self) -> list[str]:
        """Ids of every visible case, sorted."""
        return sorted(self.case_files)

    def case(self, case_id: str) -> Case:
        """Load and validate one case; unknown ids raise a UsageError with suggestions."""
        check_id(case_id)
        return self._case(self._resolve(case_id, self.case_files, "case").stem)

    def _case(self, stem: str) -> Case:
        from mlsd.content.schema import Case

        if stem not in self._cases:
            case = self._load(self.case_files[stem], Case)
            assert isinstance(case, Case)
            self._cases[stem] = case
        return self._cases[stem]

    def cases(self) -> list[Case]:
        """Every visible case, sorted by id; a badly named file is a content error."""
        return [self._case(i) for i in self.case_ids()]

    def summaries(self) -> list[CaseSummary]:
        """List rows of every case, from the cache where the file is unchanged."""
        from mlsd.content.summary import summarize

        cached, fresh, rows = read_cache(), {}, []
        for stem in self.case_ids():
            key = file_key(self.case_files[stem])
            row = from_cache(cached[key]) if key in cached else summarize(self._case(stem))
            fresh[key] = row
            rows.append(row)
        if fresh.keys() != cached.keys():
            write_cache(fresh)
        return rows

    def framework(self, framework_id: str) -> Framework:
        """Load and validate one framework."""
        from mlsd.content.schema import Framework

        check_id(framework_id, "framework")
        if framework_id not in self._frameworks:
            path = self._resolve(framework_id, self.framework_files, "framework")
            fw = self._load(path, Framework)
            assert isinstance(fw, Framework)
            self._frameworks[framework_id] = fw
        return self._frameworks[framework_id]

    def frameworks(self) -> list[Framework]:
        """Every visible framework; the seven-step first."""
        ids = sorted(self.framework_files, key=lambda i: (i != "seven-step", i))
        return [self.framework(i) for i in ids]

    @staticmethod
    def _resolve(item_id: str, files: dict[str, Path], what: str) -> Path:
        if item_id in files:
            return files[item_id]
        close = difflib.get_close_matches(item_id, list(files), n=3, cutoff=0.5)
        hint = f"; did you mean {', '.join(close)}?" if close else f"; see 'mlsd {what}s'"
        if what == "case" and not close:
            hint = "; see 'mlsd list'"
        raise UsageError(f"unknown {what} {item_id!r}{hint}")

    @staticmethod
    def _load(path: Path, model: type[BaseModel]) -> BaseModel:
        from mlsd.content.yamlsrc import Problem, YamlParseError, read_yaml

        try:
            doc = read_yaml(path)
        except YamlParseError as exc:
            raise ContentError([exc.problem]) from None
        item = parse_model(doc, model, str(path))
        if getattr(item, "id", None) != path.stem:
            problem = Problem(
                str(path),
                f"id {getattr(item, 'id', None)!r} must equal the file name {path.stem!r}",
                doc.line_of(("id",)),
                None,
                "id",
            )
            raise ContentError([problem])
        return item
