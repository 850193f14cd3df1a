"""Live behaviour of CallJudge: partial flags, withdrawal, windows, stay_polite, direction."""

from dataclasses import replace

from monitor.config import CallConfig
from monitor.rules.judge import CallJudge, judge_segments
from monitor.rules.settings import HostilitySettings, RulesConfig
from monitor.store import effective_flags
from monitor.types import DirectionEvent, FlagEvent, Segment, StepEvent


def seg(uid: int, speaker: str, text: str, start: float, final: bool = True) -> Segment:
    return Segment(speaker, uid, start, start + 2.0, text, final)  # type: ignore[arg-type]


def status(judge: CallJudge) -> dict[str, str]:
    return {s.step_id: s.status for s in judge.steps()}


def test_flag_fires_on_partial_once_and_is_withdrawn_when_final_drops_it() -> None:
    judge = CallJudge(RulesConfig(), CallConfig(direction="inbound"))
    first = judge.feed(seg(3, "customer", "this is fucking", 5.0, final=False))
    flags = [e for e in first if isinstance(e, FlagEvent)]
    assert [f.category for f in flags] == ["profanity"] and not flags[0].final
    again = judge.feed(seg(3, "customer", "this is fucking useless", 5.0, final=False))
    assert not [e for e in again if isinstance(e, FlagEvent)]  # same words: not shown twice
    final = judge.feed(seg(3, "customer", "this is fixing it, thanks", 5.0, final=True))
    withdrawn = [e for e in final if isinstance(e, FlagEvent)]
    assert len(withdrawn) == 1 and withdrawn[0].withdrawn and withdrawn[0].category == "profanity"
    assert judge.flags() == []


def test_flag_confirmed_by_final_stays_active() -> None:
    judge = CallJudge(RulesConfig(), CallConfig(direction="inbound"))
    judge.feed(seg(1, "customer", "you absolute", 1.0, final=False))
    events = judge.feed(seg(1, "customer", "you absolute bastard", 1.0, final=True))
    assert [e.category for e in events if isinstance(e, FlagEvent)] == ["insult"]
    assert [f.turn for f in judge.flags()] == [1]


def test_opening_step_missed_when_window_passes() -> None:
    judge = CallJudge(RulesConfig(), CallConfig(direction="inbound", company="Acme"))
    judge.feed(seg(0, "agent", "Hello?", 0.0))
    judge.feed(seg(1, "customer", "Hi, my parcel is late.", 3.0))
    judge.feed(seg(2, "agent", "Okay. Order number?", 6.0))
    judge.feed(seg(3, "customer", "A B one two three.", 9.0))
    judge.feed(seg(4, "agent", "Right.", 12.0))
    assert status(judge)["greet_company"] == "pending"
    events = judge.feed(seg(5, "customer", "So where is it?", 15.0))
    events += judge.feed(seg(6, "agent", "This is Acme, by the way.", 18.0))
    missed = {e.step_id for e in events if isinstance(e, StepEvent) and e.status == "missed"}
    assert {"greet_company", "introduce_self", "offer_help"} <= missed
    assert status(judge)["greet_company"] == "missed"


def test_stay_polite_covered_then_broken() -> None:
    judge = CallJudge(RulesConfig(), CallConfig(direction="inbound"))
    assert status(judge)["stay_polite"] == "n/a"
    judge.feed(seg(0, "agent", "Acme support, how can I help?", 0.0))
    judge.feed(seg(1, "customer", "Are you stupid or something?", 3.0))
    assert status(judge)["stay_polite"] == "covered"
    judge.feed(seg(2, "agent", "I'm sorry, let me check that.", 6.0))
    assert status(judge)["stay_polite"] == "covered"
    events = judge.feed(seg(3, "agent", "Shut up, you idiot.", 9.0))
    step = [e for e in events if isinstance(e, StepEvent) and e.step_id == "stay_polite"]
    assert step and step[0].status == "missed" and step[0].turn == 3


