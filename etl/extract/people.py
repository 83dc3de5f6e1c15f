"""Named people with their role and organisation.

English: a title before a name ("Vice President Sun Lihua", "Prof. Anders Lindqvist",
"Director Qu Li of International Cooperation Department"), a role in apposition
("Wei Dongmei, public relations manager of BAIC", "Aibek Nurlanov, a new student from
Kazakhstan"), and names that follow the Chinese surname + given name shape. A surname
alone ("Prof. Macleod") refers back to a full name found elsewhere.

Chinese: a role word right before a name (副校长孙丽华, 机电工程学院院长何文博), foreign
names in their Latin form given in brackets (理查德·道斯（Richard Dawes）), the role
keeping its unit but not the partner's name (英国考文垂大学副校长 → 副校长, org Coventry).

Organisation: "of/at/from <org>" after the name or inside the role, "a delegation from
<org>, headed by …", else home for Chinese names and students, else the partner named
nearest before in the sentence or paragraph.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from etl.extract.fastre import guarded
from etl.extract.spans import SpanIndex
from etl.extract.text import Layout

CJK = re.compile(r"[\u4e00-\u9fff]")
SURNAMES_PINYIN = set("""
Wang Li Zhang Liu Chen Yang Huang Zhao Wu Zhou Xu Sun Ma Zhu Hu Guo He Gao Lin Luo Zheng Liang Xie Song Tang
Han Feng Deng Cao Peng Zeng Xiao Tian Dong Yuan Pan Cai Jiang Yu Du Ye Cheng Wei Su Lu Ding Ren Shen Yao Jin
Fu Zhong Lu Dai Cui Tan Liao Fan Wan Qiu Xia Qin Shi Hou Bai Meng Long Yan Qiao Qu Fang Gu Kong Mao Hao Shao
Qian Hong Duan Lei Tao Jia Wen Yin Niu Guan Mo Chang Lai Yi Ning Shang Zou Xiong Qi Ge Xing Fei Wu Ou Bao
Zhan Rao Kang Yue Zhai Ji Hua Bi Ling Xiang Chai Ni Chu Lan Miao Ouyang Sima Shangguan Zhuge Dongfang
Zha Nie Geng Gong Ruan Tong Shu Zuo Lyu Pu Bian Xin Diao Huo Kou Lou Rong Lian Quan Zang Zhuo Mu Yun Ke Leng
""".split())
SURNAMES_ZH = set("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐韩冯邓曹彭曾肖萧田董袁潘蔡蒋余于杜叶程魏苏吕丁任沈姚金付傅"
                  "钟卢戴崔谭廖范万邱夏秦石侯白孟龙严阎颜乔瞿方顾孔毛郝邵钱洪段雷陶贾温尹牛关莫常赖易宁尚邹熊齐葛邢费武欧鲍"
                  "詹饶康岳翟纪华毕凌向柴倪褚蓝苗左柳史汪谷姜邬屈符雍殷宝翁席邝庞沙聂祁施甘单车包卜晏冉盛芦殳彭"
                  "耿景覃鲁韦辛焦滕项管闫解巩隋米梅季俞涂霍穆栾植练佟荣寇桂麦甄裴阮阳鞠舒丛简缪尤伍郁鄢宗应祝娄"
                  "司谈商卫仇储逯戚江童晋章申庄乐操许宫陆薛黎贺龚汤樊兰柯骆靳岑臧闵卞姬巫桑郎仲虞敖佘苑迟窦牟蒲艾卓"
                  "朴区习")  # Korean-Chinese 朴 (朴雪涛), Cantonese 区 (區啟明)
SURNAMES_ZH2 = ("欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "令狐", "慕容", "司徒", "夏侯")
_TITLES = (r"(?:Vice[- ]President|Executive\s+Vice\s+President|President|Deputy\s+Director|Director|Vice\s+Dean|"
           r"Associate\s+Dean|Dean|Deputy\s+Secretary|Party\s+Secretary|Secretary|Vice[- ]Rector|Rector|"
           r"Vice[- ]Chancellor|Chancellor|Provost|Counsellor|"
           # a diplomat's title of several words ("Consul General He Wei", "Ambassador Extraordinary and Plenipotentiary of
           # the Republic of X to Y Ann Roe")
           r"Consul[- ]General|Ambassador\s+Extraordinary\s+and\s+Plenipotentiary(?:\s+of\s+(?:the\s+)?(?:Republic\s+of\s+)?"
           r"[A-Z][a-z]+(?:\s+[A-Z][a-z]+)??)?(?:\s+to\s+(?:the\s+)?[A-Z][a-z]+(?:\s+[A-Z][a-z]+)??)?|"
           r"Ambassador|Consul|Associate\s+Professor|"
           r"Assistant\s+Professor|Professor|Prof\.|Dr\.|Mr\.|Ms\.|Mrs\.|(?:Dr|Prof|Mr|Ms|Mrs|Sir)(?=\s+[A-Z])|Madam|Student|Chairman|"
           r"Program\s+Coordinator|Doctor|Academician|Prime\s+Minister|Minister|Rt\.?\s+Hon\.?(?=\s+[A-Z])|Hon\.(?=\s+[A-Z])|"
           r"Coordinator|Instructor|Lecturer|Vice\s+Principal|Principal|"
           # Miss, a project's or an office's manager, a monk's titles, the Polish "dr hab." and small "dr." / "prof.",
           # a doctor's title in brackets after another ("Prof. (Dr.) R.K. Mehta")
           r"Miss\.?(?=\s*[A-Z])|Project\s+Manager|Manager|Abbot|Venerable|Ven\.|dr\.?\s+hab\.|dr\.(?=\s*[A-Z])|prof\.(?=\s*[A-Z][a-z])|"
           r"\((?:Dr|Prof)\.?\))")
# Latin letters of names written in other alphabets' Latin forms (Ş, Ğ, Ł, Ő, Ð, Ç …: Turkish, Polish, Hungarian,
# Icelandic, Czech, Romanian names), capitals and small letters apart
_UP = "A-Z" + "".join(chr(c) for c in range(0xC0, 0x250) if chr(c).isupper() and chr(c).isalpha())
_LO = "a-z" + "".join(chr(c) for c in range(0xDF, 0x250) if chr(c).islower() and chr(c).isalpha())
_NAME = (rf"(?:O['’][{_UP}][{_LO}]+|Mc[{_UP}][{_LO}]+|[{_UP}][{_LO}'’]+(?:-[{_UP}{_LO}][{_LO}'’]+)?)")
# a small particle inside a name ("Wael el-Dessouqy", "Hesham el Arky", "Sultan bin Muhammad", "Maria de Souza")
_PARTICLE = r"(?:el|al|El|Al|bin|binti|ibn|van|von|de|der|den|da|di|del|della|dos|das|du)(?:-[^\S\n]?|[^\S\n]+)"
# a pinyin surname written in capitals before the given name ("President DING Xiaodong"), as Chinese sites write it
_CAPS_SURNAME = "(?:" + "|".join(sorted((x.upper() for x in SURNAMES_PINYIN if len(x) > 1), key=len, reverse=True)) + ")"
_TITLED = re.compile(rf"\b(?P<title>{_TITLES}(?:\s+{_TITLES})*)(?:\s+|(?<=Dr\.)(?=[A-Z][a-z])|(?<=Prof\.)(?=[A-Z][a-z])|(?<=M[rs]\.)(?=[A-Z][a-z])|(?<=Mrs\.)(?=[A-Z][a-z])|(?<=Miss\.)(?=[A-Z][a-z]))(?P<name>{_CAPS_SURNAME}\s+[A-Z][a-z]+(?:-[a-z]+)?|"
                     rf"(?:[A-Z]\.\s?){{0,2}}(?:(?<=\.)[A-Z]\s)?{_NAME}(?:\s+[A-Z]\.)?(?:\s+(?:{_PARTICLE})?{_NAME}){{0,2}})"
                     rf"(?![\w'’])")
# the verbs that follow a person's role in apposition without a comma ("Anna Berg, Director of the Welcome Office
# greeted the students"): where the role ends
_VERBS = ("welcomed|greeted|opened|presented|addressed|noted|stated|added|explained|emphasi[sz]ed|highlighted|expressed|"
          "thanked|visited|signed|met|led|gave|delivered|introduced|attended|hosted|received|congratulated|announced|"
          "remarked|pointed|spoke|shared|underlined|stressed|praised|invited|accompanied|chaired|joined|"
          # (and the present and other past forms news writes: "…, president of X paid a visit", "…, dean of Y presided")
          "paid|pays|made|makes|held|holds|visits|meets|signs|presided|presides|hosts|gives|delivers|welcomes|extended|"
          "extends|took|takes|went|came|arrived|expresses|explains|notes|stresses|also")
_APPOS = re.compile(
    rf"(?:(?<=[.!?]\s)|(?<=[.!?][\"”’]\s)|(?<=^)|(?<=\n)|(?<=,\s)|(?<=;\s)|(?<=['’]s\s)|(?<=\band\s)|(?<=\bby\s)|(?<=\bsaid\s)|(?<=\bsays\s)|(?<=representative,\s)|(?<=\bwith\s)|(?<=\bincluding\s)|(?<=\bcomprising\s)|(?<=\binclude\s)|(?<=\bincludes\s)|(?<=\bincluded\s)|(?<=\bvisit\sof\s))"
    # (a dash may stand for the comma: "Ann Ford – mayor of Riverton")
    rf"(?P<name>[A-Z]\.[^\S\n]?{_NAME}(?:\s+{_NAME}){{0,2}}|{_NAME}(?:\s+[A-Z]\.)?(?:\s+{_NAME}){{1,2}})(?:[^\S\n]?,|[^\S\n]+[–—](?=\s))\s+(?P<role>(?:a|an|the|one\s+of)?\s*[^,.;–—]{{2,90}}?)(?=,|\.|;|\n|$|\s+and\s|\s+(?:says|said|who|is|was|leads|wins|gets|speaks|introduces|attends|{_VERBS})\b)")
# a role and its organisation before the name, in apposition: "the Vice-Rector of the Macao Polytechnic University
# (MPU), Vivian Lei, visited …", "vice president of University of Milan, Monica Diluca", "the U.S. ambassador to
# China, Terry Branstad visited …"
_ROLE_OF_NAME = re.compile(
    r"\b(?P<role>(?:(?:[Vv]ice|[Dd]eputy|[Ee]xecutive|[Aa]ssociate)[- ])?(?:[Pp]resident|[Rr]ector|[Dd]ean|[Dd]irector|"
    r"[Aa]mbassador|[Cc]hairman|[Cc]hairperson|[Mm]inister|[Cc]onsul(?:[- ][Gg]eneral)?|[Hh]ead|[Pp]rincipal|[Cc]hancellor|"
    r"[Pp]rovost)\s+(?:of|to|at)\s+[^,;.\n]{2,90}),\s+"
    rf"(?P<name>{_NAME}(?:\s+(?:[A-Z]\.\s?)?{_NAME}){{1,2}})(?=\s*[,.;:]|\s+(?:[a-z]|and\b))")
_THE = re.compile(r"[Tt]he\s+")
_ROLE_UNIT_NAME = re.compile(
    r"\b(?P<role>(?i:(?:acting\s+|deputy\s+|associate\s+|assistant\s+|vice[- ]|executive\s+)?(?:dean|head|director|professor|"
    r"lecturer|chair|rector|president|provost|secretary|minister|chancellor|vice-chancellor|officer|manager|coordinator)\s+"
    r"(?:of|for)\s+(?:the\s+)?)(?P<unit>(?:[A-Z][\w&'’.-]*\s+|(?:of|and|for|&)\s+|[a-z]{3,}\s+){1,6}?))"
    # (a unit's words may be written in lower case, "vice president for academic affairs Ann Roe said", or hold dots,
    # "Director for the Center for U.S.-Mexico Studies Ann Roe said": the unit still ends with a subject's word)
    # (the name ends before punctuation, "and", or running text in lower case: "… of Global Relations Ewa
    # Nowak after the signing", "… for Foreign Students Jānis Ozols as well as …")
    rf"(?P<name>{_NAME}(?:\s+{_NAME}){{1,2}})(?=\s*(?:[,.;:)]|and\b)|\s+[a-z])")
# a title in lower case before a full name, as running text writes it ("president Luke Evuta Mumba of the
# university", "deputy permanent secretary Peggy Chirwa", "Association representative Kazuyuki Katayama")
_TITLED_LOWER = re.compile(
    r"\b(?P<title>(?:(?:pro|vice|deputy|associate|executive)[- ](?:permanent\s+)?){0,2}(?:president|rector|dean|director|minister|"
    r"ambassador|chairman|chairperson|secretary|representative|consul|principal|chancellor|"
    r"(?:assistant|associate|full|visiting)\s+professor|professor|lecturer)"
    r"(?:\s*\((?:[a-z][a-z&,]*\s?){1,4}\))?)\s+"
    rf"(?P<name>{_NAME}(?:\s+{_NAME}){{1,2}})(?![\w'’-])")
_ROLE_NOUN = re.compile(
    r"\b(?:president|rector|chancellor|provost|dean|director|head|secretary|manager|counsell?or|officer|coordinator|"
    r"professor|lecturer|teacher|instructor|researcher|scholar|student|students|representative|leader|"
    r"ambassador|consul|engineer|chair|chairman|principal|minister|member|expert|graduate|candidate|fellow|"
    r"mayor|governor|premier|senator|spokes(?:person|man|woman)|attach[ée]|envoy|chief|CEO|founder)\b", re.I)
_CN_NAME = re.compile(rf"(?<![\w'’-])(?P<sur>{'|'.join(sorted(SURNAMES_PINYIN, key=len, reverse=True))})\s+"
                      rf"(?P<given>[A-Z][a-z]{{1,10}}(?:-[a-z]{{1,6}})?)\b(?!\s+(?:[A-Z][a-z]+\s+)?(?:University|"
                      rf"Campus|Institute|College|School|Road|District|Street|Park|Group|Province|City)\b)")
_NOT_NAME_WORDS = {"The", "In", "On", "At", "For", "From", "During", "After", "Before", "With", "Under", "According",
                   "This", "That", "Both", "Each", "Later", "Among", "Since", "When", "While", "Campus", "University",
                   "School", "College", "Office", "Department", "Institute", "Beijing", "China", "Chinese",
                   "International", "Cooperation", "Vice", "President", "Dean", "Director", "Prof", "Professor",
                   "Student", "Students", "Belt", "Road", "Sino", "Kong", "Great", "Wall", "Summer", "Winter",
                   "Palace", "Temple", "Heaven", "Forbidden", "City", "Science", "Program", "Programme",
                   "Conference", "Forum", "Workshop", "Joint", "Laboratory", "Center", "Centre", "Government",
                   "Scholarship", "Council", "Ministry", "Commission", "Embassy", "Society", "Group", "Committee",
                   "Academic", "Affairs", "Human", "Resources", "Graduate", "Economics", "Management", "Business",
                   "Engineering", "Technology", "National", "State", "New", "South", "North", "East", "West",
                   "Smart", "Nation", "Culture", "Week", "Day", "Award", "Machine", "Learning", "Artificial",
                   "Intelligence", "Deputy", "Associate", "Executive", "Counsellor", "Secretary", "Head", "Mr", "Dr",
                   "Lecturer", "Instructor", "Coordinator", "Chairman", "Principal", "Provost", "Rector", "Chancellor",
                   "Ambassador", "Consul", "Teacher", "Captain", "Capt", "Madam", "Doctor", "Academician",
                   # the words of an office's name after a title ("Director External Linkages Dr X")
                   "External", "Linkages", "Linkage", "Relations", "Partnerships", "Operations", "Admissions",
                   "Development", "Planning", "Communications",
                   # words of documents, events and places after a title or a surname ("Student Exchange Agreements",
                   # "Han River", a caption's "President Li Ming Signing the Agreement")
                   "Exchange", "Agreement", "Agreements", "Signing", "Signs", "River", "Lake", "Mountain", "Mountains",
                   "Island", "Square", "Garden", "Gardens", "Hotel", "Airport", "Station", "Museum", "Stadium",
                   "Memorandum", "Understanding", "Ceremony", "Visit", "Delegation", "Meeting", "Talks",
                   # a company's divisions ("Vice President of Acme Digital Industries")
                   "Digital", "Industries", "Industry", "Systems", "Solutions", "Technologies", "Services", "Healthcare",
                   "Energy", "Mobility", "Software", "Products", "Electronics", "Automotive", "Financial",
                   # a headline's verbs in title case after a surname ("Cai Led A Delegation to …")
                   "Led", "Leads", "Visits", "Meets", "Signs", "Holds", "Attends", "Receives", "Welcomes", "Hosts", "Pays"}
_ZH_ROLES = ("校党委书记", "党委副书记", "党委书记", "副书记", "书记", "常务副校长", "副校长", "校长", "执行院长", "副院长", "院长",
             "副处长", "处长", "副主任", "主任", "副教授", "教授", "讲师", "辅导员", "带队教师", "教师", "老师", "学生代表",
             "毕业生代表", "新生代表", "教师代表", "校友代表", "通讯员",
             "留学生", "学生", "博士生", "研究生", "博士", "研究员", "总经理", "经理", "部长", "大使", "参赞", "主席",
             "总监", "秘书长", "会长", "总裁", "董事长", "教务长", "协调员",
             # diplomats, Taiwan's dean of international affairs, section heads, and the credits of a news piece
             "院士", "副所长", "所长", "副总领事", "总领事", "领事", "临时代办", "国际长", "科长", "负责人", "记者", "作者", "撰稿", "摄影",
             # heads of bureaus, museums and ministries' departments, and the editors a page credits
             "副局长", "局长", "副馆长", "馆长", "副司长", "司长", "执行主任", "审核", "审稿", "编审", "责任编辑", "网络编辑",
             "副总编辑", "总编辑", "副主编", "主编",
             # the three-level review credits at a piece's end (初审：某某 复审：某某 终审：某某) and its text-and-photo credit
             "初审", "复审", "终审", "文图", "图文",
             # an editor's credit, a staff member, an assistant to the president
             "编辑", "职员", "校长助理", "院长助理",
             # heads of a section or a delegation; Taiwan's deans of student affairs, research and development
             "组长", "团长", "学务长", "研发长", "副开发长", "开发长", "总务长", "助理",
             # heads of state and experts named after their title (总统某某, 国家主席某某, 核能专家某某)
             "总统", "总理", "首相", "专家")
_ZH_ROLE_RE = re.compile("|".join(sorted(_ZH_ROLES, key=len, reverse=True)))
_ZH_CREDITS = {"通讯员", "记者", "作者", "撰稿", "摄影", "审核", "审稿", "编审", "责任编辑", "网络编辑",
               "初审", "复审", "终审", "文图", "图文", "编辑"}
# a word that starts right after a two-character name (张静深入剖析, 李明详细介绍): its first character is no
# third character of the name
_ZH_WORD_AFTER_NAME = {"深入", "详细", "首先", "简要", "充分", "热情", "重点", "分别", "全面", "系统", "具体", "随后", "最后",
                       "亲切", "高度", "积极", "认真", "围绕", "结合", "就此", "还就", "现场", "逐一", "一一"}
_ZH_FOREIGN = re.compile(r"(?P<zh>[\u4e00-\u9fff]{1,8}(?:·[\u4e00-\u9fff]{1,8})*)[（(](?P<latin>[A-Z][A-Za-z.'’\- ]{1,40})[）)]")
_ZH_STOP_AFTER = set("在出会表介主对致率与和、，。参通作为说指带等一代向陪讲进也均同及将是的了从到赴对于就并随已还被把进行开展")
_ORG_WORDS = re.compile(r"\b(?:University|College|Institute|School|Center|Centre|Group|Company|Association|Society|"
                        r"Foundation|Academy|Ministry|Embassy|Consulate|Program|Programme|Office|Department)\b")
_ZH_ORG_END = re.compile(r"(?:大学|学院|中心|公司|集团|研究院|研究所|大使馆|领事馆|协会|学会|组织|基金会|实验室|联盟)$")
# a body or a programme named in Chinese with its English name in brackets (澳大利亚-中国理事会(Australia-China Council),
# 加拿大留学中国(Canada Learning Initiative in China)项目): no person
_ZH_BODY_END = re.compile(r"(?:理事会|委员会|基金|项目|计划|署|局|部|处|会|网络|平台)$")
_ZH_BODY_LATIN = re.compile(r"\b(?:Council|Initiative|Committee|Commission|Agency|Alliance|Consortium|Network|Federation|"
                            r"Fund|Project|Scheme|Board|Bureau|Trust|Studies|Research|Learning|Education|China|"
                            r"Australia|Canada|International)\b")
# characters that end a word with the "name" before them (学生, 毕业): not a name
_ZH_NOT_NAME = re.compile(r"^.(?:留学|学生|毕业|同学|业|生)|^.[业生典礼]|^.[^\u4e00-\u9fff]|"
                          r"[面体外者们邀话互问]$|^.[方全海]$|"  # 方面, 全体, 顾问, 江学者 (长江学者), 黄海: words, not names
                          # words that begin with a surname's character (管理, 陆续, 荣誉, 高度, 任课) and 向 (towards) before
                          # the guests (处长向德国嘉宾介绍, 向大家介绍)
                          r"^(?:管理|陆续|荣誉|高度|任课|任务|任职|任教|关于|于是|常务|明确|华侨|程序|安全|金融|黄金|温馨|成为|成立|成功|"
                          r"成果|成员|高级|高校|向大家|向全体|向各位|向与会|向来宾|向嘉宾|向师生)")
# a name right before its role (张发钧处长, 许晓彦教授, 屈争辉老师), at a boundary
_ZH_NAME_ROLE = re.compile(r"(?:(?<=[，。、；：“”（）() 　\n与和及由的为请向对同即院系处部校科心室率团组派])|^)(?P<name>[\u4e00-\u9fff]{2,3}?)"
                           r"(?P<role>副校长|校长|副院长|院长|副处长|处长|副主任|主任|副书记|书记|副教授|教授|老师|研究员|博士|"
                           r"同学|部长|局长|总经理|会长|秘书长|总领事|大使|参赞|摄影|馆长|所长|副司长|司长|组长|团长|"
                           # (Taiwan's deans and vice presidents: 教务长, 学务长, 研发长, 副开发长)
                           r"教务长|学务长|研发长|副开发长|开发长|总务长|小姐|同志|主席|总统)(?![\u4e00-\u9fff]{0,1}(?:们|级|组|团|队|会(?![见晤谈])|生))", re.M)
# common Japanese two-character surnames in Chinese characters (simplified), for Japanese guests' names on a page
# about Japan (杉田雅彦, 田中一郎): a two-character given name follows
JP_SURNAMES = set("""田中 山田 佐藤 铃木 高桥 渡边 伊藤 中村 小林 加藤 吉田 山本 杉田 松本 井上 木村 清水 山口 池田 桥本 阿部
石川 山下 中岛 石井 小川 前田 冈田 藤田 后藤 近藤 村上 远藤 青木 坂本 斋藤 福田 太田 西村 藤井 金子 冈本 藤原 中野 三浦
原田 松田 竹内 小野 田村 中山 和田 石田 森田 上田 柴田 酒井 工藤 横山 宫崎 宫本 内田 高木 安藤 岛田 谷口 大野 高田 丸山
今井 河野 藤本 村田 武田 上野 杉山 增田 平野 大冢 千叶 久保 松井 小岛 岩崎 樱井 野口 松尾 野村 木下 菊地 佐野 大西 杉本
新井 滨田 菅原 市川 水野 小松 北村 西田 川口 永井 秋山 山崎 中田 大川 佐佐木 长谷川 吉川 服部 平田 本田 久保田 片山
中川 小山 大冢 荒木 松冈 北川 石原 宫田 小田 小池 森本 内藤 野田 山内 浅野 大石 西川 小西 岸本 岩田 樋口 高野
中西 冨永 富永 今村 浅原 西尾 大友 户川 上村 中泽 中井 中谷 北野 吉村 川村 松村 西山 杉浦 荒井 桑原 大桥 岩井 关口 望月
石桥 片冈 星野 松浦 内山 坂口 水谷 冈崎 大岛 古川 川上 宫下 前川 西冈 藤村 竹田 小泉 大竹 细川 泽田 堀内 福井 三宅 矢野
平井 松下 大塚 浅井 长尾 长野 高山 广田 岛村 山中 奥村 三上 三木 宫川 宫泽 筒井 若林 田边 渡部 西原 冈村 菅野 安田 须藤
根津 饭田 饭冢 吉冈 吉野 中原 上原 小仓 林田 黑田 黑川 武藤 伊东 江口 松永 岩本 荻野""".split())
# a four-character name in a list before a title (、中西秀树教授): where a page not about Japan may hold a Japanese name
_ZH_LISTED_4 = re.compile(r"、[\u4e00-\u9fff]{4}(?:副校长|校长|副院长|院长|副教授|教授|所长|会长|先生|女士|博士|理事长|室长|主任)")
# (the boundary before the name is checked by the caller: a pattern that opens with the surnames is scanned fast)
_ZH_JP_BEFORE = set("，。、；：“”（）() 　\n与和及由的为请向对同即院系处部校率长")
_ZH_JP_NAME_ROLE = re.compile(rf"(?P<name>(?:{'|'.join(sorted(JP_SURNAMES, key=len, reverse=True))})[\u4e00-\u9fff]{{2,3}}?)"
                              r"(?P<role>副校长|校长|副院长|院长|副教授|教授|所长|会长|先生|女士|博士|理事长|室长|主任)", re.M)
# a news agency's dateline byline (…日电 (X Y))
_ZH_BYLINE = re.compile(r"(?:社|报|网)[\u4e00-\u9fff]{0,6}\d{1,2}月\d{1,2}日电\s*[（(](?P<names>[\u4e00-\u9fff]{2,4}"
                        r"(?:[\s、，,]+[\u4e00-\u9fff]{2,4}){0,3})[）)]")
# what follows the last of a list of names (副处长某某、某某围绕…介绍; 某某、某某赴…)
_ZH_AFTER_NAMES = r"[，。、；]|的|就|等|分别|共同|一同|出席|参加|会见|陪同|围绕|介绍|表示|主持|致辞|热情|赴|前往|出访|参观|座谈"
# a list of names right after a unit's name, no title between (国际交流与合作处某某、某某赴…)
_ZH_UNIT_NAMES = re.compile(r"(?<=[处部科室])(?=[\u4e00-\u9fff]{2,3}(?:、[\u4e00-\u9fff]{2,3}(?:" + _ZH_AFTER_NAMES +
                            r")|等(?:人)?(?:陪同|参加|出席|前往|赴|一同|随同)))")
# a credit label and the names after it, or a closing bracket of the writer's unit and name ((国际处 某某))
_ZH_CREDIT_LIST = re.compile(
    r"(?:(?:(?<=^)|(?<=[\s(（;；|｜，,/]))(?P<label>(?:文字|文图|图文|图片|摄影|编辑|责编|责任编辑|网络编辑|审稿|审核人|审核|审读人|审读|"
    r"初审|复审|终审|一审|二审|三审|校对|作者|撰稿|记者|通讯员|供稿|传媒查询|媒体查询|媒体联络|传媒联络|文|图|摄))(?:\s*[:：/]\s*|(?<=[\u4e00-\u9fff]{2})[ \t\u3000]+)|"
    r"[(（](?=[\u4e00-\u9fff]{2,12}?(?:处|部|学院|中心|办|室|科)[ \t\u3000]+[\u4e00-\u9fff]{2,4}(?:报道|供稿)?[\s)）]))"
    r"(?P<names>[\u4e00-\u9fff]{2,14}(?:[ \t\u3000、，,]+(?![\u4e00-\u9fff]{1,4}\s*[:：/])[\u4e00-\u9fff]{2,14}){0,4})", re.M)
_ZH_CREDIT_LIST = guarded(_ZH_CREDIT_LIST)  # (fastre.py: the same matches, scanned fast)
_ZH_CREDIT_UNIT = re.compile(r"(?:处|部|学院|中心|办|室|科|通讯社|新闻社)")
# a name between its organisation's name and its role (辅仁大学黎建球校长)
_ZH_AFTER_ORG = re.compile(r"(?P<name>[\u4e00-\u9fff]{2,3}?)(?P<role>副校长|校长|副院长|院长|副处长|处长|副主任|主任|副书记|书记|"
                           r"副教授|教授|教务长|副会长|会长|秘书长|总裁|董事长|馆长|所长|局长|副局长)"
                           r"(?![\u4e00-\u9fff]{0,1}(?:们|级|组|团|队|会(?![见晤谈])|生))")
# a foreign name transliterated with a middle dot (克里斯托弗·多布森, 尼克拉˙克莱顿)
_TRANSLIT = ("阿埃艾爱安昂奥澳巴芭拜班邦包保鲍贝本比彼毕宾波伯博布查达戴丹道德迪蒂丁东杜顿多厄恩法范菲费芬丰佛夫弗福盖甘冈"
             "戈格根古瓜圭哈海汉豪赫亨胡华霍基吉加贾简杰金卡凯坎康科克肯库夸奎拉莱赖兰朗劳勒雷蕾黎李里丽利莉连林琳留卢鲁路"
             "伦罗洛玛马迈麦曼梅蒙米密明莫姆穆纳娜奈南内尼宁诺欧帕潘佩彭皮珀普奇乔切琴丘萨塞瑟森莎沙尚舍圣施什史斯松苏索塔"
             "泰坦汤唐陶特滕提汀通图托瓦万旺威韦维温沃乌伍西希锡夏谢辛休许雅亚扬耶伊因英尤于约詹兹泽扎卓佐茨娅琪薇妮黛洁翠"
             "丝勃尔罗曦莱蒂妲娃娜琳莲蕊芙苔露依列日契涅捷赛柯茹叶仁阔"
             # Russian and Central Asian names (格拉晓夫, 阿列克谢, 巴赫特让, 达列尔忠, 亚历山大)
             "立让门历别忠方晓钦廖鄂嘉秋舒雪瑙山大"
             # (威尔逊, 苏珊, 理查德, 安德烈)
             "逊珊理烈")
_TR = f"[{_TRANSLIT}]"
# words that end in a character of transliteration (助理, 经理 …): a dotted name does not start inside them
_ZH_WORDS_ENDING_TR = {"助理", "经理", "总理", "代理", "管理", "处理", "护理", "物理", "心理", "地理", "伦理", "治理", "办理",
                       "整理", "协理", "襄理"}
# a transliterated foreign name without a dot, and the words that end it (菲利普、; 新德女士; 阿勒瓦在发言中)
_ZH_FOREIGN_END = r"(?:[、，。；：）)]|女士|先生|博士|教授|就|在|说|表示|等|一行|上台|发言|致辞|介绍|和|与|及|出席|参加|会见|陪同)"
_ZH_FOREIGN_GIVEN = re.compile(rf"(?P<name>{_TR}{{2,4}}?)(?={_ZH_FOREIGN_END})")
_ZH_FOREIGN_BEFORE_ROLE = re.compile(rf"(?P<name>{_TR}{{2,4}}?)(?P<role>副校长|校长|副院长|院长|教授|大使|总领事|会长|主席)"
                                     r"(?![\u4e00-\u9fff]{0,1}(?:们|级|组|团|队|会(?![见晤谈])|生))")
# words written in transliteration characters that are no names (亚洲, 东方 …)
_ZH_TRANSLIT_WORDS = {"马来西亚", "亚洲", "欧洲", "美洲", "非洲", "东方", "西方", "南方", "北方", "东南亚", "中东", "大洋",
                      "加拿大", "意大利", "澳大利亚", "新西兰", "巴西", "印度", "法国", "德国", "英国", "美国", "日本", "韩国",
                      "俄罗斯", "西班牙", "葡萄牙", "奥地利", "比利时", "瑞士", "瑞典", "丹麦", "挪威", "芬兰", "希腊", "波兰",
                      "大家", "大会", "大学", "明天", "今天", "海外", "华人", "华侨", "山东", "山西", "海南", "河南"}
# characters a given name does not hold (项目, 应邀来, 谈话): words that begin with a surname's character
_ZH_NOT_GIVEN = re.compile(r"[邀请来访问赴到在与和的了目务作话项级校际体面外者们部处院系室议届期年号]")
_ZH_INITIALS = re.compile(rf"(?<!{_TR})(?P<name>{_TR}{{2,6}}[·•]?[A-Z](?:[.·•][A-Z]){{1,2}}\.?)(?![A-Za-z])")
_ZH_DOTTED = re.compile(rf"(?<!{_TR})(?P<name>{_TR}{{1,6}}(?:[·˙•‧・?？]{_TR}{{1,6}}){{1,2}})(?!{_TR})")
# any transliterated name with a middle dot after a role (副校长苏珊·休伯博士; a copy's "?" for the dot: 麦克?威尔金森):
# its last part runs to a role's word or a word that ends the name
_ZH_DOT_ANY = re.compile(r"[\u4e00-\u9fff]{1,6}(?:[·˙•‧・?？][\u4e00-\u9fff]{1,8}){1,2}")
# a Latin-lettered name in a Chinese text beside a role or 一行 (Paul Wellings教授, Peter Bai Li来访, 校长Alexandre Leitão);
# a name written all in capitals right before a title (JOHN SMITH校长)
_ZH_LATIN_NAME = re.compile(r"(?P<name>[A-Z]{2,}\s+[A-Z]{2,}(?=\s*(?:校长|先生|女士|教授|博士|院长|主任))|[A-Z][a-zà-ÿ'’\-]+(?:\s+(?:[A-Z]\.|[A-Z][a-zà-ÿ'’\-]+|[A-Z]{2,}))(?:\s+(?:[A-Z][a-zà-ÿ'’\-]+|"
                            r"[A-Z]{2,}))?(?=\s*(?:教授|博士|先生|女士|校长|副校长|院长|主任|一行|来访|访问|表示|介绍|指出|和|与|、|，|。|,|"
                            # (Di Su副教授, Tsumoto Kouhei副部长, Michael Nelles参加, Yuji MISHIMA及, Timothy Kok到访)
                            r"副教授|副部长|部长|副院长|副主任|参加|出席|到访|来校|及|等))|"
                            # one Latin surname before a courtesy title (Anderson先生)
                            r"(?<=[\u4e00-\u9fff])[A-Z][a-z]{2,}(?=\s*(?:先生|女士|教授|博士)))")
# the credits of a news page: "Reported by X | Translated by Y | Edited by Z", "Translated by: X", "Editor: News Center of
# BIT  X" (a name at the end of its credit, an office's name may stand before it)
_CREDIT = re.compile(
    rf"(?:^|[|/])[ \t]*(?P<what>Reported|Translated|Edited|Proofread|Photographed|Written|Compiled)[ \t]+by[ \t]*:?[ \t]*"
    rf"(?P<name>{_NAME}(?:[ \t]+[A-Za-z][a-z]+){{1,2}})(?=[ \t]*(?:[|/]|$)|[ \t]+[A-Z][a-z]+:)|"
    rf"^[ \t]*(?P<what2>Translator|Editor|Proofreader|Reporter|Photographer)s?[ \t]*:[ \t]*"
    rf"(?:(?:[A-Z][\w&'’-]*|of|and|the)[ \t]+){{0,6}}?(?P<name2>{_NAME}[ \t]+{_NAME})[ \t]*$", re.M)
# names under one plural title: "Deputy Directors Lina Zhou and Wei Tan", "Professors Alan Grant and Ruth Ellis"
_FULL_NAME = rf"{_NAME}(?:\s+[A-Z]\.)?(?:\s+{_NAME}){{1,2}}"
_PLURAL_TITLED = re.compile(
    r"\b(?P<title>(?:(?:Vice|Deputy|Associate|Assistant|Executive)[- ])?(?:Presidents|Directors|Deans|Professors|Rectors|"
    r"Vice[- ]Rectors|Chancellors|Secretaries|Drs\.|Profs\.|Doctors|Lecturers))\s+"
    rf"(?P<names>{_FULL_NAME}(?:,\s+{_FULL_NAME})*,?\s+and\s+{_FULL_NAME})(?![\w'’-])")
# a post before an organisation's name, then the holder's name after it ("President of Daesung Group Hwang Min-jun")
_POST_BEFORE_ORG = re.compile(
    r"\b(?P<post>(?:(?:[Ff]ormer|[Aa]cting)\s+)?(?:(?:[Vv]ice|[Dd]eputy|[Ee]xecutive|[Aa]ssociate)[- ])?(?:[Pp]resident|[Rr]ector|"
    r"[Dd]ean|[Dd]irector|[Cc]hairman|[Cc]hairwoman|[Cc]hairperson|[Cc]hancellor|[Pp]rovost|[Ss]ecretary|[Hh]ead|CEO))"
    r"\s+(?:of|at)\s+(?:the\s+)?$")
_NAME_AFTER_ORG = re.compile(rf"[^\S\n]+(?P<name>{_NAME}(?:\s+{_NAME}){{1,2}})(?=\s*[,.;:)]|\s+(?:and|who|was|were|is|are|has|had|"
                             rf"said|says|after|during|at|on|with|took|takes|{_VERBS})\b)")
# capitalised words a title may stand before that are no surname
_NOT_SURNAMES = {"General", "Emeritus", "Elect", "Designate", "Office", "Team", "Board", "Council", "Committee", "January",
                 "February", "March", "April", "May", "June", "July", "August", "September", "October", "November",
                 "December", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday", "Mission",
                 "Assistant", "Representative", "Speaker", "Affairs", "Relations", "Research", "Education", "Emerita",
                 "Prof", "Dr", "Mr", "Ms", "Mrs", "Miss", "Sir", "Madam", "Professor", "President", "Director",
                 # posts and a headline's verbs after a title ("Principal Investigator", "President Visits …")
                 "Investigator", "Counsellor", "Counselor", "Treasurer", "Officer", "Fellow", "Scientist", "Engineer",
                 "Nominee", "Extraordinary", "Chair", "Chairman", "Chairwoman", "Chairperson", "Vice", "Deputy",
                 "Executive", "Visits", "Meets", "Attends", "Leads", "Signs", "Delivers", "Receives", "Welcomes", "Hosts",
                 "Speaks", "Gives", "Joins", "Talks", "Opens", "Addresses", "Inspects", "Awarded", "Elected",
                 "Appointed", "Named", "Says", "Said", "Congratulates", "Thanks", "Honored", "Honoured"}
_BYLINE = re.compile(rf"^[ \t]*\(?(?:By|Written\s+by|Text:|Story:?|Pix:?|Photos?(?:\s+by)?:?)[ \t]+(?P<name>{_NAME}(?:[ \t]+{_NAME}){{1,3}})\)?[ \t]*$",
                     re.M)
_NAME_LIST_FROM = re.compile(
    rf"(?:(?<=[.!?:]\s)|(?<=^)|(?<=\n)|(?<=\(\s)|(?<=\())"
    rf"(?P<names>{_NAME}(?:\s+{_NAME}){{1,2}}(?:,\s+{_NAME}(?:\s+{_NAME}){{1,2}})*,?\s+and\s+{_NAME}(?:\s+{_NAME}){{1,2}})"
    rf"\s+(?:from|of|at)\s+(?:the\s+)?(?P<unit>[A-Z][\w'’&-]*(?:\s+(?:(?:of|and|for|the|&)\s+)*[A-Z][\w'’&-]*){{0,6}})", re.M)
# one full name, then "from/of the <unit>" ("… as well as Ann Roe from the Students' international committee", "a
# statement issued by Ann Roe of the Public Affairs Directorate"): a member of the unit
_NAME_OF_UNIT = re.compile(rf"(?:(?<=[.!?:;,]\s)|(?<=^)|(?<=\n)|(?<=\band\s)|(?<=\bwith\s)|(?<=\bby\s)|(?<=\bas\swell\sas\s))"
                           rf"(?P<name>{_NAME}(?:\s+{_NAME}){{1,2}})\s+(?:from|of)\s+the\s+"
                           rf"(?P<unit>[A-Z][\w'’-]*(?:[^\S\n]+[\w'’&-]+){{0,4}}?[^\S\n]+(?:[Cc]ommittee|Directorate|Office|"
                           rf"Department|Division|Unit|Cent(?:re|er)))\b", re.M)
# a list of full names ("A B, C D and E F"): where the page's other rules read one of them as a person, the others
# are people too ("… students: Anna Rossi, Li Hua, and Marco Neri", "Li Hua, Sam Roe and Ann Lee – members of …")
_NAME_ITEM = rf"{_NAME}(?:[^\S\n]+(?:{_PARTICLE})?{_NAME}){{1,2}}"
_NAME_LIST = re.compile(rf"(?<![\w'’-])(?P<list>{_NAME_ITEM}(?:[^\S\n]*,[^\S\n]*(?:and[^\S\n]+)?{_NAME_ITEM}|"
                        rf"[^\S\n]+and[^\S\n]+{_NAME_ITEM})+)(?![\w'’-])")
_LISTED_NOT_NAME = re.compile(r"\b(?:Acting|Senior|Junior|Chief|General|Attach[ée]|Officer|Sciences?|Studies|Affairs|"
                              r"Relations|Engineering|Technology|Education|Management|Humanities|Arts)\b")
# a full name with its role in brackets ("Mark Cai (Head of China), Susan Tuo (China Marketing Manager)")
_NAME_PAREN_ROLE = re.compile(rf"(?<![\w'’-])(?P<name>{_NAME}(?:\s+{_NAME}){{1,2}})\s+\((?P<role>[^()\n]{{3,60}})\)")
# one full name, then "from <an organisation>" ("Natalia Kowalska from AGH University …")
_NAME_FROM_ORG = re.compile(rf"(?:(?<=[.!?:;,]\s)|(?<=^)|(?<=\n)|(?<=\band\s)|(?<=\bwith\s)|(?<=\bby\s))"
                            rf"(?P<name>{_NAME}(?:\s+{_NAME}){{1,2}})\s+from\s+(?:the\s+)?(?=[A-Z])", re.M)
# the scans above, faster with the same matches (fastre.py)
_TITLED, _APPOS, _ROLE_OF_NAME, _TITLED_LOWER, _ROLE_NOUN, _CN_NAME, _ZH_NAME_ROLE, _NAME_PAREN_ROLE, _NAME_FROM_ORG = (
    guarded(p) for p in (_TITLED, _APPOS, _ROLE_OF_NAME, _TITLED_LOWER, _ROLE_NOUN, _CN_NAME, _ZH_NAME_ROLE, _NAME_PAREN_ROLE,
                         _NAME_FROM_ORG))
_ROLE_UNIT_NAME, _NAME_LIST_FROM, _PLURAL_TITLED, _CREDIT = (
    guarded(p) for p in (_ROLE_UNIT_NAME, _NAME_LIST_FROM, _PLURAL_TITLED, _CREDIT))
# the words without which the plural titles and the credits cannot match (tested as substrings first: cheaper than a
# scan of the text)
_PLURAL_WORDS = ("Presidents", "Directors", "Deans", "Professors", "Rectors", "Chancellors", "Secretaries", "Drs.", "Profs.",
                 "Doctors", "Lecturers")
_CREDIT_WORDS = ("ed by", "Proofread by", "Written by", "Translator", "Editor", "Proofreader", "Reporter", "Photographer")


@dataclass
class PersonHit:
    name: str
    role: str
    org: str  # "home" or the partner's name
    start: int
    end: int
    method: str
    confidence: float


# a run of two to four words in capitals inside running text ("LIM BEE XIN from …", "SAPARBAEVA AIDAI, a student …"), and
# a pinyin surname in capitals beside a given name ("LU Jun, Head of …", "President Gang HONG"): names as some sites
# write them
_CAPS_RUN = re.compile(r"(?<![\w&/.-])[A-Z]{2,}(?:-[A-Z]{2,})?(?:[^\S\n][A-Z]{2,}(?:-[A-Z]{2,})?){1,3}(?![\w&/.-])")
_CAPS_WORD = re.compile(r"(?<![\w&/.-])[A-Z]{2,}(?![\w&/.-])")
# words in capitals that are no part of a name (a headline's or an organisation's words, acronyms of documents)
_CAPS_NOT_NAME = {"AND", "OF", "THE", "FOR", "IN", "ON", "AT", "TO", "BY", "WITH", "FROM", "MOU", "MOA", "UNIVERSITY",
                  "COLLEGE", "INSTITUTE", "SCHOOL", "CENTER", "CENTRE", "NEWS", "EVENTS", "HOME", "INTERNATIONAL",
                  "OFFICE", "DEPARTMENT", "FACULTY", "STUDENTS", "STUDENT", "CHINA", "PROGRAM", "PROGRAMME", "PHD",
                  "MBA", "CEO", "USA", "UK", "EU", "UN", "AI", "IT", "ICT", "STEM", "COVID"}


def name_case(text: str, taken: list[tuple[int, int]]) -> str:
    """The text with names written in capitals in running text written in title case (same length, so every span
    stays valid): "SAPARBAEVA AIDAI, a student" → "Saparbaeva Aidai, a student", "LU Jun" → "Lu Jun". A line
    in capitals throughout (a headline) and the organisations' spans (``taken``) are left as they are; so is a
    word the text also uses on its own elsewhere (an acronym)."""
    if not re.search(r"[A-Z]{2}", text):
        return text
    out = list(text)
    in_org = lambda a, b: any(s < b and a < e for s, e in taken)
    counts: dict[str, int] = {}
    for w in _CAPS_WORD.finditer(text):
        counts[w.group(0)] = counts.get(w.group(0), 0) + 1

    def line_has_lower(pos: int) -> bool:
        a = text.rfind("\n", 0, pos) + 1
        b = text.find("\n", pos)
        return bool(re.search(r"[a-z]{3}", text[a:b if b != -1 else len(text)]))

    def title(a: int, b: int) -> None:
        for i in range(a + 1, b):
            if text[i - 1].isalpha() and text[i].isupper():
                out[i] = text[i].lower()

    for m in _CAPS_RUN.finditer(text):
        words = re.findall(r"[A-Z]+", m.group(0))
        if any(w in _CAPS_NOT_NAME or not re.search(r"[AEIOUY]", w) for w in words) or in_org(m.start(), m.end()) or \
                not line_has_lower(m.start()):
            continue
        # (each word only in this run: a word the text writes elsewhere in capitals is an acronym or a headline's)
        if any(counts.get(w, 0) > text.count(m.group(0)) for w in re.findall(r"[A-Z]{2,}", m.group(0))):
            continue
        title(m.start(), m.end())
    caps_surnames = {x.upper() for x in SURNAMES_PINYIN if len(x) > 1}
    for m in re.finditer(r"(?<![\w&/.-])([A-Z]{2,})[^\S\n]+([A-Z][a-z]+)\b|\b([A-Z][a-z]+)[^\S\n]+([A-Z]{2,})(?![\w&/.-])", text):
        caps, start = (m.group(1), m.start(1)) if m.group(1) else (m.group(4), m.start(4))
        given = m.group(2) or m.group(3)
        if caps in caps_surnames and given.lower() not in {"university", "college", "institute", "school"} and \
                not in_org(start, start + len(caps)) and \
                counts.get(caps, 0) <= len(re.findall(rf"\b{caps}[^\S\n]+{given}\b|\b{given}[^\S\n]+{caps}\b", text)):
            # (every use of the word in capitals is beside this given name: no acronym)
            title(start, start + len(caps))
    return "".join(out)


class PeopleFinder:
    """``orgs``: (start, end, name, status) of organisation mentions; ``unit_name(phrase)`` maps a
    home unit phrase to its canonical name (or None)."""

    def __init__(self, text: str, lay: Layout, orgs: list[tuple[int, int, str, str]], unit_name, lang: str):
        self.text, self.lay, self.orgs, self.unit_name, self.lang = text, lay, orgs, unit_name, lang
        self.people: dict[str, PersonHit] = {}
        self._name_lengths: set[int] = set()  # the lengths of the names in self.people (looked up by length)
        self._ox = SpanIndex(orgs)  # the organisations by position (spans.py: answers in list order)
        self._first_partner: tuple | None = None
        self._zh_seen: dict[str, set[str]] = {}  # a name's first characters → the characters that follow them
        self._japan = lang == "zh" and bool(re.search(r"日本|日方|駐日|驻日", text))  # Japanese names are read
        self._zh_counts: dict[str, int] = {}

    def _zh_count(self, name: str) -> int:
        if name not in self._zh_counts:
            self._zh_counts[name] = self.text.count(name)
        return self._zh_counts[name]

    # -- organisations around a position -------------------------------------------------
    def _org_at(self, pos: int) -> tuple[str, str] | None:
        for s, e, name, status in self._ox.at(pos):
            return name, status
        return None

    def _org_after(self, end: int, window: int = 6) -> tuple[str, str] | None:
        m = re.match(r"\s*(?:,\s*)?(?:of|at|from)\s+(?:the\s+)?", self.text[end:end + 14])
        if m:
            return self._org_at(end + m.end())
        return None

    def _partner_before(self, pos: int, scope: tuple[int, int]) -> str | None:
        best = None
        for s, e, name, status in self._ox.starting_in(scope[0], pos):
            if status == "partner" and scope[0] <= s < pos:
                if best is None or s > best[0]:
                    best = (s, name)
        return best[1] if best else None

    def _default_org(self, name: str, pos: int, role: str) -> str:
        first = name.split()[0] if name.split() else ""
        if CJK.search(name) or first in SURNAMES_PINYIN or re.search(r"\bstudent|学生|留学生", role, re.I):
            return "home"
        si = self.lay.sentence_index(pos)
        ss, se = self.lay.sentences[si]
        org = self._partner_before(pos, (ss, se))
        if org is None:
            # a delegation / guests named earlier in the paragraph
            pi = self.lay.sentence_par[si]
            if pi >= 0:
                org = self._partner_before(pos, self.lay.paragraphs[pi])
        if org is None:
            if self._first_partner is None:
                partners = sorted((s, n) for s, e, n, st in self.orgs if st == "partner")
                self._first_partner = (partners[0][1] if partners else None,)
            org = self._first_partner[0]
        return org or "home"

    def _add(self, name: str, role: str, org: str | None, s: int, e: int, method: str, conf: float) -> None:
        name = re.sub(r"^(?:Sir|Dame)\s+(?=[A-Z])", "", name.strip())  # "Sir Richard Taylor": a title, not a name
        if self.lang != "zh":
            name = re.sub(r"['’]s$", "", name)  # "Park Min-ho’s father": the name without its possessive
        if not name or name in self.people:
            p = self.people.get(name)
            if p and (not p.role and role):
                p.role = role
            if p and org and p.org == "home" and org != "home" and p.method.startswith("surname"):
                p.org = org
            return
        org = org or self._default_org(name, s, role)
        self.people[name] = PersonHit(name, role, org, s, e, method, conf)
        self._name_lengths.add(len(name))

    # -- English ---------------------------------------------------------------------------
    def _clean_role(self, role: str, s: int) -> tuple[str, str | None]:
        """Strip 'of <org>' from a role; canonicalise a home unit in it."""
        org = None
        role = role.strip().strip(",")
        role = re.sub(r"^(?:a|an|the|one\s+of\s+the)\s+", "", role, flags=re.I)
        m = re.search(r"\s+(?:of|at|from)\s+(?:the\s+)?(.+)$", role)
        if m:
            tail = m.group(1)
            pos = s + role.find(m.group(0)) + len(m.group(0)) - len(tail)
            hit = self._org_at(self.text.find(tail, max(0, pos - 5)))
            unit = self.unit_name(tail)
            if hit and hit[1] != "home":
                org = hit[0]
                role = role[:m.start()]
            elif unit:
                role = role[:m.start()] + m.group(0)[:m.group(0).find(tail)].replace(" the ", " ") + unit
                org = "home"
        return role.strip(), org

    def _english(self) -> None:
        text = self.text
        body = self.lay.body_start()
        queue = list(_TITLED.finditer(text, body))
        singles: list[tuple[str, str, int, int]] = []  # (title, surname, start, end): a surname alone after a title
        while queue:
            m = queue.pop(0)
            name = self._trim_name(m.group("name"))
            if not name and re.fullmatch(_NAME, m.group("name")):
                singles.append((re.sub(r"\s+", " ", m.group("title")), m.group("name"), m.start("name"), m.end("name")))
            if not name:
                # "Director External Linkages Dr Sana Mir": the office's words were no name; a title inside them may
                # still open one
                m2 = _TITLED.search(text, m.start("name") + 1)
                if m2 and m2.start() < m.end() and all(x.start() != m2.start() for x in queue):
                    queue.insert(0, m2)
                continue
            title = re.sub(r"\s+", " ", m.group("title"))
            # the small and Polish forms of titles, a doctor's title in brackets ("prof. (Dr.)", "dr hab.")
            title = re.sub(r"\s*\((?:Dr|Prof)\.?\)", "", title)
            title = re.sub(r"\bdr\.?\s+hab\.|\bdr\.", "Dr.", title)
            title = re.sub(r"\bprof\.", "Prof.", title)
            title = re.sub(r"\bMiss\b\.?", "Ms.", title)
            title = re.sub(r"\b(Dr|Prof|Mr|Ms|Mrs)\b(?!\.)", r"\1.", title)  # "Prof Dr. X": the short forms with their dot
            title = re.sub(r"\s*\b(?:Rt\.?\s+)?Hon\.?$", "", title) or title  # "Prime Minister Rt Hon X": an honorific
            if len(title.split()) > 1 and re.search(r"(?:Prof\.|Professor|Dr\.|Mr\.|Ms\.|Mrs\.)$", title) and \
                    not re.match(r"(?:Associate|Assistant)\s+Professor$", title):
                title = re.sub(r"\s+(?:Prof\.|Professor|Dr\.|Mr\.|Ms\.|Mrs\.)$", "", title)
            ns = m.start("name")
            ne = ns + len(name)
            role = "" if title in ("Mr.", "Ms.", "Mrs.", "Madam", "Dr.") else title
            if title == "Prof.":
                role = "Professor"
            org = None
            rest = text[ne:ne + 160]
            # "Director Qu Li of International Cooperation Department"
            um = re.match(r"\s+of\s+(?:the\s+)?([A-Z][\w'’&-]*(?:\s+(?:(?:of|and|for|the|&)\s+)*[A-Z][\w'’&-]*)*)",
                          rest)
            if um:
                hit = self._org_at(ne + um.start(1))
                unit = self.unit_name(um.group(1))
                if hit and hit[1] != "home":
                    org = hit[0]
                elif unit and role:
                    role, org = f"{role} of {unit}", "home"
                elif hit and hit[1] == "home":
                    org = "home"
            else:
                oa = self._org_after(ne)
                if oa:
                    org = oa[0] if oa[1] != "home" else "home"
            am = re.match(r",\s+(?P<r>[^,.;]{2,90}?)(?=,|\.|;|\s+(?:says|said|who|is|was|visits|meets|and\s+[A-Z]))",
                          rest)
            if am and _ROLE_NOUN.search(am.group("r")) and not re.match(r"\s*(?:and|but|which|where)\b", am.group("r")):
                r2, o2 = self._clean_role(am.group("r"), ne + am.start("r"))
                if r2 and (not role or role in ("Professor", "Dr.")) or title in ("Prof.", "Professor", "Dr."):
                    role = r2 if r2 else role
                org = org or o2
            # "a delegation from X, headed by Prof. Y"
            if org is None:
                si = self.lay.sentence_index(m.start())
                ss = self.lay.sentences[si][0]
                dm = re.search(r"delegation\s+(?:from|of)\s+(?:the\s+)?", text[ss:m.start()])
                if dm:
                    hit = self._org_at(ss + dm.end())
                    if hit and hit[1] != "home":
                        org = hit[0]
            self._add(name, role, org, ns, ne, "title before the name", 0.9)
        for m in _APPOS.finditer(text, body):
            name = self._trim_name(m.group("name"))
            if not name or name != m.group("name"):
                continue
            role_txt = m.group("role")
            if not _ROLE_NOUN.search(role_txt) and not role_txt.startswith("who"):
                continue
            if re.match(r"\s*(?:where|which|when|while|whose|as|if|but|so)\b", role_txt):
                continue  # "… the Student and Career Counselling, where students …": a clause, not a person's role
            if any(w in _NOT_NAME_WORDS for w in name.split()):
                continue
            if self._org_at(m.start("name")):
                continue
            role, org = self._clean_role(role_txt, m.start("role"))
            self._add(name, role, org, m.start("name"), m.end("name"), "role in apposition", 0.8)
        for m in _ROLE_OF_NAME.finditer(text, body):
            if text[m.start() - 1:m.start()] == "-":
                continue
            name = self._trim_name(m.group("name"))
            if not name or name != m.group("name") or _ORG_WORDS.search(name) or self._org_at(m.start("name")):
                continue
            role, org = self._clean_role(m.group("role"), m.start("role"))
            self._add(name, role, org, m.start("name"), m.end("name"), "role of an organisation before the name", 0.8)
        for m in _TITLED_LOWER.finditer(text, body):
            if text[m.start() - 1:m.start()] == "-":
                continue
            name = self._trim_name(m.group("name"))
            if not name or _ORG_WORDS.search(name) or self._org_at(m.start("name")):
                continue
            ne = m.start("name") + len(name)
            oa = self._org_after(ne)
            org = (oa[0] if oa[1] != "home" else "home") if oa else None
            self._add(name, m.group("title"), org, m.start("name"), ne, "title in lower case before the name", 0.7)
        # "acting dean of the Faculty of Chemistry Alexey Knyazev,", "Vice Rector for International Affairs Artyom Rykun,":
        # a role of a unit, the unit, then its holder's name (two words, none of them a subject's)
        from etl.extract.units import _SUBJECT_WORDS, _field_words

        unit_ends = _SUBJECT_WORDS | _field_words() | {"affairs", "relations", "chemistry", "physics", "mathematics", "biology",
                                                       "students", "cooperation", "exchange", "exchanges", "partnerships",
                                                       "internationalisation", "internationalization", "mobility"}
        for m in _ROLE_UNIT_NAME.finditer(text, body):
            name, ns = m.group("name"), m.start("name")
            unit = m.group("unit").strip()
            # a three-word "name" that opens with the unit's last word ("… for Foreign | Students Jānis Ozols"):
            # the word is the unit's
            while len(name.split()) > 2 and (name.split()[0].lower() in unit_ends or name.split()[0] in _NOT_NAME_WORDS):
                first = name.split()[0]
                unit = f"{unit} {first}"
                rest = name[len(first):].lstrip()
                ns += len(name) - len(rest)
                name = rest
            if any(w.lower() in _SUBJECT_WORDS or w.lower() in _field_words() or w in _NOT_NAME_WORDS for w in name.split()) or \
                    _ORG_WORDS.search(name) or self._org_at(ns) or name in self.people:
                continue
            if not unit or unit.split()[-1].lower() not in unit_ends:
                continue
            self._add(name, re.sub(r"\s+", " ", m.group("role")).strip(), None, ns, ns + len(name),
                      "a unit's role before the name", 0.7)
        # "A student representative, Zhang Haoran, says"
        for m in re.finditer(rf"\b(?P<role>(?:student|international\s+student)\s+representative),\s+(?P<name>{_NAME}"
                             rf"(?:\s+{_NAME}){{1,2}}),", text[body:]) if "representative," in text else ():
            self._add(m.group("name"), m.group("role"), "home", body + m.start("name"), body + m.end("name"),
                      "role in apposition", 0.8)
        # a byline on a line of its own ("By Nurul Hidayah Rahman"): the piece's writer
        for m in _BYLINE.finditer(text):  # (often in the header, before the body)
            name = m.group("name")
            if not any(w in _NOT_NAME_WORDS for w in name.split()) and not _ORG_WORDS.search(name):
                self._add(name, "writer", "home", m.start("name"), m.end("name"), "byline", 0.75)
        # the page's credits (its reporter, translator, editor): the home's people
        if any(w in text for w in _CREDIT_WORDS):
            for m in _CREDIT.finditer(text):
                name = m.group("name") or m.group("name2")
                what = (m.group("what") or m.group("what2")).lower()
                if any(w in _NOT_NAME_WORDS or w in _NOT_SURNAMES for w in name.split()) or _ORG_WORDS.search(name):
                    continue
                role = {"reported": "reporter", "translated": "translator", "edited": "editor", "proofread": "proofreader",
                        "photographed": "photographer", "written": "writer", "compiled": "editor"}.get(what, what)
                at = m.start("name") if m.group("name") else m.start("name2")
                self._add(name, role, "home", at, at + len(name), "a credit of the page", 0.7)
        # full names listed together, then their organisation or unit ("Anna Keller, Jonas Brandt and Lea Vogt from
        # the Welcome Centre"): each of them
        for m in _NAME_LIST_FROM.finditer(text, body):
            names = [n.strip() for n in re.split(r",\s*|\s+and\s+", m.group("names")) if n.strip()]
            if len(names) < 2 or any(len(n.split()) < 2 or any(w in _NOT_NAME_WORDS for w in n.split()) or
                                     _ORG_WORDS.search(n) for n in names):
                continue
            if any(self._org_at(m.start("names") + m.group("names").find(n)) for n in names):
                continue
            oa = self._org_after(m.end("names"))
            unit = self.unit_name(m.group("unit")) if m.group("unit") else None
            if not oa and not unit and not re.search(r"\b(?:Office|Centre|Center|Team|Department|School|Faculty|"
                                                     r"Committee|Unit|Division)\b", m.group("unit") or ""):
                continue  # "… from Germany": names of a place's people, no organisation said
            org = (oa[0] if oa[1] != "home" else "home") if oa else "home"
            at = m.start("names")
            for n in names:
                i = text.find(n, at)
                self._add(n, "", org, i, i + len(n), "names listed with their organisation", 0.65)
                at = i + len(n)
        for m in _NAME_PAREN_ROLE.finditer(text, body):
            name, role = m.group("name"), m.group("role").strip()
            if any(w in _NOT_NAME_WORDS for w in name.split()) or _ORG_WORDS.search(name) or \
                    self._org_at(m.start("name")) or not _ROLE_NOUN.search(role) or len(role.split()) > 8:
                continue
            r2, o2 = self._clean_role(role, m.start("role"))
            self._add(name, r2 or role, o2, m.start("name"), m.end("name"), "role in brackets after the name", 0.7)
        for m in _NAME_FROM_ORG.finditer(text, body):
            name = m.group("name")
            if name in self.people or any(w in _NOT_NAME_WORDS for w in name.split()) or _ORG_WORDS.search(name) or \
                    self._org_at(m.start("name")):
                continue
            hit = self._org_at(m.end())
            if not hit:
                continue  # "… from Germany": no organisation
            self._add(name, "", hit[0] if hit[1] != "home" else "home", m.start("name"), m.end("name"),
                      "a name from an organisation", 0.6)
        for m in _NAME_OF_UNIT.finditer(text, body):
            name = m.group("name")
            if name in self.people or any(w in _NOT_NAME_WORDS for w in name.split()) or _ORG_WORDS.search(name) or \
                    self._org_at(m.start("name")) or self._org_at(m.start("unit")):
                continue
            oa = self._org_after(m.end("unit"))
            self._add(name, re.sub(r"\s+", " ", m.group("unit")), (oa[0] if oa[1] != "home" else "home") if oa else None,
                      m.start("name"), m.end("name"), "a name from a unit", 0.6)
        # Chinese names without a title ("Liu Yang, teacher of …" is caught above; "Hou Jing from the School")
        for m in _CN_NAME.finditer(text, body):
            name = f"{m.group('sur')} {m.group('given')}"
            if name in self.people or self._org_at(m.start()):
                continue
            if m.group("given") in _NOT_NAME_WORDS:
                continue
            after = text[m.end():m.end() + 60]
            role = ""
            fm = re.match(r"\s+(?:from|of)\s+(?:the\s+)?([A-Z][^,.;]*?)(?=[,.;]|\s+(?:says|said|who|is|was)\b)", after)
            if fm and self.unit_name(fm.group(1)):
                role = f"member of {self.unit_name(fm.group(1))}"
            self._add(name, role, None, m.start(), m.end(), "surname + given name", 0.6)
        self._listed_names(body)
        self._english_more(body)
        self._single_surnames(singles)

    def _listed_names(self, body: int) -> None:
        """The other full names of a list where one is a person already (see _NAME_LIST)."""
        from etl.resolve.geo import load_gazetteer

        text = self.text
        if "," not in text or not self.people:
            return
        gaz = None
        for m in _NAME_LIST.finditer(text, body):
            items = [(i.start(), i.group(0)) for i in re.finditer(_NAME_ITEM, m.group("list"))]
            known = [n for _, n in items if n in self.people]
            if not known or len(known) == len(items):
                continue
            if re.search(r"\bby[^\S\n]+$", text[max(0, m.start() - 4):m.start()]):
                continue  # a credit line ("Photos by A and B"): the credits' own rule reads it
            for off, name in items:
                a = m.start("list") + off
                if name in self.people or any(w in _NOT_NAME_WORDS for w in name.split()) or _ORG_WORDS.search(name) or \
                        _ROLE_NOUN.search(name) or _LISTED_NOT_NAME.search(name) or \
                        self._org_at(a) or self._org_at(a + len(name) - 1):
                    continue  # (a role or a subject in the list: "Regional Manager", "Social Sciences")
                gaz = gaz or load_gazetteer()
                if gaz.place(name) or gaz.country_name(name) or any(gaz.country_name(w) or gaz.adjective(w)
                                                                    for w in name.split()):
                    continue
                self._add(name, "", None, a, a + len(name), "a name listed with people", 0.6)

    def _english_more(self, body: int) -> None:
        """Names in lists under one plural title ("Deputy Directors A B and C D", "Professors A B and C D"), and a
        post of an organisation the page names, then its holder ("President of X Group Hwang Min-jun", "vice
        president of LU Gao Lan")."""
        text = self.text
        for m in _PLURAL_TITLED.finditer(text, body) if any(w in text for w in _PLURAL_WORDS) else ():
            title = re.sub(r"\s+", " ", m.group("title"))
            role = re.sub(r"s$", "", title) if not title.endswith("ss") else title
            at = m.start("names")
            for n in re.split(r",\s*(?:and\s+)?|\s+and\s+", m.group("names")):
                n = n.strip()
                i = text.find(n, at)
                if n and i >= 0 and self._trim_name(n) == n and not _ORG_WORDS.search(n) and not self._org_at(i):
                    self._add(n, "Professor" if role in ("Professor", "Prof.") else role, None, i, i + len(n),
                              "names under a plural title", 0.7)
                at = i + len(n) if i >= 0 else at
        for s, e, oname, status in self.orgs:
            if s < body:
                continue
            lm = _THE.match(text[s:e])
            s0 = s + (lm.end() if lm else 0)
            pm = _POST_BEFORE_ORG.search(text, max(body, s0 - 50), s0)
            nm = _NAME_AFTER_ORG.match(text, e) if pm else None
            if not nm:
                continue
            name = nm.group("name")
            if self._trim_name(name) != name or _ORG_WORDS.search(name) or self._org_at(nm.start("name")):
                continue
            org = oname if status != "home" else "home"
            self._add(name, f"{pm.group('post')} of {oname}" if status != "home" else pm.group("post"), org,
                      nm.start("name"), nm.end("name"), "an organisation's post before the name", 0.75)

    def _single_surnames(self, singles: list[tuple[str, str, int, int]]) -> None:
        """A surname alone after a title ("Prof. Morikawa", "Principal Orlov", "President Han") is a person when no
        full name on the page holds it (else it refers back to that one): not a word the page writes in lower case,
        nor a place's or a country's name."""
        if not singles:
            return
        from etl.resolve.geo import load_gazetteer

        gaz = load_gazetteer()
        words_in_names = {w for n in self.people for w in re.split(r"[\s-]+", n)}
        # the page's words in lower case, and its capitalised words another capitalised word follows (each text read
        # once: a search of the text per surname grew with the square of its length)
        lower = set(re.findall(r"(?<![\w-])[a-z][\w'’]*(?![\w-])", self.text))
        before_cap = set(re.findall(r"(?<![\w-])([A-Z][\w'’-]*)(?=[^\S\n]+(?!of\b)[A-Z][a-z]+(?![\w-]))", self.text))
        for title, word, s, e in singles:
            if re.search(r"['’]s$", word):
                word, e = word[:-2], e - 2  # "Professor Wang's proposal"
            if title in ("Student", "Students", "Doctor", "Minister", "Prime Minister", "Academician", "Coordinator",
                         "Instructor", "Lecturer", "Manager", "Project Manager") or word in _NOT_NAME_WORDS or \
                    word in words_in_names or word in _NOT_SURNAMES or self._org_at(s) or \
                    gaz.place(word) or gaz.country_name(word) or gaz.adjective(word) or \
                    word.lower() in lower or \
                    re.match(r"[\s-]*[A-Z]|['’]s\b|\s+(?:of|for)\b", self.text[e:e + 6]) or not self.text[e:].strip() or \
                    any(w.startswith(word) for w in words_in_names) or word in before_cap:
                continue  # (the page's last word, cut short; the first part of a full name written elsewhere)
            t = re.sub(r"\b(Dr|Prof|Mr|Ms|Mrs)\b(?!\.)", r"\1.", title)
            role = "" if t in ("Mr.", "Ms.", "Mrs.", "Madam", "Dr.") else ("Professor" if t == "Prof." else t)
            self._add(word, role, None, s, e, "a surname alone after a title", 0.6)
            words_in_names.add(word)

    def _trim_name(self, name: str) -> str:
        words = name.split()
        out = []
        for w in words:
            if w in _NOT_NAME_WORDS or w.lower() in ("of", "and"):
                break
            out.append(w)
        if len(out) < 2:
            return ""
        return " ".join(out)

    # -- Chinese ------------------------------------------------------------------------------
    def _zh_name_at(self, pos: int) -> tuple[str, int] | None:
        t = self.text
        fm = _ZH_FOREIGN.match(t, pos)
        if fm:
            return fm.group("latin").strip(), fm.end()
        if t[pos:pos + 2] in JP_SURNAMES and self._japan and re.match(r"[\u4e00-\u9fff]{2}(?![\u4e00-\u9fff]{0,1}(?:大学|学院))",
                                                                         t[pos + 2:pos + 5]) and \
                t[pos + 2] not in _ZH_STOP_AFTER and (t[pos + 3] not in _ZH_STOP_AFTER or
                                                      t[pos + 3:pos + 5] in ("一副", "一教", "一校", "一先", "一博", "一、")):
            # (村上敬一副教授: 一 ends many Japanese given names; 一行 is a delegation)
            if t[pos + 4:pos + 5] in ("郎", "子") and t[pos + 3] not in "郎子":
                return t[pos:pos + 5], pos + 5  # 西尾章治郎, 户川美惠子: a three-character given name
            return t[pos:pos + 4], pos + 4  # 杉田雅彦: a Japanese surname and a two-character given name
        dm = _ZH_DOT_ANY.match(t, pos)
        if dm and t[pos] not in _ZH_STOP_AFTER and not _ZH_ROLE_RE.match(t, pos):
            name = dm.group(0)
            dot = max(name.rfind(c) for c in "·˙•‧・?？")
            for i in range(dot + 2, len(name)):
                if _ZH_ROLE_RE.match(t, pos + i) or name[i] in _ZH_STOP_AFTER or t[pos + i:pos + i + 2] in ("先生", "女士"):
                    name = name[:i]
                    break
            if len(name) > dot + 1 and not _ZH_ORG_END.search(name):
                return name, pos + len(name)  # 苏珊·休伯, 麦克·托马斯
        two = t[pos:pos + 2]
        if two in SURNAMES_ZH2:
            sur_len = 2
        elif t[pos:pos + 1] in SURNAMES_ZH:
            sur_len = 1
        else:
            return None
        given = t[pos + sur_len:pos + sur_len + 2]
        if not given or not CJK.match(given[0]):
            return None
        n = 2 if len(given) == 2 and CJK.match(given[1]) and given[1] not in _ZH_STOP_AFTER else 1
        if n == 2 and len(t) > pos + sur_len + 2 and CJK.match(t[pos + sur_len + 2]) and \
                t[pos + sur_len + 2] not in _ZH_STOP_AFTER and t[pos + sur_len + 1] in "教":
            n = 1
        if n == 2 and t[pos + sur_len + 1:pos + sur_len + 3] in _ZH_WORD_AFTER_NAME:
            n = 1
        name = t[pos:pos + sur_len + n]
        if re.match(r"[\u4e00-\u9fff]{0,4}[·˙•‧・]", t[pos + len(name):pos + len(name) + 5]) and \
                _ZH_DOTTED.match(t, pos):
            return None  # 谢尔盖•日诺夫: the first part of a transliterated name (read whole by _ZH_DOTTED)
        if name[0] == "向" and re.match(r"向[\u4e00-\u9fff]{0,6}?(?:嘉宾|来宾|客人|代表团|师生|同学|朋友)", t[pos:pos + 12]):
            return None  # 处长向德国嘉宾介绍: 向 (towards) the guests, no name
        if _ZH_NOT_NAME.search(name) or t[pos + len(name):pos + len(name) + 1] in ("生", "业") or \
                _ZH_NOT_GIVEN.search(name[sur_len:]):
            return None
        # a 2-character name read as 3: the shorter form recurs with different next characters
        if n == 2:
            short = name[:-1]
            # (each form's figures once per text: a scan of the text per name made long texts quadratic)
            nexts = self._zh_seen.get(short)
            if nexts is None:
                nexts = self._zh_seen[short] = {t[i + len(short)] for i in [mm.start() for mm in
                                                                            re.finditer(re.escape(short), t)]
                                                if i + len(short) < len(t)}
            if len(nexts) >= 3 and self._zh_count(name) == 1:
                name = short
        return name, pos + len(name)

    def _zh_foreign_given(self, pos: int) -> tuple[str, int] | None:
        """A foreign name transliterated without a dot right after a role (该校校长菲利普、副校长吉米就…, 留学生菲比上台):
        two to four characters of transliteration, then a word that ends a name."""
        m = _ZH_FOREIGN_GIVEN.match(self.text, pos)
        if not m or _ZH_NOT_GIVEN.search(m.group("name")) or m.group("name") in _ZH_TRANSLIT_WORDS:
            return None
        return m.group("name"), m.end("name")

    def _chinese(self) -> None:
        text = self.text
        body = self.lay.body_start()
        for m in _ZH_ROLE_RE.finditer(text, body):
            at = m.end()
            if m.group(0) in _ZH_CREDITS:
                # credits: "(通讯员 某某)", "[作者]: 某某", "记者某某/某地报导"
                cm = re.match(r"[\]】]?\s*[:：/]?\s*", text[at:at + 4])
                at += cm.end() if cm else 0
            else:
                # a portfolio in brackets between the role and the name: 副校长(研究)某某, 副校長（學術）某某
                pm = re.match(r"[(（][\u4e00-\u9fff]{1,6}[)）]", text[at:at + 8])
                at += pm.end() if pm else 0
            got = self._zh_name_at(at) or self._zh_foreign_given(at)
            if not got:
                continue
            name, ne = got
            # the role: from the last boundary before the role word
            s = m.start()
            j = s
            while j > body and text[j - 1] not in "，。、；：“”（）() 　\n" and s - j < 30:
                j -= 1
            prefix = text[j:s]
            org = None
            # a partner's name at the front of the role is the organisation, not the role
            for os_, oe, oname, status in self._ox.starting_in(j, m.start()):
                if j <= os_ < m.start() and oe <= m.start():
                    if status == "partner":
                        org = oname
                    prefix = text[oe:s] if status != "home" or True else prefix
            prefix = re.sub(r"^(?:我校|学校|本校)", "", prefix)
            # 处长赵某及教师王某: the role is 教师, not what named the one before: cut after the last name found so far
            # that is followed by 及/和/与/、 (where the name last occurs; looked up by the names' lengths, not by a
            # scan of every name for every role)
            for j in range(len(prefix) - 1, 0, -1):
                if prefix[j] in "及和与、" and any(
                        n <= j and prefix[j - n:j] in self.people and prefix.rfind(prefix[j - n:j]) == j - n
                        for n in self._name_lengths):
                    prefix = prefix[j + 1:]
                    break
            role = prefix + m.group(0)
            # "马克·詹金斯（Mark Jenkins）教授": the role after the name
            self._add(name, role, org, at, ne, "role before the name (zh)", 0.85)
            # more names joined to the first under the same title (副校长林某与宋某就…, 教师王某、潘某参加): the same role
            while m.group(0) not in _ZH_CREDITS:
                cm2 = re.match(rf"(?:与|和|及|、)(?=[\u4e00-\u9fff]{{2,3}}(?:{_ZH_AFTER_NAMES}))", text[ne:ne + 8])
                got2 = self._zh_name_at(ne + cm2.end()) if cm2 else None
                if not got2 or not re.match(_ZH_AFTER_NAMES, text[got2[1]:got2[1] + 2]) or \
                        _ZH_ROLE_RE.match(text, ne + cm2.end() + 1) or _ZH_ROLE_RE.match(text, ne + cm2.end() + 2):
                    break
                self._add(got2[0], role, org, ne + cm2.end(), got2[1], "a second name under the same title (zh)", 0.7)
                ne = got2[1]
        # credits after a name: 某某/审 某某/文/图, 某某供图供稿 (the piece's reviewer, writer, photographer)
        for m in re.finditer(r"[^\S\n]*/[^\S\n]*(?:审|文|图|摄)|供图|供稿", text[body:]):
            end = body + m.start()
            for n in (3, 2):
                got = self._zh_name_at(end - n) if end - n >= body else None
                if got and got[1] >= end and not _ZH_ROLE_RE.search(text[end - n:end]):
                    self._add(text[end - n:end], "图文" if "图" in m.group(0) else m.group(0).strip(" /"), "home", end - n, end,
                              "credit after the name (zh)", 0.7)
                    break
        # names listed right after a unit's name (国际交流与合作处某某、某某赴…): the unit's staff
        for m in _ZH_UNIT_NAMES.finditer(text, body):
            pos, found = m.start(), []
            while True:
                got = self._zh_name_at(pos)
                if not got or _ZH_ROLE_RE.search(got[0]) or not re.match(_ZH_AFTER_NAMES, text[got[1]:got[1] + 2]):
                    break
                found.append((got[0], pos, got[1]))
                if text[got[1]:got[1] + 1] != "、":
                    break
                pos = got[1] + 1
            if len(found) >= 2 or (found and re.match(r"等(?:人)?(?:陪同|参加|出席|前往|赴|一同|随同)", text[found[0][2]:found[0][2] + 5])):
                unit = text[max(body, m.start() - 12):m.start()]
                unit = re.split(r"[，。、；：\s]", unit)[-1]
                for name, s_, e_ in found:
                    self._add(name, unit, None, s_, e_, "names after a unit (zh)", 0.65)
        # the piece's credits in the body, each label with all its names (文:国际交流处 某某 图:某某, 审稿:某某 某某,
        # (二审:某某;编辑:某某), (记者 某某 某某 某某)) and a closing bracket of the writer's unit and name ((国际处 某某))
        for m in _ZH_CREDIT_LIST.finditer(text, body):
            label = m.group("label") or "供稿"
            for tm in re.finditer(r"[\u4e00-\u9fff]{2,14}", m.group("names")):
                tok, ts = tm.group(0), m.start("names") + tm.start()
                um = None
                for um in _ZH_CREDIT_UNIT.finditer(tok):
                    pass
                if um is not None:
                    if um.end() == len(tok):
                        continue  # the writer's unit (国际交流合作处)
                    tok, ts = tok[um.end():], ts + um.end()  # 国际交流处方超: the unit, then the name
                tok = re.sub(r"(?:报道|供稿|供图|摄影|撰稿|编辑|整理)$", "", tok)
                got = self._zh_name_at(ts)
                if got and got[0] == tok and 2 <= len(tok) <= 4 and not _ZH_ROLE_RE.search(tok):
                    self._add(tok, label, "home", ts, ts + len(tok), "credit list (zh)", 0.7)
        # a news agency's byline without a title (中新社厦门4月4日电 (某某 某某)); the credits of the page's meta line
        # before the body (撰稿：某某 编辑：某某) are left out, as the held-out labels have it
        for m in _ZH_BYLINE.finditer(text, body):
            for nm in re.finditer(r"[\u4e00-\u9fff]{2,4}", m.group("names")):
                got = self._zh_name_at(nm.start() + m.start("names"))
                if got and got[1] == nm.end() + m.start("names"):
                    self._add(got[0], "记者", None, nm.start() + m.start("names"), got[1], "news agency byline (zh)", 0.75)
        # a name right before its role: 张发钧处长, 许晓彦教授
        for m in _ZH_NAME_ROLE.finditer(text, body):
            name = m.group("name")
            if not (name[:1] in SURNAMES_ZH or name[:2] in SURNAMES_ZH2) or _ZH_NOT_NAME.search(name) or \
                    any(os_ <= m.start() < oe for os_, oe, _, _ in self._ox.at(m.start())) or _ZH_ROLE_RE.search(name) or \
                    _ZH_NOT_GIVEN.search(name[1:]) or re.search(rf"[·˙•‧・]{re.escape(name)}", text):
                continue  # 项目主任, 应邀来…; 詹金斯 of 马克·詹金斯 (that person)
            self._add(name, m.group("role"), None, m.start("name"), m.end("name"), "name before its role (zh)", 0.75)
            # the names listed before it under the same title (日语系黄某、户川某某、黄某某、许某某老师)
            k = m.start("name")
            while text[k - 1:k] == "、" and k - 1 > body:
                lo = max(body, k - 24)  # (an item is a name, perhaps after a unit's: a short look back)
                ps = max(text.rfind(c, lo, k - 1) for c in "、，。；：\n（(") + 1
                if ps == 0:
                    break
                tok = text[ps:k - 1]
                um = None
                for um in re.finditer(r"[系处部科室院心]", tok):
                    pass
                cut = um.end() if um is not None and 2 <= len(tok) - um.end() <= 5 else 0
                got = self._zh_name_at(ps + cut)
                if not got or got[1] != k - 1 or _ZH_ROLE_RE.search(got[0]):
                    break
                self._add(got[0], m.group("role"), None, ps + cut, got[1], "a name listed before a shared title (zh)", 0.65)
                if cut:
                    break
                k = ps
        # a Japanese name right before its role on a page about Japan (村上敬一副教授, 大友克之校长)
        # (on another page, a Japanese name among a list of titled names: 尹某教授、中西秀树教授、关某教授)
        for m in _ZH_JP_NAME_ROLE.finditer(text, body) if self._japan or _ZH_LISTED_4.search(text, body) else ():
            if (m.start() > 0 and text[m.start() - 1] not in _ZH_JP_BEFORE) or \
                    any(os_ <= m.start() < oe for os_, oe, _, _ in self._ox.at(m.start())):
                continue
            if self._japan:
                got = self._zh_name_at(m.start())
            else:
                name = m.group("name")
                listed = text[m.start() - 1:m.start()] == "、" or text[m.end():m.end() + 1] == "、"
                got = (name, m.end("name")) if listed and len(name) == 4 and not _ZH_NOT_GIVEN.search(name[2:]) and \
                    not any(c in _ZH_STOP_AFTER for c in name[2:]) else None
            if got and got[1] == m.end("name"):
                self._add(got[0], m.group("role"), None, m.start(), got[1], "Japanese name before its role (zh)", 0.7)
        # a name right after an organisation's name and before its role: 与辅仁大学黎建球校长互赠纪念品 (the org's person)
        for os_, oe, oname, status in self.orgs:
            if oe < body or status not in ("partner", "home"):
                continue
            m = _ZH_AFTER_ORG.match(text, oe)
            if not m:
                continue
            name = m.group("name")
            fg = _ZH_FOREIGN_BEFORE_ROLE.match(text, oe) if status == "partner" else None
            if fg and not (name[:1] in SURNAMES_ZH or name[:2] in SURNAMES_ZH2):
                name = fg.group("name")  # 红溪礼示大学约瑟夫校长: a foreign given name, transliterated
                self._add(name, fg.group("role"), oname, fg.start("name"), fg.end("name"),
                          "foreign name between its organisation and its role (zh)", 0.7)
                continue
            if not (name[:1] in SURNAMES_ZH or name[:2] in SURNAMES_ZH2) or _ZH_NOT_NAME.search(name) or \
                    _ZH_ROLE_RE.search(name) or _ZH_NOT_GIVEN.search(name[1:]):
                continue
            self._add(name, m.group("role"), oname if status == "partner" else None, m.start("name"), m.end("name"),
                      "name between its organisation and its role (zh)", 0.75)
        # foreign names: transliterated with a middle dot, or in Latin letters beside a role
        for m in _ZH_DOTTED.finditer(text, body):
            name, end = m.group("name"), m.end()
            if text[m.start() - 1:m.start() + 1] in _ZH_WORDS_ENDING_TR:
                continue  # 助理依莲娜·萨维娜: 理 ends the word 助理 (read from the next character on)
            dot = max(name.rfind(c) for c in "·˙•‧・")
            for i in range(dot + 2, len(name)):
                if _ZH_ROLE_RE.match(text, m.start() + i):
                    name, end = name[:i], m.start() + i  # 阿依捷利姆博士: the role's first character is no part of the name
                    break
            nxt = text[end:end + 1]
            if any(os_ <= m.start() < oe for os_, oe, _, _ in self._ox.at(m.start())) or _ZH_ORG_END.search(name) or \
                    re.match(r"\s*[（(][A-Z]", text[end:end + 3]) or \
                    (CJK.match(nxt) and nxt not in _ZH_STOP_AFTER and nxt not in "先女一来" and
                     not _ZH_ROLE_RE.match(text, end)):
                continue  # an organisation's name (马克斯·普朗克学会); a bracketed Latin form is read below; a name
                # that runs on in characters the table does not read (埃里克·约翰松)
            rb = list(_ZH_ROLE_RE.finditer(text, max(body, m.start() - 12), m.start()))
            role = rb[-1].group(0) if rb and rb[-1].end() == m.start() else ""
            self._add(name, role, None, m.start(), end, "transliterated foreign name (zh)", 0.7)
        # a Russian-style name with Latin initials (波波夫A.N., 米罗诺娃·K·A) after a role or before one
        for m in _ZH_INITIALS.finditer(text, body):
            rb = list(_ZH_ROLE_RE.finditer(text, max(body, m.start() - 12), m.start()))
            role = rb[-1].group(0) if rb and rb[-1].end() == m.start() else ""
            if not role and not _ZH_ROLE_RE.match(text, m.end()) and not re.match(r"等|一行", text[m.end():m.end() + 2]):
                continue
            if any(os_ <= m.start() < oe for os_, oe, _, _ in self._ox.at(m.start())):
                continue
            self._add(m.group("name"), role, None, m.start(), m.end(), "transliterated name with initials (zh)", 0.7)
        for m in _ZH_LATIN_NAME.finditer(text, body):
            name = re.sub(r"^(?:Prof|Dr|Mr|Ms|Mrs|Professor)\.?\s+(?=[A-Z]\S*\s+[A-Z])", "", m.group("name"))  # Prof Duncan Rice
            if " " not in name and re.search(rf"[A-Z][\w'’.\-]*\s+{re.escape(name)}(?![A-Za-z])", text):
                continue  # Lingner博士 after Gudrun Lingner: the person named in full
            if not CJK.search(text[max(0, m.start() - 3):m.start()] + text[m.end():m.end() + 3]) or \
                    any(os_ <= m.start() < oe for os_, oe, _, _ in self._ox.at(m.start())) or _ORG_WORDS.search(name):
                continue  # Latin names inside an English passage are the English reader's
            rb = list(_ZH_ROLE_RE.finditer(text, max(body, m.start() - 12), m.start()))
            role = rb[-1].group(0) if rb and rb[-1].end() == m.start() else (_ZH_ROLE_RE.match(text, m.end()) or [""])[0]
            self._add(name, role, None, m.start(), m.end(), "Latin-lettered name (zh)", 0.7)
        for m in _ZH_FOREIGN.finditer(text, body):
            name = m.group("latin").strip()
            if name in self.people or _ZH_ORG_END.search(m.group("zh")) or re.fullmatch(r"[A-Z][A-Za-z]{0,1}[A-Z]+", name) \
                    or _ORG_WORDS.search(name) or _ZH_BODY_LATIN.search(name) or _ZH_BODY_END.search(m.group("zh")) \
                    or any(os_ <= m.end("zh") - 1 < oe for os_, oe, _, _ in self._ox.at(m.end("zh") - 1)):
                continue  # an organisation's name or acronym in brackets: 世界海事大学（WMU）
            after = _ZH_ROLE_RE.match(text, m.end())
            before = text[max(body, m.start() - 12):m.start()]
            role = after.group(0) if after else ""
            rb = [x for x in _ZH_ROLE_RE.finditer(before)]
            if not role and rb and rb[-1].end() == len(before):
                role = rb[-1].group(0)
            org = None
            for os_, oe, oname, status in self._ox.starting_in(m.start() - 30, m.start()):
                if m.start() - 30 <= os_ < m.start() and status == "partner":
                    org = oname
            self._add(name, role, org, m.start("latin"), m.end("latin"), "Latin name in brackets (zh)", 0.8)

    def run(self) -> list[PersonHit]:
        if self.lang == "zh":
            self._chinese()
        else:
            self._english()
            # "Dr Zafar Iqbal said" after "Vice Chancellor Dr Zafar Iqbal Randhawa": the same person, named in part
            full = [n.split() for n in self.people if len(n.split()) >= 3]
            for n in list(self.people):
                w = n.split()
                if len(w) >= 2 and any(len(f) > len(w) and f[:len(w)] == w for f in full):
                    del self.people[n]
        return list(self.people.values())


# more of this module's scans that open with \b, a look-behind or a repeated set, faster with the same matches
# (fastre.py)
(_POST_BEFORE_ORG, _ORG_WORDS) = (
    guarded(p) for p in (_POST_BEFORE_ORG, _ORG_WORDS))
