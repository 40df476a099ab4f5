"""How the sign-in library fits the portal.

- No open sign-up: school staff register only from a delegation invitation, which the
  delegation app validates before it puts the invitation in the session.
- E-mailed codes are kept in the session only as a keyed hash. allauth keeps each code
  it generates in the session and compares what the person types with it; here the
  generator hands allauth an HMAC of the code instead, and the e-mail (sent in the same
  request) gets the plain code back from a map held on that request only. The confirm
  forms in accounts.forms hash what the person types before allauth compares.
- Designated teachers land on their delegation tray after signing in.
"""

from __future__ import annotations

import logging

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context
from allauth.core.internal.cryptokit import normalize_user_code
from django.contrib.auth.models import Group
from django.http import HttpRequest
from django.urls import reverse
from django.utils.crypto import salted_hmac

from accounts.roles import Role

logger = logging.getLogger(__name__)

CODE_HASH_SALT = "accounts.adapter.emailed-code"
INVITATION_SESSION_KEY = "delegation_invitation"
_PLAIN_CODES_ATTRIBUTE = "_portal_plain_codes"


def code_digest(code: str) -> str:
    """The keyed hash kept in place of an e-mailed code; typed codes are normalised."""
    return salted_hmac(
        CODE_HASH_SALT, normalize_user_code(code), algorithm="sha256"
    ).hexdigest()


class PortalAccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        # Staff accounts are made by administrators; school staff register only from
        # a delegation invitation, which the delegation app checks.
        return bool(request.session.get(INVITATION_SESSION_KEY))

    def is_login_by_code_required(self, login) -> bool:
        # At registration the e-mail confirmation code is the second step: asking
        # for a sign-in code straight after it would prove the same thing twice.
        if login.signup:
            return False
        return super().is_login_by_code_required(login)

    def generate_login_code(self) -> str:
        return self._hand_out(super().generate_login_code())

    def generate_email_verification_code(self) -> str:
        return self._hand_out(super().generate_email_verification_code())

    def _hand_out(self, code: str) -> str:
        digest = code_digest(code)
        request = context.request
        plain_codes = getattr(request, _PLAIN_CODES_ATTRIBUTE, None)
        if plain_codes is None:
            plain_codes = {}
            setattr(request, _PLAIN_CODES_ATTRIBUTE, plain_codes)
        plain_codes[digest] = code
        return digest

    def send_mail(self, template_prefix: str, email: str, context_: dict) -> None:
        stored = context_.get("code")
        if stored:
            plain_codes = getattr(context.request, _PLAIN_CODES_ATTRIBUTE, {})
            if stored not in plain_codes:
                # Never e-mail a hash: it would not work as a code and says nothing.
                raise RuntimeError(
                    "An e-mailed code was asked for outside its request."
                )
            context_ = {**context_, "code": plain_codes[stored]}
        super().send_mail(template_prefix, email, context_)

    def save_user(self, request: HttpRequest, user, form, commit: bool = True):
        user = super().save_user(request, user, form, commit=False)
        data = form.cleaned_data
        for field in (
            "professional_capacity",
            "property_name",
            "house_number_or_name",
            "street",
            "area",
            "town",
            "county",
            "postcode",
        ):
            if field in data:
                setattr(user, field, data[field])
        if commit:
            user.save()
            if request.session.get(INVITATION_SESSION_KEY):
                group, _ = Group.objects.get_or_create(
                    name=Role.DESIGNATED_TEACHER.value
                )
                user.groups.add(group)
                logger.info("Registered school account %s from an invitation", user.pk)
        return user

    def get_login_redirect_url(self, request: HttpRequest) -> str:
        user = request.user
        if user.is_authenticated and user.has_role(Role.DESIGNATED_TEACHER):
            return reverse("delegation:tray")
        return super().get_login_redirect_url(request)


def axes_username(request: HttpRequest, credentials: dict | None = None) -> str | None:
    """The address django-axes counts failures against, whatever the form calls it.

    allauth authenticates with an ``email`` credential while its form field is named
    ``login``; both are read, and case is folded so that ``A@x`` and ``a@x`` share a
    count.
    """
    for source in (credentials or {}, getattr(request, "POST", {})):
        value = source.get("email") or source.get("login")
        if value:
            return str(value).strip().lower()
    return None
