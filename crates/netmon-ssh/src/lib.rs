//! netmon-ssh: SSH for netmon's collectors.
//!
//! # Architecture
//!
//! | type | what |
//! | --- | --- |
//! | [`Target`] | where to log in: host, port, user, [`Auth`], timeout |
//! | [`HostKeys`] | the known_hosts file server keys are checked against (trust on first use only when asked) |
//! | [`Session`] | a logged-in connection, direct ([`Session::connect`]) or through a jump host ([`Session::connect_via`]); runs commands with a timeout |
//! | [`SftpFolder`] | a remote folder as a [`netmon_core::FileSource`]: the same pipeline runs over it as over a local folder |
//! | [`server::serve`] | an SSH/SFTP server on loopback over any `FileSource`, for simulators and tests |
//!
//! Nothing listens locally: a jump host is crossed with an SSH
//! `direct-tcpip` channel, not a port forward, so there is no tunnel to
//! bind (t4Monitor's tunnels listened on every interface). Secrets stay in
//! [`netmon_core::Secret`]s and never reach an error message.

#![forbid(unsafe_code)]
#![warn(missing_docs, unreachable_pub, missing_debug_implementations)]
#![deny(rustdoc::broken_intra_doc_links)]

pub mod server;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use bytes::Bytes;
use netmon_core::{ChunkReader, FileEntry, FileSource, Secret, Timestamp};
use russh::client;
use russh::keys::{PrivateKeyWithHashAlg, PublicKey, known_hosts};
use tokio::io::{AsyncReadExt, AsyncSeekExt};

/// Errors of netmon-ssh; each names the host it is about.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The TCP connection or the SSH handshake failed.
    #[error("{host}:{port}: cannot connect: {message}")]
    Connect {
        /// Host.
        host: String,
        /// Port.
        port: u16,
        /// What failed.
        message: String,
    },
    /// The server's key is not in the known_hosts file (and trust on first
    /// use was not asked for).
    #[error("{host}:{port}: unknown host key {fingerprint}; add it to {} or allow trust on first use", known_hosts.display())]
    UnknownHostKey {
        /// Host.
        host: String,
        /// Port.
        port: u16,
        /// SHA-256 fingerprint of the key offered.
        fingerprint: String,
        /// The file checked.
        known_hosts: PathBuf,
    },
    /// The server's key differs from the one recorded: a possible attack.
    #[error("{host}:{port}: HOST KEY CHANGED (recorded at {}:{line}); refusing to connect", known_hosts.display())]
    HostKeyChanged {
        /// Host.
        host: String,
        /// Port.
        port: u16,
        /// The file checked.
        known_hosts: PathBuf,
        /// Line of the recorded key.
        line: usize,
    },
    /// The server refused the credentials.
    #[error("{user}@{host}:{port}: authentication failed ({method})")]
    Auth {
        /// User.
        user: String,
        /// Host.
        host: String,
        /// Port.
        port: u16,
        /// `password` or `key FILE`.
        method: String,
    },
    /// A private key could not be read.
    #[error("{}: cannot load the key: {message}", path.display())]
    Key {
        /// The key file.
        path: PathBuf,
        /// Why.
        message: String,
    },
    /// An operation took longer than its timeout.
    #[error("{host}: {what} timed out after {:.1} s", after.as_secs_f64())]
    Timeout {
        /// Host.
        host: String,
        /// The operation.
        what: String,
        /// The timeout.
        after: Duration,
    },
    /// An SSH channel or SFTP request failed.
    #[error("{host}: {what}: {message}")]
    Protocol {
        /// Host.
        host: String,
        /// The operation.
        what: String,
        /// What the library said.
        message: String,
    },
}

/// `Result` with netmon-ssh's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// How to log in.
#[derive(Debug, Clone)]
pub enum Auth {
    /// A password.
    Password(Secret<String>),
    /// A private key file (OpenSSH format), with its passphrase if any.
    Key {
        /// The key file.
        path: PathBuf,
        /// Its passphrase.
        passphrase: Option<Secret<String>>,
    },
}

/// Where to log in.
#[derive(Debug, Clone)]
pub struct Target {
    /// Host name or address.
    pub host: String,
    /// SSH port.
    pub port: u16,
    /// User name.
    pub user: String,
    /// Credentials.
    pub auth: Auth,
    /// Timeout of the connection and login, and of each SFTP request.
    pub timeout: Duration,
}

/// The server keys a client accepts.
#[derive(Debug, Clone)]
pub struct HostKeys {
    /// An OpenSSH known_hosts file (`[host]:port` entries for ports other
    /// than 22).
    pub known_hosts: PathBuf,
    /// Record an unknown key instead of refusing it. Off by default: turn
    /// it on only for a first connection over a network you trust.
    pub trust_on_first_use: bool,
}

