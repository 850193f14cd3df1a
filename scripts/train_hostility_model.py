"""Train the statistical hostility model that backs up the lexicon rules.

A logistic regression over TF-IDF character (2-5, within words) and word (1-2) n-grams,
trained on every labelled call turn we have except the blind held-out sets not yet read
(``NEVER_READ``, the honest yardstick), the corpora in ``tests/data/training/`` (written
blind to every evaluation set) but hostility-4, and the benign look-alike corpus,
preprocessed exactly as the scorer does (``HostilityScorer.model_text``: normalised,
allow-listed phrases removed). It catches hostility whose wording no rule lists
(sarcasm, condescension, veiled menace). Writes
``monitor/rules/lang/en.hostility-model.json``; ``monitor/rules/classifier.py`` runs it
with plain Python (no scikit-learn at run time).

Usage (needs scikit-learn): python scripts/train_hostility_model.py
"""

from __future__ import annotations

import json
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CALLS = REPO / "tests" / "data" / "calls"
SHARED_DEV = REPO.parent / "shared" / "eval" / "calls" / "dev"
# The blind held-out sets from 12 on, in two kinds (bench/bench_rules.py reports them so):
# measured once, then read for rule families (and trained on, below) ...
READ_SINCE = (*range(12, 61), *range(69, 124), *range(132, 156))
# ... and measured, never read, never trained on: the honest estimate for unseen calls
NEVER_READ = (*range(61, 69), *range(124, 132), *range(156, 172))
TRAIN_DIRS = [
    SHARED_DEV,
    CALLS / "heldout",
    CALLS / "heldout2",
    CALLS / "heldout3",
    CALLS / "heldout4",
    CALLS / "heldout5",
    # blind when written, read since (their misses were used to find rule families)
    CALLS / "heldout7",
    CALLS / "heldout10",
    CALLS / "heldout11",
    # blind held-out sets measured once, then read for rule families; in-distribution
    # examples of how writers who never saw the rules phrase hostility and its look-alikes
    CALLS / "heldout6",
    CALLS / "heldout8",
    CALLS / "heldout9",
    *(CALLS / f"heldout{number}" for number in READ_SINCE),
    # Held-out 37-60 and 69-76 joined once the model was chosen by grouped cross-validation
    # (train without a batch of eight sets, score it alone, seven batches from 13-20 to
    # 69-76): model-only hostile turns caught at 0.65 went 693 -> 739 of about 990, with
    # false flags 31 -> 25, when they joined and word n-grams seen only once were dropped
    # (min_df=2, which also halves the file). 77-84, 85-92, 93-100, 101-115, 116-123,
    # 132-139, 140-147 and 148-155 joined once each was measured and read.
]
BENIGN = REPO / "tests" / "data" / "benign_turns.txt"
TRAINING = REPO / "tests" / "data" / "training"  # corpora written blind to every eval set
# Left out, and used instead as untrained yardsticks (bench/bench_rules.py):
# * hostility-4: built from ~500 phrases by a generator (the same calm complaint sentences
#   around many lines). Trained on, it moved no blind set and flagged JFK's "ask not what
#   your country can do for you" as harassment.
# hostility-5 (900 hand-written turns) was a yardstick too until the read call sets joined
# the training data: with them, adding it took held-out 29-36 (192 calls, measured with
# the rules of before they were read) from tp 114 / fp 13 / fn 26 to 117 / 14 / 23.
NOT_TRAINED = {"hostility-4.jsonl"}
OUT = REPO / "monitor" / "rules" / "lang" / "en.hostility-model.json"


def model_text():
    from monitor.config import Config
    from monitor.rules.hostility import HostilityScorer
    from monitor.rules.packs import load_pack

    rules = Config().rules
    return HostilityScorer(load_pack(rules.language), rules.hostility).model_text


def labelled_turns() -> tuple[list[str], list[int]]:
    never_read = {f"heldout{number}" for number in NEVER_READ}
    assert not never_read & {folder.name for folder in TRAIN_DIRS}, "a never-read set"
    prepare = model_text()
    texts, labels = [], []
    for folder in TRAIN_DIRS:
        for path in sorted(folder.glob("*.call.json")):
            call = json.loads(path.read_text(encoding="utf-8"))
            hostile = set(call["expect"].get("hostile", []))
            for index, turn in enumerate(call["turns"]):
                texts.append(prepare(turn["text"]))
                labels.append(int(index in hostile))
    for corpus in sorted(TRAINING.glob("hostility*.jsonl")):
        if corpus.name in NOT_TRAINED:
            continue
        for line in corpus.read_text(encoding="utf-8").splitlines():
            item = json.loads(line)
            texts.append(prepare(item["text"]))
            labels.append(int(item["hostile"]))
    for line in (TRAINING / "steps.jsonl").read_text(encoding="utf-8").splitlines():
        texts.append(prepare(json.loads(line)["text"]))  # polite agent lines: not hostile
        labels.append(0)
    for line in BENIGN.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            texts.append(prepare(line.strip()))
            labels.append(0)
    return texts, labels


def main() -> None:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import FeatureUnion

    texts, labels = labelled_turns()
    chars = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), min_df=2, sublinear_tf=True)
    words = TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True)
    union = FeatureUnion([("chars", chars), ("words", words)])
    features = union.fit_transform(texts)
    # C=4: on held-out 45-52, first measured with C=6 and bars 0.75 / 0.9 / 0.95 (tp 105 /
    # fp 7 / fn 37), C=4 at 0.65 / 0.85 / 0.9 gave 112 / 7 / 30 with no false flag on the
    # benign corpus, the real calls or the look-alike tables; C=6 at 0.7 gave 115 / 7 / 27
    # but flagged JFK-like and benign-corpus turns. In grouped cross-validation on 13-76,
    # C=8 moved along the same recall / false-flag curve as C=4. The bars are now
    # 0.65 / 0.8 / 0.85 (HostilitySettings). hostility-6/7/8 (subtle hostility and its
    # look-alikes) joined by grouped cross-validation (train without a batch, score it,
    # five batches from 77-84 to 132-139): model alone, 619 hostile turns caught with 22
    # false flags at 0.55 without them, 637 with 25 at 0.65 with them.
    model = LogisticRegression(C=4, max_iter=2000).fit(features, labels)
    coef = model.coef_[0]
    parts, offset = {}, 0
    for name, vectorizer in union.transformer_list:
        size = len(vectorizer.vocabulary_)
        parts[name] = {
            term: [round(float(vectorizer.idf_[i]), 5), round(float(coef[offset + i]), 5)]
            for term, i in vectorizer.vocabulary_.items()
        }
        offset += size
    OUT.write_text(
        json.dumps(
            {
                "about": "hostile-turn logistic regression; see scripts/train_hostility_model.py",
                "turns": len(texts),
                "hostile": sum(labels),
                "intercept": round(float(model.intercept_[0]), 5),
                "chars": parts["chars"],
                "words": parts["words"],
            },
            ensure_ascii=False,
            separators=(",", ":"),
        ),
        encoding="utf-8",
    )
    print(f"{OUT}: {len(texts)} turns ({sum(labels)} hostile), {offset} features")


if __name__ == "__main__":
    main()
