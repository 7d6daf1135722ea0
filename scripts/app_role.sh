# Sourced by the scripts after `migrate`, with the owner's DATABASE_URL: creates or updates the app's
# own database role (it owns nothing and only adds to the trail) and switches DATABASE_URL to it, so
# the demo is built and served as production runs, never as the owner. The password is made once
# and kept in var/ beside the embedded database.
mkdir -p var
if [ ! -s var/app_role_password ]; then
  (umask 077 && .venv/bin/python -c "import secrets; print(secrets.token_urlsafe(24))" > var/app_role_password)
fi
DATABASE_URL=$(.venv/bin/python manage.py create_app_role "${APP_DATABASE_ROLE:-gatekeeping_app}" \
  --password "$(cat var/app_role_password)" --print-url)
export DATABASE_URL
echo "The app connects as its own database role (${APP_DATABASE_ROLE:-gatekeeping_app}); migrations ran as the owner."
