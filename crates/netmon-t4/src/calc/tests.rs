use netmon_core::Frame;

use super::*;

fn nan_eq(a: &[f64], b: &[f64]) -> bool {
    a.len() == b.len()
        && a.iter()
            .zip(b)
            .all(|(x, y)| x == y || (x.is_nan() && y.is_nan()))
}

/// A=[2,4], B=8, C=16, Z=0, N=[NaN,1] (t4.md §2.3).
fn quirk_frame() -> Frame {
    Frame::from_columns(
        vec![0, 300_000_000_000],
        [
            ("A", vec![2.0, 4.0]),
            ("B", vec![8.0, 8.0]),
            ("C", vec![16.0, 16.0]),
            ("Z", vec![0.0, 0.0]),
            ("N", vec![f64::NAN, 1.0]),
            ("%P", vec![1.0, 2.0]),
        ],
    )
    .unwrap()
}

fn run(mode: Mode, line: &str) -> (Frame, Report) {
    let mut f = quirk_frame();
    let calc = CalcFile::parse(line, mode).unwrap_or_else(|e| panic!("{line}: {e}"));
    let r = calc.apply(&mut f, &Context::default());
    (f, r)
}

fn x(mode: Mode, line: &str) -> Option<Vec<f64>> {
    let (f, _) = run(mode, line);
    f.column("X").map(<[f64]>::to_vec)
}

const NAN: f64 = f64::NAN;

#[test]
fn every_quirk_of_t4monitor_in_left_to_right_mode() {
    let m = Mode::LeftToRight;
    let cases: &[(&str, Option<&[f64]>)] = &[
        ("X = A + B * C", Some(&[160.0, 192.0])),
        ("X = 1.0 + (A + B) / C", Some(&[0.6875, 0.8125])),
        ("X = ((A + B)) * C", Some(&[NAN, NAN])),
        ("X = -A", Some(&[NAN, NAN])),
        ("X = A - -1", Some(&[NAN, NAN])),
        ("X = A / 0", Some(&[f64::INFINITY, f64::INFINITY])),
        ("X = A / Z", Some(&[f64::INFINITY, f64::INFINITY])),
        ("X = Z / Z", Some(&[NAN, NAN])),
        ("X = 4 / 0", Some(&[NAN, NAN])),
        ("X = a + B", Some(&[NAN, NAN])),
        ("X = A ^ 2", Some(&[NAN, NAN])),
        ("X = max(A, B)", Some(&[NAN, NAN])),
        ("X = A + 1e3", Some(&[1002.0, 1004.0])),
        ("X = A + 1e-3", Some(&[NAN, NAN])),
        ("X = N + 1", Some(&[NAN, 2.0])),
        ("X = %P + 1", Some(&[2.0, 3.0])),
        ("X = (%P + 1) * 2", Some(&[NAN, NAN])),
        ("X = [MON]Cpu Busy + 1", Some(&[NAN, NAN])),
        ("X = A + B # c # c2", Some(&[10.0, 12.0])),
        ("X = A + B ; c", Some(&[10.0, 12.0])),
        ("X = A + B ; c1 ; c2", Some(&[NAN, NAN])),
        ("X = A + B ; c1 # c2", Some(&[NAN, NAN])),
        ("X = A+B\t+C", Some(&[NAN, NAN])),
        ("X = 2 + 3", Some(&[5.0, 5.0])),
        // Text results: no column, a warning.
        ("X = (A + B)", None),
        ("X = A", None),
        ("X = 5", None),
        ("X = sqrt(A)", None),
    ];
    for (line, want) in cases {
        let got = x(m, line);
        match (want, &got) {
            (Some(w), Some(g)) => assert!(nan_eq(w, g), "{line}: got {g:?}, want {w:?}"),
            (None, None) => {}
            _ => panic!("{line}: got {got:?}, want {want:?}"),
        }
    }
    // The text t4Monitor would have stored.
    for (line, text) in [
        ("X = (A + B)", "__calculations_tmp1"),
        ("X = A", "A"),
        ("X = 5", "5"),
        ("X = sqrt(A)", "sqrt__calculations_tmp1"),
    ] {
        let (_, r) = run(m, line);
        assert!(
            r.warnings
                .iter()
                .any(|w| matches!(w, Warning::Text { text: t, .. } if t == text)),
            "{line}: {:?}",
            r.warnings
        );
    }
    // B * (2 - A) + C with A = 2: 16 in their test.
    let mut f = Frame::from_columns(
        vec![0],
        [("A", vec![2.0]), ("B", vec![8.0]), ("C", vec![16.0])],
    )
    .unwrap();
    CalcFile::parse("X = B * (2 - A) + C", m)
        .unwrap()
        .apply(&mut f, &Context::default());
    assert_eq!(f.column("X"), Some(&[16.0][..]));
}

