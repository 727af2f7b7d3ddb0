"""Load site profiles from YAML files, with errors that name the file, the line and the key."""

from __future__ import annotations

import os
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml
from pydantic import ValidationError

from crawler.profiles.model import SiteProfile

if TYPE_CHECKING:
    from collections.abc import Mapping
    from importlib.resources.abc import Traversable

#: Profiles shipped with the project (a resource, so that they load from a zipped scrapyd egg too).
BUNDLED_DIR: Traversable = files("crawler.profiles").joinpath("sites")
PROFILE_SUFFIXES = (".yaml", ".yml")


#: A profile is a page of YAML; anything much larger (or deeper) is a mistake or an attack.
MAX_PROFILE_BYTES = 256 * 1024
MAX_PROFILE_DEPTH = 20
#: Keys (at every level) of one profile: a profile has a few dozen; 20,000 is an attack or an accident.
MAX_PROFILE_KEYS = 2_000
#: Problems listed for one profile (a file of 20,000 unknown keys gets 20 lines and a count, not 8 MB).
MAX_PROBLEMS_SHOWN = 20
_OPENING = (yaml.BlockMappingStartToken, yaml.BlockSequenceStartToken)
_OPENING_FLOW = (yaml.FlowMappingStartToken, yaml.FlowSequenceStartToken)
_CLOSING = (yaml.BlockEndToken, yaml.FlowMappingEndToken, yaml.FlowSequenceEndToken)


class ProfileError(ValueError):
    """A profile file that cannot be used; the message says where and why."""


#: libyaml's scanner and parser when PyYAML was built with it (the pure-Python ones are ~10x slower).
_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


#: The folder a user adds profiles to, relative to the working directory (`./run` works in the checkout).
LOCAL_DIR = "profiles"


def profile_dirs(extra: str | os.PathLike[str] | None = None) -> list[Traversable]:
    """Folders searched for profiles: an explicit one, $NEWSARCHIVE_PROFILES, ./profiles, the bundled set."""
    dirs: list[Traversable] = []
    for candidate in (extra, os.environ.get("NEWSARCHIVE_PROFILES")):
        if candidate:
            dirs.extend(Path(p) for p in str(candidate).split(os.pathsep) if p)
    dirs.append(Path.cwd() / LOCAL_DIR)
    dirs.append(BUNDLED_DIR)
    return dirs


def _key_lines(node: yaml.Node, prefix: tuple[Any, ...] = ()) -> dict[tuple[Any, ...], int]:
    """Map every key path of a composed YAML document to its 1-based line."""
    lines: dict[tuple[Any, ...], int] = {}
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            path = (*prefix, key_node.value)
            lines[path] = key_node.start_mark.line + 1
            lines.update(_key_lines(value_node, path))
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            path = (*prefix, index)
            lines[path] = item.start_mark.line + 1
            lines.update(_key_lines(item, path))
    return lines


def _line_for(loc: tuple[Any, ...], lines: dict[tuple[Any, ...], int]) -> int | None:
    while loc:
        if loc in lines:
            return lines[loc]
        loc = loc[:-1]
    return None


def _describe(error: Mapping[str, Any]) -> str:
    key = ".".join(str(p) for p in error["loc"]) or "(top level)"
    if error["type"] == "extra_forbidden":
        allowed = ", ".join(sorted(_allowed_keys(error["loc"][:-1])))
        return f"unknown key '{key}' (allowed here: {allowed})"
    if error["type"] == "missing":
        return f"missing required key '{key}'"
    message = str(error["msg"]).removeprefix("Value error, ")
    return f"key '{key}': {message}"


def _allowed_keys(loc: tuple[Any, ...]) -> list[str]:
    model: Any = SiteProfile
    for part in loc:
        field = model.model_fields.get(part) if hasattr(model, "model_fields") else None
        annotation = getattr(field, "annotation", None)
        if annotation is None or not hasattr(annotation, "model_fields"):
            # Optional[Model] and friends
            args = getattr(annotation, "__args__", ())
            annotation = next((a for a in args if hasattr(a, "model_fields")), None)
        if annotation is None:
            return []
        model = annotation
    return list(model.model_fields)


def parse_profile(text: str, source: str = "<string>") -> SiteProfile:
    """Validate YAML text as a profile; ProfileError says file:line, key and problem.

    Aliases are refused and the size is capped (MAX_PROFILE_BYTES), so a small hostile file
    cannot expand into a huge document or a deep recursion.
    """
    if len(text) > MAX_PROFILE_BYTES:
        raise ProfileError(f"{source}: {len(text)} characters; a profile is at most {MAX_PROFILE_BYTES}")
    try:
        _check_shape(text, source)
        loader = _LOADER(text)
        try:
            node = loader.get_single_node()
            data = loader.construct_document(node) if node is not None else None
        finally:
            loader.dispose()
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{source}:{mark.line + 1}" if mark else source
        raise ProfileError(f"{where}: not valid YAML: {getattr(exc, 'problem', exc)}") from exc
    except RecursionError:
        raise ProfileError(f"{source}: nested too deeply to be a profile") from None
    if not isinstance(data, dict):
        raise ProfileError(f"{source}: a profile must be a mapping of keys (name, base_url, ...)")
    try:
        return SiteProfile.model_validate(data)
    except ValidationError as exc:
        lines = _key_lines(node) if node is not None else {}
        errors = exc.errors()
        problems = []
        for error in errors[:MAX_PROBLEMS_SHOWN]:
            line = _line_for(tuple(error["loc"]), lines)
            where = f"{source}:{line}" if line else source
            problems.append(f"{where}: {_describe(error)}")
        if len(errors) > MAX_PROBLEMS_SHOWN:
            problems.append(f"... and {len(errors) - MAX_PROBLEMS_SHOWN} more problems in {source}")
        raise ProfileError("invalid site profile\n  " + "\n  ".join(problems)) from None


