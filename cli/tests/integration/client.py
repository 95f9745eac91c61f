"""A service written in Python drives the ledger through the CLI (stdlib only).

Usage: client.py BINARY --store PATH
It sends commands as JSON lines, reads a receipt or an error per line, and checks the
status of funds to the cent with Decimal (never float).
"""

import json
import subprocess
import sys
from decimal import Decimal

BINARY, STORE_ARGS = sys.argv[1], sys.argv[2:]
TODAY = "2008-02-01"
ACCOUNT = "011-2008/2009-1082"
KEY = {"holder": "DSCA", "program": "financing", "partner": "JOR"}


def run(args, lines=()):
    """Runs the CLI; returns (exit code, stdout lines as JSON, stderr)."""
    text = "".join(json.dumps(line) + "\n" for line in lines)
    done = subprocess.run(
        [BINARY, *STORE_ARGS, "--today", TODAY, *args],
        input=text, capture_output=True, text=True, check=False,
    )
    out = [json.loads(line) for line in done.stdout.splitlines() if line.strip()]
    return done.returncode, out, done.stderr


def command(ident, date, action):
    return {"id": ident, "date": date, "actor": "py-service", "action": action}


commands = [
    command("p1", "2008-01-02", {"type": "appropriate", "account": ACCOUNT, "title": "FMF",
                                 "purposes": ["financing"], "amount": "250000.00",
                                 "law": "P.L. 110-161"}),
    command("p2", "2008-01-02", {"type": "apportion", "account": ACCOUNT,
                                 "category": {"category": "by_period", "from": "2007-10-01"},
                                 "amount": "250000.00"}),
    command("p3", "2008-01-03", {"type": "allot", "account": ACCOUNT, "holder": "DSCA",
                                 "amount": "250000.00"}),
    command("p4", "2008-01-04", {"type": "allocate", "account": ACCOUNT, "key": KEY,
                                 "amount": "200000.00"}),
    command("p5", "2008-01-05", {"type": "obligate", "account": ACCOUNT, "document": "JO-1",
                                 "instrument": "grant_agreement",
                                 "funding": {"from": "allocation", "key": KEY},
                                 "amount": "0.10"}),
    command("p6", "2008-01-05", {"type": "obligate", "account": ACCOUNT, "document": "JO-2",
                                 "instrument": "grant_agreement",
                                 "funding": {"from": "allocation", "key": KEY},
                                 "amount": "0.20"}),
    # More than the allocation holds: refused, and nothing changes.
    command("p7", "2008-01-06", {"type": "obligate", "account": ACCOUNT, "document": "JO-3",
                                 "instrument": "grant_agreement",
                                 "funding": {"from": "allocation", "key": KEY},
                                 "amount": "199999.71"}),
]

code, out, err = run(["apply"], commands)
assert code == 1, (code, out, err)
assert [line["line"] for line in out] == list(range(1, 8)), out
receipts = [line["receipt"] for line in out[:6]]
assert [r["sequence"] for r in receipts] == list(range(6)), receipts
refusal = out[6]["error"]
assert refusal["code"] == "refused", refusal
assert refusal["source"]["code"] == "exceeds", refusal
assert Decimal(refusal["source"]["available"]) == Decimal("199999.70"), refusal

code, out, err = run(["status", "--by", "partner", "--format", "json"])
assert code == 0, (code, out, err)
rows = {row["key"]["partner"]: row for row in out[0]["rows"]}
jordan = rows["JOR"]
# 0.10 + 0.20 is exactly 0.30 in Decimal, as in the ledger.
assert Decimal(jordan["obligated"]) == Decimal("0.10") + Decimal("0.20"), jordan
assert Decimal(jordan["obligated"]) == Decimal("0.30"), jordan
total = sum(Decimal(row["budget_authority"]) for row in out[0]["rows"])
assert total == Decimal("250000.00"), total

print("python client: ok")
