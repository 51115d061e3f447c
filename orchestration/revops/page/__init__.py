"""The weekly revenue page: one static folder (index.html + plotly.min.js) built from the
published warehouse only, opened from disk or served by `make page`.

  data.py    the page's numbers, read from the published DuckDB file (read-only)
  charts.py  the Plotly figures
  render.py  the HTML around them (banner, tiles, tables, print CSS)
  build.py   writes the folder atomically; plotly.min.js only when missing or outdated
"""

INDEX = "index.html"  # the page itself; plotly.min.js beside it
