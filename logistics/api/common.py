"""What the logistics API's views share: the error answers of the schema."""

from __future__ import annotations

from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiResponse

from marketplace.core.serializers import ErrorResponseSerializer

TAGS = ["logistics"]
ERR = ErrorResponseSerializer
E400 = OpenApiResponse(ERR, description=gettext_lazy("Invalid input"))
E403 = OpenApiResponse(ERR, description=gettext_lazy("You may read it but not change it"))
E404 = OpenApiResponse(ERR, description=gettext_lazy("Not found, or not yours to see"))
