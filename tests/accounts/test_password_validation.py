import pytest
from django.contrib.auth.hashers import check_password, make_password
from django.contrib.auth.password_validation import (
    password_validators_help_texts,
    validate_password,
)
from django.core.exceptions import ValidationError

from accounts.password_validation import (
    SPECIAL_CHARACTERS,
    AllowedCharactersValidator,
    ContainsDigitValidator,
    ContainsLetterValidator,
    ContainsSpecialCharacterValidator,
    ContainsUpperCaseValidator,
    MinimumLengthValidator,
    NotRecentlyUsedValidator,
)


def policy_validators(history=8):
    return [
        MinimumLengthValidator(),
        ContainsLetterValidator(),
        AllowedCharactersValidator(),
        ContainsUpperCaseValidator(),
        ContainsDigitValidator(),
        ContainsSpecialCharacterValidator(),
        NotRecentlyUsedValidator(history=history),
    ]


def broken_rules(password, user=None, history=8):
    try:
        validate_password(
            password, user, password_validators=policy_validators(history)
        )
    except ValidationError as error:
        return {each.code for each in error.error_list}
    return set()


def messages(password, user=None):
    try:
        validate_password(password, user, password_validators=policy_validators())
    except ValidationError as error:
        return [message for each in error.error_list for message in each.messages]
    return []


class Person:
    """A user with the protocol NotRecentlyUsedValidator needs, holding real hashes."""

    def __init__(self, current, previous=()):
        self.password = make_password(current)
        self.previous_password_hashes = [make_password(raw) for raw in previous]

    def check_password(self, raw_password):
        return check_password(raw_password, self.password)


class PersonWithHistoryMethod(Person):
    def __init__(self, current, previous=()):
        super().__init__(current, previous)
        self._hashes = self.previous_password_hashes
        del self.previous_password_hashes

    def previous_password_hashes(self):
        return iter(self._hashes)


class PersonWithoutHistory:
    def __init__(self, current):
        self.password = make_password(current)

    def check_password(self, raw_password):
        return check_password(raw_password, self.password)


TOO_SHORT = "password_too_short"
NO_LETTER = "password_no_letter"
NOT_ALLOWED = "password_character_not_allowed"
NO_UPPER = "password_no_upper_case"
NO_DIGIT = "password_no_digit"
NO_SPECIAL = "password_no_special_character"


@pytest.mark.parametrize(
    ("password", "expected_broken_rules"),
    [
        ("Str0ng!Passw0rd", set()),
        ("Abcdefghi12!", set()),
        ("ABCDEFGHIJK1~", set()),
        ("Aa1" + SPECIAL_CHARACTERS, set()),
        ("Abcdefgh12!", {TOO_SHORT}),
        ("Short1!A", {TOO_SHORT}),
        ("", {TOO_SHORT, NO_LETTER, NO_UPPER, NO_DIGIT, NO_SPECIAL}),
        ("123456789012!", {NO_LETTER, NO_UPPER}),
        ("!!!!!!!!!!!!", {NO_LETTER, NO_UPPER, NO_DIGIT}),
        ("abcdefghijk1!", {NO_UPPER}),
        ("Abcdefghijkl!", {NO_DIGIT}),
        ("Abcdefghijk12", {NO_SPECIAL}),
        ("Abcdefghij 1!", {NOT_ALLOWED}),
        ("Abcdefghij 12", {NOT_ALLOWED, NO_SPECIAL}),
        (" Abcdefghi12!", {NOT_ALLOWED}),
        ("Zoë-Smith-2024", {NOT_ALLOWED}),
        ("éléphant-2024", {NOT_ALLOWED, NO_UPPER}),
        ("Émile-Zola-24", {NOT_ALLOWED}),
        ("Tab\there12345!", {NOT_ALLOWED}),
        ("Pound£Sign12345", {NOT_ALLOWED, NO_SPECIAL}),
        ("Ab1!", {TOO_SHORT}),
        ("ab", {TOO_SHORT, NO_UPPER, NO_DIGIT, NO_SPECIAL}),
    ],
)
def test_password_breaks_exactly_the_expected_rules(password, expected_broken_rules):
    assert broken_rules(password) == expected_broken_rules


def test_every_published_special_character_counts_as_special():
    for character in SPECIAL_CHARACTERS:
        assert broken_rules(f"Abcdefghij1{character}") == set(), character


def test_published_special_characters_are_the_printable_ascii_punctuation():
    assert SPECIAL_CHARACTERS == "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"
    assert " " not in SPECIAL_CHARACTERS


def test_error_messages_are_plain_english():
    assert messages("abc") == [
        "Your password must be at least 12 characters long.",
        "Your password must contain at least one upper-case letter.",
        "Your password must contain at least one digit (0 to 9).",
        "Your password must contain at least one special character.",
    ]
    assert messages("123456789012!") == [
        "Your password must contain at least one letter.",
        "Your password must contain at least one upper-case letter.",
    ]


def test_refused_characters_are_named_once_each_and_a_space_is_spelt_out():
    assert messages("Zoë Zoë 2024!") == [
        "Your password must contain only letters A to Z, digits and the special "
        "characters listed. Remove: 'ë', a space."
    ]


