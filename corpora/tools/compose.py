#!/usr/bin/env python3
"""Rebuild corpora/causes.jsonl deterministically.

Inputs
  tools/written/<label>.txt   hand-written causes, one per line: ``v|text`` (vague)
                              or ``s|text`` (specific); lines starting with '#' and
                              blank lines are ignored.
  this file                   hand-written fragments and frames for slot filling
                              (source "template").

Output
  corpora/causes.jsonl        sorted by text, deduplicated (a hand-written line wins
                              over a generated one with the same text).

Usage:  python3 corpora/tools/compose.py   (from any directory)
The random generator uses a fixed seed, so the output is byte-identical on rebuild.
"""
from __future__ import annotations

import json
import random
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
CORPORA = HERE.parent
sys.path.insert(0, str(CORPORA.parent))
from nlp.vocabulary import LABELS  # noqa: E402 - the taxonomy's labels, in its order

WRITTEN = HERE / "written"
OUT = CORPORA / "causes.jsonl"

SEED = 20240615
# generated lines per label (before dedup against hand-written lines)
TEMPLATE_TARGET = {
    "restructuring": 70, "staffing": 80, "supplementary_funding": 85,
    "budget_shortfall": 80, "austerity": 75, "activity_change": 95,
    "no_change": 95, "other": 70,
}

# ---------------------------------------------------------------- fragments
# All names are invented.
PLACES = ["柳溪", "云岭", "石门", "桐湾", "枫林", "白鹭", "松阳", "青禾", "临川", "东坪",
          "南浦", "北岸", "金桥", "碧水", "长岗", "榆树湾", "杏花", "凤鸣", "龙泉坝", "清河"]
TOWNS = ["梨花镇", "沙坪乡", "月湖街道", "芙蓉街道", "青山镇", "双河镇", "白塔乡", "新桥街道",
         "桃源镇", "石鼓乡", "东关街道", "西城街道", "马渡镇", "洪田乡"]
LEVELS = ["县", "区", "市"]
BUREAUS = ["教育局", "卫生健康局", "民政局", "住建局", "农业农村局", "自然资源局", "城市管理局",
           "文化广电旅游局", "应急管理局", "市场监管局", "水利局", "交通运输局", "司法局",
           "人社局", "生态环境局", "退役军人事务局", "医保局", "财政局", "发改局", "行政审批局"]
SUB_UNITS = ["农技推广中心", "水利站", "文化站", "林业工作站", "畜牧兽医站", "社区服务中心",
             "综合执法大队", "档案馆", "青少年活动中心", "老年大学", "环卫所", "园林所",
             "殡葬管理所", "救助站", "公证处", "不动产登记中心", "疾控中心", "妇幼保健院",
             "职业中专", "机关幼儿园", "体育场馆管理中心", "便民服务中心", "网格化服务中心",
             "河道管理所", "公路养护站", "质量检测站", "人才服务中心", "就业服务中心"]
FUNCS = ["防汛抗旱", "粮食储备", "旅游宣传", "地震监测", "安全生产监管", "人防工程管理",
         "农村饮水管理", "殡葬管理", "社区矫正", "退役军人优抚", "林业执法", "价格监督检查",
         "不动产登记", "城市绿化养护", "公共资源交易", "医疗保险经办", "乡村振兴"]
STAFF_TYPES = ["公务员", "选调生", "事业编制人员", "教师", "医护人员", "法官助理", "书记员",
               "检察官助理", "辅警", "专职消防员", "社区工作者", "特岗教师", "规培医师",
               "专业技术人员", "参公人员", "护士"]
HIRE_VERBS = ["新录用", "招录", "公开招聘", "新招聘", "引进", "新进", "调入", "考调"]
PAY_ITEMS = ["工资福利支出", "人员经费", "基本工资和津贴补贴", "离退休费", "社会保障缴费",
             "绩效工资", "工资支出"]
INSURANCES = ["养老保险", "职业年金", "医疗保险", "住房公积金", "工伤保险", "失业保险"]
ALLOWANCES = ["乡镇工作补贴", "乡村教师生活补助", "村干部报酬", "社区工作者报酬",
              "卫生防疫津贴", "艰苦边远地区津贴", "值勤岗位津贴", "护林员补助", "遗属生活补助"]
BONUSES = ["年终一次性奖金", "绩效考核奖", "基础绩效奖", "文明奖", "综合考核奖", "平安建设考核奖"]
PROJECTS = ["乡村道路养护", "老旧小区改造", "智慧社区建设", "农村人居环境整治", "污水管网改造",
            "高标准农田建设", "城区内涝治理", "森林防火视频监控", "学校食堂改造", "雪亮工程",
            "数字档案馆建设", "城市生命线安全工程", "河道清淤", "公租房维修", "文物保护修缮",
            "新时代文明实践中心建设", "乡镇污水处理设施运维", "农村公路安防", "美丽乡村建设",
            "智慧停车", "社区居家养老服务", "中小学校舍维修", "背街小巷改造", "农贸市场提升改造",
            "城乡供水一体化", "垃圾分类", "数字乡村", "法庭信息化", "执法办案区改造",
            "基层医疗机构能力提升", "全民健身中心", "河湖长制", "地质灾害防治", "农村危房改造"]
FUNDS = ["防汛救灾补助资金", "学生资助补助资金", "基本公共卫生服务补助资金", "就业补助资金",
         "困难群众救助补助资金", "农业防灾减灾和水利救灾资金", "林业改革发展资金",
         "乡村振兴衔接资金", "文化旅游发展专项资金", "城镇保障性安居工程资金", "车购税补助资金",
         "医疗服务与保障能力提升补助资金", "公共文化服务体系建设补助资金", "残疾人事业发展补助资金",
         "农村综合改革转移支付资金", "重点生态功能区转移支付资金", "体育彩票公益金",
         "义务教育公用经费保障机制资金", "耕地地力保护补贴资金", "水利发展资金"]
