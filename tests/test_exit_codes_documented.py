"""Every exit code the program can return is a row of the README's table, and every row one
the program returns: cron, systemd and scripts read the number, the person the table."""

from __future__ import annotations

import re
from pathlib import Path

from songbird_gui.core import exit_codes

README = Path(__file__).resolve().parent.parent / "README.md"


def test_the_readmes_table_lists_every_exit_code_once() -> None:
    rows = re.findall(r"^\| (\d+) \| ", README.read_text(encoding="utf-8"), re.MULTILINE)
    returned = {v for k, v in vars(exit_codes).items() if k.startswith("EXIT_")}
    assert sorted(int(r) for r in rows) == sorted(returned)
