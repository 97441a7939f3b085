//! The smsc_monitor reports as a person sees them: headless Chromium loads
//! every page from disk with the network switched off, logs no console
//! error, finds every chart in the rendered page, and paints a screenshot
//! that is not blank.

use std::path::Path;
use std::process::Command;

fn chromium(bin: &Path, profile: &Path, extra: &[&str], page: &Path) -> std::process::Output {
    Command::new(bin)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--enable-logging=stderr",
            "--v=0",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(extra)
        .arg(format!("file://{}", page.display()))
        .output()
        .expect("run chromium")
}

#[test]
fn reports_render_with_every_chart() {
    let Some(bin) = netmon_testkit::tool("chromium") else {
        return;
    };
    let dir = std::env::temp_dir().join(format!("netmon-chromium-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let out = netmon_testkit::smsc_monitor_in(&dir)
        .args(["--systems", "2", "--day", "2015-11-19"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    for page in ["SMSC-1.html", "SMSC-2.html", "index.html"] {
        let path = dir.join("reports").join(page);
        let html = std::fs::read_to_string(&path).unwrap();
        assert!(
            !html.contains("http://")
                || html.matches("http://").count()
                    == html.matches("xmlns=\"http://www.w3.org/2000/svg\"").count(),
            "{page} refers to something outside itself"
        );
        let charts_in_file = html.matches("<svg class=\"chart\"").count();

        let dom = chromium(&bin, &dir.join("profile"), &["--dump-dom"], &path);
        let rendered = String::from_utf8_lossy(&dom.stdout);
        let log = String::from_utf8_lossy(&dom.stderr);
        assert!(dom.status.success(), "{page}: chromium failed: {log}");
        for line in log.lines().filter(|l| l.contains("CONSOLE")) {
            assert!(
                !line.contains("ERROR") && !line.contains("Uncaught"),
                "{page}: {line}"
            );
        }
        assert_eq!(
            rendered.matches("<svg class=\"chart\"").count(),
            charts_in_file,
            "{page}"
        );
        if page != "index.html" {
            assert!(charts_in_file >= 10, "{page}: {charts_in_file} charts");
            assert!(
                rendered.matches("<polyline").count() >= charts_in_file,
                "{page}: lines drawn"
            );
        }

        let png = dir.join(format!("{page}.png"));
        let shot = chromium(
            &bin,
            &dir.join("profile"),
            &[
                "--window-size=1000,1600",
                &format!("--screenshot={}", png.display()),
            ],
            &path,
        );
        assert!(
            shot.status.success(),
            "{page}: {}",
            String::from_utf8_lossy(&shot.stderr)
        );
        let bytes = std::fs::read(&png).expect("screenshot written");
        assert_eq!(&bytes[1..4], b"PNG");
        // A blank 1000 x 1600 page compresses to a few kilobytes.
        assert!(
            bytes.len() > 20_000,
            "{page}: screenshot of {} bytes looks blank",
            bytes.len()
        );
    }
    std::fs::remove_dir_all(&dir).ok();
}
