"""The machinery of the micrograd book's site (not part of the shipped package).

- `blocks`: the one block grammar, shared by the tests (Sybil) and the build.
- `languages`: which fence languages render as Python, asked of SuperFences and Pygments.
- `display`: turns a block's last value (a graph, a figure) into SVG.
- `skips`: the one allow-list of reasons a block or test may be skipped.
- `census`: counts the Python blocks a page renders, to prove all of them ran.
- `mathml`: LaTeX to MathML at build time, so math needs no script.
- `hook`: the mkdocs hooks that run pages and put their pictures in place.
"""
