"""The exit standards and the sign-off chain every deployment starts with
(fixtures/exit_standards.json): the national sets, Gansu's and Sichuan's, 南江's 一低五有, the
3% incidence of the western provinces, and DOMAIN.md §6's "4342" signers.

Loading adds what is missing and never overwrites: a county's changes in the admin survive a
re-run, as the roles and the registry's reference lists do."""

import json
from decimal import Decimal
from pathlib import Path

from django.conf import settings

STANDARDS_FILE = Path(settings.BASE_DIR) / "fixtures" / "exit_standards.json"


def _variants(spec: dict, west: list[str]):
    """(code, area prefix, name, incidence threshold) of a standard and, where the western
    provinces have their own incidence threshold, of each western province's copy."""
    incidence = spec.get("incidence", {})
    yield spec["code"], spec["area_prefix"], spec["name"], incidence.get("default")
    if "west" in incidence and not spec["area_prefix"]:
        for prefix in west:
            name = f"{spec['name']}（西部地区）"
            yield f"{spec['code']}-{prefix}", prefix, name, incidence["west"]


def load_exit_standards(get_model) -> int:
    """get_model is apps.get_model, so this runs inside a migration as well as from a command.
    Returns how many standards it created."""
    standard_model = get_model("verification", "ExitStandard")
    item_model = get_model("verification", "StandardItem")
    signer_model = get_model("verification", "SignOffRole")
    role_model = get_model("core", "Role")
    data = json.loads(STANDARDS_FILE.read_text("utf-8"))
    created = 0
    for spec in data["standards"]:
        for code, prefix, name, incidence in _variants(spec, data["western_provinces"]):
            if standard_model.objects.filter(code=code).exists():
                continue
            standard = standard_model.objects.create(
                code=code, level=spec["level"], area_prefix=prefix, name=name, note=spec["note"]
            )
            items = []
            for position, (item_code, label, source, *rule) in enumerate(spec["items"], 1):
                comparison, threshold = [*rule, None, None][:2]
                if source == "incidence":
                    threshold = incidence
                items.append(
                    item_model(
                        standard=standard,
                        position=position,
                        code=item_code,
                        label=label,
                        source=source,
                        comparison=comparison or "",
                        threshold=Decimal(threshold) if threshold else None,
                    )
                )
            item_model.objects.bulk_create(items)
            created += 1
    for level, codes in data["sign_off"].items():
        if signer_model.objects.filter(level=level).exists():
            continue
        signer_model.objects.bulk_create(
            signer_model(level=level, position=position, role=role_model.objects.get(code=code))
            for position, code in enumerate(codes, start=1)
        )
    return created
