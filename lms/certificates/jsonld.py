"""JSON-LD for credentials: a static document loader and strict, bounded RDF canonicalization.

Only the contexts bundled in ``contexts/`` (see its README) are ever served to pyld; any other
URL raises :class:`ContextNotAllowed`, so processing a credential never touches the network
(no SSRF, reproducible results). Parsed contexts are cached at module level, and pyld keeps
its own module-level cache of processed contexts, so only the first call pays for parsing.

:func:`canonicalize` is RDFC-1.0 (URDNA2015) to N-Quads, with two safety nets:

* **strict**: a property or type that the contexts do not define would be silently dropped
  by JSON-LD and so left out of the signature while still showing in the JSON. That is
  refused (:class:`CanonicalizationError`) for signing and verifying alike.
* **bounded**: crafted blank-node graphs make RDFC-1.0 exponential. The number of blank
  nodes, the calls to the N-degree hash and the size of each permuted group are capped.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pyld import jsonld as jsonld_module
from pyld.canon import URDNA2015
from pyld.jsonld import JsonLdError, JsonLdProcessor

CONTEXTS_DIR = Path(__file__).resolve().parent / "contexts"

VC_V2 = "https://www.w3.org/ns/credentials/v2"
OB_V3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
MULTIKEY_V1 = "https://w3id.org/security/multikey/v1"
DID_V1 = "https://www.w3.org/ns/did/v1"

#: URL -> bundled file. Nothing else is ever loaded.
CONTEXT_FILES: Mapping[str, str] = {
    VC_V2: "credentials-v2.jsonld",
    OB_V3: "ob-context-3.0.3.json",
    MULTIKEY_V1: "multikey-v1.jsonld",
    DID_V1: "did-v1.jsonld",
}

#: Limits for canonicalizing untrusted input (Harbor's own credentials are far below them).
MAX_BLANK_NODES = 64
MAX_NDEGREE_CALLS = 256
MAX_PERMUTED_GROUP = 5

_parsed: dict[str, dict[str, Any]] = {}


class ContextNotAllowed(LookupError):
    """A JSON-LD document asked for a context URL that is not bundled."""


class CanonicalizationError(ValueError):
    """The document cannot be canonicalized safely (undefined terms, limits, bad JSON-LD)."""


def load_context(url: str) -> dict[str, Any]:
    """Return the parsed bundled context for ``url`` (cached); raise for any other URL."""
    if not isinstance(url, str) or url not in CONTEXT_FILES:
        raise ContextNotAllowed(f"JSON-LD context not bundled, refusing to load: {url!r}")
    doc = _parsed.get(url)
    if doc is None:
        doc = json.loads((CONTEXTS_DIR / CONTEXT_FILES[url]).read_text(encoding="utf-8"))
        _parsed[url] = doc
    return doc


def document_loader(url: str, options: Any = None) -> dict[str, Any]:
    """pyld document loader serving only the bundled contexts; never fetches."""
    return {
        "contentType": "application/ld+json",
        "contextUrl": None,
        "documentUrl": url,
        "document": load_context(url),
    }


# Any pyld call in the process, even one that forgets to pass ``documentLoader``, gets the
# bundled-only loader: nothing is ever fetched from the network (SSRF, reproducibility).
jsonld_module.set_document_loader(document_loader)


def xsd_datetime(moment: datetime) -> str:
    """Format an aware datetime as ``YYYY-MM-DDTHH:MM:SSZ`` (UTC, whole seconds)."""
    if not isinstance(moment, datetime) or moment.tzinfo is None:
        raise ValueError("credential datetimes must be timezone-aware")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _dropped(term: Any) -> None:
    raise CanonicalizationError(f"term not defined by the JSON-LD contexts: {term!r}")


def _is_iri(value: Any) -> bool:
    return isinstance(value, str) and (":" in value) and not value.startswith("_:")


def _check_expanded(node: Any) -> None:
    """Refuse relative IRIs in ids, types and property names (JSON-LD would drop them)."""
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(item)
            continue
        if not isinstance(item, dict):
            continue
        if "@value" in item:
            if "@type" in item and not _is_iri(item["@type"]) and item["@type"] != "@json":
                raise CanonicalizationError(f"relative datatype IRI: {item['@type']!r}")
            continue
        node_id = item.get("@id")
        if node_id is not None and not (_is_iri(node_id) or str(node_id).startswith("_:")):
            raise CanonicalizationError(f"relative @id: {node_id!r}")
        for t in item.get("@type", ()):
            if not _is_iri(t):
                raise CanonicalizationError(f"type not defined by the contexts: {t!r}")
        for key, value in item.items():
            if not key.startswith("@") and not _is_iri(key):
                raise CanonicalizationError(f"property not defined by the contexts: {key!r}")
            if key != "@type":
                stack.append(value)


class _BoundedURDNA2015(URDNA2015):
    """pyld's URDNA2015 with a work budget for the N-degree (exponential) part."""

    def __init__(self) -> None:
        super().__init__()
        self._calls = 0

    def hash_n_degree_quads(self, id_, issuer):  # type: ignore[no-untyped-def]
        self._calls += 1
        if self._calls > MAX_NDEGREE_CALLS:
            raise CanonicalizationError("canonicalization work limit exceeded")
        return super().hash_n_degree_quads(id_, issuer)

    def create_hash_to_related(self, id_, issuer):  # type: ignore[no-untyped-def]
        related = super().create_hash_to_related(id_, issuer)
        if any(len(nodes) > MAX_PERMUTED_GROUP for nodes in related.values()):
            raise CanonicalizationError("too many indistinguishable blank nodes")
        return related


def _count_blank_nodes(dataset: dict[str, list[dict[str, Any]]]) -> int:
    seen = set()
    for graph_name, triples in dataset.items():
        if graph_name.startswith("_:"):
            seen.add(graph_name)
        for triple in triples:
            for part in ("subject", "object"):
                if triple[part]["type"] == "blank node":
                    seen.add(triple[part]["value"])
    return len(seen)


def canonicalize(doc: Mapping[str, Any]) -> str:
    """Return the RDFC-1.0 canonical N-Quads of ``doc`` using only the bundled contexts.

    Raises :class:`CanonicalizationError` when a term or type is undefined, a limit is hit or
    the JSON-LD is invalid, and :class:`ContextNotAllowed` (wrapped) for unknown contexts.
    """
    processor = JsonLdProcessor(on_property_dropped=_dropped)
    options = {"documentLoader": document_loader, "base": None}
    try:
        expanded = processor.expand(dict(doc), options)
        _check_expanded(expanded)
        dataset = processor.to_rdf(expanded, {**options, "produceGeneralizedRdf": False})
    except JsonLdError as exc:
        raise CanonicalizationError(f"invalid JSON-LD: {exc}") from exc
    if _count_blank_nodes(dataset) > MAX_BLANK_NODES:
        raise CanonicalizationError("too many blank nodes")
    return _BoundedURDNA2015().main(dataset, {"format": "application/n-quads"})
