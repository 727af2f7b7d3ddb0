"""What the demo site publishes, as data, so tests can compare what was stored with what was published.

Everything here is fictional (鲁北市 and its counties do not exist) and written for this project.
The expected clean text of an article is its paragraphs joined by newlines: no byline, no editor line,
no disclaimer, no pinyin. ``byline`` is the exact string the page shows instead (it must not end up
in the stored text); ``authors`` lists every person named in it, reporters and correspondents alike.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal
from zoneinfo import ZoneInfo

#: The site's time zone: every date printed on a page is local time without an offset.
TZ = ZoneInfo("Asia/Shanghai")

SITE_NAME = "鲁北演示新闻网"
#: The site's own newspaper, named as 来源 on most local stories.
DAILY = "鲁北日报"
#: Validators for pages that never change (CSS, robots, edge resources).
SITE_LAUNCHED = datetime(2026, 11, 1, 8, 0, tzinfo=TZ)
ICP_NUMBER = "鲁ICP备20260000号-1"
REPORT_PHONE = "0000-12345678"

DISCLAIMER_TITLE = f"{SITE_NAME}版权与免责声明："
DISCLAIMER_PARAGRAPHS = (
    f"①凡本网注明“来源：{SITE_NAME}”或“来源：{DAILY}”的所有作品，版权均属于{SITE_NAME}，"
    "未经本网书面授权不得转载、摘编或以其他方式使用。已获授权的，应在授权范围内使用并注明来源。",
    "②凡本网注明“来源：XXX（非本网）”的作品，均转载自其他媒体，转载目的在于传递更多信息，"
    "不代表本网赞同其观点，也不对其真实性负责。",
    "③如因作品内容、版权等问题需要与本网联系的，请在作品发表之日起30日内进行。",
)

#: Phrases of the page chrome and boilerplate; none of them may reach a stored article text.
BOILERPLATE_MARKERS = (
    "免责声明",
    "责任编辑",
    "分享到",
    "打印本页",
    "关闭窗口",
    "版权所有",
    "未经授权不得转载",
    "ICP备",
    "举报电话",
    "网友评论",
    "相关新闻",
    "热点排行",
    "上一页",
    "下一页",
)

BylineStyle = Literal["meta", "lead", "tail", "photo"]
Script = Literal["simplified", "traditional"]


@dataclass(frozen=True, slots=True)
class Section:
    """One channel of the portal, with its own URL prefix, template and encoding."""

    key: str
    name: str
    #: URL path prefix, ending in "/".
    path: str
    #: Charset label as sent in Content-Type and <meta>; also a Python codec name.
    charset: str
    #: "portal" (current CMS, UTF-8) or "legacy" (the county channel's old table layout).
    template: Literal["portal", "legacy"]

    def list_path(self, page: int = 0) -> str:
        """Path of list page ``page`` (0 = index.htm, then index_1.htm, index_2.htm ...)."""
        return f"{self.path}index.htm" if page == 0 else f"{self.path}index_{page}.htm"


SECTIONS = (
    Section("local", "本地新闻", "/news/local/", "utf-8", "portal"),
    Section("society", "社会民生", "/news/society/", "utf-8", "portal"),
    Section("county", "县区动态", "/county/", "GBK", "legacy"),
)
SECTIONS_BY_KEY = {section.key: section for section in SECTIONS}


@dataclass(frozen=True, slots=True)
class DemoArticle:
    """One published article: the facts a crawl of the demo site should end up storing."""

    id: int
    section: str
    title: str
    #: Publication time as printed on the page (Asia/Shanghai).
    published: datetime
    #: Clean paragraphs per page; more than one page makes a multi-page article.
    pages: tuple[tuple[str, ...], ...]
    authors: tuple[str, ...]
    #: The outlet named by 来源.
    source: str
    editors: tuple[str, ...]
    #: The byline exactly as printed; never part of ``text``.
    byline: str
    #: Where the byline is printed: "meta" (info line under the title), "lead" (prefix of the first
    #: paragraph), "tail" (own paragraph after the text), "photo" (own paragraph before the text).
    byline_style: BylineStyle
    keywords: tuple[str, ...] = ()
    #: Characters annotated with <ruby> pinyin on the page, as (character, pinyin) pairs.
    ruby: tuple[tuple[str, str], ...] = ()
    script: Script = "simplified"
    #: The copyright/disclaimer block sits inside the body container (else in the footer area).
    disclaimer_in_body: bool = False
    #: alt text of a photo printed above the text (photo stories only).
    photo: str | None = None
    #: Correction paragraphs appended by later edits (see ``correction_paragraph``).
    corrections: tuple[str, ...] = ()
    #: Time of the last edit; None while the article is as first published.
    modified: datetime | None = None

    @property
    def section_info(self) -> Section:
        """The article's section."""
        return SECTIONS_BY_KEY[self.section]

    @property
    def paragraphs(self) -> tuple[str, ...]:
        """Every clean paragraph in reading order, corrections last."""
        return (*(p for page in self.pages for p in page), *self.corrections)

    @property
    def text(self) -> str:
        """The expected stored body text: paragraphs joined by newlines."""
        return "\n".join(self.paragraphs)

    @property
    def page_count(self) -> int:
        """Number of pages the article is split over."""
        return len(self.pages)

    @property
    def charset(self) -> str:
        """Charset its pages are served in."""
        return self.section_info.charset

    @property
    def is_gbk(self) -> bool:
        """Served as GBK bytes."""
        return self.charset.lower() != "utf-8"

    @property
    def path(self) -> str:
        """Path of the first page, e.g. /news/local/2026-11/27/content_1001.htm."""
        return self.page_path(1)

    def page_path(self, page: int) -> str:
        """Path of page ``page`` (1-based): content_ID.htm, then content_ID_2.htm ..."""
        suffix = "" if page == 1 else f"_{page}"
        return f"{self.section_info.path}{self.published:%Y-%m/%d}/content_{self.id}{suffix}.htm"

    @property
    def page_paths(self) -> tuple[str, ...]:
        """Paths of every page in order."""
        return tuple(self.page_path(n) for n in range(1, self.page_count + 1))

    def url(self, base_url: str) -> str:
        """Absolute URL of the first page on a server at ``base_url``."""
        return base_url.rstrip("/") + self.path

    def page_urls(self, base_url: str) -> tuple[str, ...]:
        """Absolute URLs of every page in order."""
        return tuple(base_url.rstrip("/") + path for path in self.page_paths)

    @property
    def description(self) -> str:
        """Summary for <meta name="description"> and feeds: the start of the first paragraph."""
        first = self.paragraphs[0]
        return first if len(first) <= 80 else first[:80] + "……"


