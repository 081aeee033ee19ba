"""API views of exit verification: thin. They look the assessment up through the user's scope,
type the request and call the service, which decides who may do what."""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from core import scope
from core.api.base import UPLOADS, ReadAndActViewSet, validated
from core.api.schema import DETAIL
from core.api.serializers import VersionSerializer
from core.choices import Action
from core.models import Area
from identification.api.serializers import NoticeSerializer
from registry.selectors import current_income_year

from .. import selectors
from ..choices import ExitLevel
from ..models import Assessment, ExitStandard
from ..services import assessments as assessment_rules
from ..services import signatures as signature_rules
from ..services.notices import exit_notice_publish
from .serializers import (
    AssessmentDetailSerializer,
    AssessmentSerializer,
    AssessmentStartSerializer,
    BatchResultSerializer,
    BatchSerializer,
    ChainReportSerializer,
    ExitNoticeSerializer,
    ExitStandardSerializer,
    IncidenceQuerySerializer,
    IncidenceSerializer,
    ItemEnterSerializer,
    PlannedQuerySerializer,
    PlannedSerializer,
    ReasonSerializer,
    RevokeSerializer,
    SignSerializer,
)

NO_AREA = OpenApiResponse(DETAIL, _("地区不存在，或不在您负责的地区内"))


@extend_schema(tags=["退出标准"])
class ExitStandardViewSet(viewsets.ReadOnlyModelViewSet):
    """The exit standards as data: national, provincial and county sets, with their items."""

    queryset = ExitStandard.objects.filter(active=True).prefetch_related("items")
    serializer_class = ExitStandardSerializer
    filterset_fields = ["level", "area_prefix"]


@extend_schema(tags=["脱贫退出"])
class AssessmentViewSet(ReadAndActViewSet):
    """脱贫验收 in the user's areas; one with its items, evidence, snapshot, signatures and
    what the reader may do now."""

    parser_classes = UPLOADS
    filterset_fields = ["state", "level", "year"]

    def get_queryset(self):
        found = selectors.assessments_for(self.request.user).order_by("-pk")
        if self.action != "list":
            return found.prefetch_related("items__evidence", "signatures__snapshot")
        return found

    def get_serializer_class(self):
        return AssessmentSerializer if self.action == "list" else AssessmentDetailSerializer

    def _fresh(self, assessment, code=status.HTTP_200_OK) -> Response:
        fresh = self.get_queryset().get(pk=assessment.pk)
        return Response(self.get_serializer(fresh).data, status=code)

    @extend_schema(
        summary=_("开始验收：一户（从预脱贫名单）或一个村、乡镇、县"),
        request=AssessmentStartSerializer,
        responses={201: AssessmentDetailSerializer},
    )
    def create(self, request, *args, **kwargs):
        data = self.validated(AssessmentStartSerializer)
        assessment = assessment_rules.assessment_start(
            actor=request.user,
            year=data["year"],
            household=data.get("household"),
            level=data.get("level") or ExitLevel.HOUSEHOLD,
            area=data.get("area"),
        )
        return self._fresh(assessment, status.HTTP_201_CREATED)

    @extend_schema(
        summary=_("为一个村计划当年退出、尚未验收的户开始验收"),
        request=BatchSerializer,
        responses={201: BatchResultSerializer},
    )
    @action(detail=False, methods=["post"])
    def batch(self, request):
        data = self.validated(BatchSerializer)
        started, skipped = assessment_rules.assessments_start_for_village(
            actor=request.user, **data
        )
        result = {
            "started": started,
            "skipped": [{"household": h.pk, "reason": why} for h, why in skipped],
        }
        return Response(BatchResultSerializer(result).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary=_("填写一项入户核查指标"),
        description=_(
            "是否达标（passed）或百分比数值（number，如错退率），附核查说明；达标的须附佐证"
            "材料（multipart 上传 files）。按档案计算的指标只能补充说明。"
        ),
        request={
            "application/json": ItemEnterSerializer,
            "multipart/form-data": ItemEnterSerializer,
        },
        responses=AssessmentDetailSerializer,
    )
    @action(detail=True, methods=["post"], url_path=r"items/(?P<code>[-a-zA-Z0-9_]{1,30})")
    def item(self, request, pk=None, code=None):
        assessment = self.get_object()
        item = get_object_or_404(assessment.items, code=code)
        assessment_rules.item_enter(
            actor=request.user, item=item, **self.validated(ItemEnterSerializer)
        )
        return self._fresh(assessment)

    @extend_schema(
        summary=_("按最新档案重新核对"),
        request=VersionSerializer,
        responses=AssessmentDetailSerializer,
    )
    @action(detail=True, methods=["post"])
    def refresh(self, request, pk=None):
        assessment = assessment_rules.assessment_refresh(
            actor=request.user, assessment=self.get_object(), **self.validated(VersionSerializer)
        )
        return self._fresh(assessment)

    @extend_schema(
        summary=_("提交签字确认：各项达标，数据冻结为快照"),
        request=VersionSerializer,
        responses=AssessmentDetailSerializer,
    )
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        assessment = assessment_rules.assessment_submit(
            actor=request.user, assessment=self.get_object(), **self.validated(VersionSerializer)
        )
        return self._fresh(assessment)

    @extend_schema(
        summary=_("签字确认"),
        description=_(
            "按签字顺序，由岗位在该地区担任所需角色的人员签字，并确认对真实性负责；同一人一轮只"
            "签一次。贫困户的最后一位签字须在脱贫退出公示期满且无未处理的异议之后，签字后该户"
            "即为已脱贫；村、乡镇、县的最后签字记录其退出。"
        ),
        request=SignSerializer,
        responses=AssessmentDetailSerializer,
    )
    @action(detail=True, methods=["post"])
    def sign(self, request, pk=None):
        assessment = self.get_object()
        data = self.validated(SignSerializer)
        signature_rules.assessment_sign(actor=request.user, assessment=assessment, **data)
        return self._fresh(assessment)

    @extend_schema(
        summary=_("拒签并退回"), request=ReasonSerializer, responses=AssessmentDetailSerializer
    )
    @action(detail=True, methods=["post"])
    def refuse(self, request, pk=None):
        assessment = self.get_object()
        data = self.validated(ReasonSerializer)
        signature_rules.assessment_sign(
            actor=request.user, assessment=assessment, refuse=True, **data
        )
        return self._fresh(assessment)

    @extend_schema(
        summary=_("撤销虚假退出（县扶贫办）"),
        request=RevokeSerializer,
        responses=AssessmentDetailSerializer,
    )
    @action(detail=True, methods=["post"])
    def revoke(self, request, pk=None):
        assessment = signature_rules.assessment_revoke(
            actor=request.user, assessment=self.get_object(), **self.validated(RevokeSerializer)
        )
        return self._fresh(assessment)

    @extend_schema(
        summary=_("待我签字的验收"), responses=AssessmentSerializer(many=True), filters=False
    )
    @action(detail=False, methods=["get"], pagination_class=None, filter_backends=[])
    def awaiting(self, request):
        return Response(
            AssessmentSerializer(selectors.awaiting_signature(request.user), many=True).data
        )