/// The outcome of the host-key check, kept by the handler for the error.
#[derive(Debug, Default)]
enum KeyVerdict {
    #[default]
    NotChecked,
    Accepted,
    Unknown(String),
    Changed(usize),
    Failed(String),
}

/// The russh client handler: checks the server key.
#[derive(Debug)]
struct Checker {
    host: String,
    port: u16,
    keys: HostKeys,
    verdict: Arc<std::sync::Mutex<KeyVerdict>>,
}

impl Checker {
    fn set(&self, v: KeyVerdict) {
        if let Ok(mut g) = self.verdict.lock() {
            *g = v;
        }
    }

    /// Records an unknown key when trust on first use is on; refuses it
    /// otherwise.
    fn unknown(&self, key: &PublicKey) -> bool {
        if !self.keys.trust_on_first_use {
            let fingerprint = key.fingerprint(Default::default()).to_string();
            self.set(KeyVerdict::Unknown(fingerprint));
            return false;
        }
        match known_hosts::learn_known_hosts_path(
            &self.host,
            self.port,
            key,
            &self.keys.known_hosts,
        ) {
            Ok(()) => {
                self.set(KeyVerdict::Accepted);
                true
            }
            Err(e) => {
                self.set(KeyVerdict::Failed(e.to_string()));
                false
            }
        }
    }

    fn check(&self, key: &PublicKey) -> bool {
        match known_hosts::check_known_hosts_path(
            &self.host,
            self.port,
            key,
            &self.keys.known_hosts,
        ) {
            Ok(true) => {
                self.set(KeyVerdict::Accepted);
                true
            }
            Ok(false) => self.unknown(key),
            // A missing known_hosts file is an empty one.
            Err(russh::keys::Error::IO(e)) if e.kind() == std::io::ErrorKind::NotFound => {
                self.unknown(key)
            }
            Err(russh::keys::Error::KeyChanged { line }) => {
                self.set(KeyVerdict::Changed(line));
                false
            }
            Err(e) => {
                self.set(KeyVerdict::Failed(e.to_string()));
                false
            }
        }
    }
}

impl client::Handler for Checker {
    type Error = russh::Error;

    async fn check_server_key(
        &mut self,
        key: &russh::keys::PublicKeyOrCertificate,
    ) -> Result<bool, Self::Error> {
        Ok(match key {
            russh::keys::PublicKeyOrCertificate::PublicKey { key, .. } => self.check(key),
            // Certificates need a CA the settings do not name: refused.
            russh::keys::PublicKeyOrCertificate::Certificate(_) => {
                self.set(KeyVerdict::Failed(
                    "host certificates are not supported".into(),
                ));
                false
            }
        })
    }
}

/// A logged-in SSH connection.
pub struct Session {
    handle: client::Handle<Checker>,
    target: Target,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("host", &self.target.host)
            .field("port", &self.target.port)
            .field("user", &self.target.user)
            .finish()
    }
}

/// What a remote command gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommandOutput {
    /// Standard output.
    pub stdout: Vec<u8>,
    /// Standard error.
    pub stderr: Vec<u8>,
    /// Exit status, when the server sent one.
    pub status: Option<u32>,
}

fn protocol(host: &str, what: &str, e: impl std::fmt::Display) -> Error {
    Error::Protocol {
        host: host.to_string(),
        what: what.to_string(),
        message: e.to_string(),
    }
}

async fn within<T>(
    host: &str,
    what: &str,
    after: Duration,
    f: impl std::future::Future<Output = Result<T>>,
) -> Result<T> {
    tokio::time::timeout(after, f)
        .await
        .map_err(|_| Error::Timeout {
            host: host.to_string(),
            what: what.to_string(),
            after,
        })?
}

impl Session {
    /// Connects straight to the target.
    pub async fn connect(target: &Target, keys: &HostKeys) -> Result<Session> {
        let host = target.host.clone();
        within(&host, "connecting", target.timeout, async {
            let stream = tokio::net::TcpStream::connect((target.host.as_str(), target.port))
                .await
                .map_err(|e| Error::Connect {
                    host: target.host.clone(),
                    port: target.port,
                    message: e.to_string(),
                })?;
            let _ = stream.set_nodelay(true);
            Self::handshake(target, keys, stream).await
        })
        .await
    }

