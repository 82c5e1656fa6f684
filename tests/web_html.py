"""Reading the web view's pages in tests: a small HTML parser (the standard library's) that keeps the
structure the tests assert on, and the Source every page test renders from."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

VOID = frozenset({"meta", "link", "br", "img", "input", "hr", "source", "wbr", "col", "area", "base"})
# SVG elements written self-closed (<rect .../>): HTMLParser reports them as start-end tags.


class Html(HTMLParser):
    """One page: its elements (tag, attrs, text inside), ids, links, and whether tags pair up."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.elements: list[dict] = []
        self.stack: list[dict] = []
        self.mismatched: list[str] = []
        self.feed(text)
        self.close()

    def handle_starttag(self, tag, attrs):
        el = {"tag": tag, "attrs": dict(attrs), "text": "", "index": len(self.elements)}
        el["end"] = el["index"]
        self.elements.append(el)
        if tag not in VOID:
            self.stack.append(el)

    def handle_startendtag(self, tag, attrs):
        index = len(self.elements)
        self.elements.append({"tag": tag, "attrs": dict(attrs), "text": "", "index": index, "end": index})

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if not self.stack or self.stack[-1]["tag"] != tag:
            self.mismatched.append(tag)
            return
        self.stack.pop()["end"] = len(self.elements) - 1

    def handle_data(self, data):
        for el in self.stack:
            el["text"] += data

    # -- queries -------------------------------------------------------------------------------------
    def all(self, tag: str, **attrs) -> list[dict]:
        """Elements named `tag` whose attributes include `attrs` (class_ for class, a word of it)."""
        out = []
        for el in self.elements:
            if el["tag"] != tag:
                continue
            ok = True
            for k, v in attrs.items():
                key = k.rstrip("_").replace("_", "-")
                have = el["attrs"].get(key)
                if key == "class":
                    ok = ok and have is not None and v in have.split()
                else:
                    ok = ok and have == v
            if ok:
                out.append(el)
        return out

    def within(self, container: dict, tag: str | None = None) -> list[dict]:
        """The elements inside `container` (its descendants), optionally only those named `tag`."""
        inside = self.elements[container["index"] + 1 : container["end"] + 1]
        return [e for e in inside if tag is None or e["tag"] == tag]

    def one(self, tag: str, **attrs) -> dict:
        found = self.all(tag, **attrs)
        assert len(found) == 1, (tag, attrs, len(found))
        return found[0]

    def text_of(self, tag: str, **attrs) -> list[str]:
        return [" ".join(el["text"].split()) for el in self.all(tag, **attrs)]

    def hrefs(self) -> list[str]:
        return [el["attrs"]["href"] for el in self.elements if "href" in el["attrs"]]

    def ids(self) -> list[str]:
        return [el["attrs"]["id"] for el in self.elements if "id" in el["attrs"]]

    def by_id(self, ident: str) -> dict:
        return next(el for el in self.elements if el["attrs"].get("id") == ident)


def make_source(built: Path, root: Path, mg, service: dict | None = None):
    from mentorgraph.layout import current_generation
    from mentorgraph.web import Source

    return Source(mg, root, current_generation(built).path, service)