#[test]
fn left_to_right_skips_existing_results_and_reports() {
    let (f, r) = run(Mode::LeftToRight, "A = B + C\nX = 4 / 0\nY = A + Q");
    assert_eq!(f.column("A"), Some(&[2.0, 4.0][..]), "A unchanged");
    assert!(r.warnings.contains(&Warning::Skipped {
        line: 1,
        name: "A".into()
    }));
    assert!(
        r.warnings
            .contains(&Warning::ScalarDivisionByZero { line: 2 })
    );
    assert!(r.warnings.contains(&Warning::MissingColumn {
        line: 3,
        name: "Q".into()
    }));
    assert_eq!(r.added, ["X", "Y"]);
    // No temporary column survives.
    let (f, _) = run(Mode::LeftToRight, "X = (A + B) / (C + Z)");
    assert!(!f.names().iter().any(|n| n.contains("__calculations_tmp")));
    assert_eq!(f.column("X"), Some(&[0.625, 0.75][..]));
}

#[test]
fn left_to_right_rejects_lines_t4monitor_crashes_on() {
    for (text, col) in [("X = A + B = C", 11), ("X", 2), ("ok = A\nX A + B", 8)] {
        let e = CalcFile::parse(text, Mode::LeftToRight).unwrap_err();
        let pos = e.position().unwrap();
        assert!(pos.line.is_some() && pos.column == Some(col), "{text}: {e}");
    }
}

#[test]
fn precedence_mode_does_arithmetic_right() {
    let m = Mode::Precedence;
    let cases: &[(&str, &[f64])] = &[
        ("X = A + B * C", &[130.0, 132.0]),
        ("X = 1.0 + (A + B) / C", &[1.625, 1.75]),
        ("X = ((A + B)) * C", &[160.0, 192.0]),
        ("X = -A", &[-2.0, -4.0]),
        ("X = A - -1", &[3.0, 5.0]),
        ("X = -A ^ 2", &[-4.0, -16.0]),
        ("X = 2 ^ 3 ^ 2", &[512.0, 512.0]),
        ("X = A ** 2", &[4.0, 16.0]),
        ("X = A + 1e-3", &[2.001, 4.001]),
        ("X = A + 0x10 + 1_000", &[1018.0, 1020.0]),
        ("X = A + 1.5E+1", &[17.0, 19.0]),
        ("X = max(A, 3, N)", &[NAN, 4.0]),
        ("X = min(A, 3)", &[2.0, 3.0]),
        ("X = abs(0 - C) + sqrt(C)", &[20.0, 20.0]),
        ("X = if(A > 3, B, C)", &[16.0, 8.0]),
        ("X = if(N, 1, 0)", &[NAN, 1.0]),
        (
            "X = (A >= 4) + (A == 2) + (A != 2) * 10 + (A < 3) + (A <= 2)",
            &[3.0, 11.0],
        ),
        ("X = A / Z", &[f64::INFINITY, f64::INFINITY]),
        ("X = \"%P\" + 1", &[2.0, 3.0]),
        ("X = (%P + 1) * 2", &[4.0, 6.0]),
        ("X = 'A' * 2  ; comment", &[4.0, 8.0]),
    ];
    for (line, want) in cases {
        let got = x(m, line).unwrap_or_else(|| panic!("{line}: no column"));
        assert!(nan_eq(want, &got), "{line}: got {got:?}, want {want:?}");
    }
}

#[test]
fn quoted_names_with_spaces_and_slashes() {
    let mut f = Frame::from_columns(
        vec![0],
        [
            ("[MON.SYST]Cpu Busy", vec![50.0]),
            ("[MON.SYST]Direct I/O Rate", vec![300.0]),
        ],
    )
    .unwrap();
    let calc = CalcFile::parse(
        "X = \"[MON.SYST]Cpu Busy\" / 100 + '[MON.SYST]Direct I/O Rate'",
        Mode::Precedence,
    )
    .unwrap();
    let r = calc.apply(&mut f, &Context::default());
    assert!(r.warnings.is_empty(), "{:?}", r.warnings);
    assert_eq!(f.column("X"), Some(&[300.5][..]));
}

