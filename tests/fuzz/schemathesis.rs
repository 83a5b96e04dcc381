//! Schemathesis, installed once per target directory into a virtual environment (pinned by
//! `requirements.txt`, with a standard GraphQL client), one run of it against a server, and
//! one run of that client.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use tokio::sync::Mutex;

/// The installed fuzzer, and the environment's Python for the GraphQL client.
#[derive(Debug, Clone)]
pub struct Fuzzer {
    st: PathBuf,
    python: PathBuf,
}

/// The outcome of one run.
pub struct Run {
    pub passed: bool,
    /// What schemathesis printed, for the failure message.
    pub output: String,
}

fn here() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fuzz"))
}

/// Makes the virtual environment and installs the pinned requirements, unless a previous run
/// did with the same requirements.
pub async fn install() -> Fuzzer {
    static INSTALL: OnceLock<Mutex<()>> = OnceLock::new();
    let _once = INSTALL.get_or_init(|| Mutex::new(())).lock().await;
    tokio::task::spawn_blocking(install_blocking)
        .await
        .expect("the install task ran")
}

fn install_blocking() -> Fuzzer {
    let venv = Path::new(env!("CARGO_TARGET_TMPDIR")).join("schemathesis-venv");
    let requirements = here().join("requirements.txt");
    let wanted = std::fs::read_to_string(&requirements).expect("requirements.txt");
    let marker = venv.join("lyceum-requirements.txt");
    let st = venv.join("bin").join("st");
    let python = venv.join("bin").join("python");
    if std::fs::read_to_string(&marker).ok().as_deref() == Some(wanted.as_str()) && st.exists() {
        return Fuzzer { st, python };
    }
    let _ = std::fs::remove_dir_all(&venv);
    run_ok(Command::new("python3").arg("-m").arg("venv").arg(&venv));
    run_ok(
        Command::new(venv.join("bin").join("pip"))
            .args(["install", "--quiet", "--disable-pip-version-check", "-r"])
            .arg(&requirements),
    );
    std::fs::write(&marker, wanted).expect("the marker is written");
    Fuzzer { st, python }
}

fn run_ok(command: &mut Command) {
    let output = command.output().expect("the command starts");
    assert!(
        output.status.success(),
        "{command:?} failed:\n{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

impl Fuzzer {
    /// Runs `gql_client.py`: a standard Python client fetches the schema and subscribes.
    pub async fn graphql_client(&self, base: &str, key: &str, space: &str) -> Run {
        let output = tokio::process::Command::new(&self.python)
            .arg(here().join("gql_client.py"))
            .args([base, key, space])
            .kill_on_drop(true)
            .output()
            .await
            .expect("python starts");
        let mut text = String::from_utf8_lossy(&output.stdout).into_owned();
        text.push_str(&String::from_utf8_lossy(&output.stderr));
        Run {
            passed: output.status.success(),
            output: text,
        }
    }

    /// Runs every check and phase against the server at `base`, as `key`, with the paths'
    /// `space` set to `space`.
    pub async fn run(&self, base: &str, space: &str, key: &str, seed: u64) -> Run {
        let seconds = std::env::var("LYCEUM_FUZZ_SECONDS").unwrap_or_else(|_| "30".into());
        let mut command = tokio::process::Command::new(&self.st);
        command
            .arg("--no-color")
            .arg("--config-file")
            .arg(here().join("schemathesis.toml"))
            .arg("run")
            .arg(format!("{base}/openapi.json"))
            .args(["--checks", "all", "--workers", "1", "--max-time", &seconds])
            .args(["--seed", &seed.to_string()])
            .args(["--header", &format!("Authorization: Bearer {key}")])
            .env("LYCEUM_FUZZ_SPACE", space)
            // Its cache and reports go under the target directory, not into the repository.
            .current_dir(env!("CARGO_TARGET_TMPDIR"))
            .kill_on_drop(true);
        let output = command.output().await.expect("schemathesis starts");
        let mut text = String::from_utf8_lossy(&output.stdout).into_owned();
        text.push_str(&String::from_utf8_lossy(&output.stderr));
        Run {
            passed: output.status.success(),
            output: text,
        }
    }
}
