"""Region codes resolve to names from the division-code package, retired codes included."""

from pipelines.regions import COUNTY, PREFECTURE, PROVINCE, level_of, provinces, region


def test_county_prefecture_and_province_names():
    jinshui = region("410105")
    assert jinshui is not None
    assert (jinshui.name, jinshui.level, jinshui.province, jinshui.prefecture) == ("金水区", COUNTY, "河南省", "郑州市")
    assert jinshui.full_name == "河南省/郑州市/金水区"
    assert region(410100).full_name == "河南省/郑州市"
    assert region("410000").level == PROVINCE


def test_municipality_districts_skip_placeholder_names():
    assert region("110105").full_name == "北京市/朝阳区"


def test_retired_code_found_in_an_older_revision():
    # 北京市崇文区 (110103) was merged into 东城区 in 2010: its reports keep their code.
    old = region("110103")
    assert old is not None and old.name == "崇文区" and int(old.revision) < 201904


def test_unknown_and_malformed_codes():
    assert region("999999") is None
    assert region("41010") is None
    assert region(None) is None
    assert level_of("441900") == PREFECTURE


def test_every_province_listed():
    names = {r.name for r in provinces()}
    assert {"北京市", "广东省", "新疆维吾尔自治区"} <= names and len(names) >= 31
