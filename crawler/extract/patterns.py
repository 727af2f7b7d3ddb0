"""Cleaning rules as data: phrases and label words, kept apart from the code that applies them.

Adding a disclaimer phrase, a byline label or an outlet suffix touches this file only.
Every group is checked at import: an empty group (which would silently match nothing, or
everything once joined into a regular expression) raises ``ValueError``.
Phrases are written in simplified script; matching runs on a simplified copy of each line,
so traditional pages (版權所有, 免責聲明) are covered by the same entries.
"""

from __future__ import annotations

import re


def alternation(*groups: tuple[str, ...], name: str) -> str:
    """``(?:a|b|...)`` of the escaped phrases, longest first; refuses an empty group."""
    phrases = [p for group in groups for p in group]
    if not phrases or any(not p.strip() for p in phrases):
        raise ValueError(f"pattern group {name!r} is empty or holds an empty phrase")
    return "(?:" + "|".join(re.escape(p) for p in sorted(set(phrases), key=len, reverse=True)) + ")"


# --- Boilerplate: a paragraph holding one of these is not article text ----------------------

#: Copyright, reprint and disclaimer notices (Chinese and English).
DISCLAIMER_PHRASES = (
    "版权所有",
    "版权声明",
    "版权与免责声明",
    "免责声明",
    "凡本网注明",
    "凡本站注明",
    "凡注明来源",
    "未经授权不得转载",
    "未经授权，不得转载",
    "未经本网授权",
    "未经本站授权",
    "未经许可不得转载",
    "未经允许不得转载",
    "未经书面授权",
    "禁止转载",
    "不得转载",
    "转载请注明",
    "转载请联系",
    "如需转载",
    "不代表本网观点",
    "不代表本站观点",
    "不代表本网立场",
    "不代表本站立场",
    "并不代表本网赞同",
    "仅代表作者本人观点",
    "仅代表作者个人观点",
    "本网转载",
    "请与本网联系",
    "请与本站联系",
    "违法和不良信息举报",
    "不良信息举报",
    "互联网新闻信息服务许可证",
    "网络文化经营许可证",
    "ICP备",
    "ICP证",
    "公网安备",
    "All rights reserved",
    "All Rights Reserved",
    "Copyright ©",
    "Copyright©",
    "Copyright (c)",
    "版权归原作者所有",
    "侵权请联系",
    "如有侵权",
    "如涉及版权",
    "严禁转载",
    "谢绝转载",
    "转载须经",
    "转载需经",
    "转载请保留",
    # self-media platforms' notices under every post (搜狐号, 网易号, 百家号 …)
    "观点仅代表作者本人",
    "仅提供信息存储服务",
    "不代表搜狐立场",
    "不代表平台立场",
    "不代表平台观点",
)

#: A copyright sign and a year ("© 2019 Science X Network", "(c) 1996-2022 ...").
COPYRIGHT_YEAR = r"|(?:©|\(c\)|Copyright)\s*(?:19|20)\d{2}"

#: Share, print, close-window and correction widgets.
WIDGET_PHRASES = (
    "分享到",
    "分享至",
    "打印本页",
    "打印此页",
    "打印本文",
    "关闭窗口",
    "关闭本页",
    "【纠错】",
    "【打印】",
    "【关闭】",
    "【收藏】",
    "[打印]",
    "[关闭]",
    "返回顶部",
    "返回首页",
    "扫一扫分享",
    "扫一扫在手机打开",
    "在手机上阅读",
    "字号：",
    "【字体：",
    "【字号",
    "点击排行",
    "相关阅读",
    "相关新闻",
    "延伸阅读",
    "推荐阅读",
    "上一篇",
    "下一篇",
    "上一页",
    "下一页",
    "举报/反馈",
    "扫描二维码",
    "扫码关注",
    "长按二维码",
    "长按识别二维码",
    "点击关注",
    "关注我们",
)

#: Labels of a picture's credit line under an image ("Foto: dpa", "© Getty Images", "图片来源：网络"):
#: a short line opening with one names who took or owns a picture, it is no article text.
IMAGE_CREDIT_LABELS = (
    *("图片来源", "图片来自", "图片来源于", "图源", "配图来源", "图片", "题图", "配图"),
    *("Foto", "Fotos", "Bild", "Bilder", "Bildquelle", "Bildquellen", "Bildcredit", "Bildnachweis"),
    *("Photo", "Photos", "Photo credit", "Photo credits", "Photocredit", "Photocredits", "Image credit"),
    *("Image credits", "Image", "Credit", "Credits", "Copyright", "Crédit photo", "Crédits photo"),
)

