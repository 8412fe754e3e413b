// The CRM's analytics charts: grouped bars (uPlot, from npm, as the live auction page loads it)
// drawn from the figures the page embeds ({labels, series: [{label, values}]}, one series per
// measure and, for money, per currency). The table below the chart says the same in words.
(() => {
  "use strict";
  const holder = document.getElementById("chart");
  const source = document.getElementById("chart-data");
  if (!holder || !source || typeof uPlot === "undefined") return;
  const spec = JSON.parse(source.textContent);
  const labels = spec.labels || [];
  const series = spec.series || [];
  if (!labels.length || !series.length) return;

  const colours = ["#14324f", "#1f6feb", "#1a7f37", "#d2691e", "#8250df", "#b42318", "#9a6700"];
  const language = document.documentElement.lang || "en";
  const compact = new Intl.NumberFormat(language, { notation: "compact", maximumFractionDigits: 1 });
  const full = new Intl.NumberFormat(language, { maximumFractionDigits: 2 });
  const group = 0.8;
  const width = group / series.length;
  const xs = labels.map((_, i) => i);

  // Each series' bars sit side by side within their label's slot.
  function bars(index) {
    return uPlot.paths.bars({
      disp: {
        x0: { unit: 1, values: () => xs.map((x) => x - group / 2 + index * width) },
        size: { unit: 1, values: () => [width] },
      },
    });
  }

  const short = (text) => (text.length > 18 ? `${text.slice(0, 17)}…` : text);
  const options = {
    width: holder.clientWidth || 600,
    height: 260,
    scales: { x: { time: false, range: [-0.6, labels.length - 0.4] } },
    series: [
      { label: spec.axis || "", value: (u, v) => (v == null ? "" : labels[Math.round(v)] ?? "") },
      ...series.map((s, i) => ({
        label: s.label,
        fill: colours[i % colours.length],
        stroke: colours[i % colours.length],
        width: 0,
        paths: bars(i),
        points: { show: false },
        value: (u, v) => (v == null ? "—" : full.format(v)),
      })),
    ],
    axes: [
      {
        splits: () => xs,
        values: (u, ticks) => ticks.map((t) => short(labels[t] ?? "")),
        rotate: labels.length > 4 ? -30 : 0,
        size: labels.length > 4 ? 80 : 40,
      },
      { values: (u, ticks) => ticks.map((v) => compact.format(v)), size: 60 },
    ],
  };
  const data = [xs, ...series.map((s) => s.values.map((v) => (v == null ? null : Number(v))))];
  const chart = new uPlot(options, data, holder);
  window.addEventListener("resize", () => chart.setSize({ width: holder.clientWidth, height: 260 }));
})();