ONEOFF = ["第七次全国人口普查", "换届选举", "第三次全国国土调查", "疫情防控物资采购",
          "办公楼搬迁", "建县70周年庆祝活动", "全国文明城市创建迎检", "第四次全国经济普查",
          "抗旱救灾", "助企纾困", "省运会筹办", "第三次全国土壤普查"]
BONDS = ["地方政府专项债券", "一般债券", "再融资债券", "抗疫特别国债", "增发国债"]
VENDORS = ["施工单位", "物业公司", "环卫公司", "网络运营商", "设备供应商", "监理单位", "保安公司"]
VENDOR_FEES = [("施工单位", ["工程款", "进度款", "质保金", "结算款"]), ("物业公司", ["物业费", "服务费"]),
               ("环卫公司", ["保洁服务费", "清运费"]), ("网络运营商", ["网络租赁费", "线路租用费"]),
               ("设备供应商", ["设备款", "货款"]), ("监理单位", ["监理费"]), ("保安公司", ["保安服务费"]),
               ("设计单位", ["设计费"]), ("医院", ["核酸检测费", "体检费"])]
MEETINGS = ["全市检察工作会议", "全县农村工作会议", "全区安全生产工作会议", "全省基层法院工作现场会",
            "全市统计工作会议", "区人代会", "县政协全体会议", "全县经济工作会议", "全市民政工作会议"]
FEES = ["工程款", "物业费", "服务费", "设备款", "监理费", "网络租赁费", "质保金", "进度款"]
AUST_ITEMS = ["会议费", "培训费", "差旅费", "公务接待费", "印刷费", "办公费", "公务用车运行维护费",
              "一般性支出", "日常公用经费", "宣传费", "委托业务费", "三公经费", "咨询费"]
CANCELLED = ["年度表彰大会", "春节团拜会", "迎春茶话会", "职工运动会", "节日慰问活动",
             "成果展示会", "庆典活动", "年度论坛", "外出考察学习"]
EVENTS = ["全省农民运动会", "全市中学生运动会", "第五届乡村文化旅游节", "全市职业技能大赛",
          "全省基层法院工作现场会", "全市检察工作会议", "油菜花节", "国际马拉松赛",
          "全国龙舟邀请赛", "全省乡村振兴现场推进会", "全市文明城市创建推进会", "茶文化节"]
FACILITIES = ["新办公楼", "新校区", "区图书馆新馆", "档案馆新库房", "城北急救站", "污水处理厂二期",
              "体育中心", "社区养老服务中心", "市民服务中心", "新门诊楼", "老年食堂", "托育中心"]
GOODS = [("执法记录仪", "台"), ("台式电脑", "台"), ("打印机", "台"), ("空调", "台"),
         ("交互式平板", "台"), ("无人机", "架"), ("监控探头", "个"), ("密集架", "组"),
         ("执法执勤用车", "辆"), ("消防车", "辆"), ("档案柜", "个"), ("便携式检测仪", "套")]
CASES = ["受理案件", "审结民商事案件", "办理审查起诉案件", "执行案件", "法律援助案件",
         "不动产登记业务", "食品安全抽检", "信访件", "行政许可事项", "调解纠纷"]
CONTRACTS = ["物业服务", "保洁服务", "保安服务", "网络租赁", "食堂托管", "车辆租赁", "软件运维"]
DELAYS = ["设计方案调整", "征地拆迁未完成", "汛期停工", "招标流标", "用地手续未办结",
          "施工许可办理滞后", "管线迁改", "规划调整"]
NC_CATS = ["因公出国（境）费", "公务用车购置费", "公务接待费", "政府性基金预算财政拨款支出",
           "国有资本经营预算支出", "政府采购支出", "经营支出", "事业收入", "会议费", "培训费",
           "对附属单位补助支出", "上缴上级支出", "债务还本付息支出", "基本建设支出",
           "公务用车运行维护费", "用事业基金弥补收支差额"]
NC_SECTIONS = ["一般公共服务支出（类）", "行政运行（项）", "一般行政管理事务（项）",
               "机关事业单位基本养老保险缴费支出（项）", "机关事业单位职业年金缴费支出（项）",
               "住房公积金（项）", "行政单位医疗（项）", "事业单位医疗（项）",
               "社会保障和就业支出（类）", "卫生健康支出（类）", "住房保障支出（类）",
               "教育支出（类）", "机关运行经费", "人员经费", "财政拨款收入"]
COMPONENTS = ["人员经费", "公用经费", "项目支出", "基本支出", "商品和服务支出", "工资福利支出",
              "对个人和家庭的补助", "资本性支出", "事业收入", "财政拨款收入", "其他收入",
              "日常公用经费", "一般公共服务支出", "财政拨款支出", "支出"]
