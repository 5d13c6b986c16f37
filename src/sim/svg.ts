// A small dependency-free SVG line chart: one line per series over shared axes, with ticks, grid,
// axis labels and a legend on the right. Enough for `vmos sim --compare --svg` (hit rate against
// frames, one line per policy) and the docs' figures; not a plotting library.

export interface Series {
  name: string;
  points: readonly (readonly [number, number])[];
}

export interface ChartOptions {
  title: string;
  xLabel: string;
  yLabel: string;
  series: readonly Series[];
  /** The y range (default: 0 to the largest y, rounded up to a tick). */
  yMin?: number;
  yMax?: number;
  /** How y ticks are printed (default: the number). */
  yFormat?: (y: number) => string;
  width?: number;
  height?: number;
}

// Tableau 10 plus three, and three line styles in turn, so that neighbours differ twice over.
const COLOURS = ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac", "#1b9e77", "#7570b3", "#000000"];
const DASHES = ["", "6 3", "2 3"];

/** The SVG document for `o`. */
export function lineChart(o: ChartOptions): string {
  const width = o.width ?? 860;
  const height = o.height ?? 480;
  const margin = { left: 64, right: 170, top: 40, bottom: 52 };
  const plotW = width - margin.left - margin.right;
  const plotH = height - margin.top - margin.bottom;
  const all = o.series.flatMap((s) => s.points);
  const xMin = Math.min(...all.map((p) => p[0]));
  const xMax = Math.max(...all.map((p) => p[0]));
  const yTicks = ticks(o.yMin ?? 0, o.yMax ?? Math.max(...all.map((p) => p[1])));
  const xTicks = ticks(xMin, xMax === xMin ? xMin + 1 : xMax, true);
  const [y0, y1] = [yTicks[0]!, yTicks[yTicks.length - 1]!];
  const [x0, x1] = [xMin, xMax === xMin ? xMin + 1 : xMax];
  const px = (x: number): number => margin.left + ((x - x0) / (x1 - x0)) * plotW;
  const py = (y: number): number => margin.top + plotH - ((y - y0) / (y1 - y0 || 1)) * plotH;
  const fmtY = o.yFormat ?? ((y: number) => String(y));
  const f = (v: number): string => v.toFixed(1);

  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}"` +
      ` font-family="sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    `<text x="${f(margin.left + plotW / 2)}" y="22" text-anchor="middle" font-size="15">${esc(o.title)}</text>`,
  ];
  for (const y of yTicks) {
    out.push(`<line x1="${margin.left}" y1="${f(py(y))}" x2="${margin.left + plotW}" y2="${f(py(y))}" stroke="#e4e4e4"/>`);
    out.push(`<text x="${margin.left - 6}" y="${f(py(y) + 4)}" text-anchor="end">${esc(fmtY(y))}</text>`);
  }
  for (const x of xTicks.filter((t) => t >= x0 && t <= x1)) {
    out.push(`<line x1="${f(px(x))}" y1="${margin.top + plotH}" x2="${f(px(x))}" y2="${margin.top + plotH + 5}" stroke="#333"/>`);
    out.push(`<text x="${f(px(x))}" y="${margin.top + plotH + 18}" text-anchor="middle">${x}</text>`);
  }
  out.push(`<rect x="${margin.left}" y="${margin.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#333"/>`);
  out.push(`<text x="${f(margin.left + plotW / 2)}" y="${height - 12}" text-anchor="middle">${esc(o.xLabel)}</text>`);
  out.push(`<text transform="translate(16 ${f(margin.top + plotH / 2)}) rotate(-90)" text-anchor="middle">${esc(o.yLabel)}</text>`);

  o.series.forEach((s, i) => {
    const colour = COLOURS[i % COLOURS.length]!;
    const dash = DASHES[i % DASHES.length]!;
    const style = `stroke="${colour}" stroke-width="2" fill="none"${dash ? ` stroke-dasharray="${dash}"` : ""}`;
    const path = s.points.map((p, j) => `${j === 0 ? "M" : "L"}${f(px(p[0]))} ${f(py(p[1]))}`).join(" ");
    out.push(`<path d="${path}" ${style}><title>${esc(s.name)}</title></path>`);
    if (s.points.length <= 40) {
      for (const p of s.points) out.push(`<circle cx="${f(px(p[0]))}" cy="${f(py(p[1]))}" r="2.5" fill="${colour}"/>`);
    }
    const ly = margin.top + 8 + i * 18;
    const lx = margin.left + plotW + 16;
    out.push(`<line x1="${lx}" y1="${ly}" x2="${lx + 24}" y2="${ly}" ${style}/>`);
    out.push(`<text x="${lx + 30}" y="${ly + 4}">${esc(s.name)}</text>`);
  });
  out.push("</svg>");
  return out.join("\n") + "\n";
}

/** Round tick values from lo to at least hi: steps of 1, 2 or 5 times a power of ten, about 5-10 of them. */
export function ticks(lo: number, hi: number, integers = false): number[] {
  const span = hi - lo || 1;
  const raw = span / 8;
  const power = Math.pow(10, Math.floor(Math.log10(raw)));
  let step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw)!;
  if (integers) step = Math.max(1, Math.round(step));
  const start = Math.floor(lo / step) * step;
  const out: number[] = [];
  for (let t = start; t < hi + step - 1e-9; t += step) out.push(Number(t.toPrecision(12)));
  return out;
}

function esc(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}
