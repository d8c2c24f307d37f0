"""Every new district starts with its own copy of the starter strategy library.

Seeded when the district is created (admin, demo loader, tests, any future import), so
that opening the library never writes: a GET changes nothing. Districts that existed
before this got theirs from the data migration `0003_seed_starter_libraries`.
"""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_save
from django.dispatch import receiver

from pushin.collaboration.services import strategies_seed
from pushin.district.models import District


@receiver(post_save, sender=District, dispatch_uid="collaboration.district_library_seed")
def district_library_seed(
    sender: type[District], instance: District, created: bool, raw: bool, **kwargs: Any
) -> None:
    # `raw`: fixtures load rows as they are, their strategies included.
    if created and not raw:
        strategies_seed(district=instance)