def correction_paragraph(revision: int) -> str:
    """The paragraph the admin edit endpoint appends (revision counts edits from 1)."""
    return f"【更正】本文发布后，编辑部对文中部分数据进行了核实，现已更正。（第{revision}次修订）"


def _at(day: int, hour: int, minute: int, second: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, second, tzinfo=TZ)


ARTICLES: tuple[DemoArticle, ...] = (
    DemoArticle(
        id=1001,
        section="local",
        title="新湖大道改造提升工程完工 全线恢复通车",
        published=_at(27, 9, 30, 15),
        pages=(
            (
                "11月26日上午，随着最后一段沥青面层摊铺完成，历时七个月的新湖大道改造提升工程全线完工，"
                "这条连接河东区与市经济开发区的城市主干道正式恢复双向通车。",
                "新湖大道建成于2003年，全长6.8公里，是市区东西向交通的重要通道。近年来，随着沿线居住小区和"
                "商业网点不断增多，道路路面破损、排水不畅、非机动车道狭窄等问题日益突出，早晚高峰拥堵时有发生。"
                "今年4月，市住建部门启动改造工程，对道路实施“白改黑”、雨污分流和慢行系统建设。",
                "“以前下班开车走这段路，光是过新湖桥路口就要等三四个红灯。”家住新湖花园小区的市民刘先生说，"
                "现在路口增加了左转待行区，信号灯也实现了绿波协调，通行时间明显缩短。",
                "据项目负责人介绍，此次改造共铺设沥青路面约21万平方米，新建雨水管道9.2公里，将原有的机非混行"
                "车道调整为独立的非机动车道，并在沿线12所学校、医院周边增设了港湾式公交站台和过街安全岛。"
                "工程还同步实施了绿化提升，补植国槐、白蜡等乡土树种1300余株。",
                "为减少施工对市民出行的影响，工程采取分段封闭、半幅施工的方式推进，并在夜间集中进行管线迁改"
                "作业。市交警部门在施工期间设置临时导向标志260余块，安排警力在重点路口疏导交通。",
                "市住建局相关负责人表示，明年将继续实施运河路、广场北路等5条道路的改造提升，进一步完善城市"
                "路网，让群众出行更安全、更便捷。",
            ),
        ),
        authors=("王晓明", "李娜"),
        source=DAILY,
        editors=("张丽",),
        byline="作者：记者 王晓明 通讯员 李娜",
        byline_style="meta",
        keywords=("新湖大道", "道路改造", "城市交通"),
    ),
    DemoArticle(
        id=1002,
        section="local",
        title="我市今冬明春农田水利基本建设全面启动",
        published=_at(25, 16, 45, 20),
        pages=(
            (
                "11月24日，鲁北市今冬明春农田水利基本建设现场推进会在临河县召开，标志着全市冬春水利建设全面"
                "铺开。记者从会上获悉，今冬明春全市计划完成水利建设投资18.6亿元，实施各类工程1400余项。",
                "今年汛期，我市经受住了多轮强降雨考验，但也暴露出部分沟渠淤积、桥涵老化等短板。市水利局农村"
                "水利科科长高建华介绍，此次冬春水利建设将以“清沟、疏渠、固堤、配套”为重点，对全市骨干排水"
                "河道和田间末级渠系进行集中清淤整治，计划清淤土方860万立方米，新建、维修桥涵闸站320座。",
                "在临河县刘庄镇的施工现场，几台挖掘机正在清理青沙河支流的淤泥，运输车辆往来穿梭。“这条沟有"
                "十几年没彻底清过了，一到汛期就往地里倒灌。”正在现场查看进度的村民王长河说，清淤之后，周边"
                "两千多亩麦田的排灌问题都能得到解决。",
                "推进会要求，各县（市、区）要抢抓冬季农闲有利时机，统筹用好高标准农田建设、水利发展等各类"
                "资金，严格落实工程质量终身责任制，确保明年汛期前全部完工并发挥效益。",
            ),
        ),
        authors=("赵敏", "孙浩"),
        source=DAILY,
        editors=("张丽",),
        byline="本报讯（记者 赵敏 通讯员 孙浩）",
        byline_style="lead",
        keywords=("农田水利", "冬春水利建设", "防汛"),
        disclaimer_in_body=True,
    ),
    DemoArticle(
        id=1003,
        section="local",
        title="市区今年新增12处公共停车场 新增泊位2860个",
        published=_at(24, 10, 12, 30),
        pages=(
            (
                "记者从市城市管理局获悉，今年以来，我市利用边角地、闲置地和机关单位院落，在市区新建、改建"
                "公共停车场12处，新增停车泊位2860个，目前已全部投入使用。",
                "这些停车场主要分布在老城区、医院、学校和大型商超周边等停车需求集中的区域。其中，位于市人民"
                "医院东侧的立体停车场共有5层、泊位486个，是目前市区规模最大的公共停车设施，有效缓解了医院"
                "周边“停车难”问题。",
                "“过去来医院看病，光找车位就得转上二十分钟，有时只能停到两站地以外。”市民张女士说，现在在"
                "手机上就能查到空余车位，到了直接进场，方便多了。",
                "据了解，新建停车场全部接入全市智慧停车平台，市民可通过“鲁北停车”小程序实时查询空余泊位、"
                "预约车位和无感支付。收费标准实行首小时免费、白天与夜间差异化定价，鼓励短时停放、提高周转率。",
                "市城市管理局有关负责人表示，下一步将继续挖掘停车资源，推动机关企事业单位停车场在夜间和节假日"
                "向社会错时开放，力争明年再新增公共停车泊位3000个。",
            ),
        ),
        authors=("刘洋",),
        source=DAILY,
        editors=("周婷",),
        byline="文/图 本报记者 刘洋",
        byline_style="photo",
        keywords=("停车场", "智慧停车", "城市管理"),
        photo="市人民医院东侧新建成的立体停车场",
    ),
    DemoArticle(
        id=1004,
        section="society",
        title="城区集中供暖平稳运行 供热服务热线24小时值守",
        published=_at(26, 8, 0, 0),
        pages=(
            (
                "截至11月25日，我市城区集中供暖已平稳运行10天。记者从市供热服务中心了解到，今年采暖季全市"
                "集中供热面积达到4680万平方米，比上一采暖季增加约210万平方米，新增供热用户1.9万户。",
                "为确保群众温暖过冬，各供热企业在停暖期间完成了管网改造和设备检修，累计更换老旧管网38公里，"
                "改造换热站64座。供热期间，供热企业实行24小时值班制度，12345政务服务便民热线和各企业客服热线"
                "同步受理供热投诉和咨询。",
                "“往年刚开始供暖时，家里温度总是上不来，今年一开栓屋里就有十九度多。”家住河东区建设路小区的"
                "退休职工陈大爷说。",
                "市供热服务中心提醒，居民如发现室温不达标、暖气漏水等情况，可拨打供热企业服务电话报修；请勿"
                "私自放水、私接暖气片，以免影响管网运行和自身安全。",
            ),
        ),
        authors=("孙悦",),
        source=DAILY,
        editors=("王芳",),
        byline="本报讯（记者 孙悦）",
        byline_style="lead",
        keywords=("供暖", "供热", "民生"),
    ),
    DemoArticle(
        id=1005,
        section="local",
        title="鲁北：昔日盐碱滩 今朝“米粮川”",
        published=_at(22, 14, 5, 0),
        pages=(
            (
                "初冬时节，在鲁北市北部沿海的盐碱地改良示范区，新播的冬小麦已经出苗，一垄垄麦苗在平整的条田里"
                "整齐排列。几年前，这里还是寸草难生的盐碱荒滩。",
                "鲁北市耕地中有相当一部分属于轻中度盐碱地。当地通过“上农下渔”、暗管排盐、增施有机肥等措施"
                "改良土壤，同时引进筛选耐盐碱小麦、大豆品种，逐步让盐碱地变成稳产田。",
                "“我们在地下一米多深的地方铺设了排盐暗管，浇水时盐分随水排走，土壤含盐量一年比一年低。”"
                "示范区技术员吴海涛说，改良后的地块小麦亩产已从不足三百斤提高到八百多斤。",
                "据介绍，鲁北市已累计改良盐碱地20余万亩，并与省内多家科研院所合作建立耐盐碱作物育种基地，"
                "推动盐碱地综合利用从“改地适种”向“改地”与“选种适地”并重转变。",
            ),
        ),
        authors=("陈刚",),
        source="新华社",
        editors=("周婷",),
        byline="新华社济南11月22日电（记者 陈刚）",
        byline_style="lead",
        keywords=("盐碱地", "冬小麦", "耕地保护"),
    ),
    DemoArticle(
        id=1006,
        section="society",
        title="“书香鲁北”少儿汉字书写大赛决赛落幕",
        published=_at(25, 11, 20, 0),
        pages=(
            (
                "11月23日，由市教育局、市文明办联合主办的“书香鲁北”少儿汉字书写大赛决赛在市青少年宫举行，"
                "来自全市各县（市、区）的126名中小学生同场竞技，比拼硬笔书法和汉字听写。",
                "决赛分为小学低年级组、小学高年级组和初中组，设置“规范书写”“汉字听写”“成语接龙”三个环节。"
                "在汉字听写环节，“翱翔”“蹒跚”“斟酌”“饕餮”等易错字词接连出现，选手们沉着应答，现场不时"
                "响起掌声。",
                "“平时在家练字，妈妈会陪我一起读字帖，还给我讲每个字是怎么来的。”获得小学低年级组一等奖的"
                "市实验小学二年级学生李若溪说，她最喜欢的字是“春”，因为写起来像一棵正在发芽的小树。",
                "评委、市书法家协会副主席宋振东表示，选手们的书写整体规范，笔画、结构把握较好，不少孩子已经"
                "具备了一定的书法功底。他建议家长和老师引导孩子多读多写，在日常书写中养成良好习惯。",
                "据悉，此次大赛自9月启动以来，共有5万余名学生参加了校级和县级选拔。主办方还将从参赛作品中"
                "选出200幅优秀作品，在市图书馆进行为期一个月的展览。",
            ),
        ),
        authors=("周文静",),
        source="鲁北晚报",
        editors=("王芳",),
        byline="作者：周文静",
        byline_style="meta",
        keywords=("汉字书写", "书法", "教育"),
        ruby=(
            ("翱", "áo"),
            ("翔", "xiáng"),
            ("蹒", "pán"),
            ("跚", "shān"),
            ("斟", "zhēn"),
            ("酌", "zhuó"),
            ("饕", "tāo"),
            ("餮", "tiè"),
        ),
    ),
    DemoArticle(
        id=1007,
        section="local",
        title="我市24小时城市书房增至30家",
        published=_at(18, 20, 15, 45),
        pages=(
            (
                "11月18日，位于东沙区滨河公园内的“青沙河畔”城市书房正式开放，这是我市建成的第30家24小时"
                "城市书房。至此，市区主要街道和大型社区基本实现城市书房全覆盖。",
                "走进这家书房，落地窗外是冬日的河景，室内书架上整齐摆放着文学、历史、少儿、生活等各类图书"
                "6000余册。读者只需刷身份证或扫描读者证二维码即可进门，自助借还设备与市图书馆系统联网，实现"
                "“一证通借、通借通还”。",
                "“晚上下了班过来坐一会儿，环境安静，还有热水和充电插座，比在家里看书更容易静下心来。”在附近"
                "工作的年轻人小赵说，他几乎每周都要来两三次。",
                "据市图书馆负责人介绍，城市书房采取“政府主导、社会参与”的模式建设，由属地街道提供场地，"
                "市图书馆负责图书配送和业务指导。今年以来，全市城市书房累计接待读者42万人次，借还图书18万"
                "册次，举办读书分享、亲子阅读等活动300余场。",
            ),
        ),
        authors=("林夕", "马睿"),
        source=DAILY,
        editors=("张丽",),
        byline="(记者 林夕 通讯员 马睿)",
        byline_style="tail",
        keywords=("城市书房", "全民阅读", "图书馆"),
    ),
    DemoArticle(
        id=1008,
        section="society",
        title="魯北冬季長跑節開跑 三千餘名跑友奔跑迎冬",
        published=_at(23, 19, 40, 0),
        pages=(
            (
                "11月22日上午，2026魯北冬季長跑節在市奧體中心鳴槍開跑，來自全市各地的3200餘名跑步愛好者參加了"
                "比賽，在初冬的晨光中用奔跑迎接冬天的到來。",
                "本屆長跑節設置10公里跑、5公里健康跑和親子跑三個項目，賽道沿青沙河濱河綠道延伸，途經濕地公園、"
                "運河文化廣場等城市景觀。賽道沿線設置了6處補給站和4個醫療救護點，200餘名志願者為選手提供服務。",
                "“今年是我第三次參加長跑節，賽道比往年更漂亮了，沿途還有市民給我們加油。”跑完10公里的市民"
                "黃海燕說，她和跑團的朋友們每週都會在綠道上訓練。",
                "在親子跑項目中，不少家長帶著孩子一起參賽，年齡最小的參賽者只有5歲。主辦方還在終點區設置了"
                "體質監測、科學健身指導等服務攤位，吸引了眾多市民駐足諮詢。",
                "據瞭解，冬季長跑節已連續舉辦六屆，成為我市全民健身的品牌賽事。市體育局表示，今後將繼續完善"
                "城市綠道等健身設施，引導更多市民走出家門、科學健身。",
            ),
        ),
        authors=("杜丹",),
        source=DAILY,
        editors=("王芳",),
        byline="（記者 杜丹）",
        byline_style="tail",
        keywords=("长跑节", "全民健身", "体育"),
        script="traditional",
    ),
    DemoArticle(
        id=1009,
        section="society",
        title="市第二人民医院开设夜间门诊 方便上班族就医",
        published=_at(21, 10, 30, 0),
        pages=(
            (
                "“白天上班请不下假，晚上下班后能来看病，真是太方便了。”11月20日晚上7点，在市第二人民医院"
                "门诊大厅，刚刚做完检查的市民王女士说。",
                "为解决上班族、学生等群体白天就医难的问题，市第二人民医院从11月16日起开设夜间门诊，开诊时间"
                "为工作日17:30至21:00，开设内科、外科、儿科、妇科、眼科、口腔科等10个科室，均由主治医师以上"
                "职称的医生坐诊。",
                "医院门诊部主任刘晓燕介绍，夜间门诊期间，挂号、缴费、检验、影像检查和药房等窗口同步开放，"
                "患者可在一个晚上完成从就诊到取药的全流程。开诊一周以来，夜间门诊累计接诊患者1100余人次，"
                "其中儿科和口腔科就诊人数最多。",
                "据了解，市民可通过医院微信公众号提前预约夜间门诊号源，也可现场挂号。医院将根据运行情况，"
                "适时增加夜间门诊科室和出诊医生数量。",
            ),
        ),
        authors=("韩雪",),
        source="鲁北晚报",
        editors=("王芳",),
        byline="作者：韩雪",
        byline_style="meta",
        keywords=("夜间门诊", "医疗服务", "民生"),
    ),
    DemoArticle(
        id=1010,
        section="local",
        title="一条老河的新生——青沙河生态修复治理纪实",
        published=_at(20, 8, 30, 0),
        pages=(
            (
                "初冬的清晨，青沙河面上升起一层薄薄的水雾。几只白鹭从芦苇丛中掠起，贴着水面飞向远处。沿河"
                "晨练的市民放慢脚步，举起手机拍下这一幕。",
                "很难想象，五年前的青沙河还是另一番模样。作为流经鲁北城区的一条老河，青沙河曾承担着城区"
                "排涝和农田灌溉的重要功能。上世纪九十年代以后，沿岸小作坊、养殖场逐渐增多，生活污水和工业"
                "废水直排入河，河道淤积严重，水体黑臭，成了附近居民最无奈的记忆。",
                "“那时候夏天根本不敢开窗，一刮风就是一股臭味。”在河边住了三十多年的退休教师何玉兰回忆说，"
                "小时候在河里洗衣服、摸鱼的场景，只能留在老照片里了。",
                "2021年，鲁北市启动青沙河综合治理工程，提出“控源截污、内源治理、生态修复、活水保质”的"
                "治理思路，计划用五年时间让这条老河重现清水绿岸。",
            ),
            (
                "治水先治污，治污先截源。治理工程首先从沿河排污口入手。市生态环境部门组织人员沿河逐一"
                "排查，共查出各类排污口186个，按照“一口一策”进行分类整治，关停取缔沿岸“散乱污”企业43家，"
                "搬迁养殖场21处。",
                "与此同时，城区沿河铺设截污管网27公里，新建污水处理厂一座，日处理能力5万吨，实现了沿河"
                "生活污水的全收集、全处理。“截污管网就像给河道穿上了一件防护衣，污水再也进不了河。”"
                "市住建局排水科工作人员说。",
                "内源治理同样是一场硬仗。河道底部沉积多年的淤泥是水体黑臭的重要原因。施工单位采用环保"
                "绞吸清淤技术，共清除底泥42万立方米，清出的淤泥经脱水固化后用于绿化造地，实现了资源化"
                "利用。",
                "在此基础上，治理工程在河道两侧建设了总面积1200亩的人工湿地，种植芦苇、香蒲、荷花等水生"
                "植物，投放鱼苗、螺蛳等水生动物，构建起“水下森林”，依靠自然的力量净化水质。",
            ),
            (
                "如今，青沙河城区段水质已稳定达到地表水Ⅳ类标准，部分河段达到Ⅲ类标准。沿河建成的32公里"
                "滨河绿道串起了湿地公园、运河文化广场等9处公园节点，成为市民休闲健身的好去处。",
                "水清了，岸绿了，鸟儿也回来了。市野生动物保护协会的监测数据显示，青沙河沿线记录到的鸟类"
                "已从治理前的40余种增加到112种，其中包括国家二级保护动物白琵鹭、鸳鸯等。",
                "“现在每天吃完晚饭，我都要和老伴儿沿着河边走上一圈。”何玉兰说，看着河水一天天变清，心里"
                "特别舒坦。",
                "谈及下一步打算，市水利局有关负责人表示，将建立河道长效管护机制，落实河长制责任，推进智慧"
                "河湖监测平台建设，让青沙河的清水绿岸长久保持下去。",
            ),
        ),
        authors=("郑宇", "宋佳"),
        source=DAILY,
        editors=("刘畅", "何静"),
        byline="作者：本报记者 郑宇 宋佳",
        byline_style="meta",
        keywords=("青沙河", "生态修复", "河长制"),
    ),
    DemoArticle(
        id=1011,
        section="society",
        title="老旧小区加装电梯 今年已有86部投入使用",
        published=_at(17, 9, 45, 0),
        pages=(
            (
                "“以前上下楼得歇好几回，现在电梯直接到家门口，下楼遛弯、买菜都不发愁了。”11月16日，在河东区"
                "纺织厂宿舍3号楼，78岁的居民孙桂芳一边按下电梯按钮一边说。",
                "纺织厂宿舍建于上世纪九十年代初，共有6栋6层住宅楼，60岁以上老人占居民总数的四成以上。今年"
                "6月，在社区和街道的协调下，3号楼全体业主达成一致意见，申请加装电梯，从方案设计、审批到竣工"
                "验收仅用了4个多月。",
                "据市住建局介绍，今年以来，我市将既有住宅加装电梯纳入为民办实事项目，简化审批流程，推行"
                "“一窗受理、并联审批”，并对每部电梯给予最高15万元财政补贴。截至目前，全市已有86部加装电梯"
                "完成验收投入使用，另有54部正在施工。",
                "针对加装电梯中常见的低层住户意见不一、费用分摊难等问题，各社区探索建立“楼长协调、律师参与、"
                "居民议事”的工作机制，引导居民按照楼层差异合理分担费用，有效化解了邻里矛盾。",
            ),
        ),
        authors=("高远", "程诺"),
        source=DAILY,
        editors=("王芳",),
        byline="作者：记者 高远 实习生 程诺",
        byline_style="meta",
        keywords=("加装电梯", "老旧小区", "适老化"),
    ),
    DemoArticle(
        id=1012,
        section="county",
        title="临河县农技人员进村入户指导冬小麦田间管理",
        published=_at(26, 17, 5),
        pages=(
            (
                "入冬以来，临河县组织120余名农技人员深入全县14个乡镇，开展冬小麦冬前田间管理技术指导，帮助"
                "农民夯实明年夏粮丰收基础。",
                "在临河县王集镇的麦田里，县农业技术推广中心高级农艺师徐长青蹲在地头，拔起一株麦苗仔细查看"
                "根系和分蘖情况。“今年播种期间墒情适宜，大部分麦田苗情较好，但也有一部分晚播麦田分蘖偏少，"
                "要抓紧时间浇好越冬水，适当追施肥料。”徐长青一边说，一边向围拢过来的种植户讲解管理要点。",
                "据了解，今年临河县冬小麦播种面积达到82万亩，其中一、二类苗占比超过八成。为确保小麦安全越冬，"
                "县农业农村局制定了分类管理技术方案，针对旺长、弱苗和晚播麦田分别提出镇压、追肥、浇水等措施，"
                "并通过广播、微信群和“田间课堂”等形式进行宣传。",
                "“农技员手把手教，我们心里就有底了。”王集镇种粮大户赵庆丰流转了600多亩土地种植小麦，他说，"
                "按照技术员的建议，他已经安排好机械，准备在本月底前完成越冬水浇灌。",
            ),
        ),
        authors=("张建国",),
        source="临河县融媒体中心",
        editors=("孟丽",),
        byline="作者：张建国",
        byline_style="meta",
        keywords=("冬小麦", "田间管理", "农技服务"),
    ),
    DemoArticle(
        id=1013,
        section="county",
        title="安澜县首届黑陶文化节开幕",
        published=_at(24, 15, 30),
        pages=(
            (
                "11月24日，安澜县首届黑陶文化节在县城文化广场开幕。来自全县的60余家黑陶企业和手工作坊集中"
                "展示了2000余件黑陶作品，吸引了大批市民和外地游客前来参观选购。",
                "安澜黑陶制作技艺已有上百年历史，以“黑如漆、亮如镜、薄如纸、硬如瓷”著称，2019年被列入省级"
                "非物质文化遗产代表性项目名录。近年来，当地通过建设黑陶产业园、举办技能培训等方式，推动这项"
                "传统技艺走上产业化发展之路。",
                "在文化节现场，省级非遗传承人郭守义正在拉坯台前演示黑陶制作。只见一团湿润的陶泥在他手中不断"
                "旋转、升高，不到十分钟便成了一只造型优美的花瓶。“黑陶从选土、拉坯、打磨到烧制，要经过二十"
                "多道工序，每一道都马虎不得。”郭守义说。",
                "本届文化节为期三天，期间还将举办黑陶精品评选、非遗技艺体验、文创产品展销等系列活动。据统计，"
                "安澜县目前共有黑陶生产经营主体300余家，从业人员5000余人，产品远销全国20多个省份。",
            ),
        ),
        authors=("马骏", "田甜"),
        source="安澜县融媒体中心",
        editors=("孟丽",),
        byline="（记者 马骏 通讯员 田甜）",
        byline_style="tail",
        keywords=("黑陶", "非物质文化遗产", "文化节"),
        disclaimer_in_body=True,
    ),
    DemoArticle(
        id=1014,
        section="county",
        title="清平县今年完成农村公路提档升级210公里",
        published=_at(22, 9, 0),
        pages=(
            (
                "记者日前从清平县交通运输局获悉，今年清平县共完成农村公路提档升级工程210公里，改造危桥15座，"
                "新增村级公路安全防护设施68公里，全县农村公路优良中等路率达到90%以上。",
                "走在清平县杨集乡新修好的乡村公路上，平整的柏油路面蜿蜒穿过田野，路两侧的行道树和太阳能路灯"
                "整齐排列。“以前一下雨路上全是泥，收玉米的车开不进来，现在路修到了地头，粮食能直接拉走。”"
                "杨集乡后刘村党支部书记刘振华说。",
                "清平县在农村公路建设中坚持“建管养运”一体推进，在全县推行“路长制”，县、乡、村三级路长分段"
                "负责公路日常巡查和养护，并聘用280名村级护路员，做到“有路必养、养必到位”。",
                "同时，该县依托农村公路网络开通城乡公交线路26条，实现了“村村通公交”，群众出行平均等车时间"
                "缩短到20分钟以内。",
            ),
        ),
        authors=("韩冰",),
        source="清平县融媒体中心",
        editors=("孟丽",),
        byline="记者 韩冰",
        byline_style="meta",
        keywords=("农村公路", "四好农村路", "交通"),
    ),
    DemoArticle(
        id=1015,
        section="county",
        title="东沙区社区长者食堂让老人吃上“暖心饭”",
        published=_at(19, 16, 10),
        pages=(
            (
                "11月19日中午11点，东沙区滨河街道幸福里社区长者食堂里飘出阵阵饭菜香，前来就餐的老人们陆续落座。"
                "今天的菜品有红烧鸡块、白菜炖豆腐、清炒西葫芦，还有小米粥和馒头。",
                "“一荤两素一汤，才花8块钱，吃得饱也吃得好。”75岁的独居老人邢德顺是食堂的常客，他说，自己年纪"
                "大了做饭不方便，以前经常凑合着吃一顿，现在每天都能吃上热乎饭菜。",
                "据了解，东沙区今年新建社区长者食堂18处，对辖区60岁以上老年人按年龄段给予每餐1元至3元不等的"
                "就餐补贴，对行动不便的老人提供送餐上门服务。截至目前，各长者食堂累计提供助餐服务9.6万人次。",
                "东沙区民政局有关负责人表示，下一步将探索“中央厨房+社区配送”模式，引入专业餐饮企业参与运营，"
                "让更多老年人在家门口享受到方便实惠的助餐服务。",
            ),
        ),
        authors=("吕倩",),
        source="东沙区融媒体中心",
        editors=("孟丽",),
        byline="本网讯（通讯员 吕倩）",
        byline_style="lead",
        keywords=("长者食堂", "养老服务", "社区"),
    ),
    DemoArticle(
        id=1016,
        section="county",
        title="北岭县中小学课后服务实现全覆盖",
        published=_at(16, 11, 0),
        pages=(
            (
                "每天下午4点半放学铃声响起后，北岭县第二实验小学的校园依然热闹：操场上，足球队的孩子们正在"
                "进行传球训练；美术教室里，学生们在老师指导下创作剪纸作品；阅览室里，一些学生安静地完成当天的"
                "作业。",
                "今年秋季学期开学以来，北岭县全面推行中小学课后服务“5+2”模式，即每周5天、每天至少2小时，"
                "全县76所义务教育学校实现课后服务全覆盖，学生参与率达到93%。",
                "“以前孩子放学早，我们下班晚，中间这段时间只能托给老人或者送去校外托管班。现在孩子在学校写完"
                "作业还能参加社团活动，我们接孩子的时候也不用着急了。”学生家长王莉说。",
                "北岭县教育和体育局相关负责人介绍，课后服务内容分为作业辅导和兴趣拓展两部分，学校结合实际开设"
                "了体育、艺术、科技、劳动等各类社团420余个，并引进退休教师、非遗传承人等社会力量参与，满足"
                "学生多样化需求。",
            ),
        ),
        authors=("姜楠",),
        source="北岭县教育和体育局",
        editors=("孟丽",),
        byline="作者：通讯员 姜楠",
        byline_style="meta",
        keywords=("课后服务", "义务教育", "双减"),
    ),
)

