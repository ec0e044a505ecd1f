"""The report's page template, style sheet and concordance script, all inlined in one file.

Nothing here loads anything from a network: no CDN, no web font (the system font stack), no
external script. The concordance script reads its lines from a JSON data block and builds the
table with ``createElement``/``textContent`` only, so corpus text is never parsed as HTML.
"""

from __future__ import annotations

__all__ = ["CSS", "PAGE", "SCRIPT"]

CSS = """
:root {
  --ink: #1b1f24; --muted: #57606a; --line: #d0d7de; --stripe: #f6f8fa;
  --accent: #0b5cad; --accent-soft: #e7f0fa; --note: #fff8e1; --note-line: #d4a72c;
}
* { box-sizing: border-box; }
html { font-size: 100%; }
body {
  margin: 0; color: var(--ink); background: #ffffff; line-height: 1.55;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial,
    "Noto Sans", "Liberation Sans", sans-serif;
}
main { max-width: 72rem; margin: 0 auto; padding: 1.5rem 1.5rem 4rem; }
header.title { border-bottom: 3px solid var(--accent); margin-bottom: 1.5rem; }
header.title h1 { margin: 0.5rem 0 0.25rem; font-size: 2rem; }
header.title p { margin: 0 0 1rem; color: var(--muted); }
h2 { font-size: 1.5rem; margin: 2.75rem 0 0.75rem; padding-bottom: 0.3rem;
  border-bottom: 1px solid var(--line); }
h3 { font-size: 1.15rem; margin: 1.75rem 0 0.5rem; }
p { margin: 0.5rem 0 0.9rem; max-width: 65rem; }
a { color: var(--accent); }
code, pre { font-family: ui-monospace, "SFMono-Regular", "DejaVu Sans Mono", Menlo, Consolas, monospace;
  font-size: 0.875em; }
pre { background: var(--stripe); border: 1px solid var(--line); border-radius: 6px; padding: 0.75rem 1rem;
  overflow-x: auto; white-space: pre-wrap; word-break: break-word; }
nav.toc { background: var(--stripe); border: 1px solid var(--line); border-radius: 8px;
  padding: 0.75rem 1.25rem; margin: 1rem 0 2rem; }
nav.toc h2 { font-size: 1.05rem; margin: 0.25rem 0 0.5rem; border: none; padding: 0; }
nav.toc ol { margin: 0; padding-left: 1.5rem; columns: 2; column-gap: 2.5rem; }
nav.toc li { margin: 0.15rem 0; break-inside: avoid; }
figure { margin: 1rem 0 1.5rem; }
figure img { display: block; max-width: 100%; height: auto; border: 1px solid var(--line);
  border-radius: 6px; background: #ffffff; }
figcaption { color: var(--muted); font-size: 0.875rem; margin-top: 0.35rem; }
.table-wrap { overflow-x: auto; margin: 0.5rem 0 0.25rem; border: 1px solid var(--line); border-radius: 6px; }
table { border-collapse: collapse; width: 100%; font-size: 0.875rem; }
caption { caption-side: top; text-align: left; font-weight: 600; padding: 0.5rem 0.75rem; }
th, td { padding: 0.35rem 0.75rem; text-align: left; vertical-align: top; border-bottom: 1px solid var(--line); }
th { background: #eef1f4; font-weight: 600; white-space: nowrap; position: sticky; top: 0; }
tbody tr:nth-child(even) { background: var(--stripe); }
td { overflow-wrap: break-word; }
td.wide { min-width: 22rem; overflow-wrap: break-word; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.table-note { color: var(--muted); font-size: 0.8125rem; margin: 0.25rem 0 1.25rem; }
.missing { background: var(--note); border-left: 4px solid var(--note-line); padding: 0.5rem 0.9rem;
  border-radius: 4px; }
.note { background: var(--accent-soft); border-left: 4px solid var(--accent); padding: 0.6rem 0.9rem;
  border-radius: 4px; }
.row { display: grid; grid-template-columns: repeat(auto-fit, minmax(24rem, 1fr)); gap: 1.25rem; }
.row > * { min-width: 0; }
#kwic-controls { display: flex; flex-wrap: wrap; gap: 0.5rem 0.75rem; align-items: center; margin: 0.75rem 0; }
#kwic-controls input[type=search] { flex: 1 1 14rem; font: inherit; padding: 0.45rem 0.6rem;
  border: 1px solid #8c959f; border-radius: 6px; }
#kwic-controls select, #kwic-controls button { font: inherit; padding: 0.4rem 0.7rem; border: 1px solid #8c959f;
  border-radius: 6px; background: #ffffff; color: var(--ink); cursor: pointer; }
#kwic-controls button[aria-pressed=true] { background: var(--accent); border-color: var(--accent); color: #ffffff; }
#kwic-status { color: var(--muted); font-size: 0.875rem; margin: 0.25rem 0; }
table.kwic { font-size: 0.85rem; table-layout: fixed; }
table.kwic td.left { text-align: right; width: 40%; white-space: nowrap; overflow: hidden; direction: rtl; }
table.kwic td.left span { direction: ltr; unicode-bidi: embed; }
table.kwic td.node { text-align: center; font-weight: 700; color: var(--accent); width: 12%; white-space: nowrap; }
table.kwic td.right { width: 40%; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
table.kwic td.doc { width: 8%; color: var(--muted); font-size: 0.75rem; overflow: hidden; text-overflow: ellipsis;
  white-space: nowrap; }
.kwic-wrap { max-height: 32rem; overflow: auto; }
footer { margin-top: 3rem; color: var(--muted); font-size: 0.8125rem; border-top: 1px solid var(--line);
  padding-top: 0.75rem; }
@media (max-width: 40rem) { nav.toc ol { columns: 1; } main { padding: 1rem; } }
@media print {
  body { font-size: 10.5pt; }
  main { max-width: none; padding: 0; }
  nav.toc { break-after: page; }
  h2 { break-before: page; }
  h2, h3 { break-after: avoid; }
  figure, .table-wrap, tr { break-inside: avoid; }
  #kwic-controls, .kwic-wrap { display: none; }
  .kwic-print-note { display: block !important; }
  a { color: inherit; text-decoration: none; }
  th { position: static; }
  .table-wrap { overflow: visible; border: none; }
}
"""

