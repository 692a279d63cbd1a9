"""The generated API calls are counted: a pass that ran every schema test says how many calls it
made, and fails when they were too few to be the check they claim to be."""

import pytest

from carecoop.api.tests import test_schema

# Calls each database pass must make (two passes: at least 2,000 in all).
FEWEST = 1000


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    ran = [item for item in session.items if item.module is test_schema]
    if (
        not ran
        or session.config.option.keyword
        or session.config.option.markexpr
        not in (
            "",
            "not postgres",
            "not sqlite",
        )
    ):
        return
    made = test_schema.CALLS.get("requests", 0)
    writer = session.config.get_terminal_writer()
    writer.line(f"\nAPI schema tests: {made} generated calls in {len(ran)} tests.")
    if len(ran) == test_schema.OPERATIONS * 2 and made < FEWEST:
        writer.line(
            f"Fewer than {FEWEST} generated calls: the schema tests check too little.", red=True
        )
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
