"""Transfer-Encoding mutations of defparam/smuggler (configs/default.py, doubles.py, exhaustive.py), each sent in
smuggler's request template (the mutated line first after the request line, then Host, Content-Type,
Content-Length) in one or more forms:

  cl-te  Content-Length frames the body `0\\r\\n\\r\\n` + SMUGGLED: a front end that frames by the length and a
         back end that reads the mutated line as chunked disagree, and SMUGGLED becomes a request
  te-cl  Content-Length: 4 and a chunked body that holds SMUGGLED: the reverse disagreement
  te     the mutated line alone, with a chunked body `hello`: does the gateway read it as chunked?

A strict gateway: a line that is a Transfer-Encoding field together with Content-Length -> 400; a malformed
field line -> 400; a Transfer-Encoding other than `chunked` (any case, OWS around it) -> 400 (501 when
chunked is last); a valid field with another name (Transfer_Encoding, Content-Encoding) is an ordinary field.
"""
from corpus import CRLF, SMUGGLED, Payload, chunked, cl, lines

DEFAULT = "defparam/smuggler configs/default.py"
DOUBLES = "defparam/smuggler configs/doubles.py"
EXHAUSTIVE = "defparam/smuggler configs/exhaustive.py"
PROBES = "defparam/smuggler smuggler.py (_check_tecl, _check_clte)"

CLTE_BODY = b"0\r\n\r\n" + SMUGGLED
TECL_BODY = chunked(SMUGGLED)
TECL_LENGTH = len(b"%x\r\n" % len(SMUGGLED))  # just the chunk-size line


def _template(name, gadget, framing, body):
    return lines("POST /%s HTTP/1.1" % name.replace(".", "/"), gadget, "Host: localhost",
                 "X-Test-Marker: %s" % name, "Content-Type: application/x-www-form-urlencoded", *framing,
                 body=body)


def mutation(mut, gadget, source, tests, **forms):
    """Payloads for one mutation: forms maps cl_te / te_cl / te to the expected class."""
    out = []
    for form, expect in forms.items():
        name = "smuggler.%s.%s" % (mut, form.replace("_", "-"))
        if form == "cl_te":
            raw = _template(name, gadget, [cl(CLTE_BODY)], CLTE_BODY)
            checks = {"body": CLTE_BODY} if expect != "reject" else {}
        elif form == "te_cl":
            raw = _template(name, gadget, ["Content-Length: %d" % TECL_LENGTH], TECL_BODY)
            checks = {}
        else:
            raw = _template(name, gadget, [], chunked("hello"))
            checks = {"body": b"hello"} if expect != "reject" else {}
        out.append(Payload(name, raw, source, "%s (%s form)" % (tests, form.replace("_", "-")), expect, **checks))
    return out


PAYLOADS = []
add = PAYLOADS.extend

# --- configs/exhaustive.py: the named mutations ---
add(mutation("nameprefix1", " Transfer-Encoding: chunked", EXHAUSTIVE,
             "TE line starting with SP right after the request line (reject or ignore the line)", cl_te="either"))
add(mutation("tabprefix1", "Transfer-Encoding:\tchunked", EXHAUSTIVE, "TAB as the OWS before chunked",
             cl_te="reject", te_cl="reject", te="normalise"))
add(mutation("tabprefix2", "Transfer-Encoding\t:\tchunked", EXHAUSTIVE, "TAB before the colon",
             cl_te="reject", te="reject"))
add(mutation("spacejoin1", "Transfer Encoding: chunked", EXHAUSTIVE, "SP inside the field name", cl_te="reject"))
add(mutation("underjoin1", "Transfer_Encoding: chunked", EXHAUSTIVE,
             "underscore spelling: a different field that CGI-style back ends read as Transfer-Encoding",
             cl_te="either"))
add(mutation("smashed", "Transfer Encoding:chunked", EXHAUSTIVE, "SP in the name, no OWS", te_cl="reject"))
add(mutation("space1", "Transfer-Encoding : chunked", EXHAUSTIVE, "SP before the colon",
             cl_te="reject", te_cl="reject"))
add(mutation("valueprefix1", "Transfer-Encoding:  chunked", EXHAUSTIVE, "two SP of OWS", te_cl="reject"))
add(mutation("vertprefix1", "Transfer-Encoding:\x0bchunked", EXHAUSTIVE, "VT before the value",
             cl_te="reject", te="reject"))
add(mutation("commaCow", "Transfer-Encoding: chunked, cow", EXHAUSTIVE, "chunked not the final coding",
             cl_te="reject", te="reject"))
