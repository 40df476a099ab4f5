"""Hooks other apps listen to; quality never imports them.

`school_sections_returned` is sent inside the return's transaction when Section B or D
goes back to the school, with `pep`, `sections` (a sorted list), `comment` and `actor`.
The delegation app connects to it to reopen the designated teacher's task. When that
teacher submits again, the delegation app calls `quality.services.pep_resubmit`.
"""

from django.dispatch import Signal

school_sections_returned = Signal()