#: Links glued to the end of an article's last paragraph by portals: 返回腾讯网首页>>,
#: 返回搜狐，查看更多, 返回顶部. The ``…`` of 返回…首页 is a site's name (at most 8 characters).
TRAILING_WIDGETS = (r"返回[^\s，。！？]{0,8}?首页", r"返回搜狐[，,]\s?查看更多", "返回顶部", "返回列表")

#: Labels of a line that only gives an address for the page itself (a blog's trackback, a
#: permalink): ``Trackback: http://…``, ``本文链接：http://…``.
LINK_LINE_LABELS = (
    *(
        "Trackback",
        "Trackback URL",
        "Trackback地址",
        "Permalink",
        "Permanent link",
        "Short link",
        "Shortlink",
    ),
    *("引用通告", "引用通告地址", "引用地址", "本文链接", "本文地址", "本文网址", "文章链接", "文章地址"),
    *("永久链接", "本页链接", "本页地址", "短链接"),
)

#: Lines naming the original headline of a reprinted article (原标题：...).
ORIGINAL_TITLE_PREFIXES = ("原标题", "原题")

#: A heading that opens a multi-paragraph disclaimer block (版权与免责声明: ①... ②...).
DISCLAIMER_HEADINGS = ("版权与免责声明", "版权和免责声明", "免责声明", "版权声明", "郑重声明", "特别声明")

#: Markers that open one clause of a numbered disclaimer block.
CLAUSE_MARKERS = r"(?:[①-⑩]|[（(]?[一二三四五六七八九十\d]{1,2}[)）、.．]|\d{1,2}\s)"

#: Words that keep a clause inside a disclaimer block (the clause talks about the site/rights).
CLAUSE_WORDS = (
    "本网",
    "本站",
    "转载",
    "版权",
    "著作权",
    "作品",
    "授权",
    "法律责任",
    "来源",
    "联系",
    "观点",
    "真实性",
)

# --- Bylines ---------------------------------------------------------------------------------

#: Labels introducing the people who wrote the article (the order of the names is kept).
AUTHOR_LABELS = (
    "作者",
    "记者",
    "本报记者",
    "本台记者",
    "本网记者",
    "本刊记者",
    "新华社记者",
    "特约记者",
    "见习记者",
    "实习记者",
    "首席记者",
    "融媒体记者",
    "全媒体记者",
    "通讯员",
    "本报通讯员",
    "特约通讯员",
    "实习生",
    "本报实习生",
    "撰稿",
    "撰稿人",
    "撰文",
    "采写",
    "专栏作者",
    "执笔",
    "文/图",
    "图/文",
    "文／图",
    "图／文",
    "文图",
    "文",
    "摄影",
    "摄",
    "发布者",
    "发布人",
    "发表人",
    "发帖人",
    "发帖者",
    "发贴人",
    "发贴者",
    "发表者",
    "楼主",
    "博主",
    "Author",
    "By",
    "Posted by",
    "posted by",
    "Written by",
    "written by",
)

#: Author labels that name who posted this page (a blog's or forum's post line): on a repost
#: they name the poster, and the page's own post line outranks credits quoted in the text.
POSTER_LABELS = (
    "作者",
    "发布者",
    "发布人",
    "发表人",
    "发表者",
    "发帖人",
    "发帖者",
    "发贴人",
    "发贴者",
    "楼主",
    "博主",
    "Posted by",
    "posted by",
)

#: Words that open a blog/forum post line ("posted @ 2004-12-27 12:40 李建忠 阅读(3727)"): the
#: poster's name follows the date.
POST_LINE_OPENERS = ("posted on", "posted @", "posted at", "post on", "发表于", "发布于", "发表在")

#: Counters and buttons of a post line; never a name (阅读(3727) 评论(63) 编辑 收藏).
POST_LINE_WIDGETS = (
    "阅读",
    "评论",
    "编辑",
    "收藏",
    "引用",
    "浏览",
    "点击",
    "回复",
    "举报",
    "Trackback",
    "Comments",
)

