from typing import Any

from django.core.management.base import BaseCommand

from carecoop.demo import data
from carecoop.demo.services import demo_load


class Command(BaseCommand):
    help = "Load the three demonstration cooperatives, a network and a union, with sign-ins."

    def handle(self, *args: Any, **options: Any) -> None:
        if demo_load():
            self.stdout.write(self.style.SUCCESS("Demo cooperatives loaded."))
        else:
            self.stdout.write("Demo cooperatives already loaded.")
        self.stdout.write("")
        self.stdout.write(
            f"Sign in at http://127.0.0.1:8000/accounts/login/ with password: {data.PASSWORD}"
        )
        for username, org, role, _extra in data.USERS:
            self.stdout.write(f"  {username:<22} {role:<12} {org}")
        self.stdout.write(f"  {'admin':<22} {'superuser':<12} /admin/")
