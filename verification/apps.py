from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VerificationConfig(AppConfig):
    name = "verification"
    verbose_name = _("退出验收")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from operator import attrgetter

        from core import history
        from identification.choices import NoticePurpose
        from identification.services.notices import register_subject

        from . import (
            demo,  # noqa: F401  (adds signers and assessments to seed_demo)
            panels,  # noqa: F401  (what waits for a signature, on the home page)
        )
        from .models import Assessment
        from .services.notices import ExitSubject

        register_subject(NoticePurpose.EXIT, ExitSubject())

        history.track(
            Assessment,
            area=attrgetter("area_id"),
            household=attrgetter("household_id"),
            name=str,
        )
