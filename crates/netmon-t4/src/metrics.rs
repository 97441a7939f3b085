//! The SMSC metric sets of the monitoring procedure (seed Appendix a):
//! GIW, SMH (and per node), SSD, GHLR, IP7, SIWPC and SIWSMPP.
//!
//! Each set is a calc file in precedence mode, generated for the
//! instances found in the data (`SMH00_SM_RECEIVED` ⇒ instance `SMH00`)
//! and evaluated with the system's constants:
//!
//! | constant | meaning |
//! | --- | --- |
//! | `$retq_max` | buffer (retry queue) capacity, messages |
//! | `$delivery_limit` | licensed delivery attempts per second, per SMH |
//! | `$delv_per_node_max` | licensed delivery attempts per second, per node |
//! | `$interval` | the sample interval, seconds |
//!
//! Counters the procedure marks CUMULATIVE (SSD, GHLR, IP7, SIW) go
//! through `delta()`, which detects resets; the others are per-sample
//! statistics and are used as they are. Ratios divide plainly: a period
//! without traffic gives NaN (no data), not 0 %.
//!
//! ```
//! use netmon_core::Frame;
//! use netmon_t4::metrics::{Instances, SmscParams, apply};
//! let mut f = Frame::from_columns(vec![0], [
//!     ("GIW_11_MOSM_OK", vec![990.0]),
//!     ("GIW_11_MOSM_FAIL", vec![10.0]),
//! ])?;
//! let found = Instances::detect(&f);
//! apply(&mut f, &found, &SmscParams::default());
//! assert_eq!(f.column("GIW_11_MOSM_accepted_pct"), Some(&[99.0][..]));
//! # Ok::<(), netmon_t4::Error>(())
//! ```

use std::fmt::Write;

use netmon_core::Frame;

use crate::calc::{CalcFile, Context, Mode, Report};

/// The system constants the formulas need.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SmscParams {
    /// Retry-queue capacity (messages).
    pub retq_max: f64,
    /// Licensed delivery attempts per second per SMH.
    pub delivery_limit: f64,
    /// Licensed delivery attempts per second per node.
    pub delv_per_node_max: f64,
    /// Sample interval in seconds (PML samples are 5 minutes).
    pub interval: f64,
}

impl Default for SmscParams {
    /// Placeholders to replace with the system's licence figures:
    /// 100 000 messages, 100 and 200 attempts/s, 300 s samples.
    fn default() -> Self {
        SmscParams {
            retq_max: 100_000.0,
            delivery_limit: 100.0,
            delv_per_node_max: 200.0,
            interval: 300.0,
        }
    }
}

/// The instances of each class present in a frame.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Instances {
    /// GSM interworking (`GIW_11` …).
    pub giw: Vec<String>,
    /// Short-message handlers (`SMH00` …).
    pub smh: Vec<String>,
    /// Screening (`SSD…`).
    pub ssd: Vec<String>,
    /// Gateway HLR.
    pub ghlr: Vec<String>,
    /// SIGTRAN/SS7 stacks (`IP7_11` …).
    pub ip7: Vec<String>,
    /// PC and SMPP session interworking.
    pub siw: Vec<String>,
    /// Nodes and the SMH instances running on each, for the per-node
    /// licence metrics.
    pub nodes: Vec<(String, Vec<String>)>,
}

/// The list of one class's instances within [`Instances`].
type ClassList = fn(&mut Instances) -> &mut Vec<String>;

/// Formulas of one instance of a class.
type ClassFormulas = fn(&str) -> String;

/// Marker parameter of each class: an instance has a column
/// `<instance>_<marker>`.
const MARKERS: [(&str, ClassList); 6] = [
    ("MOSM_OK", |i| &mut i.giw),
    ("SM_RECEIVED", |i| &mut i.smh),
    ("SM_MO_BARRED_ORIG_LST", |i| &mut i.ssd),
    ("SRI_RECEIVED", |i| &mut i.ghlr),
    ("SSRV_TRANS_FAILURE", |i| &mut i.ip7),
    ("SES_SETUP_TOT_ATT", |i| &mut i.siw),
];

