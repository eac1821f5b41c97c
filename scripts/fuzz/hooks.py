"""Schemathesis hooks of `npm run fuzz` (loaded through SCHEMATHESIS_HOOKS).

1. Hostile text: every generated case may have one of its strings (a body field at any depth, a query
   parameter or a path id) replaced by text PostgreSQL cannot store: NUL, a lone UTF-16 surrogate, or in
   a URL, where a surrogate cannot travel as text, its UTF-8-style bytes and other invalid sequences.
2. Real ids: item, warehouse, order and suborder ids are sometimes swapped for ones that exist (the
   seeded catalog, orders BEGIN answered earlier in the run), so cases get past "not found" into
   checkout, payment and the order workflows.
3. A record: one JSON line per answered request (operation, status, whether it carried hostile text;
   the request and the answer in full for a 5xx) in FUZZ_RECORD_FILE, read by the summary.

Environment: FUZZ_RECORD_FILE, FUZZ_ITEM_IDS and FUZZ_WAREHOUSE_IDS (comma-separated).
"""

from __future__ import annotations

import json
import os
import re
import threading
from typing import Any

import schemathesis
from hypothesis import strategies as st
from schemathesis.core.parameters import DelimitedValue, EncodedPath

# Stands for a lone surrogate while the case is inside schemathesis, whose schema validator cannot take
# one; `before_call` puts the surrogate itself into the JSON on the wire (escaped as \ud800).
SURROGATE_PLACEHOLDER = re.compile("\uf8f0([0-9a-f]{4})\uf8f1")


def _surrogate(code: str) -> str:
    return f"\uf8f0{code}\uf8f1"


# (kind, text) for a string in a JSON body.
BODY_POISON = [
    ("nul", "\x00"),
    ("nul", "Ada\x00Lovelace"),
    ("surrogate", _surrogate("d800")),
    ("surrogate", f"x{_surrogate('dfff')}y"),
    # a low half before a high one: two lone surrogates, not a pair
    ("surrogate", _surrogate("dc00") + _surrogate("d800")),
    ("control", "ok\x07bell"),
]
# Percent-encoded forms for a URL, where a surrogate cannot travel as text: NUL, a lone surrogate's
# bytes (U+D800, U+DFFF), an overlong NUL, a stray continuation byte and a byte that is never UTF-8.
URL_POISON = [
    ("nul", "%00"),
    ("nul", "abc%00def"),
    ("surrogate", "%ED%A0%80"),
    ("surrogate", "x%ED%BF%BFy"),
    ("invalid-utf8", "%C0%80"),
    ("invalid-utf8", "%80"),
    ("invalid-utf8", "%FF"),
]
# Marks a case that carries hostile text, with its kind; the API ignores the header.
HOSTILE_HEADER = "X-Fuzz-Hostile"

ITEM_IDS = [i for i in os.environ.get("FUZZ_ITEM_IDS", "").split(",") if i]
WAREHOUSE_IDS = [w for w in os.environ.get("FUZZ_WAREHOUSE_IDS", "").split(",") if w]
_order_ids: list[str] = []
_lock = threading.Lock()
_record = open(os.environ["FUZZ_RECORD_FILE"], "a", encoding="utf-8")  # noqa: SIM115 - open for the run


def _known_ids(key: str) -> list[str]:
    name = key.lower()
    if name == "itemid":
        return ITEM_IDS
    if name == "warehouseid":
        return WAREHOUSE_IDS
    with _lock:
        if name == "orderid":
            return list(_order_ids[-50:])
        if name == "suborderid":
            return [f"{o}.{w}" for o in _order_ids[-20:] for w in WAREHOUSE_IDS]
    return []


def _string_leaves(value: Any, path: tuple = ()) -> list[tuple[tuple, str | None]]:
    """Paths to every string in a JSON value, with the name of the field holding it."""
    if isinstance(value, str):
        return [(path, str(path[-1]) if path and isinstance(path[-1], str) else None)]
    if isinstance(value, dict):
        return [leaf for k, v in value.items() for leaf in _string_leaves(v, (*path, k))]
    if isinstance(value, list):
        return [leaf for i, v in enumerate(value) for leaf in _string_leaves(v, (*path, i))]
    return []


def _replaced(value: Any, path: tuple, new: Any) -> Any:
    if not path:
        return new
    head, rest = path[0], path[1:]
    if isinstance(value, dict):
        return {**value, head: _replaced(value[head], rest, new)}
    copy = list(value)
    copy[head] = _replaced(copy[head], rest, new)
    return copy


