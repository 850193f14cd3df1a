"""Table-driven tests of step matching (English pack): positive, negative, hard negative."""

import pytest

from monitor.config import CallConfig
from monitor.rules.etiquette import Etiquette
from monitor.rules.packs import load_pack
from monitor.rules.settings import RulesConfig

ETIQUETTE = Etiquette(RulesConfig(), load_pack("en"), "Brightline Energy", "Emma")

CASES = [
    # (step, text, covered?)
    ("greet_company", "Good morning, Brightline Energy, how can I help?", True),
    ("greet_company", "good morning bright line energy emma speaking", True),
    ("greet_company", "Thank you for calling Acorn Water, this is Sam.", True),
    ("greet_company", "Hi, you're through to the billing team.", True),
    ("greet_company", "Hi there, you're through to Emma, how can I help?", False),
    ("greet_company", "repairs line, you're through to Kev, what can I do for you?", True),
    ("greet_company", "good morning what'll claims this is jo speaking", True),
    ("greet_company", "I'll put you through to repairs, hold on.", False),
    ("greet_company", "Hello? Yeah?", False),
    ("introduce_self", "Brightline Energy, Emma speaking.", True),
    ("introduce_self", "hi my name's Priya and I'm calling from Lumen", True),
    ("introduce_self", "Hello, it's Dev from Solar Co, is now a good time?", True),
    ("introduce_self", "Hello, I'm calling from the fraud team.", False),
    ("introduce_self", "This is about your recent bill.", False),
    # introductions with a role or a plan after the name (no agent name configured)
    ("introduce_self", "Hi there, it's Gwen, the nurse from the Riverside surgery.", True),
    ("introduce_self", "Morning, I'm Tobias and I'll be looking after you today.", True),
    ("introduce_self", "hiya callum here from the lettings office", True),
    ("introduce_self", "thanks for holding, you're now speaking to Ines", True),
    ("introduce_self", "good morning sir, my good name is Ravi, calling from Lotus Cover", True),
    ("introduce_self", "gday marnie speak in how ya going", True),
    ("introduce_self", "right ok bear with me, my screen's slow today", False),
    ("introduce_self", "I'm the engineer, I'm afraid the part hasn't come", False),
    ("introduce_self", "hello it's about the parcel that went missing", False),
    ("introduce_self", "I'm checking the account now", False),
    ("introduce_self", "I'm booking the engineer for Friday", False),
    ("introduce_self", "I am confident I can fix it today", False),
    ("introduce_self", "I did that myself yesterday", False),
    ("introduce_self", "good morning madam, myself Ravi from the bookings team", True),
    # names the recogniser split into pieces (agent Emma configured; these are others)
    ("introduce_self", "parks and gardens, ash lean speaking, how can I help", True),
    ("introduce_self", "hiya it's mare ed from the lettings office", True),
    ("introduce_self", "hello my name is sho bah na and I'm calling from the surgery", True),
    ("introduce_self", "it's a letter from your bank, have you opened it?", False),
    ("greet_company", "parks and gardens, ash lean speaking, how can I help", True),
    ("greet_company", "you're through to harbour view lettings, this is Dan", True),
    ("greet_company", "I'm a volunteer with the office of student support", True),
    ("greet_company", "you're through to Dan, what can I do for you", False),
    ("greet_company", "hiya it's Dan from the parks maintenance team at the council", True),
    ("greet_company", "Accounts payable, what do you need?", True),
    ("greet_company", "Hello, what do you need?", False),
    ("agree_next_steps", "the team will be in touch", False),
    ("state_purpose", "It's just to confirm the delivery for Tuesday morning.", True),
    ("state_purpose", "we need to move your appointment on Friday, the nurse is off", True),
    ("greet_company", "Customer claims.", True),
    ("thank_for_time", "okay cheers then bye", False),
    ("agree_next_steps", "I'll take you off our call list today", False),
    ("agree_next_steps", "you can renew online whenever you like", False),
    ("introduce_self", "right, I've got your notes here", False),
    ("greet_company", "hi, you're through to, this is Dan, how can I help", False),
    ("offer_help", "What can I do for you today?", True),
    ("offer_help", "how may I assist you", True),
    ("offer_help", "So what seems to be the problem?", True),
    ("offer_help", "Where can I direct your call?", True),
    ("offer_help", "Reference number?", False),
    ("offer_help", "Booking reference please.", False),
    ("check_convenience", "Is now a convenient time to chat?", True),
    ("check_convenience", "Have you got a couple of minutes?", True),
    ("check_convenience", "Could you spare five minutes?", True),
    ("check_convenience", "It'll only take a second.", False),
    ("check_convenience", "Hiya, Niamh from Shannon Credit Union, have you a minute?", True),
    ("check_convenience", "so you got a second we're ringing about your renewal", True),
    ("check_convenience", "I got a minute ago a text from you lot", False),
    ("check_convenience", "Am I catching you at a good time?", True),
    ("check_convenience", "you right to have a quick chat", True),
    ("check_convenience", "May I take two minutes of your time?", True),
    ("check_convenience", "Is it convenient for you to talk, or shall I call later?", True),
    ("arrange_callback", "When would be a better time to call you back?", True),
    ("arrange_callback", "No problem, I'll ring you tomorrow at ten then.", True),
    ("arrange_callback", "I'll be super quick then.", False),
    ("arrange_callback", "No bother, I'll give you a bell back after lunch.", True),
    ("arrange_callback", "How about I ring you Thursday morning instead?", True),
    ("arrange_callback", "What day and time would suit you for a callback?", True),
    ("arrange_callback", "Did it sort itself out in the end?", False),
    ("state_purpose", "I'm calling because your contract ends this month.", True),
    ("state_purpose", "The reason for my call is your renewal.", True),
    ("state_purpose", "It's about some unusual activity on your card.", True),
    ("state_purpose", "My name's Linda, I'm calling from Castle Recoveries.", False),
    ("state_purpose", "Hi, I'm calling from Ardent Life about your policy renewal.", True),
    ("state_purpose", "no worries just ringing to sort a delivery slot for your sofa", True),
    ("state_purpose", "is this a good time to talk about your mortgage application", True),
    ("state_purpose", "It's a five-minute survey about the new tram line.", True),
    ("state_purpose", "I'm offering free boiler checks on your street this week.", True),
    ("state_purpose", "Your fixed-rate tariff ends on the thirtieth.", True),
    ("state_purpose", "I'm calling from the Harlow branch, first I need your date of birth", False),
    ("state_purpose", "Just a quick one about your meter reading.", True),
    ("state_purpose", "Reason I'm ringing, your passport renewal has come through.", True),
    ("state_purpose", "What are you calling about today?", False),
    ("resolve_or_redirect", "I've refunded the fee to your card.", True),
    ("resolve_or_redirect", "That's our mortgage team, I'll transfer you now.", True),
    ("resolve_or_redirect", "Okay, that's all sorted now.", True),
    ("resolve_or_redirect", "The system is down, I can't do anything from here.", False),
    ("resolve_or_redirect", "It's on the website somewhere.", False),
    ("resolve_or_redirect", "Right, I've lodged the claim, your number is Q R nine two.", True),
    ("resolve_or_redirect", "okay it's logged now reference A B four", True),
    ("resolve_or_redirect", "I can get an engineer out to you on Friday morning.", True),
    ("resolve_or_redirect", "we can squeeze her in at ten past four", True),
    ("resolve_or_redirect", "Our driver will bring it back to you this evening.", True),
    ("resolve_or_redirect", "I can't get anyone out this week, sorry.", False),
    ("resolve_or_redirect", "That's the late fee removed, you'll see it on your statement.", True),
    ("resolve_or_redirect", "okay your router's been reset from our end try it now", True),
    ("resolve_or_redirect", "You'll want to speak to the council, they own the bins.", True),
    ("resolve_or_redirect", "The best people for this are our claims team.", True),
    ("resolve_or_redirect", "Let me see what I can find out for you.", False),
    ("apologize_if_declined", "No worries, sorry that one doesn't suit you.", True),
    ("apologize_if_declined", "Are you sure? It's only five pounds.", False),
    ("agree_next_steps", "I'll email you the confirmation this afternoon.", True),
    # vague or no commitment: no concrete next step
    ("agree_next_steps", "We'll be in touch in due course.", False),
    ("agree_next_steps", "I'll pass it on to the team and see what they say.", False),
    ("agree_next_steps", "one sec, let me check the diary", False),
    ("agree_next_steps", "I'll make a note on the file.", False),
    ("agree_next_steps", "An engineer will call you within thirty minutes.", True),
    ("agree_next_steps", "youll get a text confirmation in a few minutes", True),
    ("agree_next_steps", "Just try the website again later, it might work.", False),
    ("agree_next_steps", "Not really, no. Anything else?", False),
    ("agree_next_steps", "I can get a plumber out tomorrow between nine and eleven.", True),
    ("agree_next_steps", "I can't get anyone out there between now and Friday, sorry.", False),
    ("agree_next_steps", "so the fitter's coming Thursday between ten and two", True),
    ("agree_next_steps", "I'll personally call you back by four with an update.", True),
    ("agree_next_steps", "The engineer came out last Tuesday and did nothing.", False),
    ("thank_for_time", "Thanks so much for your time, have a good evening.", True),
    ("thank_for_time", "Thank you for the reference, and the postcode?", False),
    ("thank_for_time", "Thanks so much for your custom, take care now.", True),
    ("thank_for_time", "thanks for colin take care bye", True),
    ("thank_for_time", "Thanks. And just to confirm, your address?", False),
    ("thank_for_time", "Right, bye then.", False),
    ("thank_for_time", "thanks a million for ringing, mind yourself", True),
    ("thank_for_time", "Lovely. Thanks so much, Gráinne, take care now.", True),
    ("thank_for_time", "Thanks a million for the account number.", False),
    ("thank_for_time", "Cheers for the chat, take it easy.", True),
    ("thank_for_time", "Thanks for hearing me out, bye now.", True),
    ("thank_for_time", "Thanks, and what's the postcode there?", False),
]


