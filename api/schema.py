"""The OpenAPI schema: every operation documents the errors it can answer, so clients can rely on it."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers


class ErrorSerializer(serializers.Serializer):
    """Every error: `detail` in words; field errors add one list of messages per field."""

    detail = serializers.CharField()

    class Meta:
        ref_name = "Error"


ERROR_WORDS = {
    "400": "Bad input: `detail` says what, with field errors per field.",
    "401": "No token, or a token that is unknown, expired or revoked.",
    "403": "The caller may see this but not do it, or their role has no access to this resource.",
    "404": "Not found, or not visible to the caller: the two are answered alike.",
    "405": "Method not allowed.",
    "406": "Only application/json is served.",
    "409": "The request changed since the version the caller saw.",
    "415": "Send application/json.",
    "429": "Too many calls with this token: wait as Retry-After says.",
}


class ApiAutoSchema(AutoSchema):
    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        codes = ["400", "401", "403", "404", "406", "429"]
        if self.method in ("POST", "PUT", "PATCH"):
            codes.append("415")
        for code in codes:
            if code not in responses:
                responses[code] = self._get_response_for_code(
                    OpenApiResponse(ErrorSerializer, description=ERROR_WORDS[code]), code, direction=direction
                )
        return responses

    def get_tags(self):
        return [self.path.strip("/").split("/")[2]] if self.path.startswith("/api/v1/") else ["schema"]


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.BearerTokenAuthentication"
    name = "bearerAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A token from `python manage.py create_api_token USERNAME`.",
        }
