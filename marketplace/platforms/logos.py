"""A brand's logo, checked by what the file is, not by its name: Pillow must read it as a PNG,
JPEG or WebP picture of bounded size and dimensions; it is then written again by Pillow (its
metadata and anything hidden after the picture dropped). SVG is refused: an SVG is a document
that may carry scripts and links, and no kept sanitiser is among our dependencies."""

from __future__ import annotations

import io
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from marketplace.core.exceptions import ApplicationError

FORMATS = {
    "PNG": ("image/png", "png"),
    "JPEG": ("image/jpeg", "jpg"),
    "WEBP": ("image/webp", "webp"),
}
MIN_SIDE = 16


def max_bytes() -> int:
    return getattr(settings, "BRAND_LOGO_MAX_BYTES", 512 * 1024)


def max_width() -> int:
    return getattr(settings, "BRAND_LOGO_MAX_WIDTH", 2000)


def max_height() -> int:
    return getattr(settings, "BRAND_LOGO_MAX_HEIGHT", 1000)


@dataclass(frozen=True)
class CheckedLogo:
    content: bytes
    content_type: str
    extension: str
    width: int
    height: int


def _refuse(code: str, message: str) -> ApplicationError:
    return ApplicationError(message, code=code, fields={"logo": [message]})


def _looks_like_svg(head: bytes) -> bool:
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return text.startswith((b"<?xml", b"<svg", b"<!doctype svg")) or b"<svg" in text[:1024]


def logo_check(file) -> CheckedLogo:
    """The uploaded ``file`` as a logo we keep, or an ``ApplicationError`` naming the reason
    (``logo_too_large``, ``logo_svg_refused``, ``logo_not_image``, ``logo_type_refused``,
    ``logo_too_small``, ``logo_too_big``)."""
    size = getattr(file, "size", None)
    limit = max_bytes()
    if size is not None and size > limit:
        raise _refuse(
            "logo_too_large",
            _("The logo is %(size)s KB; it may be at most %(limit)s KB.")
            % {"size": (size + 1023) // 1024, "limit": limit // 1024},
        )
    file.seek(0)
    data = file.read(limit + 1)
    if len(data) > limit:
        raise _refuse(
            "logo_too_large",
            _("The logo may be at most %(limit)s KB.") % {"limit": limit // 1024},
        )
    if _looks_like_svg(data[:2048]):
        raise _refuse(
            "logo_svg_refused",
            _(
                "SVG logos are not accepted: an SVG can carry scripts. Upload the logo as a "
                "PNG, JPEG or WebP picture."
            ),
        )
    not_image = _("This file is not a picture we can read. Upload a PNG, JPEG or WebP logo.")
    try:
        with Image.open(io.BytesIO(data)) as probe:
            kind = probe.format or ""
            width, height = probe.size
            probe.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise _refuse("logo_not_image", not_image) from None
    if kind not in FORMATS:
        raise _refuse(
            "logo_type_refused",
            _("A logo may be a PNG, JPEG or WebP picture, not %(kind)s.") % {"kind": kind},
        )
    if width < MIN_SIDE or height < MIN_SIDE:
        raise _refuse(
            "logo_too_small",
            _("The logo is %(width)s×%(height)s pixels; each side needs at least %(min)s.")
            % {"width": width, "height": height, "min": MIN_SIDE},
        )
    if width > max_width() or height > max_height():
        raise _refuse(
            "logo_too_big",
            _("The logo is %(width)s×%(height)s pixels; it may be at most %(mw)s×%(mh)s.")
            % {"width": width, "height": height, "mw": max_width(), "mh": max_height()},
        )
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            out = io.BytesIO()
            if kind == "JPEG":
                image.convert("RGB").save(out, format="JPEG", quality=90)
            else:
                image.save(out, format=kind)
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise _refuse("logo_not_image", not_image) from None
    content_type, extension = FORMATS[kind]
    return CheckedLogo(out.getvalue(), content_type, extension, width, height)
