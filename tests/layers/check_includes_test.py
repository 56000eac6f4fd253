#!/usr/bin/python3
"""Tests of scripts/check_includes.py on small fixture trees built in a temporary directory."""
import pathlib
import subprocess
import sys
import tempfile
import textwrap
import unittest

CHECKER = pathlib.Path(__file__).resolve().parents[2] / "scripts" / "check_includes.py"


def write(root: pathlib.Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))


def run(root: pathlib.Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(CHECKER), "--root", str(root)],
                          capture_output=True, text=True, timeout=60)


# model may call common; bus may call common and model.
CLEAN = {
    "src/common/README.md": "# common\nMay call: nothing\n(the standard library).\n",
    "src/common/clock.h": "#pragma once\n#include <chrono>\n",
    "src/model/README.md": "# model\nMay call: common\n",
    "src/model/kind.h": '#pragma once\n#include "common/clock.h"\n#include "model/other.h"\n',
    "src/bus/README.md": "# bus\nSome text.\nMay call: common, model\n(and librdkafka).\n",
    "src/bus/record.cc": '#include "bus/record.h"\n#include <fmt/format.h>\n'
                         '#include "model/kind.h"\n  #  include "common/clock.h"\n',
}


class CheckIncludes(unittest.TestCase):
    def test_clean_tree_passes(self):
        with tempfile.TemporaryDirectory() as d:
            root = pathlib.Path(d)
            write(root, CLEAN)
            r = run(root)
            self.assertEqual(r.returncode, 0, r.stdout + r.stderr)

    def test_include_outside_the_list_fails_naming_file_line_and_include(self):
        with tempfile.TemporaryDirectory() as d:
            root = pathlib.Path(d)
            write(root, CLEAN | {
                "src/model/kind.cc": '#include "model/kind.h"\n\n#include "bus/record.h"\n',
            })
            r = run(root)
            self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
            self.assertIn('src/model/kind.cc:3: #include "bus/record.h"', r.stdout)
            self.assertIn("src/model/README.md", r.stdout)
            self.assertEqual(r.stdout.count("#include"), 1, r.stdout)

    def test_nothing_allows_no_module(self):
        with tempfile.TemporaryDirectory() as d:
            root = pathlib.Path(d)
            write(root, CLEAN | {"src/common/log.cc": '#include "model/kind.h"\n'})
            r = run(root)
            self.assertEqual(r.returncode, 1)
            self.assertIn('src/common/log.cc:1: #include "model/kind.h"', r.stdout)

    def test_readme_without_may_call_line_fails(self):
        with tempfile.TemporaryDirectory() as d:
            root = pathlib.Path(d)
            write(root, CLEAN | {"src/model/README.md": "# model\nMay call model stuff\n"})
            r = run(root)
            self.assertEqual(r.returncode, 1)
            self.assertIn("src/model/README.md: expected exactly one 'May call", r.stdout)

    def test_module_without_readme_fails(self):
        with tempfile.TemporaryDirectory() as d:
            root = pathlib.Path(d)
            write(root, CLEAN | {"src/sim/simulator.cc": '#include "model/kind.h"\n'})
            r = run(root)
            self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
            self.assertIn("src/sim/README.md: missing", r.stdout)

    def test_nested_file_is_checked(self):
        with tempfile.TemporaryDirectory() as d:
            root = pathlib.Path(d)
            write(root, CLEAN | {"src/model/detail/kind_table.h": '#include "bus/record.h"\n'})
            r = run(root)
            self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
            self.assertIn('src/model/detail/kind_table.h:1: #include "bus/record.h"', r.stdout)

    def test_unknown_module_in_list_fails(self):
        with tempfile.TemporaryDirectory() as d:
            root = pathlib.Path(d)
            write(root, CLEAN | {"src/bus/README.md": "May call: common, modle\n"})
            r = run(root)
            self.assertEqual(r.returncode, 1)
            self.assertIn("'modle', which is not a folder of src/", r.stdout)


if __name__ == "__main__":
    unittest.main()
