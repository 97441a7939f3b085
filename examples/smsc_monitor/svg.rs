//! Line charts as inline SVG: a time axis, a value axis with round ticks,
//! one polyline per series (NaN breaks the line), a legend and an optional
//! threshold. Long series are thinned to the minimum and maximum of each
//! pixel column, so that peaks survive.

use std::fmt::Write;

use netmon::core::Timestamp;

/// Series colours (colour-blind friendly).
const PALETTE: [&str; 8] = [
    "#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9", "#000000", "#f0e442",
];

const WIDTH: f64 = 900.0;
const HEIGHT: f64 = 300.0;
const LEFT: f64 = 64.0;
const RIGHT: f64 = 16.0;
const TOP: f64 = 16.0;
const BOTTOM: f64 = 40.0;

/// Escapes text for HTML and SVG.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A chart to draw.
#[derive(Debug)]
pub struct Chart<'a> {
    /// Times, nanoseconds.
    pub index: &'a [i64],
    /// Named series, one value per time.
    pub series: Vec<(&'a str, &'a [f64])>,
    /// The value axis' label (unit).
    pub unit: &'a str,
    /// The value range shown at least (data beyond it widens it).
    pub ylim: Option<(f64, f64)>,
    /// A horizontal threshold line.
    pub threshold: Option<f64>,
}

/// 1, 2 or 5 times a power of ten, at least `raw`.
fn nice_step(raw: f64) -> f64 {
    if !(raw.is_finite() && raw > 0.0) {
        return 1.0;
    }
    let p = 10f64.powf(raw.log10().floor());
    for m in [1.0, 2.0, 5.0, 10.0] {
        if m * p >= raw {
            return m * p;
        }
    }
    10.0 * p
}

fn fmt_value(v: f64, step: f64) -> String {
    if step >= 1.0 || v == 0.0 {
        let v = v.round();
        if v.abs() >= 1e6 {
            format!("{:.1}M", v / 1e6)
        } else if v.abs() >= 1e4 {
            format!("{:.0}k", v / 1e3)
        } else {
            format!("{v:.0}")
        }
    } else {
        let decimals = (-step.log10().floor()) as usize;
        format!("{v:.decimals$}")
    }
}