# accounting items and the subjects they can plausibly move between
# (functional subjects and economic subjects are kept apart)
FUNC_ADMIN = ["行政运行", "一般行政管理事务", "机关服务", "专项业务活动", "事业运行", "其他一般公共服务支出"]
ACC_MAP = {
    "信息化运维费": [[*FUNC_ADMIN, "信息化建设"], ["委托业务费", "维修（护）费", "其他商品和服务支出", "邮电费"]],
    "劳务派遣费": [FUNC_ADMIN, ["劳务费", "委托业务费", "其他商品和服务支出", "其他工资福利支出"]],
    "食堂伙食费": [FUNC_ADMIN, ["福利费", "伙食补助费", "其他商品和服务支出"]],
    "离退休人员补贴": [["行政单位离退休", "事业单位离退休", "其他社会保障和就业支出", "行政运行"],
                  ["离休费", "退休费", "生活补助", "其他对个人和家庭的补助"]],
    "车辆保险费": [FUNC_ADMIN, ["公务用车运行维护费", "其他交通费用", "其他商品和服务支出"]],
    "乡镇工作补贴": [FUNC_ADMIN, ["津贴补贴", "奖金", "其他工资福利支出"]],
    "聘用人员工资": [FUNC_ADMIN, ["其他工资福利支出", "劳务费", "委托业务费"]],
    "网络租赁费": [[*FUNC_ADMIN, "信息化建设"], ["租赁费", "邮电费", "其他商品和服务支出"]],
    "档案数字化外包费": [[*FUNC_ADMIN, "档案馆"], ["委托业务费", "专用材料费", "其他商品和服务支出"]],
    "党建工作经费": [FUNC_ADMIN, ["其他商品和服务支出", "培训费", "办公费"]],
}
ACC_ITEMS = list(ACC_MAP)
DOC_TITLES_STAFF = ["《关于调整机关事业单位工作人员基本工资标准的通知》",
                    "《关于调整退休人员基本养老金的通知》",
                    "《关于做好机关事业单位职业年金补记工作的通知》",
                    "《关于调整2023年度社会保险缴费基数的通知》",
                    "《关于进一步提高乡镇工作人员待遇的意见》",
                    "《关于规范住房公积金缴存基数的通知》"]
DOC_TITLES_AUST = ["《党政机关厉行节约反对浪费条例》", "《党政机关国内公务接待管理规定》",
                   "《关于进一步厉行节约坚持过紧日子的通知》", "《党政机关公务用车管理办法》",
                   "《市直机关会议费管理办法》", "《关于压减一般性支出的通知》",
                   "《区级机关差旅费管理办法》"]
DOC_TITLES_ACC = ["《2023年政府收支分类科目》", "《政府会计制度》", "《部门决算报表编制手册》",
                  "《关于规范部门决算编报口径的通知》", "《财政部关于修订政府收支分类科目的通知》"]
DOC_AUST_PAIRS = [("《党政机关国内公务接待管理规定》", ["公务接待费", "接待费"]),
                  ("《党政机关公务用车管理办法》", ["公务用车运行维护费", "车辆运行费"]),
                  ("《市直机关会议费管理办法》", ["会议费"]), ("《区级机关差旅费管理办法》", ["差旅费"]),
                  ("《区直机关培训费管理办法》", ["培训费"]),
                  ("《关于压减一般性支出的通知》", ["一般性支出", "印刷费", "办公费", "日常公用经费"]),
                  ("《党政机关厉行节约反对浪费条例》", ["三公经费", "会议费", "公务接待费", "办公费"]),
                  ("《关于进一步厉行节约坚持过紧日子的通知》", ["一般性支出", "委托业务费", "宣传费"])]
DOC_PREFIX = ["县财预", "区财行", "市财教", "县委办发", "区政办发", "市编办", "县人社发", "街办发",
              "县委编", "省财预", "县政发"]

VAGUE_LEADS = ["根据工作需要", "因工作需要", "根据工作安排", "根据实际情况", "按照实际需要",
               "由于实际情况变化", "根据上级要求", "为保障正常运转", "根据业务需要", "按实际工作"]
DIRS_UP = ["增加", "相应增加", "有所增加", "增加较多"]
DIRS_DN = ["减少", "相应减少", "有所减少", "下降"]

ENUMS = ["一是", "二是", "三是", "1.", "2.", "3、", "（1）", "(2)", "一、", "二、", "主要是", "其中："]
TYPOS = [("拨付", "拔付"), ("结余", "节余"), ("绩效", "积效"), ("账户", "帐户"), ("按照", "安照"),
         ("补贴", "补帖"), ("费用", "费甩"), ("已", "以")]


# ------------------------------------------------------------- slot helpers
class Slots:
    def __init__(self, rng: random.Random):
        self.r = rng

    def c(self, seq):
        return self.r.choice(seq)

    def n(self, lo, hi):
        return self.r.randint(lo, hi)

    def sp(self):
        """optional space between number and unit"""
        return self.c(["", "", "", " "])

    def people(self, lo=1, hi=30):
        return f"{self.n(lo, hi)}{self.sp()}{self.c(['人', '名', '人', '名', '位'])}"

    def amt(self, lo=0.5, hi=900.0):
        r = self.r
        kind = r.random()
        v = r.uniform(lo, hi)
        if kind < 0.55:
            return f"{v:.2f}{self.sp()}万元"
        if kind < 0.75:
            return f"{v:.1f}万元"
        if kind < 0.85:
            return f"{int(v * 10000):d}{self.sp()}元"
        if kind < 0.92:
            return f"{int(v)}万"
        return f"{v:.2f}"

    def pct(self, lo=3, hi=40):
        v = self.n(lo, hi)
        return f"{v}{self.c(['%', '%', '％'])}"

    def year(self, lo=2019, hi=2023):
        return f"{self.n(lo, hi)}"

    def yrange(self):
        a = self.n(2014, 2021)
        b = self.n(a + 1, 2023)
        sep = self.c(["—", "-", "至", "～", "－"])
        return f"{a}{sep}{b}年" if sep != "至" else f"{a}年至{b}年"

    def month(self):
        return f"{self.n(1, 12)}"

    def docno(self):
        y = self.year(2020, 2023)
        br = self.c([("〔", "〕"), ("〔", "〕"), ("[", "]"), ("（", "）")])
        return f"{self.c(DOC_PREFIX)}{br[0]}{y}{br[1]}{self.n(1, 120)}号"

    def place(self):
        return self.c(LEVELS) if self.r.random() < 0.5 else self.c(PLACES) + self.c(LEVELS)

    def bureau(self):
        return self.place() + self.c(BUREAUS)

    def sub(self):
        return self.c(["", "", self.c(PLACES)]) + self.c(SUB_UNITS)

    def pair(self):
        """an accounting item and two different subjects (same kind) it can move between"""
        item = self.c(ACC_ITEMS)
        a, b = self.r.sample(self.c(ACC_MAP[item]), 2)
        return item, a, b

    def up(self):
        return self.c(DIRS_UP)

    def dn(self):
        return self.c(DIRS_DN)

    def updn(self):
        return self.c(DIRS_UP + DIRS_DN)


