"""The API's errors: every error as JSON with `detail`, field errors beside it.

A business action's refusal takes its status from conferences.errors.http_status, the one mapping
that the pages use too.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import JsonResponse
from django.views.defaults import page_not_found
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from conferences.errors import ActionRefused, http_status


def exception_handler(error, context):
    if isinstance(error, ActionRefused):
        body = {"detail": " ".join(error.problems), "problems": error.problems, **error.field_errors}
        return Response(body, status=http_status(error))
    if isinstance(error, DjangoValidationError):
        return Response(_validation_body(error), status=status.HTTP_400_BAD_REQUEST)
    response = drf_exception_handler(error, context)
    if response is not None and not (isinstance(response.data, dict) and "detail" in response.data):
        response.data = _with_detail(response.data)
    return response


def _with_detail(data) -> dict:
    """Field errors keep their shape, and `detail` says them all in one sentence, as every error body does."""
    fields = data if isinstance(data, dict) else {"non_field_errors": data}
    return {"detail": " ".join(_texts(fields)), **fields}


def _texts(value):
    if isinstance(value, dict):
        for name, inner in value.items():
            yield from (f"{name}: {text}" for text in _texts(inner))
    elif isinstance(value, list):
        for inner in value:
            yield from _texts(inner)
    else:
        yield str(value)


def _validation_body(error: DjangoValidationError) -> dict:
    """A model's validation (the census rules in CPPlan.clean) as field errors, with every message in `detail`."""
    messages = error.message_dict if hasattr(error, "error_dict") else {"non_field_errors": error.messages}
    fields = {("non_field_errors" if name == "__all__" else name): list(texts) for name, texts in messages.items()}
    return {"detail": " ".join(text for texts in fields.values() for text in texts), **fields}


def not_found(request, exception=None):
    """The 404 handler: JSON under /api/ (paths that match no pattern), the site's page elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Not found."}, status=404)
    return page_not_found(request, exception)
