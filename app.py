from chalice import Chalice

from chalicelib.views import accounts, common, manage, security_keys, simple, two_factor, upload

app = Chalice(app_name="cheeseshop")
app.api.binary_types.append("multipart/form-data")
app.register_blueprint(common.bp)
app.register_blueprint(accounts.bp)
app.register_blueprint(manage.bp)
app.register_blueprint(two_factor.bp)
app.register_blueprint(security_keys.bp)
app.register_blueprint(upload.bp)
app.register_blueprint(simple.bp)
