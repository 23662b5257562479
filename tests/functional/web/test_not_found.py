"""Paths nobody serves, and the old ones tools still call."""
from __future__ import annotations

import xmlrpc.client

import pytest


@pytest.mark.parametrize("path", ["/nothing", "/nothing/here/", "/legacy/+simple/cheese-demo/", "/a/b/c/d/e/f"])
def test_unknown_paths_are_the_sites_own_404(client, path):
    plain = client.http.get(path)
    assert plain.status_code == 404 and plain.body == b"Not found.\n"
    page = client.http.get(path, headers={"accept": "text/html"})
    assert page.status_code == 404 and b"<title>Page not found" in page.body


def test_pip_search_gets_the_xmlrpc_fault_pypi_sends(client):
    body = xmlrpc.client.dumps(({"name": "cheese"}, "or"), "search").encode()
    response = client.http.post("/pypi", headers={"content-type": "text/xml"}, body=body)
    assert response.status_code == 200
    with pytest.raises(xmlrpc.client.Fault) as fault:
        xmlrpc.client.loads(response.body)
    assert fault.value.faultCode == -32500 and "does not support 'pip search'" in fault.value.faultString