def _area_in_scope(request, code: str, level: str | None = None) -> Area:
    areas = scope.restrict(Area.objects.all(), request.user, Action.VIEW)
    return get_object_or_404(areas.filter(level=level) if level else areas, code=code)


@extend_schema(tags=["脱贫退出"])
class ExitReadsViewSet(viewsets.ViewSet):
    """The planned-exit list, the incidence table, the exit notice and the chains' check."""

    @extend_schema(
        summary=_("预脱贫名单：一个村计划某年退出的户及尚未达标的指标"),
        parameters=[PlannedQuerySerializer],
        responses={200: PlannedSerializer, 404: NO_AREA},
    )
    @action(detail=False, methods=["get"])
    def planned(self, request):
        query = validated(PlannedQuerySerializer, request.query_params)
        village, year = _area_in_scope(request, query["village"], "village"), query["year"]
        data = {
            "village": village.code,
            "year": year,
            **selectors.plan_against_actual(village, year),
            "households": selectors.planned_exits(village, year),
        }
        return Response(PlannedSerializer(data).data)

    @extend_schema(
        summary=_("贫困发生率：一个地区及其下一级各地区"),
        parameters=[IncidenceQuerySerializer],
        responses={200: IncidenceSerializer, 404: NO_AREA},
    )
    @action(detail=False, methods=["get"])
    def incidence(self, request):
        query = validated(IncidenceQuerySerializer, request.query_params)
        area = _area_in_scope(request, query["area"])
        year = query.get("year") or current_income_year()
        data = {
            "year": year,
            "area": selectors.incidence_summary(area, year),
            "below": selectors.incidence_table(area, year),
        }
        return Response(IncidenceSerializer(data).data)

    @extend_schema(
        summary=_("发布脱贫退出公示"),
        request=ExitNoticeSerializer,
        responses={201: NoticeSerializer},
    )
    @action(detail=False, methods=["post"])
    def notice(self, request):
        data = validated(ExitNoticeSerializer, request.data)
        notice = exit_notice_publish(actor=request.user, village_code=data.pop("village"), **data)
        return Response(NoticeSerializer(notice).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary=_("签字链核验（县扶贫办）"), responses=ChainReportSerializer)
    @action(detail=False, methods=["get"])
    def chains(self, request):
        if not scope.reach(request.user, Action.APPROVE):
            raise PermissionDenied(_("签字链核验由县扶贫办查看。"))
        scoped = Assessment.objects.restrict(request.user, Action.APPROVE)
        return Response(signature_rules.verify_chains(scoped).as_dict())
