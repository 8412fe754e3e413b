import django_filters
from django.utils.translation import gettext_lazy as _

from marketplace.core.ids import IdFilter

from ..models import SubmissionStatus, VerificationSubmission

STATUS_ALL = "all"


class ReviewSubmissionFilter(django_filters.FilterSet):
    """The review queue shows pending submissions unless ``status`` says otherwise."""

    status = django_filters.ChoiceFilter(
        choices=[*SubmissionStatus.choices, (STATUS_ALL, _("All"))],
        method="filter_status",
        help_text=_("Defaults to pending; 'all' shows every submission."),
    )
    company = IdFilter(field_name="company_id")
    country = django_filters.CharFilter(field_name="country", lookup_expr="iexact")
    submitted_after = django_filters.IsoDateTimeFilter(field_name="submitted_at", lookup_expr="gte")
    submitted_before = django_filters.IsoDateTimeFilter(field_name="submitted_at", lookup_expr="lt")

    class Meta:
        model = VerificationSubmission
        fields = ["status", "company", "country", "submitted_after", "submitted_before"]

    def filter_status(self, queryset, name, value):
        if value == STATUS_ALL:
            return queryset
        return queryset.filter(status=value)

    def filter_queryset(self, queryset):
        if not self.data.get("status"):
            queryset = queryset.filter(status=SubmissionStatus.PENDING)
        return super().filter_queryset(queryset)
