"""The bundled demo news site: what `newsarchive demo` serves and what integration tests crawl.

Modules: ``content`` (the published articles as data), ``render`` (HTML pages), ``feeds`` (robots,
RSS, sitemaps), ``edge`` (robustness resources), ``state`` (mutable site state), ``site`` (URL map),
``resource`` (one URL's answer) and ``server`` (the loopback HTTP server).
"""