def test_conditional_step_applies_only_after_its_condition() -> None:
    judge = CallJudge(RulesConfig(), CallConfig(direction="outbound"))
    judge.feed(seg(0, "agent", "Hi, it's Sam from Acme. Is this a good time to talk?", 0.0))
    assert status(judge)["arrange_callback"] == "n/a"
    judge.feed(seg(1, "customer", "Not really, I'm driving.", 4.0))
    assert status(judge)["arrange_callback"] == "pending"
    judge.feed(seg(2, "agent", "No problem, I'll call you back tomorrow at ten.", 7.0))
    assert status(judge)["arrange_callback"] == "covered"


def test_a_decline_counts_even_when_the_purpose_was_not_recognised() -> None:
    """The apology step used to wait for a recognised purpose, so one missed purpose
    phrasing cost two decisions; past the opening, a decline opens it on its own."""
    judge = CallJudge(RulesConfig(), CallConfig(direction="outbound"))
    judge.feed(seg(0, "agent", "Hello, is that Mr Okafor?", 0.0))
    judge.feed(seg(1, "customer", "Yes, speaking.", 3.0))
    judge.feed(seg(2, "agent", "Hi, Dara from Crestline Broadband, have you a minute?", 5.0))
    judge.feed(seg(3, "customer", "Go on.", 9.0))
    judge.feed(seg(4, "agent", "Fibre's arrived on your road, first year half price.", 11.0))
    assert status(judge)["state_purpose"] != "covered"  # no pattern knows this phrasing
    judge.feed(seg(5, "customer", "No thanks, I'm happy with what I have.", 16.0))
    assert status(judge)["apologize_if_declined"] == "pending"
    judge.feed(seg(6, "agent", "No bother at all, sorry it's not for you.", 19.0))
    assert status(judge)["apologize_if_declined"] == "covered"


def test_a_bad_time_early_in_the_call_is_not_a_decline() -> None:
    judge = CallJudge(RulesConfig(), CallConfig(direction="outbound"))
    judge.feed(seg(0, "agent", "Hello, is that Mrs Tan?", 0.0))
    judge.feed(seg(1, "customer", "Yes?", 3.0))
    judge.feed(seg(2, "agent", "It's Wei from Harbour Gas, is now okay?", 5.0))
    judge.feed(seg(3, "customer", "Not really, no, I'm driving.", 9.0))
    assert status(judge)["arrange_callback"] == "pending"
    assert status(judge)["apologize_if_declined"] == "n/a"


def test_auto_direction_is_decided_and_changeable() -> None:
    judge = CallJudge(RulesConfig(), CallConfig(direction="auto"))
    assert judge.direction is None
    events = judge.feed(seg(0, "agent", "Hi, I'm calling from Zoomnet about your broadband.", 0.0))
    decided = [e for e in events if isinstance(e, DirectionEvent)]
    assert decided and decided[0].direction == "outbound" and decided[0].decided_by == "auto"
    assert status(judge)["offer_help"] == "n/a"
    judge.set_direction("inbound")
    assert judge.direction == "inbound" and status(judge)["check_convenience"] == "n/a"
    assert status(judge)["offer_help"] != "n/a"


def test_mixed_speaker_counts_for_steps_and_flags_are_attributed_to_mixed() -> None:
    segments = [
        seg(0, "mixed", "Thank you for calling Acme, this is Jo, how can I help?", 0.0),
        seg(1, "mixed", "my bloody shit router died", 3.0),
        seg(
            2, "mixed", "I've sent a new one, it'll be delivered tomorrow. Thanks for calling.", 6.0
        ),
    ]
    steps, flags, direction = judge_segments(segments, RulesConfig(), CallConfig(company="Acme"))
    by_id = {s.step_id: s.status for s in steps}
    assert direction == "inbound"
    assert by_id["greet_company"] == by_id["offer_help"] == by_id["agree_next_steps"] == "covered"
    assert [(f.speaker, f.category) for f in flags] == [("mixed", "profanity")]
    assert by_id["stay_polite"] == "n/a"


