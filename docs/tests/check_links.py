#!/usr/bin/env python3
"""Link check over gradlab's generated HTML: every local link, image, script, stylesheet and
embedded object must exist, and every #anchor must name an id (or <a name>) in its target page.
Nothing may be loaded from the network (the docs are meant to work offline); plain hyperlinks to
outside pages are allowed and counted.

usage: check_links.py <html dir>      exit 0 when clean, 1 with one line per broken reference
"""
import os
import sys
import urllib.parse
from html.parser import HTMLParser

# (tag, attribute) pairs that make the browser load something, and those that only link.
LOADS = {("img", "src"), ("script", "src"), ("link", "href"), ("object", "data"),
         ("iframe", "src"), ("embed", "src"), ("source", "src")}
LINKS = {("a", "href"), ("area", "href")}


class Page(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.refs = []      # (kind, url, line)
        self.anchors = set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for key in ("id", "name"):
            if attrs.get(key) and (key == "id" or tag == "a"):
                self.anchors.add(attrs[key])
        for attr, value in attrs.items():
            if value is None:
                continue
            if (tag, attr) in LOADS:
                self.refs.append(("load", value, self.getpos()[0]))
            elif (tag, attr) in LINKS:
                self.refs.append(("link", value, self.getpos()[0]))

    handle_startendtag = handle_starttag


def parse(path, cache):
    if path not in cache:
        page = Page()
        with open(path, encoding="utf-8", errors="replace") as f:
            page.feed(f.read())
        cache[path] = page
    return cache[path]


def main():
    if len(sys.argv) != 2:
        print(__doc__)
        return 2
    root = os.path.abspath(sys.argv[1])
    if not os.path.isfile(os.path.join(root, "index.html")):
        print(f"check_links: {root}/index.html does not exist: build the docs first")
        return 1
    pages = []
    for d, dirs, files in os.walk(root):
        dirs[:] = [x for x in dirs if x != "mathjax"]  # MathJax's own files hold no HTML pages
        pages += [os.path.join(d, f) for f in files if f.endswith(".html")]
    cache, broken, checked, outside = {}, [], 0, 0
    for page_path in sorted(pages):
        page = parse(page_path, cache)
        rel_page = os.path.relpath(page_path, root)
        for kind, url, line in page.refs:
            parts = urllib.parse.urlsplit(url)
            if parts.scheme in ("http", "https", "ftp") or url.startswith("//"):
                if kind == "load":
                    broken.append(f"{rel_page}:{line}: loads {url} from the network (the docs must work offline)")
                outside += 1
                continue
            if parts.scheme in ("mailto", "javascript", "data"):
                continue
            checked += 1
            target = page_path
            if parts.path:
                target = os.path.normpath(os.path.join(os.path.dirname(page_path), urllib.parse.unquote(parts.path)))
                if not target.startswith(root + os.sep):
                    broken.append(f"{rel_page}:{line}: {url} points outside the HTML output")
                    continue
                if not os.path.isfile(target):
                    broken.append(f"{rel_page}:{line}: {url} does not exist")
                    continue
            if parts.fragment and target.endswith(".html"):
                if parts.fragment not in parse(target, cache).anchors:
                    broken.append(f"{rel_page}:{line}: {url}: no anchor #{parts.fragment} in {os.path.relpath(target, root)}")
    for b in broken:
        print(b)
    print(f"check_links: {len(pages)} pages, {checked} local references checked, {len(broken)} broken, "
          f"{outside} links to outside pages (not followed)")
    return 1 if broken or checked == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
