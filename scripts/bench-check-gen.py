"""Writes the synthetic project that scripts/bench-check.sh times `devops-agent check` on.

    python3 scripts/bench-check-gen.py <repo dir> <total files>

Deterministic: the same count gives byte-identical files. The reference stack (examples/fullstack, without
its .releases) is copied in by the caller first; this adds generated files until the repository holds
<total files>: Python modules, JS and Vue components, YAML configuration, Markdown docs and JSON fixtures,
of a few kilobytes each, with the usual look-alikes of secrets (placeholders, interpolations, references)
and, in a few files, planted secrets of every kind the scan knows. The secrets are assembled from pieces
so that this file itself holds none.
"""

import os
import random
import string
import sys

ROOT, TOTAL = sys.argv[1], int(sys.argv[2])
rng = random.Random(20261127)

WORDS = ("item order user cart price stock invoice payment customer report audit session token cache queue "
         "search filter export import batch schedule notify email address region tenant account profile "
         "setting feature metric event upload image category review rating coupon refund shipment").split()
AREAS = ["catalog", "orders", "billing", "accounts", "shipping", "reports", "search", "admin", "notify", "inventory"]


def word():
    return rng.choice(WORDS)


def ident(parts=2):
    return "_".join(word() for _ in range(parts))


def camel(parts=2):
    return "".join(word().capitalize() for _ in range(parts))


def rand(alphabet, n):
    return "".join(rng.choice(alphabet) for _ in range(n))


UPPER_DIGITS = string.ascii_uppercase + string.digits
ALNUM = string.ascii_letters + string.digits

# One of each kind the secret scan reports, assembled so that no line of this file matches a rule.
PLANTED = [
    lambda: "-----BEGIN " + "RSA PRIVATE " + "KEY-----",
    lambda: 'AWS_ACCESS_KEY_ID = "' + "AK" + "IA" + rand(UPPER_DIGITS, 16) + '"',
    lambda: 'GH = "' + "gh" + "p_" + rand(ALNUM, 36) + '"',
    lambda: "slack_webhook_token: " + "xo" + "xb-" + rand(string.digits, 12) + "-" + rand(ALNUM, 24),
    lambda: "stripe = '" + "sk" + "_live_" + rand(ALNUM, 24) + "'",
    lambda: "maps_key = '" + "AI" + "za" + rand(ALNUM, 35) + "'",
    lambda: "broker: amqp://" + "orders:" + "Tr0ub4dor" + "3x@rabbit:5672/",
    lambda: 'SECRET_KEY = "' + rand(ALNUM + "+/", 40) + '"',
    lambda: 'db_password = "' + "s3cr" + "et-prod-1" + '"',
]

# What a real tree is full of: matches for the scan's regular expressions that are not secrets.
DECOYS = [
    'SECRET_KEY = os.environ["SECRET_KEY"]',
    "password = settings.database_password",
    'api_key = os.getenv("PAYMENT_API_KEY", "")',
    "DATABASE_URL = \"postgresql://shop:${POSTGRES_PASSWORD}@db:5432/shop\"",
    'token = "changeme"',
    "auth_token: ${AUTH_TOKEN}",
    "redis_url = 'redis://:{password}@cache:6379/0'",
]


def python_module():
    name = ident()
    lines = [f'"""{word().capitalize()} {word()} handling for the {word()} service."""', "",
             "import logging", "import os", "from dataclasses import dataclass", "from typing import Optional", "",
             f"log = logging.getLogger(__name__)", f'{ident().upper()}_LIMIT = int(os.getenv("{ident().upper()}_LIMIT", "{rng.randint(1, 500)}"))', ""]
    for _ in range(rng.randint(3, 8)):
        fn = ident()
        args = ", ".join(f"{word()}_{i}: {rng.choice(['int', 'str', 'Optional[str]', 'dict'])}" for i in range(rng.randint(1, 4)))
        lines += ["", "", f"def {fn}({args}) -> {rng.choice(['int', 'str', 'bool', 'dict', 'None'])}:",
                  f'    """Return the {word()} of the {word()} for a {word()}, or the default {word()}."""']
        for _ in range(rng.randint(3, 12)):
            lines.append(rng.choice([
                f"    {ident()} = {ident()}.get(\"{word()}\", {rng.randint(0, 99)})",
                f"    if {ident()} is None or {ident()} > {rng.randint(1, 1000)}:",
                f"        log.debug(\"{word()} %s not in {word()} (%d {word()}s)\", {ident()}, {rng.randint(1, 9)})",
                f"    for {word()} in {ident()}:",
                f"        {ident()}.append({word()}.{word()})",
                f"    # {word().capitalize()} the {word()} before the {word()} is {word()}ed; see {camel()}.",
                f"    result = {{\"{word()}\": {ident()}, \"{word()}\": {rng.random():.3f}}}",
            ]))
        lines.append(f"    return {ident()}")
    if rng.random() < 0.2:
        lines += ["", "", "@dataclass(frozen=True)", f"class {camel()}:"]
        lines += [f"    {ident()}: {rng.choice(['int', 'str', 'float'])} = {rng.randint(0, 9)}" for _ in range(rng.randint(2, 6))]
    return lines