#: How a personal blog names itself after its owner: "海姑娘的博客", "李建忠的专栏".
BLOG_OWNER_SUFFIXES = (
    "的博客",
    "的BLOG",
    "的blog",
    "的Blog",
    "的专栏",
    "的个人空间",
    "的空间",
    "的日志",
    "的部落格",
)

#: Path segments and query keys of links to a person's or an account's page (/author/5183008,
#: /c/user/6294480027/, profile.php?uid=3): such a link near the headline names the poster.
AUTHOR_PATH_SEGMENTS = (
    *("author", "authors", "user", "users", "u", "profile", "people", "member", "members", "space"),
    *("writer", "writers", "columnist", "columnists", "journalist", "journalists", "reporter", "blogger"),
)
AUTHOR_QUERY_KEYS = ("uid", "userid", "user_id", "authorid", "author_id", "author")

#: Words before a name in a Western byline or author field ("By Rob Picheta", "Von Jan Koch",
#: "Par Attac France", "Artikel von hausinfo"): dropped from declared and guessed author names.
BY_WORDS = (
    *("By", "by", "BY", "Von", "von", "Par", "par", "Por", "por", "Di", "di", "Door", "door", "Av", "av"),
    *("Autor:", "Autorin:", "Author:", "Auteur:", "Autor", "Autorin", "Artikel von", "Zum Profil von"),
    *("Ein Beitrag von", "Text:", "Texto:", "Written by", "Posted by"),
)

#: Words that open a European-language byline before the names ("By Jane Doe", "Von Jan Koch",
#: "par Didier Roy", "di Mario Rossi", "door Jan Jansen").
LATIN_BY_WORDS = (
    *("By", "by", "BY", "Von", "von", "VON", "Par", "par", "PAR", "Por", "por", "POR"),
    *("Di", "di", "Door", "door", "Av", "av", "Written by", "written by", "Posted by", "posted by"),
    *("Published by", "published by", "Geschrieben von", "geschrieben von", "Ein Beitrag von"),
    *("ein Beitrag von", "Artikel von", "Gespeichert von", "gespeichert von", "Erstellt von"),
    *("erstellt von", "Verfasst von", "verfasst von", "A cura di", "a cura di", "Escrito por"),
    *("escrito por", "Publié par", "publié par", "Écrit par", "écrit par"),
)
#: Labels before the author's names, followed by a colon ("Autor: X", "Text: X", "Tekst: X").
LATIN_AUTHOR_LABELS = (
    *("Autor", "Autorin", "Autoren", "Author", "Authors", "Auteur", "Auteurs", "Autore", "Autori"),
    *("Autora", "Autores", "Autorzy", "Text", "Texte", "Texto", "Testo", "Tekst", "Interview"),
    *("Reporter", "Reporterin", "Text & Fotos", "Text und Fotos", "Text & Foto", "Text und Foto"),
    *("Text & Bilder", "Text und Bilder", "Text und Bild", "Texte et photos", "Text/Fotos", "Text/Foto"),
)
#: Labels of a photo credit ("Foto: X", "Photo: X", "Bild: X"): photographers, not authors.
LATIN_PHOTO_LABELS = (
    *("Foto", "Fotos", "Fotografie", "Fotograf", "Fotografin", "Photo", "Photos", "Photograph"),
    *("Photographer", "Bild", "Bilder", "Image", "Images", "Zdjęcie", "Fot", "Crédit photo"),
    *("Photo credit", "Credit", "Bildquelle"),
)
#: Labels of editors in European-language credits ("Redaktion: X", "Edited by X").
LATIN_EDITOR_LABELS = (
    *("Redaktion", "Redakteur", "Redakteurin", "Editor", "Edited by", "edited by", "Bearbeitet von"),
    *("bearbeitet von", "Rédaction", "Redazione", "Redacción", "Redakcja"),
)
#: News agencies: credited as the source, never as a person (dpa, AFP, Reuters, APA, SDA ...).
LATIN_AGENCIES = (
    *("dpa", "afp", "ap", "reuters", "apa", "sda", "kna", "epd", "efe", "ansa", "sid", "ddp"),
    *("dapd", "ats", "belga", "anp", "pap", "ctk", "tass", "ria", "xinhua", "kyodo", "jiji"),
    *("keystone-sda", "afp/dpa", "dts", "idea", "agenturen", "agencies", "agencias", "agences"),
    *("lusa", "europa press", "bloomberg", "upi", "ips", "aa", "ntb", "tt", "stt", "mta"),
)
#: Legal forms that make a name a company's or an association's (compared lower-cased, dots dropped).
LATIN_LEGAL_FORMS = (
    *("gmbh", "ag", "eg", "ev", "ltd", "inc", "llc", "sa", "sarl", "sas", "se", "kg", "ohg", "plc"),
    *("corp", "bv", "nv", "spa", "srl", "oy", "ab", "as", "aps", "gbr", "ug", "mbh", "co", "kgaa"),
)
#: Words right after a byline's names that end it: a date or a place follows ("By Ela on
#: 31 October", "Von Jan Koch am 3. Mai", "par X le 21 juin", "X vor 3 Tagen", "X | Stand: …").
LATIN_CREDIT_STOPS = (
    *("on", "am", "um", "le", "el", "il", "op", "vor", "at", "in", "aus", "from", "de", "du"),
    *("updated", "aktualisiert", "stand", "published", "veröffentlicht", "posted", "under", "unter"),
    *("mit", "with", "avec", "con", "für", "for", "pour", "para", "per", "dans", "en", "-"),
    *("mis", "publié", "publicado", "pubblicato", "gepostet", "erschienen", "last", "zuletzt", "the"),
)
#: Words joining two names of one credit ("Jane Doe and John Roe", "A und B", "A et B").
LATIN_NAME_JOINERS = ("and", "und", "et", "y", "e", "i", "en", "og", "och", "&", "und", "oraz", "a")
#: Lower-case words inside a name ("Ursula von der Leyen", "Luis de la Fuente").
LATIN_NAME_PARTICLES = (
    *("von", "van", "der", "den", "de", "del", "della", "di", "da", "dos", "das", "do", "du"),
    *("la", "le", "ten", "ter", "zu", "zur", "bin", "ibn", "al", "el", "vom", "des", "st."),
)
#: Words of a post line's opening before "by"/"von" ("Posted on 21 May 2020 by X").
LATIN_POST_WORDS = (
    *("posted", "published", "written", "veröffentlicht", "geschrieben", "gespeichert", "erstellt"),
    *("publié", "écrit", "publicado", "escrito", "pubblicato", "scritto", "gepostet", "verfasst"),
    *("beitrag", "artikel", "kommentar", "interview", "analyse", "gastbeitrag", "meinung"),
    *("article", "story", "report", "bericht", "reportage", "essay", "column", "kolumne"),
)