impl Instances {
    /// Finds the instances by their marker columns; SMH instances are put
    /// on nodes the way SMSC clusters run them (even-numbered SMHs on
    /// `Node1`, odd on `Node2`) when they are numbered.
    pub fn detect(frame: &Frame) -> Self {
        let mut found = Instances::default();
        for name in frame.names() {
            for (marker, list) in MARKERS {
                if let Some(prefix) = name.strip_suffix(marker).and_then(|p| p.strip_suffix('_'))
                    && !prefix.is_empty()
                    && !list(&mut found).iter().any(|p| p == prefix)
                {
                    list(&mut found).push(prefix.to_string());
                }
            }
        }
        let mut node1 = Vec::new();
        let mut node2 = Vec::new();
        for smh in &found.smh {
            let digits: String = smh.chars().rev().take_while(char::is_ascii_digit).collect();
            match digits.chars().rev().collect::<String>().parse::<u32>() {
                Ok(n) if n % 2 == 0 => node1.push(smh.clone()),
                Ok(_) => node2.push(smh.clone()),
                Err(_) => {}
            }
        }
        for (name, smhs) in [("Node1", node1), ("Node2", node2)] {
            if !smhs.is_empty() {
                found.nodes.push((name.to_string(), smhs));
            }
        }
        found
    }

    /// The historical naming of the monitoring procedure: SMH00–03,
    /// GIW_11/12/21/22, IP7_11/12, SIWPC/SIWSMPP_11–22, two nodes.
    pub fn standard() -> Self {
        let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        Instances {
            giw: s(&["GIW_11", "GIW_12", "GIW_21", "GIW_22"]),
            smh: s(&["SMH00", "SMH01", "SMH02", "SMH03"]),
            ssd: s(&["SSD"]),
            ghlr: s(&["GHLR"]),
            ip7: s(&["IP7_11", "IP7_12"]),
            siw: s(&[
                "SIWPC_11",
                "SIWPC_12",
                "SIWPC_21",
                "SIWPC_22",
                "SIWSMPP_11",
                "SIWSMPP_12",
                "SIWSMPP_21",
                "SIWSMPP_22",
            ]),
            nodes: vec![
                ("Node1".into(), s(&["SMH00", "SMH02"])),
                ("Node2".into(), s(&["SMH01", "SMH03"])),
            ],
        }
    }
}

/// Formulas of one GIW instance.
pub fn giw(i: &str) -> String {
    format!(
        "# GIW {i}: accepted vs rejected MO and MT traffic, HLR, errors\n\
         {i}_MOSM_accepted_pct = 100 * {i}_MOSM_OK / ({i}_MOSM_OK + {i}_MOSM_FAIL)\n\
         {i}_MTSM_accepted_pct = 100 * {i}_MTSM_OK / ({i}_MTSM_OK + {i}_MTSM_FAIL)\n\
         {i}_HLR_response_ok_pct = 100 * {i}_ROUT_INFO_OK / ({i}_ROUT_INFO_OK + {i}_ROUT_INFO_FAIL)\n\
         {i}_absent_subscriber_mt = {i}_ABSENT_SUBSCRIBER - {i}_ABSENT_SUBS_HLR\n\
         {i}_absent_subscriber_hlr = {i}_ABSENT_SUBS_HLR\n\
         {i}_invalid_unknown_signalling = {i}_TCAP_UNKN_MSG_RCVD + {i}_TCAP_MSG_DISC + {i}_MAP_PROTO_ERR + {i}_MAP_PDU_DEC_ERR + {i}_MAP_PRV_DEC_ERR + {i}_MAP_INV_APP_CTXT + {i}_MAP_OPCODE_ERR\n\
         {i}_wrong_smsc = {i}_MAP_UNKNOWN_SC\n\
         {i}_non_secured_smsc = {i}_MAP_SUBSCR_NOT_SC_SUBS\n\
         {i}_blacklisted_destination = {i}_MAP_INVALID_SME_ADDRES\n\
         {i}_destination_buffer_full = {i}_MAP_SC_CONGESTION\n\
         {i}_system_failures = {i}_SYSTEM_FAILURE\n"
    )
}

