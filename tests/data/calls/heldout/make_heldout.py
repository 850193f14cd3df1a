"""Writes the held-out labelled calls (run once; the JSON files are the fixtures).

Written before tuning, with companies, names and phrasings that are not in the dev set,
labelled by the conventions of shared/eval/calls/dev/README.md.
"""

import json
from pathlib import Path

HERE = Path(__file__).parent

CALLS = [
    ("ho-01-water-leak", "inbound", "Riverside Water", "Fatima", [
        "A: Riverside Water, my name is Fatima, how may I assist you today?",
        "C: hi there uh I think there's a leak outside my house, water's bubbling up through the pavement",
        "A: Oh dear, okay, can I take the postcode please?",
        "C: it's L S six, four J Q",
        "A: Thank you. Right, I've raised a job for that and a crew will be out within four hours to have a look.",
        "C: that's quick, cheers. this traffic outside is killing me by the way, everyone's slowing down to look",
        "A: Ha, I bet. You'll get a text when the crew is on the way. Is there anything else?",
        "C: no that's it",
        "A: Thanks for calling Riverside Water, have a good day.",
    ], {"greet_company": True, "introduce_self": True, "offer_help": True, "resolve_or_redirect": True,
        "agree_next_steps": True, "thank_for_time": True}, []),
    ("ho-02-pharmacy-rude", "inbound", "Wellcare Pharmacy", "Omar", [
        "A: wellcare pharmacy omar speaking what can i do for you",
        "C: my prescription was supposed to be ready yesterday and it still isn't",
        "A: i'm sorry about that can i have your date of birth",
        "C: are you kidding me? learn to do your job, even a child could fill a prescription",
        "A: i understand it's frustrating. i can see the doctor hasn't signed it yet, i'll chase the surgery now",
        "C: whatever",
        "A: it will be ready by four pm tomorrow and we'll text you when it is",
        "C: fine",
        "A: thank you for your patience, bye now",
    ], {"greet_company": True, "introduce_self": True, "offer_help": True, "resolve_or_redirect": True,
        "agree_next_steps": True, "thank_for_time": True, "stay_polite": True}, [3]),
    ("ho-03-gym-cancel-profanity", "inbound", "FlexFit Gyms", "Jordan", [
        "A: Hello, you've reached FlexFit Gyms, Jordan here. What can I help you with?",
        "C: I want to cancel my membership. I've been trying for a month and the app is a piece of shit.",
        "A: Sorry to hear the app's been giving you trouble. Let me take care of that for you. What's your membership number?",
        "C: F F two two nine eight one.",
        "A: Thanks. Okay, I've cancelled the membership, your last payment was on the first and there won't be any more.",
        "C: Good. Damn, that was easier than I thought.",
        "A: I'll email you the cancellation confirmation now.",
        "C: Okay.",
        "A: Thanks for calling, take care.",
    ], {"greet_company": True, "introduce_self": True, "offer_help": True, "resolve_or_redirect": True,
        "agree_next_steps": True, "thank_for_time": True, "stay_polite": True}, [1, 5]),
    ("ho-04-streaming-no-greeting", "inbound", "Lumio TV", "Grace", [
        "A: Yeah, hello?",
        "C: Hi, my Lumio subscription says payment failed but the money left my account.",
        "A: Okay. Account email?",
        "C: its tom dot baker at mailbox dot com",
        "A: Right. That's a billing thing, I can't see billing. You'll have to email them.",
        "C: Which email?",
        "A: It's on the website somewhere.",
        "C: Okay, bye.",
    ], {"greet_company": False, "introduce_self": False, "offer_help": False, "resolve_or_redirect": False,
        "agree_next_steps": False, "thank_for_time": False}, []),
    ("ho-05-council-bins-quote", "inbound", "Ashford Borough Council", "Nadia", [
        "A: Good morning, Ashford Borough Council waste services, Nadia speaking, how can I help?",
        "C: Morning. My bins haven't been collected for two weeks. My neighbour Dick Cockburn said the crew called him a moron when he asked.",
        "A: Oh, I'm really sorry, nobody should be spoken to like that. I'll log a complaint about that as well.",
        "C: Thank you. And the bins?",
        "A: I've booked a missed collection for tomorrow morning, please leave them out tonight.",
        "C: Great, thanks so much.",
        "A: You're welcome. Thank you for calling, bye.",
    ], {"greet_company": True, "introduce_self": True, "offer_help": True, "resolve_or_redirect": True,
        "agree_next_steps": True, "thank_for_time": True}, []),
    ("ho-06-vet-asr", "inbound", "Paws and Claws Veterinary", "Emma", [
        "A: morning paws and clause veterinary this is ama how can i help",
        "C: hi my dog has been sick twice since last night and won't eat",
        "A: oh no poor thing okay we can see him today would eleven thirty suit you",
        "C: yes please that's perfect",
        "A: lovely i've booked him in for eleven thirty with our vet mr hughes bring any medication he's on",
        "C: will do thank you",
        "A: thanks for cooling see you soon",
    ], {"greet_company": True, "introduce_self": True, "offer_help": True, "resolve_or_redirect": True,
        "agree_next_steps": True, "thank_for_time": True}, []),
    ("ho-07-broadband-threat-agent-snaps", "inbound", "Netwave", "Craig", [
        "A: Netwave customer care, Craig speaking, how may I help you?",
        "C: My broadband has dropped out every evening for a week. I work from home.",
        "A: Sorry about that. Have you restarted the hub?",
        "C: Yes obviously. I know where you live, mate, your office is on Station Road, and I'm coming down there if this isn't fixed.",
        "A: Threatening me won't help. Honestly, shut up and listen for a second.",
        "C: Don't tell me to shut up.",
        "A: I'll book an engineer for Thursday morning.",
        "C: Fine.",
    ], {"greet_company": True, "introduce_self": True, "offer_help": True, "resolve_or_redirect": True,
        "agree_next_steps": True, "thank_for_time": False, "stay_polite": False}, [3, 4]),
    ("ho-08-hotel-masked", "inbound", "Grand Meridian Hotel", "Sofia", [
        "A: Thank you for calling the Grand Meridian Hotel reservations, Sofia speaking. How can I help you this evening?",
        "C: I booked a sea view room and got a car park view. This is f***ing ridiculous.",
        "A: I'm so sorry about that. Let me check what we have. I can move you to a sea view room on the fourth floor tonight.",
        "C: Right. Okay. That's, that's fine, thanks.",
        "A: Great, the porter will bring new keys to your room within ten minutes.",
        "C: Thank you.",
        "A: Thank you for your patience and enjoy your stay.",
    ], {"greet_company": True, "introduce_self": True, "offer_help": True, "resolve_or_redirect": True,
        "agree_next_steps": True, "thank_for_time": True, "stay_polite": True}, [1]),
    ("ho-09-mortgage-redirect", "inbound", "Northgate Building Society", "Peter", [
        "A: Northgate Building Society, good afternoon, you're through to Peter. What can I do for you today?",
        "C: Hi, I'd like to talk about remortgaging, my fixed rate ends in June.",
        "A: Okay, that's our mortgage advisers, they're a separate team. I'll transfer you to them now, they can go through the rates with you.",
        "C: Oh, okay. Do I need anything?",
        "A: Just your mortgage account number. Bear with me, putting you through now. Thanks for calling.",
    ], {"greet_company": True, "introduce_self": True, "offer_help": True, "resolve_or_redirect": True,
        "agree_next_steps": True, "thank_for_time": True}, []),
    ("ho-10-pizza-sarcasm", "inbound", "Pronto Pizza", "Liam", [
        "A: Pronto Pizza, Liam speaking.",
        "C: Yeah, I ordered an hour ago and it still isn't here. Where is it?",
        "A: Can I have your phone number?",
        "C: Oh brilliant, another question. Is it too hard for you to look up an order, genius?",
        "A: Sorry, I need it to find the order.",
        "C: Oh my god. Oh seven nine one one, two three four, five six seven.",
        "A: Thanks. The driver's two minutes away, and I've taken the delivery charge off.",
        "C: Okay.",
    ], {"greet_company": True, "introduce_self": True, "offer_help": False, "resolve_or_redirect": True,
        "agree_next_steps": False, "thank_for_time": False, "stay_polite": True}, [3]),
    ("ho-11-solar-outbound-declined", "outbound", "Sunrise Solar", "Kate", [
        "A: Hello, could I speak to Mr Ahmed please?",
        "C: Speaking.",
        "A: Hi Mr Ahmed, my name is Kate and I'm ringing from Sunrise Solar. Have you got a couple of minutes?",
        "C: Go on then, quickly.",
        "A: Thanks. The reason for my call is that we're offering free solar surveys in your postcode this month.",
        "C: No thanks, I'm not interested. I rent the house anyway.",
        "A: Oh, I'm sorry it's not right for you, that's no problem at all.",
        "C: Okay.",
        "A: Thanks for your time, have a good evening.",
    ], {"greet_company": True, "introduce_self": True, "check_convenience": True, "state_purpose": True,
        "apologize_if_declined": True, "agree_next_steps": False, "thank_for_time": True}, []),
    ("ho-12-survey-bad-time", "outbound", "Clearview Research", "Ben", [
        "A: Hi, this is Ben calling from Clearview Research. Do you have a moment to talk?",
        "C: Honestly no, I'm in a meeting right now.",
        "A: No problem at all. Could I call you back tomorrow morning instead?",
        "C: Yeah, after ten is fine.",
        "A: Perfect, I'll give you a ring tomorrow after ten. Thanks for your time.",
        "C: Bye.",
    ], {"greet_company": True, "introduce_self": True, "check_convenience": True, "arrange_callback": True,
        "state_purpose": False, "agree_next_steps": True, "thank_for_time": True}, []),
    ("ho-13-recruiter-pushy-hostile", "outbound", "Talentbridge Recruitment", "Chris", [
        "A: Hi is that Aaron? It's Chris from Talentbridge Recruitment. I'm calling about a developer role in Leeds.",
        "C: I'm not looking for a new job, thanks.",
        "A: It pays really well though, you should at least hear me out.",
        "C: Mate, I said no. Stop calling me, you pushy prick.",
        "A: No need for that, I'll remove your number. Thanks for your time.",
        "C: Good.",
    ], {"greet_company": True, "introduce_self": True, "check_convenience": False, "state_purpose": True,
        "apologize_if_declined": False, "agree_next_steps": False, "thank_for_time": True, "stay_polite": True}, [3]),
    ("ho-14-school-outbound-polite", "outbound", "St Anne's Primary School", "Mrs Clarke", [
        "A: Hello, is this Lily's mum? It's Mrs Clarke from St Anne's Primary School. Is now a convenient time?",
        "C: Oh hi, yes, of course, is everything okay?",
        "A: Yes, nothing to worry about, I'm just calling to let you know Lily bumped her knee at lunch, she's fine and back in class.",
        "C: Oh bless her, thanks for letting me know. That's a relief.",
        "A: We put an ice pack on it. I'll send a note home in her book today as well.",
        "C: Lovely, thank you.",
        "A: Thanks for your time, bye bye.",
    ], {"greet_company": True, "introduce_self": True, "check_convenience": True, "state_purpose": True,
        "agree_next_steps": True, "thank_for_time": True}, []),
    ("ho-15-energy-outbound-debt-agent-rude", "outbound", "Voltaic Power", "Dean", [
        "A: Is that Mr Price? Dean from Voltaic Power. You owe us three hundred pounds.",
        "C: I set up a payment plan last week, I've got the email.",
        "A: Yeah, people always say that. Are you thick or what? There's no plan on here.",
        "C: Excuse me? There is, I've got the reference number.",
        "A: Give it here then.",
        "C: P P four four one.",
        "A: Okay, I see it now. You're on the plan.",
    ], {"greet_company": True, "introduce_self": True, "check_convenience": False, "state_purpose": True,
        "agree_next_steps": False, "thank_for_time": False}, [2]),
    ("ho-16-insurance-outbound-hardnegs", "outbound", "Oakleaf Insurance", "Rachel", [
        "A: Good afternoon, it's Rachel from Oakleaf Insurance, am I speaking with Mr Dickson?",
        "C: Yes, that's me, hell yes, I've been waiting for your call.",
        "A: Great. Is this a good time to go through your claim?",
        "C: Sure. My stupid car's been in the garage for three weeks, it's driving me mad.",
        "A: I'm calling to let you know the claim's approved, and the garage can start the repair on Monday.",
        "C: Oh thank god. That's bloody brilliant news.",
        "A: I'll email you the approval letter this afternoon, and the garage will call you when it's ready.",
        "C: Thanks ever so much.",
        "A: Thanks for your time, Mr Dickson, bye now.",
    ], {"greet_company": True, "introduce_self": True, "check_convenience": True, "state_purpose": True,
        "agree_next_steps": True, "thank_for_time": True}, []),
    ("ho-17-airline-asr-mask", "inbound", "AeroLink Airways", "Marco", [
        "A: aerolink airways marco speaking how can i help you today",
        "C: my bag didn't arrive in rome and nobody at the desk knew [ __ ] about it",
        "A: i'm sorry about that can i have the bag tag number",
        "C: it's a l four five six seven eight",
        "A: thanks i can see it's in frankfurt it will be on the next flight and delivered to your hotel tonight",
        "C: okay good",
        "A: is there anything else i can help with",
        "C: no thanks",
        "A: thank you for flying with us and for calling bye",
    ], {"greet_company": True, "introduce_self": True, "offer_help": True, "resolve_or_redirect": True,
        "agree_next_steps": True, "thank_for_time": True, "stay_polite": True}, [1]),
    ("ho-18-bank-outbound-quick", "outbound", "Harbor Federal Bank", "Tyler", [
        "A: Hi, Tyler from Harbor Federal fraud prevention here. Is it okay to talk for a minute? It's about a payment on your card.",
        "C: Yeah sure.",
        "A: Did you just spend six hundred dollars at an electronics store in Denver?",
        "C: No, what the hell? I'm in Boston.",
        "A: Okay, I've stopped that payment and frozen the card, and a new one will be mailed out tomorrow.",
        "C: Great, thank you.",
        "A: Thank you for your time, sir.",
    ], {"greet_company": True, "introduce_self": True, "check_convenience": True, "state_purpose": True,
        "agree_next_steps": True, "thank_for_time": True}, []),
]


def build(name, direction, company, agent, lines, steps, hostile):
    turns, t = [], 0.3
    for line in lines:
        who, text = line.split(": ", 1)
        dur = max(1.0, min(8.0, len(text.split()) / 3.0))
        turns.append({"speaker": "agent" if who == "A" else "customer", "start": round(t, 2),
                      "end": round(t + dur, 2), "text": text})
        t += dur + 0.5
    return {"id": name, "direction": direction, "language": "en", "company": company,
            "agent_name": agent, "turns": turns, "expect": {"steps": steps, "hostile": hostile}}


if __name__ == "__main__":
    for call in CALLS:
        (HERE / f"{call[0]}.call.json").write_text(json.dumps(build(*call), indent=1) + "\n")
