"""Test pages built from short excerpts of the captured seed article (../shared/seeds)."""

from __future__ import annotations

# Short excerpts of shared/seeds/000_93bf28a6a7f39f23.txt (traditional, with inline pinyin).
SEED_TITLE = "下沉一線!東營798名機(jī)關(guān)干部基層“上崗”助力防疫和復(fù)工復(fù)產(chǎn)"
SEED_PARAGRAPHS = (
    "為統(tǒng)籌疫情防控和經(jīng)濟(jì)社會發(fā)展工作,東營市于2月23日印發(fā)《關(guān)于選派干部人才參與一線疫情防控的通知》,"
    "連夜抽調(diào)456名機(jī)關(guān)干部參與指導(dǎo)幫助一線疫情防控工作。",
    "2月24日下午,300名社區(qū)疫情防控工作指導(dǎo)服務(wù)組隊員也已經(jīng)全部到崗到位,深入基層、直插一線,"
    "對社區(qū)(村)落實疫情防控情況進(jìn)行督促指導(dǎo),並協(xié)助開展巡查工作。",
    "截至目前,全市共798名機(jī)關(guān)干部下沉一線到社區(qū)企業(yè)“上崗”,全力筑牢基層疫情防控堅固防線,"
    "全面恢復(fù)正常生產(chǎn)生活秩序。",
)
SEED_BYLINE = "(記者 李懷蘋)"
SEED_DISCLAIMER = (
    "德州新聞網(wǎng)版權(quán)與免責(zé)聲明:",
    "①凡本網(wǎng)注明“來源:德州新聞網(wǎng)”的所有作品,版權(quán)均屬于德州新聞網(wǎng),未經(jīng)本網(wǎng)授權(quán)不得轉(zhuǎn)載、摘編或利用其它方式使用上述作品。",
    "②凡本網(wǎng)注明“來源:XXX(非德州新聞網(wǎng))”的作品,均轉(zhuǎn)載自其它媒體,轉(zhuǎn)載目的在於傳遞更多信息,並不代表本網(wǎng)贊同其觀點(diǎn)和對其真實性負(fù)責(zé)。",
)


def news_page(
    paragraphs: tuple[str, ...] | list[str],
    *,
    title: str = "下沉一線 東營798名機關干部基層上崗",
    meta_charset: str | None = "utf-8",
    date_line: str = "2020-02-25 08:30 來源：德州新聞網",
    inside: tuple[str, ...] | list[str] = (),
    outside: tuple[str, ...] | list[str] = (),
    pagination: str = "",
) -> str:
    """A regional-portal style article page: nav, headline, date line, body, footer."""
    meta = f'<meta charset="{meta_charset}">' if meta_charset else ""
    body = "".join(f"<p>{p}</p>" for p in (*paragraphs, *inside))
    after = "".join(f"<p>{p}</p>" for p in outside)
    nav = "".join(f'<li><a href="/c{i}/">频道{i}</a></li>' for i in range(8))
    return (
        f"<!DOCTYPE html><html><head>{meta}<title>{title}_德州新聞網</title></head><body>"
        f'<div class="nav"><ul>{nav}</ul></div>'
        f'<div class="main"><h1>{title}</h1><div class="info">{date_line}</div>'
        f'<div class="content" id="content">{body}{pagination}</div></div>'
        f'<div class="footer">{after}<p>關於我們 | 聯系我們</p></div></body></html>'
    )