def test_invisible_characters_are_named_by_code_point():
    assert messages("Abcdefghij1!\u200b") == [
        "Your password must contain only letters A to Z, digits and the special "
        "characters listed. Remove: the invisible character U+200B."
    ]


def test_minimum_length_can_be_raised():
    validator = MinimumLengthValidator(min_length=16)
    validator.validate("Abcdefghij12345!")

    with pytest.raises(ValidationError) as error:
        validator.validate("Abcdefghij1234!")

    assert error.value.messages == [
        "Your password must be at least 16 characters long."
    ]


def test_help_texts_list_every_rule():
    assert password_validators_help_texts(policy_validators()) == [
        "Your password must be at least 12 characters long.",
        "Your password must contain at least one letter.",
        "Your password must contain only letters A to Z, digits and these special "
        "characters: !\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~",
        "Your password must contain at least one upper-case letter.",
        "Your password must contain at least one digit (0 to 9).",
        "Your password must contain at least one special character, such as "
        "! ? # or @.",
        "Your password must be different from your current password and your "
        "previous 8 passwords.",
    ]


PREVIOUS = [f"Previous-{number}-Pass" for number in range(1, 11)]
"""Ten earlier passwords, newest first: Previous-1-Pass is the one just replaced."""


@pytest.mark.parametrize(
    ("new_password", "expected_broken_rules"),
    [
        ("Current-Pass-1", {"password_is_current"}),
        ("Previous-1-Pass", {"password_used_before"}),
        ("Previous-5-Pass", {"password_used_before"}),
        ("Previous-8-Pass", {"password_used_before"}),
        ("Previous-9-Pass", set()),
        ("Previous-10-Pass", set()),
        ("Brand-New-Pass-1", set()),
        ("current-pass-1", {NO_UPPER}),
    ],
)
def test_password_history_keeps_the_current_and_previous_eight_out(
    new_password, expected_broken_rules
):
    person = Person("Current-Pass-1", PREVIOUS)

    assert broken_rules(new_password, person) == expected_broken_rules


def test_history_may_be_given_by_a_method():
    person = PersonWithHistoryMethod("Current-Pass-1", PREVIOUS)

    assert broken_rules("Previous-3-Pass", person) == {"password_used_before"}
    assert broken_rules("Previous-9-Pass", person) == set()


def test_shorter_history_lets_older_passwords_back():
    person = Person("Current-Pass-1", PREVIOUS)

    assert broken_rules("Previous-3-Pass", person, history=3) == {
        "password_used_before"
    }
    assert broken_rules("Previous-4-Pass", person, history=3) == set()
    assert broken_rules("Previous-1-Pass", person, history=0) == set()
    assert broken_rules("Current-Pass-1", person, history=0) == {"password_is_current"}


def test_history_messages_are_plain_english():
    person = Person("Current-Pass-1", PREVIOUS)

    assert messages("Current-Pass-1", person) == [
        "Your password must be different from your current password."
    ]
    assert messages("Previous-2-Pass", person) == [
        "Your password must be different from your previous 8 passwords."
    ]


def test_single_password_history_reads_naturally():
    validator = NotRecentlyUsedValidator(history=1)
    person = Person("Current-Pass-1", PREVIOUS)

    with pytest.raises(ValidationError) as error:
        validator.validate("Previous-1-Pass", person)

    assert error.value.messages == [
        "Your password must be different from your previous password."
    ]
    assert validator.get_help_text() == (
        "Your password must be different from your current password and your "
        "previous password."
    )


def test_someone_registering_has_no_history_to_compare():
    assert broken_rules("Previous-1-Pass", None) == set()


def test_user_without_stored_history_is_checked_against_the_current_password_only():
    person = PersonWithoutHistory("Current-Pass-1")

    assert broken_rules("Current-Pass-1", person) == {"password_is_current"}
    assert broken_rules("Previous-1-Pass", person) == set()


def test_unusable_and_unknown_hashes_in_history_are_skipped():
    person = Person("Current-Pass-1")
    person.previous_password_hashes = [
        "!unusable-marker",
        "retired_hasher$1$salt$digest",
        "",
        make_password("Previous-1-Pass"),
    ]

    assert broken_rules("Previous-1-Pass", person) == {"password_used_before"}
    assert broken_rules("Brand-New-Pass-1", person) == set()


def test_history_only_reads_as_many_hashes_as_it_needs():
    read = []

    def newest_first():
        for raw in PREVIOUS:
            read.append(raw)
            yield make_password(raw)

    person = Person("Current-Pass-1")
    person.previous_password_hashes = newest_first()

    assert broken_rules("Brand-New-Pass-1", person) == set()
    assert read == PREVIOUS[:8]


@pytest.mark.parametrize(
    "make_validator",
    [
        lambda: MinimumLengthValidator(min_length=0),
        lambda: NotRecentlyUsedValidator(history=-1),
    ],
)
def test_nonsense_configuration_is_refused(make_validator):
    with pytest.raises(ValueError):
        make_validator()