# ---------------------------------------------------------------- frames
# Each frame: (vague, function(S) -> text)
def frames_restructuring():
    return [
        (False, lambda S: f"根据{S.docno()}文件，{S.place()}{S.c(SUB_UNITS)}并入本单位"),
        (False, lambda S: f"{S.year(2021)}年{S.month()}月起{S.sub()}划转至{S.bureau()}管理，不再纳入本部门决算"),
        (False, lambda S: f"上年决算含{S.sub()}数据，该单位已于{S.year(2022)}年划出"),
        (False, lambda S: f"按照《{S.c(PLACES)}{S.c(LEVELS)}机构改革方案》，{S.c(FUNCS)}职能由{S.c(BUREAUS)}划入本单位，{S.people(2, 25)}随之划转"),
        (False, lambda S: (lambda a: f"纳入部门决算汇总的单位由{a}家调整为{a + S.c([-3, -2, -1, 1, 2])}家")(S.n(4, 14))),
        (False, lambda S: f"{S.c(TOWNS)}与{S.c(TOWNS)}合并，原乡镇人员和经费并入本级核算"),
        (False, lambda S: f"{S.sub()}由二级预算单位调整为一级预算单位，单独编报{S.year(2021)}年度决算"),
        (False, lambda S: f"原{S.sub()}转隶{S.bureau()}，相关支出{S.amt(10, 600)}不再在本部门列支"),
        (False, lambda S: f"机构改革后{S.c(FUNCS)}职能划出，相应经费减少{S.amt(5, 300)}"),
        (False, lambda S: f"{S.year(2021)}年撤销{S.sub()}，其职责并入{S.c(['办公室', '业务科', '综合股', '本局机关'])}"),
        (False, lambda S: f"随{S.c(FUNCS)}职能划转调出{S.people(2, 40)}，基本支出相应减少"),
        (False, lambda S: f"{S.c(['原', ''])}{S.c(PLACES)}{S.c(SUB_UNITS)}与{S.c(SUB_UNITS)}合并组建{S.c(PLACES)}综合服务中心"),
        (True, lambda S: f"{S.c(['因机构改革', '由于机构改革', '机构改革后', '因职能划转', '职能调整后', '单位合并后', '因下属单位划出', '因汇总口径变化'])}，{S.c(COMPONENTS[:8])}{S.updn()}"),
        (True, lambda S: f"{S.c(['部分职能', '部分人员', '下属事业单位', '所属单位', '部分业务'])}{S.c(['划出', '划入', '转隶', '整体划转'])}，{S.c(['支出', '经费', '人员经费', '收入'])}{S.updn()}"),
    ]


def frames_staffing():
    return [
        (False, lambda S: f"{S.c(HIRE_VERBS)}{S.c(STAFF_TYPES)}{S.people(1, 30)}"),
        (False, lambda S: f"{S.c(HIRE_VERBS)}{S.c(STAFF_TYPES)}{S.people(1, 30)}，{S.c(PAY_ITEMS)}{S.up()}"),
        (False, lambda S: f"{S.year(2022)}年退休{S.people(1, 15)}，{S.c(['在职人员工资', '工资福利支出', '人员经费'])}{S.dn()}"),
        (False, lambda S: f"退休人员增加{S.people(1, 15)}，离退休费{S.up()}"),
        (False, lambda S: f"调入{S.people(1, 9)}、调出{S.people(1, 9)}"),
        (False, lambda S: (lambda a: f"{S.c(INSURANCES)}缴费基数由{a}元调整为{a + S.n(2, 15) * 100}元")(S.n(40, 90) * 100)),
        (False, lambda S: f"补缴{S.yrange()}{S.c(INSURANCES)}{S.c(['', S.amt(5, 400)])}"),
        (False, lambda S: (lambda a: f"{S.c(ALLOWANCES)}标准由每人每月{a}元提高到{a + S.n(1, 8) * 50}元")(S.n(3, 30) * 50)),
        (False, lambda S: f"发放{S.year(2021, 2023)}年度{S.c(BONUSES)}"),
        (False, lambda S: (lambda a: f"在职人员由{a}人{S.c(['减少到', '减少为', '下降至'])}{a - S.n(1, 12)}人")(S.n(20, 300))),
        (False, lambda S: (lambda a: f"编制内实有人员由{a}人增加到{a + S.n(1, 15)}人")(S.n(15, 300))),
        (False, lambda S: f"{S.c(['离休干部', '退休人员', '在职人员'])}去世{S.people(1, 4)}，支付{S.c(['一次性抚恤金', '丧葬补助费', '一次性抚恤金和丧葬费'])}{S.c(['', S.amt(2, 80)])}"),
        (False, lambda S: f"遗属人数{S.c(['增加', '减少'])}{S.people(1, 6)}，遗属生活补助相应变化"),
        (False, lambda S: f"按{S.c(DOC_TITLES_STAFF)}调整{S.c(['基本工资', '养老金', '缴费基数', '职业年金', '工资标准'])}"),
        (False, lambda S: f"{S.year(2021)}年{S.month()}月起执行新的工资标准，并补发{S.c(['3个月', '半年', '6个月', '全年'])}差额"),
        (False, lambda S: f"{S.c(['辅警', '协管员', '护林员', '环卫工人', '劳务派遣人员', '编外聘用人员'])}由{S.n(5, 60)}人{S.c(['增加到', '减少到'])}{S.n(5, 60)}人"),
        # A named class of people or pay component with its direction can be
        # checked against the payroll without a number; "人员" in general cannot.
        (False, lambda S: (lambda d: f"{S.c(['本年度', '因', ''])}{d[0]}{S.c(['导致', '，', ''])}{S.c(PAY_ITEMS)}{S.up() if d[1] else S.dn()}")(S.c([('在职人员增加', 1), ('在职人员减少', 0), ('退休人员增加', 1), ('退休人员减少', 0), ('死亡人员减少', 0), ('遗属人员减少', 0), ('部分人员退休', 0), ('社保缴费基数上调', 1), ('职业年金缴费基数调整', 1), ('追加职业年金', 1), ('临聘人员减少', 0)]))),
        (True, lambda S: (lambda d: f"{d[0]}，{S.c(PAY_ITEMS)}{S.up() if d[1] else S.dn()}")(S.c([('人员增加', 1), ('人员减少', 0), ('部分人员调出', 0), ('新进人员', 1), ('人员调入', 1), ('工资标准提高', 1), ('职级晋升', 1), ('人员变动', 0)]))),
        (True, lambda S: (lambda d: f"{S.c(['因', '由于', ''])}{d[0]}{S.c(['导致', '使', '，'])}{S.c(PAY_ITEMS)}{S.up() if d[1] else S.dn()}")(S.c([('人员调出', 0), ('调资', 1), ('正常晋级晋档', 1), ('增资', 1), ('新增人员', 1), ('人员流动', 0)]))),
    ]


