"""Make signed-in sessions for the load test, straight in the database.

    python benchmarks/load/prepare.py --sessions 50 --out var/load/sessions.json

Run it against the load test's database (same DATABASE_URL and settings as the
server) after `migrate`, `import_schools`, `import_ssda903` and `seed_demo`. For
each simulated user it picks one of the demo's staff (social workers mostly, link
teachers and an administrator), creates a session for them as a sign-in would, and
writes the session cookies with the children and PEPs that person may open, so the
locustfile can work through real pages.

The portal has no test-only way in: a load test must not need one in production
settings. This script has the database rights of a deployment's operator, nothing
the web server offers.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pep_portal.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import (  # noqa: E402
    BACKEND_SESSION_KEY,
    HASH_SESSION_KEY,
    SESSION_KEY,
)
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402

from accounts.models import User  # noqa: E402
from accounts.roles import Role  # noqa: E402
from peps import access  # noqa: E402

# Who the simulated users are, by share of the sessions: mostly social workers, as
# in a real authority.
MIX = (
    (Role.SOCIAL_WORKER, 0.7),
    (Role.LINK_TEACHER, 0.2),
    (Role.ADMINISTRATOR, 0.1),
)
MAX_IDS = 200


def staff_with(role: Role) -> list[User]:
    return list(
        User.objects.filter(groups__name=role.value, is_active=True).order_by("pk")
    )


def session_for(user: User, lifetime: int) -> str:
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.set_expiry(lifetime)
    session.create()
    return session.session_key


def reach(user: User) -> dict[str, object]:
    """The children and PEPs ``user`` may open, and the sections they may edit."""
    children = list(
        access.children_for(user).order_by("pk").values_list("pk", flat=True)[:MAX_IDS]
    )
    peps = list(access.peps_for(user).select_related("child").order_by("pk")[:MAX_IDS])
    editable = {}
    for pep in peps:
        letters = sorted(set(access.editable_sections(user, pep)) & set("ABCD"))
        if letters:
            editable[str(pep.pk)] = letters
    return {
        "children": children,
        "peps": [pep.pk for pep in peps],
        "editable": editable,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=50)
    parser.add_argument("--lifetime", type=int, default=3600, help="seconds")
    parser.add_argument("--out", type=Path, default=ROOT / "var/load/sessions.json")
    arguments = parser.parse_args()

    users: list[tuple[str, User]] = []
    for role, share in MIX:
        people = staff_with(role)
        if not people:
            parser.error(
                f"No active {role.label} in the database: run seed_demo first."
            )
        wanted = max(1, round(arguments.sessions * share))
        users += [(role.value, people[i % len(people)]) for i in range(wanted)]
    users = users[: arguments.sessions]

    reach_of: dict[int, dict[str, list[int]]] = {}
    sessions = []
    for role, user in users:
        if user.pk not in reach_of:
            reach_of[user.pk] = reach(user)
        sessions.append(
            {
                "role": role,
                "user_id": user.pk,
                "cookie": session_for(user, arguments.lifetime),
                **reach_of[user.pk],
            }
        )

    arguments.out.parent.mkdir(parents=True, exist_ok=True)
    arguments.out.write_text(
        json.dumps(
            {"cookie_name": settings.SESSION_COOKIE_NAME, "sessions": sessions},
            indent=1,
        )
    )
    arguments.out.chmod(0o600)
    print(
        f"Wrote {len(sessions)} sessions for {len(reach_of)} people to {arguments.out}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
