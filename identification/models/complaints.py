"""Complaints (信访举报): by phone, letter, report or visit, about a household or an area. Every
one is checked (必查): assigned with a deadline, checked, answered; it opens a finding, and,
where it questions a household's status, may open a removal or re-entry application."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import Area, Versioned
from core.scope import ScopedQuerySet

from ..choices import ComplaintConcern, ComplaintState, ObjectionChannel


class ComplaintQuerySet(ScopedQuerySet):
    area_field = "area__code"

    def open(self):
        return self.exclude(state=ComplaintState.ANSWERED)


class Complaint(Versioned):
    channel = models.CharField(_("受理方式"), max_length=10, choices=ObjectionChannel.choices)
    received_on = models.DateField(_("受理日期"), default=timezone.localdate)
    complainant_name = models.CharField(
        _("反映人"), max_length=50, blank=True, help_text=_("匿名举报可不填。")
    )
    complainant_contact = models.CharField(_("联系方式"), max_length=60, blank=True)
    area = models.ForeignKey(Area, verbose_name=_("涉及地区"), on_delete=models.PROTECT)
    household = models.ForeignKey(
        "registry.Household",
        verbose_name=_("涉及农户"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complaints",
    )
    concern = models.CharField(_("反映类别"), max_length=12, choices=ComplaintConcern.choices)
    content = models.TextField(_("反映内容"), max_length=4000)
    state = models.CharField(
        _("办理状态"),
        max_length=10,
        choices=ComplaintState.choices,
        default=ComplaintState.RECEIVED,
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("承办人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    deadline = models.DateField(_("办理期限"), null=True, blank=True)
    answer = models.TextField(_("答复意见"), blank=True)
    upheld = models.BooleanField(_("反映属实"), null=True, blank=True)
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    finding = models.OneToOneField(
        "identification.Finding",
        verbose_name=_("问题"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complaint",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )

    objects = ComplaintQuerySet.as_manager()

    class Meta:
        verbose_name = _("信访举报")
        verbose_name_plural = _("信访举报")
        ordering = ["-received_on", "-pk"]
        indexes = [models.Index(fields=["state", "deadline"])]

    def __str__(self):
        return _("信访举报第 %(pk)s 号") % {"pk": self.pk}

    @property
    def overdue(self) -> bool:
        return (
            self.state != ComplaintState.ANSWERED
            and self.deadline is not None
            and self.deadline < timezone.localdate()
        )