#: What CMSs and themes put where an author's name belongs (compared lower-cased).
PLACEHOLDER_AUTHORS = (
    *("admin", "administrator", "wordpressadmin", "webmaster", "name", "author", "autor", "autorin"),
    *("auteur", "autore", "publisher", "posted", "follow", "human", "no author", "unknown", "anonymous"),
    *("anonym", "anónimo", "anonimo", "anonyme", "guest", "gast", "user", "editor", "root", "test"),
)

#: Labels introducing the people who edited or checked it.
EDITOR_LABELS = (
    "责任编辑",
    "责编",
    "编辑",
    "编审",
    "审核",
    "审校",
    "审稿",
    "校对",
    "初审",
    "复审",
    "终审",
    "值班编辑",
    "值班主任",
    "监制",
    "Editor",
)

#: Labels introducing the outlet the article comes from.
SOURCE_LABELS = (
    "来源",
    "稿源",
    "文章来源",
    "新闻来源",
    "信息来源",
    "消息来源",
    "出处",
    "转自",
    "转载自",
    "来源于",
    "发布机构",
    "发布单位",
    "Source",
)

#: Labels introducing the publication time (the article's own date line).
DATE_LABELS = (
    "发布时间",
    "发布日期",
    "发表时间",
    "发表日期",
    "发表于",
    "发布于",
    "发稿时间",
    "刊发时间",
    "出版日期",
    "时间",
    "日期",
    "Published",
    "Posted",
    "Post By",
    "Date",
    *("Veröffentlicht", "veröffentlicht", "Erschienen", "Datum", "Publié le", "publié le", "Publicado"),
    *("publicado", "Pubblicato", "pubblicato", "Gepubliceerd", "Publiceret", "Publicerad"),
    *("Mise en ligne", "mise en ligne", "Mis en ligne", "mis en ligne"),
)
#: Date labels that are a label alone on a line only with their colon ("时间" or "Date" alone is
#: a menu item or a table's column head).
GENERIC_DATE_LABELS = frozenset({"时间", "日期", "Date", "Datum"})