def test_finish_marks_pending_steps_missed_and_early_thanks_is_not_closing() -> None:
    judge = CallJudge(RulesConfig(), CallConfig(direction="inbound", company="Acme"))
    judge.feed(seg(0, "agent", "Thank you for calling Acme, booking reference please.", 0.0))
    judge.feed(seg(1, "customer", "S H one two.", 3.0))
    judge.feed(seg(2, "agent", "Okay.", 6.0))
    judge.finish(9.0)
    final = status(judge)
    assert final["thank_for_time"] == "missed" and final["resolve_or_redirect"] == "missed"
    assert final["greet_company"] == "covered"


def test_reload_rejudges_the_call_with_new_thresholds() -> None:
    judge = CallJudge(RulesConfig(), CallConfig(direction="inbound"))
    assert next(e.step_id for e in judge.start() if isinstance(e, StepEvent)) == "greet_company"
    judge.feed(seg(0, "agent", "Acme, how can I help?", 0.0))
    judge.feed(seg(1, "customer", "oh shit, my router", 3.0))
    assert [f.turn for f in judge.flags()] == [1]
    strict = RulesConfig(hostility=HostilitySettings(profanity=5.0))
    state = judge.reload(strict, CallConfig(direction="inbound"))
    assert judge.flags() == []
    assert [(e.turn, e.withdrawn) for e in state if isinstance(e, FlagEvent)] == [(1, True)]
    assert {s.step_id: s.status for s in judge.steps()}["offer_help"] == "covered"


def test_reload_sends_the_steps_that_flipped_and_nothing_unchanged() -> None:
    judge = CallJudge(RulesConfig(), CallConfig(direction="inbound"))
    # ("Zephyr Optics, how can I help?" names the company by its place alone)
    judge.feed(seg(0, "agent", "Good morning, how can I help you today at Zephyr Optics?", 0.0))
    judge.feed(seg(1, "customer", "my glasses broke, damn it", 3.0))
    assert status(judge)["greet_company"] == "pending"  # no company configured
    events = judge.reload(RulesConfig(), CallConfig(direction="inbound", company="Zephyr Optics"))
    changed = [(e.step_id, e.status) for e in events if isinstance(e, StepEvent)]
    assert changed == [("greet_company", "covered")]
    assert not [e for e in events if isinstance(e, FlagEvent)]  # the flag stands unchanged
    assert [f.turn for f in judge.flags()] == [1]


def test_set_direction_auto_decides_again_from_the_turns_so_far() -> None:
    judge = CallJudge(RulesConfig(), CallConfig(direction="inbound"))
    judge.feed(seg(0, "agent", "Hi, it's Sam at Zoomnet, I'm calling about your contract.", 0.0))
    judge.feed(seg(1, "customer", "Oh right, okay.", 4.0))
    assert status(judge)["state_purpose"] == "n/a"
    events = judge.set_direction("auto")
    assert DirectionEvent("outbound", "auto") in events and judge.direction == "outbound"
    flipped = {e.step_id: e.status for e in events if isinstance(e, StepEvent)}
    assert flipped["state_purpose"] == "covered" and flipped["offer_help"] == "n/a"
    judge.set_direction("inbound")
    assert judge.set_direction("auto")[0] == DirectionEvent("outbound", "auto")


def test_set_direction_auto_before_any_agent_turn_waits_for_a_cue() -> None:
    judge = CallJudge(RulesConfig(), CallConfig(direction="outbound"))
    events = judge.set_direction("auto")
    assert judge.direction is None and not [e for e in events if isinstance(e, DirectionEvent)]
    assert status(judge)["offer_help"] == "pending"  # may apply again
    events = judge.feed(seg(0, "agent", "Thanks for calling Acme, how can I help?", 0.0))
    assert DirectionEvent("inbound", "auto") in events


