"""Certificate codes: format, alphabet, normalisation of what people type."""

from __future__ import annotations

import re

from workforce.certificates.services import CODE_ALPHABET, code_generate, code_normalise


def test_generated_codes_are_well_formed_and_distinct():
    codes = {code_generate() for _ in range(2000)}
    assert len(codes) == 2000
    pattern = re.compile(rf"^SWC-[{CODE_ALPHABET}]{{4}}-[{CODE_ALPHABET}]{{4}}-[{CODE_ALPHABET}]{{4}}$")
    assert all(pattern.match(code) for code in codes)
    assert not set("01ILOU") & set(CODE_ALPHABET)


def test_normalise_accepts_case_spaces_and_missing_dashes():
    assert code_normalise("swc-7k3m-q9td-xh4p") == "SWC-7K3M-Q9TD-XH4P"
    assert code_normalise(" SWC 7K3M Q9TD XH4P ") == "SWC-7K3M-Q9TD-XH4P"
    assert code_normalise("SWC7K3MQ9TDXH4P") == "SWC-7K3M-Q9TD-XH4P"


def test_normalise_rejects_malformed_codes():
    for bad in (
        "",
        "SWC-7K3M-Q9TD",
        "SWC-7K3M-Q9TD-XH4P-2222",
        "ABC-7K3M-Q9TD-XH4P",
        "SWC-7K3M-Q9TD-XH4O",
        "SWC-0000-1111-IIII",
        "x" * 100,
        "SWC-7K3M-Q9TD-XH4P<script>",
    ):
        assert code_normalise(bad) is None, bad
