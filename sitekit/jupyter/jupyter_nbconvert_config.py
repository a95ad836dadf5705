"""nbconvert settings for the notebooks the build executes (mkdocs-jupyter loads this file;
sitekit.hook points JUPYTER_CONFIG_DIR here).

A cell that prints while it runs reaches nbconvert as several stream outputs, split
wherever the kernel happened to flush, so how a page shows them would depend on the
machine's load, and two builds of one commit could differ. Merging each cell's
streams after execution makes the page the same on every build. nbconvert's own
CoalesceStreamsPreprocessor runs before execution by default, where it has nothing
to merge; here it runs after.
"""

from nbconvert.exporters import Exporter

c = get_config()  # noqa: F821 - defined by traitlets when it loads this file

COALESCE = "nbconvert.preprocessors.CoalesceStreamsPreprocessor"
EXECUTE = "nbconvert.preprocessors.ExecutePreprocessor"
order = [name for name in Exporter().default_preprocessors if name != COALESCE]
order.insert(order.index(EXECUTE) + 1, COALESCE)
c.Exporter.default_preprocessors = order
c.CoalesceStreamsPreprocessor.enabled = True

# The build's runs of a notebook set the collector as its runs of a page do (sitekit.collector):
# set in the kernel before the first cell, with nothing left in the notebook's namespace.
from sitekit import collector  # noqa: E402

c.ExecutePreprocessor.extra_arguments = [
    f"--IPKernelApp.exec_lines=__import__('gc').set_threshold{collector.THRESHOLDS!r}"]