def frames_supplementary():
    return [
        (False, lambda S: f"{S.c(['追加', '年中追加', '财政追加', '申请追加'])}{S.c(PROJECTS)}{S.c(['经费', '项目经费', '资金', '专项经费'])}{S.c(['', S.amt(5, 800)])}"),
        (False, lambda S: f"{S.c(['上级下达', '省财政下达', '中央财政下达', '市级下达', '上级拨付'])}{S.c(FUNDS)}{S.c(['', S.amt(10, 2000)])}"),
        (False, lambda S: f"新增{S.c(PROJECTS)}项目{S.c(['', '资金' + S.amt(10, 900)])}"),
        (False, lambda S: f"使用{S.year(2020, 2022)}年结转的{S.c(FUNDS + [p + '资金' for p in PROJECTS])}{S.c(['', S.amt(5, 500)])}"),
        (False, lambda S: f"{S.c(['县', '区', '市', '省'])}财政一次性补助{S.c(PROJECTS)}经费{S.c(['', S.amt(5, 300)])}"),
        (False, lambda S: f"上年有{S.c(ONEOFF)}一次性经费，本年{S.c(['未安排', '无此项', '不再安排', '没有'])}"),
        (False, lambda S: f"新增{S.c(BONDS)}资金{S.amt(100, 6000)}用于{S.c(PROJECTS)}项目"),
        (False, lambda S: f"根据《关于下达{S.year(2022, 2023)}年{S.c(FUNDS)}的通知》，增加补助{S.amt(5, 900)}"),
        (False, lambda S: f"{S.c(FUNDS)}比上年{S.c(['减少', '增加'])}{S.amt(5, 900)}"),
        (False, lambda S: f"上年追加的{S.c(ONEOFF)}经费本年未发生"),
        (False, lambda S: f"年初预算未安排{S.c(PROJECTS)}资金，{S.n(3, 11)}月追加{S.amt(5, 500)}"),
        (False, lambda S: f"{S.year(2023, 2023)}年新增{S.c(PROJECTS)}试点，上级补助{S.amt(10, 500)}"),
        (True, lambda S: (lambda d: f"{d[0]}，{S.c(['项目支出', '支出', '决算数', '专项支出'])}{S.up() if d[1] else S.dn()}")(S.c([('年中追加部分专项资金', 1), ('追加了部分项目经费', 1), ('新增部分项目', 1), ('上级专项补助增加', 1), ('上级转移支付资金减少', 0), ('上年一次性项目本年未安排', 0), ('使用上年结转资金', 1), ('新增专项工作经费', 1), ('追加预算', 1), ('上级下达专项资金增加', 1), ('专项资金减少', 0)]))),
        (True, lambda S: f"{S.c(['上级', '省级', '中央', '市级'])}{S.c(['补助资金', '专项资金', '转移支付', '下达资金'])}{S.c(['增加', '减少', '较上年增加', '较上年减少'])}"),
    ]


