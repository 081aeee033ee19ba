"""What the API shows of the 12345 procedure: applications with their record, and notices with
their lines (never an ID or bank number)."""

from rest_framework import serializers

from ..models import Application, Attachment, Notice, NoticeItem, StepRecord


class AttachmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Attachment
        fields = ["id", "name", "content_type", "size"]


class StepRecordSerializer(serializers.ModelSerializer):
    attachments = AttachmentSerializer(many=True, read_only=True)

    class Meta:
        model = StepRecord
        fields = [
            "step",
            "outcome",
            "to_step",
            "actor_name",
            "post",
            "at",
            "note",
            "data",
            "notice",
            "attachments",
        ]


class ApplicationSerializer(serializers.ModelSerializer):
    household_number = serializers.CharField(source="household.number", read_only=True)
    head_name = serializers.CharField(source="household.head_name", read_only=True)

    class Meta:
        model = Application
        fields = [
            "id",
            "kind",
            "household",
            "household_number",
            "head_name",
            "village",
            "year",
            "step",
            "reason",
            "applied_on",
            "monitoring_category",
            "per_capita_income",
            "rank",
            "beyond_quota",
            "rejection_reason",
            "complaint",
            "closed_at",
            "version",
        ]
        read_only_fields = fields


class ApplicationDetailSerializer(ApplicationSerializer):
    records = StepRecordSerializer(many=True, read_only=True)

    class Meta(ApplicationSerializer.Meta):
        fields = [*ApplicationSerializer.Meta.fields, "records"]
        read_only_fields = fields


class NoticeItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = NoticeItem
        fields = ["position", "group", "head_name", "size", "reason", "withdrawn", "object_id"]


class NoticeSerializer(serializers.ModelSerializer):
    items = NoticeItemSerializer(many=True, read_only=True)

    class Meta:
        model = Notice
        fields = [
            "id",
            "purpose",
            "level",
            "area",
            "year",
            "title",
            "starts_on",
            "ends_on",
            "days",
            "working_days",
            "where_to_object",
            "state",
            "items",
        ]
        read_only_fields = fields
