"""`Authorization: Bearer TOKEN`: the API's only way in.

No token, or a token that is unknown, revoked or expired, is 401 with `WWW-Authenticate: Bearer`.
"""

from rest_framework import authentication, exceptions

from api.tokens import mark_used, token_for


class BearerTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed("Send the token as 'Authorization: Bearer TOKEN'.")
        try:
            raw = header[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed("The token is not valid.") from None
        token = token_for(raw)
        if token is None:
            raise exceptions.AuthenticationFailed("The token is not valid, has expired or was revoked.")
        mark_used(token)
        return token.user, token

    def authenticate_header(self, request):
        return self.keyword
