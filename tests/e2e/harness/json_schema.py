"""A small JSON Schema validator for the request-body schemas in tests/data/cloudflare-api: type (one or a list),
required, properties with additionalProperties false, items, maxLength. Returns a list of problems."""

_TYPES = {"object": dict, "array": list, "string": str, "null": type(None)}


def _is(value, name):
    if name == "boolean":
        return isinstance(value, bool)
    if name in ("integer", "number"):
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    return isinstance(value, _TYPES[name])


def problems(value, schema, where="$"):
    out = []
    types = schema.get("type")
    if types is not None:
        names = types if isinstance(types, list) else [types]
        if not any(_is(value, n) for n in names):
            return ["%s: %r is not %s" % (where, value, "/".join(names))]
    if isinstance(value, dict):
        for key in schema.get("required", []):
            if key not in value:
                out.append("%s: missing required %s" % (where, key))
        properties = schema.get("properties", {})
        for key, item in value.items():
            if key in properties:
                out += problems(item, properties[key], "%s.%s" % (where, key))
            elif schema.get("additionalProperties") is False:
                out.append("%s: %s is not a documented field" % (where, key))
    if isinstance(value, list) and "items" in schema:
        for i, item in enumerate(value):
            out += problems(item, schema["items"], "%s[%d]" % (where, i))
    if isinstance(value, str) and "maxLength" in schema and len(value) > schema["maxLength"]:
        out.append("%s: longer than %d" % (where, schema["maxLength"]))
    return out
