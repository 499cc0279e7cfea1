"""The French analyzer: what answers and questions become before BM25 compares them."""

from faqsante.analysis import FrenchAnalyzer

analyzer = FrenchAnalyzer()


def test_elision_and_typographic_apostrophes_leave_the_word():
    assert analyzer.terms("l’identité") == analyzer.terms("identité")
    assert analyzer.terms("qu'on s'inscrive") == analyzer.terms("inscrive")


def test_accents_and_case_do_not_matter():
    assert analyzer.terms("Référencement TÉLÉCONSULTATION") == analyzer.terms("referencement teleconsultation")


def test_stop_words_go_but_acronyms_in_capitals_stay():
    assert analyzer.terms("est-ce que je peux le faire") == []
    assert analyzer.terms("mes documents") == analyzer.terms("documents")
    assert len(analyzer.terms("catalogue MES")) == 2


def test_codes_and_numbers_are_kept_whole_and_compounds_also_joined():
    assert "3422" in analyzer.terms("appeler le 3422")
    assert {"etht01", "etht", "01"} <= set(analyzer.terms("l'exigence ETHT.01"))
    assert analyzer.terms("e-CPS")[0] == analyzer.terms("eCPS")[0] == analyzer.terms("ecps")[0]


def test_inverted_pronouns_are_not_compounds():
    assert analyzer.terms("s'active-t-elle") == analyzer.terms("active")


def test_content_words_keep_the_words_as_written_without_stop_words():
    assert analyzer.content_words("Comment je fais pour activer ma e-CPS ?") == "activer e-CPS"
    assert analyzer.content_words("les messages de MES") == "messages MES"
