"""Static files answer before Django's CSP middleware (whitenoise): they carry a policy of their own."""

import pytest
from django.conf import settings


@pytest.mark.parametrize("path", ["/static/css/app.css", "/static/js/app.js"])
def test_static_files_carry_a_content_security_policy(client, db, path):
    response = client.get(path)
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    assert policy == settings.STATIC_CSP
    assert "default-src 'none'" in policy and "frame-ancestors 'none'" in policy
    assert response["X-Content-Type-Options"] == "nosniff"
