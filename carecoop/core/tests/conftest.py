from carecoop.billing.tests.conftest import Billed, billed  # noqa: F401  (shared fixture)
