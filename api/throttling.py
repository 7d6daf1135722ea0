"""Throttling per token: one integration's burst cannot starve the others."""

from rest_framework.throttling import SimpleRateThrottle


class TokenRateThrottle(SimpleRateThrottle):
    scope = "api_token"

    def get_cache_key(self, request, view):
        token = request.auth
        if token is None:  # not signed in: refused before throttling matters (schema and docs are open)
            return None
        return self.cache_format % {"scope": self.scope, "ident": token.pk}