    /// Connects to the target through this session as a jump host: a
    /// `direct-tcpip` channel carries the inner SSH connection (OpenSSH's
    /// ProxyJump). Host keys of both hops are checked.
    pub async fn connect_via(&self, target: &Target, keys: &HostKeys) -> Result<Session> {
        let host = target.host.clone();
        within(
            &host,
            "connecting through the gateway",
            target.timeout,
            async {
                let channel = self
                    .handle
                    .channel_open_direct_tcpip(
                        target.host.clone(),
                        u32::from(target.port),
                        "127.0.0.1",
                        0,
                    )
                    .await
                    .map_err(|e| Error::Connect {
                        host: target.host.clone(),
                        port: target.port,
                        message: format!("through {}: {e}", self.target.host),
                    })?;
                Self::handshake(target, keys, channel.into_stream()).await
            },
        )
        .await
    }

    async fn handshake<S>(target: &Target, keys: &HostKeys, stream: S) -> Result<Session>
    where
        S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
    {
        let verdict = Arc::new(std::sync::Mutex::new(KeyVerdict::NotChecked));
        let checker = Checker {
            host: target.host.clone(),
            port: target.port,
            keys: keys.clone(),
            verdict: verdict.clone(),
        };
        let config = Arc::new(client::Config {
            inactivity_timeout: Some(Duration::from_secs(600)),
            ..client::Config::default()
        });
        let connected = client::connect_stream(config, stream, checker).await;
        let verdict = verdict
            .lock()
            .map(|mut g| std::mem::take(&mut *g))
            .unwrap_or_default();
        let mut handle = match (connected, verdict) {
            (Ok(h), _) => h,
            (Err(_), KeyVerdict::Unknown(fingerprint)) => {
                return Err(Error::UnknownHostKey {
                    host: target.host.clone(),
                    port: target.port,
                    fingerprint,
                    known_hosts: keys.known_hosts.clone(),
                });
            }
            (Err(_), KeyVerdict::Changed(line)) => {
                return Err(Error::HostKeyChanged {
                    host: target.host.clone(),
                    port: target.port,
                    known_hosts: keys.known_hosts.clone(),
                    line,
                });
            }
            (Err(e), KeyVerdict::Failed(why)) => {
                return Err(Error::Connect {
                    host: target.host.clone(),
                    port: target.port,
                    message: format!("{e}: {why}"),
                });
            }
            (Err(e), _) => {
                return Err(Error::Connect {
                    host: target.host.clone(),
                    port: target.port,
                    message: e.to_string(),
                });
            }
        };
        let (result, method) = match &target.auth {
            Auth::Password(p) => (
                handle
                    .authenticate_password(&target.user, p.expose().as_str())
                    .await,
                "password".to_string(),
            ),
            Auth::Key { path, passphrase } => {
                let key = russh::keys::load_secret_key(
                    path,
                    passphrase.as_ref().map(|p| p.expose().as_str()),
                )
                .map_err(|e| Error::Key {
                    path: path.clone(),
                    message: e.to_string(),
                })?;
                let hash = handle
                    .best_supported_rsa_hash()
                    .await
                    .ok()
                    .flatten()
                    .flatten();
                (
                    handle
                        .authenticate_publickey(
                            &target.user,
                            PrivateKeyWithHashAlg::new(Arc::new(key), hash),
                        )
                        .await,
                    format!("key {}", path.display()),
                )
            }
        };
        match result {
            Ok(r) if r.success() => Ok(Session {
                handle,
                target: target.clone(),
            }),
            Ok(_) => Err(Error::Auth {
                user: target.user.clone(),
                host: target.host.clone(),
                port: target.port,
                method,
            }),
            Err(e) => Err(protocol(&target.host, "authenticating", e)),
        }
    }

    /// Runs a command and collects its output, within `timeout`.
    pub async fn exec(&self, command: &str, timeout: Duration) -> Result<CommandOutput> {
        let host = self.target.host.clone();
        within(&host, &format!("command {command:?}"), timeout, async {
            let mut channel = self
                .handle
                .channel_open_session()
                .await
                .map_err(|e| protocol(&host, "opening a session channel", e))?;
            channel
                .exec(true, command)
                .await
                .map_err(|e| protocol(&host, "starting the command", e))?;
            let mut out = CommandOutput {
                stdout: Vec::new(),
                stderr: Vec::new(),
                status: None,
            };
            while let Some(msg) = channel.wait().await {
                match msg {
                    russh::ChannelMsg::Data { data } => out.stdout.extend_from_slice(&data),
                    russh::ChannelMsg::ExtendedData { data, .. } => {
                        out.stderr.extend_from_slice(&data)
                    }
                    russh::ChannelMsg::ExitStatus { exit_status } => out.status = Some(exit_status),
                    _ => {}
                }
            }
            Ok(out)
        })
        .await
    }

