"""Short author-year citations (thalbook.data.citations). Expected labels are read off data/references.bib by
hand: the first author's family name, "et al." for three or more authors or an "and others", the year."""

from __future__ import annotations

import re

import pytest
from conftest import ROOT

from thalbook.data.citations import REFERENCES_HREF, citation, cite_html, cite_md


@pytest.mark.parametrize(
    "key, label",
    [
        ("raza2001thalidomide", "Raza et al. 2001"),  # Raza, Meyer, Dutt and 11 more; 2001
        ("bouscary2005thalidomide", "Bouscary et al. 2005"),  # "Bouscary, D. and others"
        ("hasle2016myelodysplastic", "Hasle 2016"),  # one author
        ("locatelli2018how", "Locatelli and Strahm 2018"),  # two authors
        ("damato1994thalidomide", "D'Amato et al. 1994"),
        ("nci2017ctcae", "National Cancer Institute 2017"),  # a corporate author in braces stays one name
        ("ma_thalidomide_mds_children", "Ma, n.d."),  # the source review: no year traced
        ("review_ref4_chen2006", "Reference [4] of the source review"),  # no author: what the entry says it is
    ],
)
def test_author_year_labels(key, label):
    assert citation(key) == label


def test_every_key_has_a_short_label_without_braces_or_key():
    keys = re.findall(r"^@\w+\{([^,]+),", (ROOT / "data/references.bib").read_text(encoding="utf-8"), re.MULTILINE)
    assert len(keys) > 40
    for key in keys:
        label = citation(key)
        assert label and "{" not in label and "\\" not in label and key not in label, (key, label)
        assert len(label) <= 45, (key, label)


def test_link_keeps_the_key_and_points_at_the_references_row():
    html = cite_html("raza2001thalidomide")
    assert html == (f'<a class="tb-cite" href="{REFERENCES_HREF}#ref-raza2001thalidomide" '
                    'title="raza2001thalidomide">Raza et al. 2001</a>')
    assert cite_md("hasle2016myelodysplastic") == f"[Hasle 2016]({REFERENCES_HREF}#ref-hasle2016myelodysplastic)"


def test_unknown_key_names_the_file_and_the_key():
    with pytest.raises(KeyError, match=r"references\.bib: no entry 'nosuchkey2020'"):
        citation("nosuchkey2020")