/// Formulas of one SMH instance.
pub fn smh(i: &str) -> String {
    format!(
        "# SMH {i}: delivery, licence and buffer usage\n\
         {i}_delivery_attempts_per_sec = {i}_RETRY_ATTEMPT / $interval\n\
         {i}_licence_usage_pct = 100 * {i}_delivery_attempts_per_sec / $delivery_limit\n\
         {i}_msg_buffered = {i}_SM_BUFFERED + {i}_NOTIF_BUFFERED + {i}_MSG_DEFERRED\n\
         {i}_buffer_usage_pct = 100 * {i}_msg_buffered / $retq_max\n\
         {i}_total_messages = {i}_SM_FST_TX_OK + {i}_SM_FST_TX_FAIL_SMSC + {i}_SM_FST_TX_FAIL_EXTERN\n\
         {i}_successful_fda_pct = 100 * {i}_SM_FST_TX_OK / {i}_total_messages\n\
         {i}_dropped_after_fda_pct = 100 * {i}_SM_DELETED_FST_TX_FAIL / {i}_total_messages\n\
         {i}_next_attempts = {i}_SM_NXT_TX_OK + {i}_SM_NXT_TX_FAIL_SMSC + {i}_SM_NXT_TX_FAIL_EXTERN\n\
         {i}_avg_attempts = 1 + {i}_next_attempts / {i}_total_messages\n\
         {i}_avg_attempts_per_retried = {i}_next_attempts / ({i}_SM_FST_TX_FAIL_SMSC + {i}_SM_FST_TX_FAIL_EXTERN - {i}_SM_DELETED_FST_TX_FAIL)\n\
         {i}_first_attempts_per_sec = {i}_total_messages / $interval\n\
         {i}_avg_msg_length = {i}_LENGTH_SM_CUMULATIVE / {i}_SM_RECEIVED\n\
         {i}_avg_buffer_time = {i}_BUF_TIME_CUMULATIVE / ({i}_SM_FST_TX_OK + {i}_SM_NXT_TX_OK + {i}_SM_DELETED_NXT_TX_FAIL + {i}_SM_DELETED_FST_TX_FAIL)\n"
    )
}

/// Formulas of one node: the licence used by its SMH instances.
pub fn node(name: &str, smhs: &[String]) -> String {
    let sum = smhs
        .iter()
        .map(|s| format!("{s}_delivery_attempts_per_sec"))
        .collect::<Vec<_>>()
        .join(" + ");
    format!(
        "# {name}: delivery licence of the node\n\
         {name}_delivery_attempts_per_sec = {sum}\n\
         {name}_licence_usage_pct = 100 * {name}_delivery_attempts_per_sec / $delv_per_node_max\n"
    )
}

/// Formulas of one SSD instance (cumulative counters).
pub fn ssd(i: &str) -> String {
    format!(
        "# SSD {i}: MO messages barred by black/white lists, per sample\n\
         {i}_barred_originator = delta({i}_SM_MO_BARRED_ORIG_LST)\n\
         {i}_barred_recipient = delta({i}_SM_MO_BARRED_RECIP_LST)\n"
    )
}

/// Formulas of one GHLR instance (cumulative counters).
pub fn ghlr(i: &str) -> String {
    format!(
        "# GHLR {i}: SRI traffic and errors, per sample\n\
         {i}_sri_received = delta({i}_SRI_RECEIVED)\n\
         {i}_sri_rejected_pct = 100 * delta({i}_SRI_REJECTED) / {i}_sri_received\n\
         {i}_sri_discarded = delta({i}_SRI_DISCARDED)\n\
         {i}_map_errors = delta({i}_MAP_OPCODE_ERR) + delta({i}_MAP_INVOKE_ERR) + delta({i}_MAP_INV_APP_CTXT)\n\
         {i}_tcap_aborts = delta({i}_TCAP_UABT_RCVD) + delta({i}_TCAP_UABT_SNT)\n"
    )
}

/// Formulas of one IP7 instance (cumulative counters).
pub fn ip7(i: &str) -> String {
    format!(
        "# IP7 {i}: transport, congestion and translation errors, per sample\n\
         {i}_transport_errors_to_nw = delta({i}_SSRV_TRANS_FAILURE) + delta({i}_SSRV_LOCAL_MTP_FAIL)\n\
         {i}_transport_errors_from_nw = delta({i}_SSRV_NW_RCV_MSG_TRANS) + delta({i}_SSRV_NW_RCV_LOCAL_PROC) + delta({i}_SSRV_NW_RCV_MTP_FAIL) + delta({i}_SSRV_NW_RCV_HOPC_VIOL)\n\
         {i}_congestion_to_nw = delta({i}_SSRV_LOCAL_NTWK_CONG) + delta({i}_SSRV_LOCAL_SS_CONG) + delta({i}_SSRV_LOCAL_SS_FAIL)\n\
         {i}_congestion_from_nw = delta({i}_SSRV_NW_RCV_NTWK_CONG) + delta({i}_SSRV_NW_RCV_SS_CONG) + delta({i}_SSRV_NW_RCV_SS_FAIL)\n\
         {i}_translation_errors_from_nw = delta({i}_SSRV_NW_RCV_NTRAN_ADDR) + delta({i}_SSRV_NW_RCV_NTRAN_NOA)\n"
    )
}