#: Labels introducing the last modification time.
MODIFIED_LABELS = (
    *("更新时间", "更新日期", "修改时间", "最后更新", "Updated", "Last modified", "Last updated"),
    *("Aktualisiert", "aktualisiert", "Zuletzt aktualisiert", "Mis à jour", "mis à jour", "Actualizado"),
    *("actualizado", "Aggiornato", "aggiornato", "Bijgewerkt", "Atualizado"),
    *("last modified", "Last edited", "last edited", "Letzte Änderung", "letzte Änderung"),
    *("Zuletzt geändert", "zuletzt geändert", "Dernière modification", "dernière modification"),
)

#: Month names of European languages besides English (lowercase), with their number: dates are
#: printed "17. Januar 2022", "3 février 2021", "5 de marzo de 2020".
MONTH_NAMES = {
    **dict.fromkeys(("januar", "jänner", "janvier", "enero", "gennaio", "janeiro", "januari"), 1),
    **dict.fromkeys(
        ("februar", "feber", "février", "fevrier", "febrero", "febbraio", "fevereiro", "februari"), 2
    ),
    **dict.fromkeys(("märz", "maerz", "mars", "marzo", "março", "marco", "maart"), 3),
    **dict.fromkeys(("avril", "abril", "aprile"), 4),
    **dict.fromkeys(("mai", "mayo", "maggio", "maio", "mei"), 5),
    **dict.fromkeys(("juni", "juin", "junio", "giugno", "junho"), 6),
    **dict.fromkeys(("juli", "juillet", "julio", "luglio", "julho"), 7),
    **dict.fromkeys(("août", "aout", "agosto", "augustus"), 8),
    **dict.fromkeys(("septembre", "septiembre", "settembre", "setembro"), 9),
    **dict.fromkeys(("oktober", "octobre", "octubre", "ottobre", "outubro"), 10),
    **dict.fromkeys(("novembre", "noviembre", "novembro"), 11),
    **dict.fromkeys(("dezember", "décembre", "decembre", "diciembre", "dicembre", "dezembro"), 12),
    # abbreviations besides the English ones ("7. Okt. 2021", "12 déc. 2018", "3 ago 2021")
    **dict.fromkeys(("janv", "ene", "gen"), 1),
    **dict.fromkeys(("févr", "fevr", "fév", "fev"), 2),
    **{"mrt": 3, "avr": 4, "abr": 4, "mag": 5, "giu": 6, "juil": 7, "lug": 7, "ago": 8, "set": 9},
    **dict.fromkeys(("okt", "ott", "out"), 10),
    **dict.fromkeys(("dez", "déc", "dic"), 12),
}

#: Phrases of deletion / not-found notices served in place of an article (often with status 200).
GONE_PHRASES = (
    "该文章已删除",
    "文章已删除",
    "文章已被删除",
    "该信息已删除",
    "信息已被删除",
    "页面不存在",
    "文章不存在",
    "您访问的页面不存在",
    "您访问的文章不存在",
    "页面已删除",
    "该页面已被删除",
    "内容已下线",
    "稿件已撤回",
    "page not found",
    "article has been removed",
    "this article is no longer available",
)

#: News-service markers that open a lead paragraph before its credits: 本报讯（记者 张三）.
LEAD_MARKERS = ("本报讯", "本台讯", "本网讯", "本刊讯", "本站讯", "本报消息", "本台消息", "本网消息")