def js_module():
    lines = [f"// {word().capitalize()} {word()} helpers for the {word()} views.",
             f"import {{ {camel()} }} from '../api/{word()}.js'", "",
             f"const BASE = import.meta.env.VITE_API_BASE_URL ?? ''", ""]
    for _ in range(rng.randint(3, 8)):
        lines += [f"export async function {camel()}({word()}, {word()} = {{}}) {{",
                  f"  const response = await fetch(`${{BASE}}/api/{word()}s/${{{word()}}}`, {{ headers: {{ Accept: 'application/json' }} }})",
                  f"  if (!response.ok) throw new Error(`{word()} failed: ${{response.status}}`)"]
        for _ in range(rng.randint(2, 8)):
            lines.append(rng.choice([
                f"  const {word()}{camel(1)} = {word()}.{word()}?.map((x) => x.{word()}) ?? []",
                f"  // {word().capitalize()} {word()}s arrive {word()}ed by {word()}.",
                f"  if ({word()}.length > {rng.randint(1, 50)}) return {{ {word()}: {rng.randint(0, 9)} }}",
            ]))
        lines += ["  return response.json()", "}", ""]
    return lines


def vue_component():
    comp = camel()
    lines = ["<template>", f'  <section class="{word()}-{word()}">', f"    <h2>{{{{ title }}}}</h2>",
             f'    <ul v-if="{word()}s.length">', f'      <li v-for="{word()} in {word()}s" :key="{word()}.id">{{{{ {word()}.{word()} }}}}</li>',
             "    </ul>", f'    <p v-else class="empty">No {word()}s yet.</p>', "  </section>", "</template>", "",
             "<script setup>", "import { ref, computed, onMounted } from 'vue'", "",
             f"const props = defineProps({{ {word()}: {{ type: String, required: true }} }})"]
    for _ in range(rng.randint(3, 10)):
        lines.append(rng.choice([
            f"const {word()}s = ref([])",
            f"const {word()}{camel(1)} = computed(() => props.{word()}.{word()}?.length ?? 0)",
            f"onMounted(async () => {{ {word()}s.value = await (await fetch('/api/{word()}s')).json() }})",
        ]))
    lines += ["</script>", "", "<style scoped>", f".{word()}-{word()} {{ padding: {rng.randint(1, 4)}rem; }}", "</style>"]
    return lines


def yaml_config():
    lines = [f"# {word().capitalize()} settings for the {rng.choice(AREAS)} worker.", f"name: {ident()}", f"version: {rng.randint(1, 9)}"]
    for _ in range(rng.randint(3, 8)):
        lines.append(f"{word()}:")
        for _ in range(rng.randint(2, 6)):
            lines.append(rng.choice([
                f"  {ident()}: {rng.randint(0, 10000)}",
                f"  {ident()}: \"{word()}-{word()}\"",
                f"  {ident()}: ${{{ident().upper()}:-{word()}}}",
                f"  {ident()}: [{word()}, {word()}, {word()}]",
                f"  enabled: {rng.choice(['true', 'false'])}",
            ]))
    return lines


def markdown_doc():
    lines = [f"# {camel()} {word()}", "", f"How the {word()} service {word()}s {word()}s for the {rng.choice(AREAS)} team.", ""]
    for _ in range(rng.randint(2, 6)):
        lines += [f"## {word().capitalize()} {word()}s", ""]
        for _ in range(rng.randint(2, 5)):
            lines.append(" ".join(word() for _ in range(rng.randint(8, 20))).capitalize() + ".")
        lines += ["", "```sh", f"curl -fsS https://api.example.com/{word()}s/{rng.randint(1, 999)}", "```", "",
                  f"See [{word()}](../{rng.choice(AREAS)}/{word()}.md) and https://docs.example.com/{word()}/{word()}.", ""]
    return lines


def json_fixture():
    rows = [f'  {{"id": {i}, "{word()}": "{word()}", "{word()}": {rng.randint(0, 9999)}, "{word()}": {str(rng.random() < 0.5).lower()}}}'
            for i in range(rng.randint(5, 40))]
    return ["["] + [r + "," for r in rows[:-1]] + [rows[-1], "]"]


KINDS = [  # generator, folder, extension, share of the files
    (python_module, "backend/app/{area}", ".py", 0.35),
    (js_module, "frontend/src/lib/{area}", ".js", 0.15),
    (vue_component, "frontend/src/components/{area}", ".vue", 0.15),
    (yaml_config, "config/{area}", ".yaml", 0.10),
    (markdown_doc, "docs/{area}", ".md", 0.20),
    (json_fixture, "tests/fixtures/{area}", ".json", 0.05),
]

existing = 0
for _, folders, files in os.walk(ROOT):
    folders[:] = [f for f in folders if f != ".git"]
    existing += len(files)
count = max(0, TOTAL - existing)
secret_every = max(1, count // (2 * len(PLANTED)))  # each kind twice
planted = 0
for i in range(count):
    pick, acc = rng.random(), 0.0
    for make, folder, ext, share in KINDS:
        acc += share
        if pick < acc:
            break
    secret = i % secret_every == secret_every // 2 and planted < 2 * len(PLANTED)
    lines = make()
    if rng.random() < 0.08:
        lines.insert(rng.randrange(1, len(lines)), rng.choice(DECOYS))
    if secret:
        lines.insert(rng.randrange(1, len(lines)), PLANTED[planted % len(PLANTED)]())
        planted += 1
    path = os.path.join(ROOT, folder.format(area=AREAS[i % len(AREAS)]), f"{ident()}_{i:05d}{ext}")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as out:
        out.write("\n".join(lines) + "\n")
print(f"{existing} copied + {count} generated files, {planted} planted secrets", file=sys.stderr)