/// Formulas of one SIWPC or SIWSMPP instance (cumulative counters).
pub fn siw(i: &str) -> String {
    format!(
        "# {i}: session set-up rejects, per sample\n\
         {i}_session_reject_pct = 100 * delta({i}_SES_SETUP_TOT_REJ) / delta({i}_SES_SETUP_TOT_ATT)\n\
         {i}_session_rejects_max_sessions = delta({i}_SES_SETUP_REJ_MAXSES)\n"
    )
}

/// The calc file (precedence mode) of every set for these instances.
pub fn calc_text(found: &Instances) -> String {
    let mut out = String::from(
        "# SMSC metrics (netmon-t4 metrics::calc_text), precedence mode.\n\
         # Constants: $retq_max, $delivery_limit, $delv_per_node_max, $interval.\n",
    );
    let sections: [(&Vec<String>, ClassFormulas); 6] = [
        (&found.giw, giw),
        (&found.smh, smh),
        (&found.ssd, ssd),
        (&found.ghlr, ghlr),
        (&found.ip7, ip7),
        (&found.siw, siw),
    ];
    for (list, f) in sections {
        for i in list {
            let _ = write!(out, "\n{}", f(i));
        }
    }
    for (name, smhs) in &found.nodes {
        let _ = write!(out, "\n{}", node(name, smhs));
    }
    out
}

/// The constants as a calc [`Context`].
pub fn context(params: &SmscParams) -> Context {
    Context::with_interval(params.interval)
        .constant("retq_max", params.retq_max)
        .constant("delivery_limit", params.delivery_limit)
        .constant("delv_per_node_max", params.delv_per_node_max)
}