#: Reporter roles that may follow an outlet or a qualifier without a space: 澎湃新闻记者 张三,
#: 扬子晚报记者 张楠, 南都见习记者 林子沛, 职工通讯员 李琴雯, 观察者网专栏作者 王文.
ROLE_WORDS = (
    *("记者", "特约记者", "见习记者", "实习记者", "首席记者", "融媒体记者", "全媒体记者", "通讯员"),
    *("特约通讯员", "实习生", "专栏作者", "特约作者", "特约撰稿人", "撰稿人", "摄影记者"),
)
#: Words before a role that qualify the person, not an outlet (驻京记者, 职工通讯员).
ROLE_QUALIFIERS = (
    *("职工", "驻站", "驻地", "驻京", "驻外", "资深", "高级", "本报", "本台", "本网", "本刊", "本站"),
    *("特约", "见习", "实习", "首席", "专栏", "前方", "随团", "随队"),
)
#: Values of a 来源 line that name no organisation (the article is a reprint of unknown origin).
GENERIC_SOURCES = (
    *("网络", "互联网", "网友", "转载", "网络转载", "本站", "本站原创", "原创", "本网", "本网原创"),
    *("未知", "佚名", "匿名", "综合", "整理", "于网络", "自网络", "网络整理", "综合整理"),
)

#: Words beside an outlet's name on a date line that name nothing (原创 南方都市报 2019-09-09).
OUTLET_FILLERS = (
    "原创",
    "转载",
    "来源",
    "来自",
    "发布",
    "发表",
    "更新",
    "首发",
    "独家",
    "稿源",
    "本报",
    "本台",
    "本刊",
)

#: Label words that sit inside a byline without naming anyone (dropped from name lists).
BYLINE_FILLERS = (
    # buttons next to an author's name (关注 is also a family name: 关注 alone names nobody)
    *("关注", "已关注", "订阅", "分享", "收藏", "举报", "评论", "点赞", "打印", "关闭", "更多"),
    "本报讯",
    "本报",
    "本台",
    "本网",
    "本刊",
    "报道",
    "综合报道",
    "采写",
    "整理",
    "发自",
    "摄影报道",
    "供图",
    "图片",
    "图",
    "文",
    "摄",
)

#: Endings and words that make a name an outlet (newspaper, site, agency), never a person.
OUTLET_MARKERS = (
    "日报",
    "晚报",
    "早报",
    "晨报",
    "商报",
    "商讯",
    "资讯",
    "快讯",
    "时报",
    "周报",
    "导报",
    "法制报",
    "报社",
    "报业",
    "报",
    "新闻网",
    "新闻",
    "网站",
    "网",
    "在线",
    "新华社",
    "通讯社",
    "社",
    "电视台",
    "广播",
    "电台",
    "台",
    "频道",
    "杂志",
    "周刊",
    "月刊",
    "期刊",
    "刊",
    "中心",
    "融媒",
    "客户端",
    "公众号",
    "微信",
    "微博",
    "App",
    "APP",
    "政府",
    "办公室",
    "委员会",
    "局",
    "厅",
    "部",
    "院",
    "署",
    "集团",
    "摄影队",
    "记者团",
    "工作组",
    "编辑部",
    "公司",
    "协会",
    "学会",
    "本站",
    "原创",
    "转载",
    "互联网",
    "网络",
    "网友",
    "未知",
    "佚名",
    "匿名",
    "admin",
    "Admin",
    "央视",
    "新浪",
    "搜狐",
    "网易",
    "腾讯",
    "凤凰",
    "澎湃",
    "人民",
    "新华",
    "中新",
)

#: Common Chinese family names (single and compound), simplified (names are checked on their
#: simplified copy). An unlabelled short line such as "胡平" next to the title is taken for
#: an author only when it starts with one of these.
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
    "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
    "常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季"
    "裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦"
    "戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻"
    "苑迟邝官封谈匡鞠惠荆乐冀郁胥南班储原栗燕楚鄢劳谌奚皮粟冼蔺楼盘满闻位厉伊仝区郜海阎"
)
COMPOUND_SURNAMES = (
    "欧阳",
    "司马",
    "上官",
    "诸葛",
    "东方",
    "皇甫",
    "尉迟",
    "公孙",
    "慕容",
    "令狐",
    "司徒",
    "夏侯",
    "长孙",
    "宇文",
)

# --- Pinyin ----------------------------------------------------------------------------------

#: Vowels carrying a tone mark: a parenthesised word without one is never taken for pinyin.
TONE_MARKED_VOWELS = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ"

