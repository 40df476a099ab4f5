"""Which top-level pages each role sees in the navigation."""

from collections.abc import Iterable

from accounts.roles import Role

# Each entry: label, URL name, the roles that see it.
PAGES: list[tuple[str, str, frozenset[Role]]] = [
    (
        "Children",
        "peps:caseload",
        frozenset({Role.SOCIAL_WORKER, Role.LINK_TEACHER, Role.ADMINISTRATOR}),
    ),
    (
        "My tasks",
        "tasks:list",
        frozenset({Role.SOCIAL_WORKER, Role.LINK_TEACHER, Role.ADMINISTRATOR}),
    ),
    ("QA queue", "quality:queue", frozenset({Role.LINK_TEACHER, Role.ADMINISTRATOR})),
    ("Rating bands", "quality:bands", frozenset({Role.ADMINISTRATOR})),
]


def navigation_for(roles: Iterable[Role]) -> list[tuple[str, str]]:
    held = frozenset(roles)
    return [(label, url) for label, url, allowed in PAGES if held & allowed]
