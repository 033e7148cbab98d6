import { budgetLeftText, formatDuration, formatPercent } from '../../../shared/format';
import { REPORT_LIST_CAP, type ReportSummary } from '../../../shared/report';
import { CONFIDENCE } from '../../../shared/sla';
import { tierSpec } from '../../../shared/tiers';
import { DASH, esc, fmtBytes, fmtInt, fmtMs, fmtRate, fmtTime, figure, table } from './html-format';
import { blockChart, durationLabel, latencyChart } from './svg-chart';

/** The report's body sections, each a function of the summary alone. */

/** "15m" → "15-minute window". */
function windowLabel(w: string): string {
  const m = /^(\d+)([smhd])$/.exec(w);
  const unit = { s: 'second', m: 'minute', h: 'hour', d: 'day' } as const;
  return m ? `${m[1]}-${unit[m[2] as keyof typeof unit]} window` : w;
}

/** The HTML table shows this many blocks and events; the JSON export holds all of them. */
export const HTML_ROW_CAP = 300;

const card = (label: string, value: string, sub = '') =>
  `<div class="card"><span class="label">${esc(label)}</span>${value}${sub ? `<span class="sub">${sub}</span>` : ''}</div>`;

export function keyFigures(s: ReportSummary): string {
  const l = s.latency;
  const b = s.sla.errorBudget;
  return `<div class="cards">${[
    card(
      'Compliance',
      figure('span', 'compliance', s.sla.compliance, formatPercent(s.sla.compliance, 3), 'value'),
      `objective ${formatPercent(s.sla.objective, 1)}`,
    ),
    card(
      `Miss rate (${CONFIDENCE * 100}% bound)`,
      figure('span', 'missUpperBound95', s.sla.missUpperBound95, fmtRate(s.sla.missUpperBound95), 'value'),
      `allowance ${fmtRate(1 - s.sla.objective)}`,
    ),
    card(
      'Samples',
      figure('span', 'n', l.n, fmtInt(l.n), 'value'),
      `${figure('span', 'misses', l.misses, fmtInt(l.misses))} misses · ${fmtInt(s.sla.requiredN)} needed`,
    ),
    card(
      'Error budget left',
      figure('span', 'budgetRemaining', b.remaining, budgetLeftText(b, fmtInt), 'value'),
      `${fmtInt(b.used)} of ${fmtInt(b.allowed)} used`,
    ),
    card('p50', figure('span', 'p50', l.p50, fmtMs(l.p50), 'value')),
    card('p90', figure('span', 'p90', l.p90, fmtMs(l.p90), 'value')),
    card('p99', figure('span', 'p99', l.p99, fmtMs(l.p99), 'value')),
    card('p99.9', figure('span', 'p999', l.p999, fmtMs(l.p999), 'value')),
    card(
      'max',
      figure('span', 'max', l.max, fmtMs(l.max), 'value'),
      `mean ${figure('span', 'mean', l.mean, fmtMs(l.mean))}`,
    ),
    card(
      'Uptime',
      figure('span', 'uptime', s.availability.uptime, formatPercent(s.availability.uptime, 3), 'value'),
      `coverage ${figure('span', 'coverage', s.availability.coverage, formatPercent(s.availability.coverage, 1))}`,
    ),
    card(
      `Breaches (${windowLabel(s.breaches.window)})`,
      figure('span', 'breaches', s.breaches.count, fmtInt(s.breaches.count), 'value'),
      `longest ${figure('span', 'longestBreachMs', s.breaches.longest?.durationMs ?? null, s.breaches.longest ? formatDuration(s.breaches.longest.durationMs) : DASH)}`,
    ),
    card(
      'Relay restarts',
      figure('span', 'relayRestarts', s.restarts.relayRestarts, fmtInt(s.restarts.relayRestarts), 'value'),
      `${figure('span', 'relayCrashes', s.restarts.relayCrashes, fmtInt(s.restarts.relayCrashes))} ${s.restarts.relayCrashes === 1 ? 'crash' : 'crashes'}`,
    ),
  ].join('')}</div>`;
}

