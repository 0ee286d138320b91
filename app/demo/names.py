"""Vocabulary of the demo company (app.demo): names, places, phone prefixes.

Kept apart from the generator so the data can be read and extended without touching the
logic. Everything here is plain constants; the order of every list matters for the seed
(same seed, same data), so append rather than reorder.
"""

from __future__ import annotations

# Common surnames with their approximate share of the population (per mille), so 王, 李 and
# 张 come up as often as they do at a real counter. Surnames whose reading pypinyin gets
# wrong out of context (曾 read "ceng", 单 "dan", 解 "jie", 仇 "chou", 查 "cha", 区 "qu",
# 翟 "di", 覃 "tan", 朴 "pu") are left out: their pinyin initials would mislead a search.
SURNAMES: tuple[tuple[str, int], ...] = (
    ("王", 71), ("李", 70), ("张", 67), ("刘", 54), ("陈", 45), ("杨", 31), ("黄", 22), ("赵", 20),
    ("吴", 20), ("周", 19), ("徐", 15), ("孙", 15), ("马", 13), ("朱", 13), ("胡", 12), ("郭", 12),
    ("何", 11), ("高", 10), ("林", 10), ("罗", 9), ("郑", 9), ("梁", 9), ("谢", 8), ("宋", 8),
    ("唐", 8), ("许", 7), ("韩", 7), ("冯", 7), ("邓", 7), ("曹", 6), ("彭", 6), ("肖", 6),
    ("田", 5), ("董", 5), ("袁", 5), ("潘", 5), ("于", 5), ("蒋", 5), ("蔡", 5), ("余", 5),
    ("杜", 4), ("叶", 4), ("程", 4), ("苏", 4), ("魏", 4), ("吕", 4), ("丁", 4), ("任", 4),
    ("沈", 4), ("姚", 4), ("卢", 4), ("姜", 3), ("崔", 3), ("钟", 3), ("谭", 3), ("陆", 3),
    ("汪", 3), ("范", 3), ("金", 3), ("石", 3), ("廖", 3), ("贾", 3), ("夏", 3), ("韦", 3),
    ("付", 3), ("方", 3), ("白", 3), ("邹", 3), ("孟", 3), ("熊", 3), ("秦", 3), ("邱", 3),
    ("江", 3), ("尹", 3), ("薛", 2), ("闫", 2), ("段", 2), ("雷", 2), ("侯", 2), ("龙", 2),
    ("史", 2), ("陶", 2), ("黎", 2), ("贺", 2), ("顾", 2), ("毛", 2), ("郝", 2), ("龚", 2),
    ("邵", 2), ("万", 2), ("钱", 2), ("严", 2), ("武", 2), ("戴", 2), ("莫", 2), ("孔", 2),
    ("向", 2), ("汤", 2), ("欧阳", 1), ("上官", 1), ("司马", 1), ("诸葛", 1),
)

# Characters common in given names (1 or 2 of them make a given name). Chosen so that each
# has one everyday reading: pinyin initials computed character by character equal those of
# the whole name.
GIVEN_CHARS: str = (
    "伟芳娜敏静丽强磊军洋勇艳杰涛明超秀霞平刚桂英华玉兰建国文红辉鹏飞宇浩凯婷雪琳晨欣怡佳颖"
    "慧俊斌峰波宁丹萍鑫亮林成东海云梅燕莉晶倩帅博涵轩子梓睿泽思雨嘉然诗雅一可心悦晓志永春"
    "金德荣福庆立新光天琴蓉娟玲凤兵毅松武彬健坤鸿楠瑶蕾欢彤昊铭航旭阳振宏亚琪璐冰露薇"
)

# Real mainland mobile number prefixes (China Mobile, Unicom, Telecom).
MOBILE_PREFIXES: tuple[str, ...] = (
    "130", "131", "132", "133", "134", "135", "136", "137", "138", "139", "150", "151", "152",
    "153", "155", "156", "157", "158", "159", "166", "176", "177", "178", "180", "181", "182",
    "183", "184", "185", "186", "187", "188", "189", "191", "198", "199",
)

COMMUNITY_NAMES: tuple[str, ...] = (
    "阳光花园", "翠湖名苑", "金域华府", "锦绣江南", "碧水云天", "御景湾", "世纪城", "东方明珠苑",
    "紫荆公寓", "梧桐雅居", "滨江一号", "书香门第", "丽景湾", "海棠湾", "绿城桂花园", "枫林晚苑",
    "星河湾", "春江花月", "万科城市花园", "盛世家园", "和谐家园", "新城国际", "君悦府", "香樟园",
    "蓝湾半岛", "天鹅湖畔", "水岸华庭", "凤凰城", "景秀江山", "明珠花苑", "龙湖春江郦城", "清风苑",
)

# (city, district names, road names, plate prefix of local cars)
CITIES: tuple[tuple[str, tuple[str, ...], tuple[str, ...], str], ...] = (
    ("杭州市", ("西湖区", "拱墅区", "滨江区", "余杭区", "萧山区"),
     ("文三路", "天目山路", "莫干山路", "江南大道", "学院路", "古墩路", "丰潭路"), "浙A"),
    ("成都市", ("武侯区", "锦江区", "青羊区", "成华区", "金牛区"),
     ("人民南路", "天府大道", "蜀汉路", "府青路", "红星路", "科华北路"), "川A"),
    ("南京市", ("鼓楼区", "玄武区", "建邺区", "秦淮区", "江宁区"),
     ("中山路", "汉中路", "江东中路", "龙蟠路", "双龙大道", "应天大街"), "苏A"),
    ("武汉市", ("江汉区", "武昌区", "洪山区", "江岸区", "汉阳区"),
     ("解放大道", "中南路", "珞喻路", "青年路", "建设大道", "汉阳大道"), "鄂A"),
    ("西安市", ("雁塔区", "碑林区", "未央区", "莲湖区", "长安区"),
     ("长安南路", "太白路", "凤城八路", "科技路", "友谊西路", "朱雀大街"), "陕A"),
)

# Plate prefixes of cars registered elsewhere (a minority in any car park).
OTHER_PLATE_PREFIXES: tuple[str, ...] = ("京A", "沪B", "粤B", "苏E", "浙B", "皖A", "赣A", "湘A", "鲁B", "豫A")
# Letters used on Chinese plates (I and O never appear: they look like 1 and 0).
PLATE_LETTERS: str = "ABCDEFGHJKLMNPQRSTUVWXYZ"

# Businesses renting the shops (商铺); the owner is still a person.
SHOP_TENANTS: tuple[str, ...] = (
    "好又多便利店", "鑫鑫水果店", "康乐大药房", "丽人美发", "快乐洗衣", "兰州牛肉面", "沙县小吃",
    "老王烟酒店", "百果园水果", "晨光文具", "幸福烘焙", "宏达五金", "佳佳宠物店", "顺心家政",
    "华联超市", "小张理发店", "金手指按摩", "瑞幸咖啡", "蜜雪冰城", "老李修鞋",
)