add(mutation("cowComma", "Transfer-Encoding: cow, chunked", EXHAUSTIVE,
             "unknown coding before chunked (501)", te_cl="reject", te="reject"))
add(mutation("contentEnc", "Content-Encoding: chunked", EXHAUSTIVE,
             "chunked as a content coding: not framing", cl_te="normalise"))
add(mutation("linewrapped1", "Transfer-Encoding:\n chunked", EXHAUSTIVE, "bare LF then a folded value",
             cl_te="reject", te="reject"))
add(mutation("quoted", 'Transfer-Encoding: "chunked"', EXHAUSTIVE, "quoted coding name",
             cl_te="reject", te="reject"))
add(mutation("aposed", "Transfer-Encoding: 'chunked'", EXHAUSTIVE, "apostrophes around the coding", te="reject"))
add(mutation("lazygrep", "Transfer-Encoding: chunk", EXHAUSTIVE, "prefix of chunked", cl_te="reject",
             te="reject"))
add(mutation("sarcasm", "TrAnSFer-EnCODinG: cHuNkeD", EXHAUSTIVE, "mixed case name and coding",
             cl_te="reject", te="normalise"))
add(mutation("yelling", "TRANSFER-ENCODING: CHUNKED", EXHAUSTIVE, "upper case name and coding",
             te_cl="reject", te="normalise"))
add(mutation("0dsuffix", "Transfer-Encoding: chunked\r", EXHAUSTIVE, "CR before the CRLF", cl_te="reject",
             te="reject"))
add(mutation("tabsuffix", "Transfer-Encoding: chunked\t", EXHAUSTIVE, "trailing TAB (OWS)",
             cl_te="reject", te="normalise"))
add(mutation("revdualchunk", "Transfer-Encoding: cow\r\nTransfer-Encoding: chunked", EXHAUSTIVE,
             "two TE fields, unknown coding first (501)", cl_te="reject", te="reject"))
add(mutation("0dspam", "Transfer\r-Encoding: chunked", EXHAUSTIVE, "CR inside the name", cl_te="reject"))
add(mutation("nested", "Transfer-Encoding: cow chunked bar", EXHAUSTIVE, "chunked inside other words",
             te="reject"))
add(mutation("spaceFF", "Transfer-Encoding:\xffchunked", EXHAUSTIVE, "0xFF as the separator",
             cl_te="reject", te="reject"))
add(mutation("accentCH", "Transfer-Encoding: ch\x96nked", EXHAUSTIVE, "non-ASCII byte inside chunked",
             te="reject"))
add(mutation("accentTE", "Transf\x82r-Encoding: chunked", EXHAUSTIVE, "non-ASCII byte inside the name",
             cl_te="reject"))
add(mutation("x-rout", "X:X\rTransfer-Encoding: chunked", EXHAUSTIVE, "bare CR hides a TE line",
             cl_te="reject"))
add(mutation("x-nout", "X:X\nTransfer-Encoding: chunked", EXHAUSTIVE, "bare LF hides a TE line",
             cl_te="reject", te_cl="reject"))

# --- configs/exhaustive.py: one byte around the separator (midspace / postspace / prespace / endspace) ---
for byte, forms in ((0x01, {"cl_te": "reject"}), (0x08, {"cl_te": "reject"}), (0x0c, {"te": "reject"}),
                    (0x0d, {"cl_te": "reject"}), (0x1f, {"cl_te": "reject"}), (0x7f, {"te_cl": "reject"}),
                    (0xa0, {"te": "reject"})):
    add(mutation("midspace-%02x" % byte, "Transfer-Encoding:%cchunked" % byte, EXHAUSTIVE,
                 "byte 0x%02x instead of the SP after the colon" % byte, **forms))
for byte in (0x01, 0x0b, 0x0c, 0x1f, 0x7f, 0xa0, 0xff):
    add(mutation("postspace-%02x" % byte, "Transfer-Encoding%c: chunked" % byte, EXHAUSTIVE,
                 "byte 0x%02x between the name and the colon" % byte, cl_te="reject"))
for byte in (0x01, 0x0b, 0x7f, 0xa0):
    add(mutation("prespace-%02x" % byte, "%cTransfer-Encoding: chunked" % byte, EXHAUSTIVE,
                 "byte 0x%02x before the name" % byte, cl_te="reject"))
add(mutation("prespace-09", "\tTransfer-Encoding: chunked", EXHAUSTIVE,
             "TAB before the first field line (reject or ignore the line)", cl_te="either"))