#[test]
fn constants_interval_and_counters() {
    let mut f = Frame::from_columns(
        vec![
            0,
            60_000_000_000,
            120_000_000_000,
            120_000_000_000,
            240_000_000_000,
        ],
        [("SM_RECEIVED", vec![100.0, 160.0, 40.0, 70.0, 130.0])],
    )
    .unwrap();
    let text = "const RETQ_MAX = 2 * 50\n\
                d = delta(SM_RECEIVED)\n\
                r = rate(SM_RECEIVED)\n\
                per_interval = SM_RECEIVED / $interval\n\
                pct = SM_RECEIVED / RETQ_MAX * 100\n\
                scaled = SM_RECEIVED * $scale";
    let calc = CalcFile::parse(text, Mode::Precedence).unwrap();
    let ctx = Context::with_interval(60.0).constant("scale", 0.5);
    let r = calc.apply(&mut f, &ctx);
    assert!(r.warnings.is_empty(), "{:?}", r.warnings);
    // 100 -> 160 (+60) -> 40 (reset: 40) -> 70 (+30, same instant) -> 130 (+60 in 120 s)
    assert!(nan_eq(
        f.column("d").unwrap(),
        &[NAN, 60.0, 40.0, 30.0, 60.0]
    ));
    assert!(nan_eq(
        f.column("r").unwrap(),
        &[NAN, 1.0, 40.0 / 60.0, 0.5, 0.5]
    ));
    assert_eq!(f.column("per_interval").unwrap()[1], 160.0 / 60.0);
    assert_eq!(f.column("pct").unwrap()[0], 100.0);
    assert_eq!(f.column("scaled").unwrap()[0], 50.0);
}

#[test]
fn missing_names_divisions_and_overwrite() {
    let (f, r) = run(
        Mode::Precedence,
        "X = A + Missing + Missing\nY = A / Z\nA = B",
    );
    assert!(nan_eq(f.column("X").unwrap(), &[NAN, NAN]));
    assert_eq!(
        r.warnings
            .iter()
            .filter(|w| matches!(w, Warning::MissingColumn { .. }))
            .count(),
        1
    );
    assert_eq!(r.divisions_by_zero, 2);
    assert!(r.warnings.contains(&Warning::Skipped {
        line: 3,
        name: "A".into()
    }));
    assert_eq!(f.column("A"), Some(&[2.0, 4.0][..]));

    let mut f = quirk_frame();
    let ctx = Context {
        overwrite: true,
        ..Context::default()
    };
    CalcFile::parse("A = B", Mode::Precedence)
        .unwrap()
        .apply(&mut f, &ctx);
    assert_eq!(f.column("A"), Some(&[8.0, 8.0][..]));
}

#[test]
fn syntax_errors_have_line_and_column() {
    let cases: &[(&str, u64, u64)] = &[
        ("X = A +", 1, 8),
        ("ok = 1\nX = (A + B", 2, 5),
        ("X = A + B)", 1, 10),
        ("X = A B", 1, 7),
        ("X = foo(A)", 1, 5),
        ("X = max()", 1, 5),
        ("X = if(A, B)", 1, 5),
        ("X = \"A + 1", 1, 5),
        ("X = A = B", 1, 7),
        ("X A + B", 1, 8),
        (" = A", 1, 2),
        ("X = $", 1, 5),
        ("X = A !B", 1, 7),
    ];
    for (text, line, column) in cases {
        let e = CalcFile::parse(text, Mode::Precedence).unwrap_err();
        assert_eq!(
            e.position(),
            Some(netmon_core::Position::line_column(*line, *column)),
            "{text:?}: {e}"
        );
    }
    let deep = format!("X = {}A{}", "(".repeat(300), ")".repeat(300));
    assert!(CalcFile::parse(&deep, Mode::Precedence).is_err());
}

#[test]
fn constants_from_the_command_line() {
    assert_eq!(
        parse_constant("retq_max=50000"),
        Ok(("retq_max".to_string(), 50000.0))
    );
    assert_eq!(parse_constant(" $k = 1e-3 "), Ok(("k".to_string(), 0.001)));
    assert!(
        parse_constant("retq_max")
            .unwrap_err()
            .contains("NAME=VALUE")
    );
    assert!(parse_constant("=5").unwrap_err().contains("a name"));
    assert!(
        parse_constant("k=lots")
            .unwrap_err()
            .contains("not a number")
    );
}
