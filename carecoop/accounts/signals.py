"""What every sign-in sets in its session, whichever page signed the user in (the site's own
sign-in page, the admin's, a test client): whether a second step is still owed, and when the
session was last used."""

import time
from typing import Any

from django.contrib.auth.models import User
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest
from django_otp import devices_for_user

SECOND_STEP_OWED = "carecoop_second_step_owed"
LAST_SEEN = "carecoop_last_seen"


@receiver(user_logged_in, dispatch_uid="carecoop_accounts_sign_in")
def _on_sign_in(sender: type[User], request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    if request is None or not hasattr(request, "session"):
        return
    verified = getattr(user, "otp_device", None) is not None
    owed = not verified and any(True for _device in devices_for_user(user, confirmed=True))
    request.session[SECOND_STEP_OWED] = owed
    request.session[LAST_SEEN] = int(time.time())
