from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IdentificationConfig(AppConfig):
    name = "identification"
    verbose_name = _("识别与核查")
    default_auto_field = "django.db.models.BigAutoField"

    admin_permissions = {
        "view": ["view_rostertype", "view_roster", "view_rosterentry", "view_finding"],
    }

    def ready(self):
        from operator import attrgetter

        from core import history
        from registry.signals import applicants_registered

        from . import (
            demo,  # noqa: F401  (adds rosters, findings and applications to seed_demo)
            imports,  # noqa: F401  (registers the roster import)
            panels,  # noqa: F401  (adds open findings to a household's page)
        )
        from .models import Application, Complaint, Finding, Objection
        from .services.procedure import applications_open_on_registration

        applicants_registered.connect(
            applications_open_on_registration, dispatch_uid="identification-applications"
        )

        history.track(
            Finding,
            area=attrgetter("area_code"),
            household=attrgetter("household_id"),
            name=lambda finding: f"{finding.get_kind_display()} {finding.name}",
        )
        history.track(
            Application,
            area=attrgetter("village_id"),
            household=attrgetter("household_id"),
            name=str,
            untracked=["closed_at"],
        )
        history.track(
            Objection,
            area=lambda objection: objection.notice.area_id,
            household=lambda objection: objection.item.household_id if objection.item else None,
            name=lambda objection: objection.objector_name,
        )
        history.track(
            Complaint,
            area=attrgetter("area_id"),
            household=attrgetter("household_id"),
            name=str,
        )
