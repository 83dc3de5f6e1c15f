"""Which of the nine kinds of international activity a piece reports.

Each kind has cue patterns (English and Chinese) with a weight; a kind is reported when
the weights of its cues in the piece add up to 1. Sentence context changes a cue's weight:

- a cue in a generic list of cooperation areas of an MoU ("the MoU covers student exchange,
  faculty visits and joint research"; 就学生交流和合作研究进行了交流) does not count;
- a cue in a background or wished-for clause ("started with summer programs in 2015",
  "hopes to send students to the summer school next year", "have also come") counts half;
- study abroad: not where students come in ("12 students come from UTM under the student
  exchange agreement"), not inside a joint programme ("the first cohort goes to Sydney"
  of a 2+2), not staff going abroad, not "study abroad" said of a summer or winter programme;
- international students: not a partner's own ("programs of KTH open to international
  students");
- conference: a conference, forum, symposium, workshop or work meeting held (or named in
  the title), not one planned, invited to or held by video instead of a meeting;
- delegation visit: a delegation, a visit to the home institution, a university leader
  meeting guests, leaders or "the two sides" signing (not a dean meeting a lecturer);
- an inbound summer school (students from partner universities) is also
  international students.

The evidence of a kind is its strongest cue: sentence, span and the rule's name.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from etl.extract.cues import cue, cue_parts
from etl.extract.fastre import first_of, guarded, prefiltered

KINDS = ("joint_program", "study_abroad", "summer_school", "international_students", "faculty_exchange",
         "research_collaboration", "agreement", "delegation_visit", "conference")

I = re.I
# foreign countries and regions by their usual Chinese names (students studying there go abroad)
_ZH_ABROAD = (r"英国|美国|法国|德国|日本|韩国|俄罗斯|澳大利亚|澳洲|新西兰|加拿大|新加坡|马来西亚|泰国|越南|意大利|西班牙|"
              r"葡萄牙|荷兰|比利时|瑞士|瑞典|芬兰|挪威|丹麦|爱尔兰|波兰|捷克|匈牙利|奥地利|以色列|印度|巴西|墨西哥|"
              r"阿根廷|智利|南非|埃及|白俄罗斯|乌克兰|哈萨克斯坦|蒙古|欧洲|美洲|北美|海外|境外|国外")
# students (and their teachers) coming in a group to study at the home ("学生一行20人来我校交流")
_DATED_SEMINARS = re.compile(
    r"\b\d+\s+students\b[^.\n]{0,40}?\bfrom\s+(?-i:[A-Z])[^.\n]{0,60}?\b(?:will\s+)?(?:attend|attended|join|joined|"
    r"take\s+part\s+in|took\s+part\s+in)\s+(?:the\s+|a\s+)?(?:[\w-]+\s+){0,3}?(?:seminars?|courses?|workshops?|classes|"
    r"training|programm?e?s?)\b[^.\n]{0,30}?\b(?:held\s+)?(?:between|from)\s+\d", re.I)
_STUDY_VISIT = re.compile(r"(?:学生|师生)(?:代表团)?一行\s*\d*\s*人?[^，。\n]{0,8}(?:来|到)(?:我校|本校)(?:访问|参观|交流|学习)")
# (kind, rule name, pattern, weight)
RULES: list[tuple[str, str, re.Pattern, float]] = [
    # joint programmes
    ("joint_program", "joint programme", re.compile(
        r"\bjoint(?:ly)?[- ](?:run(?:ning)?(?!\s+research)|degree|programs?|programmes?|master['’]?s?|doctoral|undergraduate|bachelor['’]?s?|"
        r"postgraduate|training\s+programs?|educational\s+programs?|education\s+programs?|institute|institution|college|"
        r"school|graduate\s+school)\b", I), 1.0),
    ("joint_program", "a programme offered jointly", re.compile(
        r"\bjointly\s+(?:offer|run|deliver|launch|establish|develop)\w*\s+(?:a|an|the|their)?\s*(?:[\w'’-]+\s+){0,3}?"
        r"(?:programs?|programmes?|degrees?)\b", I), 1.0),
    ("joint_program", "students jointly trained", re.compile(
        r"\bstudents\s+(?:who\s+(?:were|are)\s+)?jointly\s+(?:trained|cultivated|educated)\b", I), 1.0),
    ("joint_program", "2+2 / 3+1 / 4+0", re.compile(r"(?<![\d.])[1-4]\s?\+\s?[0-4](?![\d.])"), 1.0),
    ("joint_program", "dual / double degree", re.compile(
        r"\b(?:dual|double|joint)(?:[\s-]+|(?=degree))(?:master['’]?s?\s+|bachelor['’]?s?\s+|doctoral\s+)?degrees?\b|"
        r"\b(?:joint|dual|double)(?:/(?:joint|dual|double))?\s+(?:PhD|Ph\.D\.|doctoral|master['’]?s?|bachelor['’]?s?)\s+"
        r"(?:programs?|programmes?|degrees?)\b|"
        r"\bdegrees?\s+(?:of|from)\s+both\s+(?:universities|institutions|sides|(?-i:[A-Z]))|\bdegrees\s+of\s+BISTU\s+and\b", I), 1.0),
    ("joint_program", "Sino-foreign cooperative education", re.compile(
        r"\b(?:Sino|Chinese)[- ]foreign\s+(?:cooperative|cooperatively|joint)|\bcooperative\s+(?:education|master|undergraduate|doctoral)|"
        r"\barticulation\s+programs?|"
        # "the Sino-German College", "Sino-British College": a college run with partners of that country
        r"\bSino-(?!foreign)(?-i:[A-Z])[a-z]+\s+(?-i:College|School)\b|"
        # "a Memorandum on establishing a Sino-Finnish Institute … education cooperation on undergraduate and graduate
        # level": a joint institute set up with a partner of that country (not a research institute's name: "Sino-X
        # Institute of Y" goes on with its field)
        r"\b(?:establish(?:ing|ed|es)?|set(?:ting)?\s+up|found(?:ing|ed)?)\s+(?:an?\s+|the\s+)?Sino-(?!foreign)(?-i:[A-Z])[a-z]+"
        r"\s+(?-i:Institute)\b(?!\s+(?:of|for)\b)", I), 1.0),
    # the Chinese-English of 合作办学 ("cooperative school running", "school-running cooperation"): a programme
    ("joint_program", "cooperative school running", re.compile(
        r"\bcooperative\s+school[- ]running|\bschool[- ]running\s+cooperation|"
        # "the cooperatively-run educational program", "Chinese-Foreign Cooperatively-run Educational Programs"
        r"\bcooperatively[- ]run\s+(?:educational\s+|education\s+|degree\s+)?(?:programs?|programmes?|schools?|institutes?)|"
        r"\bmutual\s+recognition\s+of\s+credits\s+and\s+degrees\b", I), 1.0),
    ("joint_program", "中外合作办学", re.compile(r"中外合作办学|合作办学|联合培养(?:项目|协议|计划)|双学位|双联学位|双联学制|联合学位|两校(?:学士|硕士|博士)?学位|"
                                                 r"共建[^，。\n]{0,8}(?<!孔子)(?<!科)学院|(?<!孔子)(?<!科)学院[^。\n]{0,60}(?:共同建设|合作共建|合作创办|合作举办)"), 1.0),
    ("joint_program", "联合培养", re.compile(r"联合培养(?!项目)"), 0.5),
    # a joint institute named after two universities (X大学Y大学联合学院) and its Sino-foreign management board
    ("joint_program", "两校联合学院", re.compile(r"大学[\u4e00-\u9fff]{2,14}?大学联合学院|中外联合管理委员会"), 1.0),
    ("joint_program", "学位合作项目", re.compile(r"(?:硕士|本科|博士|学士|研究生)(?:学位)?(?:合作|联合)(?:培养)?项目|"
                                                  # 签署了合作教育项目协议: a programme run together
                                                  r"(?:合作|联合)教育项目"), 1.0),
    # study abroad
    ("study_abroad", "exchange study", re.compile(
        r"\bsemester\s+exchange|\bexchange\s+(?:study|students?|semesters?|year|places)\b|\bstudent\s+exchange\b|"
        r"\bstudents['’]\s+exchanges?\b|\bstudents\b[^.\n]{0,60}?\b(?:participated|took\s+part)\s+in\s+(?:\w+\s+)?exchanges\b|"
        r"\bstudent\s+mobility\b|"
        r"\bexchange\s+\d+\s+(?:\w+\s+)?students|\babroad\s+for\s+(?:exchange|study)", I), 1.0),
    # "exchange programmes" are as often a general intention as students going
    ("study_abroad", "exchange programme", re.compile(r"\bexchange\s+(?:programs?|programmes?)\b", I), 0.5),
    ("study_abroad", "study tour or stay abroad", re.compile(
        r"\bstudy\s+(?:tours?|trips?)\b|"
        r"\bstudents\b[^.\n]{0,60}?\b(?:stayed|studied|(?:spent|spend|spends|spending)(?:\s+\w+){1,3}?)\s+(?:at|in)\s+(?:the\s+)?(?-i:[A-Z])",
        I), 1.0),
    # "twenty students departed for Kyoto University", "three students were selected for the exchange at X"
    # (the verb is matched; students before it in the sentence are checked below)
    ("study_abroad", "students leave for a partner", re.compile(
        r"\b(?:depart(?:ed|s|ing)?|left|leave|leaves|set\s+off|set\s+out)\s+for\s+(?:the\s+)?(?-i:[A-Z])|"
        r"\b(?:were|was|have\s+been|has\s+been)\s+selected\s+(?:for|to\s+(?:join|attend|take\s+part\s+in))\s+"
        r"(?:the\s+|an?\s+)?(?:[\w+-]+\s+){0,3}?(?:exchange|semester|study\s+abroad|mobility)\b", I), 1.0),
    ("study_abroad", "a number of students sent", re.compile(
        r"\b(?:send|sends|sent)\s+(?:\w+\s+)?(?:\d+|two|three|four|five|six|seven|eight|nine|ten|twenty|thirty|forty|fifty)\s+"
        r"(?:[\w-]+\s+){0,2}?students\b", I), 1.0),
    ("study_abroad", "study abroad", re.compile(
        r"\bstud(?:y|ying|ied)[\s-]+abroad\b|\beducation[\s-]+abroad\b|\bgoing\s+abroad\b|\bgo\s+abroad\b|\boverseas\s+study\b|"
        r"\binternships?\s+abroad\b|\b(?:semester|term|year)\s+abroad\b", I), 1.0),
    # "15 of our students are studying at partner universities in Germany"
    ("study_abroad", "students at partner universities", re.compile(
        r"\b(?:studying|study|studied)\s+at\s+(?:\w+\s+)?(?:partner|overseas|foreign)\s+(?:universities|institutions)\b", I), 1.0),
    ("study_abroad", "students sent abroad", re.compile(
        r"\bsen[dt]s?\s+(?:\d+\s+)?(?:[\w-]+\s+){0,2}students\s+(?:abroad|to\s+(?-i:[A-Z]))", I), 1.0),
    ("study_abroad", "a semester at a partner", re.compile(
        r"\bstudy\s+(?:one|a|two)\s+(?:semester|year)\b|\bfor\s+one\s+semester\b|\bone-semester\b", I), 1.0),
    ("study_abroad", "go for studies", re.compile(r"\bgo\s+for\s+(?:further\s+|higher\s+)?stud(?:y|ies)\s+(?:in|at)\b", I), 1.0),
    ("study_abroad", "students who studied there", re.compile(
        r"\bstudents\s+(?:who\s+)?(?:studied|are\s+studying|have\s+studied)\s+in\s+[A-Z]", I), 0.5),
    ("study_abroad", "出国学习 / 交换", re.compile(
        r"出国[（(]?境?[）)]?学习|出境学习|交换学习|学期交换|交换生|学生交换|交换学生|互派[^，。\n]{0,10}(?:学生|本科生|研究生)|"
        r"(?:师生|学生|本科生|研究生)互派|"
        r"赴[^，。\n]{2,12}(?:交流学习|留学(?!生?(?:预备|培训|服务)))|交换留学|赴[^，。\n]{1,12}交换(?!意见|了)|"
        # "我院到X大学留学的学生", "在该校交流学习的同学": our students studying at the partner
        r"(?:我校|我院|本校)[^，。\n]{0,4}到[^，。\n]{2,14}?留学的(?:学生|同学)|在该校(?:交流)?学习的(?:我校)?(?:学生|同学)|"
        r"在[^，。\n]{2,14}?(?:留学|交流学习)的[^，。\n]{0,24}(?:学生|本科生|研究生|同学)|"
        r"(?:选派|选送|派出|外派)[^，。\n]{0,14}(?:交换生|学生)[^，。\n]{0,2}(?:到|赴|前往)[^，。\n]{2,12}(?:交流学习|学习|交换)"), 1.0),
    # students sent or going to study at a partner, in other words: "选派的交流学生将于9月初赴X大学学习", "学生赴X大学
    # 交流生项目", "学生出国（境）交流学习", "两校学生交流协议", "海外学习项目"; a unit's name is no student going
    # (中国赴日本国留学生预备学校, 留学服务中心)
    ("study_abroad", "学生赴…学习 / 交流生", re.compile(
        r"(?:选派|选送|派出|外派|推荐)[^，。\n]{0,14}(?:交换生|交流生|交换学生|学生|同学)[^，。\n]{0,10}?(?:到|赴|前往)[^，。\n]{2,14}?"
        r"(?:交流学习|学习|交换|研修|访学|留学(?!生|服务))|"
        r"(?:学生|同学|本科生|研究生|学子)[^，。\n]{0,8}?赴[^，。\n]{2,14}?(?:学习|研修|访学|交流(?!会|座谈)|交换|留学(?!生|服务))|"
        r"交流生(?:项目|计划|名额)|学生(?:交流|交换)(?:协议|细则|项目|计划)|"
        r"出国[（(]?境?[）)]?交流(?:学习|项目)|(?:学生|同学)(?:出国|出境)[（(]?境?[）)]?(?:交流|学习|研修|留学)|"
        r"(?:海外|境外)(?:学习|留学|交换|交流)项目|"
        # students spending a term at the other university (每年挑选两名学生到友校就读一个学期), undergraduate exchanges
        r"(?:学生|同学|本科生|研究生)[^，。\n]{0,16}?(?:到|赴|前往)[^，。\n]{1,12}?(?:就读|修读|学习|交流)[^，。\n]{0,3}?"
        r"(?:一个|一|两个|二|1|2)?(?:学期|学年)|"
        # (a year or a term at the partner: 学生将有机会在X学院修读一年; not at the home, 在我校就读一年)
        r"(?:学生|同学|本科生|研究生)[^，。\n]{0,10}?(?:到|赴|前往|在)(?!我校|本校|我院|本院|校内|国内)[^，。\n]{1,14}?(?:就读|修读)"
        r"(?:一年|半年|一个学期|一学期|一个学年|一学年)|(?:本科生|研究生|学生)(?:交换|交流)活动"), 1.0),
    # students' study in a named foreign country ("为研究生提供在英国的学术与文化沉浸体验", "学生赴日本研学"): a summer
    # or short programme abroad is going abroad too
    ("study_abroad", "学生在外国学习", re.compile(
        r"(?:学生|研究生|本科生|同学|学子)[^。\n]{0,16}?(?:赴|前往|到|在)(?:" + _ZH_ABROAD + r")的?[^，。\n]{0,10}?"
        r"(?:学习|研学|学术|研修|访学|游学|沉浸|交流学习|课程)"), 1.0),
    ("study_abroad", "实习 / 实践 abroad", re.compile(
        r"(?:海外|境外|国外)访学项目|(?:海外|境外|出国|国外)(?:带薪)?实习|赴[^，。、\n]{1,16}?(?:带薪实习|实习|社会实践|访学实习|研学|访学)"), 1.0),
    # short programmes
    ("summer_school", "summer / winter programme", re.compile(
        r"\b(?:summer|winter)\s+(?:schools?|programs?|programmes?|camps?|sessions?|courses?|universit(?:y|ies))\b|"
        r"\b(?:summer|winter)\s+and\s+(?:summer|winter)\s+programs|\bshort-term\s+(?:study\s+)?(?:programs?|"
        r"programmes?|exchange|study|visits?)\b", I), 1.0),
    # "a two-week Chinese language and culture programme", "a ten-day camp" of students (checked below: students or
    # participants in the sentence)
    ("summer_school", "a programme of days or weeks", re.compile(
        r"\b(?:one|two|three|four|five|six|seven|eight|nine|ten|\d{1,2})[- ](?:day|week)\s+(?:[\w-]+\s+){0,5}?(?:programs?|"
        r"programmes?|courses?|camps?|schools?)\b", I), 1.0),
    # students of a partner coming for a short dated programme: "16 students and 4 faculty members from X University
    # will attend the seminars held between 29 July and 4 August" (a short programme at the home, incoming students)
    ("summer_school", "students from a partner attend dated seminars", _DATED_SEMINARS, 1.0),
    ("international_students", "students from a partner attend dated seminars", _DATED_SEMINARS, 1.0),
    ("summer_school", "为期…的研修", re.compile(
        r"为期(?:[一二两三四五六七八九十\d]+|半)(?:天|日|周|星期|个月)的(?:研修|学习|交流学习|访学|课程)"), 1.0),
    ("summer_school", "暑期 / 寒假 / 短期研修", re.compile(
        r"暑期学校|暑期项目|暑期课程|暑期研修|暑期[^，。\n]{0,4}培训项目|寒假研修|寒假项目|冬令营|夏令营|短期研修|短期交流|短期访学|"
        r"(?<!国外)(?<!海外)(?<!境外)(?<!出国)研修项目|"
        # students taking part in a (an online) culture or language exchange event (学生参加X大学的线上文化交流活动)
        r"(?:学生|同学|学子)[^。\n]{0,20}?参加[^。\n]{0,20}?(?:文化|语言)(?:交流|体验|研习)(?:活动|项目)|"
        r"(?<!旅)游学|研学(?:项目|活动|团|班)|暑期班|"
        r"(?:暑假|寒假)(?![及和与][^，。\n]{0,4}学期)[^，。\n]{0,20}项目|"
        # camps (国际探索营, 研学营) and short courses abroad (短期出国研修课程, 移地教学)
        r"(?:夏|冬|研学|游学|研修|探索|体验|交流|文化|语言|学术|科研|国际|海外)营(?![\u4e00-\u9fff]{0,1}(?:养|业|销|运|造|地|商|利))|"
        r"短期(?:出国|出境|海外|境外)(?:研修|交流|访学|学习)|移地教学|"
        # a short language or culture programme (短期语言文化浸润项目), a young people's exchange programme
        # (青少年科技交流计划)
        r"短期[^，。、\n]{0,6}?(?:语言|文化|浸润|体验|研学)[^，。、\n]{0,4}?(?:项目|课程|计划)|"
        r"青少年[^，。、\n]{0,6}?交流(?:计划|项目)"), 1.0),
    # incoming international students
    ("international_students", "international students", re.compile(
        # (not a unit's name: "the International Student Support team", "International Students Office")
        r"\binternational\s+(?:exchange\s+)?(?:students?|undergraduate|postgraduate|doctoral)"
        r"(?!['’]?\s+(?-i:Support|Office|Services?|Cent(?:re|er)|Affairs|Advice|Advisory|Team|Unit|Hub|Division|Department))|"
        r"\b(?:foreign|overseas)\s+students\b|"
        r"\bChinese\s+Government\s+Scholarship\b|\bstudy\s+in\s+China\b", I), 1.0),
    ("international_students", "exchange students received here", re.compile(
        r"\b(?:welcom|receiv|host)\w*\s+(?:\w+\s+){0,3}?(?:exchange|incoming|mobility)\s+students\b", I), 1.0),
    ("international_students", "incoming students", re.compile(
        r"\bincoming\s+(?:exchange\s+|international\s+|mobility\s+)?students\b", I), 0.5),
    ("international_students", "exchange students from elsewhere", re.compile(
        r"\b(?:incoming\s+|inbound\s+)?(?:exchange|visiting)\s+students?\s+from\s+(?:\d+\s+|the\s+|partner\s+|overseas\s+|foreign\s+|"
        r"(?-i:[A-Z]))", I), 1.0),
    # "welcomed its first cohort of students from X", "received a group of 20 students from X"
    ("international_students", "a group of students from elsewhere received", re.compile(
        r"\b(?:welcom|receiv|host)\w*\s+(?:\w+\s+){0,3}?(?:cohort|group|batch)\s+of\s+(?:[\w-]+\s+){0,2}?students\s+from\s+"
        r"(?:the\s+)?(?-i:[A-Z])", I), 1.0),
    ("international_students", "a partner's students studying here", re.compile(
        r"\bstudents\s+from\s+(?-i:[A-Z])[^.\n]{0,60}?\b(?:are|were|is|have\s+been|has\s+been|had\s+been)\s+"
        r"(?:now\s+|currently\s+)?studying\s+(?:at|in)\b", I), 1.0),
    # students exchanged both ways (互派留学生, 互派交换生): the partner's students come here too
    ("international_students", "互派学生", re.compile(r"互派[^，。\n]{0,10}?(?:留学生|交换生|学生)"), 1.0),
    # recruiting students abroad (前往大阪与京都，举办一系列招生说明会): students to come here
    ("international_students", "招生说明会 abroad", re.compile(
        r"(?:前往|赴|到)[^，。；\n]{1,20}?[，,]?(?:举办|举行|召开)[^，。；\n]{0,12}?招生(?:说明会|宣讲会|推介会)|"
        r"(?:国际学生|留学生|外国学生|来华留学)招生(?:说明会|宣讲会|推介会)"), 1.0),
    ("international_students", "来我校交换", re.compile(r"来(?:我校|本校)[^，。\n]{0,6}(?:当|做|作为)?(?:交换生|交换学习|留学)|"
                                                      # 交换生来中大上课, X大学前来武汉大学的交换生, 中国政府奖学金
                                                      r"(?:交换生|留学生|外国学生|国际学生)来[\u4e00-\u9fff]{1,5}?(?:上课|学习|就读|交换|访学|修读)|"
                                                      r"前来[^，。\n]{1,12}?的(?:交换生|留学生)|中国(?:国家)?政府奖学金|"
                                                      r"(?:接受|接收)[^，。\n]{0,20}(?:交换生|留学生)"), 1.0),
    ("international_students", "留学生", re.compile(r"留学生(?![\u4e00-\u9fff]{0,5}中心|公寓|宿舍|餐厅|楼|[部处科]|办公室|管理办|活|涯)|来华留学|"
                                                      # (国际学生与学者办公室, 留学生部: an office's name, not students)
                                                      r"国际学生(?!(?:与学者|和学者|事务)?(?:办公室|中心|处|部|科))|(?<!中)国交换生|外籍(?:学生|交换生)|"
                                                      r"外籍生|侨生|境外生"), 1.0),
    # "60 participants from China, Indonesia and Ukraine came to our University", "foreigners studying at the UO"
    ("international_students", "students from abroad came here", re.compile(
        r"\b(?:came|come|arrived)\s+(?:to|at)\s+(?:our|this)\s+(?:university|campus|school|college)\b|"
        r"\bforeigners\s+(?:who\s+are\s+)?studying\s+(?:at|in)\b", I), 1.0),
    ("international_students", "a partner's students welcomed here", re.compile(
        r"\bstudents\s+(?:will\s+be|are|were|have\s+been)\s+welcomed\s+to\b", I), 1.0),
    # faculty
    ("faculty_exchange", "visiting scholars, foreign experts", re.compile(
        r"\bvisiting\s+(?:scholars?|professors?|research|researchers?|fellows?)\b|"
        # (not inside a body's name: "the Department of Foreign Expert Service", "Foreign Experts Bureau")
        r"(?<!Department\sof\s)(?<!Bureau\sof\s)\bforeign\s+experts?\b(?!\s+(?-i:Service|Bureau|Affairs|Administration)\b)", I), 1.0),
    ("faculty_exchange", "lectures by a guest", re.compile(
        r"\bseries\s+of\s+lectures\b|\blecture\s+series\b|\bgives?\s+(?:a\s+)?(?:series\s+of\s+)?(?:guest\s+)?lectures?\b|"
        r"\bguest\s+lectures\b|"
        r"\bshort\s+course\b|\b(?:teach(?:es)?|taught)\s+a\b|\b(?:gave|delivered|delivers?|delivering|giving)\s+(?:a\s+|an\s+)?(?:series\s+of\s+)?"
        r"(?:[\w-]+\s+){0,3}(?:lectures?|seminars?)\b", I), 0.5),
    # "over 150 professors from more than 20 countries deliver courses and lectures": teachers from abroad teaching here
    ("faculty_exchange", "professors from abroad teach", re.compile(
        r"\b(?:professors|scholars|experts|academics|lecturers|teachers|faculty\s+members)\s+from\s+(?:abroad|overseas|"
        r"(?:more\s+than\s+|over\s+|some\s+|about\s+|nearly\s+)?(?:\d+|two|three|four|five|six|seven|eight|nine|ten|several|"
        r"many)\s+(?:\w+\s+)?(?:countries|nations|foreign\s+universities))\b[^.\n]{0,80}?\b(?:teach\w*|taught|lectur\w*|"
        r"courses|classes)\b", I), 1.0),
    ("faculty_exchange", "teachers sent to teach abroad", re.compile(
        r"\b(?:teachers?|volunteers?|lecturers?)\b[^.\n]{0,80}\b(?:teach|work)\w*\s+(?:at|in)\b[^.\n]{0,40}\bConfucius\b|"
        r"赴[^，。\n]{0,24}(?:任教|执教|支教)|(?:选派|派出|外派)[^，。\n]{0,16}(?:汉语教师|教师志愿者|志愿者)"), 1.0),
    ("faculty_exchange", "学术报告 by a guest", re.compile(r"(?<!主旨)(?<!特邀)(?<!大会)"
        # (a report of work, not a talk: 访问日本情况报告, 工作报告, 年度报告)
        r"(?<!情况)(?<!工作)(?<!总结)(?<!调研)(?<!述职)(?<!考察)(?<!年度)(?<!评估)(?<!自评)(?<!出访)(?:学术)?报告(?!会|厅)|学术讲座|系列讲座|(?:主题|专题)讲座"), 0.5),
    ("faculty_exchange", "staff in exchanges", re.compile(
        r"\b(?:professors|lecturers|teachers|academic\s+staff|faculty\s+members|academics)\b[^.\n]{0,60}?\b(?:have\s+|had\s+)?"
        r"(?:participated|took\s+part)\s+in\s+(?:\w+\s+)?exchanges\b", I), 1.0),
    ("faculty_exchange", "faculty teaching at the other side", re.compile(
        r"\b(?:faculty|professors|teachers|lecturers)\s+(?:members\s+)?(?:will|would|could|can|may)\s+(?:be\s+able\s+to\s+)?"
        r"(?:also\s+)?teach\s+(?:in|at)\s+(?-i:[A-Z])", I), 1.0),
    # a programme that exchanges staff, by its name in capitals ("the Faculty and Student Exchange Program", "a Staff
    # Exchange Scheme"; in lower case, "to carry out teacher and student exchange programs", it is an area)
    ("faculty_exchange", "a staff exchange programme", re.compile(
        r"\b(?:Faculty|Staff|Teachers?|Lecturers?|Scholars?|Academic\s+Staff)\s+(?:(?:and|&)\s+Students?\s+)?Exchange\s+"
        r"(?:Program(?:me)?|Scheme)s?\b|"
        r"\bStudents?\s+(?:and|&)\s+(?:Faculty|Staff|Teachers?|Lecturers?|Scholars?)\s+Exchange\s+(?:Program(?:me)?|Scheme)s?\b"),
     1.0),
    # staff who taught at the other side ("two staff members of X taught at Y in May"), a staff mobility
    ("faculty_exchange", "staff taught at the other side", re.compile(
        r"\b(?:staff|faculty|teachers|lecturers|professors|academics)\b(?:\s+members)?[^.;\n]{0,60}?\b(?:taught|lectured|"
        r"gave\s+(?:courses|classes|lectures))\s+(?:at|in)\s+(?:the\s+)?(?-i:[A-Z])|\bstaff\s+mobility\b", I), 1.0),
    ("faculty_exchange", "staff training", re.compile(
        r"\b(?:faculty|teachers|staff|lecturers|academics)\b[^.\n]{0,60}\btraining\b|\btraining\s+program\s+on\s+(?:university\s+)?teaching|"
        r"\b(?:teaching|teacher)\s+training\b", I), 1.0),
    ("faculty_exchange", "讲学 / 访学", re.compile(r"讲学|访问学者|外籍专家|外国专家|教师访学|来校讲座|教授[^，。\n]{0,12}授课|"
                                                r"(?:教师|学者|教授|教职工)[^，。\n]{0,16}(?:访学|访问研究|进修)"), 1.0),
    ("faculty_exchange", "教师培训 abroad", re.compile(r"教师(?!带领|带队|率领)[^，。\n]{0,12}(?:海外|境外|出国|国外)(?:培训|研修|进修)|"
                                                       # 选派10名骨干教师赴英国X大学进行为期三个月的研修
                                                       r"(?:教师|教职工|管理人员|管理干部)[^，。\n]{0,4}赴[^，。\n]{2,16}?[^，。\n]{0,12}?"
                                                       r"(?:培训|研修|进修|访学|访问研究)|"
                                                       r"(?:海外|境外|出国|国外)(?:培训|研修|进修)[^，。\n]{0,6}教师"), 1.0),
    # research
    ("research_collaboration", "joint research", re.compile(
        r"\b(?:establish(?:ing|ment\s+of)|set(?:ting)?\s+up|build(?:ing)?)\s+(?:an?\s+|the\s+)?(?:[\w-]+\s+){0,2}?joint\s+"
        r"(?:[\w-]+\s+)?(?:lab(?:orator(?:y|ies))?s?|research\s+cent(?:er|re)s?)\b|"
        r"\bjoint\s+(?:[\w-]+\s+){1,2}?(?:lab(?:orator(?:y|ies))?s?|research\s+cent(?:er|re)s?)\b|"
        r"\bjoint\s+(?:lab(?:orator(?:y|ies))?s?|research(?:\s+(?:project|group|centre|center|team|platform|"
        r"proposal)s?)?|innovation\s+cent(?:er|re)|application)\b|\bco-author(?:ed|s)?\b|"
        r"\bjointly\s+(?:carry\s+out|conduct)\s+research|\bcollaborative\s+research|\btogether\s+with\s+researchers\b|"
        r"\bco-?publish(?:ed|es|ing)?\b|\bjointly\s+published\b|"
        r"\b(?:work|works|worked|working|collaborate|collaborates|collaborated|collaborating)\s+(?:together\s+)?on\s+(?:an?\s+|the\s+)?"
        r"(?:[\w-]+\s+){0,3}?research\s+projects?\b|"
        # "bilateral cooperation in the JUNCAO project": a named project run together
        r"\bco-?operation\s+(?:on|in)\s+the\s+(?:(?-i:[A-Z])[\w-]*\s+){1,4}(?:project|programme\s+of\s+research)\b",
        I), 1.0),
    ("research_collaboration", "research cooperation", re.compile(r"\bresearch\s+(?:cooperations?|collaborations?)\b", I),
     0.5),
    ("research_collaboration", "联合实验室 / 合作研究", re.compile(r"联合实验室|联合(?:科研|研究)实验室|合作研究|联合研究|科研合作|共建实验室|"
                                                                r"(?:联合|合作|共同)(?:在[^，。\n]{1,16}?)?发表[^，。\n]{0,16}论文|"
                                                                r"共同建立了?[^，。\n]{0,4}“[^”\n]{2,24}(?:研究院|研究中心|实验室)”|"
                                                                r"(?:共建|合建|联合建立|共同建设)[^，。、\n]{0,16}?(?:研究中心|研究院|研究所|实验室)|"
                                                                r"科技合作(?:协议|备忘录|协定)|"
                                                                r"(?:联合|共同|合作)(?:开展|进行)[^，。\n]{0,20}(?:研究|研发)|"
                                                                r"联合(?:科研|研发|创新)(?:中心|平台|基地)|"
                                                                # 联合申报的国际科研合作项目获批: a research project applied for
                                                                # together (not a training one, 人才培养项目)
                                                                r"(?:联合|共同|合作)申报[^，。\n]{0,20}?(?:科研|研究|科技|研发)[^，。\n]{0,8}?(?:项目|课题)|"
                                                                r"(?:方面|领域)的(?:研究|科研)[，,]?(?:开展|进行|加强)[^。\n]{0,8}合作"),
     1.0),
    # agreements
    ("agreement", "signed or renewed agreement", re.compile(
        r"\b(?:sign(?:s|ed|ing)?|renew(?:s|ed|ing)?|conclude[sd]?|ink(?:s|ed)?|extend(?:s|ed)?|finali[sz]e[sd]?)\b[^.\n]{0,80}?"
        r"\b(?:MoUs?|MOCs?|Memorand(?:um|a|ums)|"
        r"(?:frame-?\s?work\s+)?agreements?|contracts?|letters?\s+of\s+intent|accords?|(?:cooperation\s+)?protocols?)\b|"
        r"\b(?:MoUs?|Memorand(?:um|a|ums)|agreements?|letters?\s+of\s+intent|protocols?)\b[^.\n]{0,90}?\b(?:was|were|is|are|"
        r"(?:has|have|had)\s+been)\s+"
        r"(?:signed|renewed|concluded)\b|\bsigning\s+ceremony\b|"
        # "the memorandum of understanding on a cooperation framework signed this time / today"
        r"\b(?:MoUs?|Memorand(?:um|a|ums)|agreements?)\b[^.,;\n]{0,60}\bsigned\s+(?:this\s+time|today|on\s+this\s+occasion)\b|"
        # a renewal or an agreement signed in the passive ("the renewal of the joint PhD programme was signed")
        r"\brenewal\s+of\s+(?:the\s+)?[^.\n]{0,80}?\b(?:was|were)\s+(?:\w+\s+)?(?:signed|concluded|approved)\b", I), 1.0),
    ("agreement", "签署协议", re.compile(r"(?:签署|续签|签订|签定|缔结|缔约)[^，。\n]{0,24}(?:协议|协定|备忘录|合同|意向书|合作书)|"
                                       r"签约仪式|签字仪式|缔结[^，。\n]{0,8}(?:姊妹校|姐妹校|友好学校|友好关系)|"
                                       # the document before the verb (合作备忘录签署仪式, 在备忘录上签字)
                                       r"(?:协议|协定|备忘录|意向书)(?:的)?(?:签署|签约|签字)仪式|"
                                       r"在[^，。\n]{0,16}(?:协议|协定|备忘录|意向书)(?:书)?上(?:签字|签名|签署)|"
                                       # a named agreement in quotes ("…联合实验室"合作协议)
                                       r"(?:签署|续签|签订|签定)[^，。\n“]{0,8}“[^”\n]{1,40}”[^，。\n]{0,6}(?:协议|协定|备忘录|意向书)|"
                                       # an agreement's title in 《》 (签署了《X大学与Y研究所国际科技合作备忘录》)
                                       r"(?:签署|续签|签订|签定)了?《[^》\n]{1,90}(?:协议|协定|备忘录|意向书|合同)》"), 1.0),
    # delegations
    ("delegation_visit", "delegation", re.compile(r"\bdelegations?\b|(?<!学生)(?<!师生)代表团|率团|出访(?!科)|"
                                                  r"(?<!学生)(?<!师生)(?<!学生代表团)(?<!师生代表团)一行", I), 1.0),
    # "a senior group of X officials", "a team of representatives from X": a delegation by other words
    ("delegation_visit", "a group of officials", re.compile(
        r"\b(?:group|team|party)\s+of\s+(?:[\w-]+\s+){0,2}?(?:officials|leaders|representatives|delegates|executives)\b", I), 1.0),
    # a group of students visiting to study is a short programme and incoming students alike
    ("summer_school", "students' study visit", _STUDY_VISIT, 1.0),
    ("international_students", "students' study visit", _STUDY_VISIT, 1.0),
    ("agreement", "a deal struck or a partnership entered", re.compile(
        r"\b(?:sign(?:s|ed|ing)?|ink(?:s|ed)?|strikes|struck)\s+(?:a|an|the)\s+(?:[\w-]+\s+){0,2}?deals?\b|"
        r"\b(?:enter(?:s|ed|ing)?)\s+into\s+(?:a|an)\s+(?:[\w-]+\s+){0,2}?(?:partnership|agreement|alliance)\b|"
        r"\bagreement\s+was\s+reached\b|\bput\s+pen\s+to\s+paper\b|"
        # "to formalise these arrangements", "formalised the partnership"
        r"\bformali[sz](?:e|es|ed|ing)\s+(?:the|these|this|their|its|a|an)\s+(?:[\w-]+\s+){0,2}?(?:arrangements?|partnerships?|"
        r"agreements?|relations(?:hip)?|collaboration|co-?operation)\b", I), 1.0),
    ("delegation_visit", "a visit by officials", re.compile(
        # (a campus visit by a consul general, an official visit by the rector)
        r"\b(?:a|the)\s+(?:campus\s+|official\s+|working\s+|formal\s+)?visit\s+by\s+(?:the\s+|a\s+|its\s+)?(?:[\w-]+\s+){0,5}?"
        r"(?:officials?|leaders?|leadership|delegation|"
        r"delegates|president|vice[- ]president|rector|ambassador|consul|consul\s+general|representatives)\b|"
        r"\bon\s+an?\s+(?:official\s+|working\s+)?(?:visit|trip)\s+to\s+(?:the\s+)?(?-i:[A-Z])|"
        # "the visit of Jane Doe, vice-Chancellor for International Relations of X, to the campus"
        r"\bthe\s+visit\s+of\s+(?-i:[A-Z])[\w'’-]+(?:\s+(?-i:[A-Z])[\w'’-]+){0,3},\s+(?:the\s+)?(?:[\w-]+\s+){0,2}?"
        r"(?:vice[- ])?(?:chancellor|president|rector|dean|provost|director|minister|ambassador)\b", I), 1.0),
    # "On her visit to Rutgers University", "during their trip to Europe", "paid a visit to X", "made an official visit to
    # X" (not students': a study visit is a short programme, see the check below)
    ("delegation_visit", "a visit paid", re.compile(
        r"\b(?:on|during)\s+(?:his|her|their|its|this|the)\s+(?:official\s+|working\s+|recent\s+|first\s+)?(?:visit|trip)\s+"
        r"to\s+(?:the\s+)?(?-i:[A-Z])|"
        r"\b(?:paid|pays|pay|made|makes)\s+(?:an?\s+)?(?:official\s+|working\s+|courtesy\s+|formal\s+|friendly\s+)?visits?\s+to\s+"
        r"(?:the\s+)?(?-i:[A-Z])", I), 1.0),
    # a Confucius Institute set up with a partner ("jointly establish a Confucius Institute with X", "the Confucius
    # Institute established in partnership with X", "plaques to new Confucius Institutes"): a joint institute (not an
    # existing one's anniversary or its director)
    ("joint_program", "a Confucius Institute established", re.compile(
        r"\b(?:jointly\s+)?(?:establish(?:es|ed|ing)?|set(?:s|ting)?\s+up|launch(?:es|ed|ing)?|found(?:s|ed|ing)?)\s+"
        r"(?:a|an|the)\s+(?:new\s+)?(?:[A-Z][\w-]*\s+){0,3}?Confucius\s+(?:Institute|Classroom)\b|"
        r"\bnew(?:ly)?\s+(?:established\s+|founded\s+)?(?:[A-Z][\w-]*\s+){0,2}?Confucius\s+Institutes?\b|"
        r"\bConfucius\s+Institutes?\s+(?:\w+\s+){0,2}?(?:established|founded|set\s+up|co-?founded)\s+(?:in\s+partnership|jointly|"
        r"together)\s+with\b"), 1.0),
    ("joint_program", "a degree programme offered at another institution", re.compile(
        r"\boffer\s+(?:an?\s+|its\s+|the\s+)?(?:[\w-]+\s+){0,2}?degree\s+(?:programs?|programmes?)\s+(?:at|in)\b", I), 1.0),
    # (leaders who witness a signing, or sign online, hold a signing ceremony too)
    ("delegation_visit", "signing ceremony with the partner", re.compile(
        r"签约仪式|签字仪式|(?:见证|出席)[^，。\n]{0,4}签(?:约|署|字)(?!协议)|(?:在线|线上|视频|云端?)签(?:约|署)|"
        # "an official signing ceremony between X and Y took place", "signed … in the presence of the two rectors"
        r"\bsigning\s+ceremon(?:y|ies)\b|\bsigned\b[^.\n]{0,200}?\bin\s+the\s+presence\s+of\s+(?:the\s+|both\s+)?(?:\w+\s+){0,3}?"
        r"(?:[Rr]ectors?|[Pp]residents?|[Cc]hancellors?|[Vv]ice[- ][Cc]hancellors?)\b", I), 1.0),
    ("delegation_visit", "visit to the home institution", re.compile(
        r"\bvisits?\s+(?:BISTU|the\s+University\b)|\bvisit(?:s|ed)?\s+(?:our|this)\s+(?:university|college|campus|institute)\b|"
        r"访问我校|来访|来我校访问|来校访问|到访|莅临|参访|拜会|拜访|"
        r"接待了?[^，。\n]{0,4}来宾", I), 1.0),
    ("delegation_visit", "a visit received", re.compile(
        r"\b(?:received|receives|welcomed|welcomes|hosted|hosts)\s+(?:a|the)\s+(?:\w+\s+){0,3}?(?:visit|delegation|guests|"
        r"visitors)\b|"
        # "welcomed researchers from X", "received three professors from X"
        r"\b(?:received|receives|welcomed|welcomes|hosted|hosts)\s+(?:a\s+group\s+of\s+|\w+\s+)?(?:guests|visitors|researchers|scholars|"
        r"professors|experts|representatives|officials|leaders)\s+from\s+(?:the\s+)?(?-i:[A-Z])|"
        # "X was represented by two delegates", "the delegates were welcomed by …"
        r"\brepresented\s+by\s+(?:\w+\s+)?(?:delegates|representatives|officials)\b|"
        r"\b(?:delegates|guests|visitors)\s+(?:were|was)\s+(?:\w+\s+)?(?:welcomed|received|hosted)\s+by\b", I), 1.0),
    # "welcomed Professor X, Vice President of the University of Y", "met a visiting group from Y"
    ("delegation_visit", "a partner's leader welcomed", re.compile(
        r"\b(?:welcomed|welcomes|received|receives|hosted|hosts)\s+(?-i:[A-Z])[\w.'’-]*(?:\s+(?-i:[A-Z])[\w.'’-]*){0,3}\s*"
        r"(?:\([^()\n]{1,40}\)\s*)?,\s+"
        r"(?:the\s+)?(?:\w+[\s-]+){0,3}?(?:President|Rector|Chancellor|Provost|Dean|Ambassador|Consul(?:[- ]General)?|Minister|"
        r"Director[- ]General|Secretary[- ]General)\s+(?:of|at)\s+(?:the\s+)?(?-i:[A-Z])|"
        # "received Ambassador Maria Silva of Portugal", "welcomed Rector X"
        r"\b(?:welcomed|welcomes|received|receives|hosted|hosts)\s+(?:the\s+)?(?:(?!by\b)[\w-]+\s+){0,2}?(?-i:Ambassador|President|Rector|"
        r"Chancellor|Vice-Chancellor|Provost|Consul|Consul-General|Minister|Mayor|Governor)\s+(?-i:[A-Z])", I), 1.0),
    ("delegation_visit", "a visiting group", re.compile(
        r"\bvisiting\s+(?:group|team|party|delegates|leaders|officials|mission)\s+from\b", I), 1.0),
    # "officials from the Embassy of Ireland toured the laboratories", "representatives of X came to"
    ("delegation_visit", "officials from a partner came", re.compile(
        r"\b(?:officials|representatives|delegates|leaders)\s+(?:of|from)\s+(?:the\s+)?(?-i:[A-Z])[^.\n]{0,80}?\b(?:visited|toured|"
        r"came\s+to|arrived\s+(?:at|in)|met\s+with|held\s+talks)\b", I), 1.0),
    # "the team also called on the University of Tokyo" (not a call on someone to do something)
    ("delegation_visit", "called on a partner", re.compile(
        r"\bcall(?:ed|s)?\s+on\s+(?:the\s+)?(?:(?-i:[A-Z])[\w'’-]*\s+(?:of\s+)?){0,5}(?-i:University|College|Institute|Embassy|"
        r"Consulate|Academy|School|Ministry)\b(?![^.,;\n]{0,40}\bto\s+[a-z]+)", I), 1.0),
    ("delegation_visit", "a leader's visit or trip", re.compile(
        # "during Council Chair X's visit to UNSW", "the leadership team traveled to China", "President X has been in
        # China, making visits to …", "Director X … came to Y College to present …", "led a team to Japan"
        r"['’]s\s+(?:\w+\s+){0,2}?visit\s+to\s+(?-i:[A-Z])|"
        r"\b(?:President|Chancellor|Rector|Provost|Dean|Director|Principal|Headmaster|Secretary|leadership\s+team|leaders)\b"
        r"[^.\n]{0,120}?"
        r"\b(?:visited|(?:is|was|has\s+been|have\s+been|had\s+been)\s+visiting|travell?ed\s+to|(?:making|made|paid|pays?)\s+(?:a\s+)?(?:\w+\s+)?visits?\s+to|came\s+to|held\s+talks\s+(?:at|with))\s+"
        r"(?:the\s+(?:headquarters|head\s+office|premises)\s+of\s+|(?:the\s+)?(?-i:[A-Z]))|\bled\s+(?:a|the)\s+(?:team|group|mission)\s+to\s+(?-i:[A-Z])", I), 1.0),
    ("delegation_visit", "a meeting by video", re.compile(
        r"\b(?:video|online|virtual)\s+(?:\w+\s+)?(?:conference|meeting|talks?|call)\b|"
        # "the online agreement signing ceremony", "a virtual signing ceremony": leaders sign by video
        r"\b(?:video|online|virtual)\s+(?:\w+\s+){0,2}?(?:signing\s+ceremony|signing)\b|视频会议|线上会议|云签约|以(?:线上|视频)(?:形式|方式)", I), 1.0),
    ("delegation_visit", "a meeting between two organisations", re.compile(
        # "the first meeting on establishing cooperation between the Embassy of X and the University of Y took place"
        r"\bmeeting\b[^.\n]{0,80}?\bbetween\s+(?:the\s+)?(?-i:[A-Z])[^.\n]{0,120}?\band\s+(?:the\s+)?(?-i:[A-Z])[^.\n]{0,120}?"
        r"\b(?:took\s+place|was\s+held)\b", I), 1.0),
    # talks with a foreign country's diplomats (与英国驻华大使馆官员就…进行了广泛探讨): a meeting in an official capacity
    ("delegation_visit", "与外国官员会谈", re.compile(
        r"与[^。，\n]{0,30}(?:大使馆|领事馆|使馆|驻华|驻[\u4e00-\u9fff]{1,4}(?:总)?领事馆)[^。，\n]{0,8}?(?:官员|大使|总领事|领事|参赞)"
        r"[^。\n]{0,40}?(?:会谈|会晤|会面|座谈|探讨|商谈|洽谈)"), 1.0),
    ("delegation_visit", "a university leader meets guests", re.compile(
        # ("the president of Alexandria University Dr. X received Dr. Y …": a title in lower case too)
        r"\b(?:[Pp]resident|Chancellor|[Rr]ector|Provost|Secretary|Principal|Headmaster)\b"
        r"(?:[^.\n]|(?<=Dr)\.|(?<=Prof)\.|(?<=Mr)\.|(?<=Ms)\.){0,60}"
        r"\b(?:meets?|met|receives?|received|"
        r"holds?\s+(?:an?\s+)?(?:online\s+)?(?:meeting|talks)|held\s+(?:an?\s+)?(?:online\s+)?(?:meeting|talks)|"
        r"welcomes?\s+the\s+(?:guests?|delegation))\b|(?:校长|书记)[^，。\n]{0,12}会见"), 1.0),
    ("delegation_visit", "leaders sign or unveil", re.compile(
        r"\b(?:President|Chancellor|Rector|Secretary)\b(?:[^.\n]|(?<=Dr)\.|(?<=Prof)\.|(?<=Mr)\.|(?<=Ms)\.|(?<=Mrs)\.){0,160}"
        r"\b(?:sign|signs|signed|signing\s+ceremony|unveil|unveils|"
        r"unveiled)\b|(?:校长|书记)[^。\n]{0,80}(?:揭牌|签约仪式|签字仪式)|共同(?:为[^，。\n]{0,12})?揭牌|"
        r"\bon\s+behalf\s+of\s+(?:the\s+)?(?:two|both|parties|sides)\b|\b(?:two|both)\s+(?:sides|universities)\s+(?:also\s+)?sign|"
        # "sealed with the signing of an MoU by the Vice-Chancellor with rectors of …"
        r"\bsign(?:ing|ed)\b[^.\n]{0,80}?\bby\s+(?:the\s+)?(?:[\w-]+\s+){0,2}?(?:Vice[- ])?(?:President|Chancellor|Rector)\b[^.\n]{0,80}?"
        r"\bwith\s+(?:the\s+)?(?:[\w-]+\s+){0,2}?(?:rectors|presidents|vice-chancellors|leaders)\b|"
        r"(?:双方|两校)(?:共同)?签署|代表学校签字|代表(?:两校|双方|学校)[^，。\n]{0,12}签(?:字|署|约)"), 1.0),
    # conferences
    ("conference", "conference held", re.compile(
        r"\b(?:conferences?|forums?|symposi(?:um|a)|summits?|workshops?|work(?:ing)?\s+meetings?|annual\s+meeting)\b"
        r"[^.\n]{0,80}\b(?:is|was|are|were)\s+held\b|\b(?:held|holds|hosts|hosted|co-hosted|co-organi[sz]ed|convened|convenes|"
        r"opens)\b[^.\n]{0,60}"
        # (an academic webinar, an alliance's annual meeting or general assembly: a conference too)
        r"\b(?:conference|forum|symposium|summit|workshop|work(?:ing)?\s+meeting|webinar|annual\s+meeting|general\s+assembly)\b|"
        r"\b(?:conference|forum|symposium)\b[^.\n]{0,40}\bis\s+(?:hosted|organi[sz]ed)\b|"
        r"\b(?:conference|forum|symposium|summit|workshop)\b[^.\n]{0,60}\bheld\s+(?:at|in|on)\b", I), 1.0),
    ("conference", "taking part in a conference", re.compile(
        r"\b(?:participat\w*|attend\w*|took\s+part|take\s+part|taking\s+part)\s+(?:in\s+)?(?:a|an|the)\s+"
        r"(?:[\w'’-]+\s+){0,4}?(?:conference|forum|symposium|summit|congress)\b", I), 1.0),
    ("conference", "会议召开", re.compile(
        r"(?:召开|举办|举行|主持)[^。\n]{0,40}(?:会议(?!室|厅|中心)|研讨会|论坛|座谈会|总结会|工作会|推进会|(?<!学生)交流会|年会)|"
        r"(?:研讨会|论坛|会议(?!室|厅|中心)|总结会|年会|推进会|(?<!学生)交流会)(?:[^。\n]{0,10}|在[^。，\n]{0,30})(?:顺利|隆重)?"
        r"(?:召开|举行|举办)"), 1.0),
    ("conference", "参加会议 (zh)", re.compile(
        # (出席: a leader attends a congress or a forum as its guest, 校领导出席…论坛; a congress that opens, …大会在昆明开幕)
        r"(?:参加|出席)了?[^。，\n]{0,30}(?:大会|年会|论坛|研讨会|学术会议|峰会)(?!室|厅|中心)|"
        r"(?:大会|年会|论坛|研讨会|峰会)[^。，\n]{0,12}开幕(?!式)"), 1.0),
    # a board meeting (of a Confucius Institute, a joint institute) or a coordination meeting of offices: a work
    # meeting on international affairs
    ("conference", "理事会 / 协调会 (zh)", re.compile(
        r"(?:召开|举行|举办|出席|参加|主持)了?[^。\n]{0,60}?(?:年度理事会|理事会(?:会议|议)?|协调会|联席会议?)(?![\u4e00-\u9fff]{0,2}(?:成员|主席|理事))"), 1.0),
]
# a visit's reception: "welcomed X and his party", "received the delegation", "met with the guests"
_GUESTS_MET = re.compile(r"\b(?:welcomed|received|met\s+with|greeted)\b[^.\n]{0,80}?\b(?:(?:his|her|their)\s+(?:party|delegation)|"
                         r"the\s+(?:guests|delegation|visitors))\b", re.I)
_VISIT_SYMPOSIUM = re.compile(_GUESTS_MET.pattern + r"[^.\n]{0,120}?\bheld\s+a\s+symposium\b", re.I)
_TITLE_ONLY = [
    ("conference", "conference in the title", re.compile(
        r"\b(?:conference|forum|symposium|summit|workshop|work\s+meeting)\b|研讨会|论坛|会议(?!室|厅|中心)|总结会|工作会", I), 1.0),
]

# words one of which a rule's matches must contain: the rule is skipped when none is in the text
# (cheap substring tests before the case-insensitive patterns)
NEEDS = {
    "joint programme": ("joint",), "2+2 / 3+1 / 4+0": ("+",), "dual / double degree": ("degree", "phd", "ph.d", "doctoral", "master", "bachelor"),
    "Sino-foreign cooperative education": ("sino-", "cooperative", "articulation"),
    "cooperative school running": ("school", "mutual recognition", "cooperatively"),
    "exchange study": ("exchange", "abroad", "mobility"), "study abroad": ("abroad", "overseas"),
    "students at partner universities": ("partner universities", "partner institutions", "foreign universities",
                                         "foreign institutions", "overseas universities", "overseas institutions"),
    "exchange programme": ("exchange",), "study tour or stay abroad": ("tour", "trip", "stayed", "studied", "spent", "spend"),
    "a number of students sent": ("send", "sent"),
    "students leave for a partner": ("depart", "left for", "leave for", "leaves for", "set off for", "set out for", "selected for",
                                     "selected to"), "students jointly trained": ("jointly",), "a programme offered jointly": ("jointly",),
    "a leader's visit or trip": ("visit", "travel", "came to", "talks", "led a"),
    "a partner's students welcomed here": ("welcomed",),
    "a meeting by video": ("video", "online", "virtual", "视频", "线上", "云签约"),
    "taking part in a conference": ("conference", "forum", "symposi", "summit", "congress"),
    "students sent abroad": ("sent", "send"), "a semester at a partner": ("semester",),
    "students who studied there": ("stud",), "summer / winter programme": ("summer", "winter", "short-term", "tour"),
    "a programme of days or weeks": ("-day", "-week"),
    "international students": ("international", "foreign", "overseas", "scholarship", "china"),
    "a partner's students studying here": ("studying",),
    "students from abroad came here": ("came to our", "come to our", "arrived at our", "came to this", "come to this",
                                       "arrived at this", "foreigners"),
    "a group of students from elsewhere received": ("cohort of", "group of", "batch of"),
    "exchange students from elsewhere": ("students from", "student from"),
    "a deal struck or a partnership entered": ("deal", "entered into", "enters into", "entering into", "was reached", "formalis", "pen to paper",
                                               "formaliz"),
    "a visit by officials": ("visit by", "trip to", "visit of"), "a visit paid": ("visit to", "visits to", "trip to"), "exchange students received here": ("students",), "incoming students": ("incoming",), "staff in exchanges": ("exchanges",),
    "a degree programme offered at another institution": ("offer",),
    "a Confucius Institute established": ("confucius",),
    "go for studies": ("go for",),
    "students coming to the home": ("studying", "studied", "study in", "study at", "sent", "send", "dispatch", "students to ",
                                    "arrived", "came to", "enrolled", "students from"),
    "visiting scholars, foreign experts": ("visiting", "expert"),
    "staff taught at the other side": ("taught", "lectured", "gave courses", "gave classes", "gave lectures", "mobility"),
    "a staff exchange programme": ("exchange program", "exchange scheme"),  # (lower-cased text)
    "lectures by a guest": ("lecture", "course", "teach", "seminar"), "staff training": ("training",),
    "professors from abroad teach": ("professors from", "scholars from", "experts from", "academics from", "lecturers from",
                                     "teachers from", "members from"),
    "faculty teaching at the other side": ("teach",),
    "teachers sent to teach abroad": ("confucius", "任教", "执教", "支教", "志愿者", "汉语教师"),
    "学术报告 by a guest": ("报告", "讲座"),
    "joint research": ("joint", "co-author", "collaborative", "researchers", "project", "publish"),
    "research cooperation": ("research",), "signed or renewed agreement": ("agreement", "mou", "moc", "memorand", "contract",
                                                                           "renewal",
                                                                           "signing", "accord", "letter", "protocol"),
    "delegation": ("delegation", "代表团", "率团", "出访", "一行"),
    "a group of officials": ("group of", "team of", "party of"),
    "visit to the home institution": ("visit", "访", "莅临", "拜会", "来宾"),
    "a visit received": ("received", "receives", "welcomed", "welcomes", "hosted", "hosts"),
    "a partner's leader welcomed": ("welcome", "receive", "host"), "a visiting group": ("visiting ",),
    "officials from a partner came": ("officials of", "officials from", "representatives of", "representatives from",
                                      "delegates of", "delegates from", "leaders of", "leaders from"),
    "called on a partner": ("called on", "calls on"),
    "a university leader meets guests": ("president", "chancellor", "rector", "provost", "secretary", "principal",
                                         "headmaster", "会见"),
    "leaders sign or unveil": ("sign", "unveil", "behalf", "签", "揭牌"),
    "conference held": ("conference", "forum", "symposi", "summit", "workshop", "meeting", "webinar", "assembly"),
    "conference in the title": ("conference", "forum", "symposi", "summit", "workshop", "meeting", "研讨会", "论坛",
                                "会议", "总结会", "工作会"),
}
_GENERIC_ITEMS = re.compile(
    r"student\s+exchange|faculty\s+(?:visits|exchange)|staff\s+exchange|joint\s+supervision|joint\s+research|"
    r"academic\s+exchange|co-supervis\w+|research\s+cooperation|collaborative\s+research|research\s+collaborations?|"
    r"joint\s+academic\s+programs?|faculty\s+and\s+student\s+exchanges?|teacher-student\s+exchanges?|"
    r"talent\s+(?:development|cultivation|training)|personnel\s+exchanges?|"
    r"(?:教师|师生|人员)[^、，。\n]{0,6}互访|学生互换|互换交流|学术会议|学生交流|教师访学|联合培养|合作研究|科研合作|人才培养|学术交流|"
    r"教师互访|合作办学|学生访学|短期交流|师资进修|师资培训|教师交流|学生交换|联合研究|短期讲学|教师互换", I)
# a sentence that lists areas of cooperation ("in the fields of …, … and …", "such as", "namely", "exchanged views on"):
# a cue after the frame is a topic, not an activity reported
# (the convention of the labelled dev sets, counted in round 14 over all eight: of the areas an agreement or a visit's
# talks list, about 44 kinds on pages of many universities are not labelled, about 24 are, most of them on realnews4;
# a Chinese list closed as things to do, 等项目 / 等活动 / 等事宜, is the exception: see _ZH_PROJECT_LIST)
_LIST_FRAME = cue("list_frame")  # data/reference/page_cues.csv
# frames of talks ("exchanged views on X", "discussed X", 就X进行了交流): what follows is a topic even alone
# the one item a talk is about, with its indefinite article (the end of the sentence before a cue: searched up to
# the cue, ``search(sent, 0, cue_start)``; a leading ``.*`` with ``match`` would rescan the prefix from every start)
# (and a programme to be set up: "reached a consensus on the establishment of joint education programs")
_ONE_SPECIFIC = re.compile(r"\b(?:discuss(?:ed|es|ing)?|talked\s+about)\s+(?:an?)\s+(?:[\w-]+\s+){0,2}$|"
                           r"\b(?:establish(?:ment|ing)?|set(?:ting)?\s+up|launch(?:ing)?)\s+(?:of\s+)?(?:an?\s+|the\s+)?"
                           r"(?:[\w-]+\s+)?$", re.I)
# a number of agreements signed (a tally, not a signing)
_AGREEMENT_TALLY = re.compile(r"\b(?:sign(?:s|ed)?|conclude[sd]?)\s+(?:\d+|two|three|four|five|six|seven|eight|nine|ten|"
                              r"dozens\s+of|more\s+than\s+\d+|over\s+\d+)\s+(?:new\s+)?(?:[\w-]+\s+){0,2}?"
                              r"(?:agreements|MoUs|memoranda|contracts)\b", re.I)
# the parties of one signing ("The two sides signed two memoranda …", "Both universities signed …")
_TWO_SIDES = re.compile(r"\b(?:the\s+two|both)\s+(?:sides|universities|institutions|parties|schools|presidents|rectors)\b", re.I)
_TALK_FRAME = re.compile(r"exchanged\s+(?:views|ideas)\s+on|discuss|consensus\s+on|就|围绕", re.I)
_GENERIC_FRAME = re.compile(r"\b(?:MoUs?|Memorand(?:um|a)|agreements?|covers?|covering)\b|(?:就|围绕)[^。\n]{0,60}(?:交流|交换了意见|进行了|议题|"
                            r"探讨|洽谈|商讨|磋商)|(?:在|就)[^。\n]{0,40}等(?:方面|领域)[^。\n]{0,10}(?:开展|进行|加强|深化|加深|推进|拓展|扩大)", I)
_LIST_END = re.compile(r"(?<=[A-Za-z])\s+(?:joined|attended|visited|took|were|was|will|met|gave|signed|held|received|came|went|"
                       r"participated|spent|returned)\b")
_BACKGROUND = cue("background")
_ZH_CLAUSE_END = re.compile(r"[，；]")
# a menu line's separators, and the end of a sentence (which no menu item has)
_MENU_SEP = re.compile(r"\s[|｜·•]\s|[|｜]")
_SENTENCE_END = re.compile(r"[.!?。！？](?:\s|$)")
# links to other articles: a line that starts with their label, and a heading line that is the label alone
_RELATED_LABEL = (r"(?:相关新闻|相关阅读|相关文章|相关链接|推荐阅读|延伸阅读|热点新闻|最新新闻|上一篇|下一篇|上一条|下一条|"
                  r"(?i:related\s+(?:news|articles|stories|posts|links)|read\s+(?:more|also)|more\s+news|see\s+also|"
                  r"latest\s+news|similar\s+news|previous\s+(?:post|article|news)|next\s+(?:post|article|news)))")
_RELATED_LINE = re.compile(r"\s*" + _RELATED_LABEL + r"\s*[:：]")
_RELATED_HEAD = re.compile(r"(?m)^\s*" + _RELATED_LABEL + r"\s*[:：]?\s*$")
# a visit told in the sentence (the meeting held during it is the visit's)
_ZH_VISIT = re.compile(r"代表团|一行|来访|到访|访问|会见|接待")
# China's education authorities visiting (not partners: the page names none)
_ZH_SUPERVISOR_VISIT = re.compile(r"(?:教育部|教育厅|教委|教育局)[^。\n]{0,40}?(?:一行|莅临|来校|到校|来我校)")
_ZH_LIST_CLOSE = re.compile(r"等[^，。；\n]{0,6}(?:方面|领域)[^，。；\n]{0,30}?[，；]")
_FUTURE = re.compile(r"\b(?:will|would|plans?\s+to|planned|agree[sd]?\s+to|next|to\s+be\s+held|expected|invit(?:e|es|ing)\b|"
                     r"explore)\b|邀请|将于|(?<!模)拟(?!人)|计划(?:于|在|将|明年|下半年|年内)|将在|未来(?:合作|的合作|工作)?重点", I)
_INBOUND = re.compile(r"\b(?:come|came|coming|comes)\s+(?:from|to\s+(?:Beijing|BISTU|China))\b|\bto\s+BISTU\b|"
                      # "welcomed 87 new exchange students", "is set to receive 200 exchange students", "incoming students",
                      # "the exchange programmes bring students from all over the world"
                      r"\b(?:welcom|receiv|host)\w*\s+(?:\w+\s+){0,3}?(?:exchange|incoming|mobility)\s+students\b|"
                      r"\bincoming\s+(?:exchange\s+|international\s+|mobility\s+)?students\b|\bbring\s+(?:\w+\s+){0,3}?students\s+from\b|"
                      r"\b(?:exchange|visiting)\s+students?\s+from\b|"
                      r"\binternational\s+(?:exchange\s+)?students\b|来华|来校|来我校|(?<!中)国交换生|外籍(?:学生|交换生)|"
                      r"来[\u4e00-\u9fff]{1,4}(?:学习|留学|上课|就读)|莅临(?:我校|本校)|来本校|(?:到|赴|至|来到)(?:我校|本校)|(?<![回返])到校(?![园区外内])", I)
# a page that receives exchange students, and a sentence that sends its own abroad
_RECEIVED = re.compile(r"\b(?:welcom|receiv|host)\w*\s+(?:\w+\s+){0,3}?(?:exchange|incoming|mobility)\s+students\b|"
                       r"\bincoming\s+(?:exchange\s+|international\s+|mobility\s+)?students\b", re.I)
_OUTBOUND = re.compile(r"\babroad\b|\boverseas\b|\b(?:send|sends|sent|sending)\b|\b(?:go|goes|going|went)\s+(?:to\s+study|on\s+exchange)\b|"
                       r"\bour\s+(?:own\s+)?students\b|\bdepart", re.I)
# a sentence describing an institution rather than reporting an event ("It has offered … exchange programs", "As a
# key base for cultivating international students, the university …")
_PROFILE = cue("profile")
_NEGATED = re.compile(r"\b(?:doesn['’]t|does\s+not|don['’]t|do\s+not|didn['’]t|did\s+not|without|not(?!\s+only))\s+"
                      r"(?:\w+\s+){0,2}(?:an?\s+|any\s+)?$", re.I)
_SHORT = re.compile(r"\b(?:summer|winter|short-term|camp)\b|暑期|寒假|短期", I)
_STAFF = re.compile(r"\b(?:faculty|teachers?|scholars?|staff)\b|教师|学者", I)
_JOINT = re.compile(r"(?<![\d.])[1-4]\s?\+\s?[0-4](?![\d.])|\bjoint\s+(?:program|degree|doctoral|master)|"
                    r"\bdouble\s+(?:master|degree)|\bdual\s+degree|合作办学|联合培养", I)
# a named joint programme (not 联合培养 in a list of areas): a study period abroad inside it is the programme's
_JOINT_SPECIFIC = re.compile(r"(?<![\d.])[1-4]\s?\+\s?[0-4](?![\d.])|\bjoint\s+(?:program|degree|doctoral|master)|"
                             r"\bdouble\s+(?:master|degree)|\bdual\s+degree|合作办学|联合培养(?:协议|项目|计划)", I)
_RESEARCH = re.compile(r"\bjoint\s+research|\bresearch\s+stays?|合作研究|联合研究|科研合作", I)
_INBOUND_SHORT = re.compile(r"\bstudents\s+from\s+\d+\s+(?:partner\s+)?(?:universities|countries|institutions|schools)|\bparticipants\s+come\s+from\s+"
                            r"(?:[A-Z]|\d+\s+(?:countries|universities))")
# (a which-clause that ends the sentence too: "signed the agreement, which builds on a visit last year")
_ASIDE = re.compile(r",\s+(?:who|which|whose)\b[^,;\n]*(?:,|$)|\([^()\n]{0,80}\)|（[^（）\n]{0,40}）")
# numbers of students or places that make a list of cooperation areas a specific programme
_SPECIFIC = re.compile(r"\b\d+\s+(?:\w+\s+)?(?:students|places|undergraduates|postgraduates)\b|\d+\s*名", I)
_HOME_REF = re.compile(r"\bBISTU\b|\bthe\s+University\b|\bour\s+(?:university|campus|school|college)\b|我校|学校|北京信息科技大学", I)
_NOT_CONFERENCE = re.compile(r"\b(?:video|online|virtual)\s+(?:\w+\s+)?conference|\bpress\s+conference|\bonline\s+meeting\b", I)
# kinds that a list of cooperation areas names as topics, and rules specific enough to count even there
_TOPIC_KINDS = ("study_abroad", "research_collaboration", "faculty_exchange", "summer_school", "international_students",
                "joint_program")
_SPECIFIC_RULES = ("2+2 / 3+1 / 4+0", "dual / double degree", "a number of students sent", "students jointly trained",
                   "中外合作办学", "cooperative school running",
                   # (students who come to study at the home, by its name: a flow to one place, not an area)
                   "students coming to the home")


# 合作办学 that names a programme or an institution (中外合作办学, 合作办学项目 / 机构, X与Y合作办学的…专业), not an area
# in a list (在课程开发、合作办学等领域, 介绍了对外合作办学情况)
# a Chinese list closed as things to do (等项目, 等活动, 等事宜: 就学生交换学习、联合培养等项目进行了探讨, 计划实施双学位、交换留学
# 等活动), not as areas (等方面, 等领域): its items are programmes the sides agree on or plan, reported as activities
_ZH_PROJECT_LIST = re.compile(r"[^，。；\n]{0,40}?等(?:项目|活动|事宜)")
_JOINT_NAMED_AFTER = re.compile(r"(?:项目|机构|学院|专业|班|协议|模式)")


def _named_joint(sent: str, ms: int, me: int) -> bool:
    g = sent[ms:me]
    if "合作办学" not in g:
        return False  # (双联学位, 联合培养项目 in a list of areas are areas too)
    if "中外合作办学" in g or "中外" in sent[max(0, ms - 2):ms]:
        return True
    return bool(_JOINT_NAMED_AFTER.match(sent, me, min(len(sent), me + 6)) or
                re.match(r"的[^，。、\n]{0,8}(?:项目|专业|学院|机构)", sent[me:me + 12]))


@lru_cache(maxsize=256)
def _home_patterns(forms: tuple[str, ...]) -> tuple[re.Pattern, re.Pattern, re.Pattern]:
    """(a mention of the home, a visit to the home by name, students coming to the home by name) for the home's
    names (compiled once per home)."""
    alt = "|".join(re.escape(f) for f in forms)
    return tuple(guarded(p) for p in _home_pattern_texts(alt))  # (fastre.py: the same matches, scanned faster)


def _home_pattern_texts(alt: str) -> tuple[re.Pattern, re.Pattern, re.Pattern]:
    return (re.compile(rf"{_HOME_REF.pattern}|{alt}", I),
            re.compile(rf"\b(?:visit(?:s|ed|ing)?|paid\s+(?:a\s+)?(?:\w+\s+)?visit\s+to|came\s+to|arrived\s+at)\s+"
                       rf"(?:the\s+)?(?:(?:[A-Z][\w&'’-]*\s+|and\s+){{1,7}}(?:of|at)\s+(?:the\s+)?)?(?:{alt})\b"),
            # a partner's students sent to the home, or students from abroad studying there ("X sent ten students to
            # the University of Exeter's summer school", "Chinese students and trainees studying at VNU-USSH")
            re.compile(rf"\b(?:sen[dt]s?|dispatch(?:es|ed)?)\s+(?:\w+\s+){{0,3}}?students\s+(?:\w+\s+){{0,3}}?to\s+"
                       rf"(?:the\s+)?(?:{alt})\b|"
                       rf"\b(?:foreign|overseas|international|visiting|exchange|(?-i:[A-Z][a-z]+(?:ese|ian|an|ish|ch|i)))\s+"
                       rf"students\s+(?:and\s+\w+\s+)?(?:who\s+(?:are|were)\s+)?(?:studying|stud(?:y|ied))\s+(?:at|in)\s+"
                       rf"(?:the\s+)?(?:{alt})\b|"
                       # "opens the door for X students to spend an academic year taking classes at <the home>"
                       # "thirty students from X arrived at <the home> to begin their studies"
                       rf"\bstudents\s+from\s+[^.\n]{{0,60}}?\b(?:arrived\s+(?:at|in)|came\s+to|enrolled\s+(?:at|in))\s+"
                       rf"(?:the\s+)?(?:{alt})\b|"
                       # "twenty students from X took part in <the home>'s summer programme"
                       rf"\bstudents\s+from\s+(?-i:[A-Z])[^.,;\n]{{0,50}}?\s+(?:took\s+part|participated|enrolled)\s+in\s+"
                       rf"(?:the\s+)?(?:{alt})['’]s?\s+(?:[\w-]+\s+){{0,2}}?(?:program(?:me)?|school|course|camp)s?\b|"
                       # "students from X will spend a semester at <the home>"
                       rf"\bstudents\s+from\s+(?-i:[A-Z])[^.,;\n]{{0,50}}?\s+(?:will|would|can|could|are\s+to|to)\s+"
                       rf"(?:spend|study|take)\b[^.\n]{{0,50}}?\b(?:at|in)\s+(?:the\s+)?(?:{alt})\b|"
                       # "opportunities for Indonesian students to do their master's and doctoral degrees at <the home>"
                       rf"\bstudents\s+to\s+(?:spend|study|take|do|pursue|complete|undertake|earn|obtain|enrol|enroll)\b"
                       rf"[^.\n]{{0,60}}?\b(?:at|in)\s+(?:the\s+)?(?:{alt})\b", I))


_CJK = re.compile(r"[\u4e00-\u9fff]")
# rules whose patterns are Chinese only (skipped on a text without Chinese characters)
# (escapes such as \u4e00 and \s, and group flags, are no English words; a character range written with \u
# escapes, [\u4e00-\u9fff], is Chinese)
_ZH_ONLY = {r for _, r, rx, _ in RULES + _TITLE_ONLY
            if (_CJK.search(rx.pattern) or "\\u4e00" in rx.pattern) and not re.search(
                r"[A-Za-z]{2,}", re.sub(r"\\u[0-9a-fA-F]{4}|\\x[0-9a-fA-F]{2}|\\[A-Za-z]|\(\?[A-Za-z]*[:=!<]", "", rx.pattern))}

# the sentence and clause tests, scanned faster with the same matches; the three that most sentences fail are
# skipped where the sentence holds none of the words a match needs (fastre.py)
(_GENERIC_FRAME, _PROFILE, _SPECIFIC, _INBOUND, _FUTURE, _NEGATED, _SHORT, _STAFF, _RESEARCH, _JOINT_SPECIFIC,
 _NOT_CONFERENCE, _INBOUND_SHORT) = (
    guarded(p) for p in (_GENERIC_FRAME, _PROFILE, _SPECIFIC, _INBOUND, _FUTURE, _NEGATED, _SHORT, _STAFF, _RESEARCH,
                         _JOINT_SPECIFIC, _NOT_CONFERENCE, _INBOUND_SHORT))
_GENERIC_ITEMS, _BACKGROUND = prefiltered(_GENERIC_ITEMS), prefiltered(_BACKGROUND)
# two cue tables' alternations, searched cue by cue (fastre.first_of: the same match as the alternation's)
_LIST_FRAME, _PROFILE = (first_of(cue_parts(k), cue(k)) for k in ("list_frame", "profile"))


def _clause(sent: str, s: int, e: int) -> str:
    """The clause of a sentence around a span (split at ', and', ';', ', while', 'Among them,')."""
    cuts = [0] + [m.end() for m in re.finditer(r",\s+(?:and|but|while|whereas)\s+|;\s*|^(?:Among\s+them|Of\s+them),\s*|"
                                                r"，(?:并|而|同时)|；", sent)] + [len(sent)]
    left = max(c for c in cuts if c <= s)
    right = min([c for c in cuts if c >= e] or [len(sent)])
    return sent[left:right]


def _zh_item(sent: str, s: int, e: int) -> str:
    """The item of a Chinese list (A、B、C) around a span, else its clause: the items of a list share no direction
    (寒暑假短期项目、外籍教授来校授课: the professors come here, the short programme goes either way)."""
    a, b = sent.rfind("、", 0, s), sent.find("、", e)
    if a < 0 and b < 0:
        return _clause(sent, s, e)
    left = max(a, *(sent.rfind(c, 0, s) for c in "，。；"))
    rights = [x for x in (b, *(sent.find(c, e) for c in "，。；")) if x >= 0]
    return sent[left + 1:min(rights) if rights else len(sent)]


_PARTNER_LEADER = re.compile(r"\b(?:[Vv]ice[- ]|[Dd]eputy\s+|[Ee]xecutive\s+[Vv]ice[- ])?(?:[Pp]resident|[Rr]ector|[Cc]hancellor|"
                             r"[Pp]rovost)\s+of\s+(?:the\s+)?")
_PRESENT_AT = re.compile(r"\b(?:attended|were\s+present|was\s+present|witnessed|(?:officially\s+)?(?:open(?:ed)?|unveil(?:ed)?|"
                         r"inaugurat(?:e|ed))\s+the)\b(?![^.\n]{0,40}\b(?:online|video|virtual)\b)")
_PARTNER_LEADER, _PRESENT_AT = guarded(_PARTNER_LEADER), guarded(_PRESENT_AT)  # (fastre.py)


# the rules as find_activities scans them, made once: (kind, rule, guarded pattern, weight, title only, the words one of
# which a match needs, Chinese only), the rules of the whole text and those of the title
_RULE_TABLE: list = []


def _rule_table() -> list:
    if not _RULE_TABLE:
        _RULE_TABLE.extend([[(k, r, guarded(rx), w, title_only, NEEDS.get(r), r in _ZH_ONLY) for k, r, rx, w in rules]
                            for rules, title_only in ((RULES, False), (_TITLE_ONLY, True))])
    return _RULE_TABLE


@dataclass
class ActivityHit:
    kind: str
    score: float
    start: int
    end: int
    text: str
    rule: str
    confidence: float


_TO_CHINA = re.compile(r"\bstud(?:y|ying)\s+in\s+China\b", re.I)
# a post named after its charge ("Deputy Rector for International Students", "Director of International Students")
_WHO_ASIDE = re.compile(r",\s+(?:who|whose)\b[^,;\n]*(?:,|$)")
_STUDENTS_BEFORE = re.compile(r"\bstudents\b[^.\n]*$", re.I)
_FROM_BEFORE = re.compile(r"\b(?:students|participants)\s+from\b[^.\n]*$", re.I)
_POST_FOR = re.compile(r"\b(?:Rector|President|Dean|Director|Officer|Coordinator|Head|Manager|Advis[eo]r|Chancellor|Provost|"
                       r"Secretary)\s+(?:for|of)\s+(?:the\s+)?$", re.I)
# a room named after its use ("the Conference Center of Yanta Campus", "Meeting Room 3")
_VENUE_AFTER = re.compile(r"\s+(?:Cent(?:er|re)|Hall|Room|Building|Suite)\b", re.I)
# an agreement signed before the event reported
_SINCE_SIGNED = re.compile(r"\bsince\s+(?:the|their|its|our|this|that)\s+[^.;\n]{0,80}?\b(?:was|were|had\s+been|has\s+been)\s+"
                           r"signed\b", re.I)
# a year a signing is dated by ("signed an MoU in 2015", "signed … in May 2012"), and the years a page names (not a
# horizon: "by 2030", "until 2027")
_EN_SIGNED_IN_YEAR = re.compile(r"\bsigned\b[^.;\n]{0,80}?\bin\s+(?:(?:early|late|mid-?)\s*)?(?:[A-Z][a-z]+,?\s+)?((?:19|20)\d\d)\b")
_EN_YEAR = re.compile(r"(?<!\bby\s)(?<!\buntil\s)(?<!\btill\s)(?<!\bthrough\s)(?<!\bbefore\s)\b((?:19|20)\d\d)\b")
_SINCE_THEN = re.compile(r"\s*(?:Since\s+then|Since\s+that\s+time|Ever\s+since)\b")
# a programme only thought possible ("the possibility of the two universities offering joint degree programmes")
_POSSIBILITY = re.compile(r"\bpossibilit(?:y|ies)\b|\bpotential(?:ly)?\b|\bfeasibility\b", re.I)


_ONE_WORD = re.compile(r"[A-Z][a-z'’-]+")


def find_activities(text: str, sentences: list[tuple[int, int]], title: tuple[int, int] | None,
                    partner_spans: list[tuple[int, int]], home_forms: list[str] | None = None,
                    lead: tuple[int, int] | None = None, foreign_home: bool = False,
                    scores_out: dict[str, float] | None = None,
                    cues_out: dict[str, tuple[int, int, str]] | None = None) -> list[ActivityHit]:
    """Activity kinds reported in ``text`` (see the module docstring). A weak cue (weight
    below 1) counts double in the title and in the lead paragraph, where the piece says
    what it is about. ``scores_out`` receives every kind's score (those below 1 too), which
    ``bench/train_activities.py`` and the activity model read; ``cues_out`` each kind's
    strongest cue (start, end, rule), those of kinds below 1 too (where the model cites one)."""
    home_re = _HOME_REF
    inbound_re: re.Pattern | None = None
    received_here = "students" in text and bool(_RECEIVED.search(text))  # the page receives exchange students
    extra_rules: list[tuple[str, str, re.Pattern, float, bool]] = []

    def _partner_at(pos: int) -> bool:
        """Whether a partner is named right after ``pos`` ("studying at <partner>")."""
        nxt = pos + len(text[pos:pos + 12]) - len(text[pos:pos + 12].lstrip())
        nxt += 4 if text.startswith("the ", nxt) else 0
        return any(ps <= nxt < pe for ps, pe in partner_spans)
    if home_forms:
        forms = tuple(sorted({f for f in home_forms if f}, key=len, reverse=True))
        home_re, visit_re, inbound_re = _home_patterns(forms)
        # (the home's one word, "Exeter" of the University of Exeter, names it as a place students go to or visit;
        # elsewhere in a sentence, "Exeter students signing rental contracts", it is no sign of the home's own news)
        named = tuple(f for f in forms if not _ONE_WORD.fullmatch(f))
        if named and named != forms:
            home_re = _home_patterns(named)[0]
        # a visit to the home institution by its name ("visited Beijing International Studies University (BISU)")
        extra_rules.append(("delegation_visit", "visit to the home institution", visit_re, 1.0, False))
        if "tudents" in text:
            extra_rules.append(("international_students", "students coming to the home", inbound_re, 1.0, False))
        else:
            inbound_re = None
    if foreign_home:
        # a university abroad: its students studying in China go abroad ("more of our students to study in China")
        extra_rules.append(("study_abroad", "students to China", _TO_CHINA, 1.0, False))
    scores: dict[str, float] = {}
    best: dict[str, tuple[float, int, int, str]] = {}
    # a piece about a briefing of students before they go abroad (its title or lead says 行前培训, 说明会 …)
    head = text[title[0]:title[1]] if title else ""
    head += text[lead[0]:lead[1]] if lead else text[:300]
    session = bool(re.search(r"行前(?:培训|教育|说明)|说明会|宣讲会|动员会|分享会", head))
    # (whole-text and head searches the cues below ask about, made once per text: made again for each cue, a
    # one-line text, whose lead paragraph is all of it, took quadratic time)
    head_joint = "合作办学" in head and bool(re.search(r"中外合作办学|合作办学项目", head))
    foreign_exchange_students: bool | None = None
    text_years: list[int] | None = None
    en_years: list[int] | None = None

    per_sentence: dict[tuple[str, int], float] = {}

    def add(kind: str, w: float, s: int, e: int, rule: str, sent_i: int = -1) -> None:
        # cues of one kind in one sentence count once, at the strongest ("Sino-foreign joint running programs"
        # is one cue, not two)
        if sent_i >= 0:
            prev = per_sentence.get((kind, sent_i), 0.0)
            per_sentence[(kind, sent_i)] = max(prev, w)
            w = max(0.0, w - prev)
        scores[kind] = scores.get(kind, 0.0) + w
        if kind not in best or w > best[kind][0]:
            best[kind] = (w, s, e, rule)

    # each rule runs once over the whole text; its matches are then judged in their sentence
    starts = [ss for ss, _ in sentences]
    ctx: dict[int, tuple] = {}
    import bisect as _bisect
    partner_starts = sorted(ps for ps, _ in partner_spans)

    def _partner_in(ss: int, se: int) -> bool:  # a partner's mention starts in [ss, se)
        i = _bisect.bisect_left(partner_starts, ss)
        return i < len(partner_starts) and partner_starts[i] < se

    def sentence_ctx(i: int) -> tuple:
        if i not in ctx:
            ss, se = sentences[i]
            sent = text[ss:se]
            is_title = title is not None and ss == title[0]
            generic = bool(_GENERIC_FRAME.search(sent)) and len(_GENERIC_ITEMS.findall(sent)) >= 2 and \
                not _SPECIFIC.search(sent)
            # a non-restrictive clause about a person or a thing (", who previously worked at …,", ", which builds on
            # an agreement since 2016,") does not make the sentence background
            bg = bool(_BACKGROUND.search(_ASIDE.sub(" ", sent)))
            generic = generic or (bg and len(_GENERIC_ITEMS.findall(sent)) >= 2)
            ctx[i] = (ss, se, sent, is_title, generic, bg,
                      _partner_in(ss, se))
        return ctx[i]

    import bisect

    topics: dict[int, tuple] = {}

    def topic_ctx(i: int, sent: str) -> tuple:
        """(where a list of areas of cooperation starts in sentence i or None, whether it is a profile)."""
        if i not in topics:
            lf = _LIST_FRAME.search(sent)
            list_from = lf.start() if lf and not _SPECIFIC.search(sent) and \
                (sent.count(",", lf.end()) >= 1 or re.search(r"\band\b|、|和|及|[a-z]/[a-z]", sent[lf.end():]) or
                 _TALK_FRAME.match(lf.group(0))) else None  # (one topic talked about is a topic too)
            list_to = len(sent)
            if list_from is not None:
                # the list ends where the sentence goes on with a verb ("universities including A, B and C joined
                # the summer school": the summer school is no topic)
                end = lf.end()
                vm = _LIST_END.search(sent, end)
                while vm and vm.start() - end < 2:
                    # the frame's own verbs ("discussions were held on A, B and C")
                    end = vm.end()
                    vm = _LIST_END.search(sent, end)
                if vm:
                    list_to = vm.start()
                # a Chinese list of areas ends with its clause (在A、B等领域，已共同推动12项联合研究计划: the projects after
                # the comma are reported, not areas)
                zm = _ZH_LIST_CLOSE.search(sent, lf.end())
                if zm:
                    list_to = min(list_to, zm.end())
                elif lf.group(0).startswith("介绍"):
                    # (介绍了X的基本情况及相关业务，表达了希望合作推广“…”项目的意愿: what is introduced ends with its clause)
                    cm = _ZH_CLAUSE_END.search(sent, lf.end())
                    if cm:
                        list_to = min(list_to, cm.start())
            topics[i] = (list_from, list_to, bool(_PROFILE.search(sent)))
        return topics[i]

    who_asides: dict[int, list[tuple[int, int]]] = {}

    def _who_asides(i: int, sent: str) -> list[tuple[int, int]]:
        """The spans of sentence i's clauses about a person (", who …," ", whose …,"), found once per sentence."""
        if i not in who_asides:
            who_asides[i] = [(x.start(), x.end()) for x in _WHO_ASIDE.finditer(sent)]
        return who_asides[i]

    book_titles: list[tuple[int, int]] | None = None

    def _in_book_title(pos: int) -> bool:
        """Whether ``pos`` is inside a title in 《》 (found once per text: searched again for each cue, a
        one-line text of 2 MB took quadratic time)."""
        nonlocal book_titles
        if book_titles is None:
            book_titles = [(x.start(), x.end()) for x in re.finditer(r"《[^》\n]{0,60}》", text)]
        j = bisect.bisect_right(book_titles, (pos, float("inf"))) - 1
        return j >= 0 and book_titles[j][0] <= pos < book_titles[j][1]

    menus: dict[int, bool] = {}
    newlines: list[int] = []

    def _in_menu(s_: int, e_: int) -> bool:
        """Whether the line around [s_, e_) is a menu: three or more short items between | (or ｜ · •) and no
        sentence in it (the line breaks found once per text, each line judged once)."""
        if not newlines:
            newlines.extend([-1] + [x.start() for x in re.finditer("\n", text)] + [len(text)])
            # the links under a "Related news" / 相关新闻 heading: the short lines (titles, no sentence) after it
            for x in _RELATED_HEAD.finditer(text):
                k = bisect.bisect_left(newlines, x.end())
                for _ in range(8):
                    if k + 1 >= len(newlines):
                        break
                    a, b = newlines[k] + 1, newlines[k + 1]
                    ln = text[a:b].strip()
                    if ln:
                        if len(ln) > 80 or _SENTENCE_END.search(ln):
                            break
                        menus[a] = True
                    k += 1
        j = bisect.bisect_left(newlines, s_)
        ls, le = newlines[j - 1] + 1, newlines[j]
        if ls not in menus:
            line = text[ls:le]
            menus[ls] = bool(_RELATED_LINE.match(line)) or (
                line.count("|") + line.count("｜") + line.count("·") + line.count("•") >= 3 and all(
                    len(x.strip()) <= 40 and not _SENTENCE_END.search(x) for x in _MENU_SEP.split(line)))
        return menus[ls]

    low = text.lower()
    in_text: dict[str, bool] = {}
    has_cjk = _CJK.search(text) is not None
    table = _RULE_TABLE or _rule_table()
    for kind, rule, rx, w, title_only, needs, zh_only in \
            table[0] + [(k, r, rx, w, t, NEEDS.get(r), r in _ZH_ONLY) for k, r, rx, w, t in extra_rules] + table[1]:
        if needs:
            for n in needs:  # (each word looked for once per text, however many rules need it)
                hit = in_text.get(n)
                if hit is None:
                    hit = in_text[n] = n in low
                if hit:
                    break
            else:
                continue
        if zh_only and not has_cjk:
            continue
        for m in rx.finditer(text):
            i = bisect.bisect_right(starts, m.start()) - 1
            if i < 0:
                continue
            ss, se, sent, is_title, generic, background, has_partner = sentence_ctx(i)
            if m.end() > se or (title_only and not is_title):
                continue
            ms, me = m.start() - ss, m.end() - ss
            if foreign_home and kind == "international_students" and _TO_CHINA.fullmatch(m.group(0)):
                continue  # "study in China" is going abroad for a university abroad
            if m.group(0).isupper() and len(m.group(0)) > 6 and re.search(r"[A-Z]{4,}\s+[A-Z]{4,}", sent[max(0, ms - 40):me + 40]):
                continue  # a cue inside a document's title written in capitals ("… EXCHANGE PROGRAMS")
            if m.group(0) == "合作办学" and re.match(r"的?(?:进程|水平|能力|理念|事业|层次|格局)", sent[me:me + 4]) and \
                    "中外" not in sent[max(0, ms - 2):ms]:
                continue  # 推动我校的国际化合作办学进程: the university's open education in general, no programme
            if kind == "joint_program" and "合作办学" in m.group(0) and \
                    re.match(r"(?:工作)?(?:的)?(?:情况|概况|经验|历程)", sent[me:me + 6]) and \
                    re.search(r"(?:介绍|汇报|总结|回顾)[^，。；\n]*$", sent[:ms]):
                continue  # 介绍了我院近年来的对外合作办学情况: a description of the university, no programme reported
            if kind in _TOPIC_KINDS:
                list_from, list_to, profile = topic_ctx(i, sent)
                if list_from is not None and (list_from < ms < list_to or ms <= list_from < me) and not (
                        rule in _SPECIFIC_RULES and (rule != "中外合作办学" or _named_joint(sent, ms, me))) and not (
                        _ONE_SPECIFIC.search(sent, 0, ms)) and not _ZH_PROJECT_LIST.match(sent, me):
                    # (the one programme a talk is about, with its article, is specific: "discuss a two-week summer
                    # school on robotics for our students", "discussed a joint research proposal on …")
                    continue  # a topic in a list of areas of cooperation
                if profile and not is_title:
                    continue  # an institution's profile
                if ", who" in sent or ", whose" in sent:
                    if any(a <= ms and me <= b for a, b in _who_asides(i, sent)):
                        continue  # "Yamada, who earned a joint degree from Oxford, praised …": a person's past, an aside
            if _in_menu(m.start(), m.end()):
                continue  # "Home | Study Abroad | International Students | Summer School": a menu's links
            if _NEGATED.search(sent, max(0, ms - 40), ms):
                continue  # "the agreement doesn't require a student exchange"
            if rule in ("exchange students from elsewhere", "a group of students from elsewhere received") and \
                    home_re.match(text, m.end() - 1):
                continue  # "exchange students from <the home>" are its own students abroad
            if rule == "a partner's students studying here" and home_re.match(
                    text, m.start() + re.match(r"students\s+from\s+", m.group(0), I).end()):
                continue  # "15 students from <the home> are studying at partner universities": its own, abroad
            if kind == "international_students" and _POST_FOR.search(sent, max(0, ms - 40), ms):
                continue  # "the Deputy Rector for International Students": a post's name, no students
            if kind == "conference" and _VENUE_AFTER.match(sent, me):
                continue  # "held discussions at the Conference Center": a room's name, no conference
            if rule in ("students leave for a partner", "students at partner universities") and \
                    not _STUDENTS_BEFORE.search(sent, max(0, ms - 80), ms):
                continue  # (students who leave, study: the subject before the verb)
            if rule == "students from abroad came here" and not m.group(0).startswith(("foreigners", "Foreigners")) and \
                    not _FROM_BEFORE.search(sent, max(0, ms - 140), ms):
                continue  # ("participants from China, Indonesia and Ukraine came to our University")
            if kind == "summer_school" and "研修" in m.group(0) and re.search(r"教师|教职工|管理人员|干部", _clause(sent, ms, me)) and \
                    not re.search(r"学生|同学|本科生|研究生|学员|青少年", sent):
                continue  # 教师赴X进行为期三个月的研修: staff training, no short programme of students
            if rule == "a programme of days or weeks" and not re.search(r"\b(?:students|pupils|participants|youth|young\s+people)\b",
                                                                         sent, I):
                continue  # (a two-week course of staff is no short programme of students)
            if rule == "a visit paid" and re.search(r"\bstudents?\b", sent, I) and not re.search(
                    r"\b(?:President|Rector|Chancellor|Provost|Dean|Principal|Secretary|officials?|delegation|leaders?)\b", sent, I):
                continue  # students on a trip: a study visit, no delegation
            weight = w
            if weight < 1 and (is_title or (lead is not None and lead[0] <= ss < lead[1])):
                weight *= 2
            if generic and kind in ("study_abroad", "research_collaboration", "joint_program", "faculty_exchange",
                                    "summer_school") and not (rule == "中外合作办学" and _named_joint(sent, ms, me)) and \
                    not (_CJK.search(m.group(0)) and re.search(r"(?:协议|细则)$", m.group(0))) and \
                    not _ZH_PROJECT_LIST.match(sent, me):
                # (a student exchange agreement signed, 签署…学生交换协议, is a programme, not an area in a list)
                continue  # an area in a list of cooperation areas (a named 合作办学 programme is one)
            if kind == "study_abroad":
                clause = _clause(sent, ms, me)
                if rule == "exchange study" and re.match(r"exchange\s+students?$", m.group(0), I) and received_here and \
                        not _OUTBOUND.search(sent):
                    continue  # the exchange students of a page that receives them ("welcomed 87 new exchange students …
                    # the mentors look after the exchange students"): incoming, not ours going abroad
                if ((_INBOUND.search(clause) or (inbound_re is not None and inbound_re.search(clause))) and not (
                        # "study abroad" as an item of a list ("their work in joint programs, study abroad and
                        # international students"): the list's other items are no students coming in
                        rule == "study abroad" and (re.match(r"\s*(?:,|and\b|or\b)", sent[me:]) or
                                                    re.search(r"(?:,|\band|\bor)\s*$", sent[:ms])))) or \
                        _RESEARCH.search(sent) or (_JOINT_SPECIFIC.search(sent) and
                                                                        rule != "study abroad"):
                    continue  # students coming in; a research stay inside a research cooperation; a stay abroad
                    # inside a joint programme
                if rule in ("study abroad", "students sent abroad", "a number of students sent") and (_SHORT.search(clause) or
                                                                         _STAFF.search(clause)):
                    continue
                if has_partner and rule != "study abroad" and head_joint:
                    continue  # a study period at the partner of the piece's Sino-foreign programme is the programme's
                if m.group(0).startswith("在该校") and _JOINT_SPECIFIC.search(text):
                    continue  # 看望了在该校学习的我校学生 of a piece about a 3+1 programme: the programme's students
                if m.group(0) == "交换生" and foreign_exchange_students is None:
                    foreign_exchange_students = bool(re.search(r"(?<!中)国交换生|外籍交换生|来华交换|交换生来|前来[^，。\n]{1,12}?的交换生",
                                                              text))
                if m.group(0) == "交换生" and foreign_exchange_students and \
                        not re.search(r"赴|前往|出国|出境|派出|选派|外派", clause):
                    continue  # the exchange students of a page about foreign exchange students here
                if rule == "实习 / 实践 abroad" and _STAFF.search(clause) and not re.search(r"学生|本科生|研究生|同学", clause):
                    continue  # teachers visiting abroad (教师赴X访学) are a faculty exchange
                if rule == "a semester at a partner" and not re.search(r"\d", sent):
                    continue
                if rule in ("学生赴…学习 / 交流生", "学生在外国学习") and (_SHORT.search(sent) or _JOINT_SPECIFIC.search(head)):
                    continue  # a summer or short programme abroad is a short programme; a year abroad inside the
                    # piece's joint programme is the programme's
            if kind == "delegation_visit" and rule == "delegation" and re.search(
                    r"\baccompanied\s+the\s+delegation\b", sent, I) and re.search(
                    r"\b(?:attend\w*|participat\w*|took\s+part)\b[^.\n]{0,160}?\b(?:event|conference|forum|summit|symposium|congress|"
                    r"day)\b", text, I) and not re.search(r"\bvisit", text, I):
                continue  # "the director accompanied the delegation" to an event the home attended: no visit
            if kind == "delegation_visit" and rule == "delegation" and (
                    re.match(r"[^，。\n]{0,12}?(?:看望|慰问)", text[m.end():m.end() + 14]) or
                    re.search(r"代表团赴[^。\n]{0,30}参加[^。\n]{0,30}(?:论坛|会议|大会|研讨会|年会|峰会)", sent)):
                continue  # leaders visiting their own students (一行看望慰问); a delegation sent to attend a forum
            if kind == "agreement" and rule == "签署协议" and text[m.end():m.end() + 1] == "的" and \
                    re.search(r"与(?:我校|本校|我院|学校)[^，。\n]{0,4}$", text[max(0, m.start() - 10):m.start()]):
                continue  # 与我校签订了合作协议的X大学: a partner described by its agreement, no signing reported
            if kind == "faculty_exchange" and re.search(r"将(?:进一步)?邀请|拟邀请|计划邀请", sent):
                continue  # guests the university will invite: no visit yet
            if kind == "international_students":
                if re.search(r"(?:在|赴)[\u4e00-\u9fff]{1,3}$", text[max(0, m.start() - 4):m.start()]) and \
                        m.group(0).startswith("留学生"):
                    continue  # 我校在日留学生: our students abroad
                # (a partner's students studying somewhere that is not a partner are studying at the home)
                if has_partner and not home_re.search(sent) and not is_title and rule not in (
                        "来我校交换", "互派学生", "students from a partner attend dated seminars",
                        "招生说明会 abroad") and not (
                        rule == "a partner's students studying here" and not _partner_at(m.end())):
                    continue
                if re.search(r"open\s+to\s+international|国际学生(?:培养|项目)", sent):
                    continue
            if kind == "conference":
                if _CJK.search(m.group(0)) and (sent[me:me + 1] == "、" or sent[max(0, ms - 1):ms] == "、"):
                    lf_, lt_, _ = topic_ctx(i, sent)
                    if lf_ is not None and lf_ < ms < lt_:
                        continue  # 围绕定期举办学术会议、编写教材…等内容进行探讨: an item in a list of topics
                if m.group(0).endswith("座谈会") and _ZH_VISIT.search(sent):
                    continue  # 热情接待我校代表团，双方举行了座谈会: the visit's meeting, no conference
                if re.search(r"生(?:座谈会|交流会|见面会|联欢会|分享会)", m.group(0)):
                    continue  # 交换生座谈会: a students' get-together is no conference
                if session and not re.search(r"研讨会|论坛|年会|大会|峰会", m.group(0)):
                    continue  # a briefing of students before they go abroad (行前培训) is no conference
                if _NOT_CONFERENCE.search(sent) and (not is_title or _NOT_CONFERENCE.search(m.group(0)) or
                                                     re.search(r"\b(?:video|online|virtual)\s+(?:\w+\s+)?conference", sent, I)):
                    continue  # a video conference is a meeting (a delegation visit), not a conference
                fut = [x.group(0) for x in _FUTURE.finditer(sent)]
                if fut and not is_title and not (set(fut) == {"邀请"} and re.search(
                        r"特邀请|应[^，。\n]{0,30}邀请|受邀", sent) and not re.search(r"将|拟|计划", sent)):
                    continue  # (an invitation already answered, 应X邀请 / X特邀请我校代表团参加…, is no future)
            if kind == "agreement" and rule == "signed or renewed agreement":
                if re.search(r"\blearning\s+agreement", sent, I):
                    continue
                prev_partner = i > 0 and sentence_ctx(i - 1)[6] and re.match(r"\s*(?:(?:During|At|In)\s+(?:this|the)\s+"
                                                                              r"(?:meeting|visit|talks?)\b|"
                                                                              # "The agreement, cementing the partnership,
                                                                              # was signed …": the one just told of
                                                                              r"(?:The|This)\s+(?:[\w-]+\s+){0,2}?"
                                                                              r"(?:agreement|MoU|memorandum|accord)\b)",
                                                                              sent, I)
                if not (has_partner or prev_partner or home_re.search(sent) or re.search(
                        r"\b(?:two|both)\s+(?:sides|universities|institutions|parties)\b|\bon\s+behalf\b|\bsigned\s+by\b|"
                        r"^\s*(?:They|The\s+two)\b|\bdelegations?\b|"
                        # two leaders sign ("President Qiao and President Mayoral signed …")
                        r"\b(?:President|Rector|Chancellor|Provost|Dean)\s+[A-Z][\w-]+\s+and\s+(?:Vice\s+)?"
                        r"(?:President|Rector|Chancellor|Provost|Dean)\s+[A-Z][\w-]+\s+(?:\w+\s+)?signed\b", sent, I) or is_title):
                    continue
            if rule == "学术报告 by a guest" and re.search(r"研讨会|论坛|会议(?!室|厅)|大会|年会", sent):
                continue  # talks at a conference are the conference's
            if rule == "lectures by a guest" and re.search(r"\b(?:ambassador|envoy|consul|diplomat|attach[ée])s?\b", sent[:ms], I):
                continue  # a diplomat's talk to students during a visit: the visit, no faculty exchange
            if kind == "conference" and rule in ("conference held", "taking part in a conference") and \
                    re.search(r"\bsymposium\b", m.group(0), I) and _VISIT_SYMPOSIUM.search(text) and \
                    not re.search(r"\b(?:international|annual|academic)\s+(?:conference|forum|symposium)|\bthe\s+\d", sent, I):
                continue  # "welcomed the ambassador and his party … and held a symposium", "leaders … attended the
                # symposium": the visit's meeting (座谈), no conference
            if kind == "faculty_exchange" and rule in ("lectures by a guest", "学术报告 by a guest") and has_partner \
                    and not _FUTURE.search(sent):
                weight = max(weight, 1.0)  # a lecture by a partner's professor
            if kind == "faculty_exchange" and rule == "学术报告 by a guest" and \
                    re.search(r"(?:来访|访问|访校|来校|在校)期间", sent) and not _FUTURE.search(sent):
                weight = max(weight, 1.0)  # 来访期间…为我校学生作了学术讲座: the guest's lecture during the visit
            if kind == "summer_school" and _INBOUND.search(_zh_item(sent, ms, me) if "、" in sent else _clause(sent, ms, me)) and re.search(r"师生|学生|学员", sent):
                add("international_students", weight, m.start(), m.end(), "inbound short programme", i)
            if rule == "signing ceremony with the partner" and not has_partner:
                continue  # (a ceremony with the partner's representatives present)
            if kind in _TOPIC_KINDS and _in_book_title(m.start()):
                continue  # 《学生交流、科研合作等全面合作协议》: the title of an agreement lists areas
            if kind == "agreement" and re.search(r"将(?:在近期内|尽快|于[^，。\n]{0,10})签[署订]|拟签[署订]|待签[署订]|"
                                                 r"就签[署订][^，。\n]{0,20}(?:协议|备忘录)达成", sent):
                continue  # an agreement still to be signed (两校将于近期签订备忘录, 就签订…协议达成一致意见)
            if kind == "agreement" and _CJK.search(m.group(0)):
                yb = [int(y) for y in re.findall(r"((?:19|20)\d\d)年", sent[:ms])]
                if yb and text_years is None:
                    text_years = [int(y) for y in re.findall(r"((?:19|20)\d\d)年", text)]
                if yb and max(yb) < max(text_years):
                    weight *= 0.5  # 早在2016年就签署了备忘录 on a page of 2019: an agreement of the past
            if kind == "agreement" and not has_partner and _AGREEMENT_TALLY.search(m.group(0)) and \
                    not _TWO_SIDES.search(sent):  # ("the two sides signed three agreements": this signing's count)
                weight *= 0.5  # "the University signed 7 new cooperation agreements with overseas universities": a
                # tally of the year, no signing reported
            if kind == "agreement" and not _CJK.search(m.group(0)) and (
                    _SINCE_SIGNED.search(sent) or (i + 1 < len(sentences) and _SINCE_THEN.match(text, sentences[i + 1][0]))):
                weight *= 0.5  # "since the memorandum was signed in 2019, …", "X signed the agreement in May 2012. Since
                # then …": an agreement of the past, the ground of what is reported
            if kind == "agreement" and not _CJK.search(m.group(0)) and "signed" in sent:
                yb = [int(y) for y in _EN_SIGNED_IN_YEAR.findall(sent)]
                if yb and en_years is None:
                    en_years = [int(y) for y in _EN_YEAR.findall(text)]
                if yb and max(yb) < max(en_years):
                    weight *= 0.5  # "The two universities signed an MoU in 2015" on a page of 2024: a signing of the past
            if kind == "agreement" and re.search(r"签(?:署|订)的", m.group(0)):
                weight *= 0.5  # 签署的合作协议: an agreement signed before, named as the basis of something else
            if kind == "conference" and re.search(r"\d+\s*(?:场|次|届)", m.group(0)):
                weight *= 0.5  # 先后举办了4届…会议: a count of past meetings, not a meeting reported
            if background and _CJK.search(m.group(0)):
                # (a wish in a later clause does not reach back to a clause that tells what is done: 已选送4位交换学生
                # 前往X大学，希望进一步推动…)
                cut = _ZH_CLAUSE_END.search(sent, me)
                lead_cut = max(sent.rfind("，", 0, ms), sent.rfind("；", 0, ms)) + 1
                if cut and "已" in sent[lead_cut:cut.start()]:
                    background = bool(_BACKGROUND.search(_ASIDE.sub(" ", sent[:cut.start()])))
            if background and rule not in ("为期…的研修", "招生说明会 abroad") and not is_title and not (kind == "joint_program" and rule in (
                    "2+2 / 3+1 / 4+0", "dual / double degree") and not _POSSIBILITY.search(sent, 0, ms)) \
                    and not (kind == "agreement" and re.search(
                    r"\bsigned\s+(?:this\s+time|today|on\s+this\s+occasion)\b", m.group(0), I)) \
                    and not (kind in ("joint_program", "summer_school", "study_abroad") and _CJK.search(m.group(0)) and
                             (re.match(r"[”」』\"]?(?:项目|计划|课程)", sent[me:me + 3]) or m.group(0).endswith(("项目", "计划", "课程"))) and
                             re.search(r"(?:建立|推动|开设|设立|启动|开展|举办|合作)[^，。；]{0,12}$", sent[:ms])) \
                    and not (kind == "study_abroad" and re.search(r"(?:协议|细则)$", m.group(0)) and
                             re.search(r"(?:签署|签订|签定|续签)[^，。；]{0,20}$", sent[:ms])):
                # (a named programme the sides plan, 希望推动建立双学位项目和联合暑期项目, counts: a specific programme
                # planned or discussed is reported; so does a student exchange agreement signed, 签署…学生交换协议)
                weight *= 0.5  # (an agreement "signed this time" is reported, whatever the speaker hopes)
            add(kind, weight, m.start(), m.end(), rule, i)
    # an inbound summer school: "38 students from 5 partner universities … take part"
    if _SHORT.search(text):
        for m in _INBOUND_SHORT.finditer(text):
            i = bisect.bisect_right(starts, m.start()) - 1
            if i >= 0:
                ss, se = sentences[i]
                add("international_students", 1.0, ss, se, "inbound short programme")
    # a partner's leader present at an event here ("Zhu Wei, vice president of <partner>, … attended the launching
    # ceremony"): a visit in an official capacity (but not a conference's guest: conference attendance is no visit)
    for m in (_PARTNER_LEADER.finditer(text) if partner_spans else ()):
        if not _partner_at(m.end()):
            continue
        i = bisect.bisect_right(starts, m.start()) - 1
        if i < 0:
            continue
        ss, se = sentences[i]
        am = _PRESENT_AT.search(text, m.end(), se)
        if am and not re.search(r"\b(?:conference|forum|symposium|summit|workshop|congress|seminar)s?\b", text[ss:se], I) and \
                not _FUTURE.search(text[ss:se]):
            add("delegation_visit", 1.0, m.start(), am.end(), "a partner's leader present at an event here", i)
    if not partner_spans and scores.get("delegation_visit", 0) >= 1 and _CJK.search(text) and _ZH_SUPERVISOR_VISIT.search(text):
        scores["delegation_visit"] = 0.0  # 教育部国际司副司长一行莅临我校: the supervising ministry, no partner's delegation
    if scores_out is not None:
        scores_out.update(scores)
    if cues_out is not None:
        cues_out.update({k: (s, e, rule) for k, (_w, s, e, rule) in best.items()})
    out = []
    for kind in KINDS:
        sc = scores.get(kind, 0.0)
        if sc >= 1.0 - 1e-9:
            w, s, e, rule = best[kind]
            out.append(ActivityHit(kind, sc, s, e, text[s:e], rule, min(0.95, 0.5 + 0.2 * sc)))
    return out


# the sentence and text tests above that open with \b or an alternation, scanned faster with the same matches
# (fastre.py; after every pattern built from another's text)
_GUARDED_TOO = (_TO_CHINA, _RECEIVED, _OUTBOUND, _ONE_SPECIFIC, _AGREEMENT_TALLY, _TWO_SIDES, _VISIT_SYMPOSIUM, _POST_FOR,
                _STUDENTS_BEFORE, _FROM_BEFORE, _SINCE_SIGNED, _EN_SIGNED_IN_YEAR, _EN_YEAR, _POSSIBILITY)
(_TO_CHINA, _RECEIVED, _OUTBOUND, _ONE_SPECIFIC, _AGREEMENT_TALLY, _TWO_SIDES, _VISIT_SYMPOSIUM, _POST_FOR,
 _STUDENTS_BEFORE, _FROM_BEFORE, _SINCE_SIGNED, _EN_SIGNED_IN_YEAR, _EN_YEAR, _POSSIBILITY) = (guarded(p) for p in _GUARDED_TOO)
del _GUARDED_TOO
