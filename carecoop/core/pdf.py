"""Documents as PDF: a template rendered to HTML, then laid out by WeasyPrint, which shapes every
script (Arabic right to left, Devanagari, Gujarati) through Pango and HarfBuzz.

WeasyPrint is a dependency, but it needs the Pango library of the operating system; where that is
missing, ``PdfUnavailable`` says so and the page offers printing instead."""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string


class PdfUnavailable(Exception):
    pass


def _weasyprint() -> Any:
    try:
        import weasyprint
    except OSError as exc:  # the Pango library is missing
        raise PdfUnavailable(str(exc)) from exc
    return weasyprint


def available() -> bool:
    try:
        _weasyprint()
    except PdfUnavailable:
        return False
    return True


def pdf_response(
    request: HttpRequest, template: str, context: dict[str, Any], filename: str
) -> HttpResponse:
    html = render_to_string(template, context, request=request)
    document = _weasyprint().HTML(string=html, base_url=request.build_absolute_uri("/"))
    response = HttpResponse(document.write_pdf(), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}.pdf"'
    return response
