/**
 * The report's stylesheet. One inline <style>, allowed by its SHA-256 in the CSP (no 'unsafe-inline'),
 * and print rules so a browser's "Save as PDF" and Electron's printToPDF give an A4 document:
 * page numbers in the margin, table headers repeated, figures and charts never split across pages.
 */
export const REPORT_CSS = `
:root { color-scheme: light; --ink: #111827; --muted: #4b5563; --line: #d1d5db; --soft: #f3f4f6;
  --pass: #166534; --pass-bg: #dcfce7; --fail: #991b1b; --fail-bg: #fee2e2; --warn: #92400e; --warn-bg: #fef3c7; }
* { box-sizing: border-box; }
html { background: #e5e7eb; }
body { margin: 24px auto; max-width: 860px; background: #fff; color: var(--ink); padding: 36px 40px;
  font: 13px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  box-shadow: 0 1px 3px rgba(0,0,0,.12); -webkit-print-color-adjust: exact; print-color-adjust: exact; }
h1 { font-size: 22px; margin: 0 0 2px; letter-spacing: -0.01em; }
h2 { font-size: 15px; margin: 26px 0 8px; padding-bottom: 4px; border-bottom: 2px solid var(--ink); }
h3 { font-size: 13px; margin: 14px 0 6px; color: var(--muted); }
p { margin: 6px 0; }
.muted { color: var(--muted); }
.mono, code { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; font-size: 11px; }
header.top { display: flex; justify-content: space-between; gap: 24px; align-items: flex-start;
  border-bottom: 1px solid var(--line); padding-bottom: 14px; }
.brand { font-size: 11px; text-transform: uppercase; letter-spacing: .08em; color: var(--muted); }
dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: 2px 12px; margin: 10px 0 0; }
dl.meta dt { color: var(--muted); } dl.meta dd { margin: 0; }
.verdict { min-width: 190px; text-align: center; border-radius: 8px; padding: 10px 14px; border: 2px solid; }
.verdict > span { display: block; font-size: 12px; }
.verdict .word { display: block; font-size: 22px; font-weight: 700; text-transform: uppercase; letter-spacing: .04em; }
.verdict.pass { color: var(--pass); background: var(--pass-bg); }
.verdict.fail { color: var(--fail); background: var(--fail-bg); }
.verdict.insufficient { color: var(--warn); background: var(--warn-bg); }
.cards { display: grid; grid-template-columns: repeat(4, 1fr); gap: 8px; margin-top: 14px; }
.card { border: 1px solid var(--line); border-radius: 6px; padding: 8px 10px; break-inside: avoid; }
.card .label { font-size: 11px; color: var(--muted); }
.card .value { display: block; font-size: 17px; font-weight: 600; font-variant-numeric: tabular-nums; }
.card .sub { font-size: 11px; color: var(--muted); }
figure { margin: 10px 0 4px; break-inside: avoid; }
figure svg { width: 100%; height: auto; display: block; }
figcaption { font-size: 11px; color: var(--muted); margin-top: 2px; }
table { width: 100%; border-collapse: collapse; margin: 6px 0 4px; font-variant-numeric: tabular-nums; }
th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { background: var(--soft); font-weight: 600; font-size: 12px; }
td.num, th.num { text-align: right; white-space: nowrap; }
tr { break-inside: avoid; }
thead { display: table-header-group; }
.ok { color: var(--pass); font-weight: 600; } .bad { color: var(--fail); font-weight: 600; }
.hash { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 9px; overflow-wrap: anywhere; word-break: break-all; }
.nowrap { white-space: nowrap; }
table.keep { break-inside: avoid; }
ol.method li { margin: 3px 0; }
section { break-inside: auto; }
section.keep { break-inside: avoid; }
footer { margin-top: 28px; padding-top: 8px; border-top: 1px solid var(--line); font-size: 11px; color: var(--muted); }
@page { size: A4; margin: 14mm 12mm 16mm;
  @bottom-left { content: "Sprint Control relay performance report"; font: 9px system-ui, sans-serif; color: #6b7280; }
  @bottom-right { content: "Page " counter(page) " of " counter(pages); font: 9px system-ui, sans-serif; color: #6b7280; } }
@media print {
  html { background: #fff; }
  body { margin: 0; max-width: none; padding: 0; box-shadow: none; font-size: 10.5px; }
  h2, h3 { break-after: avoid; }
  .cards { grid-template-columns: repeat(4, 1fr); }
}
`;