def frames_shortfall():
    return [
        (False, lambda S: f"{S.c(['受财力影响', '因县级财力紧张', '受财政收支矛盾影响', '财政资金紧张'])}，{S.c(PROJECTS)}资金仅拨付{S.pct(30, 85)}"),
        (False, lambda S: f"{S.c(PROJECTS)}{S.c(['资金', '项目资金', '配套资金'])}{S.amt(5, 600)}{S.c(['未到位', '未拨付', '年底前未到位', '尚未拨付'])}"),
        (False, lambda S: f"年底{S.c(['财政', '县财政', '区财政', '市财政'])}收回{S.c(['结余', '结转', '存量', '未使用'])}资金{S.amt(1, 200)}"),
        (False, lambda S: f"{S.c(FUNDS)}于{S.year(2023, 2023)}年12月{S.n(15, 30)}日下达，年内未能支付"),
        (False, lambda S: (lambda d: f"因资金未到位，尚欠{d[0]}{S.c(d[1])}{S.amt(2, 500)}")(S.c(VENDOR_FEES))),
        (False, lambda S: f"按{S.docno()}文件上缴结余资金{S.amt(1, 100)}"),
        (False, lambda S: f"年中调减{S.c(PROJECTS)}项目预算{S.amt(5, 400)}"),
        (False, lambda S: f"预算资金有限，{S.c(PROJECTS)}项目仅完成{S.pct(30, 80)}"),
        (False, lambda S: f"偿还{S.yrange()}拖欠的{S.c(FEES)}{S.c(['', S.amt(2, 400)])}"),
        (False, lambda S: (lambda a: f"{S.c(PROJECTS)}预算{a}万元，实际拨付{S.n(1, a - 1)}万元")(S.n(20, 900))),
        (False, lambda S: f"{S.c(['省级', '中央', '县级', '市级'])}配套资金到位率仅为{S.pct(30, 80)}"),
        (False, lambda S: f"财政暂缓拨付{S.c(PROJECTS)}经费{S.c(['', S.amt(5, 300)])}"),
        (True, lambda S: f"{S.c(['财力紧张', '资金未到位', '受财力影响', '资金拨付滞后', '财政资金未拨付', '资金不足', '预算资金有限'])}，{S.c(['部分项目未能实施', '部分款项未支付', '部分工作未开展', '项目支出减少', '支出相应减少', '无法按原计划支付', '导致执行率偏低'])}"),
        (True, lambda S: f"{S.c(['结余资金', '结转资金', '存量资金', '部分资金'])}{S.c(['被财政收回', '上缴财政', '年底收回', '按要求上缴'])}"),
    ]


def frames_austerity():
    return [
        (False, lambda S: f"{S.c(['落实过紧日子要求', '厉行节约', '严格执行八项规定', '按照压减一般性支出要求'])}，{S.c(AUST_ITEMS)}比上年压减{S.pct(3, 35)}"),
        (False, lambda S: (lambda a: f"{S.c(AUST_ITEMS)}由{a}万元压减至{round(a * S.r.uniform(0.5, 0.9), 1)}万元")(S.n(3, 60))),
        (False, lambda S: (lambda a: f"{S.c(['车改后', '公车改革后', '落实车改要求', ''])}公务用车由{a}辆减少为{S.n(0, a - 1)}辆")(S.n(2, 12))),
        (False, lambda S: (lambda d: f"严格执行{d[0]}，{S.c(d[1])}减少{S.amt(0.3, 30)}")(S.c(DOC_AUST_PAIRS))),
        (False, lambda S: (lambda a: f"全年公务接待{a}批次，较上年减少{S.n(1, 12)}批次，严控接待标准")(S.n(2, 40))),
        (False, lambda S: f"取消{S.c(CANCELLED)}，节约{S.c(['经费', '会议费', '活动经费', '支出', '资金'])}{S.amt(0.5, 20)}"),
        (False, lambda S: f"按照{S.docno()}要求，一般性支出压减{S.pct(3, 20)}"),
        (False, lambda S: f"{S.year(2022)}年报废公务用车{S.n(1, 4)}辆，按车改要求不再更新"),
        (False, lambda S: f"按照三公经费只减不增要求，{S.c(['公务接待费', '公务用车运行维护费', '因公出国（境）费'])}减少{S.amt(0.2, 15)}"),
        (False, lambda S: f"{S.c(['会议', '培训', '学习考察'])}压减{S.n(2, 10)}{S.c(['次', '个', '期'])}，{S.c(['节约', '减少支出'])}{S.amt(0.5, 20)}"),
        (True, lambda S: f"{S.c(['厉行节约', '落实过紧日子要求', '严控三公经费', '压减一般性支出', '严格执行八项规定', '节约开支', '压缩公用经费', '严控非必要支出', '降低行政成本'])}，{S.c(AUST_ITEMS)}{S.c(['减少', '下降', '有所减少', '相应减少', '降低'])}"),
        (True, lambda S: f"{S.c(['严格控制', '从严控制', '严控', '压减', '压缩'])}{S.c(AUST_ITEMS)}{S.c(['', '开支', '支出'])}"),
    ]


