"""A loopback news site built from the real pages of ``../shared/eval``, for benchmarks.

Reusable API (bench/crawl.py, bench/distributed.py)::

    from bench.site import build_site, serve

    layout = build_site(Path("/tmp/benchsite"), copies=8)   # 524 pages x 8 = 4,192 articles
    server = serve(layout.root)                              # nginx on a free 127.0.0.1 port
    try:
        profile = layout.write_profile(server.base_url)       # /tmp/benchsite/benchsite.yaml
        ...crawl profile...
    finally:
        server.stop()

The site (written under ``out_dir``, never inside the repository):

* ``/news/sNN/cMM/<dataset>-<id>.html``: every eval page (bytes as published, GBK pages
  included) once per copy ``MM``, spread over ``sections`` sections ``sNN``;
* ``/news/sNN/index.html``, ``index_1.html`` ...: section list pages, newest first, ``per_list``
  article links each, with a pagination bar (首页, 上一页, a window of page numbers, 下一页, 尾页);
* ``/``: the home page linking every section; ``/robots.txt``; ``/sitemap.xml`` (an index of
  ``sitemap-N.xml`` files of at most 50,000 URLs each, as the protocol requires).

The pages keep their own links: relative ones point into the loopback site and mostly 404,
as on a real mirror. The eval pages are read from ``<repo>/../shared/eval/*/html/*.html.gz``
at run time (``EVAL_DIR`` overrides); they are data made outside this project and are never
copied into it.

``serve(root)`` runs Debian's nginx (``apt-get install nginx-light`` when it is missing and we
are root) with a generated configuration on a free port. Fallback, documented and slower
(one Python process, a thread per connection): ``python -m http.server`` bound to 127.0.0.1,
used when nginx cannot be had or ``serve(root, backend="python")`` asks for it.
"""

from __future__ import annotations

import contextlib
import gzip
import html
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
EVAL_DIR = Path(os.environ.get("EVAL_DIR") or REPO.parent / "shared" / "eval")
DATASETS = ("cwced", "gne-pages", "aeb", "trafilatura-eval")
LOOPBACK = "127.0.0.1"
SITEMAP_MAX_URLS = 50_000
PROFILE_NAME = "benchsite"
#: The profile's article and list patterns (path only), also used by the naive crawler.
ARTICLE_PATTERN = r"^/news/s\d+/c\d+/[\w-]+\.html$"
LIST_PATTERN = r"^/news/s\d+/index(_\d+)?\.html$"


