// The page's only stylesheet, inlined: the report opens from disk with no network.
// Narrow windows scroll tables sideways; print is black on white with failures open.
export const CSS = `
:root { color-scheme: light; --ok: #1a7f37; --fail: #b42318; --error: #9a6700; --skip: #57606a; --line: #d0d7de; }
* { box-sizing: border-box; }
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1f2328;
  background: #fff; margin: 0 auto; max-width: 76rem; padding: 1rem; }
code, pre { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: .85em; }
h1 { font-size: 1.4rem; margin: .2rem 0; }
h2 { font-size: 1.15rem; margin: 0; }
h3 { font-size: 1rem; margin: 1.1rem 0 .3rem; }
.summary { font-size: 1.05rem; }
.summary span + span::before { content: " · "; color: var(--skip); }
.mark { font-weight: 600; white-space: nowrap; }
.mark.passed { color: var(--ok); } .mark.failed { color: var(--fail); } .mark.skipped { color: var(--skip); }
.mark.errored { color: var(--error); }
nav ol { padding-left: 1.2rem; }
section.scenario { border: 1px solid var(--line); border-left: 6px solid var(--skip); border-radius: 6px;
  padding: .8rem 1rem; margin: 1.2rem 0; }
section.scenario.passed { border-left-color: var(--ok); }
section.scenario.failed { border-left-color: var(--fail); }
section.scenario.errored { border-left-color: var(--error); }
.meta { color: var(--skip); margin: .1rem 0 .5rem; }
.hint { color: var(--skip); margin: .2rem 0; }
.warnings { border: 1px solid #d4a72c; background: #fff8c5; padding: .4rem .8rem; border-radius: 6px; }
.diagnosis { border: 1px solid var(--fail); background: #fff1f0; padding: .4rem .8rem; border-radius: 6px; }
.warnings ul, .diagnosis ul, .notes { margin: .2rem 0; padding-left: 1.2rem; }
.scroll { overflow-x: auto; max-width: 100%; }
table { border-collapse: collapse; margin: .3rem 0; }
th, td { border: 1px solid var(--line); padding: .25rem .5rem; text-align: left; vertical-align: top; }
tr.failed td { background: #fff1f0; }
.connections td:nth-child(-n+3) { white-space: nowrap; }
.connections td.why { min-width: 18rem; }
td.num { text-align: right; white-space: nowrap; }
.bar-cell { width: 12rem; } .bar { display: inline-block; height: .6rem; background: #8c959f; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
details { margin: .3rem 0; } summary { cursor: pointer; }
details.wire { border: 1px solid var(--line); border-radius: 6px; padding: .2rem .6rem; }
.wire.missing { margin: .3rem 0; }
figure.topology { margin: .3rem 0; overflow-x: auto; }
figure.topology svg { max-width: 100%; height: auto; }
figcaption { color: var(--skip); font-size: .9em; }
svg text { font: 11px ui-monospace, Menlo, Consolas, monospace; fill: #1f2328; }
svg text.heading { font-weight: 600; fill: var(--skip); } svg text.name { font-weight: 700; }
svg .node rect { fill: #f6f8fa; stroke: #57606a; } svg .node.dashed rect { stroke-dasharray: 4 3; fill: #fff; }
svg .path polyline { fill: none; stroke: var(--ok); stroke-width: 2; }
svg .path.failed polyline { stroke: var(--fail); stroke-dasharray: 7 4; }
svg .path.failed text { fill: var(--fail); font-weight: 700; }
pre.dump { background: #f6f8fa; padding: .5rem; overflow-x: auto; line-height: 1.4; }
.f0 { background: #ddf4ff; } .f1 { background: #fff8c5; } .f2 { background: #dafbe1; } .f3 { background: #fbefff; }
table.fields code { word-break: break-all; } table.fields td:nth-child(2) { max-width: 26rem; }
tr.group th { background: #eaeef2; }
@media (max-width: 40rem) {
  body { padding: .5rem; font-size: 14px; }
  section.scenario { padding: .5rem .6rem; }
  th, td { padding: .2rem .3rem; }
  .bar-cell { width: 5rem; }
  figure.topology svg { max-width: none; } /* scroll the drawing rather than shrink its text */
}
@media print {
  body { max-width: none; padding: 0; font-size: 10pt; }
  *, *::before { color: #000 !important; background: #fff !important; }
  section.scenario { border-color: #000; break-inside: auto; }
  .scroll, figure.topology, pre.dump { overflow: visible; }
  pre.dump { white-space: pre-wrap; }
  td { word-break: break-word; }
  svg text { fill: #000 !important; }
  svg .node rect { fill: #fff; stroke: #000; }
  svg .path polyline { stroke: #000 !important; }
  details.has-failure::details-content { content-visibility: visible; display: contents; }
  .bar { background: #000 !important; }
}
`;
