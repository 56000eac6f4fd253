#!/usr/bin/python3
"""Checks that each module under src/ includes only the modules its README allows.

Every src/<module>/README.md has exactly one line of the form

    May call: common, model, bus

(module names, comma-separated; "nothing" for none). A file under src/<module>/ that includes
"<other>/..." where <other> is another folder of src/ not in that list is a violation: each is
printed as `path:line: #include "<other>/...": <other> is not in <module>'s "May call" list
(src/<module>/README.md)` and the exit status is 1. A README without the line, or naming a
module that does not exist, is an error too (exit 1). Third-party includes (<...>) are not
checked.

Usage: /usr/bin/python3 scripts/check_includes.py [--root DIR]   (DIR defaults to the repository)
"""
import argparse
import pathlib
import re
import sys

MAY_CALL = re.compile(r"^May call: (.*)$")
INCLUDE = re.compile(r'^\s*#\s*include\s*"([^"]+)"')
SOURCE_SUFFIXES = {".h", ".hpp", ".cc", ".cpp", ".in"}


def read_may_call(readme: pathlib.Path, modules: set[str],
                  root: pathlib.Path) -> tuple[set[str], list[str]]:
    """The allowed modules of a README (a path relative to root), and the errors reading it."""
    if not (root / readme).is_file():
        return set(), [f"{readme}: missing (it must have a 'May call: ...' line)"]
    lines = [(n, m.group(1)) for n, text in enumerate((root / readme).read_text().splitlines(), 1)
             if (m := MAY_CALL.match(text))]
    if len(lines) != 1:
        found = "none" if not lines else f"{len(lines)} (lines {', '.join(str(n) for n, _ in lines)})"
        return set(), [f"{readme}: expected exactly one 'May call: a, b, c' line, found {found}"]
    number, value = lines[0]
    names = [name.strip() for name in value.split(",") if name.strip()]
    if names == ["nothing"]:
        return set(), []
    errors = [f"{readme}:{number}: 'May call' names '{name}', which is not a folder of src/"
              for name in names if name not in modules]
    return set(names), errors


def check_file(path: pathlib.Path, root: pathlib.Path, module: str, allowed: set[str],
               modules: set[str]) -> list[str]:
    problems = []
    for number, text in enumerate(path.read_text(errors="replace").splitlines(), 1):
        m = INCLUDE.match(text)
        if not m or "/" not in m.group(1):
            continue
        target = m.group(1).split("/", 1)[0]
        if target in modules and target != module and target not in allowed:
            problems.append(
                f'{path.relative_to(root)}:{number}: #include "{m.group(1)}": {target} is not in '
                f"{module}'s \"May call\" list (src/{module}/README.md)")
    return problems


def check(root: pathlib.Path) -> list[str]:
    src = root / "src"
    modules = {p.name for p in src.iterdir() if p.is_dir()}
    problems = []
    for module in sorted(modules):
        allowed, errors = read_may_call((src / module / "README.md").relative_to(root), modules,
                                        root)
        problems += errors
        for path in sorted((src / module).rglob("*")):
            if path.is_file() and path.suffix in SOURCE_SUFFIXES:
                problems += check_file(path, root, module, allowed, modules)
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=pathlib.Path,
                        default=pathlib.Path(__file__).resolve().parent.parent,
                        help="repository root (holds src/); default: this script's repository")
    args = parser.parse_args()
    root = args.root.resolve()
    if not (root / "src").is_dir():
        print(f"check_includes: {root}/src is not a directory", file=sys.stderr)
        return 2
    problems = check(root)
    for p in problems:
        print(p)
    if problems:
        print(f"check_includes: {len(problems)} problem(s): fix the include or the module's "
              "README 'May call' line", file=sys.stderr)
        return 1
    print(f"check_includes: every include in {root / 'src'} is within its module's 'May call' list")
    return 0


if __name__ == "__main__":
    sys.exit(main())
