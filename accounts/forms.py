"""Sign-up and code forms for the sign-in library, in the portal's wording.

The registration form asks what the process guide's Appendix 1 asks a school's
designated teacher: their name, whether the account is used in a professional capacity,
the school's address, an individual work e-mail address and a password typed twice.
The e-mail address must be the one the delegation invitation was sent to, so that the
account can open the delegation it came from.
"""

from __future__ import annotations

from allauth.account.forms import (
    ConfirmEmailVerificationCodeForm,
    ConfirmLoginCodeForm,
    SignupForm,
)
from allauth.core import context
from django import forms

from accounts.adapter import INVITATION_SESSION_KEY, code_digest
from accounts.password_validation import SPECIAL_CHARACTERS


def _invitation_email() -> str:
    request = context.request
    if request is None:
        return ""
    invitation = request.session.get(INVITATION_SESSION_KEY) or {}
    return str(invitation.get("email", ""))


class PortalSignupForm(SignupForm):
    first_name = forms.CharField(
        label="Forename",
        max_length=150,
        error_messages={"required": "Enter your forename"},
    )
    last_name = forms.CharField(
        label="Surname",
        max_length=150,
        error_messages={"required": "Enter your surname"},
    )
    professional_capacity = forms.BooleanField(
        label="Is this account being used in a professional capacity?",
        required=False,
    )
    property_name = forms.CharField(
        label="Property name", max_length=120, required=False
    )
    house_number_or_name = forms.CharField(
        label="House number or name", max_length=120, required=False
    )
    street = forms.CharField(
        label="Street",
        max_length=120,
        error_messages={"required": "Enter the street of the school's address"},
    )
    area = forms.CharField(label="Area", max_length=120, required=False)
    town = forms.CharField(
        label="Town or city",
        max_length=120,
        error_messages={"required": "Enter the town or city of the school's address"},
    )
    county = forms.CharField(label="County", max_length=120, required=False)
    postcode = forms.CharField(
        label="Postcode",
        max_length=10,
        error_messages={"required": "Enter the postcode of the school's address"},
    )

    special_characters = SPECIAL_CHARACTERS

    field_order = [
        "first_name",
        "last_name",
        "professional_capacity",
        "property_name",
        "house_number_or_name",
        "street",
        "area",
        "town",
        "county",
        "postcode",
        "email",
        "password1",
        "password2",
    ]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["email"].label = "Work e-mail address"
        self.fields[
            "email"
        ].help_text = (
            "Use the individual work e-mail address the invitation was sent to."
        )
        self.fields["email"].error_messages["required"] = (
            "Enter your work e-mail address"
        )
        self.fields["password1"].help_text = "Follow the password policy above."
        self.fields["password1"].error_messages["required"] = "Enter a password"
        self.fields["password2"].label = "Confirm password"
        self.fields["password2"].error_messages["required"] = "Type your password again"
        invited = _invitation_email()
        if invited and not self.is_bound:
            self.initial.setdefault("email", invited)

    def clean_email(self) -> str:
        email = super().clean_email()
        invited = _invitation_email()
        if invited and email.lower() != invited.lower():
            raise forms.ValidationError(
                "Enter the e-mail address the invitation was sent to. An account "
                "under another address could not open this delegation."
            )
        return email

    def clean_postcode(self) -> str:
        return " ".join(self.cleaned_data["postcode"].upper().split())


class _HashedCodeMixin:
    """Compare the keyed hash of the typed code with the hash allauth kept."""

    cleaned_data: dict

    def clean_code(self) -> str:
        typed = self.cleaned_data["code"]
        self.cleaned_data["code"] = code_digest(typed)
        super().clean_code()  # type: ignore[misc]
        return typed


class PortalConfirmLoginCodeForm(_HashedCodeMixin, ConfirmLoginCodeForm):
    pass


class PortalConfirmEmailVerificationCodeForm(
    _HashedCodeMixin, ConfirmEmailVerificationCodeForm
):
    pass
