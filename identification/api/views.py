"""API views of the 12345 procedure: thin, scoped reads (the steps are the pages' for now)."""

from drf_spectacular.utils import extend_schema
from rest_framework import viewsets

from core.api.base import ScopedViewMixin

from .. import selectors
from ..filtersets import ApplicationFilterSet
from .serializers import ApplicationDetailSerializer, ApplicationSerializer, NoticeSerializer


@extend_schema(tags=["识别申请"])
class ApplicationViewSet(ScopedViewMixin, viewsets.ReadOnlyModelViewSet):
    """识别申请 in the user's areas, each with where it stands; one with its whole record."""

    filterset_class = ApplicationFilterSet

    def get_queryset(self):
        applications = selectors.applications_for(self.request.user).order_by("-pk")
        if self.action == "retrieve":
            return applications.prefetch_related("records__attachments")
        return applications

    def get_serializer_class(self):
        return ApplicationDetailSerializer if self.action == "retrieve" else ApplicationSerializer


@extend_schema(tags=["公示公告"])
class NoticeViewSet(ScopedViewMixin, viewsets.ReadOnlyModelViewSet):
    """公示 and 公告 in the user's areas, with their lines."""

    serializer_class = NoticeSerializer
    filterset_fields = ["level", "state", "year"]

    def get_queryset(self):
        return selectors.notices_for(self.request.user).prefetch_related("items").order_by("-pk")
