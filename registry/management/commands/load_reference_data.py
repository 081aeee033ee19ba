from django.apps import apps
from django.core.management.base import BaseCommand

from registry.reference import load_reference_data


class Command(BaseCommand):
    help = "Add the default causes, household attributes and poverty lines that are missing."

    def handle(self, *args, **options):
        created = load_reference_data(apps.get_model)
        self.stdout.write(", ".join(f"{key}: +{count}" for key, count in created.items()))
