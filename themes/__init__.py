"""The site's theme, themes/digest/ (Pelican's templates, the stylesheets and the fonts).

Shipped inside the package as digest.themes (pyproject.toml maps this folder): a regular
package, so an editable install finds it too (setuptools' editable finder cannot map a
folder without __init__.py under another package). No code lives here.
"""
