//! A simulated SMSC: a day of PML statistics for the GIW, SMH, SSD, IP7
//! and SIW classes, written as the T4 files an SMSC's `monitor.out` folder
//! holds, for demos and tests of the whole workflow.
//!
//! The counters follow a daily traffic curve (quiet at night, busy around
//! noon and in the evening), scaled per system, with seeded noise: the same
//! system and day always give the same bytes. Statistical counters are per
//! sample; the classes the procedure marks CUMULATIVE count up from the
//! start of the day and are reset once around noon, as an external
//! collector would do, so that `delta()` has something to detect.

use netmon_core::{Civil, Frame, Result, Tags, Timestamp};

use crate::reader::ValueKind;
use crate::writer::{Kinds, WriteOptions, write_t4};

/// What to simulate.
#[derive(Debug, Clone, PartialEq)]
pub struct SmscSim {
    /// The system's name (`SMSC-1`); it seeds the noise.
    pub system: String,
    /// The cluster id in file names (`smsc1`).
    pub cluster_id: String,
    /// The day.
    pub day: Civil,
    /// Sample interval in seconds (PML: 300).
    pub interval: u32,
    /// Samples to produce (288 is a whole day at 5 minutes).
    pub samples: u32,
    /// Traffic scale (1.0: a mid-size SMSC, ~400 messages per second at
    /// the busy hour).
    pub scale: f64,
}

impl SmscSim {
    /// A whole day of 5-minute samples.
    pub fn day(system: &str, cluster_id: &str, day: Civil, scale: f64) -> Self {
        SmscSim {
            system: system.to_string(),
            cluster_id: cluster_id.to_string(),
            day,
            interval: 300,
            samples: 288,
            scale,
        }
    }

    /// The file names and contents of the day, one T4 file per class.
    pub fn files(&self) -> Result<Vec<(String, Vec<u8>)>> {
        let months = [
            "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
        ];
        let tag = format!(
            "{:02}{}{:04}",
            self.day.day,
            months[usize::from(self.day.month.clamp(1, 12)) - 1],
            self.day.year
        );
        let mut out = Vec::new();
        for (class, frame) in self.frames()? {
            let name = format!("{class}_{}_{tag}.csv", self.cluster_id);
            let first = format!(
                "{}, PML Version: sim, Sample Interval: {}, File Format Type: 2",
                self.system.to_uppercase(),
                self.interval
            );
            let mut bytes = Vec::new();
            // PML counters are whole numbers: written without a point.
            let kinds: Kinds = frame
                .names()
                .iter()
                .map(|n| (n.clone(), ValueKind::Integer))
                .collect();
            let opts = WriteOptions {
                first_line: Some(&first),
                kinds: Some(&kinds),
                ..WriteOptions::default()
            };
            // Writing to memory cannot fail, and the names are plain.
            if write_t4(&mut bytes, &frame, &opts).is_ok() {
                out.push((name, bytes));
            }
        }
        Ok(out)
    }

