//! Reports: one self-contained HTML page per system (inline CSS and SVG,
//! nothing fetched from elsewhere) and an index comparing the systems.
//!
//! Graphs come from a graph list, t4Monitor's format:
//!
//! ```text
//! # comment
//! regex[,regex...];title[;options]
//! glob:part*part[,glob...];title[;options]     pySMSCMon's older rule: every part contained
//! ```
//!
//! Names are matched without regard to case, anywhere in the column name
//! (t4Monitor's `^.*(r1|r2).*$`). Options are `key=value` pairs: `unit=%`,
//! `ylim=(0,100)` (the range shown at least), `threshold=90` (a dashed line,
//! and breaches counted in the table); matplotlib's own options of old
//! graph lists (`linewidth=2`, `style='o'`) are accepted and ignored.

use std::fmt::Write;
use std::path::{Path, PathBuf};

use netmon::core::{ColumnSelector, Timestamp};

use crate::pipeline::SystemData;
use crate::svg::{Chart, escape};

/// The graph list used without a `graphs_definition_file`.
pub const DEFAULT_GRAPHS: &str = "\
# netmon's SMSC graph list (t4Monitor format: regex[,regex...];title[;options])
_licence_usage_pct;Delivery licence usage per SMH and per node;unit=%,ylim=(0,100),threshold=90
_successful_fda_pct;Successful first delivery attempts;unit=%
_dropped_after_fda_pct;Messages dropped after the first attempt;unit=%
_buffer_usage_pct;Retry buffer usage;unit=%,threshold=80
_avg_attempts;Average delivery attempts per message;unit=attempts
_first_attempts_per_sec;First delivery attempts per second;unit=1/s
_avg_buffer_time;Average time in buffers;unit=s
_MOSM_accepted_pct,_MTSM_accepted_pct;GIW: accepted MO and MT traffic;unit=%
_HLR_response_ok_pct;GIW: successful HLR responses;unit=%
_absent_subscriber;GIW: absent subscribers;unit=per sample
_invalid_unknown_signalling,_wrong_smsc,_non_secured_smsc,_blacklisted_destination,_destination_buffer_full,_system_failures;GIW: errors;unit=per sample
_transport_errors,_congestion_,_translation_errors;IP7: transport, congestion and translation errors;unit=per sample
_session_reject_pct;SIWPC and SIWSMPP: session set-up rejects;unit=%,threshold=5
_barred_;SSD: messages barred by lists;unit=per sample
";

/// How a graph picks its columns.
#[derive(Debug, Clone)]
enum Matcher {
    Regex(ColumnSelector),
    /// Alternatives, each a list of parts that must all be contained.
    Glob(Vec<Vec<String>>),
}

/// One graph of the list.
#[derive(Debug, Clone)]
pub struct Graph {
    matcher: Matcher,
    /// Title.
    pub title: String,
    /// Value axis label.
    pub unit: String,
    /// Range shown at least.
    pub ylim: Option<(f64, f64)>,
    /// Threshold line and breach count.
    pub threshold: Option<f64>,
}

impl Graph {
    fn matches(&self, name: &str) -> bool {
        match &self.matcher {
            Matcher::Regex(sel) => sel.matches(name),
            Matcher::Glob(alts) => {
                let lower = name.to_lowercase();
                alts.iter()
                    .any(|parts| parts.iter().all(|p| lower.contains(p.as_str())))
            }
        }
    }
}