export function latencySection(s: ReportSummary): string {
  const spec = tierSpec(s.tier);
  const chart = latencyChart({
    ...s.period,
    bucketMs: s.series.bucketMs,
    points: s.series.points,
    targetMs: spec.targetMs,
  });
  const l = s.latency;
  const b = s.sla.errorBudget;
  return `<section><h2>Probe latency and SLA</h2>
<figure>${chart}<figcaption>Each point is one ${durationLabel(s.series.bucketMs)} bucket: its own p50, p99 and max. Gaps are periods without samples of this tier.</figcaption></figure>
${table(
  ['Figure', 'Value', 'Figure', 'Value'],
  [
    ['SLA target', `${spec.targetMs} ms`, 'Objective', formatPercent(s.sla.objective, 1)],
    ['Samples (n)', fmtInt(l.n), 'Misses (over target, errors, timeouts)', fmtInt(l.misses)],
    [
      'Compliance',
      formatPercent(s.sla.compliance, 3),
      `Miss rate ${CONFIDENCE * 100}% upper bound`,
      fmtRate(s.sla.missUpperBound95),
    ],
    ['n needed to prove the objective', fmtInt(s.sla.requiredN), 'Verdict', esc(s.sla.verdict)],
    [
      'Error budget allowed',
      fmtInt(b.allowed),
      'Error budget used / left',
      `${fmtInt(b.used)} / ${budgetLeftText(b, fmtInt)}`,
    ],
    ['p50 / p90', `${fmtMs(l.p50)} / ${fmtMs(l.p90)}`, 'p99 / p99.9', `${fmtMs(l.p99)} / ${fmtMs(l.p999)}`],
    ['max', fmtMs(l.max), 'mean', fmtMs(l.mean)],
  ],
  [1, 3],
  'keep',
)}</section>`;
}

export function availabilitySection(s: ReportSummary): string {
  const a = s.availability;
  const r = s.restarts;
  const spans = s.breaches.spans
    .slice(0, HTML_ROW_CAP)
    .map((b) => [
      esc(windowLabel(b.window)),
      esc(fmtTime(b.from)),
      esc(b.open ? `${fmtTime(b.to)} (still open)` : fmtTime(b.to)),
      esc(formatDuration(b.durationMs)),
    ]);
  const perWindow = s.breaches.byWindow
    .map((w) => `${esc(windowLabel(w.window))}: ${fmtInt(w.count)} (${esc(formatDuration(w.totalMs))})`)
    .join(' · ');
  const gap =
    a.coverage < 0.99
      ? `<p class="muted">This tier was measured for ${formatPercent(a.coverage, 1)} of the period: the rest ran under another tier, with the relay or probe stopped, or lies past the raw-sample retention (Settings).</p>`
      : '';
  const others = s.otherTiers.length
    ? `<p class="muted">Samples of other tiers in the period, excluded from every figure: ${s.otherTiers
        .map((o) => `${esc(o.tier)} ${fmtInt(o.n)}`)
        .join(', ')}.</p>`
    : '';
  return `<section><h2>Availability, restarts and breaches</h2>
${table(
  ['Figure', 'Value', 'Figure', 'Value'],
  [
    [
      'Uptime (seconds up / measured)',
      `${formatPercent(a.uptime, 3)} (${fmtInt(a.upSeconds)} / ${fmtInt(a.measuredSeconds)})`,
      'Coverage of the period',
      formatPercent(a.coverage, 1),
    ],
    ['Relay restarts', fmtInt(r.relayRestarts), 'Relay crashes', fmtInt(r.relayCrashes)],
    ['Probe restarts', fmtInt(r.probeRestarts), 'Probe crashes', fmtInt(r.probeCrashes)],
    [
      `SLA breaches (${windowLabel(s.breaches.window)})`,
      fmtInt(s.breaches.count),
      'Time in breach',
      formatDuration(s.breaches.totalMs),
    ],
  ],
  [1, 3],
  'keep',
)}${gap}${others}
<h3>Breaches</h3>
<p class="muted">A breach runs from the panel's sla-breach event for a live window (its verdict turned to fail) to the window's recovery. By window: ${perWindow || 'none'}.</p>
${spans.length ? table(['Window', 'Start', 'End', 'Duration'], spans, [3]) : '<p class="muted">No SLA breach was recorded under this tier in the period.</p>'}
${s.breaches.truncated ? `<p class="muted">Only the first ${spans.length} breaches are shown; the JSON export lists up to ${REPORT_LIST_CAP}.</p>` : ''}</section>`;
}

