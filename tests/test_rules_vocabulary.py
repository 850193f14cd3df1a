"""Broadened vocabulary of the structural scorer (lang/en.features.toml), by category.

Written from imagination after heldout5, not copied from any labelled call. Positives use
the families (mockery of the listener's intelligence, ability or job; conditional menace)
with words the earlier tables never used; hard negatives share those words without the
hostility: agents explaining, customers running themselves down, friendly endearments,
praise, factual enforcement notices and reported insults.
"""

import pytest

from monitor.rules.hostility import HostilityScorer
from monitor.rules.packs import load_pack
from monitor.rules.settings import HostilitySettings

SCORER = HostilityScorer(load_pack("en"), HostilitySettings())

MOCKERY = [
    "No rush, sweetheart, I know sentences with more than two words are a lot for you.",
    "Is this too much for your little brain, or shall I start again?",
    "Do they give you a sticker every time you find the right button?",
    "Well done. Only took you four goes. Do you want a biscuit for that?",
    "Even your work experience kid could have sorted this in five minutes.",
    "Honestly, even the cleaner could follow that instruction, it's one link.",
    "Stuck on a phone all day because you couldn't get a real job, is it?",
    "Is that the best you could get, reading out refunds to people?",
    "Numbers with more than three digits must be a real challenge for you, mate.",
    "Can you count to five yet, or is that still on the induction course?",
    "Spelling isn't everyone's forte, I suppose, but it's my name, love.",
    "Above your pay grade, is it, pressing a refund button?",
    "Am I going too fast for you? I'll slow down, shall I.",
    "Bless you, you tried, but that's not even the right account.",
    "It's not rocket science. Even you could manage a form with four boxes.",
    "Adding up clearly isn't your strong point, is it, sunshine?",
    "Poor thing, must be very confusing for you, all these numbers.",
    "Maybe if you'd read your own terms you'd know, but reading's hardly your thing.",
    "Oh well done, three weeks to work out a postcode. Give yourself a pat on the back.",
    "I'll spell it out for you, since basic words seem to be a struggle.",
    "Did you find it hard with the big numbers? Take your time, love, we've got all day.",
    "Still on your first week, are you? Bless your little heart.",
]

THREATS = [
    "I know where your warehouse is, I know your shift pattern, so you'd better watch yourself.",
    "If this isn't refunded by Friday you won't like what happens next.",
    "Don't make me come down there. You really don't want that.",
    "I'll have some lads round at your house if that money's not back.",
    "I'll make sure the whole estate knows exactly what you did.",
    "I know who you are now, I know your name. You'll regret this.",
    "It would be a shame if something happened to that shiny new van of yours.",
    "I know where your branch manager lives. Something could happen to him.",
    "You don't know who you're dealing with. I know people who'd sort you out.",
    "I'll be outside when you finish, I know what you look like.",
    "Sleep with one eye open, I know where your office is.",
    "Keep looking over your shoulder. I know your car.",
    "Sort it or people will be knocking at your door, and the whole street will hear about it.",
    "I'll find out where you live and then things could get nasty.",
    "Your engineer had better mind himself, I know what route he takes home.",
    "I know where that driver of yours parks. Accidents happen.",
    "Unless it's sorted tonight, I'll come round there myself, and you'll be sorry.",
    "You should watch your tyres, I know which van you drive.",
]

NOT_MOCKERY = [
    "It's a simple reset, I'll walk you through it, no rush at all.",
    "I'm rubbish with numbers, sorry, can you read it out again?",
    "My brain's completely fried today, bear with me.",
    "Thanks love, that's really helpful.",
    "Cheers mate, you've been brilliant.",
    "Well done, that's sorted, brilliant. You should see the refund on Monday.",
    "That must be very difficult for you, I'm so sorry about your dad.",
    "I know it's a lot to take in, so I'll send it in writing as well.",
    "Take your time, love, there's no rush, I'll stay on the line.",
    "Even my nan uses this app now, I'm quite proud of her.",
    "My son's still in training at the fire station, so he's on odd shifts.",
    "He got a proper job at last, so we can afford the bigger package.",
    "It's not rocket science, honestly, you'll pick it up in no time.",
    "Spelling isn't my strong point, so could you check the address for me?",
    "She called me thick and said I couldn't count, can you believe it?",
    "Bless you! Sounds like a nasty cold.",
    "The password has to have more than eight letters and one number.",
    "Count to ten, then plug the router back in.",
    "The kids get a gold star sticker at the dentist, they love it.",
    "Poor thing, the dog's been poorly all week.",
    "I'd have thought the refund would show by now, could you check for me?",
    "Am I going too fast? Just stop me if you need me to repeat anything.",
]

NOT_THREATS = [
    "If the balance isn't paid, the account will be passed to a collection agency.",
    "An enforcement agent may visit your property if the debt remains unpaid.",
    "I know where your office is, I'll drop the signed form in on Monday.",
    "We'll have an engineer round at your house between eight and one.",
    "You'll regret not fixing the rate, prices are going up next month, honestly.",
    "Make sure everyone in the house knows the new Wi-Fi password.",
    "I'll be waiting for the courier all day, so any time is fine.",
    "Watch yourself on the stairs, the engineer said they're loose.",
    "I know what you mean, it's the same at my work.",
    "Something could happen to the parcel if it's left outside, can you hold it?",
    "I know your name from the letter, Mr Patel, is that right?",
    "Things could get messy if we fit it on a rainy day, so shall we book Tuesday?",
    "He said he knows where I live and he'll be waiting, I'm scared, that's why I'm ringing.",
    "My neighbours will let the delivery driver in if I'm out.",
    "If it's not fixed by Friday I'll have to go to the ombudsman.",
    "Unless it's paid today, a late fee will be added to the account.",
    "I'll come round there myself to collect it, if that's easier.",
    "Keep looking over your shoulder when reversing, the sensor's broken.",
]


@pytest.mark.parametrize("text", MOCKERY)
def test_mockery_in_new_words_is_flagged(text: str) -> None:
    assert {f.category for f in SCORER.flags(text)} & {"harassment", "insult"}, text


@pytest.mark.parametrize("text", THREATS)
def test_veiled_menace_in_new_words_is_a_threat(text: str) -> None:
    assert "threat" in {f.category for f in SCORER.flags(text)}, text


@pytest.mark.parametrize("text", NOT_MOCKERY + NOT_THREATS)
def test_hard_negatives_sharing_the_words_are_not_flagged(text: str) -> None:
    assert SCORER.flags(text) == [], text
