"""The progress rules — adherence, dosage, capacity, job match, DOT level, progression and readiness —
as pure functions: worked cases with exact answers, and properties over generated logs (hypothesis)."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from rtw_shared.testing import SESSION_DAY
from rtw_workplan.rules import capacity, dosage, progression, readiness
from rtw_workplan.rules.facts import ActivityResult, Dose, PhaseFacts, Requirement, SessionFacts
from rtw_workplan.rules.report import session_facts

from .worked_example import JOB_DEMANDS, LIFT_RECOMMENDATIONS, session_body

TODAY = SESSION_DAY  # the apps under test read session_clock: never a day apart
START = TODAY - timedelta(days=TODAY.weekday() + 28)  # a Monday four weeks back: the worked example's week 1
RULE = progression.Thresholds()
REQUIREMENTS = [Requirement(d["demand"], d["frequency"], d.get("load_kg"), d.get("duration_min")) for d in JOB_DEMANDS]


def lift(load: float, achieved: float | None = None, *, tolerated: bool = True, frequency: str = "occasional"):
    return ActivityResult(
        "work_simulation",
        "lift_floor_waist",
        Dose(load_kg=load, reps=10, sets=3),
        Dose(load_kg=load if achieved is None else achieved, reps=10, sets=3),
        tolerated,
        frequency,
    )


def session(day: int, *activities, pain=(3, 3), attendance="attended", minutes=60, simulation=True) -> SessionFacts:
    return SessionFacts(START + timedelta(days=day), attendance, minutes, simulation, *pain, tuple(activities))


def example(upto: int) -> list[SessionFacts]:
    return [session_facts(session_body(i, START)) for i in range(upto)]


# --- adherence and dosage ---------------------------------------------------------------------
PHASES = [PhaseFacts(1, 2, 3, 60), PhaseFacts(3, 4, 2, 90)]


def test_adherence_counts_ended_weeks_and_caps_each_week_at_its_plan():
    log = [session(0), session(2), session(4), session(5), session(8, minutes=30), session(15), session(16)]
    result = dosage.adherence(PHASES, log, START, as_of=START + timedelta(days=21))
    assert [(w.week, w.planned_sessions, w.delivered_sessions, w.ended) for w in result.weeks] == [
        (1, 3, 4, True),
        (2, 3, 1, True),
        (3, 2, 2, True),
        (4, 2, 0, False),
    ]
    # Sessions: min(4,3) + 1 + 2 of 3 + 3 + 2 = 6/8; minutes: min(240,180) + 30 + 120 of 180 + 180 + 180.
    assert (result.sessions, result.minutes) == (0.75, round(330 / 540, 4))


def test_no_week_ended_yet_means_no_adherence_figure():
    result = dosage.adherence(PHASES, [session(0)], START, as_of=START + timedelta(days=6))
    assert (result.sessions, result.minutes) == (None, None)


def test_dosage_counts_attended_hours_and_work_simulation_share():
    log = [
        session(0, minutes=90),
        session(2, minutes=60, simulation=False),
        session(4, attendance="no_show", minutes=0, simulation=False),
        session(5, attendance="cancelled", minutes=0, simulation=False),
    ]
    assert dosage.dosage(log) == dosage.Dosage(2, 1, 1, 2.5, 0.5, 75.0)


@given(
    st.lists(st.tuples(st.integers(0, 40), st.integers(0, 240), st.booleans()), max_size=30),
    st.integers(0, 60),
)
def test_adherence_shares_are_between_zero_and_one(entries, days):
    log = [session(d, minutes=m, attendance="attended" if a else "no_show") for d, m, a in entries]
    result = dosage.adherence(PHASES, log, START, START + timedelta(days=days))
    for share in (result.sessions, result.minutes):
        assert share is None or 0 <= share <= 1
    assert sum(w.delivered_sessions for w in result.weeks) <= sum(1 for d, _, a in entries if a and d < 28)


# --- capacity, job match, DOT level -----------------------------------------------------------
def test_capacity_is_the_best_tolerated_over_the_last_three_sessions_with_the_demand():
    log = [session(0, lift(20)), session(2, lift(12)), session(4, lift(14)), session(7, lift(18, tolerated=False))]
    # 20 kg fell out of the window; 18 kg was not tolerated.
    assert capacity.current_capacity(log, "lift_floor_waist") == 14
    assert capacity.current_capacity(log[:3], "lift_floor_waist") == 20


def test_untested_frequencies_follow_the_dot_ratios_and_tested_ones_count_directly():
    log = [session(0, lift(20), lift(12, frequency="frequent"))]
    assert capacity.current_capacity(log, "lift_floor_waist", "frequent") == 12  # tested beats 20 / 2 = 10
    assert capacity.current_capacity(log, "lift_floor_waist", "constant") == 4.0  # 20 / 5
    assert capacity.current_capacity(log, "lift_floor_waist", "occasional") == 20


def test_job_match_rises_through_the_worked_example():
    shares = [capacity.job_match(REQUIREMENTS, example(n)).share for n in (1, 6, 11, 12)]
    assert shares == [0.0, 0.0, round(1 / 3, 4), 1.0]
    final = capacity.job_match(REQUIREMENTS, example(12))
    assert [(m.demand, m.frequency, m.capacity, m.met) for m in final.demands] == [
        ("lift_floor_waist", "occasional", 23.0, True),
        ("lift_floor_waist", "frequent", 11.0, True),
        ("stand", "constant", 480.0, True),
    ]


def test_the_dot_level_reached_follows_the_best_loads():
    # 23 kg = 50.7 lb occasionally, 11.5 kg = 25.4 lb derived frequently, 4.6 kg = 10.1 lb constantly: medium.
    assert capacity.dot_level_reached([session(0, lift(23))]) == "medium"
    assert capacity.dot_level_reached([session(0, lift(9.5))]) == "light"  # 20.9 lb; 10.5 lb frequent
    assert capacity.dot_level_reached([session(0, lift(4))]) is None  # under 10 lb: below sedentary
    assert capacity.dot_level_reached([session(0, lift(50))]) == "very_heavy"


@given(st.lists(st.tuples(st.floats(0, 200, allow_nan=False), st.booleans()), min_size=1, max_size=12))
def test_capacity_never_exceeds_what_was_tolerated_and_match_share_is_consistent(loads):
    log = [session(i, lift(load, tolerated=ok)) for i, (load, ok) in enumerate(loads)]
    current = capacity.current_capacity(log, "lift_floor_waist")
    tolerated = [load for load, ok in loads[-capacity.WINDOW :] if ok]
    assert current == (max(tolerated) if tolerated else None)
    match = capacity.job_match(REQUIREMENTS, log)
    assert match.met == sum(m.met for m in match.demands) and match.share == round(match.met / match.total, 4)


# --- progression --------------------------------------------------------------------------------
def test_the_worked_example_advances_holds_and_regresses_where_the_rule_says():
    log = example(12)
    history, actions = [], []
    for facts in log:
        history.append((facts, facts.activities[0]))
        actions.append(progression.recommend(history, 3, RULE).action)
    assert actions == LIFT_RECOMMENDATIONS


def test_each_recommendation_states_its_reason_and_next_prescription():
    s1, s2 = session(0, lift(10), pain=(3, 4)), session(2, lift(10), pain=(3, 4))
    advance = progression.recommend([(s1, s1.activities[0]), (s2, s2.activities[0])], 3, RULE)
    assert advance == progression.Recommendation(
        "advance", "target met in the last 2 sessions with pain within baseline + 1 (4)", Dose(11.0, 10, 3, None)
    )
    s3 = session(4, lift(11), pain=(3, 6))
    regress = progression.recommend([(s3, s3.activities[0])], 3, RULE)
    assert (regress.action, regress.reason, regress.next_prescription.load_kg, regress.information) == (
        "regress",
        "pain after the session (6) is 3 above the baseline of 3 (baseline + 2 or more)",
        10.0,
        "pain rose from 3 to 6 during the session",
    )
    # Met twice, but pain after the first was 5 (above 3 + 1); after the last, 4 (below 3 + 2): hold.
    s4, s5 = session(7, lift(10), pain=(3, 5)), session(9, lift(10), pain=(4, 4))
    held = progression.recommend([(s4, s4.activities[0]), (s5, s5.activities[0])], 3, RULE)
    assert (held.action, held.reason, held.information) == (
        "hold",
        "target met, but pain after a session above baseline + 1 (4)",
        None,
    )


def test_pain_is_compared_with_the_baseline_not_with_the_pain_before_the_session():
    # Pain 6 before and 6 after: no rise within the session, but 3 above a baseline of 3: regress.
    flat = session(0, lift(10), pain=(6, 6))
    assert progression.recommend([(flat, flat.activities[0])], 3, RULE).action == "regress"
    # Pain rising 1 -> 4 within the session, after all only 1 above the baseline: not a regression, shown beside.
    rise = [session(0, lift(10), pain=(1, 4)), session(2, lift(10), pain=(1, 4))]
    shown = progression.recommend([(s, s.activities[0]) for s in rise], 3, RULE)
    assert (shown.action, shown.information) == ("advance", "pain rose from 1 to 4 during the session")


def test_the_baseline_is_the_assessments_pain_else_the_first_sessions_pain_before():
    log = [session(3, lift(10), pain=(5, 5)), session(1, lift(10), pain=(4, 6))]
    assert progression.baseline_pain(2, log) == 2
    assert progression.baseline_pain(None, log) == 4  # the first session by date, not by position
    assert progression.baseline_pain(None, [session(0, lift(10), pain=(None, 3))]) is None


def test_a_clinic_may_change_the_thresholds():
    strict = progression.Thresholds(sessions_to_advance=3, pain_margin=0, regress_pain_margin=1, step=0.2)
    s1, s2 = session(0, lift(10)), session(2, lift(10), pain=(3, 4))
    assert progression.recommend([(s1, s1.activities[0]), (s2, s2.activities[0])], 3, strict).action == "regress"
    s3 = session(4, lift(10))
    history = [(s, s.activities[0]) for s in (s1, session(1, lift(10)), s3)]
    assert progression.recommend(history, 3, strict).next_prescription.load_kg == 12.0
    lenient = progression.Thresholds(regress_pain_margin=4, regress_pain_rise=5)
    s4 = session(6, lift(10), pain=(3, 6))
    assert progression.recommend([(s4, s4.activities[0])], 3, lenient) == progression.Recommendation(
        "hold", "target met in 1 of the 2 consecutive sessions needed at this prescription", Dose(10.0, 10, 3, None)
    )


PAINS = st.one_of(st.none(), st.integers(0, 10))
HISTORIES = st.lists(st.tuples(st.sampled_from([5.0, 10.0]), st.booleans(), PAINS, PAINS), min_size=1, max_size=8)


def _history(entries):
    sessions = [session(i, lift(load, tolerated=ok), pain=(b, a)) for i, (load, ok, b, a) in enumerate(entries)]
    return [(s, s.activities[0]) for s in sessions]


@given(HISTORIES, st.one_of(st.none(), st.integers(0, 10)))
def test_recommendations_follow_the_rule_for_any_history(entries, baseline):
    history = _history(entries)
    result = progression.recommend(history, baseline, RULE)
    last_session, last = history[-1]
    after = last_session.pain_after
    if baseline is not None and after is not None and after >= baseline + 2:
        assert result.action == "regress" and result.next_prescription.load_kg < last.prescribed.load_kg
    elif result.action == "advance":
        recent = history[-2:]
        assert len(recent) == 2 and all(
            progression.target_met(r) and r.prescribed == last.prescribed for _, r in recent
        )
        pains = [progression.pain_after(s) for s, _ in recent]
        assert baseline is None or all(p is None or p <= baseline + 1 for p in pains)
        assert result.next_prescription.load_kg > last.prescribed.load_kg
    else:
        assert result.action == "hold" and result.next_prescription == last.prescribed
    assert result.reason
    rise = progression.pain_rise(last_session)
    assert (result.information is not None) == (rise is not None and rise >= 2)


@given(HISTORIES, st.integers(0, 8))
def test_advance_is_exactly_two_met_sessions_within_baseline_plus_one(entries, baseline):
    history = _history(entries)
    result = progression.recommend(history, baseline, RULE)
    recent = history[-2:]
    met = len(recent) == 2 and all(
        progression.target_met(r) and r.prescribed == history[-1][1].prescribed for _, r in recent
    )
    within = all((progression.pain_after(s) or 0) <= baseline + 1 for s, _ in recent)
    regress = (history[-1][0].pain_after or 0) >= baseline + 2 and history[-1][0].pain_after is not None
    assert (result.action == "advance") == (met and within and not regress)
    assert (result.action == "regress") == regress


@given(HISTORIES, st.integers(0, 8), st.integers(0, 8))
def test_a_higher_baseline_never_makes_the_recommendation_more_cautious(entries, low, extra):
    history = _history(entries)
    order = {"regress": 0, "hold": 1, "advance": 2}
    before = progression.recommend(history, low, RULE).action
    after = progression.recommend(history, low + extra, RULE).action
    assert order[after] >= order[before]


# --- readiness ----------------------------------------------------------------------------------
def test_least_squares_fit_and_its_uncertainty_by_hand():
    # By hand: x̄ = 10.5, ȳ = 21; Sxx = 245, Sxy = 252, Syy = 262; slope = 252/245 = 1.02857,
    # intercept = 21 - 1.02857·10.5 = 10.2; residuals 0.8, -1.4, 0.4, 0.2: RSS = 2.8;
    # SE(slope) = √(2.8 / 2 / 245) = 0.07559; R² = 1 - 2.8/262 = 0.98931.
    fit = readiness.least_squares([(0, 11), (7, 16), (14, 25), (21, 32)])
    assert (round(fit.slope, 4), round(fit.intercept, 3), fit.n) == (1.0286, 10.2, 4)
    assert round(fit.slope_se, 4) == 0.0756 and round(fit.r_squared, 4) == 0.9893


def test_readiness_projects_where_the_trend_meets_the_demand_with_a_range():
    points = [(START + timedelta(days=d), v) for d, v in [(0, 10.0), (7, 12.0), (14, 15.0), (21, 16.0)]]
    result = readiness.demand_readiness(points, 23.0, START + timedelta(days=21), START + timedelta(days=28))
    assert result.status == "projected"
    # slope = 2.1 kg/week = 0.3 kg/day; mean (10.5 d, 13.25 kg): 10.5 + 9.75 / 0.3 = 43 days.
    assert result.ready_on == START + timedelta(days=43)
    assert result.earliest < result.ready_on < result.latest


def test_readiness_moves_with_the_trend_of_the_worked_example():
    projected = []
    for n in (4, 6, 10, 11):
        log = example(n)
        points = capacity.observations(log, "lift_floor_waist", "occasional")
        projected.append(readiness.demand_readiness(points, 23.0, log[-1].day, START + timedelta(days=28)))
    assert [(p.ready_on - START).days for p in projected] == [32, 37, 39, 40]
    widths = [(p.latest - p.earliest).days for p in projected]
    assert widths == [26, 30, 8, 6]  # the range narrows as sessions accumulate (a regression widened it once)
    met = readiness.demand_readiness(
        capacity.observations(example(12), "lift_floor_waist", "occasional"), 23.0, START + timedelta(days=25), START
    )
    assert (met.status, met.ready_on) == ("met", START + timedelta(days=25))


def test_a_flat_trend_projects_no_date_and_no_data_falls_back_on_the_plan():
    flat = [(START, 10.0), (START + timedelta(days=7), 10.0)]
    assert readiness.demand_readiness(flat, 23.0, START, START).status == "not_progressing"
    fallback = readiness.demand_readiness([], 23.0, START, START + timedelta(days=28))
    assert (fallback.status, fallback.ready_on) == ("plan_estimate", START + timedelta(days=28))


def test_the_return_date_is_readiness_plus_the_graduated_schedule():
    assert readiness.monday_after(date(2026, 11, 27)) == date(2026, 11, 30)  # a Friday
    assert readiness.monday_after(date(2026, 11, 30)) == date(2026, 12, 7)  # a Monday: the next one
    start = date(2026, 11, 30)
    assert readiness.projected_rtw_date(start, 3, date(2026, 11, 27)) == date(2026, 12, 21)
    assert readiness.projected_rtw_date(start, 3, date(2026, 12, 24)) == date(2026, 12, 28)  # ready later


@given(
    st.lists(
        st.tuples(st.integers(0, 60), st.floats(0, 50, allow_nan=False)),
        min_size=2,
        max_size=15,
        unique_by=lambda p: p[0],
    ),
    st.floats(1, 60, allow_nan=False),
)
def test_a_projected_date_is_after_today_and_inside_its_range(raw, required):
    points = sorted((START + timedelta(days=d), v) for d, v in raw)
    as_of = points[-1][0]
    result = readiness.demand_readiness(points, required, as_of, as_of)
    if result.status == "projected":
        assert result.ready_on > as_of
        if result.earliest and result.latest:
            assert result.earliest <= result.ready_on <= result.latest
    if result.status == "met":
        assert points[-1][1] >= required