    /// The SFTP view of a remote folder (`.` for the login folder).
    pub async fn sftp(&self, folder: &str) -> Result<SftpFolder> {
        let host = self.target.host.clone();
        within(&host, "starting SFTP", self.target.timeout, async {
            let channel = self
                .handle
                .channel_open_session()
                .await
                .map_err(|e| protocol(&host, "opening a session channel", e))?;
            channel
                .request_subsystem(true, "sftp")
                .await
                .map_err(|e| protocol(&host, "requesting the sftp subsystem", e))?;
            let sftp = russh_sftp::client::SftpSession::new(channel.into_stream())
                .await
                .map_err(|e| protocol(&host, "starting SFTP", e))?;
            Ok(SftpFolder {
                sftp: Arc::new(sftp),
                folder: if folder.is_empty() {
                    ".".into()
                } else {
                    folder.to_string()
                },
                name: format!(
                    "sftp://{}@{}:{}/{}",
                    self.target.user, host, self.target.port, folder
                ),
                timeout: self.target.timeout,
            })
        })
        .await
    }
}

/// A remote folder over SFTP, as a [`FileSource`].
pub struct SftpFolder {
    sftp: Arc<russh_sftp::client::SftpSession>,
    folder: String,
    name: String,
    timeout: Duration,
}

impl std::fmt::Debug for SftpFolder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SftpFolder")
            .field("name", &self.name)
            .finish()
    }
}

impl SftpFolder {
    fn path(&self, name: &str) -> String {
        if self.folder == "." {
            name.to_string()
        } else {
            format!("{}/{}", self.folder.trim_end_matches('/'), name)
        }
    }

    fn error(&self, what: &str, e: impl std::fmt::Display) -> netmon_core::Error {
        netmon_core::Error::Source {
            source_name: self.name.clone(),
            message: format!("{what}: {e}"),
        }
    }
}

struct SftpReader {
    file: russh_sftp::client::fs::File,
    name: String,
    timeout: Duration,
}

#[async_trait]
impl ChunkReader for SftpReader {
    async fn next_chunk(&mut self) -> netmon_core::Result<Option<Bytes>> {
        let mut buf = vec![0u8; 64 * 1024];
        let n = tokio::time::timeout(self.timeout, self.file.read(&mut buf))
            .await
            .map_err(|_| netmon_core::Error::Source {
                source_name: self.name.clone(),
                message: format!("read timed out after {:.1} s", self.timeout.as_secs_f64()),
            })?
            .map_err(|e| netmon_core::Error::Source {
                source_name: self.name.clone(),
                message: format!("reading: {e}"),
            })?;
        if n == 0 {
            return Ok(None);
        }
        buf.truncate(n);
        Ok(Some(Bytes::from(buf)))
    }
}

#[async_trait]
impl FileSource for SftpFolder {
    fn describe(&self) -> String {
        self.name.clone()
    }

    async fn list(&self) -> netmon_core::Result<Vec<FileEntry>> {
        let dir = tokio::time::timeout(self.timeout, self.sftp.read_dir(self.folder.clone()))
            .await
            .map_err(|_| self.error("listing", "timed out"))?
            .map_err(|e| self.error("listing", e))?;
        let mut out: Vec<FileEntry> = dir
            .filter(|e| e.metadata().is_regular())
            .map(|e| {
                let meta = e.metadata();
                FileEntry {
                    name: e.file_name(),
                    size: meta.len(),
                    modified: meta.mtime.and_then(|s| Timestamp::from_secs(i64::from(s))),
                }
            })
            .collect();
        out.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(out)
    }

    async fn open(&self, name: &str, offset: u64) -> netmon_core::Result<Box<dyn ChunkReader>> {
        if name.is_empty() || name.contains(['/', '\\', '\0']) || name == "." || name == ".." {
            return Err(netmon_core::Error::InvalidFileName {
                source_name: self.name.clone(),
                name: name.to_string(),
                reason: "not a plain file name",
            });
        }
        let mut file = tokio::time::timeout(self.timeout, self.sftp.open(self.path(name)))
            .await
            .map_err(|_| self.error(name, "opening timed out"))?
            .map_err(|e| match &e {
                russh_sftp::client::error::Error::Status(s)
                    if s.status_code == russh_sftp::protocol::StatusCode::NoSuchFile =>
                {
                    netmon_core::Error::FileNotFound {
                        source_name: self.name.clone(),
                        name: name.to_string(),
                    }
                }
                _ => self.error(name, e),
            })?;
        if offset > 0 {
            file.seek(std::io::SeekFrom::Start(offset))
                .await
                .map_err(|e| self.error(name, e))?;
        }
        Ok(Box::new(SftpReader {
            file,
            name: format!("{}/{}", self.name, name),
            timeout: self.timeout,
        }))
    }
}