@dataclass(frozen=True)
class SiteLayout:
    """What build_site wrote: where, how many pages of each kind, and the URL paths."""

    root: Path
    articles: list[str]
    list_pages: list[str]
    sections: int
    per_list: int
    copies: int
    source_pages: int
    total_bytes: int

    @property
    def section_paths(self) -> list[str]:
        """First list page of every section (the crawl's start URLs)."""
        return [f"/news/s{s:02d}/index.html" for s in range(self.sections)]

    def profile_yaml(self, base_url: str, *, sitemap: bool = False) -> str:
        """A site profile for this site at ``base_url``: list pages (and the sitemap if asked)."""
        starts = "".join(f"  - {p}\n" for p in self.section_paths)
        per_section = -(-len(self.articles) // self.sections)
        pages_per_section = -(-per_section // self.per_list) + 1
        return (
            f"# Benchmark site built by bench/site.py from ../shared/eval ({self.copies} copies).\n"
            f"name: {PROFILE_NAME}\n"
            f"base_url: {base_url!r}\n"
            f"start_urls:\n{starts}"
            + ("sitemaps: [/sitemap.xml]\n" if sitemap else "")
            + "sitemaps_from_robots: false\n"
            f"article_patterns: ['{ARTICLE_PATTERN}']\n"
            f"list_patterns: ['{LIST_PATTERN}']\n"
            "pagination_pattern: 'index_\\d+\\.html$'\n"
            f"max_list_pages: {pages_per_section}\n"
            "timezone: Asia/Shanghai\n"
            "politeness: {download_delay: 0, obey_robots: false}\n"
            "allow_private_addresses: true\n"
            "verified: true\n"
        )

    def write_profile(self, base_url: str, *, sitemap: bool = False) -> Path:
        """Write ``benchsite.yaml`` next to the site (use its folder as PROFILES_DIR); returns its path."""
        path = self.root.parent / f"{PROFILE_NAME}.yaml"
        path.write_text(self.profile_yaml(base_url, sitemap=sitemap), encoding="utf-8")
        return path


def source_pages(eval_dir: Path = EVAL_DIR) -> list[tuple[str, Path]]:
    """(``dataset-id``, path) of every eval page, in a stable order."""
    pages = []
    for dataset in DATASETS:
        for path in sorted((eval_dir / dataset / "html").glob("*.html.gz")):
            pages.append((f"{dataset}-{path.name.removesuffix('.html.gz')}", path))
    if not pages:
        raise FileNotFoundError(
            f"no eval pages under {eval_dir} (expected {DATASETS[0]}/html/*.html.gz); set EVAL_DIR"
        )
    return pages


def build_site(
    out_dir: Path, copies: int, *, sections: int = 10, per_list: int = 20, eval_dir: Path = EVAL_DIR
) -> SiteLayout:
    """Write the site under ``out_dir/site`` (replacing an earlier one) and return its layout.

    Files are written once per copy (hard links when the file system allows, so 100k pages
    cost little disk).
    """
    out_dir = Path(out_dir)
    root = out_dir / "site"
    if root.exists():
        shutil.rmtree(root)
    root.mkdir(parents=True)
    sources = source_pages(eval_dir)
    blobs = out_dir / "blobs"
    blobs.mkdir(exist_ok=True)
    total = 0
    originals: list[tuple[str, Path]] = []
    for name, path in sources:
        blob = blobs / f"{name}.html"
        if not blob.exists():
            with gzip.open(path, "rb") as handle:
                blob.write_bytes(handle.read())
        originals.append((name, blob))
    articles: list[str] = []
    serial = 0
    for copy in range(copies):
        for name, blob in originals:
            section = serial % sections
            rel = f"news/s{section:02d}/c{copy:02d}/{name}.html"
            target = root / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                os.link(blob, target)
            except OSError:
                shutil.copyfile(blob, target)
            total += blob.stat().st_size
            articles.append("/" + rel)
            serial += 1
    list_pages = _write_lists(root, articles, sections, per_list)
    _write_home(root, sections)
    _write_sitemaps(root, articles)
    (root / "robots.txt").write_text("User-agent: *\nAllow: /\nSitemap: /sitemap.xml\n")
    return SiteLayout(
        root=root,
        articles=articles,
        list_pages=list_pages,
        sections=sections,
        per_list=per_list,
        copies=copies,
        source_pages=len(sources),
        total_bytes=total,
    )


def _page(title: str, body: str) -> str:
    return (
        '<!DOCTYPE html>\n<html lang="zh"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title></head><body>\n{body}\n</body></html>\n"
    )


def _list_name(page: int) -> str:
    return "index.html" if page == 0 else f"index_{page}.html"


def _pagination(page: int, last: int) -> str:
    """首页 上一页 [window of numbers] 下一页 尾页, as Chinese portals print it."""
    links = [f'<a href="{_list_name(0)}">首页</a>']
    if page > 0:
        links.append(f'<a href="{_list_name(page - 1)}">上一页</a>')
    for n in range(max(0, page - 5), min(last, page + 5) + 1):
        links.append(f"<span>{n + 1}</span>" if n == page else f'<a href="{_list_name(n)}">{n + 1}</a>')
    if page < last:
        links.append(f'<a href="{_list_name(page + 1)}">下一页</a>')
    links.append(f'<a href="{_list_name(last)}">尾页</a>')
    return '<div class="pages">' + " ".join(links) + "</div>"


def _write_lists(root: Path, articles: list[str], sections: int, per_list: int) -> list[str]:
    written = []
    for section in range(sections):
        prefix = f"/news/s{section:02d}/"
        mine = [a for a in articles if a.startswith(prefix)][::-1]  # newest (last written) first
        chunks = [mine[i : i + per_list] for i in range(0, len(mine), per_list)] or [[]]
        folder = root / prefix.strip("/")
        folder.mkdir(parents=True, exist_ok=True)
        for page, chunk in enumerate(chunks):
            items = "\n".join(f'<li><a href="{a}">文章 {a.rsplit("/", 1)[-1]}</a></li>' for a in chunk)
            body = (
                f'<h1>栏目 {section}</h1><ul class="list">\n{items}\n</ul>\n'
                f"{_pagination(page, len(chunks) - 1)}"
            )
            (folder / _list_name(page)).write_text(_page(f"栏目 {section} 第{page + 1}页", body))
            written.append(prefix + _list_name(page))
    return written


def _write_home(root: Path, sections: int) -> None:
    links = "\n".join(f'<li><a href="/news/s{s:02d}/index.html">栏目 {s}</a></li>' for s in range(sections))
    (root / "index.html").write_text(_page("基准测试新闻网", f"<ul>\n{links}\n</ul>"))


def _write_sitemaps(root: Path, articles: list[str]) -> None:
    """sitemap.xml is an index of sitemap-N.xml urlsets (locs are paths; crawlers resolve them)."""
    parts = [articles[i : i + SITEMAP_MAX_URLS] for i in range(0, len(articles), SITEMAP_MAX_URLS)]
    index = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
    ]
    for n, part in enumerate(parts):
        urls = "\n".join(f"<url><loc>{a}</loc></url>" for a in part)
        (root / f"sitemap-{n}.xml").write_text(
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n{urls}\n</urlset>\n'
        )
        index.append(f"<sitemap><loc>/sitemap-{n}.xml</loc></sitemap>")
    index.append("</sitemapindex>\n")
    (root / "sitemap.xml").write_text("\n".join(index))


# Serving ----------------------------------------------------------------------------------


@dataclass
class Server:
    """A running loopback server: its URL, its process id, how to stop it."""

    base_url: str
    pid: int
    backend: str
    process: subprocess.Popen[bytes]
    workdir: Path

    def stop(self) -> None:
        """Stop the server (SIGTERM to its pid, SIGKILL after 5 s) and remove its work folder."""
        if self.process.poll() is None:
            os.kill(self.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                os.kill(self.pid, signal.SIGKILL)
                self.process.wait()
        shutil.rmtree(self.workdir, ignore_errors=True)

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now."""
    with socket.socket() as sock:
        sock.bind((LOOPBACK, 0))
        return int(sock.getsockname()[1])


def nginx_binary(install: bool = True) -> str | None:
    """Debian's nginx, installed with apt-get when missing (only as root); None when not available."""
    found = shutil.which("nginx") or next(
        (p for p in ("/usr/sbin/nginx", "/usr/local/sbin/nginx") if Path(p).exists()), None
    )
    if found or not install or os.geteuid() != 0 or not shutil.which("apt-get"):
        return found
    print("installing nginx-light with apt-get ...", file=sys.stderr)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "install", "-y", "-q", "nginx-light"], env=env, check=False)
    return shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)


