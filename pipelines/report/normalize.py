"""Printed text → comparable text, so that labels match however a report printed them.

PDF text layers and some converters emit Kangxi radicals (U+2F00 block, e.g. ⼀ for 一), which NFKC folds, and
CJK Radicals Supplement forms (U+2E80 block, e.g. ⺠ for 民), which NFKC does not fold: those get a table of
their own below. Full-width forms, U+3000/U+00A0/U+2002 spaces and stray spaces inside labels all fold away.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# CJK Radicals Supplement forms that stand for a whole simplified character in extracted text. NFKC leaves
# these alone (they have no compatibility decomposition), so they are mapped here.
_RADICAL_SUPPLEMENT = str.maketrans(
    {
        "⺁": "厂",
        "⺇": "几",
        "⺊": "卜",
        "⺌": "小",
        "⺍": "小",
        "⺎": "兀",
        "⺏": "尢",
        "⺐": "尢",
        "⺒": "巳",
        "⺓": "幺",
        "⺔": "彐",
        "⺖": "心",
        "⺗": "心",
        "⺘": "手",
        "⺙": "攴",
        "⺛": "无",
        "⺜": "日",
        "⺝": "月",
        "⺞": "歹",
        "⺟": "母",
        "⺠": "民",
        "⺡": "水",
        "⺢": "水",
        "⺣": "火",
        "⺤": "爪",
        "⺥": "爪",
        "⺦": "丬",
        "⺧": "牛",
        "⺨": "犬",
        "⺩": "王",
        "⺪": "疋",
        "⺫": "目",
        "⺬": "示",
        "⺭": "示",
        "⺮": "竹",
        "⺯": "糸",
        "⺰": "纟",
        "⺱": "网",
        "⺲": "网",
        "⺳": "网",
        "⺴": "网",
        "⺵": "网",
        "⺶": "羊",
        "⺷": "羊",
        "⺸": "羊",
        "⺹": "老",
        "⺺": "肀",
        "⺻": "聿",
        "⺼": "肉",
        "⺽": "臼",
        "⺾": "艹",
        "⺿": "艹",
        "⻀": "艹",
        "⻁": "虎",
        "⻂": "衣",
        "⻃": "西",
        "⻄": "西",
        "⻅": "见",
        "⻆": "角",
        "⻇": "角",
        "⻈": "讠",
        "⻉": "贝",
        "⻊": "足",
        "⻋": "车",
        "⻌": "辶",
        "⻍": "辶",
        "⻎": "辶",
        "⻏": "邑",
        "⻐": "金",
        "⻑": "長",
        "⻒": "長",
        "⻓": "长",
        "⻔": "门",
        "⻕": "阜",
        "⻖": "阜",
        "⻗": "雨",
        "⻘": "青",
        "⻙": "韦",
        "⻚": "页",
        "⻛": "风",
        "⻜": "飞",
        "⻝": "食",
        "⻞": "食",
        "⻟": "食",
        "⻠": "饣",
        "⻡": "首",
        "⻢": "马",
        "⻣": "骨",
        "⻤": "鬼",
        "⻥": "鱼",
        "⻦": "鸟",
        "⻧": "卤",
        "⻨": "麦",
        "⻩": "黄",
        "⻪": "黾",
        "⻫": "齐",
        "⻬": "齐",
        "⻭": "齿",
        "⻮": "齿",
        "⻯": "龙",
        "⻰": "龙",
        "⻱": "龟",
        "⻲": "龟",
        "⻳": "龟",
    }
)
# Traditional forms that NFKC yields for some Kangxi radicals where reports mean the simplified character.
_KANGXI_TRADITIONAL = str.maketrans({"戶": "户", "門": "门", "見": "见", "長": "长", "馬": "马", "車": "车"})

_SPACE = re.compile(r"\s+")
_PUNCT = re.compile(r"[\s\"'“”‘’「」『』〈〉《》<>:;,，。：；、!！?？·•\-—–_/|#*`~()（）\[\]【】{}]+")


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """NFKC, radical forms mapped to their characters, all whitespace removed."""
    text = unicodedata.normalize("NFKC", text).translate(_RADICAL_SUPPLEMENT).translate(_KANGXI_TRADITIONAL)
    return _SPACE.sub("", text)


@lru_cache(maxsize=65536)
def bare(text: str) -> str:
    """fold() without punctuation: the characters a label is made of, for comparing labels."""
    return _PUNCT.sub("", fold(text))


@lru_cache(maxsize=65536)
def bigrams(text: str) -> frozenset[str]:
    text = bare(text)
    if len(text) < 2:
        return frozenset({text}) if text else frozenset()
    return frozenset(text[i : i + 2] for i in range(len(text) - 1))


@lru_cache(maxsize=65536)
def similarity(printed: str, label: str) -> float:
    """Dice coefficient of character bigrams: 1.0 for the same label, ~0.7 for a mangled one."""
    a, b = bigrams(printed), bigrams(label)
    if not a or not b:
        return 0.0
    return 2 * len(a & b) / (len(a) + len(b))