def frames_activity():
    return [
        (False, lambda S: f"本年{S.c(['承办', '举办', '筹办'])}{S.c(EVENTS)}"),
        (False, lambda S: f"{S.c(PROJECTS)}工程于{S.year(2021, 2022)}年{S.month()}月完工，本年{S.c(['无此项支出', '支出减少', '仅支付尾款'])}"),
        (False, lambda S: (lambda a: f"接待批次由{a}批{S.c(['增至', '增加到'])}{a + S.n(2, 40)}批")(S.n(5, 90))),
        (False, lambda S: f"全年举办培训{S.n(2, 20)}期，培训{S.n(80, 3000)}人次"),
        (False, lambda S: f"{S.c(['召开', '承办', '组织召开'])}{S.c(MEETINGS)}，会议费{S.c(['增加', '相应增加'])}"),
        (False, lambda S: f"{S.c(FACILITIES)}于{S.year(2022, 2023)}年{S.month()}月投入使用，{S.c(['运行费用', '物业费和水电费', '公用经费'])}增加"),
        (False, lambda S: f"因{S.c(DELAYS)}，{S.c(PROJECTS)}项目延期至{S.year(2024, 2025)}年"),
        (False, lambda S: (lambda g: f"{S.c(['采购', '购置', '更新'])}{g[0]}{S.n(1, 80)}{g[1]}")(S.c(GOODS))),
        (False, lambda S: (lambda a: f"{S.c(CASES)}{a}件，比上年{S.c(['增加', '减少'])}{S.n(10, max(11, a // 3))}件")(S.n(80, 6000))),
        (False, lambda S: (lambda a: f"{S.c(CONTRACTS)}合同单价由{a}元调整为{a + S.c([-1, 1]) * S.n(1, 9) * 100}元")(S.n(20, 90) * 100)),
        (False, lambda S: f"受新冠肺炎疫情影响，{S.year(2020, 2022)}年{S.c(['培训', '会议', '赛事活动', '外出考察', '招商活动'])}{S.c(['未开展', '取消', '暂停'])}"),
        (False, lambda S: f"{S.c(['在校生', '服务对象', '低保对象', '特困供养人员', '门诊人次'])}{S.c(['增加', '减少'])}{S.n(10, 900)}{S.c(['人', '人次', '名'])}"),
        (False, lambda S: f"{S.c(PROJECTS)}项目{S.c(['处于建设期', '尚未竣工验收', '进入收尾阶段'])}，按合同支付{S.pct(20, 80)}"),
        (False, lambda S: f"物业服务面积由{S.n(3, 20) * 1000}平方米{S.c(['增加到', '调整为'])}{S.n(3, 20) * 1000}平方米"),
        (False, lambda S: f"{S.c(['办公楼', '法庭', '审判楼', '教学楼', '门诊楼', '检察院办案区'])}{S.c(['维修', '改造', '屋面防水工程', '消防改造'])}{S.c(['于上年完工', '本年实施', '本年完工'])}"),
        (True, lambda S: (lambda d: f"{d[0]}，{S.c(d[1])}{S.c(['增加', '相应增加', '有所增加'] if d[2] else ['减少', '相应减少', '有所减少', '下降'])}")(S.c([
            ('业务量增加', ['邮电费', '印刷费', '办公费', '专用材料费', '商品和服务支出'], 1),
            ('工作量增加', ['差旅费', '劳务费', '加班费用', '委托业务费'], 1),
            ('会议增加', ['会议费'], 1), ('培训减少', ['培训费'], 0), ('培训次数增加', ['培训费', '差旅费'], 1),
            ('接待批次减少', ['公务接待费'], 0), ('接待任务增加', ['公务接待费'], 1), ('检查增加', ['差旅费', '公务用车运行维护费'], 1),
            ('项目完工', ['项目支出', '工程支出'], 0), ('项目延期', ['项目支出'], 0), ('设备购置减少', ['设备购置费', '资本性支出'], 0),
            ('维修增加', ['维修费', '维修（护）费'], 1), ('物价上涨', ['办公费', '燃料费', '材料费'], 1), ('出差增加', ['差旅费'], 1),
            ('活动减少', ['宣传费', '活动经费'], 0), ('采购增加', ['设备购置费', '专用材料费'], 1), ('车辆老化', ['车辆维修费', '公务用车运行维护费'], 1)]))),
        (True, lambda S: f"{S.c(['项目尚未完成', '工程未达到付款条件', '合同未到期', '项目推迟实施', '工程进度滞后', '项目尚未验收', '采购尚未完成', '项目未启动'])}{S.c(['', '，资金未支付', '，款项未结算', '，尚未支付'])}"),
    ]


def frames_no_change():
    return [
        (False, lambda S: f"本单位{S.year(2021, 2023)}年度无{S.c(NC_CATS)}"),
        (False, lambda S: f"本单位{S.c(['', '本年', '全年'])}未发生{S.c(NC_CATS)}"),
        (False, lambda S: f"{S.c(NC_SECTIONS)}决算数与预算数一致{S.c(['', '，均为' + S.amt(1, 900)])}"),
        (False, lambda S: f"{S.c(NC_SECTIONS)}与上年持平{S.c(['', '，均为' + S.amt(1, 900)])}"),
        (False, lambda S: f"本单位{S.c(['未配备公务用车', '无公务用车', '车改后无车辆'])}，{S.c(['无公务用车运行维护费', '不发生运行维护费', '公务用车购置及运行维护费为0'])}"),
        (False, lambda S: f"{S.c(['本年度', '2023年', '全年'])}未{S.c(['安排因公出国（境）团组', '开展政府采购', '召开会议', '举办培训', '购置公务用车', '发生公务接待'])}，{S.c(['与上年一致', '无此项支出', '该项为0', '与预算一致'])}"),
        (False, lambda S: f"{S.c(NC_CATS)}为0{S.c(['元', '', '万元'])}，与上年{S.c(['相同', '一致', '持平'])}"),
        (False, lambda S: f"{S.c(NC_SECTIONS)}严格按预算执行，决算数等于预算数"),
        (False, lambda S: f"本单位无{S.c(NC_CATS)}，{S.c(['故本表为空表', '以空表列示', '公开表为空表'])}"),
        # A plain "no difference" or "no such spending" can be checked against the
        # tables; a hedge ("基本", "变化不大") waves a real difference away.
        (False, lambda S: f"{S.c(['严格按预算执行', '按年初预算执行', '严格执行预算', '预算执行正常', '按标准执行'])}{S.c(['，', ',', ''])}{S.c(['无差异', '预决算无差异', '决算与预算一致', '与预算持平', '未发生变化'])}"),
        (False, lambda S: f"{S.c(['与上年', '同上年', '与去年'])}{S.c(['持平', '一致', '相同', '无变化'])}"),
        (False, lambda S: f"{S.c(['本年', '本年度', '上年和本年', ''])}{S.c(['无此项支出', '未发生此项支出', '无该项支出', '未发生该类支出', '无此项收入'])}"),
        (True, lambda S: f"{S.c(['与上年', '同上年', '与预算', '与年初预算', '预决算'])}{S.c(['基本持平', '基本一致', '差异不大', '变化不大', '无明显变化', '大体相当'])}"),
    ]


