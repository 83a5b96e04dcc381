//! The local RabbitMQ (and PostgreSQL), driven as an operator would: `rabbitmqctl stop_app`,
//! `start_app` and `close_all_connections`, and `pg_ctlcluster … restart`. A stopped broker is started again when its guard drops, so a
//! failing test never leaves the machine without one.

use std::process::Command;
use std::time::Duration;

fn rabbitmqctl(args: &[&str]) {
    let output = Command::new("rabbitmqctl")
        .args(args)
        .output()
        .expect("rabbitmqctl runs");
    assert!(output.status.success(), "rabbitmqctl {args:?}: {output:?}");
}

/// A stopped broker application; dropping it starts the broker again.
pub struct Stopped {
    started: bool,
}

/// Stops the broker application: every connection drops and the port closes.
pub async fn stop_app() -> Stopped {
    let stopped = Stopped { started: false };
    tokio::task::spawn_blocking(|| rabbitmqctl(&["stop_app"]))
        .await
        .unwrap();
    stopped
}

impl Stopped {
    /// Starts the broker again and waits until it takes connections.
    pub async fn start(mut self) {
        self.started = true;
        tokio::task::spawn_blocking(|| {
            rabbitmqctl(&["start_app"]);
            rabbitmqctl(&["await_startup"]);
        })
        .await
        .unwrap();
        wait_for_port().await;
    }
}

impl Drop for Stopped {
    fn drop(&mut self) {
        if !self.started {
            let _ = Command::new("rabbitmqctl").arg("start_app").status();
        }
    }
}

/// Closes every client connection from the broker's side, as an operator or a load balancer
/// might.
pub async fn close_all_connections() {
    tokio::task::spawn_blocking(|| {
        rabbitmqctl(&["close_all_connections", "lyceum test: closed by the broker"]);
    })
    .await
    .unwrap();
}

/// Restarts the local PostgreSQL cluster in fast mode: every session is cut.
pub async fn restart_postgres() {
    tokio::task::spawn_blocking(|| {
        let version = std::fs::read_dir("/etc/postgresql")
            .expect("PostgreSQL is installed")
            .filter_map(|entry| entry.ok())
            .map(|entry| entry.file_name().to_string_lossy().into_owned())
            .next()
            .expect("a PostgreSQL cluster");
        let status = Command::new("pg_ctlcluster")
            .args([
                "--skip-systemctl-redirect",
                &version,
                "main",
                "restart",
                "-m",
                "fast",
            ])
            .status()
            .expect("pg_ctlcluster runs");
        assert!(status.success(), "pg_ctlcluster restart: {status}");
    })
    .await
    .unwrap();
}

async fn wait_for_port() {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    while tokio::net::TcpStream::connect("127.0.0.1:5672")
        .await
        .is_err()
    {
        assert!(
            tokio::time::Instant::now() < deadline,
            "RabbitMQ did not come back"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
