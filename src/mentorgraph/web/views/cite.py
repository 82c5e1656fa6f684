"""Download and cite: every file of the build with its media type, size and SHA-256; the citation of
the dataset and of the article as text, BibTeX and CFF; the licences. Also the site's footer facts.

The citation is read from CITATION.cff (Citation File Format 1.2.0), the one place it is stated: the
dataset is the file's own entry, the article its first reference. BibTeX is written from the same
fields, never typed twice.
"""

from __future__ import annotations

import functools
import hashlib
import json
from pathlib import Path
from typing import Any

from ... import iris, layout, mediatypes
from . import Download, NotFound, Page, Params, Source

CFF = "CITATION.cff"
BIBTEX = "mentorgraph.bib"
# SPDX licence identifiers (CITATION.cff's `license`) resolve on spdx.org.
SPDX_URL = "https://spdx.org/licenses/{}.html"
# The files of the citation route, with what each holds and its media type.
CITATION_FILES = {
    CFF: ("how to cite mentorgraph and the source article (Citation File Format 1.2.0)", "application/x-yaml"),
    BIBTEX: ("the same two citations as BibTeX (biblatex @software and @article)", "application/x-bibtex"),
}


@functools.lru_cache(maxsize=4)
def _cff(root: Path) -> dict[str, Any]:
    import yaml

    path = root / CFF
    return yaml.safe_load(path.read_text(encoding="utf-8")) if path.is_file() else {}


def _person(author: dict) -> str:
    """An author as a citation names them: 'Cree-Green M', or an entity's name."""
    if "name" in author:
        return str(author["name"])
    return f"{author.get('family-names', '')} {author.get('given-names', '')}".strip()


def article_of(cff: dict) -> dict[str, Any] | None:
    """The source article: CITATION.cff's first reference of type article."""
    return next((r for r in cff.get("references", []) if r.get("type") == "article"), None)


def article_text(a: dict) -> str:
    """The article in the Vancouver style the journal uses."""
    authors = ", ".join(_person(p) for p in a.get("authors", []))
    pages = f"{a['start']}-{a['end']}" if a.get("start") else ""
    return f"{authors}. {a['title']}. {a['journal']}. {a['year']};{a['volume']}({a['issue']}):{pages}. doi:{a['doi']}"


@functools.lru_cache(maxsize=4)
def site_facts(root: Path) -> dict[str, Any]:
    """What every page's footer says: the dataset's and the article's citation, the licences."""
    cff = _cff(root)
    authors = ", ".join(_person(p) for p in cff.get("authors", [])) or "The mentorgraph contributors"
    title = cff.get("title", "mentorgraph")
    version = str(cff.get("version", ""))
    article = article_of(cff)
    return {
        "name": "mentorgraph",
        "version": version,
        "dataset": {
            "title": title,
            "authors": authors,
            "iri": iris.DATASET,
            "text": f"{authors}. {title}. Version {version}. {iris.DATASET}",
        },
        "article": None
        if article is None
        else {
            "text": article_text(article),
            "short": f"{article['authors'][0]['family-names']} et al., {article['journal']} {article['year']}",
            "url": "https://doi.org/" + article["doi"],
            "doi": article["doi"],
        },
        "licenses": [{"id": lic, "url": SPDX_URL.format(lic)} for lic in _licenses(cff)],
    }


def _licenses(cff: dict) -> list[str]:
    lic = cff.get("license", [])
    return [lic] if isinstance(lic, str) else list(lic)


def _bib(text: object) -> str:
    """A BibTeX field value: the characters BibTeX treats specially escaped."""
    out = str(text)
    for ch in "\\{}&%$#_":
        out = out.replace(ch, "\\" + ch if ch != "\\" else "\\textbackslash{}")
    return out


