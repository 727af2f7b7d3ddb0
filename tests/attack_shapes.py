"""Hostile HTML shapes that try to make a browser run script or request something; `{p}` is the probe URL.

Shared by the replay tests (loaded in headless Chromium with a request log) and by
bench/replay_sanitiser.py (which sanitiser removes what).
"""

#: Each shape tries to make the browser request a /probe/ path (or run a script that would).
SHAPES = {
    "svg-style-refresh": '<svg><style><meta http-equiv="refresh" content="0;url={p}/svg-refresh"></style></svg>',
    "math-mglyph-style": (
        '<math><mtext><table><mglyph><style><img src="{p}/mglyph" '
        "onerror=\"fetch('{p}/mglyph-onerror')\"></style></mglyph></table></mtext></math>"
    ),
    "math-breakout": '<math><mi><img src="x" onerror="fetch(\'{p}/math-breakout\')"></mi></math>',
    "ping": '<a ping="{p}/ping" href="{p}/ping-link">ping</a>',
    "srcdoc": "<iframe srcdoc=\"<img src='{p}/srcdoc'>\"></iframe>",
    "refresh": '<meta http-equiv="refresh" content="1;url={p}/refresh">',
    "onerror": '<img src="x" onerror="new Image().src=\'{p}/onerror\'">',
    "svg-animate": '<svg><animate onbegin="fetch(\'{p}/animate\')" attributeName="x" dur="1s"/></svg>',
    "svg-image": '<svg><image href="{p}/svg-image"/></svg>',
    "svg-foreign-object": '<svg><foreignObject><img src="{p}/foreign-object"></foreignObject></svg>',
    "noscript-title": "<noscript><p title=\"</noscript><img src='{p}/noscript'>\"></noscript>",
    "style-import": "<style>@import url({p}/import.css); body {{ background: url({p}/bg.png) }}</style>",
    "inline-style": '<p style="background-image:url({p}/inline-bg.png);color:#333">样式</p>',
    "link": '<link rel="prefetch" href="{p}/prefetch"><link rel="stylesheet" href="{p}/style.css">',
    "object-embed": '<object data="{p}/object"></object><embed src="{p}/embed">',
    "form": '<form action="{p}/form"><input type="image" src="{p}/input-image"></form>',
    "media": '<video poster="{p}/poster"><source src="{p}/source"></video><audio src="{p}/audio"></audio>',
    "base": '<base href="{p}/base/"><img src="relative.png">',
    "table-background": '<table background="{p}/table-bg"><tr><td>表</td></tr></table>',
    "srcset": '<img srcset="{p}/srcset.png 1x">',
    "autofocus": "<input autofocus onfocus=\"fetch('{p}/autofocus')\">",
    "script": "<script>fetch('{p}/script')</script><script src=\"{p}/script.js\"></script>",
    "template": '<template><img src="{p}/template"></template><div onclick="fetch(\'{p}/click\')">点</div>',
}

#: Known mutation-XSS payloads (sanitiser bypasses of past years): `{p}` is never requested by them,
#: they try to run script; a sanitised output must hold no script, handler or foreign content.
MUTATION_XSS = {
    "svg-p-style": '<svg></p><style><a id="</style><img src=1 onerror=alert(1)>">',
    "math-mglyph-comment": (
        '<math><mtext><table><mglyph><style><!--</style><img title="--&gt;&lt;img src=1 '
        'onerror=alert(1)&gt;">'
    ),
    "form-math-mglyph": "<form><math><mtext></form><form><mglyph><style></math><img src onerror=alert(1)>",
    "svg-style-escaped": "<svg><style>&lt;img src=x onerror=alert(1)&gt;</style></svg>",
    "math-style": "<math><style><img src=x onerror=alert(1)></style></math>",
    "svg-p-style-img": "<svg><p><style><img src=x onerror=alert(1)></style></p></svg>",
    "noscript-title": '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    "xmp-title": '<xmp><p title="</xmp><img src=x onerror=alert(1)>">',
    "iframe-title": '<iframe><p title="</iframe><img src=x onerror=alert(1)>">',
    "title-title": '<title><p title="</title><img src=x onerror=alert(1)>">',
    "textarea-title": '<textarea><p title="</textarea><img src=x onerror=alert(1)>">',
    "javascript-tab": '<a href="jav&#x09;ascript:alert(1)">x</a><a href=" javascript:alert(1)">y</a>',
    "data-object": '<object data="data:text/html,<script>alert(1)</script>"></object>',
    "svg-use": '<svg><use href="data:image/svg+xml,<svg id=x><script>alert(1)</script></svg>#x"/></svg>',
    "math-href": '<math><mi xlink:href="javascript:alert(1)">x</mi></math>',
}
