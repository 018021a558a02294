"""Run the README's console sessions for real and write their outputs back (the README stays
true: `python tools/readme_sessions.py [--check]`).

Every ```console block is run in order, in one fresh folder (so ``./tracker.db`` is the
session's store), with the project's ``.venv/bin`` first on PATH and ``../shared`` beside it as
in the README. A command's output is the lines after its ``$ `` line up to the next one. Left
as written, and listed: blocks that serve or reach a server (``tracker serve``, ``curl``), that
install or point at a shared PostgreSQL store, ``--help``, and commands whose comment says only
part of the output is shown ("... shown)"). A python block whose first line names a file
("# by_gender.py") is written into the folder first. With ``--check`` nothing is written: the
commands whose output differs are listed, and the exit status is 1 if any does (an output that
holds a recorded time, a chain hash or a timing differs on every run: a fresh store is stamped
anew)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
LEFT = ("tracker serve", "curl ", "pip install", "export TRACKER_DATABASE_URL", ". .venv", "--help")
BLOCK = re.compile(r"^```console\n(.*?)^```$", re.MULTILINE | re.DOTALL)
# a file the README shows, to be in the session's folder: a python block whose first line
# names it ("# by_gender.py")
FILE = re.compile(r"^```python\n# ([\w.]+\.py)\n(.*?)^```$", re.MULTILINE | re.DOTALL)


def _commands(block: str) -> list[tuple[str, list[str]]]:
    """The block's commands, each with the output lines shown under it."""
    found: list[tuple[str, list[str]]] = []
    for line in block.splitlines():
        if line.startswith("$ "):
            found.append((line[2:], []))
        elif found:
            found[-1][1].append(line)
    return found


def _left(block: str) -> bool:
    return any(f"$ {what}" in block or f" {what}" in block for what in LEFT) or not any(
        line.startswith("$ ") for line in block.splitlines()
    )


def _run(command: str, folder: Path) -> list[str]:
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("TRACKER_")},
        "PATH": f"{ROOT / '.venv' / 'bin'}{os.pathsep}{os.environ['PATH']}",
        "COLUMNS": "120",
        "TERM": "dumb",
    }
    shell = command.split("   # ", 1)[0] if "   # " in command else command
    done = subprocess.run(
        ["bash", "-c", f"{shell} 2>&1"],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    return [line.rstrip() for line in done.stdout.splitlines()]


def main(argv: list[str]) -> int:
    check = "--check" in argv
    text = README.read_text(encoding="utf-8")
    differ: list[str] = []
    kept: list[str] = []
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name) / "session"
        folder.mkdir()
        (Path(name) / "shared").symlink_to(ROOT.parent / "shared")  # ../shared, as in the README
        for shown in FILE.finditer(text):
            (folder / shown.group(1)).write_text(shown.group(2), encoding="utf-8")

        def redo(match: re.Match[str]) -> str:
            block = match.group(1)
            if _left(block):
                kept.extend(c for c, _ in _commands(block))
                return match.group(0)
            out = []
            for command, shown in _commands(block):
                if command.rstrip().endswith("shown)"):
                    kept.append(command)
                    _run(command, folder)  # its effects count for the commands after it
                    out += [f"$ {command}", *shown]
                    continue
                got = _run(command, folder)
                if got != [line.rstrip() for line in shown]:
                    differ.append(command)
                out += [f"$ {command}", *got]
            return "```console\n" + "\n".join(out) + "\n```"

        new = BLOCK.sub(redo, text)
    for command in kept:
        print(f"left as written: {command[:100]}", file=sys.stderr)
    for command in differ:
        print(f"{'differs' if check else 'rewritten'}: {command[:100]}", file=sys.stderr)
    if check:
        return 1 if differ else 0
    README.write_text(new, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
