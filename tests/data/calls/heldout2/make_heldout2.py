# ruff: noqa: E501  (data: one call line per source line)
"""Writes the second held-out set (run once; the JSON files are the fixtures).

Written and labelled before any scoring, by the conventions of
shared/eval/calls/dev/README.md, with industries, companies, names and phrasings that
are in neither the dev set nor tests/data/calls/heldout: ASR-style lowercase calls with
misheard names, subtle (swear-free) hostility, agent hostility, and hard negatives.
"""

import json
from pathlib import Path

HERE = Path(__file__).parent
IN = ("greet_company", "introduce_self", "offer_help", "resolve_or_redirect", "agree_next_steps", "thank_for_time")
OUT = ("greet_company", "introduce_self", "check_convenience", "state_purpose", "agree_next_steps", "thank_for_time")


def steps(base, *values, **extra):
    return dict(zip(base, values, strict=True)) | extra


CALLS = [
    (
        "hd-01-lettings-asr", "inbound", "Harbourside Lettings", "Siobhan",
        [
            "A: harbour side lettings shiv on speaking how can i help",
            "C: yeah hi um the boiler in my flat's packed in again and honestly it's doing my head in",
            "A: oh no sorry to hear that whats the address",
            "C: forty two cockburn street flat b",
            "A: right ive logged a repair and an engineer will call you tomorrow morning to book a slot",
            "C: brilliant cheers",
            "A: no worries thanks for calling bye",
        ],
        steps(IN, True, True, True, True, True, True), [],
    ),
    (
        "hd-02-courier-sarcasm", "inbound", "Swiftline Parcels", "Kwame",
        [
            "A: Good afternoon, Swiftline Parcels, Kwame here, what can I help you with?",
            "C: Hi. Third missed delivery this week. The driver says nobody was in, I was sat by the door all day.",
            "A: I'm sorry about that. Can I take the tracking number?",
            "C: Wow, amazing service as always. Do they hire anyone who can actually read a map, or is that too much to ask?",
            "A: I understand the frustration. Could you give me the tracking number so I can look?",
            "C: Let me spell it out for you nice and slowly since you're clearly struggling. S L, nine nine four, B.",
            "A: Thank you. I've rebooked the delivery for tomorrow morning and flagged it so the driver rings you on arrival.",
            "C: Fine.",
            "A: You'll get a text with a one hour window tonight. Thanks for your patience today.",
        ],
        steps(IN, True, True, True, True, True, True, stay_polite=True), [3, 5],
    ),
    (
        "hd-03-dentist-outbound-bad-time", "outbound", "Brightsmile Dental", "Ines",
        [
            "A: Hi, is that Mr Okafor? It's Ines from Brightsmile Dental.",
            "C: Yeah, speaking.",
            "A: I'm just ringing to remind you your check-up is overdue. Is now an okay time?",
            "C: Not really, I'm about to go into a meeting.",
            "A: No problem at all, I'll give you a ring back after five today then.",
            "C: Yeah, that's fine.",
            "A: Lovely. Thanks for your time, speak later.",
        ],
        steps(OUT, True, True, True, True, True, True, arrange_callback=True), [],
    ),
    (
        "hd-04-gym-agent-snaps", "inbound", "Iron Peak Fitness", "Callum",
        [
            "A: Iron Peak Fitness, Callum speaking.",
            "C: I want to cancel my membership. You've charged me twice this month, this is absolute bollocks.",
            "A: Right. Membership number?",
            "C: I've given it three times already. Four four eight two one.",
            "A: Look mate, if you can't read a contract that's your problem, not mine.",
            "C: Unbelievable. I'm reporting you to trading standards.",
            "A: Fine. I've cancelled it from the end of the month.",
            "C: And the double charge?",
            "A: You'll get the refund in five working days.",
        ],
        steps(IN, True, True, False, True, True, False, stay_polite=False), [1, 4],
    ),
    (
        "hd-05-home-insurance-asr", "inbound", "Oakmere Home Insurance", "Dmitri",
        [
            "A: oak mia home insurance dimitri speaking how can i help",
            "C: hi yeah my kitchen ceiling came down last night theres water everywhere its a nightmare",
            "A: oh gosh okay lets get a claim started for you whats your policy number",
            "C: o h m seven seven three one",
            "A: thanks ive opened the claim and ive arranged an emergency plumber hes with you by six tonight",
            "C: thank god for that my husband said i was mad to even bother ringing",
            "A: well im glad you did a claims handler will call you tomorrow to arrange the loss adjuster",
            "C: great",
            "A: thank you for calling oak mia and take care",
        ],
        steps(IN, True, True, True, True, True, True), [],
    ),
    (
        "hd-06-mobile-outbound-declined", "outbound", "Lumen Mobile", "Raj",
        [
            "A: Hello, this is Raj calling from Lumen Mobile, have you got two minutes?",
            "C: Go on then.",
            "A: We're offering existing customers unlimited data for five pounds more a month.",
            "C: No thanks, I barely use what I've got.",
            "A: Sorry it's not one for you. I'll email you a summary of your current plan anyway so you have it.",
            "C: Okay, ta.",
            "A: Thanks for your time, have a good evening.",
        ],
        steps(OUT, True, True, True, True, True, True, apologize_if_declined=True), [],
    ),
    (
        "hd-07-charity-vultures", "outbound", "Hope Harbour Trust", "Aoife",
        [
            "A: Hi there, my name's Aoife, I'm calling on behalf of Hope Harbour Trust, is now a good time?",
            "C: How did you get this number?",
            "A: You signed up at our stand in Leeds last year. I'm ringing to thank you for your donation and to ask about monthly giving.",
            "C: Oh for crying out loud. Stop ringing me, you people are vultures, preying on pensioners.",
            "A: I'm sorry to have bothered you. I'll take you off our call list today.",
            "C: Good.",
            "A: Thank you for your time, goodbye.",
        ],
        steps(OUT, True, True, True, True, True, True, apologize_if_declined=True, stay_polite=True), [3],
    ),
    (
        "hd-08-it-desk-profanity", "inbound", "Northgate University", "Mei",
        [
            "A: IT service desk, you're through to Mei, what's the problem?",
            "C: hiya, my laptop has completely shit the bed, it won't boot past the logo",
            "A: Okay, has it had any updates recently?",
            "C: no idea, this machine is a useless piece of junk to be honest",
            "A: Bring it to the desk in the library and we'll swap it for a loan laptop while we fix it.",
            "C: ace",
            "A: Your ticket number is five five two one, we'll email you when it's ready.",
            "C: cheers, you're a lifesaver",
            "A: No bother, thanks for getting in touch.",
        ],
        steps(IN, True, True, True, True, True, True, stay_polite=True), [1],
    ),
    (
        "hd-09-car-hire-threat", "inbound", "Meridian Car Hire", "Yusuf",
        [
            "A: Meridian Car Hire, Yusuf speaking, how can I help today?",
            "C: You charged me three hundred quid for a scratch that was already there.",
            "A: I'm sorry to hear that, let me pull up the booking. Can I take your reference?",
            "C: M C H eight eight one two. And I swear, if that money isn't back by Friday I'll come down to your branch and you'll regret it.",
            "A: I understand you're upset. I've raised a dispute and sent the check-out photos to our damages team.",
            "C: Whatever.",
            "A: The damages team will contact you within forty-eight hours.",
            "C: They'd better.",
            "A: Thanks for calling Meridian.",
        ],
        steps(IN, True, True, True, True, True, True, stay_polite=True), [3],
    ),
    (
        "hd-10-restaurant-hard-negatives", "inbound", "The Copper Kettle", "Hamish",
        [
            "A: good evening the copper kettle hamish speaking",
            "C: hiya, I'd like a table for six on Saturday, it's my mum's sixtieth and she's dead set on your sticky toffee pudding",
            "A: Lovely, I've booked you in for seven pm on Saturday for six.",
            "C: Brilliant. The last place we went was an absolute disaster, the waiter was a total nightmare.",
            "C: My brother Dick is coming down from Penistone, he'll be over the moon.",
            "A: Ha, great. We'll send a text confirmation tonight.",
            "C: That's killer, cheers.",
            "A: thanks for booking with us see you saturday",
        ],
        steps(IN, True, True, False, True, True, True), [],
    ),
    (
        "hd-11-debt-outbound-swearing", "outbound", "Calder Credit Recoveries", "Nkechi",
        [
            "A: Good morning, could I speak to Mr Brennan please?",
            "C: Who's asking?",
            "A: My name's Nkechi from Calder Credit Recoveries. I'm calling about an outstanding balance on your account.",
            "C: Oh piss off, I paid that fucking thing months ago.",
            "A: I understand. If you've paid, I can check that for you. Do you have a payment reference?",
            "C: Somewhere in my emails.",
            "A: No problem, I'll email you a form so you can send proof of payment, and I'll put the account on hold for fourteen days.",
            "C: Fine.",
            "A: Thank you for your time, Mr Brennan.",
        ],
        steps(OUT, True, True, False, True, True, True, stay_polite=True), [3],
    ),
    (
        "hd-12-fibre-asr-agent-condescending", "inbound", "Kestrel Fibre", "Bjorn",
        [
            "A: kestrel five a bjorn here what can i do for you",
            "C: hi um my wifi keeps dropping out every evening",
            "A: have you tried turning the router off and on",
            "C: yes i did that first",
            "A: right well some people find the on off switch a bit tricky so lets go nice and slowly shall we",
            "C: wow okay",
            "A: ive booked an engineer for thursday between eight and one",
            "C: fine",
            "A: thanks for calling",
        ],
        steps(IN, True, True, True, True, True, True), [4],
    ),
    (
        "hd-13-energy-outbound-quote", "outbound", "Solstice Energy", "Piotr",
        [
            "A: Hi, is that Mrs Adeyemi? This is Piotr from Solstice Energy, have I caught you at a bad time?",
            "C: No, you're fine.",
            "A: Great. I'm calling because your smart meter appointment needs rebooking, the engineer is off sick.",
            "C: Oh what a pain. Last time one of your engineers called my husband an idiot for not knowing where the meter was.",
            "A: I'm really sorry to hear that, that shouldn't have happened. I can rebook you for Tuesday the ninth, morning or afternoon?",
            "C: Morning please.",
            "A: Done, you'll get a confirmation text today. Thanks for your time, Mrs Adeyemi.",
        ],
        steps(OUT, True, True, True, True, True, True), [],
    ),
    (
        "hd-14-snack-box-masked", "inbound", "Crate and Crumb", "Lucia",
        [
            "A: Thanks for calling Crate and Crumb, this is Lucia, how can I help?",
            "C: yeah your box turned up smashed again",
            "A: Oh no, I'm sorry. Can I take your email address?",
            "C: are you thick or what, I just gave it to the other guy. f***ing hell.",
            "A: Sorry about that, I've found it now. I've sent a replacement box out today, free of charge.",
            "C: right",
            "A: It'll arrive by Thursday.",
            "C: ok",
            "A: Thanks for your patience, bye now.",
        ],
        steps(IN, True, True, True, True, True, True, stay_polite=True), [3],
    ),
    (
        "hd-15-outpatients-no-name-asr", "outbound", "St Aldhelm's Hospital", "Thandiwe",
        [
            "A: hello its outpatients at saint aldhems hospital am i speaking to mister hollis",
            "C: yeah",
            "A: were ringing to move your clinic appointment on the fourth can we do the eleventh instead",
            "C: ugh fine whatever this place drives me up the wall",
            "A: ok thats changed youll get a letter in the post",
            "C: right bye",
            "A: bye",
        ],
        steps(OUT, True, False, False, True, True, False), [],
    ),
    (
        "hd-16-bike-shop-small-talk", "inbound", "Spoke and Chain Cycles", "Ola",
        [
            "A: Spoke and Chain, Ola speaking, how can I help?",
            "C: hiya, my back wheel's making a racket, it's driving me mad",
            "A: Bring it in tomorrow and we'll have a look, I've put you down for ten.",
            "C: Great. I nearly killed myself going down that hill in Scunthorpe yesterday, the brakes are shot.",
            "A: Blimey, that sounds hairy, we'll check the brakes too.",
            "C: Cheers, you're a star. My mate said you lot are the best in Essex.",
            "A: Ha, tell him thanks. Thanks for calling, see you tomorrow.",
        ],
        steps(IN, True, True, True, True, True, True), [],
    ),
]


def build(name, direction, company, agent, lines, expected_steps, hostile):
    turns, t = [], 0.3
    for line in lines:
        who, text = line.split(": ", 1)
        dur = max(1.0, min(8.0, len(text.split()) / 3.0))
        speaker = "agent" if who == "A" else "customer"
        turns.append({"speaker": speaker, "start": round(t, 2), "end": round(t + dur, 2), "text": text})
        t += dur + 0.5
    return {
        "id": name,
        "direction": direction,
        "language": "en",
        "company": company,
        "agent_name": agent,
        "turns": turns,
        "expect": {"steps": expected_steps, "hostile": hostile},
    }


if __name__ == "__main__":
    for call in CALLS:
        (HERE / f"{call[0]}.call.json").write_text(json.dumps(build(*call), indent=1) + "\n")
