from django import forms
from django.utils.translation import gettext_lazy as _

from .reading import SUFFIXES


class UploadForm(forms.Form):
    """The file of an import of any kind; the kind's own questions are its options_form."""

    file = forms.FileField(
        label=_("文件"),
        help_text=_("支持 .xlsx、.xlsm、.xls（含 WPS）和 .ods。"),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(sorted(SUFFIXES))}),
    )
