"""Settings: `base.py` is what every environment shares, `development.py` and `production.py` what differs,
and `environment.py` the one place that reads the environment.

DJANGO_ENV=development (set by `make run` and the tests) picks development; anything else is production.
"""

from repeatplans.settings.environment import DEVELOPMENT

if DEVELOPMENT:
    from repeatplans.settings.development import *  # noqa: F403
else:
    from repeatplans.settings.production import *  # noqa: F403
