"""The package's one compiled module; everything else about the package is in pyproject.toml.

`parser/index/postgres/_rows.c` makes a bulk import's turn rows (`parser/index/postgres/rows.py`
says why). It is optional: without a compiler the package installs without it, and every turn
takes the Python path, which makes the same rows.
"""

from setuptools import Extension, setup

setup(ext_modules=[Extension("parser.index.postgres._rows", ["parser/index/postgres/_rows.c"], optional=True)])
