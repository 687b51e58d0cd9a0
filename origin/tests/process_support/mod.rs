//! The origin binary run as production runs it: one process per role, on a shop of its own
//! (a SQLite file, a JetStream stream, an admin token), with its log kept in a file.

#![allow(dead_code)] // each test binary uses its own part

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

pub const ADMIN_TOKEN: &str = "roles-test-admin-token-0123456789";
pub const NATS: &str = "127.0.0.1:4222";

/// One role's process, killed if the test ends before it was stopped.
pub struct RoleProcess {
    pub name: &'static str,
    child: Option<Child>,
    log: PathBuf,
}

impl RoleProcess {
    /// Sends SIGTERM, as Kubernetes does, and waits for the process to exit.
    pub fn terminate(mut self) -> ExitStatus {
        let mut child = self.child.take().expect("running");
        let sent = Command::new("kill").args(["-TERM", &child.id().to_string()]).status().expect("kill runs");
        assert!(sent.success(), "SIGTERM sent to {}", self.name);
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Some(status) = child.try_wait().expect("waiting works") {
                return status;
            }
            assert!(Instant::now() < deadline, "{} did not stop on SIGTERM; log:\n{}", self.name, self.log());
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for RoleProcess {
    fn drop(&mut self) {
        if let Some(child) = &mut self.child {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// The environment every role of one shop shares: its database, its own JetStream stream.
pub struct Shop {
    pub dir: PathBuf,
    pub env: Vec<(String, String)>,
    pub api: SocketAddr,
}

impl Shop {
    pub fn new() -> Shop {
        let dir = std::env::temp_dir().join(format!("linkedall-roles-{}", uuid::Uuid::new_v4().simple()));
        std::fs::create_dir_all(&dir).unwrap();
        let api = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
        let unique = uuid::Uuid::new_v4().simple().to_string();
        let env = [
            ("LINKEDALL_DATABASE_URL", format!("sqlite://{}", dir.join("shop.db").display())),
            ("LINKEDALL_ORIGIN_LISTEN", api.to_string()),
            ("LINKEDALL_NATS_URL", format!("nats://{NATS}")),
            ("LINKEDALL_EVENTS_STREAM", format!("ROLES_{unique}")),
            ("LINKEDALL_EVENTS_SUBJECT_PREFIX", format!("roles{unique}")),
            ("LINKEDALL_ADMIN_TOKEN", ADMIN_TOKEN.to_owned()),
            ("LINKEDALL_MEDIA_DIR", dir.join("media").display().to_string()),
            ("LINKEDALL_RELAY_POLL_MS", "50".to_owned()),
        ];
        Shop { dir, env: env.into_iter().map(|(k, v)| (k.to_owned(), v)).collect(), api }
    }

    pub fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_linkedall-origin"));
        command.args(args);
        for (key, _) in std::env::vars().filter(|(k, _)| k.starts_with("LINKEDALL_")) {
            command.env_remove(key);
        }
        command.envs(self.env.iter().map(|(k, v)| (k, v)));
        command
    }

    /// Runs a one-shot job (`migrate`, `seed`), which must succeed.
    pub fn run(&self, args: &[&str]) {
        let output = self.command(args).output().expect("the origin binary runs");
        assert!(output.status.success(), "{args:?} failed: {}", String::from_utf8_lossy(&output.stderr));
    }

    pub fn start(&self, name: &'static str) -> RoleProcess {
        self.start_with(name, &[])
    }

    pub fn start_with(&self, name: &'static str, env: &[(&str, String)]) -> RoleProcess {
        let log = self.dir.join(format!("{name}.log"));
        let file = std::fs::File::create(&log).unwrap();
        let child = self
            .command(&[name])
            .envs(env.iter().map(|(k, v)| (k, v)))
            .stdout(Stdio::from(file.try_clone().unwrap()))
            .stderr(Stdio::from(file))
            .spawn()
            .expect("the role starts");
        RoleProcess { name, child: Some(child), log }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.api)
    }
}

impl Drop for Shop {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

pub fn nats_is_up() -> bool {
    match TcpStream::connect(NATS) {
        Ok(_) => true,
        Err(error) if std::env::var("CI").is_ok_and(|v| v == "true" || v == "1") => {
            panic!("NATS JetStream at {NATS} is required when CI=true: {error}")
        }
        Err(error) => {
            eprintln!("SKIPPED: NATS at {NATS} is unreachable ({error}); set CI=true to make this a failure");
            false
        }
    }
}

pub async fn until<F, Fut>(what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = Instant::now() + Duration::from_secs(30);
    while !check().await {
        assert!(Instant::now() < deadline, "gave up waiting: {what}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