def _check_shape(text: str, source: str) -> None:
    """Refuse aliases, nesting deeper than MAX_PROFILE_DEPTH and more than MAX_PROFILE_KEYS keys.

    One pass of the scanner, before anything is composed: a small hostile file (an alias bomb,
    thousands of brackets or keys) is refused before it can expand, recurse or flood the errors.
    """
    depth = keys = 0
    for token in yaml.scan(text, Loader=_LOADER):
        line = token.start_mark.line + 1
        if isinstance(token, yaml.AliasToken):
            raise yaml.composer.ComposerError(
                None, None, f"aliases (*{token.value}) are not allowed in profiles", token.start_mark
            )
        if isinstance(token, _OPENING + _OPENING_FLOW):
            depth += 1
            if depth > MAX_PROFILE_DEPTH:
                raise ProfileError(
                    f"{source}:{line}: nested more than {MAX_PROFILE_DEPTH} deep (not a profile)"
                )
        elif isinstance(token, _CLOSING):
            depth -= 1
        elif isinstance(token, yaml.KeyToken):
            keys += 1
            if keys > MAX_PROFILE_KEYS:
                raise ProfileError(
                    f"{source}:{line}: more than {MAX_PROFILE_KEYS} keys (a profile has a few dozen: "
                    'see the README\'s "Writing a site profile")'
                )


def _stem(path: Traversable) -> str:
    return path.name.rsplit(".", 1)[0]


def load_profile_file(path: str | os.PathLike[str] | Traversable) -> SiteProfile:
    """Load one profile file; its name must match the file name."""
    if isinstance(path, str | os.PathLike):
        path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ProfileError(f"{path}: cannot read profile ({exc.strerror})") from exc
    except UnicodeDecodeError as exc:
        raise ProfileError(f"{path}: profiles must be UTF-8 ({exc.reason} at byte {exc.start})") from exc
    profile = parse_profile(text, str(path))
    if profile.name != _stem(path):
        raise ProfileError(f"{path}: key 'name' is {profile.name!r} but the file is named {_stem(path)!r}")
    return profile


def find_profile_path(name: str, profiles_dir: str | os.PathLike[str] | None = None) -> Traversable:
    """Locate a profile by site name or by path (anything with a .yaml suffix or a slash)."""
    as_path = Path(name)
    if as_path.suffix in PROFILE_SUFFIXES or "/" in name or os.sep in name:
        if as_path.is_file():
            return as_path
        raise ProfileError(f"{name}: no such profile file (relative paths start at {Path.cwd()})")
    for folder in profile_dirs(profiles_dir):
        for suffix in PROFILE_SUFFIXES:
            candidate = folder.joinpath(f"{name}{suffix}")
            if candidate.is_file():
                return candidate
    raise ProfileError(_not_found(name, profiles_dir))


def _not_found(name: str, profiles_dir: str | os.PathLike[str] | None) -> str:
    """What was searched, what is known, and the two ways to add a profile."""
    searched = []
    for folder in profile_dirs(profiles_dir):
        label = (
            "bundled profiles" if folder is BUNDLED_DIR else "does not exist" if not folder.is_dir() else ""
        )
        searched.append(f"    {folder}" + (f" ({label})" if label else ""))
    known = ", ".join(available_profiles(profiles_dir)) or "none"
    local = Path.cwd() / LOCAL_DIR / f"{name}.yaml"
    return (
        f"no profile named {name!r} (known: {known}). Searched, in this order:\n"
        + "\n".join(searched)
        + f'\n  To add one, write {local} (the README\'s "Writing a site profile" lists the keys; '
        "`newsarchive profiles NAME` checks it), or give a file's path instead of a name; "
        "more folders: NEWSARCHIVE_PROFILES=DIR[:DIR...] or the PROFILES_DIR setting."
    )


def load_profile(name: str, profiles_dir: str | os.PathLike[str] | None = None) -> SiteProfile:
    """Load a profile by site name (searched in profile_dirs) or by path."""
    return load_profile_file(find_profile_path(name, profiles_dir))


def available_profiles(profiles_dir: str | os.PathLike[str] | None = None) -> list[str]:
    """Names of every profile that can be loaded, first folder wins."""
    names: list[str] = []
    for folder in profile_dirs(profiles_dir):
        if folder.is_dir():
            for path in sorted(folder.iterdir(), key=lambda p: p.name):
                if path.name.endswith(PROFILE_SUFFIXES) and _stem(path) not in names:
                    names.append(_stem(path))
    return names
