"""The taxonomy contract: the shipped file loads; broken files fail with file, row and column."""

import pytest

from pipeline.errors import TaxonomyError
from pipeline.taxonomy import COLUMNS, load_taxonomy

HEADER = ",".join(COLUMNS)
ROW = "FIN,مالی,Finance,FIN-01,کمبود سرمایه در گردش,Working capital,توضیح,نقدینگی | سرمایه"


def test_shipped_taxonomy_has_four_areas_and_unique_codes():
    tax = load_taxonomy()
    assert tax.area_codes == ["FIN", "TEC", "MKT", "REG"]
    assert len(tax.codes) == len(set(tax.codes)) == 256
    assert all(g.name_fa and g.area_code in tax.area_codes for g in tax.groups)
    assert tax.group("TEC-24").area_code == "TEC"
    assert len(tax.sha256) == 64


def test_training_texts_cover_every_group():
    tax = load_taxonomy()
    assert {code for _, code in tax.training_texts()} == set(tax.codes)


def test_our_own_names_use_persian_letters_not_arabic():
    tax = load_taxonomy()
    for text in [g.name_fa for g in tax.groups] + list(tax.area_names_fa.values()):
        assert "ي" not in text and "ك" not in text


def write(tmp_path, *lines, encoding="utf-8"):
    path = tmp_path / "tax.csv"
    path.write_bytes("\n".join(lines).encode(encoding))
    return path


@pytest.mark.parametrize("lines, match", [
    ((HEADER, ROW, ROW.replace("کمبود سرمایه در گردش", "نام دیگر")), r"row 3, column 'group_code': group code 'FIN-01' already used in row 2"),
    ((HEADER, ROW.replace("کمبود سرمایه در گردش", "")), r"row 2, column 'group_name_fa': empty value"),
    ((HEADER.replace(",keywords_fa", ""), ROW), r"row 1: missing column\(s\) keywords_fa"),
    ((HEADER,), r"no groups"),
    ((HEADER, ROW, ROW.replace("FIN-01", "FIN-02").replace(",مالی,", ",مالی دیگر,").replace("سرمایه در گردش", "x")),
     r"row 3, column 'area_name_fa': area 'FIN' is named 'مالی'"),
])
def test_broken_taxonomy_is_refused_with_location(tmp_path, lines, match):
    with pytest.raises(TaxonomyError, match=match):
        load_taxonomy(write(tmp_path, *lines))


def test_non_utf8_taxonomy_is_refused(tmp_path):
    # Windows-1256 has no Persian ی/ک, so such files carry the Arabic letters.
    row = ROW.replace("ی", "ي").replace("ک", "ك")
    with pytest.raises(TaxonomyError, match="not UTF-8"):
        load_taxonomy(write(tmp_path, HEADER, row, encoding="cp1256"))


def test_missing_taxonomy_file(tmp_path):
    with pytest.raises(TaxonomyError, match="cannot read the taxonomy"):
        load_taxonomy(tmp_path / "nope.csv")
