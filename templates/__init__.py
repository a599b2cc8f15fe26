"""digest's own templates (issue Markdown, the email edition, the subscription pages).

Shipped inside the package as digest.templates (pyproject.toml maps this folder): a regular
package, so an editable install finds it too (setuptools' editable finder cannot map a
folder without __init__.py under another package). No code lives here.
"""