    /// The samples of each class as frames.
    pub fn frames(&self) -> Result<Vec<(&'static str, Frame)>> {
        let start = Timestamp::from_civil(self.day)?.as_nanos();
        let step = i64::from(self.interval) * 1_000_000_000;
        let index: Vec<i64> = (0..i64::from(self.samples))
            .map(|i| start + i * step)
            .collect();
        let mut rng = Rng::seeded(&self.system);
        let secs = f64::from(self.interval);
        // Load between 0.1 and 1.0 over the day.
        let load: Vec<f64> = (0..self.samples)
            .map(|i| {
                let h = f64::from(i) * secs / 3600.0;
                let noon = (-((h - 12.5) / 3.5).powi(2)).exp();
                let evening = 0.8 * (-((h - 20.0) / 2.0).powi(2)).exp();
                (0.1 + 0.9 * noon.max(evening)) * self.scale
            })
            .collect();
        let n = load.len();
        let tags = Tags::system(&self.system);
        let mut classes = Vec::new();

        // GIW: MO and MT traffic with small failure rates.
        let mut giw = Vec::new();
        for inst in ["GIW_11", "GIW_12"] {
            let mo = series(&load, &mut rng, 30_000.0 * secs / 300.0, 0.05);
            let mt = series(&load, &mut rng, 45_000.0 * secs / 300.0, 0.05);
            let part = |rng: &mut Rng, of: &[f64], rate: f64| -> Vec<f64> {
                of.iter()
                    .map(|v| (v * rate * (0.5 + rng.unit())).round())
                    .collect()
            };
            let cols = [
                ("MOSM_OK", mo.clone()),
                ("MOSM_FAIL", part(&mut rng, &mo, 0.01)),
                ("MTSM_OK", mt.clone()),
                ("MTSM_FAIL", part(&mut rng, &mt, 0.04)),
                ("ROUT_INFO_OK", part(&mut rng, &mt, 1.0)),
                ("ROUT_INFO_FAIL", part(&mut rng, &mt, 0.02)),
                ("ABSENT_SUBSCRIBER", part(&mut rng, &mt, 0.03)),
                ("ABSENT_SUBS_HLR", part(&mut rng, &mt, 0.01)),
                ("MAP_SC_CONGESTION", part(&mut rng, &mt, 0.001)),
                ("MAP_INVALID_SME_ADDRES", part(&mut rng, &mo, 0.0005)),
                ("MAP_SUBSCR_NOT_SC_SUBS", part(&mut rng, &mo, 0.0002)),
                ("MAP_UNKNOWN_SC", part(&mut rng, &mo, 0.0001)),
                ("SYSTEM_FAILURE", part(&mut rng, &mt, 0.0005)),
                ("TCAP_UNKN_MSG_RCVD", part(&mut rng, &mt, 0.0001)),
                ("TCAP_MSG_DISC", part(&mut rng, &mt, 0.0001)),
                ("MAP_PROTO_ERR", part(&mut rng, &mt, 0.0001)),
                ("MAP_PDU_DEC_ERR", part(&mut rng, &mt, 0.00005)),
                ("MAP_PRV_DEC_ERR", part(&mut rng, &mt, 0.00005)),
                ("MAP_INV_APP_CTXT", part(&mut rng, &mt, 0.00005)),
                ("MAP_OPCODE_ERR", part(&mut rng, &mt, 0.00005)),
            ];
            giw.extend(cols.into_iter().map(|(p, v)| (format!("{inst}_{p}"), v)));
        }
        classes.push((
            "giw",
            Frame::from_columns(index.clone(), giw)?.with_tags(tags.clone()),
        ));

        // SMH: deliveries, retries, buffers, lengths.
        let mut smh = Vec::new();
        for inst in ["SMH00", "SMH01", "SMH02", "SMH03"] {
            let received = series(&load, &mut rng, 18_000.0 * secs / 300.0, 0.06);
            let fst_ok: Vec<f64> = received
                .iter()
                .map(|v| (v * (0.86 + 0.04 * rng.unit())).round())
                .collect();
            let fst_smsc: Vec<f64> = received
                .iter()
                .map(|v| (v * 0.01 * rng.unit()).round())
                .collect();
            let fst_ext: Vec<f64> = received
                .iter()
                .zip(&fst_ok)
                .zip(&fst_smsc)
                .map(|((r, a), b)| (r - a - b).max(0.0))
                .collect();
            let del_fst: Vec<f64> = fst_ext
                .iter()
                .map(|v| (v * 0.1 * rng.unit()).round())
                .collect();
            let nxt_ok: Vec<f64> = fst_ext.iter().map(|v| (v * 0.7).round()).collect();
            let nxt_smsc: Vec<f64> = fst_ext.iter().map(|v| (v * 0.02).round()).collect();
            let nxt_ext: Vec<f64> = fst_ext
                .iter()
                .map(|v| (v * 0.5 * rng.unit()).round())
                .collect();
            let attempts: Vec<f64> = (0..n)
                .map(|i| {
                    fst_ok[i] + fst_smsc[i] + fst_ext[i] + nxt_ok[i] + nxt_smsc[i] + nxt_ext[i]
                })
                .collect();
            let buffered: Vec<f64> = load
                .iter()
                .map(|l| (2_000.0 + 6_000.0 * l * (0.8 + 0.4 * rng.unit())).round())
                .collect();
            let cols = [
                ("SM_RECEIVED", received.clone()),
                ("SM_FST_TX_OK", fst_ok),
                ("SM_FST_TX_FAIL_SMSC", fst_smsc),
                ("SM_FST_TX_FAIL_EXTERN", fst_ext.clone()),
                ("SM_DELETED_FST_TX_FAIL", del_fst),
                ("SM_NXT_TX_OK", nxt_ok.clone()),
                ("SM_NXT_TX_FAIL_SMSC", nxt_smsc),
                ("SM_NXT_TX_FAIL_EXTERN", nxt_ext),
                (
                    "SM_DELETED_NXT_TX_FAIL",
                    fst_ext.iter().map(|v| (v * 0.03).round()).collect(),
                ),
                ("DELIVERY_ATTEMPT", attempts.clone()),
                ("RETRY_ATTEMPT", attempts),
                ("SM_BUFFERED", buffered.clone()),
                (
                    "NOTIF_BUFFERED",
                    buffered.iter().map(|v| (v * 0.1).round()).collect(),
                ),
                (
                    "MSG_DEFERRED",
                    buffered.iter().map(|v| (v * 0.02).round()).collect(),
                ),
                (
                    "LENGTH_SM_CUMULATIVE",
                    received
                        .iter()
                        .map(|v| (v * (60.0 + 20.0 * rng.unit())).round())
                        .collect(),
                ),
                (
                    "BUF_TIME_CUMULATIVE",
                    nxt_ok
                        .iter()
                        .map(|v| (v * (90.0 + 60.0 * rng.unit())).round())
                        .collect(),
                ),
                (
                    "STAT_MAX_SMDA_PER_SEC",
                    received.iter().map(|v| (v / secs * 1.6).round()).collect(),
                ),
            ];
            smh.extend(cols.into_iter().map(|(p, v)| (format!("{inst}_{p}"), v)));
        }
        classes.push((
            "smh",
            Frame::from_columns(index.clone(), smh)?.with_tags(tags.clone()),
        ));

        // CUMULATIVE classes: running totals, reset once near noon.
        let reset_at = (12 * 3600 / self.interval.max(1)) as usize;
        let cumulative = |rng: &mut Rng, per_sample: f64| -> Vec<f64> {
            let mut total = 0.0;
            let mut out = Vec::with_capacity(n);
            for (i, l) in load.iter().enumerate() {
                if i == reset_at {
                    total = 0.0;
                }
                total += (per_sample * l * (0.5 + rng.unit())).round();
                out.push(total);
            }
            out
        };
        let ssd = vec![
            (
                "SSD_SM_MO_BARRED_ORIG_LST".to_string(),
                cumulative(&mut rng, 40.0),
            ),
            (
                "SSD_SM_MO_BARRED_RECIP_LST".to_string(),
                cumulative(&mut rng, 25.0),
            ),
        ];
        classes.push((
            "ssd",
            Frame::from_columns(index.clone(), ssd)?.with_tags(tags.clone()),
        ));

        let mut ip7 = Vec::new();
        for inst in ["IP7_11", "IP7_12"] {
            for (p, rate) in [
                ("SSRV_TRANS_FAILURE", 2.0),
                ("SSRV_LOCAL_MTP_FAIL", 0.5),
                ("SSRV_NW_RCV_MSG_TRANS", 1.0),
                ("SSRV_NW_RCV_LOCAL_PROC", 0.5),
                ("SSRV_NW_RCV_MTP_FAIL", 0.2),
                ("SSRV_NW_RCV_HOPC_VIOL", 0.1),
                ("SSRV_LOCAL_NTWK_CONG", 0.3),
                ("SSRV_LOCAL_SS_CONG", 0.2),
                ("SSRV_LOCAL_SS_FAIL", 0.1),
                ("SSRV_NW_RCV_NTWK_CONG", 0.4),
                ("SSRV_NW_RCV_SS_CONG", 0.2),
                ("SSRV_NW_RCV_SS_FAIL", 0.1),
                ("SSRV_NW_RCV_NTRAN_ADDR", 3.0),
                ("SSRV_NW_RCV_NTRAN_NOA", 1.0),
            ] {
                ip7.push((format!("{inst}_{p}"), cumulative(&mut rng, rate)));
            }
        }
        classes.push((
            "ip7",
            Frame::from_columns(index.clone(), ip7)?.with_tags(tags.clone()),
        ));

        let mut siw = Vec::new();
        for inst in ["SIWPC_11", "SIWSMPP_11"] {
            let attempts = cumulative(&mut rng, 30.0);
            let rejects: Vec<f64> = attempts.iter().map(|a| (a * 0.02).floor()).collect();
            siw.push((format!("{inst}_SES_SETUP_TOT_ATT"), attempts));
            siw.push((format!("{inst}_SES_SETUP_TOT_REJ"), rejects.clone()));
            siw.push((
                format!("{inst}_SES_SETUP_REJ_MAXSES"),
                rejects.iter().map(|r| (r * 0.25).floor()).collect(),
            ));
        }
        classes.push(("siw", Frame::from_columns(index, siw)?.with_tags(tags)));
        Ok(classes)
    }
}

