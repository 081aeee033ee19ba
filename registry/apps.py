from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "registry"
    verbose_name = _("建档立卡")
    default_auto_field = "django.db.models.BigAutoField"

    # The admin permissions each action brings to a role's holders (core.posts.role_group).
    admin_permissions = {
        "view": [
            "view_household",
            "view_member",
            "view_income",
            "view_povertyline",
            "view_povertycause",
            "view_householdattribute",
        ],
        "edit": [
            "add_household",
            "change_household",
            "delete_household",
            "add_member",
            "change_member",
            "add_income",
            "change_income",
        ],
    }

    def ready(self):
        from operator import attrgetter

        from django.db.models.signals import post_delete, post_save
        from django.utils.translation import gettext

        from core import history

        from . import (
            exports,  # noqa: F401  (registers the household list's background export)
            figures,
            imports,  # noqa: F401  (registers the household ledger import)
        )
        from .models import Household, HouseholdAttribute, Income, Member, PovertyCause, PovertyLine
        from .selectors import forget_poverty_lines, forget_term_names

        for signal in (post_save, post_delete):
            signal.connect(forget_poverty_lines, sender=PovertyLine)
            signal.connect(forget_term_names, sender=PovertyCause)
            signal.connect(forget_term_names, sender=HouseholdAttribute)
        history.watch(figures.changed)

        # attrgetter, not lambdas: an import records every row it writes.
        history.track(
            Household,
            area=attrgetter("village_id"),
            household=attrgetter("pk"),
            name=lambda household: household.head_name or household.number,
            untracked=("head_name", "size"),
            many_to_many=("other_causes",),
            moves_area="village",
        )
        history.track(
            Member,
            area=attrgetter("household.village_id"),
            household=attrgetter("household_id"),
            name=attrgetter("name"),
        )
        history.track(
            Income,
            area=attrgetter("household.village_id"),
            household=attrgetter("household_id"),
            name=lambda income: gettext("%(year)s 年度收入") % {"year": income.year},
        )
