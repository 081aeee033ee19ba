"""API views of the 12345 procedure, notices, objections and complaints: thin. They look the
record up through the user's scope, type the request with a serializer and call the service,
which decides who may do what (a refusal is a 403, a stale version a 409)."""

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from core import scope
from core.api.base import UPLOADS, ReadAndActViewSet, validated
from core.api.schema import DETAIL
from core.api.serializers import VersionSerializer
from core.choices import Action, AreaLevel
from core.models import Area
from registry.selectors import current_income_year

from .. import selectors
from ..filtersets import ApplicationFilterSet, ComplaintFilterSet
from ..services import complaints, notices, procedure
from .serializers import (
    ApplicationDetailSerializer,
    ApplicationOpenSerializer,
    ApplicationSerializer,
    ComplaintAnswerSerializer,
    ComplaintAssignSerializer,
    ComplaintDetailSerializer,
    ComplaintRecordSerializer,
    ComplaintSerializer,
    NoticePublishSerializer,
    NoticeSerializer,
    ObjectionDecisionSerializer,
    ObjectionRecordSerializer,
    ObjectionSerializer,
    RankingConfirmSerializer,
    RankingQuerySerializer,
    RankingSerializer,
    StepDataSerializer,
    StepSerializer,
)

NO_VILLAGE = OpenApiResponse(DETAIL, _("行政村不存在，或不在您负责的地区内"))


def _under_data(error: ValidationError) -> ValidationError:
    """The service names a step's own record by its keys ("present"); the request holds them
    under `data` ("data.present")."""
    if not hasattr(error, "error_dict"):
        return error
    step_fields = StepDataSerializer().fields
    return ValidationError(
        {
            (f"data.{name}" if name in step_fields else name): messages
            for name, messages in error.error_dict.items()
        }
    )


@extend_schema(tags=["识别申请"])
class ApplicationViewSet(ReadAndActViewSet):
    """识别申请 in the user's areas, each with where it stands; one with its whole record and
    what the reader may do now. Every step through the same services as the pages."""

    filterset_class = ApplicationFilterSet
    parser_classes = UPLOADS

    def get_queryset(self):
        applications = selectors.applications_for(self.request.user).order_by("-pk")
        if self.action != "list":
            return applications.prefetch_related("records__attachments")
        return applications

    def get_serializer_class(self):
        return ApplicationSerializer if self.action == "list" else ApplicationDetailSerializer

    def _fresh(self, application, code=status.HTTP_200_OK) -> Response:
        fresh = self.get_queryset().get(pk=application.pk)
        return Response(self.get_serializer(fresh).data, status=code)

    @extend_schema(
        summary=_("农户申请：登记一户的识别申请"),
        request={
            "application/json": ApplicationOpenSerializer,
            "multipart/form-data": ApplicationOpenSerializer,
        },
        responses={201: ApplicationDetailSerializer},
    )
    def create(self, request, *args, **kwargs):
        data = self.validated(ApplicationOpenSerializer)
        application = procedure.application_open(actor=request.user, **data)
        return self._fresh(application, status.HTTP_201_CREATED)

    @extend_schema(
        summary=_("办理当前环节：通过、退回、不予通过或撤回"),
        description=_(
            "按“12345”程序办理申请的当前环节，须由岗位对该村有相应权限的人员办理"
            "（actions 列出您现在可以作出的决定）。data 随环节而定：二看填各检查项及说明；"
            "小组初评、村两委审议填会议日期和参会人数；村民代表大会填应到、实到代表和表决票数，"
            "并确认已通报比对结果（实到不足三分之二无效，赞成未过半数为不予通过）。"
            "一比对在办理时运行，有未销号的问题不能通过。"
        ),
        request={"application/json": StepSerializer, "multipart/form-data": StepSerializer},
        responses=ApplicationDetailSerializer,
    )
    @action(detail=True, methods=["post"])
    def step(self, request, pk=None):
        application = self.get_object()
        data = self.validated(StepSerializer)
        try:
            application = procedure.application_step(
                actor=request.user, application=application, **data
            )
        except ValidationError as error:
            raise _under_data(error) from None
        return self._fresh(application)

    @extend_schema(
        methods=["GET"],
        summary=_("三比：一个村一个年度的倒序排名"),
        parameters=[RankingQuerySerializer],
        responses={200: RankingSerializer, 404: NO_VILLAGE},
    )
    @extend_schema(
        methods=["POST"],
        summary=_("三比：确认排名，按名次进入村民小组初评"),
        request=RankingConfirmSerializer,
        responses={200: RankingSerializer, 404: NO_VILLAGE},
    )
    @action(detail=False, methods=["get", "post"], filterset_class=None, pagination_class=None)
    def ranking(self, request):
        if request.method == "POST":
            query = self.validated(RankingConfirmSerializer)
        else:
            query = validated(RankingQuerySerializer, request.query_params)
        village = get_object_or_404(
            scope.restrict(Area.objects.filter(level=AreaLevel.VILLAGE), request.user, Action.VIEW),
            code=query["village"],
        )
        year = query.get("year") or current_income_year()
        if request.method == "POST":
            procedure.ranking_confirm(
                actor=request.user, village_code=village.code, year=year, note=query["note"]
            )
        ranking = selectors.ranking(request.user, village.code, year)
        return Response(RankingSerializer(ranking, context=self.get_serializer_context()).data)


