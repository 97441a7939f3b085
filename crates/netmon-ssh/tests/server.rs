//! The simulator's SSH/SFTP server, through the crate's own client.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use netmon_core::{FileSource, MemorySource, Secret, Timestamp};
use netmon_ssh::server::{ServerOptions, serve};
use netmon_ssh::{Auth, Error, HostKeys, Session, Target};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serves_files_and_commands_to_the_client() {
    let files = MemorySource::new("smsc");
    let big: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
    files
        .insert(
            "giw_smsc1_19nov2015.csv",
            big.clone(),
            Timestamp::from_secs(1_447_891_200),
        )
        .unwrap();
    files
        .insert("smh_smsc1_19nov2015.csv", b"small".to_vec(), None)
        .unwrap();
    let commands = HashMap::from([("@log_mon".to_string(), ("-E-, no licence\n".to_string(), 0))]);
    let server = serve(ServerOptions {
        user: "smsc".into(),
        password: Secret::new("s3cret".into()),
        files: Arc::new(files),
        commands,
    })
    .await
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let keys = HostKeys {
        known_hosts: dir.path().join("known_hosts"),
        trust_on_first_use: false,
    };
    let target = |password: &str| Target {
        host: "127.0.0.1".into(),
        port: server.addr.port(),
        user: "smsc".into(),
        auth: Auth::Password(Secret::new(password.into())),
        timeout: Duration::from_secs(10),
    };
    // The key is checked like any server's: unknown first, then known.
    assert!(matches!(
        Session::connect(&target("s3cret"), &keys).await,
        Err(Error::UnknownHostKey { .. })
    ));
    std::fs::write(&keys.known_hosts, &server.known_hosts_line).unwrap();

    let session = Session::connect(&target("s3cret"), &keys).await.unwrap();
    let folder = session.sftp("smsc$root:[monitor.out]").await.unwrap();
    let listed = folder.list().await.unwrap();
    assert_eq!(listed.len(), 2);
    assert_eq!(
        (listed[0].size, listed[0].modified),
        (200_000, Timestamp::from_secs(1_447_891_200))
    );
    assert!(folder.read("giw_smsc1_19nov2015.csv").await.unwrap()[..] == big[..]);
    assert!(
        folder
            .read_from("giw_smsc1_19nov2015.csv", 150_000)
            .await
            .unwrap()[..]
            == big[150_000..]
    );
    assert!(folder.read("missing.csv").await.is_err());

    let out = session
        .exec("@log_mon", Duration::from_secs(5))
        .await
        .unwrap();
    assert_eq!(
        (out.stdout.as_slice(), out.status),
        (&b"-E-, no licence\n"[..], Some(0))
    );
    let out = session
        .exec("rm -rf /", Duration::from_secs(5))
        .await
        .unwrap();
    assert_eq!(out.status, Some(127));

    let e = Session::connect(&target("wrong"), &keys).await.unwrap_err();
    assert!(matches!(e, Error::Auth { .. }), "{e}");
}
