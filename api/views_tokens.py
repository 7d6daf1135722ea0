"""The person's own API tokens in the browser: which they hold, when each was last used, and Revoke."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from api.tokens import revoke_own


@login_required
def token_list(request):
    tokens = request.user.api_tokens.all()
    return render(request, "api/tokens.html", {"tokens": tokens})


@login_required
@require_POST
def revoke(request, pk):
    token = revoke_own(request.user, pk)
    if token is None:
        raise Http404
    messages.success(request, f"The token {token.prefix}… is revoked: it no longer works.")
    return redirect("api:tokens")
