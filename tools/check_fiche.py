"""Quick self-check for a practice fiche while writing it: python tools/check_fiche.py knowledge/practices/*.md"""
import re
import sys

import yaml

SECTIONS = ["Description", "Mise en œuvre par une collectivité", "Partenaires", "Points de vigilance", "Indicateurs"]
AXES = {"pilotage", "protection", "attractivite", "alternatives"}
FINALITES = {"dynamique_partenariale", "prevenir_entree", "contre_image", "detection_accompagnement", "espace_public"}
EVIDENCE = {"probant", "prometteur", "non évalué"}

ok = True
for path in sys.argv[1:]:
    text = open(path, encoding="utf-8").read()
    m = re.match(r"^---\n(.*?)\n---\n(.*)$", text, re.S)
    problems = []
    if not m:
        print(f"{path}: no front matter"); ok = False; continue
    meta, body = yaml.safe_load(m.group(1)), m.group(2)
    if meta.get("id") + ".md" != path.split("/")[-1]:
        problems.append("id != file name")
    for key in ["title", "axes", "finalites", "public", "partners", "evidence", "indicators", "sources"]:
        if not meta.get(key):
            problems.append(f"missing {key}")
    if set(meta.get("axes") or []) - AXES:
        problems.append("bad axes")
    if set(meta.get("finalites") or []) - FINALITES:
        problems.append("bad finalites")
    if meta.get("evidence") not in EVIDENCE:
        problems.append("bad evidence")
    for s in meta.get("sources") or []:
        if not s.get("title") or not s.get("publisher"):
            problems.append("source without title/publisher")
    heads = re.findall(r"^## (.+)$", body, re.M)
    if [h.strip() for h in heads] != SECTIONS:
        problems.append(f"sections {heads}")
    words = len(re.findall(r"\w+", body))
    if not 300 <= words <= 900:
        problems.append(f"{words} words")
    print(f"{path}: {words} words", "OK" if not problems else problems)
    ok &= not problems
sys.exit(0 if ok else 1)
