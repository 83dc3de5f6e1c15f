"""Acronyms of universities whose one word gives two letters or more (home.abbreviates): a compass compound
("Northwest") or a Chinese place name written as one word ("Zhengzhou", "Jiaotong")."""
from __future__ import annotations

import pytest

from etl.extract.home import abbreviates


@pytest.mark.parametrize("tok,name", [
    ("NWU", "Northwest University"), ("NU", "Northwest University"), ("NEU", "Northeastern University"),
    ("ZZU", "Zhengzhou University"), ("SJTU", "Shanghai Jiaotong University"), ("NJU", "Nanjing University"),
    ("AHU", "Anhui University"), ("HZAU", "Huazhong Agricultural University"), ("UQ", "The University of Queensland"),
    ("SYSU", "Sun Yat-sen University"), ("BISU", "Beijing International Studies University"),
])
def test_abbreviates(tok, name):
    assert abbreviates(tok, name)


@pytest.mark.parametrize("tok,name", [
    ("OSU", "Oxford University"), ("SOU", "Southampton University"), ("NWU", "Nanjing University"),
    ("ZJU", "Zhengzhou University"), ("UCLA", "University College London"),
])
def test_not_abbreviates(tok, name):
    assert not abbreviates(tok, name)
