"""Languages: which one a request is answered in (a choice, else Accept-Language), the
footer's picker, and the catalogs (locale/). Translating itself is chalicelib.core.translation."""
