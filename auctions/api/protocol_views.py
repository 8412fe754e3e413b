"""The lot's protocol over HTTP: ``GET /api/lots/{id}/protocol/?file_format=pdf|csv|xlsx``.

The buyer's members and the platform's admins get the full version (the PDF is the stored copy,
see ``auctions.protocol.storage.protocol_store``); the lot's admitted suppliers get their own
version; anyone else is told the lot does not exist. Before the lot has closed: 409
``protocol_not_ready``.
"""

from __future__ import annotations

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.views import APIView

from marketplace.core.serializers import ErrorResponseSerializer

from ..protocol.access import protocol_viewer
from ..protocol.render import CONTENT_TYPES, FILE_FORMATS
from ..protocol.storage import protocol_file

ERR = ErrorResponseSerializer


class ProtocolQuerySerializer(serializers.Serializer):
    file_format = serializers.ChoiceField(
        choices=list(FILE_FORMATS),
        default="pdf",
        help_text="pdf (the document), csv or xlsx (the same content as tables).",
    )


class _AnyAccept(BaseContentNegotiation):
    """A file download answers whatever the client accepts (``Accept: application/pdf`` must
    not be refused by DRF's JSON renderers); errors are still rendered as JSON."""

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class LotProtocolView(APIView):
    content_negotiation_class = _AnyAccept

    @extend_schema(
        operation_id="lot_protocol_download",
        summary="Download the lot's auction protocol (PDF, CSV or XLSX)",
        description=(
            "The buyer's members and platform admins get the full version, naming every "
            "supplier; an admitted supplier gets its own version, where the others are "
            '"Bidder #N" unless the tender reveals identities. The buyer\'s PDF is the copy stored '
            "when the lot closed (or was awarded); its SHA-256 is in `X-Protocol-SHA256`. "
            "`X-Chain-Final-Hash` is the final hash of the lot's event chain the document "
            "describes."
        ),
        parameters=[ProtocolQuerySerializer],
        responses={
            (200, "application/pdf"): OpenApiTypes.BINARY,
            (200, "text/csv"): OpenApiTypes.BINARY,
            (200, CONTENT_TYPES["xlsx"]): OpenApiTypes.BINARY,
            400: OpenApiResponse(ERR, description="Unknown file_format."),
            404: OpenApiResponse(ERR, description="No such lot, or not yours to see."),
            409: OpenApiResponse(
                ERR, description='The auction has not closed yet (code "protocol_not_ready").'
            ),
        },
    )
    def get(self, request, lot_id: int):
        query = ProtocolQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        file_format = query.validated_data["file_format"]
        lot, supplier_id = protocol_viewer(user=request.user, lot_id=lot_id)
        document = protocol_file(lot=lot, supplier_id=supplier_id, file_format=file_format)
        response = HttpResponse(document.content, content_type=document.content_type)
        response["Content-Disposition"] = f'attachment; filename="{document.filename}"'
        response["X-Protocol-SHA256"] = document.sha256
        response["X-Chain-Final-Hash"] = document.final_hash
        response["Cache-Control"] = "private, no-store"
        response["X-Content-Type-Options"] = "nosniff"
        return response
