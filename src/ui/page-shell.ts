// The page's HTML and stylesheet, kept in the server's module so they ship with the compiled code
// and nothing is looked up on disk but the page's own scripts. Everything is served by the local
// server: no CDN, no web font, no request leaves the machine.

/** `token` (base64url, so safe in an attribute) is what the page's POSTs prove they came from it with. */
export function pageHtml(token: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="hlab-token" content="${token}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>hlab ui</title>
<link rel="stylesheet" href="/style.css">
</head>
<body>
<header class="top">
  <h1 id="title">hlab</h1>
  <span id="file" class="muted"></span>
  <span id="live" class="pill" title="connection to hlab ui">connecting</span>
  <span class="grow"></span>
  <a id="export" class="button" href="/api/topology.svg" download>Export SVG</a>
</header>
<div id="banner" class="banner" hidden></div>
<main>
  <section id="topology" aria-label="Topology"><p class="muted">Loading the spec...</p></section>
  <aside id="panel">
    <nav class="tabs" role="tablist">
      <button role="tab" id="tab-plan" aria-controls="panel-plan" aria-selected="true">Plan</button>
      <button role="tab" id="tab-whatif" aria-controls="panel-whatif" aria-selected="false">What-if</button>
      <button role="tab" id="tab-lab" aria-controls="panel-lab" aria-selected="false">Lab</button>
    </nav>
    <div id="panel-plan" role="tabpanel" aria-labelledby="tab-plan"></div>
    <div id="panel-whatif" role="tabpanel" aria-labelledby="tab-whatif" hidden></div>
    <div id="panel-lab" role="tabpanel" aria-labelledby="tab-lab" hidden></div>
  </aside>
</main>
<script type="module" src="/app/main.js"></script>
</body>
</html>
`;
}

export const PAGE_CSS = `
:root {
  --fg: #0f172a; --muted: #64748b; --line: #e2e8f0; --bg: #f8fafc; --accent: #2563eb;
  --down: #dc2626; --failover: #d97706; --ok: #16a34a;
  font-family: "Helvetica Neue", Arial, "Liberation Sans", "DejaVu Sans", sans-serif;
  color: var(--fg); font-size: 14px;
}
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); height: 100vh; display: flex; flex-direction: column; }
header.top { display: flex; align-items: center; gap: 12px; padding: 8px 16px; background: #fff; border-bottom: 1px solid var(--line); }
header.top h1 { font-size: 18px; margin: 0; }
.grow { flex: 1; }
.muted { color: var(--muted); }
.pill { font-size: 12px; padding: 2px 8px; border-radius: 999px; background: var(--line); }
.pill.ok { background: #dcfce7; color: #166534; }
.pill.bad { background: #fee2e2; color: #991b1b; }
.pill.warn { background: #fef3c7; color: #92400e; }
.button, button { font: inherit; font-size: 13px; padding: 4px 10px; border: 1px solid #cbd5e1; border-radius: 6px; background: #fff; color: var(--fg); cursor: pointer; text-decoration: none; }
.button:hover, button:hover { border-color: var(--accent); }
button:disabled { opacity: 0.5; cursor: default; }
button.active { background: #fee2e2; border-color: var(--down); }
.banner { padding: 8px 16px; background: #fef2f2; border-bottom: 1px solid #fecaca; color: #991b1b; white-space: pre-wrap; font-size: 13px; }
main { flex: 1; display: flex; min-height: 0; }
#topology { flex: 1; min-width: 0; position: relative; display: flex; flex-direction: column; background: #fff; }
/* Sized by the zoom (page/zoom.ts), never by the pane: text stays at its legible size. */
#topology .viewport { flex: 1; overflow: auto; cursor: grab; touch-action: none; }
#topology .viewport:active { cursor: grabbing; }
#topology .viewport:focus-visible { outline: 2px solid var(--accent); outline-offset: -2px; }
#topology svg { display: block; }
.zoombar { position: absolute; right: 12px; top: 8px; z-index: 1; display: flex; gap: 4px; }
.zoombar button { min-width: 32px; background: rgba(255, 255, 255, 0.92); }
#panel { width: clamp(320px, 32vw, 460px); border-left: 1px solid var(--line); display: flex; flex-direction: column; min-height: 0; background: #fff; }
.tabs { display: flex; border-bottom: 1px solid var(--line); }
.tabs button { flex: 1; border: none; border-radius: 0; padding: 10px; border-bottom: 3px solid transparent; background: #fff; }
.tabs button[aria-selected="true"] { border-bottom-color: var(--accent); font-weight: 700; }
[role="tabpanel"] { overflow: auto; padding: 12px 16px; flex: 1; }
h2 { font-size: 15px; margin: 16px 0 6px; }
h2:first-child { margin-top: 0; }
table { border-collapse: collapse; width: 100%; font-size: 13px; }
th, td { text-align: left; padding: 3px 6px; border-bottom: 1px solid var(--line); vertical-align: top; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
ul.plain { list-style: none; margin: 0; padding: 0; }
.finding { padding: 6px 0; border-bottom: 1px solid var(--line); font-size: 13px; }
.finding .where { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 12px; color: var(--accent); background: none; border: none; padding: 0; }
.sev { display: inline-block; min-width: 56px; font-size: 11px; font-weight: 700; text-transform: uppercase; }
.sev.error { color: var(--down); } .sev.warning { color: var(--failover); } .sev.info { color: var(--muted); }
.hint { color: var(--muted); }
pre.excerpt { margin: 4px 0; padding: 6px; background: var(--bg); border: 1px solid var(--line); font-size: 12px; overflow-x: auto; }
pre.excerpt mark { background: #fef08a; }
.bar { position: relative; height: 14px; background: var(--line); border-radius: 3px; overflow: hidden; min-width: 120px; }
.bar > span { position: absolute; top: 0; bottom: 0; left: 0; }
.bar > span.committed { background: #60a5fa; }
.bar > span.overhead { background: #94a3b8; }
.bar.over > span.committed { background: var(--down); }
.bar-legend { display: flex; flex-wrap: wrap; gap: 4px 12px; margin: 0 0 6px; }
.swatch { display: inline-block; width: 14px; height: 10px; border-radius: 2px; margin-right: 4px; vertical-align: baseline; }
.swatch.committed { background: #60a5fa; } .swatch.overhead { background: #94a3b8; }
.swatch.free { background: var(--line); } .swatch.over { background: var(--down); }
h3 { font-size: 13px; margin: 10px 0 4px; }
.mono { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 12px; }
.chipl { display: inline-block; font-size: 11px; padding: 1px 6px; margin: 1px 2px; border-radius: 8px; background: #fee2e2; color: #991b1b; }
.state-up { color: var(--ok); } .state-fails-over { color: var(--failover); } .state-down { color: var(--down); }
.dot { display: inline-block; width: 9px; height: 9px; border-radius: 50%; margin-right: 4px; }
.dot.up { background: var(--ok); } .dot.down { background: var(--down); }
.targets label { display: inline-flex; align-items: center; gap: 4px; margin: 2px 8px 2px 0; font-size: 13px; }
.faults { display: flex; flex-wrap: wrap; gap: 6px; }
.timeline { width: 100%; }
.small { font-size: 12px; }
.tiles { display: grid; grid-template-columns: repeat(auto-fill, minmax(180px, 1fr)); gap: 8px; margin-bottom: 12px; }
.tile { border: 1px solid var(--line); border-left: 4px solid var(--ok); border-radius: 6px; padding: 6px 8px; overflow-wrap: anywhere; }
.tile.below { border-left-color: var(--failover); }
.tile.live-down { border-left-color: var(--down); background: #fef2f2; }
.tile-name { font-weight: 700; }
`;