def bibtex(root: Path) -> str:
    """The dataset (@software) and the article (@article) as BibTeX, from CITATION.cff."""
    cff = _cff(root)
    facts = site_facts(root)
    out = [
        "@software{mentorgraph,",
        f"  author = {{{{{_bib(facts['dataset']['authors'])}}}}},",
        f"  title = {{{{{_bib(facts['dataset']['title'])}}}}},",
        f"  version = {{{_bib(facts['version'])}}},",
        f"  url = {{{iris.DATASET}}},",
        f"  license = {{{_bib(' and '.join(_licenses(cff)))}}},",
        "}",
    ]
    a = article_of(cff)
    if a is not None:
        names = " and ".join(
            f"{_bib(p['family-names'])}, {_bib(p.get('given-names', ''))}" if "family-names" in p else _bib(_person(p))
            for p in a.get("authors", [])
        )
        key = f"{a['authors'][0]['family-names'].lower().replace('-', '')}{a['year']}"
        out += [
            "",
            f"@article{{{key},",
            f"  author = {{{names}}},",
            f"  title = {{{{{_bib(a['title'])}}}}},",
            f"  journal = {{{_bib(a['journal'])}}},",
            f"  year = {{{a['year']}}},",
            f"  volume = {{{a['volume']}}},",
            f"  number = {{{a['issue']}}},",
            f"  pages = {{{a['start']}--{a['end']}}},",
            f"  doi = {{{_bib(a['doi'])}}},",
            "}",
        ]
    return "\n".join(out) + "\n"


def citation_text(root: Path, name: str) -> str:
    """The text of a citation file (CITATION.cff as it is, or the BibTeX made from it)."""
    if name == CFF:
        path = root / CFF
        return path.read_text(encoding="utf-8") if path.is_file() else ""
    if name == BIBTEX:
        return bibtex(root)
    raise NotFound(f"no citation file {name!r}; there are {', '.join(CITATION_FILES)}")


def citation_file(source: Source, params: Params) -> Download:
    """/cite/NAME: CITATION.cff or mentorgraph.bib."""
    name = (params.get("name") or [""])[-1]
    body = citation_text(source.root, name)
    return Download(CITATION_FILES[name][1] + "; charset=utf-8", name, body)


def _file_row(name: str, description: str, data: bytes, media: str | None) -> dict[str, Any]:
    return {
        "name": name,
        "description": description,
        "media_type": media or "application/octet-stream",
        "bytes": len(data),
        "size": _size(len(data)),
        "sha256": hashlib.sha256(data).hexdigest(),
    }


def _size(n: int) -> str:
    for unit, scale in (("MB", 1 << 20), ("kB", 1 << 10)):
        if n >= scale:
            return f"{n / scale:.1f} {unit}"
    return f"{n} bytes"


def files(source: Source) -> list[dict[str, Any]]:
    """The build's files as /download/ serves them (the manifest's list and the manifest itself)."""

    def make() -> list[dict[str, Any]]:
        manifest_path = source.out / layout.MANIFEST
        manifest = json.loads(manifest_path.read_text(encoding="utf-8")) if manifest_path.is_file() else {}
        listed = {**manifest.get("files", {}), layout.MANIFEST: "what this build holds: its files and triple counts"}
        rows = []
        for name in sorted(listed):
            path = source.out / name
            if path.is_file():
                rows.append(_file_row(name, listed[name], path.read_bytes(), mediatypes.of_file(name)))
        return rows

    return source.once("files", make)


def download(source: Source, params: Params) -> Page:
    """The download-and-cite page."""
    root = source.root
    facts = site_facts(root)
    cites = [
        {**_file_row(n, d, citation_text(root, n).encode("utf-8"), media), "route": "cite"}
        for n, (d, media) in CITATION_FILES.items()
    ]
    triples = json.loads((source.out / layout.MANIFEST).read_text()).get("triples") if files(source) else None
    return Page(
        "download.html",
        "Download and cite",
        {
            "files": files(source),
            "citation_files": cites,
            "bibtex": bibtex(root),
            "cff": citation_text(root, CFF),
            "facts": facts,
            "triples": triples,
            "release_files": _release_files(),
            "data_licenses": [
                r["l"]
                for r in source.rows(
                    f"SELECT ?l WHERE {{ GRAPH mgg:ontology {{ <{iris.ONTOLOGY}> dcterms:license ?l }} }} ORDER BY ?l"
                )
            ],
        },
    )


def _release_files() -> list[dict[str, str]]:
    """What `mentorgraph release` adds to the build's files (named here so the page can say so)."""
    from ...release.release import CHECKSUMS, DATASET_FILE, RELEASE_FILES

    named = {**RELEASE_FILES, DATASET_FILE: "the DCAT/VoID description of the release", CHECKSUMS: "SHA-256 sums"}
    return [{"name": n, "description": d} for n, d in sorted(named.items())]
