from chalice import Chalice

from chalicelib.accounts import views as accounts
from chalicelib.accounts import views_manage as account_settings
from chalicelib.admin import views as admin
from chalicelib.downloads import views as downloads
from chalicelib.forklift import views as forklift
from chalicelib.forklift import views_upload_sessions as upload_sessions
from chalicelib.i18n import views as languages
from chalicelib.mfa import views as mfa
from chalicelib.mfa import views_keys as security_keys
from chalicelib.oidc import views as oidc
from chalicelib.oidc import views_manage as publishing
from chalicelib.organizations import views as organizations
from chalicelib.organizations import views_teams as teams
from chalicelib.packaging import views as packaging
from chalicelib.packaging import views_manage as project_settings
from chalicelib.packaging import views_people as people
from chalicelib.recovery import views as recovery
from chalicelib.tokens import views as tokens
from chalicelib.upstream import views as upstream
from chalicelib.web import views as common
from chalicelib.webhooks import views as webhooks

app = Chalice(app_name="cheeseshop")
app.api.binary_types.append("multipart/form-data")
app.register_blueprint(common.routes.blueprint)
app.register_blueprint(accounts.routes.blueprint)
app.register_blueprint(account_settings.routes.blueprint)
app.register_blueprint(mfa.routes.blueprint)
app.register_blueprint(security_keys.routes.blueprint)
app.register_blueprint(tokens.routes.blueprint)
app.register_blueprint(forklift.routes.blueprint)
app.register_blueprint(upload_sessions.routes.blueprint)
app.register_blueprint(languages.routes.blueprint)
app.register_blueprint(oidc.routes.blueprint)
app.register_blueprint(publishing.routes.blueprint)
app.register_blueprint(packaging.routes.blueprint)
app.register_blueprint(project_settings.routes.blueprint)
app.register_blueprint(people.routes.blueprint)
app.register_blueprint(downloads.routes.blueprint)
app.register_blueprint(recovery.routes.blueprint)
app.register_blueprint(organizations.routes.blueprint)
app.register_blueprint(teams.routes.blueprint)
app.register_blueprint(upstream.routes.blueprint)
app.register_blueprint(admin.routes.blueprint)
app.register_blueprint(webhooks.routes.blueprint)
