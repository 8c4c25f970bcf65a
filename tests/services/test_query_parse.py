"""The query language's reading: terms, quotes, negation, lists, sort and
has:, and one-line reasons for what cannot be read."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crm_tui.services.query import QueryError, parse
from crm_tui.services.query.parse import Condition, SortBy


def test_conditions_words_and_sort():
    asked = parse(
        'owner:me priority:high,normal revenue>50k -state:closed acme "new york" sort:-revenue'
    )
    assert asked.conditions == (
        Condition(("owner",), "=", ("me",), False, 0),
        Condition(("priority",), "=", ("high", "normal"), False, 9),
        Condition(("revenue",), ">", ("50k",), False, 30),
        Condition(("state",), "=", ("closed",), True, 42),
    )
    assert asked.words == ("acme", "new york")
    assert asked.sort == SortBy(("revenue",), True, 72)


def test_operators_paths_has_and_excluded_words():
    asked = parse("close<=2027-01-01 account.industry:retail has:email -has:phone -spam")
    assert [(c.name, c.op, c.values, c.negated) for c in asked.conditions] == [
        ("close", "<=", ("2027-01-01",), False),
        ("account.industry", "=", ("retail",), False),
        ("email", "has", (), False),
        ("phone", "has", (), True),
    ]
    assert asked.excluded == ("spam",)


def test_quoted_values_keep_spaces_commas_and_quotes():
    asked = parse('name:"Acme, ""the"" best",beta city:تهران')
    assert asked.conditions[0].values == ('Acme, "the" best', "beta")
    assert asked.conditions[1].values == ("تهران",)


def test_a_quote_still_being_typed_closes_at_the_end():
    assert parse('city:"new yo').conditions[0].values == ("new yo",)
    assert parse('"best" or "wor').words == ("best", "or", "wor")
    assert parse('"').empty


def test_words_that_only_look_like_conditions_stay_words():
    asked = parse("+234 803 a@b.com -")
    assert asked.words == ("+234", "803", "a@b.com", "-") and not asked.conditions


@pytest.mark.parametrize(
    "typed, reason",
    [
        ("city:", "city: needs a value"),
        ("priority:high,,low", "a value between commas is empty"),
        ("sort:", "sort: which field? e.g. sort:-modified"),
        ("sort:name sort:city", "only one sort: remove one of them"),
        ("-sort:name", "sort cannot be negated; sort:-name sorts descending"),
        ("has:", "has: which field? e.g. has:email"),
        ("a.b.c:x", "a.b.c: one step across a lookup at most (account.industry)"),
        ("a..b:x", "'a..b' is not a field name"),
    ],
)
def test_what_cannot_be_read_is_said_in_one_line(typed, reason):
    with pytest.raises(QueryError) as caught:
        parse(typed)
    assert str(caught.value) == reason and "\n" not in reason


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=60))
def test_any_text_is_read_or_refused_in_one_line(typed):
    try:
        asked = parse(typed)
    except QueryError as exc:
        assert str(exc) and "\n" not in str(exc)
        assert 0 <= exc.position <= len(typed)
        return
    for cond in asked.conditions:
        assert cond.path and all(cond.path)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.booleans(),
            st.sampled_from(["city", "industry", "revenue", "account.industry"]),
            st.sampled_from([":", ">", "<", ">=", "<=", "="]),
            st.text(alphabet="abc xyz,\"'1", min_size=1, max_size=8),
        ),
        max_size=4,
    )
)
def test_a_condition_with_a_quoted_value_reads_back_its_value(terms):
    typed = " ".join(
        f'{"-" if neg else ""}{name}{op}"{value.replace(chr(34), chr(34) * 2)}"'
        for neg, name, op, value in terms
    )
    try:
        asked = parse(typed)
    except QueryError as exc:
        # only an empty value between commas, or a list after a comparison
        assert "comma" in str(exc) or "needs a value" in str(exc)
        return
    for (neg, name, op, value), cond in zip(terms, asked.conditions, strict=True):
        assert cond.negated == neg and cond.name == name
        assert cond.op == ("=" if op in (":", "=") else op)
        assert ",".join(cond.values) == value.strip() or "," in value
        if cond.op != "=":
            assert cond.values == (value.strip(),)