impl Chart<'_> {
    /// The chart as an `<svg>` element.
    pub fn render(&self) -> String {
        let mut svg = String::new();
        let _ = write!(
            svg,
            r#"<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}" role="img" xmlns="http://www.w3.org/2000/svg">"#
        );
        let (Some(&t0), Some(&t1)) = (self.index.iter().min(), self.index.iter().max()) else {
            svg.push_str(r#"<text x="20" y="40">no data</text></svg>"#);
            return svg;
        };
        let values = self
            .series
            .iter()
            .flat_map(|(_, v)| v.iter().copied())
            .filter(|v| v.is_finite());
        let (mut lo, mut hi) = values.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
            (a.min(v), b.max(v))
        });
        if let Some(t) = self.threshold {
            lo = lo.min(t);
            hi = hi.max(t);
        }
        if let Some((a, b)) = self.ylim {
            // The range shown at least; data beyond it widens it.
            lo = lo.min(a);
            hi = hi.max(b);
        }
        if !lo.is_finite() {
            lo = 0.0;
            hi = 1.0;
        }
        if lo > 0.0 && lo < hi / 3.0 {
            lo = 0.0; // counts and percentages read best from zero
        }
        if hi <= lo {
            hi = lo + 1.0;
        }
        let step = nice_step((hi - lo) / 5.0);
        let lo = (lo / step).floor() * step;
        let hi = (hi / step).ceil() * step;
        let span_t = (t1 - t0).max(1) as f64;
        let plot_w = WIDTH - LEFT - RIGHT;
        let plot_h = HEIGHT - TOP - BOTTOM;
        let x = |t: i64| LEFT + (t - t0) as f64 / span_t * plot_w;
        let y = |v: f64| TOP + (hi - v) / (hi - lo) * plot_h;

        // Value axis.
        let mut v = lo;
        while v <= hi + step / 2.0 {
            let yy = y(v);
            let _ = write!(
                svg,
                r##"<line x1="{LEFT}" y1="{yy:.1}" x2="{:.1}" y2="{yy:.1}" stroke="#ddd"/><text x="{:.1}" y="{:.1}" text-anchor="end" font-size="11">{}</text>"##,
                WIDTH - RIGHT,
                LEFT - 6.0,
                yy + 4.0,
                escape(&fmt_value(v, step))
            );
            v += step;
        }
        let _ = write!(
            svg,
            r#"<text x="12" y="{:.1}" font-size="11" transform="rotate(-90 12 {:.1})" text-anchor="middle">{}</text>"#,
            TOP + plot_h / 2.0,
            TOP + plot_h / 2.0,
            escape(self.unit)
        );

        // Time axis: ticks on whole hours (or days for long spans).
        let hour = 3_600_000_000_000i64;
        let tick = [1, 2, 3, 6, 12, 24, 48, 168]
            .iter()
            .map(|h| h * hour)
            .find(|t| span_t / (*t as f64) <= 10.0)
            .unwrap_or(720 * hour);
        let mut t = t0 - t0.rem_euclid(tick) + if t0.rem_euclid(tick) == 0 { 0 } else { tick };
        let pattern = if tick >= 24 * hour { "%m-%d" } else { "%H:%M" };
        while t <= t1 {
            let xx = x(t);
            let _ = write!(
                svg,
                r##"<line x1="{xx:.1}" y1="{TOP}" x2="{xx:.1}" y2="{:.1}" stroke="#eee"/><text x="{xx:.1}" y="{:.1}" text-anchor="middle" font-size="11">{}</text>"##,
                TOP + plot_h,
                TOP + plot_h + 16.0,
                Timestamp::from_nanos(t).format(pattern)
            );
            t += tick;
        }
        let _ = write!(
            svg,
            r##"<rect x="{LEFT}" y="{TOP}" width="{plot_w}" height="{plot_h}" fill="none" stroke="#999"/>"##
        );
        if let Some(th) = self.threshold {
            let yy = y(th);
            let _ = write!(
                svg,
                r##"<line class="threshold" x1="{LEFT}" y1="{yy:.1}" x2="{:.1}" y2="{yy:.1}" stroke="#c00" stroke-dasharray="6 4"/>"##,
                WIDTH - RIGHT
            );
        }

        // Series, thinned to min and max per pixel column.
        let columns = plot_w as usize;
        for (k, (_, values)) in self.series.iter().enumerate() {
            let colour = PALETTE[k % PALETTE.len()];
            let mut points: Vec<Option<(f64, f64)>> = Vec::new();
            let mut bucket: Option<(usize, f64, f64, f64, f64)> = None; // (column, x, min, max, last)
            let flush = |b: (usize, f64, f64, f64, f64), points: &mut Vec<Option<(f64, f64)>>| {
                points.push(Some((b.1, y(b.2))));
                if b.3 != b.2 {
                    points.push(Some((b.1, y(b.3))));
                }
                if b.4 != b.3 {
                    points.push(Some((b.1, y(b.4))));
                }
            };
            for (&t, &v) in self.index.iter().zip(values.iter()) {
                if !v.is_finite() {
                    if let Some(b) = bucket.take() {
                        flush(b, &mut points);
                    }
                    points.push(None);
                    continue;
                }
                let xx = x(t);
                let col = ((xx - LEFT) / plot_w * columns as f64) as usize;
                match &mut bucket {
                    Some(b) if b.0 == col => {
                        b.2 = b.2.min(v);
                        b.3 = b.3.max(v);
                        b.4 = v;
                    }
                    _ => {
                        if let Some(b) = bucket.take() {
                            flush(b, &mut points);
                        }
                        bucket = Some((col, xx, v, v, v));
                    }
                }
            }
            if let Some(b) = bucket.take() {
                flush(b, &mut points);
            }
            for run in points.split(Option::is_none) {
                if run.is_empty() {
                    continue;
                }
                let pts: Vec<String> = run
                    .iter()
                    .flatten()
                    .map(|(a, b)| format!("{a:.1},{b:.1}"))
                    .collect();
                let _ = write!(
                    svg,
                    r#"<polyline class="series" fill="none" stroke="{colour}" stroke-width="1.5" points="{}"/>"#,
                    pts.join(" ")
                );
            }
        }
        svg.push_str("</svg>");
        // Legend as HTML below the chart (wraps, and is selectable text).
        svg.push_str(r#"<div class="legend">"#);
        for (k, (name, _)) in self.series.iter().enumerate() {
            let _ = write!(
                svg,
                r#"<span><i style="background:{}"></i>{}</span>"#,
                PALETTE[k % PALETTE.len()],
                escape(name)
            );
        }
        svg.push_str("</div>");
        svg
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_and_escaping() {
        assert_eq!(nice_step(0.7), 1.0);
        assert_eq!(nice_step(13.0), 20.0);
        assert_eq!(nice_step(420.0), 500.0);
        assert_eq!(nice_step(0.03), 0.05);
        assert_eq!(
            escape("<a href=\"x\">&'"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
    }

    #[test]
    fn chart_has_axes_series_and_breaks_on_nan() {
        let hour = 3_600_000_000_000i64;
        let index: Vec<i64> = (0..5000).map(|i| i * hour / 200).collect();
        let a: Vec<f64> = (0..5000)
            .map(|i| {
                if i == 2500 {
                    f64::NAN
                } else {
                    (i % 100) as f64
                }
            })
            .collect();
        let b = vec![50.0; 5000];
        let svg = Chart {
            index: &index,
            series: vec![("SMH00_licence_usage_pct", &a), ("<b>", &b)],
            unit: "%",
            ylim: None,
            threshold: Some(80.0),
        }
        .render();
        assert!(svg.starts_with("<svg") && svg.contains("</svg>"));
        assert_eq!(
            svg.matches("class=\"series\"").count(),
            3,
            "NaN splits the first series"
        );
        assert!(svg.contains("class=\"threshold\""));
        assert!(
            svg.contains(">06:00<") && svg.contains(">12:00<"),
            "hour ticks"
        );
        assert!(
            svg.contains("&lt;b&gt;") && !svg.contains("<b>"),
            "names escaped"
        );
        // 5000 samples thinned to at most 3 points per pixel column.
        let points = svg.matches(',').count();
        assert!(points < 3 * 900 * 2, "{points}");
        let empty = Chart {
            index: &[],
            series: vec![],
            unit: "",
            ylim: None,
            threshold: None,
        }
        .render();
        assert!(empty.contains("no data"));
    }
}
