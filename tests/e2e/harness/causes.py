"""Checks of a refusal's cause (docs/decisions.md): `certgate explain --json` names it in its decision and its
trace, and the server's access log line for the refused request carries it in its reason field."""
from harness.common import check, check_eq
from harness.tools import run_json


def explain_cause(args, cwd, status_text):
    """explain ARGS --json: the decision must be status_text and carry a cause, which the trace repeats.
    Returns (run, report, cause)."""
    r, report = run_json(["explain"] + list(args), cwd)
    decision = report["decision"]
    check_eq(decision["status_text"], status_text, "explain's verdict", r)
    cause = decision.get("cause")
    check(isinstance(cause, dict) and cause.get("text") and cause.get("fix"), "explain names a cause and a fix", r)
    steps = [s for s in report["trace"] if s["kind"] == "cause"]
    check_eq(len(steps), 1, "one cause step in the trace", r)
    check_eq((steps[0]["label"], steps[0]["actual"]), (cause["id"], cause["text"]), "the trace's cause", r)
    check_eq(decision["log_reason"], decision["reason"] + "; cause: " + cause["text"] + "; fix: " + cause["fix"],
             "the line the server logs", r)
    return r, report, cause


def check_cause_has(cause, cause_id, text_parts, fix_parts, resp=None):
    check_eq(cause["id"], cause_id, "the cause's id", resp)
    for part in text_parts:
        check(part in cause["text"], "the cause names %r: %r" % (part, cause["text"]), resp)
    for part in fix_parts:
        check(part in cause["fix"], "the fix says %r: %r" % (part, cause["fix"]), resp)


def check_logged_cause(entry, text_parts, fix_parts, resp=None):
    """The access log's reason has the cause (with its fix) after the refusal's reason."""
    reason = entry.get("reason") or ""
    check("; cause: " in reason and "; fix: " in reason, "the logged reason carries a cause: %r" % reason, resp)
    cause, fix = reason.split("; cause: ", 1)[1].split("; fix: ", 1)
    for part in text_parts:
        check(part in cause, "the logged cause names %r: %r" % (part, reason), resp)
    for part in fix_parts:
        check(part in fix, "the logged fix says %r: %r" % (part, reason), resp)
    check("\n" not in reason, "one line", resp)