@pytest.mark.parametrize(("step", "text", "covered"), CASES)
def test_step_matching(step: str, text: str, covered: bool) -> None:
    evidence = ETIQUETTE.match(step, ETIQUETTE.prepare(text))
    assert bool(evidence) == covered, (step, text, evidence)


@pytest.mark.parametrize(
    ("condition", "text", "holds"),
    [
        ("bad_time", "Sorry, I'm driving at the moment, can you call me back?", True),
        ("bad_time", "Um, not really, I'm at work.", True),
        ("bad_time", "Yeah, go on, I've got a few minutes.", False),
        ("bad_time", "Nah, I'm just heading out the door.", True),
        ("bad_time", "Nah, I'm happy as I am, thanks.", False),  # a decline, not a bad time
        ("declined", "No thanks, I'm not interested.", True),
        ("declined", "Hmm, no, I think I'll leave it for now.", True),
        ("declined", "Yeah, go on then, do it.", False),
    ],
)
def test_conditions(condition: str, text: str, holds: bool) -> None:
    assert bool(ETIQUETTE.condition(condition, ETIQUETTE.prepare(text))) == holds


def test_company_name_is_matched_fuzzily_and_given_as_evidence() -> None:
    etiquette = Etiquette(RulesConfig(), load_pack("en"), "Greenfield Medical Centre", "")
    evidence = etiquette.match(
        "greet_company", etiquette.prepare("good morning green feel medical centre")
    )
    assert evidence == "green feel medical centre"


def test_direction_cues() -> None:
    assert (
        ETIQUETTE.direction_cue(ETIQUETTE.prepare("Thank you for calling, how can I help?"))
        == "inbound"
    )
    cue = ETIQUETTE.direction_cue(
        ETIQUETTE.prepare("Hi, I'm calling from Zoomnet about your broadband.")
    )
    assert cue == "outbound"
    assert CallConfig().direction == "auto"
