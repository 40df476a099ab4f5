"""Password validators for the authority's published password policy.

The guide's Appendix 1 shows the policy every portal user signs up under: a password
is at least 12 characters long; holds at least one letter, one upper-case letter, one
digit and one special character; holds nothing but letters, digits and special
characters; and differs from the current password and the previous 8.

Each rule is one Django password validator, so that Django reports every broken rule
at once and lists each rule's help text under the password field. Wire them up in
``AUTH_PASSWORD_VALIDATORS`` in the order below; docs/password-policy.md has the
settings block and the reasons behind the decisions taken here:

- "Letters" are the ASCII letters A to Z and a to z. Accented and other non-ASCII
  letters are refused, because they are typed differently on different keyboards and
  phones and can be stored in more than one Unicode form, which locks people out.
- The special characters are the 32 printable ASCII punctuation characters in
  ``SPECIAL_CHARACTERS``. A space is not one of them and is refused: it is invisible
  in a masked field, and a space pasted in at either end is a common cause of
  lock-outs.
"""

from __future__ import annotations

import string
from collections.abc import Callable, Iterable
from itertools import islice
from typing import Protocol

from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError

SPECIAL_CHARACTERS = string.punctuation
"""The published special characters: ``!"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~``."""

LETTERS = frozenset(string.ascii_letters)
UPPER_CASE_LETTERS = frozenset(string.ascii_uppercase)
DIGITS = frozenset(string.digits)
SPECIALS = frozenset(SPECIAL_CHARACTERS)
ALLOWED_CHARACTERS = LETTERS | DIGITS | SPECIALS


class MinimumLengthValidator:
    """A password must be at least ``min_length`` characters long (12 by the policy)."""

    def __init__(self, min_length: int = 12) -> None:
        if min_length < 1:
            raise ValueError("min_length must be at least 1.")
        self.min_length = min_length

    def validate(self, password: str, user: object | None = None) -> None:
        if len(password) < self.min_length:
            raise ValidationError(self._message(), code="password_too_short")

    def get_help_text(self) -> str:
        return self._message()

    def _message(self) -> str:
        return f"Your password must be at least {self.min_length} characters long."


class ContainsLetterValidator:
    """A password must contain at least one letter, A to Z in either case."""

    message = "Your password must contain at least one letter."

    def validate(self, password: str, user: object | None = None) -> None:
        if not LETTERS.intersection(password):
            raise ValidationError(self.message, code="password_no_letter")

    def get_help_text(self) -> str:
        return self.message


class AllowedCharactersValidator:
    """A password may hold only letters, digits and the published special characters.

    The error names the characters at fault so the person can find them; a space is
    spelt out because it cannot be seen.
    """

    help_text = (
        "Your password must contain only letters A to Z, digits and these special "
        f"characters: {SPECIAL_CHARACTERS}"
    )

    def validate(self, password: str, user: object | None = None) -> None:
        refused = _unique_in_order(
            ch for ch in password if ch not in ALLOWED_CHARACTERS
        )
        if not refused:
            return

        listed = ", ".join(_describe_character(ch) for ch in refused)
        raise ValidationError(
            "Your password must contain only letters A to Z, digits and the special "
            f"characters listed. Remove: {listed}.",
            code="password_character_not_allowed",
        )

    def get_help_text(self) -> str:
        return self.help_text


class ContainsUpperCaseValidator:
    """A password must contain at least one upper-case letter, A to Z."""

    message = "Your password must contain at least one upper-case letter."

    def validate(self, password: str, user: object | None = None) -> None:
        if not UPPER_CASE_LETTERS.intersection(password):
            raise ValidationError(self.message, code="password_no_upper_case")

    def get_help_text(self) -> str:
        return self.message


class ContainsDigitValidator:
    """A password must contain at least one digit, 0 to 9."""

    message = "Your password must contain at least one digit (0 to 9)."

    def validate(self, password: str, user: object | None = None) -> None:
        if not DIGITS.intersection(password):
            raise ValidationError(self.message, code="password_no_digit")

    def get_help_text(self) -> str:
        return self.message


class ContainsSpecialCharacterValidator:
    """A password must contain at least one of ``SPECIAL_CHARACTERS``."""

    message = "Your password must contain at least one special character."
    help_text = (
        "Your password must contain at least one special character, such as ! ? # or @."
    )

    def validate(self, password: str, user: object | None = None) -> None:
        if not SPECIALS.intersection(password):
            raise ValidationError(self.message, code="password_no_special_character")

    def get_help_text(self) -> str:
        return self.help_text


class PasswordHistoryUser(Protocol):
    """What ``NotRecentlyUsedValidator`` needs from a user.

    ``previous_password_hashes`` may be an attribute or a method returning the encoded
    hashes (Django's ``algorithm$...`` strings) of the passwords the user had before the
    current one, newest first. It must not include the current password's hash.
    """

    previous_password_hashes: Iterable[str] | Callable[[], Iterable[str]]

    def check_password(self, raw_password: str) -> bool: ...


class NotRecentlyUsedValidator:
    """A password must differ from the current one and the previous ``history`` ones.

    With no user (someone registering) there is nothing to compare and the check passes.

    How the accounts app must store the history:

    - A ``PasswordHistory`` model with a foreign key to the user (``related_name``
      ``password_history``), ``encoded_password`` (the Django hash string, never the
      raw password) and ``created_at``.
    - When a password changes, the hash being *replaced* becomes a history row. Django
      only calls ``password_changed`` after the new hash is saved, so the user model's
      ``set_password`` keeps the old ``self.password`` aside (when it is usable) and
      the ``password_changed`` step writes it as a ``PasswordHistory`` row, then deletes
      all but that user's newest 8 rows, in the same transaction.
    - The user model exposes ``previous_password_hashes`` returning those rows'
      ``encoded_password`` values ordered by ``-created_at``.

    Each stored hash is checked with the hasher that made it, so the check costs one
    hash per stored password (up to nine with the current one) on every change.
    ``user.check_password`` may re-save the current hash under a newer hasher when the
    password given is the current one; that write is harmless.
    """

    def __init__(self, history: int = 8) -> None:
        if history < 0:
            raise ValueError("history must be zero or more.")
        self.history = history

    def validate(self, password: str, user: PasswordHistoryUser | None = None) -> None:
        if user is None:
            return

        if user.check_password(password):
            raise ValidationError(
                "Your password must be different from your current password.",
                code="password_is_current",
            )

        recent_hashes = islice(_previous_hashes(user), self.history)
        if any(check_password(password, encoded) for encoded in recent_hashes):
            raise ValidationError(self._history_message(), code="password_used_before")

    def get_help_text(self) -> str:
        if self.history == 0:
            return "Your password must be different from your current password."
        return (
            "Your password must be different from your current password and your "
            f"{self._previous_passwords()}."
        )

    def _history_message(self) -> str:
        return (
            f"Your password must be different from your {self._previous_passwords()}."
        )

    def _previous_passwords(self) -> str:
        if self.history == 1:
            return "previous password"
        return f"previous {self.history} passwords"


def _previous_hashes(user: PasswordHistoryUser) -> Iterable[str]:
    hashes = getattr(user, "previous_password_hashes", ())
    if callable(hashes):
        hashes = hashes()
    return hashes


def _unique_in_order(characters: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(characters))


def _describe_character(character: str) -> str:
    if character == " ":
        return "a space"
    if character.isspace() or not character.isprintable():
        return f"the invisible character U+{ord(character):04X}"
    return f"'{character}'"