export function blocksSection(s: ReportSummary): string {
  const bl = s.blocks;
  const rows = bl.list
    .slice(0, HTML_ROW_CAP)
    .map((b) => [
      String(b.height),
      `<span class="hash">${esc(b.hash)}</span>`,
      `<span class="nowrap">${esc(fmtTime(b.receivedAt))}</span>`,
      esc(fmtMs(b.addedMs)),
      esc(fmtMs(b.endToEndMs)),
    ]);
  const stat = (name: string, e: typeof bl.added) => [
    name,
    fmtInt(e.n),
    figure('span', `${name === 'Added by the relay' ? 'blockAdded' : 'blockE2e'}P50`, e.p50, fmtMs(e.p50)),
    fmtMs(e.p90),
    figure('span', `${name === 'Added by the relay' ? 'blockAdded' : 'blockE2e'}Max`, e.max, fmtMs(e.max)),
    fmtMs(e.mean),
  ];
  return `<section><h2>Block relay</h2>
<p>${figure('strong', 'blocks', bl.count, fmtInt(bl.count))} blocks relayed under this tier${bl.reorgs === undefined ? '' : `; ${figure('strong', 'reorgs', bl.reorgs, fmtInt(bl.reorgs))} ${bl.reorgs === 1 ? 'reorg' : 'reorgs'}`}.</p>
<figure>${blockChart(s.period.from, s.period.to, bl.list)}</figure>
${table(['Latency', 'Blocks', 'p50', 'p90', 'max', 'mean'], [stat('Added by the relay', bl.added), stat('End to end', bl.endToEnd)], [1, 2, 3, 4, 5])}
${rows.length ? `<h3>Blocks</h3>${table(['Height', 'Hash', 'Received', 'Added', 'End to end'], rows, [0, 3, 4])}` : ''}
${bl.count > rows.length ? `<p class="muted">First ${rows.length} of ${fmtInt(bl.count)} blocks shown; the JSON export lists them.</p>` : ''}</section>`;
}

export function launchSection(s: ReportSummary): string {
  const m = s.machine;
  const machine = table(
    ['Machine', 'Value'],
    [
      ['Operating system', esc(m.os)],
      ['Platform', esc(`${m.platform} ${m.arch}`)],
      ['CPU', esc(`${m.cpuModel} × ${m.cpuCount}`)],
      ['Memory', esc(fmtBytes(m.memoryBytes))],
      ['Relay version', figure('span', 'relayVersion', s.relayVersion, s.relayVersion)],
      ['Deployment profile', esc(s.profile ?? 'none')],
    ],
  );
  const launch = s.launch;
  if (launch === null) {
    return `<section><h2>Machine and optimizations</h2>${machine}<p class="muted">No launch plan of the ${esc(s.tier)} tier is recorded in this period: the relay did not run on it, or ran before the panel recorded plans.</p></section>`;
  }
  const plans = s.launchPlans ?? [];
  const history = plans.length
    ? `<h3>Launch plans the ${esc(s.tier)} tier ran under</h3>${table(
        ['In effect from', 'Command line', 'Granted'],
        plans.map((p) => [
          esc(fmtTime(p.at)),
          `<code>${esc(p.launch.argv.join(' '))}</code>`,
          esc(`${p.launch.items.filter((i) => i.granted).length} of ${p.launch.items.length}`),
        ]),
      )}`
    : '';
  const rows = launch.items.map((i) => [
    esc(i.name),
    esc(i.appliedBy === 'os' ? 'OS' : 'relay'),
    esc(i.requested) + (i.overridden ? ` <span class="muted">(tier: ${esc(i.tierDefault)})</span>` : ''),
    esc(i.applied ?? DASH),
    i.granted ? '<span class="ok">yes</span>' : '<span class="bad">no</span>',
    esc(i.reason ?? ''),
  ]);
  return `<section><h2>Machine and optimizations</h2>${machine}
<h3>Requested and applied optimizations (${esc(launch.tier)} tier on ${esc(launch.platform)}${launch.readBackAt === null ? '' : `, read back ${esc(fmtTime(launch.readBackAt))}`})</h3>
${table(['Item', 'By', 'Requested', 'Applied', 'Granted', 'Reason'], rows)}
<p class="muted">Command line: <code>${esc(launch.argv.join(' '))}</code></p>${history}</section>`;
}

export function eventsSection(s: ReportSummary): string {
  const rows = s.events.list.slice(0, HTML_ROW_CAP).map((e) => {
    const details = JSON.stringify(e.details);
    return [
      esc(fmtTime(e.at)),
      esc(e.kind),
      esc(e.tier ?? DASH),
      `<span class="mono">${esc(details.length > 140 ? `${details.slice(0, 139)}…` : details)}</span>`,
    ];
  });
  return `<section><h2>Event timeline</h2>${
    rows.length
      ? table(['Time', 'Event', 'Tier', 'Details'], rows)
      : '<p class="muted">No events recorded in the period.</p>'
  }${s.events.truncated || s.events.list.length > rows.length ? '<p class="muted">Only the first events are shown.</p>' : ''}</section>`;
}

export function methodSection(s: ReportSummary): string {
  return `<section class="keep"><h2>Method</h2><ol class="method">${s.method.map((m) => `<li>${esc(m)}</li>`).join('')}</ol></section>`;
}
