"""Form pieces every app's pages use for optimistic locking (core.locking): the version the
user opened, and the values each field showed when the page was opened."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


class VersionField(forms.IntegerField):
    """The version the user opened; a save from an older one is a conflict, not an overwrite."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        super().__init__(required=False, **kwargs)

    def has_changed(self, initial, data):
        # A newer version on the server is a conflict for the service to judge, not a change
        # the user made.
        return False


class OpenedValuesMixin:
    """Each field carries the value the page showed when it was opened (a hidden initial input),
    so what the user changed is known even when someone saved a newer version meanwhile: only
    those fields are saved, and only where both changed the same field is there a conflict."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if name not in ("version", "id"):
                field.show_hidden_initial = True


def opened_value(form, name):
    """What the page showed for a field when the user opened it (its hidden initial input)."""
    field = form.fields[name]
    return field.hidden_widget().value_from_datadict(
        form.data, form.files, form.add_initial_prefix(name)
    )


def opened_values(form) -> dict:
    """The fields the user changed, as they were when the page was opened, as Python values
    (for core.locking.lock's `opened`)."""
    opened = {}
    for name in form.changed_data:
        if name in ("version", "id"):
            continue
        raw = opened_value(form, name)
        try:
            opened[name] = form.fields[name].clean(raw)
        except ValidationError:
            opened[name] = raw  # not a value the field takes: never equal, so a conflict
    return opened


def changed_values(form) -> dict:
    """The cleaned values of the fields the user changed."""
    return {
        name: form.cleaned_data[name] for name in form.changed_data if name not in ("version", "id")
    }


def error_summary(titled_forms) -> list[dict]:
    """Every error of the (title, form) pairs, with a link target at its field: on a phone a
    long form that failed must say at the top what to fix and where."""
    rows = []
    for title, form in titled_forms:
        for name, messages in form.errors.items():
            field = form.fields.get(name)
            visible = field is not None and not form[name].is_hidden
            label = " · ".join(
                str(part) for part in (title, field.label if visible else "") if part
            )
            for message in messages:
                rows.append(
                    {
                        "label": label,
                        "message": message,
                        "anchor": form[name].auto_id if visible else "",
                    }
                )
    return rows


def add_errors(form, error: ValidationError) -> None:
    """A service's refusal, at the form's field where it has one."""
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


# Inputs a phone fills in well: a date picker, a numeric keypad, several files at once.
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
NUMBER = forms.NumberInput(attrs={"inputmode": "numeric", "min": "0"})


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class FilesField(forms.FileField):
    """Photos or scans of signed forms, several at once (checked by the service)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault(
            "widget",
            MultipleFileInput(attrs={"accept": "image/jpeg,image/png,application/pdf"}),
        )
        kwargs.setdefault("help_text", _("照片（JPEG、PNG）或 PDF，每个不超过 10 MB，可多选。"))
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []
