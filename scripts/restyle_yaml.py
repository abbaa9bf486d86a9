"""Rewrite machine-dumped dbt YAML (properties files) in the project's hand-written style.

Two-space indent with indented lists, a blank line between models, sources and
unit tests, folded `>` descriptions wrapped at 88 columns, flow lists for short
test lists, quotes only where YAML needs them. The values round-trip: the
script asserts that the new file loads to the same data (a folded description
gains only its final newline). A top-level `unit_tests:` section is kept as
written (hand-laid rows, anchors); comments elsewhere are not kept, so use it
on generated files, not on commented ones.

    .venv/bin/python scripts/restyle_yaml.py models/staging/*/_*__sources.yml
"""

from __future__ import annotations

import re
import sys
import textwrap

import yaml

WIDTH = 88


def plain_ok(s: str) -> bool:
    if s == "" or s != s.strip() or "\n" in s or "'" in s or '"' in s or "!=" in s:
        return False
    try:
        return yaml.safe_load(f"k: {s}") == {"k": s} and not re.search(
            r"[#:]\s|\s#|^[\[\]{}&*!|>'\"%@`,?-]", s
        )
    except yaml.YAMLError:
        return False


def quoted(s: str) -> str:
    if "'" in s and '"' not in s and "\\" not in s:
        return '"' + s + '"'
    return "'" + s.replace("'", "''") + "'"


def scalar(v) -> str:
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return repr(v)
    return v if plain_ok(v) else quoted(v)


def is_scalar(v) -> bool:
    return v is None or isinstance(v, (str, int, float, bool))


def flow(v) -> str | None:
    if isinstance(v, list) and all(is_scalar(x) for x in v):
        return (
            "["
            + ", ".join(
                scalar(x) if not isinstance(x, str) or plain_ok(x) and "," not in x else quoted(x) for x in v
            )
            + "]"
        )
    if isinstance(v, dict) and v and all(is_scalar(x) for x in v.values()):
        return (
            "{"
            + ", ".join(
                f"{k}: {scalar(x) if not isinstance(x, str) or plain_ok(x) and ',' not in x else quoted(x)}"
                for k, x in v.items()
            )
            + "}"
        )
    return None


def text_value(key: str, s: str, indent: int) -> list[str]:
    pad = " " * indent
    s = s.rstrip("\n")
    one = f"{pad}{key}: {scalar(s)}"
    if len(one) <= WIDTH and "\n" not in s:
        return [one]
    if "\n" not in s and s == s.strip() and "  " not in s:
        lines = textwrap.wrap(s, WIDTH - indent - 2, break_long_words=False, break_on_hyphens=False)
        return [f"{pad}{key}: >"] + [f"{pad}  {line}" for line in lines]
    return [one]


def emit(value, indent: int, out: list[str], top: bool = False) -> None:
    pad = " " * indent
    if isinstance(value, dict):
        for i, (k, v) in enumerate(value.items()):
            if top and i > 0:
                out.append("")
            if isinstance(v, str):
                out.extend(text_value(k, v, indent))
            elif is_scalar(v):
                out.append(f"{pad}{k}: {scalar(v)}")
            elif not v:
                out.append(f"{pad}{k}: {'[]' if isinstance(v, list) else '{}'}")
            else:
                f = flow(v)
                if (
                    f is not None
                    and len(pad) + len(k) + 2 + len(f) <= WIDTH
                    and (isinstance(v, list) or len(v) <= 2)
                ):
                    out.append(f"{pad}{k}: {f}")
                else:
                    out.append(f"{pad}{k}:")
                    emit(v, indent + 2, out, top=False)
                    if top and isinstance(v, list):
                        pass
    elif isinstance(value, list):
        for i, item in enumerate(value):
            if indent == 2 and i > 0 and isinstance(item, dict) and "name" in item:
                out.append("")  # a blank line between models, sources, unit tests
            if is_scalar(item):
                out.append(f"{pad}- {scalar(item)}")
            elif isinstance(item, dict):
                f = flow(item)
                if f is not None and len(pad) + 2 + len(f) <= WIDTH and "name" not in item:
                    out.append(f"{pad}- {f}")
                    continue
                sub: list[str] = []
                emit(item, indent + 2, sub)
                first = sub[0]
                out.append(f"{pad}- {first[indent + 2 :]}")
                out.extend(sub[1:])
            else:
                sub = []
                emit(item, indent + 2, sub)
                out.append(f"{pad}- {sub[0][indent + 2 :]}")
                out.extend(sub[1:])


def _norm(o):
    """Folded descriptions end in a newline (`>`); compare values without it."""
    if isinstance(o, dict):
        return {k: _norm(v) for k, v in o.items()}
    if isinstance(o, list):
        return [_norm(v) for v in o]
    return o.rstrip("\n") if isinstance(o, str) else o


def dump(data) -> str:
    out: list[str] = []
    emit(data, 0, out, top=True)
    new = "\n".join(out) + "\n"
    assert _norm(yaml.safe_load(new)) == _norm(data), "round trip changed the values"
    return new


def restyle(text: str) -> str:
    head, marker, tail = text.partition("\nunit_tests:\n")
    return dump(yaml.safe_load(head)) + ("\n" + marker.lstrip("\n") + tail if marker else "")


if __name__ == "__main__":
    for path in sys.argv[1:]:
        with open(path) as f:
            old = f.read()
        new = restyle(old)
        with open(path, "w") as f:
            f.write(new)