SCRIPT = """
(function () {
  "use strict";
  var dataNode = document.getElementById("kwic-data");
  var body = document.getElementById("kwic-body");
  if (!dataNode || !body) { return; }
  var payload = JSON.parse(dataNode.textContent);
  var fields = payload.columns;
  var col = {};
  fields.forEach(function (name, i) { col[name] = i; });
  var lines = payload.rows.map(function (row, i) {
    return {
      left: row[col.left] || "", node: row[col.node] || "", right: row[col.right] || "",
      query: row[col.query] || "", doc: row[col.doc_id] || "", docType: row[col.doc_type] || "",
      order: i,
      haystack: [row[col.left], row[col.node], row[col.right], row[col.doc_id], row[col.doc_type]]
        .join(" ").toLowerCase()
    };
  });
  var limit = payload.limit;
  var search = document.getElementById("kwic-search");
  var querySelect = document.getElementById("kwic-query");
  var status = document.getElementById("kwic-status");
  var sortButtons = Array.prototype.slice.call(document.querySelectorAll("#kwic-controls button[data-sort]"));
  var sortKey = "order";

  var queries = {};
  lines.forEach(function (line) { queries[line.query] = true; });
  Object.keys(queries).sort().forEach(function (query) {
    var option = document.createElement("option");
    option.value = query;
    option.textContent = query;
    querySelect.appendChild(option);
  });

  function leftKey(line) {
    return line.left.toLowerCase().split(/\\s+/).filter(Boolean).reverse().join(" ");
  }
  function compare(a, b) {
    var x, y;
    if (sortKey === "left") { x = leftKey(a); y = leftKey(b); }
    else if (sortKey === "right") { x = a.right.toLowerCase().trim(); y = b.right.toLowerCase().trim(); }
    else if (sortKey === "doc") { x = a.doc; y = b.doc; }
    else { return a.order - b.order; }
    if (x < y) { return -1; }
    if (x > y) { return 1; }
    return a.order - b.order;
  }
  function cell(className, text, title) {
    var td = document.createElement("td");
    td.className = className;
    if (className === "left") {
      var span = document.createElement("span");
      span.textContent = text;
      td.appendChild(span);
    } else {
      td.textContent = text;
    }
    if (title) { td.title = title; }
    return td;
  }
  function render() {
    var needle = search.value.trim().toLowerCase();
    var query = querySelect.value;
    var shown = lines.filter(function (line) {
      return (!query || line.query === query) && (!needle || line.haystack.indexOf(needle) !== -1);
    });
    shown.sort(compare);
    while (body.firstChild) { body.removeChild(body.firstChild); }
    var fragment = document.createDocumentFragment();
    shown.slice(0, limit).forEach(function (line) {
      var tr = document.createElement("tr");
      tr.appendChild(cell("left", line.left, line.left));
      tr.appendChild(cell("node", line.node));
      tr.appendChild(cell("right", line.right, line.right));
      tr.appendChild(cell("doc", line.docType, line.doc));
      fragment.appendChild(tr);
    });
    body.appendChild(fragment);
    var text = shown.length.toLocaleString("en") + " of " + lines.length.toLocaleString("en") + " lines match";
    if (shown.length > limit) { text += " (first " + limit.toLocaleString("en") + " shown)"; }
    status.textContent = text;
  }
  sortButtons.forEach(function (button) {
    button.addEventListener("click", function () {
      sortKey = button.getAttribute("data-sort");
      sortButtons.forEach(function (other) { other.setAttribute("aria-pressed", String(other === button)); });
      render();
    });
  });
  search.addEventListener("input", render);
  querySelect.addEventListener("change", render);
  render();
}());
"""

PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:; style-src 'unsafe-inline'; script-src 'unsafe-inline'">
<meta name="referrer" content="no-referrer">
<title>{{ title }}</title>
<style>{{ css }}</style>
</head>
<body>
<main>
<header class="title">
<h1>{{ title }}</h1>
<p>{{ subtitle }}</p>
</header>
<nav class="toc" aria-label="Contents">
<h2>Contents</h2>
<ol>
{% for section in sections %}<li><a href="#{{ section.anchor }}">{{ section.title }}</a></li>
{% endfor %}</ol>
</nav>
{% macro render_block(block) %}
{% if block.kind == "paragraph" %}<p>{{ block.text }}</p>
{% elif block.kind == "prose" %}{{ block.markup }}
{% elif block.kind == "missing" %}<p class="missing">{{ block.what }}: not computed in this run.</p>
{% elif block.kind == "figure" %}<figure>
<img src="data:image/png;base64,{{ block.png_base64 }}" alt="{{ block.alt }}">
<figcaption>{{ block.title }}. Files: {% for file in block.files %}<a href="{{ file }}">{{ file }}</a>{% if not loop.last %}, {% endif %}{% endfor %}</figcaption>
</figure>
{% elif block.kind == "table" %}<div class="table-wrap">
<table>
<caption>{{ block.title }}</caption>
<thead><tr>{% for column in block.columns %}<th scope="col"{% if block.numeric[loop.index0] %} class="num"{% endif %}>{{ column }}</th>{% endfor %}</tr></thead>
<tbody>
{% for row in block.rows %}<tr>{% for value in row %}<td{% if block.numeric[loop.index0] %} class="num"{% elif block.wide[loop.index0] %} class="wide"{% endif %}>{{ value }}</td>{% endfor %}</tr>
{% endfor %}</tbody>
</table>
</div>
<p class="table-note">{% if block.total_rows > block.rows|length %}First {{ block.rows|length }} of {{ "{:,}".format(block.total_rows) }} rows{% else %}{{ "{:,}".format(block.total_rows) }} row{{ "" if block.total_rows == 1 else "s" }}{% endif %}{% if block.source %}; full table: <code>{{ block.source }}</code>{% endif %}.</p>
{% elif block.kind == "row" %}<div class="row">{% for inner in block.blocks %}<div>{{ render_block(inner) }}</div>{% endfor %}</div>
{% elif block.kind == "concordance" %}<div id="kwic-controls" role="search">
<label for="kwic-search">Search</label>
<input type="search" id="kwic-search" placeholder="Filter lines: a word, a phrase, a document id" autocomplete="off">
<label for="kwic-query">Query</label>
<select id="kwic-query"><option value="">all queries</option></select>
<span>Sort:</span>
<button type="button" data-sort="order" aria-pressed="true">corpus order</button>
<button type="button" data-sort="left" aria-pressed="false">left context</button>
<button type="button" data-sort="right" aria-pressed="false">right context</button>
<button type="button" data-sort="doc" aria-pressed="false">document</button>
</div>
<p id="kwic-status" aria-live="polite"></p>
<div class="table-wrap kwic-wrap">
<table class="kwic">
<thead><tr><th scope="col" class="num">left context</th><th scope="col">node</th><th scope="col">right context</th><th scope="col">type</th></tr></thead>
<tbody id="kwic-body"></tbody>
</table>
</div>
<p class="table-note">{{ "{:,}".format(block.embedded) }} of {{ "{:,}".format(block.total_rows) }} concordance lines embedded{% if block.source %}; full table: <code>{{ block.source }}</code>{% endif %}. Sorting by left context orders lines by the word nearest the node, then the next.</p>
<p class="kwic-print-note" style="display:none">The interactive concordance is available in the on-screen version.</p>
<script type="application/json" id="kwic-data">{{ block.json }}</script>
{% endif %}
{% endmacro %}
{% for section in sections %}
<section id="{{ section.anchor }}">
<h2>{{ loop.index }}. {{ section.title }}</h2>
{% for block in section.blocks %}{% if block.kind == "heading" %}<h3>{{ block.text }}</h3>
{% else %}{{ render_block(block) }}{% endif %}{% endfor %}
</section>
{% endfor %}
<footer>{{ footer }}</footer>
</main>
<script>{{ script }}</script>
</body>
</html>
"""
