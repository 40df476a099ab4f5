"""Keep a user's previous password hashes, so the last eight cannot be used again.

Whenever a new password is saved (sign-up, change, reset, set by an administrator or
a management command), the hash it replaces becomes a `PasswordHistory` row and only
the newest eight rows are kept. The current password is not in the history: the
password validator compares with it directly. Django marks a save that sets a new
password by keeping the raw password on `user._password` until the save; a save that
only upgrades the hash of the same password (on sign-in, after a hasher change) clears
that mark first, so it adds nothing to the history.

An account made by an administrator has no allauth e-mail record. A sign-in code
e-mailed to the account's address proves the address as well as a confirmation code
would, so the first code accepted records the address as confirmed rather than asking
for a second code straight after it.
"""

from __future__ import annotations

import logging

from allauth.account.models import EmailAddress
from allauth.account.signals import authentication_step_completed
from django.conf import settings
from django.contrib.auth.hashers import is_password_usable
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver

from accounts.models import PasswordHistory, User

logger = logging.getLogger(__name__)

PASSWORDS_KEPT = 8


@receiver(pre_save, sender=settings.AUTH_USER_MODEL)
def _note_replaced_password(sender, instance: User, **kwargs) -> None:
    instance._replaced_password_hash = None
    if instance.pk is None or getattr(instance, "_password", None) is None:
        return
    previous = (
        sender.objects.filter(pk=instance.pk).values_list("password", flat=True).first()
    )
    if previous and previous != instance.password and is_password_usable(previous):
        instance._replaced_password_hash = previous


@receiver(post_save, sender=settings.AUTH_USER_MODEL)
def _record_replaced_password(sender, instance: User, **kwargs) -> None:
    replaced = getattr(instance, "_replaced_password_hash", None)
    if not replaced:
        return
    instance._replaced_password_hash = None
    record_previous_password(instance, replaced)


def record_previous_password(user: User, encoded: str) -> None:
    PasswordHistory.objects.create(user=user, encoded=encoded)
    stale = PasswordHistory.objects.filter(user=user).values_list("pk", flat=True)[
        PASSWORDS_KEPT:
    ]
    PasswordHistory.objects.filter(pk__in=list(stale)).delete()
    logger.info("Recorded a previous password of user %s", user.pk)


@receiver(authentication_step_completed)
def _confirm_address_proved_by_code(sender, request, method, user, **kwargs) -> None:
    email = kwargs.get("email")
    if method != "code" or not email or email.lower() != user.email.lower():
        return
    if EmailAddress.objects.filter(user=user).exists():
        return
    EmailAddress.objects.create(
        user=user, email=user.email, primary=True, verified=True
    )
    logger.info("Confirmed the address of user %s by a sign-in code", user.pk)
