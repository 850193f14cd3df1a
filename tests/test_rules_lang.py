"""Russian and Armenian packs on short text calls."""

from monitor.config import CallConfig
from monitor.rules.judge import judge_segments
from monitor.rules.settings import RulesConfig
from monitor.types import Segment


def run(language: str, turns: list[tuple[str, str]], company: str, agent: str):
    segments = [Segment(s, i, i * 5.0, i * 5.0 + 4, t, True) for i, (s, t) in enumerate(turns)]  # type: ignore[arg-type]
    call = CallConfig(direction="inbound", company=company, agent_name=agent, language=language)
    steps, flags, _ = judge_segments(segments, RulesConfig(language=language), call)
    return {s.step_id: s.status for s in steps}, {f.turn: f.category for f in flags}


def test_russian_call() -> None:
    steps, flags = run(
        "ru",
        [
            ("agent", "Добрый день, компания Альфа Связь, меня зовут Анна, чем могу вам помочь?"),
            ("customer", "У меня третий день не работает интернет, вы идиоты что ли? Блять!"),
            ("agent", "Извините. Я перезапустила порт, интернет восстановлен. Я отправлю вам смс."),
            ("customer", "Ладно, черт возьми, спасибо."),
            ("agent", "Спасибо за ваше обращение, хорошего дня!"),
        ],
        "Альфа Связь",
        "Анна",
    )
    assert all(
        steps[s] == "covered"
        for s in (
            "greet_company",
            "introduce_self",
            "offer_help",
            "resolve_or_redirect",
            "agree_next_steps",
            "thank_for_time",
            "stay_polite",
        )
    )
    assert set(flags) == {1}


def test_armenian_call() -> None:
    steps, flags = run(
        "hy",
        [
            (
                "agent",
                "Բարև ձեզ, Արմտել ընկերություն, իմ անունը Անի է, ինչպե՞ս կարող եմ օգնել ձեզ։",
            ),
            ("customer", "Ինտերնետը չի աշխատում, դու ապուշ ես"),
            ("agent", "Ներողություն, արդեն ուղղեցի խնդիրը։ Կուղարկեմ ձեզ հաղորդագրություն։"),
            ("customer", "Լավ, շնորհակալություն"),
            ("agent", "Շնորհակալություն ձեր զանգի համար։"),
        ],
        "Արմտել",
        "Անի",
    )
    assert steps["offer_help"] == steps["introduce_self"] == steps["thank_for_time"] == "covered"
    assert steps["stay_polite"] == "covered"
    assert set(flags) == {1}


def test_armenian_without_help_offer_is_missed() -> None:
    steps, flags = run("hy", [("agent", "Այո, լսում եմ"), ("customer", "Բարև")], "", "")
    assert steps["greet_company"] == "missed" and flags == {}
