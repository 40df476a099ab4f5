"""What the delegation app does when other apps change a PEP."""

from django.dispatch import receiver

from quality.signals import school_sections_returned


@receiver(school_sections_returned, dispatch_uid="delegation_reopen_for_return")
def reopen_school_task(sender, *, pep, sections, comment, actor, **kwargs) -> None:
    from delegation.services import delegation_reopen_for_return

    delegation_reopen_for_return(pep, list(sections), comment, actor)
