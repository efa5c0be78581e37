"""Validation reports every break of the form's arithmetic with the numbers on both sides, and repairs nothing."""

from __future__ import annotations

from pipelines.report.form import load_form
from pipelines.report.parse import parse_bytes
from tests.conftest import seed_text

ZHENGZHOU = "000_0980f2edc394599a"


def test_a_misprinted_total_breaks_three_rules_and_stays_as_printed(shared):
    text = seed_text(ZHENGZHOU).replace("(七) 总计\t123\t1", "(七) 总计\t125\t1")
    report = parse_bytes(text.encode("utf-8"), "misprint.txt").to_json()
    assert report["applications"]["total"] == [125, 1, 0, 0, 0, 0, 124], "nothing printed is rewritten"
    errors = {(f["rule"], f["location"]): f for f in report["findings"] if f["severity"] == "error"}
    assert set(errors) == {
        ("applications.balance", "applications column natural_person"),
        ("applications.results_total", "applications column natural_person"),
        ("applications.row_total", "applications row total"),
    }
    balance = errors[("applications.balance", "applications column natural_person")]["values"]
    assert balance["left"] == {"new_received": 114, "carried_over": 9}
    assert balance["right"] == {"total": 125, "carried_forward": 0}
    assert (balance["left_sum"], balance["right_sum"]) == (123, 125)
    results = errors[("applications.results_total", "applications column natural_person")]["values"]
    assert results["left_sum"] == 123 and results["right"] == {"total": 125}


def test_review_block_sum(shared):
    text = seed_text(ZHENGZHOU).replace("1\t0\t0\t0\t1\t0\t0\t2\t0\t2", "1\t0\t0\t0\t1\t0\t0\t2\t0\t3")
    report = parse_bytes(text.encode("utf-8"), "review.txt").to_json()
    errors = [f for f in report["findings"] if f["severity"] == "error"]
    assert [(f["rule"], f["location"]) for f in errors] == [
        ("review_litigation.block_total", "review_litigation block litigation_direct")
    ]
    assert errors[0]["values"]["left_sum"] == 2 and errors[0]["values"]["right_sum"] == 3


def test_blank_terms_make_a_rule_uncheckable_not_broken(shared):
    text = seed_text(ZHENGZHOU).replace("(七) 总计\t123\t1", "(七) 总计\t/\t1")
    report = parse_bytes(text.encode("utf-8"), "blank.txt").to_json()
    assert report["applications"]["total"][0] is None
    assert not [f for f in report["findings"] if f["severity"] == "error"]
    assert any(f["rule"] == "applications.balance.unchecked" for f in report["findings"])


def test_every_rule_names_keys_the_form_has():
    form = load_form()
    keys = {row.key for row in form.all_application_rows()} | set(form.column_keys)
    keys |= {m.key for m in form.review_measures} | {"@result"}
    for rule in form.rules:
        assert set(rule.left) | set(rule.right) <= keys, rule.id


def test_templates_have_the_forms_rows():
    templates = load_form().templates
    assert len(templates["2021"].rows) == 25 and len(templates["2019"].rows) == 23
    assert [r.key for r in templates["hybrid"].rows] == [r.key for r in templates["2019"].rows]
    assert len(load_form().review_keys) == 15
    for template in templates.values():
        assert len({r.key for r in template.rows}) == len(template.rows)


def test_a_notice_is_not_a_report():
    notice = "关于2014年政府信息公开工作要点落实情况的函\n\n根据要求，现将有关情况函告如下。\n"
    report = parse_bytes(notice.encode("utf-8"), "notice.txt").to_json()
    assert report["template"] is None
    assert report["applications"] == {} and report["review_litigation"] == []
    assert any(f["rule"] == "identity.not_a_report" for f in report["findings"])


def test_a_pre_2019_report_is_legacy(shared):
    narrative = seed_text(ZHENGZHOU).split("二、主动公开政府信息情况")[0].replace("2023 年政府", "2016 年政府")
    report = parse_bytes(narrative.encode("utf-8"), "legacy.txt").to_json()
    assert (report["template"], report["year"]) == ("legacy", 2016)
    assert report["applications"] == {}