#: Written but not yet published: ``POST /__admin__/add`` publishes them (incremental-crawl tests).
PENDING_ARTICLES: tuple[DemoArticle, ...] = (
    DemoArticle(
        id=1101,
        section="local",
        title="我市迎来今冬首场降雪 环卫工人连夜除雪保畅通",
        published=_at(28, 7, 50, 0),
        pages=(
            (
                "11月27日夜间至28日早晨，我市迎来今冬首场降雪，全市平均降雪量4.2毫米。降雪发生后，市城市管理"
                "部门立即启动除雪应急预案，组织环卫工人和除雪车辆连夜作业，保障城区主要道路通行顺畅。",
                "28日凌晨4点，记者在新湖大道与运河路路口看到，十余辆除雪车辆正沿着车道缓缓行进，环卫工人们"
                "挥动扫帚、推着雪铲清理路口和人行道上的积雪。“雪一停我们就上路了，要赶在早高峰前把主干道"
                "清出来。”环卫工人李秀荣说。",
                "据统计，全市共出动环卫工人3600余人次、除雪机械车辆210台次，撒布融雪剂120吨，截至28日上午"
                "7时，城区主次干道积雪已基本清除。气象部门提醒，未来三天我市气温较低，早晚路面易结冰，请广大"
                "市民出行注意防滑。",
            ),
        ),
        authors=("王晓明",),
        source=DAILY,
        editors=("张丽",),
        byline="本报讯（记者 王晓明）",
        byline_style="lead",
        keywords=("降雪", "除雪", "城市管理"),
    ),
    DemoArticle(
        id=1102,
        section="society",
        title="流感疫苗接种进入高峰期 专家提醒重点人群尽早接种",
        published=_at(28, 10, 20, 0),
        pages=(
            (
                "随着气温下降，我市流感疫苗接种进入高峰期。记者11月27日走访市区多家社区卫生服务中心了解到，"
                "前来接种流感疫苗的市民明显增多，其中以老年人和儿童居多。",
                "市疾病预防控制中心免疫规划科负责人介绍，流感疫苗接种后约两周产生保护性抗体，每年接种一次可以"
                "有效降低感染流感和发生重症的风险。60岁以上老年人、6月龄至5岁儿童、慢性病患者、医务人员和"
                "中小学生等重点人群应尽早接种。",
                "据了解，今年我市继续为65岁以上户籍老年人提供免费流感疫苗接种服务，市民可携带身份证到居住地"
                "附近的接种门诊接种，部分门诊已开通线上预约。",
                "专家提醒，接种疫苗的同时，市民还应保持勤洗手、常通风等良好卫生习惯，出现发热、咳嗽等症状时"
                "及时就医，避免带病上班、上学。",
            ),
        ),
        authors=("韩雪",),
        source="鲁北晚报",
        editors=("王芳",),
        byline="作者：韩雪",
        byline_style="meta",
        keywords=("流感疫苗", "疾病预防", "健康"),
    ),
    DemoArticle(
        id=1103,
        section="county",
        title="临河县“冬闲夜校”开课 农民学技能忙充电",
        published=_at(28, 15, 0),
        pages=(
            (
                "连日来，临河县各乡镇的“冬闲夜校”陆续开课。每天晚饭后，不少村民来到村党群服务中心，听农技"
                "专家讲授大棚蔬菜种植、农机维修、电商直播等实用技能。",
                "“白天忙完家里的活，晚上来学点新本事，开春就能用上。”刘庄镇东李村村民李国栋说，他今年打算"
                "扩建两个蔬菜大棚，夜校里学的温湿度管理知识正好派上用场。",
                "在王集镇的夜校课堂上，县农业技术推广中心的技术员正通过投影讲解小麦越冬期病虫害识别，不时停下来"
                "回答村民的提问。",
                "据了解，今年临河县共开设“冬闲夜校”210个教学点，计划培训农民2万人次，培训内容根据群众需求"
                "“点单”确定，做到农民需要什么就教什么。",
                "临河县农业农村局有关负责人表示，夜校结业后，还将组织技术人员跟踪回访，帮助学员解决生产中遇到"
                "的实际问题，让培训成果真正转化为增收本领。",
            ),
        ),
        authors=("张建国",),
        source="临河县融媒体中心",
        editors=("孟丽",),
        byline="作者：张建国",
        byline_style="meta",
        keywords=("农民培训", "冬闲夜校", "乡村振兴"),
    ),
)

ARTICLES_BY_ID = {article.id: article for article in (*ARTICLES, *PENDING_ARTICLES)}

#: The "热点排行" sidebar of article pages: fixed at publication, like on a static-page CMS.
HOT_IDS = (1010, 1001, 1006, 1013, 1008)

#: Reader comments shown under articles (chrome, never article text): (user, minutes after publication, text).
COMMENTS = (
    ("鲁北老李", 95, "为家乡的变化点赞！希望这样的好事越来越多。"),
    ("青沙河畔", 130, "记者写得很实在，身边的事看着亲切。"),
    ("运河人家", 210, "请问具体在哪里可以咨询？有没有电话？"),
    ("河东小王", 47, "支持！期待明年更好。"),
    ("网友a8f3k2", 305, "我们村也盼着这样的政策早点落地。"),
    ("临河老乡", 66, "看到家乡上新闻了，转给家里人看看。"),
)
