"""Each role lands on the page its work starts from."""

import pytest
from django.urls import reverse

from tests.conftest import client_for


@pytest.mark.parametrize(
    ("persona", "landing"),
    [
        ("social_worker", "peps:caseload"),
        ("link_teacher", "peps:caseload"),
        ("administrator", "peps:caseload"),
        ("governor", "reporting:dashboard"),
        ("designated_teacher", "delegation:tray"),
    ],
)
def test_each_role_lands_on_its_starting_page(client, request, persona, landing):
    client_for(client, request.getfixturevalue(persona))

    response = client.get(reverse("home"))

    assert response.status_code == 302
    assert response.url == reverse(landing)


def test_someone_without_a_role_is_told_to_ask_for_access(client, outsider):
    client_for(client, outsider)

    response = client.get(reverse("home"))

    assert "Your account has no role in the portal yet" in response.content.decode()
