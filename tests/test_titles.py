"""One title recogniser for the crawler and the parser: reports, their tables, documents about them, look-alikes."""

from __future__ import annotations

import pytest

from pipelines.titles import Kind, is_report_column, recognise


@pytest.mark.parametrize(
    ("title", "organ", "year"),
    [
        ("郑州市公安局2023年政府信息公开工作年度报告", "郑州市公安局", 2023),
        ("平潭综合实验区2023年度政府信息公开工作年度报告", "平潭综合实验区", 2023),
        ("平潭综合实验区地方税务局2013年信息公开年度报告", "平潭综合实验区地方税务局", 2013),
        ("沭阳县发展和改革局2023年政府信息公开年度报告-沭阳县发改局", "沭阳县发展和改革局", 2023),
        ("2024 年上海市科委政府信息公开工作年度报告", "上海市科委", 2024),
        ("2023年政府信息公开工作年度报告", "本机关", 2023),
        ("2022年政府信息公开工作年报", "本机关", 2022),
        ("周⼝市公安局2022年政府信息公开⼯作年度报告", "周口市公安局", 2022),
        ("郑州市公安局 2023 年政府信息公开工作年度报告_郑州市人民政府门户网站", "郑州市公安局", 2023),
        ("某县卫生和计划生育委员会2017年政府信息公开工作年度报告", "某县卫生和计划生育委员会", 2017),
        ("某市人民政府办公室二〇二三年政府信息公开工作年度报告", "某市人民政府办公室", 2023),
        ("《某市统计局2021年度政府信息公开工作年度报告》", "某市统计局", 2021),
    ],
)
def test_reports(title: str, organ: str, year: int) -> None:
    verdict = recognise(title, "本机关")
    assert (verdict.kind, verdict.organ, verdict.year) == (Kind.REPORT, organ, year)
    assert verdict.is_report


@pytest.mark.parametrize(
    "title",
    [
        "关于2014年政府信息公开工作要点落实情况的函",
        "关于印发2024年政务公开工作要点的通知",
        "《郑州市公安局2023年政府信息公开工作年度报告》解读",
        "关于开展2023年政府信息公开工作年度报告编制工作的通知",
        "图解：2023年政府信息公开工作年度报告",
        "2023年政府信息公开工作年度报告统计表填报说明",
        "2023年度政府信息公开工作年度报告编制提纲",
        "政府信息公开工作年度报告格式",
        "2023年政府信息公开工作年度报告模板",
        "关于2023年政府信息公开工作年度报告的公告",
    ],
)
def test_documents_about_the_report_are_not_reports(title: str) -> None:
    verdict = recognise(title, "本机关")
    assert verdict.kind is Kind.ABOUT and not verdict.is_report, verdict


@pytest.mark.parametrize(
    "title",
    [
        "政府信息公开指南",
        "",
        None,
        "2023年政府网站工作年度报表",
        "某市2023年法治政府建设年度报告",
        "某市住房公积金2023年年度报告",
        "市中分局召开政务公开工作推进会",
    ],
)
def test_other_titles(title: str | None) -> None:
    verdict = recognise(title, "本机关")
    assert verdict.kind in (Kind.OTHER, Kind.ABOUT) and not verdict.is_report


def test_the_reports_tables_as_a_file_belong_to_the_report() -> None:
    verdict = recognise("郑州市公安局2023年政府信息公开工作年度报告统计表.xls")
    assert (verdict.kind, verdict.organ, verdict.year) == (Kind.TABLES, "郑州市公安局", 2023)
    assert verdict.is_report


@pytest.mark.parametrize(
    ("text", "column"),
    [
        ("政府信息公开年报", True),
        ("公开年报", True),
        ("信息公开年报", True),
        ("政府信息公开工作年度报告", True),
        ("信息公开年度报告", True),
        ("工作报表", True),
        ("政府信息公开年度报告", True),
        ("政府网站工作年度报表", False),
        ("政府网站年度报表", False),
        ("法治政府建设年度报告", False),
        ("住房公积金年度报告", False),
        ("政府信息公开指南", False),
        ("依申请公开", False),
        ("郑州市公安局2023年政府信息公开工作年度报告", False),
        ("政府信息公开年报解读", False),
    ],
)
def test_report_column_names(text: str, column: bool) -> None:
    assert is_report_column(text) is column