NGINX_CONF = """\
{user}worker_processes {workers};
pid {work}/nginx.pid;
error_log {work}/error.log warn;
daemon off;
events {{ worker_connections 1024; }}
http {{
    types {{ text/html html; application/xml xml; text/plain txt; }}
    default_type application/octet-stream;
    access_log off;
    sendfile on;
    keepalive_requests 100000;
    client_body_temp_path {work}/body;
    proxy_temp_path {work}/proxy;
    fastcgi_temp_path {work}/fastcgi;
    uwsgi_temp_path {work}/uwsgi;
    scgi_temp_path {work}/scgi;
    server {{
        listen {host}:{port};
        root {root};
        index index.html;
    }}
}}
"""


def serve(root: Path, *, backend: str = "auto", port: int = 0, workers: int = 1) -> Server:
    """Serve ``root`` on 127.0.0.1 (nginx, or the Python fallback) and wait until it answers.

    ``backend``: "auto" (nginx when available, else Python), "nginx" or "python".
    """
    root = Path(root).resolve()
    work = Path(tempfile.mkdtemp(prefix="benchsite-server-"))
    port = port or free_port()
    binary = nginx_binary() if backend in ("auto", "nginx") else None
    if backend == "nginx" and binary is None:
        raise RuntimeError("nginx is not installed and could not be (apt-get install nginx-light as root)")
    if binary is not None:
        conf = work / "nginx.conf"
        # Started as root, nginx's workers drop to "nobody", who cannot read a private temporary
        # folder: they run as the owner of the site instead.
        user = f"user {pwd.getpwuid(root.stat().st_uid).pw_name};\n" if os.geteuid() == 0 else ""
        conf.write_text(
            NGINX_CONF.format(user=user, workers=workers, work=work, host=LOOPBACK, port=port, root=root)
        )
        command = [binary, "-p", str(work), "-e", str(work / "error.log"), "-c", str(conf)]
        name = "nginx"
    else:
        command = [
            sys.executable,
            "-m",
            "http.server",
            "--bind",
            LOOPBACK,
            "--directory",
            str(root),
            str(port),
        ]
        name = "python"
    log = (work / "server.log").open("wb")
    process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    server = Server(f"http://{LOOPBACK}:{port}/", process.pid, name, process, work)
    try:
        _wait_until_it_answers(server, root)
    except BaseException:  # an error, or SIGTERM while it starts: not left running
        server.stop()
        raise
    return server


def _wait_until_it_answers(server: Server, root: Path) -> None:
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            output = (server.workdir / "server.log").read_text(errors="replace")
            raise RuntimeError(
                f"{server.backend} exited at start ({server.process.returncode}): {output.strip()[-500:]}"
            )
        try:
            with urllib.request.urlopen(server.base_url + "robots.txt", timeout=1) as answer:
                if answer.status == 200:
                    return
        except urllib.error.HTTPError as exc:
            raise RuntimeError(
                f"{server.backend} answers {exc.code} for /robots.txt: can it read {root}?"
            ) from exc
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"{server.backend} did not answer on {server.base_url} within 15 s")


def main() -> None:
    """``python bench/site.py OUT_DIR [COPIES]``: build and serve until Ctrl-C (for trying it by hand)."""
    from bench.sigterm import stop_on_sigterm

    stop_on_sigterm()
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(tempfile.gettempdir()) / "benchsite"
    copies = int(sys.argv[2]) if len(sys.argv) > 2 else 1
    layout = build_site(out, copies)
    with serve(layout.root) as server:
        profile = layout.write_profile(server.base_url)
        print(f"{len(layout.articles)} articles, {len(layout.list_pages)} list pages at {server.base_url}")
        print(f"profile: {profile}  (newsarchive crawl {profile})")
        with contextlib.suppress(KeyboardInterrupt):
            signal.pause()


if __name__ == "__main__":
    main()