def _targets(case: Any) -> list[tuple[str, tuple, str | None]]:
    """(container, path, field name) of every string in the case's body, query and path parameters."""
    found = []
    for container in ("body", "query", "path_parameters"):
        value = getattr(case, container, None)
        if isinstance(value, (dict, list, str)):
            found += [(container, path, name) for path, name in _string_leaves(value)]
    return found


def _url_value(container: str, encoded: str) -> Any:
    if container == "path_parameters":
        return EncodedPath(encoded)
    # A query value sent as it stands, already percent-encoded.
    return DelimitedValue(encoded, encoded)


def _with(case: Any, container: str, path: tuple, value: Any) -> Any:
    """A copy of the case with one value replaced (the original is left as hypothesis drew it)."""
    changed = case.derive(keep_auth=True)
    setattr(changed, container, _replaced(getattr(case, container), path, value))
    return changed


def _marked(case: Any, kind: str) -> Any:
    headers = dict(case.headers or {})
    headers[HOSTILE_HEADER] = kind
    case.headers = headers
    return case


def _steered(case: Any, choices: list[tuple[str, tuple, str]]) -> st.SearchStrategy:
    """Each id field keeps its value or takes a real one."""
    strategy = st.just(case)
    for container, path, name in choices:
        ids = _known_ids(name)
        strategy = strategy.flatmap(
            lambda c, container=container, path=path, ids=ids: st.one_of(
                st.just(c), st.sampled_from(ids).map(lambda i: _with(c, container, path, i))
            )
        )
    return strategy


def _poisoned(case: Any, target: tuple[str, tuple, str | None]) -> st.SearchStrategy:
    container, path, _ = target
    if container == "body":
        return st.sampled_from(BODY_POISON).map(lambda p: _marked(_with(case, container, path, p[1]), p[0]))
    return st.sampled_from(URL_POISON).map(
        lambda p: _marked(_with(case, container, path, _url_value(container, p[1])), p[0])
    )


@schemathesis.hook
def flatmap_case(context: Any, case: Any) -> st.SearchStrategy:
    targets = _targets(case)
    id_fields = [(c, p, n) for c, p, n in targets if n and _known_ids(n)]
    steered = _steered(case, id_fields) if id_fields else st.just(case)
    if not targets:
        return steered
    # About every other generated case carries hostile text.
    return steered.flatmap(
        lambda c: st.one_of(st.just(c), st.sampled_from(_targets(c)).flatmap(lambda t: _poisoned(c, t)))
    )


def _with_surrogates(value: Any) -> Any:
    if isinstance(value, str):
        return SURROGATE_PLACEHOLDER.sub(lambda m: chr(int(m.group(1), 16)), value)
    if isinstance(value, dict):
        return {k: _with_surrogates(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_with_surrogates(v) for v in value]
    return value


@schemathesis.hook
def before_call(context: Any, case: Any, kwargs: dict[str, Any]) -> None:
    body = case.body
    if isinstance(body, (dict, list, str)) and SURROGATE_PLACEHOLDER.search(json.dumps(body, ensure_ascii=False)):
        kwargs["data"] = json.dumps(_with_surrogates(body)).encode("ascii")


def _remember_order(case: Any, response: Any) -> None:
    if case.method.upper() != "POST" or case.path != "/checkout" or response.status_code != 201:
        return
    try:
        order_id = json.loads(response.content).get("orderId")
    except (ValueError, AttributeError):
        return
    if isinstance(order_id, str):
        with _lock:
            _order_ids.append(order_id)


def _header(headers: dict[str, list[str]], name: str) -> str | None:
    values = next((v for k, v in headers.items() if k.lower() == name), None)
    return values[0] if values else None


def _sent_body(response: Any) -> str:
    body = response.request.body
    if isinstance(body, bytes):
        return body.decode("utf-8", "backslashreplace")
    return body or ""


@schemathesis.hook
def after_call(context: Any, case: Any, response: Any) -> None:
    _remember_order(case, response)
    request = response.request
    entry = {
        "operation": f"{case.method.upper()} {case.path}",
        "status": response.status_code,
        "hostile": request.headers.get(HOSTILE_HEADER),
        "requestId": _header(response.headers, "x-request-id"),
    }
    if response.status_code >= 500:
        entry["request"] = {"method": request.method, "url": request.url, "body": _sent_body(response)}
        entry["response"] = response.content.decode("utf-8", "replace")[:2000]
    with _lock:
        _record.write(json.dumps(entry) + "\n")
        _record.flush()
