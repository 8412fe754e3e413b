"""The API of a tender in several languages (docs/api/tender-languages.md): the reader's view
(``text``), the versions, setting one by hand, asking the machine, and documents marked as
translations. Reads: whoever sees the tender; writes: the buyer's procurement officers and
company admins (403 to the tender's other readers, 404 to anyone else)."""

from __future__ import annotations

from django.utils.translation import get_language
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from marketplace.core.exceptions import ApplicationError, NotFoundError

from ..models import Tender
from ..tenders import selectors, versions
from ..tenders.version_text import lot_version_rows, version_languages
from ._tender_common import E400, E403, E404, E409, TAGS
from .tender_serializers import TenderDocumentOutputSerializer
from .version_serializers import (
    DocumentTranslationInputSerializer,
    MachineRequestInputSerializer,
    MachineRequestOutputSerializer,
    TenderTextOutputSerializer,
    VersionInputSerializer,
    VersionOutputSerializer,
)

READER_PARAMS = [
    OpenApiParameter(
        "language", str, description="the reader's language (default: Accept-Language's)"
    ),
    OpenApiParameter("original", bool, description="true: the original, whatever the language"),
]


def _visible(request, tender_id: int) -> Tender:
    tender = selectors.tender_get_visible(user=request.user, tender_id=tender_id, explain=True)
    return versions.with_versions(Tender.objects).get(pk=tender.pk)


def _versions_out(tender: Tender) -> list[dict]:
    lots = list(tender.lots.all())
    lot_rows = {lot.pk: lot_version_rows(lot) for lot in lots}
    out = []
    for code, row in sorted(version_languages(tender).items()):
        text = versions.tender_text_for(tender, code, lots=lots)
        out.append(
            {
                "language": code,
                "title": row.title,
                "description": row.description,
                "machine": row.machine,
                "provider": row.provider,
                "edited_by_id": row.edited_by_id,
                "updated_at": row.updated_at,
                "stale": text.stale,
                "lots": [
                    {
                        "lot": lot.pk,
                        "title": lot_rows[lot.pk][code].title,
                        "description": lot_rows[lot.pk][code].description,
                        "machine": lot_rows[lot.pk][code].machine,
                    }
                    for lot in lots
                    if code in lot_rows[lot.pk]
                ],
            }
        )
    return out


class TenderTextApi(GenericAPIView):
    serializer_class = TenderTextOutputSerializer
    queryset = Tender.objects.none()

    @extend_schema(
        tags=TAGS,
        operation_id="tenders_text",
        summary="The tender's and its lots' texts in the reader's language where a version "
        "exists, else the original, with which is which",
        parameters=READER_PARAMS,
        responses={200: TenderTextOutputSerializer, 403: E403, 404: E404},
    )
    def get(self, request, tender_id: int):
        tender = _visible(request, tender_id)
        text = versions.tender_text_for(
            tender,
            request.query_params.get("language") or get_language(),
            original=request.query_params.get("original") in ("1", "true"),
        )
        return Response(TenderTextOutputSerializer(text).data)


class TenderVersionListApi(GenericAPIView):
    serializer_class = VersionOutputSerializer
    queryset = Tender.objects.none()

    @extend_schema(
        tags=TAGS,
        operation_id="tenders_versions_list",
        summary="The tender's versions in other languages than the original",
        responses={200: VersionOutputSerializer(many=True), 403: E403, 404: E404},
    )
    def get(self, request, tender_id: int):
        tender = _visible(request, tender_id)
        return Response(VersionOutputSerializer(_versions_out(tender), many=True).data)


