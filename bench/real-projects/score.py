"""Scores `devops-agent check` and `env required` against hand-written expectations (standard library only).

For each project of corpus.tsv: clone (the local mirror when present, else GitHub), check out the pinned
commit in a temporary folder, write the expectation's devops-agent.yml when it has one, run the built CLI
and compare with expect/<name>.json:
  required       variables a deploy must set      -> recall of `env required` "required"
  optional       variables that may stay unset    -> share reported as "required" (should be <= 2 %)
  secrets        "file:line" of committed secrets ("file:0" for a committed .env that holds one)
                 -> recall; secret findings on files with no expected secret ("clean files", should be 0)
  lint_agree     "rule file:line" of every other finding a careful reviewer agrees with
                 -> precision: agreed / all non-secret findings (an unjudged finding counts as wrong)
"""
import json, os, subprocess, sys, tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
DLL = os.path.join(ROOT, "src/DevOpsAgent.Cli/bin/Release/net10.0/devops-agent.dll")
MIRRORS = os.environ.get("DEVOPS_AGENT_MIRRORS", "/work/.mirror")


def corpus():
    with open(os.path.join(HERE, "corpus.tsv")) as f:
        for line in f:
            if line.strip() and not line.startswith("#"):
                name, repo, commit, sub = line.rstrip("\n").split("\t")
                yield name, repo, commit, None if sub == "-" else sub


def checkout(repo, commit, into):
    mirror = os.path.join(MIRRORS, repo.replace("/", "+"), "repo")
    source = mirror if os.path.isdir(mirror) else f"https://github.com/{repo}.git"
    subprocess.run(["git", "clone", "-q", "--no-checkout", *(["--shared"] if source == mirror else []), source, into], check=True)
    subprocess.run(["git", "-C", into, "-c", "advice.detachedHead=false", "checkout", "-q", commit], check=True)


def cli(*args):
    run = subprocess.run(["dotnet", DLL, *args], capture_output=True, text=True)
    try:
        return json.loads(run.stdout)
    except json.JSONDecodeError:
        sys.exit(f"devops-agent {' '.join(args)} printed no JSON (exit {run.returncode}): {run.stderr.strip()[:400]}")


def ratio(a, b):
    return a / b if b else None


def pct(x):
    return "  n/a" if x is None else f"{100 * x:5.1f}"


def score(name, repo, commit, sub, verbose):
    expect = json.load(open(os.path.join(HERE, "expect", f"{name}.json")))
    with tempfile.TemporaryDirectory(prefix="devops-agent-corpus-") as tmp:
        work = os.path.join(tmp, "repo")
        checkout(repo, commit, work)
        project = os.path.join(work, sub) if sub else work
        if "devops_agent_yml" in expect:
            with open(os.path.join(project, "devops-agent.yml"), "w") as f:
                f.write(expect["devops_agent_yml"])
        check = cli("check", "-C", project, "--json")
        required = cli("env", "required", "-C", project, "--json")

    reported = {v["name"] for v in required["variables"] if v["need"] == "required"}
    want_req, want_opt = set(expect["required"]), set(expect["optional"])
    secrets = [f for f in check["findings"] if f["rule"].startswith("secret-")]
    others = [f for f in check["findings"] if not f["rule"].startswith("secret-")]
    expected_secrets = set(expect["secrets"])
    secret_files = {s.rsplit(":", 1)[0] for s in expected_secrets}
    found = {f"{f['file']}:{f['line']}" for f in secrets}
    agree = set(expect["lint_agree"])
    keys = [f"{f['rule']} {f['file']}:{f['line']}" for f in others]
    r = {
        "req": (len(want_req & reported), len(want_req)),
        "opt": (len(want_opt & reported), len(want_opt)),
        "sec": (len(expected_secrets & found), len(expected_secrets)),
        "clean": sum(1 for f in secrets if f["file"] not in secret_files),
        "lint": (sum(1 for k in keys if k in agree), len(keys)),
        "errors": check["errors"],
    }
    if verbose:
        for v in sorted(want_req - reported):
            print(f"    missed required: {v}")
        for v in sorted(want_opt & reported):
            print(f"    optional reported as required: {v}")
        for s in sorted(expected_secrets - found):
            print(f"    missed secret: {s}")
        for f in secrets:
            if f["file"] not in secret_files:
                print(f"    secret finding on a clean file: {f['file']}:{f['line']} {f['rule']}")
        for k, f in zip(keys, others):
            if k not in agree:
                print(f"    lint finding not agreed: {k} {f['message']}")
    return r


def main():
    verbose = "-v" in sys.argv
    only = [a for a in sys.argv[1:] if a != "-v"]
    if not os.path.exists(DLL):
        sys.exit(f"build the CLI first: dotnet build src/DevOpsAgent.Cli -c Release ({DLL} is missing)")
    totals = {"req": [0, 0], "opt": [0, 0], "sec": [0, 0], "clean": 0, "lint": [0, 0], "errors": 0}
    print(f"{'project':32} {'req recall':>10} {'opt->req':>9} {'secret rec':>10} {'clean FP':>8} {'lint prec':>9} {'errors':>6}")
    for name, repo, commit, sub in corpus():
        if only and name not in only:
            continue
        r = score(name, repo, commit, sub, verbose)
        print(f"{name:32} {pct(ratio(*r['req'])):>10} {pct(ratio(*r['opt'])):>9} {pct(ratio(*r['sec'])):>10} {r['clean']:>8} "
              f"{pct(ratio(*r['lint'])):>9} {r['errors']:>6}", flush=True)
        for k in ("req", "opt", "sec", "lint"):
            totals[k][0] += r[k][0]
            totals[k][1] += r[k][1]
        totals["clean"] += r["clean"]
        totals["errors"] += r["errors"]
    t = totals
    print(f"{'TOTAL':32} {pct(ratio(*t['req'])):>10} {pct(ratio(*t['opt'])):>9} {pct(ratio(*t['sec'])):>10} {t['clean']:>8} "
          f"{pct(ratio(*t['lint'])):>9} {t['errors']:>6}")
    print(f"required {t['req'][0]}/{t['req'][1]}, optional reported as required {t['opt'][0]}/{t['opt'][1]}, "
          f"secrets {t['sec'][0]}/{t['sec'][1]}, findings on clean files {t['clean']}, lint agreed {t['lint'][0]}/{t['lint'][1]}")


if __name__ == "__main__":
    main()