@extend_schema(tags=["公示公告"])
class NoticeViewSet(ReadAndActViewSet):
    """公示 and 公告 in the user's areas, with their lines; publishing one."""

    serializer_class = NoticeSerializer
    filterset_fields = ["level", "state", "year"]

    def get_queryset(self):
        return selectors.notices_for(self.request.user).prefetch_related("items").order_by("-pk")

    @extend_schema(
        summary=_("发布公示或公告"),
        description=_(
            "村级公示由村、村乡两级公示由乡镇、公告由县发布，所列申请须在本地区相应的公示环节，"
            "且不在其他正在进行的公示中。公示期按层级设定（可按工作日计），期满无未处理的异议，"
            "申请自动进入下一环节；县级公告发布即生效，农户按申请类型变为贫困户、清退或监测户。"
        ),
        request=NoticePublishSerializer,
        responses={201: NoticeSerializer},
    )
    def create(self, request, *args, **kwargs):
        data = self.validated(NoticePublishSerializer)
        notice = notices.notice_publish(actor=request.user, area_code=data.pop("area"), **data)
        fresh = self.get_queryset().get(pk=notice.pk)
        return Response(self.get_serializer(fresh).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["公示公告"])
class ObjectionViewSet(ReadAndActViewSet):
    """异议 to the notices in the user's areas: recorded under a real name during the period,
    decided by the office that published the notice."""

    serializer_class = ObjectionSerializer
    filterset_fields = ["notice", "state"]

    def get_queryset(self):
        return selectors.objections_for(self.request.user).select_related("item").order_by("-pk")

    @extend_schema(
        summary=_("登记异议"),
        description=_(
            "公示期内实名提出的异议，针对公示中的一个对象；该对象在异议处理完毕前不进入下一环节。"
        ),
        request=ObjectionRecordSerializer,
        responses={201: ObjectionSerializer},
    )
    def create(self, request, *args, **kwargs):
        data = self.validated(ObjectionRecordSerializer)
        objection = notices.objection_record(actor=request.user, notice=data["item"].notice, **data)
        return Response(self.get_serializer(objection).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary=_("处理异议"),
        description=_(
            "核查后作出结论：异议成立的，申请撤出公示并退回到 send_back_to 所指环节重新办理；"
            "不成立的，公示期满后申请进入下一环节。"
        ),
        request=ObjectionDecisionSerializer,
        responses=ObjectionSerializer,
    )
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        objection = notices.objection_decide(
            actor=request.user,
            objection=self.get_object(),
            **self.validated(ObjectionDecisionSerializer),
        )
        return Response(self.get_serializer(objection).data)


@extend_schema(tags=["信访举报"])
class ComplaintViewSet(ReadAndActViewSet):
    """信访举报 in the user's areas: received, assigned with a deadline, checked, answered;
    one questioning a household's status may open a removal or re-entry application."""

    filterset_class = ComplaintFilterSet

    def get_queryset(self):
        return selectors.complaints_for(self.request.user).prefetch_related("applications")

    def get_serializer_class(self):
        # What the reader may do is worked out for one complaint, not for every row of a page.
        return ComplaintSerializer if self.action == "list" else ComplaintDetailSerializer

    def _fresh(self, complaint, code=status.HTTP_200_OK) -> Response:
        fresh = self.get_queryset().get(pk=complaint.pk)
        return Response(self.get_serializer(fresh).data, status=code)

    @extend_schema(
        summary=_("登记信访举报"),
        description=_("反映某户的填 household（其所在村为涉及地区），反映一个地区的填 area。"),
        request=ComplaintRecordSerializer,
        responses={201: ComplaintDetailSerializer},
    )
    def create(self, request, *args, **kwargs):
        data = self.validated(ComplaintRecordSerializer)
        complaint = complaints.complaint_record(actor=request.user, **data)
        return self._fresh(complaint, status.HTTP_201_CREATED)

    @extend_schema(
        summary=_("交办：指定承办人和办理期限"),
        request=ComplaintAssignSerializer,
        responses=ComplaintDetailSerializer,
    )
    @action(detail=True, methods=["post"])
    def assign(self, request, pk=None):
        complaint = self.get_object()
        data = validated(
            ComplaintAssignSerializer, request.data, complaint=complaint, request=request
        )
        complaints.complaint_assign(actor=request.user, complaint=complaint, **data)
        return self._fresh(complaint)

    @extend_schema(
        summary=_("开始核查"), request=VersionSerializer, responses=ComplaintDetailSerializer
    )
    @action(detail=True, methods=["post"])
    def check(self, request, pk=None):
        complaint = self.get_object()
        complaints.complaint_check(
            actor=request.user, complaint=complaint, **self.validated(VersionSerializer)
        )
        return self._fresh(complaint)

    @extend_schema(
        summary=_("答复：核查结论和答复意见"),
        request=ComplaintAnswerSerializer,
        responses=ComplaintDetailSerializer,
    )
    @action(detail=True, methods=["post"])
    def answer(self, request, pk=None):
        complaint = self.get_object()
        complaints.complaint_answer(
            actor=request.user, complaint=complaint, **self.validated(ComplaintAnswerSerializer)
        )
        return self._fresh(complaint)

    @extend_schema(
        summary=_("据此提出申请：清退、返贫纳入或识别纳入"),
        request=None,
        responses={
            201: OpenApiResponse(ApplicationDetailSerializer, _("已提出的识别申请")),
        },
    )
    @action(detail=True, methods=["post"], url_path="application")
    def open_application(self, request, pk=None):
        application = complaints.complaint_open_application(
            actor=request.user, complaint=self.get_object()
        )
        fresh = selectors.applications_for(request.user).get(pk=application.pk)
        data = ApplicationDetailSerializer(fresh, context=self.get_serializer_context()).data
        return Response(data, status=status.HTTP_201_CREATED)
