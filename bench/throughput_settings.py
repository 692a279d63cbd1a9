"""Settings of the throughput benchmark's server (bench/throughput.py): the test settings, with a
URLconf that adds the minimal signed-in view the pages are compared with. Used only by the bench."""

from config.settings.test import *  # noqa: F403

ROOT_URLCONF = "throughput_urls"
