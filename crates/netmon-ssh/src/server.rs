//! An SSH server for simulators and tests: any [`FileSource`] served
//! read-only over SFTP, commands answered from a table, password login.
//!
//! It listens on 127.0.0.1 only, with a host key made for the run; the
//! [`RunningServer::known_hosts_line`] lets clients check that key as they
//! would a real server's. The simulated SMSCs of `smsc_monitor` run behind
//! it, so the embedded default exercises the real SSH and SFTP path.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;

use netmon_core::{FileSource, Secret};
use russh::server::{Auth, ChannelOpenHandle, Msg, Session};
use russh::{Channel, ChannelId};
use russh_sftp::protocol::{
    Attrs, Data, File, FileAttributes, Handle, Name, Status, StatusCode, Version,
};
use tokio::sync::Mutex;

/// What a [`serve`] serves.
#[derive(Clone)]
pub struct ServerOptions {
    /// The one user accepted.
    pub user: String,
    /// Its password.
    pub password: Secret<String>,
    /// The files, served read-only at the login folder (any folder path
    /// names the same files).
    pub files: Arc<dyn FileSource>,
    /// Command text → (output, exit status); anything else exits 127.
    pub commands: HashMap<String, (String, u32)>,
}

impl std::fmt::Debug for ServerOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServerOptions")
            .field("user", &self.user)
            .field("files", &self.files.describe())
            .finish()
    }
}

/// A server running in the background until dropped.
#[derive(Debug)]
pub struct RunningServer {
    /// Where it listens (127.0.0.1 and a free port).
    pub addr: SocketAddr,
    /// Its host key as a known_hosts line.
    pub known_hosts_line: String,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for RunningServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Starts a server on 127.0.0.1 and a free port.
pub async fn serve(opts: ServerOptions) -> std::io::Result<RunningServer> {
    let key = russh::keys::PrivateKey::random(&mut rand::rng(), russh::keys::Algorithm::Ed25519)
        .map_err(std::io::Error::other)?;
    let public = key
        .public_key()
        .to_openssh()
        .map_err(std::io::Error::other)?;
    let config = Arc::new(russh::server::Config {
        keys: vec![key],
        auth_rejection_time: std::time::Duration::from_millis(200),
        auth_rejection_time_initial: Some(std::time::Duration::ZERO),
        ..Default::default()
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let task = tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let handler = SshHandler {
                opts: opts.clone(),
                channels: Arc::default(),
            };
            let config = config.clone();
            // One bad client ends its own session, never the server.
            tokio::spawn(async move {
                if let Ok(session) = russh::server::run_stream(config, stream, handler).await {
                    let _ = session.await;
                }
            });
        }
    });
    Ok(RunningServer {
        addr,
        known_hosts_line: format!("[127.0.0.1]:{} {public}\n", addr.port()),
        task,
    })
}

struct SshHandler {
    opts: ServerOptions,
    channels: Arc<Mutex<HashMap<ChannelId, Channel<Msg>>>>,
}

impl russh::server::Handler for SshHandler {
    type Error = russh::Error;

    async fn auth_password(&mut self, user: &str, password: &str) -> Result<Auth, Self::Error> {
        if user == self.opts.user
            && self.opts.password.ct_eq(password.as_bytes())
            && !password.is_empty()
        {
            Ok(Auth::Accept)
        } else {
            Ok(Auth::reject())
        }
    }

    async fn channel_open_session(
        &mut self,
        channel: Channel<Msg>,
        reply: ChannelOpenHandle,
        _session: &mut Session,
    ) -> Result<(), Self::Error> {
        self.channels.lock().await.insert(channel.id(), channel);
        reply.accept().await;
        Ok(())
    }

    async fn subsystem_request(
        &mut self,
        id: ChannelId,
        name: &str,
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        let channel = self.channels.lock().await.remove(&id);
        match (name, channel) {
            ("sftp", Some(channel)) => {
                session.channel_success(id)?;
                let sftp = SftpHandler {
                    files: self.opts.files.clone(),
                    open: HashMap::new(),
                    next: 0,
                };
                tokio::spawn(russh_sftp::server::run(channel.into_stream(), sftp));
            }
            _ => session.channel_failure(id)?,
        }
        Ok(())
    }

    async fn exec_request(
        &mut self,
        id: ChannelId,
        data: &[u8],
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        self.channels.lock().await.remove(&id);
        let command = String::from_utf8_lossy(data).into_owned();
        let (output, status) = self
            .opts
            .commands
            .get(&command)
            .cloned()
            .unwrap_or_else(|| (format!("{command}: command not found\n"), 127));
        session.channel_success(id)?;
        session.data(id, output.into_bytes())?;
        session.exit_status_request(id, status)?;
        session.eof(id)?;
        session.close(id)?;
        Ok(())
    }

