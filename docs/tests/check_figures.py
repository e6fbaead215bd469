#!/usr/bin/env python3
"""Opens tutorial pages in headless Chromium and checks that their figures were drawn: every
image, SVG object and Graphviz frame in the page's contents loaded (an <img> with a natural width,
an <object>/<iframe> whose document is an <svg>), and each page has at least one.

The page is loaded in an <iframe> of a small wrapper page written to a temporary directory, whose
script inspects the figures once the page has loaded and writes the result into its own DOM,
which --dump-dom prints (file:// pages may read each other with --allow-file-access-from-files).

usage: check_figures.py <html dir> <page.html>...     exit 0 if all load, 1 if not, 77 without Chromium
"""
import json
import os
import re
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from check_math import check_each_page, run_browser  # noqa: E402  (same browser set-up)

WRAPPER = """<!DOCTYPE html><html><body>
<iframe id="page" src="%s" width="1100" height="900"></iframe>
<pre id="result">pending</pre>
<script>
document.getElementById('page').onload = function () {
  setTimeout(function () {
    var found = [];
    try {
      var d = document.getElementById('page').contentDocument;
      d.querySelectorAll('div.contents img').forEach(function (i) {
        found.push([i.getAttribute('src'), i.complete && i.naturalWidth > 0]);
      });
      d.querySelectorAll('div.contents object, div.contents iframe').forEach(function (o) {
        var svg = null;
        try { svg = o.contentDocument; } catch (e) {}
        found.push([o.getAttribute('data') || o.getAttribute('src'),
                    !!(svg && svg.documentElement && svg.documentElement.tagName.toLowerCase() === 'svg')]);
      });
      document.getElementById('result').textContent = JSON.stringify(found);
    } catch (e) {
      document.getElementById('result').textContent = 'error: ' + e;
    }
  }, 2000);
};
</script></body></html>
"""


def main(argv):
    with tempfile.TemporaryDirectory(prefix="gradlab-figures-") as tmp:
        def check_page(browser, name, path):
            wrapper = os.path.join(tmp, "wrapper.html")
            with open(wrapper, "w", encoding="utf-8") as f:
                f.write(WRAPPER % ("file://" + path))
            result = run_browser(browser, ["--allow-file-access-from-files", "--dump-dom"], "file://" + wrapper)
            m = re.search(r'<pre id="result">([^<]*)</pre>', result.stdout)
            text = m.group(1).replace("&quot;", '"') if m else "no result"
            try:
                figures = json.loads(text)
            except ValueError:
                print(f"{name}: the browser did not report the figures ({text[:200]}; {result.stderr.strip()[-200:]})")
                return False
            broken = [src for src, ok in figures if not ok]
            if not figures:
                print(f"{name}: no figure on the page")
                return False
            if broken:
                print(f"{name}: {len(broken)} of {len(figures)} figure(s) did not load: {', '.join(broken)}")
                return False
            print(f"{name}: {len(figures)} figure(s), all loaded: {', '.join(src for src, _ in figures)}")
            return True

        return check_each_page(argv, "the figures were", check_page)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
