"""Structural families (monitor/rules/features.py): demeaning remarks and veiled threats.

Written from imagination, not copied from any labelled call: each positive is a new
wording of a competence / intelligence / class / language attack or of veiled menace;
each hard negative shares the surface words (script, English, slowly, at least, properly,
"I know where", "I'll kill him") without the hostility.
"""

import pytest

from monitor.rules.hostility import HostilityScorer
from monitor.rules.packs import load_pack
from monitor.rules.settings import HostilitySettings

SCORER = HostilityScorer(load_pack("en"), HostilitySettings())

DEMEANING = [
    "Do they even train you people before they let you loose on the phones?",
    "Is there anyone there who actually understands English, or is that too much to ask?",
    "Wow. Did you even finish school?",
    "I'll use small words for you, shall I?",
    "Perhaps if you'd learnt to read you'd have seen the due date, wouldn't you?",
    "At least I know how to do my job, love.",
    "Oh brilliant, another one reading off the script.",
    "Spelling was never your strong point, was it?",
    "Maybe if you actually listened you wouldn't have to ask me three times, would you?",
    "Right, I'll go v-e-r-y s-l-o-w-l-y this time.",
    "Did they hand you a headset this morning and just hope for the best?",
    "Is reading the script the only thing they let you do?",
    "Thinking isn't for everyone, I suppose.",
    "Oh great, you lot clearly never learned to count.",
    "Honestly, is this too complicated for you?",
    "Can you put me on to somebody who can actually speak English?",
    "Let me say that again for the rest of us normal people.",
    "Well at least I went to school, sir.",
    "I can't make out a single word you're saying, do they not hire people who speak English?",
    "Were you actually trained or did they just give you a headset?",
]

NOT_DEMEANING = [
    "Could you say that a bit more slowly, please? I'm writing it down.",
    "Do you speak Spanish? My English is not very good.",
    "Is there someone who speaks Polish? My mum doesn't understand English well.",
    "At least it's sunny today.",
    "At least I can afford the deposit now, that's something.",
    "I'm reading off the script here, sorry, it's what they give us for this part.",
    "I have to read this part from a script, it's a regulatory requirement.",
    "Did they train you on the new system yet? It's a bit confusing.",
    "He was properly trained, he's been doing this for years.",
    "Reading the terms isn't for everyone, but the summary on page one covers it.",
    "Would you be able to do that for me, would you?",
    "Maybe if you restart the router it will come back, could you try that?",
    "My son has just learned to drive, so we need to add him to the policy.",
    "Oh great, that's sorted then, thank you.",
    "Wow, that was quick, thanks so much.",
    "I'll explain it step by step so it's easy to follow.",
    "The driver was rude, he said I couldn't even speak English.",
    "Normal people don't get charged twice, surely, that's why I'm calling.",
    "I didn't finish the form properly, can you help me with it?",
    "Your colleague actually listened to me last time and sorted it.",
]

THREATS = [
    "If he parks across my drive again I'll put his lights out.",
    "I know where your office is and I know what time you finish.",
    "Tell that engineer he'd better watch his back.",
    "I'll be waiting for him outside when he comes back, mark my words.",
    "I know which car he drives and where he lives.",
    "He'll get what's coming to him, I'm telling you now.",
    "Next time I see your driver I'll sort him out properly.",
    "He won't know what hit him, I mean it.",
    "Tell him I know where he works.  He wants to watch his step.",
    "Tell your manager I know where the depot is and I'll be waiting for her.",
    "i know what she looks like and what time she leaves i am warning you",
    "Watch your back, I know where your kids go to school.",
]

NOT_THREATS = [
    "Honestly, I'll kill him, he's chewed through the charger again.",
    "I could kill her, she's drawn all over the new sofa.",
    "I'll sort it out myself, don't worry.",
    "I know where your depot is, I'll just pick the parcel up from there.",
    "I know what he looks like, he's tall with a grey beard, he took the parcel.",
    "He needs to watch his back after the operation, the doctor said.",
    "I'll be waiting for the engineer from eight, is that alright?",
    "I'll put the lights out when I leave, no problem.",
    "Mark my words, prices will go up again next year.",
    "I'm telling you now, the meter reading is wrong.",
    "I know where he lives, he's my neighbour, could you deliver it there?",
    "Next time I see the driver I'll give him a tip, he was lovely.",
]


@pytest.mark.parametrize("text", DEMEANING)
def test_demeaning_turns_are_flagged(text: str) -> None:
    assert {f.category for f in SCORER.flags(text)} & {"harassment", "insult"}, text


@pytest.mark.parametrize("text", NOT_DEMEANING)
def test_look_alike_ordinary_turns_are_not_flagged(text: str) -> None:
    assert SCORER.flags(text) == [], text


@pytest.mark.parametrize("text", THREATS)
def test_veiled_threats_are_flagged(text: str) -> None:
    assert "threat" in {f.category for f in SCORER.flags(text)}, text


@pytest.mark.parametrize("text", NOT_THREATS)
def test_exasperation_errands_and_descriptions_are_not_threats(text: str) -> None:
    assert SCORER.flags(text) == [], text
