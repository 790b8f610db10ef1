"""Report parser on the real seed report: services, ranking, quotes, rejects, layout, recall on the gold sample."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from textmine.ingest.errors import IngestError
from textmine.ingest.report import parse_report
from textmine.ingest.report_eval import evaluate_quote_extraction
from textmine.ingest.report_layout import DEFAULT_LAYOUT, load_layout
from textmine.normalise import fold

GOLD = Path(__file__).resolve().parents[1] / "data" / "eval" / "report_quote_gold.csv"


def _find(comments: pd.DataFrame, fragment: str) -> pd.Series:
    hits = comments[comments["text"].str.contains(fold(fragment), regex=False)]
    assert len(hits) == 1, f"{len(hits)} comments contain {fragment!r}"
    return hits.iloc[0]


def test_all_sixty_services_with_figures(seed_report_parse):
    services = seed_report_parse.services
    assert services["service_no"].tolist() == list(range(1, 61))
    assert services[["n", "avg_score", "satisfaction_pct"]].notna().all().all()
    assert services[[f"n_{k}" for k in range(1, 6)] + [f"share_{k}" for k in range(1, 6)]].notna().all().all()
    assert services["rank"].sort_values().tolist() == list(range(1, 61))
    first = services.iloc[0]
    assert first["service_name"] == "Сот органдарынан шығатын ресми құжаттарға апостиль қою"
    assert (first["n"], first["avg_score"], first["satisfaction_pct"]) == (148, 4.57, 73.6)
    assert (first["prev_avg_score"], first["prev_satisfaction_pct"]) == (4.54, 65.0)
    assert [first[f"n_{k}"] for k in range(1, 6)] == [3, 2, 11, 23, 109]


def test_delivery_forms_as_the_sections_state_them(seed_report_parse):
    services = seed_report_parse.services.set_index("service_no")
    # «...көрсету нысаны: қағаз түрінде» (line 2008), «...: электрондық (жартылай» (2262),
    # «...: электронды және/немесе қағаз түрінде» (2480)
    assert services.loc[3, ["delivery_form", "delivery_form_line"]].tolist() == ["paper", 2008]
    assert services.loc[4, ["delivery_form", "delivery_form_line"]].tolist() == ["electronic", 2262]
    assert services.loc[5, ["delivery_form", "delivery_form_line"]].tolist() == ["paper_and_electronic", 2480]
    # service 1 states only the form of its result («нәтижелерін ұсыну нысаны»): no delivery form
    assert pd.isna(services.loc[1, "delivery_form"]) and pd.isna(services.loc[1, "delivery_form_line"])
    assert services["delivery_form"].value_counts().to_dict() == {"paper": 29, "electronic": 22,
                                                                   "paper_and_electronic": 3}


def test_distribution_sums_to_n_and_shares_to_100(seed_report_parse):
    services = seed_report_parse.services.set_index("service_no")
    counts = services[[f"n_{k}" for k in range(1, 6)]].sum(axis=1)
    mismatched = counts[counts != services["n"]]
    # Service 58: table 1 says N=212, its own distribution table counts 209 respondents.
    assert mismatched.to_dict() == {58: 209}
    shares = services[[f"share_{k}" for k in range(1, 6)]].sum(axis=1)
    assert ((shares - 100).abs() <= 0.3).all()


def test_section_figures_reconcile_with_ranking_table(seed_report_parse):
    services = seed_report_parse.services.set_index("service_no")
    assert services.loc[~services["reconciled"]].index.tolist() == [33]
    # The report itself disagrees: section 33 says 4,68, table 3 says 4,67.
    assert services.loc[33, "reconcile_note"] == "avg_score 4.68 vs table 3 4.67"
    assert (services["avg_score"] - services["ranking_avg_score"]).abs().drop(33).max() < 0.005
    assert (services["satisfaction_pct"] - services["ranking_satisfaction_pct"]).abs().max() < 0.05


def test_wordings_differ_but_services_match_the_right_ranking_rows(seed_report_parse):
    services = seed_report_parse.services.set_index("service_no")
    assert services.loc[38, "ranking_name"] == "Тракторларды жүргізу құқығына куәліктер беру"
    assert services.loc[60, "ranking_name"].startswith("Тракторлардың кепілін")
    assert services.loc[59, "ranking_name"].startswith("Тракторлар үшін тіркеу құжатын")
    assert services.loc[21, "rank"] == 45
    assert seed_report_parse.ranking.loc[43, "ranking_name"].endswith("түрлерін мемлекеттік тіркеу немесе қайта тіркеу")


def test_agencies_and_provider_levels(seed_report_parse):
    services = seed_report_parse.services.set_index("service_no")
    levels = services["provider_level"].value_counts().to_dict()
    layout = load_layout()
    assert levels == {"ОМО": layout.get("sample_table.expected_central"), "ЖАО": layout.get("sample_table.expected_local")}
    assert services.loc[1, "agency"] == "ЖС"
    assert services.loc[[34, 35], "agency"].tolist() == ["ДСМ", "ДСМ"]
    assert (services.loc[38:, "agency"] == "ЖАО").all()
    assert services["n"].sum() == 10000


def test_specific_quotes_with_region_and_service(seed_report_parse):
    comments = seed_report_parse.comments
    quote = _find(comments, "ХҚКОда айғай-шу, кімге бірінші бару керектігін")
    assert (quote["region"], quote["service_no"], quote["source_line"]) == ("Атырау облысы", 7, 3050)
    assert quote["text"] == "ХҚКОда айғай-шу, кімге бірінші бару керектігін көрсететін көрсеткіштер жоқ"
    paren = _find(comments, "Павлов 48 кӛшесіндегі мекеме холлында")
    assert (paren["region"], paren["service_no"]) == ("Павлодар облысы", 1)
    nested = _find(comments, "Тіркеу орнындатұрған қыз")
    assert "«Өздеріңіз білулеріңіз керек, не үшін келесіздер!»" in nested["text"]
    assert nested["region"] == "Шығыс Қазақстан облысы"
    no_region = _find(comments, "Мен бұл қызметті жиі қолданамын, сондықтан қызмет тӛлемін азайту")
    assert pd.isna(no_region["region"]) and no_region["service_no"] == 1
    assert no_region["aspect_context"].endswith("қызмет төлемін азайту керектігін айтады")
    shopper = _find(comments, "Менеджер ЗТМО қызметкерін кезексіз қабылдады")
    assert shopper["region"] == "Астана" and json.loads(shopper["extra"])["speaker"] == "mystery_shopper"
    abroad = _find(comments, "Кӛшеде кезекте ұзақ тұрдым")
    assert pd.isna(abroad["region"]) and json.loads(abroad["extra"])["region_raw"] == "Өзбекстан"


def test_quote_spanning_page_break_is_whole(seed_report_parse):
    quote = _find(seed_report_parse.comments, "Елшіліктің іші у-шу, абыр-сабыр")
    assert quote["text"] == "Елшіліктің іші у-шу, абыр-сабыр. Кімге жүгіну керек екенін білмедім"
    long_one = _find(seed_report_parse.comments, "ХҚКО қызметкері маған сержанттардың")
    assert "\n" in long_one["raw_text"] and "\n" not in long_one["text"]


def test_every_quote_in_a_section_has_its_service(seed_report_parse):
    comments = seed_report_parse.comments
    first_section_line = int(seed_report_parse.services["source_line"].min())
    in_sections = comments[comments["source_line"] > first_section_line]
    assert in_sections["service_no"].between(1, 60).all()
    intro = comments[comments["source_line"] < first_section_line]
    assert intro["service_no"].isna().all() and len(intro) == 3  # the introduction quotes respondents too


def test_non_quotes_are_rejected_with_reasons(seed_report_parse):
    rejects = seed_report_parse.rejects
    comments_text = set(seed_report_parse.comments["text"])
    for name in ("электрондық үкімет", "Азаматтарға арналған үкімет", "құпия сатып алушы",
                 "Қоршаған ортаны қорғаудың ақпараттық-талдау орталығы"):
        assert name not in comments_text
    question = rejects[rejects["raw"].str.contains("сапасын бағалаңыз")]
    assert question["reason"].tolist() == ["not a respondent quote: survey question"]
    org = rejects[rejects["raw"].str.startswith("«Қоршаған ортаны")]
    assert org["reason"].str.contains("РМК|республикалық").all()
    assert set(rejects.loc[rejects["reason"].str.startswith("unparseable"), "source_line"]) == {5955, 7034, 8150, 9179, 9212, 10136}


def test_ids_are_stable_across_parses(seed_report_parse, seed_report_path):
    again = parse_report(seed_report_path)
    assert again.comments["id"].tolist() == seed_report_parse.comments["id"].tolist()
    assert seed_report_parse.comments["id"].is_unique


def test_recall_and_precision_on_hand_checked_gold(seed_report_parse):
    result = evaluate_quote_extraction(seed_report_parse, GOLD)
    assert result["gold_rows"] >= 150
    assert result["recall"] >= 0.95 and result["precision"] >= 0.95
    assert result["region_accuracy"] >= 0.95


def test_missing_file_and_bad_layout_give_clear_errors(tmp_path: Path):
    with pytest.raises(IngestError, match="nope.txt: cannot read report"):
        parse_report(tmp_path / "nope.txt")
    bad = tmp_path / "bad.yaml"
    bad.write_text(DEFAULT_LAYOUT.read_text(encoding="utf-8").replace("section_count: 60", "section_count: 61"),
                   encoding="utf-8")
    with pytest.raises(IngestError, match="found 60 of 61 service sections"):
        parse_report(Path(__file__).resolve().parents[1] / "data" / "reports" / "monitoring_report_2018_kk.txt",
                     load_layout(bad))
    broken = tmp_path / "broken.yaml"
    broken.write_text("name: x\nsection_heading: '('\n", encoding="utf-8")
    with pytest.raises(IngestError, match="broken.yaml: layout has no"):
        load_layout(broken)
