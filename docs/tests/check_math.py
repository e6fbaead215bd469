#!/usr/bin/env python3
"""Opens generated pages in headless Chromium and checks that MathJax typeset their math.

For each page: the formulas in the HTML source are counted (Doxygen writes \\f$...\\f$ as
\\(...\\), \\f[...\\f] as \\[...\\] and \\f{env}{...\\f} as \\begin{env}...\\end{env}); the DOM
after MathJax ran must hold at least that many rendered formulas (MathJax-Element-N-Frame
elements holding typeset math), none still waiting (for a web font, say), no message left in
MathJax's message box ("File failed to load", "Loading web-font"), no "Math Processing Error" and
no TeX error box (class="merror").

usage: check_math.py [--screenshot-dir DIR] <html dir> <page.html>...
exit 0 all typeset, 1 a page failed, 77 Chromium is not installed (ctest: skipped)
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

SKIP = 77
BROWSERS = ("chromium", "chromium-browser", "google-chrome")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--virtual-time-budget=30000"]  # virtual time: web fonts load by timers

# tex2jax leaves these elements alone, so formulas inside them are not counted.
SKIPPED_ELEMENTS = re.compile(r"<(script|style|pre|code|textarea)\b.*?</\1>", re.S | re.I)
DELIMITERS = re.compile(r"\\\(.*?\\\)|\\\[.*?\\\]|\\begin\{([a-z]+\*?)\}.*?\\end\{\1\}", re.S)


def source_formulas(html):
    return len(DELIMITERS.findall(SKIPPED_ELEMENTS.sub("", html)))


def find_browser():
    explicit = os.environ.get("GRADLAB_CHROMIUM")
    if explicit:
        return explicit if shutil.which(explicit) else None
    for name in BROWSERS:
        if shutil.which(name):
            return shutil.which(name)
    return None


def run_browser(browser, extra, url):
    with tempfile.TemporaryDirectory(prefix="gradlab-chromium-") as profile:
        return subprocess.run([browser, *FLAGS, f"--user-data-dir={profile}", *extra, url],
                              capture_output=True, text=True, timeout=180)


def check_each_page(argv, what, check_page):
    """The browser checks' shared loop: argv = [script, html dir, page.html...]; check_page(browser,
    name, path) prints its verdict and returns True when the page passed. Returns the exit code."""
    if len(argv) < 3:
        print(sys.modules["__main__"].__doc__)
        return 2
    browser = find_browser()
    if browser is None:
        print(f"SKIPPED: Chromium is not installed (apt-get install chromium); {what} not checked")
        return SKIP
    html_dir = os.path.abspath(argv[1])
    failures = 0
    for name in argv[2:]:
        path = os.path.join(html_dir, name)
        if not os.path.isfile(path):
            print(f"{name}: no such page in {html_dir}")
            failures += 1
        elif not check_page(browser, name, path):
            failures += 1
    return 1 if failures else 0


def main(argv):
    screenshots = None
    if len(argv) > 2 and argv[1] == "--screenshot-dir":
        screenshots = argv[2]
        argv = argv[:1] + argv[3:]

    def check_page(browser, name, path):
        with open(path, encoding="utf-8") as f:
            expected = source_formulas(f.read())
        url = "file://" + path
        result = run_browser(browser, ["--dump-dom"], url)
        dom = result.stdout
        # A frame MathJax has finished holds the typeset <span class="math">; one still waiting
        # (for a font, say) is empty and its display wrapper is marked MathJax_Processing.
        rendered = len(set(re.findall(r'id="MathJax-Element-(\d+)-Frame"[^>]*><nobr><span class="math"', dom)))
        pending = len(re.findall(r'class="[^"]*MathJax_Processing', dom))
        message = re.search(r'<div id="MathJax_Message"[^>]*>([^<]*)<', dom)
        problems = []
        if result.returncode != 0 or not dom.strip():
            problems.append(f"chromium exited {result.returncode}: {result.stderr.strip()[-500:]}")
        if expected == 0:
            problems.append("the page has no formula: the check would prove nothing")
        if rendered < expected:
            problems.append(f"{rendered} formulas typeset, the source has {expected}")
        if pending:
            problems.append(f"{pending} formula(s) still being processed")
        if message and message.group(1).strip():
            problems.append(f"MathJax says: {message.group(1).strip()}")
        errors = dom.count("Math Processing Error")
        if errors:
            problems.append(f'{errors} "Math Processing Error"')
        tex_errors = len(re.findall(r'class="merror"', dom))
        if tex_errors:
            problems.append(f"{tex_errors} TeX error(s) (class merror)")
        if screenshots:
            os.makedirs(screenshots, exist_ok=True)
            shot = os.path.join(os.path.abspath(screenshots), name.replace(".html", ".png"))
            run_browser(browser, [f"--screenshot={shot}", "--window-size=1200,1600"], url)
        verdict = "FAILED: " + "; ".join(problems) if problems else "ok"
        print(f"{name}: {expected} formulas in the source, {rendered} typeset by MathJax: {verdict}")
        return not problems

    return check_each_page(argv, "the math was", check_page)



if __name__ == "__main__":
    sys.exit(main(sys.argv))
