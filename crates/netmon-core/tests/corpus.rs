//! netmon-core on the real corpus: the T4 folder through the collector
//! sources, and real T4 timestamps through `Timestamp`.

use netmon_core::{FileSource, LocalFolder, MemorySource, Timestamp, fetch_all};
use netmon_testkit::corpus_file;

fn block_on<F: std::future::Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("runtime")
        .block_on(f)
}

#[test]
fn t4_folder_through_local_and_memory_sources() {
    let Some(dir) = corpus_file("t4") else { return };
    block_on(async {
        let local = LocalFolder::new(&dir).with_chunk_size(4096);
        let listed = local.list().await.expect("list");
        let names: Vec<&str> = listed.iter().map(|e| e.name.as_str()).collect();
        for expected in [
            "plain_data.csv",
            "t4_smtfb1_19nov2015_0001_2359_comp.csv",
            "t4_smtfb1_19nov2015_0001_2359_disk.csv",
            "t4_smtfb1_19nov2015_0001_2359_scs.csv",
            "test_data.csv",
        ] {
            assert!(names.contains(&expected), "{expected} not in {names:?}");
        }
        assert!(names.windows(2).all(|w| w[0] < w[1]), "sorted by name");

        // Every byte arrives, in 4 KiB chunks, exactly as on disk; the
        // same files in memory give the same pipeline result.
        let memory = MemorySource::new("corpus").with_chunk_size(1000);
        for entry in &listed {
            let on_disk = std::fs::read(dir.join(&entry.name)).expect("read");
            assert_eq!(entry.size, on_disk.len() as u64, "{}", entry.name);
            let via_source = local.read(&entry.name).await.expect("read via source");
            assert!(via_source[..] == on_disk[..], "{} differs", entry.name);
            memory
                .insert(entry.name.clone(), on_disk, entry.modified)
                .expect("insert");
        }
        let wanted = |e: &netmon_core::FileEntry| e.name.contains("smtfb1");
        let a = fetch_all(&local, wanted).await.expect("fetch local");
        let b = fetch_all(&memory, wanted).await.expect("fetch memory");
        assert_eq!(a.len(), 3);
        for (x, y) in a.iter().zip(&b) {
            assert_eq!(x.entry, y.entry);
            assert_eq!(x.data.as_ref().ok(), y.data.as_ref().ok());
        }
    });
}

#[test]
fn plain_data_stamps_parse_and_reformat_identically() {
    let Some(path) = corpus_file("t4/plain_data.csv") else {
        return;
    };
    let text = std::fs::read_to_string(path).expect("read");
    let stamps: Vec<&str> = text
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap_or(""))
        .collect();
    assert_eq!(stamps.len(), 286);
    let times: Vec<Timestamp> = stamps
        .iter()
        .map(|s| Timestamp::parse(s).unwrap_or_else(|e| panic!("{s}: {e}")))
        .collect();
    assert_eq!(times[0], Timestamp::parse("2014-01-01T00:04:23Z").unwrap());
    for w in times.windows(2) {
        assert_eq!(
            w[1].nanos_since(w[0]),
            Some(300_000_000_000),
            "5-minute samples"
        );
    }
    // t4Monitor's writer format reproduces the file's text exactly.
    for (s, t) in stamps.iter().zip(&times) {
        assert_eq!(&t.format("%Y-%b-%d %H:%M:%S.00"), s);
    }
}

#[test]
fn openvms_stamps_of_a_real_format1_file() {
    let Some(path) = corpus_file("t4/t4_smtfb1_19nov2015_0001_2359_disk.csv") else {
        return;
    };
    let text = String::from_utf8_lossy(&std::fs::read(path).expect("read")).into_owned();
    // Format 1: header on line 4, data until `Column Average`.
    let times: Vec<Timestamp> = text
        .lines()
        .skip(4)
        .take_while(|l| !l.starts_with("Column Average"))
        .map(|l| {
            let stamp = l.split(',').next().unwrap_or("");
            Timestamp::parse(stamp).unwrap_or_else(|e| panic!("{stamp:?}: {e}"))
        })
        .collect();
    assert_eq!(times.len(), 1438);
    assert_eq!(
        times[0],
        Timestamp::parse("2015-11-19T00:02:00.010Z").unwrap()
    );
    assert_eq!(
        times[times.len() - 1],
        Timestamp::parse("2015-11-19T23:59:21.740Z").unwrap()
    );
    // Intervals of 60.00 to 60.13 s: the drift t4.md describes.
    let ms = 1_000_000;
    for w in times.windows(2) {
        let step = w[1].nanos_since(w[0]).expect("in range");
        assert!((60_000 * ms..=60_130 * ms).contains(&step), "{step} ns");
    }
}