/// Per-sample counts following the load, with relative noise.
fn series(load: &[f64], rng: &mut Rng, busy: f64, noise: f64) -> Vec<f64> {
    load.iter()
        .map(|l| {
            (busy * l * (1.0 + noise * (2.0 * rng.unit() - 1.0)))
                .round()
                .max(0.0)
        })
        .collect()
}

/// xorshift64*, seeded from a name.
#[derive(Debug)]
struct Rng(u64);

impl Rng {
    fn seeded(name: &str) -> Self {
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for b in name.bytes() {
            h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
        Rng(h | 1)
    }

    /// Uniform in [0, 1).
    fn unit(&mut self) -> f64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 11) as f64 / (1u64 << 53) as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::{Instances, SmscParams, apply};
    use crate::{FileSelector, Reader, merge_union};

    #[test]
    fn a_day_reads_back_and_feeds_every_metric_set() {
        let sim = SmscSim::day("SMSC-1", "smsc1", Civil::date(2015, 11, 19), 1.0);
        let files = sim.files().unwrap();
        assert_eq!(files.len(), 5);
        let sel = FileSelector::day(Civil::date(2015, 11, 19)).cluster("SMSC1");
        assert!(
            files.iter().all(|(n, _)| sel.matches(n)),
            "{:?}",
            files.iter().map(|f| &f.0).collect::<Vec<_>>()
        );
        let read: Vec<_> = files
            .iter()
            .map(|(n, b)| Reader::new().read_bytes(n, b).unwrap())
            .collect();
        assert!(
            read.iter()
                .all(|f| f.issues.is_empty() && f.frame.len() == 288)
        );
        assert_eq!(read[0].sample_interval(), Some(300.0));
        let refs: Vec<_> = read.iter().collect();
        let mut merged = merge_union(&refs, Some("SMSC-1")).unwrap().frame;
        let found = Instances::detect(&merged);
        assert_eq!(
            (
                found.giw.len(),
                found.smh.len(),
                found.ssd.len(),
                found.ip7.len(),
                found.siw.len()
            ),
            (2, 4, 1, 2, 2)
        );
        let report = apply(&mut merged, &found, &SmscParams::default());
        assert!(report.warnings.is_empty(), "{:?}", report.warnings);
        // Plausible values: MO acceptance around 99 %, FDA success 85-91 %.
        let mo = merged.stats("GIW_11_MOSM_accepted_pct").unwrap();
        assert!(mo.min > 97.0 && mo.max < 100.0, "{mo:?}");
        let fda = merged.stats("SMH00_successful_fda_pct").unwrap();
        assert!(fda.min > 80.0 && fda.max < 95.0, "{fda:?}");
        // The noon reset is seen as a reset, not as a negative count.
        let d = merged.column("SSD_barred_originator").unwrap();
        assert!(d.iter().skip(1).all(|v| *v >= 0.0));
        // Same system and day, same bytes.
        assert_eq!(files, sim.files().unwrap());
    }
}
