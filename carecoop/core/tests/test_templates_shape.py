"""Templates stay readable: no line of a template under carecoop is longer than 200 characters."""

from pathlib import Path

import carecoop

LIMIT = 200
ROOT = Path(carecoop.__file__).resolve().parent


def test_no_template_line_is_longer_than_the_limit() -> None:
    templates = sorted(ROOT.rglob("*.html"))
    assert templates, "No template found under carecoop"
    long_lines = [
        f"{path.relative_to(ROOT)}:{number}: {len(line)} characters"
        for path in templates
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if len(line) > LIMIT
    ]
    assert not long_lines, "Break these template lines:\n" + "\n".join(long_lines)