class TenderVersionDetailApi(GenericAPIView):
    serializer_class = VersionOutputSerializer
    queryset = Tender.objects.none()

    @extend_schema(
        tags=TAGS,
        operation_id="tenders_versions_set",
        summary="Set or edit the tender's version in a language by hand (the buyer's managers)",
        request=VersionInputSerializer,
        responses={200: VersionOutputSerializer, 400: E400, 403: E403, 404: E404, 409: E409},
    )
    def put(self, request, tender_id: int, language: str):
        tender = _visible(request, tender_id)
        data = VersionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = data.validated_data
        versions.tender_version_set(
            actor=request.user,
            tender=tender,
            language=language,
            title=fields["title"],
            description=fields.get("description", ""),
            lots={
                item["lot"]: {"title": item["title"], "description": item.get("description", "")}
                for item in fields.get("lots", [])
            },
        )
        tender = versions.with_versions(Tender.objects).get(pk=tender.pk)
        row = next(v for v in _versions_out(tender) if v["language"] == language)
        return Response(VersionOutputSerializer(row).data)

    @extend_schema(
        tags=TAGS,
        operation_id="tenders_versions_delete",
        summary="Remove the tender's version in a language (the buyer's managers)",
        request=None,
        responses={204: None, 400: E400, 403: E403, 404: E404, 409: E409},
    )
    def delete(self, request, tender_id: int, language: str):
        tender = _visible(request, tender_id)
        versions.tender_version_delete(actor=request.user, tender=tender, language=language)
        return Response(status=status.HTTP_204_NO_CONTENT)


class TenderVersionMachineApi(GenericAPIView):
    serializer_class = MachineRequestOutputSerializer
    queryset = Tender.objects.none()

    @extend_schema(
        tags=TAGS,
        operation_id="tenders_versions_machine",
        summary="Ask the machine translation provider for versions (the buyer's managers); "
        "made in the background, a person's version kept",
        request=MachineRequestInputSerializer,
        responses={202: MachineRequestOutputSerializer, 400: E400, 403: E403, 404: E404, 409: E409},
    )
    def post(self, request, tender_id: int):
        tender = _visible(request, tender_id)
        data = MachineRequestInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        asked = versions.tender_versions_request(
            actor=request.user, tender=tender, languages=data.validated_data.get("languages")
        )
        return Response({"languages": asked}, status=status.HTTP_202_ACCEPTED)


class TenderDocumentTranslationApi(GenericAPIView):
    serializer_class = TenderDocumentOutputSerializer
    queryset = Tender.objects.none()

    def _documents(self, request, tender_id: int, document_id: int):
        tender = selectors.tender_get_visible(user=request.user, tender_id=tender_id, explain=True)
        document = selectors.document_list(tender=tender).filter(pk=document_id).first()
        if document is None:
            raise NotFoundError(_("No such document."), code="document_not_found")
        return tender, document

    @extend_schema(
        tags=TAGS,
        operation_id="tenders_documents_translation_mark",
        summary="Mark a document as the translation of another of the tender into a language "
        "(the buyer's managers)",
        request=DocumentTranslationInputSerializer,
        responses={200: TenderDocumentOutputSerializer, 400: E400, 403: E403, 404: E404, 409: E409},
    )
    def put(self, request, tender_id: int, document_id: int):
        tender, document = self._documents(request, tender_id, document_id)
        data = DocumentTranslationInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        original = (
            selectors.document_list(tender=tender)
            .filter(pk=data.validated_data["translation_of"])
            .first()
        )
        if original is None:
            message = _("Choose another document of this tender.")
            raise ApplicationError(message, code="invalid", fields={"translation_of": [message]})
        versions.document_translation_mark(
            actor=request.user,
            document=document,
            translation_of=original,
            language=data.validated_data["language"],
        )
        document.refresh_from_db()
        return Response(TenderDocumentOutputSerializer(document).data)

    @extend_schema(
        tags=TAGS,
        operation_id="tenders_documents_translation_unmark",
        summary="The document is not a translation (the buyer's managers)",
        request=None,
        responses={204: None, 403: E403, 404: E404},
    )
    def delete(self, request, tender_id: int, document_id: int):
        _tender, document = self._documents(request, tender_id, document_id)
        versions.document_translation_unmark(actor=request.user, document=document)
        return Response(status=status.HTTP_204_NO_CONTENT)
