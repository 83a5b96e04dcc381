//! The local RabbitMQ, driven as an operator would: `rabbitmqctl stop_app`, `start_app` and
//! `close_all_connections`. A stopped broker is started again when its guard drops, so a
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
