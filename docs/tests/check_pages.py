#!/usr/bin/env python3
"""Checks the tutorial as a reader meets it, in the generated HTML:

- the contents page (index.html) links every tutorial page, numbered, in reading order;
- each page links back to the contents and to its previous and next page;
- each page shows code, and that code comes from compiled files: the page sources
  (docs/pages/*.dox) hold no typed-in code block (\\code, \\verbatim, fenced or indented
  markdown code), only \\snippet / \\include of files in examples/ and tests/;
- no page (tutorial or not) pastes measured numbers: a \\verbatim block or a Markdown table row
  holding a decimal number outside a formula fails the check;
- each page has math and at least one figure, and the figures it names exist and are not empty;
and prints every page's word count (the prose a reader gets, code and output excluded).

usage: check_pages.py <html dir> <docs/pages dir>    exit 0 when all hold, 1 otherwise
"""
import os
import re
import sys
from html.parser import HTMLParser

# The reading order: (page id = HTML file name, title prefix on the contents page).
TUTORIAL = [
    ("start_here", "1."),
    ("landscapes", "2."),
    ("strategies", "3."),
    ("following_the_gradient", "4."),
    ("analytic_gradient", "5."),
    ("gradient_checking", "6."),
    ("gradient_descent", "7."),
    ("own_loss", "8."),
    ("inside_the_tape", "9."),
    ("pitfalls", "10."),
    ("results", "11."),
]


class Text(HTMLParser):
    """The words of <div class="contents">, outside code fragments and preformatted output."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.depth = 0          # inside div.contents when > 0
        self.skip = 0           # inside a fragment / pre / script when > 0
        self.words = 0
        self.links = []
        self.images = []
        self.fragments = 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        cls = a.get("class") or ""
        if tag == "div" and ("contents" in cls.split() or self.depth):
            self.depth += 1
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        if self.depth and tag == "img" and a.get("src"):
            self.images.append(a["src"])
        if self.depth and tag == "iframe" and (a.get("src") or "").endswith(".svg"):  # \dotfile
            self.images.append(a["src"])
        if self.depth and tag == "object" and (a.get("data") or "").endswith(".svg"):  # \image html x.svg
            self.images.append(a["data"])
        if self.depth and (tag in ("pre", "script", "style") or (tag == "div" and "fragment" in cls.split())):
            if tag == "div" and "fragment" in cls.split():
                self.fragments += 1
            self.skip += 1
        elif self.skip and tag == "div":
            self.skip += 1

    def handle_endtag(self, tag):
        if self.skip and tag in ("pre", "script", "style", "div"):
            self.skip -= 1
        if tag == "div" and self.depth:
            self.depth -= 1

    def handle_data(self, data):
        if self.depth and not self.skip:
            self.words += len(re.findall(r"[A-Za-z][A-Za-z'-]*", data))


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def main():
    if len(sys.argv) != 3:
        print(__doc__)
        return 2
    html, pages_dir = sys.argv[1], sys.argv[2]
    problems = []

    index = Text()
    index.feed(read(os.path.join(html, "index.html")))
    order = [l.split("#")[0] for l in index.links if l.split("#")[0] in {p + ".html" for p, _ in TUTORIAL}]
    firsts = list(dict.fromkeys(order))
    if firsts != [p + ".html" for p, _ in TUTORIAL]:
        problems.append(f"index.html: the contents list the pages as {firsts}, expected the reading order "
                        f"{[p + '.html' for p, _ in TUTORIAL]}")
    index_html = read(os.path.join(html, "index.html"))
    for page, number in TUTORIAL:
        if not re.search(r'href="' + page + r'\.html"[^>]*>' + re.escape(number) + r"\s", index_html):
            problems.append(f"index.html: the link to {page}.html is not titled '{number} ...'")

    total = 0
    for k, (page, _) in enumerate(TUTORIAL):
        path = os.path.join(html, page + ".html")
        if not os.path.isfile(path):
            problems.append(f"{page}.html: missing")
            continue
        source = read(path)
        t = Text()
        t.feed(source)
        targets = {l.split("#")[0] for l in t.links}
        want = {"index.html"}
        if k > 0:
            want.add(TUTORIAL[k - 1][0] + ".html")
        if k + 1 < len(TUTORIAL):
            want.add(TUTORIAL[k + 1][0] + ".html")
        for w in sorted(want - targets):
            problems.append(f"{page}.html: no link to {w} (contents / previous / next)")
        if t.fragments == 0:
            problems.append(f"{page}.html: no code snippet")
        if not t.images:
            problems.append(f"{page}.html: no figure (every tutorial page shows one drawn by the build)")
        if not re.search(r"\\\(|\\\[|\\begin\{", source):
            problems.append(f"{page}.html: no formula")
        for src in t.images:
            img = os.path.join(html, src)
            if os.path.isfile(img) and os.path.getsize(img) == 0:
                problems.append(f"{page}.html: figure {src} is empty")
        total += t.words
        print(f"{k + 1:2}. {page}: {t.words} words, {t.fragments} code snippet(s), {len(t.images)} figure(s)")
    print(f"    all pages: {total} words")

    # Code on the tutorial pages is never typed in: only \snippet / \include / \verbinclude of
    # files; typed-in blocks on other pages are reported. And no page, tutorial or not, pastes
    # measured numbers: a \verbatim block or a table row holding a decimal number (outside
    # formulas) is output that the docs build must produce and \verbinclude instead.
    tutorial = {page for page, _ in TUTORIAL}
    for name in sorted(os.listdir(pages_dir)):
        if not name.endswith(".dox"):
            continue
        text = read(os.path.join(pages_dir, name))
        in_tutorial = any(p in tutorial for p in re.findall(r"\\page\s+(\w+)", text))
        verbatim = False
        for n, line in enumerate(text.splitlines(), 1):
            if re.search(r"\\(code|verbatim|endcode)\b|^\s*(```|~~~)", line):
                if in_tutorial:
                    problems.append(f"{name}:{n}: a typed-in code block; use \\snippet from a compiled, tested file")
                else:
                    print(f"note: {name}:{n}: a typed-in block, on a page outside the tutorial")
            if re.search(r"\\verbatim\b", line):
                verbatim = True
            if re.search(r"\\endverbatim\b", line):
                verbatim = False
            prose = re.sub(r"\\f\$.*?\\f\$", "", line)
            number = re.search(r"\d+\.\d+", prose)
            if number and (verbatim or re.match(r"^\s*\|.*\|\s*$", prose)):
                problems.append(f"{name}:{n}: a pasted number ({number.group(0)}) in a "
                                f"{'verbatim block' if verbatim else 'table'}; measured output is produced "
                                f"during the docs build and \\verbinclude-d: {line.strip()[:80]}")

    for p in problems:
        print(p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