/// Adds every metric of the instances to the frame.
pub fn apply(frame: &mut Frame, found: &Instances, params: &SmscParams) -> Report {
    match CalcFile::parse_named("smsc metrics", &calc_text(found), Mode::Precedence) {
        Ok(calc) => calc.apply(frame, &context(params)),
        // The generated text always parses; instance names that break the
        // syntax (spaces, operators) are the only way here.
        Err(_) => Report::default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_calc_file_is_the_generated_one() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("calc/smsc_metrics.cfg");
        let generated = calc_text(&Instances::standard());
        if std::env::var_os("NETMON_REGENERATE").is_some() {
            std::fs::write(&path, &generated).unwrap();
        }
        let shipped = std::fs::read_to_string(&path).unwrap_or_default();
        assert_eq!(
            shipped,
            generated,
            "run with NETMON_REGENERATE=1 to rewrite {}",
            path.display()
        );
        let parsed = CalcFile::parse(&shipped, Mode::Precedence).unwrap();
        assert!(parsed.formulas.len() > 80);
    }

    #[test]
    fn detection() {
        let f = Frame::from_columns(
            vec![0],
            [
                ("SMH00_SM_RECEIVED", vec![1.0]),
                ("SMH01_SM_RECEIVED", vec![1.0]),
                ("GIW_11_MOSM_OK", vec![1.0]),
                ("IP7_12_SSRV_TRANS_FAILURE", vec![1.0]),
                ("SIWSMPP_21_SES_SETUP_TOT_ATT", vec![1.0]),
                ("_SM_RECEIVED", vec![1.0]),
            ],
        )
        .unwrap();
        let i = Instances::detect(&f);
        assert_eq!(i.smh, ["SMH00", "SMH01"]);
        assert_eq!(i.giw, ["GIW_11"]);
        assert_eq!(i.ip7, ["IP7_12"]);
        assert_eq!(i.siw, ["SIWSMPP_21"]);
        assert_eq!(
            i.nodes,
            [
                ("Node1".to_string(), vec!["SMH00".to_string()]),
                ("Node2".to_string(), vec!["SMH01".to_string()])
            ]
        );
    }

    /// Every formula checked by hand on one sample.
    #[test]
    fn smh_and_node_values() {
        let cols = [
            ("RETRY_ATTEMPT", vec![30_000.0]),
            ("SM_BUFFERED", vec![1000.0]),
            ("NOTIF_BUFFERED", vec![200.0]),
            ("MSG_DEFERRED", vec![300.0]),
            ("SM_FST_TX_OK", vec![800.0]),
            ("SM_FST_TX_FAIL_SMSC", vec![50.0]),
            ("SM_FST_TX_FAIL_EXTERN", vec![150.0]),
            ("SM_DELETED_FST_TX_FAIL", vec![20.0]),
            ("SM_NXT_TX_OK", vec![100.0]),
            ("SM_NXT_TX_FAIL_SMSC", vec![30.0]),
            ("SM_NXT_TX_FAIL_EXTERN", vec![70.0]),
            ("LENGTH_SM_CUMULATIVE", vec![64_000.0]),
            ("SM_RECEIVED", vec![1000.0]),
            ("BUF_TIME_CUMULATIVE", vec![9_400.0]),
            ("SM_DELETED_NXT_TX_FAIL", vec![20.0]),
        ];
        let mut f = Frame::from_columns(
            vec![0],
            ["SMH00", "SMH02"].iter().flat_map(|i| {
                cols.iter()
                    .map(move |(n, v)| (format!("{i}_{n}"), v.clone()))
            }),
        )
        .unwrap();
        let found = Instances::detect(&f);
        let r = apply(&mut f, &found, &SmscParams::default());
        assert!(r.warnings.is_empty(), "{:?}", r.warnings);
        let v = |n: &str| f.column(n).unwrap_or_else(|| panic!("{n}"))[0];
        assert_eq!(v("SMH00_delivery_attempts_per_sec"), 100.0); // 30000 / 300 s
        assert_eq!(v("SMH00_licence_usage_pct"), 100.0); // of 100/s
        assert_eq!(v("SMH00_buffer_usage_pct"), 1.5); // 1500 of 100000
        assert_eq!(v("SMH00_total_messages"), 1000.0);
        assert_eq!(v("SMH00_successful_fda_pct"), 80.0);
        assert_eq!(v("SMH00_dropped_after_fda_pct"), 2.0);
        assert_eq!(v("SMH00_avg_attempts"), 1.2); // 1 + 200/1000
        assert_eq!(v("SMH00_avg_attempts_per_retried"), 200.0 / 180.0);
        assert_eq!(v("SMH00_first_attempts_per_sec"), 1000.0 / 300.0);
        assert_eq!(v("SMH00_avg_msg_length"), 64.0);
        assert_eq!(v("SMH00_avg_buffer_time"), 9400.0 / 940.0);
        assert_eq!(v("Node1_delivery_attempts_per_sec"), 200.0);
        assert_eq!(v("Node1_licence_usage_pct"), 100.0); // of 200/s
    }

    #[test]
    fn cumulative_classes_use_deltas() {
        let mut f = Frame::from_columns(
            vec![0, 300_000_000_000, 600_000_000_000],
            [
                ("SIWPC_11_SES_SETUP_TOT_ATT", vec![100.0, 300.0, 50.0]),
                ("SIWPC_11_SES_SETUP_TOT_REJ", vec![10.0, 30.0, 5.0]),
                ("SIWPC_11_SES_SETUP_REJ_MAXSES", vec![0.0, 4.0, 4.0]),
                ("GIW_11_MOSM_OK", vec![0.0, 0.0, 1.0]),
                ("GIW_11_MOSM_FAIL", vec![0.0, 0.0, 0.0]),
            ],
        )
        .unwrap();
        let found = Instances::detect(&f);
        let r = apply(&mut f, &found, &SmscParams::default());
        let col = |n: &str| f.column(n).unwrap().to_vec();
        let pct = col("SIWPC_11_session_reject_pct");
        assert!(pct[0].is_nan());
        assert_eq!(pct[1..], [10.0, 10.0]); // 20/200, then after the reset 5/50
        assert_eq!(
            col("SIWPC_11_session_rejects_max_sessions")[1..],
            [4.0, 0.0]
        );
        let mo = col("GIW_11_MOSM_accepted_pct");
        assert!(
            mo[0].is_nan() && mo[1].is_nan(),
            "no traffic is no data, not 0 %"
        );
        assert_eq!(mo[2], 100.0);
        assert_eq!(r.divisions_by_zero, 2);
    }
}
