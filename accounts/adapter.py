"""How the sign-in library fits the portal: no open sign-up."""

from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest


class PortalAccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        # Staff accounts are made by administrators; school staff register only from
        # a delegation invitation, which the delegation app checks.
        return bool(request.session.get("delegation_invitation"))
