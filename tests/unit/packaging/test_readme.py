from __future__ import annotations

from chalicelib.packaging.readme import render


def test_markdown_and_rst_render_and_headings_keep_ids_without_empty_links():
    markdown = render("# Title\n\nSome *text*.", "text/markdown")
    assert 'id="user-content-title"' in markdown and "<em>text</em>" in markdown
    assert "></a>" not in markdown
    rst = render("Title\n=====\n\ntext", "text/x-rst")
    assert "<h1>Title</h1>" in rst and "></a>" not in rst


def test_unsafe_markup_is_removed():
    for kind in ("text/markdown", "text/x-rst", ""):
        out = render('x <script>alert(1)</script> <a href="javascript:alert(1)">y</a>', kind)
        assert "<script>" not in out and 'href="javascript:' not in out  # as text it is harmless


def test_plain_text_is_escaped():
    assert render("a < b", "text/plain") == "<pre>a &lt; b</pre>"
    assert render("   ", "text/markdown") == ""
