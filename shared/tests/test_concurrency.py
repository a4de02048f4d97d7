"""If-Match handling, the same for every write of every service — pure."""

from __future__ import annotations

import pytest

from rtw_shared.concurrency import check_if_match, etag, offered_versions
from rtw_shared.errors import PreconditionFailedError, UnprocessableError


def test_the_etag_is_the_quoted_version():
    assert etag(3) == '"3"'


@pytest.mark.parametrize(("header", "versions"), [('"3"', {3}), ('W/"3"', {3}), ('"2", "3"', {2, 3}), ("*", None)])
def test_if_match_names_versions_or_any(header, versions):
    assert offered_versions(header) == versions


def test_the_current_version_or_any_or_no_header_passes():
    for header in (None, '"4"', "*", '"1", "4"'):
        check_if_match(header, 4, what="the plan")


def test_an_older_version_is_refused_with_412_naming_the_current_one():
    with pytest.raises(PreconditionFailedError) as refused:
        check_if_match('"3"', 4, what="the plan")
    assert "version 4" in refused.value.detail and refused.value.headers == {"ETag": '"4"'}


@pytest.mark.parametrize("header", ['"abc"', '"-1"', '"99999999999999999999"', ""])
def test_a_malformed_if_match_is_422(header):
    with pytest.raises(UnprocessableError):
        check_if_match(header, 1, what="the plan")