/// Splits `a=1,b=(2,3)` at top-level commas.
fn split_options(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut depth = 0i32;
    let mut start = 0;
    for (i, c) in s.char_indices() {
        match c {
            '(' | '[' => depth += 1,
            ')' | ']' => depth -= 1,
            ',' if depth == 0 => {
                out.push(&s[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(&s[start..]);
    out.into_iter()
        .map(str::trim)
        .filter(|o| !o.is_empty())
        .collect()
}

/// Parses a graph list; errors name the file and line.
pub fn parse_graphs(file: &str, text: &str) -> anyhow::Result<Vec<Graph>> {
    let mut graphs = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let at = || format!("{file}: line {}", i + 1);
        let mut parts = line.splitn(3, ';');
        let names = parts.next().unwrap_or_default().trim();
        let Some(title) = parts.next() else {
            anyhow::bail!("{}: expected `names;title[;options]`", at());
        };
        let options = parts.next().unwrap_or_default();
        let matcher = match names.strip_prefix("glob:") {
            Some(globs) => Matcher::Glob(
                globs
                    .split(',')
                    .map(|g| {
                        g.split('*')
                            .map(|p| p.trim().to_lowercase())
                            .filter(|p| !p.is_empty())
                            .collect()
                    })
                    .collect(),
            ),
            None => {
                let mut sel = ColumnSelector::new();
                for n in names.split(',').map(str::trim).filter(|n| !n.is_empty()) {
                    sel = sel
                        .include(n)
                        .map_err(|e| anyhow::anyhow!("{}: {e}", at()))?;
                }
                Matcher::Regex(sel)
            }
        };
        let mut graph = Graph {
            matcher,
            title: title.trim().to_string(),
            unit: String::new(),
            ylim: None,
            threshold: None,
        };
        for opt in split_options(options) {
            let Some((key, value)) = opt.split_once('=') else {
                anyhow::bail!("{}: option {opt:?}: expected key=value", at());
            };
            let value = value.trim();
            let number = |v: &str| -> anyhow::Result<f64> {
                v.trim()
                    .parse()
                    .map_err(|_| anyhow::anyhow!("{}: {key}: {v:?} is not a number", at()))
            };
            match key.trim() {
                "unit" => graph.unit = value.trim_matches(['"', '\'']).to_string(),
                "threshold" => graph.threshold = Some(number(value)?),
                "ylim" => {
                    let inner = value
                        .trim_start_matches(['(', '['])
                        .trim_end_matches([')', ']']);
                    let (a, b) = inner
                        .split_once(',')
                        .ok_or_else(|| anyhow::anyhow!("{}: ylim: expected (min, max)", at()))?;
                    graph.ylim = Some((number(a)?, number(b)?));
                }
                // matplotlib options of t4Monitor's graph lists.
                _ => {}
            }
        }
        graphs.push(graph);
    }
    Ok(graphs)
}

/// min, mean, p95, max, last of the valid values, and breaches.
fn summary(values: &[f64], threshold: Option<f64>) -> Option<[f64; 6]> {
    let mut valid: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
    let last = *valid.last()?;
    let mean = valid.iter().sum::<f64>() / valid.len() as f64;
    let breaches = threshold.map_or(0, |t| valid.iter().filter(|v| **v > t).count()) as f64;
    valid.sort_by(f64::total_cmp);
    let rank = ((0.95 * valid.len() as f64).ceil() as usize).clamp(1, valid.len()) - 1;
    Some([
        valid[0],
        mean,
        valid[rank],
        valid[valid.len() - 1],
        last,
        breaches,
    ])
}

const CSS: &str = "body{font:14px/1.4 system-ui,sans-serif;margin:24px auto;max-width:960px;color:#222}\
h1{margin-bottom:0}h2{border-bottom:1px solid #ccc;margin-top:32px}\
table{border-collapse:collapse;margin:8px 0}td,th{border:1px solid #ddd;padding:3px 8px;text-align:right}\
td:first-child,th:first-child{text-align:left}.bad{color:#b00;font-weight:bold}.ok{color:#070}\
.legend span{margin-right:14px;white-space:nowrap;font-size:12px}.legend i{display:inline-block;width:12px;height:3px;margin-right:4px;vertical-align:middle}\
pre{background:#f6f6f6;padding:8px;overflow:auto;max-height:480px}.muted{color:#777}";

fn page(title: &str, body: &str) -> String {
    format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width\"><title>{}</title><style>{CSS}</style></head>\
         <body>{body}</body></html>\n",
        escape(title)
    )
}

fn fmt(v: f64) -> String {
    if !v.is_finite() {
        "-".into()
    } else if v.abs() >= 100.0 || v.fract() == 0.0 {
        format!("{v:.0}")
    } else {
        format!("{v:.2}")
    }
}

/// The seed's important metrics, per class: (suffix, description).
const IMPORTANT: [(&str, &str); 12] = [
    ("_licence_usage_pct", "licence usage %"),
    ("_successful_fda_pct", "successful first delivery %"),
    (
        "_dropped_after_fda_pct",
        "dropped after the first attempt %",
    ),
    ("_buffer_usage_pct", "buffer usage %"),
    ("_avg_attempts", "average attempts per message"),
    ("_avg_msg_length", "average message length"),
    ("_MOSM_accepted_pct", "MO accepted %"),
    ("_MTSM_accepted_pct", "MT accepted %"),
    ("_HLR_response_ok_pct", "HLR responses OK %"),
    (
        "_transport_errors_to_nw",
        "IP7 transport errors to the network",
    ),
    ("_session_reject_pct", "session set-up rejects %"),
    ("_barred_originator", "MO barred by originator lists"),
];

/// One chart of a page.
#[derive(Debug, Clone)]
pub struct GraphSection {
    /// The graph's title.
    pub title: String,
    /// The chart, an `<svg>` element.
    pub svg: String,
    /// Its legend (HTML).
    pub legend: String,
    /// Its summary table (HTML).
    pub table: String,
}

/// The parts of a system's page, each ready HTML.
#[derive(Debug, Clone)]
pub struct Sections {
    /// Title line and what the data cover.
    pub header: String,
    /// Collection status and files.
    pub status: String,
    /// The important metrics table.
    pub important: String,
    /// The charts.
    pub graphs: Vec<GraphSection>,
    /// The log-monitor output.
    pub logs: String,
}

/// Builds the parts of a system's page.
pub fn sections(
    s: &SystemData,
    graphs: &[Graph],
    log: Option<&str>,
    generated: Timestamp,
) -> Sections {
    let range = s
        .frame
        .time_range()
        .map(|(a, z)| {
            format!(
                "{} – {} UTC",
                a.format("%Y-%m-%d %H:%M"),
                z.format("%Y-%m-%d %H:%M")
            )
        })
        .unwrap_or_else(|| "no data".into());
    let header = format!(
        "<header><h1>{}</h1><p class=\"muted\">{range} · {} samples · {} file(s) from {} · generated {}</p></header>",
        escape(&s.name),
        s.frame.len(),
        s.files.len(),
        escape(&s.source),
        generated.format("%Y-%m-%d %H:%M UTC")
    );

    let mut status = String::from("<section id=\"status\"><h2>Collection</h2>");
    match &s.error {
        Some(e) => {
            let _ = write!(status, "<p class=\"bad\">FAILED: {}</p>", escape(e));
        }
        None => status.push_str("<p class=\"ok\">collected</p>"),
    }
    status.push_str(
        "<table><tr><th>file</th><th>bytes</th><th>rows</th><th>issues</th><th>error</th></tr>",
    );
    for f in &s.files {
        let _ = write!(
            status,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            escape(&f.name),
            f.bytes,
            f.rows,
            f.issues,
            escape(f.error.as_deref().unwrap_or(""))
        );
    }
    status.push_str("</table>");
    for w in &s.calc_warnings {
        let _ = write!(status, "<p class=\"muted\">{}</p>", escape(w));
    }
    status.push_str("</section>");

    let mut important = String::from(
        "<section id=\"important\"><h2>Important metrics</h2><table><tr><th>metric</th><th>instance</th><th>min</th><th>mean</th><th>max</th></tr>",
    );
    for (suffix, what) in IMPORTANT {
        for name in s.frame.names().iter().filter(|n| n.ends_with(suffix)) {
            if let Some(st) = s.frame.stats(name).filter(|st| st.count > 0) {
                let _ = write!(
                    important,
                    "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                    escape(what),
                    escape(name.strip_suffix(suffix).unwrap_or(name)),
                    fmt(st.min),
                    fmt(st.mean),
                    fmt(st.max)
                );
            }
        }
    }
    important.push_str("</table></section>");

    let mut charts = Vec::new();
    for g in graphs {
        let series: Vec<(&str, &[f64])> = s
            .frame
            .columns()
            .filter(|(n, c)| g.matches(n) && c.iter().any(|v| v.is_finite()))
            .collect();
        if series.is_empty() {
            continue;
        }
        let rendered = Chart {
            index: s.frame.index_ns(),
            series: series.clone(),
            unit: &g.unit,
            ylim: g.ylim,
            threshold: g.threshold,
        }
        .render();
        let (svg, legend) = match rendered.find("</svg>") {
            Some(at) => (
                rendered[..at + 6].to_string(),
                rendered[at + 6..].to_string(),
            ),
            None => (rendered, String::new()),
        };
        let mut table = String::from(
            "<table><tr><th>series</th><th>min</th><th>mean</th><th>p95</th><th>max</th><th>last</th>",
        );
        if g.threshold.is_some() {
            table.push_str("<th>above threshold</th>");
        }
        table.push_str("</tr>");
        for (name, values) in &series {
            if let Some([min, mean, p95, max, last, breaches]) = summary(values, g.threshold) {
                let _ = write!(
                    table,
                    "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>",
                    escape(name),
                    fmt(min),
                    fmt(mean),
                    fmt(p95),
                    fmt(max),
                    fmt(last)
                );
                if g.threshold.is_some() {
                    let class = if breaches > 0.0 { " class=\"bad\"" } else { "" };
                    let _ = write!(table, "<td{class}>{breaches}</td>");
                }
                table.push_str("</tr>");
            }
        }
        table.push_str("</table>");
        charts.push(GraphSection {
            title: g.title.clone(),
            svg,
            legend,
            table,
        });
    }

    let mut logs = String::from("<section id=\"logs\"><h2>Log monitor</h2>");
    match log {
        Some(text) => {
            let _ = write!(logs, "<pre>{}</pre>", escape(text));
        }
        None => logs.push_str("<p class=\"muted\">no log output collected</p>"),
    }
    logs.push_str("</section>");
    Sections {
        header,
        status,
        important,
        graphs: charts,
        logs,
    }
}

/// One system's page, netmon's own layout.
pub fn system_page(
    s: &SystemData,
    graphs: &[Graph],
    log: Option<&str>,
    generated: Timestamp,
) -> String {
    let sec = sections(s, graphs, log, generated);
    let mut b = String::new();
    b.push_str(&sec.header);
    b.push_str(&sec.status);
    b.push_str(&sec.important);
    b.push_str("<section id=\"graphs\"><h2>Graphs</h2>");
    for g in &sec.graphs {
        let _ = write!(
            b,
            "<figure><h3>{}</h3>{}{}{}</figure>",
            escape(&g.title),
            g.svg,
            g.legend,
            g.table
        );
    }
    b.push_str("</section>");
    b.push_str(&sec.logs);
    page(&format!("{} — SMSC report", s.name), &b)
}

/// One system's page through a user's template (`[MISC] html_template`),
/// a Jinja template as t4Monitor used. It gets t4Monitor's names —
/// `data.system`, `data.date_time`, `data.year`, `data.logs[data.system]`
/// (a list of lines) and `render_graphs()` (title and image pairs; the
/// images are SVG data URIs) — and netmon's: `report.header`,
/// `report.status`, `report.important`, `report.graphs` (each with
/// `title`, `svg`, `legend`, `table`), `report.logs`, `css`. Text is
/// escaped; the `report` parts are ready HTML.
pub fn templated_page(
    template_file: &str,
    template: &str,
    s: &SystemData,
    graphs: &[Graph],
    log: Option<&str>,
    generated: Timestamp,
) -> anyhow::Result<String> {
    use base64::Engine;
    use minijinja::{Environment, Value, context};
    let sec = sections(s, graphs, log, generated);
    // Title as text (escaped), image as a data URI (base64: nothing to
    // escape).
    let images: Vec<Vec<Value>> = sec
        .graphs
        .iter()
        .map(|g| {
            let data = base64::engine::general_purpose::STANDARD.encode(g.svg.as_bytes());
            vec![
                Value::from(g.title.clone()),
                Value::from_safe_string(format!("data:image/svg+xml;base64,{data}")),
            ]
        })
        .collect();
    let mut env = Environment::new();
    // Autoescaping follows the name: always treat the template as HTML.
    env.add_template_owned("report.html", template.to_string())
        .map_err(|e| anyhow::anyhow!("{template_file}: {e}"))?;
    env.add_function("render_graphs", move || Value::from(images.clone()));
    let lines: Vec<String> = log
        .unwrap_or("")
        .split_inclusive('\n')
        .map(str::to_string)
        .collect();
    let safe = Value::from_safe_string;
    let graph_values: Vec<Value> = sec
        .graphs
        .iter()
        .map(|g| {
            context! {
                title => g.title.clone(),
                svg => safe(g.svg.clone()),
                legend => safe(g.legend.clone()),
                table => safe(g.table.clone()),
            }
        })
        .collect();
    let ctx = context! {
        data => context! {
            system => s.name.clone(),
            date_time => generated.format("%Y-%m-%d %H:%M"),
            year => generated.to_civil().year,
            logs => Value::from(std::collections::BTreeMap::from([(s.name.clone(), lines)])),
        },
        report => context! {
            header => safe(sec.header.clone()),
            status => safe(sec.status.clone()),
            important => safe(sec.important.clone()),
            graphs => graph_values,
            logs => safe(sec.logs.clone()),
        },
        css => safe(CSS.to_string()),
    };
    env.get_template("report.html")
        .and_then(|t| t.render(ctx))
        .map_err(|e| anyhow::anyhow!("{template_file}: {e}"))
}

/// The index page across systems.
pub fn index_page(systems: &[(SystemData, String)], generated: Timestamp) -> String {
    let mut b = String::new();
    let _ = write!(
        b,
        "<header><h1>SMSC reports</h1><p class=\"muted\">generated {}</p></header><table><tr><th>system</th><th>status</th><th>samples</th>",
        generated.format("%Y-%m-%d %H:%M UTC")
    );
    let key = [
        ("_licence_usage_pct", "max licence %"),
        ("_successful_fda_pct", "mean FDA success %"),
        ("_buffer_usage_pct", "max buffer %"),
        ("_MOSM_accepted_pct", "mean MO accepted %"),
        ("_session_reject_pct", "mean session rejects %"),
    ];
    for (_, what) in key {
        let _ = write!(b, "<th>{}</th>", escape(what));
    }
    b.push_str("</tr>");
    for (s, file) in systems {
        let status = match &s.error {
            Some(e) => format!("<span class=\"bad\" title=\"{}\">FAILED</span>", escape(e)),
            None => "<span class=\"ok\">OK</span>".into(),
        };
        let _ = write!(
            b,
            "<tr><td><a href=\"{}\">{}</a></td><td>{status}</td><td>{}</td>",
            escape(file),
            escape(&s.name),
            s.frame.len()
        );
        for (suffix, what) in key {
            let stats: Vec<_> = s
                .frame
                .names()
                .iter()
                .filter(|n| n.ends_with(suffix))
                .filter_map(|n| s.frame.stats(n))
                .filter(|st| st.count > 0)
                .collect();
            let v = if stats.is_empty() {
                f64::NAN
            } else if what.starts_with("max") {
                stats
                    .iter()
                    .map(|st| st.max)
                    .fold(f64::NEG_INFINITY, f64::max)
            } else {
                stats.iter().map(|st| st.mean).sum::<f64>() / stats.len() as f64
            };
            let _ = write!(b, "<td>{}</td>", fmt(v));
        }
        b.push_str("</tr>");
    }
    b.push_str("</table>");
    page("SMSC reports", &b)
}

/// Writes every system's page and the index; returns the files written.
pub fn write_reports(
    folder: &Path,
    systems: &[SystemData],
    graphs: &[Graph],
    logs: &[(String, String)],
    generated: Timestamp,
    template: Option<&Path>,
) -> anyhow::Result<Vec<PathBuf>> {
    let template = template
        .map(|p| {
            std::fs::read_to_string(p)
                .map(|t| (p.display().to_string(), t))
                .map_err(|e| anyhow::anyhow!("{}: {e}", p.display()))
        })
        .transpose()?;
    std::fs::create_dir_all(folder)?;
    let mut written = Vec::new();
    let mut listed = Vec::new();
    for s in systems {
        let file = crate::store::file_safe(&s.name) + ".html";
        let log = logs
            .iter()
            .find(|(n, _)| *n == s.name)
            .map(|(_, t)| t.as_str());
        let html = match &template {
            Some((file, text)) => templated_page(file, text, s, graphs, log, generated)?,
            None => system_page(s, graphs, log, generated),
        };
        let path = folder.join(&file);
        crate::store::write_atomically(&path, |w| w.write_all(html.as_bytes()))?;
        written.push(path);
        listed.push((s.clone(), file));
    }
    let path = folder.join("index.html");
    let html = index_page(&listed, generated);
    crate::store::write_atomically(&path, |w| w.write_all(html.as_bytes()))?;
    written.push(path);
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn graph_lists() {
        let g = parse_graphs("g.cfg", DEFAULT_GRAPHS).unwrap();
        assert_eq!(g.len(), 14);
        assert_eq!(g[0].threshold, Some(90.0));
        assert_eq!(g[0].ylim, Some((0.0, 100.0)));
        assert!(g[0].matches("SMH00_licence_usage_pct") && g[0].matches("node1_LICENCE_usage_pct"));
        let old = "Counter00.*BUFF;Buffers;ylim=(0.0,100.0),linewidth=2\n\
                   glob:counter0*buff,sm*ok;Old style;style='o'\n";
        let g = parse_graphs("g.cfg", old).unwrap();
        assert!(
            g[0].matches("Counter00_message_BUFFERED")
                && !g[0].matches("Counter01_message_BUFFERED")
        );
        assert!(
            g[1].matches("Counter03_ack_BUFFERED")
                && g[1].matches("SM_FST_TX_OK")
                && !g[1].matches("Counter03_TIMEUP")
        );
        for (bad, needle) in [
            ("only names\n", "line 1: expected `names;title"),
            ("# c\n[MON.SYST;Cpu;\n", "line 2"),
            ("x;t;threshold=high\n", "not a number"),
            ("x;t;ylim=5\n", "ylim"),
            ("x;t;oops\n", "key=value"),
        ] {
            let e = parse_graphs("g.cfg", bad).unwrap_err().to_string();
            assert!(
                e.starts_with("g.cfg: line") && e.contains(needle),
                "{bad:?}: {e}"
            );
        }
    }

    #[test]
    fn summaries() {
        let v: Vec<f64> = (1..=100).map(f64::from).chain([f64::NAN]).collect();
        assert_eq!(
            summary(&v, Some(90.0)),
            Some([1.0, 50.5, 95.0, 100.0, 100.0, 10.0])
        );
        assert_eq!(summary(&[f64::NAN], None), None);
    }
}
