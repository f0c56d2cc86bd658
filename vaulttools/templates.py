"""Render note templates (sandboxed Jinja2) and read the question bank."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .errors import TemplateError, UsageError
from .names import wikilink

QUESTIONS_FILE = "questions.yaml"
_ID_ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789"  # no look-alikes (l/1, o/0)
# PyYAML's C loader where it was compiled: the question bank in 1 ms instead of 8, which
# every process that indexes notes pays (search leaves out the banks' questions).
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def package_templates_dir() -> Path:
    """The shipped templates: inside the installed package, or the checkout's `templates/`."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "templates", here.parent / "templates"):
        if candidate.is_dir():
            return candidate
    raise TemplateError("The default templates are missing from this installation of vaulttools.")


def template_dirs(user_dir: Path | None) -> list[Path]:
    """Where templates are looked up, the user's copies first."""
    return [d for d in (user_dir, package_templates_dir()) if d is not None and d.is_dir()]


def new_id(prefix: str, length: int = 4) -> str:
    import secrets  # here: the index imports this module for the template lines, not for ids

    return f"{prefix}-" + "".join(secrets.choice(_ID_ALPHABET) for _ in range(length))


def yaml_value(value: Any) -> str:
    """A value as YAML after `key: `, on one line, read back the same by every YAML reader.

    Strings are plain where that is safe and double-quoted otherwise; links are always quoted,
    as Obsidian writes them.
    """
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        items = [_scalar(item) for item in value]
        plain = "[" + ", ".join(items) + "]"
        return (
            plain
            if reads_back_as(plain, list(value))
            else "["
            + ", ".join(_quoted(item) if isinstance(item, str) else _scalar(item) for item in value)
            + "]"
        )
    return _scalar(value)


def _scalar(value: Any) -> str:
    if isinstance(value, str) and (value.startswith("[[") or not value):
        return _quoted(value)
    dumped = yaml.safe_dump(value, allow_unicode=True, width=1 << 30, default_flow_style=True)
    plain = dumped.removesuffix("\n").removesuffix("\n...").strip()
    if isinstance(value, str) and not reads_back_as(plain, value):
        return _quoted(value)
    return plain


def _quoted(text: str) -> str:
    return yaml.safe_dump(text, default_style='"', allow_unicode=True, width=1 << 30).strip()


def reads_back_as(rendered: str, value: Any) -> bool:
    """Whether YAML 1.1 readers (PyYAML) and YAML 1.2 ones (Obsidian, ruamel) both read
    `key: <rendered>` as `value`. `0E0` or `0o17` is text to one and a number to the other,
    and a trailing no-break space is dropped by some; such text must be quoted.
    """
    from ruamel.yaml import YAML

    document = f"k: {rendered}\n"
    try:
        return yaml.safe_load(document)["k"] == value == YAML(typ="safe").load(document)["k"]
    except Exception:  # any reader's failure means: quote it
        return False


def add_days(day: dt.date, days: int) -> dt.date:
    return day + dt.timedelta(days=days)


_FILTERS: dict[str, Callable[..., Any]] = {"yaml": yaml_value, "add_days": add_days}
_GLOBALS: dict[str, Callable[..., Any]] = {
    "block_id": lambda: new_id("fu"),
    "link": wikilink,
}


@dataclass(frozen=True)
class Renderer:
    dirs: tuple[Path, ...]

    @classmethod
    def for_dir(cls, user_dir: Path | None) -> Renderer:
        return cls(tuple(template_dirs(user_dir)))

    def render(self, name: str, values: Mapping[str, Any]) -> str:
        """Render template `name`; errors name the template file and line."""
        import jinja2
        from jinja2.sandbox import SandboxedEnvironment

        env = SandboxedEnvironment(
            loader=jinja2.FileSystemLoader([str(d) for d in self.dirs]),
            undefined=jinja2.StrictUndefined,
            keep_trailing_newline=True,
            trim_blocks=True,
            lstrip_blocks=True,
            autoescape=False,
        )
        env.filters.update(_FILTERS)
        env.globals.update(_GLOBALS)
        try:
            return env.get_template(name).render(values)
        except jinja2.TemplateSyntaxError as error:
            where = f"{error.filename or name}, line {error.lineno}"
            raise TemplateError(f"Template {where} has an error: {error.message}.") from error
        except jinja2.TemplateNotFound as error:
            raise TemplateError(f"No template named {name} in {_listing(self.dirs)}.") from error
        except Exception as error:  # the template's own mistake, e.g. an undefined name
            raise TemplateError(f"Template {self._locate(name, error)} failed: {error}.") from error

    def source_path(self, name: str) -> Path | None:
        return next((d / name for d in self.dirs if (d / name).is_file()), None)

    def _locate(self, name: str, error: BaseException) -> str:
        """`file, line N` from the traceback frame Jinja2 maps back to the template."""
        traceback = error.__traceback__
        where = str(self.source_path(name) or name)
        while traceback is not None:
            filename = traceback.tb_frame.f_code.co_filename
            if filename.endswith(".j2"):
                where = f"{filename}, line {traceback.tb_lineno}"
            traceback = traceback.tb_next
        return where

    def question_bank(self) -> QuestionBank:
        path = self.source_path(QUESTIONS_FILE)
        if path is None:
            raise TemplateError(f"No {QUESTIONS_FILE} in {_listing(self.dirs)}.")
        return QuestionBank.from_yaml(path)


def _listing(dirs: tuple[Path, ...]) -> str:
    return " or ".join(str(d) for d in dirs) or "any template folder"


@dataclass(frozen=True)
class Category:
    key: str
    title: str
    questions: tuple[str, ...]
    defaults: tuple[str, ...]


@dataclass(frozen=True)
class QuestionBank:
    categories: tuple[Category, ...]

    @classmethod
    def from_yaml(cls, path: Path) -> QuestionBank:
        try:
            data = yaml.load(path.read_text(encoding="utf-8"), Loader=_SAFE_LOADER)
            return cls(tuple(_category(key, value) for key, value in data.items()))
        except (yaml.YAMLError, AttributeError, KeyError, TypeError) as error:
            raise TemplateError(
                f"{path} is not a question bank (category: {{title, questions}}): {error}."
            ) from error

    def pick(self, wanted: str | None) -> list[dict[str, Any]]:
        """The categories asked for by key or title prefix; the default picks when None."""
        if wanted is None:
            return [_as_values(c, c.defaults) for c in self.categories if c.defaults]
        chosen = [self._find(word.strip()) for word in wanted.split(",") if word.strip()]
        return [_as_values(c, c.questions) for c in dict.fromkeys(chosen)]

    def _find(self, word: str) -> Category:
        needle = word.casefold().replace("organization", "organisation")
        matches = [
            c
            for c in self.categories
            if c.key.casefold().startswith(needle)
            or c.title.casefold().replace(" ", "-").startswith(needle.replace(" ", "-"))
        ]
        if len(matches) != 1:
            keys = ", ".join(c.key for c in self.categories)
            raise UsageError(f"{word!r} is not one question category; choose from {keys}.")
        return matches[0]


def _category(key: str, value: dict[str, Any]) -> Category:
    questions, defaults = [], []
    for item in value["questions"]:
        text = item["text"] if isinstance(item, dict) else item
        questions.append(str(text))
        if isinstance(item, dict) and item.get("default"):
            defaults.append(str(text))
    return Category(str(key), str(value["title"]), tuple(questions), tuple(defaults))


def _as_values(category: Category, questions: tuple[str, ...]) -> dict[str, Any]:
    return {"key": category.key, "title": category.title, "questions": list(questions)}