#: One pinyin syllable written without its tone mark (initial + final).
PINYIN_SYLLABLE = (
    r"(?:[bpmfdtnlgkhjqxrzcsyw]|zh|ch|sh)?"
    r"(?:iang|iong|uang|ueng|ang|eng|ing|ong|ian|iao|uai|uan|van|üan|ai|ei|ao|ou|an|en|er|ia|ie|iu|in"
    r"|ua|uo|ui|un|ve|üe|vn|ün|ue|a|o|e|i|u|v|ü)"
)

# --- Dates -----------------------------------------------------------------------------------

#: Words around a date that make it a copyright year or a range, never a publication date.
DATE_NOISE_WORDS = ("Copyright", "copyright", "COPYRIGHT", "版权所有", "©", "ICP", "备案")

#: Keys under which pages keep the publication time for their scripts or forms: hidden inputs
#: (<input type=hidden name="pubtime">) and script data (window.DATA = {"pubtime": ...},
#: var ct = "1581517074").
SCRIPT_DATE_KEYS = (
    *("pubtime", "pub_time", "pubdate", "pub_date", "ptime", "publishtime", "publish_time"),
    *("publishdate", "publish_date", "publishedtime", "published_time", "publishedat", "published_at"),
    *("publishat", "publish_at", "releasetime", "release_time", "releasedate", "firstpublishtime"),
    *("first_publish_time", "datepublished", "article_publish_time", "newstime", "news_time"),
)
#: Keys that hold a creation time only as a Unix timestamp (WeChat's ``var ct = "1581517074"``).
SCRIPT_TIMESTAMP_KEYS = ("ct", "create_time", "createtime", "publish_timestamp")

#: Relative times as printed by portals, resolved against the fetch time.
RELATIVE_DATE_WORDS = {"刚刚": 0, "今天": 0, "昨天": 1, "前天": 2}

#: Headings that open a block of comments or related links after the article: dates and names
#: after them belong to other texts (a heading is a short line made of one of these).
SECTION_HEADINGS = (
    "评论",
    "网友评论",
    "发表评论",
    "我要评论",
    "最新评论",
    "热门评论",
    "读者评论",
    "相关评论",
    "留言",
    "网友留言",
    "回复",
    "相关文章",
    "相关新闻",
    "相关阅读",
    "相关链接",
    "延伸阅读",
    "推荐阅读",
    "热点新闻",
    "热门文章",
    "最新文章",
    "Comments",
    "Leave a comment",
    "Leave a Reply",
    "Related",
    "Related articles",
    "Related posts",
    "Read more",
)

# --- Headlines -------------------------------------------------------------------------------

#: Badges and labels printed with a headline but not part of it (原创 X, 主题: X), dropped from a
#: headline line when the page's other titles name it without them.
TITLE_BADGES = (
    *("原创", "转载", "置顶", "精华", "推荐", "热", "新", "主题", "标题", "题目"),
    *("Title", "Subject"),
)

#: Openings of a breadcrumb or location line (首页 > 新闻 > …): navigation, never a headline.
NAVIGATION_OPENERS = (
    "首页",
    "主页",
    "网站首页",
    "当前位置",
    "您的位置",
    "你的位置",
    "您现在的位置",
    "您当前的位置",
    "您的当前位置",
    "当前所在位置",
    "现在位置",
    "所在位置",
    "位置：",
    "Home",
    "You are here",
)

# --- Pagination ------------------------------------------------------------------------------

#: Link texts that point to the next page of the same article.
NEXT_PAGE_TEXTS = ("下一页", "下页", "后一页", "Next", "next", "»", ">>", "›")

#: Query parameters that carry a page number.
PAGE_PARAMS = ("page", "p", "pg", "pn", "pageno", "pagenum", "page_no", "curpage")


# --- Compiled forms (built once, checked at import) ------------------------------------------

