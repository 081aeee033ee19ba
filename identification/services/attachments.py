"""Photos and scans of signed forms kept with a step: checked by what the file is (its first
bytes), not by the name or type the browser claims, and by size; stored through Django's
storage API."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from ..models import Attachment, StepRecord

# The formats a phone camera or a scanner gives, by their magic numbers.
SIGNATURES = {
    b"\xff\xd8\xff": "image/jpeg",
    b"\x89PNG\r\n\x1a\n": "image/png",
    b"%PDF-": "application/pdf",
}
PHOTOS = {"image/jpeg", "image/png"}
MAX_FILES = 10


def sniff(upload) -> str | None:
    """The file's type by its first bytes, or None when it is none of SIGNATURES."""
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    return next((kind for magic, kind in SIGNATURES.items() if head.startswith(magic)), None)


def check_files(files) -> list[tuple]:
    """(file, type) for each upload, or ValidationError at `files` naming the one refused."""
    files = [f for f in files or () if f]
    if len(files) > MAX_FILES:
        raise ValidationError({"files": _("一次最多上传 %(n)s 个附件。") % {"n": MAX_FILES}})
    limit = settings.ATTACHMENT_MAX_BYTES
    checked = []
    for upload in files:
        if upload.size > limit:
            raise ValidationError(
                {
                    "files": _("“%(name)s”超过 %(mb)s MB，请压缩后再上传。")
                    % {"name": upload.name, "mb": limit // (1024 * 1024)}
                }
            )
        kind = sniff(upload)
        if kind is None:
            raise ValidationError(
                {"files": _("“%(name)s”不是照片（JPEG、PNG）或 PDF 文件。") % {"name": upload.name}}
            )
        checked.append((upload, kind))
    return checked


def has_photo(files) -> bool:
    return any(kind in PHOTOS for _upload, kind in check_files(files))


def attach(record: StepRecord, files) -> list[Attachment]:
    attachments = []
    for upload, kind in check_files(files):
        attachment = Attachment(
            record=record, name=upload.name[-200:], content_type=kind, size=upload.size
        )
        attachment.file.save(upload.name[-100:], upload, save=False)
        attachment.save()
        attachments.append(attachment)
    return attachments
