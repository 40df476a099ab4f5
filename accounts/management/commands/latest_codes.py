"""Print the sign-in and confirmation codes from the e-mails written to disk locally."""

import re
from email import message_from_string
from email.policy import default as default_policy
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

CODE_LINE = re.compile(r"^\s*([A-Z0-9]{4,8}(?:-[A-Z0-9]{4,8})?)\s*$", re.MULTILINE)


class Command(BaseCommand):
    help = "Show the codes in the newest e-mails of the local e-mail folder."

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, default=5)

    def handle(self, *args, count: int, **options):
        folder = getattr(settings, "EMAIL_FILE_PATH", None)
        if not folder or not Path(folder).is_dir():
            raise CommandError(
                "E-mails are not written to files here (EMAIL_HOST is set), "
                "so there are no local codes to show."
            )

        files = sorted(Path(folder).glob("*.log"), key=lambda p: p.stat().st_mtime)
        shown = 0
        for path in reversed(files):
            for raw in reversed(path.read_text(errors="replace").split("-" * 79)):
                if not raw.strip():
                    continue
                message = message_from_string(raw.strip(), policy=default_policy)
                body = message.get_body(preferencelist=("plain",))
                text = body.get_content() if body else ""
                match = CODE_LINE.search(text)
                if match is None:
                    continue
                self.stdout.write(
                    f"{message['To']}: {match.group(1)}  ({message['Subject']})"
                )
                shown += 1
                if shown >= count:
                    return
        if shown == 0:
            self.stdout.write("No codes have been e-mailed yet.")