DISCLAIMER_RE = re.compile(
    alternation(DISCLAIMER_PHRASES, name="DISCLAIMER_PHRASES") + COPYRIGHT_YEAR, re.IGNORECASE
)
WIDGET_RE = re.compile(alternation(WIDGET_PHRASES, name="WIDGET_PHRASES"))
#: ... after a sentence's end, never inside one (他们连夜返回列表).
TRAILING_WIDGET_RE = re.compile(
    r"(?:^|(?<=[。！？!?”」\s]))(?:" + "|".join(TRAILING_WIDGETS) + r")\s{0,3}[>》»]{0,3}\s*+$"
)
LINK_LINE_RE = re.compile(
    r"^\W{0,2}"
    + alternation(LINK_LINE_LABELS, name="LINK_LINE_LABELS")
    + r"\s{0,2}[:：]?\s{0,3}(?:https?://|www\.)\S*+\s*+$",
    re.IGNORECASE,
)
#: A credit line: a label and a colon (``Foto: dpa``, ``(Credit: Jane Doe)``), or a copyright sign
#: and a name (``© Oli Scarff/Getty Images``), at the start of the line.
IMAGE_CREDIT_RE = re.compile(
    r"^\W{0,2}(?:"
    + alternation(IMAGE_CREDIT_LABELS, name="IMAGE_CREDIT_LABELS")
    + r"\s{0,2}[:：|｜]|©|\(c\)\s)\s*+\S",
    re.IGNORECASE,
)
DISCLAIMER_HEADING_RE = re.compile(
    r"^\W{0,3}[\w·]{0,20}?"
    + alternation(DISCLAIMER_HEADINGS, name="DISCLAIMER_HEADINGS")
    + r"\s*[:：]?\W{0,3}$"
)
CLAUSE_RE = re.compile(r"^\s*" + CLAUSE_MARKERS)
CLAUSE_WORDS_RE = re.compile(alternation(CLAUSE_WORDS, name="CLAUSE_WORDS"))
ORIGINAL_TITLE_RE = re.compile(
    r"^\W{0,2}" + alternation(ORIGINAL_TITLE_PREFIXES, name="ORIGINAL_TITLE_PREFIXES") + r"\s*[:：]"
)
OUTLET_RE = re.compile(alternation(OUTLET_MARKERS, name="OUTLET_MARKERS"))
FILLER_RE = re.compile("^" + alternation(BYLINE_FILLERS, name="BYLINE_FILLERS") + "$")
DATE_NOISE_RE = re.compile(alternation(DATE_NOISE_WORDS, name="DATE_NOISE_WORDS"))
SECTION_HEADING_RE = re.compile(
    r"^[#\W\d]{0,4}" + alternation(SECTION_HEADINGS, name="SECTION_HEADINGS") + r"[\W\d]{0,12}$",
    re.IGNORECASE,
)
PINYIN_SYLLABLE_RE = re.compile(f"^{PINYIN_SYLLABLE}$")
GONE_RE = re.compile(alternation(GONE_PHRASES, name="GONE_PHRASES"), re.IGNORECASE)
#: The opening of a lead paragraph that only credits it: a news-service marker or an agency
#: dateline (新华社济南11月22日电), then the credits in brackets; the text follows.
LEAD_CREDIT_RE = re.compile(
    r"^\s*+(?:"
    + alternation(LEAD_MARKERS, name="LEAD_MARKERS")
    + r"|[^\s，。；：:（(【\[]{2,24}?[电讯])?\s*+"
    r"[（(【\[](?P<credits>[^（()）【】\[\]]{2,60})[)）】\]]\s*+[：:，,]?\s*+"
)

for _name, _group in (
    ("AUTHOR_LABELS", AUTHOR_LABELS),
    ("EDITOR_LABELS", EDITOR_LABELS),
    ("SOURCE_LABELS", SOURCE_LABELS),
    ("POSTER_LABELS", POSTER_LABELS),
    ("POST_LINE_OPENERS", POST_LINE_OPENERS),
    ("BLOG_OWNER_SUFFIXES", BLOG_OWNER_SUFFIXES),
    ("POST_LINE_WIDGETS", POST_LINE_WIDGETS),
    ("DATE_LABELS", DATE_LABELS),
    ("MODIFIED_LABELS", MODIFIED_LABELS),
    ("NEXT_PAGE_TEXTS", NEXT_PAGE_TEXTS),
    ("PAGE_PARAMS", PAGE_PARAMS),
    ("SURNAMES", tuple(SURNAMES)),
    ("COMPOUND_SURNAMES", COMPOUND_SURNAMES),
    ("RELATIVE_DATE_WORDS", tuple(RELATIVE_DATE_WORDS)),
    ("TONE_MARKED_VOWELS", tuple(TONE_MARKED_VOWELS)),
    ("TRAILING_WIDGETS", TRAILING_WIDGETS),
):
    alternation(_group, name=_name)
