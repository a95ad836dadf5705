"""What a page's run depends on, and runs in worker processes (sitekit.pagerun)."""

from __future__ import annotations

import os
import subprocess
import sys
import time

from sitekit import pagerun
from sitekit.blocks import parse_text

from .conftest import ROOT

PAGE = """# A page

Some prose.

```python
print(1 + 1)
```

```output
2
```

<!-- invisible-code-block: python
assert True
-->

```pycon
>>> 2 * 3
6
```
"""


def key(text: str, fingerprint: str = "machinery") -> str:
    return pagerun.run_key(parse_text(text, "page.md"), fingerprint)


def test_prose_does_not_change_the_key_and_everything_a_run_depends_on_does():
    assert key(PAGE) == key(PAGE.replace("Some prose.", "Other prose,\n\nover two paragraphs."))
    changed = [
        PAGE.replace("print(1 + 1)", "print(2)"),  # a block's source
        PAGE.replace("```output\n2\n", "```output\n3\n"),  # the output the page shows
        PAGE.replace("<!-- invisible-code-block: python\nassert True\n-->", "```python\nassert True\n```"),  # visible
        PAGE.replace(">>> 2 * 3\n6", ">>> 2 * 4\n8"),  # a doctest
        PAGE.replace("```python\nprint", "<!-- needs: torch -->\n```python\nprint"),  # a needed package
        PAGE + "\n```Python\nx = 1\n```\n",  # a fence the grammar rejects
    ]
    keys = {key(text) for text in changed}
    assert len(keys) == len(changed) and key(PAGE) not in keys
    assert key(PAGE, "another package") != key(PAGE)


def test_the_order_of_the_blocks_is_part_of_the_key():
    one, two = "```python\nx = 1\n```\n", "```python\nx = 2\n```\n"
    assert key(one + two) != key(two + one)


def test_a_run_in_a_worker_is_the_run_in_this_process_and_leaves_this_process_alone(tmp_path):
    text = ("```python\nimport os\nfrom micrograd import Value, draw_dot\nPID = os.getpid()\n"
            "draw_dot(Value(1.0) + 2)\n```\n")
    runner = pagerun.Runner()
    try:
        runner.start("page.md", text)
        in_worker = runner.result("page.md", text)
    finally:
        runner.close()
    here = pagerun.run(text, "page.md")
    assert in_worker["displays"] == here["displays"] and list(here["displays"]) == ["0"]
    assert in_worker["blocks"] == here["blocks"] == 1


def test_a_failure_in_a_worker_names_the_line():
    text = "# Title\n\n```python\nraise RuntimeError('nope')\n```\n"
    runner = pagerun.Runner()
    try:
        runner.start("page.md", text)
        result = runner.result("page.md", text)
    finally:
        runner.close()
    assert result["failure"].startswith("line 3: a block failed:") and "RuntimeError: nope" in result["failure"]


def test_a_run_started_for_other_text_is_not_used():
    runner = pagerun.Runner()
    try:
        runner.start("page.md", "```python\nx = 1\n```\n")
        assert runner.result("page.md", "```python\nx = 2\n```\n") is None
    finally:
        runner.close()


def test_a_run_started_after_another_was_collected_gets_its_own_result():
    """Three runs, the third started once the first was collected: it must not read the second's
    result (it ends after the second without leaving one of its own)."""
    fine = "```python\nprint(1)\n```\n\n```output\n1\n```\n"
    dies = "```python\nimport os, time\ntime.sleep(1)\nos._exit(3)\n```\n"
    runner = pagerun.Runner()
    try:
        runner.start("a.md", fine)
        runner.start("b.md", fine)
        assert "failure" not in runner.result("a.md", fine)
        runner.start("c.md", dies)
        assert runner.result("c.md", dies) == {"failure": "its run ended without a result (exit code 3)"}
        assert "failure" not in runner.result("b.md", fine)
    finally:
        runner.close()


def test_each_page_runs_in_a_process_of_its_own(tmp_path):
    text = "```python\nimport os\nwith open({!r}, 'a') as f:\n    f.write(str(os.getpid()) + ' ')\n```\n"
    pids = tmp_path / "pids.txt"
    runner = pagerun.Runner()
    try:
        for name in ("a.md", "b.md", "c.md"):
            runner.start(name, text.format(str(pids)))
        for name in ("a.md", "b.md", "c.md"):
            assert "failure" not in runner.result(name, text.format(str(pids)))
    finally:
        runner.close()
    seen = pids.read_text().split()
    assert len(set(seen)) == 3 and str(os.getpid()) not in seen


#: A page that says which process runs it, then draws a picture of about a megabyte (more than a
#: pipe holds) and, with `{nap}`, waits before it ends.
BIG_RESULT = ("```python\nimport os, time\nimport matplotlib.pyplot as plt\n"
              "with open({pid_file!r}, 'w') as f:\n    f.write(str(os.getpid()))\n"
              "fig, ax = plt.subplots()\nax.plot([i % 7 for i in range(20000)])\ntime.sleep({nap})\nfig\n```\n")


def written(pid_file, deadline: float) -> bool:
    """Whether the page has written `pid_file` by `deadline` (a time.monotonic())."""
    while not pid_file.exists():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def gone(pid_file, seconds: float = 30) -> bool:
    """Whether the process named in `pid_file` has ended within `seconds`."""
    deadline = time.monotonic() + seconds
    if not written(pid_file, deadline):
        return False
    pid = int(pid_file.read_text())
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.05)
    return False


def test_closing_ends_the_runs_under_way(tmp_path):
    pid_file = tmp_path / "pid"
    runner = pagerun.Runner()
    try:
        runner.start("page.md", BIG_RESULT.format(pid_file=str(pid_file), nap=60))
        assert written(pid_file, time.monotonic() + 30)
    finally:
        runner.close()
    assert gone(pid_file, seconds=5)


def test_a_run_whose_result_nobody_collects_still_ends(tmp_path):
    """The build that started it ends without asking for its megabyte of result."""
    pid_file = tmp_path / "pid"
    script = (f"from sitekit import pagerun\nrunner = pagerun.Runner()\n"
              f"runner.start('page.md', {BIG_RESULT.format(pid_file=str(pid_file), nap=1)!r})\n"
              f"import time\nwhile not __import__('os').path.exists({str(pid_file)!r}):\n    time.sleep(0.05)\n")
    subprocess.run([sys.executable, "-c", script], cwd=ROOT, check=True, timeout=120)
    assert gone(pid_file)
