from chalice import Chalice

from chalicelib.views import accounts, common, manage, security_keys, two_factor

app = Chalice(app_name="cheeseshop")
app.register_blueprint(common.bp)
app.register_blueprint(accounts.bp)
app.register_blueprint(manage.bp)
app.register_blueprint(two_factor.bp)
app.register_blueprint(security_keys.bp)