    async fn channel_eof(
        &mut self,
        id: ChannelId,
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        session.close(id)?;
        Ok(())
    }
}

/// What an SFTP handle stands for.
enum Open {
    Dir { listed: bool },
    File(String),
}

struct SftpHandler {
    files: Arc<dyn FileSource>,
    open: HashMap<String, Open>,
    next: u64,
}

/// The last part of a path: files are served flat.
fn base(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

impl SftpHandler {
    fn handle(&mut self, what: Open) -> String {
        self.next += 1;
        let h = format!("h{}", self.next);
        self.open.insert(h.clone(), what);
        h
    }

    async fn attrs(&self, name: &str) -> Result<FileAttributes, StatusCode> {
        let listing = self.files.list().await.map_err(|_| StatusCode::Failure)?;
        let entry = listing
            .iter()
            .find(|e| e.name == name)
            .ok_or(StatusCode::NoSuchFile)?;
        let mut a = FileAttributes::empty();
        a.size = Some(entry.size);
        a.permissions = Some(0o100_444);
        a.mtime = entry
            .modified
            .map(|t| u32::try_from(t.as_secs().max(0)).unwrap_or(u32::MAX));
        Ok(a)
    }
}

impl russh_sftp::server::Handler for SftpHandler {
    type Error = StatusCode;

    fn unimplemented(&self) -> Self::Error {
        StatusCode::OpUnsupported
    }

    async fn init(
        &mut self,
        _version: u32,
        _ext: HashMap<String, String>,
    ) -> Result<Version, Self::Error> {
        Ok(Version::new())
    }

    async fn realpath(&mut self, id: u32, path: String) -> Result<Name, Self::Error> {
        let path = if path.is_empty() || path == "." {
            "/".to_string()
        } else {
            path
        };
        Ok(Name {
            id,
            files: vec![File::dummy(path)],
        })
    }

    async fn opendir(&mut self, id: u32, _path: String) -> Result<Handle, Self::Error> {
        let handle = self.handle(Open::Dir { listed: false });
        Ok(Handle { id, handle })
    }

    async fn readdir(&mut self, id: u32, handle: String) -> Result<Name, Self::Error> {
        match self.open.get_mut(&handle) {
            Some(Open::Dir { listed }) if !*listed => *listed = true,
            Some(Open::Dir { .. }) => return Err(StatusCode::Eof),
            _ => return Err(StatusCode::Failure),
        }
        let listing = self.files.list().await.map_err(|_| StatusCode::Failure)?;
        let mut files = Vec::with_capacity(listing.len());
        for e in &listing {
            files.push(File::new(e.name.clone(), self.attrs(&e.name).await?));
        }
        Ok(Name { id, files })
    }

    async fn open(
        &mut self,
        id: u32,
        filename: String,
        _flags: russh_sftp::protocol::OpenFlags,
        _attrs: FileAttributes,
    ) -> Result<Handle, Self::Error> {
        let name = base(&filename).to_string();
        self.attrs(&name).await?;
        let handle = self.handle(Open::File(name));
        Ok(Handle { id, handle })
    }

    async fn read(
        &mut self,
        id: u32,
        handle: String,
        offset: u64,
        len: u32,
    ) -> Result<Data, Self::Error> {
        let Some(Open::File(name)) = self.open.get(&handle) else {
            return Err(StatusCode::Failure);
        };
        let rest = self
            .files
            .read_from(name, offset)
            .await
            .map_err(|_| StatusCode::Failure)?;
        if rest.is_empty() {
            return Err(StatusCode::Eof);
        }
        let n = rest.len().min(len as usize);
        Ok(Data {
            id,
            data: rest[..n].to_vec(),
        })
    }

    async fn close(&mut self, id: u32, handle: String) -> Result<Status, Self::Error> {
        self.open.remove(&handle);
        Ok(Status {
            id,
            status_code: StatusCode::Ok,
            error_message: "Ok".into(),
            language_tag: "en-US".into(),
        })
    }

    async fn stat(&mut self, id: u32, path: String) -> Result<Attrs, Self::Error> {
        let attrs = self.attrs(base(&path)).await?;
        Ok(Attrs { id, attrs })
    }

    async fn lstat(&mut self, id: u32, path: String) -> Result<Attrs, Self::Error> {
        let attrs = self.attrs(base(&path)).await?;
        Ok(Attrs { id, attrs })
    }

    async fn fstat(&mut self, id: u32, handle: String) -> Result<Attrs, Self::Error> {
        let Some(Open::File(name)) = self.open.get(&handle) else {
            return Err(StatusCode::Failure);
        };
        let name = name.clone();
        let attrs = self.attrs(&name).await?;
        Ok(Attrs { id, attrs })
    }
}
