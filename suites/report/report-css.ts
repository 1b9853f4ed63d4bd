/** The look shared by report.html and matrix.html: system fonts only (nothing to fetch), light and dark. */
export const reportCss = `
:root { color-scheme: light dark; --fg:#1d2125; --muted:#5f6b76; --bg:#fff; --panel:#f5f7f9; --line:#d8dee4;
  --pass:#1a7f37; --non-strict:#9a6700; --weaker:#0a7ea4; --fail:#cf222e; --skipped:#6e7781; --error:#8250df; --link:#0969da; }
@media (prefers-color-scheme: dark) { :root { --fg:#e6edf3; --muted:#9aa5b1; --bg:#0d1117; --panel:#161b22; --line:#30363d;
  --pass:#3fb950; --non-strict:#d29922; --weaker:#39c5cf; --fail:#f85149; --skipped:#8b949e; --error:#a371f7; --link:#58a6ff; } }
* { box-sizing: border-box; }
body { margin: 0; padding: 1.5rem; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: var(--bg); }
h1 { font-size: 1.4rem; margin: 0 0 .25rem; } h2 { font-size: 1.1rem; margin: 1.5rem 0 .5rem; } h3 { font-size: .95rem; margin: .75rem 0 .25rem; }
a { color: var(--link); }
code, pre, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12.5px; }
pre { background: var(--panel); border: 1px solid var(--line); border-radius: 6px; padding: .5rem .75rem; overflow-x: auto; white-space: pre-wrap; overflow-wrap: anywhere; margin: .25rem 0; }
.muted { color: var(--muted); }
.banner { padding: .6rem .9rem; border-radius: 6px; font-weight: 600; margin: .75rem 0; border: 1px solid var(--line); }
.banner.ok { border-color: var(--pass); color: var(--pass); } .banner.bad { border-color: var(--fail); color: var(--fail); } .banner.err { border-color: var(--error); color: var(--error); } .banner.weak { border-color: var(--weaker); color: var(--weaker); }
.cards { display: flex; flex-wrap: wrap; gap: .5rem; margin: .75rem 0; }
.card { border: 1px solid var(--line); border-radius: 6px; padding: .4rem .8rem; min-width: 6.5rem; background: var(--panel); font: inherit; color: inherit; text-align: left; }
button.card { cursor: pointer; } .card b { display: block; font-size: 1.3rem; }
table { border-collapse: collapse; margin: .25rem 0; }
th, td { border: 1px solid var(--line); padding: .25rem .55rem; text-align: left; vertical-align: top; }
th { background: var(--panel); } td.num { text-align: right; font-variant-numeric: tabular-nums; }
.v-pass { color: var(--pass); } .v-non-strict { color: var(--non-strict); } .v-weaker { color: var(--weaker); } .v-fail { color: var(--fail); } .v-skipped { color: var(--skipped); } .v-error { color: var(--error); }
.badge { display: inline-block; border: 1px solid currentColor; border-radius: 4px; padding: 0 .3rem; font-size: 11px; font-weight: 600; letter-spacing: .02em; }
.lvl-must { color: var(--fg); } .lvl-should, .lvl-profile, .lvl-either { color: var(--muted); }
.controls { display: flex; flex-wrap: wrap; gap: .5rem 1rem; align-items: center; padding: .6rem .75rem; background: var(--panel); border: 1px solid var(--line); border-radius: 6px; position: sticky; top: 0; z-index: 1; }
.controls fieldset { border: 0; margin: 0; padding: 0; display: flex; gap: .5rem; align-items: center; }
.controls legend { float: left; margin-right: .35rem; color: var(--muted); }
.controls input[type=search] { min-width: 16rem; }
.linkish { background: none; border: 0; padding: 0; color: var(--link); cursor: pointer; font: inherit; text-decoration: underline; }
details.case { border: 1px solid var(--line); border-radius: 6px; margin: .35rem 0; background: var(--bg); }
details.case > summary { cursor: pointer; padding: .4rem .6rem; display: flex; gap: .6rem; align-items: baseline; flex-wrap: wrap; }
details.case[open] > summary { border-bottom: 1px solid var(--line); }
.case-body { padding: .5rem .9rem .8rem; }
.mark { font-weight: 700; width: 1.1em; display: inline-block; text-align: center; }
.id { font-weight: 600; }
.grid2 { display: grid; grid-template-columns: repeat(auto-fit, minmax(22rem, 1fr)); gap: .5rem 1rem; }
.step { border-left: 3px solid var(--line); padding-left: .75rem; margin: .6rem 0; }
.step.v-fail { border-color: var(--fail); } .step.v-non-strict { border-color: var(--non-strict); } .step.v-weaker { border-color: var(--weaker); } .step.v-error { border-color: var(--error); } .step.v-pass { border-color: var(--pass); }
.step > * { color: var(--fg); }
ul.findings { margin: .25rem 0; padding-left: 1.2rem; }
.matrix td.cell { text-align: center; white-space: nowrap; }
.matrix tr.summary td, .matrix tr.summary th { background: var(--panel); font-weight: 600; }
[hidden] { display: none !important; }
`;