for byte, forms in ((0x01, {"cl_te": "reject"}), (0x0b, {"te": "reject"}), (0x0c, {"cl_te": "reject"}),
                    (0x7f, {"te": "reject"}), (0xa0, {"te": "reject"})):
    add(mutation("endspace-%02x" % byte, "Transfer-Encoding: chunked%c" % byte, EXHAUSTIVE,
                 "byte 0x%02x after chunked" % byte, **forms))

# --- configs/default.py: the mutated line glued to a neighbouring X: X field ---
add(mutation("xprespace-0d", "X: X\rTransfer-Encoding: chunked", DEFAULT, "X value ends in a bare CR",
             cl_te="reject"))
add(mutation("xprespace-01", "X: X\x01Transfer-Encoding: chunked", DEFAULT,
             "control character joins X and the TE line", cl_te="reject"))
add(mutation("xprespace-20", "X: X Transfer-Encoding: chunked", DEFAULT,
             "TE text inside an ordinary value: just a value", cl_te="normalise"))
add(mutation("xprespace-a0", "X: X\xa0Transfer-Encoding: chunked", DEFAULT,
             "obs-text joins X and the TE text: just a value", cl_te="normalise"))
add(mutation("endspacex-0d", "Transfer-Encoding: chunked\rX: X", DEFAULT, "bare CR after chunked",
             cl_te="reject"))
add(mutation("rxprespace-0a", "X: X\r\nTransfer-Encoding: chunked", DEFAULT,
             "CR, LF: a real TE field after X", te_cl="reject"))
add(mutation("rxprespace-20", "X: X\r Transfer-Encoding: chunked", DEFAULT, "bare CR then SP",
             cl_te="reject"))
add(mutation("xnprespace-20", "X: X \nTransfer-Encoding: chunked", DEFAULT, "SP then bare LF",
             cl_te="reject"))
add(mutation("endspacerx-09", "Transfer-Encoding: chunked\r\tX: X", DEFAULT, "bare CR then TAB",
             cl_te="reject"))
add(mutation("endspacexn-09", "Transfer-Encoding: chunked\t\nX: X", DEFAULT, "TAB then bare LF",
             cl_te="reject"))

# --- configs/doubles.py: the same byte in two places ---
add(mutation("0b-0b-XX-XX", "\x0bTransfer-Encoding\x0b: chunked", DOUBLES, "VT before the name and the colon",
             cl_te="reject"))
add(mutation("XX-7f-7f-XX", "Transfer-Encoding\x7f:\x7fchunked", DOUBLES, "DEL around the colon",
             cl_te="reject"))
add(mutation("XX-XX-09-09", "Transfer-Encoding:\tchunked\t", DOUBLES, "TAB before and after chunked (OWS)",
             te="normalise"))
add(mutation("XX-XX-20-20", "Transfer-Encoding: chunked ", DOUBLES, "SP before and after chunked (OWS)",
             te="normalise", cl_te="reject"))
add(mutation("XX-XX-0c-0c", "Transfer-Encoding:\x0cchunked\x0c", DOUBLES, "FF around chunked", te="reject"))
add(mutation("XX-0d-XX-0d", "Transfer-Encoding\r: chunked\r", DOUBLES, "CR before the colon and the CRLF",
             cl_te="reject"))

# --- smuggler.py's own timing probes, with a plain TE line ---
_tecl_probe = b"0\r\n\r\nX"
PAYLOADS.append(Payload(
    "smuggler.probe-tecl",
    lines("POST /smuggler/probe-tecl HTTP/1.1", "Transfer-Encoding: chunked", "Host: localhost",
          "X-Test-Marker: smuggler.probe-tecl", "Content-Length: 6", body=_tecl_probe),
    PROBES, "TE.CL probe: chunked body ends early, Content-Length 6 covers one more byte", "reject"))
_clte_probe = b"1\r\nZ\r\n0\r\n\r\n"
PAYLOADS.append(Payload(
    "smuggler.probe-clte",
    lines("POST /smuggler/probe-clte HTTP/1.1", "Transfer-Encoding: chunked", "Host: localhost",
          "X-Test-Marker: smuggler.probe-clte", "Content-Length: 4", body=_clte_probe),
    PROBES, "CL.TE probe: Content-Length 4 ends inside the chunked body", "reject"))

assert all(isinstance(p.raw, bytes) and CRLF in p.raw for p in PAYLOADS)