def frames_other():
    return [
        (False, lambda S: (lambda g: f"根据{S.c(DOC_TITLES_ACC)}，将{g[0]}由“{g[1]}”科目调整至“{g[2]}”科目")(S.pair())),
        (False, lambda S: (lambda g: f"{S.year(2021, 2023)}年起{g[0]}由“{g[1]}”改在“{g[2]}”科目{S.c(['反映', '核算', '列支'])}")(S.pair())),
        (False, lambda S: (lambda g: f"上年将{g[0]}误列“{g[1]}”，本年更正为“{g[2]}”")(S.pair())),
        (False, lambda S: f"以前年度会计差错更正，{S.c(['调增', '调减'])}{S.c(['其他收入', '事业收入', '商品和服务支出', '累计折旧'])}{S.amt(0.5, 80)}"),
        (False, lambda S: (lambda g: f"{S.c(['统计口径调整', '核算口径变化', '科目调整'])}：{g[0]}{S.year(2022, 2023)}年起由“{g[1]}”改列“{g[2]}”")(S.pair())),
        (False, lambda S: f"收到{S.c(['保险理赔款', '捐赠款', '银行存款利息', '资产处置收入', '违约金'])}{S.amt(0.1, 30)}，计入其他收入"),
        (True, lambda S: f"{S.c(VAGUE_LEADS)}，{S.c(COMPONENTS)}{S.updn()}"),
        (True, lambda S: f"{S.c(['主要是', '系', '主要系', '', '由于'])}{S.c(COMPONENTS)}{S.updn()}{S.c(['所致', '导致', '', '。'])}"),
        (True, lambda S: f"{S.c(['科目调整', '统计口径变化', '核算口径调整', '支出结构调整', '年中预算调整', '资金渠道变化', '时间性差异', '政策性因素'])}{S.c(['', '所致', '，支出' + S.updn(), '，收入' + S.updn()])}"),
        (True, lambda S: f"{S.c(['年初预算编制不够精准', '绩效目标设置不够合理', '前期调研不充分', '预算编制时考虑不周', '指标值设定偏高', '项目论证不充分'])}{S.c(['', '，导致偏差', '，实际完成值与目标值存在差距', '，执行率偏低'])}"),
    ]


FRAMES = {
    "restructuring": frames_restructuring,
    "staffing": frames_staffing,
    "supplementary_funding": frames_supplementary,
    "budget_shortfall": frames_shortfall,
    "austerity": frames_austerity,
    "activity_change": frames_activity,
    "no_change": frames_no_change,
    "other": frames_other,
}


# ------------------------------------------------------------------ noise
def noisy(text: str, rng: random.Random) -> str:
    """Apply at most one kind of realistic noise (about 40% of generated lines)."""
    p = rng.random()
    if p < 0.60:
        return text
    kind = rng.randrange(8)
    if kind == 0:  # half-width punctuation
        return text.replace("，", ",").replace("：", ":").replace("（", "(").replace("）", ")")
    if kind == 1:  # drop commas
        return text.replace("，", "", 1)
    if kind == 2:  # stray space after the first comma or inside
        if "，" in text:
            return text.replace("，", rng.choice(["， ", " ，", " "]), 1)
        i = rng.randrange(1, len(text))
        return text[:i] + " " + text[i:]
    if kind == 3:  # doubled word
        for w in ("的", "导致", "相应", "资金", "经费", "增加", "减少"):
            if w in text:
                return text.replace(w, w + w, 1)
        return text + "。"
    if kind == 4:  # enumerator prefix
        return rng.choice(ENUMS) + text
    if kind == 5:  # trailing punctuation
        return text + rng.choice(["。", "；", ";", "，", "."])
    if kind == 6:  # typo
        cand = [t for t in TYPOS if t[0] in text]
        if cand:
            a, b = rng.choice(cand)
            return text.replace(a, b, 1)
        return text + "。"
    # full-width to mixed: first comma half-width only
    return text.replace("，", ",", 1) if "，" in text else text


# ------------------------------------------------------------------ build
def read_written():
    rows = []
    for label in LABELS:
        path = WRITTEN / f"{label}.txt"
        for n, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            line = raw.rstrip("\r\n")
            if not line.strip() or line.startswith("#"):
                continue
            flag, sep, text = line.partition("|")
            if sep != "|" or flag not in ("v", "s") or not text.strip():
                sys.exit(f"{path}:{n}: bad line {line!r}")
            rows.append({"text": text.strip(), "label": label, "vague": flag == "v",
                         "source": "written"})
    return rows


def generate(taken: set[str]):
    rng = random.Random(SEED)
    rows = []
    for label in LABELS:
        frames = FRAMES[label]()
        S = Slots(rng)
        want = TEMPLATE_TARGET[label]
        got, tries = 0, 0
        while got < want and tries < want * 60:
            tries += 1
            vague, fn = frames[got % len(frames)] if rng.random() < 0.7 else rng.choice(frames)
            text = noisy(fn(S).strip(), rng)
            text = " ".join(text.split()) if "  " in text else text
            if not text or text in taken:
                continue
            taken.add(text)
            rows.append({"text": text, "label": label, "vague": vague, "source": "template"})
            got += 1
    return rows


def main():
    written = read_written()
    seen, rows = set(), []
    dup_written = 0
    for r in written:
        if r["text"] in seen:
            dup_written += 1
            continue
        seen.add(r["text"])
        rows.append(r)
    rows += generate(seen)
    rows.sort(key=lambda r: r["text"])
    with OUT.open("w", encoding="utf-8", newline="\n") as f:
        for r in rows:
            f.write(json.dumps({k: r[k] for k in ("text", "label", "vague", "source")},
                               ensure_ascii=False) + "\n")
    n_t = sum(r["source"] == "template" for r in rows)
    print(f"wrote {len(rows)} lines to {OUT} ({len(rows) - n_t} written, {n_t} template; "
          f"{dup_written} duplicate written lines dropped)")


if __name__ == "__main__":
    main()
