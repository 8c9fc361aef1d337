"""alkres: ALK TKI resistance from targeted-panel BAMs.

Importable logic used by the Snakemake scripts in ``workflow/scripts`` and by the tests.
"""

__version__ = "0.1.0"