def test_final_text_confirms_a_partial_flag_with_the_same_identity() -> None:
    judge = CallJudge(RulesConfig(), CallConfig(direction="inbound"))
    [partial] = judge.feed(seg(4, "customer", "this is bullshit", 5.0, final=False))
    assert isinstance(partial, FlagEvent) and not partial.final
    events = judge.feed(seg(4, "customer", "this is bullshit honestly", 5.0, final=True))
    [confirmed] = [e for e in events if isinstance(e, FlagEvent)]
    assert confirmed.final and not confirmed.withdrawn
    assert (confirmed.turn, confirmed.category, confirmed.terms) == (4, "profanity", ("bullshit",))
    assert effective_flags([partial, confirmed]) == (confirmed,)  # what the store keeps


def test_one_flag_per_utterance_names_the_most_serious_category_with_all_terms() -> None:
    judge = CallJudge(RulesConfig(), CallConfig(direction="inbound"))
    events = judge.feed(seg(2, "customer", "are you deaf or something, you fucking idiot", 3.0))
    [flag] = [e for e in events if isinstance(e, FlagEvent)]
    assert flag.category == "harassment" and flag.final
    # every category's words, each once: "idiot" and "fucking" stand inside the insult
    assert flag.terms == ("are you deaf or something", "you fucking idiot")
    assert judge.flags() == [flag]


def test_a_more_serious_category_later_in_the_utterance_replaces_the_flag() -> None:
    judge = CallJudge(RulesConfig(), CallConfig(direction="inbound"))
    [first] = judge.feed(seg(7, "customer", "you bloody idiot", 1.0, final=False))
    events = judge.feed(seg(7, "customer", "you bloody idiot, I know where you live", 1.0))
    flags = [e for e in events if isinstance(e, FlagEvent)]
    assert [(f.category, f.withdrawn) for f in flags] == [(first.category, True), ("threat", False)]
    assert [(f.category, f.final) for f in judge.flags()] == [("threat", True)]


def test_settled_text_rejudges_the_call_and_sends_only_what_changed() -> None:
    """Settled text replaces live finals: a greeting the live text garbled is covered, a
    flag on words the settled text no longer has is withdrawn, nothing else is re-sent."""
    judge = CallJudge(RulesConfig(), CallConfig(direction="inbound", company="Acme"))
    judge.feed(seg(0, "agent", "Thank you for coling. How can I help?", 0.0))
    judge.feed(seg(1, "customer", "My parcel is so damn late, you idiot.", 3.0))
    assert status(judge)["greet_company"] == "pending"
    assert [f.turn for f in judge.flags()] == [1]
    polite_before = status(judge)["stay_polite"]
    settled = [
        replace(seg(0, "agent", "Thank you for calling Acme. How can I help?", 0.0), revised=True),
        replace(seg(1, "customer", "My parcel is so late, you see.", 3.0), revised=True),
    ]
    events = judge.revise(settled)
    steps = {e.step_id: e.status for e in events if isinstance(e, StepEvent)}
    assert steps["greet_company"] == "covered"
    assert "offer_help" not in steps  # covered before and after: not re-sent
    flags = [e for e in events if isinstance(e, FlagEvent)]
    assert len(flags) == 1 and flags[0].withdrawn and flags[0].turn == 1
    assert judge.flags() == []
    assert polite_before == "covered" and status(judge)["stay_polite"] == "n/a"


def test_settled_text_for_speech_the_live_pass_dropped_is_judged_in_time_order() -> None:
    judge = CallJudge(RulesConfig(), CallConfig(direction="inbound", company="Acme"))
    judge.feed(seg(5, "customer", "Hello?", 4.0))
    events = judge.revise([replace(seg(9, "agent", "Acme, how can I help?", 0.0), revised=True)])
    covered = {e.step_id for e in events if isinstance(e, StepEvent) and e.status == "covered"}
    assert {"greet_company", "offer_help"} <= covered
    assert [s.utterance_id for s in judge._segments.values()] == [9, 5]
